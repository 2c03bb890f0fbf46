//! Interim cluster-query evaluation with the `query` module's interface, for the forms the
//! placement tests use: comparisons `attribute:NAME == VALUE`, `!=`, `attribute:NAME exists`,
//! `task:group == VALUE` / `!=`, joined by `and`. Anything else is rejected with an error, never
//! guessed. The full language lives in `crate::query` once merged.

use crate::model::{AttrNameId, AttrValueId, GroupId, Snapshot};

/// A parsed expression: a conjunction of comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Subject {
    Attribute(String),
    TaskGroup,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    Equals(String),
    NotEquals(String),
    Exists,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    subject: Subject,
    test: Test,
}

/// An expression resolved against one snapshot's interned names.
#[derive(Debug, Clone)]
pub struct CompiledExpression {
    clauses: Vec<CompiledClause>,
}

#[derive(Debug, Clone)]
enum CompiledClause {
    /// The attribute (unknown to the snapshot when `None`) compared with a value id (a value
    /// no instance holds when `None`).
    Attribute {
        name: Option<AttrNameId>,
        test: CompiledTest<AttrValueId>,
    },
    Group(CompiledTest<GroupId>),
}

#[derive(Debug, Clone)]
enum CompiledTest<T> {
    Equals(Option<T>),
    NotEquals(Option<T>),
    Exists,
}

impl Expression {
    /// Parses the supported subset; the error says what is not supported.
    pub fn parse(text: &str) -> Result<Expression, String> {
        let mut clauses = Vec::new();
        for part in split_and(text) {
            clauses.push(parse_clause(part.trim())?);
        }
        if clauses.is_empty() {
            return Err("empty expression".to_owned());
        }
        Ok(Expression { clauses })
    }

    /// Resolves names against the snapshot.
    pub fn compile(&self, snapshot: &Snapshot) -> Result<CompiledExpression, String> {
        let clauses = self
            .clauses
            .iter()
            .map(|clause| match &clause.subject {
                Subject::Attribute(name) => CompiledClause::Attribute {
                    name: snapshot.attribute_name_id(name),
                    test: compile_test(&clause.test, |v| snapshot.attribute_value_id(v)),
                },
                Subject::TaskGroup => {
                    CompiledClause::Group(compile_test(&clause.test, |g| snapshot.group_id(g)))
                }
            })
            .collect();
        Ok(CompiledExpression { clauses })
    }
}

impl CompiledExpression {
    /// Whether the instance at `position` satisfies every clause, reading live group counts.
    pub fn matches(&self, snapshot: &Snapshot, position: u32) -> bool {
        let Some(instance) = snapshot.instances().get(position as usize) else {
            return false;
        };
        self.clauses.iter().all(|clause| match clause {
            CompiledClause::Attribute { name, test } => {
                let value = name.and_then(|n| instance.attribute(n));
                match (test, value) {
                    (CompiledTest::Exists, present) => present.is_some(),
                    (CompiledTest::Equals(want), Some(Some(have))) => *want == Some(have),
                    (CompiledTest::NotEquals(want), Some(Some(have))) => *want != Some(have),
                    // Absent attribute or name-only attribute: every comparison is false.
                    (_, _) => false,
                }
            }
            CompiledClause::Group(test) => match test {
                CompiledTest::Exists => !instance.groups.is_empty(),
                CompiledTest::Equals(want) => want.is_some_and(|g| instance.group_count(g) > 0),
                CompiledTest::NotEquals(want) => {
                    instance.groups.iter().any(|(g, _)| Some(*g) != *want)
                }
            },
        })
    }
}

fn compile_test<T>(test: &Test, resolve: impl Fn(&str) -> Option<T>) -> CompiledTest<T> {
    match test {
        Test::Equals(v) => CompiledTest::Equals(resolve(v)),
        Test::NotEquals(v) => CompiledTest::NotEquals(resolve(v)),
        Test::Exists => CompiledTest::Exists,
    }
}

fn split_and(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let next = [" and ", " && "]
            .iter()
            .filter_map(|sep| lower.find(sep).map(|at| (at, sep.len())))
            .min();
        match next {
            Some((at, length)) => {
                parts.push(&rest[..at]);
                rest = &rest[at + length..];
            }
            None => {
                parts.push(rest);
                return parts;
            }
        }
    }
}

fn parse_clause(text: &str) -> Result<Clause, String> {
    let unsupported = || format!("`{text}` is outside the interim query subset");
    let (subject_text, test) = if let Some(subject) = text.strip_suffix(" exists") {
        (subject.trim(), Test::Exists)
    } else if let Some((subject, value)) = text.split_once("!=") {
        (subject.trim(), Test::NotEquals(unquote(value.trim())))
    } else if let Some((subject, value)) = text.split_once("==") {
        (subject.trim(), Test::Equals(unquote(value.trim())))
    } else {
        return Err(unsupported());
    };
    let subject = if subject_text == "task:group" {
        Subject::TaskGroup
    } else if let Some(name) = subject_text.strip_prefix("attribute:") {
        Subject::Attribute(name.to_owned())
    } else {
        return Err(unsupported());
    };
    Ok(Clause { subject, test })
}

fn unquote(value: &str) -> String {
    let stripped = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')));
    stripped.unwrap_or(value).to_owned()
}
