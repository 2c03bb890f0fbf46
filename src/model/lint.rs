//! What a snapshot loads with but a careful operator should hear about: the warnings `validate`
//! prints. What would make an answer meaningless is an error when the snapshot is read
//! (docs/SEMANTICS.md, "What a snapshot must hold"); what is only unusual is here.

use std::fmt;

use super::Snapshot;

/// Something unusual about a snapshot, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The member, e.g. `containerInstances[3].registeredResources`.
    pub path: String,
    /// What is unusual and what follows from it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Snapshot {
    /// The snapshot's warnings, in instance order.
    ///
    /// An instance without a registered `CPU` or `MEMORY` resource is taken to have none of
    /// it, so it takes no task that needs any: every real describe-container-instances output
    /// has both, so their absence means a hand-made or cut-down document.
    ///
    /// When a task definition uses `awsvpc`, an instance whose ENI limit is unknown (its type
    /// is not in the shipped table and no `ecs-placement.eni-limit` attribute sets it) takes
    /// any number of `awsvpc` tasks, which ECS would not: that is warned about too.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let awsvpc = self
            .task_definitions
            .iter()
            .any(|d| d.network_mode == Some(crate::aws::NetworkMode::Awsvpc));
        for (position, document) in self.instance_documents.iter().enumerate() {
            let registered = document.registered_resources.as_deref().unwrap_or_default();
            for name in ["CPU", "MEMORY"] {
                if !registered.iter().any(|r| r.name.as_deref() == Some(name)) {
                    warnings.push(Warning {
                        path: format!("containerInstances[{position}].registeredResources"),
                        message: format!(
                            "no {name} resource: the instance is taken to have 0 {name} and takes \
                             no task that needs any; describe-container-instances output always has it"
                        ),
                    });
                }
            }
            let limit_unknown = self
                .instances
                .get(position)
                .is_some_and(|i| i.registered.eni_slots.is_none());
            if awsvpc && limit_unknown {
                let kind = document
                    .attributes
                    .iter()
                    .flatten()
                    .find(|a| a.name == "ecs.instance-type")
                    .and_then(|a| a.value.as_deref())
                    .unwrap_or("(none)");
                warnings.push(Warning {
                    path: format!("containerInstances[{position}]"),
                    message: format!(
                        "instance type {kind} is not in the shipped table (data/ec2-instance-types.csv), so \
                         its ENI limit is unknown and awsvpc tasks are not limited on it; set the attribute \
                         `{}` to its limit",
                        super::eni::ENI_LIMIT_ATTRIBUTE
                    ),
                });
            }
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::model::Snapshot;

    #[test]
    fn an_instance_without_cpu_or_memory_is_warned_about() {
        let snapshot = Snapshot::from_json(
            r#"{"containerInstances": [
                {"containerInstanceArn": "a", "registeredResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 1024}]},
                {"containerInstanceArn": "b", "registeredResources": [
                    {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                    {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048}]}]}"#,
        )
        .unwrap();
        let warnings: Vec<String> = snapshot
            .warnings()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0]
                .starts_with("containerInstances[0].registeredResources: no MEMORY resource")
        );
    }
}
