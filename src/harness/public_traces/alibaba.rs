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
//! `alibaba.failure-domain-2`. A batch task of `instance_num` instances is one RunTask call per
//! 10 of them (the API's most) at `start_time`, its tasks stopping at `end_time`, in group
//! `job:JOB`; a container is one task at its first `time_stamp`, in group `app:APP_DU`, never
//! stopping. A machine whose first row is at time 0 is in the snapshot, a later one registers at
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

/// The run-task events of `batch_task.csv`, sorted by `start_time` as the file must be. A row
/// without `plan_cpu` or `plan_mem` or `instance_num` places nothing and is skipped.
pub fn batch_events(
    reader: impl BufRead + 'static,
    scale: Scale,
) -> impl Iterator<Item = Result<TraceEvent, EcsError>> {
    let mut rows = CsvLines::new(reader, "batch_task");
    let mut pending: std::collections::VecDeque<TraceEvent> = Default::default();
    let mut last = 0.0f64;
    let mut failed = false;
    std::iter::from_fn(move || {
        loop {
            if let Some(event) = pending.pop_front() {
                return Some(Ok(event));
            }
            if failed {
                return None;
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
                Ok(events) => pending.extend(events),
                Err(message) => {
                    failed = true;
                    return Some(Err(rows.error(message)));
                }
            }
        }
    })
}

fn batch_row(
    fields: &[String],
    line: usize,
    scale: Scale,
    last: &mut f64,
) -> Result<Vec<TraceEvent>, String> {
    let Some(start) = number(fields, 5, "start_time")? else {
        return Ok(Vec::new());
    };
    if start < *last {
        return Err(format!(
            "start_time {start} is before the previous row's {last}; sort the file by start_time first (sort -t, -k6,6n)"
        ));
    }
    *last = start;
    let (Some(demand), Some(instances)) = (
        batch_demand(fields, scale)?,
        number(fields, 1, "instance_num")?,
    ) else {
        return Ok(Vec::new());
    };
    let end = number(fields, 6, "end_time")?;
    let duration = end.filter(|end| *end > start).map(|end| end - start);
    let job = fields.get(2).map(String::as_str).unwrap_or_default();
    let mut left = instances.max(0.0) as i64;
    let mut events = Vec::new();
    let mut part = 0u64;
    while left > 0 {
        let count = left.min(10);
        events.push(TraceEvent {
            at: start,
            action: Action::RunTask {
                request: Box::new(request(demand, count, format!("job:{job}"))),
                seed: ((line as u64) << 16) | part,
                duration,
                name: None,
            },
        });
        left -= count;
        part += 1;
    }
    Ok(events)
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
                        seed: (line as u64) << 16 | 0xffff,
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
