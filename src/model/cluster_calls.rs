//! The ECS calls that change a cluster between RunTask calls, applied to a snapshot in place:
//! `UpdateContainerInstancesState`, an agent that connects or disconnects, `PutAttributes`
//! and `DeleteAttributes`, `RegisterTaskDefinition` and `DeregisterTaskDefinition`.
//!
//! Each keeps what placement reads exact (the instance, its document for the written state,
//! the usable and active sets, the attribute postings and their bitsets) without reading the
//! snapshot again; a [`crate::Placer`] that applies one also drops its compiled requests.
//! `tests/cluster_calls.rs` holds each call to the same change made to the JSON and read
//! afresh.

use crate::aws::{
    Attribute, ContainerInstanceStatus, Failure, TargetType, TaskDefinition, TaskDefinitionStatus,
};
use crate::error::{EcsError, ExceptionName};

use super::attributes::{check_attribute_name, check_attribute_value};
use super::{AttrNameId, AttrValueId, AttributePostings, Snapshot};

/// The most attributes one `PutAttributes` or `DeleteAttributes` call carries (the API's limit).
pub const MAX_ATTRIBUTES_PER_CALL: usize = 10;

/// The most custom attributes (names not starting with `ecs.`) an instance may hold (ECS's
/// quota: "custom attributes per resource").
pub const MAX_CUSTOM_ATTRIBUTES: usize = 10;

/// The prefix of the attributes the agent sets, which callers may not.
const BUILT_IN_PREFIX: &str = "ecs.";

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
    pub fn find_instance(&self, name: &str) -> Option<u32> {
        self.instance_position(name).or_else(|| {
            self.instances
                .iter()
                .position(|i| i.ec2_instance_id.as_deref() == Some(name))
                .and_then(|p| u32::try_from(p).ok())
        })
    }

    /// `UpdateContainerInstancesState`: sets each named instance `ACTIVE` or `DRAINING`.
    /// Other statuses are the API's to set, not a caller's (`InvalidParameterException`); so
    /// are more than [`MAX_INSTANCES_PER_STATE_UPDATE`] names. A deregistered (`INACTIVE`)
    /// instance cannot come back: a failure with reason `INACTIVE`. Draining stops no task.
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
    pub fn register_task_definition(
        &mut self,
        mut definition: TaskDefinition,
    ) -> Result<String, EcsError> {
        let family = definition
            .family
            .clone()
            .filter(|f| !f.is_empty())
            .ok_or_else(|| EcsError::client("family is required to register a task definition"))?;
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
        super::snapshot_load::check_task_definitions(std::slice::from_ref(&definition))
            .map_err(|e| EcsError::client(e.message))?;
        self.task_definitions.push(definition);
        Ok(arn)
    }

    /// `DeregisterTaskDefinition`: the revision named by its ARN or `family:revision` becomes
    /// `INACTIVE` (it stays describable; its running tasks go on, new ones cannot use it).
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

    /// `PutAttributes`: sets each attribute (name and optional value) on the instance its
    /// `targetId` names, replacing a value the name had. Everything is checked before anything
    /// changes: 1 to [`MAX_ATTRIBUTES_PER_CALL`] attributes, `targetType` absent or
    /// `container-instance`, names and values as the API allows them and not built-in
    /// (`ecs.`), each target known (`TargetNotFoundException`), and at most
    /// [`MAX_CUSTOM_ATTRIBUTES`] custom attributes per instance after the call
    /// (`AttributeLimitExceededException`).
    pub fn put_attributes(&mut self, attributes: &[Attribute]) -> Result<(), EcsError> {
        let targets = self.check_attribute_call(attributes, true)?;
        // Each target's custom attribute names once the call is done.
        let mut after: std::collections::BTreeMap<u32, std::collections::BTreeSet<&str>> =
            std::collections::BTreeMap::new();
        for (position, attribute) in targets.iter().zip(attributes) {
            let names = after.entry(*position).or_insert_with(|| {
                self.instances[*position as usize]
                    .attributes
                    .iter()
                    .map(|(name, _)| self.attribute_name(*name))
                    .filter(|name| !name.starts_with(BUILT_IN_PREFIX))
                    .collect()
            });
            names.insert(attribute.name.as_str());
        }
        for (position, names) in &after {
            if names.len() > MAX_CUSTOM_ATTRIBUTES {
                return Err(EcsError::new(
                    ExceptionName::AttributeLimitExceededException,
                    format!(
                        "instance {} would hold {} custom attributes; at most {MAX_CUSTOM_ATTRIBUTES} are allowed",
                        self.instances[*position as usize].id,
                        names.len()
                    ),
                ));
            }
        }
        for (position, attribute) in targets.into_iter().zip(attributes) {
            self.set_attribute(position, &attribute.name, attribute.value.as_deref());
        }
        Ok(())
    }

    /// `DeleteAttributes`: removes each named attribute from the instance its `targetId`
    /// names (an attribute the instance does not hold is no error, as in ECS). Checked as
    /// [`Snapshot::put_attributes`] checks, values aside.
    pub fn delete_attributes(&mut self, attributes: &[Attribute]) -> Result<(), EcsError> {
        let targets = self.check_attribute_call(attributes, false)?;
        for (position, attribute) in targets.into_iter().zip(attributes) {
            self.remove_attribute(position, &attribute.name);
        }
        Ok(())
    }

    /// The target position of each attribute of a `PutAttributes`/`DeleteAttributes` call.
    fn check_attribute_call(
        &self,
        attributes: &[Attribute],
        with_values: bool,
    ) -> Result<Vec<u32>, EcsError> {
        if attributes.is_empty() || attributes.len() > MAX_ATTRIBUTES_PER_CALL {
            return Err(EcsError::invalid_parameter(format!(
                "attributes must hold 1 to {MAX_ATTRIBUTES_PER_CALL} attributes, got {}",
                attributes.len()
            )));
        }
        let mut targets = Vec::with_capacity(attributes.len());
        for (index, attribute) in attributes.iter().enumerate() {
            let at = format!("attributes[{index}]");
            if let Some(kind) = &attribute.target_type
                && *kind != TargetType::ContainerInstance
            {
                return Err(EcsError::invalid_parameter(format!(
                    "{at}.targetType {kind} is not supported; attributes go on container instances"
                )));
            }
            check_attribute_name(&attribute.name)
                .map_err(|m| EcsError::invalid_parameter(format!("{at}.name: {m}")))?;
            if attribute.name.starts_with(BUILT_IN_PREFIX) {
                return Err(EcsError::invalid_parameter(format!(
                    "{at}.name `{}`: attributes starting with `{BUILT_IN_PREFIX}` are the agent's and cannot be changed",
                    attribute.name
                )));
            }
            if let (true, Some(value)) = (with_values, attribute.value.as_deref()) {
                check_attribute_value(value)
                    .map_err(|m| EcsError::invalid_parameter(format!("{at}.value: {m}")))?;
            }
            let target = attribute.target_id.as_deref().ok_or_else(|| {
                EcsError::invalid_parameter(format!(
                    "{at}.targetId is required: the container instance's ARN or id"
                ))
            })?;
            let position = self.find_instance(target).ok_or_else(|| {
                EcsError::new(
                    ExceptionName::TargetNotFoundException,
                    format!(
                        "{at}.targetId {target:?}: no container instance of the cluster has it"
                    ),
                )
            })?;
            targets.push(position);
        }
        Ok(targets)
    }

    /// Sets one attribute on one instance, keeping the postings, their bitsets and the
    /// instance's document exact.
    fn set_attribute(&mut self, position: u32, name: &str, value: Option<&str>) {
        let name_id = AttrNameId(self.attribute_names.intern(name));
        let value_id = value.map(|v| AttrValueId(self.attribute_values.intern(v)));
        let index = position as usize;
        let attributes = &mut self.instances[index].attributes;
        match attributes.binary_search_by_key(&name_id, |(n, _)| *n) {
            Ok(at) if attributes[at].1 == value_id => return,
            Ok(at) => {
                let old = std::mem::replace(&mut attributes[at].1, value_id);
                unpost(self.postings_mut(name_id), old, position);
            }
            Err(at) => attributes.insert(at, (name_id, value_id)),
        }
        let positions = self.postings_mut(name_id).entry(value_id).or_default();
        if let Err(at) = positions.binary_search(&position) {
            positions.insert(at, position);
        }
        self.refresh_posting_sets(name_id);
        if let Some(document) = self.instance_documents.get_mut(index) {
            let listed = document.attributes.get_or_insert_with(Vec::new);
            listed.retain(|a| a.name != name);
            listed.push(Attribute {
                name: name.to_owned(),
                value: value.map(str::to_owned),
                ..Attribute::default()
            });
        }
    }

    /// Removes one attribute from one instance (nothing when it has none of that name).
    fn remove_attribute(&mut self, position: u32, name: &str) {
        let Some(name_id) = self.attribute_name_id(name) else {
            return;
        };
        let index = position as usize;
        let attributes = &mut self.instances[index].attributes;
        let Ok(at) = attributes.binary_search_by_key(&name_id, |(n, _)| *n) else {
            return;
        };
        let (_, old) = attributes.remove(at);
        unpost(self.postings_mut(name_id), old, position);
        self.refresh_posting_sets(name_id);
        if let Some(document) = self.instance_documents.get_mut(index) {
            if let Some(listed) = document.attributes.as_mut() {
                listed.retain(|a| a.name != name);
            }
        }
    }

    fn postings_mut(&mut self, name: AttrNameId) -> &mut AttributePostings {
        let index = name.0 as usize;
        if self.postings.len() <= index {
            self.postings.resize_with(index + 1, AttributePostings::new);
        }
        &mut self.postings[index]
    }

    /// The bitsets of one attribute's values, from its postings (see `Snapshot::posting_set`).
    fn refresh_posting_sets(&mut self, name: AttrNameId) {
        let index = name.0 as usize;
        let sets = self.postings[index]
            .values()
            .map(|positions| self.posting_set(positions))
            .collect();
        if self.posting_sets.len() <= index {
            self.posting_sets.resize_with(index + 1, Vec::new);
        }
        self.posting_sets[index] = sets;
    }

    fn set_status(&mut self, position: u32, status: ContainerInstanceStatus) {
        let index = position as usize;
        if let Some(document) = self.instance_documents.get_mut(index) {
            document.status = Some(status.clone());
        }
        self.instances[index].status = status;
        self.refresh_usable(index);
    }

    /// The usable and active sets at `index`, from its instance.
    fn refresh_usable(&mut self, index: usize) {
        let instance = &self.instances[index];
        let active = instance.is_active();
        self.active.set(index, active);
        self.usable.set(index, active && instance.agent_connected);
    }
}

/// Takes `position` out of the instances holding `value`, dropping the value when none is left.
fn unpost(postings: &mut AttributePostings, value: Option<AttrValueId>, position: u32) {
    if let Some(positions) = postings.get_mut(&value) {
        if let Ok(at) = positions.binary_search(&position) {
            positions.remove(at);
        }
        if positions.is_empty() {
            postings.shift_remove(&value);
        }
    }
}

fn failure(name: &str, reason: &str) -> Failure {
    Failure {
        arn: Some(name.to_owned()),
        reason: Some(reason.to_owned()),
        detail: None,
    }
}

fn missing(name: &str) -> EcsError {
    EcsError::invalid_parameter(format!(
        "container instance {name:?} not found; name it by its ARN, its id or its EC2 instance id"
    ))
}
