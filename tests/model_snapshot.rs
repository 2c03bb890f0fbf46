//! The snapshot model: what loads, what is rejected (with the JSON path), and what is derived
//! (cluster identity, remaining resources, running counts, group index).

use ecs_placement::aws::ContainerInstanceStatus;
use ecs_placement::model::{Snapshot, SnapshotFile};
use ecs_placement::{EcsError, ExceptionName};

fn load(json: &str) -> Result<Snapshot, EcsError> {
    Snapshot::from_json(json)
}

fn loaded(json: &str) -> Snapshot {
    match load(json) {
        Ok(snapshot) => snapshot,
        Err(error) => panic!("fixture did not load: {error}"),
    }
}

fn rejected(json: &str) -> EcsError {
    match load(json) {
        Ok(_) => panic!("fixture loaded but should not"),
        Err(error) => error,
    }
}

const INSTANCE_A: &str = r#"{
  "containerInstanceArn": "arn:aws:ecs:us-east-1:012345678910:container-instance/prod/aaa",
  "ec2InstanceId": "i-0a", "status": "ACTIVE", "agentConnected": true,
  "versionInfo": {"agentVersion": "1.14.5"}, "registeredAt": "2018-06-18T22:28:28Z",
  "attributes": [{"name": "ecs.instance-type", "value": "t2.small"},
                 {"name": "ecs.availability-zone", "value": "us-east-1a"},
                 {"name": "ecs.capability.task-eni"}],
  "registeredResources": [
    {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    {"name": "MEMORY", "type": "INTEGER", "integerValue": 3768},
    {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678"]},
    {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []}]
}"#;

const INSTANCE_B: &str = r#"{
  "containerInstanceArn": "arn:aws:ecs:us-east-1:012345678910:container-instance/prod/bbb",
  "status": "DRAINING", "agentConnected": false, "runningTasksCount": 7,
  "attributes": [{"name": "ecs.instance-type", "value": "t2.small"}],
  "registeredResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                          {"name": "MEMORY", "type": "INTEGER", "integerValue": 2000}],
  "remainingResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 24},
                         {"name": "MEMORY", "type": "INTEGER", "integerValue": 1000}]
}"#;

fn two_instances_with_tasks() -> String {
    format!(
        r#"{{"containerInstances": [{INSTANCE_A}, {INSTANCE_B}],
            "tasks": [
              {{"taskArn": "arn:aws:ecs:us-east-1:012345678910:task/prod/t1",
                "containerInstanceArn": "arn:aws:ecs:us-east-1:012345678910:container-instance/prod/aaa",
                "group": "service:web", "desiredStatus": "RUNNING", "cpu": "256", "memory": "512",
                "containers": [{{"name": "web", "networkBindings": [{{"hostPort": 80, "containerPort": 80}}]}}]}},
              {{"taskArn": "arn:aws:ecs:us-east-1:012345678910:task/prod/t2",
                "containerInstanceArn": "aaa",
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:012345678910:task-definition/batch:3",
                "desiredStatus": "RUNNING", "cpu": "1 vCPU", "memory": "1GB"}},
              {{"taskArn": "arn:aws:ecs:us-east-1:012345678910:task/prod/t3",
                "containerInstanceArn": "aaa", "group": "service:web",
                "desiredStatus": "STOPPED", "cpu": "256", "memory": "512"}}
            ]}}"#
    )
}

#[test]
fn describe_container_instances_output_is_a_snapshot() {
    let json = format!(r#"{{"containerInstances": [{INSTANCE_A}], "failures": []}}"#);
    let snapshot = loaded(&json);
    assert_eq!(snapshot.instances().len(), 1);
    assert_eq!(snapshot.cluster().name, "prod");
    assert_eq!(
        snapshot.cluster().arn,
        "arn:aws:ecs:us-east-1:012345678910:cluster/prod"
    );
    let instance = &snapshot.instances()[0];
    assert_eq!(instance.id, "aaa");
    assert_eq!(instance.agent_version.as_deref(), Some("1.14.5"));
    assert_eq!(instance.remaining.cpu, 2048);
    assert_eq!(instance.running_tasks_count, 0);
}

#[test]
fn remaining_is_registered_minus_running_tasks_when_absent() {
    let snapshot = loaded(&two_instances_with_tasks());
    let a = &snapshot.instances()[0];
    assert_eq!(a.remaining.cpu, 2048 - 256 - 1024);
    assert_eq!(a.remaining.memory, 3768 - 512 - 1024);
    assert!(a.remaining.ports_tcp.contains(80));
    assert!(a.remaining.ports_tcp.contains(22));
    assert_eq!(a.running_tasks_count, 2, "the STOPPED task does not count");
    let b = &snapshot.instances()[1];
    assert_eq!(
        (b.remaining.cpu, b.remaining.memory),
        (24, 1000),
        "given remaining wins"
    );
    assert_eq!(b.running_tasks_count, 7, "a given count wins");
    assert_eq!(b.status, ContainerInstanceStatus::Draining);
    assert!(!b.agent_connected);
}

#[test]
fn running_tasks_are_indexed_by_group() {
    let snapshot = loaded(&two_instances_with_tasks());
    let web = snapshot.group_id("service:web");
    let batch = snapshot.group_id("family:batch");
    let (Some(web), Some(batch)) = (web, batch) else {
        panic!("groups not interned");
    };
    assert_eq!(snapshot.group_instances(web).get(&0), Some(&1));
    assert_eq!(snapshot.group_instances(batch).get(&0), Some(&1));
    assert_eq!(snapshot.instances()[0].group_count(web), 1);
    assert_eq!(snapshot.instances()[1].group_count(web), 0);
    assert_eq!(snapshot.tasks().len(), 3);
}

#[test]
fn attributes_are_interned_with_posting_lists() {
    let snapshot = loaded(&two_instances_with_tasks());
    let Some(kind) = snapshot.attribute_name_id("ecs.instance-type") else {
        panic!("attribute name not interned");
    };
    let postings = snapshot.attribute_postings(kind);
    let t2 = snapshot.attribute_value_id("t2.small");
    assert_eq!(postings.get(&t2), Some(&vec![0, 1]));
    let Some(eni) = snapshot.attribute_name_id("ecs.capability.task-eni") else {
        panic!("name-only attribute not interned");
    };
    assert_eq!(snapshot.attribute_postings(eni).get(&None), Some(&vec![0]));
    assert_eq!(snapshot.instances()[0].attribute(eni), Some(None));
    assert_eq!(snapshot.instances()[1].attribute(eni), None);
}

#[test]
fn bad_attribute_name_is_reported_with_its_path() {
    let json = r#"{"containerInstances": [
        {"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/x"},
        {"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/y",
         "attributes": [{"name": "ok"}, {"name": "bad name"}]}]}"#;
    let error = rejected(json);
    assert_eq!(error.exception, ExceptionName::ClientException);
    assert!(
        error
            .message
            .starts_with("containerInstances[1].attributes[1].name: "),
        "{}",
        error.message
    );
}

#[test]
fn other_rejections_name_their_member() {
    let cases = [
        (
            r#"{"containerInstances": [{}]}"#,
            "containerInstances[0].containerInstanceArn: ",
        ),
        (
            r#"{"containerInstances": [{"containerInstanceArn": "a", "status": "SLEEPING"}]}"#,
            "containerInstances[0].status: ",
        ),
        (
            r#"{"containerInstances": [{"containerInstanceArn": "a", "attributes": [{"name": "x", "value": " y"}]}]}"#,
            "containerInstances[0].attributes[0].value: ",
        ),
        (
            r#"{"containerInstances": [{"containerInstanceArn": "a"}, {"containerInstanceArn": "a"}]}"#,
            "containerInstances[1].containerInstanceArn: ",
        ),
        (
            r#"{"containerInstances": [{"containerInstanceArn": "a", "registeredResources": [{"name": "PORTS", "stringSetValue": ["x"]}]}]}"#,
            "containerInstances[0].registeredResources[0].stringSetValue[0]: ",
        ),
        (
            r#"{"containerInstances": [], "tasks": [{}]}"#,
            "tasks[0].taskArn: ",
        ),
        (
            r#"{"containerInstances": [], "taskDefinitions": [{"family": "f", "placementConstraints": [{"type": "distinctInstance"}]}]}"#,
            "taskDefinitions[0].placementConstraints[0].type: ",
        ),
        (
            r#"{"containerInstances": [], "taskDefinitions": [{"family": "f", "placementConstraints": [{"type": "memberOf", "expression": "agentVersion in [1.0]"}]}]}"#,
            "taskDefinitions[0].placementConstraints[0].expression: ",
        ),
    ];
    for (json, prefix) in cases {
        let error = rejected(json);
        assert!(
            error.message.starts_with(prefix),
            "{prefix} vs {}",
            error.message
        );
    }
}

#[test]
fn instances_without_attributes_and_tasks_on_unknown_instances_load() {
    let json = r#"{"containerInstances": [{"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/x"}],
                   "tasks": [{"taskArn": "t", "containerInstanceArn": "elsewhere", "taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/gone:9"}]}"#;
    let snapshot = loaded(json);
    assert_eq!(snapshot.instances()[0].running_tasks_count, 0);
    assert_eq!(snapshot.tasks().get("t").and_then(|t| t.instance), None);
}

#[test]
fn the_written_file_loads_back_to_the_same_state() {
    let snapshot = loaded(&two_instances_with_tasks());
    let file = snapshot.to_file();
    let again = match Snapshot::try_from(file.clone()) {
        Ok(s) => s,
        Err(e) => panic!("written snapshot does not load: {e}"),
    };
    for (before, after) in snapshot.instances().iter().zip(again.instances()) {
        assert_eq!(before.remaining, after.remaining);
        assert_eq!(before.running_tasks_count, after.running_tasks_count);
        assert_eq!(before.groups.len(), after.groups.len());
    }
    let text = serde_json::to_string(&file).unwrap_or_default();
    let reread: Result<SnapshotFile, _> = serde_json::from_str(&text);
    assert_eq!(reread.ok(), Some(file));
}

/// The bundled example carries `remainingResources` as ECS reports them; stripping them must
/// give the same resources back from registered minus what the running tasks hold.
#[test]
fn example_remaining_resources_agree_with_its_tasks() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/cluster.json");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let given = loaded(&text);
    let mut file: SnapshotFile = serde_json::from_str(&text).unwrap_or_default();
    for instance in &mut file.container_instances {
        instance.remaining_resources = None;
        instance.running_tasks_count = None;
    }
    let derived = match Snapshot::try_from(file) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    for (a, b) in given.instances().iter().zip(derived.instances()) {
        assert_eq!(a.remaining, b.remaining, "instance {}", a.id);
        assert_eq!(
            a.running_tasks_count, b.running_tasks_count,
            "instance {}",
            a.id
        );
    }
}

/// Task amounts near `i64::MAX` on one instance: the derived remaining CPU saturates instead of
/// overflowing (a panic in debug builds, a wrap-around in release builds).
#[test]
fn huge_task_amounts_saturate_when_remaining_is_derived() {
    let task = |id: &str| {
        format!(
            r#"{{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/{id}",
                "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1",
                "cpu": "9223372036854775807", "memory": "1"}}"#
        )
    };
    let json = format!(
        r#"{{"cluster": {{"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"}},
            "containerInstances": [{{
                "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1",
                "registeredResources": [
                    {{"name": "CPU", "type": "INTEGER", "integerValue": 0}},
                    {{"name": "MEMORY", "type": "INTEGER", "integerValue": 1024}}]}}],
            "tasks": [{}, {}]}}"#,
        task("t1"),
        task("t2")
    );
    let snapshot = loaded(&json);
    let remaining = &snapshot.instances()[0].remaining;
    assert_eq!((remaining.cpu, remaining.memory), (i64::MIN, 1022));
}

/// An instance whose running tasks hold more than it registered has negative remaining CPU or
/// memory (derived, as above); the state written out must load back to the same amounts, as a
/// `--state-out` file is the next call's `--cluster`. Found by the `snapshot_structured` fuzz
/// target: the reader refused the negative amount the writer wrote.
#[test]
fn an_over_committed_instance_is_written_and_read_back() {
    let json = r#"{"containerInstances": [{
            "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1",
            "registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 512}]}],
        "tasks": [{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/t1",
            "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1",
            "cpu": "256", "memory": "768"}]}"#;
    let snapshot = loaded(json);
    let remaining = &snapshot.instances()[0].remaining;
    assert_eq!((remaining.cpu, remaining.memory), (768, -256));
    let written = serde_json::to_string(&snapshot.to_file()).unwrap_or_default();
    let again = loaded(&written);
    assert_eq!(
        again.instances()[0].remaining,
        snapshot.instances()[0].remaining
    );
    // Registered amounts stay non-negative.
    let negative = json.replace(r#""integerValue": 512"#, r#""integerValue": -1"#);
    assert!(
        rejected(&negative)
            .message
            .starts_with("containerInstances[0].registeredResources[1].integerValue: ")
    );
}

/// An instance with every GPU taken, by tasks the snapshot does not list (the bare output of
/// `describe-container-instances` is a snapshot): the written state must keep its remaining
/// GPUs empty, not leave the entry out, which the next read derives as every GPU free. Found
/// by the `snapshot_load` fuzz target.
#[test]
fn an_instance_with_every_gpu_taken_is_written_and_read_back() {
    let json = r#"{"containerInstances": [{
            "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/g1",
            "registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 16384},
                {"name": "GPU", "type": "STRINGSET", "stringSetValue": ["GPU-0", "GPU-1"]}],
            "remainingResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 8192},
                {"name": "GPU", "type": "STRINGSET", "stringSetValue": []}]}]}"#;
    let snapshot = loaded(json);
    assert!(snapshot.instances()[0].remaining.gpus.is_empty());
    let written = serde_json::to_string(&snapshot.to_file()).unwrap_or_default();
    let again = loaded(&written);
    assert_eq!(
        again.instances()[0].remaining,
        snapshot.instances()[0].remaining
    );
}

/// A date-time far ahead (any year to 9999 reads) is written as epoch seconds; those must read
/// back, as a `--state-out` file is the next call's `--cluster`. Found by the `snapshot_load`
/// fuzz target: seconds past 10^11 (the year 5138) were refused.
#[test]
fn a_far_date_is_written_and_read_back() {
    let json = r#"{"containerInstances": [{
            "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1",
            "registeredAt": "9999-12-30T21:59:59.999Z"}],
        "tasks": [{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/t1",
            "createdAt": "7706-11-21T08:00:00.000000+00:00"}]}"#;
    let snapshot = loaded(json);
    let written = serde_json::to_string(&snapshot.to_file()).unwrap_or_default();
    let again = loaded(&written);
    assert_eq!(
        again.instances()[0].registered_at,
        snapshot.instances()[0].registered_at
    );
    let created = |s: &Snapshot| {
        s.describe_task("arn:aws:ecs:us-east-1:123456789012:task/prod/t1")
            .and_then(|t| t.created_at)
    };
    assert_eq!(created(&again), created(&snapshot));
    assert!(created(&snapshot).is_some());
}
