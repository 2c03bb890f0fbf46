//! A placed task as the engine describes it: its ARN, instance, usage and its request's shared
//! description, the whole `Task` built only where a response needs one.
//!
//! Technique: every task of a request shares one description template built once
//! ([`super::prepared`]); a task adds its ARN, instance and dealt GPU ids. What it keeps
//! exact: the ARN is drawn from the generator at the point the definition draws it (after
//! the task's instance is chosen), the GPU ids are dealt by [`response::allocate_gpus`] as in
//! the definition, and the completed `Task` equals [`response::describe_task`]'s
//! (`tests/placement_incremental.rs` checks both, and a described task read back from the
//! snapshot).

use std::sync::Arc;

use crate::aws::Task;
use crate::model::{Description, HeldUsage, SharedDescription, Snapshot};
use crate::placement::capacity::Route;
use crate::placement::changes::{PlacedRecord, PlacedTask};
use crate::placement::response;
use crate::placement::rng::SeededRng;

use super::overlay::Overlay;
use super::prepared::{Prepared, template};

/// Describes the task placed on `position` (or on Fargate), drawing its ARN.
pub(super) fn describe(
    prepared: &Prepared,
    overlay: &Overlay<'_>,
    rng: &mut SeededRng,
    text: &mut String,
    route: &Route,
    position: Option<u32>,
) -> Described {
    let plan = &prepared.plan;
    let snapshot = overlay.base;
    let instance = position.and_then(|p| overlay.instance(p));
    let gpu_ids = instance
        .map(|i| response::allocate_gpus(i, &plan.demand))
        .unwrap_or_default();
    text.clear();
    text.push_str(&prepared.task_arn_prefix);
    rng.push_hex_id(text);
    let task_arn = Arc::from(text.as_str());
    let usage = response::usage(&plan.demand, &gpu_ids, instance.is_some()).into();
    // Every route of the request has its template (built in `Prepared::new`); one is
    // built here only if that ever stops holding.
    let shared = match prepared.template(route) {
        Some(template) => template.shared(&plan.demand, &gpu_ids),
        None => template(snapshot, plan, route).shared(&plan.demand, &gpu_ids),
    };
    Described {
        task_arn,
        position,
        usage,
        shared,
    }
}

/// One placed task as the engine described it, before it becomes a [`PlacedTask`] (one-shot
/// calls) or a [`PlacedRecord`] (the `Placer`). Its whole `Task` is built only where a
/// response needs it ([`Described::task`]), so nothing large is moved around.
pub(super) struct Described {
    pub(super) task_arn: Arc<str>,
    pub(super) position: Option<u32>,
    pub(super) usage: HeldUsage,
    /// Its request's shared description and its dealt GPU ids.
    pub(super) shared: SharedDescription,
}

impl Described {
    /// The whole description of a placed task (built only for a call that gives a response).
    pub(super) fn task(&self, snapshot: &Snapshot) -> Task {
        // The instance's ARN and zone, all the description reads of it, come from the base
        // snapshot: a working copy holds no ARN (see `working_copy`), and placing changes
        // neither.
        let instance = self
            .position
            .and_then(|p| snapshot.instances().get(p as usize));
        let zone = instance.and_then(|i| snapshot.shared_availability_zone(i));
        self.shared.complete(&self.task_arn, instance, zone)
    }

    /// The change set entry for `task` (this task's whole description): what
    /// [`response::placed`] builds from it (its usage is `response::usage` of the same demand
    /// and GPU ids, already computed).
    pub(super) fn placed(self, task: Task, group: &str) -> PlacedTask {
        PlacedTask {
            task,
            usage: self.usage.into_usage(),
            group: group.to_owned(),
        }
    }

    /// The record the `Placer` keeps.
    pub(super) fn into_record(self) -> PlacedRecord {
        PlacedRecord {
            task_arn: self.task_arn,
            description: Description::Shared(self.shared),
            position: self.position,
            usage: self.usage,
        }
    }
}
