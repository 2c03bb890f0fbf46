//! One container instance as placement sees it: identity, status, interned attributes,
//! resources, and the live task counts that placement changes.

use std::sync::Arc;

use crate::aws::{ContainerInstance, ContainerInstanceStatus, Timestamp};

use super::GroupId;
use super::attributes::{AttrNameId, AttrValueId};
use super::resources::{Resources, string_set};

/// A validated container instance.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The container instance ARN.
    pub arn: Arc<str>,
    /// The last segment of the ARN (what `StartTask` and the CLI accept as an id).
    pub id: String,
    /// The EC2 instance id.
    pub ec2_instance_id: Option<String>,
    /// `ACTIVE`, `DRAINING`, ...
    pub status: ContainerInstanceStatus,
    /// Whether the agent is connected.
    pub agent_connected: bool,
    /// The agent's version.
    pub agent_version: Option<String>,
    /// When the instance registered.
    pub registered_at: Option<Timestamp>,
    /// The capacity provider the instance belongs to.
    pub capacity_provider_name: Option<String>,
    /// Attributes, sorted by name id; at most one per name.
    pub attributes: Vec<(AttrNameId, Option<AttrValueId>)>,
    /// What the agent registered.
    pub registered: Resources,
    /// What is left for new tasks (live).
    pub remaining: Resources,
    /// Tasks with desired status RUNNING (live).
    pub running_tasks_count: u32,
    /// Tasks in PENDING, as the snapshot reported them.
    pub pending_tasks_count: u32,
    /// RUNNING tasks per group, sorted by group id (live).
    pub groups: Vec<(GroupId, u32)>,
}

impl Instance {
    /// The value of attribute `name`: `None` when the instance lacks it, `Some(None)` when it
    /// has it without a value.
    pub fn attribute(&self, name: AttrNameId) -> Option<Option<AttrValueId>> {
        self.attributes
            .binary_search_by_key(&name, |(n, _)| *n)
            .ok()
            .map(|at| self.attributes[at].1)
    }

    /// How many RUNNING tasks of `group` the instance hosts.
    pub fn group_count(&self, group: GroupId) -> u32 {
        self.groups
            .binary_search_by_key(&group, |(g, _)| *g)
            .map_or(0, |at| self.groups[at].1)
    }

    /// Whether placement may consider the instance at all (DECISIONS 29: ACTIVE; the agent
    /// check is separate because it yields the `AGENT` reason).
    pub fn is_active(&self) -> bool {
        self.status == ContainerInstanceStatus::Active
    }

    /// Adds `delta` (which may be negative) to the count of `group`, dropping empty entries.
    pub(crate) fn adjust_group(&mut self, group: GroupId, delta: i64) {
        match self.groups.binary_search_by_key(&group, |(g, _)| *g) {
            Ok(at) => {
                let count = i64::from(self.groups[at].1) + delta;
                if count <= 0 {
                    self.groups.remove(at);
                } else {
                    self.groups[at].1 = count as u32;
                }
            }
            Err(at) if delta > 0 => self.groups.insert(at, (group, delta as u32)),
            Err(_) => {}
        }
    }

    /// The instance in the API's shape: the document it was read from (kept by the snapshot,
    /// not here, so the instance placement reads stays small), with the live resources and counts.
    pub fn to_wire(&self, document: &ContainerInstance) -> ContainerInstance {
        let mut wire = document.clone();
        wire.container_instance_arn = Some(self.arn.to_string());
        let mut remaining = self.remaining.to_wire();
        // With every GPU taken the list still says so: left out, the entry would be read back
        // as registered minus the running tasks' GPUs, which a snapshot need not list.
        if self.remaining.gpus.is_empty() && !self.registered.gpus.is_empty() {
            remaining.push(string_set("GPU", Vec::new()));
        }
        wire.remaining_resources = Some(remaining);
        wire.running_tasks_count = Some(i64::from(self.running_tasks_count));
        wire
    }
}

/// The last `/`-separated segment of an ARN (or the whole text when there is none).
pub(crate) fn arn_short_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
