//! Tasks of the snapshot: which instance and group each belongs to and what it holds there,
//! so the instance's remaining resources can be derived and later released.

use std::sync::Arc;

use crate::aws::{DesiredStatus, Task, TransportProtocol};

use super::GroupId;
use super::units::{parse_cpu_units, parse_memory_mib};

/// What one task holds on its instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskUsage {
    /// CPU units.
    pub cpu: i64,
    /// Memory MiB.
    pub memory: i64,
    /// TCP host ports.
    pub ports_tcp: Vec<u16>,
    /// UDP host ports.
    pub ports_udp: Vec<u16>,
    /// GPU ids.
    pub gpu_ids: Vec<String>,
    /// Whether it holds one of the instance's elastic network interfaces (`awsvpc`).
    pub eni: bool,
}

impl TaskUsage {
    /// Reads what a described task holds: task-level cpu and memory when set, else the sum over
    /// its containers (memory: the reservation when above zero, else the limit); host ports
    /// from the network bindings; GPU ids from the containers.
    pub fn of_task(task: &Task) -> Self {
        let containers = task.containers.as_deref().unwrap_or_default();
        let cpu = task
            .cpu
            .as_deref()
            .and_then(parse_cpu_units)
            .unwrap_or_else(|| {
                containers
                    .iter()
                    .filter_map(|c| c.cpu.as_deref().and_then(parse_cpu_units))
                    .sum()
            });
        let memory = task
            .memory
            .as_deref()
            .and_then(parse_memory_mib)
            .unwrap_or_else(|| containers.iter().map(container_memory).sum());
        let mut usage = Self {
            cpu,
            memory,
            ..Self::default()
        };
        for container in containers {
            for binding in container.network_bindings.iter().flatten() {
                let Some(port) = binding.host_port.and_then(|p| u16::try_from(p).ok()) else {
                    continue;
                };
                if port == 0 {
                    continue;
                }
                match binding.protocol {
                    Some(TransportProtocol::Udp) => usage.ports_udp.push(port),
                    _ => usage.ports_tcp.push(port),
                }
            }
            usage
                .gpu_ids
                .extend(container.gpu_ids.iter().flatten().cloned());
        }
        usage
    }
}

fn container_memory(container: &crate::aws::Container) -> i64 {
    let reservation = container
        .memory_reservation
        .as_deref()
        .and_then(parse_memory_mib)
        .filter(|m| *m > 0);
    reservation
        .or_else(|| container.memory.as_deref().and_then(parse_memory_mib))
        .unwrap_or(0)
}

/// What a task of the snapshot holds on its instance, as the task map stores it: CPU and
/// memory inline, and the host ports and GPU ids behind one pointer that is absent when there
/// are none (most tasks). The map holds one per task and every insert, stop and forget moves or
/// reads it, so it is 24 bytes where a [`TaskUsage`] is 88.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeldUsage {
    pub(crate) cpu: i64,
    pub(crate) memory: i64,
    ports_and_gpus: Option<Box<PortsAndGpus>>,
}

/// The part of a [`HeldUsage`] most tasks do not have (boxed, so the record stays small).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct PortsAndGpus {
    ports_tcp: Vec<u16>,
    ports_udp: Vec<u16>,
    gpu_ids: Vec<String>,
    eni: bool,
}

impl HeldUsage {
    /// TCP host ports.
    pub(crate) fn ports_tcp(&self) -> &[u16] {
        self.ports_and_gpus
            .as_deref()
            .map_or(&[], |p| p.ports_tcp.as_slice())
    }

    /// UDP host ports.
    pub(crate) fn ports_udp(&self) -> &[u16] {
        self.ports_and_gpus
            .as_deref()
            .map_or(&[], |p| p.ports_udp.as_slice())
    }

    /// GPU ids.
    pub(crate) fn gpu_ids(&self) -> &[String] {
        self.ports_and_gpus
            .as_deref()
            .map_or(&[], |p| p.gpu_ids.as_slice())
    }

    /// Whether it holds an elastic network interface.
    pub(crate) fn eni(&self) -> bool {
        self.ports_and_gpus.as_deref().is_some_and(|p| p.eni)
    }

    /// The same usage as a [`TaskUsage`].
    pub(crate) fn into_usage(self) -> TaskUsage {
        let PortsAndGpus {
            ports_tcp,
            ports_udp,
            gpu_ids,
            eni,
        } = self.ports_and_gpus.map(|p| *p).unwrap_or_default();
        TaskUsage {
            cpu: self.cpu,
            memory: self.memory,
            ports_tcp,
            ports_udp,
            gpu_ids,
            eni,
        }
    }
}

impl From<TaskUsage> for HeldUsage {
    fn from(usage: TaskUsage) -> Self {
        let TaskUsage {
            cpu,
            memory,
            ports_tcp,
            ports_udp,
            gpu_ids,
            eni,
        } = usage;
        let none = ports_tcp.is_empty() && ports_udp.is_empty() && gpu_ids.is_empty() && !eni;
        Self {
            cpu,
            memory,
            ports_and_gpus: (!none).then(|| {
                Box::new(PortsAndGpus {
                    ports_tcp,
                    ports_udp,
                    gpu_ids,
                    eni,
                })
            }),
        }
    }
}

/// A task of the snapshot.
#[derive(Debug, Clone)]
pub struct TaskRecord {
    /// How it is described (read with [`Snapshot::describe_task`](super::Snapshot::describe_task)).
    pub(crate) description: Description,
    /// The instance it is on (by position), when that instance is in the snapshot.
    pub instance: Option<u32>,
    /// Its group.
    pub group: GroupId,
    /// Whether its desired status is RUNNING (only those hold resources and count for groups).
    pub running: bool,
    /// What it holds on its instance (read with [`TaskRecord::usage`]).
    pub(crate) usage: HeldUsage,
}

impl TaskRecord {
    /// What it holds on its instance (nothing when it is on none of the snapshot's).
    pub fn usage(&self) -> TaskUsage {
        self.usage.clone().into_usage()
    }

    /// The container instance ARN its description names (a task the snapshot read may name
    /// one the snapshot does not hold; a placed task's is its instance's).
    pub(crate) fn description_instance_arn(&self) -> Option<&str> {
        match &self.description {
            Description::Full(task) => task.container_instance_arn.as_deref(),
            Description::Shared(_) => None,
        }
    }
}

/// How a task of the snapshot is described.
#[derive(Debug, Clone)]
pub(crate) enum Description {
    /// The whole `Task`, as read from a snapshot or handed in with a change set. Boxed: the
    /// task map holds many records and grows by moving them, and a `Task` is large.
    Full(Box<Task>),
    /// A task a [`Placer`](crate::Placer) placed: the description every task of its request
    /// shares, completed from the record when read (see [`complete_task`]). Placing a task
    /// then copies no string of its description into the state.
    Shared(SharedDescription),
}

/// The shared part of a placed task's description and what only this task has besides its
/// ARN (the task map's key), instance and zone (from its instance).
#[derive(Debug, Clone)]
pub(crate) struct SharedDescription {
    /// The request's description template (see `placement::response::TaskTemplate`).
    pub(crate) template: Arc<Task>,
    /// The GPU ids dealt to each container, in container order (empty when it holds none).
    /// A boxed slice: 16 bytes in every record of the task map, not 24.
    pub(crate) dealt_gpus: Box<[Vec<String>]>,
}

impl SharedDescription {
    /// The task with ARN `task_arn` on `instance` (`None`: not on an instance) in `zone` (the
    /// instance's, which the snapshot's interner holds: `Snapshot::shared_availability_zone`),
    /// described from this template (see [`complete_task`]).
    pub(crate) fn complete(
        &self,
        task_arn: &Arc<str>,
        instance: Option<&super::Instance>,
        zone: Option<&Arc<str>>,
    ) -> Task {
        complete_task(
            &self.template,
            task_arn,
            instance.map(|i| &i.arn),
            zone,
            &self.dealt_gpus,
        )
    }
}

/// A task described from its request's template: `template` with its ARN (on the task and on
/// each container), its instance ARN and zone, and the GPU ids dealt to each container.
pub(crate) fn complete_task(
    template: &Task,
    task_arn: &Arc<str>,
    instance_arn: Option<&Arc<str>>,
    zone: Option<&Arc<str>>,
    dealt_gpus: &[Vec<String>],
) -> Task {
    let mut task = template.clone();
    if let Some(containers) = &mut task.containers {
        let mut dealt = dealt_gpus.iter();
        for container in containers {
            container.task_arn = Some(Arc::clone(task_arn));
            container.gpu_ids = dealt.next().filter(|ids| !ids.is_empty()).cloned();
        }
    }
    task.task_arn = Some(Arc::clone(task_arn));
    task.container_instance_arn = instance_arn.cloned();
    task.availability_zone = zone.cloned();
    task
}

/// Whether a described task counts as running for placement: desired status RUNNING, or no
/// desired status at all (a hand-written snapshot listing a task means it runs).
pub(crate) fn is_running(task: &Task) -> bool {
    matches!(task.desired_status, None | Some(DesiredStatus::Running))
}

/// The task's group, or `family:<family>` from its task definition ARN as ECS defaults it.
pub(crate) fn group_of(task: &Task) -> String {
    if let Some(group) = task.group.as_deref().filter(|g| !g.is_empty()) {
        return group.to_owned();
    }
    let family = task
        .task_definition_arn
        .as_deref()
        .map(|arn| arn.rsplit('/').next().unwrap_or(arn))
        .map(|family_revision| family_revision.split(':').next().unwrap_or(family_revision))
        .unwrap_or("unknown");
    format!("family:{family}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(json: &str) -> Task {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("bad fixture: {e}"))
    }

    #[test]
    fn task_level_values_win() {
        let t =
            task(r#"{"cpu":"1 vCPU","memory":"2GB","containers":[{"cpu":"10","memory":"20"}]}"#);
        let usage = TaskUsage::of_task(&t);
        assert_eq!((usage.cpu, usage.memory), (1024, 2048));
    }

    #[test]
    fn container_sums_use_reservation_when_positive() {
        let t = task(
            r#"{"containers":[{"cpu":"100","memory":"1024","memoryReservation":"512"},
                              {"cpu":"28","memory":"512","memoryReservation":"0"}]}"#,
        );
        let usage = TaskUsage::of_task(&t);
        assert_eq!((usage.cpu, usage.memory), (128, 1024));
    }

    #[test]
    fn ports_by_protocol_and_gpus() {
        let t = task(
            r#"{"containers":[{"networkBindings":[{"hostPort":80},{"hostPort":53,"protocol":"udp"},{"hostPort":0}],
                               "gpuIds":["g0"]}]}"#,
        );
        let usage = TaskUsage::of_task(&t);
        assert_eq!(usage.ports_tcp, vec![80]);
        assert_eq!(usage.ports_udp, vec![53]);
        assert_eq!(usage.gpu_ids, vec!["g0"]);
    }

    #[test]
    fn a_held_usage_keeps_what_a_task_usage_says() {
        let t = task(
            r#"{"cpu":"256","memory":"512","containers":[{"networkBindings":[{"hostPort":80},{"hostPort":53,"protocol":"udp"}],
                               "gpuIds":["g0","g1"]}]}"#,
        );
        let usage = TaskUsage::of_task(&t);
        let held = HeldUsage::from(usage.clone());
        assert_eq!(
            (held.ports_tcp(), held.ports_udp(), held.gpu_ids()),
            (
                &[80][..],
                &[53][..],
                &["g0".to_owned(), "g1".to_owned()][..]
            )
        );
        assert_eq!(held.into_usage(), usage);
        // CPU and memory alone need no second allocation.
        let plain = TaskUsage {
            cpu: 256,
            memory: 512,
            ..TaskUsage::default()
        };
        let held = HeldUsage::from(plain.clone());
        assert!(held.ports_and_gpus.is_none());
        assert_eq!(held.into_usage(), plain);
    }

    /// The task map holds a record per task, and each insert, stop and forget moves or reads
    /// it: it stays within one cache line.
    #[test]
    fn a_task_record_fits_in_a_cache_line() {
        assert!(
            std::mem::size_of::<TaskRecord>() <= 64,
            "{} bytes",
            std::mem::size_of::<TaskRecord>()
        );
    }

    #[test]
    fn group_defaults_to_the_family() {
        let t = task(r#"{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/web:7"}"#);
        assert_eq!(group_of(&t), "family:web");
        let t = task(r#"{"group":"service:api"}"#);
        assert_eq!(group_of(&t), "service:api");
    }
}
