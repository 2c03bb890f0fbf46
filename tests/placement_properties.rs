//! Property tests of placement on generated clusters and requests: nothing over-committed,
//! every constraint honoured, the strategies' promises kept, determinism, purity, and stop
//! undoing start.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::model::Snapshot;
use ecs_placement::placement::{Verdict, explain_run_task};
use ecs_placement::{RunTaskOutcome, run_task, stop_task};
use proptest::prelude::*;
use serde_json::{Value, json};

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const GROUPS: [&str; 2] = ["family:app", "service:other"];
const PORTS: [u16; 3] = [80, 443, 8080];

#[derive(Debug, Clone)]
struct InstanceSpec {
    cpu: i64,
    memory: i64,
    zone: usize,
    rack: Option<u8>,
    reserved_tcp: Vec<u16>,
    reserved_udp: bool,
    gpus: usize,
    active: bool,
    connected: bool,
}

#[derive(Debug, Clone)]
struct Case {
    instances: Vec<InstanceSpec>,
    /// (instance index, group index, cpu, memory)
    tasks: Vec<(usize, usize, i64, i64)>,
    cpu: i64,
    memory: i64,
    tcp_port: Option<u16>,
    udp: bool,
    gpus: u32,
    count: u32,
    distinct: bool,
    member_of: bool,
    strategies: Vec<Value>,
    seed: u64,
}

fn instance_spec() -> impl Strategy<Value = InstanceSpec> {
    (
        (0i64..5).prop_map(|n| n * 512),
        (0i64..5).prop_map(|n| n * 1024),
        0usize..3,
        proptest::option::of(0u8..2),
        proptest::sample::subsequence(PORTS.to_vec(), 0..=2),
        any::<bool>(),
        0usize..3,
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(cpu, memory, zone, rack, reserved_tcp, reserved_udp, gpus, active, connected)| {
                InstanceSpec {
                    cpu,
                    memory,
                    zone,
                    rack,
                    reserved_tcp,
                    reserved_udp,
                    gpus,
                    active,
                    connected,
                }
            },
        )
}

fn strategy_list() -> impl Strategy<Value = Vec<Value>> {
    let one = prop_oneof![
        Just(json!({"type": "random"})),
        Just(json!({"type": "binpack", "field": "cpu"})),
        Just(json!({"type": "binpack", "field": "memory"})),
        Just(json!({"type": "spread", "field": "instanceId"})),
        Just(json!({"type": "spread", "field": "attribute:ecs.availability-zone"})),
        Just(json!({"type": "spread", "field": "attribute:rack"})),
    ];
    proptest::collection::vec(one, 0..=3)
}

fn case() -> impl Strategy<Value = Case> {
    proptest::collection::vec(instance_spec(), 1..7).prop_flat_map(|instances| {
        let n = instances.len();
        (
            Just(instances),
            proptest::collection::vec((0..n, 0usize..2, 0i64..3, 0i64..3), 0..6),
            (
                (0i64..4).prop_map(|c| c * 256),
                (0i64..4).prop_map(|m| m * 512),
                proptest::option::of(proptest::sample::select(PORTS.to_vec())),
                prop::bool::weighted(0.2),
                0u32..3,
            ),
            1u32..=10,
            any::<bool>(),
            any::<bool>(),
            strategy_list(),
            any::<u64>(),
        )
            .prop_map(
                |(
                    instances,
                    tasks,
                    (cpu, memory, tcp_port, udp, gpus),
                    count,
                    distinct,
                    member_of,
                    strategies,
                    seed,
                )| {
                    let tasks = tasks
                        .into_iter()
                        .map(|(i, g, c, m)| (i, g, c * 128, m * 256))
                        .collect();
                    Case {
                        instances,
                        tasks,
                        cpu,
                        memory,
                        tcp_port,
                        udp,
                        gpus,
                        count,
                        distinct,
                        member_of,
                        strategies,
                        seed,
                    }
                },
            )
    })
}

fn arn(index: usize) -> String {
    format!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i{index}")
}

fn snapshot_json(case: &Case) -> Value {
    let instances: Vec<Value> = case
        .instances
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let mut attributes =
                vec![json!({"name": "ecs.availability-zone", "value": ZONES[spec.zone]})];
            if let Some(rack) = spec.rack {
                attributes.push(json!({"name": "rack", "value": format!("r{rack}")}));
            }
            let mut tcp: Vec<String> = vec!["22".into()];
            tcp.extend(spec.reserved_tcp.iter().map(u16::to_string));
            let udp: Vec<String> = if spec.reserved_udp {
                vec!["53".into()]
            } else {
                vec![]
            };
            let gpus: Vec<String> = (0..spec.gpus).map(|g| format!("gpu-{g}")).collect();
            let mut registered = vec![
                json!({"name": "CPU", "type": "INTEGER", "integerValue": spec.cpu + 1024}),
                json!({"name": "MEMORY", "type": "INTEGER", "integerValue": spec.memory + 1024}),
                json!({"name": "PORTS", "type": "STRINGSET", "stringSetValue": tcp}),
                json!({"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": udp}),
            ];
            if !gpus.is_empty() {
                registered
                    .push(json!({"name": "GPU", "type": "STRINGSET", "stringSetValue": gpus}));
            }
            json!({
                "containerInstanceArn": arn(index),
                "status": if spec.active { "ACTIVE" } else { "DRAINING" },
                "agentConnected": spec.connected,
                "attributes": attributes,
                "registeredResources": registered,
            })
        })
        .collect();
    let tasks: Vec<Value> = case
        .tasks
        .iter()
        .enumerate()
        .map(|(t, &(instance, group, cpu, memory))| {
            json!({
                "taskArn": format!("arn:aws:ecs:us-east-1:123456789012:task/prod/existing{t}"),
                "containerInstanceArn": arn(instance),
                "group": GROUPS[group],
                "desiredStatus": "RUNNING",
                "cpu": cpu.to_string(),
                "memory": memory.to_string(),
            })
        })
        .collect();
    let mut port_mappings = Vec::new();
    if let Some(port) = case.tcp_port {
        port_mappings.push(json!({"containerPort": port, "hostPort": port}));
    }
    if case.udp {
        port_mappings.push(json!({"containerPort": 53, "hostPort": 53, "protocol": "udp"}));
    }
    let mut container = json!({
        "name": "app", "image": "app", "cpu": case.cpu, "memory": case.memory.max(4),
        "portMappings": port_mappings,
    });
    if case.gpus > 0 {
        container["resourceRequirements"] =
            json!([{"type": "GPU", "value": case.gpus.to_string()}]);
    }
    json!({
        "cluster": {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "clusterName": "prod"},
        "containerInstances": instances,
        "tasks": tasks,
        "taskDefinitions": [{
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
            "family": "app", "revision": 1, "status": "ACTIVE", "networkMode": "bridge",
            "containerDefinitions": [container],
        }],
    })
}

fn request(case: &Case) -> RunTaskRequest {
    let mut constraints = Vec::new();
    if case.distinct {
        constraints.push(json!({"type": "distinctInstance"}));
    }
    if case.member_of {
        constraints.push(json!({"type": "memberOf", "expression": "attribute:ecs.availability-zone != us-east-1c"}));
    }
    serde_json::from_value(json!({
        "cluster": "prod",
        "taskDefinition": "app",
        "count": case.count,
        "placementConstraints": constraints,
        "placementStrategy": case.strategies,
    }))
    .unwrap()
}

fn setup(case: &Case) -> (Snapshot, RunTaskRequest) {
    let snapshot = Snapshot::from_json(&snapshot_json(case).to_string()).unwrap();
    (snapshot, request(case))
}

fn outcome(snapshot: &Snapshot, request: &RunTaskRequest, seed: u64) -> RunTaskOutcome {
    run_task(snapshot, request, seed).unwrap()
}

/// The instance index a placed task went to.
fn placed_on(task: &ecs_placement::aws::Task) -> usize {
    let arn = task.container_instance_arn.as_deref().unwrap();
    arn.rsplit("/i").next().unwrap().parse().unwrap()
}

fn state_file(snapshot: &Snapshot) -> String {
    serde_json::to_string(&snapshot.to_file()).unwrap()
}

fn instances_file(snapshot: &Snapshot) -> String {
    serde_json::to_string(&snapshot.to_file().container_instances).unwrap()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/placement_properties.txt",
            ),
        )),
        ..ProptestConfig::default()
    }
}

/// Each explained task's candidates as (instance index, chosen), with the state it was placed
/// on (the snapshot plus the tasks placed before it).
fn decisions(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
) -> Vec<(Vec<(usize, bool)>, Snapshot)> {
    let (result, explanations) = explain_run_task(snapshot, request, seed).unwrap();
    let mut state = snapshot.clone();
    let mut placed = result.changes.tasks.iter();
    let mut out = Vec::new();
    for explanation in explanations {
        let candidates: Vec<(usize, bool)> = explanation
            .instances
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.verdict {
                Verdict::Candidate { chosen, .. } => Some((i, *chosen)),
                _ => None,
            })
            .collect();
        let next_state = state.clone();
        if explanation.task_arn.is_some() {
            let task = placed.next().unwrap().clone();
            state.apply(&ecs_placement::ChangeSet { tasks: vec![task] });
        }
        out.push((candidates, next_state));
    }
    out
}

/// The group's RUNNING tasks per zone, over every instance whatever its status (DECISIONS 25).
fn zone_counts(state: &Snapshot, case: &Case) -> [u64; 3] {
    let mut zones = [0u64; 3];
    let group = state.group_id("family:app");
    for (index, instance) in state.instances().iter().enumerate() {
        zones[case.instances[index].zone] +=
            u64::from(group.map_or(0, |g| instance.group_count(g)));
    }
    zones
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn nothing_is_over_committed_and_constraints_hold(case in case()) {
        let (snapshot, request) = setup(&case);
        let result = outcome(&snapshot, &request, case.seed);
        let tasks = &result.response.tasks;
        prop_assert!(tasks.len() <= case.count as usize);
        prop_assert_eq!(tasks.len() == case.count as usize, result.response.failures.is_empty());

        let mut next = snapshot.clone();
        next.apply(&result.changes);
        let mut per_instance: BTreeMap<usize, Vec<&ecs_placement::aws::Task>> = BTreeMap::new();
        for task in tasks {
            per_instance.entry(placed_on(task)).or_default().push(task);
        }
        for (&index, placed) in &per_instance {
            let before = &snapshot.instances()[index];
            let after = &next.instances()[index];
            let spec = &case.instances[index];
            prop_assert!(spec.active && spec.connected);
            prop_assert!(after.remaining.cpu >= 0 && after.remaining.memory >= 0);
            prop_assert_eq!(before.remaining.cpu - after.remaining.cpu, case.cpu * placed.len() as i64);
            // Host ports: none was reserved before, and no two tasks share one.
            let mut tcp = BTreeSet::new();
            let mut gpus = BTreeSet::new();
            for task in placed {
                for container in task.containers.iter().flatten() {
                    for binding in container.network_bindings.iter().flatten() {
                        let port = binding.host_port.unwrap() as u16;
                        let protocol = binding.protocol.clone();
                        let taken = match protocol.as_ref().map(|p| p.as_str()) {
                            Some("udp") => before.remaining.ports_udp.contains(port),
                            _ => before.remaining.ports_tcp.contains(port),
                        };
                        prop_assert!(!taken, "port {} was reserved", port);
                        prop_assert!(tcp.insert((port, protocol.map(|p| p.to_string()))));
                    }
                    for id in container.gpu_ids.iter().flatten() {
                        prop_assert!(before.remaining.gpus.contains(id));
                        prop_assert!(gpus.insert(id.clone()), "gpu {} taken twice", id);
                    }
                }
            }
            if case.member_of {
                prop_assert_ne!(spec.zone, 2);
            }
            if case.distinct {
                let existing = case.tasks.iter().filter(|t| t.0 == index && t.1 == 0).count();
                prop_assert_eq!(existing + placed.len(), 1);
            }
        }
    }

    #[test]
    fn binpack_takes_the_least_memory_within_the_emptiest_zone(mut case in case()) {
        case.strategies = vec![
            json!({"type": "spread", "field": "attribute:ecs.availability-zone"}),
            json!({"type": "binpack", "field": "memory"}),
        ];
        let (snapshot, request) = setup(&case);
        for (candidates, state) in decisions(&snapshot, &request, case.seed) {
            let zones = zone_counts(&state, &case);
            let zone_of = |i: usize| case.instances[i].zone;
            let least_zone = candidates.iter().map(|c| zones[zone_of(c.0)]).min();
            let Some(&(chosen, _)) = candidates.iter().find(|c| c.1) else {
                prop_assert!(candidates.is_empty());
                continue;
            };
            // Spread: no candidate lies in a zone with fewer of the group's tasks.
            prop_assert_eq!(Some(zones[zone_of(chosen)]), least_zone);
            // Binpack: least remaining memory among the candidates of the best zones.
            let memory = |i: usize| state.instances()[i].remaining.memory;
            let least_memory = candidates
                .iter()
                .filter(|c| Some(zones[zone_of(c.0)]) == least_zone)
                .map(|c| memory(c.0))
                .min();
            prop_assert_eq!(Some(memory(chosen)), least_memory);
        }
    }

    #[test]
    fn same_seed_same_bytes_and_input_unchanged(case in case()) {
        let (snapshot, request) = setup(&case);
        let before = state_file(&snapshot);
        let first = serde_json::to_string(&outcome(&snapshot, &request, case.seed).response).unwrap();
        let second = serde_json::to_string(&outcome(&snapshot, &request, case.seed).response).unwrap();
        prop_assert_eq!(first, second);
        prop_assert_eq!(before, state_file(&snapshot));
    }

    #[test]
    fn stopping_the_placed_tasks_restores_the_instances(case in case()) {
        let (snapshot, request) = setup(&case);
        let result = outcome(&snapshot, &request, case.seed);
        let mut next = snapshot.clone();
        next.apply(&result.changes);
        for task in &result.response.tasks {
            stop_task(&mut next, task.task_arn.as_deref().unwrap()).unwrap();
        }
        prop_assert_eq!(instances_file(&snapshot), instances_file(&next));
        for (a, b) in snapshot.instances().iter().zip(next.instances()) {
            prop_assert_eq!(&a.groups, &b.groups);
            prop_assert_eq!(a.running_tasks_count, b.running_tasks_count);
        }
    }

    #[test]
    fn every_choice_has_the_least_key_and_spread_fills_the_emptiest(case in case()) {
        let (snapshot, request) = setup(&case);
        let (result, explanations) = explain_run_task(&snapshot, &request, case.seed).unwrap();
        // Group counts tracked independently: existing tasks, then each placement.
        let mut counts: BTreeMap<usize, u64> = BTreeMap::new();
        for &(instance, group, _, _) in &case.tasks {
            if group == 0 {
                *counts.entry(instance).or_default() += 1;
            }
        }
        let spread_first = case.strategies.first() == Some(&json!({"type": "spread", "field": "instanceId"}));
        let binpack_memory = case.strategies == vec![json!({"type": "binpack", "field": "memory"})];
        for explanation in &explanations {
            let candidates: Vec<(usize, &Vec<u64>, bool)> = explanation
                .instances
                .iter()
                .enumerate()
                .filter_map(|(i, e)| match &e.verdict {
                    Verdict::Candidate { keys, chosen, .. } => Some((i, keys, *chosen)),
                    _ => None,
                })
                .collect();
            let chosen: Vec<_> = candidates.iter().filter(|c| c.2).collect();
            prop_assert!(chosen.len() <= 1);
            if let Some(&&(index, keys, _)) = chosen.first() {
                prop_assert!(candidates.iter().all(|c| keys <= c.1));
                if spread_first {
                    let least = candidates.iter().map(|c| counts.get(&c.0).copied().unwrap_or(0)).min();
                    prop_assert_eq!(Some(counts.get(&index).copied().unwrap_or(0)), least);
                }
                if binpack_memory {
                    let memory = |i: usize| {
                        let mut state = snapshot.clone();
                        let so_far = ecs_placement::ChangeSet {
                            tasks: result.changes.tasks.iter().take_while(|t| t.task.task_arn.as_deref() != explanation.task_arn.as_deref()).cloned().collect(),
                        };
                        state.apply(&so_far);
                        state.instances()[i].remaining.memory
                    };
                    let least = candidates.iter().map(|c| memory(c.0)).min();
                    prop_assert_eq!(Some(memory(index)), least);
                }
                *counts.entry(index).or_default() += 1;
            } else {
                prop_assert!(candidates.is_empty());
            }
        }
        prop_assert_eq!(result, run_task(&snapshot, &request, case.seed).unwrap());
    }
}
