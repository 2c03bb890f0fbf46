//! What the CLI's test files share: running the built binary, the repository's files, scratch
//! directories, and the input-error contract (exit 2, nothing on stdout, `ExceptionName:
//! message` first on stderr, never a panic).
// Each test file uses its own part of this module.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A file of the repository, by its path from the repository's top.
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// Runs `ecs-place` with `args` and no input.
pub fn ecs_place(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Runs `ecs-place` with `args`, writing `stdin` to its standard input.
pub fn ecs_place_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().unwrap();
    // The binary may stop reading early (an error); a closed pipe is not the test's failure.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

/// A directory of this test process's own, named after the test file.
pub fn scratch_dir(test_file: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecs-place-{test_file}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The input-error contract; returns the whole of stderr.
pub fn input_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit status; stderr: {stderr}"
    );
    assert!(output.stdout.is_empty(), "stdout must be empty on error");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Exit status 0; returns stdout.
pub fn success(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}
