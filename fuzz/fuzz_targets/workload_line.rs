//! Reads arbitrary text as a workload file (`ecs-place simulate --workload`: one RunTask or
//! StopTask event per line) and replays it on a small fixed cluster
//! (fuzz/fixtures/cluster.json) through a `Placer`, as the replay does, beside the reference
//! path. Nothing may panic; every response, summary and stop must be the reference's
//! (`run_task_reference`, `Snapshot::apply`, `stop_task`), and so must the final state.
#![no_main]

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use ecs_placement::generate::WorkloadEvent;
use ecs_placement::model::Snapshot;
use ecs_placement::placement::run_task_reference;
use ecs_placement::{Placer, RunTaskSummary, stop_task};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(events) = read_workload(text) else {
        return;
    };
    replay(common::cluster(), &events);
});

/// The workload reader of `ecs-place simulate`: JSON lines, blank lines skipped, each read by
/// the library's `WorkloadEvent::from_json` (requests held to the RunTask shape); any line that
/// is not an event rejects the whole file.
fn read_workload(text: &str) -> Option<Vec<WorkloadEvent>> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| WorkloadEvent::from_json(line).ok())
        .collect()
}

/// Replays the events through a placer giving full responses, one giving summaries (as
/// `ecs-place simulate` does) and, when that cannot change a result, one that forgets its
/// stopped tasks after every event; the reference state follows beside them.
fn replay(snapshot: &Snapshot, events: &[WorkloadEvent]) {
    let mut placer = Placer::new(snapshot.clone());
    let mut counting = Placer::new(snapshot.clone());
    let mut forgetting = may_forget(events).then(|| Placer::new(snapshot.clone()));
    let mut state = snapshot.clone();
    // The running tasks a `pick` chooses from, in the order they started (the snapshot's
    // first), as the replay keeps them.
    let mut running: Vec<Arc<str>> = snapshot
        .tasks()
        .iter()
        .filter(|(_, record)| record.running)
        .map(|(arn, _)| arn.clone())
        .collect();
    for event in events {
        match event {
            WorkloadEvent::RunTask { request, seed } => {
                let expected = run_task_reference(&state, request, *seed);
                let actual = placer.run_task(request, *seed);
                assert_eq!(
                    actual.as_ref().ok(),
                    expected.as_ref().ok().map(|o| &o.response)
                );
                assert_eq!(actual.as_ref().err(), expected.as_ref().err());
                let summary = counting.run_task_summary(request, *seed);
                let expected_summary = expected
                    .as_ref()
                    .ok()
                    .map(|o| RunTaskSummary::of_response(o.response.clone()));
                assert_eq!(summary.ok(), expected_summary);
                if let Some(forgetting) = &mut forgetting {
                    assert_eq!(forgetting.run_task(request, *seed), actual);
                }
                if let Ok(outcome) = expected {
                    common::check_run_outcome(&state, request, &outcome);
                    state.apply(&outcome.changes);
                    running.extend(
                        outcome
                            .response
                            .tasks
                            .iter()
                            .filter_map(|t| t.task_arn.clone()),
                    );
                }
            }
            WorkloadEvent::StopTask {
                task_arn: Some(arn),
                ..
            } => {
                running.retain(|r| **r != **arn);
                let stopped = stop_task(&mut state, arn);
                assert_eq!(placer.stop_task(arn), stopped);
                assert_eq!(counting.stop_task(arn), stopped);
            }
            WorkloadEvent::StopTask {
                task_arn: None,
                pick: Some(pick),
            } if !running.is_empty() => {
                let at = (pick % running.len() as u64) as usize;
                let arn = running.swap_remove(at);
                // The replay stops by index in the task map, which must be the ARN's.
                let index = placer.snapshot().tasks().get_index_of(&*arn);
                assert_eq!(index, state.tasks().get_index_of(&*arn));
                let Some(index) = index else {
                    panic!("running task {arn} is not in the task map");
                };
                let stopped = stop_task(&mut state, &arn);
                assert_eq!(placer.stop_task_at_index(index), stopped);
                assert_eq!(counting.stop_task(&arn), stopped);
                if let Some(forgetting) = &mut forgetting {
                    assert_eq!(forgetting.stop_task(&arn), stopped);
                }
            }
            WorkloadEvent::StopTask { .. } => {}
        }
        if let Some(forgetting) = &mut forgetting {
            forgetting.forget_stopped_tasks();
        }
    }
    common::assert_same_state(placer.snapshot(), &state, "Placer");
    common::assert_same_state(counting.snapshot(), &state, "summary Placer");
    if let Some(mut forgetting) = forgetting {
        // Also when there was no event to forget after.
        forgetting.forget_stopped_tasks();
        state.forget_stopped_tasks();
        common::assert_same_state(forgetting.snapshot(), &state, "forgetting Placer");
    }
}

/// Whether forgetting stopped tasks cannot change a result (the conditions of the replay,
/// bar the one about the snapshot: the fixture's stopped task could only be drawn again by a
/// 128-bit coincidence): no stop names a task by ARN (stopping a forgotten task fails where
/// stopping a stopped one succeeds) and no two calls share a seed (a seed draws the same
/// ARNs again, and a task map that still holds one skips the new task).
fn may_forget(events: &[WorkloadEvent]) -> bool {
    let mut seeds = HashSet::new();
    events.iter().all(|event| match event {
        WorkloadEvent::StopTask { task_arn, .. } => task_arn.is_none(),
        WorkloadEvent::RunTask { seed, .. } => seeds.insert(*seed),
    })
}
