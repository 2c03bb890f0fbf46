//! Capacity split: which launch type or capacity provider each task of a call goes to, and
//! which instances that route may use (DECISIONS 35, 37–40).
//!
//! The split is computed before any placement, in task order: the first `min(base, count)`
//! tasks go to the provider with a base; each further task goes to the provider with weight
//! above 0 minimising `(tasks it got after its base + 1) / weight` (fractions compared exactly by
//! cross-multiplication), ties to the earlier item of the strategy.

use fixedbitset::FixedBitSet;

use crate::aws::LaunchType;
use crate::model::positions::add_positions;
use crate::model::{AttrNameId, Instance, Snapshot};

use super::inputs::{Capacity, ProviderShare, is_fargate_provider, validation_context};

/// The attribute ECS Anywhere instances carry.
pub const EXTERNAL_ATTRIBUTE: &str = "ecs.capability.external";

/// Where one task goes (serialized as `{"launchType": "EC2"}` or `{"provider": "NAME"}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Route {
    /// A launch type (`EC2`, `EXTERNAL`, `FARGATE`, ...).
    LaunchType(LaunchType),
    /// A capacity provider, by short name.
    Provider(String),
}

/// Which instances a route may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pool {
    /// No instance: Fargate places without one.
    Serverless,
    /// EC2 instances: those without the `ecs.capability.external` attribute.
    Ec2,
    /// ECS Anywhere instances: those with `ecs.capability.external`.
    External,
    /// Instances whose `capacityProviderName` is this provider.
    Provider(String),
    /// No instance can take the task (a launch type placement does not model, such as
    /// `MANAGED_INSTANCES`, which needs a provider strategy).
    Unsupported,
}

impl Route {
    /// The launch type reported for a task placed by this route.
    pub fn launch_type(&self, snapshot: &Snapshot) -> LaunchType {
        match self {
            Self::LaunchType(launch_type) => launch_type.clone(),
            Self::Provider(name) if is_fargate_provider(name, &validation_context(snapshot)) => {
                LaunchType::Fargate
            }
            Self::Provider(_) => LaunchType::Ec2,
        }
    }

    /// Whether a task of this route that no instance can take waits for capacity (returned
    /// `PROVISIONING`) instead of failing: an Auto Scaling group provider whose managed
    /// scaling is `ENABLED` (docs/SEMANTICS.md, "Waiting for capacity").
    pub fn waits_for_capacity(&self, snapshot: &Snapshot) -> bool {
        let Self::Provider(name) = self else {
            return false;
        };
        snapshot
            .capacity_providers()
            .iter()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| p.auto_scaling_group_provider.as_ref())
            .and_then(|group| group.get("managedScaling")?.get("status")?.as_str())
            == Some("ENABLED")
    }

    /// The capacity provider reported for a task placed by this route.
    pub fn capacity_provider(&self) -> Option<&str> {
        match self {
            Self::LaunchType(_) => None,
            Self::Provider(name) => Some(name),
        }
    }

    /// The ARN a route-level failure names (no instance of the pool to name): the
    /// provider's, else the cluster's.
    pub(crate) fn failure_arn(&self, snapshot: &Snapshot) -> String {
        let provider_arn = self.capacity_provider().and_then(|name| {
            snapshot
                .capacity_providers()
                .iter()
                .find(|p| p.name.as_deref() == Some(name))
                .and_then(|p| p.capacity_provider_arn.clone())
        });
        provider_arn.unwrap_or_else(|| snapshot.cluster().arn.clone())
    }

    /// The instances this route may use.
    pub fn pool(&self, snapshot: &Snapshot) -> Pool {
        match self {
            Self::LaunchType(LaunchType::Fargate) => Pool::Serverless,
            Self::LaunchType(LaunchType::Ec2) => Pool::Ec2,
            Self::LaunchType(LaunchType::External) => Pool::External,
            Self::LaunchType(LaunchType::ManagedInstances | LaunchType::Unknown(_)) => {
                Pool::Unsupported
            }
            Self::Provider(name) if is_fargate_provider(name, &validation_context(snapshot)) => {
                Pool::Serverless
            }
            Self::Provider(name) => Pool::Provider(name.clone()),
        }
    }
}

impl Pool {
    /// Whether the instance belongs to the pool (its status is judged elsewhere).
    pub fn contains(&self, snapshot: &Snapshot, instance: &Instance) -> bool {
        self.membership(snapshot).contains(instance)
    }

    /// The pool's instances as a set read from the attribute index, when membership depends
    /// only on the external attribute (`None` for a capacity provider's pool, whose membership
    /// is read from each instance); the same answer as [`Membership::contains`].
    pub(crate) fn static_set(&self, snapshot: &Snapshot) -> Option<FixedBitSet> {
        let count = snapshot.instances().len();
        let mut external = FixedBitSet::with_capacity(count);
        if let Some(name) = snapshot.attribute_name_id(EXTERNAL_ATTRIBUTE) {
            for positions in snapshot.attribute_postings(name).values() {
                add_positions(&mut external, positions.iter().copied());
            }
        }
        match self {
            Self::Serverless | Self::Unsupported => Some(FixedBitSet::with_capacity(count)),
            Self::Ec2 => {
                external.toggle_range(..);
                Some(external)
            }
            Self::External => Some(external),
            Self::Provider(_) => None,
        }
    }

    /// The pool with its attribute resolved, to test many instances.
    pub fn membership<'p>(&'p self, snapshot: &Snapshot) -> Membership<'p> {
        Membership {
            pool: self,
            external: snapshot.attribute_name_id(EXTERNAL_ATTRIBUTE),
        }
    }
}

/// A pool ready to test instances: the external attribute's id looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Membership<'p> {
    pool: &'p Pool,
    external: Option<AttrNameId>,
}

impl Membership<'_> {
    /// Whether the instance belongs to the pool (its status is judged elsewhere).
    pub fn contains(&self, instance: &Instance) -> bool {
        let external = || {
            self.external
                .is_some_and(|id| instance.attribute(id).is_some())
        };
        match self.pool {
            Pool::Serverless | Pool::Unsupported => false,
            Pool::Ec2 => !external(),
            Pool::External => external(),
            Pool::Provider(name) => instance.capacity_provider_name.as_deref() == Some(name),
        }
    }
}

/// The route of each task of a call, in placement order.
pub fn assign(capacity: &Capacity, count: u32) -> Vec<Route> {
    match capacity {
        Capacity::LaunchType(launch_type) => {
            vec![Route::LaunchType(launch_type.clone()); count as usize]
        }
        Capacity::Providers(shares) => split(shares, count)
            .into_iter()
            .filter_map(|index| shares.get(index))
            .map(|share| Route::Provider(share.name.clone()))
            .collect(),
    }
}

/// The index (into `shares`) of the provider each task goes to, in task order. Fewer than
/// `count` entries only when no provider has a weight above 0 (validation rejects that).
pub fn split(shares: &[ProviderShare], count: u32) -> Vec<usize> {
    let mut order = Vec::with_capacity(count as usize);
    let based = shares.iter().position(|s| s.base > 0);
    if let Some(index) = based {
        let base_tasks = shares[index].base.min(count);
        order.extend(std::iter::repeat_n(index, base_tasks as usize));
    }
    let mut after_base = vec![0u64; shares.len()];
    while order.len() < count as usize {
        let Some(next) = next_weighted(shares, &after_base) else {
            break;
        };
        after_base[next] += 1;
        order.push(next);
    }
    order
}

/// The provider with weight > 0 minimising `(after_base + 1) / weight`, earliest on ties.
fn next_weighted(shares: &[ProviderShare], after_base: &[u64]) -> Option<usize> {
    let mut best: Option<(usize, u64, u64)> = None;
    for (index, share) in shares.iter().enumerate() {
        let weight = u64::from(share.weight);
        if weight == 0 {
            continue;
        }
        let numerator = after_base[index] + 1;
        let better = match best {
            None => true,
            // n/w < bn/bw  <=>  n*bw < bn*w (all positive; strict keeps the earlier on ties).
            Some((_, best_numerator, best_weight)) => {
                u128::from(numerator) * u128::from(best_weight)
                    < u128::from(best_numerator) * u128::from(weight)
            }
        };
        if better {
            best = Some((index, numerator, weight));
        }
    }
    best.map(|(index, _, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(name: &str, base: u32, weight: u32) -> ProviderShare {
        ProviderShare {
            name: name.to_owned(),
            base,
            weight,
        }
    }

    fn tally(order: &[usize], providers: usize) -> Vec<usize> {
        (0..providers)
            .map(|p| order.iter().filter(|&&i| i == p).count())
            .collect()
    }

    #[test]
    fn weights_one_to_four_give_one_in_five_to_a() {
        let order = split(&[share("A", 0, 1), share("B", 0, 4)], 10);
        assert_eq!(order, vec![1, 1, 1, 0, 1, 1, 1, 1, 0, 1]);
        assert_eq!(tally(&order, 2), vec![2, 8]);
    }

    #[test]
    fn base_two_then_one_to_three_gives_four_and_six() {
        let order = split(&[share("A", 2, 1), share("B", 0, 3)], 10);
        assert_eq!(&order[..2], &[0, 0]);
        assert_eq!(tally(&order, 2), vec![4, 6]);
    }

    #[test]
    fn base_with_weight_zero_gets_its_base_only() {
        let order = split(&[share("A", 3, 0), share("B", 0, 1)], 5);
        assert_eq!(order, vec![0, 0, 0, 1, 1]);
        let order = split(&[share("A", 3, 0), share("B", 0, 1)], 2);
        assert_eq!(order, vec![0, 0]);
    }

    #[test]
    fn equal_weights_alternate_from_the_first() {
        let order = split(&[share("A", 0, 1), share("B", 0, 1)], 3);
        assert_eq!(order, vec![0, 1, 0]);
    }

    #[test]
    fn no_weight_places_nothing_after_the_base() {
        assert_eq!(split(&[share("A", 1, 0)], 3), vec![0]);
    }

    #[test]
    fn launch_type_routes_every_task() {
        let routes = assign(&Capacity::LaunchType(LaunchType::Ec2), 3);
        assert_eq!(routes, vec![Route::LaunchType(LaunchType::Ec2); 3]);
    }
}
