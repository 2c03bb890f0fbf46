//! Stopping a task on a snapshot: the record marked stopped and what it held given back to
//! its instance (StopTask, and the tasks a forced deregistration orphans).

use crate::aws::DesiredStatus;
use crate::error::EcsError;

use super::task::{Description, HeldUsage};
use super::{Instance, Resources, Snapshot};

impl Snapshot {
    /// Stops the task at `index` of the task map: desired status STOPPED, and everything it
    /// held on its instance released; returns that instance's position (`None` when the task
    /// was already stopped or held nothing on an instance of the snapshot).
    pub(crate) fn stop_task_at_index(&mut self, index: usize) -> Result<Option<u32>, EcsError> {
        let snapshot = self;
        let task_count = snapshot.tasks.len();
        // The task map and the instances are borrowed apart, so the usage is read in place.
        let Snapshot {
            tasks, instances, ..
        } = snapshot;
        let Some((_, record)) = tasks.get_index_mut(index) else {
            return Err(EcsError::invalid_parameter(format!(
                "The referenced task was not found: no task at index {index} (the state holds \
             {task_count} tasks)"
            )));
        };
        if !record.running {
            return Ok(None);
        }
        record.running = false;
        // A shared description reads `running` when it is completed.
        if let Description::Full(task) = &mut record.description {
            task.desired_status = Some(DesiredStatus::Stopped);
        }
        let (group, position) = (record.group, record.instance);
        if let Some(position) = position {
            if let Some(instance) = instances.get_mut(position as usize) {
                release_usage(instance, &record.usage);
                instance.running_tasks_count = instance.running_tasks_count.saturating_sub(1);
            }
            snapshot.sync_free(position);
            snapshot.count_group(group, position, -1);
        }
        Ok(position)
    }
}

/// Gives one task's usage back to its instance. Ports the agent registered stay reserved; GPU
/// ids return in the instance's registered order, so "lowest free id" stays well defined.
fn release_usage(instance: &mut Instance, usage: &HeldUsage) {
    let Instance {
        remaining,
        registered,
        ..
    } = instance;
    remaining.cpu = remaining.cpu.saturating_add(usage.cpu);
    remaining.memory = remaining.memory.saturating_add(usage.memory);
    for &port in usage.ports_tcp() {
        if !registered.ports_tcp.contains(port) {
            remaining.ports_tcp.remove(port);
        }
    }
    for &port in usage.ports_udp() {
        if !registered.ports_udp.contains(port) {
            remaining.ports_udp.remove(port);
        }
    }
    restore_gpus(remaining, registered, usage.gpu_ids());
    if usage.eni()
        && let (Some(free), Some(limit)) = (&mut remaining.eni_slots, registered.eni_slots)
    {
        *free = (*free + 1).min(limit);
    }
}

fn restore_gpus(remaining: &mut Resources, registered: &Resources, returned: &[String]) {
    let free: Vec<String> = registered
        .gpus
        .iter()
        .filter(|id| remaining.gpus.contains(id) || returned.contains(id))
        .cloned()
        .collect();
    // Ids the snapshot listed as free without registering them are kept after the others.
    let unregistered: Vec<String> = remaining
        .gpus
        .iter()
        .chain(returned)
        .filter(|id| !registered.gpus.contains(id))
        .cloned()
        .collect();
    remaining.gpus = free;
    for id in unregistered {
        if !remaining.gpus.contains(&id) {
            remaining.gpus.push(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_gpus_return_in_registered_order() {
        let mut remaining = Resources {
            gpus: vec!["g2".into()],
            ..Resources::default()
        };
        let registered = Resources {
            gpus: vec!["g0".into(), "g1".into(), "g2".into()],
            ..Resources::default()
        };
        restore_gpus(&mut remaining, &registered, &["g1".into(), "g0".into()]);
        assert_eq!(remaining.gpus, vec!["g0", "g1", "g2"]);
    }
}
