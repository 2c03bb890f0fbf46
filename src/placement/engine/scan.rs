//! The pass over a route's candidate rows that picks one task's instance, when no ranking index
//! ([`super::ranked`]) is kept: the one-shot `run_task` takes it for every task, a cached
//! request whose chain has no index for each of its tasks.
//!
//! This module owns that pass and its exactness. [`generic`] is the definition: per fitting
//! row (snapshot order) a key of one `u64` per strategy, compared lexicographically; the rows
//! with the least key tie, in row order; two or more ties draw one `below(ties)`. Its random
//! draws are the reference path's: first one column of draws per `random` strategy (strategy
//! by strategy, one draw per fitting row in row order), then the tie draw.
//!
//! [`choose`] gives the same winner, tie list and generator state as [`generic`] for every
//! input, but runs a pass monomorphised for each common chain (`[]`, `[binpack]`, `[spread]`,
//! `[spread(attribute), binpack]`, `[spread(instanceId)]`, `[random]`), with no key array, no
//! strategy match per row, no counting pass and no allocation. Why each is exact:
//! * the key of a one-strategy chain is the generic pass's one column, computed by the same
//!   expression (negative resources as 0, absent bucket slots as count 0);
//! * `[spread(attribute), binpack]` packs `(count, amount)`, two `u64`, into one `u128` as
//!   `count << 64 | amount`: since `amount < 2^64`, the `u128` order is exactly the
//!   lexicographic order of the pair, and nothing can overflow;
//! * `[random]`: with one `random` strategy the generic pass's draws are one per fitting row
//!   in row order, nothing drawn between them, so the least of as many draws
//!   ([`SeededRng::least_draws`], eight at a time where the CPU allows) ties the same rows
//!   and leaves the generator in the same state;
//! * [`least_by`] keeps the generic pass's invariant (after a prefix of the fitting rows: the
//!   least key so far and the rows holding it, in order); the generic pass starts its best at
//!   all `u64::MAX` rather than at the first row's key, which selects the same rows because no
//!   key exceeds it.
//!
//! Every other chain takes [`generic`]. The unit tests check [`choose`] against [`generic`] on
//! random rows, counts, chains and seeds.

use super::row::Row;
use crate::placement::inputs::{BinpackField, SpreadField, Strategy};
use crate::placement::rng::SeededRng;
use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

/// Per strategy (by its index in the chain), the call's spread counts per bucket slot; empty
/// for a strategy that is not a spread over an attribute.
pub(super) type Counts<'c> = [&'c [u64]; MAX_KEY_WIDTH];

/// The chosen candidate's position (`None` when no row fits); `tied` is left holding the tie
/// list. Draws from `rng` exactly as [`generic`] does.
pub(super) fn choose(
    strategies: &[Strategy],
    counts: &Counts<'_>,
    rows: &[Row],
    rng: &mut SeededRng,
    tied: &mut Vec<u32>,
) -> Option<u32> {
    match strategies {
        [] => least_by(rows, tied, |_| ()),
        [Strategy::Binpack(BinpackField::Cpu)] => least_by(rows, tied, |row| amount(row.cpu)),
        [Strategy::Binpack(BinpackField::Memory)] => {
            least_by(rows, tied, |row| amount(row.memory));
        }
        [Strategy::Spread(SpreadField::Attribute(_))] => {
            let counts = counts[0];
            least_by(rows, tied, |row| bucket_count(counts, row.slots[0]));
        }
        [
            Strategy::Spread(SpreadField::Attribute(_)),
            Strategy::Binpack(field),
        ] => {
            let counts = counts[0];
            // One instance of the pass per field, so the loop reads one fixed column.
            match field {
                BinpackField::Cpu => least_by(rows, tied, |row| {
                    pack(bucket_count(counts, row.slots[0]), amount(row.cpu))
                }),
                BinpackField::Memory => least_by(rows, tied, |row| {
                    pack(bucket_count(counts, row.slots[0]), amount(row.memory))
                }),
            }
        }
        [Strategy::Spread(SpreadField::InstanceId)] => {
            least_by(rows, tied, |row| u64::from(row.group_count));
        }
        [Strategy::Random] => least_draw(rows, rng, tied),
        _ => return generic(strategies, counts, rows, rng, tied),
    }
    draw(rng, tied)
}

/// The definition of the choice (see the module documentation): keys of one `u64` per
/// strategy, compared lexicographically, every `random` column drawn first.
pub(super) fn generic(
    strategies: &[Strategy],
    counts: &Counts<'_>,
    rows: &[Row],
    rng: &mut SeededRng,
    tied: &mut Vec<u32>,
) -> Option<u32> {
    let fitting = rows.iter().filter(|r| r.fits).count();
    let random = random_columns(strategies, fitting, rng);
    let width = strategies.len().min(MAX_KEY_WIDTH);
    let mut best = [u64::MAX; MAX_KEY_WIDTH];
    tied.clear();
    let candidates = rows.iter().filter(|r| r.fits);
    for (index, row) in candidates.enumerate() {
        let mut key = [0u64; MAX_KEY_WIDTH];
        let mut random_column = 0;
        for ((column, strategy), cell) in strategies.iter().enumerate().zip(&mut key) {
            *cell = match strategy {
                Strategy::Random => {
                    random_column += 1;
                    random
                        .get(random_column - 1)
                        .and_then(|draws| draws.get(index))
                        .copied()
                        .unwrap_or(0)
                }
                // Written out rather than through the specialised passes' helpers, so that
                // the oracle does not share their mistakes.
                Strategy::Binpack(BinpackField::Cpu) => u64::try_from(row.cpu).unwrap_or(0),
                Strategy::Binpack(BinpackField::Memory) => u64::try_from(row.memory).unwrap_or(0),
                Strategy::Spread(SpreadField::InstanceId) => u64::from(row.group_count),
                Strategy::Spread(SpreadField::Attribute(_)) => counts
                    .get(column)
                    .zip(row.slots.get(column))
                    .and_then(|(counts, &slot)| counts.get(slot as usize))
                    .copied()
                    .unwrap_or(0),
            };
        }
        let (Some(key), Some(best)) = (key.get(..width), best.get_mut(..width)) else {
            continue;
        };
        match key.cmp(best) {
            std::cmp::Ordering::Less => {
                best.copy_from_slice(key);
                tied.clear();
                tied.push(row.position);
            }
            std::cmp::Ordering::Equal => tied.push(row.position),
            std::cmp::Ordering::Greater => {}
        }
    }
    draw(rng, tied)
}

/// One column of `rows` draws per `random` strategy, strategy by strategy.
fn random_columns(strategies: &[Strategy], rows: usize, rng: &mut SeededRng) -> Vec<Vec<u64>> {
    let randoms = strategies
        .iter()
        .filter(|s| matches!(s, Strategy::Random))
        .count();
    (0..randoms)
        .map(|_| (0..rows).map(|_| rng.next_u64()).collect())
        .collect()
}

/// `[random]`: one draw per fitting row in row order; the rows holding the least draw, in row
/// order, into `tied`.
fn least_draw(rows: &[Row], rng: &mut SeededRng, tied: &mut Vec<u32>) {
    let fitting = rows.iter().filter(|r| r.fits).count();
    rng.least_draws(fitting, tied);
    // `tied` holds ascending indices among the fitting rows: one walk turns them into
    // positions.
    let mut fitting_rows = rows.iter().filter(|r| r.fits).enumerate();
    tied.retain_mut(|entry| {
        let row = fitting_rows.find(|(index, _)| *index == *entry as usize);
        debug_assert!(row.is_some(), "every least draw names a fitting row");
        row.map(|(_, row)| *entry = row.position).is_some()
    });
}

/// The fitting rows with the least `key`, in row order, into `tied`. `key` is called exactly
/// once per fitting row, in row order (the `[random]` pass draws in it).
#[inline(always)]
fn least_by<K: Ord + Copy>(rows: &[Row], tied: &mut Vec<u32>, mut key: impl FnMut(&Row) -> K) {
    tied.clear();
    let mut candidates = rows.iter().filter(|r| r.fits);
    let Some(first) = candidates.next() else {
        return;
    };
    let mut best = key(first);
    tied.push(first.position);
    for row in candidates {
        let key = key(row);
        // One comparison per row: a new least or a tie is rare, so the branch predicts well
        // and the common path is a single compare.
        if key <= best {
            if key < best {
                best = key;
                tied.clear();
            }
            tied.push(row.position);
        }
    }
}

/// The winner among `tied`: the only one, or one drawn when two or more tie.
pub(super) fn draw(rng: &mut SeededRng, tied: &[u32]) -> Option<u32> {
    match tied.len() {
        0 => None,
        1 => tied.first().copied(),
        n => tied.get(rng.below(n as u64) as usize).copied(),
    }
}

/// A binpack key: the amount left, negative as 0.
#[inline(always)]
pub(super) fn amount(left: i64) -> u64 {
    u64::try_from(left).unwrap_or(0)
}

/// A spread key: the count of the row's bucket slot, 0 when the slot has none.
#[inline(always)]
fn bucket_count(counts: &[u64], slot: u32) -> u64 {
    counts.get(slot as usize).copied().unwrap_or(0)
}

/// A two-strategy key as one integer whose order is the pair's lexicographic order.
#[inline(always)]
fn pack(high: u64, low: u64) -> u128 {
    (u128::from(high) << 64) | u128::from(low)
}

#[cfg(test)]
mod tests {
    // Not the prelude: its `Strategy` trait would shadow the placement strategy.
    use proptest::prelude::{Just, ProptestConfig, any, prop_assert_eq, prop_oneof, proptest};

    use super::*;

    fn strategy() -> impl proptest::strategy::Strategy<Value = Strategy> {
        prop_oneof![
            Just(Strategy::Random),
            Just(Strategy::Binpack(BinpackField::Cpu)),
            Just(Strategy::Binpack(BinpackField::Memory)),
            Just(Strategy::Spread(SpreadField::InstanceId)),
            Just(Strategy::Spread(SpreadField::Attribute("zone".to_owned()))),
        ]
    }

    /// Every specialised chain often, and any chain of up to the maximum width.
    fn chain() -> impl proptest::strategy::Strategy<Value = Vec<Strategy>> {
        let spread = || Strategy::Spread(SpreadField::Attribute("zone".to_owned()));
        prop_oneof![
            Just(vec![]),
            Just(vec![Strategy::Binpack(BinpackField::Cpu)]),
            Just(vec![Strategy::Binpack(BinpackField::Memory)]),
            Just(vec![spread()]),
            Just(vec![spread(), Strategy::Binpack(BinpackField::Cpu)]),
            Just(vec![spread(), Strategy::Binpack(BinpackField::Memory)]),
            Just(vec![Strategy::Spread(SpreadField::InstanceId)]),
            Just(vec![Strategy::Random]),
            proptest::collection::vec(strategy(), 0..=MAX_KEY_WIDTH),
        ]
    }

    /// Small values (so keys tie often), sometimes any value (extremes and negatives).
    fn amount_value() -> impl proptest::strategy::Strategy<Value = i64> {
        prop_oneof![4 => -2i64..4, 1 => any::<i64>()]
    }

    fn count_value() -> impl proptest::strategy::Strategy<Value = u64> {
        prop_oneof![4 => 0u64..3, 1 => Just(u64::MAX), 1 => any::<u64>()]
    }

    fn row() -> impl proptest::strategy::Strategy<Value = (bool, u32, i64, i64, [u32; 5])> {
        (
            prop_oneof![4 => Just(true), 1 => Just(false)],
            prop_oneof![4 => 0u32..3, 1 => any::<u32>()],
            amount_value(),
            amount_value(),
            proptest::array::uniform5(0u32..6),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// The specialised passes give the generic pass's winner, tie list and generator.
        #[test]
        fn choose_equals_generic(
            chain in chain(),
            rows in proptest::collection::vec(row(), 0..120),
            columns in proptest::collection::vec(
                proptest::collection::vec(count_value(), 0..6), MAX_KEY_WIDTH),
            seed in any::<u64>(),
        ) {
            let rows: Vec<Row> = rows
                .into_iter()
                .enumerate()
                .map(|(i, (fits, group_count, cpu, memory, slots))| Row {
                    position: 3 * i as u32,
                    fits,
                    group_count,
                    cpu,
                    memory,
                    slots,
                })
                .collect();
            let mut counts: Counts<'_> = [&[]; MAX_KEY_WIDTH];
            for ((cell, column), strategy) in counts.iter_mut().zip(&columns).zip(&chain) {
                if matches!(strategy, Strategy::Spread(SpreadField::Attribute(_))) {
                    *cell = column;
                }
            }
            let (mut fast_rng, mut slow_rng) =
                (SeededRng::from_seed(seed), SeededRng::from_seed(seed));
            // Stale contents, as a reused buffer holds.
            let (mut fast_tied, mut slow_tied) = (vec![7, 8], vec![9]);
            let fast = choose(&chain, &counts, &rows, &mut fast_rng, &mut fast_tied);
            let slow = generic(&chain, &counts, &rows, &mut slow_rng, &mut slow_tied);
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(&fast_tied, &slow_tied);
            prop_assert_eq!(fast_rng.next_u64(), slow_rng.next_u64());
        }
    }
}
