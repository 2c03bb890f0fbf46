//! Task placement: RunTask and StartTask computed offline, exactly and deterministically.
//!
//! The pipeline (composed in [`pipeline`]) is a chain of small stages, each a module:
//!
//! | stage | module | owns |
//! |---|---|---|
//! | inputs | [`inputs`] | the validated call and `memberOf` predicates (from `request`/`query`) |
//! | capacity split | [`capacity`] | which launch type or provider each task takes; instance pools |
//! | feasibility | [`feasibility`] | per instance: fits or the one reason it does not |
//! | incremental engine | [`incremental`] | the same placement, judged once per call, updated per task |
//! | candidate pass | `scan` | one task's choice over a route's rows, specialised per common chain |
//! | leaders | `leaders` | a choice without rows (one-shot calls, a request's first two through a `Placer`): per bucket the least key and its ties |
//! | strategies | [`strategy`] | integer keys per candidate, lexicographic choice, seeded ties |
//! | reuse | [`placer`] | a snapshot changed in place, each request seen again kept compiled |
//! | randomness | [`rng`] | the portable seeded generator |
//! | state change | [`changes`] | the change set, `Snapshot::apply`, `stop_task` |
//! | response | [`response`] | the RunTask `Task` shape and `failures` |
//! | StartTask | [`start_task`](mod@start_task) | explicit instances, `MISSING` / `INACTIVE` |
//!
//! Nothing here mutates its input or reads a clock or the OS: the same snapshot, request and
//! seed give byte-identical output everywhere.

pub mod capacity;
pub mod changes;
mod draw_lanes;
pub mod feasibility;
pub mod incremental;
pub mod inputs;
mod leaders;
pub mod pipeline;
pub mod placer;
mod ranked;
pub mod response;
pub mod rng;
mod scan;
mod scratch;
pub mod start_task;
pub mod strategy;
#[cfg(test)]
pub(crate) mod test_support;

pub use changes::{ChangeSet, PlacedTask, stop_task};
pub use incremental::Prepared;
pub use pipeline::{
    InstanceExplanation, RunTaskOutcome, Skip, TaskExplanation, Verdict, explain_run_task,
    run_task, run_task_reference,
};
pub use placer::{Placer, RunTaskSummary};
pub use start_task::start_task;
