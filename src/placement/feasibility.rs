//! Feasibility: whether one instance can take one task now, and if not, the one reason ECS
//! reports for it (DECISIONS 18, 29–33).
//!
//! Checks run in a fixed order and the first failing one is the instance's reason: `AGENT`,
//! `ATTRIBUTE`, `RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:PORTS`, `RESOURCE:GPU`,
//! `RESOURCE:ENI` (an `awsvpc` task on an instance with no free network interface), then
//! `memberOf` (every expression, ANDed), then `distinctInstance`. Instances whose status is not
//! ACTIVE are not judged at all: ECS skips them without a failure entry.

use fixedbitset::FixedBitSet;

use crate::aws::{Attribute, TaskDefinition};
use crate::error::EcsError;
use crate::model::positions::add_positions;
use crate::model::{AttrNameId, GroupId, Instance, Snapshot};

use super::capacity::Pool;
use super::inputs::{CompiledExpression, Constraint, GpuDemand, TaskDemand};
use crate::query::{Node, NodeKind, Subject};

/// Why an instance cannot take a task: the `reason` of a failure entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// The instance is ACTIVE but its agent is disconnected.
    Agent,
    /// The instance lacks an attribute the task definition requires.
    Attribute,
    /// Not enough CPU units left.
    Cpu,
    /// Not enough memory left.
    Memory,
    /// A host port (TCP or UDP) the task needs is reserved.
    Ports,
    /// Not enough free GPUs.
    Gpu,
    /// No free elastic network interface for an `awsvpc` task.
    Eni,
    /// A `memberOf` expression is false for the instance.
    MemberOf,
    /// The instance already runs a task of the group.
    DistinctInstance,
}

impl Rejection {
    /// The reason exactly as it appears in `failures[].reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "AGENT",
            Self::Attribute => "ATTRIBUTE",
            Self::Cpu => "RESOURCE:CPU",
            Self::Memory => "RESOURCE:MEMORY",
            Self::Ports => "RESOURCE:PORTS",
            Self::Gpu => "RESOURCE:GPU",
            Self::Eni => "RESOURCE:ENI",
            Self::MemberOf => "MemberOf placement constraint unsatisfied.",
            Self::DistinctInstance => "DistinctInstance placement constraint unsatisfied.",
        }
    }
}

/// One `requiresAttributes` entry resolved against the snapshot.
#[derive(Debug, Clone)]
struct RequiredAttribute {
    /// `None` when no instance has an attribute of that name (so none qualifies).
    name: Option<AttrNameId>,
    /// The value the instance must hold, when the task definition gives one.
    value: Option<String>,
}

/// Everything the checks need about the task, resolved once per call.
#[derive(Debug, Clone)]
pub struct Requirements {
    demand: TaskDemand,
    attributes: Vec<RequiredAttribute>,
    member_of: Vec<CompiledExpression>,
    /// Whether a `memberOf` expression reads `runningTasksCount` or `task:group`.
    member_of_reads_live_state: bool,
    distinct_instance: bool,
}

impl Requirements {
    /// Resolves the task definition's required attributes and compiles every `memberOf`
    /// expression against `snapshot` (whose group names must already include the call's).
    pub fn new(
        snapshot: &Snapshot,
        definition: &TaskDefinition,
        demand: &TaskDemand,
        constraints: &[Constraint],
    ) -> Result<Self, EcsError> {
        let mut member_of = Vec::new();
        let mut member_of_reads_live_state = false;
        let mut distinct_instance = false;
        for constraint in constraints {
            match constraint {
                Constraint::MemberOf { parsed, .. } => {
                    member_of_reads_live_state |= reads_live_state(parsed.root());
                    member_of.push(parsed.compile(snapshot)?);
                }
                Constraint::DistinctInstance => distinct_instance = true,
            }
        }
        Ok(Self {
            demand: demand.clone(),
            attributes: required_attributes(snapshot, definition),
            member_of,
            member_of_reads_live_state,
            distinct_instance,
        })
    }

    /// Requirements with only resources and attributes (StartTask: no constraints).
    pub fn resources_only(
        snapshot: &Snapshot,
        definition: &TaskDefinition,
        demand: &TaskDemand,
    ) -> Self {
        Self {
            demand: demand.clone(),
            attributes: required_attributes(snapshot, definition),
            member_of: Vec::new(),
            member_of_reads_live_state: false,
            distinct_instance: false,
        }
    }

    /// What one task reserves.
    pub fn demand(&self) -> &TaskDemand {
        &self.demand
    }

    /// Whether a `memberOf` expression reads state placement changes (`runningTasksCount`,
    /// `task:group`), so its verdicts can change as tasks are placed.
    pub fn member_of_reads_live_state(&self) -> bool {
        self.member_of_reads_live_state
    }

    /// Whether the call has a `distinctInstance` constraint.
    pub fn distinct_instance(&self) -> bool {
        self.distinct_instance
    }

    /// The compiled `memberOf` expressions, in constraint order.
    pub fn member_of(&self) -> &[CompiledExpression] {
        &self.member_of
    }

    /// Whether the task needs no host port and no GPU: then whether an instance fits reads
    /// only its remaining CPU and memory besides what never changes (status, agent,
    /// attributes, `memberOf`), and the group's count for `distinctInstance`.
    pub(crate) fn needs_cpu_and_memory_only(&self) -> bool {
        self.demand.tcp_ports.is_empty()
            && self.demand.udp_ports.is_empty()
            && matches!(self.demand.gpus, GpuDemand::Count(0))
    }

    /// The instances that pass the `ATTRIBUTE` check (see [`check_attributes`]), read from the
    /// posting lists; `None` when the task definition requires no attribute (every instance).
    pub(crate) fn attribute_set(&self, snapshot: &Snapshot) -> Option<FixedBitSet> {
        if self.attributes.is_empty() {
            return None;
        }
        let count = snapshot.instances().len();
        let mut passing = FixedBitSet::with_capacity(count);
        passing.insert_range(..);
        for required in &self.attributes {
            let mut holding = FixedBitSet::with_capacity(count);
            if let Some(name) = required.name {
                let postings = snapshot.attribute_postings(name);
                let mut add = |positions: &[u32]| {
                    add_positions(&mut holding, positions.iter().copied());
                };
                match &required.value {
                    // The value compared as text is the value compared as an interned id.
                    Some(want) => {
                        let id = snapshot.attribute_value_id(want);
                        if let Some(positions) = id.and_then(|id| postings.get(&Some(id))) {
                            add(positions);
                        }
                    }
                    None => postings.values().for_each(|positions| add(positions)),
                }
            }
            passing.intersect_with(&holding);
        }
        Some(passing)
    }
}

/// Whether a comparison of the tree reads `runningTasksCount` or `task:group`.
fn reads_live_state(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Or(children) | NodeKind::And(children) => children.iter().any(reads_live_state),
        NodeKind::Not(inner) => reads_live_state(inner),
        NodeKind::Comparison(comparison) => matches!(
            comparison.subject,
            Subject::RunningTasksCount | Subject::TaskGroup
        ),
    }
}

/// The task definition's `requiresAttributes`, resolved to the snapshot's attribute ids.
fn required_attributes(snapshot: &Snapshot, definition: &TaskDefinition) -> Vec<RequiredAttribute> {
    definition
        .requires_attributes
        .iter()
        .flatten()
        .map(|attribute: &Attribute| RequiredAttribute {
            name: snapshot.attribute_name_id(&attribute.name),
            value: attribute.value.clone(),
        })
        .collect()
}

/// Judges the ACTIVE instance at `position` for one task of `group` (`None` when no task of
/// the group exists anywhere yet). The first failing check, in the documented order, wins.
pub fn check(
    snapshot: &Snapshot,
    position: u32,
    requirements: &Requirements,
    group: Option<GroupId>,
) -> Result<(), Rejection> {
    let Some(instance) = snapshot.instances().get(position as usize) else {
        return Err(Rejection::Agent);
    };
    let member_of = || {
        requirements
            .member_of
            .iter()
            .all(|expression| expression.matches(snapshot, position as usize))
    };
    let group_count = group.map_or(0, |g| instance.group_count(g));
    check_instance(snapshot, instance, requirements, member_of, group_count)
}

/// [`check`] with the instance given, `memberOf` answered by `member_of` (asked only when
/// every earlier check passed) and the group's RUNNING tasks on the instance given: the
/// incremental engine keeps both itself instead of reading them from a working snapshot.
pub(crate) fn check_instance(
    snapshot: &Snapshot,
    instance: &Instance,
    requirements: &Requirements,
    member_of: impl FnOnce() -> bool,
    group_count: u32,
) -> Result<(), Rejection> {
    if !instance.agent_connected {
        return Err(Rejection::Agent);
    }
    check_attributes(snapshot, instance, requirements)?;
    check_resources(instance, &requirements.demand)?;
    if !member_of() {
        return Err(Rejection::MemberOf);
    }
    if requirements.distinct_instance && group_count > 0 {
        return Err(Rejection::DistinctInstance);
    }
    Ok(())
}

/// The `ATTRIBUTE` check: every required attribute present (with its value, when given).
pub fn check_attributes(
    snapshot: &Snapshot,
    instance: &Instance,
    requirements: &Requirements,
) -> Result<(), Rejection> {
    let satisfied = |required: &RequiredAttribute| {
        let Some(held) = required.name.and_then(|name| instance.attribute(name)) else {
            return false;
        };
        match (&required.value, held) {
            (None, _) => true,
            (Some(want), Some(have)) => snapshot.attribute_value(have) == want,
            (Some(_), None) => false,
        }
    };
    if requirements.attributes.iter().all(satisfied) {
        Ok(())
    } else {
        Err(Rejection::Attribute)
    }
}

/// The resource checks in order: CPU, memory, ports (TCP then UDP), GPUs, ENIs. ENIs come
/// last: ECS's placement steps name CPU, GPU, memory and ports and never ENIs, so their
/// check follows the ones it documents (addendum E4).
pub fn check_resources(instance: &Instance, demand: &TaskDemand) -> Result<(), Rejection> {
    let remaining = &instance.remaining;
    if remaining.cpu < signed(demand.cpu) {
        return Err(Rejection::Cpu);
    }
    if remaining.memory < signed(demand.memory_mib) {
        return Err(Rejection::Memory);
    }
    let tcp_taken = demand
        .tcp_ports
        .iter()
        .any(|&p| remaining.ports_tcp.contains(p));
    let udp_taken = demand
        .udp_ports
        .iter()
        .any(|&p| remaining.ports_udp.contains(p));
    if tcp_taken || udp_taken {
        return Err(Rejection::Ports);
    }
    let free = remaining.gpus.len();
    let enough = match demand.gpus {
        GpuDemand::Count(n) => free >= n as usize,
        GpuDemand::All { at_least } => free >= at_least as usize,
    };
    if !enough {
        return Err(Rejection::Gpu);
    }
    if demand.eni && remaining.eni_slots == Some(0) {
        return Err(Rejection::Eni);
    }
    Ok(())
}

/// A demand as the model's signed amounts (saturating: no instance has 2^63 units).
pub(crate) fn signed(amount: u64) -> i64 {
    i64::try_from(amount).unwrap_or(i64::MAX)
}

impl serde::Serialize for Rejection {
    /// The wire reason string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Why a route had no instance to judge at all (reported once, naming the provider or cluster).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shortfall {
    /// The capacity provider has no instance in the cluster.
    EmptyCapacityProvider,
    /// The route's instances exist but none is ACTIVE.
    NoActiveInstances,
}

impl Shortfall {
    /// The reason as ECS words it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmptyCapacityProvider => "EMPTY CAPACITY PROVIDER",
            Self::NoActiveInstances => "NO ACTIVE INSTANCES",
        }
    }
}

/// Why `pool` offered no instance: a provider pool without instances is empty; anything else
/// had instances, none ACTIVE (or none at all for a launch type).
pub fn shortfall(snapshot: &Snapshot, pool: &Pool) -> Shortfall {
    let membership = pool.membership(snapshot);
    let has_members = snapshot
        .instances()
        .iter()
        .any(|instance| membership.contains(instance));
    match pool {
        Pool::Provider(_) if !has_members => Shortfall::EmptyCapacityProvider,
        _ => Shortfall::NoActiveInstances,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::placement::inputs::validate_run_task;
    use crate::placement::inputs::validation_context;
    use crate::placement::test_support::{instance, run_request, snapshot};

    fn requirements(snapshot: &Snapshot, request: serde_json::Value) -> Requirements {
        let plan = validate_run_task(&run_request(request), &validation_context(snapshot))
            .unwrap_or_else(|e| panic!("{e}"));
        Requirements::new(
            snapshot,
            &plan.task_definition,
            &plan.demand,
            &plan.constraints,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reasons_have_their_exact_wire_strings() {
        let all = [
            (Rejection::Agent, "AGENT"),
            (Rejection::Attribute, "ATTRIBUTE"),
            (Rejection::Cpu, "RESOURCE:CPU"),
            (Rejection::Memory, "RESOURCE:MEMORY"),
            (Rejection::Ports, "RESOURCE:PORTS"),
            (Rejection::Gpu, "RESOURCE:GPU"),
            (Rejection::Eni, "RESOURCE:ENI"),
            (
                Rejection::MemberOf,
                "MemberOf placement constraint unsatisfied.",
            ),
            (
                Rejection::DistinctInstance,
                "DistinctInstance placement constraint unsatisfied.",
            ),
        ];
        for (rejection, text) in all {
            assert_eq!(rejection.as_str(), text);
        }
    }

    #[test]
    fn the_first_failing_check_in_order_is_the_reason() {
        let cluster = snapshot(
            vec![
                // Disconnected and too small: AGENT comes first.
                instance("a", 10, 10, json!({"agentConnected": false})),
                // Too little CPU and memory: CPU comes before memory.
                instance("b", 10, 10, json!({})),
                instance("c", 1024, 10, json!({})),
                // Port 80 reserved by the agent.
                instance(
                    "d",
                    1024,
                    1024,
                    json!({"registeredResources": [
                    {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                    {"name": "MEMORY", "type": "INTEGER", "integerValue": 1024},
                    {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["80"]}]}),
                ),
                // Fits, but in the wrong zone for memberOf.
                instance(
                    "e",
                    1024,
                    1024,
                    json!({"attributes": [
                    {"name": "ecs.availability-zone", "value": "us-east-1b"}]}),
                ),
                instance("f", 1024, 1024, json!({})),
            ],
            vec![],
            0,
        );
        let needs = requirements(
            &cluster,
            json!({"placementConstraints": [
                {"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a"}]}),
        );
        let verdicts: Vec<_> = (0..6).map(|p| check(&cluster, p, &needs, None)).collect();
        assert_eq!(
            verdicts,
            vec![
                Err(Rejection::Agent),
                Err(Rejection::Cpu),
                Err(Rejection::Memory),
                Err(Rejection::Ports),
                Err(Rejection::MemberOf),
                Ok(())
            ]
        );
    }

    #[test]
    fn distinct_instance_counts_running_tasks_of_the_group_only() {
        let task = |id: &str, group: &str, desired: &str| {
            json!({"taskArn": format!("arn:aws:ecs:us-east-1:123456789012:task/prod/{id}"),
                   "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/a",
                   "group": group, "desiredStatus": desired, "cpu": "1", "memory": "1"})
        };
        let cluster = snapshot(
            vec![instance("a", 4096, 4096, json!({}))],
            vec![
                task("t1", "family:other", "RUNNING"),
                task("t2", "family:app", "STOPPED"),
            ],
            0,
        );
        let needs = requirements(
            &cluster,
            json!({"placementConstraints": [{"type": "distinctInstance"}]}),
        );
        let group = cluster.group_id("family:app");
        assert_eq!(check(&cluster, 0, &needs, group), Ok(()));
        let other = cluster.group_id("family:other");
        assert_eq!(
            check(&cluster, 0, &needs, other),
            Err(Rejection::DistinctInstance)
        );
    }

    #[test]
    fn gpus_are_counted_against_the_free_ids() {
        let with_gpus = |ids: serde_json::Value| {
            json!({"registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
                {"name": "GPU", "type": "STRINGSET", "stringSetValue": ids}]})
        };
        let cluster = snapshot(
            vec![
                instance("a", 0, 0, with_gpus(json!(["g0"]))),
                instance("b", 0, 0, with_gpus(json!(["g0", "g1"]))),
            ],
            vec![],
            2,
        );
        let needs = requirements(&cluster, json!({}));
        assert_eq!(check(&cluster, 0, &needs, None), Err(Rejection::Gpu));
        assert_eq!(check(&cluster, 1, &needs, None), Ok(()));
    }
}
