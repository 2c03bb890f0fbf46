//! The CLI contract, run against the built binary: exit status 0 with output on success; exit 2,
//! nothing on stdout, and `ExceptionName: message` as the first stderr line on input errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn ecs_place(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecs-place-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Asserts the input-error contract and returns the first stderr line.
fn assert_input_error(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(output.stdout.is_empty(), "stdout must be empty on error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().next().unwrap_or_default().to_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    first
}

#[test]
fn validate_summarises_the_example() {
    let cluster = repo_file("examples/cluster.json");
    let request = repo_file("examples/run-task.json");
    let output = ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1);
    assert_eq!(
        stdout.trim_end(),
        "cluster prod: 14 instances (13 ACTIVE, 1 DRAINING), 6 task definitions, 17 tasks (16 running), \
         4 capacity providers; request ok: 6 x web:12 as family:web on EC2, 1 constraints, 2 strategies"
    );
}

#[test]
fn unreadable_file_is_a_client_exception() {
    let first = assert_input_error(&ecs_place(&["validate", "--cluster", "/no/such/file.json"]));
    assert!(
        first.starts_with("ClientException: /no/such/file.json: cannot read the file"),
        "{first}"
    );
}

#[test]
fn bad_json_names_file_line_and_column() {
    let path = scratch_file("broken.json", "{\n  \"containerInstances\": [\n    {,\n");
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        path.to_str().unwrap(),
    ]));
    let expected = format!("ClientException: {}:3:6: ", path.display());
    assert!(first.starts_with(&expected), "{first}");
}

#[test]
fn invalid_snapshot_names_the_member() {
    let path = scratch_file(
        "bad-attribute.json",
        r#"{"containerInstances": [{"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/a",
            "attributes": [{"name": "stack", "value": "prod,dev"}]}]}"#,
    );
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        path.to_str().unwrap(),
    ]));
    assert!(
        first.contains("containerInstances[0].attributes[0].value: "),
        "{first}"
    );
    assert!(first.starts_with("ClientException: "), "{first}");
}

#[test]
fn invalid_request_is_reported_with_its_exception() {
    let cluster = repo_file("examples/cluster.json");
    let request = scratch_file(
        "count.json",
        r#"{"cluster": "prod", "taskDefinition": "web", "count": 11}"#,
    );
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]));
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
    assert!(first.contains("count"), "{first}");
    let request = scratch_file(
        "cluster.json",
        r#"{"cluster": "staging", "taskDefinition": "web"}"#,
    );
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]));
    assert!(first.starts_with("ClusterNotFoundException: "), "{first}");
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for subcommand in [
        "validate",
        "run-task",
        "start-task",
        "list-container-instances",
        "check-expression",
    ] {
        let output = ecs_place(&[subcommand, "--help"]);
        assert_eq!(output.status.code(), Some(0));
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Example"), "{subcommand}: {help}");
    }
}
