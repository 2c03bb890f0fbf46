//! Placement benches on generated clusters (`generate::ClusterSpec::scaled`, 4 tasks per
//! instance in up to 200 groups):
//! * `scan_floor/N`: one bare pass over every instance's remaining CPU and memory, the floor a
//!   per-task cost is compared with;
//! * `run_task/STRATEGY/N`: one-shot `run_task` (validation, compilation, 10 tasks placed,
//!   response and change set) with the reference `memberOf` and each strategy, and the
//!   reference chain (`spread(zone)`, `binpack(memory)`);
//! * `placer/reference/N`: the reference call through a reusable `Placer` (request cached,
//!   state owned); the placed tasks are stopped after each call, untimed, so the cluster
//!   stays as busy as it started;
//! * `placer/summary/N`: the same through `Placer::run_task_summary` (same state change; the
//!   placed tasks' ARNs and failures counted by reason instead of the whole response).
//!
//! Run: `cargo bench --bench placement -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ecs_placement::Placer;
use ecs_placement::aws::{PlacementStrategyType, RunTaskRequest};
use ecs_placement::generate::{ClusterSpec, cluster, reference_request, strategy};
use ecs_placement::model::Snapshot;

const SIZES: [usize; 4] = [100, 1_000, 5_000, 50_000];

fn snapshot(instances: usize) -> Snapshot {
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

/// The reference request with its strategies replaced.
fn with_strategies(strategies: &[(PlacementStrategyType, &str)]) -> RunTaskRequest {
    RunTaskRequest {
        placement_strategy: Some(
            strategies
                .iter()
                .map(|(kind, field)| strategy(kind.clone(), field))
                .collect(),
        ),
        ..reference_request()
    }
}

fn variants() -> Vec<(&'static str, RunTaskRequest)> {
    vec![
        ("chain", reference_request()),
        (
            "binpack",
            with_strategies(&[(PlacementStrategyType::Binpack, "memory")]),
        ),
        (
            "spread",
            with_strategies(&[(
                PlacementStrategyType::Spread,
                "attribute:ecs.availability-zone",
            )]),
        ),
        (
            "random",
            with_strategies(&[(PlacementStrategyType::Random, "")]),
        ),
    ]
}

fn placement(c: &mut Criterion) {
    for size in SIZES {
        let snapshot = snapshot(size);
        c.bench_with_input(BenchmarkId::new("scan_floor", size), &snapshot, |b, s| {
            b.iter(|| scan(black_box(s)))
        });
        let mut group = c.benchmark_group("run_task");
        for (name, request) in variants() {
            let mut seed = 0u64;
            group.bench_with_input(BenchmarkId::new(name, size), &snapshot, |b, s| {
                b.iter(|| {
                    seed = seed.wrapping_add(1);
                    ecs_placement::run_task(black_box(s), black_box(&request), seed)
                })
            });
        }
        group.finish();
        placer(c, &snapshot, size);
    }
}

/// The reference call through a warmed `Placer`, kept across samples; every 5,000 calls it is
/// replaced by a fresh copy (untimed) so stopped tasks' records do not pile up.
fn placer(c: &mut Criterion, snapshot: &Snapshot, size: usize) {
    let request = reference_request();
    let mut warmed = Placer::new(snapshot.clone());
    warmed
        .run_task(&request, 0)
        .expect("reference request is valid");
    placer_calls(
        c,
        &format!("placer/reference/{size}"),
        &warmed,
        |placer, seed| {
            let response = placer.run_task(black_box(&request), seed);
            let tasks = response.expect("valid").tasks;
            tasks.into_iter().filter_map(|t| t.task_arn).collect()
        },
    );
    placer_calls(
        c,
        &format!("placer/summary/{size}"),
        &warmed,
        |placer, seed| {
            let summary = placer.run_task_summary(black_box(&request), seed);
            summary.expect("valid").task_arns
        },
    );
}

/// Times `call` (which gives the placed tasks' ARNs) on a copy of `warmed` kept across
/// samples, stopping the placed tasks after each call, untimed; every 5,000 calls the copy is
/// replaced by a fresh one (untimed) so stopped tasks' records do not pile up.
fn placer_calls(
    c: &mut Criterion,
    name: &str,
    warmed: &Placer,
    mut call: impl FnMut(&mut Placer, u64) -> Vec<String>,
) {
    const CALLS_PER_COPY: u64 = 5_000;
    let mut placer = warmed.clone();
    let mut calls = 0u64;
    c.bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let mut timed = Duration::ZERO;
            for _ in 0..iterations {
                calls += 1;
                if calls % CALLS_PER_COPY == 0 {
                    placer = warmed.clone();
                }
                let start = Instant::now();
                let placed = call(&mut placer, calls);
                timed += start.elapsed();
                for arn in placed {
                    placer.stop_task(&arn).expect("placed task stops");
                }
            }
            timed
        })
    });
}

criterion_group!(benches, placement);
criterion_main!(benches);
