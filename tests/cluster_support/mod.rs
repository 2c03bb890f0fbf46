//! What the cluster-call tests share: the example cluster, and a snapshot written out and
//! read again (what a rebuild from JSON gives).
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use ecs_placement::aws::Attribute;
use ecs_placement::model::Snapshot;
use serde_json::Value;

pub fn example_json() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/cluster.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn example() -> Snapshot {
    Snapshot::from_json(&example_json().to_string()).unwrap()
}

/// The snapshot written out and read again: what a rebuild from JSON gives.
pub fn reread(snapshot: &Snapshot) -> Snapshot {
    Snapshot::from_json(&serde_json::to_string(&snapshot.to_file()).unwrap()).unwrap()
}

/// An attribute on the instance `target` names.
pub fn attribute(name: &str, value: Option<&str>, target: &str) -> Attribute {
    Attribute {
        name: name.to_owned(),
        value: value.map(str::to_owned),
        target_type: None,
        target_id: Some(target.to_owned()),
    }
}
