//! Fixture clusters for the query tests: a small builder that writes snapshot JSON in the
//! DescribeContainerInstances shapes and loads it with `Snapshot::from_json`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::model::Snapshot;
use serde_json::{Value, json};

/// One container instance of a fixture.
#[derive(Debug, Clone, Default)]
pub struct Inst {
    pub ec2: Option<String>,
    pub status: Option<&'static str>,
    pub connected: Option<bool>,
    pub agent_version: Option<String>,
    pub registered_at: Option<String>,
    pub attributes: Vec<(String, Option<String>)>,
}

impl Inst {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn ec2(mut self, id: &str) -> Self {
        self.ec2 = Some(id.into());
        self
    }
    pub fn status(mut self, status: &'static str) -> Self {
        self.status = Some(status);
        self
    }
    pub fn connected(mut self, connected: bool) -> Self {
        self.connected = Some(connected);
        self
    }
    pub fn agent(mut self, version: &str) -> Self {
        self.agent_version = Some(version.into());
        self
    }
    pub fn registered(mut self, at: &str) -> Self {
        self.registered_at = Some(at.into());
        self
    }
    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.attributes.push((name.into(), Some(value.into())));
        self
    }
    pub fn flag(mut self, name: &str) -> Self {
        self.attributes.push((name.into(), None));
        self
    }
}

/// A task of a fixture: the instance it runs on, its group, whether desiredStatus is RUNNING.
#[derive(Debug, Clone)]
pub struct TaskSpec {
    pub instance: usize,
    pub group: String,
    pub running: bool,
}

pub fn task(instance: usize, group: &str) -> TaskSpec {
    TaskSpec {
        instance,
        group: group.into(),
        running: true,
    }
}

pub fn stopped_task(instance: usize, group: &str) -> TaskSpec {
    TaskSpec {
        running: false,
        ..task(instance, group)
    }
}

pub fn instance_arn(position: usize) -> String {
    format!("arn:aws:ecs:us-east-1:123456789012:container-instance/test/ci{position:05}")
}

fn instance_json(position: usize, inst: &Inst) -> Value {
    let attributes: Vec<Value> = inst
        .attributes
        .iter()
        .map(|(name, value)| match value {
            Some(value) => json!({"name": name, "value": value}),
            None => json!({"name": name}),
        })
        .collect();
    let mut object = json!({
        "containerInstanceArn": instance_arn(position),
        "status": inst.status.unwrap_or("ACTIVE"),
        "agentConnected": inst.connected.unwrap_or(true),
        "attributes": attributes,
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096}
        ]
    });
    if let Some(ec2) = &inst.ec2 {
        object["ec2InstanceId"] = json!(ec2);
    }
    if let Some(version) = &inst.agent_version {
        object["versionInfo"] = json!({"agentVersion": version});
    }
    if let Some(at) = &inst.registered_at {
        object["registeredAt"] = json!(at);
    }
    object
}

/// The snapshot JSON of the instances and tasks.
pub fn snapshot_json(instances: &[Inst], tasks: &[TaskSpec]) -> String {
    let tasks: Vec<Value> = tasks
        .iter()
        .enumerate()
        .map(|(n, t)| {
            json!({
                "taskArn": format!("arn:aws:ecs:us-east-1:123456789012:task/test/t{n:05}"),
                "containerInstanceArn": instance_arn(t.instance),
                "group": t.group,
                "desiredStatus": if t.running { "RUNNING" } else { "STOPPED" },
                "lastStatus": if t.running { "RUNNING" } else { "STOPPED" },
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
            })
        })
        .collect();
    let containers: Vec<Value> = instances
        .iter()
        .enumerate()
        .map(|(n, i)| instance_json(n, i))
        .collect();
    json!({"containerInstances": containers, "tasks": tasks}).to_string()
}

pub fn snapshot(instances: &[Inst], tasks: &[TaskSpec]) -> Snapshot {
    let json = snapshot_json(instances, tasks);
    Snapshot::from_json(&json).unwrap_or_else(|e| panic!("fixture does not load: {e}\n{json}"))
}
