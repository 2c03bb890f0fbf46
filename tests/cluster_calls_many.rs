//! The cluster-changing calls on 320 instances, where attribute values cross the threshold
//! past which they are kept as bitsets too: a `Placer` changed by registrations, attribute
//! calls and deregistrations answers as one rebuilt from its state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cluster_support;

use cluster_support::{attribute, reread};
use ecs_placement::Placer;
use ecs_placement::aws::read::RequestShape;
use ecs_placement::aws::{Attribute, RunTaskRequest};
use ecs_placement::model::Snapshot;
use proptest::prelude::*;
use serde_json::json;

/// A generated cluster large enough that common attribute values are kept as bitsets too
/// (64 instances or more hold them), so registering and attribute calls must keep those exact.
fn generated() -> Snapshot {
    let spec = ecs_placement::generate::ClusterSpec {
        instances: 320,
        tasks: 640,
        groups: 20,
        seed: 3,
    };
    let file = ecs_placement::generate::cluster(&spec);
    Snapshot::from_json(&serde_json::to_string(&file).unwrap()).unwrap()
}

fn generated_requests() -> Vec<RunTaskRequest> {
    vec![
        ecs_placement::generate::reference_request(),
        RunTaskRequest::from_json(
            r#"{"cluster": "bench", "taskDefinition": "web", "count": 6, "launchType": "EC2",
                "placementConstraints": [{"type": "memberOf", "expression": "attribute:team in [team-1, team-2, big] and attribute:ecs.availability-zone != us-east-1c"}],
                "placementStrategy": [{"type": "spread", "field": "attribute:team"}, {"type": "binpack", "field": "cpu"}]}"#,
        )
        .unwrap(),
        // Only registered instances are in team `fresh`; the zones' `!=` reads the zones'
        // bitsets (over 100 instances each), which must hold the registered instances.
        RunTaskRequest::from_json(
            r#"{"cluster": "bench", "taskDefinition": "web", "count": 2, "launchType": "EC2",
                "placementConstraints": [{"type": "memberOf", "expression": "attribute:team == fresh and attribute:ecs.availability-zone != us-east-1c"}]}"#,
        )
        .unwrap(),
    ]
}

#[derive(Debug, Clone)]
enum BigOp {
    /// A copy of instance `.0`'s document under a new EC2 id, in team `.1`.
    Register(usize, u8),
    /// `team` set on many instances at once (ten calls of one attribute).
    PutTeamOnRange(usize, u8),
    DeleteTeam(usize),
    Deregister(usize),
    Run(usize, u64),
}

fn big_op() -> impl Strategy<Value = BigOp> {
    prop_oneof![
        3 => ((0usize..320), (0u8..5)).prop_map(|(i, t)| BigOp::Register(i, t)),
        2 => ((0usize..300), (0u8..4)).prop_map(|(i, t)| BigOp::PutTeamOnRange(i, t)),
        1 => (0usize..320).prop_map(BigOp::DeleteTeam),
        1 => (0usize..320).prop_map(BigOp::Deregister),
        2 => ((0usize..3), any::<u64>()).prop_map(|(r, s)| BigOp::Run(r, s)),
    ]
}

fn big_team(t: u8) -> &'static str {
    ["team-1", "team-2", "big", "team-7", "fresh"][usize::from(t)]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/cluster_calls.txt",
            ),
        )),
        ..ProptestConfig::default()
    })]

    /// As above, on 320 instances where values cross the bitset threshold as calls go.
    #[test]
    fn a_changed_placer_of_many_instances_answers_as_one_rebuilt(ops in proptest::collection::vec(big_op(), 1..16)) {
        let mut placer = Placer::new(generated());
        let requests = generated_requests();
        let documents = serde_json::to_value(placer.snapshot().to_file()).unwrap()["containerInstances"].clone();
        for op in ops {
            let arns: Vec<String> = placer.snapshot().instances().iter().map(|i| i.arn.to_string()).collect();
            match op {
                BigOp::Register(i, t) => {
                    let mut wire = documents[i].clone();
                    let object = wire.as_object_mut().unwrap();
                    for member in ["containerInstanceArn", "remainingResources", "runningTasksCount", "pendingTasksCount"] {
                        object.remove(member);
                    }
                    object.insert("ec2InstanceId".into(), json!(format!("i-0reg{}", arns.len())));
                    let attributes = object["attributes"].as_array_mut().unwrap();
                    attributes.retain(|a| a["name"] != "team");
                    attributes.push(json!({"name": "team", "value": big_team(t)}));
                    placer.register_container_instance(serde_json::from_value(wire).unwrap()).unwrap();
                }
                BigOp::PutTeamOnRange(start, t) => {
                    for chunk in arns[start % arns.len()..].chunks(10).take(8) {
                        let attributes: Vec<Attribute> = chunk.iter().map(|arn| attribute("team", Some(big_team(t)), arn)).collect();
                        placer.put_attributes(&attributes).unwrap();
                    }
                }
                BigOp::DeleteTeam(i) => {
                    placer.delete_attributes(&[attribute("team", None, &arns[i % arns.len()])]).unwrap();
                }
                BigOp::Deregister(i) => {
                    let _ = placer.deregister_container_instance(&arns[i % arns.len()], true);
                }
                BigOp::Run(r, seed) => {
                    let mut fresh = Placer::new(reread(placer.snapshot()));
                    let expected = fresh.run_task(&requests[r], seed);
                    prop_assert_eq!(placer.run_task(&requests[r], seed), expected);
                }
            }
        }
        for (r, request) in requests.iter().enumerate() {
            let mut fresh = Placer::new(reread(placer.snapshot()));
            let expected = fresh.run_task(request, r as u64);
            prop_assert_eq!(placer.run_task(request, r as u64), expected);
        }
    }
}

/// A registered instance joins the bitsets of the values it holds (a zone's, here, held by
/// over a hundred instances): a constraint only it meets places on it.
#[test]
fn a_registered_instance_is_found_by_the_values_kept_as_bitsets() {
    let mut placer = Placer::new(generated());
    let mut wire =
        serde_json::to_value(placer.snapshot().to_file()).unwrap()["containerInstances"][0].clone();
    let object = wire.as_object_mut().unwrap();
    for member in [
        "containerInstanceArn",
        "remainingResources",
        "runningTasksCount",
    ] {
        object.remove(member);
    }
    object.insert("ec2InstanceId".into(), json!("i-0fresh"));
    let attributes = object["attributes"].as_array_mut().unwrap();
    attributes.retain(|a| a["name"] != "team");
    attributes.push(json!({"name": "team", "value": "fresh"}));
    let zone = attributes
        .iter()
        .find(|a| a["name"] == "ecs.availability-zone")
        .unwrap()["value"]
        .clone();
    assert_ne!(zone, json!("us-east-1c"));
    let arn = placer
        .register_container_instance(serde_json::from_value(wire).unwrap())
        .unwrap();
    let placed = placer.run_task(&generated_requests()[2], 1).unwrap();
    assert_eq!(placed.failures, []);
    assert_eq!(placed.tasks.len(), 2);
    assert!(
        placed
            .tasks
            .iter()
            .all(|t| t.container_instance_arn.as_deref() == Some(arn.as_str()))
    );
}
