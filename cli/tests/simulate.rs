//! `ecs-place generate` and `ecs-place simulate`, run against the built binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::ecs_place;

fn scratch_dir() -> PathBuf {
    support::scratch_dir("simulate")
}

/// Runs `simulate` with `stdin` on standard input.
fn ecs_place_with_stdin(args: &[&str], stdin: &str) -> Output {
    support::ecs_place_with_stdin(args, stdin.as_bytes())
}

use serde_json::{Value, json};

/// A generated cluster file named after the test: tests run in parallel in one process, and
/// one writing a shared file while another reads it made them flaky.
fn generated_cluster(test: &str) -> PathBuf {
    let path = scratch_dir().join(format!("{test}-cluster.json"));
    let out = ecs_place(&[
        "generate",
        "--instances",
        "60",
        "--tasks",
        "240",
        "--seed",
        "3",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn simulate(cluster: &Path, seed: &str) -> Value {
    let out = ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--generate-workload",
        "200",
        "--seed",
        seed,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_summary_has_its_keys_and_adds_up_and_repeats_for_a_seed() {
    let cluster = generated_cluster("the_summary_has_its_keys_and_adds_up_and_repeats_for_a_seed");
    let first = simulate(&cluster, "5");
    for key in [
        "runTaskCalls",
        "rejectedCalls",
        "rejectedCallMessages",
        "tasksRequested",
        "placed",
        "tasksUnplaced",
        "instanceRejectionsByReason",
        "stopTaskCalls",
        "stopped",
        "seconds",
        "placementsPerSecond",
        "cpuUtilization",
        "memoryUtilization",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    // The old names: `failed` counted tasks, `failuresByReason` instance rejections.
    for key in ["failed", "failuresByReason"] {
        assert!(first.get(key).is_none(), "{key}: {first}");
    }
    assert_eq!(first["runTaskCalls"], 200);
    let requested = first["tasksRequested"].as_u64().unwrap();
    let placed = first["placed"].as_u64().unwrap();
    let unplaced = first["tasksUnplaced"].as_u64().unwrap();
    assert_eq!(placed + unplaced, requested);
    assert!(placed > 0);
    let second = simulate(&cluster, "5");
    assert_eq!(without_timing(first), without_timing(second));
}

#[test]
fn a_workload_file_is_replayed_and_a_bad_line_is_an_input_error() {
    let cluster = generated_cluster("a_workload_file_is_replayed_and_a_bad_line_is_an_input_error");
    let dir = scratch_dir();
    let request = serde_json::to_string(&ecs_placement::generate::reference_request()).unwrap();
    let good = dir.join("good.jsonl");
    std::fs::write(
        &good,
        format!(
            "{{\"event\":\"run-task\",\"request\":{request},\"seed\":1}}\n{{\"event\":\"stop-task\",\"pick\":0}}\n"
        ),
    )
    .unwrap();
    let out = ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        good.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["runTaskCalls"], 1);
    assert_eq!(summary["stopped"], 1);

    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"event\":\"launch\"}\n").unwrap();
    let out = ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("InvalidParameterException: trace line 1: unknown event \"launch\""),
        "{stderr}"
    );
}

/// A workload that repeats a seed keeps every stopped task: with the same seed on the same
/// state the engine draws the same task ARN again, and forgetting the stopped task would let
/// the repeated task reserve where keeping it makes the task map skip it. The last call
/// (another seed) fits only if the repeated one did not reserve.
/// A cluster of one instance that holds exactly one task of its only family.
const ONE_INSTANCE_CLUSTER: &str = r#"{"cluster": {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"},
    "containerInstances": [{
        "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1",
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 1024}]}],
    "taskDefinitions": [{"family": "app", "revision": 1,
        "containerDefinitions": [{"name": "app", "cpu": 1024, "memory": 1024}]}]}"#;

/// The request of the one-instance cluster's family.
const ONE_INSTANCE_REQUEST: &str = r#"{"cluster":"prod","taskDefinition":"app"}"#;

/// A run-task line of that request with `seed`.
fn one_instance_run(seed: u64) -> String {
    format!("{{\"event\":\"run-task\",\"request\":{ONE_INSTANCE_REQUEST},\"seed\":{seed}}}\n")
}

/// The one-instance workload of the forgetting tests: 4,096 calls (the stops after which the
/// replay forgets stopped tasks when it may, as `simulate` sets it), each with the seed
/// `churn_seed` gives its number and followed by a stop, then a call with seed 3 and one with
/// seed 4. The last fits only if seed 3's call did not reserve.
fn one_instance_workload(churn_seed: impl Fn(u64) -> u64) -> String {
    let mut lines = String::new();
    for call in 0..4_096 {
        lines.push_str(&one_instance_run(churn_seed(call)));
        lines.push_str("{\"event\":\"stop-task\",\"pick\":0}\n");
    }
    lines.push_str(&one_instance_run(3));
    lines.push_str(&one_instance_run(4));
    lines
}

/// Replays the workload file on the cluster file; the summary.
fn replay(cluster: &Path, workload: &Path) -> Value {
    let out = ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        workload.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Replays `workload` (JSON lines) on `cluster` (JSON text), both written under `name`.
fn replay_files(name: &str, cluster: &str, workload: &str) -> Value {
    let dir = scratch_dir();
    let cluster_path = dir.join(format!("{name}-cluster.json"));
    let workload_path = dir.join(format!("{name}.jsonl"));
    std::fs::write(&cluster_path, cluster).unwrap();
    std::fs::write(&workload_path, workload).unwrap();
    replay(&cluster_path, &workload_path)
}

/// The summary without the fields that vary from run to run.
fn without_timing(mut summary: Value) -> Value {
    let object = summary.as_object_mut().unwrap();
    object.remove("seconds");
    object.remove("placementsPerSecond");
    // Measured: every other number repeats for the same trace and seed.
    if let Some(metrics) = object.get_mut("metrics").and_then(Value::as_object_mut) {
        metrics.remove("latencyUs");
    }
    summary
}

#[test]
fn a_workload_that_repeats_a_seed_keeps_stopped_tasks() {
    let lines = one_instance_workload(|_| 3);
    let summary = replay_files("repeated-seed", ONE_INSTANCE_CLUSTER, &lines);
    assert_eq!(summary["stopped"], 4_096);
    assert_eq!(summary["placed"], 4_098);
    assert_eq!(summary["tasksUnplaced"], 0);
}

/// Forgetting stopped tasks moves the running tasks' indices down, and a later stop by `pick`
/// must still stop the task the kept-everything replay stops. One stop event that names an
/// unknown ARN turns forgetting off and changes nothing else (it fails, counted as a refused
/// call), so both replays must end in the same state; the workload stops more than twice the
/// 4,096 after which the first replay forgets.
#[test]
fn forgetting_stopped_tasks_stops_the_same_tasks_as_keeping_them() {
    let cluster =
        generated_cluster("forgetting_stopped_tasks_stops_the_same_tasks_as_keeping_them");
    let text = std::fs::read_to_string(&cluster).unwrap();
    let snapshot = ecs_placement::model::Snapshot::from_json(&text).unwrap();
    let events = ecs_placement::generate::workload(&snapshot, 3_000, 11);
    let mut lines: String = events
        .iter()
        .map(|event| serde_json::to_string(event).unwrap() + "\n")
        .collect();
    let dir = scratch_dir();
    let forgetting = dir.join("forgetting.jsonl");
    std::fs::write(&forgetting, &lines).unwrap();
    lines.push_str("{\"event\":\"stop-task\",\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/none\"}\n");
    let keeping = dir.join("keeping.jsonl");
    std::fs::write(&keeping, &lines).unwrap();
    let forgot = without_timing(replay(&cluster, &forgetting));
    let kept = without_timing(replay(&cluster, &keeping));
    assert!(forgot["stopped"].as_u64().unwrap() > 2 * 4_096, "{forgot}");
    assert_eq!(
        kept["stopTaskCalls"].as_u64(),
        forgot["stopTaskCalls"].as_u64().map(|calls| calls + 1)
    );
    assert_eq!(
        kept["rejectedCalls"],
        json!({"InvalidParameterException": 1})
    );
    let without_calls = |mut summary: Value| {
        let object = summary.as_object_mut().unwrap();
        for member in ["stopTaskCalls", "rejectedCalls", "rejectedCallMessages"] {
            object.remove(member);
        }
        summary
    };
    assert_eq!(without_calls(forgot), without_calls(kept));
}

/// A cluster file that starts with a stopped task keeps it: a run-task seed that draws its ARN
/// is skipped by the task map that holds it, and forgetting it would let that call reserve.
/// The stopped task is the one seed 3 places; 4,096 other calls and stops come first (the
/// point after which the replay would forget), and the last call fits only if seed 3's did not
/// reserve.
#[test]
fn a_cluster_that_starts_with_a_stopped_task_keeps_it() {
    use ecs_placement::model::Snapshot;

    let mut snapshot = Snapshot::from_json(ONE_INSTANCE_CLUSTER).unwrap();
    let request = serde_json::from_str(ONE_INSTANCE_REQUEST).unwrap();
    let outcome = ecs_placement::run_task(&snapshot, &request, 3).unwrap();
    assert_eq!(outcome.response.tasks.len(), 1);
    snapshot.apply(&outcome.changes);
    // The task as the state writes it, stopped; the instance as first written (its remaining
    // resources follow from the tasks that run on it: none).
    let mut task = serde_json::to_value(snapshot.to_file()).unwrap()["tasks"][0].clone();
    task["desiredStatus"] = Value::from("STOPPED");
    task["lastStatus"] = Value::from("STOPPED");
    let mut file: Value = serde_json::from_str(ONE_INSTANCE_CLUSTER).unwrap();
    file["tasks"] = Value::from(vec![task]);
    let lines = one_instance_workload(|call| 100 + call);
    let summary = replay_files("starts-stopped", &file.to_string(), &lines);
    assert_eq!(summary["stopped"], 4_096);
    assert_eq!(summary["placed"], 4_098);
    assert_eq!(summary["tasksUnplaced"], 0, "{summary}");
}

/// Stops by ARN and by pick, mixed: an ARN stop takes its task out of the tasks a pick chooses
/// from, so every later pick depends on it. The expected summary is what `ecs-place` printed
/// for this workload before running tasks were kept by index (commit 4484575), but for what
/// is counted since: a stop of an unknown task is a refused call, a stop of a stopped task no
/// stop.
#[test]
fn stops_by_arn_and_by_pick_mixed_give_the_recorded_summary() {
    let cluster = generated_cluster("stops_by_arn_and_by_pick_mixed_give_the_recorded_summary");
    let text = std::fs::read_to_string(&cluster).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let arns: Vec<&str> = file["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|task| task["taskArn"].as_str())
        .collect();
    let request = serde_json::to_string(&ecs_placement::generate::reference_request()).unwrap();
    let mut lines = String::new();
    for call in 0..120usize {
        lines.push_str(&format!(
            "{{\"event\":\"run-task\",\"request\":{request},\"seed\":{}}}\n",
            1_000 + call
        ));
        let stop = match call % 4 {
            // A task of the cluster file, a task stopped before, or one that never was.
            0 => format!(
                "{{\"event\":\"stop-task\",\"taskArn\":\"{}\"}}",
                arns[call % arns.len()]
            ),
            1 => format!(
                "{{\"event\":\"stop-task\",\"taskArn\":\"{}\"}}",
                arns[(call - 1) % arns.len()]
            ),
            2 => "{\"event\":\"stop-task\",\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/none\"}"
                .to_owned(),
            _ => String::new(),
        };
        lines.push_str(&stop);
        lines.push('\n');
        for pick in 0..6 {
            lines.push_str(&format!(
                "{{\"event\":\"stop-task\",\"pick\":{}}}\n",
                call * 7 + pick * 13
            ));
        }
    }
    let summary = without_timing(replay_files("mixed-stops", &text, &lines));
    let recorded = serde_json::json!({
        // The 30 stops of a task that never was are refused, as StopTask refuses them.
        "runTaskCalls": 120, "rejectedCalls": {"InvalidParameterException": 30},
        "rejectedCallMessages": [{"calls": 30, "exception": "InvalidParameterException",
            "message": "The referenced task was not found: arn:aws:ecs:us-east-1:1:task/none"}],
        "tasksRequested": 1200, "placed": 860, "tasksUnplaced": 340,
        "instanceRejectionsByReason": {"MemberOf placement constraint unsatisfied.": 3403, "RESOURCE:CPU": 1577},
        // 780 before stops of a stopped task stopped counting (the state is the same: the
        // same placements and utilisation).
        "stopTaskCalls": 810, "stopped": 730,
        "cpuUtilization": 0.45852803738317754, "memoryUtilization": 0.23500829087818645
    });
    // The summary has grown members since; the recorded ones are unchanged.
    for (key, value) in recorded.as_object().unwrap() {
        assert_eq!(&summary[key], value, "{key}");
    }
}

/// Calls refused with an exception are counted by exception and listed with their messages,
/// most frequent first; their tasks are not counted as requested.
#[test]
fn refused_calls_are_listed_with_their_messages() {
    let run = |request: &str, seed: u64| {
        format!("{{\"event\":\"run-task\",\"request\":{request},\"seed\":{seed}}}\n")
    };
    let mut lines = String::new();
    lines.push_str(&run(ONE_INSTANCE_REQUEST, 1));
    for seed in 0..3 {
        lines.push_str(&run(
            r#"{"cluster":"prod","taskDefinition":"app","count":11}"#,
            10 + seed,
        ));
    }
    lines.push_str(&run(r#"{"cluster":"prod","taskDefinition":"nope"}"#, 20));
    lines.push_str(&run(
        r#"{"cluster":"elsewhere","taskDefinition":"app"}"#,
        21,
    ));
    lines.push_str(&run(
        r#"{"cluster":"elsewhere","taskDefinition":"app"}"#,
        22,
    ));
    let summary = replay_files("refused-calls", ONE_INSTANCE_CLUSTER, &lines);
    assert_eq!(summary["runTaskCalls"], 7);
    assert_eq!(summary["tasksRequested"], 1);
    assert_eq!(summary["placed"], 1);
    let by_exception = summary["rejectedCalls"].as_object().unwrap();
    assert_eq!(
        by_exception
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        6
    );
    let messages = summary["rejectedCallMessages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{summary}");
    let calls: Vec<u64> = messages
        .iter()
        .map(|m| m["calls"].as_u64().unwrap())
        .collect();
    assert_eq!(calls, [3, 2, 1], "{summary}");
    assert_eq!(messages[0]["exception"], "InvalidParameterException");
    assert!(
        messages[0]["message"].as_str().unwrap().contains("count"),
        "{summary}"
    );
    assert_eq!(messages[1]["exception"], "ClusterNotFoundException");
    for message in messages {
        let exception = message["exception"].as_str().unwrap();
        assert!(by_exception.contains_key(exception), "{summary}");
    }
}

/// `--workload -` reads the events from standard input: the same summary as from a file; a
/// bad line is named `<stdin>:LINE:COLUMN`; `--cluster -` with it is refused.
#[test]
fn a_workload_on_standard_input_is_replayed_as_a_file_is() {
    let cluster = generated_cluster("a_workload_on_standard_input_is_replayed_as_a_file_is");
    let cluster_arg = cluster.to_str().unwrap();
    let text = std::fs::read_to_string(&cluster).unwrap();
    let snapshot = ecs_placement::model::Snapshot::from_json(&text).unwrap();
    let lines: String = ecs_placement::generate::workload(&snapshot, 50, 2)
        .iter()
        .map(|event| serde_json::to_string(event).unwrap() + "\n")
        .collect();
    let from_file = without_timing(replay_files("stdin-twin", &text, &lines));

    let args = ["simulate", "--cluster", cluster_arg, "--workload", "-"];
    // With a byte order mark first, as an editor on Windows may save it.
    let out = ecs_place_with_stdin(&args, &format!("\u{feff}{lines}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_stdin = without_timing(serde_json::from_slice(&out.stdout).unwrap());
    assert_eq!(from_stdin, from_file);

    let out = ecs_place_with_stdin(
        &args,
        "\n{\"event\":\"stop-task\",\"pick\":1}\n{\"event\":\"launch\"}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("InvalidParameterException: trace line 3: unknown event"),
        "{stderr}"
    );
    assert!(!stderr.contains(" at line "), "{stderr}");

    let out = ecs_place_with_stdin(&["simulate", "--cluster", "-", "--workload", "-"], &lines);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .starts_with("InvalidParameterException: --cluster and --workload cannot both be `-`"),
        "{stderr}"
    );
}
