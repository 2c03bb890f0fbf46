//! What the placement targets share: the fixed cluster they place on, and the checks every
//! RunTask and StartTask outcome must pass whatever the input.
//!
//! The strongest checks are differential: the library has several ways to the same answer
//! (`run_task`'s incremental engine, `run_task_reference`, `explain_run_task`, a `Placer`'s
//! cached requests and its summary form), documented to agree exactly.

// Each target uses only some of these helpers.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::OnceLock;

use ecs_placement::aws::{PlacementConstraintType, RunTaskRequest, StartTaskRequest};
use ecs_placement::model::Snapshot;
use ecs_placement::placement::run_task_reference;
use ecs_placement::{
    Placer, RunTaskOutcome, RunTaskSummary, explain_run_task, run_task, start_task, stop_task,
};
use serde_json::Value;

/// Ten instances (three zones, two Auto Scaling providers, one DRAINING, one with its agent
/// disconnected, one external, one with a GPU), the example cluster's and the scenario tests'
/// task definitions, and running and stopped tasks: see fuzz/README.md.
const CLUSTER: &str = include_str!("../../fixtures/cluster.json");

/// The fixed cluster, loaded once.
pub fn cluster() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| match Snapshot::from_json(CLUSTER) {
        Ok(snapshot) => snapshot,
        Err(error) => panic!("fuzz/fixtures/cluster.json does not load: {error}"),
    })
}

/// A seed drawn from the input (FNV-1a), so the same input always replays the same way.
pub fn seed_of(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The state as `ecs-place --state-out` writes it.
pub fn to_json(snapshot: &Snapshot) -> String {
    match serde_json::to_string(&snapshot.to_file()) {
        Ok(text) => text,
        Err(error) => panic!("the state does not serialize: {error}"),
    }
}

/// A state written out loads again, and writing it again gives the same document (a
/// `--state-out` file is a valid `--cluster` for the next call).
pub fn check_reload(snapshot: &Snapshot) {
    let written = to_json(snapshot);
    let reloaded = match Snapshot::from_json(&written) {
        Ok(reloaded) => reloaded,
        Err(error) => panic!("the written state does not load again: {error}\n{written}"),
    };
    assert_eq!(reloaded.instances().len(), snapshot.instances().len());
    assert_eq!(reloaded.tasks().len(), snapshot.tasks().len());
    let again = to_json(&reloaded);
    let (Ok(first), Ok(second)) = (
        serde_json::from_str::<Value>(&written),
        serde_json::from_str::<Value>(&again),
    ) else {
        panic!("a written state is not JSON");
    };
    assert!(
        same_document(&first, &second),
        "writing the reloaded state changes it\n{written}\n{again}"
    );
}

/// Equal JSON, but for floats a few ulps apart: serde_json (without its `float_roundtrip`
/// feature, which the library does not enable) may read a float one ulp off what it wrote,
/// as a free-form `doubleValue` shows; integers and text must be equal.
fn same_document(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_document(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same_document(vx, vy))
        }
        _ => a == b,
    }
}

/// RunTask by `run_task`, `run_task_reference` and `explain_run_task`, which must agree; on a
/// valid request the outcome, checked by [`check_run_outcome`].
pub fn run_task_every_way(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
) -> Option<RunTaskOutcome> {
    let reference = run_task_reference(snapshot, request, seed);
    assert_eq!(
        run_task(snapshot, request, seed),
        reference,
        "run_task and run_task_reference disagree (seed {seed})"
    );
    let explained = explain_run_task(snapshot, request, seed).map(|(outcome, _)| outcome);
    assert_eq!(
        explained, reference,
        "explain_run_task and run_task_reference disagree (seed {seed})"
    );
    let outcome = reference.ok()?;
    check_run_outcome(snapshot, request, &outcome);
    Some(outcome)
}

/// What any accepted RunTask call gives: at most `count` tasks; fewer exactly when failures
/// say why (a route that cannot place its task reports at least one failure and places no
/// more); distinct task ARNs; tasks only on ACTIVE instances with a connected agent; with
/// `distinctInstance`, no two on one instance and none beside a running task of its group.
pub fn check_run_outcome(snapshot: &Snapshot, request: &RunTaskRequest, outcome: &RunTaskOutcome) {
    let response = &outcome.response;
    let requested = request.count.unwrap_or(1);
    let placed = response.tasks.len();
    assert!(
        placed as i64 <= requested,
        "{placed} tasks placed for count {requested}"
    );
    assert_eq!(
        placed as i64 == requested,
        response.failures.is_empty(),
        "{placed} of {requested} tasks placed with {} failures",
        response.failures.len()
    );
    assert_eq!(outcome.changes.tasks.len(), placed);
    for failure in &response.failures {
        assert!(
            failure.arn.is_some() && failure.reason.is_some(),
            "{failure:?}"
        );
    }
    let distinct = request
        .placement_constraints
        .iter()
        .flatten()
        .any(|c| c.kind.as_ref() == Some(&PlacementConstraintType::DistinctInstance));
    let mut arns = HashSet::new();
    let mut hosts = HashSet::new();
    for task in &response.tasks {
        let arn = task.task_arn.as_deref();
        assert!(
            arn.is_some_and(|arn| arns.insert(arn.to_owned())),
            "task ARN {arn:?} repeated or missing"
        );
        let Some(instance_arn) = task.container_instance_arn.as_deref() else {
            continue;
        };
        let position = snapshot.instance_position(instance_arn);
        let Some(instance) = position.and_then(|p| snapshot.instances().get(p as usize)) else {
            panic!("task placed on {instance_arn}, which the snapshot does not hold");
        };
        assert!(
            instance.is_active() && instance.agent_connected,
            "task placed on {instance_arn}: {:?}, agent connected {}",
            instance.status,
            instance.agent_connected
        );
        if distinct {
            assert!(
                hosts.insert(instance_arn.to_owned()),
                "distinctInstance: two tasks on {instance_arn}"
            );
            let group = task.group.as_deref().unwrap_or_default();
            let before = snapshot
                .group_id(group)
                .map_or(0, |g| instance.group_count(g));
            assert_eq!(
                before, 0,
                "distinctInstance: {instance_arn} already ran group {group}"
            );
        }
    }
}

/// Applying an outcome describes each new task as the response did, and the next state
/// written out loads again.
pub fn check_next_state(snapshot: &Snapshot, outcome: &RunTaskOutcome) {
    let mut next = snapshot.clone();
    next.apply(&outcome.changes);
    for task in &outcome.response.tasks {
        let arn = task.task_arn.as_deref().unwrap_or_default();
        // A task the snapshot already held under the drawn ARN is kept, not replaced.
        if snapshot.tasks().contains_key(arn) {
            continue;
        }
        assert_eq!(
            next.describe_task(arn).as_ref(),
            Some(task),
            "task {arn} after apply"
        );
    }
    check_reload(&next);
}

/// `calls` calls of one request through a `Placer` (full responses) and another (summaries),
/// stopping the first task of every second call: the responses, summaries and final states
/// of `run_task_reference`, `Snapshot::apply` and `stop_task`. The third call on is served
/// from the placer's cached rows, which the stops must keep right.
pub fn check_placer(snapshot: &Snapshot, request: &RunTaskRequest, seed: u64, calls: u64) {
    let mut placer = Placer::new(snapshot.clone());
    let mut counting = Placer::new(snapshot.clone());
    let mut state = snapshot.clone();
    for call in 0..calls {
        let seed = seed.wrapping_add(call);
        let expected = run_task_reference(&state, request, seed);
        let actual = placer.run_task(request, seed);
        assert_eq!(
            actual.as_ref().ok(),
            expected.as_ref().ok().map(|o| &o.response),
            "Placer::run_task, call {call}"
        );
        assert_eq!(actual.as_ref().err(), expected.as_ref().err());
        let summary = counting.run_task_summary(request, seed);
        let expected_summary = expected
            .as_ref()
            .ok()
            .map(|o| RunTaskSummary::of_response(o.response.clone()));
        assert_eq!(
            summary.ok(),
            expected_summary,
            "Placer::run_task_summary, call {call}"
        );
        // An invalid request stays invalid: validation reads nothing placing changes.
        let Ok(outcome) = expected else {
            return;
        };
        state.apply(&outcome.changes);
        let first = outcome
            .response
            .tasks
            .first()
            .and_then(|t| t.task_arn.as_deref());
        if let (1, Some(arn)) = (call % 2, first) {
            let stopped = stop_task(&mut state, arn);
            assert_eq!(placer.stop_task(arn), stopped);
            assert_eq!(counting.stop_task(arn), stopped);
        }
    }
    assert_same_state(placer.snapshot(), &state, "Placer");
    assert_same_state(counting.snapshot(), &state, "summary Placer");
}

/// StartTask, twice (it must be deterministic); on a valid request: one task or one failure
/// per named instance, tasks only on ACTIVE instances with a connected agent, and the next
/// state checked by [`check_next_state`].
pub fn start_task_checked(snapshot: &Snapshot, request: &StartTaskRequest, seed: u64) {
    let result = start_task(snapshot, request, seed);
    assert_eq!(
        start_task(snapshot, request, seed),
        result,
        "StartTask is not deterministic"
    );
    let Ok(outcome) = result else {
        return;
    };
    let response = &outcome.response;
    let named = request.container_instances.as_ref().map_or(0, Vec::len);
    assert_eq!(
        response.tasks.len() + response.failures.len(),
        named,
        "{} tasks and {} failures for {named} named instances",
        response.tasks.len(),
        response.failures.len()
    );
    assert_eq!(outcome.changes.tasks.len(), response.tasks.len());
    for task in &response.tasks {
        let instance_arn = task.container_instance_arn.as_deref().unwrap_or_default();
        let position = snapshot.instance_position(instance_arn);
        let Some(instance) = position.and_then(|p| snapshot.instances().get(p as usize)) else {
            panic!("task started on {instance_arn:?}, which the snapshot does not hold");
        };
        assert!(
            instance.is_active() && instance.agent_connected,
            "task started on {instance_arn}"
        );
    }
    check_next_state(snapshot, &outcome);
}

/// Two states written out must be the same text; on a difference, shows where (the whole
/// text would bury it).
pub fn assert_same_state(actual: &Snapshot, expected: &Snapshot, what: &str) {
    let (actual, expected) = (to_json(actual), to_json(expected));
    if actual == expected {
        return;
    }
    let at = actual
        .bytes()
        .zip(expected.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(actual.len().min(expected.len()));
    let around = |text: &str| {
        let start = text.floor_char_boundary(at.saturating_sub(300));
        let end = text.ceil_char_boundary((at + 300).min(text.len()));
        text[start..end].to_owned()
    };
    panic!(
        "{what}: the states differ at byte {at}\nactual:   ...{}...\nexpected: ...{}...",
        around(&actual),
        around(&expected)
    );
}
