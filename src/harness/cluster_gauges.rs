//! The gauges of [`gauges`](super::gauges) kept cheap enough to read at every interval's end of
//! a long replay: what placing and stopping never change (each instance's registered CPU and
//! memory, its zone) is read once and again after each instance event, the remaining CPU and
//! memory come from the snapshot's hot columns, and each group's running tasks per zone are
//! counted as tasks start and stop, so a sample costs a pass over two columns and the groups,
//! not over the instances' tasks.

use crate::model::Snapshot;

use super::gauges::{Demand, Sample};

/// What the gauges keep between samples.
#[derive(Debug, Clone, Default)]
pub struct ClusterGauges {
    /// Each position's registered CPU and memory.
    registered: Vec<[i64; 2]>,
    /// Each position's zone (index into `zones`).
    zone_of: Vec<Option<u16>>,
    zones: Vec<String>,
    /// Per group id, its running tasks per zone.
    per_group: Vec<Vec<u32>>,
}

/// Where a task counts: its group and its instance's zone.
pub type Place = (u32, u16);

impl ClusterGauges {
    /// The gauges of `snapshot`, its running tasks counted.
    pub fn new(snapshot: &Snapshot) -> Self {
        let mut gauges = Self::default();
        gauges.read_instances(snapshot);
        for record in snapshot.tasks().values() {
            if let Some(place) = gauges.place_of(record).filter(|_| record.running) {
                gauges.add(place, 1);
            }
        }
        gauges
    }

    /// Reads the instances again (after one registered, deregistered or drained). Positions
    /// stay: a registration adds one after the last.
    pub fn read_instances(&mut self, snapshot: &Snapshot) {
        self.registered.clear();
        self.zone_of.clear();
        for instance in snapshot.instances() {
            self.registered
                .push([instance.registered.cpu, instance.registered.memory]);
            let zone = snapshot.availability_zone(instance).and_then(|zone| {
                let at = match self.zones.iter().position(|z| z == zone) {
                    Some(at) => at,
                    None => {
                        self.zones.push(zone.to_owned());
                        self.zones.len() - 1
                    }
                };
                u16::try_from(at).ok()
            });
            self.zone_of.push(zone);
        }
    }

    /// Where a task on an instance with a zone counts (running or not: a task is looked up
    /// before it stops, or after a deregistration stopped it).
    pub fn place_of(&self, record: &crate::model::TaskRecord) -> Option<Place> {
        let zone = (*self.zone_of.get(record.instance? as usize)?)?;
        Some((record.group.0, zone))
    }

    /// Counts a task in (`1`) or out (`-1`).
    pub fn add(&mut self, (group, zone): Place, delta: i32) {
        let group = group as usize;
        if self.per_group.len() <= group {
            self.per_group.resize_with(group + 1, Vec::new);
        }
        let counts = &mut self.per_group[group];
        if counts.len() <= zone as usize {
            counts.resize(zone as usize + 1, 0);
        }
        let count = &mut counts[zone as usize];
        *count = count.saturating_add_signed(delta);
    }

    /// The gauges now.
    pub fn sample(&self, snapshot: &Snapshot, reference: Option<Demand>, waiting: u64) -> Sample {
        let free = snapshot.free.all();
        let (mut used, mut total, mut stranded) = ([0i64; 2], [0i64; 2], [0i64; 2]);
        let (mut active, mut in_use) = (0u64, 0u64);
        for position in snapshot.active.ones() {
            let (Some(remaining), Some(registered)) =
                (free.get(position), self.registered.get(position))
            else {
                continue;
            };
            active += 1;
            let mut taken = false;
            for at in 0..2 {
                let held = (registered[at] - remaining[at]).max(0);
                taken |= held > 0;
                used[at] = used[at].saturating_add(held);
                total[at] = total[at].saturating_add(registered[at]);
            }
            in_use += u64::from(taken);
            if let Some(task) = reference
                && (remaining[0] < task.cpu || remaining[1] < task.memory)
            {
                stranded[0] = stranded[0].saturating_add(remaining[0].max(0));
                stranded[1] = stranded[1].saturating_add(remaining[1].max(0));
            }
        }
        let (skew_max, skew_mean) = self.skew();
        Sample {
            cpu_utilization: ratio(used[0], total[0]),
            memory_utilization: ratio(used[1], total[1]),
            stranded_cpu: ratio(stranded[0], total[0]),
            stranded_memory: ratio(stranded[1], total[1]),
            active_instances: active,
            instances_in_use: in_use,
            waiting_tasks: waiting,
            spread_skew_max: skew_max,
            spread_skew_mean: skew_mean,
        }
    }

    /// The largest and the mean spread skew over the groups with at least as many running
    /// tasks as there are zones, in group id order (so the mean's sum is the same every time).
    fn skew(&self) -> (f64, f64) {
        let zones = self.zones.len();
        if zones < 2 {
            return (0.0, 0.0);
        }
        let (mut max_skew, mut sum, mut groups) = (0.0f64, 0.0f64, 0u64);
        for counts in &self.per_group {
            let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
            if total < zones as u64 {
                continue;
            }
            let most = counts.iter().copied().max().unwrap_or(0);
            // A zone past the counted ones holds none of the group's tasks.
            let least = if counts.len() < zones {
                0
            } else {
                counts.iter().copied().min().unwrap_or(0)
            };
            let skew = f64::from(most - least) / (total as f64 / zones as f64);
            max_skew = max_skew.max(skew);
            sum += skew;
            groups += 1;
        }
        let mean = if groups > 0 { sum / groups as f64 } else { 0.0 };
        (max_skew, mean)
    }
}

fn ratio(part: i64, total: i64) -> f64 {
    if total > 0 {
        part as f64 / total as f64
    } else {
        0.0
    }
}
