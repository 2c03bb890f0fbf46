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
//!
//! The unit tests compare [`Ranked::least`]'s tie list with a pass over every row on random
//! rows, counts and chains; through the `Placer`, the property tests compare whole outcomes
//! with the reference pipeline.

use std::collections::BTreeSet;

use super::row::Row;
use crate::placement::inputs::{BinpackField, SpreadField, Strategy};

/// The index (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Ranked {
    /// Whether the first strategy is a spread over an attribute (else there is one bucket).
    spread: bool,
    field: BinpackField,
    /// Per bucket: its slot and its fitting rows' entries (possibly none), in the order the
    /// slots were first seen. A list rather than a map: `least` visits every bucket for every
    /// task, and there are few (one per value of the spread attribute). A bucket that empties
    /// is kept, so `least` costs one step per bucket ever filled, which is bounded by the
    /// attribute's values, not by the rows.
    buckets: Vec<(u32, BTreeSet<(u64, u32)>)>,
    /// Per slot, the index of its bucket (`u32::MAX` for none yet).
    bucket_of_slot: Vec<u32>,
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
            buckets: Vec::new(),
            bucket_of_slot: Vec::new(),
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
            if let Some((_, set)) = self.bucket_mut(slot) {
                set.insert(entry);
            }
        }
    }

    /// Removes a row as it was added. Its bucket stays, empty or not.
    pub(super) fn remove(&mut self, row: &Row) {
        if !row.fits {
            return;
        }
        let (slot, entry) = self.entry(row);
        // A lookup that adds no bucket: a row never inserted has nothing to remove.
        let bucket = self.bucket_of_slot.get(slot as usize).copied();
        if let Some((_, set)) = bucket.and_then(|at| self.buckets.get_mut(at as usize)) {
            set.remove(&entry);
        }
    }

    /// The bucket of `slot`, added (empty) when it has none yet.
    fn bucket_mut(&mut self, slot: u32) -> Option<&mut (u32, BTreeSet<(u64, u32)>)> {
        let at = slot as usize;
        if self.bucket_of_slot.len() <= at {
            self.bucket_of_slot.resize(at + 1, u32::MAX);
        }
        let cell = self.bucket_of_slot.get_mut(at)?;
        if *cell == u32::MAX {
            *cell = self.buckets.len() as u32;
            self.buckets.push((slot, BTreeSet::new()));
        }
        self.buckets.get_mut(*cell as usize)
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
            .filter_map(|(slot, set)| set.first().map(|&(key, _)| (count_of(*slot), key)))
            .min();
        let Some(best) = best else {
            return;
        };
        let mut leading_buckets = 0;
        for (slot, set) in &self.buckets {
            // A bucket reaches the least key when its own least does: its entries with that
            // key are its first ones, in position order.
            match set.first() {
                Some(&(key, _)) if (count_of(*slot), key) == best => {
                    leading_buckets += 1;
                    tied.extend(set.iter().take_while(|(k, _)| *k == key).map(|&(_, p)| p));
                }
                _ => {}
            }
        }
        // One bucket's ties are in position order already; several are merged.
        if leading_buckets > 1 {
            tied.sort_unstable();
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{ProptestConfig, prop_assert_eq, prop_oneof, proptest};
    use proptest::strategy::Just;

    use super::*;
    use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

    fn row(position: u32, fits: bool, cpu: i64, memory: i64, slot: u32) -> Row {
        let mut slots = [0; MAX_KEY_WIDTH];
        slots[0] = slot;
        Row {
            position,
            fits,
            group_count: 0,
            cpu,
            memory,
            slots,
        }
    }

    /// The chains the index ranks, by number: `[binpack(memory)]`, `[binpack(cpu)]` and
    /// `[spread(attribute), binpack(memory)]`.
    fn chain(choice: u8) -> Vec<Strategy> {
        match choice {
            0 => vec![Strategy::Binpack(BinpackField::Memory)],
            1 => vec![Strategy::Binpack(BinpackField::Cpu)],
            _ => vec![
                Strategy::Spread(SpreadField::Attribute("zone".to_owned())),
                Strategy::Binpack(BinpackField::Memory),
            ],
        }
    }

    /// The definition: the fitting rows with the least `(count of their bucket, amount)`,
    /// in position order; without a spread every row's count is 0.
    fn least_by_pass(strategies: &[Strategy], rows: &[Row], counts: &[u64]) -> Vec<u32> {
        let spread = strategies.len() == 2;
        let key = |r: &Row| {
            let count = match spread {
                true => counts.get(r.slots[0] as usize).copied().unwrap_or(0),
                false => 0,
            };
            let amount = match strategies.last() {
                Some(Strategy::Binpack(BinpackField::Cpu)) => r.cpu,
                _ => r.memory,
            };
            (count, u64::try_from(amount).unwrap_or(0))
        };
        let fitting = rows.iter().filter(|r| r.fits);
        let Some(best) = fitting.clone().map(key).min() else {
            return Vec::new();
        };
        let mut tied: Vec<u32> = fitting
            .filter(|r| key(r) == best)
            .map(|r| r.position)
            .collect();
        tied.sort_unstable();
        tied
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// After any sequence of rows set (inserted, replaced or removed) and of removals of
        /// rows never inserted, the least key's ties are those a pass over the rows finds, in
        /// position order: for each chain the index ranks, across buckets whose positions
        /// interleave, with bucket slots far apart, and with negative amounts keyed as 0.
        #[test]
        fn least_is_the_pass_over_the_rows(
            choice in 0u8..3,
            changes in proptest::collection::vec(
                (
                    0u32..24,
                    prop_oneof![3 => Just(true), 1 => Just(false)],
                    -1i64..4,
                    -1i64..4,
                    prop_oneof![0u32..4, 1000u32..1004],
                    prop_oneof![5 => Just(false), 1 => Just(true)],
                ),
                0..60,
            ),
            count_bits in proptest::num::u64::ANY,
        ) {
            let strategies = chain(choice);
            let Some(mut ranked) = Ranked::for_strategies(&strategies) else {
                panic!("the index ranks every chain of `chain`");
            };
            // A count of 0 or 1 per slot, for slots 0..1004.
            let counts: Vec<u64> = (0..1004u32).map(|slot| (count_bits >> (slot % 64)) & 1).collect();
            let mut rows: Vec<Row> = Vec::new();
            let mut tied = Vec::new();
            for (position, fits, cpu, memory, slot, stray) in changes {
                let new = row(position, fits, cpu, memory, slot);
                if stray {
                    // A row at a position never used: removing it changes nothing.
                    ranked.remove(&row(position + 100, fits, cpu, memory, slot));
                } else {
                    match rows.iter_mut().find(|r| r.position == position) {
                        Some(old) => {
                            ranked.remove(old);
                            *old = new;
                        }
                        None => rows.push(new),
                    }
                    ranked.insert(&new);
                }
                ranked.least(&counts, &mut tied);
                prop_assert_eq!(&tied, &least_by_pass(&strategies, &rows, &counts));
            }
        }
    }
}
