//! Sets of instances as bitsets by position, filled from lists of positions (an attribute
//! value's posting list, a group's instances).

use fixedbitset::FixedBitSet;

/// Adds every position of `positions` below `set.len()` to `set` (a position past it names no
/// instance of the set's snapshot and is skipped).
///
/// Positions of one list are mostly ascending, so consecutive ones share a word of the set.
/// Their bits are gathered in a register and each word is written once per run: setting them
/// one by one in memory makes every update wait for the previous store to the same word,
/// which made filling large posting lists the slowest part of compiling `!=` (about 1 ns per
/// position).
pub(crate) fn add_positions(set: &mut FixedBitSet, positions: impl IntoIterator<Item = u32>) {
    use super::free::BLOCK as BITS;
    let len = set.len();
    let words = set.as_mut_slice();
    let mut run: Option<(usize, usize)> = None;
    for position in positions {
        let position = position as usize;
        if position >= len {
            continue;
        }
        let (word, bit) = (position / BITS, 1 << (position % BITS));
        run = match run {
            Some((current, bits)) if current == word => Some((current, bits | bit)),
            finished => {
                store(words, finished);
                Some((word, bit))
            }
        };
    }
    store(words, run);
}

/// ORs a gathered run of bits into its word.
fn store(words: &mut [usize], run: Option<(usize, usize)>) {
    if let Some((word, bits)) = run
        && let Some(cell) = words.get_mut(word)
    {
        *cell |= bits;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The same set as inserting each position below the length, in any order, with
        /// repeats and positions past the end.
        #[test]
        fn adds_exactly_the_positions_below_the_length(
            len in 0usize..300,
            initial in proptest::collection::vec(0usize..300, 0..20),
            positions in proptest::collection::vec(0u32..320, 0..200),
        ) {
            let mut expected = FixedBitSet::with_capacity(len);
            for &p in initial.iter().filter(|&&p| p < len) {
                expected.insert(p);
            }
            let mut set = expected.clone();
            for &p in positions.iter().filter(|&&p| (p as usize) < len) {
                expected.insert(p as usize);
            }
            add_positions(&mut set, positions.iter().copied());
            prop_assert_eq!(set, expected);
        }
    }
}
