//! Alibaba cluster-trace-v2018: `machine_meta.csv` (machines: id, time_stamp, failure_domain_1,
//! failure_domain_2, cpu_num, mem_size, status), `batch_task.csv` (task_name, instance_num,
//! job_name, task_type, status, start_time, end_time, plan_cpu, plan_mem) and
//! `container_meta.csv` (container_id, machine_id, time_stamp, app_du, status, cpu_request,
//! cpu_limit, mem_size) to a snapshot and a timed trace.
//!
//! Units: a core is 1,024 CPU units (`cpu_num` cores; `plan_cpu` and `cpu_request` in hundredths
//! of a core); memory is normalised to 0-100 in the trace, and [`Scale::machine_memory_mib`]
//! says how many MiB 100 stands for. Failure domain 1 becomes `ecs.availability-zone` (so
//! spread across zones means across the trace's first failure domain), failure domain 2
//! `alibaba.failure-domain-2`. A batch task of `instance_num` instances (a whole number, at most
//! [`MAX_INSTANCE_NUM`]) is one RunTask call per 10 of them (the API's most) at `start_time`,
//! its tasks stopping at `end_time`, in group `job:JOB`, made one at a time as the trace is
//! written; a container is one task at its first `time_stamp`, in group `app:APP_DU`, never
//! stopping. Seeds are `line × 2^17 + call` for batch tasks and `2^63 + line` for containers:
//! no two calls share one. A machine whose first row is at time 0 is in the snapshot, a later one registers at
//! its time; a later row with a status other than `USING` deregisters it (forced).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::BufRead;

use crate::aws::{LaunchType, RunTaskRequest};
use crate::error::EcsError;
use crate::model::SnapshotFile;

use super::super::gauges::Demand;
use super::super::trace::{Action, TraceEvent};
use super::{CsvLines, family, instance, number, snapshot};

/// The format's name (and the imported cluster's).
pub const FORMAT: &str = "alibaba-2018";

/// How the trace's normalised units become ECS's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The MiB a normalised memory of 100 stands for (the trace does not say; by default
    /// 524,288, 512 GiB).
    pub machine_memory_mib: f64,
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            machine_memory_mib: 524_288.0,
        }
    }
}

impl Scale {
    fn demand(&self, hundredths_of_cores: f64, memory: f64) -> Demand {
        Demand {
            cpu: (hundredths_of_cores * 1024.0 / 100.0).round().max(0.0) as i64,
            memory: (memory * self.machine_memory_mib / 100.0).round().max(1.0) as i64,
        }
    }
}

/// The machines of `machine_meta.csv`: the snapshot's instances (first row at time 0) and the
/// events of the others (registrations, and deregistrations when a row leaves `USING`), sorted
/// by time. Machine rows are few (thousands): they are read whole.
pub fn machines(
    reader: impl BufRead,
    scale: Scale,
) -> Result<(Vec<crate::aws::ContainerInstance>, Vec<TraceEvent>), EcsError> {
    let mut rows = CsvLines::new(reader, "machine_meta");
    let mut first: HashMap<String, ()> = HashMap::new();
    let (mut instances, mut events) = (Vec::new(), Vec::new());
    while let Some((fields, _)) = rows.next_row()? {
        let id = fields.first().cloned().unwrap_or_default();
        if id.is_empty() {
            return Err(rows.error("machine_id is empty"));
        }
        let time = number(&fields, 1, "time_stamp")
            .map_err(|m| rows.error(m))?
            .unwrap_or(0.0);
        let status = fields.get(6).map(String::as_str).unwrap_or("USING");
        if first.contains_key(&id) {
            if status != "USING" {
                events.push(TraceEvent {
                    at: time.max(0.0),
                    action: Action::DeregisterInstance {
                        instance: id,
                        force: true,
                    },
                });
            }
            continue;
        }
        first.insert(id.clone(), ());
        let cores = number(&fields, 4, "cpu_num")
            .map_err(|m| rows.error(m))?
            .unwrap_or(0.0);
        let memory = number(&fields, 5, "mem_size")
            .map_err(|m| rows.error(m))?
            .unwrap_or(0.0);
        let size = scale.demand(cores * 100.0, memory);
        let get = |at: usize| fields.get(at).map(String::as_str).unwrap_or_default();
        let wire = instance(
            FORMAT,
            &id,
            size,
            &[
                ("ecs.availability-zone", get(2)),
                ("alibaba.failure-domain-2", get(3)),
            ],
        );
        if time <= 0.0 {
            instances.push(wire);
        } else {
            events.push(TraceEvent {
                at: time,
                action: Action::RegisterInstance {
                    instance: Box::new(wire),
                },
            });
        }
    }
    events.sort_by(|a, b| a.at.total_cmp(&b.at));
    Ok((instances, events))
}

/// The demands of the batch tasks and containers (a first pass, for the task definitions).
pub fn demands(
    batch_task: Option<impl BufRead>,
    container_meta: Option<impl BufRead>,
    scale: Scale,
) -> Result<BTreeSet<Demand>, EcsError> {
    let mut demands = BTreeSet::new();
    if let Some(reader) = batch_task {
        let mut rows = CsvLines::new(reader, "batch_task");
        while let Some((fields, _)) = rows.next_row()? {
            if let Some(demand) = batch_demand(&fields, scale).map_err(|m| rows.error(m))? {
                demands.insert(demand);
            }
        }
    }
    if let Some(reader) = container_meta {
        let mut rows = CsvLines::new(reader, "container_meta");
        while let Some((fields, _)) = rows.next_row()? {
            if let Some(demand) = container_demand(&fields, scale).map_err(|m| rows.error(m))? {
                demands.insert(demand);
            }
        }
    }
    Ok(demands)
}

fn batch_demand(fields: &[String], scale: Scale) -> Result<Option<Demand>, String> {
    let cpu = number(fields, 7, "plan_cpu")?;
    let memory = number(fields, 8, "plan_mem")?;
    Ok(cpu
        .zip(memory)
        .map(|(cpu, memory)| scale.demand(cpu, memory)))
}

fn container_demand(fields: &[String], scale: Scale) -> Result<Option<Demand>, String> {
    let cpu = number(fields, 5, "cpu_request")?;
    let memory = number(fields, 7, "mem_size")?;
    Ok(cpu
        .zip(memory)
        .map(|(cpu, memory)| scale.demand(cpu, memory)))
}

/// The snapshot: the machines at time 0 and a task definition per demand.
pub fn cluster(
    instances: Vec<crate::aws::ContainerInstance>,
    demands: &BTreeSet<Demand>,
) -> SnapshotFile {
    snapshot(FORMAT, instances, demands)
}

fn request(demand: Demand, count: i64, group: String) -> RunTaskRequest {
    RunTaskRequest {
        cluster: Some(FORMAT.to_owned()),
        task_definition: Some(family(FORMAT, demand)),
        count: Some(count),
        group: Some(group),
        launch_type: Some(LaunchType::Ec2),
        ..RunTaskRequest::default()
    }
}

/// The most instances one `batch_task` row may ask for. The published rows ask for far fewer
/// (a task's instances are one machine's worth of work each); a larger `instance_num` is a
/// damaged row, refused rather than turned into more than 100,000 calls.
pub const MAX_INSTANCE_NUM: u64 = 1_000_000;

/// The bits of a `batch_task` seed that number the row's calls (`MAX_INSTANCE_NUM` / 10 fits).
const PART_BITS: u32 = 17;
/// The highest line a seed can number (above it, seeds of different files could meet).
const MAX_SEEDED_LINE: u64 = (1 << (63 - PART_BITS)) - 1;

/// The seed of call `part` of the `batch_task` row at `line`: `line × 2^17 + part`, below
/// 2^63, so no two calls of the import share one (containers' seeds have bit 63 set).
fn batch_seed(line: usize, part: u64) -> Result<u64, String> {
    let line = line as u64;
    if line > MAX_SEEDED_LINE {
        return Err(format!(
            "the file has more than {MAX_SEEDED_LINE} lines; split it"
        ));
    }
    Ok((line << PART_BITS) | (part & ((1 << PART_BITS) - 1)))
}

// Every call of a row numbers below 2^17, so `batch_seed` never drops a part's bits.
const _: () = assert!(MAX_INSTANCE_NUM.div_ceil(10) <= 1 << PART_BITS);

/// The seed of the container first seen at `line` of `container_meta.csv`: `2^63 + line`.
fn container_seed(line: usize) -> u64 {
    (1 << 63) | (line as u64 & ((1 << 63) - 1))
}

/// The calls of one `batch_task` row still to give (one at a time: a row of any
/// `instance_num` takes the same memory).
struct BatchRow {
    start: f64,
    demand: Demand,
    duration: Option<f64>,
    group: String,
    line: usize,
    left: u64,
    part: u64,
}

impl BatchRow {
    fn next_event(&mut self) -> Result<Option<TraceEvent>, String> {
        if self.left == 0 {
            return Ok(None);
        }
        let count = self.left.min(10);
        let seed = batch_seed(self.line, self.part)?;
        self.left -= count;
        self.part += 1;
        Ok(Some(TraceEvent {
            at: self.start,
            action: Action::RunTask {
                request: Box::new(request(self.demand, count as i64, self.group.clone())),
                seed,
                duration: self.duration,
                name: None,
            },
        }))
    }
}

/// The run-task events of `batch_task.csv`, sorted by `start_time` as the file must be. A row
/// without `plan_cpu` or `plan_mem` or `instance_num` places nothing and is skipped. The
/// events of a row are made as they are taken, so memory does not grow with `instance_num`.
pub fn batch_events(
    reader: impl BufRead + 'static,
    scale: Scale,
) -> impl Iterator<Item = Result<TraceEvent, EcsError>> {
    let mut rows = CsvLines::new(reader, "batch_task");
    let mut pending: Option<BatchRow> = None;
    let mut last = 0.0f64;
    let mut failed = false;
    std::iter::from_fn(move || {
        loop {
            if failed {
                return None;
            }
            if let Some(row) = &mut pending {
                match row.next_event() {
                    Ok(Some(event)) => return Some(Ok(event)),
                    Ok(None) => pending = None,
                    Err(message) => {
                        failed = true;
                        return Some(Err(rows.error(message)));
                    }
                }
            }
            let row = match rows.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => return None,
                Err(error) => {
                    failed = true;
                    return Some(Err(error));
                }
            };
            match batch_row(&row.0, row.1, scale, &mut last) {
                Ok(row) => pending = row,
                Err(message) => {
                    failed = true;
                    return Some(Err(rows.error(message)));
                }
            }
        }
    })
}

/// `instance_num`: a whole number from 0 to [`MAX_INSTANCE_NUM`] (`100` and `100.0` alike).
fn instance_num(fields: &[String]) -> Result<Option<u64>, String> {
    let text = fields.get(1).map(String::as_str).unwrap_or_default();
    let Some(value) = number(fields, 1, "instance_num")? else {
        return Ok(None);
    };
    if value.fract() != 0.0 || value < 0.0 {
        return Err(format!(
            "instance_num: expected a whole number of instances, 0 to {MAX_INSTANCE_NUM}, found {text:?}"
        ));
    }
    if value > MAX_INSTANCE_NUM as f64 {
        return Err(format!(
            "instance_num {text} is more than {MAX_INSTANCE_NUM}, the most one row may ask for"
        ));
    }
    Ok(Some(value as u64))
}

fn batch_row(
    fields: &[String],
    line: usize,
    scale: Scale,
    last: &mut f64,
) -> Result<Option<BatchRow>, String> {
    let Some(start) = number(fields, 5, "start_time")? else {
        return Ok(None);
    };
    if start < *last {
        return Err(format!(
            "start_time {start} is before the previous row's {last}; sort the file by start_time first (sort -t, -k6,6n)"
        ));
    }
    *last = start;
    let instances = instance_num(fields)?;
    let (Some(demand), Some(instances)) = (batch_demand(fields, scale)?, instances) else {
        return Ok(None);
    };
    let end = number(fields, 6, "end_time")?;
    let duration = end.filter(|end| *end > start).map(|end| end - start);
    let job = fields.get(2).map(String::as_str).unwrap_or_default();
    Ok(Some(BatchRow {
        start,
        demand,
        duration,
        group: format!("job:{job}"),
        line,
        left: instances,
        part: 0,
    }))
}

/// The run-task events of `container_meta.csv` (a container's first row), sorted by
/// `time_stamp` as the file must be.
pub fn container_events(
    reader: impl BufRead + 'static,
    scale: Scale,
) -> impl Iterator<Item = Result<TraceEvent, EcsError>> {
    let mut rows = CsvLines::new(reader, "container_meta");
    let mut seen: HashSet<String> = HashSet::new();
    let mut last = 0.0f64;
    let mut failed = false;
    std::iter::from_fn(move || {
        loop {
            if failed {
                return None;
            }
            let (fields, line) = match rows.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => return None,
                Err(error) => {
                    failed = true;
                    return Some(Err(error));
                }
            };
            let result = (|| -> Result<Option<TraceEvent>, String> {
                let time = number(&fields, 2, "time_stamp")?.unwrap_or(0.0).max(0.0);
                if time < last {
                    return Err(format!(
                        "time_stamp {time} is before the previous row's {last}; sort the file by time_stamp first (sort -t, -k3,3n)"
                    ));
                }
                last = time;
                let id = fields.first().cloned().unwrap_or_default();
                let Some(demand) = container_demand(&fields, scale)? else {
                    return Ok(None);
                };
                if !seen.insert(id) {
                    return Ok(None);
                }
                let app = fields.get(3).map(String::as_str).unwrap_or_default();
                Ok(Some(TraceEvent {
                    at: time,
                    action: Action::RunTask {
                        request: Box::new(request(demand, 1, format!("app:{app}"))),
                        seed: container_seed(line),
                        duration: None,
                        name: None,
                    },
                }))
            })();
            match result {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => continue,
                Err(message) => {
                    failed = true;
                    return Some(Err(rows.error(message)));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn events(text: &'static str) -> impl Iterator<Item = Result<TraceEvent, EcsError>> {
        batch_events(text.as_bytes(), Scale::default())
    }

    fn seed(event: &TraceEvent) -> u64 {
        match &event.action {
            Action::RunTask { seed, .. } => *seed,
            _ => u64::MAX,
        }
    }

    #[test]
    fn a_row_of_a_million_instances_is_made_a_call_at_a_time_with_seeds_of_its_own() {
        let mut calls = events(
            "t1,1000000,j_1,1,Terminated,200,300,50,0.5\nt2,3,j_1,1,Terminated,200,300,50,0.5\n",
        );
        let mut seeds = HashSet::new();
        let mut count = 0;
        for event in calls.by_ref().take(100_000) {
            let event = event.unwrap();
            assert!(
                matches!(&event.action, Action::RunTask { request, .. } if request.count == Some(10))
            );
            assert!(seeds.insert(seed(&event)));
            count += 1;
        }
        assert_eq!(count, 100_000);
        // The next row's call: its seed is none of the first row's.
        let next = calls.next().unwrap().unwrap();
        assert!(
            matches!(&next.action, Action::RunTask { request, .. } if request.count == Some(3))
        );
        assert!(seeds.insert(seed(&next)), "seed {} repeats", seed(&next));
        assert!(calls.next().is_none());
        let container = container_events(
            "c_1,m_1,200,app_1,started,50,100,0.5\n".as_bytes(),
            Scale::default(),
        )
        .next()
        .unwrap()
        .unwrap();
        assert!(seeds.insert(seed(&container)));
    }

    #[test]
    fn an_instance_num_not_whole_or_out_of_range_is_refused_with_its_line() {
        let error = |row: &'static str| {
            let error = events(row).find_map(Result::err).unwrap();
            format!("{}: {}", error.exception.as_str(), error.message)
        };
        for (count, message) in [
            (
                "100000000",
                "instance_num 100000000 is more than 1000000, the most one row may ask for",
            ),
            (
                "4294967295",
                "instance_num 4294967295 is more than 1000000, the most one row may ask for",
            ),
            (
                "99999999999999999999",
                "instance_num 99999999999999999999 is more than 1000000, the most one row may ask for",
            ),
            (
                "2.5",
                "instance_num: expected a whole number of instances, 0 to 1000000, found \"2.5\"",
            ),
            (
                "-1",
                "instance_num: expected a whole number of instances, 0 to 1000000, found \"-1\"",
            ),
        ] {
            let row: &'static str = Box::leak(
                format!("t0,1,j_0,1,Terminated,100,300,50,0.5\nt1,{count},j_1,1,Terminated,200,300,50,0.5\n")
                    .into_boxed_str(),
            );
            assert_eq!(
                error(row),
                format!("InvalidParameterException: batch_task line 2: {message}")
            );
        }
        // 1,000,000 and 100.0 are whole numbers in range.
        assert_eq!(
            events("t1,100.0,j_1,1,Terminated,200,300,50,0.5\n").count(),
            10
        );
    }
}
