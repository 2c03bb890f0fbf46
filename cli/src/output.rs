//! Writing the CLI's output: stdout and stderr.
//!
//! `println!` panics when the reader has gone (`ecs-place ... | head`) and `let _ = write!`
//! loses a full disk. Here a closed pipe ends the output quietly (exit 0: nobody is reading),
//! and any other failure to write the response is `ClientException: cannot write the output:
//! ...` (exit 2).

use std::io::{self, Write};

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
