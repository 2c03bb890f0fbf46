//! Bytes of model per instance on the reference cluster (`generate::ClusterSpec::REFERENCE`),
//! measured as the growth of the process's resident memory per extra deep copy: inline size,
//! heap and the allocator's own overhead, all counted. The first copies only refill memory the
//! allocator already holds (freed while generating the cluster), so they are made before the
//! measurement starts; after them each copy takes fresh pages. Linux only (`/proc/self/statm`).
//!
//! Run: `cargo bench --bench model_size`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use ecs_placement::generate::{ClusterSpec, cluster};
use ecs_placement::model::{Instance, Snapshot};

/// Copies made before measuring, and copies measured.
const WARM: usize = 8;
const MEASURED: usize = 16;

/// Resident bytes of this process.
fn resident() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("statm has a resident field");
    pages * 4096
}

/// Resident bytes per copy made by `copy`, per instance; with the copies, which the caller
/// keeps until every measurement is done (freeing them would let the next measurement reuse
/// their memory).
fn per_instance<T>(instances: usize, copy: impl Fn() -> T) -> (f64, Vec<T>) {
    let mut kept: Vec<T> = (0..WARM).map(|_| copy()).collect();
    let before = resident();
    kept.extend((0..MEASURED).map(|_| copy()));
    let grown = resident().saturating_sub(before);
    (
        grown as f64 / (MEASURED * instances) as f64,
        black_box(kept),
    )
}

fn main() {
    let snapshot = Snapshot::try_from(cluster(&ClusterSpec::REFERENCE)).expect("loads");
    let n = snapshot.instances().len();
    println!(
        "reference cluster: {n} instances, {} tasks; size_of::<Instance>() = {} bytes",
        snapshot.tasks().len(),
        std::mem::size_of::<Instance>()
    );
    // `clone` shares what a model holds as `Arc<str>` (an instance's ARN, the interned
    // strings, the task map's keys and the tasks' text), so each copy here is made afresh:
    // every string is counted once per copy, as one model holds it.
    let (instance, _instances) = per_instance(n, || fresh_instances(&snapshot));
    let (wire, _wires) = per_instance(n, || snapshot.to_file().container_instances);
    let (whole, _snapshots) = per_instance(n, || {
        Snapshot::try_from(snapshot.to_file()).expect("a snapshot's own file loads")
    });
    println!("Instance (what placement reads): {instance:.0} bytes per instance");
    println!("the instance documents kept for writing the state out: {wire:.0} bytes per instance");
    println!(
        "whole Snapshot (instances, tasks, indexes) / instances: {whole:.0} bytes per instance"
    );
}

/// The instances with their own copy of each ARN (`clone` would share it).
fn fresh_instances(snapshot: &Snapshot) -> Vec<Instance> {
    let fresh = |instance: &Instance| Instance {
        arn: Arc::from(&*instance.arn),
        ..instance.clone()
    };
    snapshot.instances().iter().map(fresh).collect()
}
