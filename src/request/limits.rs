//! The scalar members of a call and their limits: `count`, `group`, `startedBy`, `referenceId`,
//! `clientToken`, `propagateTags`, `platformVersion`, `overrides`, `containerInstances`, and
//! which cluster the call is for.
//!
//! Lengths are counted in characters (Unicode scalar values), as the API documents them.

use crate::aws::{PropagateTags, TaskDefinition, TaskOverride};
use crate::error::EcsError;

use super::ValidationContext;

/// Most tasks one RunTask call may start.
pub const MAX_COUNT: i64 = 10;
/// Longest task group name.
pub const MAX_GROUP_CHARS: usize = 255;
/// Longest `startedBy`.
pub const MAX_STARTED_BY_CHARS: usize = 128;
/// Longest `referenceId`.
pub const MAX_REFERENCE_ID_CHARS: usize = 1024;
/// Longest `clientToken`.
pub const MAX_CLIENT_TOKEN_CHARS: usize = 64;
/// Longest JSON text of `overrides`.
pub const MAX_OVERRIDES_CHARS: usize = 8192;
/// Most container instances one StartTask call may name.
pub const MAX_CONTAINER_INSTANCES: usize = 10;
/// The cluster a call without `cluster` is for.
pub const DEFAULT_CLUSTER: &str = "default";

/// `count`: 1 when absent, else 1..=10 (DECISIONS 41; the message is ours, none was observed).
pub fn check_count(count: Option<i64>) -> Result<u32, EcsError> {
    let count = count.unwrap_or(1);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(EcsError::invalid_parameter(format!(
            "count must be between 1 and {MAX_COUNT}, got {count}"
        )));
    }
    u32::try_from(count)
        .map_err(|_| EcsError::invalid_parameter(format!("count {count} is out of range")))
}

/// `group`: 1..=255 characters when given; no charset rule exists in the model.
pub fn check_group(group: Option<&str>) -> Result<(), EcsError> {
    let Some(group) = group else { return Ok(()) };
    let chars = group.chars().count();
    if chars == 0 || chars > MAX_GROUP_CHARS {
        return Err(EcsError::invalid_parameter(format!(
            "group must be 1 to {MAX_GROUP_CHARS} characters, got {chars}: {}",
            preview(group)
        )));
    }
    Ok(())
}

/// The task group: the call's, else `family:<family>`.
pub fn group_or_default(group: Option<&str>, definition: &TaskDefinition) -> String {
    match group {
        Some(group) => group.to_owned(),
        None => format!(
            "family:{}",
            definition.family.as_deref().unwrap_or_default()
        ),
    }
}

/// `startedBy`: up to 128 ASCII letters, digits, `-`, `/` and `_`.
pub fn check_started_by(started_by: Option<&str>) -> Result<(), EcsError> {
    let Some(started_by) = started_by else {
        return Ok(());
    };
    let chars = started_by.chars().count();
    if chars > MAX_STARTED_BY_CHARS {
        return Err(EcsError::invalid_parameter(format!(
            "startedBy must be at most {MAX_STARTED_BY_CHARS} characters, got {chars}: {}",
            preview(started_by)
        )));
    }
    if let Some(bad) = started_by
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_')))
    {
        return Err(EcsError::invalid_parameter(format!(
            "startedBy {:?} contains {bad:?}; only letters, digits, '-', '/' and '_' are allowed",
            preview(started_by)
        )));
    }
    Ok(())
}

/// `referenceId`: at most 1024 characters.
pub fn check_reference_id(reference_id: Option<&str>) -> Result<(), EcsError> {
    let Some(reference_id) = reference_id else {
        return Ok(());
    };
    let chars = reference_id.chars().count();
    if chars > MAX_REFERENCE_ID_CHARS {
        return Err(EcsError::invalid_parameter(format!(
            "referenceId must be at most {MAX_REFERENCE_ID_CHARS} characters, got {chars}: {}",
            preview(reference_id)
        )));
    }
    Ok(())
}

/// `clientToken`: at most 64 characters, each in the range 33..=126 (printable ASCII, no space).
///
/// Reuse of a token with other parameters (`ConflictException`) needs the history of earlier
/// calls, which a snapshot does not hold; it is not checked here.
pub fn check_client_token(token: Option<&str>) -> Result<(), EcsError> {
    let Some(token) = token else { return Ok(()) };
    let chars = token.chars().count();
    if chars > MAX_CLIENT_TOKEN_CHARS {
        return Err(EcsError::invalid_parameter(format!(
            "clientToken must be at most {MAX_CLIENT_TOKEN_CHARS} characters, got {chars}: {}",
            preview(token)
        )));
    }
    if let Some(bad) = token.chars().find(|c| !('!'..='~').contains(c)) {
        return Err(EcsError::invalid_parameter(format!(
            "clientToken {:?} contains {bad:?}; only characters 33 to 126 are allowed",
            preview(token)
        )));
    }
    Ok(())
}

/// `propagateTags`: `SERVICE` is for services only; unknown values are rejected.
pub fn check_propagate_tags(propagate: Option<&PropagateTags>) -> Result<(), EcsError> {
    match propagate {
        None | Some(PropagateTags::TaskDefinition | PropagateTags::None) => Ok(()),
        Some(PropagateTags::Service) => Err(EcsError::invalid_parameter(
            "propagateTags SERVICE is only valid for tasks of a service, not for a task run on its own",
        )),
        Some(PropagateTags::Unknown(other)) => Err(EcsError::invalid_parameter(format!(
            "propagateTags {other:?} is not one of TASK_DEFINITION, SERVICE, NONE"
        ))),
    }
}

/// `platformVersion` is a Fargate setting; on instances it has no meaning.
pub fn check_platform_version(version: Option<&str>, fargate: bool) -> Result<(), EcsError> {
    match version {
        Some(version) if !fargate => Err(EcsError::invalid_parameter(format!(
            "platformVersion {version:?} can only be given for tasks on Fargate"
        ))),
        _ => Ok(()),
    }
}

/// `overrides`: every container override that sets something names its container, and the
/// whole structure is at most 8192 characters of JSON (the observed message is used verbatim).
pub fn check_overrides(overrides: Option<&TaskOverride>) -> Result<(), EcsError> {
    let Some(overrides) = overrides else {
        return Ok(());
    };
    let container_overrides = overrides.container_overrides.as_deref().unwrap_or_default();
    for (index, container_override) in container_overrides.iter().enumerate() {
        let sets_something = serde_json::to_value(container_override)
            .map(|value| value.as_object().is_some_and(|members| !members.is_empty()))
            .unwrap_or(true);
        let named = container_override
            .name
            .as_deref()
            .is_some_and(|n| !n.is_empty());
        if sets_something && !named {
            return Err(EcsError::invalid_parameter(format!(
                "overrides.containerOverrides[{index}] sets values but has no name"
            )));
        }
    }
    let json = serde_json::to_string(overrides).map_err(|error| {
        EcsError::invalid_parameter(format!("overrides cannot be written as JSON: {error}"))
    })?;
    if json.chars().count() > MAX_OVERRIDES_CHARS {
        return Err(EcsError::invalid_parameter(
            "Container Overrides length must be at most 8192",
        ));
    }
    Ok(())
}

/// Every container override names a container of the task definition.
pub fn check_override_names(
    overrides: Option<&TaskOverride>,
    definition: &TaskDefinition,
) -> Result<(), EcsError> {
    let container_overrides = overrides
        .and_then(|o| o.container_overrides.as_deref())
        .unwrap_or_default();
    let containers = definition
        .container_definitions
        .as_deref()
        .unwrap_or_default();
    for (index, container_override) in container_overrides.iter().enumerate() {
        let Some(name) = container_override.name.as_deref() else {
            continue;
        };
        if !containers.iter().any(|c| c.name.as_deref() == Some(name)) {
            return Err(EcsError::invalid_parameter(format!(
                "overrides.containerOverrides[{index}] names container {name:?}, which task definition {:?} does not have",
                definition.family.as_deref().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// The call's `cluster` (short name or ARN; `default` when absent) must be the snapshot's.
pub fn check_cluster(cluster: Option<&str>, ctx: &ValidationContext<'_>) -> Result<(), EcsError> {
    let asked = cluster.unwrap_or(DEFAULT_CLUSTER);
    if asked == ctx.cluster_name || asked == ctx.cluster_arn {
        return Ok(());
    }
    let mut message = format!(
        "cluster {asked:?} not found; the snapshot holds cluster {:?} ({})",
        ctx.cluster_name,
        ctx.cluster_name_source.describe()
    );
    if ctx.cluster_name_source == crate::model::ClusterNameSource::Default {
        message.push_str(&format!(
            "; add \"cluster\": {{\"clusterName\": {asked:?}}} to the snapshot to name it"
        ));
    }
    Err(EcsError::cluster_not_found(message))
}

/// StartTask's `containerInstances`: required, 1..=10 entries, none empty.
pub fn check_container_instances(instances: Option<&[String]>) -> Result<Vec<String>, EcsError> {
    let instances = instances.unwrap_or_default();
    if instances.is_empty() || instances.len() > MAX_CONTAINER_INSTANCES {
        return Err(EcsError::invalid_parameter(format!(
            "containerInstances must name 1 to {MAX_CONTAINER_INSTANCES} container instances, got {}",
            instances.len()
        )));
    }
    if let Some(index) = instances.iter().position(|i| i.trim().is_empty()) {
        return Err(EcsError::invalid_parameter(format!(
            "containerInstances[{index}] is empty; give an instance ARN or id"
        )));
    }
    Ok(instances.to_vec())
}

/// A value short enough to quote in a message: long inputs are cut to their first 64 characters.
pub(crate) fn preview(text: &str) -> String {
    const KEEP: usize = 64;
    if text.chars().count() <= KEEP {
        return text.to_owned();
    }
    let head: String = text.chars().take(KEEP).collect();
    format!("{head}...")
}
