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
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            // SAFETY: the function is compiled for AVX-512F and AVX-512DQ, and the CPU has
            // both (checked just above). It takes and returns plain integers.
            #[allow(unsafe_code)]
            return unsafe { avx512::least_without_tie(state, count) };
        }
    }
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
        let mut least = _mm512_set1_epi64(-1);
        let mut least_index = _mm512_set1_epi64(0);
        let mut index = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
        let step = _mm512_set1_epi64(LANES as i64);
        // A draw equal to its lane's least so far: a possible tie (or a draw of u64::MAX).
        let mut maybe_tied = 0u8;
        for block in 0..blocks {
            if block > 0 {
                states = multiply(states, factor);
                index = _mm512_add_epi64(index, step);
            }
            let keys = outputs(states);
            let lower = _mm512_cmplt_epu64_mask(keys, least);
            maybe_tied |= _mm512_cmpeq_epu64_mask(keys, least);
            least = _mm512_mask_mov_epi64(least, lower, keys);
            least_index = _mm512_mask_mov_epi64(least_index, lower, index);
        }
        let best = _mm512_reduce_min_epu64(least);
        let holders = _mm512_cmpeq_epu64_mask(least, _mm512_set1_epi64(splat(best)));
        if maybe_tied != 0 || holders.count_ones() != 1 {
            return None;
        }
        let mut best_index = _mm512_mask_reduce_min_epu64(holders, least_index) as usize;
        let mut best = best;
        // The last lane holds the state after the last whole block's draws.
        let last = 1 << (LANES - 1);
        let mut state = (u128::from(_mm512_mask_reduce_max_epu64(last, states.high)) << 64)
            | u128::from(_mm512_mask_reduce_max_epu64(last, states.low));
        for index in blocks * LANES..count {
            state = state.wrapping_mul(MULTIPLIER);
            let key = output(state);
            if key == best {
                return None;
            }
            if key < best {
                (best, best_index) = (key, index);
            }
        }
        Some((best_index, state))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{ProptestConfig, prop_assert, prop_assert_eq, proptest};

    use super::*;

    /// Whether this machine runs the lanes (when not, `least_without_tie` is always `None`
    /// and the tests below check only that).
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

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
