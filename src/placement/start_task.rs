//! StartTask: one task on each named instance (at most 10, by ARN or id), with the resource and
//! attribute checks but no constraints or strategies.
//!
//! An instance the snapshot does not hold is reported `MISSING` with the ARN or id as given;
//! an instance whose status is not ACTIVE is reported `INACTIVE` (it can take no task); then
//! `AGENT`, `ATTRIBUTE` and the resource reasons as for RunTask. Instances are served in the
//! order given, each seeing the tasks started before it in the same call.

use crate::aws::{Failure, LaunchType, StartTaskRequest};
use crate::error::EcsError;
use crate::model::Snapshot;

use super::capacity::EXTERNAL_ATTRIBUTE;
use super::changes::{ChangeSet, PlacedTask};
use super::feasibility::{Rejection, Requirements, check_attributes, check_resources};
use super::inputs::{StartPlacementRequest, validate_start_task, validation_context};
use super::pipeline::RunTaskOutcome;
use super::response::{self, TaskFacts};
use super::rng::SeededRng;
use super::scratch::working_copy;

/// Why StartTask could not use a named instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartRejection {
    /// No such instance in the cluster.
    Missing,
    /// The instance is not ACTIVE (deregistered, draining, ...).
    Inactive,
    /// A check shared with RunTask failed.
    Placement(Rejection),
}

impl StartRejection {
    /// The reason exactly as it appears in `failures[].reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "MISSING",
            Self::Inactive => "INACTIVE",
            Self::Placement(rejection) => rejection.as_str(),
        }
    }
}

/// Starts one task on each named instance, as StartTask would; task ARNs come from `seed`.
///
/// ```
/// use ecs_placement::aws::StartTaskRequest;
/// use ecs_placement::aws::read::RequestShape;
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
///     .build()?;
/// let arn = snapshot.instances()[1].arn.to_string();
/// let request = StartTaskRequest::from_json(&format!(
///     r#"{{"cluster": "prod", "taskDefinition": "web", "containerInstances": ["{arn}"]}}"#
/// ))?;
/// let outcome = ecs_placement::start_task(&snapshot, &request, 7)?;
/// assert_eq!(outcome.response.tasks[0].container_instance_arn.as_deref(), Some(arn.as_str()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn start_task(
    snapshot: &Snapshot,
    request: &StartTaskRequest,
    seed: u64,
) -> Result<RunTaskOutcome, EcsError> {
    let plan = validate_start_task(request, &validation_context(snapshot))?;
    let requirements = Requirements::resources_only(snapshot, &plan.task_definition, &plan.demand);
    let mut scratch = working_copy(snapshot);
    let mut rng = SeededRng::from_seed(seed);
    let mut outcome = RunTaskOutcome {
        response: Default::default(),
        changes: ChangeSet::default(),
    };
    for named in &plan.container_instances {
        match judge(&scratch, named, &requirements) {
            Ok(position) => {
                let placed = describe(&scratch, &plan, position, &mut rng);
                scratch.apply_placed(&placed);
                outcome.response.tasks.push(placed.task.clone());
                outcome.changes.tasks.push(placed);
            }
            Err((arn, rejection)) => outcome.response.failures.push(Failure {
                arn: Some(arn),
                reason: Some(rejection.as_str().to_owned()),
                detail: None,
            }),
        }
    }
    Ok(outcome)
}

/// The position of the named instance if it can take the task, else the ARN to report (as
/// given when the instance is unknown) and the reason.
fn judge(
    snapshot: &Snapshot,
    named: &str,
    requirements: &Requirements,
) -> Result<u32, (String, StartRejection)> {
    let position = snapshot
        .instance_position(named)
        .ok_or_else(|| (named.to_owned(), StartRejection::Missing))?;
    let Some(instance) = snapshot.instances().get(position as usize) else {
        return Err((named.to_owned(), StartRejection::Missing));
    };
    let reject = |reason| Err((instance.arn.to_string(), reason));
    if !instance.is_active() {
        return reject(StartRejection::Inactive);
    }
    if !instance.agent_connected {
        return reject(StartRejection::Placement(Rejection::Agent));
    }
    let checked = check_attributes(snapshot, instance, requirements)
        .and_then(|()| check_resources(instance, requirements.demand()));
    match checked {
        Ok(()) => Ok(position),
        Err(rejection) => reject(StartRejection::Placement(rejection)),
    }
}

fn describe(
    snapshot: &Snapshot,
    plan: &StartPlacementRequest,
    position: u32,
    rng: &mut SeededRng,
) -> PlacedTask {
    let instance = snapshot.instances().get(position as usize);
    let gpu_ids = instance
        .map(|i| response::allocate_gpus(i, &plan.demand))
        .unwrap_or_default();
    let external = snapshot
        .attribute_name_id(EXTERNAL_ATTRIBUTE)
        .is_some_and(|id| instance.is_some_and(|i| i.attribute(id).is_some()));
    let launch_type = if external {
        LaunchType::External
    } else {
        LaunchType::Ec2
    };
    let task_arn = response::task_arn(snapshot.cluster(), &rng.hex_id());
    let task = response::describe_task(
        snapshot,
        &TaskFacts {
            task_arn: &task_arn,
            instance,
            definition: &plan.task_definition,
            group: &plan.group,
            launch_type: &launch_type,
            capacity_provider: None,
            demand: &plan.demand,
            gpu_ids: &gpu_ids,
            common: &plan.common,
        },
    );
    response::placed(
        task,
        &plan.demand,
        &gpu_ids,
        instance.is_some(),
        &plan.group,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::placement::test_support::{instance, snapshot};

    #[test]
    fn named_instances_are_served_in_order_with_missing_and_inactive() {
        let cluster = snapshot(
            vec![
                instance("a", 512, 1024, json!({})),
                instance("b", 4096, 4096, json!({"status": "INACTIVE"})),
                instance("c", 4096, 4096, json!({"agentConnected": false})),
            ],
            vec![],
            0,
        );
        let request: StartTaskRequest = serde_json::from_value(json!({
            "cluster": "prod", "taskDefinition": "app",
            "containerInstances": ["a", "zzz", "b", "c", "a"]}))
        .unwrap_or_else(|e| panic!("{e}"));
        let outcome = start_task(&cluster, &request, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.response.tasks.len(), 1);
        let reasons: Vec<(String, String)> = outcome
            .response
            .failures
            .iter()
            .map(|f| {
                let arn = f.arn.clone().unwrap_or_default();
                let id = arn.rsplit('/').next().unwrap_or_default().to_owned();
                (id, f.reason.clone().unwrap_or_default())
            })
            .collect();
        let expected = [
            ("zzz", "MISSING"),
            ("b", "INACTIVE"),
            ("c", "AGENT"),
            ("a", "RESOURCE:PORTS"),
        ];
        assert_eq!(
            reasons,
            expected.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
        );
        // The input snapshot is untouched.
        assert_eq!(cluster.instances()[0].remaining.cpu, 512);
    }
}
