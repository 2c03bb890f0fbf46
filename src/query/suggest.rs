//! "Did you mean" for unknown subjects: the closest documented subject by edit distance,
//! ignoring case, and `attribute:NAME` for a bare attribute-like name.

use super::ast::{ATTRIBUTE_PREFIX, FIXED_SUBJECTS};

/// Longer inputs are not worth comparing (and would cost quadratic time).
const MAX_COMPARED_CHARS: usize = 64;

/// The subject `text` was probably meant to be, if any is close enough.
pub fn suggest_subject(text: &str) -> Option<String> {
    if text.chars().count() > MAX_COMPARED_CHARS {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if let Some((prefix, name)) = text.split_once(':') {
        let attribute = ATTRIBUTE_PREFIX.trim_end_matches(':');
        if !name.is_empty() && distance(&prefix.to_ascii_lowercase(), attribute) <= 2 {
            return Some(format!("{ATTRIBUTE_PREFIX}{name}"));
        }
    }
    let closest = FIXED_SUBJECTS
        .iter()
        .map(|(name, _)| (distance(&lower, &name.to_ascii_lowercase()), *name))
        .min();
    match closest {
        Some((d, name)) if d <= 2 => Some(name.to_owned()),
        _ if !text.contains(':') => Some(format!("{ATTRIBUTE_PREFIX}{text}")),
        _ => None,
    }
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            let insert = current[j] + 1;
            let delete = previous[j + 1] + 1;
            current.push(substitute.min(insert).min(delete));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_subject() {
        assert_eq!(
            suggest_subject("agentversion").as_deref(),
            Some("agentVersion")
        );
        assert_eq!(
            suggest_subject("task:groups").as_deref(),
            Some("task:group")
        );
        assert_eq!(
            suggest_subject("attribut:x").as_deref(),
            Some("attribute:x")
        );
        assert_eq!(
            suggest_subject("Attributes:x").as_deref(),
            Some("attribute:x")
        );
        assert_eq!(suggest_subject("stack").as_deref(), Some("attribute:stack"));
        assert_eq!(suggest_subject("foo:bar"), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }
}
