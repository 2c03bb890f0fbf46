//! `networkConfiguration` against the task definition's network mode (spec §6.1).
//!
//! * `awsvpc` needs `awsvpcConfiguration` with at least one subnet;
//! * any other mode takes none;
//! * at most 16 subnets and 5 security groups.
//!
//! That the subnets and groups share one VPC cannot be judged offline and is not checked.

use crate::aws::{NetworkConfiguration, NetworkMode, TaskDefinition};
use crate::error::EcsError;

/// Most subnets in `awsvpcConfiguration`.
pub const MAX_SUBNETS: usize = 16;
/// Most security groups in `awsvpcConfiguration`.
pub const MAX_SECURITY_GROUPS: usize = 5;

/// Checks the call's network configuration against the definition's network mode.
pub fn check(
    configuration: Option<&NetworkConfiguration>,
    definition: &TaskDefinition,
) -> Result<(), EcsError> {
    let awsvpc = configuration.and_then(|c| c.awsvpc_configuration.as_ref());
    let is_awsvpc = definition.network_mode == Some(NetworkMode::Awsvpc);
    let Some(awsvpc) = awsvpc else {
        if is_awsvpc {
            return Err(EcsError::invalid_parameter(
                "networkConfiguration.awsvpcConfiguration is required for a task definition with network mode awsvpc",
            ));
        }
        return Ok(());
    };
    if !is_awsvpc {
        let mode = definition
            .network_mode
            .as_ref()
            .map_or("bridge", NetworkMode::as_str);
        return Err(EcsError::invalid_parameter(format!(
            "networkConfiguration.awsvpcConfiguration is only for network mode awsvpc; the task definition uses {mode}"
        )));
    }
    let subnets = awsvpc.subnets.as_deref().unwrap_or_default();
    if subnets.is_empty() || subnets.len() > MAX_SUBNETS {
        return Err(EcsError::invalid_parameter(format!(
            "networkConfiguration.awsvpcConfiguration.subnets must hold 1 to {MAX_SUBNETS} subnets, got {}",
            subnets.len()
        )));
    }
    let groups = awsvpc.security_groups.as_deref().unwrap_or_default();
    if groups.len() > MAX_SECURITY_GROUPS {
        return Err(EcsError::invalid_parameter(format!(
            "networkConfiguration.awsvpcConfiguration.securityGroups may hold at most {MAX_SECURITY_GROUPS} groups, got {}",
            groups.len()
        )));
    }
    Ok(())
}
