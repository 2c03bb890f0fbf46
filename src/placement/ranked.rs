//! A ranking index over a cached route's candidate rows, for the strategy chains whose key is
//! (the group's count in the row's spread bucket, a binpack resource): `[binpack]` and
//! `[spread(attribute), binpack]`, the reference request's chain.
//!
//! Per bucket, an ordered set of `(binpack key, position)` holds the fitting rows. The least
//! key is then the least `(count, first key)` over the non-empty buckets, and its tie list is
//! the run of entries with that binpack key in each least-count bucket, merged into position
//! order: the candidates, in the same order, that a pass over every row would tie. So the
//! generator draws exactly as the pass does (no `random` strategy: one `below(ties)` when
//! two or more tie). The cost per task is the number of buckets plus the ties, not the rows.

use std::collections::{BTreeMap, BTreeSet};

use super::incremental::Row;
use super::inputs::{BinpackField, SpreadField, Strategy};

/// The index (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Ranked {
    /// Whether the first strategy is a spread over an attribute (else there is one bucket).
    spread: bool,
    field: BinpackField,
    buckets: BTreeMap<u32, BTreeSet<(u64, u32)>>,
}

impl Ranked {
    /// An empty index, when the chain is one the index ranks exactly.
    pub(super) fn for_strategies(strategies: &[Strategy]) -> Option<Self> {
        let (spread, field) = match strategies {
            [Strategy::Binpack(field)] => (false, field),
            [
                Strategy::Spread(SpreadField::Attribute(_)),
                Strategy::Binpack(field),
            ] => (true, field),
            _ => return None,
        };
        Some(Self {
            spread,
            field: *field,
            buckets: BTreeMap::new(),
        })
    }

    /// The row's bucket and entry; the binpack key is the pass's (`u64`, negative as 0).
    fn entry(&self, row: &Row) -> (u32, (u64, u32)) {
        let slot = if self.spread { row.slots[0] } else { 0 };
        let amount = match self.field {
            BinpackField::Cpu => row.cpu,
            BinpackField::Memory => row.memory,
        };
        (slot, (u64::try_from(amount).unwrap_or(0), row.position))
    }

    /// Adds a row (nothing when it does not fit).
    pub(super) fn insert(&mut self, row: &Row) {
        if row.fits {
            let (slot, entry) = self.entry(row);
            self.buckets.entry(slot).or_default().insert(entry);
        }
    }

    /// Removes a row as it was added.
    pub(super) fn remove(&mut self, row: &Row) {
        if !row.fits {
            return;
        }
        let (slot, entry) = self.entry(row);
        if let Some(set) = self.buckets.get_mut(&slot) {
            set.remove(&entry);
            if set.is_empty() {
                self.buckets.remove(&slot);
            }
        }
    }

    /// The positions of the candidates with the least key, ascending, into `tied` (empty when
    /// there is no candidate). `counts` are the spread counts per bucket slot.
    pub(super) fn least(&self, counts: &[u64], tied: &mut Vec<u32>) {
        tied.clear();
        let count_of = |slot: u32| {
            if self.spread {
                counts.get(slot as usize).copied().unwrap_or(0)
            } else {
                0
            }
        };
        let best = self
            .buckets
            .iter()
            .filter_map(|(&slot, set)| set.first().map(|&(key, _)| (count_of(slot), key)))
            .min();
        let Some((count, key)) = best else {
            return;
        };
        for (&slot, set) in &self.buckets {
            if count_of(slot) == count {
                tied.extend(set.range((key, 0)..=(key, u32::MAX)).map(|&(_, p)| p));
            }
        }
        tied.sort_unstable();
    }
}
