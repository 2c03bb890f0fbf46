//! Lint: expressions that parse, and that ECS accepts, but that probably match nothing.
//!
//! ECS never says that a `memberOf` expression matched no instance: it places the tasks
//! elsewhere, or not at all. Three mistakes are common in expressions found in public code:
//! glob-style patterns (`attribute:ecs.availability-zone =~ us-east-1*`, which matches only
//! `us-east-` followed by ones), values in the wrong case (`attribute:ecs.cpu-architecture ==
//! ARM64` where instances say `arm64`) and attribute names no agent sets
//! (`attribute:instance-type`, `attribute:ec2InstanceId`).
//!
//! [`Expression::lint`] looks at each comparison (a *clause*) of an expression and gives the
//! [`Warning`]s that apply to it and, given a [`Snapshot`], how many instances the clause alone
//! and the whole expression match. It is pure: the expression and the snapshot are only read,
//! and a warning never changes what the expression means.

use std::fmt;
use std::ops::Range;

use crate::model::{AttrNameId, Snapshot};

use super::Expression;
use super::ast::{
    ATTRIBUTE_PREFIX, Argument, Comparison, Node, NodeKind, Operator, Subject, Value,
};
use super::error::QueryError;
use super::suggest::suggest_subject;

/// At most this many values of an attribute are listed when none is near the one written.
const LISTED_VALUES: usize = 8;

/// What [`Expression::lint`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// Every comparison of the expression, in the order they are written.
    pub clauses: Vec<ClauseLint>,
    /// How many instances the whole expression matches (without a snapshot, `None`).
    pub matched: Option<Count>,
}

impl Lint {
    /// Every warning, with the clause it is about.
    pub fn warnings(&self) -> impl Iterator<Item = (&ClauseLint, &Warning)> {
        self.clauses
            .iter()
            .flat_map(|clause| clause.warnings.iter().map(move |warning| (clause, warning)))
    }
}

/// One comparison of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseLint {
    /// The bytes of the comparison in the expression (`0..0` for built trees).
    pub span: Range<usize>,
    /// The comparison in canonical form.
    pub text: String,
    /// How many instances the comparison alone matches (without a snapshot, `None`).
    pub matched: Option<Count>,
    /// What looks wrong with it.
    pub warnings: Vec<Warning>,
}

/// A number of instances out of the snapshot's instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Instances matched.
    pub matched: usize,
    /// Instances in the snapshot.
    pub total: usize,
}

impl fmt::Display for Count {
    /// `3 of 14 instances`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {} instances", self.matched, self.total)
    }
}

/// What is probably wrong with one comparison. `Display` gives the message, without the
/// clause: `no instance has the value ARM64 (did you mean arm64? 3 instances have it)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// `attribute:NAME` where no instance of the snapshot has an attribute NAME.
    UnknownAttribute {
        /// The name as written.
        name: String,
        /// The subject probably meant, as it is written (`attribute:ecs.instance-type`, or
        /// `ec2InstanceId`), with how many instances have it (for `ec2InstanceId`: an EC2
        /// instance id).
        suggestion: Option<(String, usize)>,
    },
    /// A value compared with `==`, `!=`, `in` or `!in` that no instance has for the attribute.
    UnknownValue {
        /// The attribute's name.
        name: String,
        /// The value as written.
        value: String,
        /// The value probably meant (the same in another case, or a slip away), with how
        /// many instances have it.
        suggestion: Option<(String, usize)>,
        /// When there is no suggestion: the attribute's values, most held first (at most
        /// eight); empty when the attribute never has a value.
        values: Vec<String>,
        /// How many distinct values the attribute has.
        distinct_values: usize,
    },
    /// A `=~` or `!~` pattern with a `*` after a plain character, as a glob has it: in a
    /// regular expression `1*` means "any number of `1`", not "anything".
    GlobPattern {
        /// The pattern as written.
        pattern: String,
        /// The characters the glob-like `*`s repeat, in order.
        repeated: Vec<char>,
        /// The pattern with `.*` for each such `*`.
        suggestion: String,
        /// How many instances the comparison would match with the suggestion (with a
        /// snapshot).
        suggestion_matched: Option<Count>,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownAttribute { name, suggestion } => {
                write!(f, "no instance has the attribute {name}")?;
                match suggestion {
                    Some((subject, _)) if !subject.starts_with(ATTRIBUTE_PREFIX) => write!(
                        f,
                        " (did you mean {subject}? it is a subject of its own, written without `attribute:`)"
                    ),
                    Some((subject, count)) => {
                        write!(f, " (did you mean {subject}? {})", have_it(*count))
                    }
                    None => Ok(()),
                }
            }
            Self::UnknownValue {
                name,
                value,
                suggestion,
                values,
                distinct_values,
            } => {
                write!(f, "no instance has the value {}", shown(value))?;
                if let Some((meant, count)) = suggestion {
                    return write!(f, " (did you mean {}? {})", shown(meant), have_it(*count));
                }
                if values.is_empty() {
                    return write!(
                        f,
                        " ({name} has no value on any instance: test it with `exists`)"
                    );
                }
                let listed: Vec<String> = values.iter().map(|v| shown(v)).collect();
                write!(f, " (the values of {name}: {}", listed.join(", "))?;
                match distinct_values.saturating_sub(values.len()) {
                    0 => f.write_str(")"),
                    more => write!(f, " and {more} more)"),
                }
            }
            Self::GlobPattern {
                pattern,
                repeated,
                suggestion,
                suggestion_matched,
            } => {
                write!(
                    f,
                    "{} is a regular expression, not a glob: ",
                    shown(pattern)
                )?;
                let repeats: Vec<String> = repeated
                    .iter()
                    .map(|c| format!("{c}* means any number of {c} (zero or more)"))
                    .collect();
                f.write_str(&repeats.join(", "))?;
                if let Some(examples) = glob_examples(pattern, repeated) {
                    write!(f, ", so it matches only {examples}")?;
                } else {
                    f.write_str(", not any text")?;
                }
                write!(f, "; did you mean {}?", shown(suggestion))?;
                if let Some(count) = suggestion_matched {
                    let verb = if count.matched == 1 {
                        "matches"
                    } else {
                        "match"
                    };
                    write!(f, " ({} {verb} it)", count_instances(count.matched))?;
                }
                Ok(())
            }
        }
    }
}

/// `3 instances have it`, `1 instance has it`.
fn have_it(count: usize) -> String {
    match count {
        1 => "1 instance has it".to_owned(),
        n => format!("{n} instances have it"),
    }
}

/// `14 instances`, `1 instance`.
fn count_instances(count: usize) -> String {
    match count {
        1 => "1 instance".to_owned(),
        n => format!("{n} instances"),
    }
}

/// A value as the canonical form writes it (quoted when it must be).
fn shown(text: &str) -> String {
    Value::new(text).to_string()
}

/// `us-east-, us-east-1, us-east-11, ...` for a pattern of plain characters ending in one
/// glob-like `*` (`us-east-1*`); `None` for any other pattern.
fn glob_examples(pattern: &str, repeated: &[char]) -> Option<String> {
    let [c] = repeated else {
        return None;
    };
    let body = pattern.strip_suffix('*')?.strip_suffix(*c)?;
    let plain = |ch: char| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | ':' | '/');
    if !body.chars().all(plain) {
        return None;
    }
    Some(format!("{body}, {body}{c}, {body}{c}{c}, ..."))
}

impl Expression {
    /// Looks for mistakes that make the expression match nothing, or not what was meant: see
    /// the [module documentation](crate::query::lint). Without a snapshot only the patterns
    /// are checked (and nothing is counted).
    ///
    /// The error is a compile error of the expression (or of one of its comparisons) against
    /// the snapshot, which a parsed expression does not have.
    pub fn lint(&self, snapshot: Option<&Snapshot>) -> Result<Lint, QueryError> {
        let mut comparisons = Vec::new();
        collect_comparisons(self.root(), &mut comparisons);
        let clauses = comparisons
            .into_iter()
            .map(|(node, comparison)| lint_clause(node, comparison, snapshot))
            .collect::<Result<Vec<_>, _>>()?;
        let matched = snapshot.map(|s| count(self, s)).transpose()?;
        Ok(Lint { clauses, matched })
    }
}

/// The comparisons under `node`, in the order they are written.
fn collect_comparisons<'a>(node: &'a Node, out: &mut Vec<(&'a Node, &'a Comparison)>) {
    match &node.kind {
        NodeKind::Or(children) | NodeKind::And(children) => {
            for child in children {
                collect_comparisons(child, out);
            }
        }
        NodeKind::Not(inner) => collect_comparisons(inner, out),
        NodeKind::Comparison(comparison) => out.push((node, comparison)),
    }
}

/// How many instances `expression` matches in `snapshot`, evaluated as placement would.
fn count(expression: &Expression, snapshot: &Snapshot) -> Result<Count, QueryError> {
    let matched = expression
        .compile(snapshot)?
        .filter(snapshot)
        .count_ones(..);
    Ok(Count {
        matched,
        total: snapshot.instances().len(),
    })
}

fn lint_clause(
    node: &Node,
    comparison: &Comparison,
    snapshot: Option<&Snapshot>,
) -> Result<ClauseLint, QueryError> {
    let alone = |comparison: Comparison| {
        Expression::from_root(Node {
            kind: NodeKind::Comparison(comparison),
            span: node.span.clone(),
        })
    };
    let matched = snapshot
        .map(|s| count(&alone(comparison.clone()), s))
        .transpose()?;
    let mut warnings = Vec::new();
    if let Some(warning) = glob_warning(comparison, snapshot, alone)? {
        warnings.push(warning);
    }
    if let (Some(snapshot), Subject::Attribute(name)) = (snapshot, &comparison.subject) {
        match snapshot
            .attribute_name_id(name)
            .filter(|&id| !snapshot.attribute_postings(id).is_empty())
        {
            None => warnings.extend(unknown_attribute(name, comparison.operator, snapshot)),
            Some(id) => warnings.extend(unknown_values(name, id, comparison, snapshot)),
        }
    }
    Ok(ClauseLint {
        span: node.span.clone(),
        text: comparison.to_string(),
        matched,
        warnings,
    })
}

/// The warning for a glob-like pattern, with the count of the suggested pattern.
fn glob_warning(
    comparison: &Comparison,
    snapshot: Option<&Snapshot>,
    alone: impl Fn(Comparison) -> Expression,
) -> Result<Option<Warning>, QueryError> {
    if !matches!(
        comparison.operator,
        Operator::Matches | Operator::NotMatches
    ) {
        return Ok(None);
    }
    let Argument::Value(value) = &comparison.argument else {
        return Ok(None);
    };
    let stars = glob_stars(&value.text);
    if stars.is_empty() {
        return Ok(None);
    }
    let mut suggestion = String::with_capacity(value.text.len() + stars.len());
    let mut repeated = Vec::with_capacity(stars.len());
    let mut last = 0;
    for &(at, c) in &stars {
        suggestion.push_str(value.text.get(last..at).unwrap_or_default());
        suggestion.push('.');
        last = at;
        repeated.push(c);
    }
    suggestion.push_str(value.text.get(last..).unwrap_or_default());
    let suggestion_matched = match snapshot {
        Some(snapshot) => {
            let mut fixed = comparison.clone();
            fixed.argument = Argument::Value(Value::new(suggestion.clone()));
            // The suggestion is the pattern with `.` added, which may still fail where the
            // original passed (a size limit): then it is not counted.
            Expression::parse(&alone(fixed).to_string())
                .ok()
                .map(|parsed| count(&parsed, snapshot))
                .transpose()?
        }
        None => None,
    };
    Ok(Some(Warning::GlobPattern {
        pattern: value.text.clone(),
        repeated,
        suggestion,
        suggestion_matched,
    }))
}

/// The glob-like `*`s of a pattern: each `*` that repeats a plain character (a letter, a
/// digit, `-`, `_` and the like, not escaped and not in a class), as the byte offset of the
/// `*` and the character it repeats. A `*` after `.`, `)`, `]`, `}`, an escape or another
/// quantifier repeats what a regular expression means it to.
fn glob_stars(pattern: &str) -> Vec<(usize, char)> {
    let mut stars = Vec::new();
    // The plain character just read, if the last item was one.
    let mut previous: Option<char> = None;
    let mut chars = pattern.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
                previous = None;
            }
            '[' => {
                // A class: `]` right after `[` or `[^` is a member, `\` escapes.
                if chars.peek().is_some_and(|&(_, c)| c == '^') {
                    chars.next();
                }
                if chars.peek().is_some_and(|&(_, c)| c == ']') {
                    chars.next();
                }
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        ']' => break,
                        _ => {}
                    }
                }
                previous = None;
            }
            '*' => {
                if let Some(repeated) = previous {
                    stars.push((at, repeated));
                }
                previous = None;
            }
            '.' | '(' | ')' | '{' | '}' | '+' | '?' | '|' | '^' | '$' => previous = None,
            _ => previous = Some(c),
        }
    }
    stars
}

/// The warning for an attribute no instance has, with the nearest subject that exists.
fn unknown_attribute(name: &str, operator: Operator, snapshot: &Snapshot) -> Option<Warning> {
    let suggestion = nearest_attribute(name, snapshot);
    // `!exists` on an attribute no instance has is how "none of the ... instances" is
    // written (`attribute:ecs.capability.external !exists`): only a likely slip is worth
    // saying.
    if operator == Operator::NotExists && suggestion.is_none() {
        return None;
    }
    Some(Warning::UnknownAttribute {
        name: name.to_owned(),
        suggestion,
    })
}

/// The attributes some instance has, with how many instances have each.
fn attribute_names(snapshot: &Snapshot) -> Vec<(&str, usize)> {
    (0..snapshot.postings.len())
        .filter_map(|index| {
            let id = AttrNameId(u32::try_from(index).ok()?);
            let holders: usize = snapshot.attribute_postings(id).values().map(Vec::len).sum();
            (holders > 0).then(|| (snapshot.attribute_name(id), holders))
        })
        .collect()
}

/// The subject `name` was most likely meant to be: an attribute of the same name in another
/// case or punctuation; a known word for a built-in attribute (`instance-type`,
/// `ec2.instance-type`: `ecs.instance-type`) or a subject (`ec2InstanceId`); the same name
/// under another prefix (`ec2.subnet-id`: `ecs.subnet-id`); else a name a slip away.
fn nearest_attribute(name: &str, snapshot: &Snapshot) -> Option<(String, usize)> {
    let names = attribute_names(snapshot);
    let attribute = |(found, count): (&str, usize)| (format!("{ATTRIBUTE_PREFIX}{found}"), count);
    let folded = normalized(name);
    if let Some(&found) = names.iter().find(|(n, _)| normalized(n) == folded) {
        return Some(attribute(found));
    }
    if let Some(suggestion) = suggest_subject(name) {
        match suggestion.subject.strip_prefix(ATTRIBUTE_PREFIX) {
            Some(meant) => {
                if let Some(&found) = names.iter().find(|(n, _)| *n == meant) {
                    return Some(attribute(found));
                }
            }
            // A subject of its own (`ec2InstanceId`), when the words agree exactly.
            None if normalized(&suggestion.subject) == folded => {
                let holders = subject_holders(&suggestion.subject, snapshot);
                return Some((suggestion.subject, holders));
            }
            None => {}
        }
    }
    let unprefixed = |text: &str| {
        text.split_once('.')
            .map_or(text.to_owned(), |(_, rest)| rest.to_owned())
    };
    let bare = normalized(&unprefixed(name));
    let same_rest = names.iter().find(|(n, _)| {
        let rest = normalized(&unprefixed(n));
        rest == folded || rest == bare || normalized(n) == bare
    });
    if let Some(&found) = same_rest {
        return Some(attribute(found));
    }
    nearest_text(name, names.iter().copied()).map(attribute)
}

/// How many instances have a subject other than an attribute (`ec2InstanceId`: those with an
/// EC2 instance id).
fn subject_holders(subject: &str, snapshot: &Snapshot) -> usize {
    let instances = snapshot.instances().iter();
    match subject {
        "ec2InstanceId" => instances.filter(|i| i.ec2_instance_id.is_some()).count(),
        "agentVersion" => instances.filter(|i| i.agent_version.is_some()).count(),
        "registeredAt" => instances.filter(|i| i.registered_at.is_some()).count(),
        "task:group" => instances.filter(|i| !i.groups.is_empty()).count(),
        _ => snapshot.instances().len(),
    }
}

/// The candidate `text` was most likely meant to be: the same in another case, else the
/// nearest by edit distance (ignoring case; a swap of two neighbours is one edit) when at most
/// two edits and a third of the text away; ties go to the candidate most instances have, then to the first in byte order.
fn nearest_text<'a>(
    text: &str,
    candidates: impl Iterator<Item = (&'a str, usize)> + Clone,
) -> Option<(&'a str, usize)> {
    let best = |found: &mut dyn Iterator<Item = (usize, (&'a str, usize))>| {
        found
            .min_by(|(d1, (n1, c1)), (d2, (n2, c2))| d1.cmp(d2).then(c2.cmp(c1)).then(n1.cmp(n2)))
            .map(|(_, found)| found)
    };
    let same_case = best(
        &mut candidates
            .clone()
            .filter(|(c, _)| c.eq_ignore_ascii_case(text))
            .map(|found| (0, found)),
    );
    if same_case.is_some() {
        return same_case;
    }
    let lower = text.to_lowercase();
    let budget = (text.chars().count() / 3).min(2);
    best(
        &mut candidates
            .map(|found| (strsim::osa_distance(&lower, &found.0.to_lowercase()), found))
            .filter(|(distance, _)| *distance <= budget),
    )
}

/// `ec2InstanceType`, `instance_type` and `Instance-Type` all read `instancetype`.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The warnings for the values of an `==`, `!=`, `in` or `!in` comparison that no instance
/// has for the attribute `name` (which some instance has).
fn unknown_values(
    name: &str,
    id: AttrNameId,
    comparison: &Comparison,
    snapshot: &Snapshot,
) -> Vec<Warning> {
    let written: Vec<&Value> = match (&comparison.operator, &comparison.argument) {
        (Operator::Equal | Operator::NotEqual, Argument::Value(value)) => vec![value],
        (Operator::In | Operator::NotIn, Argument::List(values, _)) => values.iter().collect(),
        _ => return Vec::new(),
    };
    let mut values: Vec<(&str, usize)> = snapshot
        .attribute_postings(id)
        .iter()
        .filter_map(|(value, holders)| {
            value.map(|value| (snapshot.attribute_value(value), holders.len()))
        })
        .collect();
    // Most held first, then in byte order: the order they are listed in.
    values.sort_by(|(n1, c1), (n2, c2)| c2.cmp(c1).then(n1.cmp(n2)));
    let mut warnings = Vec::new();
    for value in written {
        if values.iter().any(|(v, _)| *v == value.text) {
            continue;
        }
        let suggestion = nearest_text(&value.text, values.iter().copied())
            .map(|(meant, count)| (meant.to_owned(), count));
        let listed = match suggestion {
            Some(_) => Vec::new(),
            None => values
                .iter()
                .take(LISTED_VALUES)
                .map(|(v, _)| (*v).to_owned())
                .collect(),
        };
        warnings.push(Warning::UnknownValue {
            name: name.to_owned(),
            value: value.text.clone(),
            suggestion,
            values: listed,
            distinct_values: values.len(),
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_like_stars_are_found_where_a_glob_would_have_them() {
        assert_eq!(glob_stars("us-east-1*"), vec![(9, '1')]);
        assert_eq!(glob_stars("m5*large*"), vec![(2, '5'), (8, 'e')]);
        for regex in [
            "us-east-1.*",
            "t2.*",
            r"a\d*",
            r"a\**",
            "[a*]",
            "[]a*]",
            "(ab)*",
            "[a-z]*",
            "a{2}*",
            "a+",
            "x",
        ] {
            assert_eq!(glob_stars(regex), Vec::new(), "{regex}");
        }
    }

    #[test]
    fn glob_examples_only_for_a_plain_pattern_with_one_star_at_the_end() {
        assert_eq!(
            glob_examples("us-east-1*", &['1']).as_deref(),
            Some("us-east-, us-east-1, us-east-11, ...")
        );
        assert_eq!(glob_examples("m5*large", &['5']), None);
        assert_eq!(glob_examples("(a)b*", &['b']), None);
    }

    #[test]
    fn nearest_text_prefers_case_then_a_slip() {
        let candidates = [("arm64", 3), ("x86_64", 11)];
        assert_eq!(
            nearest_text("ARM64", candidates.iter().copied()),
            Some(("arm64", 3))
        );
        assert_eq!(
            nearest_text("arm46", candidates.iter().copied()),
            Some(("arm64", 3))
        );
        assert_eq!(nearest_text("sparc", candidates.iter().copied()), None);
    }
}
