//! Output that cannot be written is reported: the response on stdout, run against the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_ecs-place")
}

fn repo_file(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// Runs the binary with stdout on `/dev/full`: every write fails with ENOSPC.
#[cfg(target_os = "linux")]
fn ecs_place_to_dev_full(args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    Command::new(binary())
        .args(args)
        .stdout(Stdio::from(full))
        .output()
        .expect("the binary runs")
}

/// A response that cannot be written (a full disk) exits 2 with the reason on stderr, for
/// every command that prints one.
#[cfg(target_os = "linux")]
#[test]
fn a_response_that_cannot_be_written_is_an_error() {
    let cluster = repo_file("examples/cluster.json");
    let request = repo_file("examples/run-task.json");
    let start_request = repo_file("examples/start-task.json");
    let commands: [&[&str]; 6] = [
        &["run-task", "--cluster", &cluster, "--request", &request],
        &[
            "start-task",
            "--cluster",
            &cluster,
            "--request",
            &start_request,
        ],
        &["validate", "--cluster", &cluster],
        &["list-container-instances", "--cluster", &cluster],
        &["check-expression", "attribute:stack == prod"],
        &["run-task", "--help"],
    ];
    for args in commands {
        let output = ecs_place_to_dev_full(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("ClientException: cannot write the output: "),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A reader that goes away (`ecs-place ... | head`) ends the output quietly: exit 0, nothing
/// on stderr.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let cluster = repo_file("examples/cluster.json");
    let request = repo_file("examples/run-task.json");
    for args in [
        vec!["run-task", "--cluster", &cluster, "--request", &request],
        vec!["list-container-instances", "--cluster", &cluster],
    ] {
        let mut child = Command::new(binary())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command has read its files and printed.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
