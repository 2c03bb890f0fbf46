//! Loading a snapshot takes time linear (or n log n) in its size, whatever its shape: one
//! instance with 200,000 attributes, thousands of task definitions each named by a task, an
//! instance whose tasks hold thousands of GPUs, tasks of thousands of groups met in any order.
//! Each of these once made a loader step quadratic (a 19 MB file of one instance's attributes
//! took 14 s to validate).
//!
//! Each load must finish within [`BOUND`]: about five times what the linear loader takes in a
//! debug build here (the slowest, 200,000 attributes, takes about a second), and a fraction of
//! what the quadratic steps took (79 s for the attributes, 19 s for the GPUs, 11 s for the
//! definitions). A load that misses the bound fails the test at the bound instead of running to
//! its end. The timed loads run one at a time, so the tests of this file do not slow each other.

use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use ecs_placement::aws::{Attribute, Container, ContainerInstance, Resource, Task, TaskDefinition};
use ecs_placement::model::{Snapshot, SnapshotFile};

const BOUND: Duration = Duration::from_secs(5);

/// Held while a load is timed.
static ONE_LOAD_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Loads `file` on another thread and waits at most [`BOUND`] for it.
fn loads_within_bound(file: SnapshotFile) -> Result<Snapshot, String> {
    // A test that failed while holding the lock poisons it; the lock still serialises.
    let _turn = ONE_LOAD_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let (sender, receiver) = mpsc::channel();
    let start = Instant::now();
    // Detached: a load that misses the bound keeps running until the test process exits.
    thread::spawn(move || {
        let loaded = Snapshot::try_from(file);
        // The receiver is gone when the bound was missed; nothing is left to tell.
        let _ = sender.send((loaded, start.elapsed()));
    });
    match receiver.recv_timeout(BOUND) {
        Ok((Ok(snapshot), elapsed)) => {
            eprintln!("loaded in {elapsed:?}");
            Ok(snapshot)
        }
        Ok((Err(error), _)) => Err(format!("the snapshot was rejected: {error}")),
        Err(_) => Err(format!(
            "the snapshot did not load within {BOUND:?}: a loader step is not linear"
        )),
    }
}

fn load(file: SnapshotFile) -> Snapshot {
    match loads_within_bound(file) {
        Ok(snapshot) => snapshot,
        Err(message) => panic!("{message}"),
    }
}

const INSTANCE_ARN: &str = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/";

fn instance(id: &str, attributes: Vec<Attribute>, gpus: Vec<String>) -> ContainerInstance {
    let integer = |name: &str, value: i64| Resource {
        name: Some(name.to_owned()),
        kind: Some("INTEGER".to_owned()),
        integer_value: Some(value),
        ..Resource::default()
    };
    let mut registered = vec![integer("CPU", 1 << 20), integer("MEMORY", 1 << 30)];
    if !gpus.is_empty() {
        registered.push(Resource {
            name: Some("GPU".to_owned()),
            kind: Some("STRINGSET".to_owned()),
            string_set_value: Some(gpus),
            ..Resource::default()
        });
    }
    ContainerInstance {
        container_instance_arn: Some(format!("{INSTANCE_ARN}{id}")),
        attributes: Some(attributes),
        registered_resources: Some(registered),
        ..ContainerInstance::default()
    }
}

fn attribute(name: String, value: &str) -> Attribute {
    Attribute {
        name,
        value: Some(value.to_owned()),
        ..Attribute::default()
    }
}

fn running_task(index: usize, on: &str, group: &str) -> Task {
    Task {
        task_arn: Some(format!("arn:aws:ecs:us-east-1:123456789012:task/prod/t{index}").into()),
        container_instance_arn: Some(format!("{INSTANCE_ARN}{on}").into()),
        desired_status: Some(ecs_placement::aws::DesiredStatus::Running),
        group: Some(group.into()),
        cpu: Some("1".into()),
        memory: Some("1".into()),
        ..Task::default()
    }
}

#[test]
fn one_instance_with_200k_attributes_loads_in_linear_time() {
    let count = 200_000;
    let attributes = (0..count)
        .map(|i| attribute(format!("custom.attribute-{i}"), "value"))
        .collect();
    let file = SnapshotFile {
        container_instances: vec![instance("a", attributes, Vec::new())],
        ..SnapshotFile::default()
    };
    let snapshot = load(file);
    let instance = &snapshot.instances()[0];
    assert_eq!(instance.attributes.len(), count);
    let Some(last) = snapshot.attribute_name_id("custom.attribute-199999") else {
        panic!("the last attribute is interned");
    };
    assert!(instance.attribute(last).is_some());
}

/// The repeat check no longer compares each attribute with every earlier one; it still
/// names the second appearance, and still reports problems in list order.
#[test]
fn a_repeated_attribute_is_reported_at_its_second_appearance() {
    let rejected = |attributes: Vec<Attribute>| {
        let file = SnapshotFile {
            container_instances: vec![instance("a", attributes, Vec::new())],
            ..SnapshotFile::default()
        };
        match loads_within_bound(file) {
            Ok(_) => panic!("a snapshot with a repeated attribute loaded"),
            Err(message) => message,
        }
    };
    let many = |repeat_at: usize| -> Vec<Attribute> {
        (0..40_000)
            .map(|i| {
                let n = if i == repeat_at { 7 } else { i };
                attribute(format!("custom.{n}"), "v")
            })
            .collect()
    };
    for (attributes, at) in [
        (many(30_000), 30_000),
        (many(20), 20),
        (many(8), 8),
        (
            vec![attribute("a".into(), "1"), attribute("a".into(), "2")],
            1,
        ),
    ] {
        let message = rejected(attributes);
        assert!(
            message.contains(&format!(
                "containerInstances[0].attributes[{at}].name: attribute `"
            )) && message.contains("` appears twice on the instance"),
            "{message}"
        );
    }
    // A repeat before an invalid name is the first problem; an invalid name before a repeat is.
    let mut attributes = many(20_000);
    attributes[30_000].name = "not valid".into();
    let message = rejected(attributes);
    assert!(
        message.contains("attributes[20000].name: attribute `custom.7` appears twice"),
        "{message}"
    );
    let mut attributes = many(20_000);
    attributes[10_000].value = Some(" lead".into());
    let message = rejected(attributes);
    assert!(
        message.contains("attributes[10000].value: attribute value ` lead` starts or ends"),
        "{message}"
    );
}

#[test]
fn tasks_find_their_definitions_in_linear_time() {
    let count = 40_000;
    let arn = |i: usize| format!("arn:aws:ecs:us-east-1:123456789012:task-definition/f{i}:1");
    let task_definitions = (0..count)
        .map(|i| TaskDefinition {
            task_definition_arn: Some(arn(i)),
            family: Some(format!("f{i}")),
            revision: Some(1),
            ..TaskDefinition::default()
        })
        .collect();
    // The last definitions are named first: a search from the front meets every other one.
    let tasks = (0..count)
        .map(|i| Task {
            task_definition_arn: Some(arn(count - 1 - i).into()),
            ..running_task(i, "a", "g")
        })
        .collect();
    let file = SnapshotFile {
        container_instances: vec![instance("a", Vec::new(), Vec::new())],
        task_definitions,
        tasks,
        ..SnapshotFile::default()
    };
    let snapshot = load(file);
    assert_eq!(snapshot.tasks().len(), count);
    assert_eq!(snapshot.instances()[0].running_tasks_count, count as u32);
}

#[test]
fn tasks_holding_thousands_of_gpus_settle_in_linear_time() {
    let count = 40_000;
    let gpu = |i: usize| format!("GPU-{i:08}");
    // Every GPU but the last is held by one task, in reverse order of the instance's list.
    let tasks = (0..count - 1)
        .map(|i| Task {
            containers: Some(vec![Container {
                name: Some("c".into()),
                gpu_ids: Some(vec![gpu(count - 1 - i)]),
                ..Container::default()
            }]),
            ..running_task(i, "a", "g")
        })
        .collect();
    let file = SnapshotFile {
        container_instances: vec![instance("a", Vec::new(), (0..count).map(gpu).collect())],
        tasks,
        ..SnapshotFile::default()
    };
    let snapshot = load(file);
    assert_eq!(snapshot.instances()[0].remaining.gpus, vec![gpu(0)]);
}

/// Each instance's list of groups is built once from the group index after all tasks are
/// read, sorted whatever order the tasks come in. (Inserting task by task shifted the list for
/// each group that came before the ones it held; that cost only a memmove per task, too cheap
/// to tell apart here at a size a test can build: 0.57 s against 0.40 s for 80,000 groups in a
/// release build.)
#[test]
fn tasks_of_many_groups_are_counted_in_any_order() {
    let groups = 20_000;
    let group = |i: usize| format!("service:g{i}");
    // Instance `a` meets the groups first, in order, so their ids ascend; instance `b` then
    // meets them in reverse, each before every group it already has.
    let mut tasks: Vec<Task> = (0..groups)
        .map(|i| running_task(i, "a", &group(i)))
        .collect();
    tasks.extend((0..groups).map(|i| running_task(groups + i, "b", &group(groups - 1 - i))));
    let file = SnapshotFile {
        container_instances: vec![
            instance("a", Vec::new(), Vec::new()),
            instance("b", Vec::new(), Vec::new()),
        ],
        tasks,
        ..SnapshotFile::default()
    };
    let snapshot = load(file);
    let b = &snapshot.instances()[1];
    assert_eq!(b.groups.len(), groups);
    assert!(b.groups.windows(2).all(|pair| pair[0].0 < pair[1].0));
    let Some(last) = snapshot.group_id(&group(groups - 1)) else {
        panic!("the last group is interned");
    };
    assert_eq!(b.group_count(last), 1);
    assert_eq!(snapshot.group_instances(last).len(), 2);
}
