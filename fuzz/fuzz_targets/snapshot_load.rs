//! Reads arbitrary bytes as a snapshot file. Loading must never panic, whatever the text;
//! a snapshot that loads must list its instances, and written out (as `--state-out` writes
//! it) load again to the same text.
#![no_main]

mod common;

use ecs_placement::model::Snapshot;
use ecs_placement::query::list_container_instances;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(snapshot) = Snapshot::from_json(text) else {
        return;
    };
    // No filter: every instance but the INACTIVE ones, in snapshot order.
    let Ok(listed) = list_container_instances(&snapshot, None, None) else {
        panic!("ListContainerInstances without a filter failed");
    };
    let expected: Vec<String> = snapshot
        .instances()
        .iter()
        .filter(|i| i.status != ecs_placement::aws::ContainerInstanceStatus::Inactive)
        .map(|i| i.arn.to_string())
        .collect();
    assert_eq!(listed.container_instance_arns, expected);
    let counted: usize = snapshot.status_counts().values().sum();
    assert_eq!(counted, snapshot.instances().len());
    common::check_reload(&snapshot);
});
