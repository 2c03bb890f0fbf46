//! The JSON summary of a replay (schema: docs/HARNESS.md, versioned by
//! [`SUMMARY_SCHEMA_VERSION`]) and the running totals it is made from; the side-by-side
//! comparison of variants.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::gauges::{Demand, Sample};
use crate::error::EcsError;

/// The version of the summary's schema: a member renamed or removed raises it; members added
/// do not.
pub const SUMMARY_SCHEMA_VERSION: u32 = 1;

/// Messages listed in `rejectedCallMessages`.
const LISTED_MESSAGES: usize = 5;
/// Distinct messages counted; a message first seen after this many is counted only by
/// exception, so a trace of distinct bad requests cannot grow the table without bound.
const MAX_TRACKED_MESSAGES: usize = 1_000;
/// Groups listed in `spreadSkewByGroup` (the most skewed).
const LISTED_GROUPS: usize = 20;

/// The summary of one replay.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// [`SUMMARY_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// run-task events replayed.
    pub run_task_calls: u64,
    /// Calls refused with an exception, by exception.
    pub rejected_calls: BTreeMap<String, u64>,
    /// The most frequent messages of refused calls, most frequent first.
    pub rejected_call_messages: Vec<RejectedMessage>,
    /// Tasks the calls not refused asked for.
    pub tasks_requested: u64,
    /// Tasks placed (waiting for capacity included).
    pub placed: u64,
    /// Tasks asked for and not placed.
    pub tasks_unplaced: u64,
    /// Unplaced tasks by the first failure reason of their call.
    pub unplaced_by_reason: BTreeMap<String, u64>,
    /// The responses' failure entries by reason: one per instance that rejected a task.
    pub instance_rejections_by_reason: BTreeMap<String, u64>,
    /// stop-task events.
    pub stop_task_calls: u64,
    /// Tasks stopped (by stop events, durations and forced deregistrations).
    pub stopped: u64,
    /// Of those, stopped at the end of their run-task's `duration`.
    pub stopped_by_duration: u64,
    /// Instance events by kind, and those that failed.
    pub instance_events: InstanceEvents,
    /// The time of the last event, seconds.
    pub trace_seconds: f64,
    /// Seconds spent replaying (measured; reading the trace not included).
    pub seconds: f64,
    /// Placed tasks per second of `seconds` (measured).
    pub placements_per_second: f64,
    /// CPU taken over registered on ACTIVE instances, at the end.
    pub cpu_utilization: f64,
    /// Memory taken over registered on ACTIVE instances, at the end.
    pub memory_utilization: f64,
    /// The metrics over time; absent when they were not collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsSummary>,
}

/// Instance events by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceEvents {
    /// register-instance events.
    pub register: u64,
    /// deregister-instance events.
    pub deregister: u64,
    /// drain-instance events.
    pub drain: u64,
    /// Events refused (an unknown instance, say).
    pub failed: u64,
}

/// One message of refused calls and how many calls got it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedMessage {
    /// The exception.
    pub exception: String,
    /// Its message.
    pub message: String,
    /// Calls that got it.
    pub calls: u64,
}

/// The summary of the metrics over time.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSummary {
    /// The width of the intervals, seconds.
    pub interval_seconds: f64,
    /// How many intervals.
    pub intervals: usize,
    /// The reference task of the stranded capacity; absent when none was known.
    pub reference_demand: Option<Demand>,
    /// RunTask latency, microseconds (measured).
    pub latency_us: Latency,
    /// The means over the intervals of the gauges at their ends.
    pub mean: Sample,
    /// The largest value of each gauge over the intervals.
    pub peak: Sample,
    /// The gauges at the end.
    pub end: Sample,
    /// The most skewed groups at the end, by group.
    pub spread_skew_by_group: BTreeMap<String, f64>,
}

/// Latency percentiles, microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
}

/// The counts of a replay as it goes.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// The summary's counters (its other members are filled at the end).
    pub summary: Summary,
    messages: HashMap<(String, String), u64>,
}

impl Totals {
    /// Counts a refused call.
    pub fn count_rejection(&mut self, error: &EcsError) {
        let summary = &mut self.summary;
        *summary
            .rejected_calls
            .entry(error.exception.to_string())
            .or_insert(0) += 1;
        let key = (error.exception.to_string(), error.message.clone());
        let tracked = self.messages.len();
        match self.messages.get_mut(&key) {
            Some(calls) => *calls += 1,
            None if tracked < MAX_TRACKED_MESSAGES => {
                self.messages.insert(key, 1);
            }
            None => {}
        }
    }

    /// Counts `count` under `reason` in `map` without allocating for a reason already there.
    pub fn add_reason(map: &mut BTreeMap<String, u64>, reason: &str, count: u64) {
        match map.get_mut(reason) {
            Some(total) => *total += count,
            None => {
                map.insert(reason.to_owned(), count);
            }
        }
    }

    /// The summary, with the most frequent messages listed (ties in exception and message
    /// order).
    pub fn into_summary(self) -> Summary {
        let mut summary = self.summary;
        let mut messages: Vec<RejectedMessage> = self
            .messages
            .into_iter()
            .map(|((exception, message), calls)| RejectedMessage {
                exception,
                message,
                calls,
            })
            .collect();
        messages.sort_by(|a, b| {
            (b.calls, &a.exception, &a.message).cmp(&(a.calls, &b.exception, &b.message))
        });
        messages.truncate(LISTED_MESSAGES);
        summary.rejected_call_messages = messages;
        summary.schema_version = SUMMARY_SCHEMA_VERSION;
        summary
    }
}

/// The most skewed groups, at most 20.
pub fn most_skewed(mut skews: Vec<(String, f64)>) -> BTreeMap<String, f64> {
    skews.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    skews.truncate(LISTED_GROUPS);
    skews.into_iter().collect()
}

/// The means and peaks of the samples.
pub fn mean_and_peak<'s>(samples: impl Iterator<Item = &'s Sample>) -> (Sample, Sample) {
    let (mut mean, mut peak, mut n) = (Sample::default(), Sample::default(), 0u64);
    let mut sums = [0.0f64; 9];
    for sample in samples {
        let values = values(sample);
        for (at, value) in values.iter().enumerate() {
            sums[at] += value;
        }
        peak = from_values(values.map(|_| 0.0), &peak, &values);
        n += 1;
    }
    if n > 0 {
        mean = from_values(sums.map(|s| s / n as f64), &mean, &[0.0; 9]);
    }
    (mean, peak)
}

fn values(s: &Sample) -> [f64; 9] {
    [
        s.cpu_utilization,
        s.memory_utilization,
        s.stranded_cpu,
        s.stranded_memory,
        s.active_instances as f64,
        s.instances_in_use as f64,
        s.waiting_tasks as f64,
        s.spread_skew_max,
        s.spread_skew_mean,
    ]
}

/// A sample of `base` values raised to `floor` and then to `peak` member by member.
fn from_values(base: [f64; 9], floor: &Sample, peak: &[f64; 9]) -> Sample {
    let f = values(floor);
    let v: Vec<f64> = (0..9).map(|i| base[i].max(f[i]).max(peak[i])).collect();
    Sample {
        cpu_utilization: v[0],
        memory_utilization: v[1],
        stranded_cpu: v[2],
        stranded_memory: v[3],
        active_instances: v[4].round() as u64,
        instances_in_use: v[5].round() as u64,
        waiting_tasks: v[6].round() as u64,
        spread_skew_max: v[7],
        spread_skew_mean: v[8],
    }
}
