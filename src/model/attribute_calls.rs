//! `PutAttributes` and `DeleteAttributes` on a snapshot: ECS's checks, then the instance, its
//! document, the attribute postings and their bitsets changed in place (see
//! `cluster_calls.rs` for what every cluster call keeps exact).

use crate::aws::{Attribute, TargetType};
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

impl Snapshot {
    /// `PutAttributes`: sets each attribute (name and optional value) on the instance its
    /// `targetId` names, replacing a value the name had. Everything is checked before anything
    /// changes: 1 to [`MAX_ATTRIBUTES_PER_CALL`] attributes, `targetType` absent or
    /// `container-instance`, names and values as the API allows them and not built-in
    /// (`ecs.`), each target known (`TargetNotFoundException`), and at most
    /// [`MAX_CUSTOM_ATTRIBUTES`] custom attributes per instance after the call
    /// (`AttributeLimitExceededException`).
    ///
    /// ```
    /// use ecs_placement::aws::Attribute;
    /// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
    ///
    /// let mut snapshot = SnapshotBuilder::new("prod")
    ///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
    ///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
    ///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
    ///     .build()?;
    /// let team = |value: Option<&str>| Attribute {
    ///     name: "team".into(),
    ///     value: value.map(str::to_owned),
    ///     target_type: None,
    ///     target_id: Some("i-0b".into()),
    /// };
    /// snapshot.put_attributes(&[team(Some("web"))])?;
    /// let name = snapshot.attribute_name_id("team").expect("interned");
    /// assert!(snapshot.instances()[1].attribute(name).is_some());
    /// snapshot.delete_attributes(&[team(None)])?;
    /// assert!(snapshot.instances()[1].attribute(name).is_none());
    /// // The agent's attributes are not the caller's to change.
    /// let mut built_in = team(Some("x"));
    /// built_in.name = "ecs.instance-type".into();
    /// assert!(snapshot.put_attributes(&[built_in]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
        if let Some(listed) = self
            .instance_documents
            .get_mut(index)
            .and_then(|document| document.attributes.as_mut())
        {
            listed.retain(|a| a.name != name);
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
