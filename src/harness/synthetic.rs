//! Generated timed traces (`ecs-place trace generate`): the requests of the generated workload
//! ([`workload_events`]) arriving at random times at a given rate, each with a random
//! duration, so the cluster fills and empties by itself, with no stop events.
//!
//! A pure function of its inputs, drawn from the placement generator: the same trace on every
//! platform.

use crate::generate::{WorkloadEvent, workload_events};
use crate::model::Snapshot;
use crate::placement::rng::SeededRng;

use super::gauges::Demand;
use super::trace::{Action, TraceEvent};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceSpec {
    /// RunTask calls.
    pub calls: usize,
    /// Calls per second, on average.
    pub rate: f64,
    /// The share of the CPU or memory the snapshot leaves free (whichever runs out first) that
    /// the trace's tasks would hold on average if every one were placed (durations are drawn
    /// to match).
    pub load: f64,
    /// The seed.
    pub seed: u64,
}

/// Calls looked at to size the durations.
const SIZING_CALLS: usize = 1000;

/// The events of a generated trace, one at a time (memory does not grow with `calls`).
pub fn trace(snapshot: &Snapshot, spec: TraceSpec) -> impl Iterator<Item = TraceEvent> + use<> {
    let mean_duration = mean_duration(snapshot, spec);
    let mut rng = SeededRng::from_seed(spec.seed ^ 0x7472_6163_6500_0001);
    let mut at = 0.0f64;
    let rate = if spec.rate > 0.0 { spec.rate } else { 1.0 };
    workload_events(snapshot, spec.calls, spec.seed).filter_map(move |event| {
        let WorkloadEvent::RunTask { request, seed } = event else {
            return None;
        };
        let now = at;
        at += exponential(&mut rng, 1.0 / rate);
        // Whole milliseconds: the trace reads back as written.
        let duration = (exponential(&mut rng, mean_duration) * 1000.0).round() / 1000.0;
        Some(TraceEvent {
            at: (now * 1000.0).round() / 1000.0,
            action: Action::RunTask {
                request,
                seed,
                duration: Some(duration.max(0.001)),
                name: None,
            },
        })
    })
}

/// A draw of the exponential distribution of mean `mean`, from 53 random bits.
fn exponential(rng: &mut SeededRng, mean: f64) -> f64 {
    let uniform = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    -uniform.ln() * mean
}

/// The mean duration that makes the trace's running tasks hold `load` of the CPU or memory the
/// snapshot leaves free, whichever runs out first: by Little's law, running tasks = rate × tasks per call ×
/// duration.
fn mean_duration(snapshot: &Snapshot, spec: TraceSpec) -> f64 {
    let active = || snapshot.instances().iter().filter(|i| i.is_active());
    // What the snapshot's own tasks leave free (they never stop): the trace's tasks share that.
    let registered_cpu: i64 = active().map(|i| i.remaining.cpu.max(0)).sum();
    let registered_memory: i64 = active().map(|i| i.remaining.memory.max(0)).sum();
    let (mut tasks, mut cpu, mut memory, mut calls) = (0f64, 0f64, 0f64, 0f64);
    for event in workload_events(snapshot, SIZING_CALLS.min(spec.calls.max(1)), spec.seed) {
        if let WorkloadEvent::RunTask { request, .. } = event {
            let count = request.count.unwrap_or(1).max(0) as f64;
            let demand =
                Demand::of_request(snapshot, &request).unwrap_or(Demand { cpu: 0, memory: 0 });
            tasks += count;
            cpu += count * demand.cpu as f64;
            memory += count * demand.memory as f64;
            calls += 1.0;
        }
    }
    if tasks == 0.0 || calls == 0.0 || (cpu == 0.0 && memory == 0.0) {
        return 600.0;
    }
    // How many average tasks the cluster holds: the scarcer resource decides.
    let fit = |registered: i64, total: f64| {
        if total > 0.0 {
            registered as f64 / (total / tasks)
        } else {
            f64::INFINITY
        }
    };
    let capacity = fit(registered_cpu, cpu).min(fit(registered_memory, memory));
    let rate = if spec.rate > 0.0 { spec.rate } else { 1.0 };
    spec.load * capacity / (rate * tasks / calls)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::generate::{ClusterSpec, cluster};

    #[test]
    fn a_generated_trace_is_timed_repeatable_and_only_calls() {
        let snapshot = Snapshot::try_from(cluster(&ClusterSpec::scaled(50, 1))).unwrap();
        let spec = TraceSpec {
            calls: 200,
            rate: 2.0,
            load: 0.6,
            seed: 4,
        };
        let events: Vec<TraceEvent> = trace(&snapshot, spec).collect();
        assert_eq!(events.len(), 200);
        assert_eq!(events, trace(&snapshot, spec).collect::<Vec<_>>());
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
        // 200 calls at 2 a second: about 100 seconds.
        let last = events.last().unwrap().at;
        assert!((60.0..150.0).contains(&last), "{last}");
        assert!(
            events
                .iter()
                .all(|e| matches!(e.action, Action::RunTask { duration: Some(d), .. } if d > 0.0))
        );
    }
}
