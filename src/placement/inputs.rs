//! The seam between placement and the modules that feed it: request validation (what a call
//! asks for) and the cluster query language (what `memberOf` means).
//!
//! Every other placement module imports these names from here: one place where placement meets
//! `crate::request` and `crate::query`.

use crate::model::Snapshot;

pub use crate::query::CompiledExpression;
pub use crate::request::capacity::is_fargate_provider;
pub use crate::request::{
    BinpackField, Capacity, CommonMembers, Constraint, GpuDemand, PlacementRequest, Protocol,
    ProviderShare, SpreadField, StartPlacementRequest, Strategy, TaskDemand, ValidationContext,
    validate_run_task, validate_start_task,
};

/// The validation context of a snapshot: its cluster, task definitions and providers.
pub fn validation_context(snapshot: &Snapshot) -> ValidationContext<'_> {
    ValidationContext::from_snapshot(snapshot)
}
