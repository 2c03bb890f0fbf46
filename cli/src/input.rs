//! Reading the CLI's input files, and the failure every command returns.
//!
//! File and JSON problems become `ClientException: FILE:LINE:COLUMN: ...`, so an editor can jump
//! to the spot; library errors keep their own exception name.

use std::fs;
use std::path::Path;

use ecs_placement::model::{Snapshot, SnapshotFile};
use ecs_placement::{EcsError, ExceptionName};
use serde::de::DeserializeOwned;

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

/// Reads a JSON file into `T`; errors name the file, line and column.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let shown = path.display();
    let text = fs::read_to_string(path)
        .map_err(|e| EcsError::client(format!("{shown}: cannot read the file: {e}")))?;
    serde_json::from_str(&text).map_err(|e| {
        let full = e.to_string();
        let message = strip_position(&full);
        EcsError::client(format!("{shown}:{}:{}: {message}", e.line(), e.column())).into()
    })
}

/// Reads and validates a snapshot file.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, Failure> {
    let file: SnapshotFile = read_json(path)?;
    Snapshot::try_from(file).map_err(|e| {
        EcsError::new(
            ExceptionName::ClientException,
            format!("{}: {e}", path.display()),
        )
        .into()
    })
}

/// serde_json ends its messages with " at line L column C"; the position is already in front.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}
