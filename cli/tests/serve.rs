//! `ecs-place serve` driven as a subprocess: JSON lines in, one JSON answer line per call out,
//! one placer kept across calls, malformed lines answered with errors, EOF ends with status 0.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn cluster() -> String {
    repo_file("examples/cluster.json")
        .to_str()
        .unwrap()
        .to_owned()
}

fn request(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo_file(name)).unwrap()).unwrap()
}

/// Sends `input` to `ecs-place serve --cluster examples/cluster.json`, closes stdin, waits.
fn serve(input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(["serve", "--cluster", &cluster()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn answers(output: &Output) -> Vec<Value> {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each answer is one JSON line"))
        .collect()
}

fn lines(calls: &[Value]) -> String {
    calls.iter().map(|call| format!("{call}\n")).collect()
}

fn error_code(answer: &Value) -> &str {
    answer["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn a_scripted_exchange_with_a_malformed_line_goes_on() {
    let run = request("examples/run-task.json");
    let input = format!(
        "{}this is not JSON\n\n{}[1, 2]\n{}{}",
        lines(&[json!({"id": 7, "op": "runTask", "request": run, "seed": 3})]),
        lines(&[json!({"id": "b", "op": "listContainerInstances",
                       "request": {"cluster": "prod", "status": "DRAINING"}})]),
        lines(&[
            json!({"id": 9, "op": "fly"}),
            json!({"id": 10, "op": "runTask", "request": {"cluster": "prod", "taskDefinition": "web", "placementStrategies": []}}),
            json!({"id": 11, "op": "runTask", "request": run, "seed": -1}),
            json!({"id": 12, "op": "runTask", "request": run, "extra": 1}),
            json!({"op": "snapshot"}),
        ]),
        // The last line has no newline: it is still a call.
        json!({"id": [1], "op": "stopTask", "request": {"cluster": "prod", "task": "arn:aws:ecs:us-east-1:123456789012:task/prod/none"}}),
    );
    let answers = answers(&serve(&input));
    // The blank line gets no answer; every other line one, in order.
    assert_eq!(answers.len(), 10, "{answers:#?}");

    assert_eq!(answers[0]["id"], json!(7));
    assert_eq!(answers[0]["result"]["tasks"].as_array().unwrap().len(), 6);
    assert!(answers[0].get("error").is_none());

    assert_eq!(answers[1]["id"], Value::Null);
    assert_eq!(error_code(&answers[1]), "ClientException");
    assert!(
        answers[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the line is not JSON")
    );

    assert_eq!(answers[2]["id"], json!("b"));
    assert_eq!(
        answers[2]["result"]["containerInstanceArns"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(answers[3]["id"], Value::Null);
    assert_eq!(error_code(&answers[3]), "ClientException");

    assert_eq!(answers[4]["id"], json!(9));
    assert_eq!(error_code(&answers[4]), "InvalidParameterException");
    assert!(
        answers[4]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown op \"fly\"")
    );

    // A request member the API does not have is refused as the CLI refuses it.
    assert_eq!(error_code(&answers[5]), "InvalidParameterException");
    assert!(
        answers[5]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"placementStrategy\"")
    );

    assert_eq!(error_code(&answers[6]), "InvalidParameterException");
    assert!(
        answers[6]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("seed")
    );
    assert_eq!(error_code(&answers[7]), "InvalidParameterException");
    assert!(
        answers[7]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"extra\"")
    );

    // The snapshot holds the six tasks of the first call (and none of the refused calls).
    let tasks = answers[8]["result"]["tasks"].as_array().unwrap();
    let placed: Vec<&Value> = answers[0]["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| &task["taskArn"])
        .collect();
    for arn in &placed {
        assert!(tasks.iter().any(|task| &&task["taskArn"] == arn));
    }
    assert_eq!(answers[8]["id"], Value::Null);

    assert_eq!(answers[9]["id"], json!([1]));
    assert_eq!(error_code(&answers[9]), "InvalidParameterException");
}

/// The placer is kept across calls: each answer is what `run-task` gives on the state the
/// calls before it left (`--state-out`).
#[test]
fn calls_change_one_state_as_run_task_with_state_out_does() {
    let run = request("examples/run-task.json");
    let mut calls = Vec::new();
    for seed in 1..=3 {
        calls.push(json!({"id": seed, "op": "runTask", "request": run, "seed": seed}));
    }
    let answers = answers(&serve(&lines(&calls)));
    assert_eq!(answers.len(), 3);

    let dir = std::env::temp_dir().join(format!("ecs-place-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut state = repo_file("examples/cluster.json");
    for (seed, answer) in (1..=3).zip(&answers) {
        let next = dir.join(format!("state-{seed}.json"));
        let output = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
            .args(["run-task", "--cluster", state.to_str().unwrap()])
            .args([
                "--request",
                repo_file("examples/run-task.json").to_str().unwrap(),
            ])
            .args([
                "--seed",
                &seed.to_string(),
                "--state-out",
                next.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let expected: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(answer["result"], expected, "call with seed {seed}");
        state = next;
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stop_task_releases_and_describes_the_task() {
    let run = request("examples/run-task.json");
    let first = answers(&serve(&lines(&[
        json!({"id": 1, "op": "runTask", "request": run, "seed": 5}),
    ])));
    let arn = first[0]["result"]["tasks"][0]["taskArn"].clone();
    let answers = answers(&serve(&lines(&[
        json!({"id": 1, "op": "runTask", "request": run, "seed": 5}),
        json!({"id": 2, "op": "stopTask", "request": {"cluster": "prod", "task": arn, "reason": "test"}}),
        json!({"id": 3, "op": "stopTask", "request": {"cluster": "staging", "task": arn}}),
        json!({"id": 4, "op": "startTask", "request": request("examples/start-task.json"), "seed": 2}),
        json!({"id": 5, "op": "snapshot"}),
    ])));
    assert_eq!(answers[1]["result"]["task"]["taskArn"], arn);
    assert_eq!(
        answers[1]["result"]["task"]["desiredStatus"],
        json!("STOPPED")
    );
    assert_eq!(error_code(&answers[2]), "ClusterNotFoundException");
    assert_eq!(answers[3]["result"]["tasks"].as_array().unwrap().len(), 2);
    let state = &answers[4]["result"];
    let started = &answers[3]["result"]["tasks"][0]["taskArn"];
    assert!(
        state["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| &t["taskArn"] == started)
    );
}

/// Each answer is written and flushed before the next call is read: a caller can wait for it.
#[test]
fn answers_come_one_at_a_time() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(["serve", "--cluster", &cluster()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for id in 0..3 {
        writeln!(
            stdin,
            "{}",
            json!({"id": id, "op": "listContainerInstances", "request": {"cluster": "prod"}})
        )
        .unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["id"], json!(id));
        assert_eq!(
            answer["result"]["containerInstanceArns"]
                .as_array()
                .unwrap()
                .len(),
            14
        );
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(["serve", "--cluster", &cluster()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The server may end before every line is written: a failed write here is expected.
    for id in 0..100 {
        if writeln!(stdin, "{}", json!({"id": id, "op": "snapshot"})).is_err() {
            break;
        }
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_snapshot_that_cannot_be_read_is_an_input_error() {
    for cluster in ["-", "/nonexistent/cluster.json"] {
        let output = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
            .args(["serve", "--cluster", cluster])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("InvalidParameterException: ")
                || stderr.starts_with("ClientException: "),
            "{stderr}"
        );
    }
}
