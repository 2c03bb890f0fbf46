//! Finding the task definition revision a call names: `family`, `family:revision`, or an ARN
//! with or without the revision.
//!
//! * Without a revision, the latest `ACTIVE` revision of the family is used (the API's words).
//! * With a revision, that revision is used only if it is `ACTIVE`. The API reference of
//!   `DeregisterTaskDefinition` says an `INACTIVE` revision cannot run new tasks; the
//!   "up to a 10-minute window" it mentions is a propagation delay a snapshot does not have.
//! * A revision without a status is taken as `ACTIVE` (snapshots often leave it out).
//! * Every miss is a `ClientException` naming what was asked, the exception ECS documents for
//!   *"an identifier that isn't valid"*; a missing `taskDefinition` is an
//!   `InvalidParameterException`, as for any required parameter.

use crate::aws::{TaskDefinition, TaskDefinitionStatus};
use crate::error::EcsError;

/// What the call asked for, taken apart.
struct Reference<'a> {
    /// The ARN up to and including the family (`arn:...:task-definition/web`), for an ARN.
    arn_without_revision: Option<&'a str>,
    family: &'a str,
    revision: Option<i64>,
}

/// Finds the revision `asked` names among `definitions`.
pub fn resolve<'d>(
    asked: Option<&str>,
    definitions: &'d [TaskDefinition],
) -> Result<&'d TaskDefinition, EcsError> {
    let asked = asked.unwrap_or_default();
    if asked.is_empty() {
        return Err(EcsError::invalid_parameter(
            "taskDefinition is required (family, family:revision or ARN)",
        ));
    }
    let reference = parse_reference(asked)?;
    let candidates = definitions
        .iter()
        .filter(|d| d.family.as_deref() == Some(reference.family))
        .filter(|d| same_arn(d, reference.arn_without_revision));
    match reference.revision {
        Some(revision) => explicit_revision(asked, candidates, revision),
        None => candidates
            .filter(|d| is_active(d))
            .max_by_key(|d| d.revision.unwrap_or(0))
            .ok_or_else(|| {
                EcsError::client(format!(
                    "taskDefinition {asked:?}: no ACTIVE revision of family {:?} is known",
                    reference.family
                ))
            }),
    }
}

fn explicit_revision<'d>(
    asked: &str,
    mut candidates: impl Iterator<Item = &'d TaskDefinition>,
    revision: i64,
) -> Result<&'d TaskDefinition, EcsError> {
    let found = candidates
        .find(|d| d.revision == Some(revision))
        .ok_or_else(|| EcsError::client(format!("taskDefinition {asked:?} not found")))?;
    if !is_active(found) {
        let status = found
            .status
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        return Err(EcsError::client(format!(
            "taskDefinition {asked:?} is {status}; only ACTIVE revisions can run new tasks"
        )));
    }
    Ok(found)
}

fn parse_reference(asked: &str) -> Result<Reference<'_>, EcsError> {
    let (arn_prefix, rest) = if asked.starts_with("arn:") {
        let at = asked.find(":task-definition/").ok_or_else(|| {
            EcsError::client(format!(
                "taskDefinition {asked:?} is not a task definition ARN"
            ))
        })?;
        let rest_start = at + ":task-definition/".len();
        (Some(asked), &asked[rest_start..])
    } else {
        (None, asked)
    };
    let (family, revision) = match rest.rsplit_once(':') {
        None => (rest, None),
        Some((family, revision)) => (family, Some(parse_revision(asked, revision)?)),
    };
    let arn_without_revision = arn_prefix.map(|arn| match revision {
        Some(_) => arn.rsplit_once(':').map_or(arn, |(base, _)| base),
        None => arn,
    });
    Ok(Reference {
        arn_without_revision,
        family,
        revision,
    })
}

fn parse_revision(asked: &str, revision: &str) -> Result<i64, EcsError> {
    match revision.parse::<i64>() {
        Ok(number) if number > 0 && revision.chars().all(|c| c.is_ascii_digit()) => Ok(number),
        _ => Err(EcsError::client(format!(
            "taskDefinition {asked:?}: revision {revision:?} is not a positive whole number"
        ))),
    }
}

/// For an ARN request, a revision that carries an ARN must have the same one (same region,
/// account and family); a revision without an ARN is matched by family alone.
fn same_arn(definition: &TaskDefinition, arn_without_revision: Option<&str>) -> bool {
    let (Some(wanted), Some(arn)) = (arn_without_revision, &definition.task_definition_arn) else {
        return true;
    };
    arn.rsplit_once(':').is_some_and(|(base, _)| base == wanted)
}

fn is_active(definition: &TaskDefinition) -> bool {
    matches!(definition.status, None | Some(TaskDefinitionStatus::Active))
}
