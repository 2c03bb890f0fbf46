//! `Expression::lint` on a small snapshot: each warning kind (attribute name no instance has,
//! value no instance has, glob-like pattern) with its suggestion, the exact counts per clause
//! and for the whole expression, and no warning on correct expressions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::model::Snapshot;
use ecs_placement::query::{Count, Expression, Lint, Warning};

/// Five instances:
/// 0: m5.large  us-east-1a arm64  stack=prod  tasks: service:web
/// 1: m5.large  us-east-1b arm64  stack=prod  tasks: service:web x2, service:api
/// 2: c5.xlarge us-east-1a arm64  stack=dev
/// 3: c5.xlarge us-east-1c x86_64 stack=prod  ecs.capability.task-eni (no value)
/// 4: t3.micro  us-west-2a x86_64             ecs.capability.task-eni (no value)
fn snapshot() -> Snapshot {
    let instance = |id: &str, attributes: &str| {
        format!(
            r#"{{"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/c/{id}",
                 "ec2InstanceId": "i-{id}", "attributes": [{attributes}]}}"#
        )
    };
    let attrs = |kind: &str, zone: &str, arch: &str, extra: &str| {
        format!(
            r#"{{"name": "ecs.instance-type", "value": "{kind}"}},
               {{"name": "ecs.availability-zone", "value": "{zone}"}},
               {{"name": "ecs.cpu-architecture", "value": "{arch}"}}{extra}"#
        )
    };
    let stack = |value: &str| format!(r#", {{"name": "stack", "value": "{value}"}}"#);
    let eni = r#", {"name": "ecs.capability.task-eni"}"#;
    let instances = [
        instance(
            "i0",
            &attrs("m5.large", "us-east-1a", "arm64", &stack("prod")),
        ),
        instance(
            "i1",
            &attrs("m5.large", "us-east-1b", "arm64", &stack("prod")),
        ),
        instance(
            "i2",
            &attrs("c5.xlarge", "us-east-1a", "arm64", &stack("dev")),
        ),
        instance(
            "i3",
            &attrs(
                "c5.xlarge",
                "us-east-1c",
                "x86_64",
                &format!("{}{eni}", stack("prod")),
            ),
        ),
        instance("i4", &attrs("t3.micro", "us-west-2a", "x86_64", eni)),
    ];
    let task = |n: usize, on: &str, group: &str| {
        format!(
            r#"{{"taskArn": "arn:aws:ecs:us-east-1:1:task/c/t{n}", "containerInstanceArn": "{on}",
                 "group": "{group}", "desiredStatus": "RUNNING", "cpu": "256", "memory": "512"}}"#
        )
    };
    let tasks = [
        task(1, "i0", "service:web"),
        task(2, "i1", "service:web"),
        task(3, "i1", "service:web"),
        task(4, "i1", "service:api"),
    ];
    let json = format!(
        r#"{{"containerInstances": [{}], "tasks": [{}]}}"#,
        instances.join(", "),
        tasks.join(", ")
    );
    Snapshot::from_json(&json).unwrap()
}

fn lint(text: &str) -> Lint {
    Expression::parse(text)
        .unwrap()
        .lint(Some(&snapshot()))
        .unwrap()
}

fn count(matched: usize) -> Option<Count> {
    Some(Count { matched, total: 5 })
}

/// The counts of each clause, then of the whole expression.
fn counts(lint: &Lint) -> (Vec<usize>, usize) {
    let clauses = lint
        .clauses
        .iter()
        .map(|c| c.matched.unwrap().matched)
        .collect();
    (clauses, lint.matched.unwrap().matched)
}

/// The only warning of the expression, as printed.
fn only_warning(lint: &Lint) -> (&Warning, String) {
    let warnings: Vec<_> = lint.warnings().collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (_, warning) = warnings[0];
    (warning, warning.to_string())
}

#[test]
fn correct_expressions_get_no_warning_and_exact_counts() {
    for (text, clauses, whole) in [
        ("attribute:ecs.instance-type == m5.large", vec![2], 2),
        ("attribute:ecs.instance-type =~ m5.*", vec![2], 2),
        ("attribute:ecs.availability-zone =~ us-east-1.*", vec![4], 4),
        (
            "attribute:ecs.cpu-architecture == arm64 and attribute:stack == prod",
            vec![3, 3],
            2,
        ),
        (
            "attribute:stack in [prod, dev] or attribute:ecs.capability.task-eni exists",
            vec![4, 2],
            5,
        ),
        ("attribute:stack != dev", vec![3], 3),
        ("not(task:group == service:web)", vec![2], 3),
        ("task:group == service:api", vec![1], 1),
        ("task:group exists", vec![2], 2),
        ("attribute:ecs.capability.external !exists", vec![5], 5),
        (
            "ec2InstanceId == i-i0 or runningTasksCount >= 1",
            vec![1, 2],
            2,
        ),
        ("attribute:ecs.instance-type =~ 'm5\\.*'", vec![0], 0),
    ] {
        let lint = lint(text);
        assert_eq!(lint.warnings().count(), 0, "{text}: {:?}", lint.clauses);
        assert_eq!(counts(&lint), (clauses, whole), "{text}");
    }
}

#[test]
fn clauses_are_listed_in_order_with_span_and_canonical_text() {
    let text = "attribute:stack==prod and not task:group == 'service:web'";
    let lint = lint(text);
    assert_eq!(lint.clauses.len(), 2);
    assert_eq!(lint.clauses[0].text, "attribute:stack == prod");
    assert_eq!(&text[lint.clauses[0].span.clone()], "attribute:stack==prod");
    assert_eq!(lint.clauses[1].text, "task:group == service:web");
    assert_eq!(
        &text[lint.clauses[1].span.clone()],
        "task:group == 'service:web'"
    );
    assert_eq!(lint.clauses[0].matched, count(3));
    // task:group counts the instances running a task of the group.
    assert_eq!(lint.clauses[1].matched, count(2));
    assert_eq!(lint.matched, count(1));
}

#[test]
fn an_attribute_no_instance_has_gets_the_nearest_that_one_has() {
    for (text, meant, holders) in [
        // A known alias of a built-in attribute.
        (
            "attribute:instance-type == m5.large",
            "attribute:ecs.instance-type",
            5,
        ),
        (
            "attribute:ec2.instance-type =~ m5.*",
            "attribute:ecs.instance-type",
            5,
        ),
        // Another case.
        ("attribute:Stack == prod", "attribute:stack", 4),
        // A slip.
        ("attribute:stak == prod", "attribute:stack", 4),
        // The same name under another prefix.
        (
            "attribute:ec2.cpu-architecture == arm64",
            "attribute:ecs.cpu-architecture",
            5,
        ),
        // A subject that is not an attribute.
        ("attribute:ec2InstanceId == i-i0", "ec2InstanceId", 5),
    ] {
        let lint = lint(text);
        let (warning, message) = only_warning(&lint);
        let Warning::UnknownAttribute { suggestion, .. } = warning else {
            panic!("{text}: {warning:?}");
        };
        assert_eq!(suggestion, &Some((meant.to_owned(), holders)), "{text}");
        assert!(
            message.starts_with("no instance has the attribute "),
            "{message}"
        );
        assert!(
            message.contains(&format!("did you mean {meant}?")),
            "{message}"
        );
        assert_eq!(counts(&lint), (vec![0], 0), "{text}");
    }
    let message = only_warning(&lint("attribute:instance-type == m5.large")).1;
    assert_eq!(
        message,
        "no instance has the attribute instance-type (did you mean attribute:ecs.instance-type? 5 instances have it)"
    );
    let message = only_warning(&lint("attribute:ec2InstanceId == i-i0")).1;
    assert!(
        message.contains("written without `attribute:`"),
        "{message}"
    );

    // Nothing near: the warning, without a suggestion.
    let lint = lint("attribute:flavor == cpu");
    let (warning, message) = only_warning(&lint);
    assert_eq!(
        warning,
        &Warning::UnknownAttribute {
            name: "flavor".to_owned(),
            suggestion: None
        }
    );
    assert_eq!(message, "no instance has the attribute flavor");
    // `!exists` of an attribute no instance has is the usual way to say "none of those"...
    assert_eq!(lint_count_of_warnings("attribute:flavor !exists"), 0);
    // ...unless it looks like a slip.
    assert_eq!(lint_count_of_warnings("attribute:Stack !exists"), 1);
}

fn lint_count_of_warnings(text: &str) -> usize {
    lint(text).warnings().count()
}

#[test]
fn a_value_no_instance_has_gets_the_nearest_by_case_or_spelling() {
    let lint_arm = lint("attribute:ecs.cpu-architecture == ARM64");
    let (warning, message) = only_warning(&lint_arm);
    assert_eq!(
        warning,
        &Warning::UnknownValue {
            name: "ecs.cpu-architecture".to_owned(),
            value: "ARM64".to_owned(),
            suggestion: Some(("arm64".to_owned(), 3)),
            values: Vec::new(),
            distinct_values: 2,
        }
    );
    assert_eq!(
        message,
        "no instance has the value ARM64 (did you mean arm64? 3 instances have it)"
    );
    assert_eq!(counts(&lint_arm), (vec![0], 0));

    // A swap of two letters, in a list with a good value: one warning per missing value.
    let lint_list = lint("attribute:ecs.instance-type in [m5.large, c5.xlrage, T3.MICRO]");
    let messages: Vec<String> = lint_list.warnings().map(|(_, w)| w.to_string()).collect();
    assert_eq!(
        messages,
        [
            "no instance has the value c5.xlrage (did you mean c5.xlarge? 2 instances have it)",
            "no instance has the value T3.MICRO (did you mean t3.micro? 1 instance has it)",
        ]
    );
    assert_eq!(counts(&lint_list), (vec![2], 2));

    // `!=` a value no instance has matches every holder: surely not what was meant.
    let lint_not = lint("attribute:stack != Prod");
    assert_eq!(
        only_warning(&lint_not).1,
        "no instance has the value Prod (did you mean prod? 3 instances have it)"
    );
    assert_eq!(counts(&lint_not), (vec![4], 4));

    // Nothing near: the attribute's values are listed, most held first.
    let message = only_warning(&lint("attribute:ecs.availability-zone == eu-west-1a")).1;
    assert_eq!(
        message,
        "no instance has the value eu-west-1a (the values of ecs.availability-zone: us-east-1a, us-east-1b, us-east-1c, us-west-2a)"
    );
    // A name-only attribute has no value at all.
    let message = only_warning(&lint("attribute:ecs.capability.task-eni == true")).1;
    assert_eq!(
        message,
        "no instance has the value true (ecs.capability.task-eni has no value on any instance: test it with `exists`)"
    );
}

#[test]
fn a_glob_like_pattern_says_what_it_matches_and_suggests_dot_star() {
    let lint_zone = lint("attribute:ecs.availability-zone =~ us-east-1*");
    let (warning, message) = only_warning(&lint_zone);
    assert_eq!(
        warning,
        &Warning::GlobPattern {
            pattern: "us-east-1*".to_owned(),
            repeated: vec!['1'],
            suggestion: "us-east-1.*".to_owned(),
            suggestion_matched: count(4),
        }
    );
    assert_eq!(
        message,
        "us-east-1* is a regular expression, not a glob: 1* means any number of 1 (zero or more), so it matches only us-east-, us-east-1, us-east-11, ...; did you mean us-east-1.*? (4 instances match it)"
    );
    assert_eq!(counts(&lint_zone), (vec![0], 0));

    // Two stars, on another subject; `!~` too.
    let lint_id = lint("ec2InstanceId !~ i-i*3*");
    let (warning, _) = only_warning(&lint_id);
    let Warning::GlobPattern {
        suggestion,
        repeated,
        ..
    } = warning
    else {
        panic!("{warning:?}");
    };
    assert_eq!(suggestion, "i-i.*3.*");
    assert_eq!(repeated, &['i', '3']);

    // The glob warning needs no snapshot, and then nothing is counted.
    let alone = Expression::parse("attribute:ecs.availability-zone =~ us-east-1*")
        .unwrap()
        .lint(None)
        .unwrap();
    assert_eq!(alone.matched, None);
    assert_eq!(alone.clauses[0].matched, None);
    let (warning, message) = only_warning(&alone);
    assert!(matches!(
        warning,
        Warning::GlobPattern {
            suggestion_matched: None,
            ..
        }
    ));
    assert!(message.ends_with("did you mean us-east-1.*?"), "{message}");
    // Without a snapshot, names and values are not checked.
    let unchecked = Expression::parse("attribute:instance-type == ARM64")
        .unwrap()
        .lint(None)
        .unwrap();
    assert_eq!(unchecked.warnings().count(), 0);
}
