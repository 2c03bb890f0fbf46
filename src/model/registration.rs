//! Registering and deregistering container instances on a snapshot
//! (`RegisterContainerInstance`, `DeregisterContainerInstance`).
//!
//! A registered instance goes after the last, so no position changes: the postings gain it at
//! their end, the bitsets, free columns and usable and active sets grow by one. A deregistered
//! instance stays, `INACTIVE`, as ECS keeps describing it: placement judges only `ACTIVE`
//! instances, and positions other callers hold stay valid. See `docs/SEMANTICS.md`,
//! "Cluster-changing calls".

use crate::aws::{ContainerInstance, ContainerInstanceStatus};
use crate::error::EcsError;

use super::cluster_calls::missing;
use super::snapshot_load::settle_instance;
use super::{AVAILABILITY_ZONE_ATTRIBUTE, Snapshot};

impl Snapshot {
    /// `RegisterContainerInstance`: adds an instance described by the `ContainerInstance`
    /// shape, checked as a snapshot's instances are (its ARN in this cluster, its status,
    /// attributes and resources), and returns its ARN. Without a `containerInstanceArn` one
    /// is made in the cluster's account and region (the same for the same snapshot). What the
    /// document leaves out is taken as a new instance has it: status `ACTIVE`, agent
    /// connected, no task (`remainingResources` as registered).
    ///
    /// Refused with `InvalidParameterException`: an ARN the snapshot already holds (a
    /// deregistered instance keeps its ARN, `INACTIVE`), and an ARN tasks of the snapshot
    /// already name (they ran on an instance the snapshot does not hold).
    ///
    /// ```
    /// use ecs_placement::aws::ContainerInstance;
    /// use ecs_placement::model::Snapshot;
    ///
    /// let mut snapshot = Snapshot::from_json(r#"{"cluster": {"clusterName": "prod"}, "containerInstances": []}"#)?;
    /// let instance: ContainerInstance = serde_json::from_str(r#"{
    ///     "ec2InstanceId": "i-0abc",
    ///     "registeredResources": [
    ///         {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    ///         {"name": "MEMORY", "type": "INTEGER", "integerValue": 3904}
    ///     ],
    ///     "attributes": [{"name": "ecs.availability-zone", "value": "us-east-1a"}]
    /// }"#)?;
    /// let arn = snapshot.register_container_instance(instance)?;
    /// assert!(arn.contains(":container-instance/prod/"));
    /// assert_eq!(snapshot.find_instance("i-0abc"), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register_container_instance(
        &mut self,
        mut instance: ContainerInstance,
    ) -> Result<String, EcsError> {
        let arn = match instance.container_instance_arn.as_deref() {
            Some(arn) if !arn.is_empty() => arn.to_owned(),
            _ => self.new_instance_arn(),
        };
        if let Some(&position) = self.instance_lookup.get(&arn)
            && self.instances[position as usize].arn.as_ref() == arn
        {
            return Err(EcsError::invalid_parameter(format!(
                "container instance {arn} is already registered (status {}); an ARN registers \
                 once, and a deregistered instance keeps its ARN: register under a new one",
                self.instances[position as usize].status
            )));
        }
        self.check_new_arn(&arn)?;
        if let Some(ec2_instance_id) = instance.ec2_instance_id.as_deref()
            && let Some(holder) = self.instances.iter().find(|i| {
                i.ec2_instance_id.as_deref() == Some(ec2_instance_id)
                    && i.status != ContainerInstanceStatus::Inactive
            })
        {
            return Err(EcsError::invalid_parameter(format!(
                "EC2 instance {ec2_instance_id} is already registered as container instance {} \
                 ({}); deregister it first (an EC2 instance is one container instance at a time)",
                holder.arn, holder.status
            )));
        }
        if self.detached_tasks > 0 && self.tasks_name_instance(&arn) {
            return Err(EcsError::invalid_parameter(format!(
                "tasks of the snapshot already name container instance {arn}, which it does not \
                 hold; register the instance under a new ARN, or put it in the snapshot file \
                 with its tasks"
            )));
        }
        instance.container_instance_arn = Some(arn.clone());
        // Described from now on as ECS describes a new instance.
        instance
            .status
            .get_or_insert(ContainerInstanceStatus::Active);
        instance.agent_connected.get_or_insert(true);
        instance.pending_tasks_count.get_or_insert(0);
        let (mut read, given) = self
            .read_instance("containerInstance", &instance)
            .map_err(|e| EcsError::invalid_parameter(e.to_string()))?;
        let registered = read.registered.clone();
        settle_instance(&mut read, given, registered, 0);
        let position = self.instances.len();
        let remaining = [read.remaining.cpu, read.remaining.memory];
        let (active, usable) = (read.is_active(), read.is_active() && read.agent_connected);
        let attributes = read.attributes.clone();
        self.add_instance(read);
        self.instance_documents.push(instance);
        self.free.push(remaining);
        for set in [&mut self.active, &mut self.usable] {
            set.grow(position + 1);
        }
        self.active.set(position, active);
        self.usable.set(position, usable);
        self.zone_attribute = self.attribute_name_id(AVAILABILITY_ZONE_ATTRIBUTE);
        self.index_new_postings(position, &attributes);
        Ok(arn)
    }

    /// `DeregisterContainerInstance`: the instance (by ARN, id or EC2 instance id) becomes
    /// `INACTIVE`. With tasks still running on it, refused unless `force`, with ECS's
    /// `InvalidParameterException` ("Found running tasks on the instance."). With `force`,
    /// ECS orphans them (it no longer accounts for them): the snapshot stops each, as
    /// `StopTask` would, and sets the instance's task counts to zero. Returns the ARNs of the
    /// tasks it stopped. Deregistering an `INACTIVE` instance is refused.
    ///
    /// ```
    /// use ecs_placement::aws::{ContainerInstanceStatus, RunTaskRequest};
    /// use ecs_placement::aws::read::RequestShape;
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// let request = RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web", "count": 2,
    ///     "placementStrategy": [{"type": "spread", "field": "instanceId"}]}"#)?;
    /// let outcome = ecs_placement::run_task(&snapshot, &request, 7)?;
    /// snapshot.apply(&outcome.changes);
    /// let refused = snapshot.deregister_container_instance("i-0a", false).unwrap_err();
    /// assert!(refused.message.starts_with("Found running tasks on the instance."));
    /// let stopped = snapshot.deregister_container_instance("i-0a", true)?;
    /// assert_eq!(stopped.len(), 1);
    /// assert_eq!(snapshot.instances()[0].status, ContainerInstanceStatus::Inactive);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deregister_container_instance(
        &mut self,
        instance: &str,
        force: bool,
    ) -> Result<Vec<String>, EcsError> {
        let position = self
            .find_instance(instance)
            .ok_or_else(|| missing(instance))?;
        let index = position as usize;
        let current = &self.instances[index];
        if current.status == ContainerInstanceStatus::Inactive {
            return Err(EcsError::invalid_parameter(format!(
                "container instance {} is already deregistered (INACTIVE)",
                current.arn
            )));
        }
        let running: Vec<usize> = self
            .tasks
            .values()
            .enumerate()
            .filter(|(_, record)| record.running && record.instance == Some(position))
            .map(|(at, _)| at)
            .collect();
        let busy = current
            .running_tasks_count
            .saturating_add(current.pending_tasks_count);
        if !force && (busy > 0 || !running.is_empty()) {
            return Err(EcsError::invalid_parameter(format!(
                "Found running tasks on the instance. ({} holds {} running and {} pending \
                 tasks; stop them first, or deregister with force to orphan them)",
                current.arn,
                current.running_tasks_count.max(running.len() as u32),
                current.pending_tasks_count
            )));
        }
        let mut stopped = Vec::with_capacity(running.len());
        for at in running {
            if let Some((arn, _)) = self.tasks.get_index(at) {
                stopped.push(arn.to_string());
            }
            self.stop_task_at_index(at)?;
        }
        let current = &mut self.instances[index];
        current.running_tasks_count = 0;
        current.pending_tasks_count = 0;
        if let Some(document) = self.instance_documents.get_mut(index) {
            document.pending_tasks_count = Some(0);
        }
        self.set_status(position, ContainerInstanceStatus::Inactive);
        Ok(stopped)
    }

    /// Refuses a given ARN that is not a container instance ARN of this cluster's partition,
    /// region and account (the cluster name, where the ARN has one, is checked with the rest
    /// of the instance).
    fn check_new_arn(&self, arn: &str) -> Result<(), EcsError> {
        let cluster = &self.cluster;
        let expected = format!(
            "arn:{}:ecs:{}:{}:container-instance/",
            cluster.partition, cluster.region, cluster.account
        );
        // `container-instance/CLUSTER/ID`, or the older `container-instance/ID`.
        let id = arn.strip_prefix(&expected).and_then(|rest| {
            let segments: Vec<&str> = rest.split('/').collect();
            match segments.as_slice() {
                [id] | [_, id] if segments.iter().all(|s| !s.is_empty()) => Some(*id),
                _ => None,
            }
        });
        match id {
            Some(id) => {
                if let Some(&position) = self.instance_lookup.get(id)
                    && self.instances[position as usize].arn.as_ref() != arn
                {
                    return Err(EcsError::invalid_parameter(format!(
                        "containerInstanceArn {arn}: its id {id} already names container instance {}; \
                         ids are unique in a cluster",
                        self.instances[position as usize].arn
                    )));
                }
                if let Some(other) = self
                    .instances
                    .iter()
                    .find(|i| i.ec2_instance_id.as_deref() == Some(id))
                {
                    return Err(EcsError::invalid_parameter(format!(
                        "containerInstanceArn {arn}: its id {id} is the EC2 instance id of \
                         container instance {}, so the name would be ambiguous",
                        other.arn
                    )));
                }
                Ok(())
            }
            _ => Err(EcsError::invalid_parameter(format!(
                "containerInstanceArn {arn:?} is not a container instance ARN of this cluster; \
                 expected {expected}{}/ID (or leave it out and one is made)",
                cluster.name
            ))),
        }
    }

    /// An ARN for a registration that gave none: a 32-digit hexadecimal id, as ECS's, drawn
    /// from the instance count so the same snapshot makes the same ARN, skipping ids taken.
    fn new_instance_arn(&self) -> String {
        let cluster = &self.cluster;
        let mut draw = self.instances.len() as u64;
        loop {
            let id = format!("{:016x}{:016x}", mix(draw), mix(!draw));
            if !self.instance_lookup.contains_key(&id) {
                return format!(
                    "arn:{}:ecs:{}:{}:container-instance/{}/{id}",
                    cluster.partition, cluster.region, cluster.account, cluster.name
                );
            }
            draw = draw.wrapping_add(1 << 32);
        }
    }

    /// Whether a task of the snapshot names the instance `arn` (and so would take it as its
    /// instance were the snapshot read again).
    fn tasks_name_instance(&self, arn: &str) -> bool {
        self.tasks.values().any(|record| {
            record.instance.is_none() && record.description_instance_arn() == Some(arn)
        })
    }

    /// Adds the instance at `position` (the last) to the bitsets of the values it holds, and
    /// grows every other bitset to the new instance count.
    fn index_new_postings(
        &mut self,
        position: usize,
        attributes: &[(super::AttrNameId, Option<super::AttrValueId>)],
    ) {
        let count = position + 1;
        self.posting_sets.resize_with(self.postings.len(), Vec::new);
        for sets in &mut self.posting_sets {
            for set in sets.iter_mut().flatten() {
                set.grow(count);
            }
        }
        for &(name, value) in attributes {
            let postings = &self.postings[name.0 as usize];
            let Some(at) = postings.get_index_of(&value) else {
                continue;
            };
            let sets = &self.posting_sets[name.0 as usize];
            let refreshed = match sets.get(at) {
                Some(Some(_)) => None,
                _ => Some(self.posting_set(&postings[at])),
            };
            let sets = &mut self.posting_sets[name.0 as usize];
            if sets.len() <= at {
                sets.resize_with(at + 1, || None);
            }
            match refreshed {
                None => {
                    if let Some(set) = &mut sets[at] {
                        set.insert(position);
                    }
                }
                Some(set) => sets[at] = set,
            }
        }
    }
}

/// SplitMix64's finaliser: spreads a counter over 64 bits.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
