//! Waiting for capacity (docs/SEMANTICS.md, "Waiting for capacity"; addendum C1–C3): a task of
//! a capacity provider with managed scaling `ENABLED` that no instance can take is returned
//! `PROVISIONING` on no instance, and no failure is reported; with managed scaling off it fails
//! as before. Checked on the example cluster, whose two Auto Scaling providers scale.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::aws::read::RequestShape;
use ecs_placement::model::Snapshot;
use ecs_placement::{ExceptionName, Placer, explain_run_task, run_task};
use serde_json::{Value, json};

fn example_json() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/cluster.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `count` tasks of `family` through `provider`.
fn request(family: &str, provider: &str, count: u32) -> RunTaskRequest {
    RunTaskRequest::from_json(
        &json!({
            "cluster": "prod", "taskDefinition": family, "count": count,
            "capacityProviderStrategy": [{"capacityProvider": provider, "weight": 1}]
        })
        .to_string(),
    )
    .unwrap()
}

fn statuses(response: &ecs_placement::aws::RunTaskResponse) -> Vec<(String, bool)> {
    response
        .tasks
        .iter()
        .map(|t| {
            (
                t.last_status.as_deref().unwrap().to_owned(),
                t.container_instance_arn.is_some(),
            )
        })
        .collect()
}

#[test]
fn tasks_no_instance_can_take_wait_for_a_provider_that_scales() {
    // gpu-trainer needs a GPU, which no cp-spot instance has: every task waits.
    let snapshot = Snapshot::from_json(&example_json().to_string()).unwrap();
    let outcome = run_task(&snapshot, &request("gpu-trainer", "cp-spot", 4), 3).unwrap();
    assert!(
        outcome.response.failures.is_empty(),
        "{:?}",
        outcome.response.failures
    );
    assert_eq!(
        statuses(&outcome.response),
        vec![("PROVISIONING".to_owned(), false); 4]
    );
    let waiting = &outcome.response.tasks[0];
    assert_eq!(waiting.capacity_provider_name.as_deref(), Some("cp-spot"));
    assert_eq!(
        waiting.launch_type.as_ref().map(|l| l.as_str()),
        Some("EC2")
    );
    assert_eq!(
        waiting
            .desired_status
            .as_ref()
            .map(|d| d.to_string())
            .as_deref(),
        Some("RUNNING")
    );
    // The explanation says the first task waits (the route's later ones are not judged).
    let (explained, explanations) =
        explain_run_task(&snapshot, &request("gpu-trainer", "cp-spot", 4), 3).unwrap();
    assert_eq!(explained, outcome);
    assert_eq!(explanations.len(), 1);
    assert!(explanations[0].waits_for_capacity);
    assert_eq!(
        explanations[0].task_arn.as_deref(),
        waiting.task_arn.as_deref()
    );
}

#[test]
fn a_call_places_what_fits_and_the_rest_waits_holding_nothing() {
    // batch-job (1 vCPU, 2 GB) through cp-spot, ten at a time, until tasks start to wait.
    let mut state = Snapshot::from_json(&example_json().to_string()).unwrap();
    let mut placer = Placer::new(state.clone());
    for seed in 0..10 {
        let call = request("batch-job", "cp-spot", 10);
        let outcome = run_task(&state, &call, seed).unwrap();
        assert_eq!(placer.run_task(&call, seed).unwrap(), outcome.response);
        assert!(outcome.response.failures.is_empty());
        let status = statuses(&outcome.response);
        let placed = status.iter().filter(|(_, on)| *on).count();
        // Placed tasks first, then the waiting ones: a waiting route places no more.
        for (index, (last, on_instance)) in status.iter().enumerate() {
            let expected = if index < placed {
                ("PENDING", true)
            } else {
                ("PROVISIONING", false)
            };
            assert_eq!(
                (last.as_str(), *on_instance),
                expected,
                "call {seed}: {status:?}"
            );
        }
        let free = |s: &Snapshot| {
            s.instances()
                .iter()
                .map(|i| i.remaining.memory)
                .sum::<i64>()
        };
        let before = free(&state);
        state.apply(&outcome.changes);
        assert_eq!(
            before - free(&state),
            2048 * placed as i64,
            "waiting tasks hold nothing"
        );
        if placed < 10 {
            return;
        }
    }
    panic!("cp-spot never filled up");
}

#[test]
fn without_managed_scaling_the_task_fails_as_before() {
    let mut file = example_json();
    for provider in file["capacityProviders"].as_array_mut().unwrap() {
        if let Some(scaling) = provider.pointer_mut("/autoScalingGroupProvider/managedScaling") {
            scaling["status"] = json!("DISABLED");
        }
    }
    let snapshot = Snapshot::from_json(&file.to_string()).unwrap();
    let outcome = run_task(&snapshot, &request("gpu-trainer", "cp-spot", 4), 3).unwrap();
    assert!(
        statuses(&outcome.response)
            .iter()
            .all(|(last, on)| last == "PENDING" && *on)
    );
    assert!(!outcome.response.failures.is_empty());
    assert!(outcome.response.tasks.len() < 4);
}

#[test]
fn the_cluster_holds_at_most_500_waiting_tasks() {
    let mut file = example_json();
    let waiting: Vec<Value> = (0..499)
        .map(|i| {
            json!({
                "taskArn": format!("arn:aws:ecs:us-east-1:123456789012:task/prod/{i:032x}"),
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/gpu-trainer:2",
                "lastStatus": "PROVISIONING", "desiredStatus": "RUNNING", "launchType": "EC2",
                "capacityProviderName": "cp-spot", "group": "family:gpu-trainer"
            })
        })
        .collect();
    file["tasks"].as_array_mut().unwrap().extend(waiting);
    let snapshot = Snapshot::from_json(&file.to_string()).unwrap();
    // Ten trainers through cp-spot, which no instance of it takes: the first waits, the 500th.
    let error = run_task(&snapshot, &request("gpu-trainer", "cp-spot", 10), 3).unwrap_err();
    assert_eq!(error.exception, ExceptionName::ClientException);
    assert!(
        error.message.starts_with("The number of tasks in the PROVISIONING state for this cluster has reached the limit (500): 499 were waiting"),
        "{}",
        error.message
    );
}
