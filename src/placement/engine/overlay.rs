//! The call's view of the cluster: the caller's snapshot, never copied, plus lean copies of
//! the instances this call placed on.
//!
//! Technique: the reference pipeline places on a working copy of the whole snapshot; the
//! engine keeps the snapshot shared and copies only what a placement changes (at most `count`
//! instances). What it keeps exact: [`Overlay::place`] takes a task's usage from its instance
//! as `Snapshot::apply_placed` does, and every read ([`Overlay::instance`],
//! [`Overlay::free`], [`Overlay::group_count`]) answers as the working copy would after the
//! same placements. A copy leaves out what a call never reads of a changed instance (its
//! ARN among it: failure entries and descriptions name the base snapshot's instance).

use fixedbitset::FixedBitSet;

use std::sync::Arc;

use crate::model::{GroupId, HeldUsage, Instance, Resources, Snapshot, take_usage};

/// The call's view of the cluster: the caller's snapshot plus the instances this call changed.
pub(super) struct Overlay<'s> {
    pub(super) base: &'s Snapshot,
    /// The call's group in the base snapshot (`None` when no task ever had it).
    pub(super) base_group: Option<GroupId>,
    /// Lean copies of the instances this call placed on, in their current state: the first
    /// `used` slots; the slots after them are an earlier call's copies, refilled in place
    /// (their allocations reused) when this call changes more instances.
    pub(super) copies: Vec<(u32, Instance)>,
    used: usize,
    /// How many of this call's tasks each changed instance took.
    added: Vec<(u32, u32)>,
    changed_mask: FixedBitSet,
}

impl<'s> Overlay<'s> {
    pub(super) fn new(base: &'s Snapshot, group: &str) -> Self {
        Self {
            base,
            base_group: base.group_id(group),
            copies: Vec::new(),
            used: 0,
            added: Vec::new(),
            changed_mask: FixedBitSet::with_capacity(base.instances().len()),
        }
    }

    pub(super) fn instance(&self, position: u32) -> Option<&Instance> {
        if self.changed_mask.contains(position as usize) {
            return self
                .changed()
                .iter()
                .find(|(p, _)| *p == position)
                .map(|(_, instance)| instance);
        }
        self.base.instances().get(position as usize)
    }

    /// The remaining CPU and memory of the instance at `position` as this call left it: its
    /// working copy's when the call placed on it, else the snapshot's column.
    #[inline]
    pub(super) fn free(&self, position: u32) -> Option<[i64; 2]> {
        // Before the call's first placement (when leaders gather), no instance has a copy.
        if self.used > 0 && self.changed_mask.contains(position as usize) {
            let instance = self.instance(position)?;
            return Some([instance.remaining.cpu, instance.remaining.memory]);
        }
        self.base.free.get(position as usize)
    }

    /// The copies of the instances this call changed.
    pub(super) fn changed(&self) -> &[(u32, Instance)] {
        self.copies.get(..self.used).unwrap_or_default()
    }

    /// The call's group's RUNNING tasks on the instance, this call's included.
    pub(super) fn group_count(&self, position: u32) -> u32 {
        let before = match (
            self.base_group,
            self.base.instances().get(position as usize),
        ) {
            (Some(group), Some(instance)) => instance.group_count(group),
            _ => 0,
        };
        let added = if self.changed_mask.contains(position as usize) {
            self.added
                .iter()
                .find(|(p, _)| *p == position)
                .map_or(0, |(_, n)| *n)
        } else {
            0
        };
        before.saturating_add(added)
    }

    /// [`Overlay::group_count`] of every instance, by position: the group index read once
    /// instead of each instance's group list searched (a cache miss per instance).
    pub(super) fn group_count_column(&self) -> Vec<u32> {
        let mut column = Vec::new();
        self.fill_group_count_column(&mut column);
        column
    }

    /// [`Overlay::group_count_column`] into `column`, reusing its allocation.
    pub(super) fn fill_group_count_column(&self, column: &mut Vec<u32>) {
        fill_group_column(self.base, self.base_group, column);
        for &(position, added) in &self.added {
            if let Some(cell) = column.get_mut(position as usize) {
                *cell = cell.saturating_add(added);
            }
        }
    }

    /// Takes one placed task's usage from its instance, as `Snapshot::apply_placed` would.
    pub(super) fn place(&mut self, position: u32, usage: &HeldUsage) {
        if !self.changed_mask.put(position as usize) {
            let Some(instance) = self.base.instances().get(position as usize) else {
                return;
            };
            match self.copies.get_mut(self.used) {
                Some((slot, copy)) => {
                    *slot = position;
                    refill_working_copy(copy, instance);
                }
                None => self.copies.push((position, working_copy(instance))),
            }
            self.used += 1;
            self.added.push((position, 0));
        }
        let changed = self.copies.get_mut(..self.used).unwrap_or_default();
        if let Some((_, instance)) = changed.iter_mut().find(|(p, _)| *p == position) {
            take_usage(&mut instance.remaining, usage);
            instance.running_tasks_count = instance.running_tasks_count.saturating_add(1);
        }
        if let Some((_, n)) = self.added.iter_mut().find(|(p, _)| *p == position) {
            *n += 1;
        }
    }
}

/// The copy of an instance the overlay changes. A call reads of a changed instance only its
/// status, agent, provider, attributes, remaining resources and counts (its group counts come
/// from the base snapshot, see [`Overlay::group_count`], and its ARN too: failure entries and
/// descriptions name the base snapshot's instance); its ARN, id, EC2 id, agent version,
/// registered resources and group list are left empty, which spares most of the copy. (An ARN
/// shared with the instance would cost two cache misses per copy: its count, up and down.)
fn working_copy(instance: &Instance) -> Instance {
    let mut copy = Instance {
        arn: Arc::from(""),
        id: String::new(),
        ec2_instance_id: None,
        status: instance.status.clone(),
        agent_connected: false,
        agent_version: None,
        registered_at: None,
        capacity_provider_name: None,
        attributes: Vec::new(),
        registered: Resources::default(),
        remaining: Resources::default(),
        running_tasks_count: 0,
        pending_tasks_count: 0,
        groups: Vec::new(),
    };
    refill_working_copy(&mut copy, instance);
    copy
}

/// Makes `copy` the working copy of `instance` (see [`working_copy`]). `clone_from` keeps the
/// copy's allocations (the Placer hands back the copies of its previous call), so a steady
/// stream of calls allocates nothing here.
fn refill_working_copy(copy: &mut Instance, instance: &Instance) {
    copy.status.clone_from(&instance.status);
    copy.agent_connected = instance.agent_connected;
    copy.registered_at = instance.registered_at;
    copy.capacity_provider_name
        .clone_from(&instance.capacity_provider_name);
    copy.attributes.clone_from(&instance.attributes);
    copy.remaining.clone_from(&instance.remaining);
    copy.running_tasks_count = instance.running_tasks_count;
    copy.pending_tasks_count = instance.pending_tasks_count;
}

/// Every instance's count of `group`'s RUNNING tasks, by position, into `column`.
pub(super) fn fill_group_column(
    snapshot: &Snapshot,
    group: Option<GroupId>,
    column: &mut Vec<u32>,
) {
    column.clear();
    column.resize(snapshot.instances().len(), 0);
    if let Some(group) = group {
        for (&position, &tasks) in snapshot.group_instances(group) {
            if let Some(cell) = column.get_mut(position as usize) {
                *cell = tasks;
            }
        }
    }
}
