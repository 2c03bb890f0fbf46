//! The cluster snapshot: the library's main input, read from AWS JSON and validated into an
//! interned, indexed model.
//!
//! [`SnapshotFile`] is the file as written (every key optional but `containerInstances`, so the
//! bare output of `aws ecs describe-container-instances` is a snapshot). [`Snapshot`] is the
//! validated model: attributes checked and interned, posting lists per attribute value,
//! resources read, running tasks indexed by instance and by group.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use indexmap::IndexMap;

use crate::aws::{
    CapacityProvider, ContainerInstance, ContainerInstanceStatus, DesiredStatus, Task,
    TaskDefinition, TaskDefinitionPlacementConstraintType,
};
use crate::error::EcsError;

use super::GroupId;
use super::attributes::{
    AttrNameId, AttrValueId, Interner, check_attribute_name, check_attribute_value,
};
use super::cluster::{ClusterInfo, instance_arn_cluster};
use super::demand::task_demand;
use super::free::FreeColumns;
use super::instance::{Instance, arn_short_id};
use super::positions::add_positions;
use super::resources::{ResourceEntries, Resources};
use super::snapshot_file::SnapshotFile;
use super::task::{Description, HeldUsage, TaskRecord, TaskUsage, group_of, is_running};
use super::{AVAILABILITY_ZONE_ATTRIBUTE, MapHasher};

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
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
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
const SCANNED_ATTRIBUTES: usize = 32;

/// Fewest instances of one value kept as a bitset too (see [`Snapshot::add_posting`]).
const POSTING_SET_MIN: usize = 64;

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
    /// from the postings when the snapshot is read; the postings do not change after that
    /// (placing and stopping tasks change no attribute).
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
}

impl Snapshot {
    /// Reads and validates a snapshot from JSON text.
    ///
    /// Members the API model lacks inside the AWS shapes are accepted; read the file with
    /// [`SnapshotFile::from_json`] to see them.
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

    /// The snapshot as a file again, with the live resources, counts and tasks.
    pub fn to_file(&self) -> SnapshotFile {
        SnapshotFile {
            cluster: Some(self.cluster.to_wire()),
            container_instances: self
                .instances
                .iter()
                .enumerate()
                .map(|(position, instance)| {
                    let document = self.instance_documents.get(position);
                    instance.to_wire(document.unwrap_or(&ContainerInstance::default()))
                })
                .collect(),
            task_definitions: self.task_definitions.clone(),
            failures: Vec::new(),
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
    fn count_group_instances(&mut self, group: GroupId, position: u32, delta: i64) {
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

impl TryFrom<SnapshotFile> for Snapshot {
    type Error = SnapshotError;

    fn try_from(file: SnapshotFile) -> Result<Self, SnapshotError> {
        let SnapshotFile {
            cluster,
            container_instances,
            task_definitions,
            tasks,
            capacity_providers,
            failures,
        } = file;
        if let Some(failure) = failures.first() {
            return Err(SnapshotError::new(
                "failures",
                format!(
                    "the describe call could not describe {} resource(s), first {:?} ({}); \
                     the snapshot would lack them: describe them again, or remove `failures` once \
                     you have checked that they are gone",
                    failures.len(),
                    failure.arn.as_deref().unwrap_or("?"),
                    failure.reason.as_deref().unwrap_or("no reason given"),
                ),
            ));
        }
        check_task_definitions(&task_definitions)?;
        let provider_names = capacity_providers
            .iter()
            .filter_map(|p| p.name.clone())
            .collect();
        let cluster = ClusterInfo::resolve(cluster, &container_instances, provider_names);
        let mut snapshot = Snapshot {
            cluster,
            attribute_names: Interner::default(),
            attribute_values: Interner::default(),
            zone_attribute: None,
            postings: Vec::new(),
            posting_sets: Vec::new(),
            instances: Vec::with_capacity(container_instances.len()),
            instance_documents: Vec::with_capacity(container_instances.len()),
            instance_lookup: IndexMap::with_capacity_and_hasher(
                container_instances.len() * 2,
                MapHasher::default(),
            ),
            task_definitions,
            tasks: IndexMap::with_capacity_and_hasher(tasks.len(), MapHasher::default()),
            groups: Interner::default(),
            group_instances: Vec::new(),
            capacity_providers,
            free: FreeColumns::default(),
            usable: FixedBitSet::new(),
            active: FixedBitSet::new(),
        };
        let mut given_remaining = Vec::with_capacity(container_instances.len());
        for (position, wire) in container_instances.into_iter().enumerate() {
            let (instance, remaining) = snapshot.read_instance(position, &wire)?;
            snapshot.add_instance(instance);
            snapshot.instance_documents.push(wire);
            given_remaining.push(remaining);
        }
        snapshot.zone_attribute = snapshot.attribute_name_id(AVAILABILITY_ZONE_ATTRIBUTE);
        snapshot.read_tasks(tasks)?;
        snapshot.settle_remaining(given_remaining);
        snapshot.index_hot_columns();
        Ok(snapshot)
    }
}

impl Snapshot {
    /// Validates one instance; returns it with its given `remainingResources` entries.
    fn read_instance(
        &mut self,
        position: usize,
        wire: &ContainerInstance,
    ) -> Result<(Instance, ResourceEntries), SnapshotError> {
        let path = format!("containerInstances[{position}]");
        let arn = wire
            .container_instance_arn
            .clone()
            .filter(|arn| !arn.is_empty())
            .ok_or_else(|| {
                SnapshotError::new(
                    format!("{path}.containerInstanceArn"),
                    "missing; every instance needs its ARN",
                )
            })?;
        if self.instance_lookup.contains_key(&arn) {
            return Err(SnapshotError::new(
                format!("{path}.containerInstanceArn"),
                format!("`{arn}` appears twice"),
            ));
        }
        if let Some(named) = instance_arn_cluster(&arn)
            && named != self.cluster.name
        {
            return Err(SnapshotError::new(
                format!("{path}.containerInstanceArn"),
                format!(
                    "`{arn}` is an instance of cluster `{named}`, but the snapshot's cluster is `{}` \
                     ({}); a snapshot holds one cluster: remove the other cluster's instances",
                    self.cluster.name,
                    self.cluster.name_source.describe()
                ),
            ));
        }
        let status = wire
            .status
            .clone()
            .unwrap_or(ContainerInstanceStatus::Active);
        if let ContainerInstanceStatus::Unknown(other) = &status {
            return Err(SnapshotError::new(
                format!("{path}.status"),
                format!(
                    "`{other}` is not a container instance status; expected one of {}",
                    ContainerInstanceStatus::KNOWN.join(", ")
                ),
            ));
        }
        let attributes = self.read_attributes(&path, wire)?;
        let registered = read_resources(
            &path,
            "registeredResources",
            ResourceEntries::read(wire.registered_resources.as_deref().unwrap_or_default()),
        )?;
        let remaining = read_resources(
            &path,
            "remainingResources",
            ResourceEntries::read_remaining(
                wire.remaining_resources.as_deref().unwrap_or_default(),
            ),
        )?;
        for (name, registered, remaining) in [
            ("CPU", registered.cpu, remaining.cpu),
            ("MEMORY", registered.memory, remaining.memory),
        ] {
            if let (Some(registered), Some(remaining)) = (registered, remaining)
                && remaining > registered
            {
                return Err(SnapshotError::new(
                    format!("{path}.remainingResources"),
                    format!(
                        "{name} {remaining} is above the registered {registered}; an instance never \
                         has more left than it registered: take both from one describe-container-instances output"
                    ),
                ));
            }
        }
        let counts = |value: Option<i64>, member: &str| -> Result<Option<u32>, SnapshotError> {
            value
                .map(|v| {
                    u32::try_from(v).map_err(|_| {
                        SnapshotError::new(
                            format!("{path}.{member}"),
                            format!("{v} is not a count"),
                        )
                    })
                })
                .transpose()
        };
        let running = counts(wire.running_tasks_count, "runningTasksCount")?;
        let pending = counts(wire.pending_tasks_count, "pendingTasksCount")?;
        let instance = Instance {
            id: arn_short_id(&arn).to_owned(),
            arn: arn.into(),
            ec2_instance_id: wire.ec2_instance_id.clone(),
            status,
            // An instance described without the member is taken as connected: hand-written
            // snapshots omit it, and the API always sends it.
            agent_connected: wire.agent_connected.unwrap_or(true),
            agent_version: wire
                .version_info
                .as_ref()
                .and_then(|v| v.agent_version.clone()),
            registered_at: wire.registered_at,
            capacity_provider_name: wire.capacity_provider_name.clone(),
            attributes,
            registered: Resources {
                eni_slots: super::eni::eni_limit(wire.attributes.as_deref().unwrap_or_default())
                    .map_err(|message| SnapshotError::new(format!("{path}.attributes"), message))?,
                ..registered.into_resources()
            },
            remaining: Resources::default(),
            running_tasks_count: running.unwrap_or(u32::MAX),
            pending_tasks_count: pending.unwrap_or(0),
            groups: Vec::new(),
        };
        Ok((instance, remaining))
    }

    fn read_attributes(
        &mut self,
        path: &str,
        wire: &ContainerInstance,
    ) -> Result<Vec<(AttrNameId, Option<AttrValueId>)>, SnapshotError> {
        let listed = wire.attributes.as_deref().unwrap_or_default();
        let mut attributes = Vec::with_capacity(listed.len());
        // The names met so far, once there are many: comparing each name with every earlier
        // one was quadratic (one instance with 200,000 attributes took 14 s to load).
        let mut seen = HashSet::with_hasher(MapHasher::default());
        for (index, attribute) in listed.iter().enumerate() {
            // Formatted only for an error: formatting every attribute's path was a quarter of
            // the load of an instance with many attributes (in a debug build).
            let at = |member: &str| format!("{path}.attributes[{index}].{member}");
            check_attribute_name(&attribute.name).map_err(|m| SnapshotError::new(at("name"), m))?;
            let value = match attribute.value.as_deref() {
                Some(value) => {
                    check_attribute_value(value).map_err(|m| SnapshotError::new(at("value"), m))?;
                    Some(AttrValueId(self.attribute_values.intern(value)))
                }
                None => None,
            };
            let name = AttrNameId(self.attribute_names.intern(&attribute.name));
            let repeated = if index < SCANNED_ATTRIBUTES {
                attributes.iter().any(|(n, _)| *n == name)
            } else {
                if seen.is_empty() {
                    seen.extend(attributes.iter().map(|(n, _)| *n));
                }
                !seen.insert(name)
            };
            if repeated {
                return Err(SnapshotError::new(
                    at("name"),
                    format!(
                        "attribute `{}` appears twice on the instance",
                        attribute.name
                    ),
                ));
            }
            attributes.push((name, value));
        }
        attributes.sort_unstable_by_key(|(name, _)| *name);
        Ok(attributes)
    }

    fn add_instance(&mut self, instance: Instance) {
        let position = self.instances.len() as u32;
        for &(name, value) in &instance.attributes {
            let index = name.0 as usize;
            if self.postings.len() <= index {
                self.postings.resize_with(index + 1, AttributePostings::new);
            }
            self.postings[index]
                .entry(value)
                .or_default()
                .push(position);
        }
        self.instance_lookup
            .insert(instance.arn.to_string(), position);
        // The short id also finds the instance, unless another instance's ARN or id took it.
        self.instance_lookup
            .entry(instance.id.clone())
            .or_insert(position);
        self.instances.push(instance);
    }

    fn read_tasks(&mut self, tasks: Vec<Task>) -> Result<(), SnapshotError> {
        // Each task names its definition by ARN: looked up in a map, since searching the list
        // for each task was tasks x definitions.
        // (Keys are copied, so the map does not hold `self` borrowed while tasks are indexed.)
        let mut definitions: HashMap<Box<str>, usize, MapHasher> =
            HashMap::with_capacity_and_hasher(self.task_definitions.len(), MapHasher::default());
        for (at, definition) in self.task_definitions.iter().enumerate() {
            if let Some(arn) = definition.task_definition_arn.as_deref() {
                // Should an ARN appear twice, the first wins, as a search from the front.
                definitions.entry(arn.into()).or_insert(at);
            }
        }
        for (index, wire) in tasks.into_iter().enumerate() {
            let path = format!("tasks[{index}]");
            let arn = wire
                .task_arn
                .as_deref()
                .filter(|a| !a.is_empty())
                .map(Arc::from)
                .ok_or_else(|| {
                    SnapshotError::new(
                        format!("{path}.taskArn"),
                        "missing; every task needs its ARN",
                    )
                })?;
            if self.tasks.contains_key(&*arn) {
                return Err(SnapshotError::new(
                    format!("{path}.taskArn"),
                    format!("`{arn}` appears twice"),
                ));
            }
            // A task may sit on an instance the dump does not hold (deregistered since, or a
            // Fargate task): it is kept, but holds nothing on any instance of the snapshot.
            let instance = wire
                .container_instance_arn
                .as_deref()
                .and_then(|a| self.instance_position(a));
            let definition = wire
                .task_definition_arn
                .as_deref()
                .and_then(|arn| definitions.get(arn))
                .and_then(|&at| self.task_definitions.get(at));
            let usage = usage_of(&wire, definition).into();
            let group = self.intern_group(&group_of(&wire));
            let record = TaskRecord {
                running: is_running(&wire),
                usage,
                instance,
                group,
                description: Description::Full(Box::new(wire)),
            };
            // As `index_task`, but the instances' own group lists are filled once at the end:
            // inserting into an instance's sorted list task by task shifted it each time a
            // group came in before the groups it already had (quadratic in its groups).
            if let (true, Some(position)) = (record.running, record.instance) {
                self.count_group_instances(record.group, position, 1);
            }
            self.tasks.insert(arn, record);
        }
        self.fill_instance_groups();
        Ok(())
    }

    /// Fills each instance's RUNNING tasks per group from the group index: groups in id order,
    /// so each list comes out sorted. The lists must be empty (as when a snapshot is read).
    fn fill_instance_groups(&mut self) {
        for (group, instances) in self.group_instances.iter().enumerate() {
            for (&position, &count) in instances {
                if let Some(instance) = self.instances.get_mut(position as usize) {
                    instance.groups.push((GroupId(group as u32), count));
                }
            }
        }
    }

    /// Fills [`Snapshot::free`], [`Snapshot::usable`] and [`Snapshot::active`] from the
    /// instances.
    fn index_hot_columns(&mut self) {
        self.free = FreeColumns::new(
            self.instances
                .iter()
                .map(|i| [i.remaining.cpu, i.remaining.memory]),
        );
        self.usable = FixedBitSet::with_capacity(self.instances.len());
        self.active = FixedBitSet::with_capacity(self.instances.len());
        for (position, instance) in self.instances.iter().enumerate() {
            self.usable
                .set(position, instance.is_active() && instance.agent_connected);
            self.active.set(position, instance.is_active());
        }
        self.posting_sets = self
            .postings
            .iter()
            .map(|postings| postings.values().map(|p| self.posting_set(p)).collect())
            .collect();
    }

    /// A value's instances as a bitset, when they are many: at least one in 64 of the
    /// instances, so the bitset takes at most twice the bytes of the position list.
    fn posting_set(&self, positions: &[u32]) -> Option<FixedBitSet> {
        let count = self.instances.len();
        if positions.len() < POSTING_SET_MIN || positions.len() < count.div_ceil(64) {
            return None;
        }
        let mut set = FixedBitSet::with_capacity(count);
        add_positions(&mut set, positions.iter().copied());
        Some(set)
    }

    /// Sets each instance's remaining resources: the given entries, and for the entries the
    /// dump leaves out, registered minus what the instance's running tasks hold.
    fn settle_remaining(&mut self, given: Vec<ResourceEntries>) {
        let mut derived: Vec<Resources> = self
            .instances
            .iter()
            .map(|i| i.registered.clone())
            .collect();
        let mut running_counts = vec![0u32; self.instances.len()];
        // The ports and GPU ids the running tasks hold, gathered per instance and taken once:
        // taking them task by task (as a placement does) shifts the sorted port list for each
        // port and scans the GPU list for each GPU id, quadratic for an instance with
        // thousands of tasks.
        let mut held: Vec<HeldPortsAndGpus<'_>> = vec![HeldPortsAndGpus::default(); derived.len()];
        for record in self.tasks.values().filter(|r| r.running) {
            let Some(position) = record.instance else {
                continue;
            };
            let resources = &mut derived[position as usize];
            take_amounts(resources, &record.usage);
            take_eni(resources, &record.usage);
            let held = &mut held[position as usize];
            held.ports_tcp.extend_from_slice(record.usage.ports_tcp());
            held.ports_udp.extend_from_slice(record.usage.ports_udp());
            held.gpu_ids
                .extend(record.usage.gpu_ids().iter().map(String::as_str));
            running_counts[position as usize] += 1;
        }
        for (resources, held) in derived.iter_mut().zip(held) {
            held.take_from(resources);
        }
        for (position, (instance, entries)) in self.instances.iter_mut().zip(given).enumerate() {
            let fallback = std::mem::take(&mut derived[position]);
            instance.remaining = Resources {
                cpu: entries.cpu.unwrap_or(fallback.cpu),
                memory: entries.memory.unwrap_or(fallback.memory),
                ports_tcp: entries.ports_tcp.unwrap_or(fallback.ports_tcp),
                ports_udp: entries.ports_udp.unwrap_or(fallback.ports_udp),
                gpus: entries.gpus.unwrap_or(fallback.gpus),
                // No API resource lists ENIs: always registered less the tasks' (see take_eni).
                eni_slots: fallback.eni_slots,
            };
            if instance.running_tasks_count == u32::MAX {
                instance.running_tasks_count = running_counts[position];
            }
        }
    }
}

/// What a described task holds. Its own cpu, memory and GPU ids come first (that is what
/// ECS reserved). Host ports come from its task definition (`definition`, when the snapshot
/// holds the revision it names): `networkBindings` also list ports Docker assigned
/// dynamically, which ECS does not reserve. The definition also fills in cpu and memory a task
/// description leaves out.
fn usage_of(task: &Task, definition: Option<&TaskDefinition>) -> TaskUsage {
    let mut usage = TaskUsage::of_task(task);
    let Some(demand) = definition.and_then(|def| task_demand(def, task.overrides.as_ref()).ok())
    else {
        return usage;
    };
    usage.ports_tcp = demand.tcp_ports.iter().copied().collect();
    usage.ports_udp = demand.udp_ports.iter().copied().collect();
    usage.eni = demand.eni;
    if task.cpu.is_none() && usage.cpu == 0 {
        usage.cpu = i64::try_from(demand.cpu).unwrap_or(i64::MAX);
    }
    if task.memory.is_none() && usage.memory == 0 {
        usage.memory = i64::try_from(demand.memory_mib).unwrap_or(i64::MAX);
    }
    usage
}

/// Takes one task's usage out of `resources`: cpu and memory subtracted, ports reserved, GPU ids
/// no longer free. Applying a placement takes usage through it; loading a snapshot takes the
/// same, all tasks of an instance at once (see [`HeldPortsAndGpus`]).
pub(crate) fn take_usage(resources: &mut Resources, usage: &HeldUsage) {
    take_amounts(resources, usage);
    take_eni(resources, usage);
    for &port in usage.ports_tcp() {
        resources.ports_tcp.insert(port);
    }
    for &port in usage.ports_udp() {
        resources.ports_udp.insert(port);
    }
    let gpu_ids = usage.gpu_ids();
    if !gpu_ids.is_empty() {
        resources.gpus.retain(|id| !gpu_ids.contains(id));
    }
}

/// Takes the task's elastic network interface, when it holds one, out of the free ones.
fn take_eni(resources: &mut Resources, usage: &HeldUsage) {
    if usage.eni()
        && let Some(slots) = &mut resources.eni_slots
    {
        *slots = slots.saturating_sub(1);
    }
}

/// Takes one task's cpu and memory out of `resources`.
fn take_amounts(resources: &mut Resources, usage: &HeldUsage) {
    // Saturating: a dump's task amounts are read as given, and huge ones must neither
    // overflow (a panic in debug builds) nor wrap around.
    resources.cpu = resources.cpu.saturating_sub(usage.cpu);
    resources.memory = resources.memory.saturating_sub(usage.memory);
}

/// The host ports and GPU ids all the running tasks of one instance hold, while a snapshot is
/// read.
#[derive(Debug, Clone, Default)]
struct HeldPortsAndGpus<'a> {
    ports_tcp: Vec<u16>,
    ports_udp: Vec<u16>,
    gpu_ids: Vec<&'a str>,
}

impl HeldPortsAndGpus<'_> {
    /// Reserves the ports and takes the GPU ids out of `resources`: what [`take_usage`] does
    /// for each task in turn, in n log n for all of them.
    fn take_from(mut self, resources: &mut Resources) {
        resources.ports_tcp.insert_all(self.ports_tcp);
        resources.ports_udp.insert_all(self.ports_udp);
        if !self.gpu_ids.is_empty() {
            self.gpu_ids.sort_unstable();
            resources
                .gpus
                .retain(|id| self.gpu_ids.binary_search(&id.as_str()).is_err());
        }
    }
}

/// Puts the JSON path of the member in front of a resource list's error.
fn read_resources(
    path: &str,
    member: &str,
    read: Result<ResourceEntries, String>,
) -> Result<ResourceEntries, SnapshotError> {
    read.map_err(|message| {
        let (index, rest) = message.split_once(": ").unwrap_or((&message, ""));
        SnapshotError::new(format!("{path}.{member}{index}"), rest.to_owned())
    })
}

/// Checks what loading a task definition checks: a family, and only `memberOf` constraints.
pub(super) fn check_task_definitions(definitions: &[TaskDefinition]) -> Result<(), SnapshotError> {
    let mut arns: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, definition) in definitions.iter().enumerate() {
        let path = format!("taskDefinitions[{index}]");
        if let Some(arn) = definition.task_definition_arn.as_deref()
            && let Some(first) = arns.insert(arn, index)
        {
            return Err(SnapshotError::new(
                format!("{path}.taskDefinitionArn"),
                format!("`{arn}` appears twice (first at taskDefinitions[{first}]); keep one"),
            ));
        }
        let has_family = definition.family.as_deref().is_some_and(|f| !f.is_empty())
            || definition.task_definition_arn.is_some();
        if !has_family {
            return Err(SnapshotError::new(
                format!("{path}.family"),
                "missing; a task definition needs its family or ARN",
            ));
        }
        for (c, constraint) in definition
            .placement_constraints
            .iter()
            .flatten()
            .enumerate()
        {
            if let Some(TaskDefinitionPlacementConstraintType::Unknown(kind)) = &constraint.kind {
                return Err(SnapshotError::new(
                    format!("{path}.placementConstraints[{c}].type"),
                    format!("constraint.type '{kind}' is not supported."),
                ));
            }
            // Syntax is checked when a definition is loaded, as at registration (DECISIONS 16);
            // values are not: an attribute no instance has is a placement failure, not an error.
            if let Some(expression) = constraint.expression.as_deref() {
                crate::query::Expression::parse(expression).map_err(|error| {
                    SnapshotError::new(
                        format!("{path}.placementConstraints[{c}].expression"),
                        error.message,
                    )
                })?;
            }
        }
    }
    Ok(())
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
