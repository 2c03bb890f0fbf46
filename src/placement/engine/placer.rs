//! The `Placer` cache: a reusable placer owns a snapshot, applies every call's changes to it,
//! and keeps each request it sees again validated and compiled, so a steady stream of calls
//! pays validation, `memberOf` compilation and the static constraint bitsets twice per
//! distinct request (its first call compiles and drops it: most requests seen once are never
//! seen again). From a request's third call its rows are kept too (`cached.rs`).
//!
//! What it keeps exact: every response equals what
//! [`run_task`](fn@crate::placement::run_task) on the current state gives, and the state
//! after it equals [`Snapshot::apply`] of that call's changes: the cached
//! [`Prepared`] depends only on what placing and stopping never change (the cluster, task
//! definitions, capacity providers, instances' attributes and registration), and the Placer
//! changes its snapshot only through placing and stopping. A request the engine cannot take
//! runs through `run_task_reference`. How the tests hold it: `tests/placement_incremental.rs`
//! compares a `Placer`'s responses, summaries and states with `run_task` and
//! `run_task_reference` over streams of calls and stops, and the unit tests below cover its
//! cache (seen once, kept, started over).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use crate::aws::{RunTaskRequest, RunTaskResponse};
use crate::error::EcsError;
use crate::model::{GroupId, MapHasher, Snapshot};

use crate::placement::changes::{ChangeSet, PlacedRecord, stop_task_at, stop_task_at_index};
use crate::placement::pipeline::{RunTaskOutcome, run_task_reference};

use super::cached::{CachedRun, RowCache};
use super::call::Scratch;
use super::prepared::Prepared;
use super::spread::SlotColumns;

/// Most distinct requests remembered (kept compiled, or noted as seen once); past it the cache
/// starts over (memory stays bounded however many distinct requests a caller sends, and a
/// request seen again long after is taken for new, which changes no result).
const MAX_CACHED_REQUESTS: usize = 1024;

/// Most touched positions logged; past it the log starts over and every request's rows are
/// built again on its next call (the log stays bounded however long the placer runs).
const MAX_LOGGED_CHANGES: usize = 1 << 16;

/// One distinct request: compiled, with its candidate rows as of log entry `seen`.
#[derive(Debug, Clone)]
struct Cached {
    prepared: Prepared,
    rows: RowCache,
    seen: usize,
    /// The request's group, once interned (when it first placed a task).
    group: Option<GroupId>,
}

/// A snapshot that RunTask and StopTask calls change in place (see the module documentation).
///
/// ```
/// use ecs_placement::Placer;
/// use ecs_placement::aws::RunTaskRequest;
/// use ecs_placement::aws::read::RequestShape;
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096))
///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
///     .build()?;
/// let mut placer = Placer::new(snapshot);
/// let request = RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web", "count": 3}"#)?;
/// let response = placer.run_task(&request, 1)?; // the state now holds the three tasks
/// assert_eq!(placer.snapshot().instances()[0].remaining.cpu, 512);
/// let second = placer.run_task(&request, 2)?; // one more fits
/// assert_eq!((second.tasks.len(), second.failures[0].reason.as_deref()), (1, Some("RESOURCE:CPU")));
/// for task in response.tasks.iter().chain(&second.tasks) {
///     placer.stop_task(task.task_arn.as_deref().unwrap_or_default())?;
/// }
/// assert_eq!(placer.snapshot().instances()[0].remaining.cpu, 2048);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Placer {
    pub(super) snapshot: Snapshot,
    prepared: HashMap<RunTaskRequest, Cached, MapHasher>,
    /// The hashes of the requests seen once and not kept (see [`Placer::place`]).
    seen_once: HashSet<u64, MapHasher>,
    /// The bucket slot columns of the spread attributes the cached requests read.
    columns: SlotColumns,
    /// The positions of the instances every placement and stop changed, in order: what a
    /// cached request's rows must judge again.
    touched: Vec<u32>,
    /// The buffers the last call left, for the next to refill.
    scratch: Scratch,
}

impl Placer {
    /// A placer over `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot,
            prepared: HashMap::default(),
            columns: SlotColumns::default(),
            touched: Vec::new(),
            seen_once: HashSet::default(),
            scratch: Scratch::default(),
        }
    }

    /// The current state.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The current state, giving up the placer.
    pub fn into_snapshot(self) -> Snapshot {
        self.snapshot
    }

    /// Runs tasks as [`run_task`](fn@crate::placement::run_task) would on the current state,
    /// then applies the placed tasks to it.
    pub fn run_task(
        &mut self,
        request: &RunTaskRequest,
        seed: u64,
    ) -> Result<RunTaskResponse, EcsError> {
        match self.place(request, seed, true)? {
            Placement::Cached { run, group } => {
                self.apply_records(run.records, group);
                Ok(run.outcome.response)
            }
            Placement::Reference(outcome) => {
                self.apply_changes(outcome.changes);
                Ok(outcome.response)
            }
        }
    }

    /// [`Placer::run_task`] without the response's task descriptions and failure entries:
    /// the state changes exactly as it does there, and the summary gives the placed tasks'
    /// ARNs and the failure entries counted by reason. Each placed task is described (as the
    /// response would have described it) by [`Snapshot::describe_task`] on
    /// [`Placer::snapshot`] until it is stopped. For callers that replay many calls and need
    /// counts (`ecs-place simulate`): describing tasks and listing one failure per instance is
    /// most of a call's cost.
    pub fn run_task_summary(
        &mut self,
        request: &RunTaskRequest,
        seed: u64,
    ) -> Result<RunTaskSummary, EcsError> {
        match self.place(request, seed, false)? {
            Placement::Cached { run, group } => {
                let task_arns = run.records.iter().map(|r| r.task_arn.clone()).collect();
                self.apply_records(run.records, group);
                let failures_by_reason = run
                    .failure_counts
                    .into_iter()
                    .map(|(reason, count)| (Cow::Borrowed(reason), count))
                    .collect();
                Ok(RunTaskSummary {
                    task_arns,
                    failures_by_reason,
                })
            }
            Placement::Reference(outcome) => {
                self.apply_changes(outcome.changes);
                Ok(RunTaskSummary::of_response(outcome.response))
            }
        }
    }

    /// Applies the records of a cached request's call.
    fn apply_records(&mut self, records: Vec<PlacedRecord>, group: Option<GroupId>) {
        let Some(group) = group else {
            return;
        };
        for record in records {
            self.log(record.position);
            self.snapshot.apply_record(record, group);
        }
    }

    /// Applies the change set of a call that took the reference path.
    pub(super) fn apply_changes(&mut self, changes: ChangeSet) {
        for placed in changes.tasks {
            let position = placed
                .task
                .container_instance_arn
                .as_deref()
                .and_then(|arn| self.snapshot.instance_position(arn));
            self.log(position);
            self.snapshot.apply_placed_at(placed, position);
        }
    }

    /// Drops every compiled request and what it kept: a change to the cluster itself (not a
    /// placement or a stop) can change what any of them resolved, so each compiles afresh on
    /// its next call. Exact at the price of one compilation per request after a change.
    pub(super) fn forget_requests(&mut self) {
        self.prepared.clear();
        self.seen_once.clear();
        self.columns = SlotColumns::default();
        self.touched.clear();
    }

    /// Stops a task (see [`stop_task`](crate::placement::stop_task)).
    pub fn stop_task(&mut self, task_arn: &str) -> Result<(), EcsError> {
        let position = stop_task_at(&mut self.snapshot, task_arn)?;
        self.log(position);
        Ok(())
    }

    /// Stops the task at `index` of [`Snapshot::tasks`] on [`Placer::snapshot`], as
    /// [`Placer::stop_task`] with its ARN would, without hashing and comparing the ARN: for
    /// callers that keep the indices of the tasks they placed (`ecs-place simulate`, through
    /// `tasks().get_index_of`). An index holds until [`Placer::forget_stopped_tasks`], which
    /// moves every running task down over the forgotten ones before it. An index past the end
    /// is an `InvalidParameterException`.
    pub fn stop_task_at_index(&mut self, index: usize) -> Result<(), EcsError> {
        let position = stop_task_at_index(&mut self.snapshot, index)?;
        self.log(position);
        Ok(())
    }

    /// Forgets every stopped task (see [`Snapshot::forget_stopped_tasks`]: placement is
    /// unchanged unless a later call repeats a seed and draws a forgotten task's ARN again).
    pub fn forget_stopped_tasks(&mut self) -> usize {
        self.snapshot.forget_stopped_tasks()
    }

    /// Logs a changed instance; when the log is full, starts it over and drops every
    /// request's rows.
    fn log(&mut self, position: Option<u32>) {
        let Some(position) = position else {
            return;
        };
        if self.touched.len() >= MAX_LOGGED_CHANGES {
            self.touched.clear();
            for cached in self.prepared.values_mut() {
                cached.rows = RowCache::default();
                cached.seen = 0;
            }
        }
        self.touched.push(position);
    }

    /// Places the request's tasks on the current state (without applying them), through its
    /// compilation, or the reference path when its `memberOf` reads live state.
    ///
    /// A request is kept compiled from its second call on: a stream of requests each seen once
    /// (half of a generated workload) then neither copies them into the cache nor drops them
    /// later from it, cold. Its first call compiles it, runs it and drops it; the cache only
    /// notes its hash.
    fn place(
        &mut self,
        request: &RunTaskRequest,
        seed: u64,
        tasks: bool,
    ) -> Result<Placement, EcsError> {
        let Self {
            snapshot,
            prepared,
            seen_once,
            columns,
            touched,
            scratch,
        } = self;
        let parts = PlacerParts {
            snapshot,
            touched,
            scratch,
        };
        if let Some(cached) = prepared.get_mut(request) {
            return place_with(cached, parts, request, seed, tasks);
        }
        let hash = prepared.hasher().hash_one(request);
        if seen_once.len() + prepared.len() >= MAX_CACHED_REQUESTS {
            seen_once.clear();
            prepared.clear();
        }
        let compiled = Prepared::with_columns(parts.snapshot, request, columns)?;
        let mut cached = Cached {
            prepared: compiled,
            // On a request's second call, rows are kept from its next call on: building and
            // indexing them costs several calls without them, which a request seen only twice
            // never repays.
            rows: RowCache::default(),
            seen: parts.touched.len(),
            group: None,
        };
        let placement = place_with(&mut cached, parts, request, seed, tasks);
        // Seen before: kept from now on (and no longer counted as seen once).
        if may_keep(request) && !seen_once.insert(hash) {
            seen_once.remove(&hash);
            prepared.insert(request.clone(), cached);
        }
        placement
    }
}

/// Whether a request may be kept and found again by equality. Members the wire types keep as
/// raw JSON (`serde_json::Value`) count `0.0` and `-0.0` equal, and hash them alike, where
/// their text differs; the response echoes the overrides as given and validation limits their
/// length. A request holding any such member (rare: ephemeral storage, inference accelerator
/// overrides, environment files, GPU sharing, volume configurations) is compiled afresh on
/// every call, so it never answers for another.
fn may_keep(request: &RunTaskRequest) -> bool {
    if request.volume_configurations.is_some() {
        return false;
    }
    let Some(overrides) = &request.overrides else {
        return true;
    };
    overrides.ephemeral_storage.is_none()
        && overrides.inference_accelerator_overrides.is_none()
        && overrides
            .container_overrides
            .iter()
            .flatten()
            .all(|container| {
                container.environment_files.is_none()
                    && container
                        .resource_requirements
                        .iter()
                        .flatten()
                        .all(|requirement| requirement.sharing_strategy.is_none())
            })
}

/// The placer's state a call through a compiled request reads and changes, borrowed apart
/// from its cache of compiled requests.
struct PlacerParts<'p> {
    snapshot: &'p mut Snapshot,
    touched: &'p [u32],
    scratch: &'p mut Scratch,
}

/// Places the request's tasks through `cached` (see [`Placer::place`]).
fn place_with(
    cached: &mut Cached,
    parts: PlacerParts<'_>,
    request: &RunTaskRequest,
    seed: u64,
    tasks: bool,
) -> Result<Placement, EcsError> {
    let since = parts.touched.get(cached.seen..).unwrap_or_default();
    let run = cached.prepared.run_cached(
        parts.snapshot,
        seed,
        &mut cached.rows,
        since,
        tasks,
        parts.scratch,
    );
    cached.seen = parts.touched.len();
    let Some(run) = run else {
        return run_task_reference(parts.snapshot, request, seed).map(Placement::Reference);
    };
    // The group is interned when the request first places a task, as applying a change set
    // would.
    let group = if run.records.is_empty() {
        cached.group
    } else {
        let name = cached.prepared.group();
        Some(
            *cached
                .group
                .get_or_insert_with(|| parts.snapshot.intern_group(name)),
        )
    };
    Ok(Placement::Cached { run, group })
}

/// A call placed but not yet applied.
enum Placement {
    /// Through a cached request: records to apply (in the request's group).
    Cached {
        run: CachedRun,
        group: Option<GroupId>,
    },
    /// Through the reference path: a change set to apply.
    Reference(RunTaskOutcome),
}

/// What [`Placer::run_task_summary`] gives for one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunTaskSummary {
    /// The placed tasks' ARNs, in placement order (the response's `tasks[].taskArn`).
    pub task_arns: Vec<Arc<str>>,
    /// The response's `failures` counted by reason, in order of first appearance.
    pub failures_by_reason: Vec<(Cow<'static, str>, u64)>,
}

impl RunTaskSummary {
    /// The summary of a whole response.
    pub fn of_response(response: RunTaskResponse) -> Self {
        let task_arns = response
            .tasks
            .into_iter()
            .map(|task| task.task_arn.unwrap_or_else(|| Arc::from("")))
            .collect();
        let mut failures_by_reason: Vec<(Cow<'static, str>, u64)> = Vec::new();
        for failure in response.failures {
            let reason = failure.reason.unwrap_or_default();
            match failures_by_reason.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, count)) => *count += 1,
                None => failures_by_reason.push((Cow::Owned(reason), 1)),
            }
        }
        Self {
            task_arns,
            failures_by_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::placement::test_support::{instance, run_request, snapshot};
    use crate::placement::{run_task, stop_task};

    fn gpu_instance(id: &str) -> serde_json::Value {
        instance(
            id,
            0,
            0,
            json!({"registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
                {"name": "GPU", "type": "STRINGSET", "stringSetValue": ["g0", "g1", "g2", "g3"]}]}),
        )
    }

    fn file(snapshot: &Snapshot) -> String {
        serde_json::to_string(&snapshot.to_file()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A task with GPUs keeps its dealt GPU ids in the placer's record: the state written out
    /// (before and after a stop) equals one-shot calls applied in turn.
    #[test]
    fn placed_gpu_tasks_are_described_in_the_state_as_one_shot_calls_apply_them() {
        let start = snapshot(vec![gpu_instance("a"), gpu_instance("b")], vec![], 2);
        let request = run_request(json!({"count": 3}));
        let mut placer = Placer::new(start.clone());
        let mut state = start;
        for seed in [5, 6] {
            let expected = run_task(&state, &request, seed).unwrap_or_else(|e| panic!("{e}"));
            let actual = placer
                .run_task(&request, seed)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(actual, expected.response);
            state.apply(&expected.changes);
            assert_eq!(file(placer.snapshot()), file(&state));
        }
        let placed = placer.snapshot().tasks().keys().next().cloned();
        let arn = placed.unwrap_or_else(|| panic!("a task was placed"));
        let gpus = placer
            .snapshot()
            .describe_task(&arn)
            .and_then(|t| t.containers)
            .and_then(|c| c.first().and_then(|c| c.gpu_ids.clone()));
        assert_eq!(gpus.map(|g| g.len()), Some(2));
        placer.stop_task(&arn).unwrap_or_else(|e| panic!("{e}"));
        stop_task(&mut state, &arn).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file(placer.snapshot()), file(&state));
    }

    /// The log of touched instances holds at most `MAX_LOGGED_CHANGES`; when it starts over,
    /// every cached request must judge its candidates afresh. A request cached before a
    /// restart, while another request's tasks came and went on the same instances, places as
    /// `run_task` does on the same state, and leaves the same state.
    #[test]
    fn a_request_cached_before_the_log_starts_over_places_as_run_task() {
        use crate::aws::PlacementStrategyType;
        use crate::generate::{ClusterSpec, cluster, reference_request, strategy};

        let start = Snapshot::try_from(cluster(&ClusterSpec::scaled(60, 3)))
            .unwrap_or_else(|e| panic!("{e}"));
        let reference = reference_request();
        let mut churn = reference.clone();
        churn.placement_strategy = Some(vec![strategy(PlacementStrategyType::Binpack, "cpu")]);
        let mut placer = Placer::new(start);
        // A request keeps its rows from its third call on.
        for seed in [0, 1, 2] {
            placer
                .run_task(&reference, seed)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // Churn: place ten, keep the newest thirty running, until the log has started over
        // (so it no longer lists most instances the churn changed).
        let mut running: std::collections::VecDeque<Arc<str>> = Default::default();
        let (mut restarted, mut seed) = (false, 3);
        while !restarted {
            let logged = placer.touched.len();
            let summary = placer
                .run_task_summary(&churn, seed)
                .unwrap_or_else(|e| panic!("{e}"));
            running.extend(summary.task_arns);
            while running.len() > 30 {
                if let Some(arn) = running.pop_front() {
                    placer.stop_task(&arn).unwrap_or_else(|e| panic!("{e}"));
                }
            }
            restarted |= placer.touched.len() < logged;
            seed += 1;
            assert!(seed < 20_000, "the log never started over");
        }
        let state = placer.snapshot().clone();
        let expected = run_task(&state, &reference, seed).unwrap_or_else(|e| panic!("{e}"));
        let actual = placer
            .run_task(&reference, seed)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(actual, expected.response);
        let mut applied = state;
        applied.apply(&expected.changes);
        assert_eq!(file(placer.snapshot()), file(&applied));
    }

    /// Raw JSON members count `0.0` and `-0.0` equal, where the request's text (and the
    /// response, which echoes the overrides) differs: a request holding one is never kept, so
    /// a request that differs from it only there gets its own response.
    #[test]
    fn a_request_with_raw_json_members_never_answers_for_another() {
        let instances = vec![gpu_instance("a"), gpu_instance("b")];
        let start = snapshot(instances, vec![], 0);
        let storage = |size: &str| {
            let overrides: serde_json::Value = serde_json::from_str(&format!(
                r#"{{"ephemeralStorage": {{"sizeInGiB": {size}}}}}"#
            ))
            .unwrap_or_else(|e| panic!("{e}"));
            run_request(json!({"count": 1, "overrides": overrides}))
        };
        let (positive, negative) = (storage("0.0"), storage("-0.0"));
        assert_eq!(positive, negative, "equal as values");
        assert!(!may_keep(&positive));
        let mut placer = Placer::new(start.clone());
        let mut state = start;
        for (seed, request) in [(1, &positive), (2, &positive), (3, &negative)] {
            let expected = run_task(&state, request, seed).unwrap_or_else(|e| panic!("{e}"));
            let actual = placer
                .run_task(request, seed)
                .unwrap_or_else(|e| panic!("{e}"));
            let text = |r: &RunTaskResponse| serde_json::to_string(r).unwrap_or_default();
            assert_eq!(text(&actual), text(&expected.response), "seed {seed}");
            state.apply(&expected.changes);
        }
        assert!(placer.prepared.is_empty() && placer.seen_once.is_empty());
        assert!(may_keep(&run_request(json!({"count": 1}))));
    }

    /// A request is compiled and dropped on its first call, kept from its second (with rows
    /// from its third), and taken for new once the cache has started over: whichever, every
    /// call places as `run_task` does on the same state, and the state after them all is the
    /// one their change sets and stops make.
    #[test]
    fn requests_seen_once_twice_and_after_the_cache_starts_over_place_as_run_task() {
        use crate::aws::PlacementStrategyType;
        use crate::generate::{ClusterSpec, cluster, reference_request, strategy};

        let start = Snapshot::try_from(cluster(&ClusterSpec::scaled(40, 3)))
            .unwrap_or_else(|e| panic!("{e}"));
        let reference = reference_request();
        let mut placer = Placer::new(start.clone());
        let mut state = start;
        let mut running: std::collections::VecDeque<Arc<str>> = Default::default();
        let (mut restarted, mut kept_another) = (false, false);
        for call in 0..(2 * MAX_CACHED_REQUESTS as u64 + 400) {
            // Every third call the same request. The others are each seen once, except in
            // every fourth block of six calls, where one request comes four times (kept from
            // its second call, with rows from its third).
            let request = if call % 3 == 0 {
                reference.clone()
            } else {
                let block = call / 6;
                let mut other = reference.clone();
                other.count = Some(1 + (block % 2) as i64);
                other.group = Some(match block % 4 {
                    0 => format!("repeated:{block}"),
                    _ => format!("once:{call}"),
                });
                other.placement_strategy =
                    Some(vec![strategy(PlacementStrategyType::Binpack, "cpu")]);
                other
            };
            let remembered = placer.seen_once.len() + placer.prepared.len();
            let expected =
                run_task(&state, &request, call).unwrap_or_else(|e| panic!("call {call}: {e}"));
            let actual = placer
                .run_task(&request, call)
                .unwrap_or_else(|e| panic!("call {call}: {e}"));
            assert_eq!(actual, expected.response, "call {call}");
            state.apply(&expected.changes);
            restarted |= placer.seen_once.len() + placer.prepared.len() < remembered;
            if placer.prepared.contains_key(&request) {
                // A kept request is no longer counted as seen once.
                let hash = placer.prepared.hasher().hash_one(&request);
                assert!(!placer.seen_once.contains(&hash), "call {call}");
                kept_another |= request != reference;
            }
            running.extend(actual.tasks.into_iter().filter_map(|t| t.task_arn));
            while running.len() > 40 {
                if let Some(arn) = running.pop_front() {
                    placer.stop_task(&arn).unwrap_or_else(|e| panic!("{e}"));
                    stop_task(&mut state, &arn).unwrap_or_else(|e| panic!("{e}"));
                }
            }
        }
        assert!(restarted, "the cache never started over");
        assert!(kept_another, "no request but the reference was kept");
        assert_eq!(file(placer.snapshot()), file(&state));
    }

    /// Stopping by index is stopping by ARN, before and after forgetting (which moves the
    /// running tasks down); an index past the end is an `InvalidParameterException`.
    #[test]
    fn stopping_at_an_index_is_stopping_its_task_by_arn() {
        let instances = vec![gpu_instance("a"), gpu_instance("b"), gpu_instance("c")];
        let mut by_index = Placer::new(snapshot(instances, vec![], 1));
        by_index
            .run_task(&run_request(json!({"count": 4})), 3)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut by_arn = by_index.clone();
        // One task per instance (the container takes host port 80). Round 0 stops the middle
        // one of three; round 1 stops index 1 again, the task forgetting moved there from 2.
        for round in 0..2 {
            let arns: Vec<Arc<str>> = by_arn.snapshot().tasks().keys().cloned().collect();
            assert_eq!(arns.len(), 3 - round);
            let index = 1;
            by_index
                .stop_task_at_index(index)
                .unwrap_or_else(|e| panic!("{e}"));
            by_arn
                .stop_task(&arns[index])
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                file(by_index.snapshot()),
                file(by_arn.snapshot()),
                "round {round}"
            );
            assert_eq!(by_index.forget_stopped_tasks(), 1);
            by_arn.forget_stopped_tasks();
        }
        let past_the_end = by_index.snapshot().tasks().len();
        let error = by_index.stop_task_at_index(past_the_end).err();
        assert_eq!(
            error.map(|e| e.exception),
            Some(crate::error::ExceptionName::InvalidParameterException)
        );
    }
}
