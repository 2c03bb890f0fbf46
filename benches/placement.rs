//! Placement benches on generated clusters (`generate::ClusterSpec::scaled`, 4 tasks per
//! instance in up to 200 groups):
//! * `scan_floor/N`: one bare pass over every instance's remaining CPU and memory, the floor a
//!   per-task cost is compared with;
//! * `run_task/STRATEGY/N`: one-shot `run_task` (validation, compilation, 10 tasks placed,
//!   response and change set) with the reference `memberOf` and each strategy, and the
//!   reference chain (`spread(zone)`, `binpack(memory)`);
//! * `placer/reference/N`: the reference call through a reusable `Placer` (request cached,
//!   state owned); the placed tasks are stopped after each call, untimed, so the cluster
//!   stays as busy as it started, and the stopped tasks stay in the task map (a fresh copy of
//!   the placer every 5,000 calls);
//! * `placer/summary/N`: the same through `Placer::run_task_summary` (same state change; the
//!   placed tasks' ARNs and failures counted by reason instead of the whole response);
//! * `placer/steady/N`, `placer/steady-summary/N`: the same two, with the stopped tasks
//!   forgotten every 1,000 calls (untimed), as a long-running scheduler does;
//! * `placer/random-summary/N`: the reference `memberOf` with `random` through
//!   `run_task_summary`, cached (a key drawn per candidate and task), stopped tasks forgotten.
//!
//! The code lives in `support/` and is shared with `placement_mimalloc`, which runs the same
//! benches at 100 and 5,000 instances with the allocator `ecs-place` uses.
//!
//! Run: `cargo bench --bench placement -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};

mod support;

fn placement(c: &mut Criterion) {
    support::placement_at(c, &[100, 1_000, 5_000, 50_000]);
}

criterion_group!(benches, placement);
criterion_main!(benches);
