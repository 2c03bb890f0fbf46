//! `headroom`: golden answers on the example cluster (as it is, with an instance drained, with
//! an instance added), the stop and the limit, errors, determinism, and the property that its
//! `fits` is what a loop of `run_task` + `apply` places before its first failure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use ecs_placement::ExceptionName;
use ecs_placement::aws::RunTaskRequest;
use ecs_placement::headroom::{
    DEFAULT_LIMIT, Headroom, ResourceKind, SingleResource, call_seed, headroom,
};
use ecs_placement::model::Snapshot;
use ecs_placement::run_task;
use proptest::prelude::*;
use serde_json::{Value, json};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn example_cluster() -> Value {
    let text = std::fs::read_to_string(format!("{DIR}/examples/cluster.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn example_request() -> RunTaskRequest {
    let text = std::fs::read_to_string(format!("{DIR}/examples/run-task.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn load(cluster: &Value) -> Snapshot {
    Snapshot::from_json(&cluster.to_string()).unwrap()
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// The instance of the example cluster whose ARN ends with `id`.
fn instance_mut<'a>(cluster: &'a mut Value, id: &str) -> &'a mut Value {
    cluster["containerInstances"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["containerInstanceArn"].as_str().unwrap().ends_with(id))
        .unwrap()
}

/// The example m5.xlarge in us-east-1a (3520 CPU units left: 13 tasks of 256, 192 left over).
const XLARGE_A: &str = "36f675cc81e74ef5e8e25d940ed90475";
/// The example m5.xlarge in us-east-1b.
const XLARGE_B: &str = "6b0d549b6f03675a1600a35a099950d8";

/// What a loop of `run_task` + `apply` with headroom's seeds places: tasks per zone, the calls
/// made, and the failures of the last one counted by reason.
struct Loop {
    fits: u64,
    calls: u64,
    zones: BTreeMap<String, u64>,
    reasons: BTreeMap<String, u64>,
    state: Snapshot,
}

fn run_loop(snapshot: &Snapshot, request: &RunTaskRequest, seed: u64, limit: u64) -> Loop {
    let count = request.count.unwrap_or(1) as u64;
    let mut state = snapshot.clone();
    let mut out = Loop {
        fits: 0,
        calls: 0,
        zones: BTreeMap::new(),
        reasons: BTreeMap::new(),
        state: snapshot.clone(),
    };
    while out.fits < limit {
        let mut call = request.clone();
        let asked = count.min(limit - out.fits);
        call.count = Some(asked as i64);
        let outcome = run_task(&state, &call, call_seed(seed, out.calls)).unwrap();
        out.calls += 1;
        state.apply(&outcome.changes);
        for task in &outcome.response.tasks {
            let zone = task.availability_zone.as_deref().unwrap_or("-");
            *out.zones.entry(zone.to_owned()).or_default() += 1;
        }
        out.fits += outcome.response.tasks.len() as u64;
        if (outcome.response.tasks.len() as u64) < asked {
            for failure in &outcome.response.failures {
                let reason = failure.reason.clone().unwrap_or_default();
                *out.reasons.entry(reason).or_default() += 1;
            }
            break;
        }
    }
    out.state = state;
    out
}

/// The golden answer on the example: the request takes `web` tasks (256 CPU units, 384 MiB,
/// no fixed host port) to the six ACTIVE, connected prod m5 instances, which hold
/// 1536 / 1792 / 1792 CPU units (m5.large: 6 + 7 + 7 tasks) and 3520 each (m5.xlarge: 13
/// each): 59 tasks, CPU running out first everywhere (memory would allow 18 or more per
/// instance). The 60th is refused by those six for CPU, by the six other ACTIVE instances
/// (staging, or not m5) for memberOf, and by the disconnected one for AGENT; the DRAINING one
/// is skipped. The m5.xlarge instances lack the least: 256 - 192 = 64 CPU units.
#[test]
fn golden_example() {
    let snapshot = load(&example_cluster());
    let report = headroom(&snapshot, &example_request(), 42, DEFAULT_LIMIT).unwrap();
    assert_eq!(report.fits, 59);
    assert_eq!(report.calls, 10);
    assert_eq!(report.count_per_call, 6);
    assert!(!report.limit_reached);
    assert_eq!(
        report.by_availability_zone,
        counts(&[("us-east-1a", 19), ("us-east-1b", 20), ("us-east-1c", 20)])
    );
    assert_eq!(
        report.by_instance_type,
        counts(&[("m5.large", 20), ("m5.xlarge", 39)])
    );
    assert_eq!(
        report.by_capacity_provider,
        counts(&[("cp-ondemand", 46), ("cp-spot", 13)])
    );
    let stop = report.stopped_by.as_ref().unwrap();
    assert_eq!(stop.task, 60);
    let reasons: Vec<(&str, u64)> = stop.reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        reasons,
        vec![
            ("MemberOf placement constraint unsatisfied.", 6),
            ("RESOURCE:CPU", 6),
            ("AGENT", 1),
        ]
    );
    assert_eq!(
        stop.single_resource,
        vec![SingleResource {
            resource: ResourceKind::Cpu,
            instances: 6,
            container_instance_arn: format!(
                "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{XLARGE_A}"
            ),
            ec2_instance_id: Some("i-0881ed16ae2eb154".to_owned()),
            short: 64,
            unit: "CPU units",
            ports: vec![],
        }]
    );
    assert_eq!(
        stop.would_need.as_deref(),
        Some("CPU: +64 CPU units on i-0881ed16ae2eb154")
    );

    // The same numbers from an independent loop of run_task + apply.
    let looped = run_loop(&snapshot, &example_request(), 42, DEFAULT_LIMIT);
    assert_eq!(looped.fits, 59);
    assert_eq!(looped.calls, 10);
    assert_eq!(looped.zones, report.by_availability_zone);
    let reasons: BTreeMap<String, u64> = stop.reasons.clone().into_iter().collect();
    assert_eq!(looped.reasons, reasons);
}

/// The JSON keys, as docs/SEMANTICS.md ("Headroom") documents them.
#[test]
fn json_shape() {
    let snapshot = load(&example_cluster());
    let report = headroom(&snapshot, &example_request(), 42, DEFAULT_LIMIT).unwrap();
    let value = serde_json::to_value(&report).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "byAvailabilityZone",
            "byCapacityProvider",
            "byInstanceType",
            "calls",
            "countPerCall",
            "fits",
            "limit",
            "limitReached",
            "stoppedBy"
        ]
    );
    assert_eq!(
        value["stoppedBy"],
        json!({
            "task": 60,
            "waitingForCapacity": 0,
            "reasons": {
                "MemberOf placement constraint unsatisfied.": 6,
                "RESOURCE:CPU": 6,
                "AGENT": 1
            },
            "singleResource": [{
                "resource": "CPU",
                "instances": 6,
                "containerInstanceArn": format!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{XLARGE_A}"),
                "ec2InstanceId": "i-0881ed16ae2eb154",
                "short": 64,
                "unit": "CPU units"
            }],
            "wouldNeed": "CPU: +64 CPU units on i-0881ed16ae2eb154",
            "message": "task 60 did not fit (MemberOf placement constraint unsatisfied.: 6, RESOURCE:CPU: 6, AGENT: 1); one more fits with CPU: +64 CPU units on i-0881ed16ae2eb154"
        })
    );
}

/// Draining the m5.xlarge in us-east-1a takes its 13 tasks away (and it is no longer judged,
/// so it is neither a failure entry nor the closest instance).
#[test]
fn a_drained_instance_changes_the_answer() {
    let mut cluster = example_cluster();
    instance_mut(&mut cluster, XLARGE_A)["status"] = json!("DRAINING");
    let snapshot = load(&cluster);
    let report = headroom(&snapshot, &example_request(), 42, DEFAULT_LIMIT).unwrap();
    assert_eq!(report.fits, 46);
    assert_eq!(
        report.by_availability_zone,
        counts(&[("us-east-1a", 6), ("us-east-1b", 20), ("us-east-1c", 20)])
    );
    assert_eq!(
        report.by_instance_type,
        counts(&[("m5.large", 20), ("m5.xlarge", 26)])
    );
    let stop = report.stopped_by.unwrap();
    assert_eq!(stop.reasons.get("RESOURCE:CPU"), Some(&5));
    assert_eq!(stop.single_resource.len(), 1);
    assert_eq!(stop.single_resource[0].instances, 5);
    assert!(
        stop.single_resource[0]
            .container_instance_arn
            .ends_with(XLARGE_B)
    );
    assert_eq!(
        run_loop(&snapshot, &example_request(), 42, DEFAULT_LIMIT).fits,
        46
    );
}

/// An added m5.2xlarge (prod, 8192 CPU units, nothing running) takes 8192 / 256 = 32 more.
#[test]
fn an_added_instance_takes_tasks() {
    let mut cluster = example_cluster();
    let mut added = instance_mut(&mut cluster, XLARGE_A).clone();
    added["containerInstanceArn"] =
        json!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/added");
    added["ec2InstanceId"] = json!("i-added");
    added["runningTasksCount"] = json!(0);
    for attribute in added["attributes"].as_array_mut().unwrap() {
        if attribute["name"] == "ecs.instance-type" {
            attribute["value"] = json!("m5.2xlarge");
        }
    }
    let resources = json!([
        {"name": "CPU", "type": "INTEGER", "integerValue": 8192},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": 31440},
        {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
        {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []}
    ]);
    added["registeredResources"] = resources.clone();
    added["remainingResources"] = resources;
    cluster["containerInstances"]
        .as_array_mut()
        .unwrap()
        .push(added);
    let snapshot = load(&cluster);
    let report = headroom(&snapshot, &example_request(), 42, DEFAULT_LIMIT).unwrap();
    assert_eq!(report.fits, 59 + 32);
    assert_eq!(
        report.by_instance_type,
        counts(&[("m5.2xlarge", 32), ("m5.large", 20), ("m5.xlarge", 39)])
    );
    assert_eq!(
        report.by_availability_zone.get("us-east-1a"),
        Some(&(19 + 32))
    );
    assert_eq!(
        report.stopped_by.unwrap().reasons.get("RESOURCE:CPU"),
        Some(&7)
    );
}

/// `api` reserves host ports 8080/tcp and 8125/udp: one task per instance that has them free.
/// Seven instances have them free; then nine are refused for PORTS alone.
#[test]
fn golden_ports() {
    let snapshot = load(&example_cluster());
    let request: RunTaskRequest = serde_json::from_value(
        json!({"cluster": "prod", "taskDefinition": "api", "count": 2, "launchType": "EC2"}),
    )
    .unwrap();
    let report = headroom(&snapshot, &request, 1, DEFAULT_LIMIT).unwrap();
    assert_eq!(report.fits, 7);
    assert_eq!(report.calls, 4);
    let stop = report.stopped_by.unwrap();
    assert_eq!(stop.reasons.get("RESOURCE:PORTS"), Some(&9));
    let ports = &stop.single_resource[0];
    assert_eq!(ports.resource, ResourceKind::Ports);
    assert_eq!(ports.instances, 9);
    assert_eq!(ports.short, 2);
    assert_eq!(ports.ports, vec!["tcp/8080", "udp/8125"]);
    assert_eq!(run_loop(&snapshot, &request, 1, DEFAULT_LIMIT).fits, 7);
}

/// A request the first call cannot place: fits 0, with why.
#[test]
fn nothing_fits() {
    let snapshot = load(&example_cluster());
    let mut request = example_request();
    request.placement_constraints = Some(vec![
        serde_json::from_value(
            json!({"type": "memberOf", "expression": "attribute:stack == nowhere"}),
        )
        .unwrap(),
    ]);
    let report = headroom(&snapshot, &request, 0, DEFAULT_LIMIT).unwrap();
    assert_eq!(report.fits, 0);
    assert_eq!(report.calls, 1);
    assert!(report.by_availability_zone.is_empty());
    let stop = report.stopped_by.unwrap();
    assert_eq!(stop.task, 1);
    assert_eq!(
        stop.reasons
            .get("MemberOf placement constraint unsatisfied.")
            .copied(),
        Some(12)
    );
    assert!(stop.single_resource.is_empty());
    assert_eq!(stop.would_need, None);
    assert!(
        stop.message.contains("no instance is short of a resource"),
        "{}",
        stop.message
    );
}

/// A request RunTask refuses is its error, not a headroom of 0.
#[test]
fn a_bad_request_is_an_error() {
    let snapshot = load(&example_cluster());
    let mut request = example_request();
    request.task_definition = Some("missing".to_owned());
    let error = headroom(&snapshot, &request, 0, DEFAULT_LIMIT).unwrap_err();
    assert_eq!(error.exception, ExceptionName::ClientException);
    request = example_request();
    request.count = Some(11);
    let error = headroom(&snapshot, &request, 0, DEFAULT_LIMIT).unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
}

/// The limit: at most `limit` tasks, the last call asking only for what is left; Fargate never
/// fails, so it ends there.
#[test]
fn the_limit_stops_a_request_that_never_fails() {
    let snapshot = load(&example_cluster());
    let report = headroom(&snapshot, &example_request(), 42, 10).unwrap();
    assert_eq!((report.fits, report.calls), (10, 2));
    assert!(report.limit_reached);
    assert_eq!(report.stopped_by, None);

    let fargate: RunTaskRequest = serde_json::from_value(json!({
        "cluster": "prod", "taskDefinition": "search", "count": 10, "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
    }))
    .unwrap();
    let report = headroom(&snapshot, &fargate, 3, 95).unwrap();
    assert_eq!((report.fits, report.calls), (95, 10));
    assert!(report.limit_reached);
    assert_eq!(report.by_availability_zone, counts(&[("-", 95)]));
    assert_eq!(report.by_capacity_provider, counts(&[("-", 95)]));
}

/// The same seed, the same answer; the snapshot is not changed.
#[test]
fn same_seed_same_answer() {
    let snapshot = load(&example_cluster());
    let before = serde_json::to_string(&snapshot.to_file()).unwrap();
    let text = |report: &Headroom| serde_json::to_string(report).unwrap();
    let request = example_request();
    let first = headroom(&snapshot, &request, 9, DEFAULT_LIMIT).unwrap();
    let second = headroom(&snapshot, &request, 9, DEFAULT_LIMIT).unwrap();
    assert_eq!(text(&first), text(&second));
    assert_eq!(serde_json::to_string(&snapshot.to_file()).unwrap(), before);
}

/// Call seeds differ from call to call (no two calls draw the same task ARNs).
#[test]
fn call_seeds_are_distinct() {
    let seeds: std::collections::HashSet<u64> = (0..10_000).map(|i| call_seed(5, i)).collect();
    assert_eq!(seeds.len(), 10_000);
}

// ---- property: fits == a loop of run_task + apply until its first failure ----------------

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const PROVIDERS: [&str; 2] = ["cp-a", "cp-b"];

#[derive(Debug, Clone)]
struct InstanceSpec {
    cpu: i64,
    memory: i64,
    zone: usize,
    provider: usize,
    port_taken: bool,
    gpus: usize,
    active: bool,
    connected: bool,
}

#[derive(Debug, Clone)]
struct Case {
    instances: Vec<InstanceSpec>,
    cpu: i64,
    memory: i64,
    port: bool,
    gpus: u32,
    count: u32,
    distinct: bool,
    member_of: bool,
    providers: Option<(u32, u32, u32)>,
    strategies: Vec<Value>,
    seed: u64,
    limit: u64,
}

fn instance_spec() -> impl Strategy<Value = InstanceSpec> {
    (
        (0i64..10).prop_map(|n| n * 512),
        (0i64..10).prop_map(|n| n * 1024),
        0usize..3,
        0usize..2,
        prop::bool::weighted(0.2),
        0usize..3,
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(cpu, memory, zone, provider, port_taken, gpus, active, connected)| InstanceSpec {
                cpu,
                memory,
                zone,
                provider,
                port_taken,
                gpus,
                active,
                connected,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    let strategies = proptest::collection::vec(
        prop_oneof![
            Just(json!({"type": "random"})),
            Just(json!({"type": "binpack", "field": "memory"})),
            Just(json!({"type": "spread", "field": "attribute:ecs.availability-zone"})),
            Just(json!({"type": "spread", "field": "instanceId"})),
        ],
        0..=2,
    );
    (
        proptest::collection::vec(instance_spec(), 1..7),
        (1i64..4).prop_map(|c| c * 256),
        (0i64..4).prop_map(|m| m * 512),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8).prop_map(|none| u32::from(!none)),
        1u32..=10,
        prop::bool::weighted(0.25),
        any::<bool>(),
        proptest::option::of((0u32..3, 0u32..3, 1u32..3)),
        strategies,
        any::<u64>(),
        prop_oneof![Just(500u64), 1u64..40],
    )
        .prop_map(
            |(
                instances,
                cpu,
                memory,
                port,
                gpus,
                count,
                distinct,
                member_of,
                providers,
                strategies,
                seed,
                limit,
            )| Case {
                instances,
                cpu,
                memory,
                port,
                gpus,
                count,
                distinct,
                member_of,
                providers,
                strategies,
                seed,
                limit,
            },
        )
}

fn snapshot_json(case: &Case) -> Value {
    let instances: Vec<Value> = case
        .instances
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let tcp: Vec<String> = if spec.port_taken {
                vec!["22".into(), "80".into()]
            } else {
                vec!["22".into()]
            };
            let gpus: Vec<String> = (0..spec.gpus).map(|g| format!("gpu-{g}")).collect();
            let mut registered = vec![
                json!({"name": "CPU", "type": "INTEGER", "integerValue": spec.cpu}),
                json!({"name": "MEMORY", "type": "INTEGER", "integerValue": spec.memory}),
                json!({"name": "PORTS", "type": "STRINGSET", "stringSetValue": tcp}),
                json!({"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []}),
            ];
            if !gpus.is_empty() {
                registered
                    .push(json!({"name": "GPU", "type": "STRINGSET", "stringSetValue": gpus}));
            }
            json!({
                "containerInstanceArn": format!("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i{index}"),
                "ec2InstanceId": format!("i-{index}"),
                "capacityProviderName": PROVIDERS[spec.provider],
                "status": if spec.active { "ACTIVE" } else { "DRAINING" },
                "agentConnected": spec.connected,
                "attributes": [
                    {"name": "ecs.availability-zone", "value": ZONES[spec.zone]},
                    {"name": "ecs.instance-type", "value": format!("t{}", spec.zone)},
                ],
                "registeredResources": registered,
            })
        })
        .collect();
    let mut container =
        json!({"name": "app", "image": "app", "cpu": case.cpu, "memory": case.memory.max(4)});
    if case.port {
        container["portMappings"] = json!([{"containerPort": 80, "hostPort": 80}]);
    }
    if case.gpus > 0 {
        container["resourceRequirements"] =
            json!([{"type": "GPU", "value": case.gpus.to_string()}]);
    }
    let providers: Vec<Value> = PROVIDERS
        .iter()
        .map(|name| json!({"name": name, "status": "ACTIVE", "type": "EC2_AUTOSCALING"}))
        .collect();
    json!({
        "cluster": {
            "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            "clusterName": "prod",
            "capacityProviders": PROVIDERS,
        },
        "capacityProviders": providers,
        "containerInstances": instances,
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
        constraints.push(
            json!({"type": "memberOf", "expression": "attribute:ecs.availability-zone != us-east-1c"}),
        );
    }
    let mut request = json!({
        "cluster": "prod",
        "taskDefinition": "app",
        "count": case.count,
        "placementConstraints": constraints,
        "placementStrategy": case.strategies,
    });
    match case.providers {
        Some((base, weight_a, weight_b)) => {
            request["capacityProviderStrategy"] = json!([
                {"capacityProvider": "cp-a", "base": base, "weight": weight_a},
                {"capacityProvider": "cp-b", "weight": weight_b},
            ]);
        }
        None => request["launchType"] = json!("EC2"),
    }
    serde_json::from_value(request).unwrap()
}

/// `state` with the resource `need` names grown on its instance as `need` says.
fn grown(state: &Snapshot, need: &SingleResource) -> Snapshot {
    let mut file = serde_json::to_value(state.to_file()).unwrap();
    let document = file["containerInstances"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["containerInstanceArn"] == need.container_instance_arn.as_str())
        .unwrap();
    let name = need.resource.as_str();
    for list in ["remainingResources", "registeredResources"] {
        for resource in document[list].as_array_mut().unwrap() {
            match need.resource {
                ResourceKind::Cpu | ResourceKind::Memory if resource["name"] == name => {
                    let value = resource["integerValue"].as_i64().unwrap();
                    resource["integerValue"] = json!(value + need.short as i64);
                }
                ResourceKind::Ports
                    if list == "remainingResources" && resource["name"] == "PORTS" =>
                {
                    resource["stringSetValue"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|p| p != "80");
                }
                _ => {}
            }
        }
        if need.resource == ResourceKind::Gpu {
            let extra: Vec<Value> = (0..need.short)
                .map(|i| json!(format!("extra-{i}")))
                .collect();
            let list = document[list].as_array_mut().unwrap();
            match list.iter_mut().find(|r| r["name"] == "GPU") {
                Some(gpu) => gpu["stringSetValue"].as_array_mut().unwrap().extend(extra),
                None => {
                    list.push(json!({"name": "GPU", "type": "STRINGSET", "stringSetValue": extra}))
                }
            }
        }
    }
    Snapshot::from_json(&file.to_string()).unwrap()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/headroom.txt",
            ),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// `fits`, the calls, the zones and the stopping call's reasons are those of a loop of
    /// run_task + apply with the same seeds; and the single resource it names, grown on the
    /// instance it names, lets the same call place a task there.
    #[test]
    fn fits_is_what_a_loop_of_run_task_places(case in case()) {
        let snapshot = Snapshot::from_json(&snapshot_json(&case).to_string()).unwrap();
        let request = request(&case);
        let limit = case.limit;
        let report = headroom(&snapshot, &request, case.seed, limit).unwrap();
        let looped = run_loop(&snapshot, &request, case.seed, limit);
        prop_assert_eq!(report.fits, looped.fits);
        prop_assert_eq!(report.calls, looped.calls);
        prop_assert_eq!(&report.by_availability_zone, &looped.zones);
        prop_assert_eq!(report.limit_reached, report.stopped_by.is_none());
        let total: u64 = report.by_capacity_provider.values().sum();
        prop_assert_eq!(total, report.fits);
        if let Some(stop) = &report.stopped_by {
            let reasons: BTreeMap<String, u64> = stop.reasons.clone().into_iter().collect();
            prop_assert_eq!(&reasons, &looped.reasons);
            prop_assert_eq!(stop.would_need.is_some(), !stop.single_resource.is_empty());
            for need in &stop.single_resource {
                let more = grown(&looped.state, need);
                let seed = call_seed(case.seed, looped.calls);
                let mut call = request.clone();
                call.count = Some(i64::from(case.count));
                let (_, explanations) =
                    ecs_placement::explain_run_task(&more, &call, seed).unwrap();
                let index: usize = need
                    .container_instance_arn
                    .rsplit("/i")
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                let takes = explanations.iter().any(|e| {
                    matches!(
                        e.instances[index].verdict,
                        ecs_placement::placement::Verdict::Candidate { .. }
                    )
                });
                prop_assert!(takes, "{:?} does not make {} a candidate", need, index);
            }
        } else {
            prop_assert_eq!(report.fits, limit);
        }
    }
}

/// Through a provider with managed scaling a task no instance takes waits (PROVISIONING)
/// instead of failing: headroom stops there, counts it apart and says it waits.
#[test]
fn a_task_that_waits_for_scale_out_is_where_headroom_stops() {
    let snapshot = load(&example_cluster());
    let request: RunTaskRequest = serde_json::from_value(json!({
        "cluster": "prod", "taskDefinition": "batch-job", "count": 10,
        "capacityProviderStrategy": [{"capacityProvider": "cp-spot", "weight": 1}]
    }))
    .unwrap();
    let found = headroom(&snapshot, &request, 42, 10_000).unwrap();
    let stopped = found
        .stopped_by
        .as_ref()
        .expect("it stops before the limit");
    assert!(stopped.waiting_for_capacity >= 1);
    assert!(
        stopped.message.starts_with(&format!(
            "task {} waits for its capacity provider to scale out (PROVISIONING",
            found.fits + 1
        )),
        "{}",
        stopped.message
    );
    assert!(!stopped.reasons.is_empty(), "the verdicts give the reasons");
    // Every counted task is on an instance of cp-spot.
    assert_eq!(found.by_capacity_provider.get("cp-spot"), Some(&found.fits));
    // The same count as a loop of run_task + apply until a task waits.
    let mut state = snapshot.clone();
    let mut on_instances = 0;
    for call in 0..1000 {
        let outcome = run_task(&state, &request, call_seed(42, call)).unwrap();
        let placed = outcome
            .response
            .tasks
            .iter()
            .filter(|t| t.container_instance_arn.is_some())
            .count();
        on_instances += placed as u64;
        state.apply(&outcome.changes);
        if placed < 10 {
            break;
        }
    }
    assert_eq!(found.fits, on_instances);
}
