//! Reads arbitrary text as a RunTask request and as a StartTask request and runs each that
//! parses on a small fixed cluster (fuzz/fixtures/cluster.json). Nothing may panic; every
//! way the library runs a task must agree (see `common`), and each outcome must be
//! consistent with the request (at most `count` tasks, every missing task explained, one
//! task or failure per instance StartTask names) and give a next state that loads again.
#![no_main]

mod common;

use ecs_placement::aws::{RunTaskRequest, StartTaskRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let snapshot = common::cluster();
    let seed = common::seed_of(data);
    if let Ok(request) = serde_json::from_str::<RunTaskRequest>(text) {
        if let Some(outcome) = common::run_task_every_way(snapshot, &request, seed) {
            common::check_next_state(snapshot, &outcome);
            // Three calls: the third is the first a Placer serves from its cached rows.
            common::check_placer(snapshot, &request, seed, 3);
        }
    }
    if let Ok(request) = serde_json::from_str::<StartTaskRequest>(text) {
        common::start_task_checked(snapshot, &request, seed);
    }
});
