//! Spread counts kept per call instead of counted per task: per spread attribute, the call's
//! group's RUNNING tasks per bucket, and every instance's bucket as a column.
//!
//! Technique: the definition counts a candidate's bucket afresh for every task
//! ([`crate::placement::strategy`]); placing a task adds one to one bucket, so the engine
//! counts once and adds one per placement ([`SpreadCounts::add_one`]). What it keeps exact:
//! the counts run over every instance of the cluster whatever its status (DECISIONS 25), as
//! the definition's do; the bucket of an instance is its slot in the attribute's column
//! (0 without the attribute, 1 with it and no value, 2 + the value id), one bucket per
//! distinct value as in the definition.

use std::sync::Arc;

use crate::model::{AttrNameId, GroupId, Snapshot};
use crate::placement::inputs::{SpreadField, Strategy};

/// The call's group's RUNNING tasks per bucket of one spread attribute, over every instance of
/// the cluster whatever its status (DECISIONS 25: a DRAINING instance's running tasks still
/// run in their zone), indexed by bucket slot (see [`SlotColumns`]).
#[derive(Debug, Clone)]
pub(super) struct SpreadCounts {
    /// Every instance's bucket slot (the attribute's [`SlotColumns`] column).
    pub(super) column: Arc<Vec<u32>>,
    pub(super) counts: Vec<u64>,
}

impl SpreadCounts {
    /// Counts from the group index, reading each instance's slot from `column` (the
    /// attribute's [`SlotColumns`] column) rather than from the instance.
    pub(super) fn new(snapshot: &Snapshot, column: &Arc<Vec<u32>>, group: Option<GroupId>) -> Self {
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
    pub(super) fn slot(&self, position: u32) -> u32 {
        self.column.get(position as usize).copied().unwrap_or(0)
    }

    pub(super) fn add_one(&mut self, position: u32) {
        let slot = self.slot(position);
        if let Some(count) = self.counts.get_mut(slot as usize) {
            *count += 1;
        }
    }
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
    pub(super) fn get(&mut self, snapshot: &Snapshot, name: Option<AttrNameId>) -> Arc<Vec<u32>> {
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

/// Per strategy, the group's counts per bucket when it spreads over an attribute.
pub(super) fn spread_counts(
    strategies: &[Strategy],
    slot_columns: &[Option<Arc<Vec<u32>>>],
    snapshot: &Snapshot,
    group: Option<GroupId>,
) -> Vec<Option<SpreadCounts>> {
    strategies
        .iter()
        .zip(slot_columns)
        .map(|(strategy, column)| match (strategy, column) {
            (Strategy::Spread(SpreadField::Attribute(_)), Some(column)) => {
                Some(SpreadCounts::new(snapshot, column, group))
            }
            _ => None,
        })
        .collect()
}
