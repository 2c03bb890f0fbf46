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
//! Patterns that are literal text around `.*` (`m5.*`) are validated the same way but then
//! matched without building a regex: see [`Matcher`].

use regex::{Regex, RegexBuilder};

use super::ast::Value;
use super::error::{QueryError, QueryErrorKind};
use super::matcher::Matcher;

/// Compiled program size limit, in bytes: ample for real patterns, small enough that a
/// pattern such as `(a{100}){100}` fails fast instead of compiling for long.
const REGEX_SIZE_LIMIT: usize = 1 << 18;

/// Lazy DFA cache limit, in bytes.
const REGEX_DFA_SIZE_LIMIT: usize = 1 << 20;

/// The most pattern items counted repetitions may expand to in one pattern (`(ab){3}` is 6).
/// Checked before compiling, so `(a{1000}){1000}` fails at once instead of compiling up to the
/// size limit.
pub const MAX_EXPANDED_ITEMS: u64 = 10_000;

/// The same bound for all the patterns of one expression together: room for every pattern a
/// real expression holds (a 2000-character one fits about 100), not for many heavy ones.
pub const MAX_EXPRESSION_EXPANDED_ITEMS: u64 = 50_000;

/// Checks the pattern of `value` without compiling it: Java-only constructs, the expansion
/// budget and the syntax. Gives the pattern's expanded size, for the expression's budget.
pub fn check_regex(value: &Value) -> Result<u64, QueryError> {
    let (pattern, weight) = translate_java(&value.text).map_err(|e| e.shifted(value.text_start))?;
    // A plain pattern always parses (see `Matcher::plain`); parsing it with `regex_syntax`
    // was a tenth of a one-shot `run_task` whose constraint is `m5.*`.
    if !Matcher::is_plain(&pattern) {
        regex_syntax::Parser::new()
            .parse(&anchored(&pattern))
            .map_err(|error| syntax_error(value, &error.to_string()))?;
    }
    Ok(weight)
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

/// Translates the pattern of `value` and checks its expanded size.
fn checked_translation(value: &Value) -> Result<String, QueryError> {
    let (pattern, weight) = translate_java(&value.text).map_err(|e| e.shifted(value.text_start))?;
    if weight > MAX_EXPANDED_ITEMS {
        return Err(QueryError::new(
            QueryErrorKind::RegexTooLarge,
            value.span.clone(),
            format!(
                "the pattern `{}` expands to more than {MAX_EXPANDED_ITEMS} items; simplify it",
                value.text
            ),
        ));
    }
    Ok(pattern)
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
    format!("^(?:{pattern})$")
}

fn regex_error(value: &Value, error: &regex::Error) -> QueryError {
    let span = value.span.clone();
    match error {
        regex::Error::CompiledTooBig(limit) => QueryError::new(
            QueryErrorKind::RegexTooLarge,
            span,
            format!(
                "the pattern `{}` compiles to more than {limit} bytes; simplify it (large counted repetitions are the usual cause)",
                value.text
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

/// Rejects the first Java-only construct in `pattern` (spans relative to the pattern), and
/// rewrites Java's ASCII classes for the engine; gives the rewritten pattern and its expanded
/// size.
fn translate_java(pattern: &str) -> Result<(String, u64), QueryError> {
    let mut scanner = Scanner {
        pattern,
        position: 0,
        group_weights: vec![0],
        last_item_weight: 0,
        after_quantifier: false,
        rewrites: Vec::new(),
    };
    scanner.run()?;
    let mut translated = String::with_capacity(pattern.len());
    let mut copied = 0;
    for (span, replacement) in &scanner.rewrites {
        translated.push_str(pattern.get(copied..span.start).unwrap_or(""));
        translated.push_str(replacement);
        copied = span.end;
    }
    translated.push_str(pattern.get(copied..).unwrap_or(""));
    let weight = scanner.group_weights.first().copied().unwrap_or(0);
    Ok((translated, weight))
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

/// Expanded-size weights, relative to a literal character, from what each costs to compile
/// (see the hostile benches): a Unicode property class such as `\p{L}` compiles to a large
/// automaton, and `.`, a negated class or a class reaching beyond ASCII may span most of
/// Unicode.
const UNICODE_PROPERTY_WEIGHT: u64 = 5000;
const ANY_CHARACTER_WEIGHT: u64 = 200;

struct Scanner<'a> {
    pattern: &'a str,
    position: usize,
    /// Expanded item counts of the open groups, outermost first (the pattern itself at 0).
    group_weights: Vec<u64>,
    /// The expanded size of the last item, which a counted repetition multiplies.
    last_item_weight: u64,
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
                '\\' => {
                    let weight = self.escape(start)?;
                    self.add_item(weight);
                }
                '[' => {
                    let weight = self.class(start)?;
                    self.add_item(weight);
                }
                '.' => self.add_item(ANY_CHARACTER_WEIGHT),
                '(' => self.group(start)?,
                ')' => self.close_group(start)?,
                '*' | '+' | '?' if was_quantifier => self.after_a_quantifier(c, start)?,
                '*' | '+' | '?' => self.after_quantifier = true,
                '{' => match self.counted_repetition() {
                    Some(bound) => {
                        self.after_quantifier = true;
                        self.repeat_last_item(bound, start)?;
                    }
                    None => self.add_item(1),
                },
                _ => self.add_item(1),
            }
        }
        Ok(())
    }

    fn add_item(&mut self, weight: u64) {
        self.last_item_weight = weight;
        if let Some(total) = self.group_weights.last_mut() {
            *total = total.saturating_add(weight);
        }
    }

    /// `{n,m}` after an item: the item now counts `max(n, m)` times.
    fn repeat_last_item(&mut self, bound: u64, start: usize) -> Result<(), QueryError> {
        let extra = self
            .last_item_weight
            .saturating_mul(bound.saturating_sub(1));
        self.last_item_weight = self.last_item_weight.saturating_mul(bound);
        let total = self.group_weights.last_mut().map_or(0, |total| {
            *total = total.saturating_add(extra);
            *total
        });
        if total > MAX_EXPANDED_ITEMS {
            return Err(QueryError::new(
                QueryErrorKind::RegexTooLarge,
                start..self.position,
                format!(
                    "counted repetitions expand this pattern to more than {MAX_EXPANDED_ITEMS} items; simplify it"
                ),
            ));
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

    /// `{n}`, `{n,}` or `{n,m}`, giving the larger bound; anything else is a literal `{`.
    fn counted_repetition(&mut self) -> Option<u64> {
        let rest = self.rest();
        let end = rest.find('}')?;
        let body = rest.get(..end)?;
        let (low, high) = body.split_once(',').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if low.is_empty() || !digits(low) || !digits(high) {
            return None;
        }
        self.position += end + 1;
        // Digit strings too long for u64 are huge bounds.
        let bound = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
        let high = if high.is_empty() { 0 } else { bound(high) };
        Some(bound(low).max(high))
    }

    /// An escape after `\`; gives its expanded-size weight.
    fn escape(&mut self, start: usize) -> Result<u64, QueryError> {
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
                Ok(UNICODE_PROPERTY_WEIGHT)
            }
            // Escapes that may stand for characters beyond ASCII, or for most of Unicode.
            'x' | 'u' | 'c' | 'N' | 'W' | 'D' | 'S' | '0' => {
                if let Some(replacement) = ascii_class(next) {
                    self.rewrites.push((start..self.position, replacement));
                }
                Ok(ANY_CHARACTER_WEIGHT)
            }
            other => {
                if let Some(replacement) = ascii_class(other) {
                    self.rewrites.push((start..self.position, replacement));
                }
                Ok(if other.is_ascii() {
                    1
                } else {
                    ANY_CHARACTER_WEIGHT
                })
            }
        }
    }

    /// Skips a character class, which may nest (`[a-z&&[^aeiou]]`); gives its weight (a
    /// negated class holds most of Unicode).
    fn class(&mut self, start: usize) -> Result<u64, QueryError> {
        let mut depth = 1usize;
        let mut weight = if self.rest().starts_with('^') {
            ANY_CHARACTER_WEIGHT
        } else {
            1
        };
        self.skip_class_opening();
        while let Some(c) = self.rest().chars().next() {
            let here = self.position;
            self.position += c.len_utf8();
            match c {
                '\\' => weight = weight.max(self.escape(here)?),
                '[' => {
                    depth += 1;
                    if self.rest().starts_with('^') {
                        weight = weight.max(ANY_CHARACTER_WEIGHT);
                    }
                    self.skip_class_opening();
                }
                c if !c.is_ascii() => weight = weight.max(ANY_CHARACTER_WEIGHT),
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(weight);
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
        self.group_weights.push(0);
        Ok(())
    }

    fn close_group(&mut self, start: usize) -> Result<(), QueryError> {
        if self.group_weights.len() < 2 {
            return Err(invalid(start..start + 1, "this `)` has no matching `(`"));
        }
        let weight = self.group_weights.pop().unwrap_or(0);
        self.add_item(weight);
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
        assert_eq!(error.span, 9..15, "points at the repetition that overflows");
        let error = build_regex(&Value::new("a{99999999999999999999999}")).unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::RegexTooLarge);
        assert!(build_regex(&Value::new("[0-9]{1,3}(\\.[0-9]{1,3}){3}")).is_ok());
        assert!(build_regex(&Value::new("\\w{50}\\w{50}\\w{50}\\w{50}\\w{50}")).is_ok());
        for heavy in ["\\p{L}{100}", ".{9999}", "[^a]{5000}", "(\\pL|.){80}{80}"] {
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

    #[test]
    fn the_fast_path_keeps_every_error() {
        let long_literal = "a".repeat(9000);
        let many_wildcards = ".*".repeat(51);
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
