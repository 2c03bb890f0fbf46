//! Every documented example expression of spec section 1.10 (A1–A9, B1–B5, C1–C3, E1–E3 and
//! the F list), parsed and evaluated on a fixture cluster built so that each example's
//! documented meaning picks out a known set of instances; plus `ListContainerInstances`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod query_support;

use ecs_placement::ExceptionName;
use ecs_placement::aws::ContainerInstanceStatus;
use ecs_placement::model::Snapshot;
use ecs_placement::query::{Expression, list_container_instances};
use query_support::{Inst, instance_arn, snapshot, stopped_task, task};

/// The fixture, instance by instance:
/// 0: t2.small  us-east-1a stack=prod  linux   agent 1.14.5  2018-01-10  i-abcd1234  tasks: service:production
/// 1: t2.medium us-east-1b stack=dev   linux   agent 1.9.1   2018-02-13  i-wxyx7890  tasks: database x2
/// 2: g2.2xlarge us-east-1d color=green retiring=true linux  agent 1.20.0  2019-05-01  no tasks
/// 3: g2.8xlarge us-east-1c arm64 linux        agent 1.14.4  2017-12-31  tasks: service:daemon-service, databases
/// 4: t3.micro  us-east-1e external (no value) windows 2019 flavor=cpu, no agent/date/ec2 id
///    tasks: service:production, database
/// 5: t3a.micro us-east-1a stack=prod retiring=false color=blue linux, DRAINING, agent
///    disconnected, 1.14.10, 2018-02-12T23:59:59Z; one STOPPED database task
/// 6: t2.small  us-east-1b, INACTIVE, agent 1.0.0, 2016-01-01
fn cluster() -> Snapshot {
    let instances = [
        Inst::new()
            .ec2("i-abcd1234")
            .agent("1.14.5")
            .registered("2018-01-10T00:00:00Z")
            .attr("ecs.instance-type", "t2.small")
            .attr("ecs.availability-zone", "us-east-1a")
            .attr("stack", "prod")
            .attr("ecs.os-type", "linux"),
        Inst::new()
            .ec2("i-wxyx7890")
            .agent("1.9.1")
            .registered("2018-02-13T00:00:00Z")
            .attr("ecs.instance-type", "t2.medium")
            .attr("ecs.availability-zone", "us-east-1b")
            .attr("stack", "dev")
            .attr("ecs.os-type", "linux"),
        Inst::new()
            .ec2("i-0g2d")
            .agent("1.20.0")
            .registered("2019-05-01T12:00:00Z")
            .attr("ecs.instance-type", "g2.2xlarge")
            .attr("ecs.availability-zone", "us-east-1d")
            .attr("color", "green")
            .attr("retiring", "true")
            .attr("ecs.os-type", "linux"),
        Inst::new()
            .ec2("i-0g2c")
            .agent("1.14.4")
            .registered("2017-12-31T23:59:59Z")
            .attr("ecs.instance-type", "g2.8xlarge")
            .attr("ecs.availability-zone", "us-east-1c")
            .attr("ecs.os-type", "linux")
            .attr("ecs.cpu-architecture", "arm64"),
        Inst::new()
            .attr("ecs.instance-type", "t3.micro")
            .attr("ecs.availability-zone", "us-east-1e")
            .flag("ecs.capability.external")
            .attr("ecs.os-type", "windows")
            .attr("ecs.os-family", "WINDOWS_SERVER_2019_FULL")
            .attr("flavor", "cpu"),
        Inst::new()
            .ec2("i-0123456789abcdef0")
            .status("DRAINING")
            .connected(false)
            .agent("1.14.10")
            .registered("2018-02-12T23:59:59Z")
            .attr("ecs.instance-type", "t3a.micro")
            .attr("ecs.availability-zone", "us-east-1a")
            .attr("ecs.os-type", "linux")
            .attr("retiring", "false")
            .attr("color", "blue")
            .attr("stack", "prod"),
        Inst::new()
            .ec2("i-dead")
            .status("INACTIVE")
            .agent("1.0.0")
            .registered("2016-01-01")
            .attr("ecs.instance-type", "t2.small")
            .attr("ecs.availability-zone", "us-east-1b"),
    ];
    let tasks = [
        task(0, "service:production"),
        task(1, "database"),
        task(1, "database"),
        task(3, "service:daemon-service"),
        task(3, "databases"),
        task(4, "service:production"),
        task(4, "database"),
        stopped_task(5, "database"),
    ];
    snapshot(&instances, &tasks)
}

/// The positions `text` selects, checked to agree between `filter` and `matches`.
fn selected(snapshot: &Snapshot, text: &str) -> Vec<usize> {
    let expression = Expression::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let compiled = expression.compile(snapshot).unwrap();
    let by_filter: Vec<usize> = compiled.filter(snapshot).ones().collect();
    let by_matches: Vec<usize> = (0..snapshot.instances().len())
        .filter(|&p| compiled.matches(snapshot, p))
        .collect();
    assert_eq!(by_filter, by_matches, "{text}: filter and matches disagree");
    by_filter
}

fn check(examples: &[(&str, &str, &[usize])]) {
    let snapshot = cluster();
    for (id, text, expected) in examples {
        assert_eq!(selected(&snapshot, text), *expected, "{id}: {text}");
    }
}

#[test]
fn fixture_running_counts_ignore_stopped_tasks() {
    let snapshot = cluster();
    let counts: Vec<u32> = snapshot
        .instances()
        .iter()
        .map(|i| i.running_tasks_count)
        .collect();
    assert_eq!(counts, [1, 2, 0, 2, 2, 0, 0]);
}

#[test]
fn a_examples_from_the_query_language_page() {
    check(&[
        // "selects instances with the specified instance type."
        ("A1", "attribute:ecs.instance-type == t2.small", &[0, 6]),
        // "selects instances in the us-east-1a or us-east-1b Availability Zone."
        (
            "A2",
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            &[0, 1, 5, 6],
        ),
        // "selects G2 instances that aren't in the us-east-1d Availability Zone."
        (
            "A3",
            "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
            &[3],
        ),
        // "selects instances that are hosting tasks in the service:production group."
        ("A4", "task:group == service:production", &[0, 4]),
        // "selects instances that aren't hosting tasks in the database group." (5's task is
        // STOPPED, so 5 hosts none.)
        ("A5", "not(task:group == database)", &[0, 2, 3, 5, 6]),
        // "selects instances that are only running one task."
        ("A6", "runningTasksCount == 1", &[0]),
        // "selects instances that are running a container agent version below 1.14.5."
        // (1.9.1 and 1.14.4 are below; 1.14.10 is not; 4 reports no version.)
        ("A7", "agentVersion < 1.14.5", &[1, 3, 6]),
        // "selects instances that were registered before February 13, 2018." (1 registered
        // at exactly midnight, which is not before.)
        ("A8", "registeredAt < 2018-02-13", &[0, 3, 5, 6]),
        // "selects instances with the following Amazon EC2 instance IDs."
        (
            "A9",
            "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
            &[0, 1],
        ),
    ]);
}

#[test]
fn a_templates_are_not_expressions() {
    for template in [
        "(expression1 or expression2) and expression3",
        "[argument1, argument2, ..., argumentN]",
        "subject operator [argument]",
    ] {
        assert!(Expression::parse(template).is_err(), "{template}");
    }
}

#[test]
fn b_examples_from_attribute_filtering() {
    check(&[
        // "uses built-in attributes to list the g2.2xlarge instances."
        ("B1", "attribute:ecs.instance-type == g2.2xlarge", &[2]),
        // "lists the instances with the custom attribute "stack=prod"."
        ("B2", "attribute:stack == prod", &[0, 5]),
        // "lists the instances with the custom attribute "stack" unless the attribute value is
        // "prod"." (4 has no `stack` at all and is not listed.)
        ("B3", "attribute:stack != prod", &[1]),
        // "list the instances of type t2.small or t2.medium."
        (
            "B4",
            "attribute:ecs.instance-type in [t2.small, t2.medium]",
            &[0, 1, 6],
        ),
        // "list the T2 instances in the us-east-1a Availability Zone."
        (
            "B5",
            "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
            &[0],
        ),
    ]);
}

#[test]
fn c_examples_from_constraints() {
    check(&[
        // "place tasks on t2 instances"
        ("C1", "attribute:ecs.instance-type =~ t2.*", &[0, 1, 6]),
        // "instances with tasks in the daemon service daemon-service task group"
        ("C2", "task:group == service:daemon-service", &[3]),
        // "instances with other tasks in the databases task group" (not `database`)
        ("C3", "task:group == databases", &[3]),
        // D1 made concrete: no instance runs Windows Server 2022.
        (
            "D1",
            "attribute:ecs.os-family == WINDOWS_SERVER_2022_FULL",
            &[],
        ),
    ]);
}

#[test]
fn e_examples_from_other_aws_sources() {
    check(&[
        ("E1", "attribute:ecs.instance-type matches t2.*", &[0, 1, 6]),
        ("E2", "attribute:color =~ green", &[2]),
        ("E3a", "attribute:ecs.os-type == linux", &[0, 1, 2, 3, 5]),
        (
            "E3b",
            "attribute:ecs.os-family == WINDOWS_SERVER_2019_FULL",
            &[4],
        ),
    ]);
}

#[test]
fn f_examples_from_third_parties() {
    check(&[
        // Only instances that have `retiring` with another value (containers-roadmap #486).
        ("F1", "attribute:retiring != true", &[5]),
        (
            "F2",
            "attribute:ecs.availability-zone not_in [us-east-1e]",
            &[0, 1, 2, 3, 5, 6],
        ),
        ("F3a", "attribute:ecs.capability.external exists", &[4]),
        (
            "F3b",
            "attribute:ecs.capability.external !exists",
            &[0, 1, 2, 3, 5, 6],
        ),
        ("F4", "attribute:ecs.cpu-architecture == arm64", &[3]),
        (
            "F5",
            "attribute:ecs.os-type == linux and attribute:ecs.instance-type in [t3.micro, t3a.micro]",
            &[5],
        ),
        ("F6", "ec2InstanceId == i-0123456789abcdef0", &[5]),
        ("F7", "attribute:flavor==cpu", &[4]),
        // Byte-wise: `blue` and `green` are <= `green`.
        ("F8", "attribute:color <= green", &[2, 5]),
    ]);
}

#[test]
fn missing_subjects_fail_every_comparison_but_not_exists() {
    check(&[
        // 4 has no ec2InstanceId, agentVersion or registeredAt.
        ("ec2 !=", "ec2InstanceId != i-nothing", &[0, 1, 2, 3, 5, 6]),
        ("ec2 !~", "ec2InstanceId !~ 'i-0g2.'", &[0, 1, 5, 6]),
        (
            "ec2 not_in",
            "ec2InstanceId not_in [i-dead]",
            &[0, 1, 2, 3, 5],
        ),
        ("version !=", "agentVersion != 1.14.5", &[1, 2, 3, 5, 6]),
        ("date !=", "registeredAt != 2016-01-01", &[0, 1, 2, 3, 5]),
        // A name-only attribute passes no value comparison (decision 10).
        ("flag ==", "attribute:ecs.capability.external == ''", &[]),
        ("flag !=", "attribute:ecs.capability.external != x", &[]),
        ("unknown !=", "attribute:nobody-has-this != x", &[]),
        (
            "unknown !exists",
            "attribute:nobody-has-this !exists",
            &[0, 1, 2, 3, 4, 5, 6],
        ),
        (
            "not is plain negation",
            "not attribute:stack != prod",
            &[0, 2, 3, 4, 5, 6],
        ),
    ]);
}

#[test]
fn typed_subjects_and_task_groups() {
    check(&[
        ("connected", "agentConnected == false", &[5]),
        (
            "connected in",
            "agentConnected in [true]",
            &[0, 1, 2, 3, 4, 6],
        ),
        ("connected =~", "agentConnected =~ 'f.*'", &[5]),
        ("version >=", "agentVersion >= 1.14.5", &[0, 2, 5]),
        ("version == padded", "agentVersion == 1.14.5.0", &[0]),
        (
            "date offset",
            "registeredAt > 2018-02-12T23:59:59+00:00",
            &[1, 2],
        ),
        (
            "date local",
            "registeredAt <= 2018-02-12T23:59:59",
            &[0, 3, 5, 6],
        ),
        ("date Z", "registeredAt == 2019-05-01T12:00:00Z", &[2]),
        ("count >", "runningTasksCount > 1", &[1, 3, 4]),
        ("count !=", "runningTasksCount != 0", &[0, 1, 3, 4]),
        ("group exists", "task:group exists", &[0, 1, 3, 4]),
        ("group !exists", "task:group !exists", &[2, 5, 6]),
        // Some hosted task is in another group (decision 14).
        ("group !=", "task:group != database", &[0, 3, 4]),
        (
            "group in",
            "task:group in [databases, database]",
            &[1, 3, 4],
        ),
        (
            "group not_in",
            "task:group not_in [database, databases]",
            &[0, 3, 4],
        ),
        ("group =~", "task:group =~ 'service:.*'", &[0, 3, 4]),
        ("group !~", "task:group !~ 'data.*'", &[0, 3, 4]),
        ("unknown group", "task:group == nobody", &[]),
    ]);
}

#[test]
fn numeric_attribute_orderings() {
    let instances = [
        Inst::new().attr("size", "8"),
        Inst::new().attr("size", "16"),
        Inst::new().attr("size", "16.0"),
        Inst::new().attr("size", "32"),
        Inst::new().attr("size", "-1.5"),
        Inst::new().attr("size", "large"),
        Inst::new().flag("size"),
        Inst::new(),
    ];
    let snapshot = snapshot(&instances, &[]);
    let cases: [(&str, &[usize]); 7] = [
        ("attribute:size > 16", &[3, 5]),
        ("attribute:size >= 16", &[1, 2, 3, 5]),
        ("attribute:size < 16", &[0, 4]),
        ("attribute:size <= 16.0", &[0, 1, 2, 4]),
        ("attribute:size == 16", &[1]),
        // A textual argument orders every value byte-wise: digits sort before letters.
        ("attribute:size > abc", &[5]),
        // Numbers against a number, `large` byte-wise against `2`.
        ("attribute:size < 2", &[4]),
    ];
    for (text, expected) in cases {
        assert_eq!(selected(&snapshot, text), expected, "{text}");
    }
}

#[test]
fn list_container_instances_filters_by_status_and_query() {
    let snapshot = cluster();
    let arns =
        |indexes: &[usize]| -> Vec<String> { indexes.iter().map(|&i| instance_arn(i)).collect() };
    let all = list_container_instances(&snapshot, None, None).unwrap();
    assert_eq!(
        all.container_instance_arns,
        arns(&[0, 1, 2, 3, 4, 5]),
        "all but INACTIVE"
    );
    assert_eq!(all.next_token, None);
    let draining =
        list_container_instances(&snapshot, None, Some(&ContainerInstanceStatus::Draining))
            .unwrap();
    assert_eq!(draining.container_instance_arns, arns(&[5]));
    let t2 = list_container_instances(&snapshot, Some("attribute:ecs.instance-type =~ t2.*"), None)
        .unwrap();
    assert_eq!(
        t2.container_instance_arns,
        arns(&[0, 1]),
        "filter AND default status"
    );
    let both = list_container_instances(
        &snapshot,
        Some("attribute:stack == prod"),
        Some(&ContainerInstanceStatus::Active),
    )
    .unwrap();
    assert_eq!(both.container_instance_arns, arns(&[0]));
    let error = list_container_instances(&snapshot, None, Some(&ContainerInstanceStatus::Inactive))
        .unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    let error = list_container_instances(&snapshot, Some("attribute:a in b"), None).unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    assert!(
        error.message.contains("`in` needs a list such as [a, b]"),
        "{}",
        error.message
    );
}
