//! The `--explain` table: for each task of the call, each instance with the check that rejected
//! it, or its strategy keys (each named by its strategy: `spread(attribute:ecs.availability-
//! zone)=2, binpack(memory)=6912`) and rank (`*` marks the chosen one). An `ATTRIBUTE`
//! rejection names the required attribute the instance lacks.

use std::fmt::Write;

use ecs_placement::aws::Attribute;
use ecs_placement::model::{Instance, Snapshot};
use ecs_placement::placement::capacity::Route;
use ecs_placement::placement::feasibility::Rejection;
use ecs_placement::placement::{Skip, TaskExplanation, Verdict};
use ecs_placement::request::{BinpackField, PlacementRequest, SpreadField, Strategy};

/// What the table needs besides the explanations: the snapshot the call ran on, and the
/// validated request (its strategies name the keys, its task definition's required attributes
/// explain `ATTRIBUTE`). Without the request, keys are shown unnamed.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub request: Option<&'a PlacementRequest>,
}

/// Renders the explanations as plain-text tables, one per task.
pub fn render(explanations: &[TaskExplanation], context: &Context<'_>) -> String {
    let strategies: Vec<String> = context
        .request
        .map(|request| request.strategies.iter().map(strategy_name).collect())
        .unwrap_or_default();
    let required: &[Attribute] = context
        .request
        .and_then(|request| request.task_definition.requires_attributes.as_deref())
        .unwrap_or_default();
    let mut out = String::new();
    for (index, task) in explanations.iter().enumerate() {
        let placed = match (&task.task_arn, task.waits_for_capacity) {
            (Some(arn), true) => format!(
                "waits for its capacity provider to scale out (PROVISIONING, as do the route's later tasks): {arn}"
            ),
            (Some(arn), false) => arn.clone(),
            (None, _) => "not placed".to_owned(),
        };
        let _ = writeln!(
            out,
            "task {} via {}: {placed}",
            index + 1,
            route(&task.route)
        );
        if task.instances.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {:<34} {:<6} verdict", "instance", "rank");
        for (position, instance) in task.instances.iter().enumerate() {
            let id = instance.arn.rsplit('/').next().unwrap_or(&instance.arn);
            // Every instance of the snapshot, in its order; checked, as the ARN is at hand.
            let described = context
                .snapshot
                .instances()
                .get(position)
                .filter(|described| *described.arn == *instance.arn);
            let (rank, verdict) = verdict(&instance.verdict, &strategies, |rejection| {
                match (rejection, described) {
                    (Rejection::Attribute, Some(described)) => {
                        unmet_attribute(context.snapshot, described, required)
                    }
                    _ => None,
                }
            });
            let _ = writeln!(out, "  {id:<34} {rank:<6} {verdict}");
        }
    }
    out
}

fn route(route: &Route) -> String {
    match route {
        Route::LaunchType(launch_type) => format!("launch type {launch_type}"),
        Route::Provider(name) => format!("capacity provider {name}"),
    }
}

/// `spread(attribute:ecs.availability-zone)`, `binpack(memory)`, `random`: the strategy as the
/// request gives it.
fn strategy_name(strategy: &Strategy) -> String {
    match strategy {
        Strategy::Random => "random".to_owned(),
        Strategy::Binpack(BinpackField::Cpu) => "binpack(cpu)".to_owned(),
        Strategy::Binpack(BinpackField::Memory) => "binpack(memory)".to_owned(),
        Strategy::Spread(SpreadField::InstanceId) => "spread(instanceId)".to_owned(),
        Strategy::Spread(SpreadField::Attribute(name)) => format!("spread(attribute:{name})"),
    }
}

/// The rank column and the verdict column of one row. `detail` adds words to a rejection.
fn verdict(
    verdict: &Verdict,
    strategies: &[String],
    detail: impl FnOnce(Rejection) -> Option<String>,
) -> (String, String) {
    match verdict {
        Verdict::Skipped(Skip::NotActive) => ("-".into(), "skipped: not ACTIVE".into()),
        Verdict::Skipped(Skip::OutsidePool) => {
            ("-".into(), "skipped: outside the route's instances".into())
        }
        Verdict::Rejected(reason) => {
            let text = match detail(*reason) {
                Some(detail) => format!("rejected: {} ({detail})", reason.as_str()),
                None => format!("rejected: {}", reason.as_str()),
            };
            ("-".into(), text)
        }
        Verdict::Candidate { keys, rank, chosen } => {
            let keys: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(index, key)| match strategies.get(index) {
                    Some(name) => format!("{name}={key}"),
                    None => format!("key{}={key}", index + 1),
                })
                .collect();
            let mark = if *chosen { " *chosen*" } else { "" };
            (rank.to_string(), format!("{}{mark}", keys.join(", ")))
        }
    }
}

/// The first required attribute `instance` does not satisfy, as placement checks them: absent
/// (`missing NAME`), or with another value (`NAME is V, needs W`).
fn unmet_attribute(
    snapshot: &Snapshot,
    instance: &Instance,
    required: &[Attribute],
) -> Option<String> {
    required.iter().find_map(|attribute| {
        let name = &attribute.name;
        let held = snapshot
            .attribute_name_id(name)
            .and_then(|id| instance.attribute(id));
        match (held, attribute.value.as_deref()) {
            (None, _) => Some(format!("missing {name}")),
            (Some(_), None) => None,
            (Some(Some(have)), Some(want)) => {
                let have = snapshot.attribute_value(have);
                (have != want).then(|| format!("{name} is {have}, needs {want}"))
            }
            (Some(None), Some(want)) => Some(format!("{name} has no value, needs {want}")),
        }
    })
}
