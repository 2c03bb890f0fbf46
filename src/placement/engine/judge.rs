//! Judging instances once per call instead of once per task: which instances of a route are
//! candidates (as rows), and, when no instance can take a task, each rejecting instance's
//! reason.
//!
//! Technique: the checks that never change during a call (`memberOf` folded to a bitset,
//! ACTIVE with the agent connected, the pool, required attributes) are set operations over
//! the snapshot's bitsets ([`Judge::eligible`]); what remains for a task that needs only CPU
//! and memory is read from the snapshot's columns. What it keeps exact: every verdict is
//! [`feasibility::check_instance`]'s, the definition's check, either called
//! ([`Judge::rows_judged`], [`Judge::for_each_rejection`]) or restated on the columns in the
//! same order (agent, attributes, CPU, memory, `memberOf`, `distinctInstance`:
//! [`Judge::rows_on_cpu_and_memory`], [`Judge::rejections_from_columns`]), which the property
//! tests hold to the definition.

use fixedbitset::FixedBitSet;

use std::sync::Arc;

use crate::aws::Failure;
use crate::model::Instance;
use crate::placement::capacity::Pool;
use crate::placement::feasibility::{self, Rejection};
use crate::placement::response;
use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

use super::overlay::Overlay;
use super::prepared::Prepared;
use super::routes::RouteState;
use super::row::Row;
use super::spread::SpreadCounts;

/// Failure entries counted by reason, in order of first appearance.
pub(crate) type FailureCounts = Vec<(&'static str, u64)>;

/// What judging an instance reads: the prepared request, its `memberOf` bitset and the call's
/// overlay (see the module documentation).
#[derive(Clone, Copy)]
pub(super) struct Judge<'c> {
    pub(super) prepared: &'c Prepared,
    pub(super) member_of: &'c FixedBitSet,
    pub(super) overlay: &'c Overlay<'c>,
}

impl Judge<'_> {
    /// What the task needs of an instance that changes as tasks are placed (see [`Fit`]).
    fn fit(&self) -> Fit {
        let requirements = &self.prepared.requirements;
        let demand = requirements.demand();
        Fit {
            cpu: feasibility::signed(demand.cpu),
            memory: feasibility::signed(demand.memory_mib),
            distinct: requirements.distinct_instance(),
        }
    }

    /// When the task needs only CPU and memory and the pool is read from the attribute
    /// index: the instances that pass every check that never changes (`memberOf`, ACTIVE with
    /// the agent connected, in the pool, the required attributes), as one set.
    pub(super) fn eligible(&self, pool: &Pool) -> Option<FixedBitSet> {
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

    /// The rows of the `eligible` instances (see [`Judge::eligible`]) that fit: each judged on
    /// its remaining CPU and memory (from the snapshot's column, or this call's working copy)
    /// and the group's count, without reading the instance. The same rows as
    /// [`Judge::rows_judged`], as `check_instance` passes exactly when these do.
    pub(super) fn rows_on_cpu_and_memory(
        &self,
        eligible: &FixedBitSet,
        group_counts: Option<&[u32]>,
    ) -> Vec<Row> {
        rows_on_columns(
            self.overlay,
            eligible,
            group_counts,
            self.fit(),
            &self.prepared.slot_columns,
        )
    }

    /// The rows of the instances `memberOf` admits that are in the pool, ACTIVE and fit, each
    /// judged by `check_instance`.
    pub(super) fn rows_judged(&self, pool: &Pool, group_counts: Option<&[u32]>) -> Vec<Row> {
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

    /// The row of an ACTIVE instance `memberOf` admits, as it is now.
    pub(super) fn row(
        &self,
        position: u32,
        instance: &Instance,
        spreads: &[Option<SpreadCounts>],
    ) -> Row {
        let mut row = self.row_without_slots(position, instance);
        for (slot, spread) in row.slots.iter_mut().zip(spreads) {
            if let Some(spread) = spread {
                *slot = spread.slot(position);
            }
        }
        row
    }

    /// [`Judge::row`] with every bucket slot 0 (the caller fills them).
    pub(super) fn row_without_slots(&self, position: u32, instance: &Instance) -> Row {
        let group_count = if self.prepared.reads_group_count {
            self.overlay.group_count(position)
        } else {
            0
        };
        self.row_with_count(position, instance, group_count)
    }

    /// [`Judge::row_without_slots`] with the group's count on the instance given (0 when
    /// nothing reads it).
    pub(super) fn row_with_count(
        &self,
        position: u32,
        instance: &Instance,
        group_count: u32,
    ) -> Row {
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

    /// The failure entries of a task no instance could take: every instance of the pool that
    /// rejected it, with its first failing check, else one entry naming the route.
    pub(super) fn failures(
        &self,
        state: &RouteState,
        group_column: Option<&[u32]>,
    ) -> Vec<Failure> {
        let mut failures = Vec::new();
        let instances = self.overlay.base.instances();
        self.for_each_rejection(state, group_column, |position, reason| {
            if let Some(instance) = instances.get(position as usize) {
                failures.push(response::failure(&instance.arn, reason));
            }
        });
        if failures.is_empty() {
            let snapshot = self.overlay.base;
            let shortfall = feasibility::shortfall(snapshot, &state.pool);
            failures.push(response::failure(
                &state.route.failure_arn(snapshot),
                shortfall.as_str(),
            ));
        }
        failures
    }

    /// [`Judge::failures`] counted by reason into `counts`, without building the entries.
    pub(super) fn count_failures(
        &self,
        state: &RouteState,
        group_column: Option<&[u32]>,
        counts: &mut FailureCounts,
    ) {
        let mut add = |reason: &'static str| match counts.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, count)) => *count += 1,
            None => counts.push((reason, 1)),
        };
        let rejected = self.for_each_rejection(state, group_column, |_, reason| add(reason));
        if rejected == 0 {
            add(feasibility::shortfall(self.overlay.base, &state.pool).as_str());
        }
    }

    /// Calls `each` with the position of every instance of the route's pool that rejects the
    /// task and the reason of its first failing check, in snapshot order; gives how many did.
    pub(super) fn for_each_rejection(
        &self,
        state: &RouteState,
        group_column: Option<&[u32]>,
        mut each: impl FnMut(u32, &'static str),
    ) -> usize {
        if let Some(rejected) = self.rejections_from_columns(state, group_column, &mut each) {
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

    /// [`Judge::for_each_rejection`] from bitsets and columns, without reading any instance,
    /// when the task needs only CPU and memory and the pool is read from the attribute index
    /// (`None` otherwise). The checks run in `check_instance`'s order: agent, attributes,
    /// CPU, memory, `memberOf`, `distinctInstance`.
    pub(super) fn rejections_from_columns(
        &self,
        state: &RouteState,
        group_column: Option<&[u32]>,
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
        let group_counts: &[u32] = match (group_column, distinct) {
            (_, false) => &[],
            (Some(column), true) => column,
            (None, true) => {
                built = self.overlay.group_count_column();
                &built
            }
        };
        Some(rejections_on_columns(
            self.overlay,
            self.member_of,
            &judged,
            attributes.as_ref(),
            group_counts,
            self.fit(),
            each,
        ))
    }
}

/// What a task needs of an instance that changes as tasks are placed, when it needs only CPU
/// and memory: the amounts, and whether `distinctInstance` asks for none of its group.
#[derive(Clone, Copy)]
struct Fit {
    cpu: i64,
    memory: i64,
    distinct: bool,
}

/// The loop of [`Judge::rejections_from_columns`] over the `judged` instances. What it reads
/// comes as parameters rather than through a `Judge`'s fields: the compiler then knows that
/// `each` (which may allocate) changes none of it and keeps it in registers across the loop;
/// read through a reference held in a struct, it was loaded again for every instance (a fifth
/// more instructions in the replay's failure counting, measured with callgrind). The same
/// holds for [`rows_on_columns`].
fn rejections_on_columns(
    overlay: &Overlay<'_>,
    member_of: &FixedBitSet,
    judged: &FixedBitSet,
    attributes: Option<&FixedBitSet>,
    group_counts: &[u32],
    fit: Fit,
    each: &mut impl FnMut(u32, &'static str),
) -> usize {
    let usable = &overlay.base.usable;
    let mut rejected = 0;
    for position in judged.ones() {
        let Some([cpu, memory]) = overlay.free(position as u32) else {
            continue;
        };
        let rejection = if !usable.contains(position) {
            Rejection::Agent
        } else if attributes.is_some_and(|set| !set.contains(position)) {
            Rejection::Attribute
        } else if cpu < fit.cpu {
            Rejection::Cpu
        } else if memory < fit.memory {
            Rejection::Memory
        } else if !member_of.contains(position) {
            Rejection::MemberOf
        } else if fit.distinct && group_counts.get(position).is_some_and(|&n| n > 0) {
            Rejection::DistinctInstance
        } else {
            continue;
        };
        rejected += 1;
        each(position as u32, rejection.as_str());
    }
    rejected
}

/// The loop of [`Judge::rows_on_cpu_and_memory`] over the `eligible` instances (its references
/// are parameters for the reason given at [`rejections_on_columns`]).
fn rows_on_columns(
    overlay: &Overlay<'_>,
    eligible: &FixedBitSet,
    group_counts: Option<&[u32]>,
    fit: Fit,
    columns: &[Option<Arc<Vec<u32>>>],
) -> Vec<Row> {
    let mut rows = Vec::with_capacity(eligible.count_ones(..));
    for position in eligible.ones() {
        let Some([cpu, memory]) = overlay.free(position as u32) else {
            continue;
        };
        let group_count = group_counts
            .and_then(|counts| counts.get(position))
            .copied()
            .unwrap_or(0);
        if cpu < fit.cpu || memory < fit.memory || (fit.distinct && group_count > 0) {
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
