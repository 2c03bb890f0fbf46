//! The reference pipeline: RunTask as the definition states it, each stage a module, wired
//! here in the order ECS applies them (as Nomad's `stack.go` wires its checkers and rankers).
//! [`run_task_reference`] and [`explain_run_task`] run it; the engine
//! (`engine`) must give the same outcome.
//!
//! 1. **Validate** (`inputs`): every ECS rule on the call, before anything is placed,
//!    so an invalid call changes nothing and fails with the exception ECS names.
//! 2. **Capacity split** ([`super::capacity`]): each task's route (launch type or provider) is
//!    fixed before any placement, by `base` then `weight`, because ECS splits the count over
//!    the strategy first and places within each provider's instances afterwards.
//! 3. Per task, on the state the previous tasks left (a working copy, `scratch.rs`), so each
//!    sees what they took (resources, ports, GPUs, group counts for spread,
//!    `distinctInstance` and `task:group`):
//!    1. **Feasibility** ([`super::feasibility`]): every instance of the route's pool gets a
//!       verdict; ACTIVE instances are judged and the first failing check is the reason a
//!       failure entry reports. Filtering comes before ranking: ECS ranks candidates only.
//!    2. **Strategies** (`strategy`): each candidate's integer keys, one per
//!       strategy in order, compared lexicographically; the least key wins and ties are drawn
//!       from the seeded generator (`rng`).
//!    3. **Response and state** (`response`, `changes`): the placed task
//!       is described (its ARN drawn after its instance) and applied to the working copy.
//! 4. Within one route, at the first task that cannot be placed the rest of that route's
//!    tasks are not attempted; its failures are one entry per instance that rejected it, in
//!    snapshot order (DECISIONS 42), or one naming the route when none did. A route whose
//!    provider scales itself (managed scaling `ENABLED`) fails nothing instead: that task and
//!    the route's later ones wait for capacity, returned `PROVISIONING` without an instance,
//!    up to [`MAX_PROVISIONING_TASKS`] in the cluster.
//!
//! The caller's snapshot is never changed: the outcome carries a [`ChangeSet`] to apply.

use serde::Serialize;

use crate::aws::{Failure, RunTaskRequest, RunTaskResponse};
use crate::error::EcsError;
use crate::model::{GroupId, Snapshot};

use super::capacity::{self, Pool, Route};
use super::changes::{ChangeSet, PlacedTask};
use super::feasibility::{self, Rejection, Requirements};
use super::inputs::{PlacementRequest, validate_run_task, validation_context};
use super::response::{self, TaskFacts};
use super::rng::SeededRng;
use super::scratch::working_copy;
use super::strategy::{self, Key, KeyTable};

/// The most tasks a cluster may hold waiting for capacity in `PROVISIONING` (the service
/// quota "Tasks in the PROVISIONING state per cluster"; its documented values went from 100
/// to 300, and 500 circulates: the highest is taken). A call that would pass it fails whole.
pub const MAX_PROVISIONING_TASKS: usize = 500;

/// What a RunTask call produced: the response and the changes that give the next state.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTaskOutcome {
    /// The RunTask response.
    pub response: RunTaskResponse,
    /// The placed tasks, to [`Snapshot::apply`] for the next state.
    pub changes: ChangeSet,
}

/// Why an instance took no part in choosing a task's instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Skip {
    /// Its status is not ACTIVE.
    NotActive,
    /// It is not in the route's pool (another provider, or EC2 vs EXTERNAL).
    OutsidePool,
}

/// What placement thought of one instance for one task (serialized as `{"skipped": ...}`,
/// `{"rejected": "RESOURCE:CPU"}` or `{"candidate": {"keys": [...], "rank": 1, "chosen": true}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Not considered.
    Skipped(Skip),
    /// Considered and rejected, with the reason reported for it.
    Rejected(Rejection),
    /// A candidate: its strategy keys (one per strategy, lower is better) and its rank
    /// (1 = among the best).
    Candidate {
        /// One integer per strategy.
        keys: Key,
        /// 1 + how many candidates had a better key.
        rank: u32,
        /// Whether the task went here.
        chosen: bool,
    },
}

/// One instance's verdict for one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceExplanation {
    /// The instance's ARN.
    pub arn: String,
    /// The verdict.
    pub verdict: Verdict,
}

/// How one task of the call was placed (or not).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskExplanation {
    /// The task's route.
    pub route: Route,
    /// Every instance of the snapshot, in order (empty for Fargate).
    pub instances: Vec<InstanceExplanation>,
    /// The task's ARN when it was placed, or when it waits for capacity.
    pub task_arn: Option<String>,
    /// Whether no instance took it and it waits for its provider to scale out
    /// (`PROVISIONING`; see [`is_waiting`]).
    pub waits_for_capacity: bool,
}

/// [`run_task`](fn@super::run_task) by the reference path: a working copy of the snapshot,
/// every instance judged and every candidate ranked again for each task. Slower; it is the
/// definition the engine (`engine`) is tested against, and runs the calls the engine
/// does not take (`memberOf` expressions that read live state).
pub fn run_task_reference(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
) -> Result<RunTaskOutcome, EcsError> {
    run(snapshot, request, seed, false).map(|(outcome, _)| outcome)
}

/// [`run_task_reference`], also returning, per attempted task, each instance's rejection reason
/// or its strategy keys and rank. The outcome is identical to
/// [`run_task`](fn@super::run_task)'s for the same seed.
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
/// let request = RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web",
///     "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1b"}]}"#)?;
/// let (outcome, explanations) = ecs_placement::explain_run_task(&snapshot, &request, 7)?;
/// assert_eq!(outcome.response.tasks.len(), 1);
/// assert_eq!(explanations.len(), 1); // one per task attempted, each instance's verdict inside
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain_run_task(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
) -> Result<(RunTaskOutcome, Vec<TaskExplanation>), EcsError> {
    run(snapshot, request, seed, true)
}

/// The state one call works on.
struct Call<'a> {
    plan: PlacementRequest,
    requirements: Requirements,
    scratch: Snapshot,
    rng: SeededRng,
    explain: bool,
    original: &'a Snapshot,
}

fn run(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
    explain: bool,
) -> Result<(RunTaskOutcome, Vec<TaskExplanation>), EcsError> {
    let plan = validate_run_task(request, &validation_context(snapshot))?;
    let mut scratch = working_copy(snapshot);
    // Interned before compiling memberOf, so `task:group == <this call's group>` sees the
    // tasks this call places even when the group had none before.
    scratch.intern_group(&plan.group);
    let requirements = Requirements::new(
        &scratch,
        &plan.task_definition,
        &plan.demand,
        &plan.constraints,
    )?;
    let routes = capacity::assign(&plan.capacity, plan.count);
    let mut call = Call {
        plan,
        requirements,
        scratch,
        rng: SeededRng::from_seed(seed),
        explain,
        original: snapshot,
    };
    let mut outcome = RunTaskOutcome {
        response: RunTaskResponse::default(),
        changes: ChangeSet::default(),
    };
    let mut explanations = Vec::new();
    let mut failed_routes: Vec<Route> = Vec::new();
    let mut waiting_routes: Vec<Route> = Vec::new();
    let mut waiting = None;
    for route in routes {
        if failed_routes.contains(&route) {
            continue;
        }
        let (result, explanation) = if waiting_routes.contains(&route) {
            (Err(Vec::new()), None)
        } else {
            call.place_one(&route)
        };
        let placed = match result {
            Ok(placed) => placed,
            Err(_) if route.waits_for_capacity(snapshot) => {
                let already = *waiting.get_or_insert_with(|| provisioning_tasks(snapshot));
                let now = already
                    + outcome
                        .response
                        .tasks
                        .iter()
                        .filter(|t| is_waiting(t))
                        .count();
                if now >= MAX_PROVISIONING_TASKS {
                    return Err(EcsError::client(format!(
                        "The number of tasks in the PROVISIONING state for this cluster has reached the limit \
                         ({MAX_PROVISIONING_TASKS}): {already} were waiting for capacity before this call"
                    )));
                }
                if !waiting_routes.contains(&route) {
                    waiting_routes.push(route.clone());
                }
                let placed = call.describe_waiting(&route);
                explanations.extend(explanation.map(|mut waiting| {
                    waiting.task_arn = placed.task.task_arn.as_deref().map(str::to_owned);
                    waiting.waits_for_capacity = true;
                    waiting
                }));
                call.scratch.apply_placed(&placed);
                outcome.response.tasks.push(placed.task.clone());
                outcome.changes.tasks.push(placed);
                continue;
            }
            Err(failures) => {
                outcome.response.failures.extend(failures);
                failed_routes.push(route);
                explanations.extend(explanation);
                continue;
            }
        };
        call.scratch.apply_placed(&placed);
        outcome.response.tasks.push(placed.task.clone());
        outcome.changes.tasks.push(placed);
        explanations.extend(explanation);
    }
    Ok((outcome, explanations))
}

/// The `lastStatus` of a task waiting for capacity.
const PROVISIONING: &str = "PROVISIONING";

/// Whether a described task waits for capacity: `PROVISIONING` on no instance, still to run
/// (a task of a provider with managed scaling that no instance could take).
pub fn is_waiting(task: &crate::aws::Task) -> bool {
    task.last_status.as_deref() == Some(PROVISIONING)
        && task.container_instance_arn.is_none()
        && task.desired_status != Some(crate::aws::DesiredStatus::Stopped)
}

/// The tasks of the snapshot waiting for capacity.
fn provisioning_tasks(snapshot: &Snapshot) -> usize {
    snapshot
        .tasks()
        .iter()
        .filter(|(_, record)| record.running && record.instance.is_none())
        .filter(|(arn, _)| snapshot.describe_task(arn).is_some_and(|t| is_waiting(&t)))
        .count()
}

impl Call<'_> {
    /// Places one task by `route` on the working state, or says why it cannot.
    fn place_one(
        &mut self,
        route: &Route,
    ) -> (Result<PlacedTask, Vec<Failure>>, Option<TaskExplanation>) {
        let pool = route.pool(&self.scratch);
        if pool == Pool::Serverless {
            let placed = self.describe(route, None);
            let explanation = self.explain.then(|| TaskExplanation {
                route: route.clone(),
                instances: Vec::new(),
                task_arn: placed.task.task_arn.as_deref().map(str::to_owned),
                waits_for_capacity: false,
            });
            return (Ok(placed), explanation);
        }
        let group = self.scratch.group_id(&self.plan.group);
        let verdicts = self.judge(&pool, group);
        let candidates: Vec<u32> = verdicts
            .iter()
            .enumerate()
            .filter(|(_, v)| matches!(v, Verdict::Candidate { .. }))
            .map(|(p, _)| p as u32)
            .collect();
        let keys = strategy::keys(
            &self.scratch,
            &candidates,
            &self.plan.strategies,
            group,
            &mut self.rng,
        );
        let chosen = strategy::select(&keys, &mut self.rng).and_then(|i| candidates.get(i));
        let result = match chosen {
            Some(&position) => Ok(self.describe(route, Some(position))),
            None => Err(self.failures(route, &pool, &verdicts)),
        };
        let explanation = self.explain.then(|| {
            self.explanation(
                route,
                verdicts,
                &candidates,
                &keys,
                chosen.copied(),
                &result,
            )
        });
        (result, explanation)
    }

    /// Each instance's verdict, without keys (a candidate gets its keys afterwards).
    fn judge(&self, pool: &Pool, group: Option<GroupId>) -> Vec<Verdict> {
        let snapshot = &self.scratch;
        let membership = pool.membership(snapshot);
        (0..snapshot.instances().len() as u32)
            .map(|position| {
                let Some(instance) = snapshot.instances().get(position as usize) else {
                    return Verdict::Skipped(Skip::OutsidePool);
                };
                if !membership.contains(instance) {
                    return Verdict::Skipped(Skip::OutsidePool);
                }
                if !instance.is_active() {
                    return Verdict::Skipped(Skip::NotActive);
                }
                match feasibility::check(snapshot, position, &self.requirements, group) {
                    Ok(()) => Verdict::Candidate {
                        keys: Vec::new(),
                        rank: 0,
                        chosen: false,
                    },
                    Err(rejection) => Verdict::Rejected(rejection),
                }
            })
            .collect()
    }

    /// The failure entries of a task no instance could take.
    fn failures(&self, route: &Route, pool: &Pool, verdicts: &[Verdict]) -> Vec<Failure> {
        let instances = self.scratch.instances();
        let rejected: Vec<Failure> = verdicts
            .iter()
            .zip(instances)
            .filter_map(|(verdict, instance)| match verdict {
                Verdict::Rejected(rejection) => {
                    Some(response::failure(&instance.arn, rejection.as_str()))
                }
                _ => None,
            })
            .collect();
        if !rejected.is_empty() {
            return rejected;
        }
        let shortfall = feasibility::shortfall(&self.scratch, pool);
        vec![response::failure(
            &route.failure_arn(&self.scratch),
            shortfall.as_str(),
        )]
    }

    /// Describes a task of `route` that waits for its provider to scale out: `PROVISIONING`,
    /// on no instance, holding nothing (addendum C1).
    fn describe_waiting(&mut self, route: &Route) -> PlacedTask {
        let mut placed = self.describe(route, None);
        placed.task.last_status = Some(PROVISIONING.into());
        placed
    }

    /// Describes the task placed on `position` (or on Fargate), drawing its ARN.
    fn describe(&mut self, route: &Route, position: Option<u32>) -> PlacedTask {
        let snapshot = &self.scratch;
        let instance = position.and_then(|p| snapshot.instances().get(p as usize));
        let gpu_ids = instance
            .map(|i| response::allocate_gpus(i, &self.plan.demand))
            .unwrap_or_default();
        let task_arn = response::task_arn(snapshot.cluster(), &self.rng.hex_id());
        let launch_type = route.launch_type(self.original);
        let task = response::describe_task(
            snapshot,
            &TaskFacts {
                task_arn: &task_arn,
                instance,
                definition: &self.plan.task_definition,
                group: &self.plan.group,
                launch_type: &launch_type,
                capacity_provider: route.capacity_provider(),
                demand: &self.plan.demand,
                gpu_ids: &gpu_ids,
                common: &self.plan.common,
            },
        );
        response::placed(
            task,
            &self.plan.demand,
            &gpu_ids,
            instance.is_some(),
            &self.plan.group,
        )
    }

    fn explanation(
        &self,
        route: &Route,
        mut verdicts: Vec<Verdict>,
        candidates: &[u32],
        keys: &KeyTable,
        chosen: Option<u32>,
        result: &Result<PlacedTask, Vec<Failure>>,
    ) -> TaskExplanation {
        let ranks = strategy::ranks(keys);
        for ((&position, key), rank) in candidates.iter().zip(keys.iter()).zip(ranks) {
            if let Some(slot) = verdicts.get_mut(position as usize) {
                *slot = Verdict::Candidate {
                    keys: key.to_vec(),
                    rank,
                    chosen: chosen == Some(position),
                };
            }
        }
        TaskExplanation {
            route: route.clone(),
            instances: verdicts
                .into_iter()
                .zip(self.scratch.instances())
                .map(|(verdict, instance)| InstanceExplanation {
                    arn: instance.arn.to_string(),
                    verdict,
                })
                .collect(),
            task_arn: result
                .as_ref()
                .ok()
                .and_then(|p| p.task.task_arn.as_deref().map(str::to_owned)),
            waits_for_capacity: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::placement::run_task;
    use crate::placement::test_support::{instance, run_request, snapshot};

    #[test]
    fn explain_gives_every_instance_a_verdict_and_the_same_outcome() {
        let cluster = snapshot(
            vec![
                instance("a", 4096, 4096, json!({})),
                instance("b", 100, 4096, json!({})),
                instance("c", 4096, 4096, json!({"status": "DRAINING"})),
                instance("d", 2048, 4096, json!({})),
            ],
            vec![],
            0,
        );
        let request = run_request(json!({"count": 1,
            "placementStrategy": [{"type": "binpack", "field": "cpu"}]}));
        let (outcome, explanations) =
            explain_run_task(&cluster, &request, 9).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            outcome,
            run_task(&cluster, &request, 9).unwrap_or_else(|e| panic!("{e}"))
        );
        let verdicts: Vec<&Verdict> = explanations[0]
            .instances
            .iter()
            .map(|i| &i.verdict)
            .collect();
        let text = serde_json::to_string(&explanations[0].instances[1]).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"arn":"arn:aws:ecs:us-east-1:123456789012:container-instance/prod/b","verdict":{"rejected":"RESOURCE:CPU"}}"#
        );
        assert_eq!(
            verdicts,
            vec![
                &Verdict::Candidate {
                    keys: vec![4096],
                    rank: 2,
                    chosen: false
                },
                &Verdict::Rejected(Rejection::Cpu),
                &Verdict::Skipped(Skip::NotActive),
                &Verdict::Candidate {
                    keys: vec![2048],
                    rank: 1,
                    chosen: true
                },
            ]
        );
    }

    #[test]
    fn a_route_stops_at_its_first_unplaceable_task() {
        // Port 80 allows one task per instance: 2 of 5 placed, failures for the third only.
        let cluster = snapshot(
            vec![
                instance("a", 4096, 4096, json!({})),
                instance("b", 4096, 4096, json!({})),
            ],
            vec![],
            0,
        );
        let outcome = run_task(&cluster, &run_request(json!({"count": 5})), 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.response.tasks.len(), 2);
        let reasons: Vec<_> = outcome
            .response
            .failures
            .iter()
            .map(|f| f.reason.clone())
            .collect();
        assert_eq!(reasons, vec![Some("RESOURCE:PORTS".to_owned()); 2]);
    }
}
