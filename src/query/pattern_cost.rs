//! What a `=~` pattern costs to compile, estimated from above without compiling it
//! (decision 8 of `docs/QUERY_LANGUAGE.md`).
//!
//! The engine (`regex`) compiles a pattern to a Thompson NFA, forward and reverse, and its size
//! is what compiling costs: about 2.5 µs per KiB here, and the memory held. So the budget counts
//! what the engine counts, bytes of NFA, estimated from the pattern's syntax tree
//! (`regex_syntax::ast`, which keeps spans, so that an error can point at the construct that
//! costs most):
//! - a literal character: 32 bytes per byte of its UTF-8 form;
//! - a class (`.`, `[^/]`, `\p{L}`, a case-insensitive letter): 64 bytes, 8 per range of
//!   ASCII characters, and for what lies beyond ASCII the engine compiles the UTF-8 byte
//!   sequences of its ranges: 48 bytes, and per sequence 32 per byte and 24. So `[a-z]` is 72
//!   bytes, `.` 1,152 (eight sequences cover its million characters beyond ASCII), `\p{L}`
//!   107 KiB;
//! - `X{n}`: n copies of X; `X{n,m}` also m - n optional copies, 72 bytes more each; `X{n,}`
//!   n + 1 copies and 48 bytes; `X*` and `X+` one copy and 48 bytes, `X?` one and 72;
//! - a capture group 64 bytes, each alternative 64, an assertion 32, the anchors around the
//!   whole pattern 192.
//!
//! Measured against the engine's own count (the least `size_limit` it builds the pattern
//! with), these bound it from above, and closely for what people write: `.{0,60}` is
//! estimated at 72 KiB and takes 62, `[a-z]{100}` and `a{10000}` exactly what they take,
//! `i-[0-9a-f]{8,17}` 13% more; large Unicode classes share byte sequences the estimate counts
//! apart (`\p{L}`: 107 KiB for 43). The tests check the bound on a corpus.

use std::collections::HashMap;
use std::ops::Range;

use regex_syntax::ast::{
    self, Ast, Flag, Flags, FlagsItemKind, GroupKind, RepetitionKind, RepetitionRange,
};
use regex_syntax::hir::{Class, Hir, HirKind};
use regex_syntax::utf8::Utf8Sequences;

/// A literal byte.
const BYTE: u64 = 32;
/// A class: its state, and one transition per range of single bytes (ASCII, or bytes under
/// `(?-u)`).
const CLASS: u64 = 64;
const SINGLE_BYTE_RANGE: u64 = 8;
/// A class with characters beyond ASCII: once, and per UTF-8 sequence 32 per byte and 24.
const MULTI_BYTE: u64 = 48;
const SEQUENCE_BYTE: u64 = 32;
const SEQUENCE: u64 = 24;
/// An optional copy (`X?`, each copy past n in `X{n,m}`).
const OPTIONAL: u64 = 72;
/// The loop of `X*`, `X+`, `X{n,}`.
const LOOP: u64 = 48;
/// A capture group.
const CAPTURE: u64 = 64;
/// Each alternative of `a|b|c`.
const ALTERNATIVE: u64 = 64;
/// An assertion (`^`, `$`, `\b`).
const ASSERTION: u64 = 32;
/// The anchors and group every pattern is wrapped in (`^(?:...)$`), the two assertions
/// included.
pub(crate) const ANCHORED: u64 = 192;
/// [`ANCHORED`] but its two assertions, which the walk of the anchored pattern counts.
const WRAPPER: u64 = ANCHORED - 2 * ASSERTION;
/// `.` with the default flags (a test checks it against the estimate of `.`): a plain pattern's
/// `.*` is costed without parsing it.
pub(crate) const DOT: u64 = 1152;
/// The loop of `*`, for a plain pattern's `.*`.
pub(crate) const STAR: u64 = LOOP;

/// The estimated cost of a plain pattern (ASCII letters, digits, `-`, `_` and `.*`; see
/// `Matcher::is_plain`), read from its text: it is literals and `.*`, nothing else.
pub(crate) fn plain_cost(pattern: &str) -> u64 {
    let wildcards = pattern.matches(".*").count() as u64;
    let literal_bytes = pattern.len() as u64 - 2 * wildcards;
    ANCHORED + literal_bytes * BYTE + wildcards * (DOT + STAR)
}

/// A part of a pattern that costs much: a repetition or a single item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// Its bytes in the parsed (anchored) pattern.
    pub(crate) span: Range<usize>,
    /// Its estimated cost.
    pub(crate) cost: u64,
    /// For a repetition: what is repeated.
    pub(crate) repeated: Option<Repeated>,
}

/// The item of a repetition, with how often and at what cost it is repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repeated {
    /// Its bytes in the parsed (anchored) pattern.
    pub(crate) span: Range<usize>,
    /// How many copies the engine compiles (`X{0,60}` is 60).
    pub(crate) copies: u64,
    /// What one copy costs.
    pub(crate) cost: u64,
    /// Whether the item holds a repetition of more than one copy itself (`(a{10}){10}`).
    pub(crate) nested: bool,
}

/// A pattern over its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Over {
    /// The estimated cost of the whole pattern, or at least this much when `complete` is false
    /// (the estimate stops once it is sure).
    pub(crate) total: u64,
    pub(crate) complete: bool,
    /// The costliest repetition or item met, when there is one.
    pub(crate) largest: Option<Part>,
}

/// Estimates the cost of `ast`, parsed from `pattern`; past `limit` it stops and tells where
/// the cost comes from.
pub(crate) fn estimate(pattern: &str, ast: &Ast, limit: u64) -> Result<u64, Over> {
    let estimator = Estimator {
        pattern,
        limit,
        frames: vec![Frame::default()],
        flags: vec![LeafFlags::default()],
        largest: None,
        leaf_costs: HashMap::new(),
    };
    ast::visit(ast, estimator)
}

/// The flags a class or a literal is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct LeafFlags {
    case_insensitive: bool,
    dot_matches_new_line: bool,
    unicode: bool,
    crlf: bool,
}

impl Default for LeafFlags {
    fn default() -> Self {
        Self {
            case_insensitive: false,
            dot_matches_new_line: false,
            unicode: true,
            crlf: false,
        }
    }
}

impl LeafFlags {
    fn apply(&mut self, flags: &Flags) {
        let mut enable = true;
        for item in &flags.items {
            match &item.kind {
                FlagsItemKind::Negation => enable = false,
                FlagsItemKind::Flag(Flag::CaseInsensitive) => self.case_insensitive = enable,
                FlagsItemKind::Flag(Flag::DotMatchesNewLine) => {
                    self.dot_matches_new_line = enable;
                }
                FlagsItemKind::Flag(Flag::Unicode) => self.unicode = enable,
                FlagsItemKind::Flag(Flag::CRLF) => self.crlf = enable,
                FlagsItemKind::Flag(_) => {}
            }
        }
    }
}

/// The children of an open group, concatenation, alternation or repetition.
#[derive(Debug, Default)]
struct Frame {
    cost: u64,
    /// Whether a repetition of more than one copy completed inside.
    counted: bool,
}

struct Estimator<'a> {
    pattern: &'a str,
    limit: u64,
    /// One per open composite node, the whole pattern's at the bottom.
    frames: Vec<Frame>,
    /// The flags in force, one entry per open group.
    flags: Vec<LeafFlags>,
    largest: Option<Part>,
    /// Each class translated so far: a pattern that repeats one (`\p{L}\p{L}...`) translates
    /// it once.
    leaf_costs: HashMap<(&'a str, LeafFlags), u64>,
}

impl Estimator<'_> {
    fn current_flags(&self) -> LeafFlags {
        self.flags.last().copied().unwrap_or_default()
    }

    /// Adds a completed node's cost to its parent.
    fn add(&mut self, cost: u64, counted: bool) {
        if let Some(frame) = self.frames.last_mut() {
            frame.cost = frame.cost.saturating_add(cost);
            frame.counted |= counted;
        }
    }

    /// The least the pattern costs, from what has been read: every open node costs at least
    /// what it holds so far.
    fn at_least(&self) -> u64 {
        self.frames
            .iter()
            .fold(WRAPPER, |sum, frame| sum.saturating_add(frame.cost))
    }

    fn consider(&mut self, part: Part) {
        // On a tie, the part enclosing the other is kept (`(\p{L}){1}` costs what `\p{L}` does):
        // it is what the user wrote around the item. Otherwise the first is.
        let better = self.largest.as_ref().is_none_or(|largest| {
            part.cost > largest.cost
                || (part.cost == largest.cost
                    && part.span.start <= largest.span.start
                    && largest.span.end <= part.span.end)
        });
        if better {
            self.largest = Some(part);
        }
    }

    fn leaf_cost(&mut self, leaf: &Ast) -> u64 {
        let flags = self.current_flags();
        let span = leaf.span();
        if let Ast::Literal(literal) = leaf
            && !flags.case_insensitive
        {
            return literal.c.len_utf8() as u64 * BYTE;
        }
        let text = self
            .pattern
            .get(span.start.offset..span.end.offset)
            .unwrap_or("");
        if let Some(&cost) = self.leaf_costs.get(&(text, flags)) {
            return cost;
        }
        let translated = regex_syntax::hir::translate::TranslatorBuilder::new()
            .case_insensitive(flags.case_insensitive)
            .dot_matches_new_line(flags.dot_matches_new_line)
            .unicode(flags.unicode)
            .crlf(flags.crlf)
            .build()
            .translate(self.pattern, leaf);
        // A leaf the engine cannot read is reported by the full translation that follows;
        // here it costs as much as `.`.
        let cost = translated.map_or(DOT, |hir| hir_leaf_cost(&hir));
        self.leaf_costs.insert((text, flags), cost);
        cost
    }
}

/// What one translated item costs: a literal, a class or an assertion.
fn hir_leaf_cost(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty => 0,
        HirKind::Literal(literal) => literal.0.len() as u64 * BYTE,
        HirKind::Class(Class::Unicode(class)) => {
            let (mut single, mut multi) = (0u64, 0u64);
            for range in class.iter() {
                for sequence in Utf8Sequences::new(range.start(), range.end()) {
                    match sequence.len() {
                        1 => single += 1,
                        len => multi += len as u64 * SEQUENCE_BYTE + SEQUENCE,
                    }
                }
            }
            let beyond_ascii = if multi > 0 { MULTI_BYTE } else { 0 };
            CLASS + single * SINGLE_BYTE_RANGE + multi + beyond_ascii
        }
        HirKind::Class(Class::Bytes(class)) => {
            CLASS + class.ranges().len() as u64 * SINGLE_BYTE_RANGE
        }
        HirKind::Look(_) => ASSERTION,
        // Not produced for a single item; costed generously all the same.
        _ => DOT,
    }
}

impl<'a> ast::Visitor for Estimator<'a> {
    type Output = u64;
    type Err = Over;

    fn finish(self) -> Result<u64, Over> {
        let total = self.at_least();
        if total > self.limit {
            return Err(Over {
                total,
                complete: true,
                largest: self.largest,
            });
        }
        Ok(total)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), Over> {
        match ast {
            Ast::Group(group) => {
                let mut flags = self.current_flags();
                if let GroupKind::NonCapturing(group_flags) = &group.kind {
                    flags.apply(group_flags);
                }
                self.flags.push(flags);
                self.frames.push(Frame::default());
            }
            Ast::Repetition(_) | Ast::Alternation(_) | Ast::Concat(_) => {
                self.frames.push(Frame::default());
            }
            Ast::Flags(set) => {
                let mut flags = self.current_flags();
                flags.apply(&set.flags);
                if let Some(top) = self.flags.last_mut() {
                    *top = flags;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_post(&mut self, ast: &Ast) -> Result<(), Over> {
        match ast {
            Ast::Empty(_) | Ast::Flags(_) => Ok(()),
            Ast::Assertion(_) => {
                self.add(ASSERTION, false);
                Ok(())
            }
            Ast::Literal(_)
            | Ast::Dot(_)
            | Ast::ClassUnicode(_)
            | Ast::ClassPerl(_)
            | Ast::ClassBracketed(_) => {
                // Reading a class is the slow part (`\p{L}` takes microseconds): once the
                // pattern is sure to be over, none is read (a pattern of hundreds of classes
                // fails fast), and the total is known to be at least that.
                let at_least = self.at_least();
                if at_least > self.limit {
                    return Err(Over {
                        total: at_least,
                        complete: false,
                        largest: self.largest.take(),
                    });
                }
                let cost = self.leaf_cost(ast);
                let span = ast.span();
                self.consider(Part {
                    span: span.start.offset..span.end.offset,
                    cost,
                    repeated: None,
                });
                self.add(cost, false);
                Ok(())
            }
            Ast::Concat(_) => {
                let frame = self.frames.pop().unwrap_or_default();
                self.add(frame.cost, frame.counted);
                Ok(())
            }
            Ast::Alternation(alternation) => {
                let frame = self.frames.pop().unwrap_or_default();
                let branches = alternation.asts.len() as u64;
                let cost = frame
                    .cost
                    .saturating_add(branches.saturating_mul(ALTERNATIVE));
                self.add(cost, frame.counted);
                Ok(())
            }
            Ast::Group(group) => {
                self.flags.pop();
                let frame = self.frames.pop().unwrap_or_default();
                let extra = match group.kind {
                    GroupKind::NonCapturing(_) => 0,
                    _ => CAPTURE,
                };
                self.add(frame.cost.saturating_add(extra), frame.counted);
                Ok(())
            }
            Ast::Repetition(repetition) => {
                let frame = self.frames.pop().unwrap_or_default();
                let item = frame.cost;
                let (copies, cost) = repeat(item, &repetition.op.kind);
                let counted = frame.counted || copies > 1;
                let item_span = repetition.ast.span();
                self.consider(Part {
                    span: repetition.span.start.offset..repetition.span.end.offset,
                    cost,
                    repeated: Some(Repeated {
                        span: item_span.start.offset..item_span.end.offset,
                        copies,
                        cost: item,
                        nested: frame.counted,
                    }),
                });
                self.add(cost, counted);
                Ok(())
            }
        }
    }
}

/// How many copies of an item costing `item` a repetition compiles, and what they cost.
fn repeat(item: u64, kind: &RepetitionKind) -> (u64, u64) {
    let times = |n: u32, cost: u64| u64::from(n).saturating_mul(cost);
    match kind {
        RepetitionKind::ZeroOrOne => (1, item.saturating_add(OPTIONAL)),
        RepetitionKind::ZeroOrMore | RepetitionKind::OneOrMore => (1, item.saturating_add(LOOP)),
        RepetitionKind::Range(RepetitionRange::Exactly(n)) => (u64::from(*n), times(*n, item)),
        RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (
            u64::from(*n) + 1,
            times(*n, item).saturating_add(item).saturating_add(LOOP),
        ),
        RepetitionKind::Range(RepetitionRange::Bounded(n, m)) => (
            u64::from(*m),
            times(*n, item)
                .saturating_add(times(m.saturating_sub(*n), item.saturating_add(OPTIONAL))),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use regex::RegexBuilder;

    use super::*;

    fn anchored(pattern: &str) -> String {
        format!("^(?:{pattern})$")
    }

    fn cost(pattern: &str) -> u64 {
        let anchored = anchored(pattern);
        let ast = ast::parse::Parser::new().parse(&anchored).unwrap();
        estimate(&anchored, &ast, u64::MAX).unwrap()
    }

    fn builds_within(pattern: &str, limit: u64) -> bool {
        RegexBuilder::new(&anchored(pattern))
            .size_limit(limit as usize)
            .build()
            .is_ok()
    }

    /// What people write, and constructs of every kind: the engine builds each within its
    /// estimate, and the common ones within twice what it needs.
    #[test]
    fn the_estimate_bounds_the_engine_from_above() {
        let common = [
            "m5.large",
            "m5\\.large",
            "t2.*",
            ".*prod.*",
            ".{0,60}",
            ".{100}",
            "[^/]{0,100}",
            "[^/]+/[^/]+",
            "[a-z]{100}",
            "[a-zA-Z0-9._-]{1,64}",
            "[0-9]{1,3}(\\.[0-9]{1,3}){3}",
            "(m5|c5|r5)\\.(large|xlarge|[0-9]+xlarge)",
            "us-east-1[a-f]",
            "i-[0-9a-f]{8,17}",
            "(?i)prod.*",
            ".{0,255}",
            "a{0,100}",
            "a{50,100}",
            "a{100,}",
            "(a){100}",
            "(?:ab|cd|ef){100}",
            "(?:a?){100}",
            "(?:a*){100}",
        ];
        let unusual = [
            // The engine reads `a|b` as the class `[ab]`.
            "(?:a|b){100}",
            "\\p{L}",
            "\\p{L}{4}",
            "\\p{Greek}{10}",
            "\\pN+",
            "(?i)[a-z]{100}",
            "(?i)k{100}",
            "[é-ü]{100}",
            "é{100}",
            "\\x{1F600}{100}",
            "(?s).{100}",
            "(?-u:[a-z]){100}",
            "[\\x{0}-\\x{10FFFF}]{50}",
            "(?:\\b){100}",
            "(?:[a-z]{0,3}){100}",
            "(?:a{0,1}){100}",
            "(?:a{2,}){100}",
            "(a{10}){10}",
            "(?i)\\p{L}",
            "(?R).{10}",
        ];
        for pattern in common.iter().chain(&unusual) {
            let estimate = cost(pattern);
            assert!(
                builds_within(pattern, estimate),
                "{pattern}: the engine needs more than the estimate, {estimate}"
            );
        }
        for pattern in common {
            let estimate = cost(pattern);
            assert!(
                !builds_within(pattern, estimate / 2),
                "{pattern}: the estimate, {estimate}, is more than twice what the engine needs"
            );
        }
    }

    #[test]
    fn plain_patterns_cost_as_their_parse_does() {
        assert_eq!(cost("."), ANCHORED + DOT);
        assert_eq!(cost(".*") - ANCHORED, DOT + STAR);
        for pattern in ["m5", "m5.*", ".*large", "a.*b.*c", "-_09azAZ"] {
            assert_eq!(plain_cost(pattern), cost(pattern), "{pattern}");
        }
    }

    #[test]
    fn flags_apply_to_the_rest_of_their_group() {
        let letter = cost("a") - ANCHORED;
        let folded = cost("(?i)a") - ANCHORED;
        assert!(folded > letter);
        assert_eq!(cost("(?i)a(?-i)a") - ANCHORED, folded + letter);
        assert_eq!(cost("(?i:a)a") - ANCHORED, folded + letter);
        assert_eq!(cost("((?i)a)a") - ANCHORED, folded + letter + CAPTURE);
    }

    #[test]
    fn the_costliest_part_is_named() {
        let limit = 512 * 1024;
        let over = |pattern: &str| {
            let anchored = anchored(pattern);
            let ast = ast::parse::Parser::new().parse(&anchored).unwrap();
            let over = estimate(&anchored, &ast, limit).unwrap_err();
            let text = |span: &Range<usize>| anchored[span.clone()].to_owned();
            let largest = over.largest.unwrap();
            let repeated = largest.repeated.unwrap();
            (
                text(&largest.span),
                text(&repeated.span),
                repeated.copies,
                repeated.nested,
            )
        };
        assert_eq!(
            over(".{0,1000}"),
            (".{0,1000}".into(), ".".into(), 1000, false)
        );
        assert_eq!(
            over("x(a{1000}){1000}y"),
            ("(a{1000}){1000}".into(), "(a{1000})".into(), 1000, true)
        );
        assert_eq!(
            over("[a-z]{10}\\p{L}{100}"),
            ("\\p{L}{100}".into(), "\\p{L}".into(), 100, false)
        );
    }
}
