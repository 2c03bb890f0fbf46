//! Property tests of the query language: the printer and parser round trip on generated trees,
//! arbitrary text never panics, and the compiled evaluator (per distinct value, bitsets, live
//! reads) agrees with a direct per-instance evaluator written here for clarity.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod query_support;

use std::cmp::Ordering;

use ecs_placement::aws::Timestamp;
use ecs_placement::model::{Instance, Snapshot};
use ecs_placement::query::ast::Arity;
use ecs_placement::query::{
    Argument, Comparison, Expression, Node, NodeKind, Operator, Subject, Value,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use query_support::{Inst, TaskSpec};

// ---------- generators ----------

const ATTRIBUTE_NAMES: [&str; 3] = ["a", "b", "size"];
const ATTRIBUTE_VALUES: [&str; 8] = ["x", "y", "t2.small", "t2.micro", "16", "8", "-2.5", "16.0"];
const GROUPS: [&str; 3] = ["web", "db", "service:x"];
const VERSIONS: [&str; 5] = ["1.9.1", "1.14.5", "1.14.10", "2", "1.14.5.0"];
const DATES: [&str; 5] = [
    "2018-02-13",
    "2018-02-13T00:00:00Z",
    "2018-02-12T23:59:59",
    "2019-01-01T10:00:00+02:00",
    "2017-06-01",
];
const PATTERNS: [&str; 7] = [
    "t2.*",
    "x|y",
    "1.*",
    "[a-z]+",
    "w.*",
    "service:.*",
    "(d|w)[a-z]{1,2}",
];
const INSTANCE_IDS: [&str; 3] = ["i-1", "i-2", "i-3"];

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(options).prop_map(str::to_owned)
}

fn subject() -> impl Strategy<Value = Subject> {
    // Weighted towards the cluster's attributes and groups, where the evaluator has the most
    // paths (postings, direct lookups, the numeric index, per-group verdicts).
    prop_oneof![
        1 => Just(Subject::AgentConnected),
        1 => Just(Subject::AgentVersion),
        8 => pick(&ATTRIBUTE_NAMES).prop_map(Subject::Attribute),
        1 => "[a-zA-Z0-9._/-]{1,12}".prop_map(Subject::Attribute),
        1 => Just(Subject::Ec2InstanceId),
        1 => Just(Subject::RegisteredAt),
        1 => Just(Subject::RunningTasksCount),
        3 => Just(Subject::TaskGroup),
    ]
}

/// Free text without both quote characters (a value holding both has no spelling).
fn free_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .:()\\[\\],'_é-]{0,8}",
        "[a-zA-Z0-9 .:()\\[\\],\"_\t-]{0,8}",
        pick(&ATTRIBUTE_VALUES),
        pick(&GROUPS),
    ]
}

/// A value of the type the subject and operator need, from the cluster's vocabulary.
fn value_for(subject: &Subject, operator: Operator) -> BoxedStrategy<String> {
    if matches!(operator, Operator::Matches | Operator::NotMatches) {
        return pick(&PATTERNS).boxed();
    }
    match subject {
        Subject::AgentVersion => pick(&VERSIONS).boxed(),
        Subject::RegisteredAt => pick(&DATES).boxed(),
        Subject::RunningTasksCount => (0i64..4).prop_map(|n| n.to_string()).boxed(),
        // Any other value is refused (`InvalidBoolean`).
        Subject::AgentConnected => pick(&["true", "false"]).boxed(),
        Subject::Ec2InstanceId => prop_oneof![pick(&INSTANCE_IDS), free_text()].boxed(),
        Subject::TaskGroup => prop_oneof![3 => pick(&GROUPS), 1 => free_text()].boxed(),
        _ => prop_oneof![3 => pick(&ATTRIBUTE_VALUES), 1 => free_text()].boxed(),
    }
}

fn comparison() -> impl Strategy<Value = Node> {
    subject()
        .prop_flat_map(|subject| {
            let operators = subject.allowed_operators().to_vec();
            (Just(subject), proptest::sample::select(operators))
        })
        .prop_flat_map(|(subject, operator)| {
            let argument = match operator.arity() {
                Arity::None => Just(Argument::None).boxed(),
                Arity::Value => value_for(&subject, operator)
                    .prop_map(|text| Argument::Value(Value::new(text)))
                    .boxed(),
                Arity::List => proptest::collection::vec(value_for(&subject, operator), 1..4)
                    .prop_map(|texts| {
                        Argument::List(texts.into_iter().map(Value::new).collect(), 0..0)
                    })
                    .boxed(),
            };
            (Just(subject), Just(operator), argument)
        })
        .prop_map(|(subject, operator, argument)| {
            Node::new(NodeKind::Comparison(Comparison {
                subject,
                subject_span: 0..0,
                operator,
                operator_span: 0..0,
                argument,
            }))
        })
}

fn tree() -> impl Strategy<Value = Node> {
    comparison().prop_recursive(4, 32, 3, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|n| Node::new(NodeKind::Not(Box::new(n)))),
            proptest::collection::vec(inner.clone(), 2..4)
                .prop_map(|c| Node::new(NodeKind::And(c))),
            proptest::collection::vec(inner, 2..4).prop_map(|c| Node::new(NodeKind::Or(c))),
        ]
    })
}

fn instance() -> impl Strategy<Value = Inst> {
    let attribute = (
        pick(&ATTRIBUTE_NAMES),
        proptest::option::weighted(0.8, pick(&ATTRIBUTE_VALUES)),
    );
    (
        proptest::collection::btree_map(attribute.0, attribute.1, 0..3),
        proptest::option::of(pick(&INSTANCE_IDS)),
        proptest::option::of(pick(&["1.9.1", "1.14.5", "1.14.10", "2.0.0"])),
        proptest::option::of(pick(&DATES)),
        any::<bool>(),
    )
        .prop_map(|(attributes, ec2, agent, registered, connected)| {
            let mut inst = Inst::new().connected(connected);
            inst.ec2 = ec2;
            inst.agent_version = agent;
            inst.registered_at = registered;
            inst.attributes = attributes.into_iter().collect();
            inst
        })
}

fn cluster() -> impl Strategy<Value = (Vec<Inst>, Vec<TaskSpec>)> {
    proptest::collection::vec(instance(), 1..10).prop_flat_map(|mut instances| {
        // An EC2 instance is one registered container instance: a repeated id is dropped.
        let mut seen = std::collections::HashSet::new();
        for inst in &mut instances {
            if inst.ec2.as_ref().is_some_and(|id| !seen.insert(id.clone())) {
                inst.ec2 = None;
            }
        }
        let count = instances.len();
        let task = (0..count, pick(&GROUPS), proptest::bool::weighted(0.8)).prop_map(
            |(instance, group, running)| TaskSpec {
                instance,
                group,
                running,
            },
        );
        (Just(instances), proptest::collection::vec(task, 0..12))
    })
}

// ---------- the direct evaluator ----------

/// Evaluates `node` on one instance by reading the instance directly, the way the decisions
/// describe it, without indexes or bitsets.
fn direct(node: &Node, snapshot: &Snapshot, instance: &Instance) -> bool {
    match &node.kind {
        NodeKind::Or(children) => children.iter().any(|c| direct(c, snapshot, instance)),
        NodeKind::And(children) => children.iter().all(|c| direct(c, snapshot, instance)),
        NodeKind::Not(inner) => !direct(inner, snapshot, instance),
        NodeKind::Comparison(comparison) => direct_comparison(comparison, snapshot, instance),
    }
}

fn direct_comparison(c: &Comparison, snapshot: &Snapshot, instance: &Instance) -> bool {
    let op = c.operator;
    match &c.subject {
        Subject::Attribute(name) => {
            let found = instance
                .attributes
                .iter()
                .find(|(n, _)| snapshot.attribute_name(*n) == name)
                .map(|(_, v)| v.map(|v| snapshot.attribute_value(v)));
            match op {
                Operator::Exists => found.is_some(),
                Operator::NotExists => found.is_none(),
                _ => matches!(found, Some(Some(v)) if text_holds(op, &c.argument, v)),
            }
        }
        Subject::TaskGroup => {
            let names: Vec<&str> = instance
                .groups
                .iter()
                .filter(|(_, count)| *count > 0)
                .map(|(g, _)| snapshot.group_name(*g))
                .collect();
            match op {
                Operator::Exists => !names.is_empty(),
                Operator::NotExists => names.is_empty(),
                _ => names.iter().any(|g| text_holds(op, &c.argument, g)),
            }
        }
        Subject::RunningTasksCount => {
            let wanted: i64 = single(&c.argument).parse().unwrap();
            ordered(op, i64::from(instance.running_tasks_count).cmp(&wanted))
        }
        Subject::AgentVersion => instance
            .agent_version
            .as_deref()
            .is_some_and(|v| ordered(op, compare_versions(v, single(&c.argument)))),
        Subject::RegisteredAt => instance.registered_at.is_some_and(|at| {
            let wanted = Timestamp::parse_iso(single(&c.argument)).unwrap();
            ordered(op, at.cmp(&wanted))
        }),
        Subject::Ec2InstanceId => instance
            .ec2_instance_id
            .as_deref()
            .is_some_and(|id| text_holds(op, &c.argument, id)),
        Subject::AgentConnected => {
            let text = if instance.agent_connected {
                "true"
            } else {
                "false"
            };
            text_holds(op, &c.argument, text)
        }
    }
}

fn single(argument: &Argument) -> &str {
    match argument {
        Argument::Value(v) => &v.text,
        other => panic!("not a single value: {other:?}"),
    }
}

fn list(argument: &Argument) -> Vec<&str> {
    match argument {
        Argument::List(values, _) => values.iter().map(|v| v.text.as_str()).collect(),
        other => panic!("not a list: {other:?}"),
    }
}

fn text_holds(op: Operator, argument: &Argument, value: &str) -> bool {
    let anchored = || regex::Regex::new(&format!("^(?:{})$", single(argument))).unwrap();
    match op {
        Operator::Equal => value == single(argument),
        Operator::NotEqual => value != single(argument),
        Operator::In => list(argument).contains(&value),
        Operator::NotIn => !list(argument).contains(&value),
        Operator::Matches => anchored().is_match(value),
        Operator::NotMatches => !anchored().is_match(value),
        _ => ordered(op, compare_values(value, single(argument))),
    }
}

/// Decision 11 for text values: numbers numerically when both are plain decimals.
fn compare_values(value: &str, argument: &str) -> Ordering {
    let number = |s: &str| {
        let plain = regex::Regex::new(r"^[+-]?[0-9]+(\.[0-9]+)?$").unwrap();
        plain.is_match(s).then(|| s.parse::<f64>().unwrap())
    };
    match (number(value), number(argument)) {
        (Some(a), Some(b)) => a.partial_cmp(&b).unwrap(),
        _ => value.as_bytes().cmp(argument.as_bytes()),
    }
}

fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<u64> { s.split('.').map(|p| p.parse().unwrap()).collect() };
    let (mut a, mut b) = (parts(a), parts(b));
    let len = a.len().max(b.len());
    a.resize(len, 0);
    b.resize(len, 0);
    a.cmp(&b)
}

fn ordered(op: Operator, ordering: Ordering) -> bool {
    match op {
        Operator::Equal => ordering == Ordering::Equal,
        Operator::NotEqual => ordering != Ordering::Equal,
        Operator::Greater => ordering == Ordering::Greater,
        Operator::GreaterOrEqual => ordering != Ordering::Less,
        Operator::Less => ordering == Ordering::Less,
        Operator::LessOrEqual => ordering != Ordering::Greater,
        other => panic!("{other:?} is not an ordering"),
    }
}

// ---------- properties ----------

/// 512 cases; failures are saved in `proptest-regressions/query_props.txt` and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/query_props.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn print_then_parse_gives_the_tree_back(tree in tree()) {
        let printed = Expression::from_root(tree.clone()).to_string();
        let parsed = Expression::parse(&printed)
            .unwrap_or_else(|e| panic!("`{printed}` does not parse: {e}"));
        prop_assert_eq!(parsed.root().without_spans(), tree);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in "\\PC{0,60}") {
        if let Ok(expression) = Expression::parse(&text) {
            let again = Expression::parse(&expression.to_string()).unwrap();
            prop_assert_eq!(again.root().without_spans(), expression.root().without_spans());
        }
    }

    #[test]
    fn near_miss_text_parses_or_fails_cleanly(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("attribute:a"), Just("task:group"), Just("agentVersion"), Just("=="),
                Just("!="), Just("in"), Just("!in"), Just("exists"), Just("!exists"), Just("=~"),
                Just("not"), Just("!"), Just("and"), Just("or"), Just("&&"), Just("||"), Just("("),
                Just(")"), Just("["), Just("]"), Just(","), Just("'x y'"), Just("\""), Just("t2.*"),
                Just("1.14.5"), Just(" "), Just("2018-02-13"),
            ],
            0..16,
        )
    ) {
        let text: String = parts.concat();
        if let Ok(expression) = Expression::parse(&text) {
            let again = Expression::parse(&expression.to_string()).unwrap();
            prop_assert_eq!(again.root().without_spans(), expression.root().without_spans());
        }
    }

    #[test]
    fn compiled_evaluation_agrees_with_direct_evaluation(
        (instances, tasks) in cluster(),
        tree in tree(),
    ) {
        let snapshot = query_support::snapshot(&instances, &tasks);
        let expression = Expression::parse(&Expression::from_root(tree).to_string()).unwrap();
        let compiled = expression.compile(&snapshot).unwrap();
        let set = compiled.filter(&snapshot);
        prop_assert_eq!(set.len(), snapshot.instances().len());
        for (position, instance) in snapshot.instances().iter().enumerate() {
            let expected = direct(expression.root(), &snapshot, instance);
            prop_assert_eq!(set.contains(position), expected, "instance {} of `{}`", position, expression);
            prop_assert_eq!(compiled.matches(&snapshot, position), expected);
        }
    }
}
