//! The placement benches of `benches/placement.rs` at 100 and 5,000 instances, with `mimalloc`
//! as the global allocator (as `ecs-place` has it). The library chooses no allocator, so this
//! shows what a program that embeds it gains by choosing one: a call allocates and frees its
//! response's task descriptions, and the system allocator's cost for them is a large share of
//! a small call.
//!
//! Run: `cargo bench --bench placement_mimalloc -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn placement(c: &mut Criterion) {
    support::placement_at(c, &[100, 5_000]);
}

criterion_group!(benches, placement);
criterion_main!(benches);
