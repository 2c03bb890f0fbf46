//! The lexer: turns expression text into tokens, each with its byte span.
//!
//! The same characters mean different things at different places: `t2.*` after `=~` is one
//! value, `service:production` after `==` is a value and not a subject, `!` before a subject is
//! negation and after it starts `!=` or `!exists`. So the lexer runs a small state machine
//! (`Mode`) that follows the shape `subject operator [argument]`: after a subject it reads an
//! operator, after an operator it reads a value (bare or quoted) or a `[...]` list, after an
//! operand it reads `and`, `or` or `)`. Tokens are produced on demand, so the parser reports
//! the first mistake in reading order even when a later part would not lex.

use std::ops::Range;

use super::ast::{ATTRIBUTE_PREFIX, Arity, FIXED_SUBJECTS, Operator, Subject};
use super::error::{Expected, QueryError, QueryErrorKind};
use super::suggest::suggest_subject;

/// The longest attribute name ECS accepts.
const MAX_ATTRIBUTE_NAME_CHARS: usize = 128;

/// A token and the bytes it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What was read.
    pub kind: TokenKind,
    /// The bytes of the expression it covers (empty for [`TokenKind::End`]).
    pub span: Range<usize>,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// `(`.
    OpenParen,
    /// `)`.
    CloseParen,
    /// `[`.
    OpenBracket,
    /// `]`.
    CloseBracket,
    /// `,`.
    Comma,
    /// `not` or `!`.
    Not,
    /// `and` or `&&`.
    And,
    /// `or` or `||`.
    Or,
    /// A subject.
    Subject(Subject),
    /// A comparison operator.
    Operator(Operator),
    /// A value with its quotes stripped; `text_start` is where the text begins.
    Value {
        /// The value.
        text: String,
        /// The byte offset of the text (after an opening quote).
        text_start: usize,
    },
    /// The end of the input.
    End,
}

/// What the lexer expects next; decides how characters are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Start of an operand: `(`, `not`, `!` or a subject.
    Operand,
    /// After a subject: an operator.
    Operator,
    /// After a single-value operator: a value.
    Argument,
    /// After `in` / `not_in`: a `[`.
    ListArgument,
    /// Inside `[...]`: values, commas and `]`.
    ListItems,
    /// After a complete operand: `and`, `or`, `)` or the end.
    AfterOperand,
}

/// Reads tokens from an expression, one at a time.
#[derive(Debug)]
pub struct Lexer<'a> {
    text: &'a str,
    position: usize,
    mode: Mode,
    /// The bytes of the last bare value read, to tell when a delimiter cut one short.
    last_bare_value: Option<Range<usize>>,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            position: 0,
            mode: Mode::Operand,
            last_bare_value: None,
        }
    }

    /// Every token up to and including [`TokenKind::End`], or the first lexing error.
    #[cfg(test)]
    pub fn tokenize(text: &'a str) -> Result<Vec<Token>, QueryError> {
        let mut lexer = Self::new(text);
        let mut tokens = Vec::new();
        loop {
            let token = lexer.next_token()?;
            let done = token.kind == TokenKind::End;
            tokens.push(token);
            if done {
                return Ok(tokens);
            }
        }
    }

    /// The next token.
    pub fn next_token(&mut self) -> Result<Token, QueryError> {
        let had_space = self.skip_whitespace();
        let start = self.position;
        if start >= self.text.len() {
            return Ok(Token {
                kind: TokenKind::End,
                span: start..start,
            });
        }
        match self.mode {
            Mode::Operand => self.lex_operand(start),
            Mode::Operator => self.lex_operator(start, had_space),
            Mode::Argument => self.lex_argument(start),
            Mode::ListArgument => self.lex_list_argument(start),
            Mode::ListItems => self.lex_list_item(start),
            Mode::AfterOperand => self.lex_after_operand(start, had_space),
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.position..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips whitespace; tells whether there was any.
    fn skip_whitespace(&mut self) -> bool {
        let rest = self.rest();
        let trimmed = rest.trim_start();
        self.position += rest.len() - trimmed.len();
        rest.len() != trimmed.len()
    }

    /// Ends a token at the current position, switching to `mode`.
    fn finish(&mut self, kind: TokenKind, start: usize, mode: Mode) -> Result<Token, QueryError> {
        self.mode = mode;
        Ok(Token {
            kind,
            span: start..self.position,
        })
    }

    /// Consumes a one-byte punctuation token.
    fn punct(&mut self, kind: TokenKind, start: usize, mode: Mode) -> Result<Token, QueryError> {
        self.position += 1;
        self.finish(kind, start, mode)
    }

    /// The run of characters from `start` satisfying `keep`.
    fn run_from(&self, start: usize, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.text.get(start..).unwrap_or("");
        let end = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        rest.get(..end).unwrap_or("")
    }

    /// The bytes of the whitespace-delimited chunk at `start`, for error messages.
    fn chunk_span(&self, start: usize) -> Range<usize> {
        let chunk = self.run_from(start, |c| !c.is_whitespace());
        start..start + chunk.len()
    }

    fn chunk_text(&self, start: usize) -> &'a str {
        let span = self.chunk_span(start);
        self.text.get(span).unwrap_or("")
    }

    fn lex_operand(&mut self, start: usize) -> Result<Token, QueryError> {
        match self.peek() {
            Some('(') => self.punct(TokenKind::OpenParen, start, Mode::Operand),
            Some(')') => self.punct(TokenKind::CloseParen, start, Mode::AfterOperand),
            Some('!') => self.punct(TokenKind::Not, start, Mode::Operand),
            _ => {
                let word = self.run_from(start, is_word_char);
                if word.eq_ignore_ascii_case("not") {
                    return self.lex_not_word(start, word.len());
                }
                self.lex_subject(start)
            }
        }
    }

    /// `not`, which may be followed directly by `(` but not glued to a subject.
    fn lex_not_word(&mut self, start: usize, len: usize) -> Result<Token, QueryError> {
        let after = self.text.get(start + len..).and_then(|s| s.chars().next());
        match after {
            None | Some('(') => {}
            Some(c) if c.is_whitespace() => {}
            Some(_) => return self.lex_subject(start),
        }
        self.position = start + len;
        self.finish(TokenKind::Not, start, Mode::Operand)
    }

    fn lex_subject(&mut self, start: usize) -> Result<Token, QueryError> {
        let text = self.run_from(start, is_subject_char);
        if text.is_empty() {
            return Err(QueryError::expecting(
                QueryErrorKind::Unexpected,
                self.chunk_span(start),
                vec![Expected::Subject, Expected::OpenParen, Expected::Not],
                format!(
                    "expected a subject such as `attribute:NAME`, `(` or `not`, found `{}`",
                    self.chunk_text(start)
                ),
            ));
        }
        let span = start..start + text.len();
        let subject = resolve_subject(text, span.clone())?;
        self.position = span.end;
        self.finish(TokenKind::Subject(subject), start, Mode::Operator)
    }

    fn lex_operator(&mut self, start: usize, had_space: bool) -> Result<Token, QueryError> {
        let rest = self.rest();
        // The run of operator symbols here: `===` or `<>` is one mistaken operator, not `==`
        // or `<` followed by a value that starts with `=` or `>`.
        let symbols = rest
            .find(|c: char| !is_operator_symbol(c))
            .unwrap_or(rest.len());
        if let Some((operator, len)) = symbolic_operator(rest) {
            if symbols > len {
                return Err(unknown_operator(rest.get(..symbols).unwrap_or(rest), start));
            }
            self.position += len;
            return self.finish(TokenKind::Operator(operator), start, mode_after(operator));
        }
        if symbols > 0 {
            // `!exist`: the `!` of a word form.
            let end = if rest.starts_with('!') && symbols == 1 {
                1 + self.run_from(start + 1, is_word_char).len()
            } else {
                symbols
            };
            return Err(unknown_operator(rest.get(..end).unwrap_or(rest), start));
        }
        let word = self.run_from(start, is_word_char);
        match Operator::from_word(word) {
            Some(operator) => {
                let end = start + word.len();
                self.require_space_around(word, start..end, had_space, false)?;
                self.position = end;
                self.finish(TokenKind::Operator(operator), start, mode_after(operator))
            }
            None if !word.is_empty() => Err(unknown_operator(word, start)),
            None => Err(unknown_operator(self.chunk_text(start), start)),
        }
    }

    /// Decision 3: a word operator is separated from its neighbours by whitespace; only an
    /// enclosing `(` before it or `)` after it may touch it (and `(` after `not`).
    fn require_space_around(
        &self,
        word: &str,
        span: Range<usize>,
        space_before: bool,
        open_paren_after: bool,
    ) -> Result<(), QueryError> {
        let before = self
            .text
            .get(..span.start)
            .and_then(|s| s.chars().next_back());
        let before_ok = space_before || matches!(before, None | Some('('));
        if !before_ok {
            return Err(QueryError::new(
                QueryErrorKind::MissingWhitespace,
                span,
                format!("put a space before `{word}`: word operators need whitespace around them"),
            ));
        }
        let after = self.text.get(span.end..).and_then(|s| s.chars().next());
        let after_ok = match after {
            None | Some(')') => true,
            Some('(') => open_paren_after,
            Some(c) => c.is_whitespace(),
        };
        if !after_ok {
            return Err(QueryError::new(
                QueryErrorKind::MissingWhitespace,
                span,
                format!("put a space after `{word}`: word operators need whitespace around them"),
            ));
        }
        Ok(())
    }

    fn lex_argument(&mut self, start: usize) -> Result<Token, QueryError> {
        match self.peek() {
            Some('[') => self.punct(TokenKind::OpenBracket, start, Mode::ListItems),
            Some(']') => self.punct(TokenKind::CloseBracket, start, Mode::AfterOperand),
            Some(',') => self.punct(TokenKind::Comma, start, Mode::AfterOperand),
            Some('(') => self.punct(TokenKind::OpenParen, start, Mode::Operand),
            Some(')') => self.punct(TokenKind::CloseParen, start, Mode::AfterOperand),
            _ => self.lex_value(start, Mode::AfterOperand),
        }
    }

    fn lex_list_argument(&mut self, start: usize) -> Result<Token, QueryError> {
        match self.peek() {
            Some('[') => self.punct(TokenKind::OpenBracket, start, Mode::ListItems),
            _ => self.lex_argument(start),
        }
    }

    fn lex_list_item(&mut self, start: usize) -> Result<Token, QueryError> {
        match self.peek() {
            Some(',') => self.punct(TokenKind::Comma, start, Mode::ListItems),
            Some(']') => self.punct(TokenKind::CloseBracket, start, Mode::AfterOperand),
            Some('[') => self.punct(TokenKind::OpenBracket, start, Mode::ListItems),
            Some('(') => self.punct(TokenKind::OpenParen, start, Mode::Operand),
            Some(')') => self.punct(TokenKind::CloseParen, start, Mode::AfterOperand),
            _ => self.lex_value(start, Mode::ListItems),
        }
    }

    /// A quoted value (decision 5) or a bare one (decision 6).
    fn lex_value(&mut self, start: usize, mode: Mode) -> Result<Token, QueryError> {
        let (text, text_start) = match self.peek() {
            Some(quote @ ('\'' | '"')) => self.quoted(start, quote)?,
            _ => {
                let bare = self.run_from(start, |c| !ends_bare_value(c));
                self.position = start + bare.len();
                self.last_bare_value = Some(start..self.position);
                (bare.to_owned(), start)
            }
        };
        self.finish(TokenKind::Value { text, text_start }, start, mode)
    }

    fn quoted(&mut self, start: usize, quote: char) -> Result<(String, usize), QueryError> {
        let text_start = start + 1;
        let body = self.text.get(text_start..).unwrap_or("");
        match body.find(quote) {
            Some(len) => {
                self.position = text_start + len + 1;
                Ok((body.get(..len).unwrap_or("").to_owned(), text_start))
            }
            None => Err(QueryError::new(
                QueryErrorKind::UnterminatedQuote,
                start..self.text.len(),
                format!(
                    "this value has no closing {quote}: quoted values end with the same quote, and there are no escapes"
                ),
            )),
        }
    }

    fn lex_after_operand(&mut self, start: usize, had_space: bool) -> Result<Token, QueryError> {
        let rest = self.rest();
        if rest.starts_with(')') {
            return self.punct(TokenKind::CloseParen, start, Mode::AfterOperand);
        }
        if rest.starts_with("&&") || rest.starts_with("||") {
            let kind = if rest.starts_with("&&") {
                TokenKind::And
            } else {
                TokenKind::Or
            };
            self.position += 2;
            return self.finish(kind, start, Mode::Operand);
        }
        let word = self.run_from(start, is_word_char);
        let kind = if word.eq_ignore_ascii_case("and") {
            Some(TokenKind::And)
        } else if word.eq_ignore_ascii_case("or") {
            Some(TokenKind::Or)
        } else {
            None
        };
        match kind {
            Some(kind) => {
                let end = start + word.len();
                self.require_space_around(word, start..end, had_space, false)?;
                self.position = end;
                self.finish(kind, start, Mode::Operand)
            }
            None => Err(self.unexpected_after_operand(start)),
        }
    }

    fn unexpected_after_operand(&self, start: usize) -> QueryError {
        let found = self.chunk_text(start);
        let glued = self
            .text
            .get(..start)
            .and_then(|before| before.chars().next_back())
            .is_some_and(|c| !c.is_whitespace());
        // Glued to what came before: a bare value was cut short by a delimiter or a quote.
        let cut_value = self
            .last_bare_value
            .clone()
            .filter(|value| glued && value.end == start && found.starts_with([',', '(', '[', ']']))
            .and_then(|value| self.text.get(value.start..start + found.len()));
        let hint = match cut_value {
            // `=~ .{0,60}`: show the value quoted whole (with the quote it does not hold).
            Some(whole) if !whole.contains('\'') || !whole.contains('"') => {
                let quote = if whole.contains('\'') { '"' } else { '\'' };
                let delimiter = found.chars().next().unwrap_or(',');
                format!(
                    " (a bare value ends at `{delimiter}`; to compare with `{whole}`, quote it: \
                     {quote}{whole}{quote})"
                )
            }
            _ if glued => " (quote a value that holds parentheses, brackets, commas or quotes, \
                 as in 'a(b)')"
                .to_owned(),
            _ => " (quote a value that holds spaces, as in 'a b')".to_owned(),
        };
        QueryError::expecting(
            QueryErrorKind::Unexpected,
            self.chunk_span(start),
            vec![
                Expected::And,
                Expected::Or,
                Expected::CloseParen,
                Expected::End,
            ],
            format!(
                "expected `and`, `or`, `)` or the end of the expression, found `{found}`{hint}"
            ),
        )
    }
}

/// The characters symbolic operators are made of.
fn is_operator_symbol(c: char) -> bool {
    matches!(c, '=' | '!' | '<' | '>' | '~')
}

/// The operators, as an unknown one's message lists them.
const OPERATOR_LIST: &str = "==, !=, >, >=, <, <=, =~, !~, exists, !exists, in and !in (or \
    equals, not_equals, greater_than, greater_than_equal, less_than, less_than_equal, matches, \
    not_matches, not_exists and not_in)";

/// The error for `found` (at byte `start`) where an operator goes: it points at `found`, says
/// which operator was probably meant, and lists them all.
fn unknown_operator(found: &str, start: usize) -> QueryError {
    let meant = meant_operator(found);
    // `==` glued to a value starting with `=` (which `===b` used to mean): say how to write
    // that too, unless another operator was clearly meant (`<>`).
    let glued = symbolic_operator(found)
        .filter(|(operator, len)| {
            *len < found.len() && meant.is_none_or(|meant| meant == operator.symbol())
        })
        .and_then(|(operator, len)| {
            let symbol = operator.symbol();
            let rest = found.get(len..)?;
            Some(format!(
                " To compare with a value that starts with `{rest}`, put a space after \
                 `{symbol}` or quote the value: `{symbol} '{rest}...'`."
            ))
        })
        .unwrap_or_default();
    QueryError::expecting(
        QueryErrorKind::UnknownOperator,
        start..start + found.len(),
        vec![Expected::Operator],
        format!(
            "`{found}` is not an operator{} The operators are {OPERATOR_LIST}.{glued}",
            meant.map_or_else(
                || ".".to_owned(),
                |meant| format!("; did you mean `{meant}`?")
            )
        ),
    )
}

/// The operator other languages spell `found`, if any.
fn meant_operator(found: &str) -> Option<&'static str> {
    Some(match found.to_ascii_lowercase().as_str() {
        "=" | "===" | "eq" | "is" => "==",
        "<>" | "!==" | "=!" | "ne" | "neq" => "!=",
        "=>" | "ge" | "gte" => ">=",
        "=<" | "le" | "lte" => "<=",
        "gt" => ">",
        "lt" => "<",
        "~" | "~=" | "==~" | "like" | "match" | "regex" => "=~",
        "!=~" | "~!" | "!like" | "notlike" | "not_like" => "!~",
        "notin" | "nin" => "!in",
        "notexists" | "!exist" => "!exists",
        _ => return None,
    })
}

/// Whether the operator's spelling in `rest` is symbolic (`==`, `!exists`, ...), and its length.
fn symbolic_operator(rest: &str) -> Option<(Operator, usize)> {
    const SYMBOLS: [(&str, Operator); 8] = [
        ("==", Operator::Equal),
        ("!=", Operator::NotEqual),
        ("=~", Operator::Matches),
        ("!~", Operator::NotMatches),
        (">=", Operator::GreaterOrEqual),
        ("<=", Operator::LessOrEqual),
        (">", Operator::Greater),
        ("<", Operator::Less),
    ];
    if let Some(word) = rest.strip_prefix('!') {
        let len = word.find(|c: char| !is_word_char(c)).unwrap_or(word.len());
        let word = word.get(..len).unwrap_or("");
        if word.eq_ignore_ascii_case("exists") {
            return Some((Operator::NotExists, len + 1));
        }
        if word.eq_ignore_ascii_case("in") {
            return Some((Operator::NotIn, len + 1));
        }
    }
    SYMBOLS
        .into_iter()
        .find(|(symbol, _)| rest.starts_with(symbol))
        .map(|(symbol, operator)| (operator, symbol.len()))
}

/// The lexer mode after an operator.
fn mode_after(operator: Operator) -> Mode {
    match operator.arity() {
        Arity::None => Mode::AfterOperand,
        Arity::Value => Mode::Argument,
        Arity::List => Mode::ListArgument,
    }
}

/// The subject `text` spells, or an error with a suggestion.
fn resolve_subject(text: &str, span: Range<usize>) -> Result<Subject, QueryError> {
    if let Some((_, subject)) = FIXED_SUBJECTS.iter().find(|(name, _)| *name == text) {
        return Ok(subject.clone());
    }
    if let Some(name) = text.strip_prefix(ATTRIBUTE_PREFIX) {
        return attribute_subject(name, span);
    }
    let hint = suggest_subject(text)
        .map(|suggestion| match suggestion.holds {
            Some(holds) => format!(
                "; did you mean `{}`, the built-in attribute holding {holds}?",
                suggestion.subject
            ),
            None => format!("; did you mean `{}`?", suggestion.subject),
        })
        .unwrap_or_default();
    Err(QueryError::expecting(
        QueryErrorKind::UnknownSubject,
        span,
        vec![Expected::Subject],
        format!(
            "unknown subject `{text}`{hint} (subjects: agentConnected, agentVersion, \
             attribute:NAME, ec2InstanceId, registeredAt, runningTasksCount, task:group)"
        ),
    ))
}

/// `attribute:NAME`, checking NAME against the rules ECS has for attribute names.
fn attribute_subject(name: &str, span: Range<usize>) -> Result<Subject, QueryError> {
    let problem = if name.is_empty() {
        Some("`attribute:` needs an attribute name, such as `attribute:ecs.instance-type`")
    } else if name.contains(':') {
        Some("attribute names cannot contain `:`")
    } else if name.chars().count() > MAX_ATTRIBUTE_NAME_CHARS {
        Some("attribute names are at most 128 characters")
    } else {
        None
    };
    match problem {
        Some(message) => Err(QueryError::new(
            QueryErrorKind::InvalidAttributeName,
            span,
            message,
        )),
        None => Ok(Subject::Attribute(name.to_owned())),
    }
}

/// Letters, digits and `_`: the characters of word operators and combinators.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Characters of subjects: those of attribute names (letters, digits, `-_/\.`; letters in
/// the Unicode sense, as the snapshot model accepts them) and `:`.
fn is_subject_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '\\' | '.' | ':')
}

/// Decision 6: a bare value runs to whitespace, a parenthesis, a bracket, a comma or a quote.
pub fn ends_bare_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | '\'' | '"')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        Lexer::tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    fn value(text: &str, text_start: usize) -> TokenKind {
        TokenKind::Value {
            text: text.into(),
            text_start,
        }
    }

    #[test]
    fn values_after_operators_keep_dots_stars_colons_and_dashes() {
        let tokens = kinds("attribute:ecs.instance-type =~ t2.*");
        assert_eq!(tokens[2], value("t2.*", 31));
        let tokens = kinds("task:group == service:production");
        assert_eq!(tokens[0], TokenKind::Subject(Subject::TaskGroup));
        assert_eq!(tokens[2], value("service:production", 14));
        let tokens = kinds("registeredAt >= 2018-06-18T22:28:28+00:00");
        assert_eq!(tokens[2], value("2018-06-18T22:28:28+00:00", 16));
    }

    #[test]
    fn every_token_has_its_byte_span() {
        let tokens = Lexer::tokenize("not(attribute:az in ['us-east-1a', b])").unwrap();
        let spans: Vec<_> = tokens.iter().map(|t| t.span.clone()).collect();
        assert_eq!(
            spans,
            vec![
                0..3,
                3..4,
                4..16,
                17..19,
                20..21,
                21..33,
                33..34,
                35..36,
                36..37,
                37..38,
                38..38
            ]
        );
        assert_eq!(tokens[5].kind, value("us-east-1a", 22));
    }

    #[test]
    fn symbolic_operators_need_no_spaces() {
        // A bare value runs to whitespace (decision 6), so `&&` after it needs a space.
        let tokens = kinds("attribute:flavor==cpu &&attribute:x!exists");
        assert_eq!(
            tokens,
            vec![
                TokenKind::Subject(Subject::Attribute("flavor".into())),
                TokenKind::Operator(Operator::Equal),
                value("cpu", 18),
                TokenKind::And,
                TokenKind::Subject(Subject::Attribute("x".into())),
                TokenKind::Operator(Operator::NotExists),
                TokenKind::End,
            ]
        );
    }

    #[test]
    fn word_operators_and_combinators_ignore_case() {
        let tokens = kinds("NOT attribute:a MATCHES x Or attribute:b Not_In [y]");
        assert_eq!(tokens[0], TokenKind::Not);
        assert_eq!(tokens[2], TokenKind::Operator(Operator::Matches));
        assert_eq!(tokens[4], TokenKind::Or);
        assert_eq!(tokens[6], TokenKind::Operator(Operator::NotIn));
    }

    #[test]
    fn word_operators_need_whitespace() {
        let error = Lexer::tokenize("attribute:a equals'x'").unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::MissingWhitespace);
        assert_eq!(error.span, 12..18);
        let error = Lexer::tokenize("(attribute:a exists)and attribute:b exists").unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::MissingWhitespace);
        assert!(error.message.contains("space before `and`"));
        assert!(Lexer::tokenize("not(attribute:a exists)").is_ok());
    }

    #[test]
    fn quotes_hold_spaces_and_delimiters() {
        let tokens = kinds("attribute:a == \"x (y), [z]\"");
        assert_eq!(tokens[2], value("x (y), [z]", 16));
        let error = Lexer::tokenize("attribute:a == 'open").unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::UnterminatedQuote);
        assert_eq!(error.span, 15..20);
    }

    #[test]
    fn unexpected_text_after_a_value_gets_a_quoting_hint() {
        let error = Lexer::tokenize("attribute:a =~ \\w+(x|y)").unwrap_err();
        assert_eq!(error.span, 18..23);
        assert!(
            error.message.ends_with(
                "(a bare value ends at `(`; to compare with `\\w+(x|y)`, quote it: '\\w+(x|y)')"
            ),
            "{}",
            error.message
        );
        let error = Lexer::tokenize("attribute:a =~ .{0,60}").unwrap_err();
        assert_eq!(error.span, 18..22);
        assert!(
            error.message.ends_with(
                "found `,60}` (a bare value ends at `,`; to compare with `.{0,60}`, quote it: \
                 '.{0,60}')"
            ),
            "{}",
            error.message
        );
        let error = Lexer::tokenize("attribute:a == it's").unwrap_err();
        assert!(
            error
                .message
                .contains("holds parentheses, brackets, commas or quotes"),
            "{}",
            error.message
        );
        let error = Lexer::tokenize("attribute:a == two words").unwrap_err();
        assert_eq!(error.span, 19..24);
        assert!(error.message.contains("holds spaces"), "{}", error.message);
    }

    #[test]
    fn unknown_subjects_get_a_suggestion() {
        let error = Lexer::tokenize("attribut:x == 1").unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::UnknownSubject);
        assert_eq!(error.span, 0..10);
        assert!(
            error
                .message
                .starts_with("unknown subject `attribut:x`; did you mean `attribute:x`?"),
            "{}",
            error.message
        );
    }

    #[test]
    fn non_ascii_input_never_splits_a_character() {
        let error = Lexer::tokenize("é == 1").unwrap_err();
        assert_eq!(error.kind, QueryErrorKind::UnknownSubject);
        assert_eq!(error.span, 0..2);
        let error = Lexer::tokenize("attribute:a ≠ 1").unwrap_err();
        assert_eq!(error.span, 12..15);
        let tokens = kinds("attribute:größe exists");
        assert_eq!(
            tokens[0],
            TokenKind::Subject(Subject::Attribute("größe".into()))
        );
        let tokens = kinds("attribute:a == é");
        assert_eq!(tokens[2], value("é", 15));
    }
}
