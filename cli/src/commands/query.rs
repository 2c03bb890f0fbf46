//! `ecs-place check-expression` and `ecs-place list-container-instances`: the cluster query
//! language from the command line.

use std::path::PathBuf;

use ecs_placement::EcsError;
use ecs_placement::aws::ContainerInstanceStatus;
use ecs_placement::query::{Expression, Lint, list_container_instances};

use crate::diagnostic::query_failure;
use crate::input::{Failure, read_snapshot};

/// Parse a cluster query expression and print its canonical form; on stderr, warn of mistakes
/// that make it match nothing (glob-like patterns; with --cluster, attribute names and values
/// no instance has) and, with --cluster, count the instances each clause matches.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place check-expression 'attribute:ecs.instance-type =~ t2.* and not(task:group == database)'\n  ecs-place check-expression 'attribute:ecs.availability-zone =~ us-east-1*' --cluster examples/cluster.json"
)]
pub struct CheckArgs {
    /// The expression, as given to a memberOf constraint or a ListContainerInstances filter.
    pub expression: String,
    /// A cluster snapshot to check the expression against: attribute names and values no
    /// instance has are warned of, and the instances each clause matches are counted (stderr).
    #[arg(long, value_name = "FILE")]
    pub cluster: Option<PathBuf>,
}

/// Runs `check-expression`: the canonical form on stdout, warnings and counts on stderr
/// (which never change the exit status).
pub fn check(args: &CheckArgs) -> Result<(), Failure> {
    let expression = parse(&args.expression)?;
    let snapshot = args.cluster.as_deref().map(read_snapshot).transpose()?;
    crate::output::write_stdout_line(&expression.to_string())?;
    if let Ok(lint) = expression.lint(snapshot.as_ref()) {
        print_warnings(&lint, "");
        print_counts(&lint);
    }
    Ok(())
}

/// Each warning of `lint` on stderr: `warning: PREFIXCLAUSE: MESSAGE`.
pub fn print_warnings(lint: &Lint, prefix: &str) {
    for (clause, warning) in lint.warnings() {
        crate::output::stderr_line(&format!("warning: {prefix}{}: {warning}", clause.text));
    }
}

/// The instances each clause and the whole expression match, on stderr (nothing when the
/// expression was not counted against a snapshot).
fn print_counts(lint: &Lint) {
    let Some(whole) = lint.matched else {
        return;
    };
    for (number, clause) in lint.clauses.iter().enumerate() {
        if let Some(count) = clause.matched {
            crate::output::stderr_line(&format!(
                "clause {} ({}): {count}",
                number + 1,
                clause.text
            ));
        }
    }
    crate::output::stderr_line(&format!("whole expression: {whole}"));
}

/// List the container instances of a snapshot that match a filter, as ListContainerInstances does.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place list-container-instances --cluster examples/cluster.json --filter 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]' --status ACTIVE"
)]
pub struct ListArgs {
    /// The cluster snapshot.
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// A cluster query expression; every instance when absent.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// ACTIVE, DRAINING, REGISTERING, DEREGISTERING or REGISTRATION_FAILED; every status but
    /// INACTIVE when absent.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
}

/// Runs `list-container-instances`.
pub fn list(args: &ListArgs) -> Result<(), Failure> {
    let snapshot = read_snapshot(&args.cluster)?;
    if let Some(filter) = &args.filter {
        // Parsed here first so a syntax error gets its caret diagnostic.
        parse(filter)?;
    }
    let status = args.status.as_deref().map(status_filter).transpose()?;
    let response = list_container_instances(&snapshot, args.filter.as_deref(), status.as_ref())?;
    let json = serde_json::to_string_pretty(&response)
        .map_err(|e| EcsError::client(format!("cannot write the response: {e}")))?;
    crate::output::write_stdout_line(&json)
}

fn parse(text: &str) -> Result<Expression, Failure> {
    Expression::parse(text).map_err(|error| query_failure("expression", text, &error))
}

/// The ListContainerInstances `status` filter: the model's enum, which leaves out INACTIVE.
fn status_filter(text: &str) -> Result<ContainerInstanceStatus, Failure> {
    let status = ContainerInstanceStatus::parse(text);
    if status.is_known() && status != ContainerInstanceStatus::Inactive {
        return Ok(status);
    }
    Err(EcsError::invalid_parameter(format!(
        "status `{text}` is not valid; expected one of ACTIVE, DRAINING, REGISTERING, DEREGISTERING, REGISTRATION_FAILED"
    ))
    .into())
}
