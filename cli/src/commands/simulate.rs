//! `ecs-place simulate`: replays a workload (RunTask and StopTask events) through one
//! `Placer` and prints a JSON summary: calls (and the messages of refused ones), tasks placed
//! and not, instance rejections by reason, throughput and the cluster's final utilisation.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ecs_placement::generate::{WorkloadEvent, workload_events};
use ecs_placement::model::Snapshot;
use ecs_placement::{EcsError, Placer};
use indicatif::{ProgressBar, ProgressDrawTarget};
use serde::Serialize;

use crate::commands::generate::at_most;
use crate::input::{Failure, read_snapshot};

/// The most `--generate-workload` calls: a thousand times the reference replay (100,000 calls
/// on 5,000 instances, about 1.5 s), so about half an hour. The events are made as the replay
/// goes; what grows with the calls is their seeds, 8 bytes each (800 MB at most), kept to
/// check that none repeats (see [`may_forget_stopped_tasks`]).
pub const MAX_GENERATED_CALLS: usize = 100_000_000;

/// Events made and replayed at a time: generating them is outside the timed replay.
const BATCH: usize = 4096;

/// Replay a workload on a cluster snapshot and print a JSON summary.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("source").required(true).args(["workload", "generate_workload"])),
    after_help = "Examples:\n  ecs-place generate --instances 5000 --tasks 20000 --out cluster-5k.json\n  ecs-place simulate --cluster cluster-5k.json --generate-workload 100000 --seed 7\n  ecs-place simulate --cluster cluster-5k.json --workload events.jsonl\n  produce-events | ecs-place simulate --cluster cluster-5k.json --workload -\n\nA workload file holds one JSON event per line:\n  {\"event\":\"run-task\",\"request\":{...RunTask request...},\"seed\":3}\n  {\"event\":\"stop-task\",\"taskArn\":\"arn:aws:ecs:...\"}   or   {\"event\":\"stop-task\",\"pick\":12}\n\nThe summary (JSON on stdout):\n  runTaskCalls                  run-task events replayed\n  rejectedCalls                 calls refused with an exception (a bad request), by exception\n  rejectedCallMessages          the 5 most frequent messages of refused calls:\n                                [{\"exception\", \"message\", \"calls\"}], most frequent first\n  tasksRequested                tasks asked for by the calls not refused\n  placed                        tasks placed\n  tasksUnplaced                 tasks asked for and not placed (placed + tasksUnplaced = tasksRequested)\n  instanceRejectionsByReason    the responses' failure entries by reason: one per instance that\n                                rejected a task that could not be placed (not a count of tasks)\n  stopTaskCalls, stopped        stop-task events, and the tasks they stopped\n  seconds, placementsPerSecond  time spent placing and stopping (making the events not included)\n  cpuUtilization, memoryUtilization   CPU and memory taken over registered on ACTIVE\n                                instances, at the end\n\nLimits: --generate-workload at most 100000000 calls (beyond: exit 2, InvalidParameterException)."
)]
pub struct Args {
    /// The cluster snapshot.
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// The workload: JSON lines of run-task and stop-task events; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub workload: Option<PathBuf>,
    /// Generate a workload of this many RunTask calls instead, 0 to 100000000 (with the stops
    /// that keep the cluster busy but not full; made as the replay goes).
    #[arg(long, value_name = "CALLS", value_parser = at_most(MAX_GENERATED_CALLS))]
    pub generate_workload: Option<usize>,
    /// The seed of the generated workload, 0 to 18446744073709551615.
    #[arg(long, default_value_t = 0, value_parser = at_most(u64::MAX))]
    pub seed: u64,
}

/// The summary printed on stdout (described in `--help` and the README).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    run_task_calls: u64,
    /// Calls refused with an exception (validation), by exception.
    rejected_calls: BTreeMap<String, u64>,
    /// The most frequent messages of the refused calls, most frequent first.
    rejected_call_messages: Vec<RejectedMessage>,
    /// Tasks the calls not refused asked for.
    tasks_requested: u64,
    /// Tasks placed.
    placed: u64,
    /// Tasks the calls not refused asked for and that were not placed.
    tasks_unplaced: u64,
    /// The responses' failure entries by reason: one per instance that rejected a task that
    /// could not be placed, so not a count of tasks.
    instance_rejections_by_reason: BTreeMap<String, u64>,
    stop_task_calls: u64,
    stopped: u64,
    seconds: f64,
    placements_per_second: f64,
    cpu_utilization: f64,
    memory_utilization: f64,
    /// Every distinct message of a refused call so far (at most `MAX_TRACKED_MESSAGES`).
    #[serde(skip)]
    messages: HashMap<(String, String), u64>,
}

/// One message of refused calls and how many calls got it.
#[derive(Debug, Serialize)]
struct RejectedMessage {
    exception: String,
    message: String,
    calls: u64,
}

/// Messages listed in `rejectedCallMessages`.
const LISTED_MESSAGES: usize = 5;
/// Distinct messages counted; a message first seen after this many is counted only by
/// exception, so a workload of distinct bad requests cannot grow the table without bound.
const MAX_TRACKED_MESSAGES: usize = 1_000;

impl Summary {
    fn count_rejection(&mut self, error: &EcsError) {
        *self
            .rejected_calls
            .entry(error.exception.to_string())
            .or_insert(0) += 1;
        let key = (error.exception.to_string(), error.message.clone());
        let tracked = self.messages.len();
        match self.messages.get_mut(&key) {
            Some(calls) => *calls += 1,
            None if tracked < MAX_TRACKED_MESSAGES => {
                self.messages.insert(key, 1);
            }
            None => {}
        }
    }

    /// Lists the most frequent messages (ties in exception and message order).
    fn list_messages(&mut self) {
        let mut messages: Vec<RejectedMessage> = self
            .messages
            .drain()
            .map(|((exception, message), calls)| RejectedMessage {
                exception,
                message,
                calls,
            })
            .collect();
        messages.sort_by(|a, b| {
            (b.calls, &a.exception, &a.message).cmp(&(a.calls, &b.exception, &b.message))
        });
        messages.truncate(LISTED_MESSAGES);
        self.rejected_call_messages = messages;
    }
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
    let snapshot = read_snapshot(&args.cluster)?;
    let summary = match (&args.workload, args.generate_workload) {
        (Some(path), _) => {
            let events = read_workload(path)?;
            let may_forget = may_forget_stopped_tasks(&snapshot, &events);
            let calls = events
                .iter()
                .filter(|event| matches!(event, WorkloadEvent::RunTask { .. }))
                .count();
            replay(snapshot, events.into_iter(), calls, may_forget)
        }
        (None, Some(calls)) => {
            // Made twice, one event at a time: once to check the seeds, once to replay.
            let may_forget =
                may_forget_stopped_tasks(&snapshot, workload_events(&snapshot, calls, args.seed));
            let events = workload_events(&snapshot, calls, args.seed);
            replay(snapshot, events, calls, may_forget)
        }
        (None, None) => {
            return Err(EcsError::invalid_parameter(
                "give --workload FILE or --generate-workload CALLS",
            )
            .into());
        }
    };
    let text = serde_json::to_string_pretty(&summary)
        .map_err(|e| EcsError::client(format!("cannot serialize the summary: {e}")))?;
    crate::output::write_stdout_line(&text)
}

/// The name `--workload -` goes by in messages.
const STDIN_NAME: &str = "<stdin>";

/// Reads JSON lines (blank lines skipped) from the file, or standard input for `-`; errors
/// name the file (`<stdin>`) and line. Lines are parsed as they are read: the text is not
/// kept beside the events.
fn read_workload(path: &Path) -> Result<Vec<WorkloadEvent>, Failure> {
    if path == Path::new("-") {
        return parse_workload(io::stdin().lock(), STDIN_NAME);
    }
    let shown = path.display().to_string();
    let file = fs::File::open(path)
        .map_err(|e| EcsError::client(format!("{shown}: cannot read the file: {e}")))?;
    parse_workload(io::BufReader::new(file), &shown)
}

fn parse_workload(reader: impl BufRead, shown: &str) -> Result<Vec<WorkloadEvent>, Failure> {
    let mut events = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| {
            EcsError::client(format!("{shown}:{number}: cannot read the file: {e}"))
        })?;
        // A byte order mark may start a file saved by a Windows editor.
        let line = if index == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            &line
        };
        if line.trim().is_empty() {
            continue;
        }
        let event = WorkloadEvent::from_json(line).map_err(|e| {
            // A line's own position is line 1; the file's line number goes in front.
            let column = e
                .position
                .map(|(_, column)| format!("{column}:"))
                .unwrap_or_default();
            EcsError::new(
                e.exception,
                format!("{shown}:{number}:{column} {}", e.message),
            )
        })?;
        events.push(event);
    }
    Ok(events)
}

/// The fewest stops between two passes that forget stopped tasks (`cli/tests/simulate.rs`
/// places a repeated call right after this many).
const FORGET_AFTER_STOPS: usize = 4096;

/// Whether the replay may forget stopped tasks now and then (which keeps its memory bounded)
/// with the same summary as keeping them: only when no event names a task to stop by ARN
/// (stopping a forgotten task fails where stopping a stopped one succeeds and counts), no two
/// run-task events share a seed, and the snapshot starts with no stopped task (a seed can
/// draw a forgotten task's ARN again, and a task map that still holds it skips the new task;
/// see `Snapshot::forget_stopped_tasks`).
/// The seeds are sorted to find a repeat: 8 bytes per call, not a hash set's 16 or more.
fn may_forget_stopped_tasks(
    snapshot: &Snapshot,
    events: impl IntoIterator<Item = impl Borrow<WorkloadEvent>>,
) -> bool {
    if snapshot.tasks().values().any(|record| !record.running) {
        return false;
    }
    let mut seeds = Vec::new();
    for event in events {
        match event.borrow() {
            WorkloadEvent::StopTask { task_arn, .. } if task_arn.is_some() => return false,
            WorkloadEvent::StopTask { .. } => {}
            WorkloadEvent::RunTask { seed, .. } => seeds.push(*seed),
        }
    }
    seeds.sort_unstable();
    seeds.windows(2).all(|pair| pair[0] != pair[1])
}

/// Replays the events through one placer, taking them `BATCH` at a time: making (or moving)
/// and dropping events is not timed. `calls` (the run-task events) sizes the progress bar.
fn replay(
    snapshot: Snapshot,
    mut events: impl Iterator<Item = WorkloadEvent>,
    calls: usize,
    may_forget: bool,
) -> Summary {
    // The running tasks a stop event may pick, by index in the task map: a stop then needs no
    // ARN hashed and compared (see `Placer::stop_task_at_index`).
    let mut running: Vec<usize> = snapshot
        .tasks()
        .values()
        .enumerate()
        .filter(|(_, record)| record.running)
        .map(|(index, _)| index)
        .collect();
    let mut placer = Placer::new(snapshot);
    let mut stopped_at_last_forget = 0;
    let mut summary = Summary::default();
    let progress = progress_bar(calls);
    let mut batch = Vec::with_capacity(BATCH);
    let mut elapsed = Duration::ZERO;
    loop {
        batch.clear();
        batch.extend(events.by_ref().take(BATCH));
        if batch.is_empty() {
            break;
        }
        let started = Instant::now();
        for event in &batch {
            match event {
                WorkloadEvent::RunTask { request, seed } => {
                    run_one(&mut placer, request, *seed, &mut running, &mut summary)
                }
                WorkloadEvent::StopTask { task_arn, pick } => {
                    stop_one(
                        &mut placer,
                        task_arn.as_deref(),
                        *pick,
                        &mut running,
                        &mut summary,
                    );
                    // Amortized: the stopped tasks outnumber the running ones before a pass.
                    let stopped = summary.stopped - stopped_at_last_forget;
                    if may_forget && stopped as usize >= running.len().max(FORGET_AFTER_STOPS) {
                        forget_stopped_tasks(&mut placer, &mut running);
                        stopped_at_last_forget = summary.stopped;
                    }
                }
            }
        }
        elapsed += started.elapsed();
        progress.set_position(summary.run_task_calls);
    }
    summary.seconds = elapsed.as_secs_f64();
    progress.finish_and_clear();
    if summary.seconds > 0.0 {
        summary.placements_per_second = summary.placed as f64 / summary.seconds;
    }
    (summary.cpu_utilization, summary.memory_utilization) = utilization(placer.snapshot());
    summary.list_messages();
    summary
}

fn progress_bar(length: usize) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(length as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    }
}

fn run_one(
    placer: &mut Placer,
    request: &ecs_placement::aws::RunTaskRequest,
    seed: u64,
    running: &mut Vec<usize>,
    summary: &mut Summary,
) {
    summary.run_task_calls += 1;
    let requested = request.count.unwrap_or(1).max(0) as u64;
    // The summary form: the same state change and counts, without describing each task or
    // listing one failure entry per instance.
    let tasks_before = placer.snapshot().tasks().len();
    match placer.run_task_summary(request, seed) {
        Ok(call) => {
            summary.tasks_requested += requested;
            let placed = call.task_arns.len() as u64;
            summary.placed += placed;
            summary.tasks_unplaced += requested.saturating_sub(placed);
            let tasks = placer.snapshot().tasks();
            if tasks.len() - tasks_before == call.task_arns.len() {
                // Every placed task was new, so each was added at the end of the map, in order.
                running.extend(tasks_before..tasks.len());
            } else {
                // Some ARN was already there (and that task skipped): look each one up. Every
                // placed ARN is in the map; `usize::MAX`, which no stop finds, only guards the
                // impossible.
                running.extend(
                    call.task_arns
                        .iter()
                        .map(|arn| tasks.get_index_of(arn).unwrap_or(usize::MAX)),
                );
            }
            for (reason, count) in call.failures_by_reason {
                match summary
                    .instance_rejections_by_reason
                    .get_mut(reason.as_ref())
                {
                    Some(total) => *total += count,
                    None => {
                        summary
                            .instance_rejections_by_reason
                            .insert(reason.into_owned(), count);
                    }
                }
            }
        }
        Err(error) => summary.count_rejection(&error),
    }
}

fn stop_one(
    placer: &mut Placer,
    task_arn: Option<&str>,
    pick: Option<u64>,
    running: &mut Vec<usize>,
    summary: &mut Summary,
) {
    summary.stop_task_calls += 1;
    let stopped = match (task_arn, pick) {
        (Some(arn), _) => {
            // Equal ARNs are equal indices: a workload that names tasks never forgets any.
            let index = placer.snapshot().tasks().get_index_of(arn);
            if let Some(at) = running.iter().position(|&r| Some(r) == index) {
                running.swap_remove(at);
            }
            placer.stop_task(arn)
        }
        (None, Some(pick)) if !running.is_empty() => {
            let at = (pick % running.len() as u64) as usize;
            placer.stop_task_at_index(running.swap_remove(at))
        }
        _ => return,
    };
    if stopped.is_ok() {
        summary.stopped += 1;
    }
}

/// Forgets the stopped tasks and moves the running tasks' indices down with them. An index
/// whose task was forgotten gets `usize::MAX`, which no stop finds, as no stop finds a
/// forgotten ARN. That happens when a run-task call draws the ARN of a task the cluster file
/// already holds: `running` then names that task twice, and once it is stopped and forgotten
/// the other entry's stop fails, as stopping its forgotten ARN did before.
fn forget_stopped_tasks(placer: &mut Placer, running: &mut [usize]) {
    let mut kept = 0;
    let new_index: Vec<usize> = placer
        .snapshot()
        .tasks()
        .values()
        .map(|record| {
            if record.running {
                kept += 1;
                kept - 1
            } else {
                usize::MAX
            }
        })
        .collect();
    placer.forget_stopped_tasks();
    for index in running {
        *index = new_index.get(*index).copied().unwrap_or(usize::MAX);
    }
}

/// CPU and memory taken over registered, across ACTIVE instances.
fn utilization(snapshot: &Snapshot) -> (f64, f64) {
    let (mut cpu, mut cpu_total, mut memory, mut memory_total) = (0i64, 0i64, 0i64, 0i64);
    for instance in snapshot.instances().iter().filter(|i| i.is_active()) {
        cpu += (instance.registered.cpu - instance.remaining.cpu).max(0);
        cpu_total += instance.registered.cpu;
        memory += (instance.registered.memory - instance.remaining.memory).max(0);
        memory_total += instance.registered.memory;
    }
    let ratio = |used: i64, total: i64| {
        if total > 0 {
            used as f64 / total as f64
        } else {
            0.0
        }
    };
    (ratio(cpu, cpu_total), ratio(memory, memory_total))
}
