//! The compiler: a parsed expression and a snapshot to a [`CompiledExpression`].
//!
//! Subjects that placement never changes (attributes, `ec2InstanceId`, `agentConnected`,
//! `agentVersion`, `registeredAt`) are evaluated here, once, into instance bitsets, and always
//! per distinct value: an attribute comparison tests each distinct value of the attribute once
//! and takes the union of the posting lists of the values that pass; `==` and `in` look values
//! up directly; orderings against a number are a range over a sorted index of the attribute's
//! numeric values. Regexes, dates, versions and numbers are parsed once here.
//!
//! `runningTasksCount` and `task:group` change as tasks are placed, so they stay predicates
//! that read the snapshot when evaluated (see `eval.rs`), and group names are resolved to ids
//! then, since a group may first appear after compiling.

use std::cmp::Ordering;
use std::collections::HashSet;

use fixedbitset::FixedBitSet;
use ordered_float::OrderedFloat;

use crate::model::positions::add_positions;
use crate::model::{AttrNameId, Snapshot};

use super::Expression;
use super::ast::{Argument, Comparison, Node, NodeKind, Operator, Subject, Value};
use super::error::QueryError;
use super::matcher::Matcher;
use super::parser::check_operator_allowed;
use super::regex::build_matcher;
use super::typed::{Version, date_value, integer_value, parse_number, version_value};

/// An expression compiled against one snapshot; evaluate it against that snapshot (in any
/// later state: task placements are seen as they happen).
#[derive(Debug, Clone)]
pub struct CompiledExpression {
    pub(crate) root: Predicate,
    pub(crate) instance_count: usize,
}

/// A compiled (sub)expression.
#[derive(Debug, Clone)]
pub(crate) enum Predicate {
    /// Instances fixed at compile time.
    Static(FixedBitSet),
    /// `runningTasksCount` compared with a number, read live.
    RunningTasks(Operator, i64),
    /// A `task:group` comparison, read live.
    Group(GroupTest),
    Not(Box<Predicate>),
    And(Vec<Predicate>),
    Or(Vec<Predicate>),
}

/// A `task:group` comparison: true when any RUNNING task's group passes (decision 14).
#[derive(Debug, Clone)]
pub(crate) enum GroupTest {
    /// The instance hosts any RUNNING task.
    Exists,
    /// The instance hosts no RUNNING task.
    NotExists,
    /// `== name`: resolved to a group id when evaluated.
    Equal(String),
    /// `in [names]`: resolved to group ids when evaluated.
    In(Vec<String>),
    /// Any other comparison, tested against group names.
    Other(ValueTest),
}

/// A test of one text value against the argument of a comparison.
#[derive(Debug, Clone)]
pub(crate) enum ValueTest {
    Equal(String),
    NotEqual(String),
    In(HashSet<String>),
    NotIn(HashSet<String>),
    Matches(Matcher),
    NotMatches(Matcher),
    /// `>`, `>=`, `<`, `<=`: numerically when both sides are numbers, else byte-wise.
    Order(Operator, OrderKey),
}

/// The argument of an ordering comparison, with its numeric reading.
#[derive(Debug, Clone)]
pub(crate) struct OrderKey {
    text: String,
    number: Option<f64>,
}

impl OrderKey {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            number: parse_number(text),
        }
    }

    /// How `value` orders against the key (decision 11).
    fn compare(&self, value: &str) -> Ordering {
        match (parse_number(value), self.number) {
            (Some(a), Some(b)) => OrderedFloat(a).cmp(&OrderedFloat(b)),
            _ => value.as_bytes().cmp(self.text.as_bytes()),
        }
    }
}

impl ValueTest {
    /// The test for a comparison whose operator takes an argument.
    fn new(operator: Operator, argument: &Argument) -> Result<Option<ValueTest>, QueryError> {
        let single = || match argument {
            Argument::Value(value) => Some(value),
            _ => None,
        };
        let set = || match argument {
            Argument::List(values, _) => values.iter().map(|v| v.text.clone()).collect(),
            _ => HashSet::new(),
        };
        let text = || single().map(|v| v.text.clone()).unwrap_or_default();
        let test = match operator {
            Operator::Equal => Self::Equal(text()),
            Operator::NotEqual => Self::NotEqual(text()),
            Operator::In => Self::In(set()),
            Operator::NotIn => Self::NotIn(set()),
            Operator::Matches | Operator::NotMatches => {
                let Some(value) = single() else {
                    return Ok(None);
                };
                let matcher = build_matcher(value)?;
                if operator == Operator::Matches {
                    Self::Matches(matcher)
                } else {
                    Self::NotMatches(matcher)
                }
            }
            Operator::Greater
            | Operator::GreaterOrEqual
            | Operator::Less
            | Operator::LessOrEqual => Self::Order(operator, OrderKey::new(&text())),
            Operator::Exists | Operator::NotExists => return Ok(None),
        };
        Ok(Some(test))
    }

    /// Whether a present value passes.
    pub(crate) fn test(&self, value: &str) -> bool {
        match self {
            Self::Equal(expected) => value == expected,
            Self::NotEqual(expected) => value != expected,
            Self::In(set) => set.contains(value),
            Self::NotIn(set) => !set.contains(value),
            Self::Matches(matcher) => matcher.is_match(value),
            Self::NotMatches(matcher) => !matcher.is_match(value),
            Self::Order(operator, key) => ordering_holds(*operator, key.compare(value)),
        }
    }
}

/// Whether `ordering` (value against argument) satisfies an `==`/`!=`/ordering operator.
pub(crate) fn ordering_holds(operator: Operator, ordering: Ordering) -> bool {
    match operator {
        Operator::Equal => ordering.is_eq(),
        Operator::NotEqual => ordering.is_ne(),
        Operator::Greater => ordering.is_gt(),
        Operator::GreaterOrEqual => ordering.is_ge(),
        Operator::Less => ordering.is_lt(),
        Operator::LessOrEqual => ordering.is_le(),
        _ => false,
    }
}

impl Expression {
    /// Compiles the expression against `snapshot`: resolves attribute names, compiles regexes
    /// and parses typed values once, and evaluates every subject placement cannot change.
    pub fn compile(&self, snapshot: &Snapshot) -> Result<CompiledExpression, QueryError> {
        let compiler = Compiler {
            snapshot,
            instance_count: snapshot.instances().len(),
        };
        Ok(CompiledExpression {
            root: compiler.node(self.root())?,
            instance_count: compiler.instance_count,
        })
    }
}

struct Compiler<'a> {
    snapshot: &'a Snapshot,
    instance_count: usize,
}

impl Compiler<'_> {
    fn empty(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(self.instance_count)
    }

    fn node(&self, node: &Node) -> Result<Predicate, QueryError> {
        match &node.kind {
            NodeKind::Or(children) => self.chain(children, false),
            NodeKind::And(children) => self.chain(children, true),
            NodeKind::Not(inner) => Ok(match self.node(inner)? {
                Predicate::Static(mut set) => {
                    set.toggle_range(..);
                    Predicate::Static(set)
                }
                other => Predicate::Not(Box::new(other)),
            }),
            NodeKind::Comparison(comparison) => self.comparison(comparison),
        }
    }

    /// `and` / `or`: static children are folded into one bitset, live ones kept.
    fn chain(&self, children: &[Node], is_and: bool) -> Result<Predicate, QueryError> {
        let mut folded: Option<FixedBitSet> = None;
        let mut live = Vec::new();
        for child in children {
            match self.node(child)? {
                Predicate::Static(set) => {
                    folded = Some(match folded {
                        None => set,
                        Some(mut acc) if is_and => {
                            acc.intersect_with(&set);
                            acc
                        }
                        Some(mut acc) => {
                            acc.union_with(&set);
                            acc
                        }
                    });
                }
                other => live.push(other),
            }
        }
        if live.is_empty() {
            // Only a hand-built tree has no children: `and` of nothing is true, `or` false.
            let identity = || {
                let mut set = self.empty();
                set.set_range(.., is_and);
                set
            };
            return Ok(Predicate::Static(folded.unwrap_or_else(identity)));
        }
        live.extend(folded.map(Predicate::Static));
        Ok(if is_and {
            Predicate::And(live)
        } else {
            Predicate::Or(live)
        })
    }

    fn comparison(&self, comparison: &Comparison) -> Result<Predicate, QueryError> {
        let Comparison {
            subject,
            operator,
            operator_span,
            argument,
            ..
        } = comparison;
        let operator = *operator;
        // Parsed trees passed this check already; hand-built ones (`Expression::from_root`)
        // get the same error instead of an invented meaning.
        check_operator_allowed(subject, operator, operator_span)?;
        match subject {
            Subject::Attribute(name) => self.attribute(name, operator, argument),
            Subject::TaskGroup => group_test(operator, argument).map(Predicate::Group),
            Subject::RunningTasksCount => {
                let count = integer_value(single_value(argument)?)?;
                Ok(Predicate::RunningTasks(operator, count))
            }
            Subject::AgentVersion => self.agent_version(operator, single_value(argument)?),
            Subject::RegisteredAt => {
                let when = date_value(single_value(argument)?)?;
                Ok(self.per_instance(|instance| {
                    instance
                        .registered_at
                        .is_some_and(|at| ordering_holds(operator, at.cmp(&when)))
                }))
            }
            Subject::Ec2InstanceId => {
                let test = value_test(operator, argument)?;
                Ok(self.per_instance(|instance| {
                    instance
                        .ec2_instance_id
                        .as_deref()
                        .is_some_and(|id| test.test(id))
                }))
            }
            Subject::AgentConnected => {
                let test = value_test(operator, argument)?;
                // Two distinct values: test each once.
                let passes = [test.test("false"), test.test("true")];
                Ok(self.per_instance(|instance| passes[usize::from(instance.agent_connected)]))
            }
        }
    }

    fn agent_version(&self, operator: Operator, value: &Value) -> Result<Predicate, QueryError> {
        let wanted = version_value(value)?;
        Ok(self.per_instance(|instance| {
            instance
                .agent_version
                .as_deref()
                .and_then(Version::parse)
                .is_some_and(|version| ordering_holds(operator, version.compare(&wanted)))
        }))
    }

    /// A bitset of the instances for which `holds` is true.
    fn per_instance(&self, holds: impl Fn(&crate::model::Instance) -> bool) -> Predicate {
        let mut set = self.empty();
        for (position, instance) in self.snapshot.instances().iter().enumerate() {
            set.set(position, holds(instance));
        }
        Predicate::Static(set)
    }

    fn attribute(
        &self,
        name: &str,
        operator: Operator,
        argument: &Argument,
    ) -> Result<Predicate, QueryError> {
        let Some(name_id) = self.snapshot.attribute_name_id(name) else {
            // No instance has the attribute: only `!exists` holds (decision 9).
            let mut set = self.empty();
            if operator == Operator::NotExists {
                set.insert_range(..);
            }
            return Ok(Predicate::Static(set));
        };
        let set = match operator {
            Operator::Exists => self.attribute_holders(name_id),
            Operator::NotExists => {
                let mut set = self.attribute_holders(name_id);
                set.toggle_range(..);
                set
            }
            Operator::Equal => self.attribute_values(name_id, single_texts(argument)),
            Operator::In => self.attribute_values(name_id, list_texts(argument)),
            Operator::Greater
            | Operator::GreaterOrEqual
            | Operator::Less
            | Operator::LessOrEqual => {
                let key = &single_value(argument)?.text;
                NumericIndex::new(self.snapshot, name_id).ordering(self, operator, key)
            }
            _ => {
                let test = value_test(operator, argument)?;
                self.attribute_passing(name_id, |value| test.test(value))
            }
        };
        Ok(Predicate::Static(set))
    }

    /// Instances having the attribute, with or without a value.
    fn attribute_holders(&self, name: AttrNameId) -> FixedBitSet {
        let mut set = self.empty();
        for index in 0..self.snapshot.attribute_postings(name).len() {
            self.snapshot.add_posting(&mut set, name, index);
        }
        set
    }

    /// Instances whose value is one of `texts`, by direct lookup of each value.
    fn attribute_values<'t>(
        &self,
        name: AttrNameId,
        texts: impl Iterator<Item = &'t str>,
    ) -> FixedBitSet {
        let postings = self.snapshot.attribute_postings(name);
        let mut set = self.empty();
        for text in texts {
            let value = self.snapshot.attribute_value_id(text);
            if let Some(index) = value.and_then(|id| postings.get_index_of(&Some(id))) {
                self.snapshot.add_posting(&mut set, name, index);
            }
        }
        set
    }

    /// Instances whose value passes `test`, testing each distinct value once. Name-only
    /// attributes pass no value comparison (decision 10).
    fn attribute_passing(&self, name: AttrNameId, test: impl Fn(&str) -> bool) -> FixedBitSet {
        let mut set = self.empty();
        for (index, value) in self.snapshot.attribute_postings(name).keys().enumerate() {
            let Some(value) = value else {
                continue;
            };
            if test(self.snapshot.attribute_value(*value)) {
                self.snapshot.add_posting(&mut set, name, index);
            }
        }
        set
    }
}

/// The values of one attribute split by how decision 11 orders them: numeric values sorted,
/// so an ordering against a number is a range, and the others compared byte-wise.
struct NumericIndex<'s> {
    numeric: Vec<(OrderedFloat<f64>, &'s str, &'s [u32])>,
    textual: Vec<(&'s str, &'s [u32])>,
}

impl<'s> NumericIndex<'s> {
    fn new(snapshot: &'s Snapshot, name: AttrNameId) -> Self {
        let mut numeric = Vec::new();
        let mut textual = Vec::new();
        for (value, positions) in snapshot.attribute_postings(name) {
            let Some(value) = value else {
                continue;
            };
            let text = snapshot.attribute_value(*value);
            match parse_number(text) {
                Some(number) => numeric.push((OrderedFloat(number), text, positions.as_slice())),
                None => textual.push((text, positions.as_slice())),
            }
        }
        numeric.sort_unstable_by_key(|(number, _, _)| *number);
        Self { numeric, textual }
    }

    fn ordering(&self, compiler: &Compiler<'_>, operator: Operator, key: &str) -> FixedBitSet {
        let key = OrderKey::new(key);
        let mut set = compiler.empty();
        let mut add = |positions: &[u32]| add_positions(&mut set, positions.iter().copied());
        match key.number {
            Some(number) => {
                let number = OrderedFloat(number);
                let below = self.numeric.partition_point(|(n, _, _)| *n < number);
                let up_to = self.numeric.partition_point(|(n, _, _)| *n <= number);
                let range = match operator {
                    Operator::Greater => up_to..self.numeric.len(),
                    Operator::GreaterOrEqual => below..self.numeric.len(),
                    Operator::Less => 0..below,
                    _ => 0..up_to,
                };
                for (_, _, positions) in self.numeric.get(range).unwrap_or_default() {
                    add(positions);
                }
            }
            // A textual key orders every value byte-wise.
            None => {
                for (_, text, positions) in &self.numeric {
                    if ordering_holds(operator, key.compare(text)) {
                        add(positions);
                    }
                }
            }
        }
        for (text, positions) in &self.textual {
            if ordering_holds(operator, key.compare(text)) {
                add(positions);
            }
        }
        set
    }
}

fn group_test(operator: Operator, argument: &Argument) -> Result<GroupTest, QueryError> {
    Ok(match operator {
        Operator::Exists => GroupTest::Exists,
        Operator::NotExists => GroupTest::NotExists,
        Operator::Equal => GroupTest::Equal(single_value(argument)?.text.clone()),
        Operator::In => GroupTest::In(list_texts(argument).map(str::to_owned).collect()),
        _ => GroupTest::Other(value_test(operator, argument)?),
    })
}

fn value_test(operator: Operator, argument: &Argument) -> Result<ValueTest, QueryError> {
    ValueTest::new(operator, argument)?.ok_or_else(|| malformed(operator))
}

fn single_value(argument: &Argument) -> Result<&Value, QueryError> {
    match argument {
        Argument::Value(value) => Ok(value),
        _ => Err(QueryError::new(
            super::QueryErrorKind::MissingValue,
            0..0,
            "this comparison needs a single value",
        )),
    }
}

fn single_texts(argument: &Argument) -> impl Iterator<Item = &str> {
    let value = match argument {
        Argument::Value(value) => Some(value.text.as_str()),
        _ => None,
    };
    value.into_iter()
}

fn list_texts(argument: &Argument) -> impl Iterator<Item = &str> {
    let values: &[Value] = match argument {
        Argument::List(values, _) => values,
        _ => &[],
    };
    values.iter().map(|v| v.text.as_str())
}

/// For hand-built trees whose argument does not fit the operator.
fn malformed(operator: Operator) -> QueryError {
    QueryError::new(
        super::QueryErrorKind::MissingValue,
        0..0,
        format!("`{}` has an argument of the wrong form", operator.symbol()),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::query::QueryErrorKind;

    #[test]
    fn hand_built_trees_get_the_parsers_checks() {
        let snapshot = Snapshot::from_json(r#"{"containerInstances": []}"#).unwrap();
        let comparison = |subject, operator, argument| {
            Expression::from_root(Node::new(NodeKind::Comparison(Comparison {
                subject,
                subject_span: 0..0,
                operator,
                operator_span: 0..0,
                argument,
            })))
        };
        let not_allowed = comparison(Subject::AgentVersion, Operator::Exists, Argument::None);
        let error = not_allowed.compile(&snapshot).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::OperatorNotAllowed);
        let bad_date = comparison(
            Subject::RegisteredAt,
            Operator::Less,
            Argument::Value(Value::new("yesterday")),
        );
        let error = bad_date.compile(&snapshot).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::InvalidDate);
        let no_children = Expression::from_root(Node::new(NodeKind::And(Vec::new())));
        assert_eq!(no_children.compile(&snapshot).unwrap().instance_count(), 0);
    }
}
