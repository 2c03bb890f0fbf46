//! Where the tasks of a call go: a launch type, or a capacity provider strategy (the call's or
//! the cluster's default), checked by the rules of spec §5 in the order of DECISIONS 36.
//!
//! Order of the checks:
//! 1. `launchType` together with a non-empty `capacityProviderStrategy`;
//! 2. the `launchType` value itself (known; not `MANAGED_INSTANCES`, which ECS only reaches
//!    through a provider);
//! 3. for the strategy in use (the call's, else the cluster default, else `EC2` per
//!    DECISIONS 40), the six rules of DECISIONS 36: providers associated with the cluster, no
//!    mix of Auto Scaling group and Fargate providers, at most one base, some weight above 0
//!    (a single provider too), at most 20 items;
//! 4. then the item ranges (weight 0..=1000, base 0..=100000), no provider twice, and a
//!    described provider must be `ACTIVE`.
//!
//! The messages of spec §5.2 are used verbatim where one was observed; the weight message was
//! observed for a cluster default strategy only, so a call's own strategy gets our own wording.

use crate::aws::{
    CapacityProvider, CapacityProviderStatus, CapacityProviderStrategyItem, CapacityProviderType,
    LaunchType,
};
use crate::error::EcsError;

use super::ValidationContext;

/// Most items in a capacity provider strategy.
pub const MAX_PROVIDERS: usize = 20;
/// Highest weight.
pub const MAX_WEIGHT: i64 = 1000;
/// Highest base.
pub const MAX_BASE: i64 = 100_000;

const BOTH_GIVEN: &str = "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.";
const NOT_ASSOCIATED: &str = "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.";
const MIXED: &str = "A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.";
const DEFAULT_NO_WEIGHT: &str = "There are no capacity providers with a weight value greater than zero defined in the default capacity provider strategy. At least one capacity provider must have a weight value greater than zero specified. Update the cluster's default capacity provider strategy or specify a valid capacity provider strategy and try again.";
const NO_INSTANCES: &str = "No Container Instances were found in your cluster.";

/// Where the tasks of a call go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capacity {
    /// Every task with this launch type.
    LaunchType(LaunchType),
    /// Tasks split over providers: base first, then by weight.
    Providers(Vec<ProviderShare>),
}

/// One checked item of a capacity provider strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderShare {
    /// The provider's short name.
    pub name: String,
    /// Tasks this provider gets first (0..=100000).
    pub base: u32,
    /// Its share of the rest (0..=1000).
    pub weight: u32,
}

/// Which strategy is being checked, for the wording of the weight message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrategySource {
    Call,
    ClusterDefault,
}

/// Resolves and checks the capacity choice of a call.
pub fn resolve(
    launch_type: Option<&LaunchType>,
    strategy: Option<&[CapacityProviderStrategyItem]>,
    ctx: &ValidationContext<'_>,
) -> Result<Capacity, EcsError> {
    let strategy = strategy.unwrap_or_default();
    if launch_type.is_some() && !strategy.is_empty() {
        return Err(EcsError::invalid_parameter(BOTH_GIVEN));
    }
    if let Some(launch_type) = launch_type {
        return check_launch_type(launch_type).map(Capacity::LaunchType);
    }
    if !strategy.is_empty() {
        return check_strategy(strategy, StrategySource::Call, ctx).map(Capacity::Providers);
    }
    if !ctx.default_capacity_provider_strategy.is_empty() {
        return check_strategy(
            ctx.default_capacity_provider_strategy,
            StrategySource::ClusterDefault,
            ctx,
        )
        .map(Capacity::Providers);
    }
    Ok(Capacity::LaunchType(LaunchType::Ec2))
}

fn check_launch_type(launch_type: &LaunchType) -> Result<LaunchType, EcsError> {
    match launch_type {
        LaunchType::Ec2 | LaunchType::Fargate | LaunchType::External => Ok(launch_type.clone()),
        LaunchType::ManagedInstances => Err(EcsError::invalid_parameter(
            "launchType MANAGED_INSTANCES is not accepted; ECS Managed Instances are used through capacityProviderStrategy",
        )),
        LaunchType::Unknown(other) => Err(EcsError::invalid_parameter(format!(
            "launchType {other:?} is not one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES"
        ))),
    }
}

fn check_strategy(
    items: &[CapacityProviderStrategyItem],
    source: StrategySource,
    ctx: &ValidationContext<'_>,
) -> Result<Vec<ProviderShare>, EcsError> {
    let field = match source {
        StrategySource::Call => "capacityProviderStrategy",
        StrategySource::ClusterDefault => "the cluster's defaultCapacityProviderStrategy",
    };
    let associated = |item: &CapacityProviderStrategyItem| {
        ctx.cluster_capacity_providers
            .contains(&item.capacity_provider)
    };
    if !items.iter().all(associated) {
        return Err(EcsError::invalid_parameter(NOT_ASSOCIATED));
    }
    let fargate = items
        .iter()
        .filter(|i| is_fargate_provider(&i.capacity_provider, ctx));
    let fargate_count = fargate.count();
    if fargate_count > 0 && fargate_count < items.len() {
        return Err(EcsError::invalid_parameter(MIXED));
    }
    let with_base: Vec<&str> = items
        .iter()
        .filter(|i| i.base.unwrap_or(0) > 0)
        .map(|i| i.capacity_provider.as_str())
        .collect();
    if with_base.len() > 1 {
        return Err(EcsError::invalid_parameter(format!(
            "{field}: only one capacity provider may have a base, but {with_base:?} do"
        )));
    }
    if !items.iter().any(|i| i.weight.unwrap_or(0) > 0) {
        return Err(EcsError::invalid_parameter(match source {
            StrategySource::ClusterDefault => DEFAULT_NO_WEIGHT.to_owned(),
            StrategySource::Call => format!(
                "{field}: no capacity provider has a weight above 0; give at least one a weight of 1 or more"
            ),
        }));
    }
    if items.len() > MAX_PROVIDERS {
        return Err(EcsError::invalid_parameter(format!(
            "{field} may hold at most {MAX_PROVIDERS} capacity providers, got {}",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| check_item(field, index, item, items, ctx))
        .collect()
}

fn check_item(
    field: &str,
    index: usize,
    item: &CapacityProviderStrategyItem,
    items: &[CapacityProviderStrategyItem],
    ctx: &ValidationContext<'_>,
) -> Result<ProviderShare, EcsError> {
    let name = &item.capacity_provider;
    let weight = in_range(field, index, "weight", item.weight.unwrap_or(0), MAX_WEIGHT)?;
    let base = in_range(field, index, "base", item.base.unwrap_or(0), MAX_BASE)?;
    if items[..index]
        .iter()
        .any(|earlier| earlier.capacity_provider == *name)
    {
        return Err(EcsError::invalid_parameter(format!(
            "{field}[{index}].capacityProvider {name:?} appears more than once"
        )));
    }
    if let Some(status) = description(name, ctx).and_then(|d| d.status.as_ref())
        && *status != CapacityProviderStatus::Active
    {
        return Err(EcsError::invalid_parameter(format!(
            "{field}[{index}].capacityProvider {name:?} has status {status}; only ACTIVE providers can be used"
        )));
    }
    Ok(ProviderShare {
        name: name.clone(),
        base,
        weight,
    })
}

fn in_range(
    field: &str,
    index: usize,
    member: &str,
    value: i64,
    max: i64,
) -> Result<u32, EcsError> {
    if !(0..=max).contains(&value) {
        return Err(EcsError::invalid_parameter(format!(
            "{field}[{index}].{member} must be between 0 and {max}, got {value}"
        )));
    }
    u32::try_from(value).map_err(|_| {
        EcsError::invalid_parameter(format!("{field}[{index}].{member} {value} is out of range"))
    })
}

fn description<'a>(name: &str, ctx: &ValidationContext<'a>) -> Option<&'a CapacityProvider> {
    ctx.capacity_providers
        .iter()
        .find(|p| p.name.as_deref() == Some(name))
}

/// Whether a provider is one of the Fargate ones: by its reserved name `FARGATE` or
/// `FARGATE_SPOT`, or by the type its description gives.
pub fn is_fargate_provider(name: &str, ctx: &ValidationContext<'_>) -> bool {
    if name == "FARGATE" || name == "FARGATE_SPOT" {
        return true;
    }
    description(name, ctx).is_some_and(|d| {
        matches!(
            d.kind,
            Some(CapacityProviderType::Fargate | CapacityProviderType::FargateSpot)
        )
    })
}

/// Whether the tasks go to Fargate (and so take no container instance).
pub fn is_fargate(capacity: &Capacity, ctx: &ValidationContext<'_>) -> bool {
    match capacity {
        Capacity::LaunchType(launch_type) => *launch_type == LaunchType::Fargate,
        Capacity::Providers(shares) => {
            !shares.is_empty() && shares.iter().all(|s| is_fargate_provider(&s.name, ctx))
        }
    }
}

/// A launch type that places on container instances (EC2, EXTERNAL) on a cluster with none is
/// rejected with the observed message (DECISIONS 43). Provider strategies are not: their empty
/// capacity is a placement failure (DECISIONS 39), as the provider would scale out in ECS.
pub fn check_instances_exist(
    capacity: &Capacity,
    ctx: &ValidationContext<'_>,
) -> Result<(), EcsError> {
    let on_instances = matches!(
        capacity,
        Capacity::LaunchType(LaunchType::Ec2 | LaunchType::External)
    );
    if on_instances && ctx.container_instance_count == 0 {
        return Err(EcsError::invalid_parameter(NO_INSTANCES));
    }
    Ok(())
}
