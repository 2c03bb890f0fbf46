//! The compiled form of a `=~` / `!~` pattern: a [`Matcher`].
//!
//! Building a `regex::Regex` costs tens of microseconds (an NFA, a reverse NFA, prefilters),
//! which dominates a one-shot `run_task` whose constraint is `attribute:ecs.instance-type =~
//! m5.*`. Most patterns people write in the query language are literal text around `.*`:
//! `m5.large`, `m5.*`, `.*large`, `.*prod.*`, `m5.*large`. For those the pattern is tested
//! with `str` operations instead, after the whole validation the regex path does (so every
//! error is unchanged); any other pattern is built as a regex.
//!
//! The decision is taken on the engine's own reading of the anchored pattern, its
//! `regex_syntax` HIR: flags (`(?i)`, `(?s)`, `(?x)`, `(?R)`), escapes (`\.`, `\x{2E}`) and
//! equivalent spellings (`.{0,}`, `[^\n]`) are already resolved there. One exception reads
//! the text: a *plain* pattern (ASCII letters, digits, `-`, `_` and `.*`, nothing else; see
//! [`Matcher::plain`]) can hold none of those, so its reading is known without parsing it,
//! and a property test checks that both give the same matcher. That parse was a tenth of a
//! one-shot `run_task` with `m5.*`.
//! The fast path takes only an anchored concatenation of literals and `X*` where `X` is a
//! class of all characters but a few (`.` is "all but `\n`"); everything else - alternation,
//! classes, `.+`, captures, look-arounds, case-insensitive letters (a class in the HIR) -
//! keeps the regex.
//!
//! Why the test is exact: in `L0 X* L1 X* ... X* Ln` with `n >= 1`, call `E` the characters
//! `X` excludes. When no `Li` holds a character of `E` (checked, else the regex is built), a
//! string matches iff it holds no character of `E` and, reading every `X*` as "anything",
//! starts with `L0`, ends with `Ln` (not overlapping `L0`) and holds `L1 ... Ln-1` in order
//! between them; leftmost search for each middle literal is the classic, exact glob match.
//! `L0` alone (no `X*`) is string equality. Laziness (`.*?`) changes no whole-string verdict.

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A compiled pattern, matched against the whole string (Java's `String.matches`).
///
/// An enum rather than a `Regex` so that the common shapes skip the regex build (see the
/// module docs); every variant accepts exactly the strings the anchored regex accepts.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    /// Any pattern not of the shapes below.
    Regex(Regex),
    /// `m5.large`, `m5\.large`: the string equals the text.
    Literal(Box<str>),
    /// `m5.*`, `.*large`, `.*prod.*`, `m5.*large`, `.*`: literals around `.*`.
    Wildcard(Wildcard),
}

/// `prefix X* inner[0] X* ... X* suffix`, with `X` every character but `excluded`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    pub(crate) prefix: Box<str>,
    /// The literals between two wildcards, in order (empty ones dropped: `.*.*` is `.*`).
    pub(crate) inner: Box<[Box<str>]>,
    pub(crate) suffix: Box<str>,
    /// The characters the wildcard does not match: `\n` for `.`, none under `(?s)`.
    pub(crate) excluded: Box<[char]>,
}

/// Above these sizes the regex is built even for a simple shape, so that the compiled-size
/// limit rejects it exactly as before: a string test must never accept a pattern the regex
/// build would refuse. The limit is reached at about 8,000 literal bytes, or with 4,096
/// literal bytes at about 125 `.*` (about 35 wildcards of five scattered excluded
/// characters); `the_fast_path_bounds_compile` checks these bounds build, with margin.
const MAX_LITERAL_BYTES: usize = 4096;
const MAX_WILDCARDS: usize = 16;

/// A wildcard class whose complement has more characters than this is not taken as "all
/// but a few" (`.` excludes 1, `(?R).` 2; Java's `.` would exclude 5).
const MAX_EXCLUDED_CHARS: usize = 5;

impl Matcher {
    /// Whether the whole of `value` matches.
    pub(crate) fn is_match(&self, value: &str) -> bool {
        match self {
            Self::Regex(regex) => regex.is_match(value),
            Self::Literal(text) => value == &**text,
            Self::Wildcard(wildcard) => wildcard.is_match(value),
        }
    }

    /// Whether `pattern` (translated, not anchored) is plain: non-empty, and only ASCII
    /// letters, digits, `-` and `_` with `.*` between them (`m5.*`, `.*large`, `m5.*large`).
    /// Such a pattern has no flag, escape, class, group or other quantifier, so the engine
    /// reads it as literals and `.*` (any run of characters but `\n`), and always parses it.
    pub(crate) fn is_plain(pattern: &str) -> bool {
        let mut bytes = pattern.bytes();
        while let Some(byte) = bytes.next() {
            match byte {
                b'.' if bytes.next() == Some(b'*') => {}
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => {}
                _ => return false,
            }
        }
        !pattern.is_empty()
    }

    /// The string test of a plain pattern (see [`Matcher::is_plain`]), read from its text:
    /// the same matcher [`Matcher::simple`] builds from the engine's reading of it (a property
    /// test compares the two), without parsing it. `None` when the pattern is not plain or
    /// is over the fast path's bounds.
    pub(crate) fn plain(pattern: &str) -> Option<Matcher> {
        if !Self::is_plain(pattern) {
            return None;
        }
        let mut shape = Shape::default();
        let mut pieces = pattern.split(".*");
        shape.current = pieces.next().unwrap_or_default().to_owned();
        for piece in pieces {
            shape.excluded = Some(vec!['\n']);
            shape.segments.push(std::mem::take(&mut shape.current));
            shape.current = piece.to_owned();
        }
        // Every byte is a literal but the two of each `.*`, one per segment split off.
        shape.literal_bytes = pattern.len() - 2 * shape.segments.len();
        shape.finish()
    }

    /// The string test equivalent to `anchored` (a pattern wrapped as `^(?:...)$`), if it has
    /// one of the simple shapes; `None` means "build the regex". A pattern the engine cannot
    /// parse is `None` too, so that the regex build reports the error as before.
    pub(crate) fn simple(anchored: &str) -> Option<Matcher> {
        // Alternations and `+` are the usual reasons a pattern is not simple: skip the parse
        // (2 to 7 µs, paid again by the regex build) for them. Only ever sends a pattern to
        // the regex, so exactness does not depend on it (`a\+.*` merely loses the fast path).
        if anchored.contains(['|', '+']) {
            return None;
        }
        let hir = regex_syntax::Parser::new().parse(anchored).ok()?;
        let HirKind::Concat(items) = hir.kind() else {
            return None;
        };
        let (HirKind::Look(Look::Start), HirKind::Look(Look::End)) =
            (items.first()?.kind(), items.last()?.kind())
        else {
            return None;
        };
        let mut shape = Shape::default();
        for item in items.get(1..items.len() - 1)? {
            shape.push(item)?;
        }
        shape.finish()
    }
}

impl Wildcard {
    fn is_match(&self, value: &str) -> bool {
        if value.contains(&*self.excluded) {
            return false;
        }
        // Stripping the suffix from what follows the prefix keeps the two from overlapping.
        let Some(mut rest) = value
            .strip_prefix(&*self.prefix)
            .and_then(|rest| rest.strip_suffix(&*self.suffix))
        else {
            return false;
        };
        for literal in &self.inner {
            match rest.split_once(&**literal) {
                Some((_, after)) => rest = after,
                None => return false,
            }
        }
        true
    }
}

/// The pattern read so far: literal segments split at each wildcard.
#[derive(Default)]
struct Shape {
    segments: Vec<String>,
    current: String,
    /// The wildcards' excluded characters; all wildcards must agree.
    excluded: Option<Vec<char>>,
    literal_bytes: usize,
}

impl Shape {
    /// Adds one item of the concatenation; `None` if it is not a literal or a wildcard.
    fn push(&mut self, item: &Hir) -> Option<()> {
        match item.kind() {
            HirKind::Empty => {}
            HirKind::Literal(literal) => {
                // The engine only gives valid UTF-8 to a `str` regex; checked, not assumed.
                let text = std::str::from_utf8(&literal.0).ok()?;
                self.literal_bytes += text.len();
                self.current.push_str(text);
            }
            HirKind::Concat(items) => {
                for item in items {
                    self.push(item)?;
                }
            }
            HirKind::Repetition(repetition) if repetition.min == 0 && repetition.max.is_none() => {
                let excluded = excluded_chars(&repetition.sub)?;
                if self.excluded.get_or_insert_with(|| excluded.clone()) != &excluded {
                    return None;
                }
                self.segments.push(std::mem::take(&mut self.current));
            }
            _ => return None,
        }
        Some(())
    }

    fn finish(self) -> Option<Matcher> {
        if self.literal_bytes > MAX_LITERAL_BYTES || self.segments.len() > MAX_WILDCARDS {
            return None;
        }
        let Some(excluded) = self.excluded else {
            return Some(Matcher::Literal(self.current.into()));
        };
        // A literal holding an excluded character would make "the string holds none"
        // wrong; such patterns are rare enough to leave to the regex.
        if self
            .segments
            .iter()
            .chain([&self.current])
            .any(|segment| segment.contains(&*excluded))
        {
            return None;
        }
        let suffix = self.current;
        let mut segments = self.segments.into_iter();
        let prefix = segments.next().unwrap_or_default();
        let inner = segments.filter(|s| !s.is_empty()).map(Into::into).collect();
        Some(Matcher::Wildcard(Wildcard {
            prefix: prefix.into(),
            inner,
            suffix: suffix.into(),
            excluded: excluded.into(),
        }))
    }
}

/// The characters outside `class`, if `class` is a Unicode class of all characters but at
/// most [`MAX_EXCLUDED_CHARS`].
fn excluded_chars(class: &Hir) -> Option<Vec<char>> {
    let HirKind::Class(Class::Unicode(class)) = class.kind() else {
        return None;
    };
    let mut complement = class.clone();
    complement.negate();
    let mut excluded = Vec::new();
    for range in complement.ranges() {
        for c in range.start()..=range.end() {
            if excluded.len() == MAX_EXCLUDED_CHARS {
                return None;
            }
            excluded.push(c);
        }
    }
    Some(excluded)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    use super::*;
    use crate::query::ast::Value;
    use crate::query::regex::{build_matcher, build_regex};

    fn simple(pattern: &str) -> Option<Matcher> {
        Matcher::simple(&format!("^(?:{pattern})$"))
    }

    fn wildcard(prefix: &str, inner: &[&str], suffix: &str, excluded: &[char]) -> Wildcard {
        Wildcard {
            prefix: prefix.into(),
            inner: inner.iter().map(|&s| s.into()).collect(),
            suffix: suffix.into(),
            excluded: excluded.into(),
        }
    }

    fn shape(pattern: &str) -> Wildcard {
        match simple(pattern) {
            Some(Matcher::Wildcard(w)) => w,
            other => panic!("{pattern}: {other:?}"),
        }
    }

    #[test]
    fn literal_shape() {
        for (pattern, text) in [
            ("m5.large", None),
            ("m5\\.large", Some("m5.large")),
            ("", Some("")),
            ("(?i)5", Some("5")),
            ("\\n", Some("\n")),
            ("caf\\x{e9}", Some("café")),
        ] {
            match simple(pattern) {
                Some(Matcher::Literal(literal)) => {
                    assert_eq!(Some(&*literal), text, "{pattern}");
                }
                // `.` is not a literal: `m5.large` is a regex with an unescaped dot.
                None => assert!(text.is_none(), "{pattern}"),
                other => panic!("{pattern}: {other:?}"),
            }
        }
        let literal = simple("m5\\.large").unwrap();
        assert!(literal.is_match("m5.large"));
        assert!(!literal.is_match("M5.large"), "case sensitive");
        assert!(
            !literal.is_match("m5.large\n"),
            "no trailing newline, unlike Perl's `$`"
        );
    }

    #[test]
    fn prefix_suffix_and_contains_shapes() {
        assert_eq!(shape("m5.*"), wildcard("m5", &[], "", &['\n']));
        assert_eq!(shape("t2\\..*"), wildcard("t2.", &[], "", &['\n']));
        assert_eq!(shape(".*large"), wildcard("", &[], "large", &['\n']));
        assert_eq!(shape(".*prod.*"), wildcard("", &["prod"], "", &['\n']));
        assert_eq!(shape("m5.*large"), wildcard("m5", &[], "large", &['\n']));
        assert_eq!(
            shape("a.*b.*c.*d"),
            wildcard("a", &["b", "c"], "d", &['\n'])
        );
        assert_eq!(shape(".*"), wildcard("", &[], "", &['\n']));
    }

    #[test]
    fn equivalent_spellings_take_the_same_shape() {
        for pattern in [
            "m5.*?",
            "m5.{0,}",
            "m5[^\\n]*",
            "m5.*.*",
            "(?:m5)(?:.*)",
            "(?x)m 5 .*",
            "[m]5.*",
        ] {
            assert_eq!(
                shape(pattern),
                wildcard("m5", &[], "", &['\n']),
                "{pattern}"
            );
        }
        assert_eq!(shape("(?s)m5.*"), wildcard("m5", &[], "", &[]));
        assert_eq!(shape("m5(?s:.)*"), wildcard("m5", &[], "", &[]));
        assert_eq!(shape("(?R)m5.*"), wildcard("m5", &[], "", &['\n', '\r']));
    }

    #[test]
    fn near_misses_keep_the_regex() {
        for pattern in [
            "(?i)m5.*",
            "m5.+",
            "m5.{1,}",
            "m5\\+.*",
            "m5.",
            "m5|m6",
            "(m5).*",
            "[mM]5.*",
            "\\d.*",
            "m5.*\\n",
            "\\n.*",
            "m5.*(?s:.*)",
            "m5(?m:$).*",
            "m5\\b.*",
            "m5\\w*",
            "m5\\S*",
            "m5(?:.*)+",
            "m5.{0,3}",
        ] {
            assert!(
                simple(pattern).is_none(),
                "{pattern}: {:?}",
                simple(pattern)
            );
        }
    }

    #[test]
    fn wildcard_tests_the_whole_string() {
        let matches = |pattern: &str, value: &str| shape(pattern).is_match(value);
        assert!(matches("m5.*", "m5.large"));
        assert!(matches("m5.*", "m5"));
        assert!(!matches("m5.*", "M5.large"), "case sensitive");
        assert!(!matches("m5.*", "xm5"));
        assert!(!matches("m5.*", "m5.\nlarge"), "`.` stops at \\n");
        assert!(matches("m5.*", "m5.\rlarge"), "the engine's `.` takes \\r");
        assert!(matches(".*prod.*", "preprod-eu"));
        assert!(!matches(".*prod.*", "pro-d"));
        assert!(matches("ab.*ba", "abba"));
        assert!(
            !matches("ab.*ba", "aba"),
            "prefix and suffix do not overlap"
        );
        assert!(matches("a.*b.*b", "abb"));
        assert!(
            !matches("a.*bb.*b", "abb"),
            "middle literals do not overlap the suffix"
        );
        assert!(!matches(".*a.*b.*", "ba"), "middle literals in order");
        assert!(!matches(".*a.*a.*", "a"), "middle literals do not overlap");
        assert!(matches(".*a.*a.*", "aa"));
    }

    /// Interleaves `literal` (split into `wildcards + 1` parts) with `wildcards` copies of
    /// `star`.
    fn spread(literal: &str, star: &str, wildcards: usize) -> String {
        let chars: Vec<char> = literal.chars().collect();
        let per_part = chars.len() / (wildcards + 1);
        let mut pattern = String::new();
        for (i, part) in chars.chunks(per_part.max(1)).enumerate() {
            if i > 0 && i <= wildcards {
                pattern.push_str(star);
            }
            pattern.extend(part);
        }
        pattern
    }

    #[test]
    fn the_fast_path_bounds_compile() {
        // The largest patterns the fast path takes, with the costliest wildcard classes found
        // (excluded characters scattered over the UTF-8 lengths): the regex build, which the
        // fast path skips, must accept them, else an error would be lost.
        let stars = [
            ".*",
            "(?s:.)*",
            "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]*",
            "[^\\x{12345}\\x{54321}\\x{9ABCD}\\x{10F0F0}\\x{456}]*",
        ];
        let ascii = "a".repeat(MAX_LITERAL_BYTES);
        let wide = "\u{10000}".repeat(MAX_LITERAL_BYTES / 4);
        for star in stars {
            for literal in [&ascii, &wide] {
                let pattern = spread(literal, star, MAX_WILDCARDS);
                assert!(
                    simple(&pattern).is_some(),
                    "{star}: at the bounds, still fast"
                );
                assert!(build_regex(&Value::new(&*pattern)).is_ok(), "{star}");
            }
        }
        // One past each bound builds the regex.
        assert!(simple(&"a".repeat(MAX_LITERAL_BYTES + 1)).is_none());
        assert!(simple(&".*".repeat(MAX_WILDCARDS + 1)).is_none());
        assert!(simple("[^\\n\\r\\x{85}\\x{2028}\\x{2029}\\x{2030}]*").is_none());
    }

    // ---------- the fast path against the regex, on generated patterns ----------

    /// A piece of pattern, with texts that match it or nearly do, to build haystacks from.
    type Piece = (&'static str, &'static [&'static str]);

    /// Fillers for wildcards: line terminators of every kind, case changes, pattern text.
    const FILL: &[&str] = &[
        "", "x", "ab", "\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}", "é", "m5", ".",
        "x\ny", "M5",
    ];

    /// Literals; an empty text drops the literal, and `a`, `b`, `ab`, `ba` overlap, so that
    /// a haystack can start with the prefix and end with the suffix yet be too short.
    const LITERALS: &[Piece] = &[
        ("m5", &["m5", "M5", "m", ""]),
        ("large", &["large", "LARGE", "arge"]),
        ("prod", &["prod", "Prod", "pro", ""]),
        ("\\.", &[".", "x"]),
        ("é", &["é", "É", "e"]),
        ("日本", &["日本", "日"]),
        ("-", &["-"]),
        ("a", &["a", "A", "aa", ""]),
        ("b", &["b", "ab", ""]),
        ("ab", &["ab", "a", "b", "aba"]),
        ("ba", &["ba", "b", "bab", ""]),
    ];

    /// Literal line terminators, escaped and raw: a literal may hold what `.` does not take.
    const TERMINATORS: &[Piece] = &[
        ("\\n", &["\n", "n"]),
        ("\\r", &["\r", "r"]),
        ("\\x{85}", &["\u{85}"]),
        ("\\u2028", &["\u{2028}"]),
        ("\u{2029}", &["\u{2029}"]),
        ("\n", &["\n"]),
    ];

    const WILDCARDS: &[Piece] = &[
        (".*", FILL),
        (".*?", FILL),
        (".{0,}", FILL),
        ("[^\\n]*", FILL),
        ("(?s:.)*", FILL),
    ];

    /// Constructs next to the simple shapes that must keep the regex (or fail alike).
    const NEAR_MISSES: &[Piece] = &[
        (".+", &["", "x", "\n", "xy"]),
        (".{1,}", &["", "x", "\n", "xy"]),
        (".", &["", "x", "\n", "xy"]),
        (".?", &["", "x", "\n", "xy"]),
        ("(?i)", &[""]),
        ("(?s)", &[""]),
        ("(?R)", &[""]),
        ("(?m)", &[""]),
        ("(?x)", &[""]),
        ("(?-u)", &[""]),
        ("(?i:m5)", &["m5", "M5"]),
        ("|", &[""]),
        ("a|m5", &["a", "m5"]),
        ("(m5)", &["m5"]),
        ("[mM]", &["m", "M"]),
        ("\\d", &["1", "١"]),
        ("x?", &["x", ""]),
        ("\\s*", &[" ", "\n", "\u{85}", ""]),
        ("\\S*", FILL),
        ("[^\\n\\r]*", FILL),
        ("[^\\r]*", FILL),
        ("\\w*", FILL),
        ("(?:.*)+", FILL),
        ("^", &[""]),
        ("$", &[""]),
        ("\\b", &[""]),
        ("\\\\", &["\\"]),
        ("*", &["*"]),
        ("a*+", &["a"]),
    ];

    fn simple_piece() -> impl Strategy<Value = Piece> {
        prop_oneof![
            4 => proptest::sample::select(LITERALS),
            1 => proptest::sample::select(TERMINATORS),
            3 => proptest::sample::select(WILDCARDS),
        ]
    }

    /// Simple shapes; simple shapes with one near miss inserted, so that it alone decides;
    /// and free mixtures.
    fn pieces() -> impl Strategy<Value = Vec<Piece>> {
        let one_miss = (
            proptest::collection::vec(simple_piece(), 0..5),
            proptest::sample::select(NEAR_MISSES),
            any::<proptest::sample::Index>(),
        )
            .prop_map(|(mut pieces, miss, at)| {
                pieces.insert(at.index(pieces.len() + 1), miss);
                pieces
            });
        let any_piece = prop_oneof![
            8 => simple_piece(),
            3 => proptest::sample::select(NEAR_MISSES),
        ];
        prop_oneof![
            3 => proptest::collection::vec(simple_piece(), 0..6),
            2 => one_miss,
            1 => proptest::collection::vec(any_piece, 1..6),
        ]
    }

    /// A text built from the pieces' texts (so it often matches), maybe with a range cut
    /// out (so that literals may overlap, or a required character go missing) and a filler
    /// inserted anywhere.
    fn haystack(pieces: &[Piece]) -> impl Strategy<Value = String> + use<> {
        let parts: Vec<_> = pieces
            .iter()
            .map(|(_, texts)| proptest::sample::select(*texts))
            .collect();
        let index = any::<proptest::sample::Index>;
        let cut = proptest::option::weighted(0.3, (index(), index()));
        let insert = proptest::option::weighted(0.3, (index(), select_fill()));
        let built = (parts, cut, insert).prop_map(|(parts, cut, insert)| {
            let mut text = parts.concat();
            if let Some((from, to)) = cut {
                let boundaries = char_boundaries(&text);
                let (from, to) = (
                    boundaries[from.index(boundaries.len())],
                    boundaries[to.index(boundaries.len())],
                );
                text.replace_range(from.min(to)..from.max(to), "");
            }
            if let Some((at, extra)) = insert {
                let boundaries = char_boundaries(&text);
                text.insert_str(boundaries[at.index(boundaries.len())], extra);
            }
            text
        });
        prop_oneof![
            6 => built,
            1 => "[am5.eéE\n\r\u{85}\u{2028}\u{2029}]{0,6}",
            1 => "[abA\n]{0,5}",
        ]
    }

    fn char_boundaries(text: &str) -> Vec<usize> {
        text.char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect()
    }

    fn select_fill() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(FILL)
    }

    /// Globs over a two-letter alphabet: literals overlap often, which tests the
    /// prefix/suffix/middle search itself. Haystacks fill the wildcards, maybe shuffled, and
    /// may lose a range.
    fn small_glob() -> impl Strategy<Value = (String, Vec<String>)> {
        // A literal is `Some(text)`, a wildcard `None`, each with its pattern text: maybe a
        // literal, then wildcards and literals in turn (so, often several middle literals),
        // maybe a wildcard.
        let literal = || "[ab]{1,2}".prop_map(|literal| (literal.clone(), Some(literal)));
        let wildcard =
            || proptest::sample::select(WILDCARDS).prop_map(|(text, _)| (text.to_owned(), None));
        let tokens = (
            proptest::option::of(literal()),
            proptest::collection::vec((wildcard(), literal()), 1..5),
            proptest::option::of(wildcard()),
        )
            .prop_map(|(first, pairs, last)| {
                let pairs = pairs.into_iter().flat_map(|(w, l)| [w, l]);
                first
                    .into_iter()
                    .chain(pairs)
                    .chain(last)
                    .collect::<Vec<_>>()
            });
        tokens.prop_flat_map(|tokens| {
            let pattern: String = tokens.iter().map(|(text, _)| text.as_str()).collect();
            let parts = || -> Vec<BoxedStrategy<String>> {
                tokens
                    .iter()
                    .map(|(_, literal)| match literal {
                        Some(literal) => Just(literal.clone()).boxed(),
                        None => "[ab\\n]{0,2}".boxed(),
                    })
                    .collect()
            };
            // In order, or shuffled so that literals come out of order.
            let parts = prop_oneof![2 => parts(), 1 => parts().prop_shuffle()];
            let index = any::<proptest::sample::Index>;
            let cut = proptest::option::of((index(), index()));
            let filled = (parts, cut).prop_map(|(parts, cut)| {
                let mut text = parts.concat();
                if let Some((from, to)) = cut {
                    let (from, to) = (from.index(text.len() + 1), to.index(text.len() + 1));
                    text.replace_range(from.min(to)..from.max(to), "");
                }
                text
            });
            let haystack = prop_oneof![3 => filled, 1 => "[ab\n]{0,7}"];
            (Just(pattern), proptest::collection::vec(haystack, 1..10))
        })
    }

    fn case() -> impl Strategy<Value = (String, Vec<String>)> {
        let from_pieces = pieces().prop_flat_map(|pieces| {
            let pattern: String = pieces.iter().map(|(text, _)| *text).collect();
            (
                Just(pattern),
                proptest::collection::vec(haystack(&pieces), 1..10),
            )
        });
        prop_oneof![2 => from_pieces, 1 => small_glob()]
    }

    /// 16 patterns a case, so that CI's 64 cases (`PROPTEST_CASES=64`) still try 1,024;
    /// failures are saved in `proptest-regressions/query_matcher.txt` and replayed first.
    fn config() -> ProptestConfig {
        ProptestConfig {
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "proptest-regressions/query_matcher.txt",
            ))),
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn the_matcher_agrees_with_the_regex(cases in proptest::collection::vec(case(), 16)) {
            for (pattern, haystacks) in cases {
                let value = Value::new(&*pattern);
                match (build_matcher(&value), build_regex(&value)) {
                    (Ok(matcher), Ok(regex)) => {
                        for haystack in &haystacks {
                            prop_assert_eq!(
                                matcher.is_match(haystack),
                                regex.is_match(haystack),
                                "pattern {:?}, haystack {:?}, matcher {:?}",
                                pattern,
                                haystack,
                                matcher
                            );
                        }
                    }
                    (Err(fast), Err(regex)) => prop_assert_eq!(fast, regex),
                    (fast, regex) => prop_assert!(false, "{pattern:?}: {fast:?} but {regex:?}"),
                }
            }
        }

        /// A plain pattern read from its text gives the matcher the engine's reading gives,
        /// and a text that is not plain is left to that reading; checking a plain pattern
        /// (which skips the parse) accepts it as the parse does.
        #[test]
        fn a_plain_pattern_reads_as_the_engine_reads_it(
            pattern in "([ab5_-]{0,3}(\\.\\*)?){0,5}|[ab.*?\\\\(]{0,6}|(\\.\\*){1,3}[ab]{0,9000}",
        ) {
            let plain = Matcher::plain(&pattern);
            if !Matcher::is_plain(&pattern) {
                prop_assert!(plain.is_none());
                return Ok(());
            }
            let anchored = format!("^(?:{pattern})$");
            prop_assert!(regex_syntax::Parser::new().parse(&anchored).is_ok());
            prop_assert!(crate::query::regex::check_regex(&Value::new(&*pattern)).is_ok());
            match (plain, simple(&pattern)) {
                (Some(Matcher::Literal(a)), Some(Matcher::Literal(b))) => prop_assert_eq!(a, b),
                (Some(Matcher::Wildcard(a)), Some(Matcher::Wildcard(b))) => prop_assert_eq!(a, b),
                (None, None) => {}
                (a, b) => prop_assert!(false, "{pattern:?}: plain {a:?}, engine {b:?}"),
            }
        }
    }
}
