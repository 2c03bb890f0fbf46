//! Strategies: the integer key of each candidate, compared lexicographically in strategy order,
//! and the seeded choice among the best (DECISIONS 21–28).
//!
//! Per strategy, lower is better:
//! * `binpack(cpu|memory)`: the candidate's remaining amount;
//! * `spread(instanceId)`: the group's RUNNING tasks on the candidate;
//! * `spread(attribute:X)`: the group's RUNNING tasks on every instance of the cluster
//!   sharing the candidate's value of X (instances lacking X form one bucket);
//! * `random`: a fresh 64-bit draw per candidate.
//!
//! Tasks placed earlier in the call are counted because they are already in the working state.

use indexmap::IndexMap;

use crate::model::{AttrNameId, AttrValueId, GroupId, Snapshot};

use super::inputs::{BinpackField, SpreadField, Strategy};
use super::rng::SeededRng;

/// One candidate's key: one integer per strategy.
pub type Key = Vec<u64>;

/// The keys of all candidates, row by row in one allocation (a call ranks thousands of
/// candidates per task; one vector each would dominate the time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyTable {
    width: usize,
    rows: usize,
    values: Vec<u64>,
}

impl KeyTable {
    /// How many candidates.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Candidate `row`'s key (empty when out of range).
    pub fn key(&self, row: usize) -> &[u64] {
        let start = row * self.width;
        self.values
            .get(start..start + self.width)
            .unwrap_or_default()
    }

    /// Every key, in candidate order.
    pub fn iter(&self) -> impl Iterator<Item = &[u64]> + '_ {
        (0..self.rows).map(|row| self.key(row))
    }
}

/// The key of every candidate (in the order given), drawing random keys from `rng` strategy by
/// strategy, candidate by candidate.
pub fn keys(
    snapshot: &Snapshot,
    candidates: &[u32],
    strategies: &[Strategy],
    group: Option<GroupId>,
    rng: &mut SeededRng,
) -> KeyTable {
    let width = strategies.len();
    let mut table = KeyTable {
        width,
        rows: candidates.len(),
        values: vec![0; width * candidates.len()],
    };
    for (index, strategy) in strategies.iter().enumerate() {
        let column = column(snapshot, candidates, strategy, group, rng);
        for (row, value) in column.into_iter().enumerate() {
            if let Some(slot) = table.values.get_mut(row * width + index) {
                *slot = value;
            }
        }
    }
    table
}

/// One strategy's values for every candidate.
fn column(
    snapshot: &Snapshot,
    candidates: &[u32],
    strategy: &Strategy,
    group: Option<GroupId>,
    rng: &mut SeededRng,
) -> Vec<u64> {
    let instances = snapshot.instances();
    let instance = |position: u32| instances.get(position as usize);
    match strategy {
        Strategy::Random => candidates.iter().map(|_| rng.next_u64()).collect(),
        Strategy::Binpack(field) => candidates
            .iter()
            .map(|&p| {
                let remaining = instance(p).map_or(0, |i| match field {
                    BinpackField::Cpu => i.remaining.cpu,
                    BinpackField::Memory => i.remaining.memory,
                });
                u64::try_from(remaining).unwrap_or(0)
            })
            .collect(),
        Strategy::Spread(SpreadField::InstanceId) => candidates
            .iter()
            .map(|&p| {
                let count = group.map_or(0, |g| instance(p).map_or(0, |i| i.group_count(g)));
                u64::from(count)
            })
            .collect(),
        Strategy::Spread(SpreadField::Attribute(name)) => {
            // Resolved once per call of the column, not per instance.
            let name = snapshot.attribute_name_id(name);
            let counts = bucket_counts(snapshot, name, group);
            candidates
                .iter()
                .map(|&p| counts.get(&bucket(snapshot, name, p)).copied().unwrap_or(0))
                .collect()
        }
    }
}

/// A spread bucket: the instance's value of the attribute; `None` when it lacks the attribute,
/// `Some(None)` when it has it without a value.
type Bucket = Option<Option<AttrValueId>>;

fn bucket(snapshot: &Snapshot, name: Option<AttrNameId>, position: u32) -> Bucket {
    snapshot
        .instances()
        .get(position as usize)?
        .attribute(name?)
}

/// The group's RUNNING tasks per bucket, over every instance of the cluster (DECISIONS 25).
fn bucket_counts(
    snapshot: &Snapshot,
    name: Option<AttrNameId>,
    group: Option<GroupId>,
) -> IndexMap<Bucket, u64> {
    let mut counts = IndexMap::new();
    let Some(group) = group else {
        return counts;
    };
    for (&position, &tasks) in snapshot.group_instances(group) {
        *counts.entry(bucket(snapshot, name, position)).or_insert(0) += u64::from(tasks);
    }
    counts
}

/// The index of the chosen candidate: the least key, ties broken uniformly by `rng` (a draw is
/// made only when two or more candidates tie). `None` when there is no candidate.
pub fn select(keys: &KeyTable, rng: &mut SeededRng) -> Option<usize> {
    let best = keys.iter().min()?;
    let tied: Vec<usize> = (0..keys.len()).filter(|&i| keys.key(i) == best).collect();
    match tied.len() {
        1 => tied.first().copied(),
        n => tied.get(rng.below(n as u64) as usize).copied(),
    }
}

/// The 1-based rank of each key: 1 + how many keys are strictly better.
pub fn ranks(keys: &KeyTable) -> Vec<u32> {
    let mut sorted: Vec<&[u64]> = keys.iter().collect();
    sorted.sort();
    keys.iter()
        .map(|key| sorted.partition_point(|other| *other < key) as u32 + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: Vec<Vec<u64>>) -> KeyTable {
        KeyTable {
            width: rows.first().map_or(0, Vec::len),
            rows: rows.len(),
            values: rows.concat(),
        }
    }

    #[test]
    fn select_prefers_the_lexicographically_least_key() {
        let keys = table(vec![vec![1, 5], vec![0, 9], vec![0, 3]]);
        let mut rng = SeededRng::from_seed(0);
        assert_eq!(select(&keys, &mut rng), Some(2));
        assert_eq!(keys.key(1), &[0, 9]);
        assert_eq!(select(&KeyTable::default(), &mut rng), None);
    }

    #[test]
    fn ties_are_broken_by_the_seed_and_reach_every_candidate() {
        let keys = table(vec![vec![1], vec![0], vec![0], vec![0]]);
        let mut seen = [false; 4];
        for seed in 0..64 {
            let mut rng = SeededRng::from_seed(seed);
            let chosen = select(&keys, &mut rng).unwrap_or(0);
            seen[chosen] = true;
        }
        assert_eq!(seen, [false, true, true, true]);
    }

    #[test]
    fn ranks_share_places_on_ties() {
        let keys = table(vec![vec![2], vec![1], vec![2], vec![0]]);
        assert_eq!(ranks(&keys), vec![3, 2, 3, 1]);
    }
}
