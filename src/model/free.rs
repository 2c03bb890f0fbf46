//! Every instance's remaining CPU and memory as columns, by position, kept equal to the
//! instances' `remaining` by the snapshot. Judging thousands of instances on CPU and memory
//! reads these instead of one cache line of each `Instance`.
//!
//! Two forms are kept. The exact one (`i64` pairs) gives the values ranking reads. The narrow
//! one (two `i32` columns, each value clamped into `i32`) answers "which instances of this
//! block of 64 have enough of both" with comparisons of four values at once on the baseline
//! x86-64 instruction set, which has no 64-bit vector comparison: about three times faster
//! than comparing the exact pairs (measured in a throwaway program, 1.25 against 4.0 µs for
//! 5,000 instances).
//!
//! Clamping keeps the answer exact whenever the amount needed is above `i32::MIN` and at most
//! `i32::MAX`: a value above `i32::MAX` clamps to `i32::MAX`, still enough; a value below
//! `i32::MIN` clamps to `i32::MIN`, still short. Other amounts take the exact columns.

/// Instances per block: the bits of one word of a `FixedBitSet`.
pub(crate) const BLOCK: usize = usize::BITS as usize;

/// The remaining CPU and memory of every instance (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FreeColumns {
    exact: Vec<[i64; 2]>,
    narrow_cpu: Vec<i32>,
    narrow_memory: Vec<i32>,
}

/// An amount of CPU and memory needed, ready for [`FreeColumns::enough`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needed {
    exact: [i64; 2],
    /// The same in `i32`, when the narrow columns answer exactly for it.
    narrow: Option<[i32; 2]>,
}

impl Needed {
    pub(crate) fn new(exact: [i64; 2]) -> Self {
        let narrow_one = |amount: i64| i32::try_from(amount).ok().filter(|&a| a > i32::MIN);
        let narrow = match exact.map(narrow_one) {
            [Some(cpu), Some(memory)] => Some([cpu, memory]),
            _ => None,
        };
        Self { exact, narrow }
    }
}

impl FreeColumns {
    /// The columns of instances with these remaining CPU and memory, in position order.
    pub(crate) fn new(free: impl IntoIterator<Item = [i64; 2]>) -> Self {
        let mut columns = Self::default();
        for value in free {
            columns.push(value);
        }
        columns
    }

    /// Adds the instance after the last (a registration).
    pub(crate) fn push(&mut self, value: [i64; 2]) {
        self.exact.push(value);
        self.narrow_cpu.push(clamp(value[0]));
        self.narrow_memory.push(clamp(value[1]));
    }

    /// The remaining CPU and memory of the instance at `position`.
    #[inline]
    pub(crate) fn get(&self, position: usize) -> Option<[i64; 2]> {
        self.exact.get(position).copied()
    }

    /// Every instance's remaining CPU and memory, by position (the harness's gauges read them
    /// all at once).
    pub(crate) fn all(&self) -> &[[i64; 2]] {
        &self.exact
    }

    /// Sets the remaining CPU and memory of the instance at `position`; a position past the
    /// columns is ignored (callers pass positions of the snapshot the columns were built for).
    pub(crate) fn set(&mut self, position: usize, value: [i64; 2]) {
        let cells = (
            self.exact.get_mut(position),
            self.narrow_cpu.get_mut(position),
            self.narrow_memory.get_mut(position),
        );
        if let (Some(exact), Some(cpu), Some(memory)) = cells {
            *exact = value;
            *cpu = clamp(value[0]);
            *memory = clamp(value[1]);
        }
    }

    /// Bit `i` is set when the instance at `block * BLOCK + i` has at least `needed` CPU and
    /// memory (no bit past the last instance).
    #[inline]
    pub(crate) fn enough(&self, block: usize, needed: &Needed) -> u64 {
        let start = block * BLOCK;
        let end = start.saturating_add(BLOCK);
        if let (Some(narrow), Some(cpu), Some(memory)) = (
            needed.narrow,
            self.narrow_cpu.get(start..end),
            self.narrow_memory.get(start..end),
        ) && let (Ok(cpu), Ok(memory)) = (cpu.try_into(), memory.try_into())
        {
            return enough_in_full_block(cpu, memory, narrow);
        }
        let exact = self.exact.get(start..).unwrap_or_default();
        let exact = exact.get(..BLOCK).unwrap_or(exact);
        let [cpu_needed, memory_needed] = needed.exact;
        let mut enough = 0;
        for (bit, &[cpu, memory]) in exact.iter().enumerate() {
            enough |= u64::from((cpu >= cpu_needed) & (memory >= memory_needed)) << bit;
        }
        enough
    }
}

/// `value` clamped into `i32`.
fn clamp(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

/// [`FreeColumns::enough`] on a whole block of the narrow columns. One byte per instance
/// first (a loop the compiler turns into 4-wide comparisons), then eight bytes at a time
/// packed into eight bits.
#[inline]
fn enough_in_full_block(
    cpu: &[i32; BLOCK],
    memory: &[i32; BLOCK],
    [cpu_needed, memory_needed]: [i32; 2],
) -> u64 {
    let mut bytes = [0u8; BLOCK];
    for ((byte, &cpu), &memory) in bytes.iter_mut().zip(cpu).zip(memory) {
        *byte = u8::from((cpu >= cpu_needed) & (memory >= memory_needed));
    }
    let mut enough = 0;
    for (index, eight) in bytes.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        enough |= pack_eight(u64::from_le_bytes(word)) << (index * 8);
    }
    enough
}

/// Eight bytes, each 0 or 1, as eight bits (byte `i` to bit `i`). The multiplier's byte `j`
/// is `2^(7 - j)`, which moves byte `i`'s bit to bit `56 + i` through the product with byte
/// `7 - i`; every other product lands on a distinct bit outside the top byte, so nothing
/// carries into it.
#[inline]
fn pack_eight(bytes: u64) -> u64 {
    bytes.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Amounts around the edges of `i32`, and small ones so that comparisons go both ways.
    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![
            4 => -3i64..4,
            1 => Just(i64::MIN),
            1 => Just(i64::MAX),
            1 => Just(i64::from(i32::MIN) - 1),
            1 => Just(i64::from(i32::MIN)),
            1 => Just(i64::from(i32::MIN) + 1),
            1 => Just(i64::from(i32::MAX) - 1),
            1 => Just(i64::from(i32::MAX)),
            1 => Just(i64::from(i32::MAX) + 1),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Every bit of every block, full or not, is the exact comparison, whether the
        /// narrow or the exact columns answer; also after values are set.
        #[test]
        fn enough_is_the_exact_comparison(
            values in proptest::collection::vec((amount(), amount()), 0..200),
            changes in proptest::collection::vec((0usize..200, amount(), amount()), 0..8),
            needed in (amount(), amount()),
        ) {
            let mut values: Vec<[i64; 2]> = values.into_iter().map(|(c, m)| [c, m]).collect();
            let mut columns = FreeColumns::new(values.iter().copied());
            for (position, cpu, memory) in changes {
                columns.set(position, [cpu, memory]);
                if let Some(value) = values.get_mut(position) {
                    *value = [cpu, memory];
                }
            }
            let (cpu_needed, memory_needed) = needed;
            let needed = Needed::new([cpu_needed, memory_needed]);
            for block in 0..values.len().div_ceil(BLOCK) + 1 {
                let mask = columns.enough(block, &needed);
                for bit in 0..BLOCK {
                    let position = block * BLOCK + bit;
                    let expected = values
                        .get(position)
                        .is_some_and(|&[c, m]| c >= cpu_needed && m >= memory_needed);
                    prop_assert_eq!(mask >> bit & 1 == 1, expected, "position {}", position);
                }
            }
            for (position, value) in values.iter().enumerate() {
                prop_assert_eq!(columns.get(position), Some(*value));
            }
        }
    }

    #[test]
    fn eight_bytes_pack_in_order() {
        assert_eq!(pack_eight(0), 0);
        assert_eq!(pack_eight(0x0101_0101_0101_0101), 0xff);
        for byte in 0..8 {
            assert_eq!(pack_eight(1 << (byte * 8)), 1 << byte);
        }
        assert_eq!(pack_eight(0x0001_0000_0100_0001), 0b0100_1001);
    }

    #[test]
    fn amounts_at_i32_min_or_past_i32_take_the_exact_columns() {
        assert_eq!(Needed::new([1, 2]).narrow, Some([1, 2]));
        assert_eq!(Needed::new([i64::from(i32::MIN), 2]).narrow, None);
        assert_eq!(Needed::new([1, i64::from(i32::MAX) + 1]).narrow, None);
        assert_eq!(
            Needed::new([i64::from(i32::MIN) + 1, i64::from(i32::MAX)]).narrow,
            Some([i32::MIN + 1, i32::MAX])
        );
    }
}
