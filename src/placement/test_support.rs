//! Fixtures for the stage tests: a small cluster written as JSON, so each test states the
//! instances it needs in one line.

use serde_json::{Value, json};

use crate::model::Snapshot;

/// An instance `id` with `cpu` units and `memory` MiB registered, in `zone`, plus `extra`
/// members merged over the defaults (status, agentConnected, attributes, ...).
pub(crate) fn instance(id: &str, cpu: i64, memory: i64, extra: Value) -> Value {
    let mut value = json!({
        "containerInstanceArn": format!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{id}"),
        "status": "ACTIVE",
        "agentConnected": true,
        "attributes": [{"name": "ecs.availability-zone", "value": "us-east-1a"}],
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22"]}
        ]
    });
    if let (Some(target), Value::Object(members)) = (value.as_object_mut(), extra) {
        target.extend(members);
    }
    value
}

/// A snapshot of cluster `prod` with these instances and tasks, and the task definition
/// `app` (one container: 256 units, 512 MiB, TCP host port 80, `gpus` GPUs when above 0).
pub(crate) fn snapshot(instances: Vec<Value>, tasks: Vec<Value>, gpus: u32) -> Snapshot {
    let mut container = json!({"name": "app", "cpu": 256, "memory": 512,
        "portMappings": [{"containerPort": 80, "hostPort": 80}]});
    if gpus > 0 {
        container["resourceRequirements"] = json!([{"type": "GPU", "value": gpus.to_string()}]);
    }
    let file = json!({
        "cluster": {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "clusterName": "prod"},
        "containerInstances": instances,
        "tasks": tasks,
        "taskDefinitions": [{"family": "app", "revision": 1, "containerDefinitions": [container]}]
    });
    match Snapshot::from_json(&file.to_string()) {
        Ok(snapshot) => snapshot,
        Err(error) => panic!("fixture: {error}"),
    }
}

/// A RunTask request for `app` with extra members.
pub(crate) fn run_request(extra: Value) -> crate::aws::RunTaskRequest {
    let mut value = json!({"cluster": "prod", "taskDefinition": "app"});
    if let (Some(target), Value::Object(members)) = (value.as_object_mut(), extra) {
        target.extend(members);
    }
    match serde_json::from_value(value) {
        Ok(request) => request,
        Err(error) => panic!("fixture: {error}"),
    }
}
