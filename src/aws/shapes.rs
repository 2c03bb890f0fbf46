//! The API model's structures and their member names, and the check of a document against
//! them: which members a request or a described resource may hold.
//!
//! serde reads the members this crate models and skips the rest, which would let a misspelled
//! member (`placementStrategies`) vanish without a word. The shapes here come from the botocore
//! model the AWS SDKs are generated from ([`MODEL_VERSION`]), so a member the API has but the
//! crate does not read is known, and a member the API does not have is an [`UnknownMember`],
//! with the members allowed at its place and the nearest one. Requests refuse unknown members
//! (as the AWS CLI and boto3 do); snapshots keep them as warnings ([`crate::aws::read`]).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Visitor};

pub use super::model_shapes::*;

/// A structure of the API model.
#[derive(Debug)]
pub struct Shape {
    /// The model's name for it, e.g. `RunTaskRequest`.
    pub name: &'static str,
    /// Its members, in the model's order.
    pub members: &'static [Member],
}

/// A member of a structure.
#[derive(Debug)]
pub struct Member {
    /// The member's name on the wire, e.g. `placementStrategy`.
    pub name: &'static str,
    /// The structure it holds, directly or as the items of a list; `None` for strings,
    /// numbers, maps and the like, whose content is not checked.
    pub holds: Option<&'static Shape>,
}

impl Member {
    /// A member holding a structure (or a list of them).
    pub const fn holding(name: &'static str, shape: &'static Shape) -> Self {
        Self {
            name,
            holds: Some(shape),
        }
    }

    /// A member holding a value whose content is not checked.
    pub const fn value(name: &'static str) -> Self {
        Self { name, holds: None }
    }
}

/// Shapes are equal when they are the same model shape: names are unique in the model.
impl PartialEq for Shape {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Shape {}

impl Shape {
    /// The member called `name`.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members.iter().find(|m| m.name == name)
    }

    /// The member `name` was most likely meant to be: the same name in another case, else the
    /// closest by edit distance (at most a third of the name's length away).
    pub fn nearest_member(&self, name: &str) -> Option<&'static str> {
        nearest(name, self.members.iter().map(|m| m.name))
    }

    /// The member names, comma-separated, in the model's order.
    pub fn member_list(&self) -> String {
        let names: Vec<&str> = self.members.iter().map(|m| m.name).collect();
        names.join(", ")
    }
}

/// The shape called `name`, among those this crate checks.
pub fn find(name: &str) -> Option<&'static Shape> {
    ALL.iter().copied().find(|s| s.name == name)
}

/// The candidate `name` was most likely meant to be: the same word in another case, else the
/// closest by edit distance when it is near enough to be a slip (a third of the name at most).
pub fn nearest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    if let Some(same) = candidates.clone().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let budget = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| {
            (
                strsim::levenshtein(&name.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(distance, _)| *distance <= budget)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// A member a document holds that its structure in the API model does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMember {
    /// Where the structure holding it is, e.g. `overrides.containerOverrides[0]`; empty at the
    /// top of the document.
    pub parent: String,
    /// The member as written.
    pub name: String,
    /// The structure it was found in.
    pub shape: &'static Shape,
}

impl UnknownMember {
    /// The member's whole path, e.g. `overrides.containerOverrides[0].bogus`.
    pub fn path(&self) -> String {
        if self.parent.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.parent, self.name)
        }
    }

    /// The member it was most likely meant to be.
    pub fn suggestion(&self) -> Option<&'static str> {
        self.shape.nearest_member(&self.name)
    }
}

impl fmt::Display for UnknownMember {
    /// `unknown member "placementStrategies" in RunTaskRequest (at the top), did you mean
    /// "placementStrategy"? Its members are: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.parent.is_empty() {
            "the top level".to_owned()
        } else {
            format!("`{}`", self.parent)
        };
        write!(
            f,
            "unknown member {:?} at {place} ({} in the API model)",
            self.name, self.shape.name
        )?;
        match self.suggestion() {
            Some(nearest) => write!(f, "; did you mean {nearest:?}?")?,
            None => f.write_str(".")?,
        }
        write!(f, " The members there are: {}", self.shape.member_list())
    }
}

/// One step of a path into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// A member of a structure.
    Member(&'a str),
    /// An item of a list.
    Index(usize),
}

/// Writes steps as `a.b[3].c`.
pub fn display_path(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Member(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Follows member steps (indices skipped) down from `root`: the structure the path ends in, or
/// `None` when it leaves the checked structures (a map, a string, a member the model lacks).
pub fn shape_at(root: &'static Shape, steps: &[Step<'_>]) -> Option<&'static Shape> {
    let mut shape = root;
    for step in steps {
        if let Step::Member(name) = step {
            shape = shape.member(name)?.holds?;
        }
    }
    Some(shape)
}

/// Walks a JSON value as an instance of `shape` and lists the members the model does not have
/// (members of one structure in name order, as `serde_json::Value` keeps them). Values of the wrong kind are left to the typed reader to report.
pub fn unknown_members(value: &serde_json::Value, shape: &'static Shape) -> Vec<UnknownMember> {
    let mut found = Vec::new();
    let mut path = Vec::new();
    walk(value, shape, &mut path, &mut found);
    found
}

fn walk<'v>(
    value: &'v serde_json::Value,
    shape: &'static Shape,
    path: &mut Vec<Step<'v>>,
    found: &mut Vec<UnknownMember>,
) {
    match value {
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                walk(item, shape, path, found);
                path.pop();
            }
        }
        serde_json::Value::Object(members) => {
            for (name, member_value) in members {
                match shape.member(name) {
                    None => found.push(UnknownMember {
                        parent: display_path(path),
                        name: name.clone(),
                        shape,
                    }),
                    Some(Member {
                        holds: Some(held), ..
                    }) => {
                        path.push(Step::Member(name));
                        walk(member_value, held, path, found);
                        path.pop();
                    }
                    Some(_) => {}
                }
            }
        }
        _ => {}
    }
}

/// The member names serde reads for `T` (a struct with derived `Deserialize`), as the derive
/// spells them; empty for anything else. Lets tests hold the wire types to the model.
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut capture = FieldCapture::default();
    let _ = T::deserialize(&mut capture);
    capture.fields
}

/// A deserializer that only notes the field names a struct asks for, then stops.
#[derive(Default)]
struct FieldCapture {
    fields: &'static [&'static str],
}

impl<'de> de::Deserializer<'de> for &mut FieldCapture {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only struct fields are captured"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.fields = fields;
        Err(de::Error::custom("fields captured"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn nearest_prefers_case_then_small_edits() {
        let names = ["placementStrategy", "placementConstraints", "tags"];
        assert_eq!(
            nearest("placementStrategies", names.iter().copied()),
            Some("placementStrategy")
        );
        assert_eq!(nearest("Tags", names.iter().copied()), Some("tags"));
        assert_eq!(nearest("weight", names.iter().copied()), None);
    }

    #[test]
    fn finds_unknown_members_with_their_paths() {
        let request = serde_json::json!({
            "taskDefinition": "web",
            "placementStrategies": [],
            "placementStrategy": [{"type": "spread", "field": "host", "weight": 2}],
            "overrides": {"containerOverrides": [{"name": "a", "bogus": 1}]},
            "volumeConfigurations": [{"name": "v", "managedEBSVolume": {"roleArn": "r", "sizeInGb": 3}}]
        });
        let found = unknown_members(&request, &RUN_TASK_REQUEST);
        let paths: Vec<String> = found.iter().map(UnknownMember::path).collect();
        assert_eq!(
            paths,
            [
                "overrides.containerOverrides[0].bogus",
                "placementStrategies",
                "placementStrategy[0].weight",
                "volumeConfigurations[0].managedEBSVolume.sizeInGb",
            ]
        );
        assert_eq!(found[0].suggestion(), None);
        assert_eq!(found[1].suggestion(), Some("placementStrategy"));
        assert_eq!(found[2].suggestion(), None);
        assert_eq!(found[3].suggestion(), Some("sizeInGiB"));
        let message = found[1].to_string();
        assert!(
            message.contains("did you mean \"placementStrategy\"?"),
            "{message}"
        );
        assert!(
            message.contains("capacityProviderStrategy, clientToken, cluster"),
            "{message}"
        );
    }

    #[test]
    fn paths_lead_to_their_shapes() {
        let steps = [
            Step::Member("overrides"),
            Step::Member("containerOverrides"),
            Step::Index(2),
        ];
        assert_eq!(display_path(&steps), "overrides.containerOverrides[2]");
        let shape = shape_at(&RUN_TASK_REQUEST, &steps).map(|s| s.name);
        assert_eq!(shape, Some("ContainerOverride"));
        assert!(shape_at(&RUN_TASK_REQUEST, &[Step::Member("cluster")]).is_none());
    }
}
