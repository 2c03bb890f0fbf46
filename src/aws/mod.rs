//! The AWS wire shapes: the JSON documents ECS reads and writes, member for member.
//!
//! These types own the input and output contract. Member names are the API's (camelCase, and the
//! few irregular ones such as `enableECSManagedTags` and `bindIP` spelled out); every member is
//! optional unless the API requires it, so partial dumps load; members this crate does not model
//! are ignored on input. Sub-structures that placement never reads but a round trip should keep
//! (`autoScalingGroupProvider`, `volumeConfigurations`, ...) are held as raw JSON values.
//!
//! Nothing here checks a rule of ECS: that is [`crate::model`] for snapshots and
//! [`crate::request`] for calls.

mod enums;
mod lenient;
#[rustfmt::skip]
mod model_shapes;
pub mod read;
pub mod shapes;
mod timestamp;

pub use enums::*;
pub use timestamp::Timestamp;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

/// A name with an optional value on a container instance (or required by a task definition).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    /// The attribute's name, e.g. `ecs.instance-type`.
    pub name: String,
    /// The value; absent for name-only attributes such as capabilities.
    pub value: Option<String>,
    /// `container-instance` when set.
    pub target_type: Option<TargetType>,
    /// The instance the attribute belongs to.
    pub target_id: Option<String>,
}

/// One resource of a container instance (`CPU`, `MEMORY`, `PORTS`, `PORTS_UDP`, `GPU`, ...).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// The resource's name.
    pub name: Option<String>,
    /// `INTEGER`, `LONG`, `DOUBLE` or `STRINGSET`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The value when the type is `DOUBLE`.
    pub double_value: Option<f64>,
    /// The value when the type is `LONG`.
    pub long_value: Option<i64>,
    /// The value when the type is `INTEGER`.
    pub integer_value: Option<i64>,
    /// The value when the type is `STRINGSET` (ports, GPU ids).
    pub string_set_value: Option<Vec<String>>,
}

/// The agent and Docker versions of a container instance.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// The ECS agent's version, e.g. `1.14.5`.
    pub agent_version: Option<String>,
    /// The agent's git hash.
    pub agent_hash: Option<String>,
    /// The Docker version.
    pub docker_version: Option<String>,
}

/// A key and value.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    /// The key.
    pub key: Option<String>,
    /// The value.
    pub value: Option<String>,
}

/// A container instance as `DescribeContainerInstances` returns it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstance {
    /// The instance's ARN.
    pub container_instance_arn: Option<String>,
    /// The EC2 instance id (or the managed instance id for external instances).
    pub ec2_instance_id: Option<String>,
    /// The capacity provider the instance belongs to.
    pub capacity_provider_name: Option<String>,
    /// The instance's record version.
    pub version: Option<i64>,
    /// Agent and Docker versions.
    pub version_info: Option<VersionInfo>,
    /// What is left for new tasks.
    pub remaining_resources: Option<Vec<Resource>>,
    /// What the agent registered.
    pub registered_resources: Option<Vec<Resource>>,
    /// `ACTIVE`, `DRAINING`, ...
    pub status: Option<ContainerInstanceStatus>,
    /// Why the instance has its status.
    pub status_reason: Option<String>,
    /// Whether the agent is connected.
    pub agent_connected: Option<bool>,
    /// Tasks with desired status RUNNING.
    pub running_tasks_count: Option<i64>,
    /// Tasks in PENDING.
    pub pending_tasks_count: Option<i64>,
    /// The status of an agent update.
    pub agent_update_status: Option<String>,
    /// Built-in and custom attributes.
    pub attributes: Option<Vec<Attribute>>,
    /// When the instance registered.
    pub registered_at: Option<Timestamp>,
    /// Elastic network interfaces and other attachments (kept as JSON).
    pub attachments: Option<Value>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Health status (kept as JSON).
    pub health_status: Option<Value>,
}

/// A port mapping of a container.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    /// The container's port.
    pub container_port: Option<i64>,
    /// The host port (0 or absent: dynamic in bridge mode).
    pub host_port: Option<i64>,
    /// `tcp` (default) or `udp`.
    pub protocol: Option<TransportProtocol>,
    /// A name for Service Connect.
    pub name: Option<String>,
    /// `http`, `http2` or `grpc`.
    pub app_protocol: Option<ApplicationProtocol>,
    /// A range of container ports such as `8000-8010`.
    pub container_port_range: Option<String>,
}

/// A GPU (or other accelerator) requirement of a container.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRequirement {
    /// The amount, as a string (`"1"`, `"ALL"`, ...).
    pub value: String,
    /// `GPU`, `InferenceAccelerator` or `NeuronDevice`.
    #[serde(rename = "type")]
    pub kind: ResourceType,
    /// GPU sharing strategy: a structure with one member such as `nvidiaMps` (kept as JSON).
    pub sharing_strategy: Option<Value>,
}

/// A container of a task definition: the members placement and the response read.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinition {
    /// The container's name.
    pub name: Option<String>,
    /// The image.
    pub image: Option<String>,
    /// CPU units.
    pub cpu: Option<i64>,
    /// Hard memory limit, MiB.
    pub memory: Option<i64>,
    /// Soft memory limit, MiB.
    pub memory_reservation: Option<i64>,
    /// Port mappings.
    pub port_mappings: Option<Vec<PortMapping>>,
    /// Whether the task stops when this container stops.
    pub essential: Option<bool>,
    /// GPU and accelerator requirements.
    pub resource_requirements: Option<Vec<ResourceRequirement>>,
    /// The command.
    pub command: Option<Vec<String>>,
    /// The entry point.
    pub entry_point: Option<Vec<String>>,
    /// Environment variables.
    pub environment: Option<Vec<KeyValuePair>>,
}

/// A `memberOf` constraint in a task definition.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinitionPlacementConstraint {
    /// Always `memberOf`.
    #[serde(rename = "type")]
    pub kind: Option<TaskDefinitionPlacementConstraintType>,
    /// A cluster query language expression.
    pub expression: Option<String>,
}

/// A task definition revision as `DescribeTaskDefinition` returns it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinition {
    /// The revision's ARN.
    pub task_definition_arn: Option<String>,
    /// The containers.
    pub container_definitions: Option<Vec<ContainerDefinition>>,
    /// The family.
    pub family: Option<String>,
    /// The task role.
    pub task_role_arn: Option<String>,
    /// The execution role.
    pub execution_role_arn: Option<String>,
    /// `bridge` (default), `host`, `awsvpc` or `none`.
    pub network_mode: Option<NetworkMode>,
    /// The revision number.
    pub revision: Option<i64>,
    /// `ACTIVE`, `INACTIVE` or `DELETE_IN_PROGRESS`.
    pub status: Option<TaskDefinitionStatus>,
    /// Attributes an instance must have.
    pub requires_attributes: Option<Vec<Attribute>>,
    /// `memberOf` constraints.
    pub placement_constraints: Option<Vec<TaskDefinitionPlacementConstraint>>,
    /// Launch types the definition works with.
    pub compatibilities: Option<Vec<Compatibility>>,
    /// Launch types the definition asked for.
    pub requires_compatibilities: Option<Vec<Compatibility>>,
    /// Task-level CPU: units (`"1024"`) or vCPUs (`"1 vCPU"`).
    pub cpu: Option<String>,
    /// Task-level memory: MiB (`"2048"`) or GB (`"2GB"`).
    pub memory: Option<String>,
    /// PID namespace mode.
    pub pid_mode: Option<String>,
    /// IPC namespace mode.
    pub ipc_mode: Option<String>,
    /// OS and CPU architecture (kept as JSON).
    pub runtime_platform: Option<Value>,
    /// Volumes (kept as JSON).
    pub volumes: Option<Value>,
    /// When the revision was registered.
    pub registered_at: Option<Timestamp>,
    /// When the revision was deregistered.
    pub deregistered_at: Option<Timestamp>,
    /// Who registered it.
    pub registered_by: Option<String>,
}

/// A name and a value (environment variables).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyValuePair {
    /// The name.
    pub name: Option<String>,
    /// The value.
    pub value: Option<String>,
}

/// A per-container override of a RunTask or StartTask call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerOverride {
    /// The container to override (required when anything else is set).
    pub name: Option<String>,
    /// The command.
    pub command: Option<Vec<String>>,
    /// Environment variables.
    pub environment: Option<Vec<KeyValuePair>>,
    /// Environment files (kept as JSON).
    pub environment_files: Option<Value>,
    /// CPU units.
    pub cpu: Option<i64>,
    /// Hard memory limit, MiB.
    pub memory: Option<i64>,
    /// Soft memory limit, MiB.
    pub memory_reservation: Option<i64>,
    /// GPU requirements.
    pub resource_requirements: Option<Vec<ResourceRequirement>>,
}

/// The overrides of a RunTask or StartTask call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskOverride {
    /// Per-container overrides.
    pub container_overrides: Option<Vec<ContainerOverride>>,
    /// Task-level CPU.
    pub cpu: Option<String>,
    /// Task-level memory.
    pub memory: Option<String>,
    /// The execution role.
    pub execution_role_arn: Option<String>,
    /// The task role.
    pub task_role_arn: Option<String>,
    /// Ephemeral storage (kept as JSON).
    pub ephemeral_storage: Option<Value>,
    /// Inference accelerator overrides (kept as JSON).
    pub inference_accelerator_overrides: Option<Value>,
}

/// A host port a container got.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkBinding {
    /// The bound address.
    #[serde(rename = "bindIP")]
    pub bind_ip: Option<Arc<str>>,
    /// The container's port.
    pub container_port: Option<i64>,
    /// The host's port.
    pub host_port: Option<i64>,
    /// `tcp` or `udp`.
    pub protocol: Option<TransportProtocol>,
    /// A container port range.
    pub container_port_range: Option<Arc<str>>,
    /// A host port range.
    pub host_port_range: Option<Arc<str>>,
}

/// A container of a task.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// The container's ARN.
    pub container_arn: Option<Arc<str>>,
    /// The task's ARN.
    pub task_arn: Option<Arc<str>>,
    /// The container's name.
    pub name: Option<Arc<str>>,
    /// The image.
    pub image: Option<Arc<str>>,
    /// `PENDING`, `RUNNING`, ...
    pub last_status: Option<Arc<str>>,
    /// Host ports.
    pub network_bindings: Option<Vec<NetworkBinding>>,
    /// CPU units, as a string (an integer is read too: moto writes one).
    #[serde(default, deserialize_with = "lenient::string_or_integer")]
    pub cpu: Option<Arc<str>>,
    /// Hard memory limit, as a string (an integer is read too: moto writes one).
    #[serde(default, deserialize_with = "lenient::string_or_integer")]
    pub memory: Option<Arc<str>>,
    /// Soft memory limit, as a string (an integer is read too: moto writes one).
    #[serde(default, deserialize_with = "lenient::string_or_integer")]
    pub memory_reservation: Option<Arc<str>>,
    /// The GPUs given to the container.
    pub gpu_ids: Option<Vec<String>>,
    /// The exit code.
    pub exit_code: Option<i64>,
    /// Why the container stopped.
    pub reason: Option<Arc<str>>,
}

/// A task as `DescribeTasks` and `RunTask` return it.
///
/// Its text members (and its containers' and their bindings') are `Arc<str>`: the tasks of one
/// RunTask call share their cluster, definition, status, CPU, memory, group and container
/// names, so describing a task copies pointers instead of allocating a dozen strings (half a
/// steady `Placer` call's cost with `String`s). Read them with `as_deref()`; build them with
/// `.into()` from a `&str` or a `String`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The task's ARN.
    pub task_arn: Option<Arc<str>>,
    /// The cluster's ARN.
    pub cluster_arn: Option<Arc<str>>,
    /// The task definition revision's ARN.
    pub task_definition_arn: Option<Arc<str>>,
    /// The instance the task is on (absent on Fargate).
    pub container_instance_arn: Option<Arc<str>>,
    /// The overrides it was started with.
    pub overrides: Option<TaskOverride>,
    /// `PROVISIONING`, `PENDING`, `RUNNING`, `STOPPED`, ...
    pub last_status: Option<Arc<str>>,
    /// `RUNNING`, `PENDING` or `STOPPED`.
    pub desired_status: Option<DesiredStatus>,
    /// Task-level CPU, as a string of units (an integer is read too: moto writes one).
    #[serde(default, deserialize_with = "lenient::string_or_integer")]
    pub cpu: Option<Arc<str>>,
    /// Task-level memory, as a string of MiB (an integer is read too: moto writes one).
    #[serde(default, deserialize_with = "lenient::string_or_integer")]
    pub memory: Option<Arc<str>>,
    /// The containers.
    pub containers: Option<Vec<Container>>,
    /// Who started the task.
    pub started_by: Option<Arc<str>>,
    /// The record version.
    pub version: Option<i64>,
    /// The task group.
    pub group: Option<Arc<str>>,
    /// The launch type.
    pub launch_type: Option<LaunchType>,
    /// The capacity provider.
    pub capacity_provider_name: Option<Arc<str>>,
    /// The Availability Zone.
    pub availability_zone: Option<Arc<str>>,
    /// The Fargate platform version.
    pub platform_version: Option<Arc<str>>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Attributes of the task.
    pub attributes: Option<Vec<Attribute>>,
    /// When the task was created.
    pub created_at: Option<Timestamp>,
    /// When the task started.
    pub started_at: Option<Timestamp>,
    /// When the task stopped.
    pub stopped_at: Option<Timestamp>,
    /// Why the task stopped.
    pub stopped_reason: Option<Arc<str>>,
    /// Whether ECS Exec is on.
    pub enable_execute_command: Option<bool>,
}

/// One item of a capacity provider strategy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProviderStrategyItem {
    /// The provider's short name.
    pub capacity_provider: String,
    /// Relative share after the base, 0..=1000 (default 0).
    pub weight: Option<i64>,
    /// Tasks placed first on this provider, 0..=100000 (default 0).
    pub base: Option<i64>,
}

/// A cluster as `DescribeClusters` returns it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    /// The cluster's ARN.
    pub cluster_arn: Option<String>,
    /// The cluster's name.
    pub cluster_name: Option<String>,
    /// `ACTIVE`, `PROVISIONING`, ...
    pub status: Option<String>,
    /// Registered container instances.
    pub registered_container_instances_count: Option<i64>,
    /// Running tasks.
    pub running_tasks_count: Option<i64>,
    /// Pending tasks.
    pub pending_tasks_count: Option<i64>,
    /// Active services.
    pub active_services_count: Option<i64>,
    /// The capacity providers associated with the cluster.
    pub capacity_providers: Option<Vec<String>>,
    /// The strategy used when a call gives neither a strategy nor a launch type.
    pub default_capacity_provider_strategy: Option<Vec<CapacityProviderStrategyItem>>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Settings (kept as JSON).
    pub settings: Option<Value>,
}

/// A capacity provider as `DescribeCapacityProviders` returns it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProvider {
    /// The provider's ARN.
    pub capacity_provider_arn: Option<String>,
    /// The provider's name.
    pub name: Option<String>,
    /// The cluster a Managed Instances provider belongs to.
    pub cluster: Option<String>,
    /// `ACTIVE`, `INACTIVE`, ...
    pub status: Option<CapacityProviderStatus>,
    /// `EC2_AUTOSCALING`, `FARGATE`, ...
    #[serde(rename = "type")]
    pub kind: Option<CapacityProviderType>,
    /// The Auto Scaling group settings (kept as JSON).
    pub auto_scaling_group_provider: Option<Value>,
    /// The Managed Instances settings (kept as JSON).
    pub managed_instances_provider: Option<Value>,
    /// The status of the last update.
    pub update_status: Option<String>,
    /// Why the last update has its status.
    pub update_status_reason: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}

/// A placement constraint of a call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacementConstraint {
    /// `distinctInstance` or `memberOf`.
    #[serde(rename = "type")]
    pub kind: Option<PlacementConstraintType>,
    /// The cluster query expression (memberOf only).
    pub expression: Option<String>,
}

/// A placement strategy of a call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacementStrategy {
    /// `random`, `spread` or `binpack`.
    #[serde(rename = "type")]
    pub kind: Option<PlacementStrategyType>,
    /// What to spread over or binpack on.
    pub field: Option<String>,
}

/// The awsvpc settings of a call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsVpcConfiguration {
    /// Subnets (at most 16).
    pub subnets: Option<Vec<String>>,
    /// Security groups (at most 5).
    pub security_groups: Option<Vec<String>>,
    /// Whether to assign a public IP.
    pub assign_public_ip: Option<AssignPublicIp>,
}

/// The network settings of a call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfiguration {
    /// The awsvpc settings.
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
}

/// A `RunTask` call, every member of the request syntax.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTaskRequest {
    /// The capacity provider strategy.
    pub capacity_provider_strategy: Option<Vec<CapacityProviderStrategyItem>>,
    /// An idempotency token.
    pub client_token: Option<String>,
    /// The cluster (name or ARN); `default` when absent.
    pub cluster: Option<String>,
    /// How many tasks, 1..=10 (default 1).
    pub count: Option<i64>,
    /// Whether ECS adds its managed tags.
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: Option<bool>,
    /// Whether ECS Exec is on.
    pub enable_execute_command: Option<bool>,
    /// The task group; `family:<family>` when absent.
    pub group: Option<String>,
    /// The launch type.
    pub launch_type: Option<LaunchType>,
    /// The awsvpc settings.
    pub network_configuration: Option<NetworkConfiguration>,
    /// Overrides.
    pub overrides: Option<TaskOverride>,
    /// Constraints (joined with the task definition's).
    pub placement_constraints: Option<Vec<PlacementConstraint>>,
    /// Strategies, applied in order.
    pub placement_strategy: Option<Vec<PlacementStrategy>>,
    /// The Fargate platform version.
    pub platform_version: Option<String>,
    /// Where tags come from.
    pub propagate_tags: Option<PropagateTags>,
    /// A reference id (at most 1024 characters).
    pub reference_id: Option<String>,
    /// Who starts the task.
    pub started_by: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// `family`, `family:revision` or the ARN.
    pub task_definition: Option<String>,
    /// Volume configurations (kept as JSON).
    pub volume_configurations: Option<Value>,
}

/// A failure of a call: the resource and why.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The failed resource (a container instance for placement failures).
    pub arn: Option<String>,
    /// Why, e.g. `RESOURCE:MEMORY`.
    pub reason: Option<String>,
    /// Details.
    pub detail: Option<String>,
}

/// The answer to `RunTask`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTaskResponse {
    /// The tasks placed.
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// Why tasks were not placed.
    #[serde(default)]
    pub failures: Vec<Failure>,
}

/// A `StartTask` call: explicit instances, no strategies.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartTaskRequest {
    /// The cluster (name or ARN); `default` when absent.
    pub cluster: Option<String>,
    /// Instances by ARN or id (at most 10).
    pub container_instances: Option<Vec<String>>,
    /// Whether ECS adds its managed tags.
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: Option<bool>,
    /// Whether ECS Exec is on.
    pub enable_execute_command: Option<bool>,
    /// The task group.
    pub group: Option<String>,
    /// The awsvpc settings.
    pub network_configuration: Option<NetworkConfiguration>,
    /// Overrides.
    pub overrides: Option<TaskOverride>,
    /// Where tags come from.
    pub propagate_tags: Option<PropagateTags>,
    /// A reference id.
    pub reference_id: Option<String>,
    /// Who starts the task.
    pub started_by: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// `family`, `family:revision` or the ARN.
    pub task_definition: Option<String>,
    /// Volume configurations (kept as JSON).
    pub volume_configurations: Option<Value>,
}

/// The answer to `StartTask`.
pub type StartTaskResponse = RunTaskResponse;

/// A `ListContainerInstances` call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListContainerInstancesRequest {
    /// The cluster.
    pub cluster: Option<String>,
    /// A cluster query expression.
    pub filter: Option<String>,
    /// Page size (1..=100).
    pub max_results: Option<i64>,
    /// Continuation token.
    pub next_token: Option<String>,
    /// Only instances with this status.
    pub status: Option<ContainerInstanceStatus>,
}

/// The answer to `ListContainerInstances`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListContainerInstancesResponse {
    /// The matching instances' ARNs.
    #[serde(default)]
    pub container_instance_arns: Vec<String>,
    /// Continuation token.
    pub next_token: Option<String>,
}

/// The answer to `DescribeContainerInstances` (a valid snapshot on its own).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeContainerInstancesResponse {
    /// The instances.
    #[serde(default)]
    pub container_instances: Vec<ContainerInstance>,
    /// Instances that could not be described.
    #[serde(default)]
    pub failures: Vec<Failure>,
}
