//! Golden scenarios: every directory under `tests/scenarios/` holds `snapshot.json`,
//! `request.json` (a RunTask request, or a StartTask request when it names
//! `containerInstances`), `seed` (decimal text), `expected.json` (the response, or
//! `{"__type", "message"}` for an error) and a `README.md` saying why the expectation is right.
//!
//! The output must match `expected.json` byte for byte (both pretty-printed). Run with
//! `UPDATE_GOLDEN=1` to rewrite the expected files, then review every diff by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use ecs_placement::aws::read::RequestShape;
use ecs_placement::aws::{RunTaskRequest, StartTaskRequest};
use ecs_placement::model::Snapshot;
use ecs_placement::{EcsError, run_task, start_task};
use serde_json::{Value, json};

fn scenario_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}: {name}: {e}", dir.display()))
}

fn error_json(error: &EcsError) -> Value {
    json!({"__type": error.exception.as_str(), "message": error.message})
}

/// Runs one scenario and returns its output as pretty JSON.
fn run_scenario(dir: &Path) -> String {
    let seed: u64 = read(dir, "seed").trim().parse().expect("seed is a u64");
    let request: Value = serde_json::from_str(&read(dir, "request.json")).unwrap();
    let output = match Snapshot::from_json(&read(dir, "snapshot.json")) {
        Err(error) => error_json(&error),
        Ok(snapshot) => {
            // Read as a request file is: a member the API lacks would fail the scenario.
            let text = read(dir, "request.json");
            let result = if request.get("containerInstances").is_some() {
                StartTaskRequest::from_json(&text).and_then(|r| start_task(&snapshot, &r, seed))
            } else {
                RunTaskRequest::from_json(&text).and_then(|r| run_task(&snapshot, &r, seed))
            };
            match result {
                Ok(outcome) => serde_json::to_value(&outcome.response).unwrap(),
                Err(error) => error_json(&error),
            }
        }
    };
    serde_json::to_string_pretty(&output).unwrap() + "\n"
}

#[test]
fn every_scenario_matches_its_expected_response() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let dirs = scenario_dirs();
    assert!(
        dirs.len() >= 30,
        "expected the full scenario set, found {}",
        dirs.len()
    );
    let mut mismatches = Vec::new();
    for dir in &dirs {
        assert!(
            dir.join("README.md").exists(),
            "{}: README.md missing",
            dir.display()
        );
        let actual = run_scenario(dir);
        let expected_path = dir.join("expected.json");
        if update {
            fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = read(dir, "expected.json");
        if expected != actual {
            mismatches.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                dir.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn scenarios_are_deterministic() {
    for dir in scenario_dirs() {
        assert_eq!(run_scenario(&dir), run_scenario(&dir), "{}", dir.display());
    }
}
