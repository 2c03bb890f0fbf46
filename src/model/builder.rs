//! Snapshots built in code, for tests and schedulers that do not start from JSON.
//!
//! [`SnapshotBuilder`] writes the AWS shapes a dump would hold (a cluster, container
//! instances, task definitions, running tasks, capacity providers) and reads them through the
//! same [`Snapshot::try_from`] as a file, so a built snapshot meets every rule a file must and
//! a mistake gets the same error, with the path of the member (`containerInstances[2].…`).

use std::sync::Arc;

use crate::aws::{
    Attribute, CapacityProvider, Cluster, ContainerDefinition, ContainerInstance,
    ContainerInstanceStatus, DesiredStatus, PortMapping, Resource, Task, TaskDefinition,
    TaskDefinitionPlacementConstraint, TaskDefinitionPlacementConstraintType, TaskDefinitionStatus,
};
use crate::error::EcsError;

use super::{AVAILABILITY_ZONE_ATTRIBUTE, Snapshot, SnapshotFile};

/// Builds a [`Snapshot`] in code (see the module documentation).
///
/// ```
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(7680).zone("us-east-1a").attribute("team", "web"))
///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(7680).zone("us-east-1b"))
///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024).host_port(80))
///     .task("web", "i-0a")
///     .build()?;
/// assert_eq!(snapshot.instances().len(), 2);
/// assert_eq!(snapshot.instances()[0].remaining.cpu, 1536);
/// # Ok::<(), ecs_placement::EcsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SnapshotBuilder {
    cluster: String,
    region: String,
    account: String,
    instances: Vec<InstanceSpec>,
    definitions: Vec<TaskDefinition>,
    tasks: Vec<(String, String)>,
    capacity_providers: Vec<CapacityProvider>,
}

impl SnapshotBuilder {
    /// A builder for cluster `cluster`, in `us-east-1` of account `123456789012` until told
    /// otherwise.
    pub fn new(cluster: &str) -> Self {
        Self {
            cluster: cluster.to_owned(),
            region: "us-east-1".to_owned(),
            account: "123456789012".to_owned(),
            instances: Vec::new(),
            definitions: Vec::new(),
            tasks: Vec::new(),
            capacity_providers: Vec::new(),
        }
    }

    /// The region of every ARN.
    pub fn region(mut self, region: &str) -> Self {
        region.clone_into(&mut self.region);
        self
    }

    /// The account of every ARN.
    pub fn account(mut self, account: &str) -> Self {
        account.clone_into(&mut self.account);
        self
    }

    /// Adds a container instance (positions follow the order added).
    pub fn instance(mut self, instance: InstanceSpec) -> Self {
        self.instances.push(instance);
        self
    }

    /// Adds a task definition: revision 1 of its family, or one past the family's highest when
    /// it has one (a revision the definition gives is kept).
    pub fn task_definition(mut self, definition: impl Into<TaskDefinition>) -> Self {
        let mut definition = definition.into();
        if let Some(family) = definition.family.clone() {
            let revision = definition.revision.unwrap_or_else(|| {
                1 + self
                    .definitions
                    .iter()
                    .filter(|d| d.family.as_deref() == Some(family.as_str()))
                    .filter_map(|d| d.revision)
                    .max()
                    .unwrap_or(0)
            });
            definition.revision = Some(revision);
            definition.task_definition_arn.get_or_insert_with(|| {
                self.arn("task-definition", &format!("{family}:{revision}"))
            });
        }
        definition
            .status
            .get_or_insert(TaskDefinitionStatus::Active);
        self.definitions.push(definition);
        self
    }

    /// Adds a RUNNING task of the latest revision of `family` (or the revision `family:N`
    /// names) on the instance whose EC2 instance id is `instance`, in group `family:NAME`;
    /// its CPU and memory are its definition's. [`SnapshotBuilder::build`] refuses a family
    /// or an instance it does not have.
    pub fn task(mut self, family: &str, instance: &str) -> Self {
        self.tasks.push((family.to_owned(), instance.to_owned()));
        self
    }

    /// Adds a capacity provider (its instances name it with
    /// [`InstanceSpec::capacity_provider`]).
    pub fn capacity_provider(mut self, provider: CapacityProvider) -> Self {
        self.capacity_providers.push(provider);
        self
    }

    /// The snapshot, checked as a snapshot file is.
    pub fn build(self) -> Result<Snapshot, EcsError> {
        let file = self.into_file()?;
        Ok(Snapshot::try_from(file)?)
    }

    /// The snapshot file the builder describes, before it is checked.
    pub fn into_file(self) -> Result<SnapshotFile, EcsError> {
        let instances: Vec<ContainerInstance> = self
            .instances
            .iter()
            .enumerate()
            .map(|(position, spec)| spec.to_wire(&self, position))
            .collect();
        let mut tasks = Vec::with_capacity(self.tasks.len());
        for (index, (family, on)) in self.tasks.iter().enumerate() {
            tasks.push(self.running_task(index, family, on, &instances)?);
        }
        Ok(SnapshotFile {
            cluster: Some(Cluster {
                cluster_arn: Some(self.arn("cluster", &self.cluster)),
                cluster_name: Some(self.cluster.clone()),
                status: Some("ACTIVE".to_owned()),
                capacity_providers: (!self.capacity_providers.is_empty()).then(|| {
                    self.capacity_providers
                        .iter()
                        .filter_map(|p| p.name.clone())
                        .collect()
                }),
                ..Cluster::default()
            }),
            container_instances: instances,
            task_definitions: self.definitions,
            tasks,
            capacity_providers: self.capacity_providers,
            failures: Vec::new(),
            captured_at: None,
        })
    }

    fn running_task(
        &self,
        index: usize,
        family: &str,
        on: &str,
        instances: &[ContainerInstance],
    ) -> Result<Task, EcsError> {
        let definition = self
            .definitions
            .iter()
            .rev()
            .find(|d| {
                d.family.as_deref() == Some(family)
                    || d.revision
                        .zip(d.family.as_deref())
                        .is_some_and(|(revision, name)| family == format!("{name}:{revision}"))
            })
            .ok_or_else(|| {
                EcsError::client(format!(
                    "task {index} names task definition {family:?}, which the builder has not \
                     been given; add it with task_definition() first"
                ))
            })?;
        let instance = instances
            .iter()
            .find(|i| i.ec2_instance_id.as_deref() == Some(on))
            .ok_or_else(|| {
                EcsError::client(format!(
                    "task {index} runs on instance {on:?}, which the builder has not been given"
                ))
            })?;
        let containers = definition.container_definitions.iter().flatten();
        let cpu: i64 = containers.clone().filter_map(|c| c.cpu).sum();
        let memory: i64 = containers.filter_map(|c| c.memory).sum();
        let family_name = definition.family.as_deref().unwrap_or(family);
        Ok(Task {
            task_arn: Some(Arc::from(
                self.arn("task", &format!("{}/{:032x}", self.cluster, index + 1)),
            )),
            cluster_arn: Some(Arc::from(self.arn("cluster", &self.cluster))),
            task_definition_arn: definition.task_definition_arn.as_deref().map(Arc::from),
            container_instance_arn: instance.container_instance_arn.as_deref().map(Arc::from),
            last_status: Some(Arc::from("RUNNING")),
            desired_status: Some(DesiredStatus::Running),
            cpu: Some(Arc::from(cpu.to_string())),
            memory: Some(Arc::from(memory.to_string())),
            group: Some(Arc::from(format!("family:{family_name}"))),
            ..Task::default()
        })
    }

    fn arn(&self, kind: &str, name: &str) -> String {
        format!("arn:aws:ecs:{}:{}:{kind}/{name}", self.region, self.account)
    }
}

/// A container instance for [`SnapshotBuilder::instance`]: what the agent registers and the
/// attributes ECS sets, named by its EC2 instance id.
#[derive(Debug, Clone, Default)]
pub struct InstanceSpec {
    ec2_instance_id: String,
    cpu: i64,
    memory: i64,
    ports: Vec<u16>,
    gpus: Vec<String>,
    attributes: Vec<Attribute>,
    status: Option<ContainerInstanceStatus>,
    agent_connected: Option<bool>,
    capacity_provider: Option<String>,
}

impl InstanceSpec {
    /// An instance with EC2 instance id `ec2_instance_id`, no resources until given.
    pub fn new(ec2_instance_id: &str) -> Self {
        Self {
            ec2_instance_id: ec2_instance_id.to_owned(),
            ..Self::default()
        }
    }

    /// Registered CPU units (1,024 per vCPU).
    pub fn cpu(mut self, units: i64) -> Self {
        self.cpu = units;
        self
    }

    /// Registered memory, MiB.
    pub fn memory(mut self, mib: i64) -> Self {
        self.memory = mib;
        self
    }

    /// Host TCP ports the agent reserves.
    pub fn reserved_ports(mut self, ports: &[u16]) -> Self {
        self.ports = ports.to_vec();
        self
    }

    /// GPU ids.
    pub fn gpus(mut self, ids: &[&str]) -> Self {
        self.gpus = ids.iter().map(|id| (*id).to_owned()).collect();
        self
    }

    /// The `ecs.availability-zone` attribute.
    pub fn zone(self, zone: &str) -> Self {
        self.attribute(AVAILABILITY_ZONE_ATTRIBUTE, zone)
    }

    /// The `ecs.instance-type` attribute.
    pub fn instance_type(self, instance_type: &str) -> Self {
        self.attribute("ecs.instance-type", instance_type)
    }

    /// An attribute with a value.
    pub fn attribute(mut self, name: &str, value: &str) -> Self {
        self.attributes.push(Attribute {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            ..Attribute::default()
        });
        self
    }

    /// An attribute without a value (as `ecs.capability.*` ones are).
    pub fn flag(mut self, name: &str) -> Self {
        self.attributes.push(Attribute {
            name: name.to_owned(),
            ..Attribute::default()
        });
        self
    }

    /// The status (`ACTIVE` unless given).
    pub fn status(mut self, status: ContainerInstanceStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Whether the agent is connected (it is unless told).
    pub fn agent_connected(mut self, connected: bool) -> Self {
        self.agent_connected = Some(connected);
        self
    }

    /// The capacity provider the instance belongs to.
    pub fn capacity_provider(mut self, name: &str) -> Self {
        self.capacity_provider = Some(name.to_owned());
        self
    }

    fn to_wire(&self, builder: &SnapshotBuilder, position: usize) -> ContainerInstance {
        let mut registered = vec![
            integer("CPU", self.cpu),
            integer("MEMORY", self.memory),
            string_set("PORTS", self.ports.iter().map(u16::to_string).collect()),
            string_set("PORTS_UDP", Vec::new()),
        ];
        if !self.gpus.is_empty() {
            registered.push(string_set("GPU", self.gpus.clone()));
        }
        ContainerInstance {
            container_instance_arn: Some(builder.arn(
                "container-instance",
                &format!("{}/{:032x}", builder.cluster, position + 1),
            )),
            ec2_instance_id: Some(self.ec2_instance_id.clone()),
            capacity_provider_name: self.capacity_provider.clone(),
            registered_resources: Some(registered),
            status: Some(
                self.status
                    .clone()
                    .unwrap_or(ContainerInstanceStatus::Active),
            ),
            agent_connected: Some(self.agent_connected.unwrap_or(true)),
            attributes: Some(self.attributes.clone()),
            ..ContainerInstance::default()
        }
    }
}

/// A task definition for [`SnapshotBuilder::task_definition`]: a family and its containers.
#[derive(Debug, Clone, Default)]
pub struct TaskDefinitionSpec {
    definition: TaskDefinition,
}

impl TaskDefinitionSpec {
    /// A definition of `family` with no container yet.
    pub fn new(family: &str) -> Self {
        Self {
            definition: TaskDefinition {
                family: Some(family.to_owned()),
                ..TaskDefinition::default()
            },
        }
    }

    /// Adds a container reserving `cpu` units and `memory` MiB.
    pub fn container(mut self, name: &str, cpu: i64, memory: i64) -> Self {
        self.definition
            .container_definitions
            .get_or_insert_with(Vec::new)
            .push(ContainerDefinition {
                name: Some(name.to_owned()),
                cpu: Some(cpu),
                memory: Some(memory),
                essential: Some(true),
                ..ContainerDefinition::default()
            });
        self
    }

    /// Maps a static host port (TCP) on the last container added.
    pub fn host_port(mut self, port: u16) -> Self {
        if let Some(container) = self
            .definition
            .container_definitions
            .as_mut()
            .and_then(|c| c.last_mut())
        {
            container
                .port_mappings
                .get_or_insert_with(Vec::new)
                .push(PortMapping {
                    container_port: Some(i64::from(port)),
                    host_port: Some(i64::from(port)),
                    ..PortMapping::default()
                });
        }
        self
    }

    /// A `memberOf` constraint every task of the definition must meet.
    pub fn member_of(mut self, expression: &str) -> Self {
        self.definition
            .placement_constraints
            .get_or_insert_with(Vec::new)
            .push(TaskDefinitionPlacementConstraint {
                kind: Some(TaskDefinitionPlacementConstraintType::MemberOf),
                expression: Some(expression.to_owned()),
            });
        self
    }
}

impl From<TaskDefinitionSpec> for TaskDefinition {
    fn from(spec: TaskDefinitionSpec) -> Self {
        spec.definition
    }
}

fn integer(name: &str, value: i64) -> Resource {
    Resource {
        name: Some(name.to_owned()),
        kind: Some("INTEGER".to_owned()),
        integer_value: Some(value),
        ..Resource::default()
    }
}

fn string_set(name: &str, values: Vec<String>) -> Resource {
    Resource {
        name: Some(name.to_owned()),
        kind: Some("STRINGSET".to_owned()),
        string_set_value: Some(values),
        ..Resource::default()
    }
}
