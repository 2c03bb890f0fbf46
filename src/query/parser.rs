//! The recursive-descent parser: tokens to a [`Node`] tree, with the length limit, the nesting
//! limit, the per-subject operator lists and the typed values checked on the way.
//!
//! Grammar (precedence from loosest: `or`, `and`, `not`; decision 1):
//! ```text
//! or_expr  = and_expr { ("or" | "||") and_expr }
//! and_expr = unary { ("and" | "&&") unary }
//! unary    = ("not" | "!") unary | "(" or_expr ")" | comparison
//! ```
//! Every `(` and every `not` counts one nesting level; past [`MAX_NESTING_DEPTH`] the parser
//! stops before recursing further, so no input can exhaust the stack.

use std::ops::Range;

use super::ast::{Argument, Arity, Comparison, Node, NodeKind, Operator, Subject, Value};
use super::error::{Expected, QueryError, QueryErrorKind, describe_expected};
use super::lexer::{Lexer, Token, TokenKind};
use super::regex::{MAX_EXPRESSION_PATTERN_BYTES, kib};
use super::typed;

/// The longest expression ECS accepts, in characters (decision 15).
pub const MAX_EXPRESSION_CHARS: usize = 2000;

/// The deepest nesting of parentheses and `not` accepted (decision 15).
pub const MAX_NESTING_DEPTH: usize = 64;

/// Parses a whole expression.
pub fn parse(text: &str) -> Result<Node, QueryError> {
    check_length(text)?;
    let mut lexer = Lexer::new(text);
    let current = lexer.next_token()?;
    if current.kind == TokenKind::End {
        return Err(QueryError::expecting(
            QueryErrorKind::Empty,
            0..text.len(),
            vec![Expected::Subject],
            "the expression is empty; write one such as `attribute:ecs.instance-type == t2.small`",
        ));
    }
    let mut parser = Parser {
        lexer,
        current,
        depth: 0,
        pattern_weight: 0,
    };
    let node = parser.or_expr()?;
    parser.expect_end()?;
    Ok(node)
}

fn check_length(text: &str) -> Result<(), QueryError> {
    // Bytes bound characters from above, so short inputs skip the count.
    if text.len() <= MAX_EXPRESSION_CHARS {
        return Ok(());
    }
    let chars = text.chars().count();
    match text.char_indices().nth(MAX_EXPRESSION_CHARS) {
        Some((cut, _)) => Err(QueryError::new(
            QueryErrorKind::TooLong,
            cut..text.len(),
            format!(
                "expressions are limited to {MAX_EXPRESSION_CHARS} characters; this one has {chars}"
            ),
        )),
        None => Ok(()),
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    current: Token,
    depth: usize,
    /// The estimated compiled size of the patterns so far, in bytes: bounded for the whole
    /// expression, so many patterns cannot add up to a slow compile.
    pattern_weight: u64,
}

impl Parser<'_> {
    fn advance(&mut self) -> Result<Token, QueryError> {
        let next = self.lexer.next_token()?;
        Ok(std::mem::replace(&mut self.current, next))
    }

    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_NESTING_DEPTH {
            return Err(QueryError::new(
                QueryErrorKind::TooDeep,
                self.current.span.clone(),
                format!(
                    "expressions nest at most {MAX_NESTING_DEPTH} levels of parentheses and `not`"
                ),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn or_expr(&mut self) -> Result<Node, QueryError> {
        let mut children = vec![self.and_expr()?];
        while self.current.kind == TokenKind::Or {
            self.advance()?;
            children.push(self.and_expr()?);
        }
        Ok(combine(children, NodeKind::Or))
    }

    fn and_expr(&mut self) -> Result<Node, QueryError> {
        let mut children = vec![self.unary()?];
        while self.current.kind == TokenKind::And {
            self.advance()?;
            children.push(self.unary()?);
        }
        Ok(combine(children, NodeKind::And))
    }

    fn unary(&mut self) -> Result<Node, QueryError> {
        match self.current.kind {
            TokenKind::Not => {
                self.enter()?;
                let not = self.advance()?;
                let inner = self.unary()?;
                self.leave();
                let span = not.span.start..inner.span.end;
                Ok(Node {
                    kind: NodeKind::Not(Box::new(inner)),
                    span,
                })
            }
            TokenKind::OpenParen => self.parenthesised(),
            TokenKind::Subject(_) => self.comparison(),
            _ => Err(self.unexpected(
                vec![Expected::Subject, Expected::OpenParen, Expected::Not],
                "",
            )),
        }
    }

    fn parenthesised(&mut self) -> Result<Node, QueryError> {
        self.enter()?;
        let open = self.advance()?;
        if self.current.kind == TokenKind::CloseParen {
            return Err(QueryError::expecting(
                QueryErrorKind::Empty,
                open.span.start..self.current.span.end,
                vec![Expected::Subject],
                "empty parentheses: put an expression between `(` and `)`",
            ));
        }
        let mut inner = self.or_expr()?;
        if self.current.kind != TokenKind::CloseParen {
            let hint = format!(" to close the `(` at byte {}", open.span.start);
            return Err(self.unexpected(
                vec![Expected::And, Expected::Or, Expected::CloseParen],
                &hint,
            ));
        }
        let close = self.advance()?;
        self.leave();
        inner.span = open.span.start..close.span.end;
        Ok(inner)
    }

    fn comparison(&mut self) -> Result<Node, QueryError> {
        let subject_token = self.advance()?;
        let TokenKind::Subject(subject) = subject_token.kind else {
            return Err(self.unexpected(vec![Expected::Subject], ""));
        };
        let TokenKind::Operator(operator) = self.current.kind else {
            let hint = format!(" after `{}`", subject.to_text());
            return Err(self.unexpected(vec![Expected::Operator], &hint));
        };
        let operator_span = self.advance()?.span;
        check_operator_allowed(&subject, operator, &operator_span)?;
        let argument = match operator.arity() {
            Arity::None => Argument::None,
            Arity::Value => Argument::Value(self.single_value(operator)?),
            Arity::List => self.list(operator)?,
        };
        for value in argument_values(&argument) {
            let weight = typed::check_value(&subject, operator, value)?;
            self.add_pattern_weight(weight, value)?;
        }
        let end = argument_end(&argument).unwrap_or(operator_span.end);
        Ok(Node {
            kind: NodeKind::Comparison(Comparison {
                subject,
                subject_span: subject_token.span.clone(),
                operator,
                operator_span,
                argument,
            }),
            span: subject_token.span.start..end,
        })
    }

    fn add_pattern_weight(&mut self, weight: u64, value: &Value) -> Result<(), QueryError> {
        self.pattern_weight = self.pattern_weight.saturating_add(weight);
        if self.pattern_weight > MAX_EXPRESSION_PATTERN_BYTES {
            return Err(QueryError::new(
                QueryErrorKind::RegexTooLarge,
                value.span.clone(),
                format!(
                    "the patterns of this expression compile to more than {} together, with this \
                     one (about {}); use narrower classes than `.` and `[^...]`, and `*` or `+` \
                     instead of large counts, or split the expression into several constraints",
                    kib(MAX_EXPRESSION_PATTERN_BYTES),
                    kib(weight),
                ),
            ));
        }
        Ok(())
    }

    fn single_value(&mut self, operator: Operator) -> Result<Value, QueryError> {
        match &self.current.kind {
            TokenKind::Value { .. } => self.value(),
            TokenKind::OpenBracket => Err(QueryError::new(
                QueryErrorKind::ListNotAllowed,
                self.current.span.clone(),
                format!(
                    "`{}` takes one value, not a list; to compare with several values use `in [a, b]`",
                    operator.symbol()
                ),
            )),
            _ => Err(QueryError::expecting(
                QueryErrorKind::MissingValue,
                self.current.span.clone(),
                vec![Expected::Value],
                format!(
                    "`{}` needs a value; quote values that hold spaces, parentheses, brackets or commas",
                    operator.symbol()
                ),
            )),
        }
    }

    fn value(&mut self) -> Result<Value, QueryError> {
        let token = self.advance()?;
        match token.kind {
            TokenKind::Value { text, text_start } => Ok(Value {
                text,
                span: token.span,
                text_start,
            }),
            _ => Err(QueryError::new(
                QueryErrorKind::MissingValue,
                token.span,
                "expected a value",
            )),
        }
    }

    fn list(&mut self, operator: Operator) -> Result<Argument, QueryError> {
        if self.current.kind != TokenKind::OpenBracket {
            return Err(QueryError::expecting(
                QueryErrorKind::ListRequired,
                self.current.span.clone(),
                vec![Expected::OpenBracket],
                format!("`{}` needs a list such as [a, b]", operator.word()),
            ));
        }
        let open = self.advance()?;
        if self.current.kind == TokenKind::CloseBracket {
            return Err(QueryError::new(
                QueryErrorKind::EmptyList,
                open.span.start..self.current.span.end,
                format!(
                    "`{}` needs at least one value: the empty list [] is not allowed",
                    operator.word()
                ),
            ));
        }
        let mut values = Vec::new();
        loop {
            if !matches!(self.current.kind, TokenKind::Value { .. }) {
                return Err(self.unexpected(vec![Expected::Value], " in the list"));
            }
            values.push(self.value()?);
            match self.current.kind {
                TokenKind::Comma => {
                    self.advance()?;
                }
                TokenKind::CloseBracket => break,
                _ => {
                    let hint = format!(" to continue or close the `[` at byte {}", open.span.start);
                    return Err(
                        self.unexpected(vec![Expected::Comma, Expected::CloseBracket], &hint)
                    );
                }
            }
        }
        let close = self.advance()?;
        Ok(Argument::List(values, open.span.start..close.span.end))
    }

    fn expect_end(&self) -> Result<(), QueryError> {
        match self.current.kind {
            TokenKind::End => Ok(()),
            TokenKind::CloseParen => Err(QueryError::expecting(
                QueryErrorKind::Unexpected,
                self.current.span.clone(),
                vec![Expected::And, Expected::Or, Expected::End],
                "this `)` has no matching `(`",
            )),
            _ => Err(self.unexpected(vec![Expected::And, Expected::Or, Expected::End], "")),
        }
    }

    /// An error at the current token: "expected X, found Y".
    fn unexpected(&self, expected: Vec<Expected>, hint: &str) -> QueryError {
        let wanted = describe_expected(&expected);
        let (kind, found) = match &self.current.kind {
            TokenKind::End => (QueryErrorKind::UnexpectedEnd, "the end".to_owned()),
            other => (
                QueryErrorKind::Unexpected,
                format!("`{}`", describe_token(other)),
            ),
        };
        let message = format!("expected {wanted}{hint}, found {found}");
        QueryError::expecting(kind, self.current.span.clone(), expected, message)
    }
}

/// One node for a chain of one or more children.
fn combine(mut children: Vec<Node>, kind: fn(Vec<Node>) -> NodeKind) -> Node {
    if children.len() == 1
        && let Some(only) = children.pop()
    {
        return only;
    }
    let start = children.first().map_or(0, |n| n.span.start);
    let end = children.last().map_or(0, |n| n.span.end);
    Node {
        kind: kind(children),
        span: start..end,
    }
}

/// Decision 13: the documented operator list of the subject.
pub(crate) fn check_operator_allowed(
    subject: &Subject,
    operator: Operator,
    span: &Range<usize>,
) -> Result<(), QueryError> {
    let allowed = subject.allowed_operators();
    if allowed.contains(&operator) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|op| op.symbol()).collect();
    Err(QueryError::expecting(
        QueryErrorKind::OperatorNotAllowed,
        span.clone(),
        vec![Expected::Operator],
        format!(
            "`{}` allows {}; not `{}`",
            subject.to_text(),
            names.join(", "),
            operator.word()
        ),
    ))
}

fn argument_values(argument: &Argument) -> &[Value] {
    match argument {
        Argument::None => &[],
        Argument::Value(value) => std::slice::from_ref(value),
        Argument::List(values, _) => values,
    }
}

fn argument_end(argument: &Argument) -> Option<usize> {
    match argument {
        Argument::None => None,
        Argument::Value(value) => Some(value.span.end),
        Argument::List(_, span) => Some(span.end),
    }
}

/// How a token reads in an error message.
fn describe_token(kind: &TokenKind) -> String {
    match kind {
        TokenKind::OpenParen => "(".into(),
        TokenKind::CloseParen => ")".into(),
        TokenKind::OpenBracket => "[".into(),
        TokenKind::CloseBracket => "]".into(),
        TokenKind::Comma => ",".into(),
        TokenKind::Not => "not".into(),
        TokenKind::And => "and".into(),
        TokenKind::Or => "or".into(),
        TokenKind::Subject(subject) => subject.to_text(),
        TokenKind::Operator(operator) => operator.symbol().into(),
        TokenKind::Value { text, .. } => text.clone(),
        TokenKind::End => "the end".into(),
    }
}
