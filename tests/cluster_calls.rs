//! The calls that change a cluster between RunTask calls (`model::cluster_calls`): each equals
//! the same change made to the snapshot's JSON and read afresh, and a `Placer` changed by any
//! sequence of them, runs and stops answers every request as a `Placer` built from its state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ecs_placement::aws::read::RequestShape;
use ecs_placement::aws::{
    Attribute, ContainerInstance, ContainerInstanceStatus, RunTaskRequest, StartTaskRequest,
    TaskDefinition,
};
use ecs_placement::model::Snapshot;
use ecs_placement::{ExceptionName, Placer};
use proptest::prelude::*;
use serde_json::{Value, json};

mod cluster_support;

use cluster_support::{attribute, example, example_json, reread};

fn requests() -> Vec<RunTaskRequest> {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/run-task.json"),
    )
    .unwrap();
    vec![
        RunTaskRequest::from_json(&text).unwrap(),
        RunTaskRequest::from_json(
            r#"{"cluster": "prod", "taskDefinition": "batch-job", "count": 3, "launchType": "EC2",
                "placementStrategy": [{"type": "spread", "field": "instanceId"}]}"#,
        )
        .unwrap(),
        RunTaskRequest::from_json(
            r#"{"cluster": "prod", "taskDefinition": "batch-job", "count": 4, "launchType": "EC2",
                "placementConstraints": [{"type": "memberOf", "expression": "attribute:team != payments and not(attribute:canary exists)"}],
                "placementStrategy": [{"type": "spread", "field": "attribute:team"}, {"type": "binpack", "field": "memory"}]}"#,
        )
        .unwrap(),
        RunTaskRequest::from_json(
            r#"{"cluster": "prod", "taskDefinition": "api", "count": 2, "launchType": "EC2",
                "placementConstraints": [{"type": "distinctInstance"}],
                "placementStrategy": [{"type": "binpack", "field": "cpu"}]}"#,
        )
        .unwrap(),
    ]
}

const WEB_A: &str = "6513270e269e0d37f2a74de452e6b438";

#[test]
fn draining_through_the_call_equals_draining_in_the_json() {
    let mut placer = Placer::new(example());
    // By EC2 instance id, with one unknown name answered MISSING.
    let update = placer
        .update_container_instances_state(
            &["i-01a61dbe2e44158b", "i-nope"],
            ContainerInstanceStatus::Draining,
        )
        .unwrap();
    assert_eq!(update.updated, [0]);
    assert_eq!(update.failures[0].reason.as_deref(), Some("MISSING"));

    let mut file = example_json();
    file["containerInstances"][0]["status"] = json!("DRAINING");
    let by_hand = Snapshot::from_json(&file.to_string()).unwrap();
    assert_eq!(
        serde_json::to_value(placer.snapshot().to_file()).unwrap(),
        serde_json::to_value(by_hand.to_file()).unwrap()
    );
    for request in requests() {
        // Each call against a placer built from the same state, read afresh.
        let mut fresh = Placer::new(reread(placer.snapshot()));
        assert_eq!(
            placer.run_task(&request, 5).unwrap(),
            fresh.run_task(&request, 5).unwrap()
        );
    }
    let placed = placer.run_task(&requests()[0], 9).unwrap();
    assert!(placed.tasks.iter().all(|t| {
        !t.container_instance_arn
            .as_deref()
            .unwrap()
            .ends_with(WEB_A)
    }));
    // And back.
    placer
        .update_container_instances_state(&[WEB_A], ContainerInstanceStatus::Active)
        .unwrap();
    assert_eq!(
        placer.snapshot().instances()[0].status,
        ContainerInstanceStatus::Active
    );
}

#[test]
fn what_the_api_does_not_allow_is_refused() {
    let mut snapshot = example();
    let error = snapshot
        .update_container_instances_state(&[WEB_A], ContainerInstanceStatus::Registering)
        .unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    assert!(
        error
            .message
            .starts_with("status REGISTERING cannot be set"),
        "{}",
        error.message
    );
    let eleven = vec![WEB_A; 11];
    assert!(
        snapshot
            .update_container_instances_state(&eleven, ContainerInstanceStatus::Draining)
            .is_err()
    );
    assert!(snapshot.set_agent_connected("i-nope", false).is_err());
    let nameless = snapshot
        .register_task_definition(TaskDefinition::default())
        .unwrap_err();
    assert_eq!(nameless.exception, ExceptionName::ClientException);
    assert!(snapshot.deregister_task_definition("nothing:1").is_err());
}

#[test]
fn a_registered_revision_is_the_latest_and_a_deregistered_one_runs_no_task() {
    let mut placer = Placer::new(example());
    let mut web = placer
        .snapshot()
        .task_definitions()
        .iter()
        .find(|d| {
            d.task_definition_arn
                .as_deref()
                .is_some_and(|a| a.ends_with("web:12"))
        })
        .unwrap()
        .clone();
    web.revision = None;
    web.task_definition_arn = None;
    let arn = placer.register_task_definition(web).unwrap();
    assert_eq!(
        arn,
        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:13"
    );
    let placed = placer.run_task(&requests()[0], 1).unwrap();
    assert_eq!(
        placed.tasks[0].task_definition_arn.as_deref(),
        Some(arn.as_str())
    );
    placer.deregister_task_definition("web:13").unwrap();
    let placed = placer.run_task(&requests()[0], 2).unwrap();
    assert!(
        placed.tasks[0]
            .task_definition_arn
            .as_deref()
            .unwrap()
            .ends_with("web:12")
    );
    let error = placer
        .run_task(
            &RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web:13"}"#)
                .unwrap(),
            3,
        )
        .unwrap_err();
    assert_eq!(error.exception, ExceptionName::ClientException);
}

#[test]
fn attributes_are_put_and_deleted_as_the_api_allows() {
    let mut placer = Placer::new(example());
    // By EC2 instance id; a name-only attribute; equal to the JSON edit.
    placer
        .put_attributes(&[
            attribute("team", Some("ml"), "i-01a61dbe2e44158b"),
            attribute("canary", None, WEB_A),
        ])
        .unwrap();
    let mut file = example_json();
    let listed = file["containerInstances"][0]["attributes"]
        .as_array_mut()
        .unwrap();
    listed.retain(|a| a["name"] != "team");
    listed.push(json!({"name": "team", "value": "ml"}));
    listed.push(json!({"name": "canary"}));
    let by_hand = Snapshot::from_json(&file.to_string()).unwrap();
    for (seed, request) in requests().iter().enumerate() {
        let mut fresh = Placer::new(by_hand.clone());
        let mut copy = Placer::new(placer.snapshot().clone());
        assert_eq!(
            copy.run_task(request, seed as u64).unwrap(),
            fresh.run_task(request, seed as u64).unwrap()
        );
    }
    placer
        .delete_attributes(&[attribute("canary", None, WEB_A)])
        .unwrap();
    // Deleting what is not there is no error.
    placer
        .delete_attributes(&[attribute("canary", None, WEB_A)])
        .unwrap();

    let refused = |attributes: &[Attribute]| placer.clone_snapshot_put(attributes);
    let built_in = refused(&[attribute("ecs.instance-type", Some("x"), WEB_A)]);
    assert_eq!(built_in.exception, ExceptionName::InvalidParameterException);
    assert!(
        built_in
            .message
            .contains("are the agent's and cannot be changed"),
        "{}",
        built_in.message
    );
    let unknown = refused(&[attribute("team", Some("x"), "i-nope")]);
    assert_eq!(unknown.exception, ExceptionName::TargetNotFoundException);
    let bad_value = refused(&[attribute("team", Some(" padded "), WEB_A)]);
    assert_eq!(
        bad_value.exception,
        ExceptionName::InvalidParameterException
    );
    let many: Vec<Attribute> = (0..9)
        .map(|i| attribute(&format!("custom-{i}"), Some("x"), WEB_A))
        .collect();
    // stack and team are there already: nine more make eleven.
    let limit = refused(&many);
    assert_eq!(
        limit.exception,
        ExceptionName::AttributeLimitExceededException
    );
    let eleven: Vec<Attribute> = (0..11)
        .map(|i| attribute(&format!("c{i}"), None, WEB_A))
        .collect();
    assert_eq!(
        refused(&eleven).exception,
        ExceptionName::InvalidParameterException
    );
}

/// A new instance made from the example's instance `template`: no ARN (one is made), its own
/// EC2 instance id, no remaining resources or counts (a new instance has no task), and `team`.
fn new_instance(template: usize, ec2_id: &str, team: &str) -> ContainerInstance {
    let mut wire = example_json()["containerInstances"][template].clone();
    let object = wire.as_object_mut().unwrap();
    for member in [
        "containerInstanceArn",
        "remainingResources",
        "runningTasksCount",
        "pendingTasksCount",
        "status",
    ] {
        object.remove(member);
    }
    object.insert("ec2InstanceId".into(), json!(ec2_id));
    let attributes = object["attributes"].as_array_mut().unwrap();
    attributes.retain(|a| a["name"] != "team");
    attributes.push(json!({"name": "team", "value": team}));
    serde_json::from_value(wire).unwrap()
}

#[test]
fn a_registered_instance_equals_one_added_to_the_json_and_takes_tasks() {
    let mut placer = Placer::new(example());
    // An m5.xlarge in team `data`: the only instance the memberOf below allows.
    let arn = placer
        .register_container_instance(new_instance(3, "i-0new", "data"))
        .unwrap();
    assert!(
        arn.starts_with("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/"),
        "{arn}"
    );
    assert_eq!(arn.len() - arn.rfind('/').unwrap() - 1, 32);
    // The same snapshot makes the same ARN.
    let mut again = example();
    assert_eq!(
        again
            .register_container_instance(new_instance(3, "i-0new", "data"))
            .unwrap(),
        arn
    );
    assert_eq!(placer.snapshot().find_instance("i-0new"), Some(14));

    let mut file = example_json();
    let mut added = serde_json::to_value(new_instance(3, "i-0new", "data")).unwrap();
    added["containerInstanceArn"] = json!(arn);
    // Described as ECS describes a new instance.
    added["status"] = json!("ACTIVE");
    added["pendingTasksCount"] = json!(0);
    file["containerInstances"]
        .as_array_mut()
        .unwrap()
        .push(added);
    let by_hand = Snapshot::from_json(&file.to_string()).unwrap();
    assert_eq!(
        serde_json::to_value(placer.snapshot().to_file()).unwrap(),
        serde_json::to_value(by_hand.to_file()).unwrap()
    );

    let to_ml = RunTaskRequest::from_json(
        r#"{"cluster": "prod", "taskDefinition": "batch-job", "count": 2, "launchType": "EC2",
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:team == data"}]}"#,
    )
    .unwrap();
    let placed = placer.run_task(&to_ml, 4).unwrap();
    assert_eq!(placed.failures, []);
    assert!(
        placed
            .tasks
            .iter()
            .all(|t| t.container_instance_arn.as_deref() == Some(arn.as_str())),
        "{placed:?}"
    );
    for (seed, request) in requests().iter().enumerate() {
        let mut fresh = Placer::new(reread(placer.snapshot()));
        assert_eq!(
            placer.run_task(request, seed as u64).unwrap(),
            fresh.run_task(request, seed as u64).unwrap()
        );
    }

    // An ARN registers once.
    let mut twice = new_instance(3, "i-0other", "ml");
    twice.container_instance_arn = Some(arn.clone());
    let error = placer.register_container_instance(twice).unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    assert!(
        error.message.contains("already registered"),
        "{}",
        error.message
    );
    // An ARN of another cluster is refused as in a snapshot file.
    let mut elsewhere = new_instance(3, "i-0x", "ml");
    elsewhere.container_instance_arn =
        Some("arn:aws:ecs:us-east-1:123456789012:container-instance/staging/abc".into());
    let error = placer.register_container_instance(elsewhere).unwrap_err();
    assert!(
        error.message.contains("cluster `staging`"),
        "{}",
        error.message
    );
}

#[test]
fn deregistering_refuses_running_tasks_unless_forced_and_force_stops_them() {
    let mut placer = Placer::new(example());
    let error = placer
        .deregister_container_instance("i-01a61dbe2e44158b", false)
        .unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    assert!(
        error
            .message
            .starts_with("Found running tasks on the instance."),
        "{}",
        error.message
    );
    // t3.medium i-012bd4acfaecbd38 runs nothing: it goes without force.
    assert_eq!(
        placer
            .deregister_container_instance("i-012bd4acfaecbd38", false)
            .unwrap(),
        Vec::<String>::new()
    );
    let stopped = placer.deregister_container_instance(WEB_A, true).unwrap();
    assert_eq!(stopped.len(), 2, "{stopped:?}");
    let snapshot = placer.snapshot();
    let web_a = &snapshot.instances()[0];
    assert_eq!(web_a.status, ContainerInstanceStatus::Inactive);
    assert_eq!(web_a.running_tasks_count, 0);
    assert_eq!(web_a.remaining.cpu, web_a.registered.cpu);
    for arn in &stopped {
        assert!(!snapshot.tasks()[arn.as_str()].running);
    }
    // Nothing goes on an INACTIVE instance; it cannot come back or go twice.
    let again = placer
        .deregister_container_instance(WEB_A, true)
        .unwrap_err();
    assert!(
        again.message.contains("already deregistered"),
        "{}",
        again.message
    );
    let update = placer
        .update_container_instances_state(&[WEB_A], ContainerInstanceStatus::Active)
        .unwrap();
    assert_eq!(update.failures[0].reason.as_deref(), Some("INACTIVE"));
    for (seed, request) in requests().iter().enumerate() {
        let mut fresh = Placer::new(reread(placer.snapshot()));
        let placed = placer.run_task(request, seed as u64).unwrap();
        assert!(placed.tasks.iter().all(|t| {
            !t.container_instance_arn
                .as_deref()
                .unwrap()
                .ends_with(WEB_A)
        }));
        assert_eq!(placed, fresh.run_task(request, seed as u64).unwrap());
    }
}

/// `put_attributes` on a copy, for the error it gives.
trait PutOnCopy {
    fn clone_snapshot_put(&self, attributes: &[Attribute]) -> ecs_placement::EcsError;
}

impl PutOnCopy for Placer {
    fn clone_snapshot_put(&self, attributes: &[Attribute]) -> ecs_placement::EcsError {
        let mut copy = self.snapshot().clone();
        let before = serde_json::to_value(copy.to_file()).unwrap();
        let error = copy.put_attributes(attributes).unwrap_err();
        // A refused call changes nothing.
        assert_eq!(serde_json::to_value(copy.to_file()).unwrap(), before);
        error
    }
}

#[derive(Debug, Clone)]
enum Op {
    Drain(usize),
    Activate(usize),
    Agent(usize, bool),
    Run(usize, u64),
    StopFirstRunning,
    RegisterWeb,
    DeregisterLatestWeb,
    PutTeam(usize, usize),
    DeleteTeam(usize),
    PutCanary(usize),
    Register(usize, usize),
    Deregister(usize, bool),
    Start(usize, u64),
}

const TEAMS: [&str; 4] = ["web", "api", "payments", "ml"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0usize..14).prop_map(Op::Drain),
        1 => (0usize..14).prop_map(Op::Activate),
        1 => ((0usize..14), any::<bool>()).prop_map(|(i, c)| Op::Agent(i, c)),
        3 => ((0usize..4), any::<u64>()).prop_map(|(r, s)| Op::Run(r, s)),
        1 => Just(Op::StopFirstRunning),
        1 => Just(Op::RegisterWeb),
        1 => Just(Op::DeregisterLatestWeb),
        2 => ((0usize..14), (0usize..4)).prop_map(|(i, t)| Op::PutTeam(i, t)),
        1 => (0usize..14).prop_map(Op::DeleteTeam),
        1 => (0usize..14).prop_map(Op::PutCanary),
        1 => ((0usize..14), (0usize..4)).prop_map(|(i, t)| Op::Register(i, t)),
        1 => ((0usize..20), any::<bool>()).prop_map(|(i, f)| Op::Deregister(i, f)),
        1 => ((0usize..20), any::<u64>()).prop_map(|(i, s)| Op::Start(i, s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/cluster_calls.txt",
            ),
        )),
        ..ProptestConfig::default()
    })]

    /// After any sequence of changes, runs and stops, the placer answers every request (every
    /// seed tried) exactly as a placer built afresh from its state written out and read back.
    #[test]
    fn a_changed_placer_answers_as_one_rebuilt_from_its_state(ops in proptest::collection::vec(op(), 1..24)) {
        let mut placer = Placer::new(example());
        let requests = requests();
        let mut arns: Vec<String> = placer.snapshot().instances().iter().map(|i| i.arn.to_string()).collect();
        for op in ops {
            match op {
                Op::Drain(i) => { placer.update_container_instances_state(&[&arns[i]], ContainerInstanceStatus::Draining).unwrap(); }
                Op::Activate(i) => { placer.update_container_instances_state(&[&arns[i]], ContainerInstanceStatus::Active).unwrap(); }
                Op::Agent(i, connected) => { placer.set_agent_connected(&arns[i], connected).unwrap(); }
                Op::Run(r, seed) => {
                    // Equal to a fresh placer's answer before it changes the state.
                    let mut fresh = Placer::new(reread(placer.snapshot()));
                    let expected = fresh.run_task(&requests[r], seed);
                    let actual = placer.run_task(&requests[r], seed);
                    prop_assert_eq!(actual, expected);
                }
                Op::StopFirstRunning => {
                    let running = placer.snapshot().tasks().iter().find(|(_, t)| t.running).map(|(arn, _)| arn.to_string());
                    if let Some(arn) = running { placer.stop_task(&arn).unwrap(); }
                }
                Op::RegisterWeb => {
                    let mut web = placer.snapshot().task_definitions().iter()
                        .find(|d| d.family.as_deref() == Some("web")).unwrap().clone();
                    web.revision = None;
                    web.task_definition_arn = None;
                    placer.register_task_definition(web).unwrap();
                }
                Op::PutTeam(i, t) => {
                    placer.put_attributes(&[attribute("team", Some(TEAMS[t]), &arns[i])]).unwrap();
                }
                Op::DeleteTeam(i) => {
                    placer.delete_attributes(&[attribute("team", None, &arns[i])]).unwrap();
                }
                Op::PutCanary(i) => {
                    placer.put_attributes(&[attribute("canary", None, &arns[i])]).unwrap();
                }
                Op::Register(template, t) => {
                    let ec2_id = format!("i-0reg{}", arns.len());
                    arns.push(placer.register_container_instance(new_instance(template, &ec2_id, TEAMS[t])).unwrap());
                }
                Op::Deregister(i, force) => {
                    let name = &arns[i % arns.len()];
                    let before = serde_json::to_value(placer.snapshot().to_file()).unwrap();
                    if let Err(error) = placer.deregister_container_instance(name, force) {
                        prop_assert_eq!(error.exception, ExceptionName::InvalidParameterException);
                        prop_assert_eq!(serde_json::to_value(placer.snapshot().to_file()).unwrap(), before);
                    }
                }
                Op::Start(i, seed) => {
                    let request = StartTaskRequest::from_json(&format!(
                        r#"{{"cluster": "prod", "taskDefinition": "batch-job", "containerInstances": ["{}"]}}"#,
                        arns[i % arns.len()]
                    )).unwrap();
                    let mut fresh = Placer::new(reread(placer.snapshot()));
                    let expected = fresh.start_task(&request, seed);
                    prop_assert_eq!(placer.start_task(&request, seed), expected);
                }
                Op::DeregisterLatestWeb => {
                    let latest = placer.snapshot().task_definitions().iter()
                        .filter(|d| d.family.as_deref() == Some("web"))
                        .filter_map(|d| d.revision).max().unwrap();
                    placer.deregister_task_definition(&format!("web:{latest}")).unwrap();
                }
            }
        }
        for (r, request) in requests.iter().enumerate() {
            let mut fresh = Placer::new(reread(placer.snapshot()));
            let mut copy = Placer::new(placer.snapshot().clone());
            let expected = fresh.run_task(request, r as u64);
            prop_assert_eq!(copy.run_task(request, r as u64), expected.clone());
            prop_assert_eq!(placer.run_task(request, r as u64), expected);
        }
    }
}

#[test]
fn registration_refuses_what_ecs_would() {
    let mut snapshot = example();
    let definition = |json: Value| -> TaskDefinition { serde_json::from_value(json).unwrap() };
    let refused = |snapshot: &mut Snapshot, json: Value| {
        let error = snapshot
            .register_task_definition(definition(json))
            .unwrap_err();
        assert_eq!(error.exception, ExceptionName::ClientException);
        error.message
    };
    let negative = refused(
        &mut snapshot,
        json!({"family": "neg", "containerDefinitions": [{"name": "a", "cpu": -1, "memory": -5}]}),
    );
    assert!(negative.contains("must not be negative"), "{negative}");
    let bad_family = refused(
        &mut snapshot,
        json!({"family": "bad family!", "containerDefinitions": [{"name": "a", "memory": 5}]}),
    );
    assert!(
        bad_family.starts_with("family \"bad family!\""),
        "{bad_family}"
    );
    let empty = refused(
        &mut snapshot,
        json!({"family": "nocont", "containerDefinitions": []}),
    );
    assert!(
        empty.starts_with("Container list cannot be empty."),
        "{empty}"
    );
    let bad_cpu = refused(
        &mut snapshot,
        json!({"family": "neg2", "cpu": "-4", "memory": "abc",
               "containerDefinitions": [{"name": "a", "cpu": 0, "memory": 4}]}),
    );
    assert!(bad_cpu.contains("-4"), "{bad_cpu}");
    let bad_expression = refused(
        &mut snapshot,
        json!({"family": "expr", "containerDefinitions": [{"name": "a", "memory": 4}],
               "placementConstraints": [{"type": "memberOf", "expression": "attribute:team =="}]}),
    );
    assert!(
        bad_expression.starts_with("taskDefinition.placementConstraints[0].expression: "),
        "{bad_expression}"
    );
    // Nothing was registered.
    assert_eq!(
        snapshot.task_definitions().len(),
        example().task_definitions().len()
    );

    // Instances: an ARN of another region or account, not an ARN, an id another instance
    // has, and an EC2 instance registered twice.
    let mut instance = new_instance(3, "i-0new", "data");
    for arn in [
        "arn:aws:ecs:eu-west-1:999999999999:container-instance/prod/0a1b",
        "not-an-arn",
        "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/6513270e269e0d37f2a74de452e6b438x/0a",
    ] {
        instance.container_instance_arn = Some(arn.into());
        let error = snapshot
            .register_container_instance(instance.clone())
            .unwrap_err();
        assert!(
            error
                .message
                .contains("is not a container instance ARN of this cluster"),
            "{arn}: {}",
            error.message
        );
    }
    instance.container_instance_arn =
        Some("arn:aws:ecs:us-east-1:123456789012:container-instance/i-01a61dbe2e44158b".into());
    let error = snapshot
        .register_container_instance(instance.clone())
        .unwrap_err();
    assert!(error.message.contains("ambiguous"), "{}", error.message);
    let twice = new_instance(3, "i-01a61dbe2e44158b", "data");
    let error = snapshot
        .register_container_instance(twice.clone())
        .unwrap_err();
    assert!(
        error
            .message
            .starts_with("EC2 instance i-01a61dbe2e44158b is already registered"),
        "{}",
        error.message
    );
    // Once deregistered, the EC2 instance registers again, and its id names the new one.
    snapshot
        .deregister_container_instance("i-01a61dbe2e44158b", true)
        .unwrap();
    snapshot.register_container_instance(twice).unwrap();
    assert_eq!(snapshot.find_instance("i-01a61dbe2e44158b"), Some(14));
    // A snapshot file may not hold one EC2 instance twice among its registered instances.
    let mut file = example_json();
    file["containerInstances"][1]["ec2InstanceId"] = json!("i-01a61dbe2e44158b");
    let error = Snapshot::from_json(&file.to_string()).unwrap_err();
    assert!(
        error
            .message
            .starts_with("containerInstances[1].ec2InstanceId: EC2 instance i-01a61dbe2e44158b is also containerInstances[0]"),
        "{}",
        error.message
    );
}
