//! The next state a call leaves: applying its change set, writing the snapshot out (what the
//! CLI's `--state-out` does) and reading it back gives the same instances; a second call on
//! the new state sees the first call's tasks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::model::Snapshot;
use ecs_placement::{run_task, stop_task};

fn scenario(name: &str) -> (Snapshot, RunTaskRequest) {
    let dir = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let snapshot =
        Snapshot::from_json(&std::fs::read_to_string(format!("{dir}/snapshot.json")).unwrap())
            .unwrap();
    let request =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/request.json")).unwrap())
            .unwrap();
    (snapshot, request)
}

fn instance_state(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .instances()
        .iter()
        .map(|i| {
            format!(
                "{} {:?} {} {:?}",
                i.arn, i.remaining, i.running_tasks_count, i.groups
            )
        })
        .collect()
}

#[test]
fn written_state_reads_back_the_same() {
    for name in [
        "failure-resource-gpu",
        "failure-resource-ports-udp",
        "strategy-example-6-spread-az-then-binpack-memory",
    ] {
        let (mut snapshot, request) = scenario(name);
        let outcome = run_task(&snapshot, &request, 5).unwrap();
        assert!(!outcome.changes.is_empty(), "{name}");
        snapshot.apply(&outcome.changes);
        let written = serde_json::to_string(&snapshot.to_file()).unwrap();
        let reread = Snapshot::from_json(&written).unwrap();
        assert_eq!(instance_state(&snapshot), instance_state(&reread), "{name}");
        assert_eq!(snapshot.tasks().len(), reread.tasks().len());
    }
}

#[test]
fn a_second_call_sees_the_first_and_stopping_frees_the_port() {
    // web reserves TCP 80; bbb is the only instance with 80 free.
    let (mut snapshot, mut request) = scenario("failure-resource-ports");
    request.count = Some(1);
    let first = run_task(&snapshot, &request, 1).unwrap();
    assert_eq!(first.response.tasks.len(), 1);
    snapshot.apply(&first.changes);
    let second = run_task(&snapshot, &request, 2).unwrap();
    assert!(second.response.tasks.is_empty());
    let reasons: Vec<_> = second
        .response
        .failures
        .iter()
        .map(|f| f.reason.as_deref())
        .collect();
    assert_eq!(reasons, vec![Some("RESOURCE:PORTS"); 2]);

    let arn = first.response.tasks[0].task_arn.clone().unwrap();
    stop_task(&mut snapshot, &arn).unwrap();
    let third = run_task(&snapshot, &request, 3).unwrap();
    assert_eq!(third.response.tasks.len(), 1);
    assert_eq!(
        third.response.tasks[0].container_instance_arn,
        first.response.tasks[0].container_instance_arn
    );
}
