//! Holds `src/aws/model_shapes.rs` (the API model's structures with their member names, which
//! unknown members are checked against) to the botocore model in `tests/fixtures/botocore-ecs/`.
//!
//! The test generates the file from the model and compares: a newer model, or a new root
//! shape, fails here until the file is regenerated with
//! `UPDATE_SHAPES=1 cargo test --test wire_shapes` (which writes it, then passes).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::Value;

const MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/botocore-ecs/service-2.json"
);
const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws/model_shapes.rs");
const MODEL_VERSION: &str = "botocore 1.44.8";

/// The structures whose members are checked: the requests the crate, `serve` and the Python
/// package read, and the described resources a snapshot holds. Everything they hold is
/// generated too.
const ROOTS: &[&str] = &[
    "RunTaskRequest",
    "StartTaskRequest",
    "RegisterContainerInstanceRequest",
    "DeregisterContainerInstanceRequest",
    "UpdateContainerInstancesStateRequest",
    "PutAttributesRequest",
    "DeleteAttributesRequest",
    "RegisterTaskDefinitionRequest",
    "DeregisterTaskDefinitionRequest",
    "ContainerInstance",
    "Task",
    "TaskDefinition",
    "Cluster",
    "CapacityProvider",
];

fn model() -> Value {
    let text = std::fs::read_to_string(MODEL).expect("the botocore model is in the repository");
    serde_json::from_str(&text).expect("the botocore model is JSON")
}

/// `AwsVpcConfiguration` -> `AWS_VPC_CONFIGURATION`, `EBSTagSpecification` -> `EBS_TAG_SPECIFICATION`.
fn constant_name(shape: &str) -> String {
    let chars: Vec<char> = shape.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && match previous {
                None => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) => p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()),
            };
        if starts_word {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The structure a member holds: the member's own shape, or a list's items.
fn held_structure<'a>(shapes: &'a Value, member_shape: &'a str) -> Option<&'a str> {
    let shape = &shapes[member_shape];
    match shape["type"].as_str()? {
        "structure" => Some(member_shape),
        "list" => {
            let item = shape["member"]["shape"].as_str()?;
            (shapes[item]["type"] == "structure").then_some(item)
        }
        _ => None,
    }
}

/// The structures reachable from the roots, roots first, each once.
fn reachable(shapes: &Value) -> Vec<&str> {
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = ROOTS.iter().rev().copied().collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        order.push(name);
        let members = shapes[name]["members"].as_object().expect("a structure");
        let held: Vec<&str> = members
            .values()
            .filter_map(|m| held_structure(shapes, m["shape"].as_str()?))
            .collect();
        stack.extend(held.into_iter().rev());
    }
    order
}

fn generate(model: &Value) -> String {
    let shapes = &model["shapes"];
    let order = reachable(shapes);
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(
        "//! The API model's structures that requests and snapshots hold, with their members in the",
    );
    line("//! model's order: what unknown members are checked against ([`super::shapes`]).");
    line("//!");
    line(&format!(
        "//! Generated from `tests/fixtures/botocore-ecs/service-2.json` ({MODEL_VERSION}) by"
    ));
    line("//! `UPDATE_SHAPES=1 cargo test --test wire_shapes`; do not edit by hand.");
    line("#![allow(missing_docs)]");
    line("");
    line("use super::shapes::{Member, Shape};");
    line("");
    line("/// The model version the shapes come from.");
    line(&format!(
        "pub const MODEL_VERSION: &str = {MODEL_VERSION:?};"
    ));
    line("");
    line("/// Every shape below, roots first.");
    let all: Vec<String> = order
        .iter()
        .map(|n| format!("&{}", constant_name(n)))
        .collect();
    line(&format!(
        "pub static ALL: &[&Shape] = &[{}];",
        all.join(", ")
    ));
    for name in order {
        let members = shapes[name]["members"].as_object().expect("a structure");
        let listed: Vec<String> = members
            .iter()
            .map(|(member, spec)| {
                match held_structure(shapes, spec["shape"].as_str().expect("a shape name")) {
                    Some(held) => format!("Member::holding({member:?}, &{})", constant_name(held)),
                    None => format!("Member::value({member:?})"),
                }
            })
            .collect();
        line("");
        line(&format!(
            "pub static {}: Shape = Shape {{ name: {name:?}, members: &[{}] }};",
            constant_name(name),
            listed.join(", ")
        ));
    }
    out
}

#[test]
fn the_generated_shapes_are_the_models() {
    let expected = generate(&model());
    let actual = std::fs::read_to_string(GENERATED).unwrap_or_default();
    if actual != expected {
        if std::env::var_os("UPDATE_SHAPES").is_some() {
            std::fs::write(GENERATED, &expected).expect("writing the generated shapes");
            return;
        }
        panic!(
            "src/aws/model_shapes.rs is not what the model in tests/fixtures/botocore-ecs gives; \
             regenerate it with `UPDATE_SHAPES=1 cargo test --test wire_shapes`"
        );
    }
}

/// Every member the wire types read is a member of the model's shape: the check against the
/// model never calls a member the crate reads unknown.
#[test]
fn every_member_the_crate_reads_is_in_the_model() {
    use ecs_placement::aws::shapes;
    use ecs_placement::aws::*;
    let pairs: &[(&str, &[&str])] = &[
        ("RunTaskRequest", shapes::fields_of::<RunTaskRequest>()),
        ("StartTaskRequest", shapes::fields_of::<StartTaskRequest>()),
        ("TaskOverride", shapes::fields_of::<TaskOverride>()),
        (
            "ContainerOverride",
            shapes::fields_of::<ContainerOverride>(),
        ),
        (
            "PlacementStrategy",
            shapes::fields_of::<PlacementStrategy>(),
        ),
        (
            "PlacementConstraint",
            shapes::fields_of::<PlacementConstraint>(),
        ),
        (
            "CapacityProviderStrategyItem",
            shapes::fields_of::<CapacityProviderStrategyItem>(),
        ),
        (
            "NetworkConfiguration",
            shapes::fields_of::<NetworkConfiguration>(),
        ),
        (
            "AwsVpcConfiguration",
            shapes::fields_of::<AwsVpcConfiguration>(),
        ),
        ("Tag", shapes::fields_of::<Tag>()),
        ("KeyValuePair", shapes::fields_of::<KeyValuePair>()),
        (
            "ResourceRequirement",
            shapes::fields_of::<ResourceRequirement>(),
        ),
        (
            "ContainerInstance",
            shapes::fields_of::<ContainerInstance>(),
        ),
        ("Task", shapes::fields_of::<Task>()),
        ("Container", shapes::fields_of::<Container>()),
        ("NetworkBinding", shapes::fields_of::<NetworkBinding>()),
        ("TaskDefinition", shapes::fields_of::<TaskDefinition>()),
        (
            "ContainerDefinition",
            shapes::fields_of::<ContainerDefinition>(),
        ),
        ("PortMapping", shapes::fields_of::<PortMapping>()),
        ("Cluster", shapes::fields_of::<Cluster>()),
        ("CapacityProvider", shapes::fields_of::<CapacityProvider>()),
        ("Attribute", shapes::fields_of::<Attribute>()),
        ("Resource", shapes::fields_of::<Resource>()),
        ("VersionInfo", shapes::fields_of::<VersionInfo>()),
    ];
    for (shape_name, fields) in pairs {
        let shape = shapes::find(shape_name).unwrap_or_else(|| panic!("{shape_name} is generated"));
        assert!(!fields.is_empty(), "{shape_name}: the fields were read");
        for field in *fields {
            assert!(
                shape.member(field).is_some(),
                "{shape_name}.{field} is read by the crate but not in the model"
            );
        }
    }
}

#[test]
fn constant_names_split_words_and_acronyms() {
    assert_eq!(
        constant_name("AwsVpcConfiguration"),
        "AWS_VPC_CONFIGURATION"
    );
    assert_eq!(
        constant_name("EBSTagSpecification"),
        "EBS_TAG_SPECIFICATION"
    );
    assert_eq!(
        constant_name("TaskManagedEBSVolumeConfiguration"),
        "TASK_MANAGED_EBS_VOLUME_CONFIGURATION"
    );
    assert_eq!(constant_name("Task"), "TASK");
}
