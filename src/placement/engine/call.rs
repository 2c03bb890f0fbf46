//! One call of the engine: places a request's tasks route by route, the way the reference
//! pipeline does, choosing for each route how its candidates are kept and ranked.
//!
//! This file wires the engine's techniques, as the reference pipeline wires the definition's
//! stages; each technique lives in its own file:
//! * the request, prepared once ([`super::prepared`]);
//! * the cluster as this call left it ([`super::overlay`]), the spread counts
//!   ([`super::spread`]);
//! * per route, judging the pool once ([`super::judge`]) into rows ([`super::row`],
//!   [`super::routes`]) or into leaders ([`super::leaders`], [`super::candidates`]): leaders
//!   when the call keeps no rows and the chain is one they rank, since they skip building a
//!   row per candidate;
//! * per task, the choice: leaders, else the ranked index ([`super::ranked`]) when the rows
//!   have one, else a pass over the rows ([`super::scan`]);
//! * the placed task described ([`super::describe`]) and followed on the one instance it
//!   changed ([`Call::record`]).
//!
//! What it keeps exact: the routes are taken in the order of the capacity split, a route stops
//! at its first task that cannot be placed (DECISIONS 42), and the random draws are the
//! reference path's in the same order (per task: the `random` keys, the tie draw, the task
//! ARN). `tests/placement_incremental.rs` and `tests/placement_properties.rs` compare outcomes
//! with `run_task_reference`.

use fixedbitset::FixedBitSet;

use crate::aws::RunTaskResponse;
use crate::model::{HeldUsage, Instance, Snapshot};
use crate::placement::capacity::{Pool, Route};
use crate::placement::changes::{ChangeSet, PlacedRecord};
use crate::placement::pipeline::RunTaskOutcome;
use crate::placement::rng::SeededRng;
use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

use super::candidates::Candidates;
use super::describe::{Described, describe};
use super::judge::{FailureCounts, Judge};
use super::leaders::{Leaders, Member};
use super::overlay::Overlay;
use super::prepared::Prepared;
use super::ranked::Ranked;
use super::routes::RouteState;
use super::row::Row;
use super::scan;
use super::spread::{SpreadCounts, spread_counts};

impl Prepared {
    /// Places the request's tasks on `snapshot` (which must be the snapshot it was prepared
    /// on, or a state reached from it), with every random choice drawn from `seed`. `None`
    /// when the request needs the reference path.
    pub fn run(&self, snapshot: &Snapshot, seed: u64) -> Option<RunTaskOutcome> {
        let member_of = self.member_of.as_ref()?;
        Some(Call::new(self, member_of, snapshot, seed).run().outcome)
    }
}

/// What a call leaves: its outcome, the routes' rows, the placed tasks as records and the
/// failures counted (see [`Output`]), and the overlay's working copies and the buffers for the
/// next call.
pub(super) struct CallEnd {
    pub(super) outcome: RunTaskOutcome,
    pub(super) routes: Vec<RouteState>,
    pub(super) records: Vec<PlacedRecord>,
    pub(super) failure_counts: FailureCounts,
    pub(super) scratch: Scratch,
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
    /// The working copies of the last call, to refill (see `overlay::refill_working_copy`):
    /// shared by every request, so a request's first call refills too instead of copying
    /// afresh.
    pub(super) copies: Vec<(u32, Instance)>,
}

/// What a call gives for its placed tasks and failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Output {
    /// The response, and a change set (one-shot calls).
    ChangeSet,
    /// The response, and records for the `Placer` to apply.
    Records,
    /// Records only: no `Task` described and failure entries counted, not listed.
    RecordsOnly,
}

/// One call of the engine.
pub(super) struct Call<'a> {
    prepared: &'a Prepared,
    member_of: &'a FixedBitSet,
    pub(super) overlay: Overlay<'a>,
    spreads: Vec<Option<SpreadCounts>>,
    pub(super) routes: Vec<RouteState>,
    rng: SeededRng,
    /// Whether new routes get a ranking index (worth it only when the rows are kept).
    pub(super) index_rows: bool,
    /// What the call gives for its placed tasks and failures.
    pub(super) output: Output,
    /// The tie list, kept to reuse its allocation.
    tied: Vec<u32>,
    /// The call's group's RUNNING tasks per instance, this call's included, once a route
    /// ranked by leaders needs it.
    group_column: Option<Vec<u32>>,
    /// Buffers to refill (see [`Scratch`]).
    pub(super) scratch: Scratch,
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
    pub(super) fn with_spreads(
        prepared: &'a Prepared,
        member_of: &'a FixedBitSet,
        snapshot: &'a Snapshot,
        seed: u64,
        spreads: Option<Vec<Option<SpreadCounts>>>,
    ) -> Self {
        let overlay = Overlay::new(snapshot, &prepared.plan.group);
        let spreads = spreads.unwrap_or_else(|| {
            spread_counts(
                &prepared.plan.strategies,
                &prepared.slot_columns,
                snapshot,
                overlay.base_group,
            )
        });
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
    pub(super) fn run(mut self) -> CallEnd {
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
                        let task = described.task(self.overlay.base);
                        outcome.response.tasks.push(task.clone());
                        let placed = described.placed(task, &self.prepared.plan.group);
                        outcome.changes.tasks.push(placed);
                    }
                    Output::Records => {
                        outcome
                            .response
                            .tasks
                            .push(described.task(self.overlay.base));
                        records.push(described.into_record());
                    }
                    Output::RecordsOnly => records.push(described.into_record()),
                },
                Err(index) => {
                    let judge = self.judge();
                    let group_column = self.group_column.as_deref();
                    if let Some(state) = self.routes.get(index) {
                        if self.output == Output::RecordsOnly {
                            judge.count_failures(state, group_column, &mut failure_counts);
                        } else {
                            let failures = judge.failures(state, group_column);
                            outcome.response.failures.extend(failures);
                        }
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
    pub(super) fn refresh(&mut self, touched: &[u32]) {
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
            let row = admitted.then(|| self.judge().row(position, instance, &self.spreads));
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
            self.routes
                .push(RouteState::with_leaders(route, pool, leaders));
            return self.routes.len() - 1;
        }
        let group_counts = self
            .prepared
            .reads_group_count
            .then(|| self.overlay.group_count_column());
        let judge = self.judge();
        let rows = match judge.eligible(&pool) {
            Some(eligible) => judge.rows_on_cpu_and_memory(&eligible, group_counts.as_deref()),
            None => judge.rows_judged(&pool, group_counts.as_deref()),
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
        let eligible = self.judge().eligible(pool)?;
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

    /// The ranking index of `rows`, when the request's chain allows one.
    fn index(&self, rows: &[Row]) -> Option<Ranked> {
        let mut ranked = Ranked::for_strategies(&self.prepared.plan.strategies)?;
        for row in rows {
            ranked.insert(row);
        }
        Some(ranked)
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
        let row = self.judge().row(position, instance, &self.spreads);
        for route in &mut self.routes {
            if let Ok(at) = route.find(position) {
                route.set(at, row, false);
            }
        }
    }

    /// What judging an instance reads, as this call left the cluster.
    fn judge(&self) -> Judge<'_> {
        Judge {
            prepared: self.prepared,
            member_of: self.member_of,
            overlay: &self.overlay,
        }
    }

    /// Describes the task placed on `position` (or on Fargate), drawing its ARN.
    fn describe(&mut self, route: &Route, position: Option<u32>) -> Described {
        describe(
            self.prepared,
            &self.overlay,
            &mut self.rng,
            &mut self.scratch.task_arn,
            route,
            position,
        )
    }
}
