//! Reading the CLI's input files (or standard input, named `-`), and the failure every command
//! returns.
//!
//! File and JSON problems become `ClientException: FILE:LINE:COLUMN: PATH: ...`, so an editor
//! can jump to the spot; a request member the API does not have is an
//! `InvalidParameterException` naming the nearest member; library errors keep their own
//! exception name.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use ecs_placement::aws::read::{RequestShape, request, text_from_bytes};
use ecs_placement::aws::shapes::UnknownMember;
use ecs_placement::model::{Snapshot, SnapshotFile};
use ecs_placement::{EcsError, ExceptionName};

/// Why a command could not do its job: the ECS exception, and optional extra lines for people
/// (a diagnostic with a caret, say) printed after the first line.
#[derive(Debug)]
pub struct Failure {
    pub error: EcsError,
    pub detail: Option<String>,
}

impl Failure {
    /// The first line of stderr.
    pub fn headline(&self) -> String {
        let first_line = self.error.message.lines().next().unwrap_or_default();
        format!("{}: {first_line}", self.error.exception)
    }
}

impl From<EcsError> for Failure {
    fn from(error: EcsError) -> Self {
        Self {
            error,
            detail: None,
        }
    }
}

/// Whether standard input was read already: `-` may stand for one input only.
static STDIN_TAKEN: AtomicBool = AtomicBool::new(false);

/// How a path is shown in messages: `-` is standard input.
pub fn shown(path: &Path) -> Cow<'_, str> {
    if is_stdin(path) {
        Cow::Borrowed("<stdin>")
    } else {
        path.to_string_lossy()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads a whole input as text: the file, or standard input for `-`; UTF-8 with or without a
/// byte-order mark, or UTF-16 with one.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    let name = shown(path);
    let bytes = if is_stdin(path) {
        if STDIN_TAKEN.swap(true, Ordering::SeqCst) {
            return Err(EcsError::invalid_parameter(
                "`-` (standard input) is given for two inputs; it can be read once: give a file for the other",
            )
            .into());
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| EcsError::client(format!("{name}: cannot read standard input: {e}")))?;
        bytes
    } else {
        std::fs::read(path)
            .map_err(|e| EcsError::client(format!("{name}: cannot read the file: {e}")))?
    };
    let text = text_from_bytes(&bytes).map_err(|e| e.in_source(&name))?;
    Ok(text.into_owned())
}

/// Reads a request file (RunTask or StartTask syntax): a member the API does not have is
/// refused, and errors name the file, line, column and member path.
pub fn read_json<T: RequestShape>(path: &Path) -> Result<T, Failure> {
    let text = read_text(path)?;
    request(&text, T::SHAPE).map_err(|e| e.in_source(&shown(path)).into())
}

/// Reads and validates a snapshot file; members the API model lacks are accepted.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, Failure> {
    read_snapshot_noting(path).map(|(snapshot, _)| snapshot)
}

/// Reads and validates a snapshot file, and gives the members the API model lacks (which the
/// snapshot keeps loading with) for `validate` to show.
pub fn read_snapshot_noting(path: &Path) -> Result<(Snapshot, Vec<UnknownMember>), Failure> {
    let name = shown(path);
    let text = read_text(path)?;
    let (file, unknown) = SnapshotFile::from_json(&text).map_err(|e| e.in_source(&name))?;
    let snapshot = Snapshot::try_from(file)
        .map_err(|e| EcsError::new(ExceptionName::ClientException, format!("{name}: {e}")))?;
    Ok((snapshot, unknown))
}
