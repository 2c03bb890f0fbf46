//! A minimal emulator loop: the calls an ECS emulator sees, mirrored into one `Placer`.
//!
//! An emulator (or a scheduler) owns a cluster that changes between RunTask calls. It keeps one
//! `Placer` and applies each change as it happens, instead of rebuilding a snapshot from JSON:
//! instances register, get attributes, run tasks, drain, and tasks stop.
//!
//! Run: `cargo run --example emulator`

use ecs_placement::aws::read::RequestShape;
use ecs_placement::aws::{Attribute, ContainerInstance, ContainerInstanceStatus, RunTaskRequest};
use ecs_placement::model::{SnapshotBuilder, TaskDefinitionSpec};
use ecs_placement::{EcsError, Placer};

/// What the agent of a new EC2 instance registers: its resources and the attributes ECS sets.
fn registration(ec2_instance_id: &str, zone: &str) -> Result<ContainerInstance, EcsError> {
    let document = serde_json::json!({
        "ec2InstanceId": ec2_instance_id,
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 7680}
        ],
        "attributes": [
            {"name": "ecs.availability-zone", "value": zone},
            {"name": "ecs.instance-type", "value": "m5.large"}
        ]
    });
    serde_json::from_value(document)
        .map_err(|e| EcsError::invalid_parameter(format!("registration document: {e}")))
}

fn main() -> Result<(), EcsError> {
    // An empty cluster with one task definition: 512 CPU units and 1 GiB per task.
    let snapshot = SnapshotBuilder::new("demo")
        .task_definition(TaskDefinitionSpec::new("worker").container("worker", 512, 1024))
        .build()?;
    let mut placer = Placer::new(snapshot);

    // RegisterContainerInstance, three times: ECS gives each an ARN.
    let mut instances = Vec::new();
    for (ec2_instance_id, zone) in [
        ("i-0aaa", "us-east-1a"),
        ("i-0bbb", "us-east-1b"),
        ("i-0ccc", "us-east-1c"),
    ] {
        let arn = placer.register_container_instance(registration(ec2_instance_id, zone)?)?;
        println!("registered {ec2_instance_id} as {arn}");
        instances.push(arn);
    }

    // PutAttributes: the instance in us-east-1c joins the `gpu-free` pool.
    placer.put_attributes(&[Attribute {
        name: "pool".to_owned(),
        value: Some("gpu-free".to_owned()),
        target_type: None,
        target_id: Some("i-0ccc".to_owned()),
    }])?;

    // RunTask: three workers spread over zones, on any instance.
    let spread = RunTaskRequest::from_json(
        r#"{"cluster": "demo", "taskDefinition": "worker", "count": 3,
            "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]}"#,
    )?;
    let first = placer.run_task(&spread, 1)?;
    report("spread over zones", &first, &instances);

    // RunTask with a constraint only the attribute put above meets.
    let pooled = RunTaskRequest::from_json(
        r#"{"cluster": "demo", "taskDefinition": "worker", "count": 2,
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:pool == gpu-free"}]}"#,
    )?;
    let second = placer.run_task(&pooled, 2)?;
    report("memberOf the pool", &second, &instances);

    // UpdateContainerInstancesState: drain i-0aaa; new tasks avoid it.
    placer.update_container_instances_state(&["i-0aaa"], ContainerInstanceStatus::Draining)?;
    let third = placer.run_task(&spread, 3)?;
    report("after draining i-0aaa", &third, &instances);
    let on_drained = third
        .tasks
        .iter()
        .filter(|t| t.container_instance_arn.as_deref() == Some(instances[0].as_str()))
        .count();
    assert_eq!(on_drained, 0, "a draining instance takes no new task");

    // StopTask: every task placed so far stops; the instances get their resources back.
    for task in first.tasks.iter().chain(&second.tasks).chain(&third.tasks) {
        if let Some(arn) = task.task_arn.as_deref() {
            placer.stop_task(arn)?;
        }
    }
    for instance in placer.snapshot().instances() {
        println!(
            "{}: {} CPU units and {} MiB free, {} tasks",
            instance.ec2_instance_id.as_deref().unwrap_or("?"),
            instance.remaining.cpu,
            instance.remaining.memory,
            instance.running_tasks_count
        );
        assert_eq!(instance.remaining.cpu, instance.registered.cpu);
    }
    Ok(())
}

/// Prints where each task of a response went and why any could not be placed.
fn report(what: &str, response: &ecs_placement::aws::RunTaskResponse, instances: &[String]) {
    let on: Vec<String> = response
        .tasks
        .iter()
        .map(|task| {
            let arn = task.container_instance_arn.as_deref().unwrap_or("?");
            let index = instances.iter().position(|i| i == arn);
            index.map_or_else(|| arn.to_owned(), |i| format!("instance {}", i + 1))
        })
        .collect();
    println!(
        "{what}: placed on {on:?}, {} failures",
        response.failures.len()
    );
}
