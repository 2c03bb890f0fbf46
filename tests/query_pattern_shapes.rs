//! `=~` and `!~` through the public API, for the pattern shapes matched without a regex
//! (literal text around `.*`) and their near misses: the instances an expression selects are
//! the ones the anchored pattern, built directly with the `regex` crate, accepts (none of
//! these patterns holds a construct the Java translation rewrites). Attribute values cannot
//! hold line terminators, so those are left to the matcher's own property test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod query_support;

use ecs_placement::query::Expression;
use query_support::Inst;

/// Values with case changes, overlaps and spaces next to the literals.
const VALUES: [&str; 18] = [
    "m5.large",
    "M5.large",
    "xm5.large",
    "m5",
    "m5.",
    "m5. large",
    "m5.large/x",
    "preprod",
    "prod-eu",
    "pro-d",
    "abba",
    "aba",
    "ab",
    "café",
    "CAFÉ",
    "t2.micro",
    "t2xmicro",
    "m5\\large",
];

const PATTERNS: [&str; 19] = [
    // Fast shapes.
    "m5.large",
    "m5\\.large",
    "m5.*",
    "t2\\..*",
    ".*large",
    ".*prod.*",
    ".*d.*p.*",
    "ab.*ba",
    "caf\\x{e9}.*",
    ".*",
    "(?s)m5.*",
    // Near misses, built as regexes.
    "(?i)m5.*",
    "(?i)caf\\x{e9}",
    "m5.+",
    "m5.",
    "m5|ab",
    "(m5).*",
    "m5.*\\n",
    "[^\\r]*",
];

#[test]
fn matches_and_not_matches_agree_with_the_anchored_regex() {
    let instances: Vec<Inst> = VALUES.iter().map(|v| Inst::new().attr("t", v)).collect();
    let snapshot = query_support::snapshot(&instances, &[]);
    for pattern in PATTERNS {
        let reference = regex::Regex::new(&format!("^(?:{pattern})$")).unwrap();
        let expected: Vec<usize> = (0..VALUES.len())
            .filter(|&i| reference.is_match(VALUES[i]))
            .collect();
        for (operator, wanted) in [("=~", true), ("!~", false)] {
            let text = format!("attribute:t {operator} '{pattern}'");
            let expression = Expression::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let compiled = expression.compile(&snapshot).unwrap();
            let selected: Vec<usize> = compiled.filter(&snapshot).ones().collect();
            let reference_selected: Vec<usize> = (0..VALUES.len())
                .filter(|i| expected.contains(i) == wanted)
                .collect();
            assert_eq!(selected, reference_selected, "{text}");
        }
    }
}
