//! `ecs-place validate`: checks a snapshot (and a RunTask request) and prints a summary line;
//! warnings (members the API model lacks, instances without CPU or MEMORY) go to stderr, and
//! `--strict` makes them errors. The request's memberOf expressions are linted against the
//! snapshot (`Expression::lint`): those warnings go to stderr too, and never fail the command.

use std::path::PathBuf;

use ecs_placement::EcsError;
use ecs_placement::aws::RunTaskRequest;
use ecs_placement::aws::shapes;
use ecs_placement::model::Snapshot;
use ecs_placement::request::{
    Capacity, Constraint, PlacementRequest, ValidationContext, validate_run_task,
};

use crate::commands::query::print_warnings;
use crate::input::{Failure, read_json, read_snapshot_noting, shown};

/// Check a cluster snapshot (and optionally a RunTask request) and print a one-line summary.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place validate --cluster examples/cluster.json --request examples/run-task.json\n  aws ecs describe-container-instances --cluster prod --container-instances ... | ecs-place validate --cluster - --strict"
)]
pub struct Args {
    /// The cluster snapshot (JSON: containerInstances, and optionally cluster, taskDefinitions,
    /// tasks, capacityProviders; `aws ecs describe-container-instances` output works as is).
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// A RunTask request (JSON, the API's request syntax) to validate against the snapshot.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// Treat warnings as errors: a member the ECS API model does not have (a typo, or a member
    /// newer than the model), an instance without CPU or MEMORY.
    #[arg(long)]
    pub strict: bool,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let (snapshot, unknown) = read_snapshot_noting(&args.cluster)?;
    let warnings: Vec<String> = unknown
        .iter()
        .map(|member| {
            let mut text = format!(
                "{}: not a member of {} in the ECS API model ({}); ignored",
                member.path(),
                member.shape.name,
                shapes::MODEL_VERSION
            );
            if let Some(nearest) = member.suggestion() {
                text.push_str(&format!("; did you mean {nearest:?}?"));
            }
            text
        })
        .chain(snapshot.warnings().iter().map(ToString::to_string))
        .collect();
    if args.strict
        && let Some(first) = warnings.first()
    {
        let more = match warnings.len() {
            1 => String::new(),
            n => format!(
                " ({} more warnings; run without --strict to see them all)",
                n - 1
            ),
        };
        return Err(EcsError::client(format!("{}: {first}{more}", shown(&args.cluster))).into());
    }
    for warning in &warnings {
        crate::output::stderr_line(&format!("warning: {}: {warning}", shown(&args.cluster)));
    }
    let mut line = summary(&snapshot);
    if let Some(path) = &args.request {
        let request: RunTaskRequest = read_json(path)?;
        let checked = validate_run_task(&request, &ValidationContext::from_snapshot(&snapshot))?;
        lint_expressions(&checked, &snapshot);
        line.push_str(&format!("; request ok: {}", describe_request(&checked)));
    }
    crate::output::write_stdout_line(&line)
}

/// Warns on stderr of the request's (and the task definition's) memberOf expressions that
/// name attributes or values no instance has, or hold glob-like patterns (see
/// `ecs-place check-expression --cluster`); the summary and the exit status do not change.
fn lint_expressions(request: &PlacementRequest, snapshot: &Snapshot) {
    let from_definition = request
        .constraints
        .iter()
        .filter(|c| {
            matches!(
                c,
                Constraint::MemberOf {
                    from_task_definition: true,
                    ..
                }
            )
        })
        .count();
    for (index, constraint) in request.constraints.iter().enumerate() {
        let Constraint::MemberOf {
            parsed,
            from_task_definition,
            ..
        } = constraint
        else {
            continue;
        };
        // The definition's constraints come first, then the call's, each in its own order.
        let field = if *from_task_definition {
            format!("taskDefinition placementConstraints[{index}]")
        } else {
            format!(
                "placementConstraints[{}]",
                index.saturating_sub(from_definition)
            )
        };
        if let Ok(lint) = parsed.lint(Some(snapshot)) {
            print_warnings(&lint, &format!("{field}.expression: "));
        }
    }
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
