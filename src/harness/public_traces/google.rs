//! Google clusterdata-2019, its tables exported as JSON lines (one row an object, as BigQuery
//! exports them; integers may be strings): `machine_events` (time, machine_id, type, switch_id,
//! platform_id, capacity {cpus, memory}), `instance_events` (time, type, collection_id,
//! instance_index, resource_request {cpus, memory}, constraint [{name, value, relation}], and
//! `max_per_machine` when the collection's is joined in), and optionally `machine_attributes`
//! (time, machine_id, name, value, deleted) to a snapshot and a timed trace.
//!
//! Units: times are microseconds (seconds in the trace); `cpus` and `memory` are normalised to
//! the largest machine, and [`Scale`] says what 1.0 stands for. A machine added at time 0 is in
//! the snapshot, a later one registers, a removed one deregisters (forced); its `switch_id`
//! becomes `ecs.availability-zone` (the failure domain placement spreads over), its platform
//! `google.platform-id`, its attributes at time 0 `google.NAME` (characters an ECS name cannot
//! hold, and `\`, escaped as `\XX` per byte; an empty value makes a name-only attribute). An
//! instance's SUBMIT is one RunTask call of one task named `COLLECTION/INDEX` in group
//! `collection:COLLECTION`, each constraint a `memberOf` on `attribute:google.NAME`,
//! `max_per_machine` 1 a `distinctInstance`; its EVICT, FAIL, FINISH, KILL or LOST stops that
//! task.

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;

use serde_json::Value;

use crate::aws::{
    Attribute, LaunchType, PlacementConstraint, PlacementConstraintType, RunTaskRequest,
};
use crate::error::EcsError;
use crate::model::SnapshotFile;

use super::super::gauges::Demand;
use super::super::trace::{Action, TraceEvent, json_error};
use super::{NumberedLines, family, instance, snapshot};

/// The format's name (and the imported cluster's).
pub const FORMAT: &str = "google-2019";

/// What a normalised 1.0 stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// CPU units for `cpus` 1.0 (by default 65,536: 64 cores).
    pub machine_cpu_units: f64,
    /// MiB for `memory` 1.0 (by default 262,144: 256 GiB).
    pub machine_memory_mib: f64,
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            machine_cpu_units: 65_536.0,
            machine_memory_mib: 262_144.0,
        }
    }
}

impl Scale {
    fn demand(&self, resources: Option<&Value>) -> Option<Demand> {
        let resources = resources?;
        let cpus = float(resources.get("cpus"))?;
        let memory = float(resources.get("memory"))?;
        Some(Demand {
            cpu: (cpus * self.machine_cpu_units).round().max(0.0) as i64,
            memory: (memory * self.machine_memory_mib).round().max(1.0) as i64,
        })
    }
}

/// A number, or a string holding one (BigQuery writes 64-bit integers as strings).
fn float(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Seconds from a time in microseconds; `None` for the trace's "after the end" (2^63 - 1).
fn seconds(value: Option<&Value>) -> Option<f64> {
    let micros = float(value).unwrap_or(0.0);
    (micros < 9.0e18).then(|| (micros / 1e6).max(0.0))
}

/// An event type, by number or name, as its number.
fn kind(value: Option<&Value>, names: &[&str]) -> Option<usize> {
    match value? {
        Value::String(s) => names.iter().position(|n| n == s).or_else(|| s.parse().ok()),
        Value::Number(n) => n.as_u64().map(|n| n as usize),
        _ => None,
    }
}

const MACHINE_TYPES: [&str; 4] = ["EVENT_TYPE_UNKNOWN", "ADD", "REMOVE", "UPDATE"];
const INSTANCE_TYPES: [&str; 11] = [
    "SUBMIT",
    "QUEUE",
    "ENABLE",
    "SCHEDULE",
    "EVICT",
    "FAIL",
    "FINISH",
    "KILL",
    "LOST",
    "UPDATE_PENDING",
    "UPDATE_RUNNING",
];
const RELATIONS: [(&str, &str); 8] = [
    ("EQUAL", "=="),
    ("NOT_EQUAL", "!="),
    ("LESS_THAN", "<"),
    ("GREATER_THAN", ">"),
    ("LESS_THAN_EQUAL", "<="),
    ("GREATER_THAN_EQUAL", ">="),
    ("PRESENT", "exists"),
    ("NOT_PRESENT", "!exists"),
];

/// JSON lines, a line at a time, with their numbers; each row a JSON object.
struct JsonLines<R> {
    lines: NumberedLines<R>,
}

impl<R: BufRead> JsonLines<R> {
    fn new(reader: R, file: &'static str) -> Self {
        Self {
            lines: NumberedLines::new(reader, file),
        }
    }

    fn next_row(&mut self) -> Result<Option<Value>, EcsError> {
        let Some(text) = self.lines.next_line()? else {
            return Ok(None);
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => {
                let message = json_error(text, &e);
                return Err(self.error(message));
            }
        };
        if !value.is_object() {
            return Err(self.error("a row is a JSON object"));
        }
        Ok(Some(value))
    }

    fn error(&self, message: impl std::fmt::Display) -> EcsError {
        self.lines.error(message)
    }
}

/// The longest attribute name ECS takes.
const MAX_ATTRIBUTE_NAME_CHARS: usize = 128;

/// An attribute name ECS takes: `google.` and the trace's name, each character an ECS name
/// cannot hold (anything but letters, digits, `-`, `_`, `/` and `.`), and `\` itself, written
/// `\` and two lowercase hex digits per UTF-8 byte (`+` as `\2b`). Every `\` starts such an
/// escape, so two different names never meet. A name that is empty, or longer than 128
/// characters once written, is an error.
fn attribute_name(name: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err("an attribute name is empty".to_owned());
    }
    let mut out = String::from("google.");
    for c in name.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.') {
            out.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("\\{byte:02x}"));
            }
        }
    }
    let length = out.chars().count();
    if length > MAX_ATTRIBUTE_NAME_CHARS {
        return Err(format!(
            "attribute name {name:?} becomes {length} characters as an ECS attribute name ({out}); ECS allows {MAX_ATTRIBUTE_NAME_CHARS}"
        ));
    }
    Ok(out)
}

/// A machine's attributes from `machine_attributes`: (ECS name, value; `None` for an empty
/// value, an attribute with a name only).
pub type MachineAttributes = HashMap<String, Vec<(String, Option<String>)>>;

/// Each machine's attributes at time 0 (`machine_attributes`), by machine.
pub fn attributes(reader: impl BufRead) -> Result<MachineAttributes, EcsError> {
    let mut rows = JsonLines::new(reader, "machine_attributes");
    let mut out: MachineAttributes = HashMap::new();
    while let Some(row) = rows.next_row()? {
        if seconds(row.get("time")) != Some(0.0) || row.get("deleted") == Some(&Value::Bool(true)) {
            continue;
        }
        let machine = text(row.get("machine_id"));
        let value = text(row.get("value"));
        let name = attribute_name(&text(row.get("name"))).map_err(|m| rows.error(m))?;
        out.entry(machine)
            .or_default()
            .push((name, (!value.is_empty()).then_some(value)));
    }
    Ok(out)
}

/// The machines: the snapshot's (added at time 0) and the events of the others, by time.
pub fn machines(
    reader: impl BufRead,
    attributes: &MachineAttributes,
    scale: Scale,
) -> Result<(Vec<crate::aws::ContainerInstance>, Vec<TraceEvent>), EcsError> {
    let mut rows = JsonLines::new(reader, "machine_events");
    let (mut instances, mut events) = (Vec::new(), Vec::new());
    let mut known: HashMap<String, ()> = HashMap::new();
    while let Some(row) = rows.next_row()? {
        let id = text(row.get("machine_id"));
        let Some(at) = seconds(row.get("time")) else {
            continue;
        };
        match kind(row.get("type"), &MACHINE_TYPES) {
            Some(1) if !known.contains_key(&id) => {
                let size = scale
                    .demand(row.get("capacity"))
                    .ok_or_else(|| rows.error("an ADD needs capacity {cpus, memory}"))?;
                let switch = text(row.get("switch_id"));
                let platform = text(row.get("platform_id"));
                let named: [(&str, &str); 2] = [
                    ("ecs.availability-zone", &switch),
                    ("google.platform-id", &platform),
                ];
                let mut wire = instance(FORMAT, &id, size, &named);
                let extra = attributes.get(&id).into_iter().flatten();
                wire.attributes
                    .get_or_insert_with(Vec::new)
                    .extend(extra.map(|(name, value)| Attribute {
                        name: name.clone(),
                        value: value.clone(),
                        ..Attribute::default()
                    }));
                known.insert(id, ());
                if at <= 0.0 {
                    instances.push(wire);
                } else {
                    events.push(TraceEvent {
                        at,
                        action: Action::RegisterInstance {
                            instance: Box::new(wire),
                        },
                    });
                }
            }
            Some(2) if known.remove(&id).is_some() => events.push(TraceEvent {
                at,
                action: Action::DeregisterInstance {
                    instance: id,
                    force: true,
                },
            }),
            Some(_) => {}
            None => return Err(rows.error("type: expected ADD, REMOVE, UPDATE or 0 to 3")),
        }
    }
    events.sort_by(|a, b| a.at.total_cmp(&b.at));
    Ok((instances, events))
}

/// The demands of the SUBMIT events (a first pass, for the task definitions).
pub fn demands(reader: impl BufRead, scale: Scale) -> Result<BTreeSet<Demand>, EcsError> {
    let mut rows = JsonLines::new(reader, "instance_events");
    let mut demands = BTreeSet::new();
    while let Some(row) = rows.next_row()? {
        if kind(row.get("type"), &INSTANCE_TYPES) == Some(0)
            && let Some(demand) = scale.demand(row.get("resource_request"))
        {
            demands.insert(demand);
        }
    }
    Ok(demands)
}

/// The snapshot: the machines added at time 0 and a task definition per demand.
pub fn cluster(
    instances: Vec<crate::aws::ContainerInstance>,
    demands: &BTreeSet<Demand>,
) -> SnapshotFile {
    snapshot(FORMAT, instances, demands)
}

/// The events of `instance_events`, sorted by time as the file must be.
pub fn instance_events(
    reader: impl BufRead + 'static,
    scale: Scale,
) -> impl Iterator<Item = Result<TraceEvent, EcsError>> {
    let mut rows = JsonLines::new(reader, "instance_events");
    let mut last = 0.0f64;
    let mut failed = false;
    std::iter::from_fn(move || {
        loop {
            if failed {
                return None;
            }
            let row = match rows.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => return None,
                Err(error) => {
                    failed = true;
                    return Some(Err(error));
                }
            };
            match instance_row(&row, rows.lines.number, scale, &mut last) {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => {}
                Err(message) => {
                    failed = true;
                    return Some(Err(rows.error(message)));
                }
            }
        }
    })
}

fn instance_row(
    row: &Value,
    line: usize,
    scale: Scale,
    last: &mut f64,
) -> Result<Option<TraceEvent>, String> {
    let Some(at) = seconds(row.get("time")) else {
        return Ok(None);
    };
    if at < *last {
        return Err(format!(
            "time {} is before the previous row's; sort the rows by time first",
            text(row.get("time"))
        ));
    }
    *last = at;
    let collection = text(row.get("collection_id"));
    let name = format!("{collection}/{}", text(row.get("instance_index")));
    let action = match kind(row.get("type"), &INSTANCE_TYPES) {
        Some(0) => {
            let Some(demand) = scale.demand(row.get("resource_request")) else {
                return Ok(None);
            };
            let mut constraints = Vec::new();
            for constraint in row
                .get("constraint")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                constraints.push(member_of(constraint)?);
            }
            if float(row.get("max_per_machine")) == Some(1.0) {
                constraints.push(PlacementConstraint {
                    kind: Some(PlacementConstraintType::DistinctInstance),
                    expression: None,
                });
            }
            let request = RunTaskRequest {
                cluster: Some(FORMAT.to_owned()),
                task_definition: Some(family(FORMAT, demand)),
                count: Some(1),
                group: Some(format!("collection:{collection}")),
                launch_type: Some(LaunchType::Ec2),
                placement_constraints: (!constraints.is_empty()).then_some(constraints),
                ..RunTaskRequest::default()
            };
            Action::RunTask {
                request: Box::new(request),
                seed: line as u64,
                duration: None,
                name: Some(name),
            }
        }
        Some(4..=8) => Action::StopTask {
            task_arn: None,
            pick: None,
            name: Some(name),
        },
        Some(_) => return Ok(None),
        None => {
            return Err(
                "type: expected an instance event type (SUBMIT, ..., or 0 to 10)".to_owned(),
            );
        }
    };
    Ok(Some(TraceEvent { at, action }))
}

/// A constraint as `memberOf`.
fn member_of(constraint: &Value) -> Result<PlacementConstraint, String> {
    let relation = match constraint.get("relation") {
        Some(Value::String(s)) => RELATIONS.iter().position(|(n, _)| n == s),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|n| n as usize)
            .filter(|n| *n < RELATIONS.len()),
        _ => None,
    }
    .ok_or("constraint relation: expected EQUAL ... NOT_PRESENT or 0 to 7")?;
    let subject = format!(
        "attribute:{}",
        attribute_name(&text(constraint.get("name"))).map_err(|m| format!("constraint: {m}"))?
    );
    let operator = RELATIONS[relation].1;
    let expression = if relation >= 6 {
        format!("{subject} {operator}")
    } else {
        let value = text(constraint.get("value")).replace(['\'', '"'], "");
        format!("{subject} {operator} '{value}'")
    };
    Ok(PlacementConstraint {
        kind: Some(PlacementConstraintType::MemberOf),
        expression: Some(expression),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn attribute_names_keep_what_ecs_allows_and_escape_the_rest_without_collisions() {
        let name = |n: &str| attribute_name(n).unwrap();
        assert_eq!(name("rs/9Ab+"), "google.rs/9Ab\\2b");
        assert_eq!(name("a_b-c.d/é"), "google.a_b-c.d/é");
        assert_eq!(name("a\\b"), "google.a\\5cb");
        assert_eq!(name("a b€"), "google.a\\20b\\e2\\82\\ac");
        // Once `_` stood for every other character: these three met as google.a_b.
        let written: HashSet<String> = ["a_b", "a+b", "a=b", "a\\2bb", "a\\b"]
            .iter()
            .map(|n| name(n))
            .collect();
        assert_eq!(written.len(), 5);
        for n in &written {
            crate::model::check_attribute_name(n).unwrap();
        }
        assert!(attribute_name("").is_err());
        assert!(
            attribute_name(&"x".repeat(122))
                .unwrap_err()
                .contains("becomes 129 characters")
        );
        assert_eq!(name(&"x".repeat(121)).chars().count(), 128);
    }

    #[test]
    fn an_empty_value_is_a_name_only_attribute() {
        let attributes = attributes(
            "{\"time\":\"0\",\"machine_id\":\"1\",\"name\":\"rs/9Ab+\",\"value\":\"\"}\n{\"time\":\"0\",\"machine_id\":\"1\",\"name\":\"k\",\"value\":\"5\"}\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            attributes["1"],
            [
                ("google.rs/9Ab\\2b".to_owned(), None),
                ("google.k".to_owned(), Some("5".to_owned()))
            ]
        );
    }

    #[test]
    fn a_row_that_is_not_json_names_its_line_and_column() {
        let error = attributes("{\"time\":\"1\"}\n{\"time\":\n".as_bytes()).unwrap_err();
        assert_eq!(
            error.message,
            "machine_attributes line 2: column 9: the line ends early: not a JSON object: EOF while parsing a value"
        );
    }
}
