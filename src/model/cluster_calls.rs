//! The ECS calls that change a cluster between RunTask calls, applied to a snapshot in place:
//! `UpdateContainerInstancesState`, an agent that connects or disconnects,
//! `RegisterTaskDefinition` and `DeregisterTaskDefinition` here; `PutAttributes` and
//! `DeleteAttributes` in `attribute_calls.rs`; registering and deregistering instances in
//! `registration.rs`.
//!
//! Each keeps what placement reads exact (the instance, its document for the written state,
//! the usable and active sets, the attribute postings and their bitsets) without reading the
//! snapshot again; a [`crate::Placer`] that applies one also drops its compiled requests.
//! `tests/cluster_calls.rs` holds each call to the same change made to the JSON and read
//! afresh.

use crate::aws::{ContainerInstanceStatus, Failure, TaskDefinition, TaskDefinitionStatus};
use crate::error::EcsError;

use super::Snapshot;

/// The most instances one `UpdateContainerInstancesState` call names (the API's limit).
pub const MAX_INSTANCES_PER_STATE_UPDATE: usize = 10;

/// What `UpdateContainerInstancesState` changed: the positions of the instances it updated, in
/// the order named, and a failure (`MISSING`) for each name no instance has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StateUpdate {
    /// The updated instances' positions.
    pub updated: Vec<u32>,
    /// One `MISSING` failure per unknown instance, as the API answers.
    pub failures: Vec<Failure>,
}

impl Snapshot {
    /// The position of the instance `name` names: its container instance ARN, the id at the
    /// ARN's end, or its EC2 instance id.
    ///
    /// ```
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// let arn = snapshot.instances()[1].arn.to_string();
    /// let id = arn.rsplit('/').next().unwrap_or_default();
    /// assert_eq!(snapshot.find_instance(&arn), Some(1));
    /// assert_eq!(snapshot.find_instance(id), Some(1));
    /// assert_eq!(snapshot.find_instance("i-0b"), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find_instance(&self, name: &str) -> Option<u32> {
        self.instance_position(name).or_else(|| {
            // An EC2 instance registered again after a deregistration has two container
            // instances: the registered one is meant, else the latest.
            let holders = || {
                self.instances
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.ec2_instance_id.as_deref() == Some(name))
            };
            holders()
                .find(|(_, i)| i.status != ContainerInstanceStatus::Inactive)
                .or_else(|| holders().next_back())
                .and_then(|(p, _)| u32::try_from(p).ok())
        })
    }

    /// `UpdateContainerInstancesState`: sets each named instance `ACTIVE` or `DRAINING`.
    /// Other statuses are the API's to set, not a caller's (`InvalidParameterException`); so
    /// are more than [`MAX_INSTANCES_PER_STATE_UPDATE`] names. A deregistered (`INACTIVE`)
    /// instance cannot come back: a failure with reason `INACTIVE`. Draining stops no task.
    ///
    /// ```
    /// use ecs_placement::aws::ContainerInstanceStatus;
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// let update = snapshot
    ///     .update_container_instances_state(&["i-0a", "i-0zz"], ContainerInstanceStatus::Draining)?;
    /// assert_eq!(update.updated, [0]);
    /// assert_eq!(update.failures[0].reason.as_deref(), Some("MISSING"));
    /// assert_eq!(snapshot.instances()[0].status, ContainerInstanceStatus::Draining);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update_container_instances_state(
        &mut self,
        instances: &[&str],
        status: ContainerInstanceStatus,
    ) -> Result<StateUpdate, EcsError> {
        if !matches!(
            status,
            ContainerInstanceStatus::Active | ContainerInstanceStatus::Draining
        ) {
            return Err(EcsError::invalid_parameter(format!(
                "status {status} cannot be set with UpdateContainerInstancesState; it takes ACTIVE or DRAINING"
            )));
        }
        if instances.is_empty() || instances.len() > MAX_INSTANCES_PER_STATE_UPDATE {
            return Err(EcsError::invalid_parameter(format!(
                "containerInstances must name 1 to {MAX_INSTANCES_PER_STATE_UPDATE} container instances, got {}",
                instances.len()
            )));
        }
        let mut outcome = StateUpdate::default();
        for name in instances {
            let Some(position) = self.find_instance(name) else {
                outcome.failures.push(failure(name, "MISSING"));
                continue;
            };
            if self.instances[position as usize].status == ContainerInstanceStatus::Inactive {
                outcome.failures.push(failure(name, "INACTIVE"));
                continue;
            }
            self.set_status(position, status.clone());
            outcome.updated.push(position);
        }
        Ok(outcome)
    }

    /// Marks an instance's agent connected or disconnected (an emulator's view of the agent
    /// going away and coming back).
    ///
    /// ```
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// snapshot.set_agent_connected("i-0a", false)?;
    /// assert!(!snapshot.instances()[0].agent_connected); // RunTask passes it by
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_agent_connected(
        &mut self,
        instance: &str,
        connected: bool,
    ) -> Result<u32, EcsError> {
        let position = self
            .find_instance(instance)
            .ok_or_else(|| missing(instance))?;
        let index = position as usize;
        self.instances[index].agent_connected = connected;
        if let Some(document) = self.instance_documents.get_mut(index) {
            document.agent_connected = Some(connected);
        }
        self.refresh_usable(index);
        Ok(position)
    }

    /// `RegisterTaskDefinition`: adds a revision of the definition's family, numbered one past
    /// the family's highest (from 1), with its ARN and status `ACTIVE`; returns the ARN. The
    /// definition is checked as a snapshot's are (a family; only `memberOf` constraints whose
    /// expressions parse), a `ClientException` otherwise, as registration answers.
    ///
    /// ```
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// let next = TaskDefinitionSpec::new("web").container("app", 1024, 2048);
    /// let arn = snapshot.register_task_definition(next.into())?;
    /// assert_eq!(arn, "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register_task_definition(
        &mut self,
        mut definition: TaskDefinition,
    ) -> Result<String, EcsError> {
        let family = definition
            .family
            .clone()
            .filter(|f| !f.is_empty())
            .ok_or_else(|| EcsError::client("family is required to register a task definition"))?;
        check_family(&family)?;
        if definition
            .container_definitions
            .as_ref()
            .is_none_or(Vec::is_empty)
        {
            return Err(EcsError::client(
                "Container list cannot be empty. (containerDefinitions needs at least one container)",
            ));
        }
        // What a task of it would reserve: negative or unreadable amounts, a container without
        // memory where the task sets none, and the other rules of task demand are refused now,
        // as registration refuses them, not at the first RunTask.
        super::demand::task_demand(&definition, None).map_err(|e| EcsError::client(e.message))?;
        let revision = self
            .task_definitions
            .iter()
            .filter(|d| d.family.as_deref() == Some(family.as_str()))
            .filter_map(|d| d.revision)
            .max()
            .unwrap_or(0)
            + 1;
        let cluster = &self.cluster;
        let arn = format!(
            "arn:{}:ecs:{}:{}:task-definition/{family}:{revision}",
            cluster.partition, cluster.region, cluster.account
        );
        definition.revision = Some(revision);
        definition.task_definition_arn = Some(arn.clone());
        definition.status = Some(TaskDefinitionStatus::Active);
        super::snapshot_load::check_task_definitions(std::slice::from_ref(&definition)).map_err(
            |e| {
                let path = e.path.replacen("taskDefinitions[0]", "taskDefinition", 1);
                EcsError::client(format!("{path}: {}", e.message))
            },
        )?;
        self.task_definitions.push(definition);
        Ok(arn)
    }

    /// `DeregisterTaskDefinition`: the revision named by its ARN or `family:revision` becomes
    /// `INACTIVE` (it stays describable; its running tasks go on, new ones cannot use it).
    ///
    /// ```
    /// use ecs_placement::aws::TaskDefinitionStatus;
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// snapshot.deregister_task_definition("web:1")?;
    /// assert_eq!(snapshot.task_definitions()[0].status, Some(TaskDefinitionStatus::Inactive));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deregister_task_definition(&mut self, name: &str) -> Result<(), EcsError> {
        let definition = self
            .task_definitions
            .iter_mut()
            .find(|d| {
                d.task_definition_arn.as_deref() == Some(name)
                    || match (d.family.as_deref(), d.revision) {
                        (Some(family), Some(revision)) => name == format!("{family}:{revision}"),
                        _ => false,
                    }
            })
            .ok_or_else(|| {
                EcsError::client(format!(
                    "task definition {name:?} not found; name it by ARN or family:revision"
                ))
            })?;
        definition.status = Some(TaskDefinitionStatus::Inactive);
        Ok(())
    }

    pub(super) fn set_status(&mut self, position: u32, status: ContainerInstanceStatus) {
        let index = position as usize;
        if let Some(document) = self.instance_documents.get_mut(index) {
            document.status = Some(status.clone());
        }
        self.instances[index].status = status;
        self.refresh_usable(index);
    }

    /// The usable and active sets at `index`, from its instance.
    pub(super) fn refresh_usable(&mut self, index: usize) {
        let instance = &self.instances[index];
        let active = instance.is_active();
        self.active.set(index, active);
        self.usable.set(index, active && instance.agent_connected);
    }
}

/// Most characters of a task definition family (the API's limit).
const MAX_FAMILY_CHARS: usize = 255;

/// A family: 1 to 255 letters, digits, underscores and hyphens (the API's rule).
fn check_family(family: &str) -> Result<(), EcsError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if family.chars().count() > MAX_FAMILY_CHARS || !family.chars().all(allowed) {
        return Err(EcsError::client(format!(
            "family {family:?}: up to {MAX_FAMILY_CHARS} letters, numbers, underscores and hyphens are allowed"
        )));
    }
    Ok(())
}

pub(super) fn failure(name: &str, reason: &str) -> Failure {
    Failure {
        arn: Some(name.to_owned()),
        reason: Some(reason.to_owned()),
        detail: None,
    }
}

pub(super) fn missing(name: &str) -> EcsError {
    EcsError::invalid_parameter(format!(
        "container instance {name:?} not found; name it by its ARN, its id or its EC2 instance id"
    ))
}
