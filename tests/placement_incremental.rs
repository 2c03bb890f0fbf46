//! The incremental engine (`run_task`) against the reference path (`run_task_reference`): the
//! same outcome, byte for byte, on generated clusters and requests covering every strategy,
//! both constraints, host ports (so instances fill up and failures are reported), several
//! tasks per call and a call whose group is new.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::aws::{
    Attribute, ContainerDefinition, ContainerInstanceStatus, PlacementConstraint,
    PlacementConstraintType, PlacementStrategyType, PortMapping, RunTaskRequest, TaskDefinition,
};
use ecs_placement::generate::{ClusterSpec, cluster, strategy};
use ecs_placement::model::Snapshot;
use ecs_placement::placement::run_task_reference;
use ecs_placement::{RunTaskSummary, run_task};
use proptest::prelude::*;

const EXPRESSIONS: [&str; 4] = [
    "attribute:ecs.instance-type =~ m5.* and attribute:stack == prod",
    "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
    "not(attribute:team == team-3)",
    // Reads live state: takes the reference path inside run_task too.
    "runningTasksCount <= 5",
];

fn big_definition(family: &str, cpu: i64, memory: i64, host_port: i64) -> TaskDefinition {
    TaskDefinition {
        family: Some(family.to_owned()),
        revision: Some(1),
        container_definitions: Some(vec![ContainerDefinition {
            name: Some("app".to_owned()),
            cpu: Some(cpu),
            memory: Some(memory),
            port_mappings: Some(vec![PortMapping {
                container_port: Some(80),
                host_port: Some(host_port),
                ..PortMapping::default()
            }]),
            ..ContainerDefinition::default()
        }]),
        ..TaskDefinition::default()
    }
}

/// A generated cluster with three more families (host ports, a large task, required
/// attributes) and instances the engine must leave out for reasons that never change: some
/// DRAINING, some with their agent disconnected, some external.
fn snapshot(instances: usize, seed: u64) -> Snapshot {
    let mut file = cluster(&ClusterSpec::scaled(instances, seed));
    file.task_definitions
        .push(big_definition("ported", 256, 512, 8080));
    file.task_definitions
        .push(big_definition("huge", 2048, 6000, 0));
    let mut picky = big_definition("picky", 128, 256, 0);
    picky.requires_attributes = Some(vec![
        attribute("stack", Some("prod")),
        attribute("ecs.availability-zone", None),
    ]);
    file.task_definitions.push(picky);
    let offset = seed as usize;
    for (position, instance) in file.container_instances.iter_mut().enumerate() {
        match (position + offset) % 9 {
            2 => instance.status = Some(ContainerInstanceStatus::Draining),
            5 => instance.agent_connected = Some(false),
            7 => instance
                .attributes
                .get_or_insert_with(Vec::new)
                .push(attribute("ecs.capability.external", None)),
            _ => {}
        }
    }
    Snapshot::try_from(file).unwrap()
}

fn attribute(name: &str, value: Option<&str>) -> Attribute {
    Attribute {
        name: name.to_owned(),
        value: value.map(str::to_owned),
        ..Attribute::default()
    }
}

#[derive(Debug, Clone)]
struct Call {
    family: usize,
    count: i64,
    group: Option<usize>,
    member_of: Option<usize>,
    distinct: bool,
    strategies: Vec<(u8, u8)>,
    seed: u64,
}

fn call() -> impl Strategy<Value = Call> {
    (
        0usize..5,
        1i64..=10,
        proptest::option::of(0usize..3),
        proptest::option::of(0usize..EXPRESSIONS.len()),
        any::<bool>(),
        proptest::collection::vec((0u8..3, 0u8..3), 0..=3),
        any::<u64>(),
    )
        .prop_map(
            |(family, count, group, member_of, distinct, strategies, seed)| Call {
                family,
                count,
                group,
                member_of,
                distinct,
                strategies,
                seed,
            },
        )
}

fn request(call: &Call) -> RunTaskRequest {
    let family = ["web", "ported", "huge", "svc-001", "picky"][call.family];
    let mut constraints = Vec::new();
    if let Some(index) = call.member_of {
        constraints.push(PlacementConstraint {
            kind: Some(PlacementConstraintType::MemberOf),
            expression: Some(EXPRESSIONS[index].to_owned()),
        });
    }
    if call.distinct {
        constraints.push(PlacementConstraint {
            kind: Some(PlacementConstraintType::DistinctInstance),
            expression: None,
        });
    }
    let strategies = call
        .strategies
        .iter()
        .map(|&(kind, field)| match kind {
            0 => strategy(
                PlacementStrategyType::Binpack,
                ["cpu", "memory", "memory"][field as usize],
            ),
            1 => strategy(
                PlacementStrategyType::Spread,
                [
                    "instanceId",
                    "attribute:ecs.availability-zone",
                    "attribute:no-such-attribute",
                ][field as usize],
            ),
            _ => strategy(PlacementStrategyType::Random, ""),
        })
        .collect();
    RunTaskRequest {
        cluster: Some("bench".to_owned()),
        task_definition: Some(family.to_owned()),
        count: Some(call.count),
        group: call
            .group
            .map(|g| ["service:svc-001", "fresh", "service:web"][g].to_owned()),
        placement_constraints: Some(constraints),
        placement_strategy: Some(strategies),
        ..RunTaskRequest::default()
    }
}

/// `cases` cases (these properties run whole call sequences), with failures kept in the
/// committed `proptest-regressions/` folder.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/placement_incremental.txt",
            ),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// A sequence of calls, each applied before the next: every outcome equals the
    /// reference path's.
    #[test]
    fn incremental_equals_reference(
        instances in 1usize..40,
        cluster_seed in 0u64..4,
        calls in proptest::collection::vec(call(), 1..6),
    ) {
        let mut state = snapshot(instances, cluster_seed);
        for call in &calls {
            let request = request(call);
            let fast = run_task(&state, &request, call.seed);
            let reference = run_task_reference(&state, &request, call.seed);
            prop_assert_eq!(&fast, &reference);
            if let Ok(outcome) = fast {
                state.apply(&outcome.changes);
            }
        }
    }
}

#[test]
fn the_reference_workload_is_identical_on_both_paths() {
    let snapshot = Snapshot::try_from(cluster(&ClusterSpec::scaled(600, 1))).unwrap();
    let request = ecs_placement::generate::reference_request();
    for seed in 0..20 {
        assert_eq!(
            run_task(&snapshot, &request, seed).unwrap(),
            run_task_reference(&snapshot, &request, seed).unwrap()
        );
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// A Placer gives the responses of `run_task_reference` + `apply` in sequence, with tasks
    /// stopped between calls, and ends in the same state.
    #[test]
    fn placer_equals_run_task_then_apply(
        instances in 1usize..40,
        cluster_seed in 0u64..4,
        calls in proptest::collection::vec((call(), proptest::option::of(any::<prop::sample::Index>())), 1..8),
    ) {
        let initial = snapshot(instances, cluster_seed);
        let mut placer = ecs_placement::Placer::new(initial.clone());
        let mut state = initial;
        let mut placed: Vec<String> = Vec::new();
        for (call, stop) in &calls {
            let request = request(call);
            let expected = run_task_reference(&state, &request, call.seed);
            let actual = placer.run_task(&request, call.seed);
            prop_assert_eq!(actual.as_ref().ok(), expected.as_ref().map(|o| &o.response).ok());
            prop_assert_eq!(actual.as_ref().err(), expected.as_ref().err());
            if let Ok(outcome) = expected {
                state.apply(&outcome.changes);
                placed.extend(outcome.response.tasks.iter().filter_map(|t| t.task_arn.as_deref().map(str::to_owned)));
            }
            if let (Some(index), false) = (stop, placed.is_empty()) {
                let arn = placed.swap_remove(index.index(placed.len()));
                ecs_placement::stop_task(&mut state, &arn).unwrap();
                placer.stop_task(&arn).unwrap();
            }
        }
        let file = |s: &Snapshot| serde_json::to_string(&s.to_file()).unwrap();
        prop_assert_eq!(file(placer.snapshot()), file(&state));
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// The same requests again and again through one Placer (which keeps their candidate rows
    /// between calls), with tasks stopped between calls: the responses and the final state of
    /// `run_task_reference` + `apply`.
    #[test]
    fn placer_repeating_requests_equals_run_task_then_apply(
        instances in 1usize..40,
        cluster_seed in 0u64..4,
        pool in proptest::collection::vec(call(), 1..4),
        steps in proptest::collection::vec(
            (any::<prop::sample::Index>(), any::<u64>(), proptest::collection::vec(any::<prop::sample::Index>(), 0..4)),
            1..16,
        ),
    ) {
        let initial = snapshot(instances, cluster_seed);
        let mut placer = ecs_placement::Placer::new(initial.clone());
        // The same calls through `run_task_summary`: the summary of the same response, each
        // placed task described as the response describes it, and the same state.
        let mut counting = ecs_placement::Placer::new(initial.clone());
        // And through a placer that forgets its stopped tasks after every call: the same
        // responses, and the same state less the stopped tasks.
        let mut forgetting = ecs_placement::Placer::new(initial.clone());
        let mut state = initial;
        let mut placed: Vec<String> = Vec::new();
        for (pick, seed, stops) in &steps {
            let request = request(&pool[pick.index(pool.len())]);
            let expected = run_task_reference(&state, &request, *seed);
            let actual = placer.run_task(&request, *seed);
            prop_assert_eq!(actual.as_ref().ok(), expected.as_ref().map(|o| &o.response).ok());
            prop_assert_eq!(actual.as_ref().err(), expected.as_ref().err());
            prop_assert_eq!(&forgetting.run_task(&request, *seed), &actual);
            let summary = counting.run_task_summary(&request, *seed);
            let expected_summary = expected
                .as_ref()
                .map(|o| RunTaskSummary::of_response(o.response.clone()));
            prop_assert_eq!(summary.as_ref().ok(), expected_summary.as_ref().ok());
            prop_assert_eq!(summary.as_ref().err(), expected.as_ref().err());
            if let Ok(outcome) = &expected {
                for task in &outcome.response.tasks {
                    let arn = task.task_arn.as_deref().unwrap_or_default();
                    let described = counting.snapshot().describe_task(arn);
                    prop_assert_eq!(described.as_ref(), Some(task));
                }
            }
            if let Ok(outcome) = expected {
                state.apply(&outcome.changes);
                placed.extend(outcome.response.tasks.iter().filter_map(|t| t.task_arn.as_deref().map(str::to_owned)));
            }
            for stop in stops {
                if placed.is_empty() {
                    break;
                }
                let arn = placed.swap_remove(stop.index(placed.len()));
                ecs_placement::stop_task(&mut state, &arn).unwrap();
                placer.stop_task(&arn).unwrap();
                counting.stop_task(&arn).unwrap();
                forgetting.stop_task(&arn).unwrap();
            }
            forgetting.forget_stopped_tasks();
        }
        let file = |s: &Snapshot| serde_json::to_string(&s.to_file()).unwrap();
        prop_assert_eq!(file(placer.snapshot()), file(&state));
        prop_assert_eq!(file(counting.snapshot()), file(&state));
        state.forget_stopped_tasks();
        prop_assert_eq!(file(forgetting.snapshot()), file(&state));
    }
}

/// A repeated request keeps its spread counts from its third call on (a `Placer` keeps it from
/// its second, and its rows and counts from the call after); when it keeps them while its group
/// does not exist yet (every call so far failed) and a later call interns the group, the
/// counts must be counted again, not followed from "no group". The cluster is filled with one
/// family until a call places nothing, the late request (same family, its own group, spread by
/// zone) fails three times, the filler tasks stop, and the late request places:
/// every response and the final state equal `run_task_reference` + `apply`.
#[test]
fn kept_spread_counts_follow_a_group_interned_after_they_were_kept() {
    let huge = |group: Option<&str>, strategies| RunTaskRequest {
        cluster: Some("bench".to_owned()),
        task_definition: Some("huge".to_owned()),
        count: Some(10),
        group: group.map(str::to_owned),
        placement_strategy: Some(strategies),
        ..RunTaskRequest::default()
    };
    let filler = huge(None, vec![strategy(PlacementStrategyType::Random, "")]);
    let mut late = huge(
        Some("late-group"),
        vec![strategy(
            PlacementStrategyType::Spread,
            "attribute:ecs.availability-zone",
        )],
    );
    late.count = Some(2);
    for cluster_seed in 0..8 {
        let mut state = snapshot(30, cluster_seed);
        let mut placer = ecs_placement::Placer::new(state.clone());
        let mut filled: Vec<String> = Vec::new();
        let mut seed = cluster_seed * 1000;
        let call = |placer: &mut ecs_placement::Placer,
                    request: &RunTaskRequest,
                    state: &mut Snapshot,
                    seed: u64| {
            let expected = run_task_reference(state, request, seed).unwrap();
            let actual = placer.run_task(request, seed).unwrap();
            assert_eq!(
                actual, expected.response,
                "cluster {cluster_seed}, seed {seed}"
            );
            state.apply(&expected.changes);
            expected.response.tasks
        };
        loop {
            seed += 1;
            let placed = call(&mut placer, &filler, &mut state, seed);
            if placed.is_empty() {
                break;
            }
            filled.extend(
                placed
                    .into_iter()
                    .filter_map(|t| t.task_arn.as_deref().map(str::to_owned)),
            );
        }
        for _ in 0..3 {
            seed += 1;
            assert!(call(&mut placer, &late, &mut state, seed).is_empty());
        }
        for arn in &filled {
            ecs_placement::stop_task(&mut state, arn).unwrap();
            placer.stop_task(arn).unwrap();
        }
        let mut placed_late = 0;
        for _ in 0..3 {
            seed += 1;
            placed_late += call(&mut placer, &late, &mut state, seed).len();
        }
        assert!(
            placed_late > 2,
            "cluster {cluster_seed}: the late group placed after interning"
        );
        let file = |s: &Snapshot| serde_json::to_string(&s.to_file()).unwrap();
        assert_eq!(file(placer.snapshot()), file(&state));
    }
}
