//! A prepared request: a RunTask request validated and compiled once against a snapshot,
//! reusable for every call on that snapshot and on any state reached from it by placing and
//! stopping tasks.
//!
//! Technique: the definition validates the request and compiles its constraints for every
//! call ([`crate::placement::pipeline`]); what does not change as tasks are placed and stopped
//! is resolved here once: the validated plan, the requirements, the `memberOf` expressions as
//! one bitset, the capacity split, each route's description template, the bucket columns of
//! the spread attributes. What it keeps exact: it depends only on what placing and stopping
//! never change (the cluster, task definitions, capacity providers, instances' attributes and
//! registration); `memberOf` expressions that read live state (`runningTasksCount`,
//! `task:group`) are not folded: [`Prepared::is_incremental`] is then false and the call takes
//! the reference pipeline. Running it: [`Prepared::run`] (in `call.rs`) and, for the
//! `Placer`, `run_cached` (in `cached.rs`).

use fixedbitset::FixedBitSet;

use std::sync::Arc;

use crate::aws::RunTaskRequest;
use crate::error::EcsError;
use crate::model::{AttrNameId, Snapshot};
use crate::placement::capacity::{self, Route};
use crate::placement::feasibility::Requirements;
use crate::placement::inputs::{
    PlacementRequest, SpreadField, Strategy, validate_run_task, validation_context,
};
use crate::placement::response::{self, TaskFacts, TaskTemplate};

use super::spread::SlotColumns;

/// A validated RunTask request with everything that does not change as tasks are placed
/// resolved against one snapshot: reusable for every call on that snapshot and on any state
/// reached from it by placing and stopping tasks.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(super) plan: PlacementRequest,
    pub(super) requirements: Requirements,
    /// The instances every `memberOf` admits (all when there is none), or `None` when the
    /// call must take the reference path: an expression reads live state, the task takes an
    /// ENI (an `awsvpc` task: the engine keeps no column of free network interfaces), or a
    /// route's provider scales itself (its tasks may wait for capacity).
    pub(super) member_of: Option<FixedBitSet>,
    pub(super) routes: Vec<Route>,
    /// Whether anything reads the group's count per instance (`distinctInstance`,
    /// `spread(instanceId)`); when nothing does, it is not looked up.
    pub(super) reads_group_count: bool,
    /// Per distinct route, what every task's description shares (built once per request).
    pub(super) templates: Vec<(Route, TaskTemplate)>,
    /// Every task ARN up to its id.
    pub(super) task_arn_prefix: String,
    /// Per strategy spreading on an attribute, every instance's bucket slot.
    pub(super) slot_columns: Vec<Option<Arc<Vec<u32>>>>,
}

impl Prepared {
    /// Validates `request` against `snapshot` and compiles its constraints.
    pub fn new(snapshot: &Snapshot, request: &RunTaskRequest) -> Result<Self, EcsError> {
        Self::with_columns(snapshot, request, &mut SlotColumns::default())
    }

    /// [`Prepared::new`], taking the bucket slot columns it needs from `columns` (which must
    /// have been filled from the same snapshot, or one with the same instances and
    /// attributes).
    pub(crate) fn with_columns(
        snapshot: &Snapshot,
        request: &RunTaskRequest,
        columns: &mut SlotColumns,
    ) -> Result<Self, EcsError> {
        let plan = validate_run_task(request, &validation_context(snapshot))?;
        // Group names in `memberOf` are resolved when evaluated, so compiling against the
        // snapshot itself equals compiling against a working copy with the call's group.
        let requirements = Requirements::new(
            snapshot,
            &plan.task_definition,
            &plan.demand,
            &plan.constraints,
        )?;
        let routes = capacity::assign(&plan.capacity, plan.count);
        // A route that waits for capacity (a provider with managed scaling) returns tasks the
        // engine does not describe: the reference path takes the call.
        let member_of = static_member_of(snapshot, &requirements).filter(|_| {
            !routes
                .iter()
                .any(|route| route.waits_for_capacity(snapshot))
        });
        let spread_names: Vec<Option<AttrNameId>> = plan
            .strategies
            .iter()
            .map(|strategy| match strategy {
                Strategy::Spread(SpreadField::Attribute(name)) => snapshot.attribute_name_id(name),
                _ => None,
            })
            .collect();
        let reads_group_count = requirements.distinct_instance()
            || plan
                .strategies
                .iter()
                .any(|s| matches!(s, Strategy::Spread(SpreadField::InstanceId)));
        let templates = templates(snapshot, &plan, &routes);
        let slot_columns = plan
            .strategies
            .iter()
            .zip(&spread_names)
            .map(|(strategy, name)| match strategy {
                Strategy::Spread(SpreadField::Attribute(_)) => Some(columns.get(snapshot, *name)),
                _ => None,
            })
            .collect();
        Ok(Self {
            plan,
            requirements,
            member_of,
            routes,
            reads_group_count,
            templates,
            task_arn_prefix: response::task_arn_prefix(snapshot.cluster()),
            slot_columns,
        })
    }

    /// The description template of `route`'s tasks.
    pub(super) fn template(&self, route: &Route) -> Option<&TaskTemplate> {
        self.templates
            .iter()
            .find(|(r, _)| r == route)
            .map(|(_, template)| template)
    }

    /// Whether the incremental engine can run this request (its `memberOf` expressions read
    /// no live state, and its task takes no ENI).
    pub fn is_incremental(&self) -> bool {
        self.member_of.is_some()
    }

    /// The group the request's tasks join.
    pub(crate) fn group(&self) -> &str {
        &self.plan.group
    }
}

/// The `memberOf` expressions as one bitset, or `None` when one reads live state.
fn static_member_of(snapshot: &Snapshot, requirements: &Requirements) -> Option<FixedBitSet> {
    if requirements.member_of_reads_live_state() || requirements.demand().eni {
        return None;
    }
    let mut admitted = FixedBitSet::with_capacity(snapshot.instances().len());
    admitted.insert_range(..);
    for expression in requirements.member_of() {
        admitted.intersect_with(&expression.filter(snapshot));
    }
    Some(admitted)
}

/// One description template per distinct route of the request.
fn templates(
    snapshot: &Snapshot,
    plan: &PlacementRequest,
    routes: &[Route],
) -> Vec<(Route, TaskTemplate)> {
    let mut templates: Vec<(Route, TaskTemplate)> = Vec::new();
    for route in routes {
        if !templates.iter().any(|(r, _)| r == route) {
            templates.push((route.clone(), template(snapshot, plan, route)));
        }
    }
    templates
}

/// The description template of `route`'s tasks.
pub(super) fn template(
    snapshot: &Snapshot,
    plan: &PlacementRequest,
    route: &Route,
) -> TaskTemplate {
    let launch_type = route.launch_type(snapshot);
    let facts = TaskFacts {
        task_arn: "",
        instance: None,
        definition: &plan.task_definition,
        group: &plan.group,
        launch_type: &launch_type,
        capacity_provider: route.capacity_provider(),
        demand: &plan.demand,
        gpu_ids: &[],
        common: &plan.common,
    };
    TaskTemplate::new(snapshot, &facts)
}
