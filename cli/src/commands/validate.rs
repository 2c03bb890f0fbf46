//! `ecs-place validate`: checks a snapshot (and a RunTask request) and prints a summary line.

use std::path::PathBuf;

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::model::Snapshot;
use ecs_placement::request::{Capacity, PlacementRequest, ValidationContext, validate_run_task};

use crate::input::{Failure, read_json, read_snapshot};

/// Check a cluster snapshot (and optionally a RunTask request) and print a one-line summary.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place validate --cluster examples/cluster.json --request examples/run-task.json"
)]
pub struct Args {
    /// The cluster snapshot (JSON: containerInstances, and optionally cluster, taskDefinitions,
    /// tasks, capacityProviders; `aws ecs describe-container-instances` output works as is).
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// A RunTask request (JSON, the API's request syntax) to validate against the snapshot.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let snapshot = read_snapshot(&args.cluster)?;
    let mut line = summary(&snapshot);
    if let Some(path) = &args.request {
        let request: RunTaskRequest = read_json(path)?;
        let checked = validate_run_task(&request, &ValidationContext::from_snapshot(&snapshot))?;
        line.push_str(&format!("; request ok: {}", describe_request(&checked)));
    }
    crate::output::stdout_line(&line);
    Ok(())
}

/// `cluster NAME: N instances (A ACTIVE, ...), T task definitions, K tasks (R running), P capacity providers`.
fn summary(snapshot: &Snapshot) -> String {
    let statuses: Vec<String> = snapshot
        .status_counts()
        .iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect();
    let running = snapshot.tasks().values().filter(|t| t.running).count();
    format!(
        "cluster {}: {} instances ({}), {} task definitions, {} tasks ({} running), {} capacity providers",
        snapshot.cluster().name,
        snapshot.instances().len(),
        if statuses.is_empty() {
            "none".to_owned()
        } else {
            statuses.join(", ")
        },
        snapshot.task_definitions().len(),
        snapshot.tasks().len(),
        running,
        snapshot.cluster().capacity_providers.len(),
    )
}

/// `6 x web:12 as family:web on EC2, 2 constraints, 2 strategies`.
fn describe_request(request: &PlacementRequest) -> String {
    let definition = &request.task_definition;
    let capacity = match &request.capacity {
        Capacity::LaunchType(launch_type) => launch_type.to_string(),
        Capacity::Providers(shares) => {
            let names: Vec<&str> = shares.iter().map(|s| s.name.as_str()).collect();
            format!("providers {}", names.join("+"))
        }
    };
    format!(
        "{} x {}:{} as {} on {}, {}, {}",
        request.count,
        definition.family.as_deref().unwrap_or("?"),
        definition.revision.unwrap_or(0),
        request.group,
        capacity,
        counted(request.constraints.len(), "constraint", "constraints"),
        counted(request.strategies.len(), "strategy", "strategies"),
    )
}

/// `1 constraint`, `2 constraints`.
fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
