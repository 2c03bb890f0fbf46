//! The cluster a snapshot describes: its name and ARN (given, or derived from the instances'
//! ARNs), its capacity providers and default strategy.

use crate::aws::{CapacityProviderStrategyItem, Cluster, ContainerInstance};

/// Region used when no ARN in the snapshot names one.
pub const FALLBACK_REGION: &str = "us-east-1";
/// Account used when no ARN in the snapshot names one.
pub const FALLBACK_ACCOUNT: &str = "000000000000";

/// The parts of an ECS ARN placement needs: `arn:PARTITION:ecs:REGION:ACCOUNT:RESOURCE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts {
    /// `aws`, `aws-cn`, ...
    pub partition: String,
    /// The region.
    pub region: String,
    /// The account id.
    pub account: String,
    /// What follows the account, e.g. `container-instance/prod/0123`.
    pub resource: String,
}

impl ArnParts {
    /// Splits an ARN; `None` when it is not one.
    pub fn parse(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(_service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return None;
        };
        Some(Self {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }
}

/// What gave the snapshot's cluster its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterNameSource {
    /// The snapshot's `cluster.clusterName`.
    ClusterName,
    /// The snapshot's `cluster.clusterArn`.
    ClusterArn,
    /// The long-format instance ARNs (`container-instance/CLUSTER/ID`).
    InstanceArns,
    /// Nothing named it, so it is `default`, as ECS calls a cluster nobody names.
    Default,
}

impl ClusterNameSource {
    /// Where the name came from, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ClusterName => "from `cluster.clusterName`",
            Self::ClusterArn => "from `cluster.clusterArn`",
            Self::InstanceArns => "from the first long-format instance ARN",
            Self::Default => {
                "`default` because nothing names a cluster: no `cluster` member and no long-format \
                 instance ARN `...:container-instance/CLUSTER/ID`"
            }
        }
    }
}

/// The snapshot's cluster.
#[derive(Debug, Clone)]
pub struct ClusterInfo {
    /// The cluster's name.
    pub name: String,
    /// What gave it that name.
    pub name_source: ClusterNameSource,
    /// The cluster's ARN.
    pub arn: String,
    /// The partition of its ARN.
    pub partition: String,
    /// The region of its ARN.
    pub region: String,
    /// The account of its ARN.
    pub account: String,
    /// Capacity providers associated with the cluster.
    pub capacity_providers: Vec<String>,
    /// The cluster's default capacity provider strategy.
    pub default_capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    /// The cluster as the snapshot gave it.
    pub(crate) wire: Option<Cluster>,
}

impl ClusterInfo {
    /// Builds the cluster from the snapshot's `cluster` member, or derives it: the name from the
    /// first long-format instance ARN (`container-instance/CLUSTER/ID`; short-format ARNs name no
    /// cluster and are passed over), else `default`; the region and account from the first
    /// instance ARN. The loader then refuses an instance ARN that names another cluster.
    pub(crate) fn resolve(
        cluster: Option<Cluster>,
        instances: &[ContainerInstance],
        provider_names: Vec<String>,
    ) -> Self {
        let given_arn = cluster.as_ref().and_then(|c| c.cluster_arn.clone());
        let reference = given_arn
            .as_deref()
            .and_then(ArnParts::parse)
            .or_else(|| first_instance_arn(instances));
        let (partition, region, account) = match &reference {
            Some(parts) => (
                parts.partition.clone(),
                parts.region.clone(),
                parts.account.clone(),
            ),
            None => (
                "aws".to_owned(),
                FALLBACK_REGION.to_owned(),
                FALLBACK_ACCOUNT.to_owned(),
            ),
        };
        let (name, name_source) =
            if let Some(name) = cluster.as_ref().and_then(|c| c.cluster_name.clone()) {
                (name, ClusterNameSource::ClusterName)
            } else if let Some(arn) = given_arn.as_deref() {
                let name = arn.rsplit('/').next().unwrap_or(arn).to_owned();
                (name, ClusterNameSource::ClusterArn)
            } else if let Some(name) = instances
                .iter()
                .find_map(|i| instance_arn_cluster(i.container_instance_arn.as_deref()?))
            {
                (name.to_owned(), ClusterNameSource::InstanceArns)
            } else {
                ("default".to_owned(), ClusterNameSource::Default)
            };
        let arn = given_arn
            .unwrap_or_else(|| format!("arn:{partition}:ecs:{region}:{account}:cluster/{name}"));
        let capacity_providers = cluster
            .as_ref()
            .and_then(|c| c.capacity_providers.clone())
            .unwrap_or(provider_names);
        let default_capacity_provider_strategy = cluster
            .as_ref()
            .and_then(|c| c.default_capacity_provider_strategy.clone())
            .unwrap_or_default();
        Self {
            name,
            name_source,
            arn,
            partition,
            region,
            account,
            capacity_providers,
            default_capacity_provider_strategy,
            wire: cluster,
        }
    }

    /// Whether a call's `cluster` (a name or an ARN; absent means `default`) names this cluster.
    pub fn is_named_by(&self, cluster: Option<&str>) -> bool {
        let asked = cluster.unwrap_or("default");
        asked == self.name || asked == self.arn
    }

    /// The cluster in the API's shape.
    pub fn to_wire(&self) -> Cluster {
        let mut wire = self.wire.clone().unwrap_or_default();
        wire.cluster_name = Some(self.name.clone());
        wire.cluster_arn = Some(self.arn.clone());
        wire
    }
}

fn first_instance_arn(instances: &[ContainerInstance]) -> Option<ArnParts> {
    instances
        .iter()
        .filter_map(|i| i.container_instance_arn.as_deref())
        .find_map(ArnParts::parse)
}

/// The cluster a long-format container instance ARN names (`...:container-instance/CLUSTER/ID`);
/// `None` for a short-format ARN (`...:container-instance/ID`) or anything else.
pub fn instance_arn_cluster(arn: &str) -> Option<&str> {
    let (_, resource) = arn.split_once(":container-instance/")?;
    let (cluster, id) = resource.split_once('/')?;
    (!cluster.is_empty() && !id.is_empty() && !id.contains('/')).then_some(cluster)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(arn: &str) -> ContainerInstance {
        ContainerInstance {
            container_instance_arn: Some(arn.to_owned()),
            ..ContainerInstance::default()
        }
    }

    #[test]
    fn derives_name_and_arn_from_long_instance_arns() {
        let instances = [
            instance("arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/aaa"),
            instance("arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/bbb"),
        ];
        let info = ClusterInfo::resolve(None, &instances, vec![]);
        assert_eq!(info.name, "prod");
        assert_eq!(info.arn, "arn:aws:ecs:eu-west-1:111122223333:cluster/prod");
        assert!(info.is_named_by(Some("prod")));
        assert!(info.is_named_by(Some("arn:aws:ecs:eu-west-1:111122223333:cluster/prod")));
        assert!(!info.is_named_by(None));
    }

    #[test]
    fn short_instance_arns_mean_the_default_cluster() {
        let instances = [instance(
            "arn:aws:ecs:us-east-1:123:container-instance/ffe3d344",
        )];
        let info = ClusterInfo::resolve(None, &instances, vec!["FARGATE".into()]);
        assert_eq!(info.name, "default");
        assert_eq!(info.name_source, ClusterNameSource::Default);
        assert_eq!(info.arn, "arn:aws:ecs:us-east-1:123:cluster/default");
        assert_eq!(info.capacity_providers, vec!["FARGATE"]);
        assert!(info.is_named_by(None));
    }

    /// One short-format ARN among long ones named the cluster `default` before (issue 15).
    #[test]
    fn a_short_instance_arn_does_not_hide_the_long_ones_cluster() {
        let instances = [
            instance("arn:aws:ecs:us-east-1:123:container-instance/ffe3d344"),
            instance("arn:aws:ecs:us-east-1:123:container-instance/prod/aaa"),
        ];
        let info = ClusterInfo::resolve(None, &instances, vec![]);
        assert_eq!(info.name, "prod");
        assert_eq!(info.name_source, ClusterNameSource::InstanceArns);
    }

    #[test]
    fn instance_arns_name_their_cluster_in_the_long_format_only() {
        let long = "arn:aws:ecs:us-east-1:123:container-instance/prod/aaa";
        assert_eq!(instance_arn_cluster(long), Some("prod"));
        assert_eq!(
            instance_arn_cluster("arn:aws:ecs:us-east-1:123:container-instance/aaa"),
            None
        );
        assert_eq!(instance_arn_cluster("container-instance//aaa"), None);
        assert_eq!(instance_arn_cluster("i-0123"), None);
    }

    #[test]
    fn a_given_cluster_wins() {
        let cluster = Cluster {
            cluster_arn: Some("arn:aws:ecs:us-west-2:9:cluster/batch".into()),
            ..Cluster::default()
        };
        let info = ClusterInfo::resolve(Some(cluster), &[], vec![]);
        assert_eq!(
            (info.name.as_str(), info.region.as_str()),
            ("batch", "us-west-2")
        );
    }
}
