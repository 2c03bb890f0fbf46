//! Parsing the cluster query language: every subject, operator, word alias, list form and
//! quoting; the canonical printer; typed errors with spans; limits and hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ecs_placement::query::{
    Argument, Expected, Expression, NodeKind, Operator, QueryErrorKind, Subject,
};
use ecs_placement::{EcsError, ExceptionName};

fn canonical(text: &str) -> String {
    Expression::parse(text)
        .unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
        .to_string()
}

fn error(text: &str) -> ecs_placement::query::QueryError {
    match Expression::parse(text) {
        Ok(expression) => panic!("`{text}` should not parse, got `{expression}`"),
        Err(error) => error,
    }
}

fn comparison(text: &str) -> ecs_placement::query::Comparison {
    match Expression::parse(text).unwrap().root().kind.clone() {
        NodeKind::Comparison(comparison) => comparison,
        other => panic!("not a comparison: {other:?}"),
    }
}

#[test]
fn every_subject_is_recognised_case_sensitively() {
    let cases = [
        ("agentConnected == true", Subject::AgentConnected),
        ("agentVersion < 1.14.5", Subject::AgentVersion),
        (
            "attribute:ecs.instance-type == t2.small",
            Subject::Attribute("ecs.instance-type".into()),
        ),
        ("ec2InstanceId == i-0123", Subject::Ec2InstanceId),
        ("registeredAt < 2018-02-13", Subject::RegisteredAt),
        ("runningTasksCount == 1", Subject::RunningTasksCount),
        ("task:group == service:production", Subject::TaskGroup),
    ];
    for (text, subject) in cases {
        assert_eq!(comparison(text).subject, subject, "{text}");
    }
    assert_eq!(
        error("AgentConnected == true").kind,
        QueryErrorKind::UnknownSubject
    );
    assert_eq!(
        error("Task:group == x").kind,
        QueryErrorKind::UnknownSubject
    );
}

#[test]
fn every_operator_and_word_alias() {
    let cases = [
        ("==", "equals", Operator::Equal),
        ("!=", "not_equals", Operator::NotEqual),
        (">", "greater_than", Operator::Greater),
        (">=", "greater_than_equal", Operator::GreaterOrEqual),
        ("<", "less_than", Operator::Less),
        ("<=", "less_than_equal", Operator::LessOrEqual),
        ("=~", "matches", Operator::Matches),
        ("!~", "not_matches", Operator::NotMatches),
    ];
    for (symbol, word, operator) in cases {
        for spelling in [symbol, word, &word.to_uppercase()] {
            let text = format!("attribute:a {spelling} 5");
            let parsed = comparison(&text);
            assert_eq!(parsed.operator, operator, "{text}");
            assert_eq!(canonical(&text), format!("attribute:a {symbol} 5"));
        }
    }
    for (spelling, operator) in [
        ("exists", Operator::Exists),
        ("!exists", Operator::NotExists),
        ("not_exists", Operator::NotExists),
        ("EXISTS", Operator::Exists),
    ] {
        let parsed = comparison(&format!("attribute:a {spelling}"));
        assert_eq!(parsed.operator, operator);
        assert_eq!(parsed.argument, Argument::None);
    }
    for (spelling, operator) in [
        ("in", Operator::In),
        ("!in", Operator::NotIn),
        ("not_in", Operator::NotIn),
        ("IN", Operator::In),
    ] {
        let parsed = comparison(&format!("attribute:a {spelling} [x, y]"));
        assert_eq!(parsed.operator, operator);
    }
}

#[test]
fn list_forms_and_quoting() {
    let lists = [
        "attribute:z in [a,b]",
        "attribute:z in [ a , b ]",
        "attribute:z in ['a', \"b\"]",
        "attribute:z !in[a, b]",
    ];
    for text in lists {
        let parsed = comparison(text);
        assert!(matches!(parsed.operator, Operator::In | Operator::NotIn));
        let Argument::List(values, _) = parsed.argument else {
            panic!("{text}: not a list");
        };
        let texts: Vec<_> = values.iter().map(|v| v.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"], "{text}");
    }
    assert_eq!(
        canonical("attribute:z in ['a','b']"),
        "attribute:z in [a, b]"
    );
    assert_eq!(
        canonical("attribute:z == 'two words'"),
        "attribute:z == 'two words'"
    );
    assert_eq!(
        canonical("attribute:z == \"it's (x)\""),
        "attribute:z == \"it's (x)\""
    );
    assert_eq!(canonical("attribute:z == ''"), "attribute:z == ''");
    assert_eq!(canonical("attribute:z == 'plain'"), "attribute:z == plain");
}

#[test]
fn precedence_not_then_and_then_or() {
    let text = "attribute:a exists or attribute:b exists and not attribute:c exists";
    let parsed = Expression::parse(text).unwrap();
    let NodeKind::Or(children) = &parsed.root().kind else {
        panic!("or is loosest");
    };
    assert!(matches!(children[1].kind, NodeKind::And(_)));
    assert_eq!(
        canonical("(attribute:a exists or attribute:b exists) and attribute:c exists"),
        "(attribute:a exists or attribute:b exists) and attribute:c exists"
    );
    assert_eq!(
        canonical("attribute:a exists || attribute:b exists && !attribute:c exists"),
        "attribute:a exists or attribute:b exists and not attribute:c exists"
    );
    assert_eq!(
        canonical("not(task:group == database)"),
        "not task:group == database"
    );
    assert_eq!(
        canonical("!(attribute:a exists and attribute:b exists)"),
        "not (attribute:a exists and attribute:b exists)"
    );
    assert_eq!(canonical("((attribute:a exists))"), "attribute:a exists");
}

#[test]
fn whitespace_rules() {
    assert_eq!(
        canonical("attribute:flavor==cpu"),
        "attribute:flavor == cpu"
    );
    assert_eq!(
        canonical("NOT(attribute:a exists)"),
        "not attribute:a exists"
    );
    assert_eq!(canonical("!attribute:a exists"), "not attribute:a exists");
    assert_eq!(
        canonical("(attribute:a exists)&&(attribute:b exists)||attribute:c!=d"),
        "attribute:a exists and attribute:b exists or attribute:c != d"
    );
    for glued in [
        "attribute:a in[x]",
        "attribute:a exists&&attribute:b exists",
        "attribute:a equals'x'",
        "(attribute:a exists)and attribute:b exists",
        "attribute:a exists and(attribute:b exists)",
    ] {
        assert_eq!(
            error(glued).kind,
            QueryErrorKind::MissingWhitespace,
            "{glued}"
        );
    }
}

#[test]
fn documented_error_messages() {
    let e = error("attribute:a in b");
    assert_eq!(e.kind, QueryErrorKind::ListRequired);
    assert_eq!(e.message, "`in` needs a list such as [a, b]");
    assert_eq!(e.span, 15..16);
    assert_eq!(e.expected, vec![Expected::OpenBracket]);

    let e = error("attribut:x == 1");
    assert_eq!(e.kind, QueryErrorKind::UnknownSubject);
    assert!(
        e.message
            .starts_with("unknown subject `attribut:x`; did you mean `attribute:x`?")
    );
    assert_eq!(e.span, 0..10);

    let e = error("agentVersion in [1.0]");
    assert_eq!(e.kind, QueryErrorKind::OperatorNotAllowed);
    assert!(
        e.message
            .starts_with("`agentVersion` allows ==, !=, >, >=, <, <="),
        "{}",
        e.message
    );
    assert_eq!(e.span, 13..15);

    let e = error("attribute:a in []");
    assert_eq!(e.kind, QueryErrorKind::EmptyList);
    assert_eq!(e.span, 15..17);
}

#[test]
fn documented_operator_lists_are_enforced() {
    for text in [
        "agentConnected > true",
        "agentConnected exists",
        "ec2InstanceId < i-1",
        "agentVersion =~ 1.*",
        "registeredAt in [2018-01-01]",
        "runningTasksCount !exists",
    ] {
        assert_eq!(
            error(text).kind,
            QueryErrorKind::OperatorNotAllowed,
            "{text}"
        );
    }
    for text in [
        "agentConnected in [true]",
        "ec2InstanceId !~ i-.*",
        "registeredAt >= 2018-06-18T22:28:28Z",
        "runningTasksCount <= 3",
        "task:group exists",
        "task:group > a",
        "attribute:a !in [b]",
    ] {
        assert!(Expression::parse(text).is_ok(), "{text}");
    }
}

#[test]
fn typed_values_are_checked_when_parsing() {
    let e = error("registeredAt < 2018-02-13T10:00");
    assert_eq!(e.kind, QueryErrorKind::InvalidDate);
    assert_eq!(e.span, 15..31);
    assert_eq!(
        error("agentVersion < one").kind,
        QueryErrorKind::InvalidVersion
    );
    assert_eq!(
        error("runningTasksCount == many").kind,
        QueryErrorKind::InvalidInteger
    );
    let e = error("attribute:a =~ 'x(?=y)'");
    assert_eq!(e.kind, QueryErrorKind::UnsupportedRegex);
    assert_eq!(e.span, 17..20, "points into the pattern, past the quote");
    assert_eq!(
        error("attribute:a =~ 'x('").kind,
        QueryErrorKind::InvalidRegex
    );
}

#[test]
fn structural_errors_have_spans_and_expectations() {
    let cases: [(&str, QueryErrorKind, std::ops::Range<usize>); 12] = [
        ("", QueryErrorKind::Empty, 0..0),
        ("   ", QueryErrorKind::Empty, 0..3),
        ("()", QueryErrorKind::Empty, 0..2),
        ("attribute:a", QueryErrorKind::UnexpectedEnd, 11..11),
        ("attribute:a ==", QueryErrorKind::MissingValue, 14..14),
        ("attribute:a == [x]", QueryErrorKind::ListNotAllowed, 15..16),
        ("attribute:a == x y", QueryErrorKind::Unexpected, 17..18),
        ("(attribute:a exists", QueryErrorKind::UnexpectedEnd, 19..19),
        ("attribute:a exists)", QueryErrorKind::Unexpected, 18..19),
        ("attribute:a in [x", QueryErrorKind::UnexpectedEnd, 17..17),
        ("attribute:a in [x,]", QueryErrorKind::Unexpected, 18..19),
        (
            "attribute: == x",
            QueryErrorKind::InvalidAttributeName,
            0..10,
        ),
    ];
    for (text, kind, span) in cases {
        let e = error(text);
        assert_eq!(
            (e.kind, e.span.clone()),
            (kind, span),
            "{text}: {}",
            e.message
        );
    }
    let e = error("attribute:a exists and");
    assert_eq!(
        e.expected,
        vec![Expected::Subject, Expected::OpenParen, Expected::Not]
    );
    let e = error("attribute:a =~ (a|b)");
    assert_eq!(e.kind, QueryErrorKind::MissingValue);
    assert!(e.message.contains("quote"), "{}", e.message);
    assert_eq!(
        error("attribute:a == 'x").kind,
        QueryErrorKind::UnterminatedQuote
    );
    assert_eq!(
        error("attribute:a ~~ x").kind,
        QueryErrorKind::UnknownOperator
    );
}

#[test]
fn query_errors_become_invalid_parameter_exceptions() {
    let ecs: EcsError = error("attribute:a in b").into();
    assert_eq!(ecs.exception, ExceptionName::InvalidParameterException);
    assert!(ecs.message.contains("`in` needs a list such as [a, b]"));
}

#[test]
fn length_limit_counts_characters() {
    let filler = "x".repeat(2000 - "attribute:a == ".len());
    assert!(Expression::parse(&format!("attribute:a == {filler}")).is_ok());
    let e = error(&format!("attribute:a == {filler}y"));
    assert_eq!(e.kind, QueryErrorKind::TooLong);
    assert_eq!(e.span, 2000..2001);
    // Two-byte characters: 2000 of them are 4000 bytes, still within the limit.
    let wide = "é".repeat(2000 - "attribute:a == ".len());
    assert!(Expression::parse(&format!("attribute:a == {wide}")).is_ok());
}

#[test]
fn nesting_limit_is_64() {
    let nested = |depth: usize| {
        format!(
            "{}attribute:a exists{}",
            "(".repeat(depth),
            ")".repeat(depth)
        )
    };
    assert!(Expression::parse(&nested(64)).is_ok());
    assert_eq!(error(&nested(65)).kind, QueryErrorKind::TooDeep);
    let nots = |depth: usize| format!("{}attribute:a exists", "not ".repeat(depth));
    assert!(Expression::parse(&nots(64)).is_ok());
    assert_eq!(error(&nots(65)).kind, QueryErrorKind::TooDeep);
}

/// Runs `parse` and checks it fails quickly; the limits mean it never recurses deeply, so this
/// also holds in debug builds on the test thread's small stack.
fn rejects_quickly(text: &str, kind: QueryErrorKind) {
    let start = Instant::now();
    let e = error(text);
    let elapsed = start.elapsed();
    assert_eq!(e.kind, kind);
    // Well under 1 ms per KB in an optimised build; unoptimised code gets 20 times that.
    let per_kb = if cfg!(debug_assertions) { 20_000 } else { 1000 };
    let budget = Duration::from_micros(per_kb * (text.len() as u64 / 1024 + 1));
    assert!(elapsed < budget, "{elapsed:?} for {} bytes", text.len());
}

#[test]
fn hostile_input_fails_fast_without_overflow() {
    rejects_quickly(&"(".repeat(100_000), QueryErrorKind::TooLong);
    rejects_quickly(&"not ".repeat(50_000), QueryErrorKind::TooLong);
    rejects_quickly(&"(".repeat(1999), QueryErrorKind::TooDeep);
    rejects_quickly(&"not ".repeat(499), QueryErrorKind::TooDeep);
    rejects_quickly(&"!".repeat(2000), QueryErrorKind::TooDeep);
    let huge_list = format!("attribute:a in [{}", "x,".repeat(990));
    rejects_quickly(&huge_list, QueryErrorKind::UnexpectedEnd);
    rejects_quickly(
        "attribute:a =~ '(a{1000}){1000}'",
        QueryErrorKind::RegexTooLarge,
    );
    rejects_quickly(
        "attribute:a =~ '((((((((((a*)*)*)*)*)*)*)*)*)*)*+'",
        QueryErrorKind::UnsupportedRegex,
    );
    rejects_quickly(
        "attribute:a =~ '\\p{L}{100}'",
        QueryErrorKind::RegexTooLarge,
    );
    // Patterns that are each within budget, but not all together.
    let many = vec!["attribute:a =~ '\\p{L}'"; 75].join(" or ");
    assert!(many.len() <= 2000);
    let e = error(&many);
    assert_eq!(e.kind, QueryErrorKind::RegexTooLarge);
    assert_eq!(
        e.span,
        249..256,
        "points at the tenth pattern, which goes over"
    );
    assert!(
        e.message.starts_with(
            "the patterns of this expression compile to more than 1 MiB together, with this \
             one (about 108 KiB)"
        ),
        "{}",
        e.message
    );
    rejects_quickly(&many, QueryErrorKind::RegexTooLarge);
}

#[test]
fn huge_valid_lists_parse() {
    let items: Vec<String> = (0..390).map(|i| format!("v{i}")).collect();
    let text = format!("attribute:a in [{}]", items.join(","));
    assert!(text.len() <= 2000);
    let parsed = comparison(&text);
    let Argument::List(values, _) = parsed.argument else {
        panic!("list")
    };
    assert_eq!(values.len(), 390);
}
