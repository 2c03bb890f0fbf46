//! `=~` / `!~` patterns: ECS takes Java regular expressions and matches the whole string; this
//! module compiles them with the linear-time `regex` crate, anchored as `^(?:...)$`, with a
//! bounded compiled size (decision 8).
//!
//! Java constructs that engine cannot honour with Java's meaning are rejected with an error
//! pointing at the construct, never reinterpreted: look-around, atomic groups, back-references,
//! possessive quantifiers (`*+ ++ ?+ {n}+`) and `\Q...\E` quoting. An unbalanced `)` is rejected
//! too, because it would otherwise escape the `(?:...)` wrapper and unanchor the pattern.
//!
//! Java's `\d \w \s` (and `\D \W \S`) are ASCII classes; the engine's are Unicode, so they are
//! rewritten to the ASCII sets Java means. Besides keeping Java's meaning this keeps them small:
//! a Unicode `\w` compiles to thousands of bytes.
//!
//! What a pattern costs to compile is estimated before anything is built ([`pattern_cost`]:
//! bytes of the engine's automaton, from the pattern's syntax tree) and bounded, per pattern
//! and per expression, so no admitted expression takes more than about 2 ms to compile; a
//! refusal points at the part that costs most and says how to write it for less. The engine's
//! own size limit stays as a safety net.
//!
//! Patterns that are literal text around `.*` (`m5.*`) are validated the same way but then
//! matched without building a regex: see [`Matcher`].

use std::ops::Range;

use regex::{Regex, RegexBuilder};
use regex_syntax::ast::Ast;

use super::ast::Value;
use super::error::{QueryError, QueryErrorKind};
use super::matcher::Matcher;
use super::pattern_cost::{self, Over, Part, plain_cost};

/// The most one pattern may cost to compile, in bytes of the engine's automaton as
/// [`pattern_cost`] estimates them (from above): `.{0,420}` fits, and compiles in under a
/// millisecond (0.94 ms here); `(a{1000}){1000}` or `\p{L}{100}` do not.
pub const MAX_PATTERN_BYTES: u64 = 512 * 1024;

/// The same bound for all the patterns of one expression together, so many patterns cannot
/// add up to a slow compile either.
pub const MAX_EXPRESSION_PATTERN_BYTES: u64 = 1024 * 1024;

/// The engine's own limit on a compiled pattern, in bytes: a safety net twice the budget (the
/// estimate is tested to bound the engine's count from above, so an admitted pattern never
/// meets it).
const REGEX_SIZE_LIMIT: usize = 2 * MAX_PATTERN_BYTES as usize;

/// Lazy DFA cache limit, in bytes.
const REGEX_DFA_SIZE_LIMIT: usize = 1 << 20;

/// Checks the pattern of `value` without building it: Java-only constructs, its estimated cost
/// and its syntax. Gives the estimated cost, for the expression's budget.
pub fn check_regex(value: &Value) -> Result<u64, QueryError> {
    let translated = translate_java(&value.text).map_err(|e| e.shifted(value.text_start))?;
    // A plain pattern always parses (see `Matcher::plain`) and its cost is read from its
    // text; parsing it with `regex_syntax` was a tenth of a one-shot `run_task` whose
    // constraint is `m5.*`.
    if Matcher::is_plain(&translated.pattern) {
        let cost = plain_cost(&translated.pattern);
        if cost <= MAX_PATTERN_BYTES {
            return Ok(cost);
        }
    }
    let anchored = anchored(&translated.pattern);
    let ast = parse_ast(value, &anchored)?;
    let cost = checked_cost(value, &translated, &anchored, &ast)?;
    regex_syntax::hir::translate::Translator::new()
        .translate(&anchored, &ast)
        .map_err(|error| syntax_error(value, &error.to_string()))?;
    Ok(cost)
}

/// Compiles the pattern of `value` for a whole-string match: a string test when the pattern
/// is one of [`Matcher`]'s simple shapes, else a regex. Only the regex build itself is
/// skipped for those, after the same checks, so the errors do not depend on the shape.
pub fn build_matcher(value: &Value) -> Result<Matcher, QueryError> {
    let pattern = checked_translation(value)?;
    if let Some(matcher) = Matcher::plain(&pattern) {
        return Ok(matcher);
    }
    let anchored = anchored(&pattern);
    match Matcher::simple(&anchored) {
        Some(matcher) => Ok(matcher),
        None => build_anchored(value, &anchored).map(Matcher::Regex),
    }
}

/// The regex of `value`'s pattern, never a string test: what [`build_matcher`] must agree
/// with.
#[cfg(test)]
pub(crate) fn build_regex(value: &Value) -> Result<Regex, QueryError> {
    build_anchored(value, &anchored(&checked_translation(value)?))
}

/// Translates the pattern of `value` and checks its estimated cost; the syntax is left to the
/// build, which reports it the same way.
fn checked_translation(value: &Value) -> Result<String, QueryError> {
    let translated = translate_java(&value.text).map_err(|e| e.shifted(value.text_start))?;
    if Matcher::is_plain(&translated.pattern)
        && plain_cost(&translated.pattern) <= MAX_PATTERN_BYTES
    {
        return Ok(translated.pattern);
    }
    let anchored = anchored(&translated.pattern);
    let ast = parse_ast(value, &anchored)?;
    checked_cost(value, &translated, &anchored, &ast)?;
    Ok(translated.pattern)
}

fn parse_ast(value: &Value, anchored: &str) -> Result<Ast, QueryError> {
    regex_syntax::ast::parse::Parser::new()
        .parse(anchored)
        .map_err(|error| syntax_error(value, &error.to_string()))
}

/// The estimated cost of a parsed pattern, or the error saying what costs too much.
fn checked_cost(
    value: &Value,
    translated: &Translated,
    anchored: &str,
    ast: &Ast,
) -> Result<u64, QueryError> {
    pattern_cost::estimate(anchored, ast, MAX_PATTERN_BYTES)
        .map_err(|over| too_large(value, translated, &over))
}

fn build_anchored(value: &Value, anchored: &str) -> Result<Regex, QueryError> {
    RegexBuilder::new(anchored)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
        .build()
        .map_err(|error| regex_error(value, &error))
}

/// Whole-string match, as Java's `String.matches`.
fn anchored(pattern: &str) -> String {
    format!("{ANCHOR_OPEN}{pattern})$")
}

/// What [`anchored`] puts before the pattern.
const ANCHOR_OPEN: &str = "^(?:";

fn regex_error(value: &Value, error: &regex::Error) -> QueryError {
    let span = value.span.clone();
    match error {
        regex::Error::CompiledTooBig(limit) => QueryError::new(
            QueryErrorKind::RegexTooLarge,
            span,
            format!(
                "the pattern `{}` compiles to more than {}, the engine's limit; use narrower \
                 classes than `.` and `[^...]`, and `*` or `+` instead of large counts",
                value.text,
                kib(*limit as u64)
            ),
        ),
        other => syntax_error(value, &other.to_string()),
    }
}

/// The engine's syntax error, reduced to its reason (its own caret picture shows the anchored
/// pattern, whose offsets are not the user's).
fn syntax_error(value: &Value, text: &str) -> QueryError {
    let reason = text
        .lines()
        .find_map(|line| line.strip_prefix("error: "))
        .unwrap_or("it is not a valid regular expression");
    QueryError::new(
        QueryErrorKind::InvalidRegex,
        value.span.clone(),
        format!("the pattern `{}` is invalid: {reason}", value.text),
    )
}

/// A size for people: `900 bytes`, `7.2 KiB`, `75 KiB`, `1.2 MiB`, `1 MiB`.
pub(crate) fn kib(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * KIB;
    if bytes < KIB {
        format!("{bytes} bytes")
    } else if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes < 10 * KIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else if bytes < MIB {
        format!("{} KiB", bytes.div_ceil(KIB))
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

/// A class as narrow as most attribute values need, suggested instead of `.`.
const NARROW_CLASS: &str = "[a-zA-Z0-9._-]";

/// The error for a pattern over [`MAX_PATTERN_BYTES`]: what costs most, how much, and how to
/// write it for less. Points at that part of the pattern.
fn too_large(value: &Value, translated: &Translated, over: &Over) -> QueryError {
    let budget = kib(MAX_PATTERN_BYTES);
    let total = if over.complete {
        format!("about {}", kib(over.total))
    } else {
        format!("more than {}", kib(over.total))
    };
    // From the parsed text to the user's: past the anchor, through the Java rewrites.
    let user_span = |span: &Range<usize>| {
        let start = span.start.saturating_sub(ANCHOR_OPEN.len());
        let end = span.end.saturating_sub(ANCHOR_OPEN.len());
        let start = translated.original_offset(start, false);
        let end = translated.original_offset(end, true).min(value.text.len());
        start.min(end)..end
    };
    let user_text = |span: &Range<usize>| value.text.get(span.clone()).unwrap_or("").to_owned();
    let Some(Part {
        span,
        cost,
        repeated,
    }) = &over.largest
    else {
        return QueryError::new(
            QueryErrorKind::RegexTooLarge,
            value.span.clone(),
            format!(
                "the pattern `{}` compiles to {total}, more than the {budget} a pattern may; \
                 simplify it",
                value.text
            ),
        );
    };
    let part_span = user_span(span);
    let part = user_text(&part_span);
    let message = match repeated {
        Some(repeated) => {
            let item = user_text(&user_span(&repeated.span));
            let per_copy = cost.div_ceil(repeated.copies.max(1)).max(1);
            let copies = format!(
                "{} copies of `{item}` at {} each",
                repeated.copies,
                kib(per_copy)
            );
            let how = if repeated.nested {
                format!(
                    "Counted repetitions inside counted repetitions multiply: repeat `{item}` \
                     fewer times, or use `*` or `+` where the exact count does not matter"
                )
            } else if repeated.cost >= pattern_cost::DOT / 2 {
                format!(
                    "`{item}` matches so many characters that the engine spells them out byte \
                     by byte: write `{item}*` or `{item}+` if the length does not matter (one \
                     copy), or repeat a narrower class such as `{NARROW_CLASS}` ({} per copy)",
                    kib(narrow_class_cost())
                )
            } else {
                format!(
                    "Repeat `{item}` fewer times, or use `*` or `+` where the exact count does \
                     not matter"
                )
            };
            // What the rest of the pattern leaves for the repetition (when the estimate stopped
            // early, the rest is not known: then the count is an upper bound).
            let rest = if over.complete {
                over.total.saturating_sub(*cost)
            } else {
                pattern_cost::ANCHORED
            };
            let fit = MAX_PATTERN_BYTES.saturating_sub(rest) / per_copy;
            let fits = match (fit, over.complete) {
                (0, _) => String::new(),
                (fit, true) => format!(" ({fit} would fit)"),
                (fit, false) => format!(" (at most {fit} would fit)"),
            };
            if *cost > MAX_PATTERN_BYTES.saturating_sub(pattern_cost::ANCHORED) {
                format!(
                    "`{part}` compiles to about {}, more than the {budget} a pattern may: \
                     {copies}{fits}. {how}",
                    kib(*cost)
                )
            } else {
                format!(
                    "the pattern `{}` compiles to {total}, more than the {budget} a pattern \
                     may; its largest part is `{part}`, about {}: {copies}{fits}. {how}",
                    value.text,
                    kib(*cost)
                )
            }
        }
        None => format!(
            "the pattern `{}` compiles to {total}, more than the {budget} a pattern may; its \
             largest part is `{part}`, about {}. Use narrower classes, such as \
             `{NARROW_CLASS}` ({} per copy), or fewer of them",
            value.text,
            kib(*cost),
            kib(narrow_class_cost())
        ),
    };
    QueryError::new(
        QueryErrorKind::RegexTooLarge,
        value.text_start + part_span.start..value.text_start + part_span.end,
        message,
    )
}

/// The estimated cost of one copy of [`NARROW_CLASS`].
fn narrow_class_cost() -> u64 {
    let anchored = anchored(NARROW_CLASS);
    regex_syntax::ast::parse::Parser::new()
        .parse(&anchored)
        .ok()
        .and_then(|ast| pattern_cost::estimate(&anchored, &ast, u64::MAX).ok())
        .map_or(0, |cost| cost.saturating_sub(pattern_cost::ANCHORED))
}

/// A pattern as the engine reads it: the user's text with Java's classes rewritten.
struct Translated {
    pattern: String,
    /// Each rewrite: the bytes of the user's text it replaced, and the length of the text
    /// it put there, in order.
    rewrites: Vec<(Range<usize>, usize)>,
}

impl Translated {
    /// The offset in the user's text of `offset` in [`Translated::pattern`]: a place inside a
    /// rewritten escape is its start, or its end when `end` (so a span keeps the escape).
    fn original_offset(&self, offset: usize, end: bool) -> usize {
        let mut shift: isize = 0;
        for (span, replaced_len) in &self.rewrites {
            let start = span.start.saturating_add_signed(shift);
            if offset <= start {
                break;
            }
            if offset < start + replaced_len {
                return if end { span.end } else { span.start };
            }
            shift += *replaced_len as isize - span.len() as isize;
        }
        offset.saturating_add_signed(-shift)
    }
}

/// Rejects the first Java-only construct in `pattern` (spans relative to the pattern), and
/// rewrites Java's ASCII classes for the engine.
fn translate_java(pattern: &str) -> Result<Translated, QueryError> {
    let mut scanner = Scanner {
        pattern,
        position: 0,
        open_groups: 0,
        after_quantifier: false,
        rewrites: Vec::new(),
    };
    scanner.run()?;
    let mut translated = String::with_capacity(pattern.len());
    let mut copied = 0;
    let mut rewrites = Vec::with_capacity(scanner.rewrites.len());
    for (span, replacement) in &scanner.rewrites {
        translated.push_str(pattern.get(copied..span.start).unwrap_or(""));
        translated.push_str(replacement);
        copied = span.end;
        rewrites.push((span.clone(), replacement.len()));
    }
    translated.push_str(pattern.get(copied..).unwrap_or(""));
    Ok(Translated {
        pattern: translated,
        rewrites,
    })
}

/// Java's meaning of a class escape, as a set this engine reads the same way.
fn ascii_class(escape: char) -> Option<&'static str> {
    Some(match escape {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        'w' => "[0-9A-Za-z_]",
        'W' => "[^0-9A-Za-z_]",
        's' => "[\\t\\n\\x0B\\f\\r ]",
        'S' => "[^\\t\\n\\x0B\\f\\r ]",
        _ => return None,
    })
}

struct Scanner<'a> {
    pattern: &'a str,
    position: usize,
    /// How many groups are open.
    open_groups: usize,
    /// Escapes to rewrite: their span in the pattern and the replacement, in order.
    rewrites: Vec<(std::ops::Range<usize>, &'static str)>,
    /// Whether the previous item was a quantifier, so a `+` now makes it possessive.
    after_quantifier: bool,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a str {
        self.pattern.get(self.position..).unwrap_or("")
    }

    fn run(&mut self) -> Result<(), QueryError> {
        while let Some(c) = self.rest().chars().next() {
            let start = self.position;
            self.position += c.len_utf8();
            let was_quantifier = std::mem::take(&mut self.after_quantifier);
            match c {
                '\\' => self.escape(start)?,
                '[' => self.class(start)?,
                '(' => self.group(start)?,
                ')' => self.close_group(start)?,
                '*' | '+' | '?' if was_quantifier => self.after_a_quantifier(c, start)?,
                '*' | '+' | '?' => self.after_quantifier = true,
                '{' => self.after_quantifier = self.counted_repetition(),
                _ => {}
            }
        }
        Ok(())
    }

    /// A character right after a quantifier: `?` makes it lazy, `+` possessive.
    fn after_a_quantifier(&mut self, c: char, start: usize) -> Result<(), QueryError> {
        if c == '+' {
            return Err(unsupported(
                start.saturating_sub(1)..start + 1,
                "possessive quantifiers (`*+`, `++`, `?+`, `{n}+`) have no equivalent here; \
                 drop the trailing `+`, which in this engine never changes what matches",
            ));
        }
        // A lazy `?` ends the quantifier; a second `*` or `?` is the engine's to reject.
        Ok(())
    }

    /// Skips `{n}`, `{n,}` or `{n,m}`, telling whether it was one; anything else is a literal
    /// `{`. (What the repetition costs is [`pattern_cost`]'s to tell.)
    fn counted_repetition(&mut self) -> bool {
        let rest = self.rest();
        let Some(end) = rest.find('}') else {
            return false;
        };
        let body = rest.get(..end).unwrap_or("");
        let (low, high) = body.split_once(',').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if low.is_empty() || !digits(low) || !digits(high) {
            return false;
        }
        self.position += end + 1;
        true
    }

    /// An escape after `\`.
    fn escape(&mut self, start: usize) -> Result<(), QueryError> {
        let Some(next) = self.rest().chars().next() else {
            return Err(invalid(
                start..start + 1,
                "the pattern ends with a lone `\\`; write `\\\\` for a backslash",
            ));
        };
        self.position += next.len_utf8();
        match next {
            '1'..='9' => Err(unsupported(
                start..self.position,
                "back-references such as `\\1` are not supported by this linear-time engine",
            )),
            'k' if self.rest().starts_with('<') => Err(unsupported(
                start..self.position + 1,
                "named back-references (`\\k<name>`) are not supported by this linear-time engine",
            )),
            'Q' | 'E' => Err(unsupported(
                start..self.position,
                "`\\Q...\\E` quoting is not supported; escape each special character with `\\`",
            )),
            'p' | 'P' => {
                // `\pL` or `\p{Name}`: skip the name so its braces are not read as a count.
                let name_len = match self.rest().strip_prefix('{') {
                    Some(braced) => braced.find('}').map_or(braced.len() + 1, |end| end + 2),
                    None => self.rest().chars().next().map_or(0, char::len_utf8),
                };
                self.position += name_len;
                Ok(())
            }
            other => {
                if let Some(replacement) = ascii_class(other) {
                    self.rewrites.push((start..self.position, replacement));
                }
                Ok(())
            }
        }
    }

    /// Skips a character class, which may nest (`[a-z&&[^aeiou]]`).
    fn class(&mut self, start: usize) -> Result<(), QueryError> {
        let mut depth = 1usize;
        self.skip_class_opening();
        while let Some(c) = self.rest().chars().next() {
            let here = self.position;
            self.position += c.len_utf8();
            match c {
                '\\' => self.escape(here)?,
                '[' => {
                    depth += 1;
                    self.skip_class_opening();
                }
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(invalid(
            start..self.pattern.len(),
            "this character class has no closing `]`",
        ))
    }

    /// After `[`: a `^` and then a `]` are literal members, not the end of the class.
    fn skip_class_opening(&mut self) {
        if self.rest().starts_with('^') {
            self.position += 1;
        }
        if self.rest().starts_with(']') {
            self.position += 1;
        }
    }

    fn group(&mut self, start: usize) -> Result<(), QueryError> {
        const LOOK_AROUND: [&str; 4] = ["?=", "?!", "?<=", "?<!"];
        let rest = self.rest();
        if let Some(prefix) = LOOK_AROUND.iter().find(|p| rest.starts_with(**p)) {
            return Err(unsupported(
                start..start + 1 + prefix.len(),
                "look-around (`(?=`, `(?!`, `(?<=`, `(?<!`) is not supported by this linear-time engine",
            ));
        }
        if rest.starts_with("?>") {
            return Err(unsupported(
                start..start + 3,
                "atomic groups (`(?>...)`) are not supported by this linear-time engine",
            ));
        }
        self.open_groups += 1;
        Ok(())
    }

    fn close_group(&mut self, start: usize) -> Result<(), QueryError> {
        if self.open_groups == 0 {
            return Err(invalid(start..start + 1, "this `)` has no matching `(`"));
        }
        self.open_groups -= 1;
        Ok(())
    }
}

fn unsupported(span: std::ops::Range<usize>, message: &str) -> QueryError {
    QueryError::new(QueryErrorKind::UnsupportedRegex, span, message)
}

fn invalid(span: std::ops::Range<usize>, message: &str) -> QueryError {
    QueryError::new(QueryErrorKind::InvalidRegex, span, message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn value_at(text: &str, text_start: usize) -> Value {
        Value {
            text: text.into(),
            span: text_start..text_start + text.len(),
            text_start,
        }
    }

    #[test]
    fn matches_the_whole_string() {
        let regex = build_regex(&Value::new("t2.*")).unwrap();
        assert!(regex.is_match("t2.micro"));
        assert!(!regex.is_match("xt2.micro"));
        let regex = build_regex(&Value::new("a|b")).unwrap();
        assert!(regex.is_match("a"));
        assert!(
            !regex.is_match("ab"),
            "alternation stays inside the anchors"
        );
    }

    #[test]
    fn rejects_java_only_constructs_pointing_at_them() {
        let cases = [
            ("a(?=b)", 1..4),
            ("(?<!x)y", 0..4),
            ("(?>ab)", 0..3),
            ("(a)\\1", 3..5),
            ("\\k<n>", 0..3),
            ("a*+", 1..3),
            ("a++", 1..3),
            ("a?+", 1..3),
            ("a{2}+", 3..5),
            ("\\Qa.b\\E", 0..2),
        ];
        for (pattern, span) in cases {
            let error = build_regex(&value_at(pattern, 10)).unwrap_err();
            assert_eq!(error.kind, QueryErrorKind::UnsupportedRegex, "{pattern}");
            assert_eq!(error.span, span.start + 10..span.end + 10, "{pattern}");
        }
    }

    #[test]
    fn similar_looking_valid_patterns_pass() {
        for pattern in [
            "[*+]+",
            "\\++",
            "a*?",
            "a{2}?",
            "[(?=]x",
            "(?<name>a)",
            "a}+",
            "[]a]",
        ] {
            assert!(build_regex(&Value::new(pattern)).is_ok(), "{pattern}");
        }
    }

    #[test]
    fn java_classes_keep_their_ascii_meaning() {
        let regex = |p: &str| build_regex(&Value::new(p)).unwrap();
        assert!(regex("\\d+").is_match("123"));
        assert!(
            !regex("\\d+").is_match("١٢٣"),
            "Arabic-Indic digits are not Java digits"
        );
        assert!(!regex("\\w+").is_match("é"));
        assert!(regex("\\W").is_match("é"));
        assert!(regex("[\\w-]+").is_match("us-east-1a"));
        assert!(regex("[^\\s]+\\s[\\S]+").is_match("a\tb"));
        assert!(
            regex("\\D\\\\d").is_match("x\\d"),
            "an escaped backslash stays literal"
        );
        assert!(
            regex("\\p{L}+").is_match("é"),
            "Unicode properties stay Unicode"
        );
        assert!(regex("\\pL{2}").is_match("ab"));
    }

    #[test]
    fn cannot_escape_the_anchors() {
        let error = build_regex(&Value::new("a)|(b")).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::InvalidRegex);
        assert_eq!(error.span, 1..2);
    }

    #[test]
    fn oversized_patterns_fail_quickly() {
        let error = build_regex(&Value::new("(a{1000}){1000}")).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::RegexTooLarge);
        assert_eq!(
            error.span,
            0..15,
            "points at the repetition that costs most"
        );
        assert!(
            error.message.starts_with(
                "`(a{1000}){1000}` compiles to about 30.6 MiB, more than the 512 KiB a \
                 pattern may: 1000 copies of `(a{1000})` at 32 KiB each (16 would fit). \
                 Counted repetitions inside counted repetitions multiply"
            ),
            "{}",
            error.message
        );
        // A count beyond 32 bits is no number the engine (or Java) reads.
        let error = build_regex(&Value::new("a{99999999999999999999999}")).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::InvalidRegex);
        for heavy in [
            "\\p{L}{100}",
            ".{9999}",
            "[^a]{5000}",
            "(\\pL|.){80}{80}",
            ".{0,1000}",
        ] {
            let error = build_regex(&Value::new(heavy)).unwrap_err();
            assert_eq!(error.kind, QueryErrorKind::RegexTooLarge, "{heavy}");
        }
        let error = build_regex(&Value::new("(unclosed")).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::InvalidRegex);
        assert!(
            error.message.contains("unclosed group"),
            "{}",
            error.message
        );
    }

    /// What people write with `.` and counts is within the budget (it was refused as
    /// expanding to more than 10,000 items, `.` counting 200).
    #[test]
    fn common_counted_patterns_are_accepted() {
        for pattern in [
            ".{0,60}",
            ".{100}",
            "[^/]{0,100}",
            ".{1,128}",
            ".{0,255}",
            "[0-9]{1,3}(\\.[0-9]{1,3}){3}",
            "\\w{50}\\w{50}\\w{50}\\w{50}\\w{50}",
            "[a-zA-Z0-9._-]{1,128}",
            "a{10000}",
            "\\p{L}{2}",
        ] {
            let value = Value::new(pattern);
            assert!(check_regex(&value).is_ok(), "{pattern}");
            assert!(build_regex(&value).is_ok(), "{pattern}");
        }
    }

    #[test]
    fn a_refusal_names_the_costly_part_and_how_to_rewrite_it() {
        let error = build_regex(&value_at(".{0,1000}", 10)).unwrap_err();
        assert_eq!(error.span, 10..19);
        assert_eq!(
            error.message,
            "`.{0,1000}` compiles to about 1.2 MiB, more than the 512 KiB a pattern may: 1000 \
             copies of `.` at 1.2 KiB each (428 would fit). `.` matches so many characters that \
             the engine spells them out byte by byte: write `.*` or `.+` if the length does not \
             matter (one copy), or repeat a narrower class such as `[a-zA-Z0-9._-]` (104 bytes \
             per copy)"
        );
        // The span and the text are the user's, through Java's rewritten classes.
        let error = build_regex(&value_at("\\d\\W{1000}x", 3)).unwrap_err();
        assert_eq!(error.span, 5..13);
        assert!(
            error.message.starts_with("`\\W{1000}` compiles to about"),
            "{}",
            error.message
        );
        // Over only together: the largest part is named.
        let error = build_regex(&value_at(".{0,300}[^/]{0,300}", 0)).unwrap_err();
        assert_eq!(error.span, 0..8);
        assert!(
            error.message.starts_with(
                "the pattern `.{0,300}[^/]{0,300}` compiles to about 718 KiB, more than the \
                 512 KiB a pattern may; its largest part is `.{0,300}`, about 359 KiB: 300 \
                 copies of `.` at 1.2 KiB each (128 would fit)."
            ),
            "{}",
            error.message
        );
    }

    #[test]
    fn the_fast_path_keeps_every_error() {
        let long_literal = "a".repeat(20_000);
        let many_wildcards = ".*".repeat(500);
        for pattern in [
            // Simple shapes the checks or the size limit refuse.
            long_literal.as_str(),
            many_wildcards.as_str(),
            // Near the simple shapes, invalid or Java-only.
            "m5.*)",
            "m5.*+",
            "m5\\Q.*",
            "(?-u)m5.*",
            "m5.*[",
            "m5\\",
            "*m5",
        ] {
            let value = value_at(pattern, 7);
            let Err(error) = build_matcher(&value) else {
                panic!("{pattern} is accepted");
            };
            assert_eq!(Err(error), build_regex(&value).map(|_| ()), "{pattern}");
        }
        assert_eq!(
            build_regex(&Value::new(&*long_literal)).unwrap_err().kind,
            QueryErrorKind::RegexTooLarge
        );
    }
}
