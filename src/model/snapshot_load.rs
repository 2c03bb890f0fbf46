//! Reading a snapshot: [`SnapshotFile`] to [`Snapshot`], every rule checked with the JSON path
//! of the member that breaks it, then the indexes built (postings, groups, remaining resources,
//! the hot columns). Also the usage arithmetic placing and loading share ([`take_usage`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use indexmap::IndexMap;

use crate::aws::{
    ContainerInstance, ContainerInstanceStatus, Task, TaskDefinition,
    TaskDefinitionPlacementConstraintType,
};

use super::attributes::{
    AttrNameId, AttrValueId, Interner, check_attribute_name, check_attribute_value,
};
use super::cluster::{ClusterInfo, instance_arn_cluster};
use super::demand::task_demand;
use super::free::FreeColumns;
use super::instance::{Instance, arn_short_id};
use super::positions::add_positions;
use super::resources::{ResourceEntries, Resources};
use super::snapshot::{AttributePostings, POSTING_SET_MIN, SCANNED_ATTRIBUTES, SnapshotError};
use super::snapshot_file::SnapshotFile;
use super::task::{Description, HeldUsage, TaskRecord, TaskUsage, group_of, is_running};
use super::{AVAILABILITY_ZONE_ATTRIBUTE, GroupId, MapHasher, Snapshot};

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
            // Information for the reader of the file; the state it describes is the same.
            captured_at: _,
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
            detached_tasks: 0,
        };
        let mut given_remaining = Vec::with_capacity(container_instances.len());
        // Registered (not INACTIVE) instances by EC2 instance id: one container instance per
        // EC2 instance at a time, so an EC2 id names one instance.
        let mut registered_ec2_ids: HashMap<String, usize, MapHasher> = HashMap::default();
        for (position, wire) in container_instances.into_iter().enumerate() {
            let path = format!("containerInstances[{position}]");
            if let Some(ec2_instance_id) = wire.ec2_instance_id.as_deref()
                && wire.status != Some(ContainerInstanceStatus::Inactive)
                && let Some(first) = registered_ec2_ids.insert(ec2_instance_id.to_owned(), position)
            {
                return Err(SnapshotError::new(
                    format!("{path}.ec2InstanceId"),
                    format!(
                        "EC2 instance {ec2_instance_id} is also containerInstances[{first}]; an EC2 \
                         instance is one registered container instance at a time (a deregistered \
                         one is INACTIVE)"
                    ),
                ));
            }
            let (instance, remaining) = snapshot.read_instance(&path, &wire)?;
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
    pub(super) fn read_instance(
        &mut self,
        path: &str,
        wire: &ContainerInstance,
    ) -> Result<(Instance, ResourceEntries), SnapshotError> {
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
        let attributes = self.read_attributes(path, wire)?;
        let registered = read_resources(
            path,
            "registeredResources",
            ResourceEntries::read(wire.registered_resources.as_deref().unwrap_or_default()),
        )?;
        let remaining = read_resources(
            path,
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

    pub(super) fn add_instance(&mut self, instance: Instance) {
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
            if instance.is_none() && wire.container_instance_arn.is_some() {
                self.detached_tasks += 1;
            }
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
    pub(super) fn posting_set(&self, positions: &[u32]) -> Option<FixedBitSet> {
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
            settle_instance(instance, entries, fallback, running_counts[position]);
        }
    }
}

/// Sets one instance's remaining resources: the given entries, else `fallback` (registered less
/// what its running tasks hold), and its running count when the dump gave none.
pub(super) fn settle_instance(
    instance: &mut Instance,
    entries: ResourceEntries,
    fallback: Resources,
    running_count: u32,
) {
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
        instance.running_tasks_count = running_count;
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
