//! RunTask and StartTask validation: from a wire request to a checked placement request.
//!
//! This module owns every rule ECS applies to a call before placement starts (spec §2, §3, §5,
//! §6 and the project's DECISIONS). Its output, [`PlacementRequest`], is what the placement stages
//! read: the resolved task definition, the capacity choice, the joined constraints, the
//! strategies and the task's [`demand::TaskDemand`]; nothing in it needs checking again.
//!
//! # Order of the checks
//!
//! The first failing check decides the error. ECS documents no order, so we chose one that an
//! API front end would have: first everything that can be judged from the call alone, in the
//! order below, then everything that needs the cluster.
//!
//! Call alone:
//! 1. `count` (1..=10);
//! 2. `clientToken` (RunTask only), then `group`, `startedBy`, `referenceId`, `propagateTags`;
//! 3. `tags`;
//! 4. `overrides` (container overrides need a name; at most 8192 characters of JSON);
//! 5. the call's `placementConstraints` (at most 10, then each one);
//! 6. the call's `placementStrategy` (at most 5, then each one);
//!
//! Against the cluster:
//! 7. `cluster` (`ClusterNotFoundException`);
//! 8. `taskDefinition` (found, runnable, its own constraints), then at most 10 constraints once
//!    joined with the call's;
//! 9. container overrides must name containers of the definition;
//! 10. the capacity choice (`launchType`, `capacityProviderStrategy` or the cluster default), in
//!     the order of DECISIONS 36;
//! 11. constraints, then strategies, with Fargate capacity; `platformVersion` without it;
//! 12. `networkConfiguration` against the definition's network mode;
//! 13. the task's demand ([`demand::task_demand`]);
//! 14. tasks bound for container instances on a cluster that has none.

pub(crate) mod capacity;
pub(crate) mod constraints;
pub use crate::model::demand;
pub mod limits;
pub(crate) mod networking;
pub(crate) mod strategies;
pub(crate) mod tags;
pub(crate) mod task_definition;

use crate::aws::{
    CapacityProvider, CapacityProviderStrategyItem, NetworkConfiguration, PropagateTags,
    RunTaskRequest, StartTaskRequest, Tag, TaskDefinition, TaskOverride,
};
use crate::error::EcsError;

pub use capacity::{Capacity, ProviderShare};
pub use constraints::Constraint;
pub use demand::{ContainerDemand, GpuDemand, HostPort, Protocol, TaskDemand, task_demand};
pub use strategies::{BinpackField, SpreadField, Strategy};

/// What validation needs to know about the cluster; the caller fills it from its snapshot.
#[derive(Debug, Clone, Copy)]
pub struct ValidationContext<'a> {
    /// The cluster's short name.
    pub cluster_name: &'a str,
    /// The cluster's ARN.
    pub cluster_arn: &'a str,
    /// What gave the cluster its name (a call naming another cluster is told why).
    pub cluster_name_source: crate::model::ClusterNameSource,
    /// Every known task definition revision (any family, any status).
    pub task_definitions: &'a [TaskDefinition],
    /// The capacity providers associated with the cluster, by short name.
    pub cluster_capacity_providers: &'a [String],
    /// Descriptions of capacity providers (type, status); may be empty.
    pub capacity_providers: &'a [CapacityProvider],
    /// The cluster's default capacity provider strategy; may be empty.
    pub default_capacity_provider_strategy: &'a [CapacityProviderStrategyItem],
    /// How many container instances the cluster has (any status).
    pub container_instance_count: usize,
}

impl<'a> ValidationContext<'a> {
    /// The context a snapshot gives: its cluster, task definitions, providers and instances.
    pub fn from_snapshot(snapshot: &'a crate::model::Snapshot) -> Self {
        let cluster = snapshot.cluster();
        Self {
            cluster_name: &cluster.name,
            cluster_arn: &cluster.arn,
            cluster_name_source: cluster.name_source,
            task_definitions: snapshot.task_definitions(),
            cluster_capacity_providers: &cluster.capacity_providers,
            capacity_providers: snapshot.capacity_providers(),
            default_capacity_provider_strategy: &cluster.default_capacity_provider_strategy,
            container_instance_count: snapshot.instances().len(),
        }
    }
}

/// A RunTask call that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementRequest {
    /// The task definition revision to run.
    pub task_definition: TaskDefinition,
    /// How many tasks (1..=10).
    pub count: u32,
    /// The task group (`family:<family>` by default).
    pub group: String,
    /// Where the tasks go: a launch type or a provider strategy.
    pub capacity: Capacity,
    /// The task definition's constraints, then the call's.
    pub constraints: Vec<Constraint>,
    /// The strategies in order; `[Random]` when the call gives none and tasks go to instances,
    /// empty for Fargate.
    pub strategies: Vec<Strategy>,
    /// What one task reserves.
    pub demand: TaskDemand,
    /// The call's shared members (tags, overrides, ...).
    pub common: CommonMembers,
    /// The idempotency token.
    pub client_token: Option<String>,
    /// The Fargate platform version.
    pub platform_version: Option<String>,
}

/// A StartTask call that passed every check: one task per named instance.
#[derive(Debug, Clone, PartialEq)]
pub struct StartPlacementRequest {
    /// The task definition revision to run.
    pub task_definition: TaskDefinition,
    /// The instances, by ARN or id, as given (1..=10).
    pub container_instances: Vec<String>,
    /// The task group (`family:<family>` by default).
    pub group: String,
    /// What one task reserves.
    pub demand: TaskDemand,
    /// The call's shared members (tags, overrides, ...).
    pub common: CommonMembers,
}

/// The members RunTask and StartTask share that placement carries through to the response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommonMembers {
    /// Who started the task.
    pub started_by: Option<String>,
    /// The task's tags.
    pub tags: Vec<Tag>,
    /// The overrides, as given.
    pub overrides: Option<TaskOverride>,
    /// The reference id.
    pub reference_id: Option<String>,
    /// Where tags come from (never `SERVICE`).
    pub propagate_tags: Option<PropagateTags>,
    /// Whether ECS Exec is on.
    pub enable_execute_command: bool,
    /// Whether ECS adds its managed tags.
    pub enable_ecs_managed_tags: bool,
    /// The awsvpc settings.
    pub network_configuration: Option<NetworkConfiguration>,
}

/// The members both calls carry, borrowed from either request.
struct SharedRequest<'r> {
    cluster: Option<&'r str>,
    task_definition: Option<&'r str>,
    group: Option<&'r str>,
    started_by: Option<&'r str>,
    reference_id: Option<&'r str>,
    propagate_tags: Option<&'r PropagateTags>,
    tags: Option<&'r [Tag]>,
    overrides: Option<&'r TaskOverride>,
    network_configuration: Option<&'r NetworkConfiguration>,
    enable_execute_command: Option<bool>,
    enable_ecs_managed_tags: Option<bool>,
}

impl<'r> SharedRequest<'r> {
    fn of_run_task(request: &'r RunTaskRequest) -> Self {
        Self {
            cluster: request.cluster.as_deref(),
            task_definition: request.task_definition.as_deref(),
            group: request.group.as_deref(),
            started_by: request.started_by.as_deref(),
            reference_id: request.reference_id.as_deref(),
            propagate_tags: request.propagate_tags.as_ref(),
            tags: request.tags.as_deref(),
            overrides: request.overrides.as_ref(),
            network_configuration: request.network_configuration.as_ref(),
            enable_execute_command: request.enable_execute_command,
            enable_ecs_managed_tags: request.enable_ecs_managed_tags,
        }
    }

    fn of_start_task(request: &'r StartTaskRequest) -> Self {
        Self {
            cluster: request.cluster.as_deref(),
            task_definition: request.task_definition.as_deref(),
            group: request.group.as_deref(),
            started_by: request.started_by.as_deref(),
            reference_id: request.reference_id.as_deref(),
            propagate_tags: request.propagate_tags.as_ref(),
            tags: request.tags.as_deref(),
            overrides: request.overrides.as_ref(),
            network_configuration: request.network_configuration.as_ref(),
            enable_execute_command: request.enable_execute_command,
            enable_ecs_managed_tags: request.enable_ecs_managed_tags,
        }
    }

    /// Steps 2–4 of the module's order: the shared members judged alone.
    fn check_alone(&self) -> Result<(), EcsError> {
        limits::check_group(self.group)?;
        limits::check_started_by(self.started_by)?;
        limits::check_reference_id(self.reference_id)?;
        limits::check_propagate_tags(self.propagate_tags)?;
        tags::check_tags(self.tags.unwrap_or_default())?;
        limits::check_overrides(self.overrides)
    }

    fn common(&self) -> CommonMembers {
        CommonMembers {
            started_by: self.started_by.map(str::to_owned),
            tags: self.tags.map(<[Tag]>::to_vec).unwrap_or_default(),
            overrides: self.overrides.cloned(),
            reference_id: self.reference_id.map(str::to_owned),
            propagate_tags: self.propagate_tags.cloned(),
            enable_execute_command: self.enable_execute_command.unwrap_or(false),
            enable_ecs_managed_tags: self.enable_ecs_managed_tags.unwrap_or(false),
            network_configuration: self.network_configuration.cloned(),
        }
    }
}

/// Checks a RunTask call against every ECS rule and resolves it for placement.
///
/// The checks run in the order given in the [module documentation](self); the first failure is
/// returned.
pub fn validate_run_task(
    request: &RunTaskRequest,
    ctx: &ValidationContext<'_>,
) -> Result<PlacementRequest, EcsError> {
    let shared = SharedRequest::of_run_task(request);
    let count = limits::check_count(request.count)?;
    limits::check_client_token(request.client_token.as_deref())?;
    shared.check_alone()?;
    let call_constraints =
        constraints::check_call_constraints(request.placement_constraints.as_deref())?;
    let call_strategies = strategies::check_strategies(request.placement_strategy.as_deref())?;

    limits::check_cluster(shared.cluster, ctx)?;
    let definition = task_definition::resolve(shared.task_definition, ctx.task_definitions)?;
    let constraints = constraints::join(definition, call_constraints)?;
    limits::check_override_names(shared.overrides, definition)?;
    let capacity = capacity::resolve(
        request.launch_type.as_ref(),
        request.capacity_provider_strategy.as_deref(),
        ctx,
    )?;
    let fargate = capacity::is_fargate(&capacity, ctx);
    constraints::check_not_fargate(&constraints, fargate)?;
    strategies::check_not_fargate(&call_strategies, fargate)?;
    limits::check_platform_version(request.platform_version.as_deref(), fargate)?;
    networking::check(shared.network_configuration, definition)?;
    let demand = task_demand(definition, shared.overrides)?;
    capacity::check_instances_exist(&capacity, ctx)?;

    Ok(PlacementRequest {
        task_definition: definition.clone(),
        count,
        group: limits::group_or_default(shared.group, definition),
        strategies: strategies::with_default(call_strategies, fargate),
        capacity,
        constraints,
        demand,
        common: shared.common(),
        client_token: request.client_token.clone(),
        platform_version: request.platform_version.clone(),
    })
}

/// Checks a StartTask call and resolves it for placement on the named instances.
///
/// The order is that of [`validate_run_task`] without the members StartTask does not have, with
/// `containerInstances` checked where `count` is for RunTask.
pub fn validate_start_task(
    request: &StartTaskRequest,
    ctx: &ValidationContext<'_>,
) -> Result<StartPlacementRequest, EcsError> {
    let shared = SharedRequest::of_start_task(request);
    let container_instances =
        limits::check_container_instances(request.container_instances.as_deref())?;
    shared.check_alone()?;

    limits::check_cluster(shared.cluster, ctx)?;
    let definition = task_definition::resolve(shared.task_definition, ctx.task_definitions)?;
    limits::check_override_names(shared.overrides, definition)?;
    networking::check(shared.network_configuration, definition)?;
    let demand = task_demand(definition, shared.overrides)?;

    Ok(StartPlacementRequest {
        task_definition: definition.clone(),
        container_instances,
        group: limits::group_or_default(shared.group, definition),
        demand,
        common: shared.common(),
    })
}
