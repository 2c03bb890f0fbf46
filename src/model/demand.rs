//! What one task asks of a container instance: CPU units, memory, host ports and GPUs.
//!
//! This module owns the accounting rule of the ECS container agent (`ToHostResources`, quoted in
//! spec §4.3) and the parsing of the API's task-level `cpu`/`memory` strings. It applies a call's
//! overrides first, then computes:
//!
//! * CPU: the task-level `cpu` when set and above 0, else the sum of container `cpu` (unset = 0);
//! * memory: the task-level `memory` when set and above 0, else the sum over containers of
//!   `memoryReservation` when above 0, else `memory`;
//! * host ports: per network mode (bridge: non-zero `hostPort`; host: `hostPort`, else
//!   `containerPort`; awsvpc and none: nothing), TCP and UDP kept apart;
//! * GPUs: the sum of the containers' `GPU` resource requirements.
//!
//! # Which exception a bad value raises
//!
//! A malformed value that comes from the **task definition** is a `ClientException`: the
//! definition is a resource the client registered, and a value ECS could never have accepted at
//! registration is a client-side mistake about that resource, which is what `ClientException`
//! describes (*"it might be specifying an identifier that isn't valid"*). A malformed value that
//! comes from the call's **overrides** is an `InvalidParameterException`, because it is a parameter
//! of this very call. Both messages name the field and the value.

pub use crate::model::units::{parse_cpu, parse_memory};
use std::collections::BTreeSet;

use crate::aws::{
    ContainerDefinition, ContainerOverride, NetworkMode, PortMapping, ResourceRequirement,
    ResourceType, TaskDefinition, TaskOverride, TransportProtocol,
};
use crate::error::EcsError;

/// Everything one task reserves on the instance it is placed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDemand {
    /// CPU units (1024 per vCPU).
    pub cpu: u64,
    /// Memory in MiB.
    pub memory_mib: u64,
    /// TCP host ports the task reserves.
    pub tcp_ports: BTreeSet<u16>,
    /// UDP host ports the task reserves.
    pub udp_ports: BTreeSet<u16>,
    /// GPUs the task needs.
    pub gpus: GpuDemand,
    /// The same, container by container, in task-definition order (for `networkBindings` and
    /// `gpuIds` in the response).
    pub containers: Vec<ContainerDemand>,
    /// Whether the task takes an elastic network interface of its instance (network mode
    /// `awsvpc`; docs/SEMANTICS.md, "ENIs").
    pub eni: bool,
}

/// A GPU requirement.
///
/// `ALL` is modelled as spec §10 item 33 recommends: the task takes every GPU the instance has
/// left, and the instance must have at least `at_least` of them (at least one, and at least the
/// sum of the counted requests of the task's other containers, so those can be served from the
/// same set). Fractional values (`0.5`, for the G6f fractional GPUs) are not modelled and are
/// rejected with `UnsupportedFeatureException`, rather than silently rounded to a whole GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuDemand {
    /// This many whole GPUs (0 when the task asks for none).
    Count(u32),
    /// Every GPU left on the instance, and at least this many.
    All {
        /// The fewest GPUs the instance must have left.
        at_least: u32,
    },
}

impl GpuDemand {
    /// Whether the task needs no GPU at all.
    pub fn is_none(&self) -> bool {
        matches!(self, Self::Count(0))
    }
}

/// One container's share of the demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerDemand {
    /// The container's name (empty if the definition gave none).
    pub name: String,
    /// The host ports this container reserves.
    pub host_ports: Vec<HostPort>,
    /// The GPUs this container asks for.
    pub gpus: GpuDemand,
}

/// A host port a container reserves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPort {
    /// The port on the container.
    pub container_port: u16,
    /// The port on the host.
    pub host_port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
}

/// A port's transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP (the default).
    Tcp,
    /// UDP.
    Udp,
}

/// Where a value came from, which decides the exception a bad value raises (see module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    TaskDefinition,
    Overrides,
}

impl Origin {
    fn error(self, message: String) -> EcsError {
        match self {
            Self::TaskDefinition => EcsError::client(message),
            Self::Overrides => EcsError::invalid_parameter(message),
        }
    }
}

/// Computes what one task of `def`, with the call's `overrides`, reserves on an instance.
///
/// Overrides are matched to containers by name; an override naming no container of the
/// definition is ignored here (request validation rejects it before this runs).
pub fn task_demand(
    def: &TaskDefinition,
    overrides: Option<&TaskOverride>,
) -> Result<TaskDemand, EcsError> {
    let containers = resolved_containers(def, overrides);
    let cpu = task_cpu(def, overrides, &containers)?;
    let memory_mib = task_memory(def, overrides, &containers)?;
    if let Some(overrides) = overrides {
        check_overridden_memory(def, overrides, &containers)?;
    }
    let mode = network_mode(def)?;
    let mut container_demands = Vec::with_capacity(containers.len());
    for container in &containers {
        container_demands.push(ContainerDemand {
            name: container.definition.name.clone().unwrap_or_default(),
            host_ports: container_host_ports(container, &mode)?,
            gpus: container_gpus(container)?,
        });
    }
    let (tcp_ports, udp_ports) = port_sets(&container_demands)?;
    let gpus = task_gpus(&container_demands)?;
    Ok(TaskDemand {
        eni: mode == NetworkMode::Awsvpc,
        cpu,
        memory_mib,
        tcp_ports,
        udp_ports,
        gpus,
        containers: container_demands,
    })
}

/// A container definition with its override (if any) already applied, and where each of its
/// resource values came from.
struct ResolvedContainer {
    definition: ContainerDefinition,
    cpu_origin: Origin,
    memory_origin: Origin,
    gpu_origin: Origin,
}

fn resolved_containers(
    def: &TaskDefinition,
    overrides: Option<&TaskOverride>,
) -> Vec<ResolvedContainer> {
    let container_overrides = overrides
        .and_then(|o| o.container_overrides.as_deref())
        .unwrap_or_default();
    def.container_definitions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|container| {
            let matching = container_overrides
                .iter()
                .filter(|o| o.name.is_some() && o.name == container.name);
            let mut resolved = ResolvedContainer {
                definition: container.clone(),
                cpu_origin: Origin::TaskDefinition,
                memory_origin: Origin::TaskDefinition,
                gpu_origin: Origin::TaskDefinition,
            };
            // Later overrides of the same container win, as a later JSON member would.
            for container_override in matching {
                apply_container_override(&mut resolved, container_override);
            }
            resolved
        })
        .collect()
}

fn apply_container_override(resolved: &mut ResolvedContainer, with: &ContainerOverride) {
    if let Some(cpu) = with.cpu {
        resolved.definition.cpu = Some(cpu);
        resolved.cpu_origin = Origin::Overrides;
    }
    if let Some(memory) = with.memory {
        resolved.definition.memory = Some(memory);
        resolved.memory_origin = Origin::Overrides;
    }
    if let Some(reservation) = with.memory_reservation {
        resolved.definition.memory_reservation = Some(reservation);
        resolved.memory_origin = Origin::Overrides;
    }
    if let Some(requirements) = &with.resource_requirements {
        resolved.definition.resource_requirements = Some(requirements.clone());
        resolved.gpu_origin = Origin::Overrides;
    }
}

/// The task-level value after the override, with where it came from.
fn task_level<'a>(
    from_definition: Option<&'a String>,
    from_override: Option<&'a String>,
) -> Option<(&'a str, Origin)> {
    match from_override {
        Some(value) => Some((value.as_str(), Origin::Overrides)),
        None => from_definition.map(|value| (value.as_str(), Origin::TaskDefinition)),
    }
}

fn task_cpu(
    def: &TaskDefinition,
    overrides: Option<&TaskOverride>,
    containers: &[ResolvedContainer],
) -> Result<u64, EcsError> {
    if let Some((text, origin)) =
        task_level(def.cpu.as_ref(), overrides.and_then(|o| o.cpu.as_ref()))
    {
        let field = field_name(origin, "cpu");
        let units =
            parse_cpu(text).map_err(|why| origin.error(format!("{field} {text:?}: {why}")))?;
        // The agent treats a task-level value of 0 as "not set" and falls back to the containers.
        if units > 0 {
            return Ok(units);
        }
    }
    let mut total: u64 = 0;
    for container in containers {
        let cpu = non_negative(
            container.definition.cpu.unwrap_or(0),
            container.cpu_origin,
            &container_field(container, "cpu"),
        )?;
        total = checked_sum(total, cpu, "cpu")?;
    }
    Ok(total)
}

fn task_memory(
    def: &TaskDefinition,
    overrides: Option<&TaskOverride>,
    containers: &[ResolvedContainer],
) -> Result<u64, EcsError> {
    if let Some((text, origin)) = task_level(
        def.memory.as_ref(),
        overrides.and_then(|o| o.memory.as_ref()),
    ) {
        let field = field_name(origin, "memory");
        let mib =
            parse_memory(text).map_err(|why| origin.error(format!("{field} {text:?}: {why}")))?;
        if mib > 0 {
            return Ok(mib);
        }
    }
    let mut total: u64 = 0;
    for container in containers {
        total = checked_sum(total, container_memory(container)?, "memory")?;
    }
    Ok(total)
}

/// The container memory rules of task definition registration, checked again on what a call's
/// overrides made of the definition (docs/SEMANTICS.md, "Overridden memory"): a container whose
/// memory values the call set, or every container when the call set the task's memory. Each
/// breach is the call's `InvalidParameterException`; a value of 0 counts as not set, as the
/// agent reads it.
fn check_overridden_memory(
    def: &TaskDefinition,
    overrides: &TaskOverride,
    containers: &[ResolvedContainer],
) -> Result<(), EcsError> {
    let task_memory_overridden = overrides.memory.is_some();
    let task_memory = task_level(def.memory.as_ref(), overrides.memory.as_ref())
        .and_then(|(text, _)| parse_memory(text).ok())
        .filter(|&mib| mib > 0);
    let mut checked_any = false;
    let mut reservations: u64 = 0;
    for container in containers {
        let definition = &container.definition;
        let set = |value: Option<i64>| value.and_then(|v| u64::try_from(v).ok()).filter(|&v| v > 0);
        let (memory, reservation) = (set(definition.memory), set(definition.memory_reservation));
        reservations = reservations.saturating_add(reservation.unwrap_or(0));
        if container.memory_origin != Origin::Overrides && !task_memory_overridden {
            continue;
        }
        checked_any = true;
        let name = definition.name.as_deref().unwrap_or_default();
        let invalid = |message: String| Err(EcsError::invalid_parameter(message));
        if task_memory.is_none() && memory.is_none() && reservation.is_none() {
            return invalid(format!(
                "Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be specified."
            ));
        }
        if let (Some(memory), Some(reservation)) = (memory, reservation)
            && memory < reservation
        {
            return invalid(format!(
                "Invalid setting for container '{name}'. 'memory' must be greater than or equal to 'memoryReservation' (overrides give memory {memory} and memoryReservation {reservation})."
            ));
        }
        if let (Some(memory), Some(task)) = (memory, task_memory)
            && memory > task
        {
            return invalid(format!(
                "'memory' setting for container '{name}' is greater than for task ({memory} > {task} MiB)."
            ));
        }
    }
    if let Some(task) = task_memory
        && checked_any
        && reservations > task
    {
        return Err(EcsError::invalid_parameter(format!(
            "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory' ({reservations} > {task} MiB)."
        )));
    }
    Ok(())
}

/// `memoryReservation` when above 0 (the soft limit is what ECS subtracts), else `memory`.
fn container_memory(container: &ResolvedContainer) -> Result<u64, EcsError> {
    let definition = &container.definition;
    let reservation = definition.memory_reservation.unwrap_or(0);
    if reservation < 0 {
        return Err(negative(
            container.memory_origin,
            &container_field(container, "memoryReservation"),
            reservation,
        ));
    }
    if reservation > 0 {
        return Ok(reservation.unsigned_abs());
    }
    non_negative(
        definition.memory.unwrap_or(0),
        container.memory_origin,
        &container_field(container, "memory"),
    )
}

fn network_mode(def: &TaskDefinition) -> Result<NetworkMode, EcsError> {
    match &def.network_mode {
        None => Ok(NetworkMode::Bridge),
        Some(NetworkMode::Unknown(other)) => Err(EcsError::client(format!(
            "taskDefinition networkMode {other:?} is not one of bridge, host, awsvpc, none"
        ))),
        Some(mode) => Ok(mode.clone()),
    }
}

fn container_host_ports(
    container: &ResolvedContainer,
    mode: &NetworkMode,
) -> Result<Vec<HostPort>, EcsError> {
    let mut ports = Vec::new();
    for mapping in container
        .definition
        .port_mappings
        .as_deref()
        .unwrap_or_default()
    {
        if let Some(port) = reserved_host_port(container, mapping, mode)? {
            ports.push(port);
        }
    }
    Ok(ports)
}

/// The host port one mapping reserves under `mode`, if any.
fn reserved_host_port(
    container: &ResolvedContainer,
    mapping: &PortMapping,
    mode: &NetworkMode,
) -> Result<Option<HostPort>, EcsError> {
    // A container port range gets dynamic (bridge) or ENI (awsvpc) ports: nothing is reserved.
    if mapping.container_port_range.is_some() && mapping.container_port.is_none() {
        return Ok(None);
    }
    let container_port = port_number(container, "containerPort", mapping.container_port)?;
    let host_port = port_number(container, "hostPort", mapping.host_port)?;
    let reserved = match mode {
        NetworkMode::Bridge => host_port,
        NetworkMode::Host => {
            if host_port != 0 {
                host_port
            } else {
                container_port
            }
        }
        NetworkMode::Awsvpc | NetworkMode::None | NetworkMode::Unknown(_) => 0,
    };
    if reserved == 0 {
        return Ok(None);
    }
    Ok(Some(HostPort {
        container_port,
        host_port: reserved,
        protocol: protocol(container, mapping)?,
    }))
}

fn port_number(
    container: &ResolvedContainer,
    member: &str,
    value: Option<i64>,
) -> Result<u16, EcsError> {
    let value = value.unwrap_or(0);
    u16::try_from(value).map_err(|_| {
        EcsError::client(format!(
            "{} {value} is not a port number (0..=65535)",
            container_field(container, &format!("portMappings.{member}"))
        ))
    })
}

fn protocol(container: &ResolvedContainer, mapping: &PortMapping) -> Result<Protocol, EcsError> {
    match &mapping.protocol {
        None | Some(TransportProtocol::Tcp) => Ok(Protocol::Tcp),
        Some(TransportProtocol::Udp) => Ok(Protocol::Udp),
        Some(TransportProtocol::Unknown(other)) => Err(EcsError::client(format!(
            "{} {other:?} is not tcp or udp",
            container_field(container, "portMappings.protocol")
        ))),
    }
}

/// The task's TCP and UDP sets. The same host port twice within one task could never be placed
/// (the second container would find it taken), so it is reported instead of merged away.
fn port_sets(containers: &[ContainerDemand]) -> Result<(BTreeSet<u16>, BTreeSet<u16>), EcsError> {
    let mut tcp = BTreeSet::new();
    let mut udp = BTreeSet::new();
    for container in containers {
        for port in &container.host_ports {
            let (set, name) = match port.protocol {
                Protocol::Tcp => (&mut tcp, "tcp"),
                Protocol::Udp => (&mut udp, "udp"),
            };
            if !set.insert(port.host_port) {
                return Err(EcsError::client(format!(
                    "taskDefinition reserves host port {}/{name} more than once (again in container {:?})",
                    port.host_port, container.name
                )));
            }
        }
    }
    Ok((tcp, udp))
}

fn container_gpus(container: &ResolvedContainer) -> Result<GpuDemand, EcsError> {
    let mut count: u32 = 0;
    let mut all = false;
    let requirements = container
        .definition
        .resource_requirements
        .as_deref()
        .unwrap_or_default();
    for requirement in requirements {
        match gpu_requirement(container, requirement)? {
            None => {}
            Some(GpuDemand::All { .. }) => all = true,
            Some(GpuDemand::Count(n)) => {
                count = count.checked_add(n).ok_or_else(|| {
                    container
                        .gpu_origin
                        .error(format!("{} overflows", container_field(container, "GPU")))
                })?;
            }
        }
    }
    Ok(if all {
        GpuDemand::All {
            at_least: count.max(1),
        }
    } else {
        GpuDemand::Count(count)
    })
}

/// Reads one resource requirement; `None` for the non-GPU kinds placement does not account for.
fn gpu_requirement(
    container: &ResolvedContainer,
    requirement: &ResourceRequirement,
) -> Result<Option<GpuDemand>, EcsError> {
    let field = container_field(container, "resourceRequirements");
    match &requirement.kind {
        ResourceType::Gpu => {}
        ResourceType::InferenceAccelerator | ResourceType::NeuronDevice => return Ok(None),
        ResourceType::Unknown(other) => {
            return Err(container.gpu_origin.error(format!(
                "{field} type {other:?} is not one of GPU, InferenceAccelerator, NeuronDevice"
            )));
        }
    }
    let value = requirement.value.trim();
    if value.eq_ignore_ascii_case("ALL") {
        return Ok(Some(GpuDemand::All { at_least: 1 }));
    }
    if let Ok(count) = value.parse::<u32>() {
        return Ok(Some(GpuDemand::Count(count)));
    }
    if crate::model::units::parse_decimal(value).is_some() {
        return Err(EcsError::new(
            crate::error::ExceptionName::UnsupportedFeatureException,
            format!(
                "{field} GPU value {value:?}: fractional GPUs are not modelled by this emulator"
            ),
        ));
    }
    Err(container.gpu_origin.error(format!(
        "{field} GPU value {value:?} is not a whole number of GPUs or ALL"
    )))
}

fn task_gpus(containers: &[ContainerDemand]) -> Result<GpuDemand, EcsError> {
    let mut counted: u32 = 0;
    let mut all = false;
    for container in containers {
        let n = match container.gpus {
            GpuDemand::Count(n) => n,
            GpuDemand::All { at_least } => {
                all = true;
                at_least
            }
        };
        counted = counted
            .checked_add(n)
            .ok_or_else(|| EcsError::client("taskDefinition GPU requirements overflow"))?;
    }
    Ok(if all {
        GpuDemand::All {
            at_least: counted.max(1),
        }
    } else {
        GpuDemand::Count(counted)
    })
}

fn field_name(origin: Origin, member: &str) -> String {
    match origin {
        Origin::TaskDefinition => format!("taskDefinition {member}"),
        Origin::Overrides => format!("overrides.{member}"),
    }
}

fn container_field(container: &ResolvedContainer, member: &str) -> String {
    let name = container.definition.name.as_deref().unwrap_or_default();
    format!("container {name:?} {member}")
}

fn non_negative(value: i64, origin: Origin, field: &str) -> Result<u64, EcsError> {
    u64::try_from(value).map_err(|_| negative(origin, field, value))
}

fn negative(origin: Origin, field: &str, value: i64) -> EcsError {
    origin.error(format!("{field} {value} must not be negative"))
}

fn checked_sum(total: u64, add: u64, what: &str) -> Result<u64, EcsError> {
    total
        .checked_add(add)
        .ok_or_else(|| EcsError::client(format!("taskDefinition total {what} overflows")))
}
