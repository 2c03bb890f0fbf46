//! `ecs-place run-task` and `ecs-place start-task`: place tasks on a snapshot and print the
//! response the API would give; optionally write the next state as a snapshot file.

use std::path::{Path, PathBuf};

use ecs_placement::aws::{RunTaskRequest, StartTaskRequest};
use ecs_placement::model::Snapshot;
use ecs_placement::request::{ValidationContext, validate_run_task};
use ecs_placement::{ChangeSet, EcsError};
use serde::Serialize;

use crate::input::{Failure, read_json, read_snapshot};

/// The files and seed every placing call reads.
#[derive(Debug, clap::Args)]
pub struct CallArgs {
    /// The cluster snapshot.
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// The request (the API's request syntax, JSON).
    #[arg(long, value_name = "FILE")]
    pub request: PathBuf,
    /// The seed of the generator behind task ARNs and ties, 0 to 18446744073709551615: the
    /// same seed, the same output.
    #[arg(long, default_value_t = 0, value_parser = crate::commands::generate::at_most(u64::MAX))]
    pub seed: u64,
    /// Write the cluster after the call as a snapshot file (readable by --cluster).
    #[arg(long, value_name = "FILE")]
    pub state_out: Option<PathBuf>,
}

/// Place the tasks of a RunTask call and print the RunTask response (exit 0 even with failures).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place run-task --cluster examples/cluster.json --request examples/run-task.json --seed 42 --explain"
)]
pub struct RunArgs {
    #[command(flatten)]
    pub call: CallArgs,
    /// Print a table on stderr: each instance, the check that rejected it (for ATTRIBUTE, the
    /// attribute) or its strategy keys, each named by its strategy, and rank.
    #[arg(long)]
    pub explain: bool,
}

/// Runs `run-task`.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let call = &args.call;
    let snapshot = read_snapshot(&call.cluster)?;
    let request: RunTaskRequest = read_json(&call.request)?;
    let outcome = if args.explain {
        let (outcome, explanations) =
            ecs_placement::explain_run_task(&snapshot, &request, call.seed)?;
        // Validated again (the call above did the same) for the strategies and required
        // attributes the table names.
        let checked = validate_run_task(&request, &ValidationContext::from_snapshot(&snapshot));
        let context = crate::explain::Context {
            snapshot: &snapshot,
            request: checked.as_ref().ok(),
        };
        crate::output::stderr_text(&crate::explain::render(&explanations, &context));
        outcome
    } else {
        ecs_placement::run_task(&snapshot, &request, call.seed)?
    };
    finish(
        snapshot,
        &outcome.response,
        &outcome.changes,
        call.state_out.as_deref(),
    )
}

/// Start tasks on the instances a StartTask call names and print the response.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place start-task --cluster examples/cluster.json --request examples/start-task.json --seed 7"
)]
pub struct StartArgs {
    #[command(flatten)]
    pub call: CallArgs,
}

/// Runs `start-task`.
pub fn start(args: &StartArgs) -> Result<(), Failure> {
    let call = &args.call;
    let snapshot = read_snapshot(&call.cluster)?;
    let request: StartTaskRequest = read_json(&call.request)?;
    let outcome = ecs_placement::start_task(&snapshot, &request, call.seed)?;
    finish(
        snapshot,
        &outcome.response,
        &outcome.changes,
        call.state_out.as_deref(),
    )
}

/// Writes the next state when asked, then prints the response. The state is written first so
/// that a failure to write it leaves stdout empty, as the CLI contract says.
fn finish(
    mut snapshot: Snapshot,
    response: &impl Serialize,
    changes: &ChangeSet,
    state_out: Option<&Path>,
) -> Result<(), Failure> {
    let printed = to_json(response)?;
    if let Some(path) = state_out {
        snapshot.apply(changes);
        let state = to_json(&snapshot.to_file())?;
        // To a temporary file renamed over the target: `--state-out` may be the `--cluster`
        // file, and a failed write must not leave it truncated.
        crate::output::write_file(path, "state", |out| {
            out.write_all(state.as_bytes())?;
            out.write_all(b"\n")
        })?;
    }
    crate::output::write_stdout_line(&printed)
}

fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map_err(|e| EcsError::client(format!("cannot write JSON: {e}")).into())
}
