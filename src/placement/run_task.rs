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
///
/// ```
/// use ecs_placement::aws::RunTaskRequest;
/// use ecs_placement::aws::read::RequestShape;
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
///     .build()?;
/// let request = RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web", "count": 2,
///     "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]}"#)?;
/// let outcome = ecs_placement::run_task(&snapshot, &request, 7)?;
/// // One task per zone; the snapshot is unchanged until the changes are applied.
/// let zones: Vec<_> = outcome.response.tasks.iter().map(|t| t.availability_zone.clone()).collect();
/// assert!(zones.contains(&Some("us-east-1a".into())) && zones.contains(&Some("us-east-1b".into())));
/// let mut next = snapshot.clone();
/// next.apply(&outcome.changes);
/// assert_eq!(next.instances()[0].remaining.cpu, 1536);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
