//! `ecs-place trace`: making traces for `simulate` (docs/TRACE_FORMAT.md). `trace generate`
//! writes a generated timed trace for a cluster snapshot.

use std::io::Write;
use std::path::PathBuf;

use ecs_placement::EcsError;
use ecs_placement::harness::synthetic::{TraceSpec, trace};

use crate::commands::generate::at_most;
use crate::input::{Failure, read_snapshot};

/// The most generated calls (as `simulate --generate-workload`).
const MAX_CALLS: usize = 100_000_000;

/// Make traces for `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: TraceCommand,
}

#[derive(Debug, clap::Subcommand)]
enum TraceCommand {
    Generate(GenerateArgs),
}

/// Write a generated timed trace: the generated workload's requests arriving at random times
/// (on average `--rate` a second), each with a random duration, so the cluster fills and
/// empties by itself. The same file for the same arguments, everywhere.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  ecs-place generate --instances 500 --tasks 2000 --out cluster.json\n  ecs-place trace generate --cluster cluster.json --calls 20000 --rate 5 --out trace.jsonl\n  ecs-place simulate --cluster cluster.json --workload trace.jsonl --report report.html"
)]
struct GenerateArgs {
    /// The cluster snapshot the requests are for (its task definitions and capacity).
    #[arg(long, value_name = "FILE")]
    cluster: PathBuf,
    /// RunTask calls, 0 to 100000000.
    #[arg(long, value_parser = at_most(MAX_CALLS))]
    calls: usize,
    /// Calls per second of trace time, on average.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// The share of the CPU or memory the snapshot leaves free (whichever runs out first) the
    /// tasks would hold on average if every one were placed (above 1 asks for more than fits),
    /// 0.01 to 10.
    #[arg(long, default_value_t = 0.7)]
    load: f64,
    /// The seed, 0 to 18446744073709551615.
    #[arg(long, default_value_t = 0, value_parser = at_most(u64::MAX))]
    seed: u64,
    /// Where to write the trace.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `trace`.
pub fn run(args: &Args) -> Result<(), Failure> {
    match &args.command {
        TraceCommand::Generate(args) => generate(args),
    }
}

fn generate(args: &GenerateArgs) -> Result<(), Failure> {
    if !(args.rate.is_finite() && args.rate > 0.0 && args.rate <= 1e6) {
        return Err(EcsError::invalid_parameter(
            "--rate must be above 0 and at most 1000000 calls a second",
        )
        .into());
    }
    if !(0.01..=10.0).contains(&args.load) {
        return Err(EcsError::invalid_parameter("--load must be from 0.01 to 10").into());
    }
    let snapshot = read_snapshot(&args.cluster)?;
    let spec = TraceSpec {
        calls: args.calls,
        rate: args.rate,
        load: args.load,
        seed: args.seed,
    };
    crate::output::write_file(&args.out, "trace", |out| {
        let mut out = std::io::BufWriter::new(out);
        writeln!(
            out,
            "{{\"traceFormat\":1,\"description\":\"ecs-place trace generate --calls {} --rate {} --load {} --seed {}\"}}",
            args.calls, args.rate, args.load, args.seed
        )?;
        for event in trace(&snapshot, spec) {
            writeln!(out, "{}", event.to_json_line())?;
        }
        out.flush()
    })
}
