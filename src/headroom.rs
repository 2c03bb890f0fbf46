//! Headroom: how many more tasks of one RunTask request fit on a cluster now.
//!
//! This module owns the headroom loop and its report. The request's call is made again and
//! again on a [`Placer`] (state carried from call to call, every constraint and strategy
//! honoured, `count` tasks per call as the request says) until a call places fewer tasks than
//! it asked for, or the `limit` is reached. The report ([`Headroom`]) gives how many tasks
//! were placed, where they went (by Availability Zone, instance type and capacity provider),
//! and for the task that did not fit ([`StoppedBy`]): the failure reasons of that call counted
//! over instances, and which single resource (CPU, memory, a host port, GPUs) would have to
//! grow, and by how much on the closest instance, to place one more.
//!
//! The loop is pure and deterministic: call `i` is seeded with [`call_seed`]`(seed, i)`, so
//! `headroom` equals a loop of [`run_task`](crate::run_task) and
//! [`Snapshot::apply`] with those seeds, stopped at the first call that places fewer than its
//! count (`tests/headroom.rs` checks it). The JSON shape is documented in docs/SEMANTICS.md,
//! "Headroom".

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

use crate::aws::RunTaskRequest;
use crate::error::EcsError;
use crate::model::{Instance, Snapshot};
use crate::placement::{Placer, TaskExplanation, Verdict, explain_run_task};
use crate::request::{
    Constraint, GpuDemand, PlacementRequest, TaskDemand, ValidationContext, validate_run_task,
};

/// The limit the CLI uses when none is given: at most this many tasks are placed, so a request
/// that never fails (a task reserving nothing, or Fargate) still ends.
pub const DEFAULT_LIMIT: u64 = 100_000;

/// The key a task is counted under when what it would be counted by is unknown: a task on no
/// instance (Fargate), or an instance without the attribute or capacity provider.
pub const UNKNOWN: &str = "-";

/// What [`headroom`] found. Serialized with camelCase keys (docs/SEMANTICS.md, "Headroom").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Headroom {
    /// How many tasks were placed, over every call (the last one's included).
    pub fits: u64,
    /// The most tasks the loop would place.
    pub limit: u64,
    /// Whether the loop stopped at the limit (then nothing stopped it: `stopped_by` is `None`).
    pub limit_reached: bool,
    /// How many calls were made.
    pub calls: u64,
    /// How many tasks each call asked for (the request's `count`; the last call asks for
    /// fewer when the limit is nearer).
    pub count_per_call: u32,
    /// The placed tasks by their instance's `ecs.availability-zone` ([`UNKNOWN`]: none).
    pub by_availability_zone: BTreeMap<String, u64>,
    /// The placed tasks by their instance's `ecs.instance-type` ([`UNKNOWN`]: none).
    pub by_instance_type: BTreeMap<String, u64>,
    /// The placed tasks by capacity provider: their instance's, or the task's own for tasks on
    /// no instance (`FARGATE`, `FARGATE_SPOT`); [`UNKNOWN`] when neither has one.
    pub by_capacity_provider: BTreeMap<String, u64>,
    /// Why the loop stopped, unless it reached the limit.
    pub stopped_by: Option<StoppedBy>,
}

/// The task that did not fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoppedBy {
    /// The number of the task that did not fit (`fits + 1` for a request with one route).
    pub task: u64,
    /// How many of the stopping call's tasks wait for their capacity provider to scale out
    /// (`PROVISIONING`: a provider with managed scaling returns them instead of failing).
    pub waiting_for_capacity: u64,
    /// The failure reasons of the call that stopped the loop, each with how many failure
    /// entries (one per instance that rejected the task) gave it; most frequent first, then
    /// by reason.
    pub reasons: IndexMap<String, u64>,
    /// Per resource that alone keeps some instance from taking the task: how many instances,
    /// and the closest one. Most instances first, then CPU, MEMORY, PORTS, GPU.
    pub single_resource: Vec<SingleResource>,
    /// The first of `single_resource` in words (`CPU: +64 CPU units on i-0abc`), `None`
    /// when no instance is short of a single resource only.
    pub would_need: Option<String>,
    /// The stop in one sentence.
    pub message: String,
}

/// A resource placement checks (the `RESOURCE:` failure reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ResourceKind {
    /// CPU units.
    Cpu,
    /// Memory, MiB.
    Memory,
    /// Host ports (TCP and UDP).
    Ports,
    /// GPUs.
    Gpu,
}

impl ResourceKind {
    /// The resource's name, as in `RESOURCE:<name>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "CPU",
            Self::Memory => "MEMORY",
            Self::Ports => "PORTS",
            Self::Gpu => "GPU",
        }
    }

    /// The unit of a shortfall of this resource.
    pub fn unit(self) -> &'static str {
        match self {
            Self::Cpu => "CPU units",
            Self::Memory => "MiB",
            Self::Ports => "ports",
            Self::Gpu => "GPUs",
        }
    }
}

/// Instances that one more of a single resource would let take the task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SingleResource {
    /// The resource.
    pub resource: ResourceKind,
    /// How many instances this resource alone keeps from taking the task.
    pub instances: u64,
    /// The closest of them (the least `short`; the first in snapshot order among equals).
    pub container_instance_arn: String,
    /// Its EC2 instance id, when the snapshot has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec2_instance_id: Option<String>,
    /// How much it lacks, in `unit`: CPU units, MiB, GPUs, or the number of host ports the
    /// task needs that are reserved there.
    pub short: u64,
    /// `CPU units`, `MiB`, `ports` or `GPUs`.
    pub unit: &'static str,
    /// For PORTS, the reserved ports the task needs (`tcp/80`, `udp/8125`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
}

impl SingleResource {
    /// The shortfall in words: `CPU: +64 CPU units on i-0abc`, `PORTS: tcp/80 freed on ...`.
    pub fn describe(&self) -> String {
        let on = self.ec2_instance_id.as_deref().unwrap_or_else(|| {
            let arn = self.container_instance_arn.as_str();
            arn.rsplit('/').next().unwrap_or(arn)
        });
        match self.resource {
            ResourceKind::Ports => format!("PORTS: {} freed on {on}", self.ports.join(", ")),
            kind => format!("{}: +{} {} on {on}", kind.as_str(), self.short, self.unit),
        }
    }
}

/// The seed of call `call` (from 0) of a headroom loop seeded with `seed`: distinct for every
/// call of one loop (a bijection of `call`), so no two calls draw the same task ARNs.
pub fn call_seed(seed: u64, call: u64) -> u64 {
    // SplitMix64: a Weyl step from `seed`, then its finaliser; both are bijections.
    let mut z = seed.wrapping_add(call.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How many more tasks of `request` fit on `snapshot`: its call made again and again, seeded
/// per call by [`call_seed`], each call's tasks applied before the next, until a call places
/// fewer tasks than it asked for, or `limit` tasks are placed (the last call then asks only
/// for what is left below the limit). `snapshot` is not changed.
///
/// A request RunTask refuses is that error (not a headroom of 0); a request whose first call
/// places nothing has `fits` 0 and says why in [`Headroom::stopped_by`].
///
/// ```
/// use ecs_placement::aws::RunTaskRequest;
/// use ecs_placement::aws::read::RequestShape;
/// use ecs_placement::headroom::{DEFAULT_LIMIT, headroom};
/// use ecs_placement::model::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
///
/// let snapshot = SnapshotBuilder::new("prod")
///     .instance(InstanceSpec::new("i-0a").cpu(2048).memory(4096).zone("us-east-1a"))
///     .instance(InstanceSpec::new("i-0b").cpu(2048).memory(4096).zone("us-east-1b"))
///     .task_definition(TaskDefinitionSpec::new("web").container("app", 512, 1024))
///     .build()?;
/// let request = RunTaskRequest::from_json(r#"{"cluster": "prod", "taskDefinition": "web"}"#)?;
/// // 2,048 CPU units over 512 per task: four on each instance.
/// assert_eq!(headroom(&snapshot, &request, 7, DEFAULT_LIMIT)?.fits, 8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn headroom(
    snapshot: &Snapshot,
    request: &RunTaskRequest,
    seed: u64,
    limit: u64,
) -> Result<Headroom, EcsError> {
    let plan = validate_run_task(request, &ValidationContext::from_snapshot(snapshot))?;
    let count = u64::from(plan.count);
    let mut placer = Placer::new(snapshot.clone());
    let mut tally = Tally::new(snapshot.instances().len());
    let (mut fits, mut calls, mut waiting) = (0u64, 0u64, 0u64);
    let mut stop = None;
    while fits < limit {
        let left = limit - fits;
        let trimmed;
        let call = if left < count {
            let mut fewer = request.clone();
            fewer.count = Some(i64::try_from(left).unwrap_or(i64::MAX));
            trimmed = fewer;
            &trimmed
        } else {
            request
        };
        let asked = count.min(left);
        let seed = call_seed(seed, calls);
        let summary = placer.run_task_summary(call, seed)?;
        calls += 1;
        let mut placed = 0u64;
        for arn in &summary.task_arns {
            // A task waiting for its provider to scale out did not fit now.
            let waits = placer
                .snapshot()
                .describe_task(arn)
                .is_some_and(|task| crate::placement::is_waiting(&task));
            if waits {
                waiting += 1;
            } else {
                tally.add(placer.snapshot(), arn);
                placed += 1;
            }
        }
        fits += placed;
        if placed < asked {
            stop = Some((call.clone(), seed, summary.failures_by_reason));
            break;
        }
    }
    let final_state = placer.into_snapshot();
    let stopped_by = match stop {
        Some((call, seed, failures)) => Some(stopped_by(
            &final_state,
            &call,
            seed,
            &plan,
            fits,
            failures,
            waiting,
        )?),
        None => None,
    };
    let (by_availability_zone, by_instance_type, by_capacity_provider) = tally.finish(snapshot);
    Ok(Headroom {
        fits,
        limit,
        limit_reached: stopped_by.is_none(),
        calls,
        count_per_call: plan.count,
        by_availability_zone,
        by_instance_type,
        by_capacity_provider,
        stopped_by,
    })
}

/// Where the placed tasks went: per instance position, and the providers of tasks on none.
struct Tally {
    per_instance: Vec<u64>,
    off_instance: BTreeMap<String, u64>,
}

impl Tally {
    fn new(instances: usize) -> Self {
        Self {
            per_instance: vec![0; instances],
            off_instance: BTreeMap::new(),
        }
    }

    /// Counts the task `arn` of `state`.
    fn add(&mut self, state: &Snapshot, arn: &str) {
        let position = state.tasks().get(arn).and_then(|record| record.instance);
        if let Some(slot) = position.and_then(|p| self.per_instance.get_mut(p as usize)) {
            *slot += 1;
            return;
        }
        let provider = state
            .describe_task(arn)
            .and_then(|task| task.capacity_provider_name)
            .map_or_else(|| UNKNOWN.to_owned(), |name| name.to_string());
        *self.off_instance.entry(provider).or_default() += 1;
    }

    /// The counts by zone, instance type and capacity provider (instances never change
    /// position, zone, type or provider as tasks are placed: `snapshot` is the start).
    #[allow(clippy::type_complexity)]
    fn finish(
        self,
        snapshot: &Snapshot,
    ) -> (
        BTreeMap<String, u64>,
        BTreeMap<String, u64>,
        BTreeMap<String, u64>,
    ) {
        let (mut zones, mut types) = (BTreeMap::new(), BTreeMap::new());
        let mut providers = BTreeMap::new();
        let type_attribute = snapshot.attribute_name_id("ecs.instance-type");
        let off: u64 = self.off_instance.values().sum();
        if off > 0 {
            *zones.entry(UNKNOWN.to_owned()).or_default() += off;
            *types.entry(UNKNOWN.to_owned()).or_default() += off;
        }
        for (provider, count) in self.off_instance {
            *providers.entry(provider).or_default() += count;
        }
        for (instance, &count) in snapshot.instances().iter().zip(&self.per_instance) {
            if count == 0 {
                continue;
            }
            let zone = snapshot.availability_zone(instance).unwrap_or(UNKNOWN);
            let kind = type_attribute
                .and_then(|name| instance.attribute(name).flatten())
                .map_or(UNKNOWN, |value| snapshot.attribute_value(value));
            let provider = instance
                .capacity_provider_name
                .as_deref()
                .unwrap_or(UNKNOWN);
            *zones.entry(zone.to_owned()).or_default() += count;
            *types.entry(kind.to_owned()).or_default() += count;
            *providers.entry(provider.to_owned()).or_default() += count;
        }
        (zones, types, providers)
    }
}

/// What one instance lacks of one resource for one task.
#[derive(Debug, Clone)]
struct Short {
    kind: ResourceKind,
    amount: u64,
    ports: Vec<String>,
}

/// Every resource `instance` lacks for a task of `demand` (the checks of `RESOURCE:CPU`,
/// `RESOURCE:MEMORY`, `RESOURCE:PORTS` and `RESOURCE:GPU`, all of them, not only the first).
fn shortages(instance: &Instance, demand: &TaskDemand) -> Vec<Short> {
    let remaining = &instance.remaining;
    let mut shorts = Vec::new();
    let lack = |have: i64, need: u64| {
        let need = i128::from(need);
        let have = i128::from(have);
        (need > have).then(|| u64::try_from(need - have).unwrap_or(u64::MAX))
    };
    for (kind, have, need) in [
        (ResourceKind::Cpu, remaining.cpu, demand.cpu),
        (ResourceKind::Memory, remaining.memory, demand.memory_mib),
    ] {
        if let Some(amount) = lack(have, need) {
            shorts.push(Short {
                kind,
                amount,
                ports: Vec::new(),
            });
        }
    }
    let mut ports: Vec<String> = demand
        .tcp_ports
        .iter()
        .filter(|&&p| remaining.ports_tcp.contains(p))
        .map(|p| format!("tcp/{p}"))
        .collect();
    ports.extend(
        demand
            .udp_ports
            .iter()
            .filter(|&&p| remaining.ports_udp.contains(p))
            .map(|p| format!("udp/{p}")),
    );
    if !ports.is_empty() {
        shorts.push(Short {
            kind: ResourceKind::Ports,
            amount: ports.len() as u64,
            ports,
        });
    }
    let need = match demand.gpus {
        GpuDemand::Count(n) => n,
        GpuDemand::All { at_least } => at_least,
    };
    let free = remaining.gpus.len() as u64;
    if u64::from(need) > free {
        shorts.push(Short {
            kind: ResourceKind::Gpu,
            amount: u64::from(need) - free,
            ports: Vec::new(),
        });
    }
    shorts
}

/// The report on the task that did not fit. `state` is the state the loop ended in, `call`
/// and `seed` the stopping call: the same call again on `state` fails the same way (each
/// route's tasks go to its own instances, so tasks another route placed after the failure
/// change nothing the failed route's instances are judged by).
fn stopped_by(
    state: &Snapshot,
    call: &RunTaskRequest,
    seed: u64,
    plan: &PlacementRequest,
    fits: u64,
    failures: Vec<(std::borrow::Cow<'static, str>, u64)>,
    waiting: u64,
) -> Result<StoppedBy, EcsError> {
    let mut reasons: Vec<(String, u64)> = failures
        .into_iter()
        .map(|(reason, count)| (reason.into_owned(), count))
        .collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let reasons: IndexMap<String, u64> = reasons.into_iter().collect();

    let (_, explanations) = explain_run_task(state, call, seed)?;
    let failed = explanations
        .iter()
        .find(|e| e.task_arn.is_none() || e.waits_for_capacity);
    // A task that waits for capacity gives no failure entry: its reasons are the verdicts.
    let reasons = if reasons.is_empty() && waiting > 0 {
        verdict_reasons(failed)
    } else {
        reasons
    };
    let single_resource = match failed {
        Some(failed) => single_resources(state, plan, failed)?,
        None => Vec::new(),
    };
    let would_need = single_resource.first().map(SingleResource::describe);
    let task = fits + 1;
    let listed = reasons
        .iter()
        .map(|(reason, count)| format!("{reason}: {count}"))
        .collect::<Vec<_>>()
        .join(", ");
    let why = if listed.is_empty() {
        "no instance could be judged".to_owned()
    } else {
        listed
    };
    let message = match &would_need {
        _ if waiting > 0 => format!(
            "task {task} waits for its capacity provider to scale out (PROVISIONING, with {waiting} of the \
             call's tasks): no instance takes it now ({why})"
        ),
        Some(need) => format!("task {task} did not fit ({why}); one more fits with {need}",),
        None if failed.is_some_and(has_resource_rejection) => format!(
            "task {task} did not fit ({why}); no instance is short of a single resource only: \
             each one short of a resource also lacks another or fails a constraint"
        ),
        None => format!(
            "task {task} did not fit ({why}); no instance is short of a resource: growing one would not place it"
        ),
    };
    Ok(StoppedBy {
        task,
        waiting_for_capacity: waiting,
        reasons,
        single_resource,
        would_need,
        message,
    })
}

/// The rejection reasons of a task's verdicts, most frequent first, then by reason.
fn verdict_reasons(failed: Option<&TaskExplanation>) -> IndexMap<String, u64> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for instance in failed.map(|f| f.instances.as_slice()).unwrap_or_default() {
        if let crate::placement::Verdict::Rejected(rejection) = instance.verdict {
            *counts.entry(rejection.as_str().to_owned()).or_default() += 1;
        }
    }
    let mut reasons: Vec<(String, u64)> = counts.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    reasons.into_iter().collect()
}

/// Whether some instance rejected the task for a resource.
fn has_resource_rejection(explanation: &TaskExplanation) -> bool {
    explanation
        .instances
        .iter()
        .any(|i| matches!(&i.verdict, Verdict::Rejected(r) if r.as_str().starts_with("RESOURCE:")))
}

/// The instances of the failed task's explanation that one resource alone keeps from taking
/// it, grouped by resource.
///
/// An instance rejected for a resource passed the checks placement makes before the resource
/// checks (agent, attributes); it counts when it lacks exactly one resource and passes the
/// checks placement makes after them: every `memberOf` expression of the call (compiled on
/// `state`, as placement compiles them) and `distinctInstance` (no task of the group on it).
fn single_resources(
    state: &Snapshot,
    plan: &PlacementRequest,
    failed: &TaskExplanation,
) -> Result<Vec<SingleResource>, EcsError> {
    let mut member_of = Vec::new();
    let mut distinct_instance = false;
    for constraint in &plan.constraints {
        match constraint {
            Constraint::MemberOf { parsed, .. } => member_of.push(parsed.compile(state)?),
            Constraint::DistinctInstance => distinct_instance = true,
        }
    }
    let group = state.group_id(&plan.group);
    let mut by_kind: BTreeMap<ResourceKind, (u64, usize, Short)> = BTreeMap::new();
    for (position, judged) in failed.instances.iter().enumerate() {
        let Verdict::Rejected(rejection) = &judged.verdict else {
            continue;
        };
        if !rejection.as_str().starts_with("RESOURCE:") {
            continue;
        }
        let Some(instance) = state.instances().get(position) else {
            continue;
        };
        let mut shorts = shortages(instance, &plan.demand);
        if shorts.len() != 1 {
            continue;
        }
        let Some(short) = shorts.pop() else {
            continue;
        };
        let passes_constraints = member_of.iter().all(|e| e.matches(state, position))
            && !(distinct_instance && group.is_some_and(|g| instance.group_count(g) > 0));
        if !passes_constraints {
            continue;
        }
        let entry = by_kind
            .entry(short.kind)
            .or_insert_with(|| (0, position, short.clone()));
        entry.0 += 1;
        if short.amount < entry.2.amount {
            entry.1 = position;
            entry.2 = short;
        }
    }
    let mut found: Vec<SingleResource> = by_kind
        .into_iter()
        .filter_map(|(kind, (instances, position, short))| {
            let instance = state.instances().get(position)?;
            Some(SingleResource {
                resource: kind,
                instances,
                container_instance_arn: instance.arn.to_string(),
                ec2_instance_id: instance.ec2_instance_id.clone(),
                short: short.amount,
                unit: kind.unit(),
                ports: short.ports,
            })
        })
        .collect();
    // Stable: equal counts keep the resource order.
    found.sort_by_key(|found| std::cmp::Reverse(found.instances));
    Ok(found)
}
