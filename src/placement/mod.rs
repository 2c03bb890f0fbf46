//! Task placement: RunTask and StartTask computed offline, exactly and deterministically.
//!
//! This folder is the definition of ECS placement; `engine` is the machinery that makes it
//! fast. To learn what ECS does, read the definition's files; none of them uses the engine.
//!
//! The definition, in the order [`pipeline`] composes it for RunTask (as Nomad's `stack.go`
//! wires its checkers and rankers):
//!
//! | stage | module | the ECS rule it states |
//! |---|---|---|
//! | inputs | `inputs` | the validated call and `memberOf` predicates (from `request` / `query`) |
//! | capacity split | [`capacity`] | which launch type or provider each task takes (`base`, then `weight`); which instances a route may use |
//! | feasibility | [`feasibility`] | per instance: fits, or the one reason it does not (`AGENT`, `RESOURCE:CPU`, ...) |
//! | strategies | `strategy` | integer keys per candidate, compared lexicographically; seeded choice among the best |
//! | randomness | `rng` | the portable seeded generator every draw comes from |
//! | response | `response` | the RunTask `Task` shape of a placed task; failure entries |
//! | state change | `changes` | the change set, `Snapshot::apply`, `stop_task` |
//! | the pipeline | [`pipeline`] | the stages wired per task: [`run_task_reference`], [`explain_run_task`] |
//! | StartTask | [`start_task`](mod@start_task) | explicit instances, `MISSING` / `INACTIVE` |
//!
//! [`run_task`](fn@run_task) (in `run_task.rs`) is the one place that chooses between the
//! two: the engine when it can take the request, else the pipeline. The engine's files each own one technique
//! (a prepared request, an overlay of changed instances, rows, leaders, a ranked index, lane
//! draws, the [`Placer`]'s cache); `tests/placement_incremental.rs` and
//! `tests/placement_properties.rs` hold them to the pipeline's outcome, and
//! `tests/placement_module_graph.rs` to the direction of the dependency.
//!
//! Nothing here mutates its input or reads a clock or the OS: the same snapshot, request and
//! seed give byte-identical output everywhere.

pub mod capacity;
pub(crate) mod changes;
pub(crate) mod engine;
pub mod feasibility;
pub(crate) mod inputs;
pub mod pipeline;
pub(crate) mod response;
pub(crate) mod rng;
mod run_task;
mod scratch;
pub mod start_task;
pub(crate) mod strategy;
#[cfg(test)]
pub(crate) mod test_support;

pub use changes::{ChangeSet, PlacedTask, stop_task};
pub use engine::placer::{Placer, RunTaskSummary};
pub use engine::prepared::Prepared;
pub use pipeline::{
    InstanceExplanation, MAX_PROVISIONING_TASKS, RunTaskOutcome, Skip, TaskExplanation, Verdict,
    explain_run_task, is_waiting, run_task_reference,
};
pub use run_task::run_task;
pub use start_task::start_task;
