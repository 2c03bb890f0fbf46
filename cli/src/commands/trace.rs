//! `ecs-place trace`: making traces for `simulate` (docs/TRACE_FORMAT.md). `trace generate`
//! writes a generated timed trace for a cluster snapshot; `trace import` turns a public cluster
//! trace into a snapshot and a timed trace (docs/HARNESS.md, "Public traces").

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use ecs_placement::EcsError;
use ecs_placement::harness::TraceEvent;
use ecs_placement::harness::public_traces::{alibaba, google, merge};
use ecs_placement::harness::synthetic::{TraceSpec, trace};
use ecs_placement::model::SnapshotFile;

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
    /// Google clusterdata-2019 tables as JSON lines: machine_events, instance_events,
    /// machine_attributes.
    #[value(name = "google-2019")]
    Google2019,
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
    /// alibaba-2018: machine_meta.csv (the machines).
    #[arg(long, value_name = "FILE")]
    machine_meta: Option<PathBuf>,
    /// alibaba-2018: batch_task.csv, sorted by start_time (its 6th column).
    #[arg(long, value_name = "FILE")]
    batch_task: Option<PathBuf>,
    /// alibaba-2018: container_meta.csv, sorted by time_stamp (its 3rd column).
    #[arg(long, value_name = "FILE")]
    container_meta: Option<PathBuf>,
    /// google-2019: machine_events as JSON lines.
    #[arg(long, value_name = "FILE")]
    machine_events: Option<PathBuf>,
    /// google-2019: instance_events as JSON lines, sorted by time.
    #[arg(long, value_name = "FILE")]
    instance_events: Option<PathBuf>,
    /// google-2019: machine_attributes as JSON lines (those at time 0 are kept).
    #[arg(long, value_name = "FILE")]
    machine_attributes: Option<PathBuf>,
    /// The MiB the largest machine's memory stands for (the traces publish normalised memory):
    /// alibaba-2018's 100, google-2019's 1.0. By default 524288 (alibaba-2018) or 262144
    /// (google-2019).
    #[arg(long, value_name = "MIB")]
    machine_memory_mib: Option<u32>,
    /// google-2019: the CPU units a normalised 1.0 stands for (by default 65536: 64 cores).
    #[arg(long, value_name = "UNITS")]
    machine_cpu_units: Option<u32>,
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
    if args.machine_memory_mib == Some(0) || args.machine_cpu_units == Some(0) {
        return Err(EcsError::invalid_parameter(
            "--machine-memory-mib and --machine-cpu-units must be above 0",
        )
        .into());
    }
    let (file, streams, format) = match args.format {
        Format::Alibaba2018 => alibaba_inputs(args)?,
        Format::Google2019 => google_inputs(args)?,
    };
    write_import(args, file, streams, format)
}

/// The file `--NAME` gives, which `format` needs.
fn needed<'a>(path: &'a Option<PathBuf>, name: &str, format: &str) -> Result<&'a Path, Failure> {
    path.as_deref().ok_or_else(|| {
        EcsError::invalid_parameter(format!("--format {format} needs --{name}")).into()
    })
}

type Streams = Vec<Box<dyn Iterator<Item = Result<TraceEvent, EcsError>>>>;

fn alibaba_inputs(args: &ImportArgs) -> Result<(SnapshotFile, Streams, &'static str), Failure> {
    let scale = alibaba::Scale {
        machine_memory_mib: f64::from(args.machine_memory_mib.unwrap_or(524_288)),
    };
    let machine_meta = needed(&args.machine_meta, "machine-meta", alibaba::FORMAT)?;
    let (instances, machine_events) = alibaba::machines(open(machine_meta)?, scale)?;
    // First pass: the demands, for the task definitions.
    let batch = args.batch_task.as_deref().map(open).transpose()?;
    let containers = args.container_meta.as_deref().map(open).transpose()?;
    let demands = alibaba::demands(batch, containers, scale)?;
    let mut streams: Streams = vec![Box::new(machine_events.into_iter().map(Ok))];
    if let Some(path) = &args.batch_task {
        streams.push(Box::new(alibaba::batch_events(open(path)?, scale)));
    }
    if let Some(path) = &args.container_meta {
        streams.push(Box::new(alibaba::container_events(open(path)?, scale)));
    }
    Ok((
        alibaba::cluster(instances, &demands),
        streams,
        alibaba::FORMAT,
    ))
}

fn google_inputs(args: &ImportArgs) -> Result<(SnapshotFile, Streams, &'static str), Failure> {
    let defaults = google::Scale::default();
    let scale = google::Scale {
        machine_cpu_units: args
            .machine_cpu_units
            .map_or(defaults.machine_cpu_units, f64::from),
        machine_memory_mib: args
            .machine_memory_mib
            .map_or(defaults.machine_memory_mib, f64::from),
    };
    let machine_events = needed(&args.machine_events, "machine-events", google::FORMAT)?;
    let instance_events = needed(&args.instance_events, "instance-events", google::FORMAT)?;
    let attributes = match &args.machine_attributes {
        Some(path) => google::attributes(open(path)?)?,
        None => Default::default(),
    };
    let (instances, machine_events) = google::machines(open(machine_events)?, &attributes, scale)?;
    drop(attributes);
    let demands = google::demands(open(instance_events)?, scale)?;
    let streams: Streams = vec![
        Box::new(machine_events.into_iter().map(Ok)),
        Box::new(google::instance_events(open(instance_events)?, scale)),
    ];
    Ok((
        google::cluster(instances, &demands),
        streams,
        google::FORMAT,
    ))
}

/// Writes the trace (streamed) and then the snapshot: a bad row leaves neither written.
fn write_import(
    args: &ImportArgs,
    file: SnapshotFile,
    streams: Streams,
    format: &str,
) -> Result<(), Failure> {
    // Second pass, streamed: a bad row leaves neither file written.
    let mut failure: Option<EcsError> = None;
    let written = crate::output::write_file(&args.out_trace, "trace", |out| {
        let mut out = std::io::BufWriter::new(out);
        writeln!(
            out,
            "{{\"traceFormat\":1,\"description\":\"ecs-place trace import --format {format}\"}}"
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
