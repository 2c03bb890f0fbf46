//! Reading AWS JSON text into the wire shapes, with errors that name the member's path.
//!
//! Two policies, one per kind of document:
//! * a **request** ([`request`]) is refused when it holds a member its API shape does not have,
//!   as the AWS CLI and boto3 refuse one before it reaches AWS: a misspelled
//!   `placementStrategies` must not quietly become "no strategy";
//! * a **described resource** (the parts of a snapshot, read by [`document`]) keeps loading
//!   when it holds members the model lacks (real dumps carry members newer than the model), and
//!   the reader returns them as [`UnknownMember`]s for `validate` to show.
//!
//! Both strip a UTF-8 byte-order mark, and report a JSON type error as
//! `LINE:COLUMN: tasks[3].containers[0].cpu: expected a string, found integer 256`.

use std::borrow::Cow;
use std::fmt;

use serde::de::DeserializeOwned;

use super::shapes::{Shape, Step, UnknownMember, display_path, unknown_members};
use crate::error::{EcsError, ExceptionName};

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The exception ECS would raise: `InvalidParameterException` for a request member the API
    /// does not have, `ClientException` for text that is not the shape's JSON.
    pub exception: ExceptionName,
    /// The line and column (from 1) of the problem in the text, when it has one.
    pub position: Option<(usize, usize)>,
    /// What is wrong, starting with the member's path when there is one.
    pub message: String,
}

impl ReadError {
    /// The error as an [`EcsError`] whose message starts with `SOURCE:LINE:COLUMN: ` (or
    /// `SOURCE: `), as compilers report a position in a file.
    pub fn in_source(&self, source: &str) -> EcsError {
        EcsError::new(self.exception, format!("{source}:{self}"))
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{line}:{column}: {}", self.message),
            None => write!(f, " {}", self.message),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for EcsError {
    fn from(error: ReadError) -> Self {
        let place = match error.position {
            Some((line, column)) => format!("line {line}, column {column}: "),
            None => String::new(),
        };
        EcsError::new(error.exception, format!("{place}{}", error.message))
    }
}

/// The text without a leading UTF-8 byte-order mark (Windows editors write one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A file's bytes as text: UTF-8 (with or without a byte-order mark), or UTF-16 with its
/// byte-order mark (what PowerShell's `>` writes). Anything else is refused with the way to
/// convert it.
pub fn text_from_bytes(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    let refuse = |message: String| ReadError {
        exception: ExceptionName::ClientException,
        position: None,
        message,
    };
    let utf16 = |rest: &[u8], big_endian: bool| {
        if rest.len() % 2 == 1 {
            return Err(refuse(format!(
                "the text starts with a UTF-16 byte-order mark but has an odd number of bytes ({}); \
                 re-save it as UTF-8 (PowerShell: `Out-File -Encoding utf8`, or `iconv -f UTF-16 -t UTF-8`)",
                rest.len() + 2
            )));
        }
        let units = rest.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if big_endian {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|e| {
                refuse(format!(
                    "the text is UTF-16 ({}) but holds an unpaired surrogate {:#06x}; re-save it as UTF-8",
                    if big_endian { "big-endian" } else { "little-endian" },
                    e.unpaired_surrogate()
                ))
            })
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest, &refuse),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
        [first, 0, ..] if *first != 0 => Err(refuse(
            "the text looks like UTF-16 without a byte-order mark (every other byte is 0); \
             re-save it as UTF-8 (`iconv -f UTF-16LE -t UTF-8`)"
                .to_owned(),
        )),
        _ => utf8(bytes, &refuse),
    }
}

fn utf8<'a>(
    bytes: &'a [u8],
    refuse: &impl Fn(String) -> ReadError,
) -> Result<Cow<'a, str>, ReadError> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let at = e.valid_up_to();
        refuse(format!(
            "the text is not UTF-8: byte {at} is {:#04x}; convert the file to UTF-8 \
             (e.g. `iconv -f LATIN1 -t UTF-8`)",
            bytes[at]
        ))
    })
}

/// A request type and its shape in the API model, for [`request`] and `from_json`.
pub trait RequestShape: DeserializeOwned {
    /// The request's structure in the API model.
    const SHAPE: &'static Shape;

    /// Reads the request from JSON text, refusing members the API does not have
    /// (`InvalidParameterException`, naming the member, the members allowed there and the
    /// nearest one) and values of the wrong type (`ClientException`, naming the path).
    fn from_json(text: &str) -> Result<Self, EcsError> {
        Ok(request(text, Self::SHAPE)?)
    }
}

impl RequestShape for super::RunTaskRequest {
    const SHAPE: &'static Shape = &super::shapes::RUN_TASK_REQUEST;
}

impl RequestShape for super::StartTaskRequest {
    const SHAPE: &'static Shape = &super::shapes::START_TASK_REQUEST;
}

/// Reads a request of API shape `shape` (e.g. [`super::shapes::RUN_TASK_REQUEST`]): every
/// member must be one the shape has, at every depth; then the typed read.
pub fn request<T: DeserializeOwned>(text: &str, shape: &'static Shape) -> Result<T, ReadError> {
    let text = strip_bom(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| syntax_error(&e))?;
    let unknown = unknown_members(&value, shape);
    if let Some(first) = unknown.first() {
        let mut message = format!("{}: {first}", first.path());
        if unknown.len() > 1 {
            let others: Vec<String> = unknown[1..].iter().map(UnknownMember::path).collect();
            message.push_str(&format!(" (also unknown: {})", others.join(", ")));
        }
        return Err(ReadError {
            exception: ExceptionName::InvalidParameterException,
            position: None,
            message,
        });
    }
    typed(text, |_| {})
}

/// Reads a JSON value already parsed into `T`; a type error names the member's path after
/// `prefix` (e.g. `request.count`). Values carry no line and column.
pub fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, ReadError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = match (prefix.is_empty(), path.as_str()) {
            (_, ".") => prefix.to_owned(),
            (true, _) => path,
            (false, p) if p.starts_with('[') => format!("{prefix}{p}"),
            (false, p) => format!("{prefix}.{p}"),
        };
        let mut error = type_error(&path, &e.into_inner());
        error.position = None;
        error
    })
}

/// Reads a document, calling `ignored` with the path of every member the type `T` skipped
/// (members it does not model, at any depth), in document order.
pub fn document<T: DeserializeOwned>(
    text: &str,
    ignored: impl FnMut(&[Step<'_>]),
) -> Result<T, ReadError> {
    typed(strip_bom(text), ignored)
}

fn typed<T: DeserializeOwned>(
    text: &str,
    mut ignored: impl FnMut(&[Step<'_>]),
) -> Result<T, ReadError> {
    let mut json = serde_json::Deserializer::from_str(text);
    let mut on_skip = |path: serde_ignored::Path<'_>| {
        let mut steps = Vec::new();
        collect_steps(&path, &mut steps);
        ignored(&steps);
    };
    let skipping = serde_ignored::Deserializer::new(&mut json, &mut on_skip);
    let value = serde_path_to_error::deserialize(skipping).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        type_error(&path, &inner)
    })?;
    json.end().map_err(|e| syntax_error(&e))?;
    Ok(value)
}

/// serde_ignored's path, outermost step first (options and newtypes are not steps).
fn collect_steps<'p>(path: &'p serde_ignored::Path<'p>, steps: &mut Vec<Step<'p>>) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            collect_steps(parent, steps);
            steps.push(Step::Index(*index));
        }
        Path::Map { parent, key } => {
            collect_steps(parent, steps);
            steps.push(Step::Member(key));
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => collect_steps(parent, steps),
    }
}

fn syntax_error(error: &serde_json::Error) -> ReadError {
    ReadError {
        exception: ExceptionName::ClientException,
        position: Some((error.line(), error.column())),
        message: without_position(&error.to_string()).to_owned(),
    }
}

fn type_error(path: &str, error: &serde_json::Error) -> ReadError {
    let message = reword(without_position(&error.to_string()));
    let message = if path.is_empty() || path == "." {
        message
    } else {
        format!("{path}: {message}")
    };
    ReadError {
        exception: ExceptionName::ClientException,
        position: Some((error.line(), error.column())),
        message,
    }
}

/// serde's `invalid type: integer `256`, expected a string` reads better the other way round:
/// `expected a string, found integer 256`.
fn reword(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_owned();
    };
    match rest.rsplit_once(", expected ") {
        Some((found, expected)) => format!("expected {expected}, found {}", found.replace('`', "")),
        None => message.to_owned(),
    }
}

/// serde_json ends its messages with " at line L column C"; the position is given apart.
fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// The steps as a display path, e.g. `tasks[3].containers[0]`.
pub fn path_text(steps: &[Step<'_>]) -> String {
    display_path(steps)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::aws::shapes::RUN_TASK_REQUEST;
    use crate::aws::{RunTaskRequest, Task};

    #[test]
    fn a_misspelled_request_member_is_refused_with_the_nearest() {
        let error = request::<RunTaskRequest>(
            r#"{"taskDefinition": "web", "placementStrategies": [{"type": "random"}]}"#,
            &RUN_TASK_REQUEST,
        )
        .unwrap_err();
        assert_eq!(error.exception, ExceptionName::InvalidParameterException);
        assert!(
            error.message.starts_with(
                "placementStrategies: unknown member \"placementStrategies\" at the top level"
            ),
            "{}",
            error.message
        );
        assert!(
            error
                .message
                .contains("did you mean \"placementStrategy\"?")
        );
    }

    #[test]
    fn type_errors_name_the_path() {
        let error =
            document::<Task>("{\"containers\": [{}, {\"name\": [1]}]}", |_| {}).unwrap_err();
        assert_eq!(
            error.message,
            "containers[1].name: expected a string, found sequence"
        );
        assert_eq!(error.position, Some((1, 29)));
    }

    #[test]
    fn text_is_read_from_utf8_and_utf16_with_marks() {
        assert_eq!(text_from_bytes(b"{}").unwrap(), "{}");
        assert_eq!(text_from_bytes(b"\xEF\xBB\xBF{}").unwrap(), "{}");
        assert_eq!(text_from_bytes(b"\xFF\xFE{\0}\0").unwrap(), "{}");
        assert_eq!(text_from_bytes(b"\xFE\xFF\0{\0}").unwrap(), "{}");
        let odd = text_from_bytes(b"\xFF\xFE{\0}").unwrap_err();
        assert!(
            odd.message.contains("odd number of bytes (5)"),
            "{}",
            odd.message
        );
        let unmarked = text_from_bytes(b"{\0}\0").unwrap_err();
        assert!(
            unmarked
                .message
                .contains("UTF-16 without a byte-order mark")
        );
        let latin = text_from_bytes(b"{\"a\": \"caf\xE9\"}").unwrap_err();
        assert!(
            latin
                .message
                .starts_with("the text is not UTF-8: byte 10 is 0xe9"),
            "{}",
            latin.message
        );
        let lone = text_from_bytes(b"\xFF\xFE\x00\xD8").unwrap_err();
        assert!(
            lone.message.contains("unpaired surrogate 0xd800"),
            "{}",
            lone.message
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let request: RunTaskRequest =
            request("\u{feff}{\"taskDefinition\": \"web\"}", &RUN_TASK_REQUEST).unwrap();
        assert_eq!(request.task_definition.as_deref(), Some("web"));
    }

    #[test]
    fn skipped_members_are_reported_with_their_paths() {
        let mut seen = Vec::new();
        let task: Task = document(
            r#"{"taskArn": "a", "attachments": [], "containers": [{"name": "c", "healthStatus": "x"}]}"#,
            |steps| seen.push(path_text(steps)),
        )
        .unwrap();
        assert_eq!(task.task_arn.as_deref(), Some("a"));
        assert_eq!(seen, ["attachments", "containers[0].healthStatus"]);
    }
}
