//! ENIs for `awsvpc` tasks (docs/SEMANTICS.md, "ENIs"): each takes one of its instance's
//! network interfaces, so an m5.large takes 2 without trunking and 10 with it, whatever its CPU
//! and memory would allow. Checked through `run_task` (which takes the reference pipeline for
//! such tasks), the `Placer`, `start_task`, a stop and `--state-out`'s round trip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::aws::{RunTaskRequest, StartTaskRequest};
use ecs_placement::model::Snapshot;
use ecs_placement::{Placer, run_task, start_task, stop_task};
use serde_json::{Value, json};

const ARN: &str = "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/";

fn instance(id: &str, kind: &str, memory: i64, extra: &[(&str, &str)]) -> Value {
    let mut attributes = vec![
        json!({"name": "ecs.instance-type", "value": kind}),
        json!({"name": "ecs.availability-zone", "value": "us-east-1a"}),
    ];
    attributes.extend(extra.iter().map(|(n, v)| json!({"name": n, "value": v})));
    json!({
        "containerInstanceArn": format!("{ARN}{id}"),
        "ec2InstanceId": format!("i-{id}"),
        "status": "ACTIVE",
        "agentConnected": true,
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": memory}
        ],
        "attributes": attributes
    })
}

fn definition(family: &str, mode: &str) -> Value {
    json!({
        "taskDefinitionArn": format!("arn:aws:ecs:us-east-1:111122223333:task-definition/{family}:1"),
        "family": family, "revision": 1, "networkMode": mode, "status": "ACTIVE",
        "requiresAttributes": [],
        "containerDefinitions": [{"name": "app", "cpu": 10, "memory": 16}]
    })
}

fn snapshot(instances: Vec<Value>, tasks: Vec<Value>) -> Snapshot {
    let file = json!({
        "cluster": {"clusterName": "prod", "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/prod"},
        "containerInstances": instances,
        "taskDefinitions": [definition("vpc", "awsvpc"), definition("bridged", "bridge")],
        "tasks": tasks
    });
    Snapshot::from_json(&file.to_string()).unwrap()
}

fn request(family: &str, count: u32) -> RunTaskRequest {
    let mut request = json!({
        "cluster": "prod", "taskDefinition": family, "count": count, "launchType": "EC2",
        "placementStrategy": [{"type": "binpack", "field": "memory"}]
    });
    if family == "vpc" {
        request["networkConfiguration"] = network();
    }
    serde_json::from_value(request).unwrap()
}

fn network() -> Value {
    json!({"awsvpcConfiguration": {"subnets": ["subnet-0a"]}})
}

/// (tasks placed, failure reasons by instance id).
fn outcome(snapshot: &Snapshot, request: &RunTaskRequest) -> (usize, Vec<(String, String)>) {
    let outcome = run_task(snapshot, request, 7).unwrap();
    let failures = outcome
        .response
        .failures
        .iter()
        .map(|f| {
            let arn = f.arn.as_deref().unwrap();
            (
                arn.rsplit('/').next().unwrap().to_owned(),
                f.reason.clone().unwrap(),
            )
        })
        .collect();
    (outcome.response.tasks.len(), failures)
}

#[test]
fn an_m5_large_takes_two_awsvpc_tasks_without_trunking() {
    let cluster = snapshot(vec![instance("aaa", "m5.large", 8000, &[])], vec![]);
    assert_eq!(
        outcome(&cluster, &request("vpc", 10)),
        (2, vec![("aaa".into(), "RESOURCE:ENI".into())])
    );
    // Bridge tasks take no interface.
    assert_eq!(outcome(&cluster, &request("bridged", 10)), (10, vec![]));
}

#[test]
fn trunking_unknown_types_and_the_override_set_the_limit() {
    let trunked = snapshot(
        vec![instance(
            "aaa",
            "m5.large",
            8000,
            &[("ecs.awsvpc-trunk-id", "eni-0f")],
        )],
        vec![],
    );
    assert_eq!(outcome(&trunked, &request("vpc", 10)).0, 10);
    let unknown = snapshot(vec![instance("aaa", "x9.mega", 8000, &[])], vec![]);
    assert_eq!(outcome(&unknown, &request("vpc", 10)).0, 10);
    let overridden = snapshot(
        vec![instance(
            "aaa",
            "m5.large",
            8000,
            &[("ecs-placement.eni-limit", "4")],
        )],
        vec![],
    );
    assert_eq!(outcome(&overridden, &request("vpc", 10)).0, 4);
    let bad = json!({"containerInstances": [instance("aaa", "m5.large", 8000, &[("ecs-placement.eni-limit", "many")])]});
    let error = Snapshot::from_json(&bad.to_string()).unwrap_err();
    assert!(
        error
            .message
            .starts_with("containerInstances[0].attributes: `ecs-placement.eni-limit` is `many`"),
        "{}",
        error.message
    );
}

#[test]
fn running_awsvpc_tasks_hold_their_interfaces_and_give_them_back() {
    let running = json!({
        "taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/t1",
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/vpc:1",
        "containerInstanceArn": format!("{ARN}aaa"),
        "desiredStatus": "RUNNING", "lastStatus": "RUNNING", "cpu": "10", "memory": "16"
    });
    let mut cluster = snapshot(vec![instance("aaa", "m5.large", 8000, &[])], vec![running]);
    assert_eq!(outcome(&cluster, &request("vpc", 10)).0, 1);
    // The written state loads with the same interfaces held.
    let again = Snapshot::from_json(&serde_json::to_string(&cluster.to_file()).unwrap()).unwrap();
    assert_eq!(outcome(&again, &request("vpc", 10)).0, 1);
    stop_task(
        &mut cluster,
        "arn:aws:ecs:us-east-1:111122223333:task/prod/t1",
    )
    .unwrap();
    assert_eq!(outcome(&cluster, &request("vpc", 10)).0, 2);
}

#[test]
fn enis_are_checked_after_the_documented_resources() {
    // bbb lacks memory and has no free interface: its reason is RESOURCE:MEMORY.
    let cluster = snapshot(
        vec![
            instance("aaa", "m5.large", 8000, &[]),
            instance("bbb", "m5.large", 8, &[]),
        ],
        vec![],
    );
    let (placed, failures) = outcome(&cluster, &request("vpc", 3));
    assert_eq!(placed, 2);
    assert_eq!(
        failures,
        [
            ("aaa".to_owned(), "RESOURCE:ENI".to_owned()),
            ("bbb".to_owned(), "RESOURCE:MEMORY".to_owned())
        ]
    );
}

#[test]
fn a_placer_and_start_task_count_interfaces_as_run_task_does() {
    let cluster = snapshot(vec![instance("aaa", "m5.large", 8000, &[])], vec![]);
    let mut placer = Placer::new(cluster.clone());
    let mut placed = 0;
    for seed in 0..4 {
        placed += placer
            .run_task(&request("vpc", 1), seed)
            .unwrap()
            .tasks
            .len();
    }
    assert_eq!(placed, 2);
    let start: StartTaskRequest = serde_json::from_value(json!({
        "cluster": "prod", "taskDefinition": "vpc", "containerInstances": ["aaa"],
        "networkConfiguration": network()
    }))
    .unwrap();
    let mut state = cluster;
    // Each call its own seed: the same seed would draw the same task ARN, which the state
    // already holds.
    for seed in 0..2 {
        let outcome = start_task(&state, &start, seed).unwrap();
        assert_eq!(outcome.response.tasks.len(), 1);
        state.apply(&outcome.changes);
    }
    let third = start_task(&state, &start, 2).unwrap();
    assert_eq!(
        third.response.failures[0].reason.as_deref(),
        Some("RESOURCE:ENI")
    );
}
