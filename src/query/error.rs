//! The one error type of the query language: what went wrong, where (a byte span of the
//! expression), what would have been accepted there, and a message a person can act on.
//!
//! Lexing, parsing and compiling all report [`QueryError`]; [`From<QueryError>`] turns it into
//! the `InvalidParameterException` ECS answers with.

use std::fmt;
use std::ops::Range;

use crate::EcsError;

/// What kind of mistake a [`QueryError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// The expression is longer than [`super::MAX_EXPRESSION_CHARS`] characters.
    TooLong,
    /// Parentheses and `not` nest deeper than [`super::MAX_NESTING_DEPTH`] levels.
    TooDeep,
    /// The expression, or a parenthesised part of it, holds nothing.
    Empty,
    /// A quoted value has no closing quote.
    UnterminatedQuote,
    /// A token that cannot appear at this place.
    Unexpected,
    /// The expression ends where something else is required.
    UnexpectedEnd,
    /// A subject that is not one of the documented ones.
    UnknownSubject,
    /// `attribute:` with an empty or malformed attribute name.
    InvalidAttributeName,
    /// Something that is not an operator where an operator is required.
    UnknownOperator,
    /// A word operator glued to its neighbour without whitespace.
    MissingWhitespace,
    /// The operator is valid, but not for this subject.
    OperatorNotAllowed,
    /// `in` or `not_in` without a `[...]` list.
    ListRequired,
    /// A `[...]` list after an operator that takes a single value.
    ListNotAllowed,
    /// `in []`.
    EmptyList,
    /// An operator that needs a value has none.
    MissingValue,
    /// A value that must be a whole number is not one.
    InvalidInteger,
    /// An `agentConnected` value other than `true` or `false`.
    InvalidBoolean,
    /// An `agentVersion` value that is not a dotted version.
    InvalidVersion,
    /// A `registeredAt` value in none of the four documented date formats.
    InvalidDate,
    /// A regular expression the engine cannot compile.
    InvalidRegex,
    /// A Java regular-expression construct this engine cannot honour with Java's meaning.
    UnsupportedRegex,
    /// A regular expression whose compiled form exceeds the size limit.
    RegexTooLarge,
}

/// One thing the parser would have accepted where an error occurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expected {
    /// A subject such as `attribute:NAME` or `task:group`.
    Subject,
    /// `(`.
    OpenParen,
    /// `)`.
    CloseParen,
    /// `not` or `!`.
    Not,
    /// An operator such as `==` or `in`.
    Operator,
    /// A value, bare or quoted.
    Value,
    /// `[`.
    OpenBracket,
    /// `]`.
    CloseBracket,
    /// `,` between list items.
    Comma,
    /// `and` or `&&`.
    And,
    /// `or` or `||`.
    Or,
    /// The end of the expression.
    End,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Subject => "a subject such as `attribute:NAME`",
            Self::OpenParen => "`(`",
            Self::CloseParen => "`)`",
            Self::Not => "`not`",
            Self::Operator => "an operator such as `==`",
            Self::Value => "a value",
            Self::OpenBracket => "`[`",
            Self::CloseBracket => "`]`",
            Self::Comma => "`,`",
            Self::And => "`and`",
            Self::Or => "`or`",
            Self::End => "the end of the expression",
        })
    }
}

/// A query expression that cannot be parsed or compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// What kind of mistake this is.
    pub kind: QueryErrorKind,
    /// The byte range of the expression the error points at (empty at the end of input).
    pub span: Range<usize>,
    /// What would have been accepted at `span`, when the parser knows.
    pub expected: Vec<Expected>,
    /// A sentence saying what is wrong and, where possible, how to fix it.
    pub message: String,
}

impl QueryError {
    /// An error with nothing expected.
    pub(crate) fn new(
        kind: QueryErrorKind,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            span,
            expected: Vec::new(),
            message: message.into(),
        }
    }

    /// An error listing what would have been accepted.
    pub(crate) fn expecting(
        kind: QueryErrorKind,
        span: Range<usize>,
        expected: Vec<Expected>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            span,
            expected,
            message: message.into(),
        }
    }

    /// Moves the span by `offset` bytes (for errors found inside a value, such as a regex).
    pub(crate) fn shifted(mut self, offset: usize) -> Self {
        self.span = self.span.start + offset..self.span.end + offset;
        self
    }
}

/// Joins expected items as `a, b or c`.
pub(crate) fn describe_expected(expected: &[Expected]) -> String {
    let names: Vec<String> = expected.iter().map(ToString::to_string).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

impl From<QueryError> for EcsError {
    fn from(error: QueryError) -> Self {
        EcsError::invalid_parameter(format!(
            "invalid expression at bytes {}..{}: {}",
            error.span.start, error.span.end, error.message
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExceptionName;

    #[test]
    fn converts_to_invalid_parameter_with_position() {
        let error = QueryError::new(
            QueryErrorKind::EmptyList,
            5..7,
            "`in` needs at least one value",
        );
        let ecs: EcsError = error.into();
        assert_eq!(ecs.exception, ExceptionName::InvalidParameterException);
        assert_eq!(
            ecs.message,
            "invalid expression at bytes 5..7: `in` needs at least one value"
        );
    }

    #[test]
    fn expected_items_read_as_a_sentence() {
        let text = describe_expected(&[Expected::And, Expected::Or, Expected::End]);
        assert_eq!(text, "`and`, `or` or the end of the expression");
        assert_eq!(describe_expected(&[Expected::Value]), "a value");
    }
}
