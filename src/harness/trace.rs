//! Timed traces (docs/TRACE_FORMAT.md): one JSON event per line, read as a stream.
//!
//! Owns the event types ([`TraceEvent`], [`Action`]), the reading of one line
//! ([`parse_line`]) and the streaming reader ([`TraceReader`]), which holds one line at a time:
//! a trace of any size is read in constant memory. Every error names the line
//! (`trace line 12: ...`) and is typed as ECS types a bad parameter.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::aws::read::from_value;
use crate::aws::shapes::{
    CONTAINER_INSTANCE, RUN_TASK_REQUEST, Shape, UnknownMember, nearest, unknown_members,
};
use crate::aws::{ContainerInstance, RunTaskRequest};
use crate::error::{EcsError, ExceptionName};
use crate::generate::WorkloadEvent;

/// The trace format version this reader writes and reads (a header line may name it).
pub const TRACE_FORMAT_VERSION: u64 = 1;

/// One event of a trace, at its time.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEvent {
    /// Seconds from the start of the trace; never less than the previous event's.
    pub at: f64,
    /// What happens.
    pub action: Action,
}

/// What a trace event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A RunTask call placed with `seed`; its tasks stop `duration` seconds later when given.
    RunTask {
        /// The request.
        request: Box<RunTaskRequest>,
        /// The seed of the call's generator.
        seed: u64,
        /// Seconds after which the tasks it placed stop.
        duration: Option<f64>,
        /// A name for the tasks it placed, which a `stop-task` may give to stop them.
        name: Option<String>,
    },
    /// A StopTask call: the task `task_arn`, else the running task at `pick` (modulo how many
    /// run, in the order they started).
    StopTask {
        /// The task's ARN.
        task_arn: Option<String>,
        /// Which running task, when no ARN is given.
        pick: Option<u64>,
        /// The tasks a `run-task` of this name placed (all of them still running).
        name: Option<String>,
    },
    /// A container instance joins the cluster.
    RegisterInstance {
        /// The instance as `DescribeContainerInstances` gives it.
        instance: Box<ContainerInstance>,
    },
    /// A container instance leaves the cluster (`force`: even with running tasks).
    DeregisterInstance {
        /// The instance's ARN or id.
        instance: String,
        /// Whether its running tasks are stopped with it.
        force: bool,
    },
    /// A container instance is set to `DRAINING`.
    DrainInstance {
        /// The instance's ARN or id.
        instance: String,
    },
}

impl From<WorkloadEvent> for Action {
    fn from(event: WorkloadEvent) -> Self {
        match event {
            WorkloadEvent::RunTask { request, seed } => Action::RunTask {
                request,
                seed,
                duration: None,
                name: None,
            },
            WorkloadEvent::StopTask { task_arn, pick } => Action::StopTask {
                task_arn,
                pick,
                name: None,
            },
        }
    }
}

/// The event kinds, as the `event` member names them.
const EVENTS: [&str; 5] = [
    "run-task",
    "stop-task",
    "register-instance",
    "deregister-instance",
    "drain-instance",
];

/// What one line holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Nothing (blank, or the header).
    Nothing,
    /// An event; `at` when the line gives it.
    Event {
        /// The line's `at`.
        at: Option<f64>,
        /// What happens.
        action: Action,
    },
}

fn invalid(message: String) -> EcsError {
    EcsError::new(ExceptionName::InvalidParameterException, message)
}

/// Reads one line (without its number: errors say only what is wrong).
pub fn parse_line(line: &str) -> Result<Line, EcsError> {
    let line = crate::aws::read::strip_bom(line);
    if line.trim().is_empty() {
        return Ok(Line::Nothing);
    }
    let line = line.trim_end_matches(['\n', '\r']);
    let value: Value =
        serde_json::from_str(line).map_err(|e| EcsError::client(json_error(line, &e)))?;
    let Value::Object(mut members) = value else {
        return Err(invalid("an event is a JSON object".to_owned()));
    };
    if let Some(format) = members.get("traceFormat") {
        return header(format, &members);
    }
    let kind = match members.remove("event") {
        Some(Value::String(kind)) => kind,
        Some(other) => return Err(invalid(format!("event: expected a string, found {other}"))),
        None => {
            return Err(invalid(format!(
                "event is missing; one of: {}",
                EVENTS.join(", ")
            )));
        }
    };
    let at = match members.remove("at") {
        None => None,
        Some(value) => Some(seconds("at", &value)?),
    };
    let allowed: &[&str] = match kind.as_str() {
        "run-task" => &["request", "seed", "duration", "name"],
        "stop-task" => &["taskArn", "pick", "name"],
        "register-instance" => &["instance"],
        "deregister-instance" => &["instance", "force"],
        "drain-instance" => &["instance"],
        other => {
            let hint = nearest(other, EVENTS.iter().copied())
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            return Err(invalid(format!(
                "unknown event {other:?}{hint} Events: {}",
                EVENTS.join(", ")
            )));
        }
    };
    if let Some(other) = members.keys().find(|k| !allowed.contains(&k.as_str())) {
        let hint = nearest(other, allowed.iter().copied())
            .map(|n| format!("; did you mean {n:?}?"))
            .unwrap_or_default();
        return Err(invalid(format!(
            "unknown member {other:?} of a {kind} event{hint} Its members: at, event, {}",
            allowed.join(", ")
        )));
    }
    let action = match kind.as_str() {
        "run-task" => Action::RunTask {
            request: Box::new(shaped(&mut members, "request", &RUN_TASK_REQUEST)?),
            seed: optional(&mut members, "seed")?.unwrap_or(0),
            duration: match members.get("duration") {
                Some(value) => Some(seconds("duration", value)?),
                None => None,
            },
            name: optional(&mut members, "name")?,
        },
        "stop-task" => {
            let given: Vec<&str> = ["taskArn", "name", "pick"]
                .into_iter()
                .filter(|m| members.get(*m).is_some_and(|v| !v.is_null()))
                .collect();
            if given.len() != 1 {
                return Err(invalid(format!(
                    "a stop-task names its task by exactly one of taskArn, name and pick; {}",
                    match given.as_slice() {
                        [] => "it has none".to_owned(),
                        _ => format!("it has {}", given.join(" and ")),
                    }
                )));
            }
            Action::StopTask {
                task_arn: optional(&mut members, "taskArn")?,
                pick: optional(&mut members, "pick")?,
                name: optional(&mut members, "name")?,
            }
        }
        "register-instance" => Action::RegisterInstance {
            instance: Box::new(shaped(&mut members, "instance", &CONTAINER_INSTANCE)?),
        },
        "deregister-instance" => Action::DeregisterInstance {
            instance: required(&mut members, "instance")?,
            force: optional(&mut members, "force")?.unwrap_or(false),
        },
        _ => Action::DrainInstance {
            instance: required(&mut members, "instance")?,
        },
    };
    Ok(Line::Event { at, action })
}

/// What is wrong with one line of JSON lines (`line` without its line break): the column
/// (in characters, from 1) where reading stopped and serde_json's message without its own
/// position, which counts lines within the text and so is always line 1. Text that ends before
/// its value does is said so, at the column after its last character.
pub(crate) fn json_error(line: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    let chars_before = |bytes: usize| {
        let mut end = bytes.min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line[..end].chars().count()
    };
    if error.is_eof() {
        let column = line.chars().count() + 1;
        format!("column {column}: the line ends early: not a JSON object: {message}")
    } else {
        let column = chars_before(error.column()).max(1);
        format!("column {column}: not a JSON object: {message}")
    }
}

/// The header line `{"traceFormat": 1}` (optionally with `"description"`).
fn header(format: &Value, members: &Map<String, Value>) -> Result<Line, EcsError> {
    if let Some(other) = members
        .keys()
        .find(|k| !["traceFormat", "description"].contains(&k.as_str()))
    {
        return Err(invalid(format!(
            "unknown member {other:?} of the header; it holds traceFormat and description"
        )));
    }
    match format.as_u64() {
        Some(version) if (1..=TRACE_FORMAT_VERSION).contains(&version) => Ok(Line::Nothing),
        _ => Err(invalid(format!(
            "traceFormat {format} is not one this reader knows (1 to {TRACE_FORMAT_VERSION})"
        ))),
    }
}

/// A finite number of seconds, at least 0.
fn seconds(name: &str, value: &Value) -> Result<f64, EcsError> {
    match value.as_f64() {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(seconds),
        _ => Err(invalid(format!(
            "{name}: expected seconds (a number, at least 0), found {value}"
        ))),
    }
}

/// A member of an API shape: unknown members named with the nearest, types with their path.
fn shaped<T: serde::de::DeserializeOwned>(
    members: &mut Map<String, Value>,
    name: &str,
    shape: &'static Shape,
) -> Result<T, EcsError> {
    let value = members
        .remove(name)
        .ok_or_else(|| invalid(format!("{name} is missing")))?;
    if let Some(first) = unknown_members(&value, shape).first() {
        let first = UnknownMember {
            parent: if first.parent.is_empty() || first.parent.starts_with('[') {
                format!("{name}{}", first.parent)
            } else {
                format!("{name}.{}", first.parent)
            },
            ..first.clone()
        };
        return Err(invalid(format!("{}: {first}", first.path())));
    }
    from_value(value, name).map_err(|e| EcsError::new(e.exception, e.message))
}

fn optional<T: serde::de::DeserializeOwned>(
    members: &mut Map<String, Value>,
    name: &str,
) -> Result<Option<T>, EcsError> {
    match members.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => from_value(value, name)
            .map(Some)
            .map_err(|e| invalid(e.message)),
    }
}

fn required<T: serde::de::DeserializeOwned>(
    members: &mut Map<String, Value>,
    name: &str,
) -> Result<T, EcsError> {
    optional(members, name)?.ok_or_else(|| invalid(format!("{name} is missing")))
}

/// Reads a trace from `reader` one line at a time, giving its events with their times.
///
/// An event without `at` takes the previous event's time; a `run-task` without `at` comes one
/// second after it (the first at 0), so an untimed workload replays as one call per second.
/// A time before the previous event's is an error.
#[derive(Debug)]
pub struct TraceReader<R> {
    reader: R,
    line: String,
    number: usize,
    /// The time of the last event, `None` before the first.
    last: Option<f64>,
    done: bool,
}

impl<R: BufRead> TraceReader<R> {
    /// A reader of the trace `reader` holds.
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            line: String::new(),
            number: 0,
            last: None,
            done: false,
        }
    }

    /// The number of the last line read (from 1).
    pub fn line_number(&self) -> usize {
        self.number
    }

    fn next_event(&mut self) -> Result<Option<TraceEvent>, EcsError> {
        loop {
            self.line.clear();
            let read = self.reader.read_line(&mut self.line).map_err(|e| {
                EcsError::client(format!(
                    "trace line {}: cannot read the trace: {e}",
                    self.number + 1
                ))
            })?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            let number = self.number;
            let parsed = parse_line(&self.line).map_err(|e| {
                EcsError::new(e.exception, format!("trace line {number}: {}", e.message))
            })?;
            let Line::Event { at, action } = parsed else {
                continue;
            };
            let at = match (at, self.last) {
                (Some(at), Some(last)) if at < last => {
                    return Err(invalid(format!(
                        "trace line {number}: at {at} is before the previous event's {last}; times never decrease"
                    )));
                }
                (Some(at), _) => at,
                (None, None) => 0.0,
                (None, Some(last)) if matches!(action, Action::RunTask { .. }) => last + 1.0,
                (None, Some(last)) => last,
            };
            self.last = Some(at);
            return Ok(Some(TraceEvent { at, action }));
        }
    }
}

impl<R: BufRead> Iterator for TraceReader<R> {
    type Item = Result<TraceEvent, EcsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_event();
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next.transpose()
    }
}

impl TraceEvent {
    /// The event as one trace line (without the line break), as [`parse_line`] reads it.
    pub fn to_json_line(&self) -> String {
        let mut line = Map::new();
        line.insert("at".into(), Value::from(self.at));
        let mut put = |name: &str, value: Value| {
            line.insert(name.to_owned(), value);
        };
        // The wire shapes are plain structs of strings and numbers: they always serialize.
        fn json<T: serde::Serialize>(value: &T) -> Value {
            serde_json::to_value(value).unwrap_or(Value::Null)
        }
        match &self.action {
            Action::RunTask {
                request,
                seed,
                duration,
                name,
            } => {
                put("event", Value::from("run-task"));
                put("request", json(&**request));
                put("seed", Value::from(*seed));
                if let Some(duration) = duration {
                    put("duration", Value::from(*duration));
                }
                if let Some(name) = name {
                    put("name", Value::from(name.as_str()));
                }
            }
            Action::StopTask {
                task_arn,
                pick,
                name,
            } => {
                put("event", Value::from("stop-task"));
                if let Some(name) = name {
                    put("name", Value::from(name.as_str()));
                }
                if let Some(arn) = task_arn {
                    put("taskArn", Value::from(arn.as_str()));
                }
                if let Some(pick) = pick {
                    put("pick", Value::from(*pick));
                }
            }
            Action::RegisterInstance { instance } => {
                put("event", Value::from("register-instance"));
                put("instance", json(&**instance));
            }
            Action::DeregisterInstance { instance, force } => {
                put("event", Value::from("deregister-instance"));
                put("instance", Value::from(instance.as_str()));
                put("force", Value::from(*force));
            }
            Action::DrainInstance { instance } => {
                put("event", Value::from("drain-instance"));
                put("instance", Value::from(instance.as_str()));
            }
        }
        Value::Object(line).to_string()
    }
}

/// The events of an untimed workload (`generate::workload_events`) with the times a trace
/// reader gives untimed lines: one run-task per second, the first at 0.
pub fn timed(events: impl Iterator<Item = WorkloadEvent>) -> impl Iterator<Item = TraceEvent> {
    let mut last: Option<f64> = None;
    events.map(move |event| {
        let action = Action::from(event);
        let at = match (last, &action) {
            (None, _) => 0.0,
            (Some(last), Action::RunTask { .. }) => last + 1.0,
            (Some(last), _) => last,
        };
        last = Some(at);
        TraceEvent { at, action }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn read(text: &str) -> Result<Vec<TraceEvent>, EcsError> {
        TraceReader::new(text.as_bytes()).collect()
    }

    #[test]
    fn timed_and_untimed_lines_get_their_times() {
        let events = read(
            "{\"traceFormat\":1}\n\n{\"event\":\"run-task\",\"request\":{\"taskDefinition\":\"web\"}}\n\
             {\"event\":\"stop-task\",\"pick\":1}\n{\"event\":\"run-task\",\"request\":{\"taskDefinition\":\"web\"}}\n\
             {\"at\":7.5,\"event\":\"drain-instance\",\"instance\":\"i1\"}\n\
             {\"at\":9,\"event\":\"run-task\",\"request\":{\"taskDefinition\":\"web\"},\"seed\":4,\"duration\":60}\n\
             {\"at\":9,\"event\":\"deregister-instance\",\"instance\":\"i1\",\"force\":true}\n",
        )
        .unwrap();
        let times: Vec<f64> = events.iter().map(|e| e.at).collect();
        assert_eq!(times, [0.0, 0.0, 1.0, 7.5, 9.0, 9.0]);
        assert!(matches!(
            &events[4].action,
            Action::RunTask { seed: 4, duration: Some(d), .. } if *d == 60.0
        ));
        assert_eq!(
            events[5].action,
            Action::DeregisterInstance {
                instance: "i1".into(),
                force: true
            }
        );
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let message = |text: &str| {
            let error = read(text).err().unwrap();
            format!("{}: {}", error.exception.as_str(), error.message)
        };
        assert_eq!(
            message("\n{\"event\":\"launch\"}"),
            "InvalidParameterException: trace line 2: unknown event \"launch\" Events: run-task, stop-task, register-instance, deregister-instance, drain-instance"
        );
        assert!(
            message("{\"event\":\"stop-task\",\"pik\":1}")
                .starts_with("InvalidParameterException: trace line 1: unknown member \"pik\" of a stop-task event; did you mean \"pick\"?")
        );
        assert!(
            message("{\"event\":\"run-task\",\"request\":{\"taskDefinition\":\"w\",\"placementStrategies\":[]}}")
                .contains("trace line 1: request.placementStrategies: unknown member")
        );
        assert_eq!(
            message(
                "{\"at\":5,\"event\":\"stop-task\",\"pick\":0}\n{\"at\":4,\"event\":\"stop-task\",\"pick\":0}"
            ),
            "InvalidParameterException: trace line 2: at 4 is before the previous event's 5; times never decrease"
        );
        assert!(
            message("{\"at\":-1,\"event\":\"stop-task\"}")
                .contains("trace line 1: at: expected seconds")
        );
        assert!(
            message("{\"traceFormat\":2}").contains("traceFormat 2 is not one this reader knows")
        );
        assert!(message("{nope").starts_with("ClientException: trace line 1: column 2:"));
    }

    #[test]
    fn a_stop_task_names_its_task_by_exactly_one_member() {
        let message = |text: &str| {
            let error = read(text).err().unwrap();
            format!("{}: {}", error.exception.as_str(), error.message)
        };
        assert_eq!(
            message("{\"at\":1,\"event\":\"stop-task\"}"),
            "InvalidParameterException: trace line 1: a stop-task names its task by exactly one of taskArn, name and pick; it has none"
        );
        assert_eq!(
            message("\n{\"event\":\"stop-task\",\"name\":\"a\",\"pick\":2}"),
            "InvalidParameterException: trace line 2: a stop-task names its task by exactly one of taskArn, name and pick; it has name and pick"
        );
        assert!(
            message("{\"event\":\"stop-task\",\"taskArn\":\"x\",\"name\":\"a\",\"pick\":null}")
                .ends_with("it has taskArn and name")
        );
        assert!(read("{\"event\":\"stop-task\",\"pick\":2,\"name\":null}").is_ok());
    }

    #[test]
    fn a_line_that_is_not_json_names_its_column_within_the_line() {
        let message = |text: &str| read(text).err().unwrap().message;
        assert_eq!(
            message("{\"at\":1,\n"),
            "trace line 1: column 9: the line ends early: not a JSON object: EOF while parsing a value"
        );
        assert_eq!(
            message("{\"at\":1,\"event\":\"stop-task\",\"pick\":0}\r\n\n{\"at\":2,\"é\":x}\n"),
            "trace line 3: column 13: not a JSON object: expected value"
        );
    }

    #[test]
    fn an_event_written_as_a_line_reads_back_the_same() {
        let text = "{\"at\":1.5,\"event\":\"run-task\",\"request\":{\"taskDefinition\":\"web\",\"count\":2},\"seed\":4,\"duration\":60}\n\
            {\"at\":2,\"event\":\"stop-task\",\"pick\":3}\n{\"at\":2,\"event\":\"run-task\",\"request\":{},\"name\":\"c/1\"}\n{\"at\":2,\"event\":\"stop-task\",\"name\":\"c/1\"}\n{\"at\":2,\"event\":\"stop-task\",\"taskArn\":\"arn:x\"}\n\
            {\"at\":3,\"event\":\"register-instance\",\"instance\":{\"ec2InstanceId\":\"i-1\"}}\n\
            {\"at\":4,\"event\":\"deregister-instance\",\"instance\":\"i1\",\"force\":false}\n\
            {\"at\":5,\"event\":\"drain-instance\",\"instance\":\"i2\"}\n";
        let events = read(text).unwrap();
        let written: String = events.iter().map(|e| e.to_json_line() + "\n").collect();
        assert_eq!(read(&written).unwrap(), events);
    }
}
