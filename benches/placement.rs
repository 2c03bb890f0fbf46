//! Placement benches: one-shot `run_task` on the reference workload, and `scan_floor`, one bare
//! pass over every instance's remaining CPU and memory (the floor a per-task cost is compared
//! with).
//!
//! Run: `cargo bench --bench placement -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecs_placement::generate::{ClusterSpec, cluster, reference_request};
use ecs_placement::model::Snapshot;

fn reference_snapshot(instances: usize) -> Snapshot {
    let spec = if instances == ClusterSpec::REFERENCE.instances {
        ClusterSpec::REFERENCE
    } else {
        ClusterSpec::scaled(instances, 1)
    };
    Snapshot::try_from(cluster(&spec)).expect("generated cluster loads")
}

/// One pass over remaining CPU and memory: the sum of both and the least of each.
fn scan(snapshot: &Snapshot) -> (i64, i64, i64) {
    snapshot
        .instances()
        .iter()
        .fold((0, i64::MAX, i64::MAX), |(sum, cpu, memory), i| {
            (
                sum + i.remaining.cpu + i.remaining.memory,
                cpu.min(i.remaining.cpu),
                memory.min(i.remaining.memory),
            )
        })
}

fn scan_floor(c: &mut Criterion) {
    let snapshot = reference_snapshot(5_000);
    c.bench_function("scan_floor/5000", |b| b.iter(|| scan(black_box(&snapshot))));
}

fn one_shot(c: &mut Criterion) {
    let snapshot = reference_snapshot(5_000);
    let request = reference_request();
    let mut seed = 0u64;
    c.bench_function("run_task/one_shot/reference/5000", |b| {
        b.iter(|| {
            seed = seed.wrapping_add(1);
            ecs_placement::run_task(black_box(&snapshot), black_box(&request), seed)
        })
    });
}

criterion_group!(benches, scan_floor, one_shot);
criterion_main!(benches);
