//! Writing to stdout and stderr without panicking: `println!` panics when the reader has gone
//! (`ecs-place ... | head`); here a closed pipe simply ends the output.

use std::io::{self, Write};

/// Writes `text` and a newline to stdout. A closed pipe is not an error: nobody is reading.
pub fn stdout_line(text: &str) {
    write_line(&mut io::stdout().lock(), text);
}

/// Writes `text` to stderr as it is (no newline added).
pub fn stderr_text(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Writes `text` and a newline to stderr.
pub fn stderr_line(text: &str) {
    write_line(&mut io::stderr().lock(), text);
}

fn write_line(sink: &mut impl Write, text: &str) {
    // Errors (a closed pipe, a full disk) cannot be reported anywhere better; ignore them.
    let _ = sink.write_all(text.as_bytes());
    let _ = sink.write_all(b"\n");
    let _ = sink.flush();
}
