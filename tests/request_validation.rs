//! RunTask and StartTask validation: each rule of spec §2, §3, §5, §6 and the DECISIONS it
//! rests on, on both sides of every limit, asserting the exception name and that the message
//! names the parameter (or is the observed message, verbatim).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::aws::{
    AwsVpcConfiguration, CapacityProvider, CapacityProviderStatus, CapacityProviderStrategyItem,
    CapacityProviderType, ContainerDefinition, ContainerOverride, LaunchType, NetworkConfiguration,
    NetworkMode, PlacementConstraint, PlacementConstraintType, PlacementStrategy,
    PlacementStrategyType, PropagateTags, RunTaskRequest, StartTaskRequest, Tag, TaskDefinition,
    TaskDefinitionPlacementConstraint, TaskDefinitionPlacementConstraintType, TaskDefinitionStatus,
    TaskOverride,
};
use ecs_placement::query::Expression;
use ecs_placement::request::{
    BinpackField, Capacity, Constraint, PlacementRequest, ProviderShare, SpreadField, Strategy,
    ValidationContext, validate_run_task, validate_start_task,
};
use ecs_placement::{EcsError, ExceptionName};

const ARN_PREFIX: &str = "arn:aws:ecs:us-east-1:111122223333:task-definition/";

// --- Fixtures ----------------------------------------------------------------------------

/// A cluster snapshot that owns what a `ValidationContext` borrows.
struct Cluster {
    definitions: Vec<TaskDefinition>,
    associated: Vec<String>,
    providers: Vec<CapacityProvider>,
    default_strategy: Vec<CapacityProviderStrategyItem>,
    instances: usize,
}

impl Cluster {
    fn new() -> Self {
        Self {
            definitions: vec![
                definition("web", 1, TaskDefinitionStatus::Active),
                definition("web", 2, TaskDefinitionStatus::Active),
                definition("web", 3, TaskDefinitionStatus::Inactive),
            ],
            associated: vec![
                "asg-a".into(),
                "asg-b".into(),
                "FARGATE".into(),
                "FARGATE_SPOT".into(),
            ],
            providers: vec![],
            default_strategy: vec![],
            instances: 3,
        }
    }

    fn ctx(&self) -> ValidationContext<'_> {
        ValidationContext {
            cluster_name: "prod",
            cluster_arn: "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
            cluster_name_source: ecs_placement::model::ClusterNameSource::ClusterName,
            task_definitions: &self.definitions,
            cluster_capacity_providers: &self.associated,
            capacity_providers: &self.providers,
            default_capacity_provider_strategy: &self.default_strategy,
            container_instance_count: self.instances,
        }
    }

    fn run(&self, request: &RunTaskRequest) -> Result<PlacementRequest, EcsError> {
        validate_run_task(request, &self.ctx())
    }
}

fn definition(family: &str, revision: i64, status: TaskDefinitionStatus) -> TaskDefinition {
    TaskDefinition {
        task_definition_arn: Some(format!("{ARN_PREFIX}{family}:{revision}")),
        family: Some(family.into()),
        revision: Some(revision),
        status: Some(status),
        container_definitions: Some(vec![ContainerDefinition {
            name: Some("app".into()),
            cpu: Some(256),
            memory: Some(512),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

fn request() -> RunTaskRequest {
    RunTaskRequest {
        cluster: Some("prod".into()),
        task_definition: Some("web".into()),
        ..Default::default()
    }
}

fn member_of(expression: &str) -> PlacementConstraint {
    PlacementConstraint {
        kind: Some(PlacementConstraintType::MemberOf),
        expression: Some(expression.into()),
    }
}

fn distinct() -> PlacementConstraint {
    PlacementConstraint {
        kind: Some(PlacementConstraintType::DistinctInstance),
        expression: None,
    }
}

fn strategy(kind: &str, field: Option<&str>) -> PlacementStrategy {
    PlacementStrategy {
        kind: Some(PlacementStrategyType::parse(kind)),
        field: field.map(Into::into),
    }
}

fn item(name: &str, weight: Option<i64>, base: Option<i64>) -> CapacityProviderStrategyItem {
    CapacityProviderStrategyItem {
        capacity_provider: name.into(),
        weight,
        base,
    }
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

fn with_command_of_length(len: usize) -> TaskOverride {
    TaskOverride {
        container_overrides: Some(vec![ContainerOverride {
            name: Some("app".into()),
            command: Some(vec!["x".repeat(len)]),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// Overrides whose JSON text is exactly `total` characters long.
fn overrides_of_json_length(total: usize) -> TaskOverride {
    let base = serde_json::to_string(&with_command_of_length(0))
        .unwrap()
        .len();
    let overrides = with_command_of_length(total - base);
    assert_eq!(
        serde_json::to_string(&overrides).unwrap().chars().count(),
        total
    );
    overrides
}

/// Asserts a rejection with `exception` whose message contains every one of `needles`.
#[track_caller]
fn assert_rejected<T: std::fmt::Debug>(
    result: Result<T, EcsError>,
    exception: ExceptionName,
    needles: &[&str],
) {
    let error = result.expect_err("the call should be rejected");
    assert_eq!(error.exception, exception, "{error}");
    for needle in needles {
        assert!(
            error.message.contains(needle),
            "{needle:?} not in {:?}",
            error.message
        );
    }
}

#[track_caller]
fn assert_message<T: std::fmt::Debug>(result: Result<T, EcsError>, message: &str) {
    let error = result.expect_err("the call should be rejected");
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    assert_eq!(error.message, message);
}

use ExceptionName::{ClientException, ClusterNotFoundException, InvalidParameterException};

// --- The happy path ------------------------------------------------------------------------

#[test]
fn a_minimal_call_resolves_with_the_defaults() {
    let placement = Cluster::new().run(&request()).unwrap();
    assert_eq!(placement.count, 1);
    assert_eq!(placement.group, "family:web");
    assert_eq!(placement.task_definition.revision, Some(2), "latest ACTIVE");
    assert_eq!(placement.capacity, Capacity::LaunchType(LaunchType::Ec2));
    assert_eq!(placement.strategies, vec![Strategy::Random]);
    assert!(placement.constraints.is_empty());
    assert_eq!(
        (placement.demand.cpu, placement.demand.memory_mib),
        (256, 512)
    );
}

// --- count -------------------------------------------------------------------------------

#[test]
fn count_must_be_1_to_10() {
    let cluster = Cluster::new();
    for ok in [1, 10] {
        let call = RunTaskRequest {
            count: Some(ok),
            ..request()
        };
        assert_eq!(
            cluster.run(&call).unwrap().count,
            u32::try_from(ok).unwrap()
        );
    }
    for bad in [0, 11, -1] {
        let call = RunTaskRequest {
            count: Some(bad),
            ..request()
        };
        assert_rejected(
            cluster.run(&call),
            InvalidParameterException,
            &["count", &bad.to_string()],
        );
    }
}

// --- constraints -------------------------------------------------------------------------

#[test]
fn ten_constraints_pass_and_eleven_fail() {
    let cluster = Cluster::new();
    let call = RunTaskRequest {
        placement_constraints: Some(vec![distinct(); 10]),
        ..request()
    };
    assert_eq!(cluster.run(&call).unwrap().constraints.len(), 10);
    let call = RunTaskRequest {
        placement_constraints: Some(vec![distinct(); 11]),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["placementConstraints", "11"],
    );
}

#[test]
fn constraints_are_counted_with_the_task_definitions() {
    let mut cluster = Cluster::new();
    cluster.definitions[1].placement_constraints = Some(vec![TaskDefinitionPlacementConstraint {
        kind: Some(TaskDefinitionPlacementConstraintType::MemberOf),
        expression: Some("attribute:ecs.os-type == linux".into()),
    }]);
    let nine = RunTaskRequest {
        placement_constraints: Some(vec![distinct(); 9]),
        ..request()
    };
    let joined = cluster.run(&nine).unwrap().constraints;
    assert_eq!(joined.len(), 10);
    assert_eq!(
        joined[0],
        Constraint::MemberOf {
            expression: "attribute:ecs.os-type == linux".into(),
            parsed: Expression::parse("attribute:ecs.os-type == linux").unwrap(),
            from_task_definition: true
        }
    );
    let ten = RunTaskRequest {
        placement_constraints: Some(vec![distinct(); 10]),
        ..request()
    };
    assert_rejected(
        cluster.run(&ten),
        InvalidParameterException,
        &["placementConstraints", "11"],
    );
}

#[test]
fn expression_of_2000_characters_passes_and_2001_fails() {
    let cluster = Cluster::new();
    // A valid expression padded to the limit with a long value.
    let expression = |length: usize| format!("attribute:stack == {}", "v".repeat(length - 19));
    assert_eq!(expression(2000).chars().count(), 2000);
    let call = RunTaskRequest {
        placement_constraints: Some(vec![member_of(&expression(2000))]),
        ..request()
    };
    assert!(cluster.run(&call).is_ok());
    let call = RunTaskRequest {
        placement_constraints: Some(vec![member_of(&expression(2001))]),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["placementConstraints[0].expression", "2001"],
    );
}

#[test]
fn member_of_syntax_is_checked_at_run_task() {
    let cluster = Cluster::new();
    let call = RunTaskRequest {
        placement_constraints: Some(vec![member_of("attribute:stack in prod")]),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["placementConstraints[0].expression", "`in` needs a list"],
    );
}

#[test]
fn distinct_instance_with_any_expression_uses_the_observed_message() {
    for expression in ["", "attribute:x == y"] {
        let constraint = PlacementConstraint {
            expression: Some(expression.into()),
            ..distinct()
        };
        let call = RunTaskRequest {
            placement_constraints: Some(vec![constraint]),
            ..request()
        };
        assert_message(
            Cluster::new().run(&call),
            "distinctInstance expression should not be specified.",
        );
    }
}

#[test]
fn member_of_needs_a_non_empty_expression() {
    let missing = PlacementConstraint {
        expression: None,
        ..member_of("")
    };
    for constraint in [missing, member_of(""), member_of("   ")] {
        let call = RunTaskRequest {
            placement_constraints: Some(vec![distinct(), constraint]),
            ..request()
        };
        assert_rejected(
            Cluster::new().run(&call),
            InvalidParameterException,
            &["placementConstraints[1]"],
        );
    }
}

#[test]
fn unknown_or_missing_constraint_type_is_rejected() {
    let odd = PlacementConstraint {
        kind: Some(PlacementConstraintType::parse("sameZone")),
        expression: None,
    };
    let call = RunTaskRequest {
        placement_constraints: Some(vec![odd]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["placementConstraints[0].type", "sameZone"],
    );
    let none = PlacementConstraint::default();
    let call = RunTaskRequest {
        placement_constraints: Some(vec![none]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["placementConstraints[0].type"],
    );
}

#[test]
fn distinct_instance_in_a_task_definition_is_a_client_exception() {
    let mut cluster = Cluster::new();
    cluster.definitions[1].placement_constraints = Some(vec![TaskDefinitionPlacementConstraint {
        kind: Some(TaskDefinitionPlacementConstraintType::parse(
            "distinctInstance",
        )),
        expression: None,
    }]);
    let error = cluster.run(&request()).unwrap_err();
    assert_eq!(error.exception, ClientException);
    assert_eq!(
        error.message,
        "constraint.type 'distinctInstance' is not supported."
    );
}

#[test]
fn empty_member_of_in_a_task_definition_is_a_client_exception() {
    let mut cluster = Cluster::new();
    cluster.definitions[1].placement_constraints = Some(vec![TaskDefinitionPlacementConstraint {
        kind: Some(TaskDefinitionPlacementConstraintType::MemberOf),
        expression: Some(String::new()),
    }]);
    assert_rejected(
        cluster.run(&request()),
        ClientException,
        &["taskDefinition placementConstraints[0]"],
    );
}

// --- strategies --------------------------------------------------------------------------

#[test]
fn five_strategies_pass_and_six_fail() {
    let cluster = Cluster::new();
    let call = RunTaskRequest {
        placement_strategy: Some(vec![strategy("random", None); 5]),
        ..request()
    };
    assert_eq!(cluster.run(&call).unwrap().strategies.len(), 5);
    let call = RunTaskRequest {
        placement_strategy: Some(vec![strategy("random", None); 6]),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["placementStrategy", "6"],
    );
}

#[test]
fn strategy_fields_are_read_per_type() {
    let call = RunTaskRequest {
        placement_strategy: Some(vec![
            strategy("spread", Some("attribute:ecs.availability-zone")),
            strategy("spread", Some("host")),
            strategy("spread", Some("instanceId")),
            strategy("binpack", Some("MEMORY")),
            strategy("binpack", Some("cpu")),
        ]),
        ..request()
    };
    assert_eq!(
        Cluster::new().run(&call).unwrap().strategies,
        vec![
            Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
            Strategy::Spread(SpreadField::InstanceId),
            Strategy::Spread(SpreadField::InstanceId),
            Strategy::Binpack(BinpackField::Memory),
            Strategy::Binpack(BinpackField::Cpu),
        ]
    );
}

#[test]
fn random_ignores_its_field() {
    let call = RunTaskRequest {
        placement_strategy: Some(vec![strategy("random", Some("anything at all"))]),
        ..request()
    };
    assert_eq!(
        Cluster::new().run(&call).unwrap().strategies,
        vec![Strategy::Random]
    );
}

#[test]
fn bad_strategy_type_or_field_is_rejected() {
    let cases = [
        (strategy("pack", Some("cpu")), "placementStrategy[0].type"),
        (
            strategy("binpack", Some("disk")),
            "placementStrategy[0].field",
        ),
        (strategy("binpack", None), "placementStrategy[0].field"),
        (strategy("spread", None), "placementStrategy[0].field"),
        (
            strategy("spread", Some("zone")),
            "placementStrategy[0].field",
        ),
        (
            strategy("spread", Some("attribute:")),
            "placementStrategy[0].field",
        ),
        (
            strategy("spread", Some("attribute:bad name")),
            "placementStrategy[0].field",
        ),
        (
            strategy("spread", Some("InstanceId")),
            "placementStrategy[0].field",
        ),
    ];
    for (bad, field) in cases {
        let call = RunTaskRequest {
            placement_strategy: Some(vec![bad.clone()]),
            ..request()
        };
        assert_rejected(
            Cluster::new().run(&call),
            InvalidParameterException,
            &[field],
        );
    }
}

#[test]
fn spread_attribute_name_of_128_passes_and_129_fails() {
    let ok = format!("attribute:{}", "n".repeat(128));
    let call = RunTaskRequest {
        placement_strategy: Some(vec![strategy("spread", Some(&ok))]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let bad = format!("attribute:{}", "n".repeat(129));
    let call = RunTaskRequest {
        placement_strategy: Some(vec![strategy("spread", Some(&bad))]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["placementStrategy[0].field"],
    );
}

// --- Fargate -----------------------------------------------------------------------------

#[test]
fn constraints_or_strategies_with_fargate_are_rejected() {
    let fargate_launch = RunTaskRequest {
        launch_type: Some(LaunchType::Fargate),
        ..request()
    };
    let fargate_provider = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("FARGATE_SPOT", Some(1), None)]),
        ..request()
    };
    for base in [fargate_launch, fargate_provider] {
        let call = RunTaskRequest {
            placement_constraints: Some(vec![distinct()]),
            ..base.clone()
        };
        assert_message(
            Cluster::new().run(&call),
            "Placement constraints are not supported with FARGATE launch type.",
        );
        let call = RunTaskRequest {
            placement_strategy: Some(vec![strategy("random", None)]),
            ..base.clone()
        };
        assert_message(
            Cluster::new().run(&call),
            "Placement strategies are not supported with FARGATE launch type.",
        );
        let placement = Cluster::new().run(&base).unwrap();
        assert!(
            placement.strategies.is_empty(),
            "no default strategy on Fargate"
        );
    }
}

#[test]
fn fargate_needs_no_container_instances_but_ec2_does() {
    let mut cluster = Cluster::new();
    cluster.instances = 0;
    let call = RunTaskRequest {
        launch_type: Some(LaunchType::Fargate),
        ..request()
    };
    assert!(cluster.run(&call).is_ok());
    for ec2 in [
        request(),
        RunTaskRequest {
            launch_type: Some(LaunchType::Ec2),
            ..request()
        },
    ] {
        assert_message(
            cluster.run(&ec2),
            "No Container Instances were found in your cluster.",
        );
    }
}

#[test]
fn platform_version_is_for_fargate_only() {
    let call = RunTaskRequest {
        platform_version: Some("LATEST".into()),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["platformVersion", "LATEST"],
    );
    let call = RunTaskRequest {
        launch_type: Some(LaunchType::Fargate),
        ..call
    };
    assert!(Cluster::new().run(&call).is_ok());
}

// --- capacity providers ------------------------------------------------------------------

#[test]
fn launch_type_and_strategy_together_use_the_observed_message() {
    let call = RunTaskRequest {
        launch_type: Some(LaunchType::Ec2),
        capacity_provider_strategy: Some(vec![item("asg-a", Some(1), None)]),
        ..request()
    };
    assert_message(
        Cluster::new().run(&call),
        "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
    );
}

#[test]
fn unknown_launch_type_is_rejected() {
    let call = RunTaskRequest {
        launch_type: Some(LaunchType::parse("ec2")),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["launchType", "ec2"],
    );
}

#[test]
fn provider_not_associated_uses_the_observed_message() {
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-z", Some(1), None)]),
        ..request()
    };
    assert_message(
        Cluster::new().run(&call),
        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
    );
}

#[test]
fn asg_and_fargate_mixed_use_the_observed_message() {
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![
            item("asg-a", Some(1), None),
            item("FARGATE", Some(1), None),
        ]),
        ..request()
    };
    assert_message(
        Cluster::new().run(&call),
        "A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.",
    );
}

#[test]
fn fargate_type_is_also_read_from_the_description() {
    let mut cluster = Cluster::new();
    cluster.associated.push("my-fargate".into());
    cluster.providers.push(CapacityProvider {
        name: Some("my-fargate".into()),
        kind: Some(CapacityProviderType::FargateSpot),
        ..Default::default()
    });
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![
            item("asg-a", Some(1), None),
            item("my-fargate", Some(1), None),
        ]),
        ..request()
    };
    assert_rejected(cluster.run(&call), InvalidParameterException, &["mix"]);
}

#[test]
fn only_one_provider_may_have_a_base() {
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![
            item("asg-a", Some(1), Some(1)),
            item("asg-b", Some(1), Some(2)),
        ]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["capacityProviderStrategy", "base", "asg-a", "asg-b"],
    );
    let zero_bases = RunTaskRequest {
        capacity_provider_strategy: Some(vec![
            item("asg-a", Some(1), Some(0)),
            item("asg-b", Some(1), Some(2)),
        ]),
        ..request()
    };
    assert!(
        Cluster::new().run(&zero_bases).is_ok(),
        "base 0 is not a base"
    );
}

#[test]
fn some_weight_must_be_above_zero_even_for_one_provider() {
    for items in [
        vec![item("asg-a", None, Some(2))],
        vec![item("asg-a", Some(0), None), item("asg-b", Some(0), None)],
    ] {
        let call = RunTaskRequest {
            capacity_provider_strategy: Some(items),
            ..request()
        };
        assert_rejected(
            Cluster::new().run(&call),
            InvalidParameterException,
            &["capacityProviderStrategy", "weight"],
        );
    }
}

#[test]
fn default_strategy_with_no_weight_uses_the_observed_message() {
    let mut cluster = Cluster::new();
    cluster.default_strategy = vec![item("asg-a", None, None)];
    assert_message(
        cluster.run(&request()),
        "There are no capacity providers with a weight value greater than zero defined in the default capacity provider strategy. At least one capacity provider must have a weight value greater than zero specified. Update the cluster's default capacity provider strategy or specify a valid capacity provider strategy and try again.",
    );
}

#[test]
fn twenty_providers_pass_and_twenty_one_fail() {
    let mut cluster = Cluster::new();
    cluster.associated = (0..21).map(|i| format!("asg-{i}")).collect();
    let items = |n: usize| {
        (0..n)
            .map(|i| item(&format!("asg-{i}"), Some(1), None))
            .collect::<Vec<_>>()
    };
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(items(20)),
        ..request()
    };
    assert!(cluster.run(&call).is_ok());
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(items(21)),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["capacityProviderStrategy", "20", "21"],
    );
}

#[test]
fn weight_1000_passes_and_1001_fails() {
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-a", Some(1000), None)]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-a", Some(1001), None)]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["capacityProviderStrategy[0].weight", "1001"],
    );
}

#[test]
fn base_100000_passes_and_100001_fails() {
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-a", Some(1), Some(100_000))]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-a", Some(1), Some(100_001))]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["capacityProviderStrategy[0].base", "100001"],
    );
}

#[test]
fn provider_given_twice_or_not_active_is_rejected() {
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![
            item("asg-a", Some(1), None),
            item("asg-a", Some(1), None),
        ]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["capacityProviderStrategy[1]", "asg-a"],
    );
    let mut cluster = Cluster::new();
    cluster.providers.push(CapacityProvider {
        name: Some("asg-b".into()),
        status: Some(CapacityProviderStatus::Inactive),
        ..Default::default()
    });
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-b", Some(1), None)]),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["asg-b", "INACTIVE"],
    );
}

#[test]
fn the_cluster_default_strategy_applies_when_nothing_is_given() {
    let mut cluster = Cluster::new();
    cluster.default_strategy = vec![
        item("asg-a", Some(1), Some(2)),
        item("asg-b", Some(3), None),
    ];
    let expected = Capacity::Providers(vec![
        ProviderShare {
            name: "asg-a".into(),
            base: 2,
            weight: 1,
        },
        ProviderShare {
            name: "asg-b".into(),
            base: 0,
            weight: 3,
        },
    ]);
    assert_eq!(cluster.run(&request()).unwrap().capacity, expected);
    let with_launch_type = RunTaskRequest {
        launch_type: Some(LaunchType::External),
        ..request()
    };
    assert_eq!(
        cluster.run(&with_launch_type).unwrap().capacity,
        Capacity::LaunchType(LaunchType::External)
    );
}

#[test]
fn decisions_36_order_association_before_mix_before_base_before_weight() {
    // Every rule is broken at once; the association message must win.
    let all_wrong = vec![
        item("asg-z", Some(0), Some(1)),
        item("FARGATE", Some(0), Some(1)),
    ];
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(all_wrong),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["not associated"],
    );
    let mix_base_weight = vec![
        item("asg-a", Some(0), Some(1)),
        item("FARGATE", Some(0), Some(1)),
    ];
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(mix_base_weight),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["mix"],
    );
    let base_weight = vec![
        item("asg-a", Some(0), Some(1)),
        item("asg-b", Some(0), Some(1)),
    ];
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(base_weight),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["only one capacity provider may have a base"],
    );
}

// --- tags --------------------------------------------------------------------------------

#[test]
fn fifty_tags_pass_and_fifty_one_fail() {
    let tags = |n: usize| {
        (0..n)
            .map(|i| tag(&format!("k{i}"), "v"))
            .collect::<Vec<_>>()
    };
    let call = RunTaskRequest {
        tags: Some(tags(50)),
        ..request()
    };
    assert_eq!(Cluster::new().run(&call).unwrap().common.tags.len(), 50);
    let call = RunTaskRequest {
        tags: Some(tags(51)),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["tags", "51"],
    );
}

#[test]
fn tag_key_of_128_passes_and_129_fails() {
    let call = RunTaskRequest {
        tags: Some(vec![tag(&"k".repeat(128), "v")]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        tags: Some(vec![tag(&"k".repeat(129), "v")]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["tags[0].key", "129"],
    );
    let call = RunTaskRequest {
        tags: Some(vec![tag("", "v")]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["tags[0].key"],
    );
}

#[test]
fn tag_value_of_256_passes_and_257_fails() {
    let call = RunTaskRequest {
        tags: Some(vec![
            tag("k", &"v".repeat(256)),
            Tag {
                key: Some("empty".into()),
                value: None,
            },
        ]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        tags: Some(vec![tag("k", &"v".repeat(257))]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["tags[0].value", "257"],
    );
}

#[test]
fn tag_charset_follows_the_model_pattern() {
    let call = RunTaskRequest {
        tags: Some(vec![tag("Team Ünïcode_.:/=+-@ 42", "名前 value")]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    for (key, value, member) in [
        ("bad*key", "v", "tags[0].key"),
        ("k", "tab\there", "tags[0].value"),
        ("k", "a#b", "tags[0].value"),
    ] {
        let call = RunTaskRequest {
            tags: Some(vec![tag(key, value)]),
            ..request()
        };
        assert_rejected(
            Cluster::new().run(&call),
            InvalidParameterException,
            &[member],
        );
    }
}

#[test]
fn aws_prefix_is_reserved_in_any_case_on_keys_and_values() {
    for (key, value, member) in [
        ("aws:owner", "v", "tags[0].key"),
        ("AwS:x", "v", "tags[0].key"),
        ("k", "AWS:x", "tags[0].value"),
    ] {
        let call = RunTaskRequest {
            tags: Some(vec![tag(key, value)]),
            ..request()
        };
        assert_rejected(
            Cluster::new().run(&call),
            InvalidParameterException,
            &[member, "aws:"],
        );
    }
    let call = RunTaskRequest {
        tags: Some(vec![tag("awsx", "my-aws:")]),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
}

#[test]
fn a_tag_key_may_appear_once() {
    let call = RunTaskRequest {
        tags: Some(vec![tag("k", "1"), tag("k", "2")]),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["tags[1].key", "\"k\""],
    );
}

// --- scalar members ----------------------------------------------------------------------

#[test]
fn started_by_up_to_128_of_the_allowed_characters() {
    let call = RunTaskRequest {
        started_by: Some(format!("ci/job-1_{}", "a".repeat(119))),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        started_by: Some("a".repeat(129)),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["startedBy", "129"],
    );
    let call = RunTaskRequest {
        started_by: Some("job 1".into()),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["startedBy", "job 1"],
    );
}

#[test]
fn reference_id_of_1024_passes_and_1025_fails() {
    let call = RunTaskRequest {
        reference_id: Some("r".repeat(1024)),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        reference_id: Some("r".repeat(1025)),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["referenceId", "1025"],
    );
}

#[test]
fn group_of_255_passes_and_256_or_empty_fails() {
    let call = RunTaskRequest {
        group: Some("g".repeat(255)),
        ..request()
    };
    assert_eq!(Cluster::new().run(&call).unwrap().group.len(), 255);
    for bad in ["g".repeat(256), String::new()] {
        let call = RunTaskRequest {
            group: Some(bad),
            ..request()
        };
        assert_rejected(
            Cluster::new().run(&call),
            InvalidParameterException,
            &["group"],
        );
    }
}

#[test]
fn client_token_up_to_64_printable_characters() {
    let call = RunTaskRequest {
        client_token: Some("!~".repeat(32)),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        client_token: Some("t".repeat(65)),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["clientToken", "65"],
    );
    let call = RunTaskRequest {
        client_token: Some("with space".into()),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["clientToken", "' '"],
    );
}

#[test]
fn propagate_tags_service_is_an_error_for_run_task() {
    let call = RunTaskRequest {
        propagate_tags: Some(PropagateTags::Service),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["propagateTags", "SERVICE"],
    );
    let call = RunTaskRequest {
        propagate_tags: Some(PropagateTags::TaskDefinition),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
}

// --- overrides ---------------------------------------------------------------------------

#[test]
fn overrides_of_8192_characters_pass_and_8193_fail() {
    let call = RunTaskRequest {
        overrides: Some(overrides_of_json_length(8192)),
        ..request()
    };
    assert!(Cluster::new().run(&call).is_ok());
    let call = RunTaskRequest {
        overrides: Some(overrides_of_json_length(8193)),
        ..request()
    };
    assert_message(
        Cluster::new().run(&call),
        "Container Overrides length must be at most 8192",
    );
}

#[test]
fn a_container_override_that_sets_something_needs_a_name() {
    let unnamed = ContainerOverride {
        cpu: Some(1),
        ..Default::default()
    };
    let call = RunTaskRequest {
        overrides: Some(TaskOverride {
            container_overrides: Some(vec![unnamed]),
            ..Default::default()
        }),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["overrides.containerOverrides[0]", "name"],
    );
    let empty = TaskOverride {
        container_overrides: Some(vec![ContainerOverride::default()]),
        ..Default::default()
    };
    assert!(
        Cluster::new()
            .run(&RunTaskRequest {
                overrides: Some(empty),
                ..request()
            })
            .is_ok()
    );
}

#[test]
fn a_container_override_must_name_a_container_of_the_definition() {
    let call = RunTaskRequest {
        overrides: Some(TaskOverride {
            container_overrides: Some(vec![ContainerOverride {
                name: Some("sidecar".into()),
                cpu: Some(1),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["overrides.containerOverrides[0]", "sidecar"],
    );
}

#[test]
fn overrides_change_the_demand() {
    let call = RunTaskRequest {
        overrides: Some(TaskOverride {
            memory: Some("1GB".into()),
            ..Default::default()
        }),
        ..request()
    };
    assert_eq!(Cluster::new().run(&call).unwrap().demand.memory_mib, 1024);
}

// --- cluster and task definition ---------------------------------------------------------

#[test]
fn cluster_by_name_or_arn_else_cluster_not_found() {
    let cluster = Cluster::new();
    let by_arn = RunTaskRequest {
        cluster: Some("arn:aws:ecs:us-east-1:111122223333:cluster/prod".into()),
        ..request()
    };
    assert!(cluster.run(&by_arn).is_ok());
    let other = RunTaskRequest {
        cluster: Some("staging".into()),
        ..request()
    };
    assert_rejected(cluster.run(&other), ClusterNotFoundException, &["staging"]);
    let absent = RunTaskRequest {
        cluster: None,
        ..request()
    };
    assert_rejected(
        cluster.run(&absent),
        ClusterNotFoundException,
        &["\"default\""],
    );
}

#[test]
fn task_definition_by_family_revision_or_arn() {
    let cluster = Cluster::new();
    for (asked, revision) in [
        ("web", 2),
        ("web:1", 1),
        (
            "arn:aws:ecs:us-east-1:111122223333:task-definition/web:1",
            1,
        ),
        ("arn:aws:ecs:us-east-1:111122223333:task-definition/web", 2),
    ] {
        let call = RunTaskRequest {
            task_definition: Some(asked.into()),
            ..request()
        };
        assert_eq!(
            cluster.run(&call).unwrap().task_definition.revision,
            Some(revision),
            "{asked}"
        );
    }
}

#[test]
fn unknown_or_inactive_task_definition_is_a_client_exception() {
    let cluster = Cluster::new();
    for asked in [
        "api",
        "web:9",
        "web:x",
        "web:3",
        "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
        "arn:aws:ecs:us-east-1:111122223333:cluster/web",
    ] {
        let call = RunTaskRequest {
            task_definition: Some(asked.into()),
            ..request()
        };
        assert_rejected(
            cluster.run(&call),
            ClientException,
            &["taskDefinition", asked],
        );
    }
    let call = RunTaskRequest {
        task_definition: None,
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["taskDefinition"],
    );
}

#[test]
fn a_family_without_active_revisions_cannot_run_by_family() {
    let mut cluster = Cluster::new();
    cluster.definitions = vec![definition("web", 3, TaskDefinitionStatus::Inactive)];
    assert_rejected(cluster.run(&request()), ClientException, &["web", "ACTIVE"]);
}

// --- networking --------------------------------------------------------------------------

#[test]
fn awsvpc_needs_a_configuration_and_others_refuse_one() {
    let mut cluster = Cluster::new();
    cluster.definitions[1].network_mode = Some(NetworkMode::Awsvpc);
    assert_rejected(
        cluster.run(&request()),
        InvalidParameterException,
        &["networkConfiguration"],
    );
    let config = |subnets: usize| NetworkConfiguration {
        awsvpc_configuration: Some(AwsVpcConfiguration {
            subnets: Some((0..subnets).map(|i| format!("subnet-{i}")).collect()),
            ..Default::default()
        }),
    };
    let call = RunTaskRequest {
        network_configuration: Some(config(16)),
        ..request()
    };
    assert!(cluster.run(&call).is_ok());
    let call = RunTaskRequest {
        network_configuration: Some(config(17)),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["subnets", "17"],
    );
    let bridge = RunTaskRequest {
        network_configuration: Some(config(1)),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&bridge),
        InvalidParameterException,
        &["networkConfiguration", "bridge"],
    );
}

// --- order -------------------------------------------------------------------------------

#[test]
fn call_alone_checks_run_before_cluster_checks() {
    let call = RunTaskRequest {
        count: Some(11),
        cluster: Some("elsewhere".into()),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["count"],
    );
}

// --- StartTask ---------------------------------------------------------------------------

fn start(instances: Option<Vec<String>>) -> StartTaskRequest {
    StartTaskRequest {
        cluster: Some("prod".into()),
        task_definition: Some("web:1".into()),
        container_instances: instances,
        ..Default::default()
    }
}

#[test]
fn start_task_takes_1_to_10_container_instances() {
    let cluster = Cluster::new();
    let ids = |n: usize| Some((0..n).map(|i| format!("id-{i}")).collect::<Vec<_>>());
    let placement = validate_start_task(&start(ids(10)), &cluster.ctx()).unwrap();
    assert_eq!(placement.container_instances.len(), 10);
    assert_eq!(placement.group, "family:web");
    assert_eq!(placement.task_definition.revision, Some(1));
    for bad in [None, ids(0), ids(11), Some(vec![String::new()])] {
        assert_rejected(
            validate_start_task(&start(bad), &cluster.ctx()),
            InvalidParameterException,
            &["containerInstances"],
        );
    }
}

#[test]
fn start_task_shares_the_member_rules() {
    let cluster = Cluster::new();
    let ids = Some(vec!["id-1".to_owned()]);
    let call = StartTaskRequest {
        tags: Some(vec![tag("aws:x", "v")]),
        ..start(ids.clone())
    };
    assert_rejected(
        validate_start_task(&call, &cluster.ctx()),
        InvalidParameterException,
        &["tags[0].key"],
    );
    let call = StartTaskRequest {
        propagate_tags: Some(PropagateTags::Service),
        ..start(ids.clone())
    };
    assert_rejected(
        validate_start_task(&call, &cluster.ctx()),
        InvalidParameterException,
        &["propagateTags"],
    );
    let call = StartTaskRequest {
        cluster: Some("other".into()),
        ..start(ids.clone())
    };
    assert_rejected(
        validate_start_task(&call, &cluster.ctx()),
        ClusterNotFoundException,
        &["other"],
    );
    let call = StartTaskRequest {
        task_definition: Some("web:3".into()),
        ..start(ids)
    };
    assert_rejected(
        validate_start_task(&call, &cluster.ctx()),
        ClientException,
        &["web:3"],
    );
}

#[test]
fn managed_instances_only_through_a_provider_strategy() {
    let call = RunTaskRequest {
        launch_type: Some(LaunchType::ManagedInstances),
        ..request()
    };
    assert_rejected(
        Cluster::new().run(&call),
        InvalidParameterException,
        &["launchType", "MANAGED_INSTANCES"],
    );
}

#[test]
fn a_provider_strategy_on_a_cluster_without_instances_is_left_to_placement() {
    let mut cluster = Cluster::new();
    cluster.instances = 0;
    let call = RunTaskRequest {
        capacity_provider_strategy: Some(vec![item("asg-a", Some(1), None)]),
        ..request()
    };
    assert!(cluster.run(&call).is_ok());
}

#[test]
fn five_security_groups_pass_and_six_fail() {
    let mut cluster = Cluster::new();
    cluster.definitions[1].network_mode = Some(NetworkMode::Awsvpc);
    let config = |groups: usize| NetworkConfiguration {
        awsvpc_configuration: Some(AwsVpcConfiguration {
            subnets: Some(vec!["subnet-1".into()]),
            security_groups: Some((0..groups).map(|i| format!("sg-{i}")).collect()),
            ..Default::default()
        }),
    };
    let call = RunTaskRequest {
        network_configuration: Some(config(5)),
        ..request()
    };
    assert!(cluster.run(&call).is_ok());
    let call = RunTaskRequest {
        network_configuration: Some(config(6)),
        ..request()
    };
    assert_rejected(
        cluster.run(&call),
        InvalidParameterException,
        &["securityGroups", "6"],
    );
}

#[test]
fn the_shared_members_are_carried_to_placement() {
    let call = RunTaskRequest {
        started_by: Some("ci".into()),
        reference_id: Some("ref-1".into()),
        enable_execute_command: Some(true),
        propagate_tags: Some(PropagateTags::None),
        client_token: Some("tok".into()),
        tags: Some(vec![tag("team", "a")]),
        ..request()
    };
    let placement = Cluster::new().run(&call).unwrap();
    assert_eq!(placement.common.started_by.as_deref(), Some("ci"));
    assert_eq!(placement.common.reference_id.as_deref(), Some("ref-1"));
    assert!(placement.common.enable_execute_command);
    assert_eq!(placement.common.propagate_tags, Some(PropagateTags::None));
    assert_eq!(placement.client_token.as_deref(), Some("tok"));
    assert_eq!(placement.common.tags, vec![tag("team", "a")]);
}
