//! Attribute names and values: the rules of the API (spec section 9.1) and the interners that
//! turn each distinct name and value into a small id, so instances store ids and the query
//! language compares integers.

use std::sync::Arc;

use indexmap::IndexSet;

use super::MapHasher;

/// The attribute that names an instance's availability zone.
pub const AVAILABILITY_ZONE_ATTRIBUTE: &str = "ecs.availability-zone";

/// An interned attribute name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrNameId(pub u32);

/// An interned attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrValueId(pub u32);

/// Longest attribute name or value the API accepts, in characters.
pub const MAX_ATTRIBUTE_LENGTH: usize = 128;

/// Checks an attribute name: 1 to 128 letters, digits, `-`, `_`, `/`, `\` or `.`.
///
/// "Letters" is read as Unicode letters: the API does not say ASCII, and a dump that AWS
/// accepted must load.
pub fn check_attribute_name(name: &str) -> Result<(), String> {
    check_length("name", name)?;
    match name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '\\' | '.')))
    {
        Some(bad) => Err(format!(
            "attribute name `{name}` contains `{bad}`; names allow letters, digits, -, _, /, \\ and ."
        )),
        None => Ok(()),
    }
}

/// Checks an attribute value: 1 to 128 letters, digits, `-`, `_`, `.`, `@`, `/`, `\`, `:` or
/// spaces, not starting or ending with a space.
pub fn check_attribute_value(value: &str) -> Result<(), String> {
    check_length("value", value)?;
    if value.starts_with(' ') || value.ends_with(' ') {
        return Err(format!(
            "attribute value `{value}` starts or ends with a space"
        ));
    }
    match value.chars().find(|&c| {
        !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/' | '\\' | ':' | ' '))
    }) {
        Some(bad) => Err(format!(
            "attribute value `{value}` contains `{bad}`; values allow letters, digits, spaces, -, _, ., @, /, \\ and :"
        )),
        None => Ok(()),
    }
}

fn check_length(what: &str, text: &str) -> Result<(), String> {
    let length = text.chars().count();
    if length == 0 {
        return Err(format!(
            "attribute {what} is empty; it needs 1 to 128 characters"
        ));
    }
    if length > MAX_ATTRIBUTE_LENGTH {
        return Err(format!(
            "attribute {what} has {length} characters; at most {MAX_ATTRIBUTE_LENGTH} are allowed"
        ));
    }
    Ok(())
}

/// A string interner: each distinct string gets the id of its first appearance.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    /// Shared, so a described task's zone is the interned value itself.
    strings: IndexSet<Arc<str>, MapHasher>,
}

impl Interner {
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if let Some(index) = self.strings.get_index_of(text) {
            return index as u32;
        }
        self.strings.insert_full(text.into()).0 as u32
    }

    pub(crate) fn get(&self, text: &str) -> Option<u32> {
        self.strings.get_index_of(text).map(|index| index as u32)
    }

    /// How many distinct strings.
    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    pub(crate) fn resolve(&self, id: u32) -> &str {
        self.resolve_shared(id).map_or("", |s| s)
    }

    /// The string of `id` as the interner holds it (`None` for an unknown id).
    pub(crate) fn resolve_shared(&self, id: u32) -> Option<&Arc<str>> {
        self.strings.get_index(id as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_api_charset() {
        assert!(check_attribute_name("ecs.instance-type").is_ok());
        assert!(
            check_attribute_name("com.amazonaws.ecs.capability.docker-remote-api.1.17").is_ok()
        );
        assert!(check_attribute_name("a/b\\c_d").is_ok());
        assert!(check_attribute_name("").is_err());
        assert!(check_attribute_name("has space").is_err());
        assert!(check_attribute_name("colon:no").is_err());
        assert!(check_attribute_name(&"n".repeat(128)).is_ok());
        assert!(check_attribute_name(&"n".repeat(129)).is_err());
    }

    #[test]
    fn values_follow_the_api_charset() {
        assert!(check_attribute_value("us-east-1a").is_ok());
        assert!(check_attribute_value("service:web @ 2/3").is_ok());
        assert!(check_attribute_value(" lead").is_err());
        assert!(check_attribute_value("trail ").is_err());
        assert!(check_attribute_value("a,b").is_err());
        assert!(check_attribute_value("").is_err());
        assert!(check_attribute_value(&"v".repeat(128)).is_ok());
        assert!(check_attribute_value(&"v".repeat(129)).is_err());
    }

    #[test]
    fn interner_gives_first_appearance_ids() {
        let mut interner = Interner::default();
        assert_eq!(interner.intern("a"), 0);
        assert_eq!(interner.intern("b"), 1);
        assert_eq!(interner.intern("a"), 0);
        assert_eq!(interner.get("b"), Some(1));
        assert_eq!(interner.get("c"), None);
        assert_eq!(interner.resolve(1), "b");
    }
}
