//! Merging the outputs of the AWS CLI (or boto3's response dicts saved as JSON) into one
//! snapshot: the first step of a what-if on a real cluster.
//!
//! Each document is recognised by its top-level members, whatever its file is called:
//!
//! | members | output |
//! |---|---|
//! | `clusters` | `aws ecs describe-clusters` |
//! | `containerInstances` | `describe-container-instances` (or a snapshot holding only instances) |
//! | `tasks` | `describe-tasks` |
//! | `taskDefinition` | `describe-task-definition` (`{"taskDefinition": ..., "tags": ...}`) |
//! | `capacityProviders` | `describe-capacity-providers` |
//! | `containerInstanceArns`, `taskArns` | `list-container-instances`, `list-tasks`: names only, nothing to merge |
//! | `cluster` with others | a snapshot file |
//!
//! `ResponseMetadata` (boto3) and `nextToken` are passed over. Pages may come in any order and
//! any number: resources are keyed by ARN, an identical duplicate collapses, and two different
//! documents for one ARN are an error naming both sources. What placement will need but the
//! inputs lack (task definitions tasks refer to, instances tasks run on, providers instances
//! name) is reported, not guessed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use indexmap::IndexMap;
use indexmap::map::Entry;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::aws::read::strip_bom;
use crate::aws::{CapacityProvider, Cluster, ContainerInstance, Task, TaskDefinition};
use crate::error::EcsError;
use crate::model::{ArnParts, SnapshotFile, instance_arn_cluster};

/// One input: a name for messages (a file name, `<stdin>`) and its JSON text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// How messages name it.
    pub name: &'a str,
    /// Its JSON text.
    pub text: &'a str,
}

/// Which AWS output a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutputKind {
    /// `describe-clusters`.
    DescribeClusters,
    /// `describe-container-instances`.
    DescribeContainerInstances,
    /// `describe-tasks`.
    DescribeTasks,
    /// `describe-task-definition`.
    DescribeTaskDefinition,
    /// `describe-capacity-providers`.
    DescribeCapacityProviders,
    /// `list-container-instances`.
    ListContainerInstances,
    /// `list-tasks`.
    ListTasks,
    /// A snapshot file.
    Snapshot,
}

impl fmt::Display for OutputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DescribeClusters => "describe-clusters",
            Self::DescribeContainerInstances => "describe-container-instances",
            Self::DescribeTasks => "describe-tasks",
            Self::DescribeTaskDefinition => "describe-task-definition",
            Self::DescribeCapacityProviders => "describe-capacity-providers",
            Self::ListContainerInstances => "list-container-instances",
            Self::ListTasks => "list-tasks",
            Self::Snapshot => "snapshot",
        })
    }
}

/// What one source held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The source's name.
    pub name: String,
    /// The output it was recognised as.
    pub kind: OutputKind,
    /// Resources read, by kind (`instances`, `tasks`, ...), including duplicates.
    pub counts: BTreeMap<&'static str, usize>,
    /// The `failures` the describe call reported (resources it could not describe).
    pub failures: usize,
}

impl fmt::Display for SourceReport {
    /// `FILE: describe-tasks: 100 tasks, 2 failures`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.kind)?;
        let mut parts: Vec<String> = self
            .counts
            .iter()
            .map(|(what, count)| match count {
                // Every kind is named by a plural in `s`.
                1 => format!("1 {}", what.trim_end_matches('s')),
                _ => format!("{count} {what}"),
            })
            .collect();
        if self.failures > 0 {
            parts.push(format!("{} failures", self.failures));
        }
        match self.kind {
            OutputKind::ListContainerInstances | OutputKind::ListTasks => write!(
                f,
                ": names only, nothing to merge (give the describe-* output of these ARNs)"
            ),
            _ if parts.is_empty() => write!(f, ": nothing"),
            _ => write!(f, ": {}", parts.join(", ")),
        }
    }
}

/// The merged snapshot and what was read and found missing.
#[derive(Debug, Clone)]
pub struct Import {
    /// The snapshot (validate it with `Snapshot::try_from`).
    pub file: SnapshotFile,
    /// What each source held, in the order given.
    pub sources: Vec<SourceReport>,
    /// What placement will need and the inputs lack, one line each.
    pub missing: Vec<String>,
    /// Where the cluster's name came from.
    pub cluster_named_by: String,
}

/// Merges AWS outputs into one snapshot. `cluster` names the cluster when no
/// describe-clusters output does (and picks one when it lists several).
pub fn import(sources: &[Source<'_>], cluster: Option<&str>) -> Result<Import, EcsError> {
    let mut merged = Merged::default();
    let mut reports = Vec::with_capacity(sources.len());
    for source in sources {
        reports.push(merged.add(source)?);
    }
    let (cluster, cluster_named_by) = merged.choose_cluster(cluster)?;
    let missing = merged.missing();
    let Merged {
        instances,
        tasks,
        definitions,
        providers,
        ..
    } = merged;
    let file = SnapshotFile {
        cluster,
        container_instances: instances.into_values().map(|(_, i)| i).collect(),
        task_definitions: definitions.into_values().map(|(_, d)| d).collect(),
        tasks: tasks.into_values().map(|(_, t)| t).collect(),
        capacity_providers: providers.into_values().map(|(_, p)| p).collect(),
        failures: Vec::new(),
        captured_at: None,
    };
    Ok(Import {
        file,
        sources: reports,
        missing,
        cluster_named_by,
    })
}

/// Resources by key, each with the source it first came from.
type Keyed<T> = IndexMap<String, (String, T)>;

#[derive(Default)]
struct Merged {
    clusters: Keyed<Cluster>,
    instances: Keyed<ContainerInstance>,
    tasks: Keyed<Task>,
    definitions: Keyed<TaskDefinition>,
    providers: Keyed<CapacityProvider>,
    /// The ARNs describe calls could not describe.
    failed: Vec<String>,
}

/// Members every output may carry besides its content.
const ENVELOPE: [&str; 3] = ["ResponseMetadata", "nextToken", "failures"];

impl Merged {
    fn add(&mut self, source: &Source<'_>) -> Result<SourceReport, EcsError> {
        let name = source.name;
        let value: Value = serde_json::from_str(strip_bom(source.text)).map_err(|e| {
            EcsError::client(format!(
                "{name}:{}:{}: not JSON: {}",
                e.line(),
                e.column(),
                e
            ))
        })?;
        let Value::Object(mut members) = value else {
            return Err(EcsError::client(format!(
                "{name}: an AWS output is a JSON object; this is not one"
            )));
        };
        let kind = recognise(name, &members)?;
        let mut report = SourceReport {
            name: name.to_owned(),
            kind,
            counts: BTreeMap::new(),
            failures: 0,
        };
        if let Some(failures) = members.remove("failures") {
            let failures: Vec<crate::aws::Failure> = typed(name, "failures", failures)?;
            report.failures = failures.len();
            self.failed
                .extend(failures.into_iter().filter_map(|f| f.arn));
        }
        match kind {
            OutputKind::DescribeClusters => {
                let clusters: Vec<Cluster> = take(name, &mut members, "clusters")?;
                report.counts.insert("clusters", clusters.len());
                for cluster in clusters {
                    let key = cluster_key(&cluster);
                    merge(&mut self.clusters, key, name, cluster, "cluster")?;
                }
            }
            OutputKind::DescribeTaskDefinition => {
                let definition: TaskDefinition = take(name, &mut members, "taskDefinition")?;
                report.counts.insert("task definitions", 1);
                self.add_definition(name, definition)?;
            }
            OutputKind::ListContainerInstances | OutputKind::ListTasks => {}
            OutputKind::DescribeContainerInstances
            | OutputKind::DescribeTasks
            | OutputKind::DescribeCapacityProviders
            | OutputKind::Snapshot => {
                if let Some(cluster) = members.remove("cluster") {
                    let cluster: Cluster = typed(name, "cluster", cluster)?;
                    report.counts.insert("clusters", 1);
                    merge(
                        &mut self.clusters,
                        cluster_key(&cluster),
                        name,
                        cluster,
                        "cluster",
                    )?;
                }
                let instances: Vec<ContainerInstance> =
                    take_list(name, &mut members, "containerInstances")?;
                let tasks: Vec<Task> = take_list(name, &mut members, "tasks")?;
                let definitions: Vec<TaskDefinition> =
                    take_list(name, &mut members, "taskDefinitions")?;
                let providers: Vec<CapacityProvider> =
                    take_list(name, &mut members, "capacityProviders")?;
                for (what, count) in [
                    ("instances", instances.len()),
                    ("tasks", tasks.len()),
                    ("task definitions", definitions.len()),
                    ("capacity providers", providers.len()),
                ] {
                    if count > 0 {
                        report.counts.insert(what, count);
                    }
                }
                for (index, instance) in instances.into_iter().enumerate() {
                    let key = instance.container_instance_arn.clone().ok_or_else(|| {
                        EcsError::client(format!(
                            "{name}: containerInstances[{index}] has no containerInstanceArn"
                        ))
                    })?;
                    merge(
                        &mut self.instances,
                        key,
                        name,
                        instance,
                        "container instance",
                    )?;
                }
                for (index, task) in tasks.into_iter().enumerate() {
                    let key = task.task_arn.as_deref().map(str::to_owned).ok_or_else(|| {
                        EcsError::client(format!("{name}: tasks[{index}] has no taskArn"))
                    })?;
                    merge(&mut self.tasks, key, name, task, "task")?;
                }
                for definition in definitions {
                    self.add_definition(name, definition)?;
                }
                for (index, provider) in providers.into_iter().enumerate() {
                    let key = provider.name.clone().ok_or_else(|| {
                        EcsError::client(format!("{name}: capacityProviders[{index}] has no name"))
                    })?;
                    merge(
                        &mut self.providers,
                        key,
                        name,
                        provider,
                        "capacity provider",
                    )?;
                }
            }
        }
        Ok(report)
    }

    fn add_definition(&mut self, name: &str, definition: TaskDefinition) -> Result<(), EcsError> {
        let key = definition
            .task_definition_arn
            .clone()
            .or_else(|| {
                Some(format!(
                    "{}:{}",
                    definition.family.as_deref()?,
                    definition.revision?
                ))
            })
            .ok_or_else(|| {
                EcsError::client(format!(
                    "{name}: a task definition has neither taskDefinitionArn nor family and revision"
                ))
            })?;
        merge(
            &mut self.definitions,
            key,
            name,
            definition,
            "task definition",
        )
    }

    /// The cluster: the one describe-clusters gave (or the one `asked` picks among several),
    /// else `asked`, else the one long-format ARNs name. Short-format ARNs name none.
    fn choose_cluster(&self, asked: Option<&str>) -> Result<(Option<Cluster>, String), EcsError> {
        let described: Vec<&(String, Cluster)> = self.clusters.values().collect();
        let matches_asked = |cluster: &Cluster| {
            asked.is_some_and(|a| {
                cluster.cluster_name.as_deref() == Some(a)
                    || cluster.cluster_arn.as_deref() == Some(a)
            })
        };
        if !described.is_empty() {
            let names: Vec<&str> = described
                .iter()
                .filter_map(|(_, c)| c.cluster_name.as_deref())
                .collect();
            let chosen = match asked {
                None if described.len() == 1 => described[0],
                None => {
                    return Err(EcsError::client(format!(
                        "the inputs describe {} clusters ({}); pick one with --cluster NAME",
                        described.len(),
                        names.join(", ")
                    )));
                }
                Some(a) => described
                    .iter()
                    .copied()
                    .find(|(_, c)| matches_asked(c))
                    .ok_or_else(|| {
                        EcsError::client(format!(
                            "--cluster {a:?} is none of the described clusters ({})",
                            names.join(", ")
                        ))
                    })?,
            };
            let (source, cluster) = chosen;
            return Ok((
                Some(cluster.clone()),
                format!("describe-clusters ({source})"),
            ));
        }
        let from_arns = self
            .instances
            .keys()
            .find_map(|arn| instance_arn_cluster(arn))
            .map(str::to_owned)
            .or_else(|| {
                self.tasks.values().find_map(|(_, task)| {
                    let arn = task.cluster_arn.as_deref()?;
                    Some(arn.rsplit('/').next()?.to_owned())
                })
            });
        let (name, named_by) = match (asked, from_arns) {
            (Some(a), Some(named)) if a != named => {
                return Err(EcsError::client(format!(
                    "--cluster {a:?} is not the cluster the inputs' ARNs name ({named:?})"
                )));
            }
            (Some(a), _) => (a.to_owned(), "--cluster".to_owned()),
            (None, Some(named)) => (named, "long-format ARNs".to_owned()),
            (None, None) => {
                return Err(EcsError::client(
                    "nothing names the cluster (no describe-clusters output, and no long-format \
                     instance or task ARN): give its name with --cluster NAME",
                ));
            }
        };
        let reference = self
            .instances
            .keys()
            .find_map(|arn| ArnParts::parse(arn))
            .or_else(|| {
                self.tasks
                    .values()
                    .find_map(|(_, t)| ArnParts::parse(t.task_arn.as_deref()?))
            });
        let cluster_arn = reference.map(|parts| {
            format!(
                "arn:{}:ecs:{}:{}:cluster/{name}",
                parts.partition, parts.region, parts.account
            )
        });
        Ok((
            Some(Cluster {
                cluster_name: Some(name),
                cluster_arn,
                ..Cluster::default()
            }),
            named_by,
        ))
    }

    /// What placement needs and the inputs lack.
    fn missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        let definition_arns: BTreeSet<&str> = self
            .definitions
            .values()
            .filter_map(|(_, d)| d.task_definition_arn.as_deref())
            .collect();
        let mut wanted_definitions = BTreeSet::new();
        let mut wanted_instances = BTreeSet::new();
        for (_, task) in self.tasks.values() {
            if let Some(arn) = task.task_definition_arn.as_deref()
                && !definition_arns.contains(arn)
            {
                wanted_definitions.insert(arn.rsplit('/').next().unwrap_or(arn));
            }
            if let Some(arn) = task.container_instance_arn.as_deref()
                && !self.instances.contains_key(arn)
            {
                wanted_instances.insert(arn);
            }
        }
        if !wanted_definitions.is_empty() {
            missing.push(format!(
                "task definitions the tasks run but no input describes (their ports and GPUs are unknown): {} \
                 (aws ecs describe-task-definition --task-definition FAMILY:REVISION)",
                wanted_definitions.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        if !wanted_instances.is_empty() {
            missing.push(format!(
                "container instances tasks run on but no input describes: {} (their tasks are read, \
                 and hold nothing placement sees)",
                wanted_instances.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        let wanted_providers: BTreeSet<&str> = self
            .instances
            .values()
            .filter_map(|(_, i)| i.capacity_provider_name.as_deref())
            .filter(|name| !self.providers.contains_key(*name))
            .collect();
        if !wanted_providers.is_empty() {
            missing.push(format!(
                "capacity providers instances belong to but no input describes: {} \
                 (aws ecs describe-capacity-providers --capacity-providers NAME...)",
                wanted_providers.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        if !self.failed.is_empty() {
            missing.push(format!(
                "resources a describe call could not describe (its failures): {}",
                self.failed.join(", ")
            ));
        }
        if self.instances.is_empty() {
            missing.push(
                "no container instance: give the describe-container-instances output".to_owned(),
            );
        }
        missing
    }
}

fn cluster_key(cluster: &Cluster) -> String {
    cluster
        .cluster_arn
        .clone()
        .or_else(|| cluster.cluster_name.clone())
        .unwrap_or_default()
}

/// Which output a document is, from its top-level members.
fn recognise(name: &str, members: &Map<String, Value>) -> Result<OutputKind, EcsError> {
    let keys: BTreeSet<&str> = members
        .keys()
        .map(String::as_str)
        .filter(|k| !ENVELOPE.contains(k))
        .collect();
    let has = |key: &str| keys.contains(key);
    let only = |allowed: &[&str]| keys.iter().all(|k| allowed.contains(k));
    let snapshot_keys = [
        "cluster",
        "containerInstances",
        "taskDefinitions",
        "tasks",
        "capacityProviders",
    ];
    let kind = if has("clusters") && only(&["clusters"]) {
        OutputKind::DescribeClusters
    } else if has("taskDefinition") && only(&["taskDefinition", "tags"]) {
        OutputKind::DescribeTaskDefinition
    } else if has("containerInstanceArns") && only(&["containerInstanceArns"]) {
        OutputKind::ListContainerInstances
    } else if has("taskArns") && only(&["taskArns"]) {
        OutputKind::ListTasks
    } else if keys.len() == 1 && has("containerInstances") {
        OutputKind::DescribeContainerInstances
    } else if keys.len() == 1 && has("tasks") {
        OutputKind::DescribeTasks
    } else if keys.len() == 1 && has("capacityProviders") {
        OutputKind::DescribeCapacityProviders
    } else if !keys.is_empty() && only(&snapshot_keys) {
        OutputKind::Snapshot
    } else {
        let listed: Vec<&str> = keys.iter().copied().collect();
        return Err(EcsError::client(format!(
            "{name}: not an output import reads (top-level members: {}); it reads describe-clusters, \
             describe-container-instances, describe-tasks, describe-task-definition, \
             describe-capacity-providers, list-container-instances, list-tasks and snapshots",
            if listed.is_empty() {
                "none".to_owned()
            } else {
                listed.join(", ")
            }
        )));
    };
    Ok(kind)
}

/// Adds a resource under `key`; the same document again collapses, a different one is an error.
fn merge<T: PartialEq>(
    into: &mut Keyed<T>,
    key: String,
    source: &str,
    resource: T,
    what: &str,
) -> Result<(), EcsError> {
    match into.entry(key) {
        Entry::Vacant(slot) => {
            slot.insert((source.to_owned(), resource));
            Ok(())
        }
        Entry::Occupied(slot) if slot.get().1 == resource => Ok(()),
        Entry::Occupied(slot) => Err(EcsError::client(format!(
            "{what} {} is described differently by {} and {source}: give the newer output only",
            slot.key(),
            slot.get().0
        ))),
    }
}

fn take<T: DeserializeOwned>(
    source: &str,
    members: &mut Map<String, Value>,
    key: &str,
) -> Result<T, EcsError> {
    typed(source, key, members.remove(key).unwrap_or(Value::Null))
}

fn take_list<T: DeserializeOwned>(
    source: &str,
    members: &mut Map<String, Value>,
    key: &str,
) -> Result<Vec<T>, EcsError> {
    match members.remove(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => typed(source, key, value),
    }
}

/// Reads a value into its wire type; a type error names the source and the member's path.
fn typed<T: DeserializeOwned>(source: &str, key: &str, value: Value) -> Result<T, EcsError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            key.to_owned()
        } else {
            format!("{key}{}", path_suffix(&path))
        };
        EcsError::client(format!("{source}: {at}: {}", e.into_inner()))
    })
}

/// serde_path_to_error writes `[3].containers`; after a key that reads `key[3].containers`.
fn path_suffix(path: &str) -> String {
    if path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}
