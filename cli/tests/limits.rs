//! Every numeric argument has an upper bound, stated in `--help`: beyond it the CLI exits 2
//! with `InvalidParameterException` naming the argument, the bound and the value, instead of
//! panicking or growing without bound. Run against the built binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Output;

mod support;
use support::ecs_place;

fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("ecs-place-limits-{}", std::process::id()))
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts the input-error contract and returns the first stderr line.
fn assert_input_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout must be empty on error");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.lines().next().unwrap_or_default().to_owned()
}

/// `generate ARG VALUE ...` is refused with the bound named, and no file is written.
fn assert_generate_refuses(arg: &str, value: &str, bound: &str) {
    let dir = scratch_dir(&format!("refused{arg}-{value}"));
    let out = dir.join("cluster.json");
    let mut args = vec!["generate", "--out", out.to_str().unwrap()];
    if arg != "--instances" {
        // Small where the refused argument is not the instances, so nothing else is slow.
        args.extend(["--instances", "2"]);
    }
    args.extend([arg, value]);
    let first = assert_input_error(&ecs_place(&args));
    assert_eq!(
        first,
        format!(
            "InvalidParameterException: invalid value '{value}' for '{arg} <N>': must be a whole number from 0 to {bound}"
        )
    );
    assert!(!out.exists());
}

#[test]
fn generate_refuses_counts_beyond_their_bounds() {
    // These panicked (capacity overflow) or ran out of memory.
    assert_generate_refuses("--instances", "18446744073709551615", "500000");
    assert_generate_refuses("--tasks", "18446744073709551615", "5000000");
    assert_generate_refuses("--groups", "18446744073709551615", "500000");
    // Just past the bound; past what fits in 64 bits; not a number.
    assert_generate_refuses("--instances", "500001", "500000");
    assert_generate_refuses("--tasks", "5000001", "5000000");
    assert_generate_refuses("--groups", "500001", "500000");
    assert_generate_refuses("--tasks", "99999999999999999999999", "5000000");
    assert_generate_refuses("--instances", "many", "500000");
    let first = assert_input_error(&ecs_place(&[
        "generate",
        "--out",
        "x.json",
        "--seed",
        "18446744073709551616",
    ]));
    assert!(
        first.ends_with("must be a whole number from 0 to 18446744073709551615"),
        "{first}"
    );
}

#[test]
fn generate_help_states_the_bounds() {
    let output = ecs_place(&["generate", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for bound in ["0 to 500000", "0 to 5000000", "0 to 18446744073709551615"] {
        assert!(help.contains(bound), "{bound}: {help}");
    }
}

/// `--groups` is never more than `--instances`: 1,000 groups on 10 instances made 1,001 task
/// definitions (one per group and the reference `web`).
#[test]
fn generate_makes_no_more_groups_than_instances() {
    let dir = scratch_dir("groups-capped");
    let out = dir.join("cluster.json");
    let output = ecs_place(&[
        "generate",
        "--instances",
        "10",
        "--tasks",
        "40",
        "--groups",
        "1000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(file["containerInstances"].as_array().unwrap().len(), 10);
    assert_eq!(file["taskDefinitions"].as_array().unwrap().len(), 11);
    let groups: std::collections::BTreeSet<&str> = file["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["group"].as_str().unwrap())
        .collect();
    assert!(groups.len() <= 10, "{groups:?}");
}

/// A small generated cluster for the simulate tests.
fn small_cluster(test: &str) -> PathBuf {
    let path = scratch_dir(test).join("cluster.json");
    let output = ecs_place(&[
        "generate",
        "--instances",
        "20",
        "--tasks",
        "40",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    path
}

#[test]
fn simulate_refuses_a_generated_workload_beyond_its_bound() {
    let cluster = small_cluster("simulate-bound");
    // The first panicked (capacity overflow); the second grew without bound.
    for calls in ["9223372036854775807", "100000000000", "100000001"] {
        let first = assert_input_error(&ecs_place(&[
            "simulate",
            "--cluster",
            cluster.to_str().unwrap(),
            "--generate-workload",
            calls,
        ]));
        assert_eq!(
            first,
            format!(
                "InvalidParameterException: invalid value '{calls}' for '--generate-workload <CALLS>': must be a whole number from 0 to 100000000"
            )
        );
    }
    let first = assert_input_error(&ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--generate-workload",
        "10",
        "--seed",
        "-1",
    ]));
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
    let output = ecs_place(&["simulate", "--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("0 to 100000000"), "{help}");
    assert!(help.contains("0 to 18446744073709551615"), "{help}");
}

#[test]
fn run_task_and_start_task_state_the_seed_bound() {
    for command in ["run-task", "start-task"] {
        let output = ecs_place(&[command, "--help"]);
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("0 to 18446744073709551615"), "{help}");
        let first = assert_input_error(&ecs_place(&[
            command,
            "--cluster",
            "c.json",
            "--request",
            "r.json",
            "--seed",
            "18446744073709551616",
        ]));
        assert_eq!(
            first,
            "InvalidParameterException: invalid value '18446744073709551616' for '--seed <SEED>': must be a whole number from 0 to 18446744073709551615"
        );
    }
}
