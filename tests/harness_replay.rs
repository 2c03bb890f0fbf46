//! The harness's replay on a small trace whose every number can be worked out by hand: four
//! instances in two zones, tasks with durations, a drain, stops, a call that does not fit; a
//! clock that counts, so even the latencies repeat. And: variants change what they say, and
//! the same trace, seed and variant give the same numbers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::harness::{
    Finished, Options, Replay, TraceEvent, TraceReader, Variant, compare, write_csv,
};
use ecs_placement::model::Snapshot;

/// Four instances of 1024 CPU units and 4096 MiB, two per zone; one family of 256 / 512.
fn cluster() -> Snapshot {
    let instance = |id: &str, zone: &str| {
        format!(
            r#"{{"containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{id}",
            "attributes": [{{"name": "ecs.availability-zone", "value": "{zone}"}}],
            "registeredResources": [
                {{"name": "CPU", "type": "INTEGER", "integerValue": 1024}},
                {{"name": "MEMORY", "type": "INTEGER", "integerValue": 4096}}]}}"#
        )
    };
    let text = format!(
        r#"{{"cluster": {{"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"}},
        "containerInstances": [{}, {}, {}, {}],
        "taskDefinitions": [{{"family": "app", "revision": 1,
            "containerDefinitions": [{{"name": "app", "cpu": 256, "memory": 512}}]}}]}}"#,
        instance("i1", "a"),
        instance("i2", "a"),
        instance("i3", "b"),
        instance("i4", "b"),
    );
    Snapshot::from_json(&text).unwrap()
}

const SPREAD: &str =
    r#""placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]"#;

/// The trace: 16 tasks fit (4 per instance).
fn trace() -> String {
    let run = |at: f64, count: u32, seed: u64, extra: &str| {
        format!(
            "{{\"at\":{at},\"event\":\"run-task\",\"request\":{{\"cluster\":\"prod\",\"taskDefinition\":\"app\",\"group\":\"g\",\"count\":{count},{SPREAD}}},\"seed\":{seed}{extra}}}\n"
        )
    };
    let mut text = String::from("{\"traceFormat\":1}\n");
    text += &run(0.0, 4, 1, ",\"duration\":10"); // 4 placed, stop at 10
    text += &run(1.0, 8, 2, ""); // 8 placed: 12 running
    text += &run(2.5, 8, 3, ""); // 4 placed, 4 unplaced (RESOURCE:CPU): 16 running
    text += "{\"at\":5,\"event\":\"drain-instance\",\"instance\":\"i1\"}\n";
    text += "{\"at\":6,\"event\":\"drain-instance\",\"instance\":\"nope\"}\n"; // fails
    text += "{\"at\":10.5,\"event\":\"stop-task\",\"pick\":0}\n"; // 4 expired at 10, 1 stopped: 11
    text += &run(12.0, 6, 4, ""); // i1 drains: room on 3 instances for 12 - 11 + 4... see test
    text
}

fn replay(variant: Variant, trace: &str) -> Finished {
    let options = Options {
        metrics: true,
        interval: 2.0,
        reference: None,
        variant,
    };
    let mut replay = Replay::new(cluster(), options);
    let mut ticks = 0u64;
    let mut clock = || {
        ticks += 1000;
        ticks
    };
    let events: Vec<TraceEvent> = TraceReader::new(trace.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    for event in &events {
        replay.apply(event, &mut clock);
    }
    replay.finish(0.0)
}

#[test]
fn a_small_trace_gives_the_numbers_worked_out_by_hand() {
    let finished = replay(Variant::default(), &trace());
    let s = &finished.summary;
    assert_eq!(s.run_task_calls, 4);
    assert_eq!(s.tasks_requested, 26);
    // 4 + 8 + 4 fill the 16 slots (4 unplaced). At 12, 11 run and i1 is DRAINING (draining
    // stops no task): the other three hold 12 slots, of which 11 - k are taken, k being the
    // tasks left on i1 (3 with this seed): 4 of the 6 fit.
    assert_eq!((s.placed, s.tasks_unplaced), (20, 6));
    assert_eq!(s.unplaced_by_reason.get("RESOURCE:CPU"), Some(&6));
    // One failure entry per instance that rejected: 4 on the third call, 3 ACTIVE on the last.
    assert_eq!(
        s.instance_rejections_by_reason.get("RESOURCE:CPU"),
        Some(&7)
    );
    // 15 running at the end, 7 in zone a and 8 in b: (8 - 7) / 7.5.
    let end = &s.metrics.as_ref().unwrap().end;
    assert_eq!(end.spread_skew_max, 1.0 / 7.5);
    assert_eq!(end.instances_in_use, 3);
    assert_eq!(s.stop_task_calls, 1);
    assert_eq!(s.stopped_by_duration, 4);
    assert_eq!(s.stopped, 5);
    assert_eq!(s.instance_events.drain, 2);
    assert_eq!(s.instance_events.failed, 1);
    assert_eq!(s.trace_seconds, 12.0);
    let metrics = s.metrics.as_ref().unwrap();
    assert_eq!(metrics.latency_us.p50, 1.0);
    assert_eq!(metrics.latency_us.max, 1.0);
    assert_eq!(metrics.reference_demand, None);
    assert_eq!(metrics.interval_seconds, 2.0);
    // Intervals [0,2) ... [10,12) closed, [12,14) open with the last call.
    let starts: Vec<f64> = finished.rows.iter().map(|r| r.start).collect();
    assert_eq!(starts, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
    let placed: Vec<u64> = finished.rows.iter().map(|r| r.counts.placed).collect();
    assert_eq!(&placed[..6], [12, 4, 0, 0, 0, 0]);
    let unplaced: Vec<u64> = finished.rows.iter().map(|r| r.counts.unplaced).collect();
    assert_eq!(&unplaced[..6], [0, 4, 0, 0, 0, 0]);
    // Full at the end of [2,4): 16 of 16 slots, every instance in use, spread even.
    let full = &finished.rows[1].sample;
    assert_eq!(full.cpu_utilization, 1.0);
    assert_eq!(full.memory_utilization, 0.5);
    assert_eq!(full.instances_in_use, 4);
    assert_eq!(full.spread_skew_max, 0.0);
    // After the drain (at the end of [4,6)): 3 ACTIVE instances, all full.
    assert_eq!(finished.rows[2].sample.active_instances, 3);
    assert_eq!(finished.rows[2].sample.cpu_utilization, 1.0);
    // [10,12): 4 expired at 10 and one stopped: 11 running, 5 stops counted there.
    assert_eq!(finished.rows[5].counts.stopped, 5);
    assert_eq!(unplaced.iter().sum::<u64>(), s.tasks_unplaced);
    let mut csv = Vec::new();
    write_csv(&mut csv, &[("base", &finished.rows)]).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 1 + finished.rows.len());
    assert!(
        csv.lines()
            .nth(2)
            .unwrap()
            .starts_with("base,2,4,1,0,8,4,4,0,1000,"),
        "{csv}"
    );
}

#[test]
fn the_same_trace_seed_and_variant_give_the_same_numbers_and_variants_differ() {
    let binpack = Variant::parse("packed=strategy=binpack(cpu)").unwrap();
    let first = replay(binpack.clone(), &trace());
    let again = replay(binpack, &trace());
    assert_eq!(first.summary, again.summary);
    assert_eq!(first.rows, again.rows);
    let spread = replay(Variant::default(), &trace());
    // binpack fills i1 first, spread puts one task per instance: skew differs after the first
    // call, instances in use too.
    let rows = compare(&[&spread.summary, &first.summary]);
    let in_use = rows
        .iter()
        .find(|r| r.metric == "metrics.peak.instancesInUse")
        .unwrap();
    assert_eq!(in_use.values.len(), 2);
    // binpack: the first 12 tasks fill three instances.
    assert_eq!(first.rows[0].sample.instances_in_use, 3);
    assert_eq!(spread.rows[0].sample.instances_in_use, 4);
    let distinct = replay(
        Variant::parse("one-per-instance=constraint=distinctInstance").unwrap(),
        &trace(),
    );
    // distinctInstance: at most one task of the call per instance, so 4 of each call's.
    assert_eq!((spread.summary.placed, first.summary.placed), (20, 17));
    // distinctInstance: one task of the group per instance: 4 first, none while each
    // instance holds one, 3 once the first call's tasks have stopped (i1 drains).
    assert_eq!(distinct.summary.placed, 7);
    assert_eq!(
        distinct
            .summary
            .unplaced_by_reason
            .get("DistinctInstance placement constraint unsatisfied."),
        Some(&19)
    );
}

/// Instances come and go: a registered instance takes tasks, a forced deregistration stops
/// its instance's tasks (counted as stopped, taken out of the running ones), an unforced one of
/// an instance with tasks is refused.
#[test]
fn registered_and_deregistered_instances_change_the_cluster_during_the_trace() {
    let run = |at: f64, count: u32, seed: u64| {
        format!(
            "{{\"at\":{at},\"event\":\"run-task\",\"request\":{{\"cluster\":\"prod\",\"taskDefinition\":\"app\",\"count\":{count},{SPREAD}}},\"seed\":{seed}}}\n"
        )
    };
    // RunTask places at most 10 tasks a call.
    let mut text = run(0.0, 8, 1) + &run(0.5, 8, 3);
    text += r#"{"at":1,"event":"register-instance","instance":{"containerInstanceArn":"arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i5","attributes":[{"name":"ecs.availability-zone","value":"a"}],"registeredResources":[{"name":"CPU","type":"INTEGER","integerValue":1024},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]}}"#;
    text += "\n";
    text += &run(2.0, 5, 2);
    text += "{\"at\":3,\"event\":\"deregister-instance\",\"instance\":\"i3\",\"force\":true}\n";
    text += "{\"at\":4,\"event\":\"deregister-instance\",\"instance\":\"i4\"}\n";
    text += "{\"at\":5,\"event\":\"stop-task\",\"pick\":0}\n";
    let finished = replay(Variant::default(), &text);
    let s = &finished.summary;
    // 16 fill the four instances; the fifth takes 4 of the next 5.
    assert_eq!((s.placed, s.tasks_unplaced), (20, 1));
    assert_eq!(s.instance_events.register, 1);
    assert_eq!(s.instance_events.deregister, 2);
    // i4 runs tasks and the call is not forced: refused.
    assert_eq!(s.instance_events.failed, 1);
    // i3's 4 tasks, then one by pick among the 16 still running.
    assert_eq!(s.stopped, 5);
    assert_eq!(s.run_task_calls, 3);
    let end = &s.metrics.as_ref().unwrap().end;
    assert_eq!(end.active_instances, 4);
    assert_eq!(end.instances_in_use, 4);
    assert_eq!(end.cpu_utilization, 15.0 / 16.0);
}

/// The gauges the replay keeps (columns read once, tasks per group and zone counted as they
/// start and stop) equal the gauges read from the instances, all along a generated workload
/// with a drain and a forced deregistration in it.
#[test]
fn the_kept_gauges_equal_the_gauges_read_from_the_instances() {
    use ecs_placement::generate::{ClusterSpec, cluster, workload_events};
    use ecs_placement::harness::gauges;
    use ecs_placement::harness::{Action, Demand, timed};

    let snapshot = Snapshot::try_from(cluster(&ClusterSpec::scaled(80, 2))).unwrap();
    let ids: Vec<String> = snapshot.instances().iter().map(|i| i.id.clone()).collect();
    let reference = Some(Demand {
        cpu: 256,
        memory: 512,
    });
    let options = Options {
        metrics: true,
        reference,
        ..Options::default()
    };
    let mut replay = Replay::new(snapshot.clone(), options);
    let mut clock = || 0;
    for (at, event) in timed(workload_events(&snapshot, 600, 9)).enumerate() {
        replay.apply(&event, &mut clock);
        let instance_event = match at {
            200 => Some(Action::DrainInstance {
                instance: ids[3].clone(),
            }),
            400 => Some(Action::DeregisterInstance {
                instance: ids[5].clone(),
                force: true,
            }),
            _ => None,
        };
        if let Some(action) = instance_event {
            replay.apply(
                &TraceEvent {
                    at: event.at,
                    action,
                },
                &mut clock,
            );
        }
        if at % 50 == 0 {
            let kept = replay.sample_now();
            let read = gauges::sample(replay.snapshot(), reference, kept.waiting_tasks);
            let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
            assert!(
                close(kept.spread_skew_mean, read.spread_skew_mean),
                "{at}: {kept:?} {read:?}"
            );
            let exact = |mut s: ecs_placement::harness::Sample| {
                s.spread_skew_mean = 0.0;
                s
            };
            assert_eq!(exact(kept), exact(read), "event {at}");
        }
    }
    let finished = replay.finish(0.0);
    assert_eq!(finished.summary.instance_events.failed, 0);
    assert!(finished.summary.stopped > 0);
}

/// Stops that stop nothing count nothing: a task stopped twice by ARN counts once, a name no
/// running task has is a call that stops nothing; an ARN the state does not hold is refused as
/// ECS refuses it (InvalidParameterException), in the summary and in its interval.
#[test]
fn a_stop_of_an_unknown_arn_is_refused_and_a_stop_of_a_stopped_task_counts_nothing() {
    let options = Options {
        metrics: true,
        interval: 10.0,
        reference: None,
        variant: Variant::default(),
    };
    let mut replay = Replay::new(cluster(), options);
    let mut clock = || 0u64;
    let line = |text: String| TraceReader::new(text.as_bytes()).next().unwrap().unwrap();
    replay.apply(
        &line(format!(
            "{{\"at\":0,\"event\":\"run-task\",\"request\":{{\"cluster\":\"prod\",\"taskDefinition\":\"app\",\"count\":2,{SPREAD}}},\"seed\":1,\"name\":\"two\"}}"
        )),
        &mut clock,
    );
    let arn = replay
        .snapshot()
        .tasks()
        .get_index(0)
        .unwrap()
        .0
        .to_string();
    for stop in [
        format!("{{\"at\":1,\"event\":\"stop-task\",\"taskArn\":\"{arn}\"}}"),
        format!("{{\"at\":1,\"event\":\"stop-task\",\"taskArn\":\"{arn}\"}}"),
        "{\"at\":1,\"event\":\"stop-task\",\"taskArn\":\"arn:aws:ecs:us-east-1:123456789012:task/prod/nope\"}".to_owned(),
        "{\"at\":1,\"event\":\"stop-task\",\"name\":\"nobody\"}".to_owned(),
        "{\"at\":1,\"event\":\"stop-task\",\"name\":\"two\"}".to_owned(),
        "{\"at\":1,\"event\":\"stop-task\",\"name\":\"two\"}".to_owned(),
    ] {
        replay.apply(&line(stop), &mut clock);
    }
    let finished = replay.finish(0.0);
    let s = &finished.summary;
    assert_eq!(s.stop_task_calls, 6);
    // The ARN's task once, the other task of `two` once.
    assert_eq!(s.stopped, 2);
    assert_eq!(
        s.rejected_calls,
        [("InvalidParameterException".to_owned(), 1)].into()
    );
    assert_eq!(
        s.rejected_call_messages[0].message,
        "The referenced task was not found: arn:aws:ecs:us-east-1:123456789012:task/prod/nope"
    );
    assert_eq!(finished.rows[0].counts.rejected_calls, 1);
    assert_eq!(finished.rows[0].counts.stopped, 2);
}
