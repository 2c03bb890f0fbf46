//! The cluster query language (CQL): the expressions of `memberOf` constraints and of the
//! `ListContainerInstances` filter, such as `attribute:ecs.instance-type =~ t2.* and
//! not(task:group == database)`.
//!
//! The pipeline, one file per stage:
//! - `lexer`: text to tokens with byte spans, switching to a value mode after an operator;
//! - `parser`: tokens to an [`ast`] tree, enforcing the length and nesting limits, the
//!   operator list of each subject and the types of values (dates, versions, counts, regexes);
//! - `printer`: a tree back to canonical text (`Display`);
//! - `typed` and `regex`: the typed values and the anchored, size-limited patterns;
//! - `matcher`: a compiled pattern, a string test for literal text around `.*`, else a regex;
//! - `compile`: a tree and a [`Snapshot`](crate::model::Snapshot) to a [`CompiledExpression`],
//!   evaluating per distinct attribute value into instance bitsets;
//! - `eval`: [`CompiledExpression::filter`] and [`CompiledExpression::matches`], reading
//!   `runningTasksCount` and `task:group` live;
//! - [`list`]: [`list_container_instances`], the `ListContainerInstances` operation;
//! - `suggest`: "did you mean" for misspelt subjects;
//! - [`lint`]: [`Expression::lint`], warnings for expressions that parse but probably match
//!   nothing (unknown attribute names and values, glob-like patterns), with match counts;
//! - [`error`]: [`QueryError`], the one error type of every stage.
//!
//! See `docs/QUERY_LANGUAGE.md` for the grammar and every decision.

pub mod ast;
mod compile;
pub mod error;
mod eval;
pub(crate) mod lexer;
pub mod lint;
pub mod list;
mod matcher;
pub(crate) mod parser;
mod pattern_cost;
mod printer;
mod regex;
mod suggest;
mod typed;

use std::fmt;

pub use ast::{Argument, Comparison, Node, NodeKind, Operator, Subject, Value};
pub use compile::CompiledExpression;
pub use error::{Expected, QueryError, QueryErrorKind};
pub use lint::{ClauseLint, Count, Lint, Warning};
pub use list::list_container_instances;
pub use parser::{MAX_EXPRESSION_CHARS, MAX_NESTING_DEPTH};

/// A parsed, syntactically valid query expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    root: Node,
}

impl Expression {
    /// Parses `text`, checking everything that does not depend on a cluster.
    ///
    /// ```
    /// use ecs_placement::query::Expression;
    ///
    /// let expression = Expression::parse("attribute:ecs.instance-type =~ m5.* and not(task:group == db)")?;
    /// assert!(expression.to_string().starts_with("attribute:ecs.instance-type =~ m5.*"));
    /// let error = Expression::parse("attribute:team ==").unwrap_err();
    /// assert!(!error.message.is_empty()); // says what is missing, with the span
    /// # Ok::<(), ecs_placement::query::QueryError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Expression, QueryError> {
        parser::parse(text).map(|root| Expression { root })
    }

    /// An expression from a tree built by hand (it is not validated).
    pub fn from_root(root: Node) -> Expression {
        Expression { root }
    }

    /// The syntax tree.
    pub fn root(&self) -> &Node {
        &self.root
    }
}

impl fmt::Display for Expression {
    /// The canonical text: `Expression::parse(&e.to_string())` gives `e` back (spans aside).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}
