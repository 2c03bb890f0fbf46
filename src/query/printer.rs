//! The printer: a tree back to canonical text, such that parsing the text gives the same tree
//! (spans aside).
//!
//! Canonical text uses the symbolic operators (`==`, `!in`, `=~`; `exists` and `in` have only a
//! word), lower-case `and`, `or` and `not`, one space around operators, `[a, b]` lists, and
//! only the parentheses precedence needs (plus those around a nested chain of the same kind,
//! which the parser keeps as a separate node). Values are bare when the lexer would read them
//! back unchanged, else quoted with `'` (or `"` when the value holds a `'`).

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{Argument, Comparison, Node, NodeKind, Value};
use super::lexer::ends_bare_value;

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NodeKind::Or(children) => write_chain(f, children, " or ", |child| {
                matches!(child.kind, NodeKind::Or(_))
            }),
            NodeKind::And(children) => write_chain(f, children, " and ", |child| {
                matches!(child.kind, NodeKind::Or(_) | NodeKind::And(_))
            }),
            NodeKind::Not(inner) => match inner.kind {
                NodeKind::Or(_) | NodeKind::And(_) => write!(f, "not ({inner})"),
                _ => write!(f, "not {inner}"),
            },
            NodeKind::Comparison(comparison) => comparison.fmt(f),
        }
    }
}

fn write_chain(
    f: &mut Formatter<'_>,
    children: &[Node],
    separator: &str,
    needs_parentheses: impl Fn(&Node) -> bool,
) -> fmt::Result {
    for (i, child) in children.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if needs_parentheses(child) {
            write!(f, "({child})")?;
        } else {
            write!(f, "{child}")?;
        }
    }
    Ok(())
}

impl Display for Comparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.subject.to_text(), self.operator.symbol())?;
        match &self.argument {
            Argument::None => Ok(()),
            Argument::Value(value) => write!(f, " {value}"),
            Argument::List(values, _) => {
                f.write_str(" [")?;
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_char(']')
            }
        }
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let text = &self.text;
        if !text.is_empty() && !text.chars().any(ends_bare_value) {
            return f.write_str(text);
        }
        // Without escapes a value holding both quote characters has no spelling; parsed
        // values never do.
        let quote = if text.contains('\'') { '"' } else { '\'' };
        write!(f, "{quote}{text}{quote}")
    }
}
