//! The incremental engine: RunTask computed exactly as the pipeline's reference path does, but
//! with the work done once per call (or once per request, for [`Prepared`]) instead of once
//! per task and instance.
//!
//! What makes it exact: placing a task changes one instance (its resources, running count and
//! the group's count on it) and one bucket per spread strategy. So, per call:
//! * `memberOf` expressions that read only static subjects (attributes, `ec2InstanceId`,
//!   `agentConnected`, `agentVersion`, `registeredAt`) are evaluated once into a bitset;
//!   expressions reading `runningTasksCount` or `task:group` take the reference path;
//! * every instance is judged once; after a placement only the chosen instance is judged again;
//! * spread counts per bucket are counted once, then the chosen instance's bucket gains one;
//! * the caller's snapshot is never copied: the instances this call changed are kept aside
//!   (an overlay of at most `count` lean copies).
//!
//! The random draws are the reference path's, in the same order: per task, one draw per
//! candidate for each `random` strategy (strategy by strategy, candidates in snapshot order),
//! then one `below(ties)` when two or more candidates share the least key, then the task ARN.
//! `tests/placement_incremental.rs` checks the two paths give identical outcomes.

use fixedbitset::FixedBitSet;

use std::sync::Arc;

use crate::aws::{Failure, RunTaskRequest, RunTaskResponse, Task};
use crate::error::EcsError;
use crate::model::free::Needed;
use crate::model::{
    AttrNameId, Description, GroupId, HeldUsage, Instance, Resources, SharedDescription, Snapshot,
    take_usage,
};
use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

use super::capacity::{self, Pool, Route};
use super::changes::{ChangeSet, PlacedRecord, PlacedTask};
use super::feasibility::{self, Rejection, Requirements};
use super::inputs::{
    PlacementRequest, SpreadField, Strategy, validate_run_task, validation_context,
};
use super::leaders::{Candidate, Columns, Leaders, Member};
use super::pipeline::RunTaskOutcome;
use super::ranked::Ranked;
use super::response::{self, TaskFacts, TaskTemplate};
use super::rng::SeededRng;
use super::scan;

/// A validated RunTask request with everything that does not change as tasks are placed
/// resolved against one snapshot: reusable for every call on that snapshot and on any state
/// reached from it by placing and stopping tasks.
#[derive(Debug, Clone)]
pub struct Prepared {
    plan: PlacementRequest,
    requirements: Requirements,
    /// The instances every `memberOf` admits (all when there is none), or `None` when an
    /// expression reads live state and the call must take the reference path.
    member_of: Option<FixedBitSet>,
    routes: Vec<Route>,
    /// Whether anything reads the group's count per instance (`distinctInstance`,
    /// `spread(instanceId)`); when nothing does, it is not looked up.
    reads_group_count: bool,
    /// Per distinct route, what every task's description shares (built once per request).
    templates: Vec<(Route, TaskTemplate)>,
    /// Every task ARN up to its id.
    task_arn_prefix: String,
    /// Per strategy spreading on an attribute, every instance's bucket slot.
    slot_columns: Vec<Option<Arc<Vec<u32>>>>,
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
        let member_of = static_member_of(snapshot, &requirements);
        let routes = capacity::assign(&plan.capacity, plan.count);
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
    fn template(&self, route: &Route) -> Option<&TaskTemplate> {
        self.templates
            .iter()
            .find(|(r, _)| r == route)
            .map(|(_, template)| template)
    }

    /// Whether the incremental engine can run this request (its `memberOf` expressions read
    /// no live state).
    pub fn is_incremental(&self) -> bool {
        self.member_of.is_some()
    }

    /// Places the request's tasks on `snapshot` (which must be the snapshot it was prepared
    /// on, or a state reached from it), with every random choice drawn from `seed`. `None`
    /// when the request needs the reference path.
    pub fn run(&self, snapshot: &Snapshot, seed: u64) -> Option<RunTaskOutcome> {
        let member_of = self.member_of.as_ref()?;
        Some(Call::new(self, member_of, snapshot, seed).run().outcome)
    }

    /// [`Prepared::run`] with the candidate rows kept in `cache` between calls: only the
    /// instances at `touched` (every position a placement or a stop changed since the cache
    /// last saw the snapshot) are judged again, instead of every instance the request admits.
    /// The placed tasks come as records to [`Snapshot::apply_record`] in order (the outcome's
    /// change set is empty): the response holds the only whole `Task` of each.
    /// With `tasks` false, the response stays empty: no `Task` is described and failures are
    /// only counted, by reason, into [`CachedRun::failure_counts`].
    pub(crate) fn run_cached(
        &self,
        snapshot: &Snapshot,
        seed: u64,
        cache: &mut RowCache,
        touched: &[u32],
        tasks: bool,
        scratch: &mut Scratch,
    ) -> Option<CachedRun> {
        let member_of = self.member_of.as_ref()?;
        // Rows and their ranking index pay off only when they are used again: the first call
        // through a cache ranks by passes over its rows and drops them (a stream of distinct
        // requests keeps no rows); from the cache's second call on they are indexed and kept,
        // and so are its spread counts. (A `Placer` gives a request a cache from its second
        // call, so it keeps rows from its third.)
        let keep_rows = cache.calls > 0;
        cache.calls = cache.calls.saturating_add(1);
        // Only a chain that spreads over an attribute has counts to keep.
        let spreads_over_attribute = self.slot_columns.iter().any(Option::is_some);
        let spreads = (keep_rows && spreads_over_attribute)
            .then(|| self.kept_spread_counts(snapshot, cache, touched));
        let mut call = Call::with_spreads(self, member_of, snapshot, seed, spreads);
        call.index_rows = keep_rows;
        call.output = if tasks {
            Output::Records
        } else {
            Output::RecordsOnly
        };
        call.routes = std::mem::take(&mut cache.routes);
        call.scratch = std::mem::take(scratch);
        call.overlay.copies = std::mem::take(&mut call.scratch.copies);
        call.refresh(touched);
        let end = call.run();
        if keep_rows {
            cache.routes = end.routes;
        }
        *scratch = end.scratch;
        Some(CachedRun {
            outcome: end.outcome,
            records: end.records,
            failure_counts: end.failure_counts,
        })
    }

    /// The group the request's tasks join.
    pub(crate) fn group(&self) -> &str {
        &self.plan.group
    }

    /// The spread counts on `snapshot`, from the cache's (as the snapshot was when it last
    /// saw it) and the group's count on each instance at `touched`; counted afresh, and kept,
    /// when the cache has none or counted another group id (the group is interned when its
    /// first task is placed).
    fn kept_spread_counts(
        &self,
        snapshot: &Snapshot,
        cache: &mut RowCache,
        touched: &[u32],
    ) -> Vec<Option<SpreadCounts>> {
        let group = snapshot.group_id(&self.plan.group);
        match &mut cache.counts {
            Some(kept) if kept.group == group => kept.follow(snapshot, touched),
            _ => {
                let mut group_counts = Vec::new();
                fill_group_column(snapshot, group, &mut group_counts);
                cache.counts = Some(KeptCounts {
                    group,
                    spreads: spread_counts(self, snapshot, group),
                    group_counts,
                });
            }
        }
        // The call adds its own tasks to a copy: the log will show their instances again.
        cache
            .counts
            .as_ref()
            .map_or_else(Vec::new, |kept| kept.spreads.clone())
    }
}

/// A cached request's spread counts as of the snapshot its cache last saw (before that call's
/// own placements), with the group they count and each instance's count of it then.
#[derive(Debug, Clone)]
struct KeptCounts {
    group: Option<GroupId>,
    spreads: Vec<Option<SpreadCounts>>,
    group_counts: Vec<u32>,
}

impl KeptCounts {
    /// Moves the counts to `snapshot`: each instance at `touched` adds the change of its
    /// group count to its bucket on every spread.
    fn follow(&mut self, snapshot: &Snapshot, touched: &[u32]) {
        let Some(group) = self.group else {
            return;
        };
        for &position in touched {
            let Some(instance) = snapshot.instances().get(position as usize) else {
                continue;
            };
            let Some(seen) = self.group_counts.get_mut(position as usize) else {
                continue;
            };
            let now = instance.group_count(group);
            if now == *seen {
                continue;
            }
            for spread in self.spreads.iter_mut().flatten() {
                let slot = spread.slot(position);
                if let Some(count) = spread.counts.get_mut(slot as usize) {
                    // The bucket's count holds this instance's `seen`, so it never goes
                    // below zero.
                    *count = count
                        .saturating_add(u64::from(now))
                        .saturating_sub(u64::from(*seen));
                }
            }
            *seen = now;
        }
    }
}

/// Per strategy, the group's counts per bucket when it spreads over an attribute.
fn spread_counts(
    prepared: &Prepared,
    snapshot: &Snapshot,
    group: Option<GroupId>,
) -> Vec<Option<SpreadCounts>> {
    prepared
        .plan
        .strategies
        .iter()
        .zip(&prepared.slot_columns)
        .map(|(strategy, column)| match (strategy, column) {
            (Strategy::Spread(SpreadField::Attribute(_)), Some(column)) => {
                Some(SpreadCounts::new(snapshot, column, group))
            }
            _ => None,
        })
        .collect()
}

/// Every instance's count of `group`'s RUNNING tasks, by position, into `column`.
fn fill_group_column(snapshot: &Snapshot, group: Option<GroupId>, column: &mut Vec<u32>) {
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
fn template(snapshot: &Snapshot, plan: &PlacementRequest, route: &Route) -> TaskTemplate {
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

/// The candidate rows of one cached request, per route, as the snapshot was when the request
/// last ran (see [`Prepared::run_cached`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct RowCache {
    routes: Vec<RouteState>,
    /// How many calls used these rows.
    calls: u32,
    /// The spread counts, kept from the cache's second call on.
    counts: Option<KeptCounts>,
}

/// What a call leaves: its outcome, the routes' rows, the placed tasks as records and the
/// failures counted (see [`Output`]), and the overlay's working copies and the buffers for the
/// next call.
struct CallEnd {
    outcome: RunTaskOutcome,
    routes: Vec<RouteState>,
    records: Vec<PlacedRecord>,
    failure_counts: FailureCounts,
    scratch: Scratch,
}

/// Buffers of the size of the cluster that a call fills and leaves behind, for the next call
/// of any request to refill: a `Placer` keeps them, so a stream of distinct requests does not
/// allocate (and fault in) fresh memory for each call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    members: Vec<Member>,
    group_column: Vec<u32>,
    /// A task ARN as it is written, before it is shared.
    task_arn: String,
    /// The working copies of the last call, to refill (see [`refill_working_copy`]): shared
    /// by every request, so a request's first call refills too instead of copying afresh.
    copies: Vec<(u32, Instance)>,
}

/// A cached request's call (see [`Prepared::run_cached`]).
pub(crate) struct CachedRun {
    /// The response (empty when only counting), with an empty change set.
    pub(crate) outcome: RunTaskOutcome,
    /// The placed tasks, to [`Snapshot::apply_record`] in order.
    pub(crate) records: Vec<PlacedRecord>,
    /// The failure entries by reason, when only counting.
    pub(crate) failure_counts: FailureCounts,
}

/// Failure entries counted by reason, in order of first appearance.
pub(crate) type FailureCounts = Vec<(&'static str, u64)>;

/// What a call gives for its placed tasks and failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// The response, and a change set (one-shot calls).
    ChangeSet,
    /// The response, and records for the `Placer` to apply.
    Records,
    /// Records only: no `Task` described and failure entries counted, not listed.
    RecordsOnly,
}

/// The `memberOf` expressions as one bitset, or `None` when one reads live state.
fn static_member_of(snapshot: &Snapshot, requirements: &Requirements) -> Option<FixedBitSet> {
    if requirements.member_of_reads_live_state() {
        return None;
    }
    let mut admitted = FixedBitSet::with_capacity(snapshot.instances().len());
    admitted.insert_range(..);
    for expression in requirements.member_of() {
        admitted.intersect_with(&expression.filter(snapshot));
    }
    Some(admitted)
}

/// The call's view of the cluster: the caller's snapshot plus the instances this call changed.
struct Overlay<'s> {
    base: &'s Snapshot,
    /// The call's group in the base snapshot (`None` when no task ever had it).
    base_group: Option<GroupId>,
    /// Lean copies of the instances this call placed on, in their current state: the first
    /// `used` slots; the slots after them are an earlier call's copies, refilled in place
    /// (their allocations reused) when this call changes more instances.
    copies: Vec<(u32, Instance)>,
    used: usize,
    /// How many of this call's tasks each changed instance took.
    added: Vec<(u32, u32)>,
    changed_mask: FixedBitSet,
}

impl<'s> Overlay<'s> {
    fn new(base: &'s Snapshot, group: &str) -> Self {
        Self {
            base,
            base_group: base.group_id(group),
            copies: Vec::new(),
            used: 0,
            added: Vec::new(),
            changed_mask: FixedBitSet::with_capacity(base.instances().len()),
        }
    }

    fn instance(&self, position: u32) -> Option<&Instance> {
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
    fn free(&self, position: u32) -> Option<[i64; 2]> {
        // Before the call's first placement (when leaders gather), no instance has a copy.
        if self.used > 0 && self.changed_mask.contains(position as usize) {
            let instance = self.instance(position)?;
            return Some([instance.remaining.cpu, instance.remaining.memory]);
        }
        self.base.free.get(position as usize)
    }

    /// The copies of the instances this call changed.
    fn changed(&self) -> &[(u32, Instance)] {
        self.copies.get(..self.used).unwrap_or_default()
    }

    /// The call's group's RUNNING tasks on the instance, this call's included.
    fn group_count(&self, position: u32) -> u32 {
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
    fn group_count_column(&self) -> Vec<u32> {
        let mut column = Vec::new();
        self.fill_group_count_column(&mut column);
        column
    }

    /// [`Overlay::group_count_column`] into `column`, reusing its allocation.
    fn fill_group_count_column(&self, column: &mut Vec<u32>) {
        fill_group_column(self.base, self.base_group, column);
        for &(position, added) in &self.added {
            if let Some(cell) = column.get_mut(position as usize) {
                *cell = cell.saturating_add(added);
            }
        }
    }

    /// Takes one placed task's usage from its instance, as `Snapshot::apply_placed` would.
    fn place(&mut self, position: u32, usage: &HeldUsage) {
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

/// The call's group's RUNNING tasks per bucket of one spread attribute, over every instance of
/// the cluster whatever its status (DECISIONS 25: a DRAINING instance's running tasks still
/// run in their zone), indexed by bucket slot (see [`SlotColumns`]).
#[derive(Debug, Clone)]
struct SpreadCounts {
    /// Every instance's bucket slot (the attribute's [`SlotColumns`] column).
    column: Arc<Vec<u32>>,
    counts: Vec<u64>,
}

/// Per spread attribute, every instance's bucket slot, filled from the attribute's posting
/// lists. The slot is 0 when the instance lacks the attribute, 1 when it has it without a
/// value, 2 + the value id otherwise (value ids are dense, so the slots are too). Counting a
/// group's tasks per bucket, judging every admitted instance and re-judging a changed one read
/// this contiguous column instead of searching each instance's attribute list (a cache miss
/// per instance). Attributes never change as tasks are placed and stopped, so a `Placer` keeps
/// one set for every request it caches.
#[derive(Debug, Clone, Default)]
pub(crate) struct SlotColumns {
    columns: Vec<(Option<AttrNameId>, Arc<Vec<u32>>)>,
}

impl SlotColumns {
    /// The column of attribute `name` (all 0 when no instance has it).
    fn get(&mut self, snapshot: &Snapshot, name: Option<AttrNameId>) -> Arc<Vec<u32>> {
        if let Some((_, column)) = self.columns.iter().find(|(n, _)| *n == name) {
            return Arc::clone(column);
        }
        let mut column = vec![0u32; snapshot.instances().len()];
        if let Some(name) = name {
            for (value, positions) in snapshot.attribute_postings(name) {
                let slot = value.map_or(1, |v| 2 + v.0);
                for &position in positions {
                    if let Some(cell) = column.get_mut(position as usize) {
                        *cell = slot;
                    }
                }
            }
        }
        // An `Arc<[u32]>` would copy the column once more.
        let column = Arc::new(column);
        self.columns.push((name, Arc::clone(&column)));
        column
    }
}

impl SpreadCounts {
    /// Counts from the group index, reading each instance's slot from `column` (the
    /// attribute's [`SlotColumns`] column) rather than from the instance.
    fn new(snapshot: &Snapshot, column: &Arc<Vec<u32>>, group: Option<GroupId>) -> Self {
        let mut counts = vec![0; snapshot.attribute_values.len() + 2];
        if let Some(group) = group {
            for (&position, &tasks) in snapshot.group_instances(group) {
                let Some(&slot) = column.get(position as usize) else {
                    continue;
                };
                if let Some(count) = counts.get_mut(slot as usize) {
                    *count += u64::from(tasks);
                }
            }
        }
        Self {
            column: Arc::clone(column),
            counts,
        }
    }

    /// The bucket slot of the instance at `position`.
    fn slot(&self, position: u32) -> u32 {
        self.column.get(position as usize).copied().unwrap_or(0)
    }

    fn add_one(&mut self, position: u32) {
        let slot = self.slot(position);
        if let Some(count) = self.counts.get_mut(slot as usize) {
            *count += 1;
        }
    }
}

/// One route's pool and its candidates (in the pool, ACTIVE, admitted by `memberOf` and
/// fitting), as compact rows in snapshot order. A placement only takes capacity away, so
/// rows are never added during a call, only marked gone (between calls of a cached request,
/// a stop may add one back).
#[derive(Debug, Clone)]
struct RouteState {
    route: Route,
    pool: Pool,
    rows: Vec<Row>,
    /// Each row's position, in row order: what finding an instance's row searches (4 bytes
    /// a row instead of a 48-byte row, so the search stays in cache).
    positions: Vec<u32>,
    /// The rows indexed for ranking, for a cached request whose chain allows it.
    ranked: Option<Ranked>,
    /// Instead of rows, when the call keeps none and the chain allows it: each bucket's
    /// least key and its ties ([`super::leaders`]).
    leaders: Option<Leaders>,
}

impl RouteState {
    /// A route's state over `rows` (in position order).
    fn new(route: &Route, pool: Pool, rows: Vec<Row>, ranked: Option<Ranked>) -> Self {
        Self {
            route: route.clone(),
            pool,
            positions: rows.iter().map(|row| row.position).collect(),
            rows,
            ranked,
            leaders: None,
        }
    }

    /// Where the row of the instance at `position` is (`Ok`), or would go (`Err`).
    fn find(&self, position: u32) -> Result<usize, usize> {
        debug_assert_eq!(self.positions.len(), self.rows.len());
        self.positions.binary_search(&position)
    }

    /// Puts `row` in place of the row at `at` (or inserts it there when `insert`).
    fn set(&mut self, at: usize, row: Row, insert: bool) {
        if insert {
            self.rows.insert(at, row);
            self.positions.insert(at, row.position);
        } else if let Some(slot) = self.rows.get_mut(at) {
            if let Some(ranked) = &mut self.ranked {
                ranked.remove(slot);
            }
            *slot = row;
        } else {
            return;
        }
        if let Some(ranked) = &mut self.ranked {
            ranked.insert(&row);
        }
    }

    /// Removes the row at `at`.
    fn remove(&mut self, at: usize) {
        if at < self.rows.len() {
            let row = self.rows.remove(at);
            self.positions.remove(at);
            if let Some(ranked) = &mut self.ranked {
                ranked.remove(&row);
            }
        }
    }
}

/// What ranking reads of one candidate, copied out of its instance so that each task's pass
/// over the candidates reads a few contiguous bytes per candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) position: u32,
    /// Whether it is still a candidate.
    pub(super) fits: bool,
    /// The call's group's RUNNING tasks on it.
    pub(super) group_count: u32,
    pub(super) cpu: i64,
    pub(super) memory: i64,
    /// Its bucket slot for each strategy (0 for strategies other than spread on an attribute).
    pub(super) slots: [u32; MAX_KEY_WIDTH],
}

/// One call of the incremental engine.
struct Call<'a> {
    prepared: &'a Prepared,
    member_of: &'a FixedBitSet,
    overlay: Overlay<'a>,
    spreads: Vec<Option<SpreadCounts>>,
    routes: Vec<RouteState>,
    rng: SeededRng,
    /// Whether new routes get a ranking index (worth it only when the rows are kept).
    index_rows: bool,
    /// What the call gives for its placed tasks and failures.
    output: Output,
    /// The tie list, kept to reuse its allocation.
    tied: Vec<u32>,
    /// The call's group's RUNNING tasks per instance, this call's included, once a route
    /// ranked by leaders needs it.
    group_column: Option<Vec<u32>>,
    /// Buffers to refill (see [`Scratch`]).
    scratch: Scratch,
}

impl<'a> Call<'a> {
    fn new(
        prepared: &'a Prepared,
        member_of: &'a FixedBitSet,
        snapshot: &'a Snapshot,
        seed: u64,
    ) -> Self {
        Self::with_spreads(prepared, member_of, snapshot, seed, None)
    }

    /// [`Call::new`] with the spread counts given (counted here when `None`).
    fn with_spreads(
        prepared: &'a Prepared,
        member_of: &'a FixedBitSet,
        snapshot: &'a Snapshot,
        seed: u64,
        spreads: Option<Vec<Option<SpreadCounts>>>,
    ) -> Self {
        let overlay = Overlay::new(snapshot, &prepared.plan.group);
        let spreads =
            spreads.unwrap_or_else(|| spread_counts(prepared, snapshot, overlay.base_group));
        Self {
            prepared,
            member_of,
            overlay,
            spreads,
            routes: Vec::new(),
            rng: SeededRng::from_seed(seed),
            index_rows: false,
            output: Output::ChangeSet,
            tied: Vec::new(),
            group_column: None,
            scratch: Scratch::default(),
        }
    }

    /// Places every task; what it gives for them follows `self.output` (see [`Output`]), with
    /// the routes' rows and the overlay's working copies for the next call.
    fn run(mut self) -> CallEnd {
        let count = self.prepared.routes.len();
        let mut outcome = RunTaskOutcome {
            response: RunTaskResponse {
                tasks: Vec::with_capacity(count),
                ..RunTaskResponse::default()
            },
            changes: ChangeSet::default(),
        };
        let mut records = Vec::new();
        let mut failure_counts = FailureCounts::new();
        match self.output {
            Output::ChangeSet => outcome.changes.tasks.reserve(count),
            Output::Records | Output::RecordsOnly => records.reserve(count),
        }
        let mut failed_routes: Vec<&Route> = Vec::new();
        for route in &self.prepared.routes {
            if failed_routes.contains(&route) {
                continue;
            }
            match self.place_one(route) {
                Ok(described) => match self.output {
                    Output::ChangeSet => {
                        let task = self.task_of(&described);
                        outcome.response.tasks.push(task.clone());
                        let placed = described.placed(task, &self.prepared.plan.group);
                        outcome.changes.tasks.push(placed);
                    }
                    Output::Records => {
                        outcome.response.tasks.push(self.task_of(&described));
                        records.push(described.into_record());
                    }
                    Output::RecordsOnly => records.push(described.into_record()),
                },
                Err(index) => {
                    if self.output == Output::RecordsOnly {
                        self.count_failures(index, &mut failure_counts);
                    } else {
                        outcome.response.failures.extend(self.failures(index));
                    }
                    failed_routes.push(route);
                }
            }
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        if let Some(column) = self.group_column.take() {
            scratch.group_column = column;
        }
        for route in &mut self.routes {
            if let Some(leaders) = route.leaders.take() {
                scratch.members = leaders.into_members();
            }
        }
        scratch.copies = self.overlay.copies;
        CallEnd {
            outcome,
            routes: self.routes,
            records,
            failure_counts,
            scratch,
        }
    }

    /// Judges again the cached rows' instances at `touched`, on every cached route: a row is
    /// updated, added (in snapshot order) when its instance fits now, or removed when it
    /// no longer does.
    fn refresh(&mut self, touched: &[u32]) {
        let snapshot = self.overlay.base;
        // Each row is judged from the instance as it is now, so an instance touched several
        // times (placed on, then stopped) is judged once.
        let mut touched = touched.to_vec();
        touched.sort_unstable();
        touched.dedup();
        for position in touched {
            let Some(instance) = snapshot.instances().get(position as usize) else {
                continue;
            };
            let admitted = self.member_of.contains(position as usize) && instance.is_active();
            let row = admitted.then(|| self.row(position, instance));
            for state in &mut self.routes {
                let row =
                    row.filter(|r| r.fits && state.pool.membership(snapshot).contains(instance));
                let at = state.find(position);
                match (at, row) {
                    // Back as it was (a task placed, then stopped): nothing to re-rank.
                    (Ok(at), Some(row)) if state.rows.get(at) == Some(&row) => {}
                    (Ok(at), Some(row)) => state.set(at, row, false),
                    (Ok(at), None) => state.remove(at),
                    (Err(at), Some(row)) => state.set(at, row, true),
                    (Err(_), None) => {}
                }
            }
        }
    }

    /// Places one task by `route`, or gives the index of the route's state when no instance
    /// can take it.
    fn place_one(&mut self, route: &Route) -> Result<Described, usize> {
        let pool = route.pool(self.overlay.base);
        if pool == Pool::Serverless {
            return Ok(self.describe(route, None));
        }
        let index = self.route_index(route, pool);
        let chosen = self.choose(index);
        match chosen {
            Some(position) => {
                let described = self.describe(route, Some(position));
                self.record(position, &described.usage);
                Ok(described)
            }
            None => Err(index),
        }
    }

    /// The index of the route's state, judging every instance of its pool on first use.
    fn route_index(&mut self, route: &Route, pool: Pool) -> usize {
        if let Some(index) = self.routes.iter().position(|r| &r.route == route) {
            return index;
        }
        if let Some(leaders) = self.leaders(&pool) {
            self.routes.push(RouteState {
                leaders: Some(leaders),
                ..RouteState::new(route, pool, Vec::new(), None)
            });
            return self.routes.len() - 1;
        }
        let group_counts = self
            .prepared
            .reads_group_count
            .then(|| self.overlay.group_count_column());
        let rows = match self.eligible(&pool) {
            Some(eligible) => self.rows_on_cpu_and_memory(&eligible, group_counts.as_deref()),
            None => self.rows_judged(&pool, group_counts.as_deref()),
        };
        let ranked = self.index_rows.then(|| self.index(&rows)).flatten();
        self.routes.push(RouteState::new(route, pool, rows, ranked));
        self.routes.len() - 1
    }

    /// Leaders for a route, when this call keeps no rows (they pay off only when kept), the
    /// task needs only CPU and memory, the pool is read from the attribute index and the
    /// chain is one they rank; with the group's count column they then read, if any.
    fn leaders(&mut self, pool: &Pool) -> Option<Leaders> {
        let strategies = &self.prepared.plan.strategies;
        if self.index_rows || !Leaders::ranks_exactly(strategies) {
            return None;
        }
        let eligible = self.eligible(pool)?;
        if self.prepared.reads_group_count && self.group_column.is_none() {
            let mut column = std::mem::take(&mut self.scratch.group_column);
            self.overlay.fill_group_count_column(&mut column);
            self.group_column = Some(column);
        }
        let members = std::mem::take(&mut self.scratch.members);
        let candidates = Candidates::new(
            self.prepared,
            &self.overlay,
            self.group_column.as_deref(),
            &self.spreads,
        );
        // Gathered from the snapshot's columns, then each instance an earlier route of this
        // call placed on is followed as if placed on now (the group column already counts
        // those tasks). Today only launch-type routes get leaders, and a call has one of
        // them, created before its first placement, so the list is empty; the loop keeps
        // the gather exact if pools with several routes ever get leaders
        // (`leaders::tests` covers it).
        let mut leaders = Leaders::gather(strategies, &eligible, &candidates.columns(), members)?;
        for &(position, _) in self.overlay.changed() {
            leaders.placed(position, candidates.get(position));
        }
        Some(leaders)
    }

    /// When the task needs only CPU and memory and the pool is read from the attribute
    /// index: the instances that pass every check that never changes (`memberOf`, ACTIVE with
    /// the agent connected, in the pool, the required attributes), as one set.
    fn eligible(&self, pool: &Pool) -> Option<FixedBitSet> {
        let requirements = &self.prepared.requirements;
        if !requirements.needs_cpu_and_memory_only() {
            return None;
        }
        let snapshot = self.overlay.base;
        let mut eligible = pool.static_set(snapshot)?;
        eligible.intersect_with(self.member_of);
        eligible.intersect_with(&snapshot.usable);
        if let Some(attributes) = requirements.attribute_set(snapshot) {
            eligible.intersect_with(&attributes);
        }
        Some(eligible)
    }

    /// The rows of the `eligible` instances (see [`Call::eligible`]) that fit: each judged on
    /// its remaining CPU and memory (from the snapshot's column, or this call's working copy)
    /// and the group's count, without reading the instance. The same rows as
    /// [`Call::rows_judged`], as `check_instance` passes exactly when these do.
    fn rows_on_cpu_and_memory(
        &self,
        eligible: &FixedBitSet,
        group_counts: Option<&[u32]>,
    ) -> Vec<Row> {
        let demand = self.prepared.requirements.demand();
        let cpu_needed = feasibility::signed(demand.cpu);
        let memory_needed = feasibility::signed(demand.memory_mib);
        let distinct = self.prepared.requirements.distinct_instance();
        let columns = &self.prepared.slot_columns;
        let mut rows = Vec::with_capacity(eligible.count_ones(..));
        for position in eligible.ones() {
            let Some([cpu, memory]) = self.overlay.free(position as u32) else {
                continue;
            };
            let group_count = group_counts
                .and_then(|counts| counts.get(position))
                .copied()
                .unwrap_or(0);
            if cpu < cpu_needed || memory < memory_needed || (distinct && group_count > 0) {
                continue;
            }
            let mut row = Row {
                position: position as u32,
                fits: true,
                group_count,
                cpu,
                memory,
                slots: [0; MAX_KEY_WIDTH],
            };
            for (slot, column) in row.slots.iter_mut().zip(columns) {
                if let Some(column) = column {
                    *slot = column.get(position).copied().unwrap_or(0);
                }
            }
            rows.push(row);
        }
        rows
    }

    /// The rows of the instances `memberOf` admits that are in the pool, ACTIVE and fit, each
    /// judged by `check_instance`.
    fn rows_judged(&self, pool: &Pool, group_counts: Option<&[u32]>) -> Vec<Row> {
        let snapshot = self.overlay.base;
        let membership = pool.membership(snapshot);
        let columns = &self.prepared.slot_columns;
        let mut rows = Vec::with_capacity(self.member_of.count_ones(..));
        for position in self.member_of.ones() {
            let position = position as u32;
            let Some(instance) = self.overlay.instance(position) else {
                continue;
            };
            if membership.contains(instance) && instance.is_active() {
                let group_count = group_counts
                    .and_then(|counts| counts.get(position as usize))
                    .copied()
                    .unwrap_or(0);
                let mut row = self.row_with_count(position, instance, group_count);
                if row.fits {
                    for (slot, column) in row.slots.iter_mut().zip(columns) {
                        if let Some(column) = column {
                            *slot = column.get(position as usize).copied().unwrap_or(0);
                        }
                    }
                    rows.push(row);
                }
            }
        }
        rows
    }

    /// The ranking index of `rows`, when the request's chain allows one.
    fn index(&self, rows: &[Row]) -> Option<Ranked> {
        let mut ranked = Ranked::for_strategies(&self.prepared.plan.strategies)?;
        for row in rows {
            ranked.insert(row);
        }
        Some(ranked)
    }

    /// The row of an ACTIVE instance `memberOf` admits, as it is now.
    fn row(&self, position: u32, instance: &Instance) -> Row {
        let mut row = self.row_without_slots(position, instance);
        for (slot, spread) in row.slots.iter_mut().zip(&self.spreads) {
            if let Some(spread) = spread {
                *slot = spread.slot(position);
            }
        }
        row
    }

    /// [`Call::row`] with every bucket slot 0 (the caller fills them).
    fn row_without_slots(&self, position: u32, instance: &Instance) -> Row {
        let group_count = if self.prepared.reads_group_count {
            self.overlay.group_count(position)
        } else {
            0
        };
        self.row_with_count(position, instance, group_count)
    }

    /// [`Call::row_without_slots`] with the group's count on the instance given (0 when
    /// nothing reads it).
    fn row_with_count(&self, position: u32, instance: &Instance, group_count: u32) -> Row {
        let fits = feasibility::check_instance(
            self.overlay.base,
            instance,
            &self.prepared.requirements,
            || true,
            group_count,
        )
        .is_ok();
        Row {
            position,
            fits,
            group_count,
            cpu: instance.remaining.cpu,
            memory: instance.remaining.memory,
            slots: [0; MAX_KEY_WIDTH],
        }
    }

    /// The candidate with the least key, ties broken by the generator; draws as the
    /// reference path does.
    fn choose(&mut self, route: usize) -> Option<u32> {
        if self.routes.get(route).is_some_and(|r| r.leaders.is_some()) {
            return self.choose_by_leaders(route);
        }
        if let Some(ranked) = self.routes.get(route).and_then(|r| r.ranked.as_ref()) {
            let counts = self
                .spreads
                .first()
                .and_then(Option::as_ref)
                .map_or(&[][..], |spread| &spread.counts[..]);
            ranked.least(counts, &mut self.tied);
            return match self.tied.len() {
                0 => None,
                1 => self.tied.first().copied(),
                n => self.tied.get(self.rng.below(n as u64) as usize).copied(),
            };
        }
        // The pass over every row (see `scan`); it draws as the generic pass does.
        let state = self.routes.get(route)?;
        let mut counts: scan::Counts<'_> = [&[]; MAX_KEY_WIDTH];
        for (cell, spread) in counts.iter_mut().zip(&self.spreads) {
            if let Some(spread) = spread {
                *cell = &spread.counts;
            }
        }
        scan::choose(
            &self.prepared.plan.strategies,
            &counts,
            &state.rows,
            &mut self.rng,
            &mut self.tied,
        )
    }

    /// [`Call::choose`] on a route ranked by its leaders.
    fn choose_by_leaders(&mut self, route: usize) -> Option<u32> {
        let counts = self
            .spreads
            .first()
            .and_then(Option::as_ref)
            .map_or(&[][..], |spread| &spread.counts[..]);
        let leaders = self.routes.get_mut(route)?.leaders.as_mut()?;
        leaders.choose(counts, &mut self.rng, &mut self.tied)
    }

    /// Records a placement: the instance's new state, its spread buckets, its count in the
    /// group column, and its row or leaders on every route (the only instance whose verdict
    /// and keys can have changed).
    fn record(&mut self, position: u32, usage: &HeldUsage) {
        self.overlay.place(position, usage);
        for spread in self.spreads.iter_mut().flatten() {
            spread.add_one(position);
        }
        if let Some(cell) = self
            .group_column
            .as_mut()
            .and_then(|column| column.get_mut(position as usize))
        {
            *cell = cell.saturating_add(1);
        }
        if self.routes.iter().any(|r| r.leaders.is_some()) {
            self.record_in_leaders(position);
        }
        if self.routes.iter().any(|r| !r.rows.is_empty()) {
            self.record_in_rows(position);
        }
    }

    /// Follows a placement on `position` in every route's leaders.
    fn record_in_leaders(&mut self, position: u32) {
        let candidates = Candidates::new(
            self.prepared,
            &self.overlay,
            self.group_column.as_deref(),
            &self.spreads,
        );
        let now = candidates.get(position);
        for leaders in self.routes.iter_mut().filter_map(|r| r.leaders.as_mut()) {
            leaders.placed(position, now);
        }
    }

    /// Updates the row of `position` on every route that has one.
    fn record_in_rows(&mut self, position: u32) {
        let Some(instance) = self.overlay.instance(position) else {
            return;
        };
        let row = self.row(position, instance);
        for route in &mut self.routes {
            if let Ok(at) = route.find(position) {
                route.set(at, row, false);
            }
        }
    }

    /// The failure entries of a task no instance could take: every instance of the pool that
    /// rejected it, with its first failing check, else one entry naming the route.
    fn failures(&self, route: usize) -> Vec<Failure> {
        let Some(state) = self.routes.get(route) else {
            return Vec::new();
        };
        let mut failures = Vec::new();
        let instances = self.overlay.base.instances();
        self.for_each_rejection(state, |position, reason| {
            if let Some(instance) = instances.get(position as usize) {
                failures.push(response::failure(&instance.arn, reason));
            }
        });
        if failures.is_empty() {
            let snapshot = self.overlay.base;
            let shortfall = feasibility::shortfall(snapshot, &state.pool);
            failures.push(response::failure(
                &route_arn(snapshot, &state.route),
                shortfall.as_str(),
            ));
        }
        failures
    }

    /// [`Call::failures`] counted by reason into `counts`, without building the entries.
    fn count_failures(&self, route: usize, counts: &mut FailureCounts) {
        let Some(state) = self.routes.get(route) else {
            return;
        };
        let mut add = |reason: &'static str| match counts.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, count)) => *count += 1,
            None => counts.push((reason, 1)),
        };
        let rejected = self.for_each_rejection(state, |_, reason| add(reason));
        if rejected == 0 {
            add(feasibility::shortfall(self.overlay.base, &state.pool).as_str());
        }
    }

    /// Calls `each` with the position of every instance of the route's pool that rejects the
    /// task and the reason of its first failing check, in snapshot order; gives how many did.
    fn for_each_rejection(
        &self,
        state: &RouteState,
        mut each: impl FnMut(u32, &'static str),
    ) -> usize {
        if let Some(rejected) = self.rejections_from_columns(state, &mut each) {
            return rejected;
        }
        let snapshot = self.overlay.base;
        let membership = state.pool.membership(snapshot);
        let mut rejected = 0;
        for position in 0..snapshot.instances().len() as u32 {
            let Some(instance) = self.overlay.instance(position) else {
                continue;
            };
            if !membership.contains(instance) || !instance.is_active() {
                continue;
            }
            let verdict = feasibility::check_instance(
                snapshot,
                instance,
                &self.prepared.requirements,
                || self.member_of.contains(position as usize),
                self.overlay.group_count(position),
            );
            if let Err(rejection) = verdict {
                rejected += 1;
                each(position, rejection.as_str());
            }
        }
        rejected
    }

    /// [`Call::for_each_rejection`] from bitsets and columns, without reading any instance,
    /// when the task needs only CPU and memory and the pool is read from the attribute index
    /// (`None` otherwise). The checks run in `check_instance`'s order: agent, attributes,
    /// CPU, memory, `memberOf`, `distinctInstance`.
    fn rejections_from_columns(
        &self,
        state: &RouteState,
        each: &mut impl FnMut(u32, &'static str),
    ) -> Option<usize> {
        let requirements = &self.prepared.requirements;
        if !requirements.needs_cpu_and_memory_only() {
            return None;
        }
        let snapshot = self.overlay.base;
        let mut judged = state.pool.static_set(snapshot)?;
        judged.intersect_with(&snapshot.active);
        let attributes = requirements.attribute_set(snapshot);
        let distinct = requirements.distinct_instance();
        let built;
        let group_counts: &[u32] = match (&self.group_column, distinct) {
            (_, false) => &[],
            (Some(column), true) => column,
            (None, true) => {
                built = self.overlay.group_count_column();
                &built
            }
        };
        let demand = requirements.demand();
        let (cpu_needed, memory_needed) = (
            feasibility::signed(demand.cpu),
            feasibility::signed(demand.memory_mib),
        );
        let mut rejected = 0;
        for position in judged.ones() {
            let Some([cpu, memory]) = self.overlay.free(position as u32) else {
                continue;
            };
            let rejection = if !snapshot.usable.contains(position) {
                Rejection::Agent
            } else if attributes
                .as_ref()
                .is_some_and(|set| !set.contains(position))
            {
                Rejection::Attribute
            } else if cpu < cpu_needed {
                Rejection::Cpu
            } else if memory < memory_needed {
                Rejection::Memory
            } else if !self.member_of.contains(position) {
                Rejection::MemberOf
            } else if distinct && group_counts.get(position).is_some_and(|&n| n > 0) {
                Rejection::DistinctInstance
            } else {
                continue;
            };
            rejected += 1;
            each(position as u32, rejection.as_str());
        }
        Some(rejected)
    }

    /// Describes the task placed on `position` (or on Fargate), drawing its ARN.
    fn describe(&mut self, route: &Route, position: Option<u32>) -> Described {
        let plan = &self.prepared.plan;
        let snapshot = self.overlay.base;
        let instance = position.and_then(|p| self.overlay.instance(p));
        let gpu_ids = instance
            .map(|i| response::allocate_gpus(i, &plan.demand))
            .unwrap_or_default();
        let text = &mut self.scratch.task_arn;
        text.clear();
        text.push_str(&self.prepared.task_arn_prefix);
        self.rng.push_hex_id(text);
        let task_arn = Arc::from(text.as_str());
        let usage = response::usage(&plan.demand, &gpu_ids, instance.is_some()).into();
        // Every route of the request has its template (built in `Prepared::new`); one is
        // built here only if that ever stops holding.
        let shared = match self.prepared.template(route) {
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

    /// The whole description of a placed task (built only for a call that gives a response).
    fn task_of(&self, described: &Described) -> Task {
        // The instance's ARN and zone, all the description reads of it, come from the base
        // snapshot: a working copy holds no ARN (see `working_copy`), and placing changes
        // neither.
        let snapshot = self.overlay.base;
        let instance = described
            .position
            .and_then(|p| snapshot.instances().get(p as usize));
        described
            .shared
            .complete(snapshot, &described.task_arn, instance)
    }
}

/// The instances as leaders read them ([`Candidate`]): remaining CPU and memory from the
/// snapshot's column or this call's working copy, the group's count from the call's column,
/// the bucket slot from the leading spread's column. Judged as
/// [`Call::rows_on_cpu_and_memory`] judges them.
struct Candidates<'c> {
    overlay: &'c Overlay<'c>,
    needed: [i64; 2],
    distinct: bool,
    group_column: Option<&'c [u32]>,
    slots: Option<&'c [u32]>,
}

impl<'c> Candidates<'c> {
    /// What leaders read, for the call of `prepared` with this overlay, group column and
    /// spread counts.
    fn new(
        prepared: &Prepared,
        overlay: &'c Overlay<'c>,
        group_column: Option<&'c [u32]>,
        spreads: &'c [Option<SpreadCounts>],
    ) -> Self {
        let demand = prepared.requirements.demand();
        Self {
            overlay,
            needed: [
                feasibility::signed(demand.cpu),
                feasibility::signed(demand.memory_mib),
            ],
            distinct: prepared.requirements.distinct_instance(),
            group_column,
            slots: spreads
                .first()
                .and_then(Option::as_ref)
                .map(|spread| &spread.column[..]),
        }
    }

    /// The same reading as columns for the gather: the snapshot's, before this call's
    /// placements (see [`Call::leaders`]).
    fn columns(&self) -> Columns<'c> {
        Columns {
            free: &self.overlay.base.free,
            needed: Needed::new(self.needed),
            distinct: self.distinct,
            group_counts: self.group_column.unwrap_or_default(),
            slots: self.slots.unwrap_or_default(),
        }
    }

    /// The eligible instance at `position` as it is now, `None` when it does not fit.
    #[inline]
    fn get(&self, position: u32) -> Option<Candidate> {
        let at = position as usize;
        let [cpu, memory] = self.overlay.free(position)?;
        let group_count = self
            .group_column
            .and_then(|column| column.get(at))
            .copied()
            .unwrap_or(0);
        let [cpu_needed, memory_needed] = self.needed;
        if cpu < cpu_needed || memory < memory_needed || (self.distinct && group_count > 0) {
            return None;
        }
        Some(Candidate {
            cpu,
            memory,
            group_count,
        })
    }
}

/// One placed task as the engine described it, before it becomes a [`PlacedTask`] (one-shot
/// calls) or a [`PlacedRecord`] (the `Placer`). Its whole `Task` is built only where a
/// response needs it ([`Call::task_of`]), so nothing large is moved around.
struct Described {
    task_arn: Arc<str>,
    position: Option<u32>,
    usage: HeldUsage,
    /// Its request's shared description and its dealt GPU ids.
    shared: SharedDescription,
}

impl Described {
    /// The change set entry for `task` (this task's whole description): what
    /// [`response::placed`] builds from it (its usage is `response::usage` of the same demand
    /// and GPU ids, already computed).
    fn placed(self, task: Task, group: &str) -> PlacedTask {
        PlacedTask {
            task,
            usage: self.usage.into_usage(),
            group: group.to_owned(),
        }
    }

    /// The record the `Placer` keeps.
    fn into_record(self) -> PlacedRecord {
        PlacedRecord {
            task_arn: self.task_arn,
            description: Description::Shared(self.shared),
            position: self.position,
            usage: self.usage,
        }
    }
}

/// The ARN a route-level failure names: the provider's, else the cluster's.
pub(crate) fn route_arn(snapshot: &Snapshot, route: &Route) -> String {
    let provider_arn = route.capacity_provider().and_then(|name| {
        snapshot
            .capacity_providers()
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
            .and_then(|p| p.capacity_provider_arn.clone())
    });
    provider_arn.unwrap_or_else(|| snapshot.cluster().arn.clone())
}
