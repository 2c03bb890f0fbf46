//! The metrics of a replay over trace time: counters and a latency histogram per interval,
//! and the cluster's gauges ([`Sample`]) at each interval's end.
//!
//! Intervals are aligned on multiples of their width from time 0. Whenever
//! [`MAX_INTERVALS`] are closed, neighbours merge in pairs and the width doubles (counters add,
//! histograms merge, the later sample stays), so a trace of any length ends with between half
//! and all of [`MAX_INTERVALS`] intervals, in memory that does not grow with the trace.

use serde::Serialize;

use super::gauges::Sample;
use super::histogram::Histogram;

/// The most intervals kept (even, so a merge leaves the open interval aligned).
pub const MAX_INTERVALS: usize = 512;

/// What happened in one interval of trace time.
#[derive(Debug, Clone, Default)]
pub struct Interval {
    /// Its start, seconds from the start of the trace.
    pub start: f64,
    /// Its end (exclusive).
    pub end: f64,
    /// Counts.
    pub counts: Counts,
    /// Latency of its RunTask calls, nanoseconds.
    pub latency: Histogram,
    /// The cluster at its end.
    pub sample: Sample,
}

/// The counters of an interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// RunTask calls.
    pub run_task_calls: u64,
    /// Calls refused with an exception.
    pub rejected_calls: u64,
    /// Tasks asked for by the calls not refused.
    pub tasks_requested: u64,
    /// Tasks placed (waiting for capacity included).
    pub placed: u64,
    /// Tasks asked for and not placed.
    pub unplaced: u64,
    /// Tasks stopped (by stop events, durations and deregistrations).
    pub stopped: u64,
    /// Nanoseconds spent in RunTask calls (measured).
    pub placing_nanos: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.run_task_calls += other.run_task_calls;
        self.rejected_calls += other.rejected_calls;
        self.tasks_requested += other.tasks_requested;
        self.placed += other.placed;
        self.unplaced += other.unplaced;
        self.stopped += other.stopped;
        self.placing_nanos += other.placing_nanos;
    }
}

/// One interval as the CSV and the report show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntervalRow {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// Counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// Placed tasks per second spent placing (measured).
    pub placements_per_second: f64,
    /// Latency percentiles and maximum, microseconds (measured).
    pub latency_p50_us: f64,
    /// 90th percentile.
    pub latency_p90_us: f64,
    /// 99th percentile.
    pub latency_p99_us: f64,
    /// Maximum.
    pub latency_max_us: f64,
    /// The gauges at the interval's end.
    #[serde(flatten)]
    pub sample: Sample,
}

/// Microseconds from nanoseconds.
pub fn micros(nanos: u64) -> f64 {
    nanos as f64 / 1000.0
}

/// Placed tasks per second of `nanos`.
pub fn per_second(placed: u64, nanos: u64) -> f64 {
    if nanos == 0 {
        0.0
    } else {
        placed as f64 * 1e9 / nanos as f64
    }
}

impl Interval {
    /// The row of this interval.
    pub fn row(&self) -> IntervalRow {
        IntervalRow {
            start: self.start,
            end: self.end,
            counts: self.counts,
            placements_per_second: per_second(self.counts.placed, self.counts.placing_nanos),
            latency_p50_us: micros(self.latency.quantile(0.5)),
            latency_p90_us: micros(self.latency.quantile(0.9)),
            latency_p99_us: micros(self.latency.quantile(0.99)),
            latency_max_us: micros(self.latency.max()),
            sample: self.sample.clone(),
        }
    }
}

/// The intervals of a replay: the closed ones and the open one.
#[derive(Debug, Clone)]
pub struct Collector {
    closed: Vec<Interval>,
    /// The interval being counted.
    pub open: Interval,
    width: f64,
    /// Every call's latency.
    pub overall: Histogram,
}

impl Collector {
    /// A collector whose intervals start `width` seconds wide.
    pub fn new(width: f64) -> Self {
        Self {
            closed: Vec::new(),
            open: Interval {
                start: 0.0,
                end: width,
                ..Interval::default()
            },
            width,
            overall: Histogram::default(),
        }
    }

    /// Whether `at` is past the open interval.
    pub fn is_past(&self, at: f64) -> bool {
        at >= self.open.end
    }

    /// Closes the open interval with the cluster's `sample`, merging when full, and opens the
    /// next.
    pub fn close(&mut self, sample: Sample) {
        let next_start = self.open.end;
        let mut closed = std::mem::replace(
            &mut self.open,
            Interval {
                start: next_start,
                end: next_start + self.width,
                ..Interval::default()
            },
        );
        closed.sample = sample;
        self.closed.push(closed);
        if self.closed.len() >= MAX_INTERVALS {
            self.merge();
        }
    }

    /// Closes every interval that ends at or before `at` with the same `sample` (nothing
    /// happens between events). Returns how many were closed.
    pub fn close_until(&mut self, at: f64, sample: &Sample) -> usize {
        let mut closed = 0;
        while self.is_past(at) {
            // An empty stretch longer than the whole series: jump, with one empty interval.
            if self.open.counts == Counts::default()
                && at - self.open.start > self.width * MAX_INTERVALS as f64
            {
                while at - self.open.start > self.width * MAX_INTERVALS as f64 {
                    self.merge_all_into_wider();
                }
            }
            self.close(sample.clone());
            closed += 1;
        }
        closed
    }

    /// Doubles the width: pairs of closed intervals merge (an unpaired last one, which starts
    /// on a multiple of the new width, just widens); the open one is realigned after them.
    fn merge_all_into_wider(&mut self) {
        self.merge();
    }

    fn merge(&mut self) {
        let old = std::mem::take(&mut self.closed);
        let mut merged = Vec::with_capacity(old.len() / 2 + 1);
        let mut intervals = old.into_iter();
        while let Some(mut first) = intervals.next() {
            if let Some(second) = intervals.next() {
                first.end = second.end;
                first.counts.add(&second.counts);
                first.latency.merge(&second.latency);
                first.sample = second.sample;
            } else {
                first.end = first.start + self.width * 2.0;
            }
            merged.push(first);
        }
        self.closed = merged;
        self.width *= 2.0;
        let start = self.closed.last().map_or(0.0, |i| i.end);
        self.open.start = start;
        self.open.end = start + self.width;
    }

    /// Records one RunTask call's latency.
    pub fn record_latency(&mut self, nanos: u64) {
        self.open.latency.record(nanos);
        self.overall.record(nanos);
        self.open.counts.placing_nanos += nanos;
    }

    /// The width of the intervals now.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// The closed intervals, then the open one if anything happened in it, as rows; the open
    /// one gets `sample`.
    pub fn rows(&self, sample: &Sample) -> Vec<IntervalRow> {
        let mut rows: Vec<IntervalRow> = self.closed.iter().map(Interval::row).collect();
        if self.open.counts != Counts::default() || rows.is_empty() {
            let mut open = self.open.clone();
            open.sample = sample.clone();
            rows.push(open.row());
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_merge_in_pairs_and_stay_aligned() {
        let mut collector = Collector::new(1.0);
        for second in 0..(MAX_INTERVALS as u64 * 3) {
            collector.close_until(second as f64, &Sample::default());
            collector.open.counts.run_task_calls += 1;
        }
        let rows = collector.rows(&Sample::default());
        let total: u64 = rows.iter().map(|r| r.counts.run_task_calls).sum();
        assert_eq!(total, MAX_INTERVALS as u64 * 3);
        assert!(rows.len() <= MAX_INTERVALS && rows.len() >= MAX_INTERVALS / 4);
        for pair in rows.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        assert_eq!(rows[0].start, 0.0);
        assert_eq!(collector.width(), 4.0);
        // A long quiet stretch does not close millions of intervals.
        let closed = collector.close_until(1e9, &Sample::default());
        assert!(closed < 2 * MAX_INTERVALS, "{closed}");
        assert!(collector.rows(&Sample::default()).len() <= MAX_INTERVALS);
    }
}
