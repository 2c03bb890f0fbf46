//! The `tags` of a call: how many, how long, which characters, and the reserved `aws:` prefix.
//!
//! The model's pattern for keys and values is `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`: letters, separators
//! (spaces), numbers and `_ . : / = + - @`. It is checked with `char` methods instead of a regex
//! crate. `char::is_numeric` is exactly `\p{N}`. `char::is_alphabetic` is the Unicode `Alphabetic`
//! property: `\p{L}` plus letter numbers (already in `\p{N}`) and a few combining marks, so it
//! accepts slightly more than the pattern for some scripts' vowel signs; no ASCII character differs.
//! `\p{Z}` is read as whitespace that is not a control character (space, no-break space, the
//! Unicode spaces, line and paragraph separators); tab and newline are rejected.

use crate::aws::Tag;
use crate::error::EcsError;

use super::limits::preview;

/// Most tags on one task.
pub const MAX_TAGS: usize = 50;
/// Longest key.
pub const MAX_KEY_CHARS: usize = 128;
/// Longest value.
pub const MAX_VALUE_CHARS: usize = 256;

/// Checks every tag; keys must also be unique.
pub fn check_tags(tags: &[Tag]) -> Result<(), EcsError> {
    if tags.len() > MAX_TAGS {
        return Err(EcsError::invalid_parameter(format!(
            "tags may hold at most {MAX_TAGS} tags, got {}",
            tags.len()
        )));
    }
    for (index, tag) in tags.iter().enumerate() {
        check_key(index, tag.key.as_deref())?;
        check_value(index, tag.value.as_deref().unwrap_or_default())?;
        let repeated = tags[..index].iter().any(|earlier| earlier.key == tag.key);
        if repeated {
            return Err(EcsError::invalid_parameter(format!(
                "tags[{index}].key {:?} is given more than once; each key may appear once",
                tag.key.as_deref().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

fn check_key(index: usize, key: Option<&str>) -> Result<(), EcsError> {
    let key = key.unwrap_or_default();
    let chars = key.chars().count();
    if chars == 0 || chars > MAX_KEY_CHARS {
        return Err(EcsError::invalid_parameter(format!(
            "tags[{index}].key must be 1 to {MAX_KEY_CHARS} characters, got {chars}: {:?}",
            preview(key)
        )));
    }
    check_text(index, "key", key)
}

fn check_value(index: usize, value: &str) -> Result<(), EcsError> {
    let chars = value.chars().count();
    if chars > MAX_VALUE_CHARS {
        return Err(EcsError::invalid_parameter(format!(
            "tags[{index}].value must be at most {MAX_VALUE_CHARS} characters, got {chars}: {:?}",
            preview(value)
        )));
    }
    check_text(index, "value", value)
}

/// The charset and the reserved prefix, shared by keys and values.
fn check_text(index: usize, member: &str, text: &str) -> Result<(), EcsError> {
    if let Some(bad) = text.chars().find(|&c| !is_tag_char(c)) {
        return Err(EcsError::invalid_parameter(format!(
            "tags[{index}].{member} {:?} contains {bad:?}; allowed are letters, numbers, spaces and _ . : / = + - @",
            preview(text)
        )));
    }
    if has_reserved_prefix(text) {
        return Err(EcsError::invalid_parameter(format!(
            "tags[{index}].{member} {:?} starts with \"aws:\", which is reserved for AWS in any letter case",
            preview(text)
        )));
    }
    Ok(())
}

/// Whether `text` starts with `aws:` in any mix of cases.
fn has_reserved_prefix(text: &str) -> bool {
    text.get(..4)
        .is_some_and(|head| head.eq_ignore_ascii_case("aws:"))
}

/// One character of the pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
pub fn is_tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}
