//! Ranking a route's candidates without rows: per spread bucket, the least key and the
//! candidates holding it (the bucket's *leaders*), kept up to date task by task. Every one-shot
//! call takes it, and so do a request's first two calls through a `Placer` (rows are kept from
//! its third), so a stream of distinct requests neither judges every instance in full nor
//! passes over every candidate for each task.
//!
//! One pass over the route's eligible instances gathers the candidates as *members* (position,
//! bucket, own key: 16 bytes each, in position order). Placing a task changes one instance, so
//! [`Leaders::placed`] keeps the members exact: the instance's key is updated, or it leaves
//! when it no longer fits (a candidate never starts to fit during a call: placing only takes
//! capacity away).
//!
//! It serves the chains whose key is `(count of the candidate's spread bucket, an own key)`,
//! either part optional, where the own key depends on the candidate alone: nothing, `binpack`
//! on CPU or memory, or `spread(instanceId)` (the group's count on it). `[random]` is served
//! by a pass per task, drawing inline. [`Leaders::gather`] refuses every other chain
//! ([`Leaders::ranks_exactly`] tells beforehand).
//!
//! Why it is exact (the definition is the pass of [`super::scan`]: the fitting candidates in
//! position order, the least key, its ties in position order, one `below(ties)` draw for two
//! or more):
//! * the least key over all candidates is the least `(bucket count, bucket's least own key)`
//!   over the buckets, and its ties are the leaders of every bucket reaching it, merged into
//!   position order;
//! * placing a task changes one instance, `x`, and the count of its bucket. Counts are read
//!   afresh at every choice; among own keys only `x`'s changed, so its bucket's leaders follow
//!   from the old ones and `x` alone (see [`Leaders::placed`]). The one case they cannot
//!   follow, `x` was the only leader and its key grew or it no longer fits, marks the bucket
//!   stale, and the next choice passes over the members of the stale buckets;
//! * `[random]` passes over the members for every task, drawing one key per member in
//!   position order: the pass over rows draws one per fitting row in row order, the same
//!   candidates in the same order.
//!
//! The unit tests check every choice and the generator's state against [`super::scan`]'s
//! generic pass over rows rebuilt from the same state, task after task.

use fixedbitset::FixedBitSet;

use crate::model::free::{BLOCK, FreeColumns, Needed};

use super::scan::{amount, draw};
use crate::placement::inputs::{BinpackField, SpreadField, Strategy};
use crate::placement::rng::SeededRng;

/// What ranking reads of one fitting candidate, as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Candidate {
    pub(super) cpu: i64,
    pub(super) memory: i64,
    /// The call's group's RUNNING tasks on it.
    pub(super) group_count: u32,
}

/// The own key of a candidate, after the bucket's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OwnKey {
    /// No strategy after the spread (or none at all): every candidate of a bucket ties.
    Constant,
    Binpack(BinpackField),
    /// `spread(instanceId)`: the group's count on the candidate.
    GroupCount,
}

/// How the chain orders candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// `(bucket count, own key)`, with buckets only when `spread`.
    Keyed { spread: bool, own: OwnKey },
    /// `[random]`: one fresh draw per candidate and task.
    Random,
}

impl Order {
    /// The order of a chain leaders rank exactly.
    fn of(strategies: &[Strategy]) -> Option<Self> {
        let own = |strategy: &Strategy| match strategy {
            Strategy::Binpack(field) => Some(OwnKey::Binpack(*field)),
            Strategy::Spread(SpreadField::InstanceId) => Some(OwnKey::GroupCount),
            _ => None,
        };
        let on_attribute =
            |strategy: &Strategy| matches!(strategy, Strategy::Spread(SpreadField::Attribute(_)));
        let keyed = |spread, own| Some(Self::Keyed { spread, own });
        match strategies {
            [] => keyed(false, OwnKey::Constant),
            [Strategy::Random] => Some(Self::Random),
            [first] if on_attribute(first) => keyed(true, OwnKey::Constant),
            [first] => keyed(false, own(first)?),
            [first, second] if on_attribute(first) => keyed(true, own(second)?),
            _ => None,
        }
    }
}

/// One candidate: its position, its bucket (an index into [`Leaders::buckets`]) and its own
/// key, as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Member {
    position: u32,
    bucket: u32,
    key: u64,
}

/// One bucket's leaders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bucket {
    /// The least own key of the bucket's members and the members holding it, ascending (never
    /// empty).
    Known { key: u64, ties: Vec<u32> },
    /// Unknown: the next choice passes over the members to find them.
    Stale,
    /// The bucket has no member left.
    Empty,
}

/// The leaders of a route (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Leaders {
    order: Order,
    /// Every candidate, in position order.
    members: Vec<Member>,
    /// Per bucket: its slot and leaders, in the order the members first name them.
    buckets: Vec<(u32, Bucket)>,
}

impl Leaders {
    /// Whether leaders rank this chain exactly.
    pub(super) fn ranks_exactly(strategies: &[Strategy]) -> bool {
        Order::of(strategies).is_some()
    }

    /// Leaders of the candidates among `eligible` as `columns` describe them, when the chain
    /// is one they rank exactly. `members` is a buffer to refill (see
    /// [`Leaders::into_members`]).
    pub(super) fn gather(
        strategies: &[Strategy],
        eligible: &FixedBitSet,
        columns: &Columns<'_>,
        mut members: Vec<Member>,
    ) -> Option<Self> {
        let order = Order::of(strategies)?;
        members.clear();
        // One loop per own key and spread, each a few instructions per instance; members
        // hold their bucket slot until buckets are numbered.
        match order {
            Order::Random => collect::<false>(eligible, columns, &mut members, |_, _, _| 0),
            Order::Keyed { spread, own } => match (spread, own) {
                (false, OwnKey::Constant) => {
                    collect::<false>(eligible, columns, &mut members, |_, _, _| 0);
                }
                (true, OwnKey::Constant) => {
                    collect::<true>(eligible, columns, &mut members, |_, _, _| 0);
                }
                (false, OwnKey::Binpack(BinpackField::Cpu)) => {
                    collect::<false>(eligible, columns, &mut members, |cpu, _, _| amount(cpu));
                }
                (true, OwnKey::Binpack(BinpackField::Cpu)) => {
                    collect::<true>(eligible, columns, &mut members, |cpu, _, _| amount(cpu));
                }
                (false, OwnKey::Binpack(BinpackField::Memory)) => {
                    collect::<false>(eligible, columns, &mut members, |_, memory, _| {
                        amount(memory)
                    });
                }
                (true, OwnKey::Binpack(BinpackField::Memory)) => {
                    collect::<true>(eligible, columns, &mut members, |_, memory, _| {
                        amount(memory)
                    });
                }
                (false, OwnKey::GroupCount) => {
                    collect::<false>(eligible, columns, &mut members, |_, _, count| {
                        u64::from(count)
                    });
                }
                (true, OwnKey::GroupCount) => {
                    collect::<true>(eligible, columns, &mut members, |_, _, count| {
                        u64::from(count)
                    });
                }
            },
        }
        let buckets = match order {
            Order::Keyed { spread: true, .. } => number_buckets(&mut members),
            // Without a spread every member is in bucket 0 already (`collect::<false>`).
            _ if members.is_empty() => Vec::new(),
            _ => vec![(0, Bucket::Stale)],
        };
        Some(Self {
            order,
            members,
            buckets,
        })
    }

    /// The members' buffer, for the next call to refill.
    pub(super) fn into_members(self) -> Vec<Member> {
        self.members
    }

    /// The candidate to place the next task on, drawing from `rng` exactly as the pass over
    /// rows does; `None` when none fits. `counts` are the spread counts per bucket slot,
    /// `tied` a buffer to reuse.
    pub(super) fn choose(
        &mut self,
        counts: &[u64],
        rng: &mut SeededRng,
        tied: &mut Vec<u32>,
    ) -> Option<u32> {
        let spread = match self.order {
            Order::Random => return self.choose_at_random(rng, tied),
            Order::Keyed { spread, .. } => spread,
        };
        if self.buckets.iter().any(|(_, b)| *b == Bucket::Stale) {
            self.find_stale_leaders();
        }
        let count_of = |slot: u32| {
            if spread {
                counts.get(slot as usize).copied().unwrap_or(0)
            } else {
                0
            }
        };
        let best = self
            .buckets
            .iter()
            .filter_map(|(slot, bucket)| match bucket {
                Bucket::Known { key, .. } => Some((count_of(*slot), *key)),
                _ => None,
            })
            .min()?;
        let leading: Vec<&[u32]> = self
            .buckets
            .iter()
            .filter_map(|(slot, bucket)| match bucket {
                Bucket::Known { key, ties } if (count_of(*slot), *key) == best => Some(&ties[..]),
                _ => None,
            })
            .collect();
        match leading.as_slice() {
            // One bucket leads (always, without a spread): its leaders are the tie list.
            [ties] => draw(rng, ties),
            _ => {
                // The tie list is the leading buckets' leaders merged into position order;
                // the draw picks its k-th entry, found without merging.
                let ties = leading.iter().map(|l| l.len()).sum::<usize>();
                let k = if ties > 1 { rng.below(ties as u64) } else { 0 };
                kth_of_union(&leading, k as usize)
            }
        }
    }

    /// `[random]`: one pass, each member's key drawn as the pass reaches it.
    fn choose_at_random(&self, rng: &mut SeededRng, tied: &mut Vec<u32>) -> Option<u32> {
        // Indices of the least draws into `tied`, then replaced by those members' positions.
        rng.least_draws(self.members.len(), tied);
        for entry in tied.iter_mut() {
            let member = self.members.get(*entry as usize);
            debug_assert!(member.is_some(), "a least draw's index names a member");
            *entry = member?.position;
        }
        draw(rng, tied)
    }

    /// Finds the leaders of every stale bucket from its members.
    fn find_stale_leaders(&mut self) {
        if let [(_, bucket)] = self.buckets.as_mut_slice() {
            // One bucket (no spread, or one value): a tight pass over all members.
            *bucket = least_of(&self.members);
            return;
        }
        let mut stale_buckets = self
            .buckets
            .iter()
            .enumerate()
            .filter(|(_, (_, bucket))| *bucket == Bucket::Stale);
        if let (Some((only, _)), None) = (stale_buckets.next(), stale_buckets.next()) {
            // One stale bucket (a zone whose only leader filled up): two tight passes.
            let found = least_of_bucket(&self.members, only as u32);
            if let Some((_, bucket)) = self.buckets.get_mut(only) {
                *bucket = found;
            }
            return;
        }
        let mut found: Vec<Option<(u64, Vec<u32>)>> = vec![None; self.buckets.len()];
        let stale: Vec<bool> = self
            .buckets
            .iter()
            .map(|(_, bucket)| *bucket == Bucket::Stale)
            .collect();
        for member in &self.members {
            let index = member.bucket as usize;
            if !stale.get(index).copied().unwrap_or(false) {
                continue;
            }
            let Some(cell) = found.get_mut(index) else {
                continue;
            };
            match cell {
                None => *cell = Some((member.key, vec![member.position])),
                Some((least, ties)) => {
                    if member.key < *least {
                        *least = member.key;
                        ties.clear();
                        ties.push(member.position);
                    } else if member.key == *least {
                        ties.push(member.position);
                    }
                }
            }
        }
        for (((_, bucket), found), stale) in self.buckets.iter_mut().zip(found).zip(stale) {
            if stale {
                *bucket = match found {
                    Some((key, ties)) => Bucket::Known { key, ties },
                    None => Bucket::Empty,
                };
            }
        }
    }

    /// Follows a placement on `position`: `now` is the instance as it is after it (`None`
    /// when it no longer fits). Its member is updated or leaves; its bucket's leaders follow
    /// from the old ones unless `position` was the only leader and left the lead, which
    /// marks the bucket stale.
    pub(super) fn placed(&mut self, position: u32, now: Option<Candidate>) {
        let Ok(at) = self.members.binary_search_by_key(&position, |m| m.position) else {
            // Not a candidate: it cannot have become one.
            return;
        };
        let own = match self.order {
            Order::Keyed { own, .. } => own,
            Order::Random => OwnKey::Constant,
        };
        let key = now.map(|now| own_key(own, &now));
        let bucket = match (self.members.get_mut(at), key) {
            (Some(member), Some(key)) => {
                member.key = key;
                member.bucket
            }
            (Some(member), None) => {
                let bucket = member.bucket;
                self.members.remove(at);
                bucket
            }
            (None, _) => return,
        };
        if let Some((_, bucket)) = self.buckets.get_mut(bucket as usize) {
            *bucket = match std::mem::replace(bucket, Bucket::Stale) {
                Bucket::Known { key: least, ties } => follow(least, ties, position, key),
                other => other,
            };
        }
    }
}

/// The instances' state as leaders read it when they gather: per position, remaining CPU
/// and memory, the call's group's count (none: 0) and the leading spread's bucket slot (none:
/// 0); and what a task needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns<'c> {
    pub(super) free: &'c FreeColumns,
    pub(super) needed: Needed,
    /// Whether the group's count must be 0 (`distinctInstance`).
    pub(super) distinct: bool,
    pub(super) group_counts: &'c [u32],
    pub(super) slots: &'c [u32],
}

/// Pushes a member for every fitting instance of `eligible`, in position order, keyed by
/// `key(cpu, memory, group count)`, with its bucket slot in place of its bucket (0 without
/// `SPREAD`).
#[inline(always)]
fn collect<const SPREAD: bool>(
    eligible: &FixedBitSet,
    columns: &Columns<'_>,
    members: &mut Vec<Member>,
    key: impl Fn(i64, i64, u32) -> u64,
) {
    // Block by block of the eligible set: first which of its instances have the CPU and
    // memory (no branch per instance, see `FreeColumns::enough`), then a member for each
    // eligible one that does.
    for (block, &word) in eligible.as_slice().iter().enumerate() {
        if word == 0 {
            continue;
        }
        let start = block * BLOCK;
        // The mask has a bit per instance of the block, as many as the word has.
        let mut fitting = word & columns.free.enough(block, &columns.needed) as usize;
        while fitting != 0 {
            let position = start + fitting.trailing_zeros() as usize;
            fitting &= fitting - 1;
            let group_count = columns.group_counts.get(position).copied().unwrap_or(0);
            if columns.distinct && group_count > 0 {
                continue;
            }
            let Some([cpu, memory]) = columns.free.get(position) else {
                continue;
            };
            let slot = if SPREAD {
                columns.slots.get(position).copied().unwrap_or(0)
            } else {
                0
            };
            members.push(Member {
                position: position as u32,
                bucket: slot,
                key: key(cpu, memory, group_count),
            });
        }
    }
}

/// The leaders of `members`, all of one bucket: their least key and its holders in position
/// order (`Empty` when there is none).
fn least_of(members: &[Member]) -> Bucket {
    let Some((first, rest)) = members.split_first() else {
        return Bucket::Empty;
    };
    let mut least = first.key;
    let mut ties = vec![first.position];
    for member in rest {
        if member.key < least {
            least = member.key;
            ties.clear();
            ties.push(member.position);
        } else if member.key == least {
            ties.push(member.position);
        }
    }
    Bucket::Known { key: least, ties }
}

/// The leaders of the members of bucket `bucket` (`Empty` when it has none), in two passes
/// with no branch on the bucket: its least key, then its holders in position order. The
/// buckets of a spread interleave in position order, so one pass branching on each member's
/// bucket would mispredict about as often as it skips.
fn least_of_bucket(members: &[Member], bucket: u32) -> Bucket {
    let least = members
        .iter()
        .map(|m| if m.bucket == bucket { m.key } else { u64::MAX })
        .min()
        .unwrap_or(u64::MAX);
    let ties: Vec<u32> = members
        .iter()
        .filter(|m| m.key == least && m.bucket == bucket)
        .map(|m| m.position)
        .collect();
    if ties.is_empty() {
        Bucket::Empty
    } else {
        Bucket::Known { key: least, ties }
    }
}

/// Numbers the buckets in the order the members first name their slots, and gives each
/// member its bucket's number in place of its slot.
fn number_buckets(members: &mut [Member]) -> Vec<(u32, Bucket)> {
    let mut buckets: Vec<(u32, Bucket)> = Vec::new();
    // Per slot, its bucket's number (`u32::MAX` for none yet).
    let mut bucket_of_slot: Vec<u32> = Vec::new();
    for member in members {
        let slot = member.bucket;
        member.bucket = match bucket_of_slot.get(slot as usize) {
            Some(&bucket) if bucket != u32::MAX => bucket,
            _ => add_bucket(&mut buckets, &mut bucket_of_slot, slot),
        };
    }
    buckets
}

/// Adds a bucket for `slot`, stale until a pass finds its leaders; gives its number.
fn add_bucket(buckets: &mut Vec<(u32, Bucket)>, bucket_of_slot: &mut Vec<u32>, slot: u32) -> u32 {
    let slot_index = slot as usize;
    if bucket_of_slot.len() <= slot_index {
        bucket_of_slot.resize(slot_index + 1, u32::MAX);
    }
    let number = buckets.len() as u32;
    if let Some(cell) = bucket_of_slot.get_mut(slot_index) {
        *cell = number;
    }
    buckets.push((slot, Bucket::Stale));
    number
}

/// A bucket's leaders after the member at `position` changed to own key `key` (`None`: it
/// left), every other member unchanged.
fn follow(least: u64, mut ties: Vec<u32>, position: u32, key: Option<u64>) -> Bucket {
    let at = ties.binary_search(&position);
    match (key, at) {
        (Some(key), _) if key < least => Bucket::Known {
            key,
            ties: vec![position],
        },
        (Some(key), Err(at)) if key == least => {
            ties.insert(at, position);
            Bucket::Known { key: least, ties }
        }
        (Some(key), Ok(_)) if key == least => Bucket::Known { key: least, ties },
        // Worse than the least, or gone: it leaves the leaders if it was one.
        (_, Ok(at)) => {
            ties.remove(at);
            if ties.is_empty() {
                Bucket::Stale
            } else {
                Bucket::Known { key: least, ties }
            }
        }
        (_, Err(_)) => Bucket::Known { key: least, ties },
    }
}

/// The `k`-th smallest position (from 0) of the union of `lists`, each ascending and no two
/// sharing a position: the least `v` with more than `k` positions at or below it, found by
/// bisecting on `v`: about 32 steps, each a binary search in every list. Few buckets lead at
/// once in practice (the zones of a spread), where this is a few hundred comparisons instead
/// of merging thousands of ties; with a spread over an attribute of one value per instance,
/// every bucket can lead and a merge would be cheaper.
fn kth_of_union(lists: &[&[u32]], k: usize) -> Option<u32> {
    let at_or_below = |v: u32| -> usize {
        lists
            .iter()
            .map(|list| list.partition_point(|&p| p <= v))
            .sum()
    };
    let mut low = lists.iter().filter_map(|l| l.first()).copied().min()?;
    let mut high = lists.iter().filter_map(|l| l.last()).copied().max()?;
    if at_or_below(high) <= k {
        return None;
    }
    while low < high {
        let middle = low + (high - low) / 2;
        if at_or_below(middle) > k {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    Some(low)
}

/// The own key, as the pass over rows computes it.
fn own_key(own: OwnKey, candidate: &Candidate) -> u64 {
    match own {
        OwnKey::Constant => 0,
        OwnKey::Binpack(BinpackField::Cpu) => amount(candidate.cpu),
        OwnKey::Binpack(BinpackField::Memory) => amount(candidate.memory),
        OwnKey::GroupCount => u64::from(candidate.group_count),
    }
}

#[cfg(test)]
mod tests {
    // Not the prelude: its `Strategy` trait would shadow the placement strategy.
    use proptest::prelude::{Just, ProptestConfig, any, prop_assert_eq, prop_oneof, proptest};

    use super::*;
    use crate::placement::engine::row::Row;
    use crate::placement::engine::scan::{Counts, generic};
    use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

    /// Every chain leaders rank.
    fn chain() -> impl proptest::strategy::Strategy<Value = Vec<Strategy>> {
        let zone = || Strategy::Spread(SpreadField::Attribute("zone".to_owned()));
        let own = prop_oneof![
            Just(Strategy::Binpack(BinpackField::Cpu)),
            Just(Strategy::Binpack(BinpackField::Memory)),
            Just(Strategy::Spread(SpreadField::InstanceId)),
        ];
        prop_oneof![
            Just(vec![]),
            Just(vec![Strategy::Random]),
            Just(vec![zone()]),
            own.clone().prop_map(|s| vec![s]),
            own.prop_map(move |s| vec![zone(), s]),
        ]
    }

    /// One instance: eligible, CPU, memory, the group's count, bucket slot. Small values, so
    /// keys tie and instances stop fitting often.
    fn instance() -> impl proptest::strategy::Strategy<Value = (bool, i64, i64, u32, u32)> {
        (
            prop_oneof![4 => Just(true), 1 => Just(false)],
            prop_oneof![6 => 0i64..6, 1 => -2i64..0, 1 => Just(i64::MAX)],
            prop_oneof![6 => 0i64..6, 1 => Just(i64::MAX)],
            0u32..3,
            0u32..4,
        )
    }

    use proptest::strategy::Strategy as _;

    #[derive(Debug, Clone, Copy)]
    struct State {
        eligible: bool,
        cpu: i64,
        memory: i64,
        group_count: u32,
        slot: u32,
    }

    struct Demand {
        cpu: i64,
        memory: i64,
        distinct: bool,
    }

    impl Demand {
        fn fits(&self, s: &State) -> bool {
            s.cpu >= self.cpu && s.memory >= self.memory && !(self.distinct && s.group_count > 0)
        }

        fn candidate(&self, s: &State) -> Option<Candidate> {
            self.fits(s).then_some(Candidate {
                cpu: s.cpu,
                memory: s.memory,
                group_count: s.group_count,
            })
        }

        fn place(&self, s: &mut State, counts: &mut [u64]) {
            s.cpu = s.cpu.saturating_sub(self.cpu);
            s.memory = s.memory.saturating_sub(self.memory);
            s.group_count += 1;
            if let Some(count) = counts.get_mut(s.slot as usize) {
                *count += 1;
            }
        }
    }

    /// The oracle's rows: every eligible instance, in position order.
    fn rows(states: &[State], demand: &Demand) -> Vec<Row> {
        let mut rows = Vec::new();
        for (position, s) in states.iter().enumerate() {
            if s.eligible {
                let mut slots = [0; MAX_KEY_WIDTH];
                slots[0] = s.slot;
                rows.push(Row {
                    position: position as u32,
                    fits: demand.fits(s),
                    group_count: s.group_count,
                    cpu: s.cpu,
                    memory: s.memory,
                    slots,
                });
            }
        }
        rows
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Task after task, leaders choose what the generic pass over rows rebuilt from the
        /// same state chooses, and leave the generator where it leaves it; also when another
        /// route placed on some instances before they gathered, or places in between.
        #[test]
        fn leaders_choose_as_the_generic_pass(
            chain in chain(),
            // Up to two blocks and a part of the eligible set's bitset, so block edges are crossed.
            instances in proptest::collection::vec(instance(), 0..140),
            demand in (0i64..3, 0i64..3, any::<bool>()),
            counts in proptest::collection::vec(prop_oneof![4 => 0u64..3, 1 => any::<u64>()], 4),
            before in proptest::collection::vec(proptest::option::weighted(0.3, 0usize..140), 3),
            elsewhere in proptest::collection::vec(proptest::option::weighted(0.2, 0usize..140), 8),
            seed in any::<u64>(),
        ) {
            let demand = Demand { cpu: demand.0, memory: demand.1, distinct: demand.2 };
            let mut counts = counts;
            let mut states: Vec<State> = instances
                .into_iter()
                .map(|(eligible, cpu, memory, group_count, slot)| State {
                    eligible, cpu, memory, group_count, slot,
                })
                .collect();
            let mut eligible = FixedBitSet::with_capacity(states.len());
            for (position, s) in states.iter().enumerate() {
                eligible.set(position, s.eligible);
            }
            // Another route of the call may have placed tasks before this one gathers: the
            // engine gathers from the snapshot's resources and the call's group counts, then
            // follows each instance placed on.
            let free = FreeColumns::new(states.iter().map(|s| [s.cpu, s.memory]));
            let mut placed_before: Vec<usize> = Vec::new();
            for at in before.into_iter().flatten() {
                if let Some(state) = states.get_mut(at).filter(|s| demand.fits(s)) {
                    demand.place(state, &mut counts);
                    placed_before.push(at);
                }
            }
            placed_before.sort_unstable();
            placed_before.dedup();
            let group_counts: Vec<u32> = states.iter().map(|s| s.group_count).collect();
            let slots: Vec<u32> = states.iter().map(|s| s.slot).collect();
            let columns = Columns {
                free: &free,
                needed: Needed::new([demand.cpu, demand.memory]),
                distinct: demand.distinct,
                group_counts: &group_counts,
                slots: &slots,
            };
            let Some(mut leaders) = Leaders::gather(&chain, &eligible, &columns, Vec::new()) else {
                panic!("leaders rank {chain:?}");
            };
            for at in placed_before {
                if let Some(state) = states.get(at) {
                    leaders.placed(at as u32, demand.candidate(state));
                }
            }
            let (mut fast_rng, mut slow_rng) =
                (SeededRng::from_seed(seed), SeededRng::from_seed(seed));
            let (mut fast_tied, mut slow_tied) = (vec![5], vec![6]);
            for other in elsewhere {
                let mut columns: Counts<'_> = [&[]; MAX_KEY_WIDTH];
                if matches!(chain.first(), Some(Strategy::Spread(SpreadField::Attribute(_)))) {
                    columns[0] = &counts;
                }
                let rows = rows(&states, &demand);
                let slow = generic(&chain, &columns, &rows, &mut slow_rng, &mut slow_tied);
                let fast = leaders.choose(&counts, &mut fast_rng, &mut fast_tied);
                prop_assert_eq!(fast, slow);
                prop_assert_eq!(fast_rng.clone().next_u64(), slow_rng.clone().next_u64());
                // This route's choice, or (now and then) another route's on any instance
                // that fits the demand.
                let placed = match other {
                    Some(at) if states.get(at).is_some_and(|s| demand.fits(s)) => Some(at as u32),
                    _ => fast,
                };
                let Some(position) = placed else { break };
                let Some(state) = states.get_mut(position as usize) else { break };
                demand.place(state, &mut counts);
                leaders.placed(position, demand.candidate(state));
            }
        }
    }

    #[test]
    fn kth_of_union_merges_in_position_order() {
        let lists: [&[u32]; 3] = [&[1, 7, 9], &[0, 4], &[8]];
        let merged: Vec<Option<u32>> = (0..7).map(|k| kth_of_union(&lists, k)).collect();
        assert_eq!(
            merged,
            [Some(0), Some(1), Some(4), Some(7), Some(8), Some(9), None]
        );
        assert_eq!(kth_of_union(&[], 0), None);
    }
}
