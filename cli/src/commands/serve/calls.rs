//! The `serve` operations that change the cluster between RunTask calls: registering and
//! deregistering instances, their state, their agent and their attributes, and task definition
//! revisions (docs/SERVE.md, "Cluster-changing calls"). Each reads its request strictly (the
//! API's request members; any other is an `InvalidParameterException` naming it), checks the
//! `cluster` member as every call does, applies the library's call to the server's `Placer`
//! and answers as the API answers.

use ecs_placement::aws::shapes::{
    ATTRIBUTE, CONTAINER_INSTANCE, DELETE_ATTRIBUTES_REQUEST,
    DEREGISTER_CONTAINER_INSTANCE_REQUEST, DEREGISTER_TASK_DEFINITION_REQUEST, Member,
    PLATFORM_DEVICE, PUT_ATTRIBUTES_REQUEST, REGISTER_TASK_DEFINITION_REQUEST, RESOURCE, Shape,
    TAG, UPDATE_CONTAINER_INSTANCES_STATE_REQUEST, VERSION_INFO,
};
use ecs_placement::aws::{
    Attribute, ContainerInstance, ContainerInstanceStatus, Failure, Resource, Tag, TaskDefinition,
    VersionInfo,
};
use ecs_placement::model::{AVAILABILITY_ZONE_ATTRIBUTE, Snapshot};
use ecs_placement::request::ValidationContext;
use ecs_placement::request::limits::check_cluster;
use ecs_placement::{EcsError, Placer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::read_shaped;

/// `registerContainerInstance` takes the RegisterContainerInstance request's members, or
/// `containerInstance` (a whole `ContainerInstance`, as DescribeContainerInstances writes it)
/// with `cluster` alone.
static REGISTER_CONTAINER_INSTANCE_REQUEST: Shape = Shape {
    name: "RegisterContainerInstanceRequest",
    members: &[
        Member::holding("attributes", &ATTRIBUTE),
        Member::value("cluster"),
        Member::holding("containerInstance", &CONTAINER_INSTANCE),
        Member::value("containerInstanceArn"),
        Member::value("instanceIdentityDocument"),
        Member::value("instanceIdentityDocumentSignature"),
        Member::holding("platformDevices", &PLATFORM_DEVICE),
        Member::holding("tags", &TAG),
        Member::holding("totalResources", &RESOURCE),
        Member::holding("versionInfo", &VERSION_INFO),
    ],
};

/// `setAgentConnected` is no API call: an emulator's agent going away and coming back.
static SET_AGENT_CONNECTED_REQUEST: Shape = Shape {
    name: "SetAgentConnectedRequest",
    members: &[
        Member::value("agentConnected"),
        Member::value("cluster"),
        Member::value("containerInstance"),
    ],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterContainerInstanceRequest {
    cluster: Option<String>,
    container_instance: Option<ContainerInstance>,
    attributes: Option<Vec<Attribute>>,
    container_instance_arn: Option<String>,
    instance_identity_document: Option<String>,
    // `instanceIdentityDocumentSignature` and `platformDevices` are accepted (the shape lists
    // them) and not read: nothing signs here, and GPUs are the `GPU` resource of
    // `totalResources`.
    tags: Option<Vec<Tag>>,
    total_resources: Option<Vec<Resource>>,
    version_info: Option<VersionInfo>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeregisterContainerInstanceRequest {
    cluster: Option<String>,
    container_instance: Option<String>,
    force: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateContainerInstancesStateRequest {
    cluster: Option<String>,
    container_instances: Option<Vec<String>>,
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetAgentConnectedRequest {
    cluster: Option<String>,
    container_instance: Option<String>,
    agent_connected: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct AttributesRequest {
    cluster: Option<String>,
    attributes: Option<Vec<Attribute>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeregisterTaskDefinitionRequest {
    task_definition: Option<String>,
}

/// The answer of the calls that describe one instance.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContainerInstanceResponse {
    container_instance: Option<ContainerInstance>,
}

/// The UpdateContainerInstancesState answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContainerInstancesResponse {
    container_instances: Vec<ContainerInstance>,
    failures: Vec<Failure>,
}

/// The PutAttributes and DeleteAttributes answer: the attributes of the request.
#[derive(Debug, Serialize)]
pub(super) struct AttributesResponse {
    attributes: Vec<Attribute>,
}

/// The RegisterTaskDefinition and DeregisterTaskDefinition answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TaskDefinitionResponse {
    task_definition: Option<TaskDefinition>,
}

fn cluster(snapshot: &Snapshot, cluster: Option<&str>) -> Result<(), EcsError> {
    check_cluster(cluster, &ValidationContext::from_snapshot(snapshot))
}

fn required<T>(value: Option<T>, what: &str) -> Result<T, EcsError> {
    value.ok_or_else(|| EcsError::invalid_parameter(format!("{what} is required")))
}

/// The instances at `positions` as the snapshot document describes them (what the `snapshot`
/// operation writes).
fn describe(snapshot: &Snapshot, positions: &[u32]) -> Vec<ContainerInstance> {
    positions
        .iter()
        .filter_map(|&p| snapshot.describe_instance(p))
        .collect()
}

fn describe_one(snapshot: &Snapshot, name: &str) -> ContainerInstanceResponse {
    let position = snapshot.find_instance(name);
    ContainerInstanceResponse {
        container_instance: position.and_then(|p| describe(snapshot, &[p]).pop()),
    }
}

/// `registerContainerInstance`: `{"containerInstance": {...}}`, or the request's members.
pub(super) fn register_container_instance(
    placer: &mut Placer,
    value: Option<&Value>,
) -> Result<ContainerInstanceResponse, EcsError> {
    let request: RegisterContainerInstanceRequest =
        read_shaped(value, &REGISTER_CONTAINER_INSTANCE_REQUEST)?;
    cluster(placer.snapshot(), request.cluster.as_deref())?;
    let instance = instance_of(request)?;
    let arn = placer.register_container_instance(instance)?;
    Ok(describe_one(placer.snapshot(), &arn))
}

/// The instance a registration describes. The request form takes `totalResources` as the
/// registered resources, and the EC2 instance id and availability zone from the identity
/// document's `instanceId` and `availabilityZone`.
fn instance_of(request: RegisterContainerInstanceRequest) -> Result<ContainerInstance, EcsError> {
    if let Some(instance) = request.container_instance {
        let mixed = [
            ("attributes", request.attributes.is_some()),
            (
                "containerInstanceArn",
                request.container_instance_arn.is_some(),
            ),
            (
                "instanceIdentityDocument",
                request.instance_identity_document.is_some(),
            ),
            ("tags", request.tags.is_some()),
            ("totalResources", request.total_resources.is_some()),
            ("versionInfo", request.version_info.is_some()),
        ];
        if let Some((member, _)) = mixed.iter().find(|(_, given)| *given) {
            return Err(EcsError::invalid_parameter(format!(
                "{member}: give either containerInstance (a whole ContainerInstance) or the \
                 RegisterContainerInstance request's members, not both"
            )));
        }
        return Ok(instance);
    }
    let mut attributes = request.attributes.unwrap_or_default();
    let mut ec2_instance_id = None;
    if let Some(text) = request.instance_identity_document.as_deref() {
        let document: Value = serde_json::from_str(text).map_err(|e| {
            EcsError::client(format!(
                "instanceIdentityDocument is not the instance identity document's JSON: {e}"
            ))
        })?;
        let member = |name: &str| -> Result<Option<String>, EcsError> {
            match document.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(_) => Err(EcsError::client(format!(
                    "instanceIdentityDocument.{name} must be a string"
                ))),
            }
        };
        ec2_instance_id = member("instanceId")?;
        if let Some(zone) = member("availabilityZone")? {
            match attributes
                .iter()
                .find(|a| a.name == AVAILABILITY_ZONE_ATTRIBUTE)
            {
                Some(given) if given.value.as_deref() != Some(zone.as_str()) => {
                    return Err(EcsError::invalid_parameter(format!(
                        "attributes give {AVAILABILITY_ZONE_ATTRIBUTE} {:?} but the \
                         instanceIdentityDocument's availabilityZone is {zone:?}",
                        given.value.as_deref().unwrap_or("")
                    )));
                }
                Some(_) => {}
                None => attributes.push(Attribute {
                    name: AVAILABILITY_ZONE_ATTRIBUTE.to_owned(),
                    value: Some(zone),
                    ..Attribute::default()
                }),
            }
        }
    }
    Ok(ContainerInstance {
        container_instance_arn: request.container_instance_arn,
        ec2_instance_id,
        version_info: request.version_info,
        registered_resources: request.total_resources,
        attributes: Some(attributes),
        tags: request.tags,
        ..ContainerInstance::default()
    })
}

/// `deregisterContainerInstance`: `{"cluster", "containerInstance", "force"}`; answers the
/// instance as described after the call (`INACTIVE`).
pub(super) fn deregister_container_instance(
    placer: &mut Placer,
    value: Option<&Value>,
) -> Result<ContainerInstanceResponse, EcsError> {
    let request: DeregisterContainerInstanceRequest =
        read_shaped(value, &DEREGISTER_CONTAINER_INSTANCE_REQUEST)?;
    cluster(placer.snapshot(), request.cluster.as_deref())?;
    let name = required(request.container_instance, "containerInstance")?;
    placer.deregister_container_instance(&name, request.force.unwrap_or(false))?;
    Ok(describe_one(placer.snapshot(), &name))
}

/// `updateContainerInstancesState`: `{"cluster", "containerInstances", "status"}`; answers
/// the updated instances and a failure per name not updated.
pub(super) fn update_container_instances_state(
    placer: &mut Placer,
    value: Option<&Value>,
) -> Result<ContainerInstancesResponse, EcsError> {
    let request: UpdateContainerInstancesStateRequest =
        read_shaped(value, &UPDATE_CONTAINER_INSTANCES_STATE_REQUEST)?;
    cluster(placer.snapshot(), request.cluster.as_deref())?;
    let names = required(request.container_instances, "containerInstances")?;
    let status = required(request.status, "status")?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let update =
        placer.update_container_instances_state(&names, ContainerInstanceStatus::parse(&status))?;
    Ok(ContainerInstancesResponse {
        container_instances: describe(placer.snapshot(), &update.updated),
        failures: update.failures,
    })
}

/// `setAgentConnected`: `{"cluster", "containerInstance", "agentConnected"}`; answers the
/// instance as described after the call.
pub(super) fn set_agent_connected(
    placer: &mut Placer,
    value: Option<&Value>,
) -> Result<ContainerInstanceResponse, EcsError> {
    let request: SetAgentConnectedRequest = read_shaped(value, &SET_AGENT_CONNECTED_REQUEST)?;
    cluster(placer.snapshot(), request.cluster.as_deref())?;
    let name = required(request.container_instance, "containerInstance")?;
    let connected = required(request.agent_connected, "agentConnected")?;
    let position = placer.set_agent_connected(&name, connected)?;
    Ok(ContainerInstanceResponse {
        container_instance: describe(placer.snapshot(), &[position]).pop(),
    })
}

/// `putAttributes` (`delete` false) and `deleteAttributes`: `{"cluster", "attributes"}`;
/// answers the request's attributes.
pub(super) fn change_attributes(
    placer: &mut Placer,
    value: Option<&Value>,
    delete: bool,
) -> Result<AttributesResponse, EcsError> {
    let shape = if delete {
        &DELETE_ATTRIBUTES_REQUEST
    } else {
        &PUT_ATTRIBUTES_REQUEST
    };
    let request: AttributesRequest = read_shaped(value, shape)?;
    cluster(placer.snapshot(), request.cluster.as_deref())?;
    let attributes = required(request.attributes, "attributes")?;
    if delete {
        placer.delete_attributes(&attributes)?;
    } else {
        placer.put_attributes(&attributes)?;
    }
    Ok(AttributesResponse { attributes })
}

/// `registerTaskDefinition`: the RegisterTaskDefinition request; answers the registered
/// revision (its ARN, revision and status `ACTIVE`).
pub(super) fn register_task_definition(
    placer: &mut Placer,
    value: Option<&Value>,
) -> Result<TaskDefinitionResponse, EcsError> {
    let definition: TaskDefinition = read_shaped(value, &REGISTER_TASK_DEFINITION_REQUEST)?;
    let arn = placer.register_task_definition(definition)?;
    Ok(task_definition(placer.snapshot(), &arn))
}

/// `deregisterTaskDefinition`: `{"taskDefinition": "family:revision" or its ARN}`; answers
/// the revision, now `INACTIVE`.
pub(super) fn deregister_task_definition(
    placer: &mut Placer,
    value: Option<&Value>,
) -> Result<TaskDefinitionResponse, EcsError> {
    let request: DeregisterTaskDefinitionRequest =
        read_shaped(value, &DEREGISTER_TASK_DEFINITION_REQUEST)?;
    let name = required(request.task_definition, "taskDefinition")?;
    placer.deregister_task_definition(&name)?;
    Ok(task_definition(placer.snapshot(), &name))
}

/// The revision named by its ARN or `family:revision`.
fn task_definition(snapshot: &Snapshot, name: &str) -> TaskDefinitionResponse {
    let found = snapshot.task_definitions().iter().find(|d| {
        d.task_definition_arn.as_deref() == Some(name)
            || match (d.family.as_deref(), d.revision) {
                (Some(family), Some(revision)) => name == format!("{family}:{revision}"),
                _ => false,
            }
    });
    TaskDefinitionResponse {
        task_definition: found.cloned(),
    }
}
