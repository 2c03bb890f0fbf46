//! "Did you mean" for unknown subjects: the closest documented subject by edit distance,
//! ignoring case; the built-in attribute for a well-known EC2 or ECS word (`ec2InstanceType`
//! is `attribute:ecs.instance-type`); else `attribute:NAME` for a bare attribute-like name.

use super::ast::{ATTRIBUTE_PREFIX, FIXED_SUBJECTS};

/// Longer inputs are not worth comparing (and would cost quadratic time).
const MAX_COMPARED_CHARS: usize = 64;

/// The attributes ECS sets on every container instance (`docs/QUERY_LANGUAGE.md`, "Built-in
/// attributes"), each with what it holds and the words people write for it, in the form
/// [`normalized`] gives them.
const BUILT_IN_ATTRIBUTES: [(&str, &str, &[&str]); 8] = [
    (
        "ecs.instance-type",
        "the instance type",
        &["instancetype", "type", "instanceclass", "instancesize"],
    ),
    (
        "ecs.availability-zone",
        "the Availability Zone",
        &["availabilityzone", "az", "zone", "azname", "zonename"],
    ),
    (
        "ecs.ami-id",
        "the AMI id",
        &["amiid", "ami", "imageid", "image"],
    ),
    (
        "ecs.os-type",
        "the operating system, linux or windows",
        &["ostype", "os", "platform", "operatingsystem"],
    ),
    (
        "ecs.os-family",
        "the operating system family, such as LINUX",
        &["osfamily"],
    ),
    (
        "ecs.cpu-architecture",
        "the CPU architecture, such as x86_64 or arm64",
        &["cpuarchitecture", "architecture", "arch", "cpuarch"],
    ),
    ("ecs.vpc-id", "the VPC id", &["vpcid", "vpc"]),
    ("ecs.subnet-id", "the subnet id", &["subnetid", "subnet"]),
];

/// The words people write for the subjects that are not attributes, normalized.
const SUBJECT_WORDS: [(&str, &[&str]); 4] = [
    ("ec2InstanceId", &["instanceid", "id", "instance"]),
    (
        "task:group",
        &["group", "taskgroup", "service", "servicename"],
    ),
    (
        "runningTasksCount",
        &["runningtasks", "taskcount", "taskscount", "tasks"],
    ),
    ("agentVersion", &["version"]),
];

/// Prefixes a well-known word may carry (`ec2InstanceType`, `ecsAvailabilityZone`).
const PREFIXES: [&str; 4] = ["ec2", "ecs", "aws", "amazon"];

/// What an unknown subject was probably meant to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The subject, as it should be written.
    pub subject: String,
    /// What the subject holds, when it is a built-in attribute found by meaning rather than
    /// spelling.
    pub holds: Option<&'static str>,
}

impl Suggestion {
    fn plain(subject: String) -> Self {
        Self {
            subject,
            holds: None,
        }
    }
}

/// The subject `text` was probably meant to be, if any is close enough.
pub fn suggest_subject(text: &str) -> Option<Suggestion> {
    if text.chars().count() > MAX_COMPARED_CHARS {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if let Some((prefix, name)) = text.split_once(':') {
        let attribute = ATTRIBUTE_PREFIX.trim_end_matches(':');
        if !name.is_empty() && distance(&prefix.to_ascii_lowercase(), attribute) <= 2 {
            // The name is kept as written: after `attribute:` it may be a custom attribute's.
            return Some(Suggestion::plain(format!("{ATTRIBUTE_PREFIX}{name}")));
        }
    }
    let closest = FIXED_SUBJECTS
        .iter()
        .map(|(name, _)| (distance(&lower, &name.to_ascii_lowercase()), *name))
        .min();
    if let Some((d, name)) = closest
        && d <= 2
    {
        return Some(Suggestion::plain(name.to_owned()));
    }
    if let Some((name, holds)) = built_in_attribute(text) {
        return Some(Suggestion {
            subject: format!("{ATTRIBUTE_PREFIX}{name}"),
            holds: Some(holds),
        });
    }
    if let Some(subject) = known_word(text, &SUBJECT_WORDS) {
        return Some(Suggestion::plain(subject.to_owned()));
    }
    (!text.contains(':')).then(|| Suggestion::plain(format!("{ATTRIBUTE_PREFIX}{text}")))
}

/// The built-in attribute a word names, with what it holds: `instanceType`, `ec2_instance_type`,
/// `AvailabilityZone`, `ecs.instance-type` (a missing `attribute:`), and a typo in a long word.
fn built_in_attribute(text: &str) -> Option<(&'static str, &'static str)> {
    let words: Vec<(&str, &[&str])> = BUILT_IN_ATTRIBUTES
        .iter()
        .map(|(name, _, words)| (*name, *words))
        .collect();
    let name = known_word(text, &words)?;
    BUILT_IN_ATTRIBUTES
        .iter()
        .find(|(built_in, _, _)| *built_in == name)
        .map(|(name, holds, _)| (*name, *holds))
}

/// The name whose words hold `text`, normalized and with or without a prefix such as `ec2`.
fn known_word<'a>(text: &str, names: &[(&'a str, &[&str])]) -> Option<&'a str> {
    let word = normalized(text);
    let bare = PREFIXES
        .iter()
        .find_map(|prefix| word.strip_prefix(prefix))
        .filter(|rest| !rest.is_empty());
    let candidates = [Some(word.as_str()), bare];
    // Exact first, then two edits away (a swap is two) for words long enough that such a
    // difference is a typo.
    for tolerance in [0, 2] {
        for candidate in candidates.iter().flatten() {
            let found = names.iter().find(|(_, words)| {
                words.iter().any(|known| {
                    if tolerance == 0 {
                        known == candidate
                    } else {
                        known.len() >= 8 && distance(candidate, known) <= tolerance
                    }
                })
            });
            if let Some((name, _)) = found {
                return Some(name);
            }
        }
    }
    None
}

/// `ec2InstanceType`, `instance_type` and `Instance-Type` all read `instancetype`.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
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

    fn subject(text: &str) -> Option<String> {
        suggest_subject(text).map(|s| s.subject)
    }

    #[test]
    fn suggests_the_nearest_subject() {
        assert_eq!(subject("agentversion").as_deref(), Some("agentVersion"));
        assert_eq!(subject("task:groups").as_deref(), Some("task:group"));
        assert_eq!(subject("attribut:x").as_deref(), Some("attribute:x"));
        assert_eq!(subject("Attributes:x").as_deref(), Some("attribute:x"));
        assert_eq!(subject("stack").as_deref(), Some("attribute:stack"));
        assert_eq!(subject("foo:bar"), None);
    }

    #[test]
    fn well_known_words_suggest_the_built_in_attribute() {
        for (text, expected) in [
            ("ec2InstanceType", "attribute:ecs.instance-type"),
            ("instanceType", "attribute:ecs.instance-type"),
            ("instance_type", "attribute:ecs.instance-type"),
            ("InstanceTyep", "attribute:ecs.instance-type"),
            ("ecs.instance-type", "attribute:ecs.instance-type"),
            ("availabilityZone", "attribute:ecs.availability-zone"),
            ("AZ", "attribute:ecs.availability-zone"),
            ("ec2AvailabilityZone", "attribute:ecs.availability-zone"),
            ("amiId", "attribute:ecs.ami-id"),
            ("imageId", "attribute:ecs.ami-id"),
            ("osType", "attribute:ecs.os-type"),
            ("os", "attribute:ecs.os-type"),
            ("cpuArchitecture", "attribute:ecs.cpu-architecture"),
            ("architecture", "attribute:ecs.cpu-architecture"),
            ("vpcId", "attribute:ecs.vpc-id"),
            ("subnet", "attribute:ecs.subnet-id"),
            ("instanceId", "ec2InstanceId"),
            ("group", "task:group"),
        ] {
            assert_eq!(subject(text).as_deref(), Some(expected), "{text}");
        }
        let Some(suggestion) = suggest_subject("ec2InstanceType") else {
            panic!("a suggestion");
        };
        assert_eq!(suggestion.holds, Some("the instance type"));
        // Near a documented subject, that subject still wins.
        assert_eq!(subject("ec2InstanceID").as_deref(), Some("ec2InstanceId"));
        // A custom attribute keeps its name.
        assert_eq!(subject("team").as_deref(), Some("attribute:team"));
        assert_eq!(subject("attribut:team").as_deref(), Some("attribute:team"));
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }
}
