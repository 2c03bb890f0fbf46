//! Synthetic clusters and workloads, shared by the benches, the tests and the CLI
//! (`ecs-place generate`, `ecs-place simulate --generate-workload`).
//!
//! Everything is a pure function of its spec and seed, drawn from the placement generator
//! (`SeededRng`), so a generated cluster is the same file on every platform.
//!
//! The reference cluster (issue "exhaustive ECS semantics at a million placements per second"):
//! instances over 3 Availability Zones and 8 instance types, each with 6 attributes
//! (`ecs.instance-type`, `ecs.availability-zone`, `ecs.os-type`, `ecs.cpu-architecture`,
//! `stack`, `team`), and running tasks spread over many groups, each group with its own task
//! definition.

use std::sync::Arc;

use crate::aws::{
    Attribute, Cluster, ContainerDefinition, ContainerInstance, ContainerInstanceStatus,
    DesiredStatus, LaunchType, PlacementConstraint, PlacementConstraintType, PlacementStrategy,
    PlacementStrategyType, PortMapping, Resource, RunTaskRequest, Task, TaskDefinition,
    TaskDefinitionStatus, VersionInfo,
};
use crate::model::SnapshotFile;
use crate::model::resources::{integer, string_set};
use crate::placement::rng::SeededRng;

/// The region of generated ARNs.
pub const REGION: &str = "us-east-1";
/// The account of generated ARNs.
pub const ACCOUNT: &str = "123456789012";
/// The name of generated clusters.
pub const CLUSTER: &str = "bench";

/// Availability Zones of generated clusters.
pub const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// Instance types of generated clusters: name, CPU units, memory MiB.
pub const INSTANCE_TYPES: [(&str, i64, i64); 8] = [
    ("m5.large", 2048, 7680),
    ("m5.xlarge", 4096, 15576),
    ("m5.2xlarge", 8192, 31440),
    ("c5.large", 2048, 3704),
    ("c5.xlarge", 4096, 7532),
    ("r5.large", 2048, 15712),
    ("r5.xlarge", 4096, 31542),
    ("t3.medium", 2048, 3840),
];

/// Task sizes of generated groups: CPU units, memory MiB.
const TASK_SIZES: [(i64, i64); 5] = [
    (128, 256),
    (256, 512),
    (256, 1024),
    (512, 1024),
    (1024, 2048),
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterSpec {
    /// Container instances.
    pub instances: usize,
    /// Running tasks placed on them (fewer when the cluster fills up). Generating takes time
    /// in proportion to this and memory in proportion to the tasks placed, at most 64 per
    /// instance.
    pub tasks: usize,
    /// Task groups the tasks are spread over (each with its own task definition); never more
    /// than `instances` are made.
    pub groups: usize,
    /// The seed.
    pub seed: u64,
}

impl ClusterSpec {
    /// The reference workload's cluster: 5,000 instances, 20,000 tasks in 200 groups.
    pub const REFERENCE: ClusterSpec = ClusterSpec {
        instances: 5_000,
        tasks: 20_000,
        groups: 200,
        seed: 1,
    };

    /// A cluster of `instances` instances with the reference ratios (4 tasks per instance,
    /// 200 groups or fewer).
    pub fn scaled(instances: usize, seed: u64) -> Self {
        Self {
            instances,
            tasks: instances.saturating_mul(4),
            groups: 200.min(instances.max(1)),
            seed,
        }
    }
}

/// The family of the reference request's task definition.
pub const REFERENCE_FAMILY: &str = "web";

/// Generates a snapshot file: `spec.instances` instances, one task definition per group (at
/// most one per instance) plus the reference `web` one, and up to `spec.tasks` running tasks.
pub fn cluster(spec: &ClusterSpec) -> SnapshotFile {
    let mut rng = SeededRng::from_seed(spec.seed);
    let mut instances: Vec<GeneratedInstance> = (0..spec.instances)
        .map(|i| GeneratedInstance::new(i, &mut rng))
        .collect();
    let definitions = task_definitions(spec.groups.min(spec.instances), &mut rng);
    let tasks = place_tasks(spec, &definitions, &mut instances, &mut rng);
    SnapshotFile {
        cluster: Some(Cluster {
            cluster_arn: Some(arn("cluster", CLUSTER)),
            cluster_name: Some(CLUSTER.to_owned()),
            status: Some("ACTIVE".to_owned()),
            ..Cluster::default()
        }),
        container_instances: instances
            .into_iter()
            .map(GeneratedInstance::into_wire)
            .collect(),
        task_definitions: definitions.into_iter().map(|g| g.definition).collect(),
        tasks,
        capacity_providers: Vec::new(),
        failures: Vec::new(),
        captured_at: None,
    }
}

/// The reference RunTask call: ten `web` tasks on prod m5 instances, spread over zones, then
/// bin-packed on memory.
pub fn reference_request() -> RunTaskRequest {
    RunTaskRequest {
        cluster: Some(CLUSTER.to_owned()),
        task_definition: Some(REFERENCE_FAMILY.to_owned()),
        count: Some(10),
        launch_type: Some(LaunchType::Ec2),
        placement_constraints: Some(vec![PlacementConstraint {
            kind: Some(PlacementConstraintType::MemberOf),
            expression: Some(
                "attribute:ecs.instance-type =~ m5.* and attribute:stack == prod".to_owned(),
            ),
        }]),
        placement_strategy: Some(vec![
            strategy(
                PlacementStrategyType::Spread,
                "attribute:ecs.availability-zone",
            ),
            strategy(PlacementStrategyType::Binpack, "memory"),
        ]),
        ..RunTaskRequest::default()
    }
}

/// A strategy of the given type and field.
pub fn strategy(kind: PlacementStrategyType, field: &str) -> PlacementStrategy {
    PlacementStrategy {
        kind: Some(kind),
        field: Some(field.to_owned()),
    }
}

/// `arn:aws:ecs:REGION:ACCOUNT:KIND/NAME`.
fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:ecs:{REGION}:{ACCOUNT}:{kind}/{name}")
}

/// An instance being generated, with what is left on it as tasks are added.
struct GeneratedInstance {
    wire: ContainerInstance,
    /// The instance's ARN, shared by its tasks.
    arn: Option<Arc<str>>,
    cpu_left: i64,
    memory_left: i64,
    running: i64,
}

impl GeneratedInstance {
    fn new(index: usize, rng: &mut SeededRng) -> Self {
        let (kind, cpu, memory) = INSTANCE_TYPES[rng.below(INSTANCE_TYPES.len() as u64) as usize];
        let zone = ZONES[index % ZONES.len()];
        // Two thirds prod, as a real cluster shared with staging might be.
        let stack = if rng.below(3) < 2 { "prod" } else { "staging" };
        let team = format!("team-{}", rng.below(12));
        let attributes = vec![
            attribute("ecs.instance-type", kind),
            attribute("ecs.availability-zone", zone),
            attribute("ecs.os-type", "linux"),
            attribute("ecs.cpu-architecture", "x86_64"),
            attribute("stack", stack),
            attribute("team", &team),
        ];
        let wire = ContainerInstance {
            container_instance_arn: Some(arn(
                "container-instance",
                &format!("{CLUSTER}/{:032x}", index),
            )),
            ec2_instance_id: Some(format!("i-{:017x}", rng.next_u64() >> 4)),
            version_info: Some(VersionInfo {
                agent_version: Some(format!("1.{}.{}", 80 + rng.below(8), rng.below(4))),
                ..VersionInfo::default()
            }),
            registered_resources: Some(vec![
                integer("CPU", cpu),
                integer("MEMORY", memory),
                ports(&["22", "2375", "2376", "51678", "51679"]),
            ]),
            status: Some(ContainerInstanceStatus::Active),
            agent_connected: Some(true),
            attributes: Some(attributes),
            registered_at: crate::aws::Timestamp::parse_iso("2026-11-01T00:00:00Z")
                .map(|t| crate::aws::Timestamp::from_millis(t.as_millis() + index as i64 * 60_000)),
            ..ContainerInstance::default()
        };
        Self {
            arn: wire.container_instance_arn.as_deref().map(Arc::from),
            wire,
            cpu_left: cpu,
            memory_left: memory,
            running: 0,
        }
    }

    fn into_wire(self) -> ContainerInstance {
        let mut wire = self.wire;
        let registered_ports = ports(&["22", "2375", "2376", "51678", "51679"]);
        wire.remaining_resources = Some(vec![
            integer("CPU", self.cpu_left),
            integer("MEMORY", self.memory_left),
            registered_ports,
        ]);
        wire.running_tasks_count = Some(self.running);
        wire
    }
}

fn attribute(name: &str, value: &str) -> Attribute {
    Attribute {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        ..Attribute::default()
    }
}

fn ports(ports: &[&str]) -> Resource {
    string_set("PORTS", ports.iter().map(|p| (*p).to_owned()).collect())
}

/// A generated group: its task definition, task size and the text its tasks share.
struct GeneratedGroup {
    definition: TaskDefinition,
    cpu: i64,
    memory: i64,
    text: GroupText,
}

/// The text members of a group's tasks, allocated once per group.
struct GroupText {
    group: Arc<str>,
    definition_arn: Option<Arc<str>>,
    cpu: Arc<str>,
    memory: Arc<str>,
}

/// The reference `web` definition first, then one definition per group.
fn task_definitions(groups: usize, rng: &mut SeededRng) -> Vec<GeneratedGroup> {
    let mut definitions = vec![definition(REFERENCE_FAMILY, "service:web", 256, 512)];
    for index in 0..groups {
        let (cpu, memory) = TASK_SIZES[rng.below(TASK_SIZES.len() as u64) as usize];
        let family = format!("svc-{index:03}");
        let group = format!("service:{family}");
        definitions.push(definition(&family, &group, cpu, memory));
    }
    definitions
}

fn definition(family: &str, group: &str, cpu: i64, memory: i64) -> GeneratedGroup {
    let definition = TaskDefinition {
        task_definition_arn: Some(arn("task-definition", &format!("{family}:1"))),
        family: Some(family.to_owned()),
        revision: Some(1),
        status: Some(TaskDefinitionStatus::Active),
        container_definitions: Some(vec![ContainerDefinition {
            name: Some("app".to_owned()),
            image: Some(format!("registry.example/{family}:1")),
            cpu: Some(cpu),
            memory: Some(memory),
            essential: Some(true),
            port_mappings: Some(vec![PortMapping {
                container_port: Some(8080),
                host_port: Some(0),
                ..PortMapping::default()
            }]),
            ..ContainerDefinition::default()
        }]),
        ..TaskDefinition::default()
    };
    let text = GroupText {
        group: group.into(),
        definition_arn: definition.task_definition_arn.as_deref().map(Arc::from),
        cpu: cpu.to_string().into(),
        memory: memory.to_string().into(),
    };
    GeneratedGroup {
        definition,
        cpu,
        memory,
        text,
    }
}

/// Places `spec.tasks` tasks of the groups (not the reference family) on random instances with
/// room; a task that finds no room in a few tries is dropped, so a small cluster fills up
/// instead of looping.
fn place_tasks(
    spec: &ClusterSpec,
    groups: &[GeneratedGroup],
    instances: &mut [GeneratedInstance],
    rng: &mut SeededRng,
) -> Vec<Task> {
    let service_groups = &groups[1..];
    if instances.is_empty() || service_groups.is_empty() {
        return Vec::new();
    }
    // No more than fit: an instance holds at most 64 of the smallest tasks (8,192 CPU units
    // over 128), so a huge `spec.tasks` reserves no more than the cluster can hold.
    let mut tasks = Vec::with_capacity(spec.tasks.min(instances.len().saturating_mul(64)));
    let shared = SharedText {
        cluster_arn: arn("cluster", CLUSTER).into(),
        running: "RUNNING".into(),
    };
    for index in 0..spec.tasks {
        let group = &service_groups[rng.below(service_groups.len() as u64) as usize];
        for _attempt in 0..4 {
            let position = rng.below(instances.len() as u64) as usize;
            let instance = &mut instances[position];
            if instance.cpu_left < group.cpu || instance.memory_left < group.memory {
                continue;
            }
            instance.cpu_left -= group.cpu;
            instance.memory_left -= group.memory;
            instance.running += 1;
            tasks.push(task(index, group, instance, &shared));
            break;
        }
    }
    tasks
}

/// The text every generated task holds, allocated once and shared.
struct SharedText {
    cluster_arn: Arc<str>,
    running: Arc<str>,
}

/// A running task; its text members share the group's, the instance's and `shared`'s
/// strings, so a task costs its own ARN and little more.
fn task(
    index: usize,
    group: &GeneratedGroup,
    instance: &GeneratedInstance,
    shared: &SharedText,
) -> Task {
    Task {
        task_arn: Some(arn("task", &format!("{CLUSTER}/{index:032x}")).into()),
        cluster_arn: Some(shared.cluster_arn.clone()),
        task_definition_arn: group.text.definition_arn.clone(),
        container_instance_arn: instance.arn.clone(),
        group: Some(group.text.group.clone()),
        launch_type: Some(LaunchType::Ec2),
        cpu: Some(group.text.cpu.clone()),
        memory: Some(group.text.memory.clone()),
        last_status: Some(shared.running.clone()),
        desired_status: Some(DesiredStatus::Running),
        ..Task::default()
    }
}

/// One event of a workload: one JSON line of a workload file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum WorkloadEvent {
    /// A RunTask call, placed with `seed`.
    RunTask {
        /// The request (boxed: it is far larger than a stop event).
        request: Box<RunTaskRequest>,
        /// The seed of the call's generator.
        #[serde(default)]
        seed: u64,
    },
    /// A StopTask call: the task `taskArn`, or, when absent, the running task at `pick`
    /// (modulo how many run; the replayer keeps them in the order they started, the
    /// snapshot's first).
    StopTask {
        /// The task's ARN.
        #[serde(default, rename = "taskArn", skip_serializing_if = "Option::is_none")]
        task_arn: Option<String>,
        /// Which running task, when no ARN is given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pick: Option<u64>,
    },
}

impl WorkloadEvent {
    /// Reads one workload line. A run-task event's request is held to the RunTask shape as a
    /// request file is (a member the API lacks is an `InvalidParameterException` naming the
    /// nearest); an event member other than `event`, `request`, `seed`, `taskArn` and `pick`
    /// is refused likewise; a type error names its path.
    pub fn from_json(line: &str) -> Result<Self, crate::aws::read::ReadError> {
        use crate::aws::read::{ReadError, document, from_value};
        use crate::aws::shapes::{RUN_TASK_REQUEST, UnknownMember, nearest, unknown_members};
        use crate::error::ExceptionName;
        let value: serde_json::Value = document(line, |_| {})?;
        if let serde_json::Value::Object(members) = &value {
            const EVENT_MEMBERS: [&str; 5] = ["event", "request", "seed", "taskArn", "pick"];
            if let Some(other) = members
                .keys()
                .find(|k| !EVENT_MEMBERS.contains(&k.as_str()))
            {
                let hint = nearest(other, EVENT_MEMBERS.iter().copied())
                    .map(|n| format!("; did you mean {n:?}?"))
                    .unwrap_or_default();
                return Err(ReadError {
                    exception: ExceptionName::InvalidParameterException,
                    position: None,
                    message: format!(
                        "unknown event member {other:?}{hint} An event's members are: {}",
                        EVENT_MEMBERS.join(", ")
                    ),
                });
            }
            if let Some(request) = members.get("request")
                && let Some(first) = unknown_members(request, &RUN_TASK_REQUEST).first()
            {
                let first = UnknownMember {
                    parent: format!("request{}", dotted(&first.parent)),
                    ..first.clone()
                };
                return Err(ReadError {
                    exception: ExceptionName::InvalidParameterException,
                    position: None,
                    message: format!("{}: {first}", first.path()),
                });
            }
        }
        document(line, |_| {}).map_err(|error| {
            // A tagged event is read through a buffer that loses the member's path; the
            // request, where nearly every mistake is, is read again alone to name it.
            let request = match &value {
                serde_json::Value::Object(members) => members.get("request").cloned(),
                _ => None,
            };
            match request.map(|r| from_value::<crate::aws::RunTaskRequest>(r, "request")) {
                Some(Err(named)) => named,
                _ => error,
            }
        })
    }
}

/// `.a.b` for a non-empty path, to follow a member name.
fn dotted(path: &str) -> String {
    if path.is_empty() || path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}

/// Memory utilisation above which a generated workload stops tasks.
pub const WORKLOAD_HIGH_WATER: f64 = 0.85;
/// Memory utilisation a generated workload stops tasks down to.
pub const WORKLOAD_LOW_WATER: f64 = 0.65;

/// A workload of `run_tasks` RunTask calls for `snapshot` (a generated cluster): about half the
/// reference request, the rest other families and groups with counts 1..=10, with and without
/// strategies and `memberOf`. Between calls it stops tasks (by `pick`) whenever the CPU or
/// memory the calls would take, if every task were placed, passes [`WORKLOAD_HIGH_WATER`] of
/// what is registered, down to [`WORKLOAD_LOW_WATER`]: the cluster stays busy, not full.
/// A pure function of its inputs: [`workload_events`] collected.
pub fn workload(
    snapshot: &crate::model::Snapshot,
    run_tasks: usize,
    seed: u64,
) -> Vec<WorkloadEvent> {
    workload_events(snapshot, run_tasks, seed).collect()
}

/// The events of [`workload`], made one at a time: memory does not grow with `run_tasks`.
pub fn workload_events(
    snapshot: &crate::model::Snapshot,
    run_tasks: usize,
    seed: u64,
) -> WorkloadEvents {
    let (used, capacity) = in_use(snapshot);
    WorkloadEvents {
        rng: SeededRng::from_seed(seed),
        families: family_sizes(snapshot),
        cluster: snapshot.cluster().name.clone(),
        used,
        capacity,
        running: snapshot.tasks().values().filter(|t| t.running).count() as i64,
        calls_left: run_tasks,
        stopping: false,
    }
}

/// The iterator [`workload_events`] gives: RunTask events, each followed by the StopTask
/// events it calls for.
#[derive(Debug, Clone)]
pub struct WorkloadEvents {
    rng: SeededRng,
    families: Vec<(String, [i64; 2])>,
    cluster: String,
    /// CPU and memory the calls so far would take, if every task were placed.
    used: [i64; 2],
    capacity: [i64; 2],
    /// Tasks running, if every task were placed.
    running: i64,
    calls_left: usize,
    /// Whether the last call passed the high water and tasks are being stopped.
    stopping: bool,
}

impl WorkloadEvents {
    /// The larger of CPU and memory use over what is registered.
    fn utilisation(&self) -> f64 {
        (0..2)
            .map(|i| self.used[i] as f64 / self.capacity[i].max(1) as f64)
            .fold(0.0, f64::max)
    }
}

impl Iterator for WorkloadEvents {
    type Item = WorkloadEvent;

    fn next(&mut self) -> Option<WorkloadEvent> {
        if self.stopping {
            if self.running > 0 && self.utilisation() > WORKLOAD_LOW_WATER {
                let event = WorkloadEvent::StopTask {
                    task_arn: None,
                    pick: Some(self.rng.next_u64()),
                };
                for amount in &mut self.used {
                    *amount -= *amount / self.running;
                }
                self.running -= 1;
                return Some(event);
            }
            self.stopping = false;
        }
        self.calls_left = self.calls_left.checked_sub(1)?;
        let (request, tasks, size) = workload_request(&self.families, &self.cluster, &mut self.rng);
        let event = WorkloadEvent::RunTask {
            request: Box::new(request),
            seed: self.rng.next_u64(),
        };
        self.running = self.running.saturating_add(tasks);
        for (used, size) in self.used.iter_mut().zip(size) {
            *used = used.saturating_add(tasks.saturating_mul(size));
        }
        self.stopping = self.utilisation() > WORKLOAD_HIGH_WATER;
        Some(event)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // At least the calls left; the stops between them are not known in advance.
        (self.calls_left, None)
    }
}

/// CPU and memory taken, and registered, over every instance.
/// Saturating: a snapshot may hold any `i64` amounts.
fn in_use(snapshot: &crate::model::Snapshot) -> ([i64; 2], [i64; 2]) {
    let mut used = [0i64, 0];
    let mut registered = [0i64, 0];
    for instance in snapshot.instances() {
        let taken = |registered: i64, remaining: i64| registered.saturating_sub(remaining).max(0);
        used[0] = used[0].saturating_add(taken(instance.registered.cpu, instance.remaining.cpu));
        used[1] =
            used[1].saturating_add(taken(instance.registered.memory, instance.remaining.memory));
        registered[0] = registered[0].saturating_add(instance.registered.cpu);
        registered[1] = registered[1].saturating_add(instance.registered.memory);
    }
    (used, registered)
}

/// Each task definition family of the snapshot with the CPU and memory one task takes.
fn family_sizes(snapshot: &crate::model::Snapshot) -> Vec<(String, [i64; 2])> {
    snapshot
        .task_definitions()
        .iter()
        .filter_map(|definition| {
            let family = definition.family.clone()?;
            let containers = definition.container_definitions.iter().flatten();
            let size = containers.fold([0i64, 0], |[cpu, memory], c| {
                [
                    cpu.saturating_add(c.cpu.unwrap_or(0)),
                    memory.saturating_add(c.memory_reservation.or(c.memory).unwrap_or(0)),
                ]
            });
            Some((family, size))
        })
        .collect()
}

/// One request of a generated workload, its task count and one task's CPU and memory.
fn workload_request(
    families: &[(String, [i64; 2])],
    cluster: &str,
    rng: &mut SeededRng,
) -> (RunTaskRequest, i64, [i64; 2]) {
    let reference_size = families
        .iter()
        .find(|(f, _)| f == REFERENCE_FAMILY)
        .map_or([0, 0], |(_, size)| *size);
    if families.is_empty() || rng.below(2) == 0 {
        let mut request = reference_request();
        request.cluster = Some(cluster.to_owned());
        return (request, 10, reference_size);
    }
    let (family, size) = &families[rng.below(families.len() as u64) as usize];
    let count = 1 + rng.below(10) as i64;
    let strategies = match rng.below(5) {
        0 => vec![],
        1 => vec![strategy(PlacementStrategyType::Binpack, "cpu")],
        2 => vec![strategy(PlacementStrategyType::Spread, "instanceId")],
        3 => vec![strategy(PlacementStrategyType::Random, "")],
        _ => vec![
            strategy(
                PlacementStrategyType::Spread,
                "attribute:ecs.availability-zone",
            ),
            strategy(PlacementStrategyType::Binpack, "memory"),
        ],
    };
    let constraints = match rng.below(3) {
        0 => vec![PlacementConstraint {
            kind: Some(PlacementConstraintType::MemberOf),
            expression: Some(format!("attribute:team != team-{}", rng.below(12))),
        }],
        _ => vec![],
    };
    let request = RunTaskRequest {
        cluster: Some(cluster.to_owned()),
        task_definition: Some(family.clone()),
        count: Some(count),
        group: (rng.below(4) == 0).then(|| format!("batch:{}", rng.below(20))),
        launch_type: Some(LaunchType::Ec2),
        placement_constraints: Some(constraints),
        placement_strategy: Some(strategies),
        ..RunTaskRequest::default()
    };
    (request, count, *size)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_workload_line_is_held_to_the_request_shape() {
        let ok = WorkloadEvent::from_json(
            r#"{"event": "run-task", "request": {"taskDefinition": "web"}, "seed": 3}"#,
        );
        assert!(
            matches!(ok, Ok(WorkloadEvent::RunTask { seed: 3, .. })),
            "{ok:?}"
        );
        let typo = WorkloadEvent::from_json(
            r#"{"event": "run-task", "request": {"taskDefinition": "web", "placementStrategies": []}}"#,
        )
        .err()
        .map(|e| e.message)
        .unwrap_or_default();
        assert!(
            typo.starts_with("request.placementStrategies: unknown member")
                && typo.contains("did you mean \"placementStrategy\"?"),
            "{typo}"
        );
        let member = WorkloadEvent::from_json(r#"{"event": "stop-task", "pik": 3}"#)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(
            member.starts_with("unknown event member \"pik\"; did you mean \"pick\"?"),
            "{member}"
        );
        let typed = WorkloadEvent::from_json(
            r#"{"event": "run-task", "request": {"taskDefinition": "web", "count": "2"}}"#,
        )
        .err()
        .map(|e| e.message)
        .unwrap_or_default();
        assert_eq!(typed, "request.count: expected i64, found string \"2\"");
    }
    use super::*;
    use crate::model::Snapshot;

    #[test]
    fn the_same_seed_gives_the_same_cluster() {
        let spec = ClusterSpec::scaled(50, 3);
        assert_eq!(cluster(&spec), cluster(&spec));
        assert_ne!(cluster(&spec), cluster(&ClusterSpec { seed: 4, ..spec }));
    }

    #[test]
    fn a_generated_cluster_loads_and_is_consistent() {
        let spec = ClusterSpec::scaled(300, 9);
        let snapshot = match Snapshot::try_from(cluster(&spec)) {
            Ok(snapshot) => snapshot,
            Err(error) => panic!("generated cluster does not load: {error}"),
        };
        assert_eq!(snapshot.instances().len(), 300);
        let placed = snapshot.tasks().len();
        assert!(
            placed > 1000 && placed <= 1200,
            "{placed} tasks placed of 1200"
        );
        let running: u32 = snapshot
            .instances()
            .iter()
            .map(|i| i.running_tasks_count)
            .sum();
        assert_eq!(running as usize, placed);
        for instance in snapshot.instances() {
            assert!(instance.remaining.cpu >= 0 && instance.remaining.memory >= 0);
            assert_eq!(instance.attributes.len(), 6);
        }
    }

    #[test]
    fn a_workload_is_deterministic_and_stops_tasks() {
        let snapshot = match Snapshot::try_from(cluster(&ClusterSpec::scaled(100, 2))) {
            Ok(snapshot) => snapshot,
            Err(error) => panic!("{error}"),
        };
        let events = workload(&snapshot, 300, 5);
        assert_eq!(events, workload(&snapshot, 300, 5));
        let runs = events
            .iter()
            .filter(|e| matches!(e, WorkloadEvent::RunTask { .. }))
            .count();
        assert_eq!(runs, 300);
        assert!(runs < events.len(), "some tasks are stopped");
        let line = serde_json::to_string(&events[0]).unwrap_or_default();
        let back: WorkloadEvent = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, events[0]);
    }

    #[test]
    fn the_events_come_one_at_a_time_as_the_workload_lists_them() {
        let snapshot = match Snapshot::try_from(cluster(&ClusterSpec::scaled(100, 2))) {
            Ok(snapshot) => snapshot,
            Err(error) => panic!("{error}"),
        };
        let events: Vec<WorkloadEvent> = workload_events(&snapshot, 300, 5).collect();
        assert_eq!(events, workload(&snapshot, 300, 5));
        // Asking for more calls than anyone could store takes nothing until events are drawn.
        let mut endless = workload_events(&snapshot, usize::MAX, 5);
        assert_eq!(endless.size_hint(), (usize::MAX, None));
        assert_eq!(endless.by_ref().take(events.len()).count(), events.len());
        assert_eq!(workload_events(&snapshot, 0, 5).next(), None);
    }

    #[test]
    fn groups_are_capped_at_instances_and_sizes_do_not_overflow() {
        let file = cluster(&ClusterSpec {
            instances: 3,
            tasks: 50,
            groups: 1_000,
            seed: 1,
        });
        // The three groups' definitions and the reference one.
        assert_eq!(file.task_definitions.len(), 4);
        let empty = cluster(&ClusterSpec {
            instances: 0,
            tasks: 50,
            groups: 5,
            seed: 1,
        });
        assert_eq!(empty.task_definitions.len(), 1);
        assert!(empty.tasks.is_empty());
        assert_eq!(ClusterSpec::scaled(usize::MAX, 1).tasks, usize::MAX);
    }

    #[test]
    fn the_reference_request_places_ten_tasks() {
        let snapshot = match Snapshot::try_from(cluster(&ClusterSpec::scaled(200, 1))) {
            Ok(snapshot) => snapshot,
            Err(error) => panic!("{error}"),
        };
        let outcome = crate::run_task(&snapshot, &reference_request(), 0);
        let Ok(outcome) = outcome else {
            panic!("reference request failed: {outcome:?}");
        };
        assert_eq!(outcome.response.tasks.len(), 10);
        assert!(outcome.response.failures.is_empty());
    }
}
