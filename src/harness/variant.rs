//! Variants of a replay: `NAME=SPEC`, where SPEC replaces parts of every request (its strategy
//! chain, its capacity-provider strategy, extra constraints) or names another cluster
//! snapshot. Parsing and applying them; the side-by-side comparison of their summaries.
//!
//! SPEC is `;`-separated parts, each `KEY=VALUE`:
//! - `strategy=spread(attribute:ecs.availability-zone),binpack(memory)` (`strategy=` alone:
//!   no strategy, so the default `random`),
//! - `capacity=PROVIDER[:WEIGHT[:BASE]],...` (the launch type is then left out),
//! - `constraint=distinctInstance` or `constraint=memberOf(EXPRESSION)` (added to the
//!   request's; repeatable),
//! - `cluster=FILE` (the caller reads it).

use std::borrow::Cow;

use serde::Serialize;

use crate::aws::{
    CapacityProviderStrategyItem, PlacementConstraint, PlacementConstraintType, PlacementStrategy,
    PlacementStrategyType, RunTaskRequest,
};
use crate::error::EcsError;

use super::summary::Summary;

/// What a variant changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variant {
    /// Its name.
    pub name: String,
    /// The SPEC as given.
    pub spec: String,
    /// The strategy chain every request gets.
    pub strategy: Option<Vec<PlacementStrategy>>,
    /// The capacity-provider strategy every request gets.
    pub capacity: Option<Vec<CapacityProviderStrategyItem>>,
    /// Constraints added to every request's.
    pub constraints: Vec<PlacementConstraint>,
    /// Another cluster snapshot to replay on.
    pub cluster: Option<String>,
}

fn invalid(spec: &str, message: impl std::fmt::Display) -> EcsError {
    EcsError::invalid_parameter(format!("--variant {spec}: {message}"))
}

impl Variant {
    /// Reads `NAME=SPEC`.
    pub fn parse(text: &str) -> Result<Variant, EcsError> {
        let (name, spec) = text
            .split_once('=')
            .ok_or_else(|| invalid(text, "expected NAME=SPEC"))?;
        if name.is_empty() || name.contains([',', '"', '<', '>', '&']) {
            return Err(invalid(
                text,
                "a name is 1 or more characters, none of , \" < > &",
            ));
        }
        let mut variant = Variant {
            name: name.to_owned(),
            spec: spec.to_owned(),
            ..Variant::default()
        };
        for part in spec.split(';').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| invalid(text, format!("{part:?}: expected KEY=VALUE")))?;
            let value = value.trim();
            match key.trim() {
                "strategy" => {
                    variant.strategy = Some(strategies(value).map_err(|m| invalid(text, m))?)
                }
                "capacity" => {
                    variant.capacity = Some(capacity(value).map_err(|m| invalid(text, m))?)
                }
                "constraint" => variant
                    .constraints
                    .push(constraint(value).map_err(|m| invalid(text, m))?),
                "cluster" if !value.is_empty() => variant.cluster = Some(value.to_owned()),
                other => {
                    return Err(invalid(
                        text,
                        format!(
                            "unknown part {other:?}; parts: strategy, capacity, constraint, cluster"
                        ),
                    ));
                }
            }
        }
        Ok(variant)
    }

    /// The request as this variant sends it.
    pub fn apply<'r>(&self, request: &'r RunTaskRequest) -> Cow<'r, RunTaskRequest> {
        if self.strategy.is_none() && self.capacity.is_none() && self.constraints.is_empty() {
            return Cow::Borrowed(request);
        }
        let mut changed = request.clone();
        if let Some(strategy) = &self.strategy {
            changed.placement_strategy = Some(strategy.clone());
        }
        if let Some(capacity) = &self.capacity {
            changed.capacity_provider_strategy = Some(capacity.clone());
            changed.launch_type = None;
        }
        if !self.constraints.is_empty() {
            changed
                .placement_constraints
                .get_or_insert_with(Vec::new)
                .extend(self.constraints.iter().cloned());
        }
        Cow::Owned(changed)
    }
}

/// `type(field),type(field)`: commas inside parentheses belong to the field.
fn strategies(text: &str) -> Result<Vec<PlacementStrategy>, String> {
    let mut out = Vec::new();
    for item in split_top(text) {
        let (kind, field) = call(item)?;
        let kind = PlacementStrategyType::parse(kind);
        if !kind.is_known() {
            return Err(format!(
                "strategy {item:?}: its type is spread, binpack or random"
            ));
        }
        out.push(PlacementStrategy {
            kind: Some(kind),
            field: (!field.is_empty()).then(|| field.to_owned()),
        });
    }
    Ok(out)
}

fn capacity(text: &str) -> Result<Vec<CapacityProviderStrategyItem>, String> {
    split_top(text)
        .map(|item| {
            let mut parts = item.split(':');
            let provider = parts.next().unwrap_or_default().trim();
            let number = |part: Option<&str>| -> Result<Option<i64>, String> {
                part.map(|p| {
                    p.trim()
                        .parse()
                        .map_err(|_| format!("capacity {item:?}: weight and base are integers"))
                })
                .transpose()
            };
            let weight = number(parts.next())?;
            let base = number(parts.next())?;
            if provider.is_empty() || parts.next().is_some() {
                return Err(format!(
                    "capacity {item:?}: expected PROVIDER[:WEIGHT[:BASE]]"
                ));
            }
            Ok(CapacityProviderStrategyItem {
                capacity_provider: provider.to_owned(),
                weight,
                base,
            })
        })
        .collect()
}

fn constraint(text: &str) -> Result<PlacementConstraint, String> {
    if text == "distinctInstance" {
        return Ok(PlacementConstraint {
            kind: Some(PlacementConstraintType::DistinctInstance),
            expression: None,
        });
    }
    match call(text)? {
        ("memberOf", expression) if !expression.is_empty() => Ok(PlacementConstraint {
            kind: Some(PlacementConstraintType::MemberOf),
            expression: Some(expression.to_owned()),
        }),
        _ => Err(format!(
            "constraint {text:?}: expected distinctInstance or memberOf(EXPRESSION)"
        )),
    }
}

/// `name(argument)` to its parts; `name` alone has an empty argument.
fn call(text: &str) -> Result<(&str, &str), String> {
    let text = text.trim();
    match text.split_once('(') {
        None => Ok((text, "")),
        Some((name, rest)) => rest
            .strip_suffix(')')
            .map(|argument| (name.trim(), argument.trim()))
            .ok_or_else(|| format!("{text:?}: expected name(argument)")),
    }
}

/// The comma-separated items of `text`, ignoring commas inside parentheses.
fn split_top(text: &str) -> impl Iterator<Item = &str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items.into_iter().filter(|item| !item.trim().is_empty())
}

/// One metric of every variant, with each one's difference to the first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compared {
    /// The metric's name (its path in the summary).
    pub metric: String,
    /// Its value per variant, in order.
    pub values: Vec<f64>,
    /// Each value minus the first variant's.
    pub differences: Vec<f64>,
}

/// The metrics the comparison lists: name and how to read it from a summary.
type Reader = fn(&Summary) -> Option<f64>;

const COMPARED: [(&str, Reader); 16] = [
    ("runTaskCalls", |s| Some(s.run_task_calls as f64)),
    ("placed", |s| Some(s.placed as f64)),
    ("tasksUnplaced", |s| Some(s.tasks_unplaced as f64)),
    ("stopped", |s| Some(s.stopped as f64)),
    ("placementsPerSecond", |s| Some(s.placements_per_second)),
    ("cpuUtilization", |s| Some(s.cpu_utilization)),
    ("memoryUtilization", |s| Some(s.memory_utilization)),
    ("metrics.latencyUs.p50", |s| {
        s.metrics.as_ref().map(|m| m.latency_us.p50)
    }),
    ("metrics.latencyUs.p99", |s| {
        s.metrics.as_ref().map(|m| m.latency_us.p99)
    }),
    ("metrics.mean.cpuUtilization", |s| {
        s.metrics.as_ref().map(|m| m.mean.cpu_utilization)
    }),
    ("metrics.mean.memoryUtilization", |s| {
        s.metrics.as_ref().map(|m| m.mean.memory_utilization)
    }),
    ("metrics.mean.strandedCpu", |s| {
        s.metrics.as_ref().map(|m| m.mean.stranded_cpu)
    }),
    ("metrics.mean.strandedMemory", |s| {
        s.metrics.as_ref().map(|m| m.mean.stranded_memory)
    }),
    ("metrics.peak.instancesInUse", |s| {
        s.metrics.as_ref().map(|m| m.peak.instances_in_use as f64)
    }),
    ("metrics.mean.spreadSkewMean", |s| {
        s.metrics.as_ref().map(|m| m.mean.spread_skew_mean)
    }),
    ("metrics.peak.waitingTasks", |s| {
        s.metrics.as_ref().map(|m| m.peak.waiting_tasks as f64)
    }),
];

/// The side-by-side table of `summaries` (in variant order): each metric, then the tasks left
/// unplaced by each reason any variant gave.
pub fn compare(summaries: &[&Summary]) -> Vec<Compared> {
    let row = |metric: String, values: Vec<f64>| {
        let first = values.first().copied().unwrap_or(0.0);
        Compared {
            differences: values.iter().map(|v| v - first).collect(),
            metric,
            values,
        }
    };
    let mut rows: Vec<Compared> = COMPARED
        .iter()
        .filter_map(|(name, read)| {
            let values: Option<Vec<f64>> = summaries.iter().map(|s| read(s)).collect();
            values.map(|values| row((*name).to_owned(), values))
        })
        .collect();
    let mut reasons: Vec<&String> = summaries
        .iter()
        .flat_map(|s| s.unplaced_by_reason.keys())
        .collect();
    reasons.sort();
    reasons.dedup();
    for reason in reasons {
        let values = summaries
            .iter()
            .map(|s| s.unplaced_by_reason.get(reason).copied().unwrap_or(0) as f64)
            .collect();
        rows.push(row(format!("unplacedByReason.{reason}"), values));
    }
    rows
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_spec_replaces_strategy_and_capacity_and_adds_constraints() {
        let variant = Variant::parse(
            "b=strategy=spread(attribute:ecs.availability-zone),binpack(memory);capacity=cp1:2:1,cp2;constraint=memberOf(attribute:stack == prod);constraint=distinctInstance",
        )
        .unwrap();
        assert_eq!(variant.name, "b");
        let strategy = variant.strategy.clone().unwrap();
        assert_eq!(strategy.len(), 2);
        assert_eq!(
            strategy[0].field.as_deref(),
            Some("attribute:ecs.availability-zone")
        );
        let capacity = variant.capacity.clone().unwrap();
        assert_eq!((capacity[0].weight, capacity[0].base), (Some(2), Some(1)));
        assert_eq!(capacity[1].capacity_provider, "cp2");
        let request = crate::generate::reference_request();
        let changed = variant.apply(&request);
        assert_eq!(changed.launch_type, None);
        assert_eq!(
            changed.placement_constraints.as_ref().map(Vec::len),
            Some(3)
        );
        let plain = Variant::parse("a=").unwrap();
        assert!(matches!(plain.apply(&request), Cow::Borrowed(_)));
        let none = Variant::parse("r=strategy=").unwrap();
        assert_eq!(none.strategy, Some(Vec::new()));
        for bad in [
            "nope",
            "=x",
            "a=strategy=pack(cpu)",
            "a=colour=red",
            "a=capacity=:1",
            "a=constraint=memberOf()",
        ] {
            let error = Variant::parse(bad).err().unwrap();
            assert!(
                error.message.starts_with("--variant "),
                "{bad}: {}",
                error.message
            );
        }
    }
}
