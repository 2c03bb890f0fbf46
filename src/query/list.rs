//! `ListContainerInstances`: the instances of a snapshot that pass a status filter and a query
//! filter, in snapshot order (spec section 8).

use crate::EcsError;
use crate::aws::{ContainerInstanceStatus, ListContainerInstancesResponse};
use crate::model::Snapshot;

use super::Expression;

/// The ARNs of the instances whose status is `status` (by default every status but
/// `INACTIVE`) and that match `filter` (when given), in snapshot order.
///
/// `INACTIVE` and values the API does not define are not accepted as a status filter:
/// `InvalidParameterException`, as is a filter that does not parse. The whole list is one page.
///
/// ```
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder};
/// use ecs_placement::query::list_container_instances;
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).instance_type("m5.large"))
///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).instance_type("t3.small"))
///     .build()?;
/// let listed = list_container_instances(&snapshot, Some("attribute:ecs.instance-type =~ m5.*"), None)?;
/// assert_eq!(listed.container_instance_arns, [snapshot.instances()[0].arn.to_string()]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn list_container_instances(
    snapshot: &Snapshot,
    filter: Option<&str>,
    status: Option<&ContainerInstanceStatus>,
) -> Result<ListContainerInstancesResponse, EcsError> {
    if let Some(status) = status {
        check_status_filter(status)?;
    }
    let matching = match filter {
        Some(text) => Some(Expression::parse(text)?.compile(snapshot)?.filter(snapshot)),
        None => None,
    };
    let container_instance_arns = snapshot
        .instances()
        .iter()
        .enumerate()
        .filter(|(_, instance)| match status {
            Some(wanted) => instance.status == *wanted,
            None => instance.status != ContainerInstanceStatus::Inactive,
        })
        .filter(|(position, _)| matching.as_ref().is_none_or(|set| set.contains(*position)))
        .map(|(_, instance)| instance.arn.to_string())
        .collect();
    Ok(ListContainerInstancesResponse {
        container_instance_arns,
        next_token: None,
    })
}

fn check_status_filter(status: &ContainerInstanceStatus) -> Result<(), EcsError> {
    if status.is_known() && *status != ContainerInstanceStatus::Inactive {
        return Ok(());
    }
    let allowed: Vec<&str> = ContainerInstanceStatus::KNOWN
        .iter()
        .copied()
        .filter(|s| *s != "INACTIVE")
        .collect();
    Err(EcsError::invalid_parameter(format!(
        "status `{status}` is not a valid filter; use one of {}",
        allowed.join(", ")
    )))
}
