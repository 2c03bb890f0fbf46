//! Public cluster traces turned into a cluster snapshot and a timed trace
//! (`ecs-place trace import`; the mapping is in docs/HARNESS.md, "Public traces").
//!
//! ```text
//! mod.rs       what the formats share: CSV fields, merging sorted event streams, the snapshot
//! alibaba.rs   cluster-trace-v2018: machine_meta, batch_task, container_meta (CSV)
//! google.rs    clusterdata-2019 as JSON lines: machine_events, instance_events, machine_attributes
//! ```
//!
//! Every reader goes through its input once per pass, a line at a time: the event files must be
//! sorted by time (the published files are not all; docs/HARNESS.md gives the `sort` command),
//! and a row out of order is an error naming its line.

pub mod alibaba;
pub mod google;

use std::collections::BTreeSet;
use std::io::BufRead;

use crate::aws::{
    Attribute, Cluster, ContainerDefinition, ContainerInstance, ContainerInstanceStatus,
    TaskDefinition, TaskDefinitionStatus,
};
use crate::error::EcsError;
use crate::model::SnapshotFile;
use crate::model::resources::integer;

use super::gauges::Demand;
use super::trace::TraceEvent;

/// The region, account and cluster of imported snapshots.
const ARN_PREFIX: &str = "arn:aws:ecs:us-east-1:123456789012";

/// The name of an imported cluster for `format`.
fn cluster(format: &str) -> Cluster {
    Cluster {
        cluster_arn: Some(format!("{ARN_PREFIX}:cluster/{format}")),
        cluster_name: Some(format.to_owned()),
        status: Some("ACTIVE".to_owned()),
        ..Cluster::default()
    }
}

/// A machine as an instance: its id, CPU units, MiB and attributes.
fn instance(
    format: &str,
    id: &str,
    demand: Demand,
    attributes: &[(&str, &str)],
) -> ContainerInstance {
    ContainerInstance {
        container_instance_arn: Some(format!("{ARN_PREFIX}:container-instance/{format}/{id}")),
        ec2_instance_id: Some(id.to_owned()),
        registered_resources: Some(vec![
            integer("CPU", demand.cpu),
            integer("MEMORY", demand.memory),
        ]),
        status: Some(ContainerInstanceStatus::Active),
        agent_connected: Some(true),
        attributes: Some(
            attributes
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| Attribute {
                    name: (*name).to_owned(),
                    value: Some((*value).to_owned()),
                    ..Attribute::default()
                })
                .collect(),
        ),
        ..ContainerInstance::default()
    }
}

/// The family of the task definition of one demand.
pub fn family(format: &str, demand: Demand) -> String {
    format!("{format}-{}cpu-{}mib", demand.cpu, demand.memory)
}

/// One task definition per demand, one container holding it.
fn definitions(format: &str, demands: &BTreeSet<Demand>) -> Vec<TaskDefinition> {
    demands
        .iter()
        .map(|demand| {
            let family = family(format, *demand);
            TaskDefinition {
                task_definition_arn: Some(format!("{ARN_PREFIX}:task-definition/{family}:1")),
                family: Some(family),
                revision: Some(1),
                status: Some(TaskDefinitionStatus::Active),
                container_definitions: Some(vec![ContainerDefinition {
                    name: Some("task".to_owned()),
                    cpu: Some(demand.cpu),
                    memory: Some(demand.memory),
                    essential: Some(true),
                    ..ContainerDefinition::default()
                }]),
                ..TaskDefinition::default()
            }
        })
        .collect()
}

/// A snapshot of `instances` with a definition per demand.
fn snapshot(
    format: &str,
    instances: Vec<ContainerInstance>,
    demands: &BTreeSet<Demand>,
) -> SnapshotFile {
    SnapshotFile {
        cluster: Some(cluster(format)),
        container_instances: instances,
        task_definitions: definitions(format, demands),
        ..SnapshotFile::default()
    }
}

/// A text file a line at a time (one line in memory), blank lines skipped, each with its
/// number: what both the CSV and the JSON-lines readers read.
struct NumberedLines<R> {
    reader: R,
    line: String,
    number: usize,
    file: &'static str,
}

impl<R: BufRead> NumberedLines<R> {
    fn new(reader: R, file: &'static str) -> Self {
        Self {
            reader,
            line: String::new(),
            number: 0,
            file,
        }
    }

    /// The next line that is not blank, without its line break.
    fn next_line(&mut self) -> Result<Option<&str>, EcsError> {
        loop {
            self.line.clear();
            let read = self.reader.read_line(&mut self.line).map_err(|e| {
                EcsError::client(format!(
                    "{} line {}: cannot read: {e}",
                    self.file,
                    self.number + 1
                ))
            })?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            if !self.line.trim().is_empty() {
                return Ok(Some(self.line.trim_end_matches(['\n', '\r'])));
            }
        }
    }

    /// An error about the line read last.
    fn error(&self, message: impl std::fmt::Display) -> EcsError {
        EcsError::invalid_parameter(format!("{} line {}: {message}", self.file, self.number))
    }
}

/// The lines of a CSV file without quoting (the published trace files have none), split at
/// commas, with their numbers; blank lines skipped.
struct CsvLines<R> {
    lines: NumberedLines<R>,
}

impl<R: BufRead> CsvLines<R> {
    fn new(reader: R, file: &'static str) -> Self {
        Self {
            lines: NumberedLines::new(reader, file),
        }
    }

    /// The next row's fields and line number.
    fn next_row(&mut self) -> Result<Option<(Vec<String>, usize)>, EcsError> {
        let Some(text) = self.lines.next_line()? else {
            return Ok(None);
        };
        let fields = text.split(',').map(|f| f.trim().to_owned()).collect();
        Ok(Some((fields, self.lines.number)))
    }

    fn error(&self, message: impl std::fmt::Display) -> EcsError {
        self.lines.error(message)
    }
}

/// Field `at` of `fields` as a number (`name` in messages); empty is `None`.
fn number(fields: &[String], at: usize, name: &str) -> Result<Option<f64>, String> {
    match fields.get(at).map(String::as_str) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{name}: expected a number, found {text:?}")),
    }
}

/// Merges event streams each sorted by time into one (ties: the earlier stream first).
pub fn merge(
    streams: Vec<Box<dyn Iterator<Item = Result<TraceEvent, EcsError>>>>,
) -> impl Iterator<Item = Result<TraceEvent, EcsError>> {
    let mut streams: Vec<_> = streams.into_iter().map(|s| s.peekable()).collect();
    std::iter::from_fn(move || {
        let mut best: Option<(usize, f64)> = None;
        for (at, stream) in streams.iter_mut().enumerate() {
            match stream.peek() {
                None => {}
                // An error comes out at once.
                Some(Err(_)) => return stream.next(),
                Some(Ok(event)) if best.is_none_or(|(_, time)| event.at < time) => {
                    best = Some((at, event.at));
                }
                Some(Ok(_)) => {}
            }
        }
        best.and_then(|(at, _)| streams[at].next())
    })
}
