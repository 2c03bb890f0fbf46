//! The least of many draws of the generator, computed eight draws at a time.
//!
//! The `random` strategy draws one key per candidate, in candidate order, and takes the least
//! (DECISIONS 23). That is the generator's 128-bit multiply per draw, three 64-bit multiplies
//! that a scalar loop issues one after another: about 1.4 ns per draw, and the generated
//! replay draws 329 million. The state after `k` draws is `state * M^k`, so eight lanes stepped
//! by `M^8` produce the same draws in the same order; with AVX-512 (64-bit lanes, an
//! unsigned 64-bit compare and a variable rotate) that takes about 0.6 ns per draw.
//!
//! The answer is the same integers on every machine: the lanes only compute the draws the
//! scalar loop would, and whenever two draws might share the least value the lanes give up and
//! the caller runs the scalar loop (ties are drawn among, so their order matters; two equal
//! 64-bit draws are about as likely as guessing a 64-bit number). Without AVX-512, or for a few
//! draws, [`least_without_tie`] answers `None` and the scalar loop runs.
//!
//! The unit tests compare the lanes with the scalar draws on 512 random states and lengths up
//! to 3,000, and the reduction on chosen keys that tie within a lane, across lanes and in the
//! tail. This file holds the crate's only `unsafe`: one call into the `#[target_feature]`
//! functions after `is_x86_feature_detected!` confirmed the features.

use crate::placement::rng::SeededRng;

impl SeededRng {
    /// Draws `count` values and puts the indices of those equal to the least of them,
    /// ascending, into `tied` (cleared first; empty when `count` is 0): the `random`
    /// strategy's key per candidate. Eight draws at a time where the CPU allows it (see the
    /// module documentation); the draws and the generator's state afterwards are those of
    /// `count` calls of [`SeededRng::next_u64`].
    pub(crate) fn least_draws(&mut self, count: usize, tied: &mut Vec<u32>) {
        let state = self.state();
        let after = match least_without_tie(state, count) {
            Some((index, after)) => {
                tied.clear();
                tied.push(index as u32);
                after
            }
            None => least_one_by_one(state, count, tied),
        };
        self.set_state(after);
    }
}

/// The generator's multiplier (PCG's MCG-XSL-RR-128/64, as in `rand_pcg::Pcg64Mcg`).
const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

/// Fewer draws than this are left to the scalar loop: setting up the lanes costs about as
/// much as a dozen draws.
const MIN_DRAWS: usize = 32;

/// The first draw's output for a state (the XSL-RR output function).
#[inline(always)]
fn output(state: u128) -> u64 {
    let rotation = (state >> 122) as u32;
    (((state >> 64) as u64) ^ (state as u64)).rotate_right(rotation)
}

/// Draws `count` values from `state` and returns the index of the least one and the state
/// after the last draw, or `None` when the lanes cannot answer (no AVX-512, few draws, or a
/// possible tie for the least value); then nothing was drawn and the caller draws one by one.
pub(super) fn least_without_tie(state: u128, count: usize) -> Option<(usize, u128)> {
    if count < MIN_DRAWS {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    if has_lanes() {
        // SAFETY: the function is compiled for AVX-512F and AVX-512DQ, and the CPU has both
        // (`has_lanes`, just above). It takes and returns plain integers.
        #[allow(unsafe_code)]
        return unsafe { avx512::least_without_tie(state, count) };
    }
    None
}

/// Whether the CPU runs the lanes: AVX-512F and AVX-512DQ (the features `avx512` is compiled
/// for; the standard library caches the answer).
fn has_lanes() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`avx512::least_of_keys`] where the CPU has AVX-512 (`None` elsewhere).
#[cfg(test)]
fn least_of_keys(keys: &[u64]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if has_lanes() {
        // SAFETY: the function is compiled for AVX-512F, which the CPU has (`has_lanes`,
        // just above); it reads only the slice it is given.
        #[allow(unsafe_code)]
        return unsafe { avx512::least_of_keys(keys) };
    }
    let _ = keys;
    None
}

/// The scalar definition: the indices of the draws equal to the least, ascending, into
/// `tied` (cleared first), and the state after `count` draws.
pub(super) fn least_one_by_one(mut state: u128, count: usize, tied: &mut Vec<u32>) -> u128 {
    tied.clear();
    let mut best = u64::MAX;
    for index in 0..count {
        state = state.wrapping_mul(MULTIPLIER);
        let key = output(state);
        if key < best || tied.is_empty() {
            best = key;
            tied.clear();
            tied.push(index as u32);
        } else if key == best {
            tied.push(index as u32);
        }
    }
    state
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_cmpeq_epu64_mask,
        _mm512_cmplt_epu64_mask, _mm512_mask_mov_epi64, _mm512_mask_reduce_max_epu64,
        _mm512_mask_reduce_min_epu64, _mm512_mul_epu32, _mm512_mullo_epi64,
        _mm512_reduce_min_epu64, _mm512_rorv_epi64, _mm512_set1_epi64, _mm512_setr_epi64,
        _mm512_srli_epi64, _mm512_xor_si512,
    };

    use super::{MULTIPLIER, output};

    const LANES: usize = 8;

    /// `MULTIPLIER^k` (mod 2^128).
    const fn power(k: u32) -> u128 {
        let mut result: u128 = 1;
        let mut i = 0;
        while i < k {
            result = result.wrapping_mul(MULTIPLIER);
            i += 1;
        }
        result
    }

    /// The step of every lane: eight draws.
    const STEP: u128 = power(LANES as u32);

    /// Eight 128-bit states, as their high and low 64-bit halves.
    #[derive(Clone, Copy)]
    struct States {
        high: __m512i,
        low: __m512i,
    }

    /// The constant a lane's state is multiplied by, split for the multiplies below.
    #[derive(Clone, Copy)]
    struct Factor {
        low: __m512i,
        low_high32: __m512i,
        high: __m512i,
    }

    /// Each lane's state times the factor, mod 2^128: the low halves' full 128-bit product
    /// (from four 32 × 32-bit products, as AVX-512 has no 64-bit high multiply) plus the low
    /// 64 bits of the two cross products, added to the high half.
    #[target_feature(enable = "avx512f,avx512dq")]
    fn multiply(states: States, factor: Factor) -> States {
        let mask32 = _mm512_set1_epi64(0xffff_ffff);
        let low_high32 = _mm512_srli_epi64::<32>(states.low);
        let p00 = _mm512_mul_epu32(states.low, factor.low);
        let p01 = _mm512_mul_epu32(states.low, factor.low_high32);
        let p10 = _mm512_mul_epu32(low_high32, factor.low);
        let p11 = _mm512_mul_epu32(low_high32, factor.low_high32);
        let middle = _mm512_add_epi64(
            _mm512_add_epi64(_mm512_srli_epi64::<32>(p00), _mm512_and_si512(p01, mask32)),
            _mm512_and_si512(p10, mask32),
        );
        let low_product_high = _mm512_add_epi64(
            _mm512_add_epi64(p11, _mm512_srli_epi64::<32>(p01)),
            _mm512_add_epi64(
                _mm512_srli_epi64::<32>(p10),
                _mm512_srli_epi64::<32>(middle),
            ),
        );
        let cross = _mm512_add_epi64(
            _mm512_mullo_epi64(states.low, factor.high),
            _mm512_mullo_epi64(states.high, factor.low),
        );
        States {
            high: _mm512_add_epi64(low_product_high, cross),
            low: _mm512_mullo_epi64(states.low, factor.low),
        }
    }

    /// Each lane's output (XSL-RR: the halves xored, rotated by the state's top six bits).
    #[target_feature(enable = "avx512f")]
    fn outputs(states: States) -> __m512i {
        let rotation = _mm512_srli_epi64::<58>(states.high);
        _mm512_rorv_epi64(_mm512_xor_si512(states.high, states.low), rotation)
    }

    fn splat(value: u64) -> i64 {
        value as i64
    }

    /// See [`super::least_without_tie`]; `count` is at least one block.
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn least_without_tie(state: u128, count: usize) -> Option<(usize, u128)> {
        let blocks = count / LANES;
        // Lane `j` starts at the state after draw `j` (state * M^(j + 1)).
        let mut starts = [state; LANES];
        let mut current = state;
        for start in &mut starts {
            current = current.wrapping_mul(MULTIPLIER);
            *start = current;
        }
        let half = |i: usize, high: bool| {
            let s = starts[i];
            splat(if high { (s >> 64) as u64 } else { s as u64 })
        };
        let lanes_of = |high: bool| {
            _mm512_setr_epi64(
                half(0, high),
                half(1, high),
                half(2, high),
                half(3, high),
                half(4, high),
                half(5, high),
                half(6, high),
                half(7, high),
            )
        };
        let mut states = States {
            high: lanes_of(true),
            low: lanes_of(false),
        };
        let factor = Factor {
            low: _mm512_set1_epi64(splat(STEP as u64)),
            low_high32: _mm512_set1_epi64(splat((STEP as u64) >> 32)),
            high: _mm512_set1_epi64(splat((STEP >> 64) as u64)),
        };
        let mut least = Least::new();
        for block in 0..blocks {
            if block > 0 {
                states = multiply(states, factor);
            }
            least.add(outputs(states));
        }
        let (best, best_index) = least.finish()?;
        // The last lane holds the state after the last whole block's draws.
        let last = 1 << (LANES - 1);
        let mut state = (u128::from(_mm512_mask_reduce_max_epu64(last, states.high)) << 64)
            | u128::from(_mm512_mask_reduce_max_epu64(last, states.low));
        let tail = (blocks * LANES..count).map(|index| {
            state = state.wrapping_mul(MULTIPLIER);
            (index, output(state))
        });
        let best_index = fold_tail(best, best_index, tail)?;
        Some((best_index, state))
    }

    /// The least of keys added eight at a time, per lane: its least key so far and that key's
    /// first index, and whether a key ever equalled its lane's least so far.
    struct Least {
        least: __m512i,
        least_index: __m512i,
        /// The indices of the next block's keys.
        index: __m512i,
        /// Lanes where a key equalled the lane's least so far: a possible tie (or a key of
        /// `u64::MAX`, the starting least), so the answer is left to the scalar loop.
        maybe_tied: u8,
    }

    impl Least {
        #[target_feature(enable = "avx512f")]
        fn new() -> Self {
            Self {
                least: _mm512_set1_epi64(-1),
                least_index: _mm512_set1_epi64(0),
                index: _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7),
                maybe_tied: 0,
            }
        }

        /// Adds the next block's eight keys (key `j` of block `b` is index `8b + j`).
        #[target_feature(enable = "avx512f")]
        fn add(&mut self, keys: __m512i) {
            let lower = _mm512_cmplt_epu64_mask(keys, self.least);
            self.maybe_tied |= _mm512_cmpeq_epu64_mask(keys, self.least);
            self.least = _mm512_mask_mov_epi64(self.least, lower, keys);
            self.least_index = _mm512_mask_mov_epi64(self.least_index, lower, self.index);
            self.index = _mm512_add_epi64(self.index, _mm512_set1_epi64(LANES as i64));
        }

        /// The least key and its index, or `None` when another key may equal it (within a
        /// lane, or two lanes holding the same least).
        #[target_feature(enable = "avx512f")]
        fn finish(self) -> Option<(u64, usize)> {
            let best = _mm512_reduce_min_epu64(self.least);
            let holders = _mm512_cmpeq_epu64_mask(self.least, _mm512_set1_epi64(splat(best)));
            if self.maybe_tied != 0 || holders.count_ones() != 1 {
                return None;
            }
            let index = _mm512_mask_reduce_min_epu64(holders, self.least_index);
            Some((best, index as usize))
        }
    }

    /// The lanes' least `best` (at `best_index`) against the keys after the last whole block,
    /// in order: the index of the least of all, or `None` on a tie with it.
    fn fold_tail(
        mut best: u64,
        mut best_index: usize,
        tail: impl Iterator<Item = (usize, u64)>,
    ) -> Option<usize> {
        for (index, key) in tail {
            if key == best {
                return None;
            }
            if key < best {
                (best, best_index) = (key, index);
            }
        }
        Some(best_index)
    }

    /// The least of `keys` as the lanes find it (whole blocks of eight, then the rest one by
    /// one): its index, or `None` on a possible tie. For testing the reduction on chosen keys.
    #[cfg(test)]
    #[target_feature(enable = "avx512f")]
    pub(super) fn least_of_keys(keys: &[u64]) -> Option<usize> {
        let mut least = Least::new();
        let mut blocks = keys.chunks_exact(LANES);
        for block in blocks.by_ref() {
            let key = |j: usize| splat(block.get(j).copied().unwrap_or(u64::MAX));
            least.add(_mm512_setr_epi64(
                key(0),
                key(1),
                key(2),
                key(3),
                key(4),
                key(5),
                key(6),
                key(7),
            ));
        }
        let (best, best_index) = least.finish()?;
        let whole = keys.len() - blocks.remainder().len();
        let tail = blocks.remainder().iter().enumerate();
        fold_tail(best, best_index, tail.map(|(i, &key)| (whole + i, key)))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{
        Just, ProptestConfig, prop_assert, prop_assert_eq, prop_oneof, proptest,
    };

    use super::*;

    #[test]
    fn one_by_one_ties_every_draw_equal_to_the_least() {
        // Zero draws: nothing tied, the state unchanged.
        let mut tied = vec![7];
        assert_eq!(least_one_by_one(5, 0, &mut tied), 5);
        assert!(tied.is_empty());
        // One draw: it is the least.
        let after = least_one_by_one(5, 1, &mut tied);
        assert_eq!(tied, [0]);
        assert_eq!(after, 5u128.wrapping_mul(MULTIPLIER));
    }

    /// Keys with a least that `count` other keys share, placed by `at`.
    fn with_ties(len: usize, at: &[usize]) -> Vec<u64> {
        let mut keys: Vec<u64> = (0..len as u64).map(|k| 100 + 7 * k).collect();
        for &i in at {
            keys[i] = 5;
        }
        keys
    }

    #[test]
    fn the_lanes_leave_every_possible_tie_to_the_scalar_loop() {
        if !has_lanes() {
            return;
        }
        // 35 keys: four whole blocks (lane `j` holds indices j, 8 + j, ...) and a tail of 3.
        let ties: [(&str, &[usize]); 6] = [
            ("within a lane", &[1, 9]),
            ("across lanes", &[2, 3]),
            ("a lane and the tail", &[4, 33]),
            ("within the tail", &[32, 34]),
            ("lane 7, first and last block", &[7, 31]),
            ("three ways", &[0, 13, 34]),
        ];
        for (case, at) in ties {
            assert_eq!(least_of_keys(&with_ties(35, at)), None, "{case}");
        }
        assert_eq!(least_of_keys(&[u64::MAX; 40]), None, "every key u64::MAX");
        // A key equal to the starting least (u64::MAX) is a possible tie too.
        let mut keys = with_ties(40, &[20]);
        keys[6] = u64::MAX;
        assert_eq!(least_of_keys(&keys), None, "u64::MAX in the first block");
        // A single least is found wherever it is: in each lane, in the last block, in the tail.
        for at in [0, 5, 7, 8, 15, 31, 32, 34] {
            assert_eq!(
                least_of_keys(&with_ties(35, &[at])),
                Some(at),
                "least at {at}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// On keys drawn from a few values (so they tie often), the lanes answer only with the
        /// one least key's index; on distinct keys below `u64::MAX` they always answer.
        #[test]
        fn the_lanes_answer_only_a_single_least(
            keys in proptest::collection::vec(
                prop_oneof![4 => 0u64..6, 1 => Just(u64::MAX), 1 => proptest::num::u64::ANY],
                8..120,
            ),
            distinct in proptest::collection::hash_set(0u64..u64::MAX, 8..120),
        ) {
            let mut tied = Vec::new();
            let least = keys.iter().min().copied();
            keys.iter().enumerate().filter(|(_, k)| Some(**k) == least).for_each(|(i, _)| tied.push(i));
            // `None` only costs speed (the scalar loop answers); an answer must be right.
            if let Some(index) = least_of_keys(&keys) {
                prop_assert_eq!(vec![index], tied);
            }
            let distinct: Vec<u64> = distinct.into_iter().collect();
            let least = distinct.iter().enumerate().min_by_key(|(_, k)| **k).map(|(i, _)| i);
            if has_lanes() {
                prop_assert_eq!(least_of_keys(&distinct), least);
            }
        }

        /// The lanes answer exactly as the scalar loop: the same least draw and the same
        /// state after all of them, for whole blocks and for a partial last one.
        #[test]
        fn lanes_match_one_by_one(
            high in proptest::num::u64::ANY,
            low in proptest::num::u64::ANY,
            count in 0usize..3000,
        ) {
            let state = ((u128::from(high) << 64) | u128::from(low)) | 1;
            let mut tied = Vec::new();
            let after = least_one_by_one(state, count, &mut tied);
            match least_without_tie(state, count) {
                Some((index, lanes_after)) => {
                    prop_assert_eq!(&tied, &vec![index as u32]);
                    prop_assert_eq!(lanes_after, after);
                }
                None => prop_assert!(count < MIN_DRAWS || !has_lanes() || tied.len() > 1),
            }
        }
    }
}
