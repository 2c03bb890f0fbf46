//! What a `Placer` keeps of a request between its calls: the candidate rows of each route with
//! their ranking index, and the spread counts, followed from the instances each placement and
//! stop touched instead of built again.
//!
//! Technique: a request seen again starts from its last call's rows; only the instances at
//! `touched` are judged again ([`super::call`]'s `refresh`). What it keeps exact: a row is
//! rebuilt from its instance as it is now, so an instance touched several times is judged
//! once, as it stands; the kept spread counts add each touched instance's change of the
//! group's count to its buckets ([`KeptCounts::follow`]). `tests/placement_incremental.rs`
//! compares a `Placer` with `run_task` and `run_task_reference` over streams of calls and
//! stops.

use crate::model::{GroupId, Snapshot};

use super::call::{Call, Output, Scratch};
use super::judge::FailureCounts;
use super::overlay::fill_group_column;
use super::prepared::Prepared;
use super::routes::RouteState;
use super::spread::{SpreadCounts, spread_counts};
use crate::placement::changes::PlacedRecord;
use crate::placement::pipeline::RunTaskOutcome;

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

/// A cached request's call (see [`Prepared::run_cached`]).
pub(crate) struct CachedRun {
    /// The response (empty when only counting), with an empty change set.
    pub(crate) outcome: RunTaskOutcome,
    /// The placed tasks, to [`Snapshot::apply_record`] in order.
    pub(crate) records: Vec<PlacedRecord>,
    /// The failure entries by reason, when only counting.
    pub(crate) failure_counts: FailureCounts,
}

impl Prepared {
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
                    spreads: spread_counts(
                        &self.plan.strategies,
                        &self.slot_columns,
                        snapshot,
                        group,
                    ),
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
