//! `SnapshotBuilder`: a snapshot built in code equals the same cluster read from JSON, is
//! checked as a file is, and places as ECS would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::aws::read::RequestShape;
use ecs_placement::model::{InstanceSpec, Snapshot, SnapshotBuilder, TaskDefinitionSpec};
use ecs_placement::{ExceptionName, Placer};
use serde_json::json;

fn built() -> SnapshotBuilder {
    SnapshotBuilder::new("prod")
        .instance(
            InstanceSpec::new("i-0a")
                .cpu(2048)
                .memory(4096)
                .zone("us-east-1a")
                .attribute("team", "web")
                .reserved_ports(&[22]),
        )
        .instance(
            InstanceSpec::new("i-0b")
                .cpu(2048)
                .memory(4096)
                .zone("us-east-1b")
                .flag("ecs.capability.task-eni"),
        )
        .task_definition(
            TaskDefinitionSpec::new("web")
                .container("app", 512, 1024)
                .host_port(80),
        )
        .task("web", "i-0a")
}

#[test]
fn a_built_snapshot_equals_the_same_cluster_read_from_json() {
    let snapshot = built().build().unwrap();
    let instance = |id: &str, n: u32, zone: &str, other: serde_json::Value, ports: &[&str]| {
        let mut attributes = vec![json!({"name": "ecs.availability-zone", "value": zone})];
        attributes.extend(other.as_array().unwrap().iter().cloned());
        json!({
            "containerInstanceArn": format!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{n:032x}"),
            "ec2InstanceId": id,
            "registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
                {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ports},
                {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []}
            ],
            "status": "ACTIVE",
            "agentConnected": true,
            "attributes": attributes
        })
    };
    let file = json!({
        "cluster": {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "clusterName": "prod", "status": "ACTIVE"},
        "containerInstances": [
            instance("i-0a", 1, "us-east-1a", json!([{"name": "team", "value": "web"}]), &["22"]),
            instance("i-0b", 2, "us-east-1b", json!([{"name": "ecs.capability.task-eni"}]), &[]),
        ],
        "taskDefinitions": [{
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            "family": "web", "revision": 1, "status": "ACTIVE",
            "containerDefinitions": [{"name": "app", "cpu": 512, "memory": 1024, "essential": true,
                "portMappings": [{"containerPort": 80, "hostPort": 80}]}]
        }],
        "tasks": [{
            "taskArn": format!("arn:aws:ecs:us-east-1:123456789012:task/prod/{:032x}", 1),
            "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            "containerInstanceArn": format!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{:032x}", 1),
            "lastStatus": "RUNNING", "desiredStatus": "RUNNING",
            "cpu": "512", "memory": "1024", "group": "family:web"
        }]
    });
    let read = Snapshot::from_json(&file.to_string()).unwrap();
    assert_eq!(
        serde_json::to_value(snapshot.to_file()).unwrap(),
        serde_json::to_value(read.to_file()).unwrap()
    );
    // The running task holds its CPU, memory and host port on i-0a.
    let a = &snapshot.instances()[0];
    assert_eq!((a.remaining.cpu, a.remaining.memory), (1536, 3072));
    assert!(a.remaining.ports_tcp.contains(80));
}

#[test]
fn a_built_snapshot_places_as_ecs_would() {
    // Port 80 is taken on i-0a, so a second web task goes to i-0b; a third fits nowhere.
    let mut placer = Placer::new(built().build().unwrap());
    let request = RunTaskRequest::from_json(
        r#"{"cluster": "prod", "taskDefinition": "web", "count": 2, "launchType": "EC2"}"#,
    )
    .unwrap();
    let response = placer.run_task(&request, 1).unwrap();
    assert_eq!(response.tasks.len(), 1);
    assert!(
        response.tasks[0]
            .container_instance_arn
            .as_deref()
            .unwrap()
            .ends_with(&format!("{:032x}", 2))
    );
    assert_eq!(response.failures.len(), 2);
    assert!(
        response
            .failures
            .iter()
            .all(|f| f.reason.as_deref() == Some("RESOURCE:PORTS")),
        "{:?}",
        response.failures
    );
}

#[test]
fn a_builder_mistake_gets_the_error_a_file_would() {
    let bad_attribute = SnapshotBuilder::new("prod")
        .instance(InstanceSpec::new("i-0a").cpu(1024).memory(1024))
        .instance(
            InstanceSpec::new("i-0b")
                .cpu(1024)
                .memory(1024)
                .attribute("team name", "x"),
        )
        .build()
        .unwrap_err();
    assert_eq!(bad_attribute.exception, ExceptionName::ClientException);
    assert!(
        bad_attribute
            .message
            .starts_with("containerInstances[1].attributes[0].name"),
        "{}",
        bad_attribute.message
    );
    let unknown_family = SnapshotBuilder::new("prod")
        .instance(InstanceSpec::new("i-0a").cpu(1024).memory(1024))
        .task("api", "i-0a")
        .build()
        .unwrap_err();
    assert!(
        unknown_family.message.contains("\"api\""),
        "{}",
        unknown_family.message
    );
    let unknown_instance = built().task("web", "i-0z").build().unwrap_err();
    assert!(
        unknown_instance.message.contains("\"i-0z\""),
        "{}",
        unknown_instance.message
    );
    let bad_constraint = built()
        .task_definition(TaskDefinitionSpec::new("api").member_of("attribute:team =="))
        .build()
        .unwrap_err();
    assert!(
        bad_constraint
            .message
            .starts_with("taskDefinitions[1].placementConstraints[0].expression"),
        "{}",
        bad_constraint.message
    );
}

#[test]
fn a_revision_without_a_number_follows_the_familys_highest() {
    let given = ecs_placement::aws::TaskDefinition {
        revision: Some(2),
        ..TaskDefinitionSpec::new("web")
            .container("app", 256, 512)
            .into()
    };
    let snapshot = SnapshotBuilder::new("prod")
        .instance(InstanceSpec::new("i-0a").cpu(1024).memory(1024))
        .task_definition(given)
        .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
        .build()
        .unwrap();
    let revisions: Vec<_> = snapshot
        .task_definitions()
        .iter()
        .map(|d| d.revision)
        .collect();
    assert_eq!(revisions, [Some(2), Some(3)]);
}
