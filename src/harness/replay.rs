//! The replay: a trace's events, in order, through one [`Placer`], with the metrics collected
//! as it goes (or only the totals, with metrics off).
//!
//! Owns the running tasks (by index in the task map, so a stop by `pick` or at the end of a
//! `duration` hashes no ARN), the tasks to stop at a time, the tasks waiting for capacity, and
//! forgetting stopped tasks (which keeps memory bounded; see [`Replay::apply`]). Time is
//! given by the caller: the library reads no clock, and a test passes one that counts.

use std::collections::HashSet;

use crate::aws::{ContainerInstance, ContainerInstanceStatus, RunTaskRequest};
use crate::model::{MapHasher, Snapshot};
use crate::placement::Placer;

use super::cluster_gauges::{ClusterGauges, Place};
use super::gauges::{self, Demand, Sample};
use super::metrics::{Collector, micros, per_second};
use super::running::RunningTasks;
use super::summary::{Latency, MetricsSummary, Summary, Totals, mean_and_peak, most_skewed};
use super::trace::{Action, TraceEvent};
use super::variant::Variant;

/// The fewest stops between two passes that forget stopped tasks.
pub const FORGET_AFTER_STOPS: usize = 4096;

/// How a replay runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Collect the metrics over time (latency per call, intervals, gauges).
    pub metrics: bool,
    /// The first width of the intervals, seconds (0: 1 second).
    pub interval: f64,
    /// The reference task of the stranded capacity.
    pub reference: Option<Demand>,
    /// What the variant changes in every request.
    pub variant: Variant,
}

/// A replay in progress.
#[derive(Debug)]
pub struct Replay {
    placer: Placer,
    /// The running tasks, the times some stop, those waiting for capacity.
    running: RunningTasks,
    may_forget: bool,
    seeds: HashSet<u64, MapHasher>,
    stopped_at_last_forget: u64,
    totals: Totals,
    collector: Option<Collector>,
    /// The gauges' state, with metrics on.
    gauges: Option<ClusterGauges>,
    options: Options,
    now: f64,
}

impl Replay {
    /// A replay on `snapshot`.
    pub fn new(snapshot: Snapshot, options: Options) -> Self {
        let tasks = snapshot.tasks();
        let running = RunningTasks::new(
            (0..tasks.len()).filter(|&i| tasks.get_index(i).is_some_and(|(_, r)| r.running)),
        );
        // A stopped task in the snapshot may have its ARN drawn again: keep every stopped task.
        let may_forget = tasks.values().all(|record| record.running);
        let width = if options.interval > 0.0 {
            options.interval
        } else {
            1.0
        };
        let gauges = options.metrics.then(|| ClusterGauges::new(&snapshot));
        Self {
            placer: Placer::new(snapshot),
            running,
            may_forget,
            seeds: HashSet::default(),
            stopped_at_last_forget: 0,
            totals: Totals::default(),
            collector: options.metrics.then(|| Collector::new(width)),
            gauges,
            options,
            now: 0.0,
        }
    }

    /// The state now.
    pub fn snapshot(&self) -> &Snapshot {
        self.placer.snapshot()
    }

    /// RunTask calls so far.
    pub fn run_task_calls(&self) -> u64 {
        self.totals.summary.run_task_calls
    }

    /// Replays one event. `clock` gives nanoseconds from any fixed start; it is read around
    /// each RunTask call when metrics are on, and never otherwise.
    ///
    /// Stopped tasks are forgotten once they outnumber the running ones, while no stop has
    /// named a task by ARN, no run-task seed has repeated and the snapshot held no stopped
    /// task: a stop by ARN of a forgotten task is refused (unknown ARN) where a kept one stops
    /// nothing, and a seed drawn again may draw a forgotten task's ARN.
    ///
    /// A stop-task by an ARN the state does not hold counts as refused
    /// (`InvalidParameterException`, as ECS answers); one of a stopped task, by a name no
    /// running task has, or by `pick` with none running stops nothing and is not refused.
    pub fn apply(&mut self, event: &TraceEvent, clock: &mut impl FnMut() -> u64) {
        self.advance(event.at);
        match &event.action {
            Action::RunTask {
                request,
                seed,
                duration,
                name,
            } => {
                if self.may_forget && !self.seeds.insert(*seed) {
                    self.keep_stopped_tasks();
                }
                self.run_task(request, *seed, *duration, name.as_deref(), clock);
            }
            Action::StopTask {
                task_arn,
                pick,
                name,
            } => {
                if task_arn.is_some() {
                    self.keep_stopped_tasks();
                }
                self.totals.summary.stop_task_calls += 1;
                match name {
                    Some(name) => self.stop_named(name),
                    None => self.stop(task_arn.as_deref(), *pick),
                }
            }
            Action::DrainInstance { instance } => {
                self.totals.summary.instance_events.drain += 1;
                let drained = self.placer.update_container_instances_state(
                    &[instance],
                    ContainerInstanceStatus::Draining,
                );
                if !drained.is_ok_and(|outcome| outcome.failures.is_empty()) {
                    self.totals.summary.instance_events.failed += 1;
                }
                self.read_instances();
            }
            Action::RegisterInstance { instance } => {
                self.totals.summary.instance_events.register += 1;
                let registered = self
                    .placer
                    .register_container_instance(ContainerInstance::clone(instance));
                if registered.is_err() {
                    self.totals.summary.instance_events.failed += 1;
                }
                self.read_instances();
            }
            Action::DeregisterInstance { instance, force } => {
                self.totals.summary.instance_events.deregister += 1;
                match self.placer.deregister_container_instance(instance, *force) {
                    Ok(stopped) => self.count_stopped_arns(&stopped),
                    Err(_) => self.totals.summary.instance_events.failed += 1,
                }
                self.read_instances();
            }
        }
    }

    fn read_instances(&mut self) {
        if let Some(gauges) = &mut self.gauges {
            gauges.read_instances(self.placer.snapshot());
        }
    }

    /// Where the task at `index` counts in the gauges (looked up before it stops).
    fn place(&self, index: usize) -> Option<Place> {
        let gauges = self.gauges.as_ref()?;
        let (_, record) = self.placer.snapshot().tasks().get_index(index)?;
        gauges.place_of(record).filter(|_| record.running)
    }

    /// Counts a stopped task out of the gauges.
    fn stopped_at(&mut self, place: Option<Place>) {
        if let (Some(gauges), Some(place)) = (&mut self.gauges, place) {
            gauges.add(place, -1);
        }
    }

    /// Takes the tasks a forced deregistration stopped out of the running ones, and counts
    /// them.
    fn count_stopped_arns(&mut self, arns: &[String]) {
        for arn in arns {
            let index = self.placer.snapshot().tasks().get_index_of(arn.as_str());
            // Stopped already: where it counted is read without the running flag.
            let place = match (&self.gauges, index) {
                (Some(gauges), Some(index)) => self
                    .placer
                    .snapshot()
                    .tasks()
                    .get_index(index)
                    .and_then(|(_, record)| gauges.place_of(record)),
                _ => None,
            };
            self.stopped_at(place);
            if let Some(index) = index {
                self.running.remove(index);
            }
        }
        for _ in arns {
            self.count_stop();
        }
    }

    fn keep_stopped_tasks(&mut self) {
        self.may_forget = false;
        self.seeds = HashSet::default();
    }

    /// Stops the tasks whose time has come and closes the intervals that end, up to `to`.
    fn advance(&mut self, to: f64) {
        self.now = to;
        loop {
            let next = self.running.next_stop(to);
            let until = next.unwrap_or(to);
            if self.collector.as_ref().is_some_and(|c| c.is_past(until)) {
                let sample = self.sample();
                if let Some(collector) = &mut self.collector {
                    collector.close_until(until, &sample);
                }
            }
            if next.is_none() {
                break;
            }
            if let Some(index) = self.running.pop_stop()
                && self.running.contains(index)
                && self.stop_index(index)
            {
                self.totals.summary.stopped_by_duration += 1;
            }
        }
    }

    fn sample(&mut self) -> Sample {
        let tasks = self.placer.snapshot().tasks();
        self.running.waiting.retain(|&index| {
            tasks
                .get_index(index)
                .is_some_and(|(_, r)| r.running && r.instance.is_none())
        });
        let waiting = self.running.waiting.len() as u64;
        match &self.gauges {
            Some(gauges) => gauges.sample(self.placer.snapshot(), self.options.reference, waiting),
            None => gauges::sample(self.placer.snapshot(), self.options.reference, waiting),
        }
    }

    fn run_task(
        &mut self,
        request: &RunTaskRequest,
        seed: u64,
        duration: Option<f64>,
        name: Option<&str>,
        clock: &mut impl FnMut() -> u64,
    ) {
        let request = self.options.variant.apply(request);
        self.totals.summary.run_task_calls += 1;
        let requested = request.count.unwrap_or(1).max(0) as u64;
        let tasks_before = self.placer.snapshot().tasks().len();
        let (call, nanos) = if self.collector.is_some() {
            let started = clock();
            let call = self.placer.run_task_summary(&request, seed);
            (call, clock().saturating_sub(started))
        } else {
            (self.placer.run_task_summary(&request, seed), 0)
        };
        let open = self.collector.as_mut().map(|c| {
            c.record_latency(nanos);
            &mut c.open.counts
        });
        let call = match call {
            Ok(call) => call,
            Err(error) => {
                if let Some(open) = open {
                    open.run_task_calls += 1;
                    open.rejected_calls += 1;
                }
                self.totals.count_rejection(&error);
                return;
            }
        };
        let placed = call.task_arns.len() as u64;
        let unplaced = requested.saturating_sub(placed);
        if let Some(open) = open {
            open.run_task_calls += 1;
            open.tasks_requested += requested;
            open.placed += placed;
            open.unplaced += unplaced;
        }
        let summary = &mut self.totals.summary;
        summary.tasks_requested += requested;
        summary.placed += placed;
        summary.tasks_unplaced += unplaced;
        if unplaced > 0 {
            let reason = call.failures_by_reason.first().map_or("NONE", |(r, _)| r);
            Totals::add_reason(&mut summary.unplaced_by_reason, reason, unplaced);
        }
        for (reason, count) in &call.failures_by_reason {
            Totals::add_reason(&mut summary.instance_rejections_by_reason, reason, *count);
        }
        let tasks = self.placer.snapshot().tasks();
        let placed: Vec<usize> = if tasks.len() - tasks_before == call.task_arns.len() {
            // Every placed task was new, so each was added at the end of the map, in order.
            (tasks_before..tasks.len()).collect()
        } else {
            // Some ARN was already there (and that task skipped): look each one up.
            call.task_arns
                .iter()
                .filter_map(|arn| tasks.get_index_of(arn))
                .collect()
        };
        let expires = duration.map(|d| self.now + d);
        if let Some(name) = name {
            self.running.name(name, &placed);
        }
        for index in placed {
            self.running.push(index);
            if let Some(at) = expires {
                self.running.stop_at(index, at);
            }
            if let Some(gauges) = &mut self.gauges
                && let Some((_, record)) = tasks.get_index(index)
                && record.running
                && let Some(place) = gauges.place_of(record)
            {
                gauges.add(place, 1);
            }
            if tasks
                .get_index(index)
                .is_some_and(|(_, r)| r.instance.is_none())
                && tasks.get_index(index).is_some_and(|(arn, _)| {
                    self.placer
                        .snapshot()
                        .describe_task(arn)
                        .is_some_and(|t| crate::placement::pipeline::is_waiting(&t))
                })
            {
                self.running.waiting.push(index);
            }
        }
    }

    /// Stops the running task at `index` of the task map; whether it stopped.
    fn stop_index(&mut self, index: usize) -> bool {
        self.running.remove(index);
        let place = self.place(index);
        let stopped = self.placer.stop_task_at_index(index).is_ok();
        if stopped {
            self.stopped_at(place);
            self.count_stop();
        }
        stopped
    }

    /// Stops the running tasks a `run-task` of this name placed.
    fn stop_named(&mut self, name: &str) {
        for index in self.running.take_name(name) {
            if !self.running.contains(index) {
                continue;
            }
            self.running.remove(index);
            let place = self.place(index);
            if self.placer.stop_task_at_index(index).is_ok() {
                self.stopped_at(place);
                // Forgetting would move the indices still to stop: it waits for the last.
                self.count_stop_only();
            }
        }
        self.maybe_forget();
    }

    /// Counts a stop-task call ECS would refuse (with the run-task calls it refuses).
    fn count_rejected(&mut self, error: &crate::error::EcsError) {
        if let Some(collector) = &mut self.collector {
            collector.open.counts.rejected_calls += 1;
        }
        self.totals.count_rejection(error);
    }

    fn count_stop(&mut self) {
        self.count_stop_only();
        self.maybe_forget();
    }

    fn count_stop_only(&mut self) {
        self.totals.summary.stopped += 1;
        if let Some(collector) = &mut self.collector {
            collector.open.counts.stopped += 1;
        }
    }

    fn maybe_forget(&mut self) {
        let stopped = (self.totals.summary.stopped - self.stopped_at_last_forget) as usize;
        if self.may_forget && stopped >= self.running.len().max(FORGET_AFTER_STOPS) {
            self.forget_stopped_tasks();
            self.stopped_at_last_forget = self.totals.summary.stopped;
        }
    }

    fn stop(&mut self, task_arn: Option<&str>, pick: Option<u64>) {
        match (task_arn, pick) {
            (Some(arn), _) => {
                let index = self.placer.snapshot().tasks().get_index_of(arn);
                if let Some(index) = index {
                    self.running.remove(index);
                }
                let place = index.and_then(|i| self.place(i));
                let running = index
                    .and_then(|i| self.placer.snapshot().tasks().get_index(i))
                    .is_some_and(|(_, record)| record.running);
                match self.placer.stop_task(arn) {
                    Ok(()) if running => {
                        self.stopped_at(place);
                        self.count_stop();
                    }
                    // A task stopped already: ECS answers with it, and nothing stops.
                    Ok(()) => {}
                    // An ARN the state does not hold: ECS refuses the call.
                    Err(error) => self.count_rejected(&error),
                }
            }
            (None, Some(pick)) if !self.running.is_empty() => {
                let position = (pick % self.running.len() as u64) as usize;
                let Some(index) = self.running.at(position) else {
                    return;
                };
                self.running.remove(index);
                let place = self.place(index);
                if self.placer.stop_task_at_index(index).is_ok() {
                    self.stopped_at(place);
                    self.count_stop();
                }
            }
            _ => {}
        }
    }

    /// Forgets the stopped tasks and moves every kept index down with them.
    fn forget_stopped_tasks(&mut self) {
        let mut kept = 0usize;
        let new_index: Vec<usize> = self
            .placer
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
        self.placer.forget_stopped_tasks();
        self.running
            .remap(|index| new_index.get(index).copied().filter(|&i| i != usize::MAX));
    }

    /// The gauges now, as the intervals' ends read them.
    pub fn sample_now(&mut self) -> Sample {
        self.sample()
    }

    /// Ends the replay: its summary (`seconds` measured by the caller) and its intervals.
    pub fn finish(mut self, seconds: f64) -> Finished {
        let end = self.sample();
        let mut summary = std::mem::take(&mut self.totals).into_summary();
        summary.trace_seconds = self.now;
        summary.seconds = seconds;
        summary.placements_per_second = if seconds > 0.0 {
            summary.placed as f64 / seconds
        } else {
            0.0
        };
        summary.cpu_utilization = end.cpu_utilization;
        summary.memory_utilization = end.memory_utilization;
        let rows = match &self.collector {
            Some(collector) => collector.rows(&end),
            None => Vec::new(),
        };
        if let Some(collector) = &self.collector {
            let (mean, peak) = mean_and_peak(rows.iter().map(|r| &r.sample));
            let overall = &collector.overall;
            summary.metrics = Some(MetricsSummary {
                interval_seconds: collector.width(),
                intervals: rows.len(),
                reference_demand: self.options.reference,
                latency_us: Latency {
                    p50: micros(overall.quantile(0.5)),
                    p90: micros(overall.quantile(0.9)),
                    p99: micros(overall.quantile(0.99)),
                    max: micros(overall.max()),
                },
                mean,
                peak,
                end,
                spread_skew_by_group: most_skewed(gauges::skews(self.placer.snapshot())),
            });
            let placing: u64 = rows.iter().map(|r| r.counts.placing_nanos).sum();
            // With metrics on, calls are timed one by one: their sum is the time placing.
            if seconds == 0.0 {
                summary.placements_per_second = per_second(summary.placed, placing);
            }
        }
        Finished {
            summary,
            rows,
            snapshot: self.placer.into_snapshot(),
        }
    }
}

/// What a finished replay gives.
#[derive(Debug)]
pub struct Finished {
    /// The summary.
    pub summary: Summary,
    /// One row per interval (empty with metrics off).
    pub rows: Vec<super::metrics::IntervalRow>,
    /// The state at the end.
    pub snapshot: Snapshot,
}
