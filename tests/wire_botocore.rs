//! Checks the wire shapes in `ecs_placement::aws` against the botocore ECS API model in
//! `tests/fixtures/botocore-ecs/` (botocore's own files, kept in the repository; see its README):
//!
//! * for each shape the crate models, a document with every model member filled in is read into
//!   the Rust type and written back, and no member that placement or the response needs is lost
//!   (shapes the crate models completely must come back unchanged);
//! * members the crate does not know are ignored on input;
//! * every wire enum lists exactly the model's values, in the model's order;
//! * the `examples-1.json` inputs and outputs of the operations the crate serves load and keep
//!   the same members;
//! * timestamps load both as the SDKs send them (epoch seconds) and as the CLI prints them
//!   (ISO-8601).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use ecs_placement::aws::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Where the botocore fixtures live: inside the repository, so a fresh clone tests alone.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/botocore-ecs");

/// The instant every generated timestamp holds (epoch seconds, as the SDKs send it).
const EPOCH: i64 = 1_529_360_908;

/// How many structures deep the generator goes. The deepest shape tested here
/// (`RunTaskResponse`) nests 7 structures and the model has no cycles today, so this cap cuts
/// nothing; it only keeps a future recursive shape from recursing forever.
const MAX_DEPTH: usize = 8;

fn read_fixture(name: &str) -> Value {
    let path = format!("{FIXTURES}/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// The model's `shapes` table, parsed once: the file is close to a megabyte.
fn shapes() -> &'static Map<String, Value> {
    static MODEL: OnceLock<Value> = OnceLock::new();
    let model = MODEL.get_or_init(|| read_fixture("service-2.json"));
    model["shapes"]
        .as_object()
        .expect("the model has a shapes table")
}

fn shape(name: &str) -> &'static Value {
    shapes()
        .get(name)
        .unwrap_or_else(|| panic!("the model has no shape `{name}`"))
}

// ---------------------------------------------------------------------------------------------
// Generator: a document with every member of a model shape filled in.
// ---------------------------------------------------------------------------------------------

/// A document for `shape_name` with every member filled in, recursively.
fn generate(shape_name: &str) -> Value {
    fill(shape_name, "value", 0).unwrap_or_else(|| panic!("`{shape_name}` is too deep to fill"))
}

/// A value of `shape_name`; `hint` is the member name, used to make strings recognisable.
/// `None` when the structure nesting passes [`MAX_DEPTH`].
fn fill(shape_name: &str, hint: &str, depth: usize) -> Option<Value> {
    let def = shape(shape_name);
    let kind = def["type"].as_str().unwrap_or_default();
    match kind {
        "structure" => fill_structure(shape_name, depth),
        "list" => {
            let item = fill(member_shape(&def["member"]), hint, depth)?;
            Some(Value::Array(vec![item]))
        }
        "map" => fill_map(def, hint, depth),
        "string" => Some(fill_string(def, hint)),
        "integer" | "long" => Some(json!(2)),
        "double" => Some(json!(1.5)),
        "boolean" => Some(Value::Bool(true)),
        "timestamp" => Some(json!(EPOCH)),
        // A new kind of shape must get a generator, not be skipped silently.
        other => panic!("shape `{shape_name}` has type `{other}`, which the generator lacks"),
    }
}

fn fill_structure(shape_name: &str, depth: usize) -> Option<Value> {
    if depth >= MAX_DEPTH {
        return None;
    }
    let members = shape(shape_name)["members"].as_object()?;
    let mut object = Map::new();
    for (name, member) in members {
        // The JSON protocol keys members by their model name; a `locationName` would rename the
        // key, and no ECS member has one. Fail loudly if that ever changes.
        assert!(
            member.get("locationName").is_none(),
            "{shape_name}.{name} has a locationName the generator ignores"
        );
        if let Some(value) = fill(member_shape(member), name, depth + 1) {
            object.insert(name.clone(), value);
        }
    }
    Some(Value::Object(object))
}

fn fill_map(def: &Value, hint: &str, depth: usize) -> Option<Value> {
    let key = fill(member_shape(&def["key"]), "key", depth)?;
    let value = fill(member_shape(&def["value"]), hint, depth)?;
    let key = key.as_str().expect("map keys are strings").to_owned();
    Some(Value::Object(Map::from_iter([(key, value)])))
}

/// The first enum value for enums (so the Rust enum reads a known variant), otherwise a
/// string that names the member it fills.
fn fill_string(def: &Value, hint: &str) -> Value {
    match def.get("enum").and_then(|values| values.get(0)) {
        Some(first) => first.clone(),
        None => Value::String(format!("{hint}-1")),
    }
}

fn member_shape(member: &Value) -> &str {
    member["shape"].as_str().expect("a member names its shape")
}

// ---------------------------------------------------------------------------------------------
// Round trip and loss detection.
// ---------------------------------------------------------------------------------------------

/// Reads `doc` into `T` and writes it back.
fn round_trip<T: DeserializeOwned + Serialize>(doc: &Value) -> Value {
    let typed: T = serde_json::from_value(doc.clone())
        .unwrap_or_else(|e| panic!("{} does not read {doc:#}: {e}", std::any::type_name::<T>()));
    serde_json::to_value(&typed).expect("a wire shape always writes")
}

/// Every member of `input` that `output` lacks or holds with a different value, as a path with
/// `*` for array positions (so it compares with the paths in [`Keep::Paths`]).
fn lost_members(input: &Value, output: &Value) -> Vec<String> {
    let mut lost = Vec::new();
    collect_losses(input, output, "", &mut lost);
    lost.sort();
    lost.dedup();
    lost
}

fn collect_losses(input: &Value, output: &Value, path: &str, lost: &mut Vec<String>) {
    match (input, output) {
        (Value::Object(inp), Value::Object(out)) => {
            for (key, value) in inp {
                let child = join(path, key);
                match out.get(key) {
                    Some(kept) => collect_losses(value, kept, &child, lost),
                    None => lost.push(child),
                }
            }
        }
        (Value::Array(inp), Value::Array(out)) if inp.len() == out.len() => {
            for (value, kept) in inp.iter().zip(out) {
                collect_losses(value, kept, &join(path, "*"), lost);
            }
        }
        _ if input == output => {}
        _ => lost.push(path.to_owned()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}/{key}")
    }
}

/// Whether `path` (segments joined by `/`, `*` for any array position) names a value in `doc`.
fn resolves(doc: &Value, path: &str) -> bool {
    let (head, rest) = path.split_once('/').unwrap_or((path, ""));
    let next: Vec<&Value> = match (head, doc) {
        ("*", Value::Array(items)) => items.iter().collect(),
        (key, Value::Object(members)) => members.get(key).into_iter().collect(),
        _ => Vec::new(),
    };
    if rest.is_empty() {
        return !next.is_empty();
    }
    next.iter().any(|value| resolves(value, rest))
}

/// What a round trip of a shape must keep.
enum Keep {
    /// Every member: the crate models the whole shape, so the document comes back unchanged.
    Everything,
    /// These members (paths as in [`lost_members`]): what placement or the response needs. The
    /// crate drops the rest of the shape on purpose.
    Paths(Vec<String>),
}

/// A model shape, the Rust type that reads it, and what the round trip must keep.
struct Case {
    shape: &'static str,
    keep: Keep,
    round_trip: fn(&Value) -> Value,
}

impl Case {
    /// Asserts that reading and writing `doc` keeps what [`Case::keep`] says. With
    /// `require_paths`, each needed path must be present in `doc` (true for generated documents,
    /// so a path the model renamed or misspelt fails instead of passing vacuously).
    fn check(&self, doc: &Value, require_paths: bool) {
        let lost = lost_members(doc, &(self.round_trip)(doc));
        let paths = match &self.keep {
            Keep::Everything => {
                assert!(lost.is_empty(), "{} lost {lost:?}", self.shape);
                return;
            }
            Keep::Paths(paths) => paths,
        };
        for path in paths {
            let present = resolves(doc, path);
            assert!(
                present || !require_paths,
                "{}: no `{path}` in {doc:#}",
                self.shape
            );
            let under = format!("{path}/");
            let hit = lost.iter().find(|l| *l == path || l.starts_with(&under));
            assert!(
                hit.is_none(),
                "{} lost {hit:?}, which is needed",
                self.shape
            );
        }
    }
}

// The needed members of the shapes the crate models only in part. Sub-shapes the crate models
// completely (PortMapping, ResourceRequirement, TaskOverride, NetworkBinding, ...) are named
// whole, so every member under them counts.

const CONTAINER_INSTANCE_NEEDS: &[&str] = &[
    "containerInstanceArn",
    "ec2InstanceId",
    "capacityProviderName",
    "versionInfo",
    "remainingResources",
    "registeredResources",
    "status",
    "agentConnected",
    "runningTasksCount",
    "pendingTasksCount",
    "attributes",
    "registeredAt",
    "tags",
];

/// What a container definition gives placement: resources and ports.
const CONTAINER_DEFINITION_NEEDS: &[&str] = &[
    "name",
    "cpu",
    "memory",
    "memoryReservation",
    "portMappings",
    "resourceRequirements",
    "essential",
];

/// Task-level members; the containers' come from [`CONTAINER_DEFINITION_NEEDS`].
const TASK_DEFINITION_NEEDS: &[&str] = &[
    "family",
    "revision",
    "taskDefinitionArn",
    "status",
    "cpu",
    "memory",
    "networkMode",
    "compatibilities",
    "requiresCompatibilities",
    "requiresAttributes",
    "placementConstraints",
];

const CONTAINER_NEEDS: &[&str] = &["name", "lastStatus", "networkBindings", "gpuIds"];

/// Every task-level member `RunTask` fills in a task it places; the containers' come from
/// [`CONTAINER_NEEDS`].
const TASK_NEEDS: &[&str] = &[
    "taskArn",
    "clusterArn",
    "containerInstanceArn",
    "taskDefinitionArn",
    "group",
    "launchType",
    "capacityProviderName",
    "availabilityZone",
    "cpu",
    "memory",
    "lastStatus",
    "desiredStatus",
    "startedBy",
    "tags",
    "overrides",
];

const CLUSTER_NEEDS: &[&str] = &[
    "clusterArn",
    "clusterName",
    "capacityProviders",
    "defaultCapacityProviderStrategy",
    "status",
];

const CAPACITY_PROVIDER_NEEDS: &[&str] = &[
    "name",
    "capacityProviderArn",
    "status",
    "type",
    "autoScalingGroupProvider",
];

/// `paths`, each under `prefix`.
fn under(prefix: &str, paths: &[String]) -> Vec<String> {
    paths.iter().map(|path| join(prefix, path)).collect()
}

fn owned(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|path| (*path).to_owned()).collect()
}

fn task_definition_needs() -> Vec<String> {
    let containers = owned(CONTAINER_DEFINITION_NEEDS);
    [
        owned(TASK_DEFINITION_NEEDS),
        under("containerDefinitions/*", &containers),
    ]
    .concat()
}

fn task_needs() -> Vec<String> {
    [
        owned(TASK_NEEDS),
        under("containers/*", &owned(CONTAINER_NEEDS)),
    ]
    .concat()
}

/// The whole `RunTask`/`StartTask` answer: the failures and every placed task.
fn task_response_needs() -> Vec<String> {
    [owned(&["failures"]), under("tasks/*", &task_needs())].concat()
}

fn describe_container_instances_needs() -> Vec<String> {
    let instances = owned(CONTAINER_INSTANCE_NEEDS);
    [
        owned(&["failures"]),
        under("containerInstances/*", &instances),
    ]
    .concat()
}

/// A [`Case`] for the Rust type `$ty`, which reads the model shape of the same name.
macro_rules! case {
    ($ty:ident, $keep:expr) => {
        Case {
            shape: stringify!($ty),
            keep: $keep,
            round_trip: round_trip::<$ty>,
        }
    };
}

/// Every shape the crate models, with what its round trip must keep.
fn cases() -> Vec<Case> {
    use Keep::{Everything, Paths};
    vec![
        case!(ContainerInstance, Paths(owned(CONTAINER_INSTANCE_NEEDS))),
        case!(Attribute, Everything),
        case!(Resource, Everything),
        case!(VersionInfo, Everything),
        case!(TaskDefinition, Paths(task_definition_needs())),
        case!(
            ContainerDefinition,
            Paths(owned(CONTAINER_DEFINITION_NEEDS))
        ),
        case!(PortMapping, Everything),
        case!(ResourceRequirement, Everything),
        case!(TaskDefinitionPlacementConstraint, Everything),
        case!(Task, Paths(task_needs())),
        case!(Container, Paths(owned(CONTAINER_NEEDS))),
        case!(NetworkBinding, Everything),
        case!(Cluster, Paths(owned(CLUSTER_NEEDS))),
        case!(CapacityProvider, Paths(owned(CAPACITY_PROVIDER_NEEDS))),
        case!(CapacityProviderStrategyItem, Everything),
        // Every member of the request syntax: the emulator validates all of them.
        case!(RunTaskRequest, Everything),
        case!(RunTaskResponse, Paths(task_response_needs())),
        case!(Failure, Everything),
        case!(StartTaskRequest, Everything),
        case!(StartTaskResponse, Paths(task_response_needs())),
        case!(ListContainerInstancesRequest, Everything),
        case!(ListContainerInstancesResponse, Everything),
        case!(
            DescribeContainerInstancesResponse,
            Paths(describe_container_instances_needs())
        ),
        case!(TaskOverride, Everything),
        case!(ContainerOverride, Everything),
        case!(PlacementConstraint, Everything),
        case!(PlacementStrategy, Everything),
        case!(NetworkConfiguration, Everything),
        case!(AwsVpcConfiguration, Everything),
        case!(Tag, Everything),
        case!(KeyValuePair, Everything),
    ]
}

fn case_for(shape: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.shape == shape)
        .unwrap_or_else(|| panic!("no case for `{shape}`"))
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_model_is_the_json_protocol() {
    // The generator keys members by name, which is right for the JSON protocol only.
    let model = read_fixture("service-2.json");
    assert_eq!(model["metadata"]["protocol"], "json");
}

#[test]
fn the_generator_fills_every_member() {
    // Guards the guard: a generated document that silently lacked members would make the round
    // trips below pass without checking them.
    let doc = generate("RunTaskRequest");
    let members = shape("RunTaskRequest")["members"].as_object().unwrap();
    assert_eq!(doc.as_object().unwrap().len(), members.len());
    let path = "overrides/containerOverrides/*/resourceRequirements/*/type";
    assert!(resolves(&doc, path), "{doc:#}");
    assert_eq!(doc["launchType"], "EC2");
    assert_eq!(doc["count"], 2);
}

#[test]
fn every_modelled_shape_keeps_what_placement_and_the_response_need() {
    for case in cases() {
        case.check(&generate(case.shape), true);
    }
}

#[test]
fn loss_detection_sees_a_dropped_member() {
    // A shape the crate models in part must show its drops, or the checks above prove nothing.
    let doc = generate("ContainerDefinition");
    let lost = lost_members(&doc, &round_trip::<ContainerDefinition>(&doc));
    assert!(lost.contains(&"logConfiguration".to_owned()), "{lost:?}");
    assert!(
        !lost.iter().any(|l| l.starts_with("portMappings")),
        "{lost:?}"
    );
}

#[test]
fn unknown_members_are_ignored() {
    let doc = generate("ContainerInstance");
    let mut extended = doc.clone();
    extended["aFutureMember"] = json!({ "nested": [1, "two"] });
    extended["versionInfo"]["aFutureMember"] = json!(true);
    let plain: ContainerInstance = serde_json::from_value(doc).unwrap();
    let with_extra: ContainerInstance = serde_json::from_value(extended).unwrap();
    assert_eq!(plain, with_extra);

    let mut request = generate("RunTaskRequest");
    request["aFutureMember"] = json!("x");
    let read: RunTaskRequest = serde_json::from_value(request).unwrap();
    assert_eq!(read.count, Some(2));
}

/// The model's values for the enum shape `name`.
fn model_enum(name: &str) -> Vec<&'static str> {
    let values = shape(name)["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("`{name}` is not an enum in the model"));
    values.iter().map(|v| v.as_str().unwrap()).collect()
}

#[test]
fn wire_enums_list_the_models_values_in_order() {
    let enums: &[(&str, &[&str])] = &[
        ("LaunchType", LaunchType::KNOWN),
        ("PlacementStrategyType", PlacementStrategyType::KNOWN),
        ("PlacementConstraintType", PlacementConstraintType::KNOWN),
        (
            "TaskDefinitionPlacementConstraintType",
            TaskDefinitionPlacementConstraintType::KNOWN,
        ),
        ("ResourceType", ResourceType::KNOWN),
        ("NetworkMode", NetworkMode::KNOWN),
        ("Compatibility", Compatibility::KNOWN),
        ("TransportProtocol", TransportProtocol::KNOWN),
        ("PropagateTags", PropagateTags::KNOWN),
        ("TaskDefinitionStatus", TaskDefinitionStatus::KNOWN),
        ("CapacityProviderStatus", CapacityProviderStatus::KNOWN),
        ("CapacityProviderType", CapacityProviderType::KNOWN),
        ("AssignPublicIp", AssignPublicIp::KNOWN),
        ("DesiredStatus", DesiredStatus::KNOWN),
        ("ApplicationProtocol", ApplicationProtocol::KNOWN),
        ("TargetType", TargetType::KNOWN),
    ];
    for (name, known) in enums {
        assert_eq!(model_enum(name), *known, "{name}");
    }
}

#[test]
fn container_instance_status_is_the_models_plus_inactive() {
    // The model's `ContainerInstanceStatus` only types inputs (the ListContainerInstances filter
    // and UpdateContainerInstancesState), which never name deregistered instances; yet
    // DescribeContainerInstances reports those as INACTIVE (`ContainerInstance.status` is a plain
    // string in the model). The Rust enum reads both, so it is the model's list plus INACTIVE.
    let (last, rest) = ContainerInstanceStatus::KNOWN.split_last().unwrap();
    assert_eq!(*last, "INACTIVE");
    assert_eq!(model_enum("ContainerInstanceStatus"), rest);
}

/// The examples of `operation`; at least one, so a renamed operation fails the test.
fn examples(operation: &str) -> Vec<Value> {
    let all = read_fixture("examples-1.json");
    let list = all["examples"][operation]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !list.is_empty(),
        "examples-1.json has no example of {operation}"
    );
    list
}

/// Checks `doc` (when present) with the case for `shape`; says whether there was one.
fn check_example(shape: &str, doc: Option<&Value>) -> bool {
    let Some(doc) = doc else { return false };
    case_for(shape).check(doc, false);
    true
}

/// Checks each element of the array `docs` with the case for `shape`; counts them.
fn check_each(shape: &str, docs: &Value) -> usize {
    let items = docs.as_array().map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter(|doc| check_example(shape, Some(doc)))
        .count()
}

#[test]
fn examples_of_the_placement_operations_load_and_round_trip() {
    let mut checked = 0;
    for example in examples("DescribeContainerInstances") {
        let output = example.get("output");
        checked += usize::from(check_example("DescribeContainerInstancesResponse", output));
    }
    for example in examples("ListContainerInstances") {
        checked += usize::from(check_example(
            "ListContainerInstancesRequest",
            example.get("input"),
        ));
        checked += usize::from(check_example(
            "ListContainerInstancesResponse",
            example.get("output"),
        ));
    }
    for example in examples("RunTask") {
        checked += usize::from(check_example("RunTaskRequest", example.get("input")));
        checked += usize::from(check_example("RunTaskResponse", example.get("output")));
    }
    for example in examples("DescribeTaskDefinition") {
        let output = example["output"].get("taskDefinition");
        checked += usize::from(check_example("TaskDefinition", output));
    }
    for example in examples("DescribeTasks") {
        checked += check_each("Task", &example["output"]["tasks"]);
        checked += check_each("Failure", &example["output"]["failures"]);
    }
    for example in examples("DescribeClusters") {
        checked += check_each("Cluster", &example["output"]["clusters"]);
    }
    // 1 + 2 + 2 + 1 + 1 + 1 documents in botocore 1.44.8's examples.
    assert!(
        checked >= 8,
        "only {checked} example documents were checked"
    );
}

/// The `registeredAt` of a container instance document that holds `registered_at`.
fn registered_at(registered_at: Value) -> Timestamp {
    let doc = json!({ "containerInstanceArn": "arn", "registeredAt": registered_at });
    let instance: ContainerInstance = serde_json::from_value(doc).unwrap();
    instance.registered_at.expect("registeredAt is read")
}

#[test]
fn registered_at_reads_iso_strings_and_epoch_numbers() {
    // The aws CLI prints timestamps as ISO-8601 with microseconds and an offset; the SDKs and
    // the raw API use epoch seconds, possibly fractional.
    let cli = registered_at(json!("2018-06-18T22:28:28.123000+00:00"));
    let sdk = registered_at(json!(1_529_360_908.123));
    assert_eq!(cli.as_millis(), 1_529_360_908_123);
    assert_eq!(cli, sdk);
    assert_eq!(
        registered_at(json!("2018-06-18T22:28:28Z")),
        registered_at(json!(EPOCH))
    );
    assert_eq!(registered_at(json!(EPOCH)).as_millis(), EPOCH * 1000);
}
