//! The cluster snapshot: the library's main input, read from AWS JSON and validated into an
//! interned, indexed model.
//!
//! [`SnapshotFile`] is the file as written (every key optional but `containerInstances`, so the
//! bare output of `aws ecs describe-container-instances` is a snapshot). [`Snapshot`] is the
//! validated model: attributes checked and interned, posting lists per attribute value,
//! resources read, running tasks indexed by instance and by group.

use std::sync::Arc;

use fixedbitset::FixedBitSet;
use indexmap::IndexMap;

use crate::aws::{CapacityProvider, ContainerInstance, DesiredStatus, Task, TaskDefinition};
use crate::error::EcsError;

use super::GroupId;
use super::MapHasher;
use super::attributes::{AttrNameId, AttrValueId, Interner};
use super::cluster::ClusterInfo;
use super::free::FreeColumns;
use super::instance::Instance;
use super::positions::add_positions;
use super::snapshot_file::SnapshotFile;
use super::task::{Description, TaskRecord};

/// Why a snapshot is not valid: the JSON path of the offending member and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SnapshotError {
    /// The member, e.g. `containerInstances[3].attributes[1].name`.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl SnapshotError {
    pub(super) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl From<SnapshotError> for EcsError {
    /// A snapshot that breaks an API rule is a client mistake: `ClientException`.
    fn from(error: SnapshotError) -> Self {
        EcsError::client(error.to_string())
    }
}

/// Up to this many attributes on an instance, a repeated name is found by scanning the earlier
/// ones (no set to allocate, and instances have a few dozen); past it, with a set.
pub(super) const SCANNED_ATTRIBUTES: usize = 32;

/// Fewest instances of one value kept as a bitset too (see [`Snapshot::add_posting`]).
pub(super) const POSTING_SET_MIN: usize = 64;

/// Which instances hold each value of one attribute: value (or `None` for a name-only
/// attribute) to ascending instance positions.
pub type AttributePostings = IndexMap<Option<AttrValueId>, Vec<u32>>;

/// The instances hosting RUNNING tasks of one group: position to task count, in no
/// particular order.
pub type GroupInstances = IndexMap<u32, u32, MapHasher>;

/// A validated, interned and indexed cluster snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub(crate) cluster: ClusterInfo,
    pub(crate) attribute_names: Interner,
    pub(crate) attribute_values: Interner,
    /// The id of `ecs.availability-zone`, looked up once: every described task reads its
    /// instance's zone.
    pub(crate) zone_attribute: Option<AttrNameId>,
    pub(crate) postings: Vec<AttributePostings>,
    /// Per attribute name, per value in [`Snapshot::attribute_postings`] order: the value's
    /// instances as a bitset when it has many (see [`Snapshot::add_posting`]). Built once
    /// from the postings when the snapshot is read, and kept in step by the calls that change
    /// attributes or register instances (placing and stopping tasks change no attribute).
    pub(crate) posting_sets: Vec<Vec<Option<FixedBitSet>>>,
    pub(crate) instances: Vec<Instance>,
    /// Each instance's document as read, by position, for writing the next state back out;
    /// kept apart from [`Instance`] so the data placement reads stays small.
    pub(crate) instance_documents: Vec<ContainerInstance>,
    pub(crate) instance_lookup: IndexMap<String, u32, MapHasher>,
    pub(crate) task_definitions: Vec<TaskDefinition>,
    pub(crate) tasks: IndexMap<Arc<str>, TaskRecord, MapHasher>,
    pub(crate) groups: Interner,
    pub(crate) group_instances: Vec<GroupInstances>,
    pub(crate) capacity_providers: Vec<CapacityProvider>,
    /// Every instance's remaining CPU and memory, by position, kept equal to
    /// `instances[p].remaining` (see [`Snapshot::sync_free`] and [`FreeColumns`]).
    pub(crate) free: FreeColumns,
    /// The instances that are ACTIVE with their agent connected (neither changes as tasks are
    /// placed and stopped).
    pub(crate) usable: FixedBitSet,
    /// The ACTIVE instances (placement judges no other; their agent may be disconnected).
    pub(crate) active: FixedBitSet,
    /// How many tasks, when the snapshot was read, named a container instance it does not
    /// hold (a registration under that ARN must not take them: see `registration.rs`).
    pub(crate) detached_tasks: usize,
}

impl Snapshot {
    /// Reads and validates a snapshot from JSON text.
    ///
    /// Members the API model lacks inside the AWS shapes are accepted; read the file with
    /// [`SnapshotFile::from_json`] to see them.
    ///
    /// ```
    /// use ecs_placement::model::Snapshot;
    ///
    /// let snapshot = Snapshot::from_json(r#"{"cluster": {"clusterName": "prod"}, "containerInstances": [{
    ///     "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/0a1b",
    ///     "registeredResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    ///                             {"name": "MEMORY", "type": "INTEGER", "integerValue": 3904}]
    /// }]}"#)?;
    /// assert_eq!(snapshot.instances()[0].remaining.cpu, 2048);
    /// // A misspelled member is refused, with the nearest one.
    /// let error = Snapshot::from_json(r#"{"containerInstances": [], "Tasks": []}"#).unwrap_err();
    /// assert!(error.message.contains("did you mean \"tasks\"?"));
    /// # Ok::<(), ecs_placement::EcsError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self, EcsError> {
        let (file, _unknown) = SnapshotFile::from_json(json)?;
        Ok(Self::try_from(file)?)
    }

    /// The cluster.
    pub fn cluster(&self) -> &ClusterInfo {
        &self.cluster
    }

    /// The instances, in snapshot order; an instance's position is its number everywhere.
    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    /// The position of the instance with this ARN or id.
    pub fn instance_position(&self, arn_or_id: &str) -> Option<u32> {
        self.instance_lookup.get(arn_or_id).copied()
    }

    /// The id of an attribute name, when some instance has it.
    pub fn attribute_name_id(&self, name: &str) -> Option<AttrNameId> {
        self.attribute_names.get(name).map(AttrNameId)
    }

    /// The text of an attribute name.
    pub fn attribute_name(&self, id: AttrNameId) -> &str {
        self.attribute_names.resolve(id.0)
    }

    /// The id of an attribute value, when some instance has it.
    pub fn attribute_value_id(&self, value: &str) -> Option<AttrValueId> {
        self.attribute_values.get(value).map(AttrValueId)
    }

    /// The text of an attribute value.
    pub fn attribute_value(&self, id: AttrValueId) -> &str {
        self.attribute_values.resolve(id.0)
    }

    /// Adds to `set` the instances holding the `index`-th value of attribute `name`, in
    /// [`Snapshot::attribute_postings`] order (those at or past `set.len()` are skipped).
    ///
    /// A value held by many instances is kept as a bitset too, and added as a union of
    /// words (79 for 5,000 instances) instead of one bit per instance: compiling
    /// `attribute:team != team-3` adds the instances of eleven values.
    pub(crate) fn add_posting(&self, set: &mut FixedBitSet, name: AttrNameId, index: usize) {
        let dense = self
            .posting_sets
            .get(name.0 as usize)
            .and_then(|sets| sets.get(index))
            .and_then(Option::as_ref);
        match dense {
            Some(dense) if dense.len() == set.len() => set.union_with(dense),
            _ => {
                if let Some((_, positions)) = self.attribute_postings(name).get_index(index) {
                    add_positions(set, positions.iter().copied());
                }
            }
        }
    }

    /// Every distinct value of one attribute with the instances that hold it.
    pub fn attribute_postings(&self, name: AttrNameId) -> &AttributePostings {
        static EMPTY: std::sync::OnceLock<AttributePostings> = std::sync::OnceLock::new();
        self.postings
            .get(name.0 as usize)
            .unwrap_or_else(|| EMPTY.get_or_init(AttributePostings::new))
    }

    /// The id of a task group, when some task (now or before) had it.
    pub fn group_id(&self, group: &str) -> Option<GroupId> {
        self.groups.get(group).map(GroupId)
    }

    /// The name of a group.
    pub fn group_name(&self, id: GroupId) -> &str {
        self.groups.resolve(id.0)
    }

    /// Instances hosting RUNNING tasks of the group: position to task count.
    pub fn group_instances(&self, group: GroupId) -> &GroupInstances {
        static EMPTY: std::sync::OnceLock<GroupInstances> = std::sync::OnceLock::new();
        self.group_instances
            .get(group.0 as usize)
            .unwrap_or_else(|| EMPTY.get_or_init(GroupInstances::default))
    }

    /// The task definition revisions.
    pub fn task_definitions(&self) -> &[TaskDefinition] {
        &self.task_definitions
    }

    /// The tasks, by ARN, in snapshot order.
    pub fn tasks(&self) -> &IndexMap<Arc<str>, TaskRecord, MapHasher> {
        &self.tasks
    }

    /// The task with this ARN as the API describes it (its desired status STOPPED once
    /// stopped).
    pub fn describe_task(&self, task_arn: &str) -> Option<Task> {
        let (arn, record) = self.tasks.get_key_value(task_arn)?;
        Some(self.describe_record(arn, record))
    }

    fn describe_record(&self, arn: &Arc<str>, record: &TaskRecord) -> Task {
        match &record.description {
            Description::Full(task) => Task::clone(task),
            Description::Shared(shared) => {
                let instance = record.instance.and_then(|p| self.instances.get(p as usize));
                let zone = instance.and_then(|i| self.shared_availability_zone(i));
                let mut task = shared.complete(arn, instance, zone);
                if !record.running {
                    task.desired_status = Some(DesiredStatus::Stopped);
                }
                task
            }
        }
    }

    /// The instance's `ecs.availability-zone` value.
    pub fn availability_zone(&self, instance: &Instance) -> Option<&str> {
        self.shared_availability_zone(instance).map(|zone| &**zone)
    }

    /// [`Snapshot::availability_zone`] as the snapshot holds it, for task descriptions to
    /// share.
    pub(crate) fn shared_availability_zone(&self, instance: &Instance) -> Option<&Arc<str>> {
        let value = instance.attribute(self.zone_attribute?)??;
        self.attribute_values.resolve_shared(value.0)
    }

    /// The capacity provider descriptions.
    pub fn capacity_providers(&self) -> &[CapacityProvider] {
        &self.capacity_providers
    }

    /// The instance at `position` as DescribeContainerInstances describes it: its document
    /// with the live remaining resources and task count (`None` past the last instance).
    pub fn describe_instance(&self, position: u32) -> Option<ContainerInstance> {
        let instance = self.instances.get(position as usize)?;
        let document = self.instance_documents.get(position as usize);
        Some(instance.to_wire(document.unwrap_or(&ContainerInstance::default())))
    }

    /// The snapshot as a file again, with the live resources, counts and tasks.
    pub fn to_file(&self) -> SnapshotFile {
        SnapshotFile {
            cluster: Some(self.cluster.to_wire()),
            container_instances: (0..self.instances.len() as u32)
                .filter_map(|position| self.describe_instance(position))
                .collect(),
            task_definitions: self.task_definitions.clone(),
            failures: Vec::new(),
            captured_at: None,
            tasks: self
                .tasks
                .iter()
                .map(|(arn, record)| self.describe_record(arn, record))
                .collect(),
            capacity_providers: self.capacity_providers.clone(),
        }
    }

    /// Counts instances per status, for summaries.
    pub fn status_counts(&self) -> IndexMap<String, usize> {
        let mut counts = IndexMap::new();
        for instance in &self.instances {
            *counts.entry(instance.status.to_string()).or_insert(0) += 1;
        }
        counts
    }

    /// Records a task and, when it runs on an instance of the snapshot, counts it in its group.
    pub(crate) fn index_task(&mut self, task_arn: Arc<str>, record: TaskRecord) {
        if let (true, Some(position)) = (record.running, record.instance) {
            self.count_group(record.group, position, 1);
        }
        self.tasks.insert(task_arn, record);
    }

    /// Copies the remaining CPU and memory of the instance at `position` into
    /// [`Snapshot::free`]; every change of an instance's remaining resources calls it.
    pub(crate) fn sync_free(&mut self, position: u32) {
        let Some(instance) = self.instances.get(position as usize) else {
            return;
        };
        let remaining = [instance.remaining.cpu, instance.remaining.memory];
        self.free.set(position as usize, remaining);
    }

    /// Adds `delta` tasks of `group` on the instance at `position`.
    pub(crate) fn count_group(&mut self, group: GroupId, position: u32, delta: i64) {
        self.count_group_instances(group, position, delta);
        if let Some(instance) = self.instances.get_mut(position as usize) {
            instance.adjust_group(group, delta);
        }
    }

    /// [`Snapshot::count_group`] in the group index only, not in the instance's own list.
    pub(super) fn count_group_instances(&mut self, group: GroupId, position: u32, delta: i64) {
        let index = group.0 as usize;
        if self.group_instances.len() <= index {
            self.group_instances
                .resize_with(index + 1, GroupInstances::default);
        }
        // One lookup for reading and writing the count: the probe is the part that misses
        // the cache.
        match self.group_instances[index].entry(position) {
            indexmap::map::Entry::Occupied(mut entry) => {
                let count = i64::from(*entry.get()) + delta;
                if count <= 0 {
                    // Order does not matter here (readers sum or collect positions), so
                    // removing is O(1) instead of shifting every later entry.
                    entry.swap_remove();
                } else {
                    *entry.get_mut() = count as u32;
                }
            }
            indexmap::map::Entry::Vacant(entry) => {
                if delta > 0 {
                    entry.insert(delta as u32);
                }
            }
        }
    }

    /// The id of a group, interning it when new.
    pub(crate) fn intern_group(&mut self, group: &str) -> GroupId {
        GroupId(self.groups.intern(group))
    }
}

#[cfg(test)]
mod tests {
    use fixedbitset::FixedBitSet;
    use serde_json::json;

    use crate::placement::test_support::{instance, snapshot};

    /// 200 instances: `team` is `a` on three in four (a bitset too), `b` on one in twenty
    /// (positions only), and `flag` without a value on one in three.
    #[test]
    fn adding_a_posting_adds_its_positions_whether_kept_as_a_bitset_or_not() {
        let instances = (0..200)
            .map(|i| {
                let team = if i % 20 == 0 { "b" } else { "a" };
                let mut attributes = vec![json!({"name": "team", "value": team})];
                if i % 3 == 0 {
                    attributes.push(json!({"name": "flag"}));
                }
                instance(
                    &format!("i{i}"),
                    1024,
                    2048,
                    json!({"attributes": attributes}),
                )
            })
            .collect();
        let snapshot = snapshot(instances, Vec::new(), 0);
        let mut dense_values = 0;
        for name in ["team", "flag"] {
            let Some(name) = snapshot.attribute_name_id(name) else {
                panic!("attribute {name} is interned");
            };
            for (index, positions) in snapshot.attribute_postings(name).values().enumerate() {
                dense_values +=
                    usize::from(snapshot.posting_sets[name.0 as usize][index].is_some());
                let mut expected = FixedBitSet::with_capacity(200);
                expected.insert(7);
                let mut added = expected.clone();
                for &position in positions {
                    expected.insert(position as usize);
                }
                snapshot.add_posting(&mut added, name, index);
                assert_eq!(added, expected, "value {index} of {name:?}");
                // A set of another length takes the positions below its length.
                let mut short = FixedBitSet::with_capacity(100);
                snapshot.add_posting(&mut short, name, index);
                let below: Vec<usize> = positions
                    .iter()
                    .map(|&p| p as usize)
                    .filter(|&p| p < 100)
                    .collect();
                assert_eq!(short.ones().collect::<Vec<_>>(), below);
            }
        }
        // `a` (190 instances) and `flag` (67) are kept as bitsets; `b` (10) is not.
        assert_eq!(dense_values, 2);
    }
}
