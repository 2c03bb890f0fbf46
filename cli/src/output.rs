//! Writing the CLI's output: stdout, stderr and files.
//!
//! `println!` panics when the reader has gone (`ecs-place ... | head`) and `let _ = write!`
//! loses a full disk. Here a closed pipe ends the output quietly (exit 0: nobody is reading),
//! and any other failure to write the response is `ClientException: cannot write the output:
//! ...` (exit 2). Files are written to a temporary file beside the target and renamed over it,
//! so a failed write never leaves the target truncated (see [`write_file`]).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use ecs_placement::EcsError;

use crate::input::Failure;

/// Writes `text` and a newline to stdout and flushes it. A closed pipe is a quiet success;
/// any other error is a failure to report (`ClientException: cannot write the output: ...`).
pub fn write_stdout_line(text: &str) -> Result<(), Failure> {
    match write_line(&mut io::stdout().lock(), text) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(EcsError::client(format!("cannot write the output: {error}")).into()),
    }
}

/// [`write_stdout_line`] for callers that do not return a `Result` (`--help`, and commands not
/// yet moved to [`write_stdout_line`]): a failure is reported here, as `main` reports one,
/// and the process exits with status 2.
pub fn stdout_line(text: &str) {
    if let Err(failure) = write_stdout_line(text) {
        stderr_line(&failure.headline());
        std::process::exit(2);
    }
}

/// Writes `text` to stderr as it is (no newline added). stderr is where failures would be
/// reported, so a failure to write it is ignored.
pub fn stderr_text(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Writes `text` and a newline to stderr (errors ignored, as in [`stderr_text`]).
pub fn stderr_line(text: &str) {
    let _ = write_line(&mut io::stderr().lock(), text);
}

fn write_line(sink: &mut impl Write, text: &str) -> io::Result<()> {
    sink.write_all(text.as_bytes())?;
    sink.write_all(b"\n")?;
    sink.flush()
}

/// Writes a file through `write` without ever leaving `path` half-written: the bytes go to a
/// temporary file in the same directory, which is flushed, synced and then renamed over
/// `path`. On any failure `path` is as it was (the temporary file is removed), so
/// `--state-out` may name the `--cluster` file it was read from.
///
/// A symbolic link is followed (the file it points to is replaced, the link stays). A target
/// that exists and is not a regular file or a directory (`/dev/stdout`, a named pipe) is
/// written directly: it holds no data a failed write could lose. `what` names the file in
/// messages: `PATH: cannot write the {what}: ...`.
pub fn write_file(
    path: &Path,
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let failure = |error: io::Error| -> Failure {
        EcsError::client(format!(
            "{}: cannot write the {what}: {error}",
            path.display()
        ))
        .into()
    };
    let target = resolve(path);
    let existing = fs::metadata(&target).ok();
    if let Some(metadata) = &existing {
        if metadata.is_dir() {
            return Err(failure(io::Error::other("it is a directory")));
        }
        if !metadata.is_file() {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&target)
                .map_err(failure)?;
            return write_all(&mut file, write).map_err(failure);
        }
    }
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = temporary_file(directory, existing.as_ref())
        .map_err(|error| failure(without_path(error)))?;
    write_all(temporary.as_file_mut(), write).map_err(failure)?;
    temporary.as_file().sync_all().map_err(failure)?;
    temporary
        .persist(&target)
        .map_err(|error| failure(error.error))?;
    Ok(())
}

/// The error without the temporary file's name tempfile adds (`... at path "DIR/.ecs-place-
/// XXXX.tmp"`), which means nothing to the user: the message names the target.
fn without_path(error: io::Error) -> io::Error {
    let text = error.to_string();
    match text.find(" at path ") {
        Some(at) => io::Error::new(error.kind(), &text[..at]),
        None => error,
    }
}

/// `path` with its symbolic links resolved when it exists; else `path` itself.
fn resolve(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A temporary file in `directory` with the permissions of the file it replaces, or those a
/// new file gets (read and write for all, less the umask).
fn temporary_file(
    directory: &Path,
    existing: Option<&fs::Metadata>,
) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ecs-place-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let file = builder.tempfile_in(directory)?;
    if let Some(metadata) = existing {
        fs::set_permissions(file.path(), metadata.permissions())?;
    }
    Ok(file)
}

fn write_all(
    file: &mut fs::File,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut buffered = BufWriter::new(file);
    write(&mut buffered)?;
    buffered.flush()
}
