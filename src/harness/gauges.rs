//! What the cluster looks like at one moment of a replay: utilisation, stranded capacity,
//! instances in use, spread skew across Availability Zones. Read from the snapshot at the end
//! of each interval (a pass over the instances), never per call.
//!
//! Also the reference task of the fragmentation gauge: a demand given, or the most common
//! demand of the trace's first calls ([`most_common_demand`]).

use std::collections::HashMap;

use serde::Serialize;

use crate::aws::RunTaskRequest;
use crate::model::Snapshot;

/// The CPU units and MiB one task takes: the reference task whose fit defines stranded
/// capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Demand {
    /// CPU units.
    pub cpu: i64,
    /// Memory, MiB.
    pub memory: i64,
}

impl Demand {
    /// What one task of `request` takes on `snapshot` (its task definition and overrides);
    /// `None` when the request names no known definition.
    pub fn of_request(snapshot: &Snapshot, request: &RunTaskRequest) -> Option<Demand> {
        let definition = crate::request::task_definition::resolve(
            request.task_definition.as_deref(),
            snapshot.task_definitions(),
        )
        .ok()?;
        let demand =
            crate::model::demand::task_demand(definition, request.overrides.as_ref()).ok()?;
        Some(Demand {
            cpu: i64::try_from(demand.cpu).unwrap_or(i64::MAX),
            memory: i64::try_from(demand.memory_mib).unwrap_or(i64::MAX),
        })
    }
}

/// The most common demand of `requests` (ties to the smallest); `None` when no request names a
/// known task definition.
pub fn most_common_demand<'r>(
    snapshot: &Snapshot,
    requests: impl IntoIterator<Item = &'r RunTaskRequest>,
) -> Option<Demand> {
    let mut counts: HashMap<Demand, u64> = HashMap::new();
    let mut known: HashMap<(&str, bool), Option<Demand>> = HashMap::new();
    for request in requests {
        // Requests without overrides are looked up once per task definition name.
        let demand = match (&request.task_definition, &request.overrides) {
            (Some(name), None) => *known
                .entry((name.as_str(), false))
                .or_insert_with(|| Demand::of_request(snapshot, request)),
            _ => Demand::of_request(snapshot, request),
        };
        if let Some(demand) = demand {
            *counts.entry(demand).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|(a, ca), (b, cb)| ca.cmp(cb).then(b.cmp(a)))
        .map(|(demand, _)| demand)
}

/// The cluster at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// CPU taken over registered, across ACTIVE instances.
    pub cpu_utilization: f64,
    /// Memory taken over registered, across ACTIVE instances.
    pub memory_utilization: f64,
    /// Remaining CPU on ACTIVE instances that cannot take the reference task, over registered.
    pub stranded_cpu: f64,
    /// Remaining memory on ACTIVE instances that cannot take the reference task, over
    /// registered.
    pub stranded_memory: f64,
    /// ACTIVE instances.
    pub active_instances: u64,
    /// ACTIVE instances with some CPU or memory taken (running at least one task: every EC2
    /// task reserves memory).
    pub instances_in_use: u64,
    /// Tasks waiting for a capacity provider to scale out (`PROVISIONING`).
    pub waiting_tasks: u64,
    /// The largest spread skew of a group (see [`skews`]).
    pub spread_skew_max: f64,
    /// The mean spread skew over the groups counted.
    pub spread_skew_mean: f64,
}

/// Reads the gauges of `snapshot` from its instances, with `waiting` tasks waiting for
/// capacity: the definition the replay's cheaper kept gauges (`cluster_gauges.rs`)
/// is tested against.
pub fn sample(snapshot: &Snapshot, reference: Option<Demand>, waiting: u64) -> Sample {
    let (mut cpu, mut cpu_total, mut memory, mut memory_total) = (0i64, 0i64, 0i64, 0i64);
    let (mut stranded_cpu, mut stranded_memory) = (0i64, 0i64);
    let (mut active, mut in_use) = (0u64, 0u64);
    for instance in snapshot.instances().iter().filter(|i| i.is_active()) {
        let (registered, remaining) = (&instance.registered, &instance.remaining);
        cpu = cpu.saturating_add((registered.cpu - remaining.cpu).max(0));
        cpu_total = cpu_total.saturating_add(registered.cpu);
        memory = memory.saturating_add((registered.memory - remaining.memory).max(0));
        memory_total = memory_total.saturating_add(registered.memory);
        active += 1;
        in_use += u64::from(registered.cpu > remaining.cpu || registered.memory > remaining.memory);
        if let Some(task) = reference
            && (remaining.cpu < task.cpu || remaining.memory < task.memory)
        {
            stranded_cpu = stranded_cpu.saturating_add(remaining.cpu.max(0));
            stranded_memory = stranded_memory.saturating_add(remaining.memory.max(0));
        }
    }
    let skews = skews(snapshot);
    let spread_skew_max = skews.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    let spread_skew_mean = if skews.is_empty() {
        0.0
    } else {
        skews.iter().map(|(_, s)| s).sum::<f64>() / skews.len() as f64
    };
    Sample {
        cpu_utilization: ratio(cpu, cpu_total),
        memory_utilization: ratio(memory, memory_total),
        stranded_cpu: ratio(stranded_cpu, cpu_total),
        stranded_memory: ratio(stranded_memory, memory_total),
        active_instances: active,
        instances_in_use: in_use,
        waiting_tasks: waiting,
        spread_skew_max,
        spread_skew_mean,
    }
}

fn ratio(part: i64, total: i64) -> f64 {
    if total > 0 {
        part as f64 / total as f64
    } else {
        0.0
    }
}

/// Each group's spread skew across Availability Zones, `(max - min) / mean` of its running
/// tasks per zone, over the zones of the snapshot's instances (a zone without the group's
/// tasks counts 0), for groups with at least as many running tasks as there are zones (fewer
/// cannot be even); by group name. Empty when the instances name fewer than two zones.
pub fn skews(snapshot: &Snapshot) -> Vec<(String, f64)> {
    let mut zones: Vec<&str> = Vec::new();
    let mut zone_of = Vec::with_capacity(snapshot.instances().len());
    for instance in snapshot.instances() {
        let zone = snapshot.availability_zone(instance).map(|zone| {
            zones.iter().position(|z| *z == zone).unwrap_or_else(|| {
                zones.push(zone);
                zones.len() - 1
            })
        });
        zone_of.push(zone);
    }
    if zones.len() < 2 {
        return Vec::new();
    }
    let mut per_group: HashMap<u32, Vec<u64>> = HashMap::new();
    for (instance, zone) in snapshot.instances().iter().zip(&zone_of) {
        let Some(zone) = zone else { continue };
        for (group, count) in &instance.groups {
            per_group
                .entry(group.0)
                .or_insert_with(|| vec![0; zones.len()])[*zone] += u64::from(*count);
        }
    }
    let mut skews: Vec<(String, f64)> = per_group
        .into_iter()
        .filter_map(|(group, counts)| {
            let total: u64 = counts.iter().sum();
            if total < zones.len() as u64 {
                return None;
            }
            let max = counts.iter().copied().max().unwrap_or(0);
            let min = counts.iter().copied().min().unwrap_or(0);
            let mean = total as f64 / zones.len() as f64;
            let name = snapshot.group_name(crate::model::GroupId(group)).to_owned();
            Some((name, (max - min) as f64 / mean))
        })
        .collect();
    skews.sort_by(|a, b| a.0.cmp(&b.0));
    skews
}
