//! The `--explain` table: for each task of the call, each instance with the check that rejected
//! it, or its strategy keys and rank (`*` marks the chosen one).

use std::fmt::Write;

use ecs_placement::placement::capacity::Route;
use ecs_placement::placement::{Skip, TaskExplanation, Verdict};

/// Renders the explanations as plain-text tables, one per task.
pub fn render(explanations: &[TaskExplanation]) -> String {
    let mut out = String::new();
    for (index, task) in explanations.iter().enumerate() {
        let placed = task.task_arn.as_deref().unwrap_or("not placed");
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
        for instance in &task.instances {
            let id = instance.arn.rsplit('/').next().unwrap_or(&instance.arn);
            let (rank, verdict) = verdict(&instance.verdict);
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

/// The rank column and the verdict column of one row.
fn verdict(verdict: &Verdict) -> (String, String) {
    match verdict {
        Verdict::Skipped(Skip::NotActive) => ("-".into(), "skipped: not ACTIVE".into()),
        Verdict::Skipped(Skip::OutsidePool) => {
            ("-".into(), "skipped: outside the route's instances".into())
        }
        Verdict::Rejected(reason) => ("-".into(), format!("rejected: {}", reason.as_str())),
        Verdict::Candidate { keys, rank, chosen } => {
            let keys: Vec<String> = keys.iter().map(u64::to_string).collect();
            let mark = if *chosen { " *chosen*" } else { "" };
            (
                rank.to_string(),
                format!("keys [{}]{mark}", keys.join(", ")),
            )
        }
    }
}
