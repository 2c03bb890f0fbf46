//! Query language benches: parse, compile, and filter a 5,000-instance cluster, for three
//! documented examples (A3: pattern and inequality on attributes; A2: an `in` list; A5: a
//! negated live `task:group` test).
//!
//! Run: `cargo bench --bench query -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecs_placement::model::Snapshot;
use ecs_placement::query::Expression;
use serde_json::{Value, json};

const INSTANCES: usize = 5_000;

const EXAMPLES: [(&str, &str); 3] = [
    (
        "A3",
        "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
    ),
    (
        "A2",
        "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
    ),
    ("A5", "not(task:group == database)"),
];

const TYPES: [&str; 12] = [
    "t2.small",
    "t2.medium",
    "t2.large",
    "t3.micro",
    "t3a.micro",
    "m5.large",
    "m5.xlarge",
    "c5.large",
    "c5.2xlarge",
    "r5.large",
    "g2.2xlarge",
    "g2.8xlarge",
];
const ZONES: [&str; 6] = [
    "us-east-1a",
    "us-east-1b",
    "us-east-1c",
    "us-east-1d",
    "us-east-1e",
    "us-east-1f",
];
const GROUPS: [&str; 4] = ["database", "service:web", "service:api", "batch"];

/// A cluster of 5,000 instances over 12 types and 6 zones, each with a few tasks.
fn cluster() -> Snapshot {
    let arn =
        |n: usize| format!("arn:aws:ecs:us-east-1:123456789012:container-instance/bench/{n:05}");
    let instances: Vec<Value> = (0..INSTANCES)
        .map(|n| {
            json!({
                "containerInstanceArn": arn(n),
                "ec2InstanceId": format!("i-{n:08x}"),
                "versionInfo": {"agentVersion": format!("1.{}.{}", n % 90, n % 7)},
                "registeredAt": "2024-01-01T00:00:00Z",
                "attributes": [
                    {"name": "ecs.instance-type", "value": TYPES[n % TYPES.len()]},
                    {"name": "ecs.availability-zone", "value": ZONES[(n / 3) % ZONES.len()]},
                    {"name": "ecs.os-type", "value": "linux"},
                    {"name": "stack", "value": if n % 2 == 0 { "prod" } else { "dev" }},
                    {"name": "ecs.capability.docker-remote-api.1.44"}
                ],
                "registeredResources": [
                    {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                    {"name": "MEMORY", "type": "INTEGER", "integerValue": 16384}
                ]
            })
        })
        .collect();
    let tasks: Vec<Value> = (0..INSTANCES * 2)
        .map(|t| {
            json!({
                "taskArn": format!("arn:aws:ecs:us-east-1:123456789012:task/bench/{t:06}"),
                "containerInstanceArn": arn((t * 7) % INSTANCES),
                "group": GROUPS[t % GROUPS.len()],
                "desiredStatus": "RUNNING",
                "lastStatus": "RUNNING",
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
            })
        })
        .collect();
    let json = json!({"containerInstances": instances, "tasks": tasks}).to_string();
    match Snapshot::from_json(&json) {
        Ok(snapshot) => snapshot,
        Err(error) => panic!("bench cluster does not load: {error}"),
    }
}

fn benches(c: &mut Criterion) {
    let snapshot = cluster();
    for (name, text) in EXAMPLES {
        let Ok(expression) = Expression::parse(text) else {
            panic!("{name} does not parse");
        };
        let Ok(compiled) = expression.compile(&snapshot) else {
            panic!("{name} does not compile");
        };
        c.bench_function(&format!("query/parse/{name}"), |b| {
            b.iter(|| Expression::parse(black_box(text)))
        });
        c.bench_function(&format!("query/compile/{name}"), |b| {
            b.iter(|| expression.compile(black_box(&snapshot)))
        });
        c.bench_function(&format!("query/filter/{name}"), |b| {
            b.iter(|| compiled.filter(black_box(&snapshot)))
        });
        c.bench_function(&format!("query/parse+compile+filter/{name}"), |b| {
            b.iter(|| {
                Expression::parse(black_box(text))
                    .and_then(|e| e.compile(&snapshot))
                    .map(|compiled| compiled.filter(&snapshot).count_ones(..))
            })
        });
    }
}

/// Hostile inputs: each must fail in well under a millisecond per KB.
fn hostile(c: &mut Criterion) {
    let items: Vec<String> = (0..390).map(|i| format!("v{i}")).collect();
    let rejected = [
        ("100k-open-parens", "(".repeat(100_000)),
        ("50k-nots", "not ".repeat(50_000)),
        ("1999-open-parens", "(".repeat(1999)),
        ("499-nots", "not ".repeat(499)),
        (
            "unclosed-390-item-list",
            format!("attribute:a in [{}", items.join(",")),
        ),
        (
            "regex-blowup",
            "attribute:a =~ '(a{1000}){1000}'".to_owned(),
        ),
        (
            "regex-unicode-property-blowup",
            "attribute:a =~ '\\p{L}{100}'".to_owned(),
        ),
    ];
    for (name, text) in &rejected {
        assert!(Expression::parse(text).is_err(), "{name} must be rejected");
        c.bench_function(&format!("query/hostile/{name}"), |b| {
            b.iter(|| Expression::parse(black_box(text)))
        });
    }
    // Patterns within the budget (the last two just under it): parsing checks them without
    // compiling; compiling builds the automaton, the slowest step there is.
    let near_limit = [
        ("regex-near-limit-literal", "a{10000}"),
        ("regex-near-limit-unicode-property", "\\p{L}{2}"),
        ("regex-near-limit-any", ".{50}"),
        ("regex-near-limit-negated-class", "[^a]{50}"),
        ("regex-near-limit-wide-class", "[\\x{0}-\\x{10FFFF}]{50}"),
        ("regex-ascii-classes", "\\w{50}\\d{50}\\s{50}\\W{40}"),
        ("regex-budget-any", ".{0,420}"),
        ("regex-budget-unicode-property", "\\p{L}{4}"),
    ];
    let snapshot = cluster();
    // The longest valid expressions: 2,000 characters of comparisons or of patterns.
    let many_comparisons = vec!["attribute:stack == prod"; 74].join(" or ");
    let many_patterns = vec!["attribute:stack =~ 'p.*d'"; 68].join(" or ");
    // The heaviest patterns the expression budget admits.
    let heaviest = ["attribute:stack =~ '.{0,420}'"; 2].join(" or ");
    for (name, text) in [
        ("2kb-of-comparisons", many_comparisons),
        ("2kb-of-patterns", many_patterns),
        ("budget-of-heavy-patterns", heaviest),
    ] {
        assert!(text.len() <= 2000, "{name}");
        let Ok(expression) = Expression::parse(&text) else {
            panic!("{name} parses");
        };
        c.bench_function(&format!("query/hostile/parse/{name}"), |b| {
            b.iter(|| Expression::parse(black_box(&text)))
        });
        c.bench_function(&format!("query/hostile/compile/{name}"), |b| {
            b.iter(|| expression.compile(black_box(&snapshot)))
        });
    }
    for (name, pattern) in near_limit {
        let text = format!("attribute:ecs.instance-type =~ '{pattern}'");
        let Ok(expression) = Expression::parse(&text) else {
            panic!("{name} is within the budget and parses");
        };
        c.bench_function(&format!("query/hostile/parse/{name}"), |b| {
            b.iter(|| Expression::parse(black_box(&text)))
        });
        c.bench_function(&format!("query/hostile/compile/{name}"), |b| {
            b.iter(|| expression.compile(black_box(&snapshot)))
        });
    }
}

criterion_group!(query, benches, hostile);
criterion_main!(query);
