//! `ecs-place simulate`: replays a trace (timed events: docs/TRACE_FORMAT.md; or a generated
//! workload) through one `Placer` per variant and prints a JSON summary; `--timeseries` and
//! `--report` write the metrics over time as CSV and as an HTML page (docs/HARNESS.md).
//!
//! Thin: the replay and its metrics are the library's (`ecs_placement::harness`), the
//! threads and progress bar `harness_run.rs`'s, the page `report/`'s.

use std::fs;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ecs_placement::EcsError;
use ecs_placement::generate::workload_events;
use ecs_placement::harness::{
    Action, Demand, Finished, Options, SUMMARY_SCHEMA_VERSION, TraceReader, Variant, compare,
    gauges::most_common_demand, timed, write_csv,
};
use ecs_placement::model::Snapshot;
use serde::Serialize;

use crate::commands::generate::at_most;
use crate::harness_run::{Counting, Events, Job, Progress, REFERENCE_CALLS, look_ahead};
use crate::input::{Failure, read_snapshot};

/// The most `--generate-workload` calls: a thousand times the reference replay (100,000 calls
/// on 5,000 instances, about 1.5 s), so about half an hour. The events are made as the replay
/// goes; what grows with the calls is their seeds, kept to check that none repeats (see
/// `ecs_placement::harness::Replay::apply`).
pub const MAX_GENERATED_CALLS: usize = 100_000_000;

/// The most variants.
const MAX_VARIANTS: usize = 16;

/// Replay a trace on a cluster snapshot and print a JSON summary.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("source").required(true).args(["workload", "generate_workload"])),
    after_help = "Examples:\n  ecs-place generate --instances 5000 --tasks 20000 --out cluster-5k.json\n  ecs-place simulate --cluster cluster-5k.json --generate-workload 100000 --seed 7\n  ecs-place simulate --cluster cluster-5k.json --workload trace.jsonl --report report.html --timeseries series.csv\n  ecs-place simulate --cluster cluster-5k.json --workload trace.jsonl \\\n      --variant today= --variant packed='strategy=binpack(memory)' --report compare.html\n  produce-events | ecs-place simulate --cluster cluster-5k.json --workload -\n\nA trace holds one JSON event per line (docs/TRACE_FORMAT.md), `at` in seconds from the start:\n  {\"at\":0.5,\"event\":\"run-task\",\"request\":{...RunTask request...},\"seed\":3,\"duration\":600}\n  {\"at\":9,\"event\":\"stop-task\",\"taskArn\":\"arn:aws:ecs:...\"}   or   {\"event\":\"stop-task\",\"pick\":12}\n  {\"at\":60,\"event\":\"drain-instance\",\"instance\":\"ID-OR-ARN\"}\n  register-instance {\"instance\":{...ContainerInstance...}}, deregister-instance {\"instance\":..., \"force\":true}\nAn event without `at` keeps the previous time (a run-task: one second later).\n\nVariants (--variant NAME=SPEC, repeatable) replay the same trace with every request changed:\n  strategy=spread(attribute:ecs.availability-zone),binpack(memory)   capacity=PROVIDER:WEIGHT:BASE,...\n  constraint=memberOf(EXPRESSION) | constraint=distinctInstance      cluster=OTHER-SNAPSHOT.json\n  (parts joined with `;`; `NAME=` alone changes nothing).\n\nThe summary (JSON on stdout; schema in docs/HARNESS.md): runTaskCalls, rejectedCalls,\nrejectedCallMessages, tasksRequested, placed, tasksUnplaced, unplacedByReason,\ninstanceRejectionsByReason, stopTaskCalls, stopped, stoppedByDuration, instanceEvents,\ntraceSeconds, seconds, placementsPerSecond, cpuUtilization, memoryUtilization, and `metrics`\n(latency percentiles, means, peaks and end of the gauges). With variants: {schemaVersion,\nvariants: [{name, spec, summary}], comparison: [{metric, values, differences}]}.\n\nLimits: --generate-workload at most 100000000 calls, at most 16 variants (beyond: exit 2,\nInvalidParameterException)."
)]
pub struct Args {
    /// The cluster snapshot.
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// The trace: JSON lines of timed events; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    /// Generate a workload of this many RunTask calls instead, 0 to 100000000 (one a second,
    /// with the stops that keep the cluster busy but not full; made as the replay goes).
    #[arg(long, value_name = "CALLS", value_parser = at_most(MAX_GENERATED_CALLS))]
    pub generate_workload: Option<usize>,
    /// The seed of the generated workload, 0 to 18446744073709551615.
    #[arg(long, default_value_t = 0, value_parser = at_most(u64::MAX))]
    pub seed: u64,
    /// A variant, NAME=SPEC (repeatable): the same trace replayed with every request changed.
    #[arg(long = "variant", value_name = "NAME=SPEC")]
    pub variants: Vec<String>,
    /// Write the metrics per interval as CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub timeseries: Option<PathBuf>,
    /// Write a self-contained HTML report with charts.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// The first width of the intervals, seconds of trace time (they double as the trace
    /// grows, to at most 512 intervals).
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub interval: f64,
    /// The reference task of the stranded capacity, CPU,MEMORY (CPU units, MiB); by default
    /// the most common demand of the first 1000 calls.
    #[arg(long, value_name = "CPU,MEMORY")]
    pub reference_task: Option<String>,
    /// Collect only the totals (no latency per call, no intervals, no gauges).
    #[arg(long)]
    pub no_metrics: bool,
    /// `json` (the summary's schema, the default) or `table`: each metric per variant and the
    /// difference to the first, as aligned columns for a person.
    #[arg(long, value_enum, default_value = "json")]
    pub format: SummaryFormat,
}

/// How `simulate` prints its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// The JSON summary (docs/HARNESS.md).
    Json,
    /// The side-by-side table.
    Table,
}

/// The summary of several variants.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Compared<'a> {
    schema_version: u32,
    variants: Vec<Named<'a>>,
    comparison: Vec<ecs_placement::harness::Compared>,
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
    spec: &'a str,
    summary: &'a ecs_placement::harness::Summary,
}

/// Runs `simulate`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let stdin = Path::new("-");
    if args.cluster == stdin && args.workload.as_deref() == Some(stdin) {
        return Err(EcsError::invalid_parameter(
            "--cluster and --workload cannot both be `-`: standard input can be read only once",
        )
        .into());
    }
    if !(args.interval.is_finite() && args.interval > 0.0) {
        return Err(
            EcsError::invalid_parameter("--interval must be a number of seconds above 0").into(),
        );
    }
    if args.no_metrics && (args.report.is_some() || args.timeseries.is_some()) {
        return Err(EcsError::invalid_parameter(
            "--no-metrics collects no time series: --report and --timeseries need the metrics",
        )
        .into());
    }
    let mut variants = args
        .variants
        .iter()
        .map(|v| Variant::parse(v))
        .collect::<Result<Vec<_>, _>>()?;
    if variants.len() > MAX_VARIANTS {
        return Err(EcsError::invalid_parameter(format!(
            "at most {MAX_VARIANTS} variants, got {}",
            variants.len()
        ))
        .into());
    }
    if let Some(twice) = variants
        .iter()
        .enumerate()
        .find(|(at, v)| variants[..*at].iter().any(|w| w.name == v.name))
    {
        return Err(EcsError::invalid_parameter(format!(
            "--variant {:?} is named twice",
            twice.1.name
        ))
        .into());
    }
    let compared = !variants.is_empty();
    if variants.is_empty() {
        variants.push(Variant::default());
    }
    let snapshot = read_snapshot(&args.cluster)?;
    let (events, progress) = source(args, &snapshot)?;
    let (reference, events) = match &args.reference_task {
        Some(text) => (Some(parse_demand(text)?), events),
        None if args.no_metrics => (None, events),
        None => {
            let (head, events) = look_ahead(events, REFERENCE_CALLS);
            let requests = head.iter().filter_map(|event| match event {
                Ok(ecs_placement::harness::TraceEvent {
                    action: Action::RunTask { request, .. },
                    ..
                }) => Some(&**request),
                _ => None,
            });
            (most_common_demand(&snapshot, requests), events)
        }
    };
    let mut jobs = Vec::new();
    for variant in &variants {
        let start = match &variant.cluster {
            Some(path) => read_snapshot(Path::new(path))?,
            None => snapshot.clone(),
        };
        jobs.push(Job {
            snapshot: start,
            options: Options {
                metrics: !args.no_metrics,
                interval: args.interval,
                reference,
                variant: variant.clone(),
            },
        });
    }
    drop(snapshot);
    let finished = crate::harness_run::run(jobs, events, progress)?;
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    if args.format == SummaryFormat::Table {
        let summaries: Vec<_> = finished.iter().map(|f| &f.summary).collect();
        let text = crate::report::text::table(&names, &compare(&summaries));
        write_outputs(args, &names, &finished)?;
        return crate::output::write_stdout_line(text.trim_end());
    }
    let text = if compared {
        let summaries: Vec<_> = finished.iter().map(|f| &f.summary).collect();
        serde_json::to_string_pretty(&Compared {
            schema_version: SUMMARY_SCHEMA_VERSION,
            variants: variants
                .iter()
                .zip(&finished)
                .map(|(v, f)| Named {
                    name: &v.name,
                    spec: &v.spec,
                    summary: &f.summary,
                })
                .collect(),
            comparison: compare(&summaries),
        })
    } else {
        serde_json::to_string_pretty(&finished[0].summary)
    }
    .map_err(|e| EcsError::client(format!("cannot serialize the summary: {e}")))?;
    write_outputs(args, &names, &finished)?;
    crate::output::write_stdout_line(&text)
}

fn write_outputs(args: &Args, names: &[&str], finished: &[Finished]) -> Result<(), Failure> {
    if let Some(path) = &args.timeseries {
        let runs: Vec<(&str, &[_])> = names
            .iter()
            .zip(finished)
            .map(|(name, f)| (*name, f.rows.as_slice()))
            .collect();
        crate::output::write_file(path, "time series", |out| write_csv(out, &runs))?;
    }
    if let Some(path) = &args.report {
        let page = crate::report::page(names, finished, &args.variants);
        crate::output::write_file(path, "report", |out| out.write_all(page.as_bytes()))?;
    }
    Ok(())
}

/// `CPU,MEMORY` in CPU units and MiB.
fn parse_demand(text: &str) -> Result<Demand, Failure> {
    let parsed = text.split_once(',').and_then(|(cpu, memory)| {
        Some(Demand {
            cpu: cpu.trim().parse().ok().filter(|v: &i64| *v >= 0)?,
            memory: memory.trim().parse().ok().filter(|v: &i64| *v >= 0)?,
        })
    });
    parsed.ok_or_else(|| {
        EcsError::invalid_parameter(format!(
            "--reference-task {text:?}: expected CPU,MEMORY (CPU units and MiB, e.g. 256,512)"
        ))
        .into()
    })
}

/// The events to replay and how to follow their progress.
fn source(args: &Args, snapshot: &Snapshot) -> Result<(Events, Progress), Failure> {
    let position = Arc::new(AtomicU64::new(0));
    match (&args.workload, args.generate_workload) {
        (Some(path), _) if path == Path::new("-") => {
            let reader = Counting {
                inner: io::stdin().lock(),
                count: Arc::clone(&position),
            };
            let events: Events = Box::new(TraceReader::new(reader));
            Ok((
                events,
                Progress {
                    length: 0,
                    position,
                    unit: "bytes",
                },
            ))
        }
        (Some(path), _) => {
            let shown = path.display().to_string();
            let file = fs::File::open(path)
                .map_err(|e| EcsError::client(format!("{shown}: cannot read the file: {e}")))?;
            let length = file.metadata().map(|m| m.len()).unwrap_or(0);
            let reader = Counting {
                inner: BufReader::with_capacity(1 << 16, file),
                count: Arc::clone(&position),
            };
            let events: Events = Box::new(TraceReader::new(reader));
            Ok((
                events,
                Progress {
                    length,
                    position,
                    unit: "bytes",
                },
            ))
        }
        (None, Some(calls)) => {
            let counter = Arc::clone(&position);
            let generated = workload_events(snapshot, calls, args.seed).inspect(move |event| {
                if matches!(
                    event,
                    ecs_placement::generate::WorkloadEvent::RunTask { .. }
                ) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
            let events: Events = Box::new(timed(generated).map(Ok));
            Ok((
                events,
                Progress {
                    length: calls as u64,
                    position,
                    unit: "calls",
                },
            ))
        }
        (None, None) => Err(EcsError::invalid_parameter(
            "give --workload FILE or --generate-workload CALLS",
        )
        .into()),
    }
}
