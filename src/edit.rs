//! Scenario edits on a snapshot, for "what if": drain or remove instances, stop tasks, add
//! instances of a type. Each edit refuses an instance or task it cannot find; the result is a
//! new snapshot file, validated as any snapshot is.
//!
//! Stopping goes through the engine's own `stop_task`, so resources come back exactly as they
//! would after a StopTask; the instance edits work on the wire documents. How an added
//! instance's registered CPU and memory are chosen is in docs/SEMANTICS.md ("Instances added by
//! edit").

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::aws::{Attribute, ContainerInstance, ContainerInstanceStatus};
use crate::error::EcsError;
use crate::instance_types::{self, family_of, is_graviton};
use crate::model::{Snapshot, SnapshotFile};

/// The most instances one `--add-instances` adds: a what-if, not a data centre.
pub const MAX_ADDED_INSTANCES: u32 = 10_000;

/// The share of an EC2 type's memory taken as registered when nothing better is known: the
/// only published heuristic (Karpenter's `VM_MEMORY_OVERHEAD_PERCENT`, 7.5%), which errs
/// towards "does not fit".
pub const FALLBACK_MEMORY_SHARE: f64 = 0.925;

/// The agent's reserved ports when no instance in the snapshot shows them.
const AGENT_PORTS: [&str; 5] = ["22", "2375", "2376", "51678", "51679"];

/// One edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set an instance DRAINING (its tasks keep running, it takes no new ones).
    Drain(String),
    /// Remove an instance and the tasks on it.
    Remove(String),
    /// Stop every running task of a group.
    StopGroup(String),
    /// Stop one task.
    StopTask(String),
    /// Add instances.
    AddInstances(AddInstances),
}

/// `type=m5.large,az=us-east-1c,count=3[,provider=NAME][,cpu=N,memory=N][,attribute:NAME=VALUE]...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddInstances {
    /// The EC2 instance type.
    pub instance_type: String,
    /// The Availability Zone.
    pub availability_zone: String,
    /// How many (1 by default).
    pub count: u32,
    /// The capacity provider they belong to.
    pub provider: Option<String>,
    /// Registered CPU units, when given.
    pub cpu: Option<i64>,
    /// Registered memory in MiB, when given.
    pub memory: Option<i64>,
    /// Custom attributes (name, optional value).
    pub attributes: Vec<(String, Option<String>)>,
}

impl FromStr for AddInstances {
    type Err = EcsError;

    fn from_str(spec: &str) -> Result<Self, EcsError> {
        let bad = |why: String| {
            EcsError::invalid_parameter(format!(
                "--add-instances {spec:?}: {why}; the form is type=m5.large,az=us-east-1c[,count=3][,provider=NAME][,cpu=N,memory=N][,attribute:NAME=VALUE]..."
            ))
        };
        let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
        let mut attributes = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((key, value)) => (key.trim(), Some(value.trim())),
                None => (part, None),
            };
            if let Some(name) = key.strip_prefix("attribute:") {
                crate::model::check_attribute_name(name).map_err(|e| bad(format!("{key}: {e}")))?;
                if let Some(value) = value {
                    crate::model::check_attribute_value(value)
                        .map_err(|e| bad(format!("{key}: {e}")))?;
                }
                attributes.push((name.to_owned(), value.map(str::to_owned)));
                continue;
            }
            let Some(value) = value else {
                return Err(bad(format!("`{key}` has no value")));
            };
            if !["type", "az", "count", "provider", "cpu", "memory"].contains(&key) {
                return Err(bad(format!("unknown key `{key}`")));
            }
            if fields.insert(key, value).is_some() {
                return Err(bad(format!("`{key}` is given twice")));
            }
        }
        let required = |key: &str| {
            fields
                .get(key)
                .map(|v| (*v).to_owned())
                .ok_or_else(|| bad(format!("`{key}` is missing")))
        };
        let number = |key: &str, max: i64| -> Result<Option<i64>, EcsError> {
            fields
                .get(key)
                .map(|text| {
                    text.parse::<i64>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .ok_or_else(|| {
                            bad(format!("`{key}` must be a whole number from 1 to {max}"))
                        })
                })
                .transpose()
        };
        let count = number("count", i64::from(MAX_ADDED_INSTANCES))?.unwrap_or(1);
        Ok(Self {
            instance_type: required("type")?,
            availability_zone: required("az")?,
            count: u32::try_from(count).unwrap_or(MAX_ADDED_INSTANCES),
            provider: fields.get("provider").map(|p| (*p).to_owned()),
            cpu: number("cpu", 1 << 40)?,
            memory: number("memory", 1 << 40)?,
            attributes,
        })
    }
}

/// The edited snapshot and notes on what was estimated.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The new snapshot file.
    pub file: SnapshotFile,
    /// What a person should know: estimated registered memory, for one.
    pub notes: Vec<String>,
}

/// Applies the edits in order.
pub fn edit(snapshot: &Snapshot, edits: &[Edit]) -> Result<Edited, EcsError> {
    let mut current = snapshot.clone();
    let mut notes = Vec::new();
    for edit in edits {
        match edit {
            Edit::StopTask(arn) => crate::placement::stop_task(&mut current, arn)?,
            Edit::StopGroup(group) => {
                let running: Vec<String> = current
                    .group_id(group)
                    .map(|id| {
                        current
                            .tasks()
                            .iter()
                            .filter(|(_, record)| record.running && record.group == id)
                            .map(|(arn, _)| arn.to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                if running.is_empty() {
                    return Err(EcsError::invalid_parameter(format!(
                        "--stop-group {group:?}: no running task of that group (groups look like `family:web` or `service:web`)"
                    )));
                }
                for arn in running {
                    crate::placement::stop_task(&mut current, &arn)?;
                }
            }
            Edit::Drain(instance) => {
                let mut file = current.to_file();
                let position = find_instance(&file, instance, "--drain")?;
                file.container_instances[position].status = Some(ContainerInstanceStatus::Draining);
                current = Snapshot::try_from(file)?;
            }
            Edit::Remove(instance) => {
                let mut file = current.to_file();
                let position = find_instance(&file, instance, "--remove")?;
                let removed = file.container_instances.remove(position);
                file.tasks.retain(|task| {
                    task.container_instance_arn.as_deref()
                        != removed.container_instance_arn.as_deref()
                });
                current = Snapshot::try_from(file)?;
            }
            Edit::AddInstances(spec) => {
                let mut file = current.to_file();
                add_instances(&mut file, spec, &mut notes)?;
                current = Snapshot::try_from(file)?;
            }
        }
    }
    Ok(Edited {
        file: current.to_file(),
        notes,
    })
}

/// The position of the instance `name` names: its ARN, the id at the ARN's end, or its EC2
/// instance id.
fn find_instance(file: &SnapshotFile, name: &str, flag: &str) -> Result<usize, EcsError> {
    let matches: Vec<usize> = file
        .container_instances
        .iter()
        .enumerate()
        .filter(|(_, instance)| {
            let arn = instance
                .container_instance_arn
                .as_deref()
                .unwrap_or_default();
            arn == name
                || arn.rsplit('/').next() == Some(name)
                || instance.ec2_instance_id.as_deref() == Some(name)
        })
        .map(|(position, _)| position)
        .collect();
    match matches.as_slice() {
        [position] => Ok(*position),
        [] => Err(EcsError::invalid_parameter(format!(
            "{flag} {name:?}: no container instance has that ARN, id or EC2 instance id"
        ))),
        _ => Err(EcsError::invalid_parameter(format!(
            "{flag} {name:?}: {} instances match; give the container instance ARN",
            matches.len()
        ))),
    }
}

/// The value of attribute `name` on an instance document.
fn attribute<'a>(instance: &'a ContainerInstance, name: &str) -> Option<&'a str> {
    instance
        .attributes
        .as_deref()?
        .iter()
        .find(|a| a.name == name)?
        .value
        .as_deref()
}

/// The registered integer resource `name` of an instance document.
fn registered(instance: &ContainerInstance, name: &str) -> Option<i64> {
    let resource = instance
        .registered_resources
        .as_deref()?
        .iter()
        .find(|r| r.name.as_deref() == Some(name))?;
    resource
        .integer_value
        .or(resource.long_value)
        .or_else(|| resource.double_value.map(|d| d as i64))
}

/// The most frequent value (ties: the smallest).
fn most_frequent(values: impl Iterator<Item = i64>) -> Option<i64> {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, count)| *count == most)
        .map(|(value, _)| value)
}

fn add_instances(
    file: &mut SnapshotFile,
    spec: &AddInstances,
    notes: &mut Vec<String>,
) -> Result<(), EcsError> {
    let kind = spec.instance_type.as_str();
    let same_type: Vec<&ContainerInstance> = file
        .container_instances
        .iter()
        .filter(|i| attribute(i, "ecs.instance-type") == Some(kind))
        .collect();
    let table = instance_types::lookup(kind);
    let cpu = match spec.cpu {
        Some(cpu) => cpu,
        None => most_frequent(same_type.iter().filter_map(|i| registered(i, "CPU")))
            .or_else(|| table.map(|t| i64::from(t.vcpus) * 1024))
            .ok_or_else(|| unknown_type(kind, "cpu"))?,
    };
    let memory = match spec.memory {
        Some(memory) => memory,
        None => match most_frequent(same_type.iter().filter_map(|i| registered(i, "MEMORY"))) {
            Some(memory) => memory,
            None => {
                let table = table.ok_or_else(|| unknown_type(kind, "memory"))?;
                let (share, basis) = memory_share(file, table.family());
                let memory = (table.memory_mib as f64 * share).floor() as i64;
                notes.push(format!(
                    "{kind}: registered MEMORY {memory} MiB is estimated ({basis}); give memory=N for the value your AMI registers"
                ));
                memory
            }
        },
    };
    // A like instance lends what a new one would register the same: ports, OS, agent,
    // capabilities. Same type first, else same processor architecture, else any.
    let arm = is_graviton(kind);
    let like = same_type.first().copied().or_else(|| {
        file.container_instances.iter().find(|i| {
            let architecture = attribute(i, "ecs.cpu-architecture").unwrap_or("x86_64");
            (architecture == "arm64") == arm
        })
    });
    let ports: Vec<String> = like
        .and_then(|i| {
            i.registered_resources
                .as_deref()?
                .iter()
                .find(|r| r.name.as_deref() == Some("PORTS"))?
                .string_set_value
                .clone()
        })
        .unwrap_or_else(|| AGENT_PORTS.iter().map(|p| (*p).to_owned()).collect());
    let mut attributes = vec![
        plain("ecs.instance-type", kind),
        plain("ecs.availability-zone", &spec.availability_zone),
        plain(
            "ecs.os-type",
            like.and_then(|i| attribute(i, "ecs.os-type"))
                .unwrap_or("linux"),
        ),
        plain("ecs.cpu-architecture", if arm { "arm64" } else { "x86_64" }),
    ];
    if let Some(like) = like {
        attributes.extend(
            like.attributes
                .iter()
                .flatten()
                .filter(|a| {
                    a.name.starts_with("ecs.capability.")
                        || a.name.starts_with("com.amazonaws.ecs.capability.")
                })
                .cloned(),
        );
    }
    for (name, value) in &spec.attributes {
        attributes.retain(|a| &a.name != name);
        attributes.push(Attribute {
            name: name.clone(),
            value: value.clone(),
            ..Attribute::default()
        });
    }
    let version_info = like
        .and_then(|i| i.version_info.clone())
        .unwrap_or_default();
    let cluster = crate::model::ClusterInfo::resolve(
        file.cluster.clone(),
        &file.container_instances,
        Vec::new(),
    );
    let mut taken: std::collections::HashSet<String> = file
        .container_instances
        .iter()
        .filter_map(|i| i.container_instance_arn.clone())
        .collect();
    let mut counter = file.container_instances.len() as u64;
    let resources = vec![
        crate::model::resources::integer("CPU", cpu),
        crate::model::resources::integer("MEMORY", memory),
        crate::model::resources::string_set("PORTS", ports),
        crate::model::resources::string_set("PORTS_UDP", Vec::new()),
    ];
    for _ in 0..spec.count {
        let (arn, id) = loop {
            let id = deterministic_id(&cluster.name, kind, counter);
            counter += 1;
            let arn = format!(
                "arn:{}:ecs:{}:{}:container-instance/{}/{id}",
                cluster.partition, cluster.region, cluster.account, cluster.name
            );
            if taken.insert(arn.clone()) {
                break (arn, id);
            }
        };
        file.container_instances.push(ContainerInstance {
            container_instance_arn: Some(arn),
            ec2_instance_id: Some(format!("i-{}", &id[..17])),
            capacity_provider_name: spec.provider.clone(),
            version_info: Some(version_info.clone()),
            remaining_resources: Some(resources.clone()),
            registered_resources: Some(resources.clone()),
            status: Some(ContainerInstanceStatus::Active),
            agent_connected: Some(true),
            running_tasks_count: Some(0),
            pending_tasks_count: Some(0),
            attributes: Some(attributes.clone()),
            ..ContainerInstance::default()
        });
    }
    Ok(())
}

fn unknown_type(kind: &str, what: &str) -> EcsError {
    EcsError::invalid_parameter(format!(
        "--add-instances: the snapshot has no {kind} instance and the shipped table of instance types \
         (data/ec2-instance-types.csv) does not list it, so its registered {what} is unknown: give cpu=N,memory=N"
    ))
}

/// The share of a type's EC2 memory an added instance registers: the median of the snapshot's
/// instances of tabled types (registered MEMORY over the type's memory), of the same family
/// when it has some, else of all; else [`FALLBACK_MEMORY_SHARE`]. Copying the snapshot's ratio
/// captures the account's AMI and any `ECS_RESERVED_MEMORY`.
fn memory_share(file: &SnapshotFile, family: &str) -> (f64, String) {
    let ratios = |same_family: bool| -> Vec<f64> {
        let mut ratios: Vec<f64> = file
            .container_instances
            .iter()
            .filter_map(|i| {
                let kind = instance_types::lookup(attribute(i, "ecs.instance-type")?)?;
                if same_family && family_of(kind.name) != family {
                    return None;
                }
                Some(registered(i, "MEMORY")? as f64 / kind.memory_mib as f64)
            })
            .filter(|ratio| ratio.is_finite() && *ratio > 0.0 && *ratio <= 1.0)
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios
    };
    for (same_family, basis) in [(true, "its family's"), (false, "all tabled types'")] {
        let found = ratios(same_family);
        if let Some(median) = found.get(found.len() / 2) {
            return (
                *median,
                format!(
                    "the type's EC2 memory times the median share {basis} instances in the snapshot register, {:.4}",
                    median
                ),
            );
        }
    }
    (
        FALLBACK_MEMORY_SHARE,
        "the type's EC2 memory less 7.5%, as no instance in the snapshot calibrates it".to_owned(),
    )
}

fn plain(name: &str, value: &str) -> Attribute {
    Attribute {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        ..Attribute::default()
    }
}

/// 32 hex digits from the cluster, the type and a counter (FNV-1a, fixed forever: the same
/// edit gives the same ARNs on every platform and version).
fn deterministic_id(cluster: &str, kind: &str, counter: u64) -> String {
    let fnv = |seed: u64| {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for byte in cluster
            .bytes()
            .chain([0])
            .chain(kind.bytes())
            .chain([0])
            .chain(counter.to_le_bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash
    };
    format!("{:016x}{:016x}", fnv(0), fnv(0x9e37_79b9_7f4a_7c15))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn specs_read_and_bad_ones_say_the_form() {
        let spec: AddInstances =
            "type=m5.large, az=us-east-1c,count=3,provider=cp,attribute:stack=prod,attribute:gpu"
                .parse()
                .unwrap();
        assert_eq!(spec.instance_type, "m5.large");
        assert_eq!(spec.count, 3);
        assert_eq!(spec.provider.as_deref(), Some("cp"));
        assert_eq!(
            spec.attributes,
            [
                ("stack".to_owned(), Some("prod".to_owned())),
                ("gpu".to_owned(), None)
            ]
        );
        for (bad, why) in [
            ("az=us-east-1a", "`type` is missing"),
            (
                "type=m5.large,az=a,count=0",
                "`count` must be a whole number from 1 to 10000",
            ),
            ("type=m5.large,az=a,colour=red", "unknown key `colour`"),
            ("type=m5.large,az=a,type=c5.large", "`type` is given twice"),
        ] {
            let error = bad.parse::<AddInstances>().unwrap_err();
            assert!(error.message.contains(why), "{bad}: {}", error.message);
        }
    }

    #[test]
    fn ids_are_fixed() {
        assert_eq!(
            deterministic_id("prod", "m5.large", 0),
            deterministic_id("prod", "m5.large", 0)
        );
        assert_ne!(
            deterministic_id("prod", "m5.large", 0),
            deterministic_id("prod", "m5.large", 1)
        );
        assert_eq!(deterministic_id("prod", "m5.large", 0).len(), 32);
    }
}
