//! Latency histograms: fixed memory however many calls, percentiles within 1/32 (about 3%).
//!
//! A value (nanoseconds) falls in a bucket of its power of two split in 32 equal steps; a
//! percentile is the upper bound of the bucket that holds it, so it never understates, and the
//! maximum is kept exactly. Two histograms add bucket by bucket, which is how intervals merge.

/// Steps per power of two (a power of two itself: a value's step is read from its top bits).
const STEPS: usize = 32;
const STEP_BITS: u32 = STEPS.trailing_zeros();
/// Buckets: values below `STEPS` each have their own, then `STEPS` per power of two up to 2^64.
const BUCKETS: usize = STEPS * (64 - STEP_BITS as usize + 1);

/// Counts of values by bucket, and their maximum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    counts: Box<[u32]>,
    total: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
            max: 0,
        }
    }
}

fn bucket(value: u64) -> usize {
    if value < STEPS as u64 {
        return value as usize;
    }
    let top = 63 - value.leading_zeros();
    let shift = top - STEP_BITS;
    let step = (value >> shift) as usize & (STEPS - 1);
    (shift as usize + 1) * STEPS + step
}

/// The largest value of a bucket.
fn upper(bucket: usize) -> u64 {
    if bucket < STEPS {
        return bucket as u64;
    }
    let shift = (bucket / STEPS - 1) as u32;
    let step = (bucket % STEPS) as u64;
    let low = (STEPS as u64 + step) << shift;
    low.saturating_add((1u64 << shift) - 1)
}

impl Histogram {
    /// Counts one value.
    pub fn record(&mut self, value: u64) {
        let at = bucket(value);
        // A bucket saturates rather than wrap (4 billion values in one interval's bucket).
        self.counts[at] = self.counts[at].saturating_add(1);
        self.total += 1;
        self.max = self.max.max(value);
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The largest value counted (0 when none).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value at quantile `q` (0 to 1): the upper bound of its bucket, never above the
    /// maximum; 0 when nothing was counted.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (at, &count) in self.counts.iter().enumerate() {
            seen += u64::from(count);
            if seen >= rank {
                return upper(at).min(self.max);
            }
        }
        self.max
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts.iter()) {
            *mine = mine.saturating_add(*theirs);
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// Forgets every value.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
        self.max = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_ordered_and_hold_their_values() {
        let mut last = 0;
        for value in (0..5000u64).chain([1 << 20, (1 << 40) + 12345, u64::MAX]) {
            let at = bucket(value);
            assert!(at >= last && at < BUCKETS, "{value}");
            assert!(upper(at) >= value, "{value}");
            assert!(
                upper(at) - value <= value / STEPS as u64,
                "{value} in {}",
                upper(at)
            );
            last = at;
        }
    }

    #[test]
    fn quantiles_are_within_a_step() {
        let mut histogram = Histogram::default();
        for value in 1..=1000u64 {
            histogram.record(value * 1000);
        }
        let p50 = histogram.quantile(0.5);
        assert!((500_000..=500_000 + 500_000 / 32).contains(&p50), "{p50}");
        assert_eq!(histogram.quantile(1.0), 1_000_000);
        assert_eq!(histogram.max(), 1_000_000);
        let mut other = Histogram::default();
        other.record(5);
        histogram.merge(&other);
        assert_eq!(histogram.count(), 1001);
        assert_eq!(histogram.quantile(0.0), 5);
        histogram.clear();
        assert_eq!(histogram.quantile(0.5), 0);
    }
}
