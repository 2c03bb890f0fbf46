//! The snapshot file as written, and how it is read: which members are refused, which are kept
//! as warnings.
//!
//! A snapshot file is `{"cluster", "containerInstances", "taskDefinitions", "tasks",
//! "capacityProviders", "capturedAt"}`. Its top-level keys are this crate's own, so an unknown one is an
//! error with the nearest key (`Tasks` loading as no tasks would answer every `task:group`
//! query wrongly). Inside, the members are the API's shapes, which real dumps fill with members
//! newer than the model: those load, and come back as [`UnknownMember`]s for `validate` to
//! show (or, with `--strict`, to refuse).

use serde::{Deserialize, Serialize};

use crate::aws::read::{self, ReadError};
use crate::aws::shapes::{self, Shape, Step, UnknownMember, display_path, shape_at};
use crate::aws::{
    CapacityProvider, Cluster, ContainerInstance, Failure, Task, TaskDefinition, Timestamp,
};
use crate::error::ExceptionName;

/// A snapshot file: what `ecs-place --cluster FILE` reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotFile {
    /// The cluster; derived from the instances when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    /// The container instances (required, may be empty).
    pub container_instances: Vec<ContainerInstance>,
    /// Task definition revisions.
    #[serde(default)]
    pub task_definitions: Vec<TaskDefinition>,
    /// Tasks.
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// Capacity provider descriptions.
    #[serde(default)]
    pub capacity_providers: Vec<CapacityProvider>,
    /// What the describe call could not describe: the `failures` of a
    /// `describe-container-instances` output, read so that output is a snapshot as it is. Must
    /// be empty: a failure is an instance the snapshot lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// When the state was captured from a live cluster (`python -m ecs_placement capture`
    /// writes it); information only: placement does not read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<Timestamp>,
}

/// The top-level keys that hold a value of this crate's, not an API shape.
const OWN_TOP_LEVEL: [&str; 1] = ["capturedAt"];

/// The top-level keys, and the API shape each holds (one, or a list of them).
const TOP_LEVEL: [(&str, &Shape); 5] = [
    ("cluster", &shapes::CLUSTER),
    ("containerInstances", &shapes::CONTAINER_INSTANCE),
    ("taskDefinitions", &shapes::TASK_DEFINITION),
    ("tasks", &shapes::TASK),
    ("capacityProviders", &shapes::CAPACITY_PROVIDER),
];

/// Keys that other AWS outputs hold at their top, with what to do instead (`jq -s add` over
/// several `describe-*` outputs gives them).
const OTHER_OUTPUTS: [(&str, &str); 4] = [
    (
        "taskDefinition",
        "a describe-task-definition output holds one definition under `taskDefinition`; put it in the `taskDefinitions` list",
    ),
    (
        "clusters",
        "a describe-clusters output lists clusters under `clusters`; put the one cluster under `cluster`",
    ),
    (
        "containerInstanceArns",
        "a list-container-instances output names instances without describing them; give the describe-container-instances output instead",
    ),
    (
        "taskArns",
        "a list-tasks output names tasks without describing them; give the describe-tasks output instead",
    ),
];

impl SnapshotFile {
    /// Reads a snapshot file from JSON text: an unknown top-level key or a value of the wrong
    /// type is an error naming its path; members the API model lacks inside the AWS shapes
    /// load, and are returned (in document order) for the caller to show.
    pub fn from_json(text: &str) -> Result<(Self, Vec<UnknownMember>), ReadError> {
        let mut unknown = Vec::new();
        let mut top_level = Vec::new();
        let mut wrapped_definitions = Vec::new();
        let file = read::document::<Self>(text, |steps| {
            classify(
                steps,
                &mut unknown,
                &mut top_level,
                &mut wrapped_definitions,
            );
        })?;
        if let Some(key) = top_level.first() {
            return Err(top_level_error(key, &top_level[1..]));
        }
        if let Some(index) = wrapped_definitions.first() {
            return Err(ReadError {
                exception: ExceptionName::ClientException,
                position: None,
                message: format!(
                    "taskDefinitions[{index}] is a whole describe-task-definition output \
                     ({{\"taskDefinition\": {{...}}, \"tags\": [...]}}); put the object under its \
                     `taskDefinition` member in the list instead (jq: '.taskDefinition')"
                ),
            });
        }
        Ok((file, unknown))
    }
}

/// Sorts one skipped member: a top-level key, a wrapped task definition, a member the model
/// lacks, or a member the model has and the crate does not read (fine, dropped).
fn classify(
    steps: &[Step<'_>],
    unknown: &mut Vec<UnknownMember>,
    top_level: &mut Vec<String>,
    wrapped_definitions: &mut Vec<usize>,
) {
    let (Some(Step::Member(top)), Some(Step::Member(name))) = (steps.first(), steps.last()) else {
        return;
    };
    if steps.len() == 1 {
        top_level.push((*top).to_owned());
        return;
    }
    let Some((_, root)) = TOP_LEVEL.iter().find(|(key, _)| key == top) else {
        return;
    };
    let parent = &steps[..steps.len() - 1];
    if let ([_, Step::Index(index)], "taskDefinition") = (parent, *name)
        && *top == "taskDefinitions"
    {
        wrapped_definitions.push(*index);
        return;
    }
    let Some(shape) = shape_at(root, &parent[1..]) else {
        return;
    };
    if shape.member(name).is_none() {
        unknown.push(UnknownMember {
            parent: display_path(parent),
            name: (*name).to_owned(),
            shape,
        });
    }
}

fn top_level_error(key: &str, others: &[String]) -> ReadError {
    let keys: Vec<&str> = TOP_LEVEL
        .iter()
        .map(|(key, _)| *key)
        .chain(OWN_TOP_LEVEL)
        .collect();
    let mut message = format!("unknown top-level member {key:?} in the snapshot");
    if let Some((_, advice)) = OTHER_OUTPUTS.iter().find(|(other, _)| *other == key) {
        message.push_str(&format!(": {advice}"));
    } else if let Some(nearest) = shapes::nearest(key, keys.iter().copied()) {
        message.push_str(&format!("; did you mean {nearest:?}?"));
    }
    message.push_str(&format!(". A snapshot's members are: {}", keys.join(", ")));
    if !others.is_empty() {
        message.push_str(&format!(" (also unknown: {})", others.join(", ")));
    }
    ReadError {
        exception: ExceptionName::ClientException,
        position: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn read(text: &str) -> Result<(SnapshotFile, Vec<UnknownMember>), ReadError> {
        SnapshotFile::from_json(text)
    }

    #[test]
    fn a_misspelled_top_level_key_is_refused_with_the_nearest() {
        let error = read(r#"{"containerInstances": [], "Tasks": []}"#).unwrap_err();
        assert!(
            error.message.starts_with(
                "unknown top-level member \"Tasks\" in the snapshot; did you mean \"tasks\"?"
            ),
            "{}",
            error.message
        );
    }

    #[test]
    fn the_capture_time_is_a_member_of_its_own() {
        let (file, unknown) =
            read(r#"{"containerInstances": [], "capturedAt": "2026-12-08T10:00:00Z"}"#).unwrap();
        assert!(file.captured_at.is_some());
        assert!(unknown.is_empty());
        let error = read(r#"{"containerInstances": [], "capturedAt": "yesterday"}"#).unwrap_err();
        assert!(error.message.contains("capturedAt"), "{}", error.message);
        let error = read(r#"{"containerInstances": [], "capturedat": 1}"#).unwrap_err();
        assert!(
            error.message.contains("did you mean \"capturedAt\"?"),
            "{}",
            error.message
        );
    }

    #[test]
    fn keys_of_other_outputs_say_what_to_do() {
        let error =
            read(r#"{"containerInstances": [], "clusters": [], "taskArns": []}"#).unwrap_err();
        assert!(
            error
                .message
                .contains("put the one cluster under `cluster`"),
            "{}",
            error.message
        );
        assert!(
            error.message.ends_with("(also unknown: taskArns)"),
            "{}",
            error.message
        );
        let failed = crate::model::Snapshot::from_json(
            r#"{"containerInstances": [], "failures": [{"arn": "arn:x", "reason": "MISSING"}]}"#,
        )
        .unwrap_err();
        assert!(
            failed.message.starts_with(
                "failures: the describe call could not describe 1 resource(s), first \"arn:x\" (MISSING)"
            ),
            "{}",
            failed.message
        );
        assert!(read(r#"{"containerInstances": [], "failures": []}"#).is_ok());
    }

    #[test]
    fn a_wrapped_task_definition_is_explained() {
        let error = read(
            r#"{"containerInstances": [], "taskDefinitions": [{"taskDefinition": {"family": "web"}, "tags": []}]}"#,
        )
        .unwrap_err();
        assert!(
            error
                .message
                .starts_with("taskDefinitions[0] is a whole describe-task-definition output")
        );
    }

    #[test]
    fn members_the_model_lacks_are_kept_as_warnings_and_model_members_are_not() {
        let (file, unknown) = read(
            r#"{"containerInstances": [{"ec2InstanceId": "i-1", "agentConected": true, "capacityProviderName": "cp",
                 "healthStatus": {"overallStatus": "OK", "details": [{"type": "CONTAINER_RUNTIME", "statuz": "OK"}]}}],
                "tasks": [{"taskArn": "t", "ephemeralStorage": {"sizeInGiB": 20}, "containers": [{"name": "c", "runtimeId": "r", "colour": 1}]}]}"#,
        )
        .unwrap();
        assert_eq!(file.container_instances.len(), 1);
        let paths: Vec<String> = unknown.iter().map(UnknownMember::path).collect();
        assert_eq!(
            paths,
            [
                "containerInstances[0].agentConected",
                "tasks[0].containers[0].colour"
            ]
        );
        assert_eq!(unknown[0].suggestion(), Some("agentConnected"));
    }
}
