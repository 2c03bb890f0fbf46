//! `run_task`: the one place that chooses between the definition and the engine.
//!
//! The reference pipeline ([`super::pipeline`]) states what RunTask does; the engine
//! ([`super::engine`]) computes the same outcome with the work done once per call. The engine
//! takes every request whose `memberOf` expressions read no live state (`runningTasksCount`,
//! `task:group`), whose task takes no ENI (`awsvpc`) and none of whose capacity providers
//! scales itself; the others run through the reference pipeline. Both give the same outcome
//! for the same seed: `tests/placement_incremental.rs` and `tests/placement_properties.rs`
//! compare them.

use crate::aws::RunTaskRequest;
use crate::error::EcsError;
use crate::model::Snapshot;

use super::engine::prepared::Prepared;
use super::pipeline::{RunTaskOutcome, run_task_reference};

/// Runs tasks as RunTask would on `snapshot`, with every random choice drawn from `seed`.
pub fn run_task(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
) -> Result<RunTaskOutcome, EcsError> {
    let prepared = Prepared::new(snapshot, request)?;
    match prepared.run(snapshot, seed) {
        Some(outcome) => Ok(outcome),
        None => run_task_reference(snapshot, request, seed),
    }
}
