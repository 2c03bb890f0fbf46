//! `edit`: scenario edits on the example cluster, each checked against the same change made by
//! hand to the JSON (drain), against the placement it changes (drain, added instances), and
//! against what it must keep (resources given back, other instances untouched).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::aws::read::RequestShape;
use ecs_placement::edit::{AddInstances, Edit, edit};
use ecs_placement::model::Snapshot;
use serde_json::{Value, json};

fn text(name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn example() -> Snapshot {
    Snapshot::from_json(&text("examples/cluster.json")).unwrap()
}

fn request() -> RunTaskRequest {
    RunTaskRequest::from_json(&text("examples/run-task.json")).unwrap()
}

/// The ids (ARN ends) of the instances the example request's six tasks land on.
fn placed_on(snapshot: &Snapshot) -> Vec<String> {
    let outcome = ecs_placement::run_task(snapshot, &request(), 42).unwrap();
    assert!(
        outcome.response.failures.is_empty(),
        "{:?}",
        outcome.response.failures
    );
    outcome
        .response
        .tasks
        .iter()
        .map(|t| {
            let arn = t.container_instance_arn.as_deref().unwrap();
            arn.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

const A1: &str = "6513270e269e0d37f2a74de452e6b438";
const B1: &str = "d23f0824128b2f330c5c7fd0a6a3a450";
const C1: &str = "9531985d5d9dc9f81818e811892f902b";

fn edited(edits: &[Edit]) -> Snapshot {
    let result = edit(&example(), edits).unwrap();
    Snapshot::try_from(result.file).unwrap()
}

#[test]
fn draining_an_instance_moves_its_share_and_equals_the_hand_edit() {
    assert_eq!(placed_on(&example()), [A1, C1, B1, A1, B1, C1]);
    // By its EC2 instance id.
    let drained = edited(&[Edit::Drain("i-01a61dbe2e44158b".into())]);
    let after = placed_on(&drained);
    assert!(!after.iter().any(|id| id == A1), "{after:?}");
    assert_eq!(after.len(), 6);

    let mut by_hand: Value = serde_json::from_str(&text("examples/cluster.json")).unwrap();
    for instance in by_hand["containerInstances"].as_array_mut().unwrap() {
        if instance["ec2InstanceId"] == "i-01a61dbe2e44158b" {
            instance["status"] = json!("DRAINING");
        }
    }
    let by_hand = Snapshot::from_json(&by_hand.to_string()).unwrap();
    assert_eq!(after, placed_on(&by_hand));
}

#[test]
fn added_instances_copy_their_type_and_take_tasks() {
    let spec: AddInstances =
        "type=m5.large,az=us-east-1d,count=3,provider=cp-ondemand,attribute:stack=prod"
            .parse()
            .unwrap();
    let result = edit(&example(), &[Edit::AddInstances(spec)]).unwrap();
    assert!(
        result.notes.is_empty(),
        "copied, not estimated: {:?}",
        result.notes
    );
    let snapshot = Snapshot::try_from(result.file).unwrap();
    assert_eq!(snapshot.instances().len(), 17);
    let existing = &snapshot.instances()[0];
    for added in &snapshot.instances()[14..] {
        assert_eq!(added.registered.cpu, existing.registered.cpu);
        assert_eq!(added.registered.memory, existing.registered.memory);
        assert_eq!(added.remaining.memory, existing.registered.memory);
        assert!(
            added
                .arn
                .starts_with("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/")
        );
        assert_eq!(snapshot.availability_zone(added), Some("us-east-1d"));
    }
    let after = placed_on(&snapshot);
    let new_ids: Vec<String> = snapshot.instances()[14..]
        .iter()
        .map(|i| i.arn.rsplit('/').next().unwrap().to_owned())
        .collect();
    let on_new = after.iter().filter(|id| new_ids.contains(id)).count();
    // The spread over zones now has a fourth zone, us-east-1d, whose only instances are the
    // new ones: six tasks over four zones put one or two there, bin-packed onto one instance.
    assert!((1..=2).contains(&on_new), "{after:?} {new_ids:?}");
    let used: std::collections::BTreeSet<&String> =
        after.iter().filter(|id| new_ids.contains(id)).collect();
    assert_eq!(used.len(), 1, "binpack fills one new instance first");
    // The same edit gives the same ARNs.
    let again = edited(&[Edit::AddInstances(
        "type=m5.large,az=us-east-1d,count=3,provider=cp-ondemand,attribute:stack=prod"
            .parse()
            .unwrap(),
    )]);
    assert_eq!(again.instances()[16].arn, snapshot.instances()[16].arn);
}

#[test]
fn a_tabled_type_not_in_the_snapshot_is_estimated_and_said_so() {
    let spec: AddInstances = "type=c6i.large,az=us-east-1a".parse().unwrap();
    let result = edit(&example(), &[Edit::AddInstances(spec)]).unwrap();
    assert_eq!(result.notes.len(), 1);
    assert!(
        result.notes[0].starts_with("c6i.large: registered MEMORY "),
        "{}",
        result.notes[0]
    );
    let snapshot = Snapshot::try_from(result.file).unwrap();
    let added = snapshot.instances().last().unwrap();
    assert_eq!(added.registered.cpu, 2048);
    assert!(added.registered.memory > 3000 && added.registered.memory < 4096);

    let unknown: AddInstances = "type=x9.mega,az=us-east-1a".parse().unwrap();
    let error = edit(&example(), &[Edit::AddInstances(unknown)]).unwrap_err();
    assert!(
        error.message.contains("give cpu=N,memory=N"),
        "{}",
        error.message
    );
    let given: AddInstances = "type=x9.mega,az=us-east-1a,cpu=4096,memory=7000"
        .parse()
        .unwrap();
    let snapshot =
        Snapshot::try_from(edit(&example(), &[Edit::AddInstances(given)]).unwrap().file).unwrap();
    assert_eq!(snapshot.instances().last().unwrap().registered.memory, 7000);
}

#[test]
fn removing_an_instance_removes_its_tasks() {
    let before = example();
    let position = before.instance_position(A1).unwrap() as usize;
    let on_it = before
        .tasks()
        .values()
        .filter(|t| t.instance == Some(position as u32))
        .count();
    assert!(on_it > 0);
    let after = edited(&[Edit::Remove(A1.into())]);
    assert_eq!(after.instances().len(), 13);
    assert_eq!(after.tasks().len(), before.tasks().len() - on_it);
    assert!(after.instance_position(A1).is_none());
}

#[test]
fn stopping_a_group_gives_its_resources_back() {
    let before = example();
    let after = edited(&[Edit::StopGroup("service:web".into())]);
    let web = after.group_id("service:web").unwrap();
    assert!(
        after
            .tasks()
            .values()
            .filter(|t| t.group == web)
            .all(|t| !t.running)
    );
    let freed: i64 = before
        .instances()
        .iter()
        .zip(after.instances())
        .map(|(b, a)| a.remaining.memory - b.remaining.memory)
        .sum();
    assert!(freed > 0);
    let error = edit(&before, &[Edit::StopGroup("service:nothing".into())]).unwrap_err();
    assert!(
        error.message.contains("no running task of that group"),
        "{}",
        error.message
    );
}

#[test]
fn an_instance_or_task_that_is_not_there_is_refused() {
    let error = edit(&example(), &[Edit::Drain("i-nope".into())]).unwrap_err();
    assert_eq!(
        error.message,
        "--drain \"i-nope\": no container instance has that ARN, id or EC2 instance id"
    );
    let error = edit(
        &example(),
        &[Edit::StopTask("arn:aws:ecs:us-east-1:1:task/prod/x".into())],
    )
    .unwrap_err();
    assert!(error.message.contains("not found"), "{}", error.message);
}
