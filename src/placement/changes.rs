//! State changes: what a call did to the cluster, applying it to a snapshot, and stopping a
//! task again.
//!
//! A [`ChangeSet`] lists the tasks a call placed, each with what it holds. Applying it costs
//! time proportional to the number of tasks: each one takes its CPU, memory, ports and GPU ids
//! from its instance, raises the instance's `runningTasksCount`, joins the task map and the
//! group index. [`stop_task`] undoes exactly that for one task.

use std::sync::Arc;

use crate::aws::Task;
use crate::error::EcsError;
use crate::model::{Description, GroupId, HeldUsage, Snapshot, TaskRecord, TaskUsage, take_usage};

/// One task a call placed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedTask {
    /// The task as the response describes it (its ARN, instance ARN and group are read from it).
    pub task: Task,
    /// What it holds on its instance (nothing for Fargate).
    pub usage: TaskUsage,
    /// Its group.
    pub group: String,
}

/// The tasks a call placed, in placement order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    /// The placed tasks.
    pub tasks: Vec<PlacedTask>,
}

impl ChangeSet {
    /// Whether the call placed nothing.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

impl Snapshot {
    /// Applies a call's changes in place. A task whose ARN is already in the snapshot is
    /// skipped, so applying the same change set twice does not reserve twice.
    pub fn apply(&mut self, changes: &ChangeSet) {
        for placed in &changes.tasks {
            self.apply_placed(placed);
        }
    }

    /// Applies one placed task (see [`Snapshot::apply`]).
    pub(crate) fn apply_placed(&mut self, placed: &PlacedTask) {
        let known = placed
            .task
            .task_arn
            .as_deref()
            .is_some_and(|arn| self.tasks.contains_key(arn));
        if !known {
            self.apply_placed_owned(placed.clone());
        }
    }

    /// Applies one placed task, taking it.
    fn apply_placed_owned(&mut self, placed: PlacedTask) {
        let position = placed
            .task
            .container_instance_arn
            .as_deref()
            .and_then(|a| self.instance_position(a));
        self.apply_placed_at(placed, position);
    }

    /// Applies one placed task whose instance the caller already looked up (`position`, from
    /// its `containerInstanceArn`), so the instance map is not searched twice.
    pub(crate) fn apply_placed_at(&mut self, placed: PlacedTask, position: Option<u32>) {
        let known = placed.task.task_arn.as_deref().map_or_else(
            || self.tasks.contains_key(""),
            |arn| self.tasks.contains_key(arn),
        );
        if known {
            return;
        }
        let usage = HeldUsage::from(placed.usage);
        if let Some(position) = position {
            if let Some(instance) = self.instances.get_mut(position as usize) {
                take_usage(&mut instance.remaining, &usage);
                instance.running_tasks_count = instance.running_tasks_count.saturating_add(1);
            }
            self.sync_free(position);
        }
        let group = self.intern_group(&placed.group);
        let task_arn = placed
            .task
            .task_arn
            .clone()
            .unwrap_or_else(|| Arc::from(""));
        self.index_task(
            task_arn,
            TaskRecord {
                description: Description::Full(Box::new(placed.task)),
                instance: position,
                group,
                running: true,
                usage,
            },
        );
    }

    /// Applies one task a [`Placer`](super::Placer) placed, kept as `record` (see
    /// [`PlacedRecord`]); the same change as [`Snapshot::apply_placed_at`] of its `Task`.
    pub(crate) fn apply_record(&mut self, record: PlacedRecord, group: GroupId) {
        // One hash of the ARN: the task joins the map first, then its usage is taken.
        let indexmap::map::Entry::Vacant(slot) = self.tasks.entry(record.task_arn) else {
            return;
        };
        let position = record.position;
        let added = slot.insert_entry(TaskRecord {
            description: record.description,
            instance: position,
            group,
            running: true,
            usage: record.usage,
        });
        let usage = &added.get().usage;
        if let Some(position) = position {
            if let Some(instance) = self.instances.get_mut(position as usize) {
                take_usage(&mut instance.remaining, usage);
                instance.running_tasks_count = instance.running_tasks_count.saturating_add(1);
            }
            self.sync_free(position);
            self.count_group(group, position, 1);
        }
    }
}

/// A placed task as a [`Placer`](super::Placer) keeps it: its description shared with the
/// other tasks of its request (the response holds the only whole `Task`), its instance's
/// position and what it holds there.
#[derive(Debug, Clone)]
pub(crate) struct PlacedRecord {
    pub(crate) task_arn: Arc<str>,
    pub(crate) description: Description,
    pub(crate) position: Option<u32>,
    pub(crate) usage: HeldUsage,
}

impl Snapshot {
    /// Forgets every stopped task: they hold nothing and judging never reads them, but the
    /// task map keeps them (as `describe-tasks` lists a stopped task for a while) and so grows
    /// with every task ever stopped. Gives how many were forgotten. The running tasks keep
    /// their order. A long replay calls this now and then to keep its memory bounded.
    ///
    /// One thing does read the map: applying a task whose ARN is already there is skipped
    /// (see [`Snapshot::apply`]). The same seed on the same state draws the same task ARNs, so
    /// a call that repeats a seed can draw a forgotten task's ARN again; its task is then
    /// applied, where a map that still held the stopped task would have skipped it. The
    /// earlier call may also be one that made the state this snapshot was loaded from. With
    /// seeds that do not repeat, on a snapshot loaded without stopped tasks, forgetting changes
    /// no placement.
    pub fn forget_stopped_tasks(&mut self) -> usize {
        let before = self.tasks.len();
        self.tasks.retain(|_, record| record.running);
        before - self.tasks.len()
    }
}

/// Stops a task: desired status STOPPED, and everything it held on its instance released
/// (CPU, memory, ports, GPU ids, `runningTasksCount`, its place in the group index).
/// Stopping a task that is already stopped changes nothing.
///
/// ```
/// use ecs_placement::aws::RunTaskRequest;
/// use ecs_placement::aws::read::RequestShape;
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
///     .build()?;
/// let request = RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web"}"#)?;
/// let outcome = ecs_placement::run_task(&snapshot, &request, 7)?;
/// let mut next = snapshot.clone();
/// next.apply(&outcome.changes);
/// let arn = outcome.response.tasks[0].task_arn.as_deref().unwrap_or_default();
/// ecs_placement::stop_task(&mut next, arn)?;
/// assert_eq!(next.instances()[0].remaining, snapshot.instances()[0].remaining);
/// assert!(ecs_placement::stop_task(&mut next, "arn:aws:ecs:us-east-1:1:task/prod/nope").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stop_task(snapshot: &mut Snapshot, task_arn: &str) -> Result<(), EcsError> {
    stop_task_at(snapshot, task_arn).map(|_| ())
}

/// [`stop_task`], giving the position of the instance whose resources it released (`None`
/// when the task was already stopped or held nothing on an instance of the snapshot).
pub(crate) fn stop_task_at(
    snapshot: &mut Snapshot,
    task_arn: &str,
) -> Result<Option<u32>, EcsError> {
    let Some(index) = snapshot.tasks.get_index_of(task_arn) else {
        return Err(EcsError::invalid_parameter(format!(
            "The referenced task was not found: {task_arn}"
        )));
    };
    stop_task_at_index(snapshot, index)
}

/// [`stop_task_at`] for the task at `index` of the task map (see `Placer::stop_task_at_index`
/// and `Snapshot::stop_task_at_index`).
pub(crate) fn stop_task_at_index(
    snapshot: &mut Snapshot,
    index: usize,
) -> Result<Option<u32>, EcsError> {
    snapshot.stop_task_at_index(index)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::aws::DesiredStatus;
    use crate::placement::run_task;
    use crate::placement::test_support::{instance, run_request, snapshot};

    fn gpu_instance() -> serde_json::Value {
        instance(
            "a",
            0,
            0,
            json!({"registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048},
                {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22"]},
                {"name": "GPU", "type": "STRINGSET", "stringSetValue": ["g0", "g1", "g2"]}]}),
        )
    }

    #[test]
    fn apply_reserves_everything_and_stop_releases_it() {
        let original = snapshot(vec![gpu_instance()], vec![], 1);
        let outcome = run_task(&original, &run_request(json!({"count": 1})), 3)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.changes.tasks.len(), 1);
        let mut next = original.clone();
        next.apply(&outcome.changes);
        let after = &next.instances()[0];
        assert_eq!(
            (after.remaining.cpu, after.remaining.memory),
            (2048 - 256, 2048 - 512)
        );
        assert!(after.remaining.ports_tcp.contains(80));
        assert_eq!(after.remaining.gpus, vec!["g1", "g2"]);
        assert_eq!(after.running_tasks_count, 1);
        let group = next
            .group_id("family:app")
            .unwrap_or_else(|| panic!("group interned"));
        assert_eq!(after.group_count(group), 1);
        assert_eq!(next.tasks().len(), 1);

        // Applying the same changes again changes nothing.
        let twice = next.clone();
        next.apply(&outcome.changes);
        assert_eq!(
            next.instances()[0].remaining,
            twice.instances()[0].remaining
        );

        let arn = outcome.changes.tasks[0]
            .task
            .task_arn
            .clone()
            .unwrap_or_default();
        stop_task(&mut next, &arn).unwrap_or_else(|e| panic!("{e}"));
        let restored = &next.instances()[0];
        assert_eq!(restored.remaining, original.instances()[0].remaining);
        assert_eq!(restored.running_tasks_count, 0);
        assert_eq!(restored.group_count(group), 0);
        assert_eq!(
            next.describe_task(&arn).and_then(|t| t.desired_status),
            Some(DesiredStatus::Stopped)
        );
        // Stopping again is a no-op; an unknown task is an error.
        stop_task(&mut next, &arn).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            next.instances()[0].remaining,
            original.instances()[0].remaining
        );
        assert!(stop_task(&mut next, "arn:aws:ecs:us-east-1:1:task/prod/nope").is_err());
    }
}
