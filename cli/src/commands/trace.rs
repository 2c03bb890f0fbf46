//! `ecs-place trace`: making traces for `simulate` (docs/TRACE_FORMAT.md). `trace generate`
//! writes a generated timed trace for a cluster snapshot; `trace import` turns a public cluster
//! trace into a snapshot and a timed trace (docs/HARNESS.md, "Public traces").

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use ecs_placement::EcsError;
use ecs_placement::harness::TraceEvent;
use ecs_placement::harness::public_traces::{alibaba, merge};
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
    Import(ImportArgs),
}

/// The public trace formats `trace import` reads.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Alibaba cluster-trace-v2018 CSVs: machine_meta, batch_task, container_meta.
    #[value(name = "alibaba-2018")]
    Alibaba2018,
}

/// Turn a public cluster trace into a cluster snapshot and a timed trace for `simulate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example (the event files sorted by time first):\n  sort -t, -k6,6n batch_task.csv > batch_task.sorted.csv\n  sort -t, -k3,3n container_meta.csv > container_meta.sorted.csv\n  ecs-place trace import --format alibaba-2018 --machine-meta machine_meta.csv \\\n      --batch-task batch_task.sorted.csv --container-meta container_meta.sorted.csv \\\n      --out-cluster alibaba.json --out-trace alibaba.jsonl\n  ecs-place simulate --cluster alibaba.json --workload alibaba.jsonl --report report.html"
)]
struct ImportArgs {
    /// The trace's format.
    #[arg(long, value_enum)]
    format: Format,
    /// machine_meta.csv (the machines).
    #[arg(long, value_name = "FILE")]
    machine_meta: PathBuf,
    /// batch_task.csv, sorted by start_time (its 6th column).
    #[arg(long, value_name = "FILE")]
    batch_task: Option<PathBuf>,
    /// container_meta.csv, sorted by time_stamp (its 3rd column).
    #[arg(long, value_name = "FILE")]
    container_meta: Option<PathBuf>,
    /// The MiB a normalised memory of 100 stands for (the trace does not publish it).
    #[arg(long, value_name = "MIB", default_value_t = 524_288)]
    machine_memory_mib: u32,
    /// Where to write the cluster snapshot.
    #[arg(long, value_name = "FILE")]
    out_cluster: PathBuf,
    /// Where to write the trace.
    #[arg(long, value_name = "FILE")]
    out_trace: PathBuf,
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
        TraceCommand::Import(args) => import(args),
    }
}

/// Opens a trace file for reading, buffered.
fn open(path: &Path) -> Result<BufReader<File>, Failure> {
    File::open(path)
        .map(|file| BufReader::with_capacity(1 << 16, file))
        .map_err(|e| {
            EcsError::client(format!("{}: cannot read the file: {e}", path.display())).into()
        })
}

fn import(args: &ImportArgs) -> Result<(), Failure> {
    let Format::Alibaba2018 = args.format;
    if args.machine_memory_mib == 0 {
        return Err(EcsError::invalid_parameter("--machine-memory-mib must be above 0").into());
    }
    let scale = alibaba::Scale {
        machine_memory_mib: f64::from(args.machine_memory_mib),
    };
    let (instances, machine_events) = alibaba::machines(open(&args.machine_meta)?, scale)?;
    // First pass: the demands, for the task definitions.
    let batch = args.batch_task.as_deref().map(open).transpose()?;
    let containers = args.container_meta.as_deref().map(open).transpose()?;
    let demands = alibaba::demands(batch, containers, scale)?;
    let mut streams: Vec<Box<dyn Iterator<Item = Result<TraceEvent, EcsError>>>> =
        vec![Box::new(machine_events.into_iter().map(Ok))];
    if let Some(path) = &args.batch_task {
        streams.push(Box::new(alibaba::batch_events(open(path)?, scale)));
    }
    if let Some(path) = &args.container_meta {
        streams.push(Box::new(alibaba::container_events(open(path)?, scale)));
    }
    // Second pass, streamed: a bad row leaves neither file written.
    let mut failure: Option<EcsError> = None;
    let written = crate::output::write_file(&args.out_trace, "trace", |out| {
        let mut out = std::io::BufWriter::new(out);
        writeln!(
            out,
            "{{\"traceFormat\":1,\"description\":\"ecs-place trace import --format alibaba-2018\"}}"
        )?;
        for event in merge(streams) {
            match event {
                Ok(event) => writeln!(out, "{}", event.to_json_line())?,
                Err(error) => {
                    failure = Some(error);
                    return Err(std::io::Error::other("the trace has a bad row"));
                }
            }
        }
        out.flush()
    });
    if let Some(error) = failure {
        return Err(error.into());
    }
    written?;
    let file = alibaba::cluster(instances, &demands);
    let text = serde_json::to_string_pretty(&file)
        .map_err(|e| EcsError::client(format!("cannot serialize the snapshot: {e}")))?;
    crate::output::write_file(&args.out_cluster, "cluster snapshot", |out| {
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")
    })
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
