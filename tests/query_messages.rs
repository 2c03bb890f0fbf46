//! Messages that say what to do (issue 15, point 8): patterns people write with counted
//! repetitions are accepted and a refusal names the construct, its cost and a rewrite; a
//! mistaken operator is blamed, not the value after it; a well-known EC2 or ECS word suggests
//! the built-in attribute.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod query_support;

use ecs_placement::query::{Expected, Expression, QueryError, QueryErrorKind};
use query_support::{Inst, snapshot};

fn error(text: &str) -> QueryError {
    match Expression::parse(text) {
        Ok(expression) => panic!("`{text}` should not parse, got `{expression}`"),
        Err(error) => error,
    }
}

/// ECS takes these (a Java regex, matched against the whole value); they were refused as
/// "counted repetitions expand this pattern to more than 10000 items".
#[test]
fn counted_repetitions_people_write_are_accepted_and_match() {
    let instances = [
        Inst::new().attr("path", "team/service"),
        Inst::new().attr("path", &"x".repeat(101)),
        Inst::new().attr("path", &"y".repeat(100)),
    ];
    let cluster = snapshot(&instances, &[]);
    for (pattern, matching) in [
        (".{0,60}", vec![0]),
        (".{100}", vec![2]),
        ("[^/]{0,100}", vec![2]),
        ("[^/]{1,100}/[^/]{1,100}", vec![0]),
        (".{0,128}", vec![0, 1, 2]),
        ("\\w{1,200}", vec![1, 2]),
    ] {
        let text = format!("attribute:path =~ '{pattern}'");
        let expression = Expression::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let compiled = expression
            .compile(&cluster)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let matched: Vec<usize> = compiled.filter(&cluster).ones().collect();
        assert_eq!(matched, matching, "{text}");
    }
}

#[test]
fn a_pattern_too_costly_is_refused_with_its_costliest_part_and_a_rewrite() {
    let e = error("attribute:a =~ 'x.{0,1000}'");
    assert_eq!(e.kind, QueryErrorKind::RegexTooLarge);
    assert_eq!(e.span, 17..26, "the caret goes under `.{{0,1000}}`");
    assert_eq!(
        e.message,
        "`.{0,1000}` compiles to about 1.2 MiB, more than the 512 KiB a pattern may: 1000 \
         copies of `.` at 1.2 KiB each (428 would fit). `.` matches so many characters that the \
         engine spells them out byte by byte: write `.*` or `.+` if the length does not matter \
         (one copy), or repeat a narrower class such as `[a-zA-Z0-9._-]` (104 bytes per copy)"
    );
    // The rewrites it proposes are accepted.
    for rewrite in ["x.*", "x.{0,428}", "x[a-zA-Z0-9._-]{0,1000}"] {
        assert!(
            Expression::parse(&format!("attribute:a =~ '{rewrite}'")).is_ok(),
            "{rewrite}"
        );
    }
    assert!(Expression::parse("attribute:a =~ 'x.{0,429}'").is_err());
    // Hostile patterns still fail, at once.
    let e = error("attribute:a =~ '(a{1000}){1000}'");
    assert_eq!(e.kind, QueryErrorKind::RegexTooLarge);
    assert!(
        e.message
            .contains("Counted repetitions inside counted repetitions multiply"),
        "{}",
        e.message
    );
}

#[test]
fn a_mistaken_operator_is_blamed_and_the_operators_listed() {
    for (text, span, meant) in [
        ("attribute:a === b", 12..15, "==="),
        ("attribute:a <> b", 12..14, "<>"),
        ("attribute:a = b", 12..13, "="),
        ("attribute:a => 3", 12..14, "=>"),
        ("attribute:a eq b", 12..14, "eq"),
    ] {
        let e = error(text);
        assert_eq!(e.kind, QueryErrorKind::UnknownOperator, "{text}");
        assert_eq!(e.span, span, "{text}: {}", e.message);
        assert_eq!(e.expected, vec![Expected::Operator], "{text}");
        assert!(
            e.message
                .starts_with(&format!("`{meant}` is not an operator; did you mean `")),
            "{text}: {}",
            e.message
        );
        assert!(
            e.message.contains(
                "The operators are ==, !=, >, >=, <, <=, =~, !~, exists, !exists, in and !in"
            ),
            "{text}: {}",
            e.message
        );
    }
    assert!(
        error("attribute:a <> b")
            .message
            .contains("did you mean `!=`?")
    );
    assert!(
        error("attribute:a === b")
            .message
            .contains("did you mean `==`?")
    );
    // Glued to a value, the operator is still the mistake (`<>b` read as `< '>b'` before).
    assert_eq!(error("attribute:a <>b").span, 12..14);
    assert_eq!(error("attribute:a ===b").span, 12..15);
    // A value after a space or in quotes may start with those characters.
    assert!(Expression::parse("attribute:a == =b").is_ok());
    assert!(Expression::parse("attribute:a == '=b'").is_ok());
}

#[test]
fn well_known_words_suggest_the_built_in_attribute() {
    let e = error("ec2InstanceType == m5.large");
    assert_eq!(e.kind, QueryErrorKind::UnknownSubject);
    assert_eq!(e.span, 0..15);
    assert!(
        e.message.starts_with(
            "unknown subject `ec2InstanceType`; did you mean `attribute:ecs.instance-type`, the \
             built-in attribute holding the instance type?"
        ),
        "{}",
        e.message
    );
    for (text, suggested) in [
        (
            "availabilityZone == us-east-1a",
            "attribute:ecs.availability-zone",
        ),
        ("amiId == ami-1234abcd", "attribute:ecs.ami-id"),
        ("osType == linux", "attribute:ecs.os-type"),
        ("cpuArchitecture == arm64", "attribute:ecs.cpu-architecture"),
        ("stack == prod", "attribute:stack"),
    ] {
        let e = error(text);
        assert!(
            e.message.contains(&format!("did you mean `{suggested}`")),
            "{text}: {}",
            e.message
        );
    }
}
