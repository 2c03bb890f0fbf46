//! `ecs-place headroom` against the built binary: JSON when stdout is not a terminal, the
//! table with `--format table`, the input-error contract, and the example in `--help`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Output;

mod support;

fn repo_file(relative: &str) -> String {
    support::repo_file(relative).to_str().unwrap().to_owned()
}

/// Runs `ecs-place` with `stdin` on its standard input.
fn ecs_place(args: &[&str], stdin: &str) -> Output {
    support::ecs_place_with_stdin(args, stdin.as_bytes())
}

fn example(extra: &[&str]) -> Output {
    let (cluster, request) = (
        repo_file("examples/cluster.json"),
        repo_file("examples/run-task.json"),
    );
    let mut args = vec![
        "headroom",
        "--cluster",
        &cluster,
        "--request",
        &request,
        "--seed",
        "42",
    ];
    args.extend_from_slice(extra);
    ecs_place(&args, "")
}

/// Asserts the input-error contract and returns the first stderr line.
fn assert_input_error(output: &Output) -> String {
    let stderr = support::input_error(output);
    stderr.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn json_when_stdout_is_not_a_terminal() {
    let output = example(&[]);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["fits"], 59);
    assert_eq!(report["limitReached"], false);
    assert_eq!(report["byInstanceType"]["m5.xlarge"], 39);
    assert_eq!(report["stoppedBy"]["reasons"]["RESOURCE:CPU"], 6);
    assert_eq!(
        report["stoppedBy"]["wouldNeed"],
        "CPU: +64 CPU units on i-0881ed16ae2eb154"
    );
    // --format json gives the same bytes.
    assert_eq!(example(&["--format", "json"]).stdout, output.stdout);
}

#[test]
fn table_on_request() {
    let output = example(&["--format", "table"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("fits: 59 more tasks (10 calls of up to 6)\n"),
        "{stdout}"
    );
    for line in [
        "us-east-1a            19",
        "m5.xlarge         39",
        "cp-ondemand           46",
        "stopped by: task 60 did not fit",
        "RESOURCE:CPU                                        6",
        "would need: CPU: +64 CPU units on i-0881ed16ae2eb154 (6 instances short of CPU alone)",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line:?} in\n{stdout}");
    }
}

#[test]
fn the_limit_is_reported() {
    let output = example(&["--format", "table", "--limit", "10"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("limit reached: 10 tasks placed"),
        "{stdout}"
    );
}

#[test]
fn input_errors_keep_the_contract() {
    let cluster = repo_file("examples/cluster.json");
    // A member the API lacks.
    let output = ecs_place(
        &["headroom", "--cluster", &cluster, "--request", "-"],
        r#"{"cluster": "prod", "taskDefinition": "web", "placementStrategies": []}"#,
    );
    let first = assert_input_error(&output);
    assert!(
        first.starts_with("InvalidParameterException: ") && first.contains("placementStrategy"),
        "{first}"
    );
    // A request RunTask refuses is an error, not a headroom of 0.
    let output = ecs_place(
        &["headroom", "--cluster", &cluster, "--request", "-"],
        r#"{"cluster": "prod", "taskDefinition": "web", "count": 11}"#,
    );
    assert!(assert_input_error(&output).starts_with("InvalidParameterException: "));
    let output = ecs_place(
        &["headroom", "--cluster", &cluster, "--request", "-"],
        r#"{"cluster": "prod", "taskDefinition": "nothing"}"#,
    );
    assert!(assert_input_error(&output).starts_with("ClientException: "));
    // A missing file, a bad format.
    let output = ecs_place(
        &[
            "headroom",
            "--cluster",
            "no-such-file.json",
            "--request",
            "-",
        ],
        "{}",
    );
    assert!(assert_input_error(&output).starts_with("ClientException: no-such-file.json: "));
    let request = repo_file("examples/run-task.json");
    let output = ecs_place(
        &[
            "headroom",
            "--cluster",
            &cluster,
            "--request",
            &request,
            "--format",
            "yaml",
        ],
        "",
    );
    assert!(assert_input_error(&output).starts_with("InvalidParameterException: "));
    let output = ecs_place(
        &[
            "headroom",
            "--cluster",
            &cluster,
            "--request",
            &request,
            "--limit",
            "1000001",
        ],
        "",
    );
    let first = assert_input_error(&output);
    assert!(
        first.starts_with("InvalidParameterException: ") && first.contains("0 to 1000000"),
        "{first}"
    );
}

#[test]
fn help_shows_an_example() {
    let output = ecs_place(&["headroom", "--help"], "");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(
        "ecs-place headroom --cluster examples/cluster.json --request examples/run-task.json"
    ));
    assert!(stdout.contains("--format <FORMAT>"));
}
