//! Interim RunTask/StartTask validation with the `request` module's interface: the checks
//! placement depends on (count, task definition, launch type or providers, constraints,
//! strategies, demand). The full rule set lives in `crate::request` once merged.

use std::collections::BTreeSet;

use crate::aws::{
    CapacityProvider, CapacityProviderStrategyItem, CapacityProviderType, ContainerDefinition,
    ContainerOverride, LaunchType, NetworkMode, PlacementConstraintType, PlacementStrategyType,
    ResourceType, RunTaskRequest, StartTaskRequest, Tag, TaskDefinition, TaskOverride,
    TransportProtocol,
};
use crate::error::EcsError;
use crate::model::units::{parse_cpu_units, parse_memory_mib};

/// What validation needs to know about the cluster.
#[derive(Debug, Clone, Copy)]
pub struct ValidationContext<'a> {
    /// The cluster's short name.
    pub cluster_name: &'a str,
    /// The cluster's ARN.
    pub cluster_arn: &'a str,
    /// Every known task definition revision.
    pub task_definitions: &'a [TaskDefinition],
    /// The capacity providers associated with the cluster.
    pub cluster_capacity_providers: &'a [String],
    /// Descriptions of capacity providers.
    pub capacity_providers: &'a [CapacityProvider],
    /// The cluster's default capacity provider strategy.
    pub default_capacity_provider_strategy: &'a [CapacityProviderStrategyItem],
    /// How many container instances the cluster has.
    pub container_instance_count: usize,
}

/// Where the tasks of a call go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capacity {
    /// Every task with this launch type.
    LaunchType(LaunchType),
    /// Tasks split over providers: base first, then by weight.
    Providers(Vec<ProviderShare>),
}

/// One item of a capacity provider strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderShare {
    /// The provider's short name.
    pub name: String,
    /// Tasks this provider gets first.
    pub base: u32,
    /// Its share of the rest.
    pub weight: u32,
}

/// A placement constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// Instances matching a cluster query expression.
    MemberOf {
        /// The expression.
        expression: String,
        /// Whether it came from the task definition.
        from_task_definition: bool,
    },
    /// One task of the group per instance.
    DistinctInstance,
}

/// A placement strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// Random order.
    Random,
    /// Least remaining first.
    Binpack(BinpackField),
    /// Fewest group tasks per value first.
    Spread(SpreadField),
}

/// What binpack measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinpackField {
    /// CPU units.
    Cpu,
    /// Memory MiB.
    Memory,
}

/// What spread groups by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpreadField {
    /// The instance itself (`instanceId` or `host`).
    InstanceId,
    /// An attribute's value.
    Attribute(String),
}

/// Everything one task reserves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDemand {
    /// CPU units.
    pub cpu: u64,
    /// Memory MiB.
    pub memory_mib: u64,
    /// TCP host ports.
    pub tcp_ports: BTreeSet<u16>,
    /// UDP host ports.
    pub udp_ports: BTreeSet<u16>,
    /// GPUs.
    pub gpus: GpuDemand,
    /// Per container, in definition order.
    pub containers: Vec<ContainerDemand>,
}

/// A GPU requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuDemand {
    /// This many whole GPUs.
    Count(u32),
    /// Every GPU left, and at least this many.
    All {
        /// The fewest GPUs the instance must have left.
        at_least: u32,
    },
}

/// One container's share of the demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerDemand {
    /// The container's name.
    pub name: String,
    /// Host ports it reserves.
    pub host_ports: Vec<HostPort>,
    /// GPUs it asks for.
    pub gpus: GpuDemand,
}

/// A reserved host port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPort {
    /// The container's port.
    pub container_port: u16,
    /// The host's port.
    pub host_port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
}

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

/// Members placement copies into the response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommonMembers {
    /// Who started the task.
    pub started_by: Option<String>,
    /// The task's tags.
    pub tags: Vec<Tag>,
    /// The overrides as given.
    pub overrides: Option<TaskOverride>,
}

/// A checked RunTask call.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementRequest {
    /// The task definition revision.
    pub task_definition: TaskDefinition,
    /// How many tasks.
    pub count: u32,
    /// The task group.
    pub group: String,
    /// Launch type or providers.
    pub capacity: Capacity,
    /// Task definition constraints, then the call's.
    pub constraints: Vec<Constraint>,
    /// Strategies in order (`[Random]` by default, empty for Fargate).
    pub strategies: Vec<Strategy>,
    /// What one task reserves.
    pub demand: TaskDemand,
    /// Members copied to the response.
    pub common: CommonMembers,
}

/// A checked StartTask call.
#[derive(Debug, Clone, PartialEq)]
pub struct StartPlacementRequest {
    /// The task definition revision.
    pub task_definition: TaskDefinition,
    /// The instances as given.
    pub container_instances: Vec<String>,
    /// The task group.
    pub group: String,
    /// What one task reserves.
    pub demand: TaskDemand,
    /// Members copied to the response.
    pub common: CommonMembers,
}

/// Checks a RunTask call and resolves it for placement.
pub fn validate_run_task(
    request: &RunTaskRequest,
    ctx: &ValidationContext<'_>,
) -> Result<PlacementRequest, EcsError> {
    let count = match request.count.unwrap_or(1) {
        n @ 1..=10 => n as u32,
        n => {
            return Err(EcsError::invalid_parameter(format!(
                "count must be between 1 and 10, got {n}"
            )));
        }
    };
    let definition = resolve_definition(request.task_definition.as_deref(), ctx)?;
    let capacity = resolve_capacity(request, ctx)?;
    let fargate = is_fargate(&capacity, ctx);
    let constraints = constraints(request, definition)?;
    if fargate && !constraints.is_empty() {
        return Err(EcsError::invalid_parameter(
            "Placement constraints are not supported with FARGATE launch type.",
        ));
    }
    let mut strategies = strategies(request)?;
    if fargate && !strategies.is_empty() {
        return Err(EcsError::invalid_parameter(
            "Placement strategies are not supported with FARGATE launch type.",
        ));
    }
    if strategies.is_empty() && !fargate {
        strategies.push(Strategy::Random);
    }
    let on_instances = matches!(
        capacity,
        Capacity::LaunchType(LaunchType::Ec2 | LaunchType::External)
    );
    if on_instances && ctx.container_instance_count == 0 {
        return Err(EcsError::invalid_parameter(
            "No Container Instances were found in your cluster.",
        ));
    }
    Ok(PlacementRequest {
        demand: task_demand(definition, request.overrides.as_ref())?,
        task_definition: definition.clone(),
        count,
        group: group_or_default(request.group.as_deref(), definition),
        capacity,
        constraints,
        strategies,
        common: CommonMembers {
            started_by: request.started_by.clone(),
            tags: request.tags.clone().unwrap_or_default(),
            overrides: request.overrides.clone(),
        },
    })
}

/// Checks a StartTask call and resolves it for placement.
pub fn validate_start_task(
    request: &StartTaskRequest,
    ctx: &ValidationContext<'_>,
) -> Result<StartPlacementRequest, EcsError> {
    let container_instances = request.container_instances.clone().unwrap_or_default();
    if container_instances.is_empty() || container_instances.len() > 10 {
        return Err(EcsError::invalid_parameter(format!(
            "containerInstances must name 1 to 10 instances, got {}",
            container_instances.len()
        )));
    }
    let definition = resolve_definition(request.task_definition.as_deref(), ctx)?;
    Ok(StartPlacementRequest {
        demand: task_demand(definition, request.overrides.as_ref())?,
        task_definition: definition.clone(),
        container_instances,
        group: group_or_default(request.group.as_deref(), definition),
        common: CommonMembers {
            started_by: request.started_by.clone(),
            tags: request.tags.clone().unwrap_or_default(),
            overrides: request.overrides.clone(),
        },
    })
}

fn family_of(definition: &TaskDefinition) -> String {
    definition.family.clone().unwrap_or_else(|| {
        let arn = definition
            .task_definition_arn
            .as_deref()
            .unwrap_or_default();
        let last = arn.rsplit('/').next().unwrap_or(arn);
        last.split(':').next().unwrap_or(last).to_owned()
    })
}

fn resolve_definition<'a>(
    reference: Option<&str>,
    ctx: &ValidationContext<'a>,
) -> Result<&'a TaskDefinition, EcsError> {
    let reference = reference.filter(|r| !r.is_empty()).ok_or_else(|| {
        EcsError::invalid_parameter("taskDefinition can not be blank.".to_owned())
    })?;
    let short = reference.rsplit('/').next().unwrap_or(reference);
    let (family, revision) = match short.split_once(':') {
        Some((family, revision)) => (family, revision.parse::<i64>().ok()),
        None => (short, None),
    };
    let candidates = ctx
        .task_definitions
        .iter()
        .filter(|d| family_of(d) == family);
    let found = match revision {
        Some(revision) => candidates
            .filter(|d| d.revision == Some(revision))
            .max_by_key(|d| d.revision),
        None => candidates.max_by_key(|d| d.revision),
    };
    found.ok_or_else(|| EcsError::client("Unable to find task definition.".to_owned()))
}

fn group_or_default(group: Option<&str>, definition: &TaskDefinition) -> String {
    match group.filter(|g| !g.is_empty()) {
        Some(group) => group.to_owned(),
        None => format!("family:{}", family_of(definition)),
    }
}

fn resolve_capacity(
    request: &RunTaskRequest,
    ctx: &ValidationContext<'_>,
) -> Result<Capacity, EcsError> {
    let items = request.capacity_provider_strategy.as_deref();
    match (&request.launch_type, items) {
        (Some(_), Some(_)) => Err(EcsError::invalid_parameter(
            "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
        )),
        (Some(launch_type), None) => Ok(Capacity::LaunchType(launch_type.clone())),
        (None, Some(items)) => shares(items),
        (None, None) if ctx.default_capacity_provider_strategy.is_empty() => {
            Ok(Capacity::LaunchType(LaunchType::Ec2))
        }
        (None, None) => shares(ctx.default_capacity_provider_strategy),
    }
}

fn shares(items: &[CapacityProviderStrategyItem]) -> Result<Capacity, EcsError> {
    let to_u32 = |v: Option<i64>| u32::try_from(v.unwrap_or(0)).unwrap_or(0);
    let shares: Vec<ProviderShare> = items
        .iter()
        .map(|item| ProviderShare {
            name: item.capacity_provider.clone(),
            base: to_u32(item.base),
            weight: to_u32(item.weight),
        })
        .collect();
    if !shares.iter().any(|s| s.weight > 0) {
        return Err(EcsError::invalid_parameter(
            "There are no capacity providers with a weight value greater than zero defined in the capacity provider strategy.",
        ));
    }
    Ok(Capacity::Providers(shares))
}

/// Whether a provider is a Fargate one (by reserved name or described type).
pub fn is_fargate_provider(name: &str, ctx: &ValidationContext<'_>) -> bool {
    name == "FARGATE"
        || name == "FARGATE_SPOT"
        || ctx.capacity_providers.iter().any(|p| {
            p.name.as_deref() == Some(name)
                && matches!(
                    p.kind,
                    Some(CapacityProviderType::Fargate | CapacityProviderType::FargateSpot)
                )
        })
}

fn is_fargate(capacity: &Capacity, ctx: &ValidationContext<'_>) -> bool {
    match capacity {
        Capacity::LaunchType(launch_type) => *launch_type == LaunchType::Fargate,
        Capacity::Providers(shares) => shares.iter().all(|s| is_fargate_provider(&s.name, ctx)),
    }
}

fn constraints(
    request: &RunTaskRequest,
    definition: &TaskDefinition,
) -> Result<Vec<Constraint>, EcsError> {
    let mut joined: Vec<Constraint> = definition
        .placement_constraints
        .iter()
        .flatten()
        .filter_map(|c| c.expression.clone())
        .map(|expression| Constraint::MemberOf {
            expression,
            from_task_definition: true,
        })
        .collect();
    for constraint in request.placement_constraints.iter().flatten() {
        let expression = constraint.expression.clone().filter(|e| !e.is_empty());
        match (&constraint.kind, expression) {
            (Some(PlacementConstraintType::DistinctInstance), None) => {
                joined.push(Constraint::DistinctInstance)
            }
            (Some(PlacementConstraintType::DistinctInstance), Some(_)) => {
                return Err(EcsError::invalid_parameter(
                    "distinctInstance expression should not be specified.",
                ));
            }
            (Some(PlacementConstraintType::MemberOf), Some(expression)) => {
                joined.push(Constraint::MemberOf {
                    expression,
                    from_task_definition: false,
                })
            }
            (kind, _) => {
                return Err(EcsError::invalid_parameter(format!(
                    "placement constraint {kind:?} is not valid here"
                )));
            }
        }
    }
    Ok(joined)
}

fn strategies(request: &RunTaskRequest) -> Result<Vec<Strategy>, EcsError> {
    let mut parsed = Vec::new();
    for strategy in request.placement_strategy.iter().flatten() {
        let field = strategy.field.as_deref().unwrap_or_default();
        let next = match &strategy.kind {
            Some(PlacementStrategyType::Random) => Strategy::Random,
            Some(PlacementStrategyType::Binpack) if field.eq_ignore_ascii_case("cpu") => {
                Strategy::Binpack(BinpackField::Cpu)
            }
            Some(PlacementStrategyType::Binpack) if field.eq_ignore_ascii_case("memory") => {
                Strategy::Binpack(BinpackField::Memory)
            }
            Some(PlacementStrategyType::Spread) if field == "instanceId" || field == "host" => {
                Strategy::Spread(SpreadField::InstanceId)
            }
            Some(PlacementStrategyType::Spread) if field.starts_with("attribute:") => {
                Strategy::Spread(SpreadField::Attribute(
                    field["attribute:".len()..].to_owned(),
                ))
            }
            _ => {
                return Err(EcsError::invalid_parameter(format!(
                    "placement strategy {:?} with field `{field}` is not valid",
                    strategy.kind
                )));
            }
        };
        parsed.push(next);
    }
    Ok(parsed)
}

fn task_demand(
    definition: &TaskDefinition,
    overrides: Option<&TaskOverride>,
) -> Result<TaskDemand, EcsError> {
    let containers = definition
        .container_definitions
        .as_deref()
        .unwrap_or_default();
    let override_of = |c: &ContainerDefinition| -> Option<&ContainerOverride> {
        overrides?
            .container_overrides
            .iter()
            .flatten()
            .find(|o| o.name.is_some() && o.name == c.name)
    };
    let task_cpu = overrides
        .and_then(|o| o.cpu.as_deref())
        .or(definition.cpu.as_deref())
        .and_then(parse_cpu_units);
    let task_memory = overrides
        .and_then(|o| o.memory.as_deref())
        .or(definition.memory.as_deref())
        .and_then(parse_memory_mib);
    let mut cpu = 0i64;
    let mut memory = 0i64;
    let mut demand = TaskDemand {
        cpu: 0,
        memory_mib: 0,
        tcp_ports: BTreeSet::new(),
        udp_ports: BTreeSet::new(),
        gpus: GpuDemand::Count(0),
        containers: Vec::new(),
    };
    let mode = definition
        .network_mode
        .clone()
        .unwrap_or(NetworkMode::Bridge);
    for container in containers {
        let over = override_of(container);
        cpu += over.and_then(|o| o.cpu).or(container.cpu).unwrap_or(0);
        let reservation = over
            .and_then(|o| o.memory_reservation)
            .or(container.memory_reservation)
            .filter(|m| *m > 0);
        let limit = over.and_then(|o| o.memory).or(container.memory);
        memory += reservation.or(limit).unwrap_or(0);
        let mut host_ports = Vec::new();
        for mapping in container.port_mappings.iter().flatten() {
            let container_port = mapping.container_port.unwrap_or(0);
            let host_port = match mode {
                NetworkMode::Host => mapping.host_port.unwrap_or(container_port),
                NetworkMode::Bridge => mapping.host_port.unwrap_or(0),
                _ => 0,
            };
            let (Ok(host_port), Ok(container_port)) =
                (u16::try_from(host_port), u16::try_from(container_port))
            else {
                return Err(EcsError::client(format!(
                    "port {host_port} is out of range"
                )));
            };
            if host_port == 0 {
                continue;
            }
            let protocol = match mapping.protocol {
                Some(TransportProtocol::Udp) => Protocol::Udp,
                _ => Protocol::Tcp,
            };
            let set = match protocol {
                Protocol::Tcp => &mut demand.tcp_ports,
                Protocol::Udp => &mut demand.udp_ports,
            };
            if !set.insert(host_port) {
                return Err(EcsError::client(format!(
                    "host port {host_port} is mapped twice in the task definition"
                )));
            }
            host_ports.push(HostPort {
                container_port,
                host_port,
                protocol,
            });
        }
        let requirements = over
            .and_then(|o| o.resource_requirements.as_ref())
            .or(container.resource_requirements.as_ref());
        let gpus = match requirements
            .into_iter()
            .flatten()
            .find(|r| r.kind == ResourceType::Gpu)
        {
            None => GpuDemand::Count(0),
            Some(r) if r.value.eq_ignore_ascii_case("ALL") => GpuDemand::All { at_least: 1 },
            Some(r) => GpuDemand::Count(r.value.trim().parse().map_err(|_| {
                EcsError::client(format!("GPU value `{}` is not a whole number", r.value))
            })?),
        };
        demand.containers.push(ContainerDemand {
            name: container.name.clone().unwrap_or_default(),
            host_ports,
            gpus,
        });
    }
    demand.gpus = total_gpus(&demand.containers);
    demand.cpu = u64::try_from(task_cpu.unwrap_or(cpu)).unwrap_or(0);
    demand.memory_mib = u64::try_from(task_memory.unwrap_or(memory)).unwrap_or(0);
    Ok(demand)
}

fn total_gpus(containers: &[ContainerDemand]) -> GpuDemand {
    let counted: u32 = containers
        .iter()
        .map(|c| match c.gpus {
            GpuDemand::Count(n) => n,
            GpuDemand::All { .. } => 0,
        })
        .sum();
    if containers
        .iter()
        .any(|c| matches!(c.gpus, GpuDemand::All { .. }))
    {
        GpuDemand::All {
            at_least: counted.max(1),
        }
    } else {
        GpuDemand::Count(counted)
    }
}
