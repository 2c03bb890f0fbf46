//! The RunTask response: each placed task in the API's `Task` shape, and the `failures`
//! entries (DECISIONS 42, 44).
//!
//! A task is described as ECS returns it right after RunTask: `lastStatus` PENDING,
//! `desiredStatus` RUNNING, its ARN `arn:PARTITION:ecs:REGION:ACCOUNT:task/CLUSTER/<32 hex>`,
//! the instance, group, launch type (and capacity provider), availability zone, CPU units and
//! MiB as strings, the call's `startedBy`, tags, overrides and `enableExecuteCommand`, and one
//! entry per container with its host-port bindings and GPU ids. `failures[].detail` is left out.

use std::sync::Arc;

use crate::aws::{
    Container, DesiredStatus, Failure, LaunchType, NetworkBinding, Task, TaskDefinition,
    TaskOverride, TransportProtocol,
};
use crate::model::{ClusterInfo, Instance, SharedDescription, Snapshot, TaskUsage};

use super::changes::PlacedTask;
use super::inputs::{CommonMembers, GpuDemand, Protocol, TaskDemand};

/// Everything needed to describe one placed task.
#[derive(Debug, Clone, Copy)]
pub struct TaskFacts<'a> {
    /// The task's ARN.
    pub task_arn: &'a str,
    /// The instance it runs on (none for Fargate).
    pub instance: Option<&'a Instance>,
    /// The task definition revision.
    pub definition: &'a TaskDefinition,
    /// The task group.
    pub group: &'a str,
    /// The launch type.
    pub launch_type: &'a LaunchType,
    /// The capacity provider, when the task went through one.
    pub capacity_provider: Option<&'a str>,
    /// What the task reserves.
    pub demand: &'a TaskDemand,
    /// The GPU ids it took, in allocation order.
    pub gpu_ids: &'a [String],
    /// `startedBy`, tags and overrides of the call.
    pub common: &'a CommonMembers,
}

/// A task ARN in the cluster's partition, region and account.
pub fn task_arn(cluster: &ClusterInfo, id: &str) -> String {
    let mut arn = task_arn_prefix(cluster);
    arn.push_str(id);
    arn
}

/// A task ARN up to its id: `arn:PARTITION:ecs:REGION:ACCOUNT:task/CLUSTER/`.
pub fn task_arn_prefix(cluster: &ClusterInfo) -> String {
    format!(
        "arn:{}:ecs:{}:{}:task/{}/",
        cluster.partition, cluster.region, cluster.account, cluster.name
    )
}

/// The task definition's ARN, or one built from its family and revision.
pub fn task_definition_arn(cluster: &ClusterInfo, definition: &TaskDefinition) -> String {
    definition.task_definition_arn.clone().unwrap_or_else(|| {
        format!(
            "arn:{}:ecs:{}:{}:task-definition/{}:{}",
            cluster.partition,
            cluster.region,
            cluster.account,
            definition.family.as_deref().unwrap_or_default(),
            definition.revision.unwrap_or(1)
        )
    })
}

/// The placed task in the API's shape.
pub fn describe_task(snapshot: &Snapshot, facts: &TaskFacts<'_>) -> Task {
    TaskTemplate::new(snapshot, facts).describe(
        snapshot,
        facts.task_arn,
        facts.instance,
        facts.demand,
        facts.gpu_ids,
    )
}

/// The parts of a task's description that every task of one request and route shares (the
/// cluster and definition ARNs, CPU and memory, containers with their port bindings, group,
/// launch type, tags, overrides), built once so that describing each task is a copy plus its
/// ARN, instance, zone and GPU ids.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskTemplate {
    /// Shared with the records of the tasks a `Placer` placed from it.
    task: Arc<Task>,
}

impl TaskTemplate {
    /// The shared parts of `facts` (its ARN, instance and GPU ids are not read).
    pub fn new(snapshot: &Snapshot, facts: &TaskFacts<'_>) -> Self {
        let cluster = snapshot.cluster();
        let containers = facts
            .demand
            .containers
            .iter()
            .map(|container| Container {
                name: Some(container.name.as_str().into()),
                last_status: Some("PENDING".into()),
                network_bindings: Some(
                    container
                        .host_ports
                        .iter()
                        .map(|port| NetworkBinding {
                            bind_ip: Some("0.0.0.0".into()),
                            container_port: Some(i64::from(port.container_port)),
                            host_port: Some(i64::from(port.host_port)),
                            protocol: Some(match port.protocol {
                                Protocol::Tcp => TransportProtocol::Tcp,
                                Protocol::Udp => TransportProtocol::Udp,
                            }),
                            ..NetworkBinding::default()
                        })
                        .collect(),
                ),
                ..Container::default()
            })
            .collect();
        let task = Task {
            cluster_arn: Some(cluster.arn.as_str().into()),
            task_definition_arn: Some(task_definition_arn(cluster, facts.definition).into()),
            overrides: Some(
                facts
                    .common
                    .overrides
                    .clone()
                    .unwrap_or_else(|| TaskOverride {
                        container_overrides: Some(Vec::new()),
                        ..TaskOverride::default()
                    }),
            ),
            last_status: Some("PENDING".into()),
            desired_status: Some(DesiredStatus::Running),
            cpu: Some(facts.demand.cpu.to_string().into()),
            memory: Some(facts.demand.memory_mib.to_string().into()),
            containers: Some(containers),
            started_by: facts.common.started_by.as_deref().map(Arc::from),
            group: Some(facts.group.into()),
            launch_type: Some(facts.launch_type.clone()),
            capacity_provider_name: facts.capacity_provider.map(Arc::from),
            tags: Some(facts.common.tags.clone()),
            enable_execute_command: Some(facts.common.enable_execute_command),
            ..Task::default()
        };
        Self {
            task: Arc::new(task),
        }
    }

    /// One task: the shared parts, its ARN (on the task and each container), its instance
    /// and zone, and its GPU ids dealt to the containers.
    pub fn describe(
        &self,
        snapshot: &Snapshot,
        task_arn: &str,
        instance: Option<&Instance>,
        demand: &TaskDemand,
        gpu_ids: &[String],
    ) -> Task {
        let zone = instance.and_then(|i| snapshot.shared_availability_zone(i));
        self.shared(demand, gpu_ids)
            .complete(&Arc::from(task_arn), instance, zone)
    }

    /// What a task with `gpu_ids` shares with the request's other tasks, and its GPU ids dealt
    /// to its containers: its description without its ARN, instance and zone.
    pub(crate) fn shared(&self, demand: &TaskDemand, gpu_ids: &[String]) -> SharedDescription {
        SharedDescription {
            template: Arc::clone(&self.task),
            dealt_gpus: deal_gpus(demand, gpu_ids),
        }
    }
}

/// The GPU ids each container of the task gets, in container order; empty (no allocation)
/// when the task holds none.
fn deal_gpus(demand: &TaskDemand, gpu_ids: &[String]) -> Box<[Vec<String>]> {
    if gpu_ids.is_empty() {
        Box::default()
    } else {
        split_gpus(demand, gpu_ids).into_boxed_slice()
    }
}

/// The GPU ids a task takes from an instance: the first free ids in the instance's order
/// ("lowest" = earliest registered), as many as counted, or all of them for `ALL`.
pub fn allocate_gpus(instance: &Instance, demand: &TaskDemand) -> Vec<String> {
    let wanted = match demand.gpus {
        // Most tasks: the instance is not read (it may not be in the cache yet).
        GpuDemand::Count(0) => return Vec::new(),
        GpuDemand::Count(n) => n as usize,
        GpuDemand::All { .. } => instance.remaining.gpus.len(),
    };
    instance
        .remaining
        .gpus
        .iter()
        .take(wanted)
        .cloned()
        .collect()
}

/// The task's GPU ids dealt to its containers in order: counted containers first take their
/// number, then the first `ALL` container takes what is left.
fn split_gpus(demand: &TaskDemand, gpu_ids: &[String]) -> Vec<Vec<String>> {
    let mut next = 0;
    let mut dealt: Vec<Vec<String>> = demand
        .containers
        .iter()
        .map(|container| match container.gpus {
            GpuDemand::Count(n) => {
                let end = (next + n as usize).min(gpu_ids.len());
                let ids = gpu_ids[next..end].to_vec();
                next = end;
                ids
            }
            GpuDemand::All { .. } => Vec::new(),
        })
        .collect();
    let all = demand
        .containers
        .iter()
        .position(|c| matches!(c.gpus, GpuDemand::All { .. }));
    if let Some(slot) = all.and_then(|index| dealt.get_mut(index)) {
        *slot = gpu_ids[next..].to_vec();
    }
    dealt
}

/// What a task placed with `demand` and `gpu_ids` holds on its instance.
pub fn usage(demand: &TaskDemand, gpu_ids: &[String], on_instance: bool) -> TaskUsage {
    if !on_instance {
        return TaskUsage::default();
    }
    let mut usage = TaskUsage {
        cpu: i64::try_from(demand.cpu).unwrap_or(i64::MAX),
        memory: i64::try_from(demand.memory_mib).unwrap_or(i64::MAX),
        ..TaskUsage::default()
    };
    // Most tasks hold no port and no GPU: no set is walked for them.
    if !demand.tcp_ports.is_empty() {
        usage.ports_tcp = demand.tcp_ports.iter().copied().collect();
    }
    if !demand.udp_ports.is_empty() {
        usage.ports_udp = demand.udp_ports.iter().copied().collect();
    }
    usage.gpu_ids = gpu_ids.to_vec();
    usage.eni = demand.eni;
    usage
}

/// A failure entry: the resource's ARN and the reason; no detail.
pub fn failure(arn: &str, reason: &str) -> Failure {
    Failure {
        arn: Some(arn.to_owned()),
        reason: Some(reason.to_owned()),
        detail: None,
    }
}

/// A described task as the change set records it: what it holds on its instance (nothing when
/// it has none) and its group.
pub fn placed(
    task: Task,
    demand: &TaskDemand,
    gpu_ids: &[String],
    on_instance: bool,
    group: &str,
) -> PlacedTask {
    PlacedTask {
        task,
        usage: usage(demand, gpu_ids, on_instance),
        group: group.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::request::{ContainerDemand, HostPort};

    fn demand(containers: Vec<GpuDemand>, total: GpuDemand) -> TaskDemand {
        TaskDemand {
            eni: false,
            cpu: 256,
            memory_mib: 512,
            tcp_ports: BTreeSet::from([80]),
            udp_ports: BTreeSet::new(),
            gpus: total,
            containers: containers
                .into_iter()
                .enumerate()
                .map(|(i, gpus)| ContainerDemand {
                    name: format!("c{i}"),
                    host_ports: vec![HostPort {
                        container_port: 8080,
                        host_port: 80,
                        protocol: Protocol::Tcp,
                    }],
                    gpus,
                })
                .collect(),
        }
    }

    #[test]
    fn gpu_ids_are_dealt_to_containers_in_order_and_all_takes_the_rest() {
        let ids: Vec<String> = ["g0", "g1", "g2", "g3"].map(String::from).to_vec();
        let counted = demand(
            vec![
                GpuDemand::Count(1),
                GpuDemand::Count(0),
                GpuDemand::Count(2),
            ],
            GpuDemand::Count(3),
        );
        assert_eq!(
            split_gpus(&counted, &ids[..3]),
            vec![
                vec!["g0".to_owned()],
                vec![],
                vec!["g1".to_owned(), "g2".to_owned()]
            ]
        );
        let all = demand(
            vec![GpuDemand::All { at_least: 1 }, GpuDemand::Count(1)],
            GpuDemand::All { at_least: 1 },
        );
        assert_eq!(
            split_gpus(&all, &ids),
            vec![ids[1..].to_vec(), vec!["g0".to_owned()]]
        );
    }

    #[test]
    fn usage_holds_nothing_off_instance_and_failures_have_no_detail() {
        let d = demand(vec![GpuDemand::Count(0)], GpuDemand::Count(0));
        assert_eq!(usage(&d, &[], false), TaskUsage::default());
        let held = usage(&d, &[], true);
        assert_eq!(
            (held.cpu, held.memory, held.ports_tcp),
            (256, 512, vec![80])
        );
        let entry = failure("arn:x", "AGENT");
        assert_eq!(entry.detail, None);
        assert_eq!(
            serde_json::to_string(&entry).unwrap_or_default(),
            r#"{"arn":"arn:x","reason":"AGENT"}"#
        );
    }
}
