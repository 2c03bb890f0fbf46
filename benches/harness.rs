//! The cost of the harness's metrics: the same replay (the generated workload on the reference
//! cluster, `generate::ClusterSpec::REFERENCE`: 5,000 instances, 20,000 running tasks; 20,000
//! RunTask calls and their stops, one call per trace second) with every metric on (a clock read
//! around each call, per-interval counters and histograms, the gauges at every interval's end)
//! and with metrics off (totals only). docs/PERFORMANCE.md, "Harness", has the results.
//!
//! Run: `cargo bench --bench harness`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ecs_placement::generate::{ClusterSpec, cluster, workload_events};
use ecs_placement::harness::{Options, Replay, TraceEvent, timed};
use ecs_placement::model::Snapshot;

const CALLS: usize = 20_000;

fn bench(c: &mut Criterion) {
    let snapshot = Snapshot::try_from(cluster(&ClusterSpec::REFERENCE)).expect("loads");
    let events: Vec<TraceEvent> = timed(workload_events(&snapshot, CALLS, 7)).collect();
    let mut group = c.benchmark_group("harness");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, metrics) in [("metrics-off", false), ("metrics-on", true)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let options = Options {
                        metrics,
                        interval: 10.0,
                        ..Options::default()
                    };
                    Replay::new(snapshot.clone(), options)
                },
                |mut replay| {
                    let start = Instant::now();
                    let mut clock = || start.elapsed().as_nanos() as u64;
                    for event in &events {
                        replay.apply(event, &mut clock);
                    }
                    // Ending the replay (summary, rows, skews) is part of the cost with metrics.
                    replay.finish(0.0).summary.placed
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
