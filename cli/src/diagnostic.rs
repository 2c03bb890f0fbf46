//! rustc-style diagnostics for query text: the message, the expression, and a caret under the
//! span, rendered with codespan-reporting (no colour: the output goes to logs and tests too).

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use ecs_placement::EcsError;
use ecs_placement::query::QueryError;

use crate::input::Failure;

/// A query error as a failure: first line `InvalidParameterException: ...`, then the picture.
pub fn query_failure(source_name: &str, text: &str, error: &QueryError) -> Failure {
    Failure {
        error: EcsError::invalid_parameter(error.message.clone()),
        detail: Some(render(source_name, text, error)),
    }
}

fn render(source_name: &str, text: &str, error: &QueryError) -> String {
    let file = SimpleFile::new(source_name, text);
    let span = clamp(error.span.clone(), text);
    let diagnostic = Diagnostic::error()
        .with_message(&error.message)
        .with_labels(vec![Label::primary((), span).with_message(label(error))]);
    let mut buffer = String::new();
    let config = Config::default();
    match term::emit_to_string(&mut buffer, &config, &file, &diagnostic) {
        Ok(()) => buffer.trim_end().to_owned(),
        Err(_) => format!("  at bytes {}..{}", error.span.start, error.span.end),
    }
}

/// The label under the caret: what was expected there, when known.
fn label(error: &QueryError) -> String {
    if error.expected.is_empty() {
        return "here".to_owned();
    }
    let expected: Vec<String> = error.expected.iter().map(ToString::to_string).collect();
    format!("expected {}", expected.join(", "))
}

/// A span within the text and on character boundaries, so rendering never fails.
fn clamp(span: std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    let fit = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = fit(span.start);
    start..fit(span.end).max(start)
}
