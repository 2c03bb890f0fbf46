//! `ecs-place headroom`: how many more tasks of a RunTask request fit on a snapshot now,
//! where they go, and what stops the next one; a table on a terminal, JSON otherwise.

use std::io::IsTerminal;
use std::path::PathBuf;

use ecs_placement::EcsError;
use ecs_placement::aws::RunTaskRequest;
use ecs_placement::headroom::{DEFAULT_LIMIT, Headroom, headroom};

use crate::commands::generate::at_most;
use crate::input::{Failure, read_json, read_snapshot};

/// The most `--limit`: a placed task takes about 0.7 KB of memory, so at most 0.7 GB.
pub const MAX_LIMIT: u64 = 1_000_000;

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a person.
    Table,
    /// The JSON shape of docs/SEMANTICS.md, "Headroom".
    Json,
}

/// Place the request's tasks again and again (state carried from call to call) until one does
/// not fit; print how many fit, where, and what stopped the next one.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place headroom --cluster examples/cluster.json --request examples/run-task.json --seed 42\n\nLimits: --limit at most 1000000 (beyond it: exit 2, InvalidParameterException)."
)]
pub struct Args {
    /// The cluster snapshot.
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// The RunTask request (the API's request syntax, JSON); each call asks for its `count`.
    #[arg(long, value_name = "FILE")]
    pub request: PathBuf,
    /// The seed the calls' seeds are drawn from, 0 to 18446744073709551615: the same seed, the
    /// same answer.
    #[arg(long, default_value_t = 0, value_parser = at_most(u64::MAX))]
    pub seed: u64,
    /// `table` (the default when stdout is a terminal) or `json` (otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Stop after this many tasks, 0 to 1000000 (a task that reserves nothing never stops by
    /// itself).
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N", value_parser = at_most(MAX_LIMIT))]
    pub limit: u64,
}

/// Runs `headroom`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let snapshot = read_snapshot(&args.cluster)?;
    let request: RunTaskRequest = read_json(&args.request)?;
    let report = headroom(&snapshot, &request, args.seed, args.limit)?;
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&report)
            .map_err(|e| EcsError::client(format!("cannot write JSON: {e}")))?,
        Format::Table => table(&report),
    };
    crate::output::write_stdout_line(&text)
}

/// The report for a terminal.
pub fn table(report: &Headroom) -> String {
    let mut out = String::new();
    let per_call = report.count_per_call;
    let calls = report.calls;
    out.push_str(&format!(
        "fits: {} more tasks ({calls} call{} of up to {per_call})\n",
        report.fits,
        if calls == 1 { "" } else { "s" }
    ));
    if report.limit_reached {
        out.push_str(&format!(
            "limit reached: {} tasks placed and none failed (--limit raises it)\n",
            report.limit
        ));
    }
    for (title, counts) in [
        ("Availability Zone", &report.by_availability_zone),
        ("instance type", &report.by_instance_type),
        ("capacity provider", &report.by_capacity_provider),
    ] {
        if counts.is_empty() {
            continue;
        }
        let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        out.push('\n');
        out.push_str(&columns(
            (title, "tasks"),
            rows.iter().map(|(k, v)| (k.as_str(), v.to_string())),
        ));
    }
    if let Some(stop) = &report.stopped_by {
        out.push_str(&format!("\nstopped by: task {} did not fit\n", stop.task));
        if !stop.reasons.is_empty() {
            out.push_str(&columns(
                ("reason", "instances"),
                stop.reasons
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.to_string())),
            ));
        }
        match stop.single_resource.as_slice() {
            [] => {
                out.push_str(&stop.message);
                out.push('\n');
            }
            [first, rest @ ..] => {
                out.push_str(&format!(
                    "would need: {} ({} instance{} short of {} alone)\n",
                    first.describe(),
                    first.instances,
                    if first.instances == 1 { "" } else { "s" },
                    first.resource.as_str()
                ));
                for other in rest {
                    out.push_str(&format!(
                        "        or: {} ({} short of {} alone)\n",
                        other.describe(),
                        other.instances,
                        other.resource.as_str()
                    ));
                }
            }
        }
    }
    out.trim_end().to_owned()
}

/// Two left-aligned columns under a header, the second right-aligned.
fn columns<'a>(header: (&str, &str), rows: impl Iterator<Item = (&'a str, String)>) -> String {
    let rows: Vec<(&str, String)> = rows.collect();
    let left = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .chain([header.0.chars().count()])
        .max()
        .unwrap_or(0);
    let right = rows
        .iter()
        .map(|(_, v)| v.len())
        .chain([header.1.len()])
        .max()
        .unwrap_or(0);
    let mut out = format!("{:<left$}  {:>right$}\n", header.0, header.1);
    for (key, value) in rows {
        out.push_str(&format!("{key:<left$}  {value:>right$}\n"));
    }
    out
}
