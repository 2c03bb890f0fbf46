//! The placement benches, shared by `placement` (the system allocator) and
//! `placement_mimalloc` (the allocator `ecs-place` uses).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use ecs_placement::Placer;
use ecs_placement::aws::{PlacementStrategyType, RunTaskRequest};
use ecs_placement::generate::{ClusterSpec, cluster, reference_request, strategy};
use ecs_placement::model::Snapshot;

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

/// Every placement bench at the given cluster sizes.
pub fn placement_at(c: &mut Criterion, sizes: &[usize]) {
    for &size in sizes {
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

/// The reference call through a warmed `Placer`, kept across samples (see
/// [`StoppedTasks`] for what happens to the tasks it stopped), and a cached `random` call.
fn placer(c: &mut Criterion, snapshot: &Snapshot, size: usize) {
    let request = reference_request();
    let warmed = warmed_placer(snapshot, &request);
    let response = |placer: &mut Placer, seed| -> Vec<Arc<str>> {
        let response = placer.run_task(black_box(&request), seed);
        let tasks = response.expect("valid").tasks;
        tasks.into_iter().filter_map(|t| t.task_arn).collect()
    };
    let summary = summary_call(&request);
    let rows: [(&str, &PlacerCall, StoppedTasks); 4] = [
        ("reference", &response, StoppedTasks::Kept),
        ("summary", &summary, StoppedTasks::Kept),
        ("steady", &response, StoppedTasks::Forgotten),
        ("steady-summary", &summary, StoppedTasks::Forgotten),
    ];
    for (row, call, stopped) in rows {
        placer_calls(c, &format!("placer/{row}/{size}"), &warmed, call, stopped);
    }
    // A cached `random` request: from its third call on, each task draws a key per fitting
    // row of the candidates it keeps (the pass of `placement/engine/scan.rs`).
    let random = with_strategies(&[(PlacementStrategyType::Random, "")]);
    let (name, call) = (
        format!("placer/random-summary/{size}"),
        summary_call(&random),
    );
    let warmed = warmed_placer(snapshot, &random);
    placer_calls(c, &name, &warmed, &call, StoppedTasks::Forgotten);
}

/// A placer over `snapshot` that has run `request` three times, so the timed calls find it
/// kept with its rows (a `Placer` keeps a request from its second call, its rows from its
/// third); the tasks it placed are stopped again, so the cluster is as busy as it started.
fn warmed_placer(snapshot: &Snapshot, request: &RunTaskRequest) -> Placer {
    let mut placer = Placer::new(snapshot.clone());
    for seed in 0..3 {
        let response = placer.run_task(request, seed).expect("request is valid");
        for task in response.tasks {
            let arn = task.task_arn.expect("a placed task has an ARN");
            placer.stop_task(&arn).expect("a placed task stops");
        }
    }
    placer
}

/// `request` through `Placer::run_task_summary`, giving the placed tasks' ARNs.
fn summary_call(request: &RunTaskRequest) -> impl Fn(&mut Placer, u64) -> Vec<Arc<str>> + '_ {
    move |placer: &mut Placer, seed| {
        let summary = placer.run_task_summary(black_box(request), seed);
        summary.expect("valid").task_arns
    }
}

/// One timed call through a placer, with the seed; gives the placed tasks' ARNs.
type PlacerCall<'a> = dyn Fn(&mut Placer, u64) -> Vec<Arc<str>> + 'a;

/// What a `Placer` bench does with the tasks it stopped, untimed.
#[derive(Clone, Copy)]
enum StoppedTasks {
    /// They stay in the task map (as the state written out must keep them), so it grows into
    /// fresh memory; every 5,000 calls the placer is replaced by a fresh copy so they do not
    /// pile up without bound.
    Kept,
    /// `forget_stopped_tasks` every 1,000 calls, as a long-running scheduler (and `simulate`)
    /// does: the task map stays about the same size and reuses its memory.
    Forgotten,
}

/// Times `call` (which gives the placed tasks' ARNs) on a copy of `warmed` kept across
/// samples, stopping the placed tasks after each call, untimed, and then keeping or forgetting
/// them (see [`StoppedTasks`]).
fn placer_calls(
    c: &mut Criterion,
    name: &str,
    warmed: &Placer,
    call: &PlacerCall,
    stopped: StoppedTasks,
) {
    const CALLS_PER_COPY: u64 = 5_000;
    const CALLS_PER_FORGET: u64 = 1_000;
    let mut placer = warmed.clone();
    let mut calls = 0u64;
    c.bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let mut timed = Duration::ZERO;
            for _ in 0..iterations {
                calls += 1;
                match stopped {
                    StoppedTasks::Kept if calls.is_multiple_of(CALLS_PER_COPY) => {
                        placer = warmed.clone();
                    }
                    StoppedTasks::Forgotten if calls.is_multiple_of(CALLS_PER_FORGET) => {
                        placer.forget_stopped_tasks();
                    }
                    _ => {}
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
