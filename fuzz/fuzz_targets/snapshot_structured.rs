//! Builds a snapshot document from structured input (instances with attributes, resources,
//! status and agent state; task definitions; tasks on those instances; capacity providers;
//! the cluster), with names mostly drawn from small vocabularies so the parts refer to each
//! other, and sometimes any text so the loader's checks are reached too. Loading must never
//! panic. When it loads: ListContainerInstances with a generated filter and status, a
//! generated RunTask request run every way the library has (which must agree) and through
//! `Placer`s, and a StartTask request, with the checks of `common`.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use ecs_placement::aws::{ContainerInstanceStatus, RunTaskRequest, StartTaskRequest};
use ecs_placement::model::Snapshot;
use ecs_placement::query::{Expression, list_container_instances};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// Most of each part generated: enough for every strategy and constraint to matter, few
/// enough to keep an input's run short.
const MAX_INSTANCES: usize = 12;
const MAX_DEFINITIONS: usize = 6;
const MAX_TASKS: usize = 16;
const MAX_LIST: usize = 6;
/// How deep a generated expression nests before it is cut short.
const MAX_DEPTH: u32 = 6;

const CLUSTERS: &[&str] = &["prod", "staging"];
const INSTANCE_IDS: &[&str] = &["i0", "i1", "i2", "a170b33839263059f28c105d1fb17c23"];
const STATUSES: &[&str] = &[
    "ACTIVE",
    "DRAINING",
    "REGISTERING",
    "DEREGISTERING",
    "REGISTRATION_FAILED",
    "INACTIVE",
    "BOGUS",
];
const ATTRIBUTE_NAMES: &[&str] = &[
    "ecs.instance-type",
    "ecs.availability-zone",
    "ecs.os-type",
    "stack",
    "team",
    "ecs.capability.external",
    "ecs.capability.task-eni",
    "flag",
];
const ATTRIBUTE_VALUES: &[&str] = &[
    "m5.large",
    "t3.small",
    "g4dn.xlarge",
    "us-east-1a",
    "us-east-1b",
    "us-east-1c",
    "prod",
    "linux",
    "16",
    "1.5",
];
const RESOURCE_NAMES: &[&str] = &["CPU", "MEMORY", "PORTS", "PORTS_UDP", "GPU", "DISK"];
const RESOURCE_TYPES: &[&str] = &["INTEGER", "LONG", "DOUBLE", "STRINGSET"];
const PORTS: &[&str] = &["22", "80", "53", "8080", "2375", " 443", "x"];
const GPUS: &[&str] = &["GPU-0", "GPU-1", "GPU-2"];
const AGENT_VERSIONS: &[&str] = &["1.14.5", "1.86.3", "2.0", "beta"];
const TIMES: &[&str] = &[
    "2018-06-18T22:28:28Z",
    "2026-11-12T14:14:07.412000+00:00",
    "2018-02-13",
    "yesterday",
];
const PROVIDERS: &[&str] = &["cp-a", "cp-b", "FARGATE", "FARGATE_SPOT"];
const PROVIDER_TYPES: &[&str] = &[
    "EC2_AUTOSCALING",
    "FARGATE",
    "FARGATE_SPOT",
    "MANAGED_INSTANCES",
];
const PROVIDER_STATUSES: &[&str] = &["ACTIVE", "INACTIVE", "PROVISIONING"];
const FAMILIES: &[&str] = &["web", "app", "dns", "train", "batch"];
const DEFINITION_STATUSES: &[&str] = &["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"];
const NETWORK_MODES: &[&str] = &["bridge", "host", "awsvpc", "none"];
const TASK_SIZES: &[&str] = &[
    "256", "1024", "1 vCPU", "0.5 vCPU", "2GB", "2 gb", "0", "-1",
];
const COMPATIBILITIES: &[&str] = &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];
const PROTOCOLS: &[&str] = &["tcp", "udp"];
const GPU_COUNTS: &[&str] = &["1", "2", "0", "x"];
const GROUPS: &[&str] = &["service:web", "family:app", "batch"];
const DESIRED: &[&str] = &["RUNNING", "PENDING", "STOPPED"];
const LAUNCH_TYPES: &[&str] = &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];
const CONSTRAINT_TYPES: &[&str] = &["memberOf", "distinctInstance", "sameZone"];
const STRATEGY_TYPES: &[&str] = &["spread", "binpack", "random", "roundRobin"];
const STRATEGY_FIELDS: &[&str] = &[
    "attribute:ecs.availability-zone",
    "instanceId",
    "host",
    "memory",
    "cpu",
    "attribute:stack",
    "attribute:flag",
];
const SUBJECTS: &[&str] = &[
    "attribute:ecs.instance-type",
    "attribute:ecs.availability-zone",
    "attribute:stack",
    "attribute:flag",
    "attribute:missing",
    "agentConnected",
    "agentVersion",
    "ec2InstanceId",
    "registeredAt",
    "runningTasksCount",
    "task:group",
];
const OPERATORS: &[&str] = &["==", "!=", ">", ">=", "<", "<=", "=~", "!~"];
const VALUES: &[&str] = &[
    "m5.*",
    "t3.small",
    "us-east-1a",
    "prod",
    "true",
    "false",
    "1.14.5",
    "2018-06-18",
    "0",
    "2",
    "service:web",
    "*",
    "i-?",
];

/// An index into a vocabulary (wrapping).
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Pick(u8);

impl Pick {
    fn of(self, words: &[&'static str]) -> &'static str {
        words
            .get(usize::from(self.0) % words.len().max(1))
            .copied()
            .unwrap_or_default()
    }

    fn index(self, len: usize) -> Option<usize> {
        (len > 0).then(|| usize::from(self.0) % len)
    }
}

/// A string: mostly from a vocabulary (three variants in four), sometimes any text.
#[derive(Debug, Arbitrary)]
enum Text {
    Known(Pick),
    Known2(Pick),
    Known3(Pick),
    Free(String),
}

impl Text {
    fn get(&self, words: &[&'static str]) -> String {
        match self {
            Self::Known(p) | Self::Known2(p) | Self::Known3(p) => p.of(words).to_owned(),
            Self::Free(text) => text.clone(),
        }
    }
}

/// A JSON number: mostly small, sometimes any integer or float.
#[derive(Debug, Arbitrary)]
enum Num {
    Small(u16),
    Small2(u16),
    Any(i64),
    Float(f64),
}

impl Num {
    fn json(&self) -> Value {
        match self {
            Self::Small(n) | Self::Small2(n) => json!(n),
            Self::Any(n) => json!(n),
            // Not finite: null.
            Self::Float(x) => json!(x),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    cluster: Option<ClusterIn>,
    cluster_name: Pick,
    instances: Vec<InstanceIn>,
    definitions: Vec<DefinitionIn>,
    tasks: Vec<TaskIn>,
    providers: Option<Vec<ProviderIn>>,
    filter: Option<Expr>,
    status_filter: Option<Pick>,
    request: RequestIn,
    start_instances: Vec<InstanceRef>,
    seed: u64,
}

#[derive(Debug, Arbitrary)]
struct ClusterIn {
    with_arn: bool,
    capacity_providers: Option<Vec<Text>>,
    default_strategy: Option<Vec<StrategyItemIn>>,
}

#[derive(Debug, Arbitrary)]
struct StrategyItemIn {
    provider: Text,
    weight: Option<u8>,
    base: Option<u8>,
}

impl StrategyItemIn {
    fn json(&self) -> Value {
        let mut item = Map::new();
        item.insert(
            "capacityProvider".into(),
            json!(self.provider.get(PROVIDERS)),
        );
        if let Some(weight) = self.weight {
            // Mostly 0..=3, sometimes past the limit of 1000.
            item.insert(
                "weight".into(),
                json!(if weight > 250 {
                    1001
                } else {
                    u16::from(weight % 4)
                }),
            );
        }
        if let Some(base) = self.base {
            item.insert("base".into(), json!(base % 4));
        }
        Value::Object(item)
    }
}

#[derive(Debug, Arbitrary)]
struct InstanceIn {
    id: Option<Text>,
    ec2_instance_id: Option<Text>,
    status: Option<Text>,
    agent_connected: Option<bool>,
    agent_version: Option<Text>,
    registered_at: Option<Time>,
    provider: Option<Text>,
    attributes: Vec<AttributeIn>,
    registered: Vec<ResourceIn>,
    remaining: Option<Vec<ResourceIn>>,
    running_tasks_count: Option<Num>,
    pending_tasks_count: Option<Num>,
}

#[derive(Debug, Arbitrary)]
enum Time {
    Text(Text),
    Seconds(Num),
}

impl Time {
    fn json(&self) -> Value {
        match self {
            Self::Text(text) => json!(text.get(TIMES)),
            Self::Seconds(n) => n.json(),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct AttributeIn {
    name: Text,
    value: Option<Text>,
}

impl AttributeIn {
    fn json(&self) -> Value {
        let mut attribute = Map::new();
        attribute.insert("name".into(), json!(self.name.get(ATTRIBUTE_NAMES)));
        if let Some(value) = &self.value {
            attribute.insert("value".into(), json!(value.get(ATTRIBUTE_VALUES)));
        }
        Value::Object(attribute)
    }
}

#[derive(Debug, Arbitrary)]
struct ResourceIn {
    name: Text,
    kind: Option<Pick>,
    value: ResourceValue,
}

#[derive(Debug, Arbitrary)]
enum ResourceValue {
    Integer(Num),
    Long(Num),
    Double(Num),
    Set(Vec<Text>),
    None,
}

impl ResourceIn {
    fn json(&self) -> Value {
        let name = self.name.get(RESOURCE_NAMES);
        let mut resource = Map::new();
        if let Some(kind) = self.kind {
            resource.insert("type".into(), json!(kind.of(RESOURCE_TYPES)));
        }
        match &self.value {
            ResourceValue::Integer(n) => {
                resource.insert("integerValue".into(), n.json());
            }
            ResourceValue::Long(n) => {
                resource.insert("longValue".into(), n.json());
            }
            ResourceValue::Double(n) => {
                resource.insert("doubleValue".into(), n.json());
            }
            ResourceValue::Set(items) => {
                let words = if name == "GPU" { GPUS } else { PORTS };
                let items: Vec<String> =
                    items.iter().take(MAX_LIST).map(|t| t.get(words)).collect();
                resource.insert("stringSetValue".into(), json!(items));
            }
            ResourceValue::None => {}
        }
        resource.insert("name".into(), json!(name));
        Value::Object(resource)
    }
}

#[derive(Debug, Arbitrary)]
struct DefinitionIn {
    family: Text,
    revision: Option<u8>,
    with_arn: bool,
    status: Option<Pick>,
    network_mode: Option<Pick>,
    cpu: Option<Text>,
    memory: Option<Text>,
    requires_compatibilities: Option<Vec<Pick>>,
    containers: Vec<ContainerIn>,
    requires_attributes: Vec<AttributeIn>,
    constraints: Vec<ConstraintIn>,
}

#[derive(Debug, Arbitrary)]
struct ContainerIn {
    name: Option<Text>,
    cpu: Option<Num>,
    memory: Option<Num>,
    memory_reservation: Option<Num>,
    ports: Vec<PortMappingIn>,
    gpus: Option<Text>,
}

#[derive(Debug, Arbitrary)]
struct PortMappingIn {
    container_port: Option<Num>,
    host_port: Option<Num>,
    protocol: Option<Pick>,
}

#[derive(Debug, Arbitrary)]
struct ConstraintIn {
    kind: Option<Pick>,
    expression: Option<Expr>,
}

impl ConstraintIn {
    fn json(&self) -> Value {
        let mut constraint = Map::new();
        if let Some(kind) = self.kind {
            constraint.insert("type".into(), json!(kind.of(CONSTRAINT_TYPES)));
        }
        if let Some(expression) = &self.expression {
            constraint.insert("expression".into(), json!(expression.render(0)));
        }
        Value::Object(constraint)
    }
}

impl DefinitionIn {
    fn family(&self) -> String {
        self.family.get(FAMILIES)
    }

    fn revision(&self) -> u8 {
        self.revision.unwrap_or(1)
    }

    fn arn(&self) -> String {
        format!(
            "arn:aws:ecs:us-east-1:123456789012:task-definition/{}:{}",
            self.family(),
            self.revision()
        )
    }

    fn json(&self) -> Value {
        let mut definition = Map::new();
        definition.insert("family".into(), json!(self.family()));
        if let Some(revision) = self.revision {
            definition.insert("revision".into(), json!(revision));
        }
        if self.with_arn {
            definition.insert("taskDefinitionArn".into(), json!(self.arn()));
        }
        if let Some(status) = self.status {
            definition.insert("status".into(), json!(status.of(DEFINITION_STATUSES)));
        }
        if let Some(mode) = self.network_mode {
            definition.insert("networkMode".into(), json!(mode.of(NETWORK_MODES)));
        }
        if let Some(cpu) = &self.cpu {
            definition.insert("cpu".into(), json!(cpu.get(TASK_SIZES)));
        }
        if let Some(memory) = &self.memory {
            definition.insert("memory".into(), json!(memory.get(TASK_SIZES)));
        }
        if let Some(list) = &self.requires_compatibilities {
            let list: Vec<&str> = list
                .iter()
                .take(MAX_LIST)
                .map(|p| p.of(COMPATIBILITIES))
                .collect();
            definition.insert("requiresCompatibilities".into(), json!(list));
        }
        let containers: Vec<Value> = self
            .containers
            .iter()
            .take(3)
            .map(ContainerIn::json)
            .collect();
        definition.insert("containerDefinitions".into(), json!(containers));
        if !self.requires_attributes.is_empty() {
            let list: Vec<Value> = self
                .requires_attributes
                .iter()
                .take(MAX_LIST)
                .map(AttributeIn::json)
                .collect();
            definition.insert("requiresAttributes".into(), json!(list));
        }
        if !self.constraints.is_empty() {
            let list: Vec<Value> = self
                .constraints
                .iter()
                .take(3)
                .map(ConstraintIn::json)
                .collect();
            definition.insert("placementConstraints".into(), json!(list));
        }
        Value::Object(definition)
    }
}

impl ContainerIn {
    fn json(&self) -> Value {
        let mut container = Map::new();
        if let Some(name) = &self.name {
            container.insert("name".into(), json!(name.get(FAMILIES)));
        }
        for (key, value) in [
            ("cpu", &self.cpu),
            ("memory", &self.memory),
            ("memoryReservation", &self.memory_reservation),
        ] {
            if let Some(value) = value {
                container.insert(key.into(), value.json());
            }
        }
        if !self.ports.is_empty() {
            let ports: Vec<Value> = self
                .ports
                .iter()
                .take(3)
                .map(|p| {
                    let mut mapping = Map::new();
                    if let Some(port) = &p.container_port {
                        mapping.insert("containerPort".into(), port.json());
                    }
                    if let Some(port) = &p.host_port {
                        mapping.insert("hostPort".into(), port.json());
                    }
                    if let Some(protocol) = p.protocol {
                        mapping.insert("protocol".into(), json!(protocol.of(PROTOCOLS)));
                    }
                    Value::Object(mapping)
                })
                .collect();
            container.insert("portMappings".into(), json!(ports));
        }
        if let Some(gpus) = &self.gpus {
            container.insert(
                "resourceRequirements".into(),
                json!([{"type": "GPU", "value": gpus.get(GPU_COUNTS)}]),
            );
        }
        Value::Object(container)
    }
}

/// Which instance a task or a StartTask request names.
#[derive(Debug, Arbitrary)]
enum InstanceRef {
    Arn(Pick),
    Id(Pick),
    Other(Text),
}

impl InstanceRef {
    fn resolve(&self, arns: &[String]) -> String {
        match self {
            Self::Arn(p) => p
                .index(arns.len())
                .and_then(|i| arns.get(i))
                .cloned()
                .unwrap_or_default(),
            // The short id after the last `/`.
            Self::Id(p) => p
                .index(arns.len())
                .and_then(|i| arns.get(i))
                .and_then(|arn| arn.rsplit('/').next())
                .unwrap_or_default()
                .to_owned(),
            Self::Other(text) => text.get(INSTANCE_IDS),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct TaskIn {
    id: Option<Text>,
    definition: Option<Pick>,
    instance: Option<InstanceRef>,
    group: Option<Text>,
    desired_status: Option<Pick>,
    last_status: Option<Pick>,
    cpu: Option<Text>,
    memory: Option<Text>,
    launch_type: Option<Pick>,
    gpu_ids: Option<Vec<Pick>>,
}

#[derive(Debug, Arbitrary)]
struct ProviderIn {
    name: Option<Text>,
    kind: Option<Pick>,
    status: Option<Pick>,
}

/// A cluster query expression, rendered as text.
#[derive(Debug, Arbitrary)]
enum Expr {
    Compare(Pick, Pick, Text),
    In(Pick, bool, Vec<Text>),
    Exists(Pick, bool),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Raw(String),
}

impl Expr {
    fn render(&self, depth: u32) -> String {
        if depth > MAX_DEPTH {
            return "agentConnected == true".to_owned();
        }
        match self {
            Self::Compare(subject, op, value) => {
                format!(
                    "{} {} {}",
                    subject.of(SUBJECTS),
                    op.of(OPERATORS),
                    quote(&value.get(VALUES))
                )
            }
            Self::In(subject, negated, values) => {
                let values: Vec<String> = values
                    .iter()
                    .take(MAX_LIST)
                    .map(|v| quote(&v.get(VALUES)))
                    .collect();
                let op = if *negated { "not_in" } else { "in" };
                format!("{} {op} [{}]", subject.of(SUBJECTS), values.join(", "))
            }
            Self::Exists(subject, negated) => {
                format!(
                    "{} {}",
                    subject.of(SUBJECTS),
                    if *negated { "!exists" } else { "exists" }
                )
            }
            Self::Not(inner) => format!("not({})", inner.render(depth + 1)),
            Self::And(a, b) => format!("({}) and ({})", a.render(depth + 1), b.render(depth + 1)),
            Self::Or(a, b) => format!("({}) or ({})", a.render(depth + 1), b.render(depth + 1)),
            Self::Raw(text) => text.clone(),
        }
    }
}

/// A value as the query language reads it: bare when it can be, else quoted.
fn quote(value: &str) -> String {
    let bare = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || "()[],'\"".contains(c));
    if bare {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', ""))
    }
}

#[derive(Debug, Arbitrary)]
struct RequestIn {
    cluster: Option<Text>,
    definition: DefinitionRef,
    count: Option<u8>,
    launch_type: Option<Pick>,
    capacity_provider_strategy: Option<Vec<StrategyItemIn>>,
    constraints: Option<Vec<ConstraintIn>>,
    strategies: Option<Vec<(Option<Pick>, Option<Pick>)>>,
    group: Option<Text>,
    awsvpc: bool,
}

#[derive(Debug, Arbitrary)]
enum DefinitionRef {
    Family(Pick),
    FamilyRevision(Pick),
    Arn(Pick),
    Other(Text),
}

impl RequestIn {
    fn definition(&self, definitions: &[&DefinitionIn]) -> String {
        let pick = |p: &Pick| p.index(definitions.len()).and_then(|i| definitions.get(i));
        match &self.definition {
            DefinitionRef::Family(p) => pick(p).map(|d| d.family()),
            DefinitionRef::FamilyRevision(p) => {
                pick(p).map(|d| format!("{}:{}", d.family(), d.revision()))
            }
            DefinitionRef::Arn(p) => pick(p).map(|d| d.arn()),
            DefinitionRef::Other(text) => Some(text.get(FAMILIES)),
        }
        .unwrap_or_else(|| "web".to_owned())
    }

    /// The RunTask request, and the members a StartTask request of the same definition shares
    /// with it (the caller adds the instances).
    fn json(&self, definitions: &[&DefinitionIn], cluster: &str) -> (Value, Map<String, Value>) {
        let mut common = Map::new();
        if let Some(name) = &self.cluster {
            common.insert("cluster".into(), json!(name.get(CLUSTERS)));
        } else {
            common.insert("cluster".into(), json!(cluster));
        }
        common.insert("taskDefinition".into(), json!(self.definition(definitions)));
        if let Some(group) = &self.group {
            common.insert("group".into(), json!(group.get(GROUPS)));
        }
        if self.awsvpc {
            common.insert(
                "networkConfiguration".into(),
                json!({"awsvpcConfiguration": {"subnets": ["subnet-1"]}}),
            );
        }
        let start = common.clone();
        let mut run = common;
        if let Some(count) = self.count {
            // 0 and 11 are out of range.
            run.insert("count".into(), json!(count % 12));
        }
        if let Some(kind) = self.launch_type {
            run.insert("launchType".into(), json!(kind.of(LAUNCH_TYPES)));
        }
        if let Some(items) = &self.capacity_provider_strategy {
            let items: Vec<Value> = items
                .iter()
                .take(MAX_LIST)
                .map(StrategyItemIn::json)
                .collect();
            run.insert("capacityProviderStrategy".into(), json!(items));
        }
        if let Some(constraints) = &self.constraints {
            let list: Vec<Value> = constraints.iter().take(4).map(ConstraintIn::json).collect();
            run.insert("placementConstraints".into(), json!(list));
        }
        if let Some(strategies) = &self.strategies {
            let list: Vec<Value> = strategies
                .iter()
                .take(MAX_LIST)
                .map(|(kind, field)| {
                    let mut strategy = Map::new();
                    if let Some(kind) = kind {
                        strategy.insert("type".into(), json!(kind.of(STRATEGY_TYPES)));
                    }
                    if let Some(field) = field {
                        strategy.insert("field".into(), json!(field.of(STRATEGY_FIELDS)));
                    }
                    Value::Object(strategy)
                })
                .collect();
            run.insert("placementStrategy".into(), json!(list));
        }
        (Value::Object(run), start)
    }
}

impl Input {
    /// The snapshot document, its instance ARNs and the definitions it holds.
    fn document(&self) -> (Value, Vec<String>, Vec<&DefinitionIn>) {
        let cluster = self.cluster_name.of(CLUSTERS);
        let mut arns = Vec::new();
        let instances: Vec<Value> = self
            .instances
            .iter()
            .take(MAX_INSTANCES)
            .enumerate()
            .map(|(position, i)| {
                let id = match &i.id {
                    Some(id) => id.get(INSTANCE_IDS),
                    // Unique by default, so most documents load.
                    None => format!("ci{position}"),
                };
                let arn =
                    format!("arn:aws:ecs:us-east-1:123456789012:container-instance/{cluster}/{id}");
                arns.push(arn.clone());
                i.json(arn)
            })
            .collect();
        let definitions: Vec<&DefinitionIn> =
            self.definitions.iter().take(MAX_DEFINITIONS).collect();
        let tasks: Vec<Value> = self
            .tasks
            .iter()
            .take(MAX_TASKS)
            .enumerate()
            .map(|(index, t)| t.json(index, cluster, &arns, &definitions))
            .collect();
        let mut document = Map::new();
        if let Some(info) = &self.cluster {
            let mut wire = Map::new();
            wire.insert("clusterName".into(), json!(cluster));
            if info.with_arn {
                wire.insert(
                    "clusterArn".into(),
                    json!(format!(
                        "arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}"
                    )),
                );
            }
            if let Some(list) = &info.capacity_providers {
                let list: Vec<String> = list
                    .iter()
                    .take(MAX_LIST)
                    .map(|t| t.get(PROVIDERS))
                    .collect();
                wire.insert("capacityProviders".into(), json!(list));
            }
            if let Some(items) = &info.default_strategy {
                let items: Vec<Value> = items
                    .iter()
                    .take(MAX_LIST)
                    .map(StrategyItemIn::json)
                    .collect();
                wire.insert("defaultCapacityProviderStrategy".into(), json!(items));
            }
            document.insert("cluster".into(), Value::Object(wire));
        }
        document.insert("containerInstances".into(), json!(instances));
        let wire_definitions: Vec<Value> = definitions.iter().map(|d| d.json()).collect();
        document.insert("taskDefinitions".into(), json!(wire_definitions));
        document.insert("tasks".into(), json!(tasks));
        if let Some(providers) = &self.providers {
            let list: Vec<Value> = providers
                .iter()
                .take(MAX_LIST)
                .map(|p| {
                    let mut provider = Map::new();
                    if let Some(name) = &p.name {
                        provider.insert("name".into(), json!(name.get(PROVIDERS)));
                    }
                    if let Some(kind) = p.kind {
                        provider.insert("type".into(), json!(kind.of(PROVIDER_TYPES)));
                    }
                    if let Some(status) = p.status {
                        provider.insert("status".into(), json!(status.of(PROVIDER_STATUSES)));
                    }
                    Value::Object(provider)
                })
                .collect();
            document.insert("capacityProviders".into(), json!(list));
        }
        (Value::Object(document), arns, definitions)
    }
}

impl InstanceIn {
    fn json(&self, arn: String) -> Value {
        let mut instance = Map::new();
        instance.insert("containerInstanceArn".into(), json!(arn));
        if let Some(id) = &self.ec2_instance_id {
            instance.insert(
                "ec2InstanceId".into(),
                json!(id.get(&["i-1", "i-2", "i-abcd1234"])),
            );
        }
        if let Some(status) = &self.status {
            instance.insert("status".into(), json!(status.get(STATUSES)));
        }
        if let Some(connected) = self.agent_connected {
            instance.insert("agentConnected".into(), json!(connected));
        }
        if let Some(version) = &self.agent_version {
            instance.insert(
                "versionInfo".into(),
                json!({"agentVersion": version.get(AGENT_VERSIONS)}),
            );
        }
        if let Some(at) = &self.registered_at {
            instance.insert("registeredAt".into(), at.json());
        }
        if let Some(provider) = &self.provider {
            instance.insert(
                "capacityProviderName".into(),
                json!(provider.get(PROVIDERS)),
            );
        }
        let attributes: Vec<Value> = self
            .attributes
            .iter()
            .take(8)
            .map(AttributeIn::json)
            .collect();
        instance.insert("attributes".into(), json!(attributes));
        let registered: Vec<Value> = self
            .registered
            .iter()
            .take(8)
            .map(ResourceIn::json)
            .collect();
        instance.insert("registeredResources".into(), json!(registered));
        if let Some(remaining) = &self.remaining {
            let remaining: Vec<Value> = remaining.iter().take(8).map(ResourceIn::json).collect();
            instance.insert("remainingResources".into(), json!(remaining));
        }
        if let Some(count) = &self.running_tasks_count {
            instance.insert("runningTasksCount".into(), count.json());
        }
        if let Some(count) = &self.pending_tasks_count {
            instance.insert("pendingTasksCount".into(), count.json());
        }
        Value::Object(instance)
    }
}

impl TaskIn {
    fn json(
        &self,
        index: usize,
        cluster: &str,
        arns: &[String],
        definitions: &[&DefinitionIn],
    ) -> Value {
        let id = match &self.id {
            Some(id) => id.get(&["t0", "t1"]),
            None => format!("t{index}"),
        };
        let mut task = Map::new();
        task.insert(
            "taskArn".into(),
            json!(format!(
                "arn:aws:ecs:us-east-1:123456789012:task/{cluster}/{id}"
            )),
        );
        if let Some(definition) = self
            .definition
            .and_then(|p| p.index(definitions.len()))
            .and_then(|i| definitions.get(i))
        {
            task.insert("taskDefinitionArn".into(), json!(definition.arn()));
        }
        if let Some(instance) = &self.instance {
            task.insert("containerInstanceArn".into(), json!(instance.resolve(arns)));
        }
        if let Some(group) = &self.group {
            task.insert("group".into(), json!(group.get(GROUPS)));
        }
        if let Some(status) = self.desired_status {
            task.insert("desiredStatus".into(), json!(status.of(DESIRED)));
        }
        if let Some(status) = self.last_status {
            task.insert("lastStatus".into(), json!(status.of(DESIRED)));
        }
        if let Some(cpu) = &self.cpu {
            task.insert("cpu".into(), json!(cpu.get(TASK_SIZES)));
        }
        if let Some(memory) = &self.memory {
            task.insert("memory".into(), json!(memory.get(TASK_SIZES)));
        }
        if let Some(kind) = self.launch_type {
            task.insert("launchType".into(), json!(kind.of(LAUNCH_TYPES)));
        }
        if let Some(ids) = &self.gpu_ids {
            let ids: Vec<&str> = ids.iter().take(3).map(|p| p.of(GPUS)).collect();
            task.insert("containers".into(), json!([{"name": "c", "gpuIds": ids}]));
        }
        Value::Object(task)
    }
}

fuzz_target!(|input: Input| {
    let (document, arns, definitions) = input.document();
    let Ok(text) = serde_json::to_string(&document) else {
        return;
    };
    let Ok(snapshot) = Snapshot::from_json(&text) else {
        return;
    };
    common::check_reload(&snapshot);
    list(&snapshot, &input);
    let cluster = input.cluster_name.of(CLUSTERS);
    let (run, mut start) = input.request.json(&definitions, cluster);
    if let Ok(request) = serde_json::from_value::<RunTaskRequest>(run) {
        if let Some(outcome) = common::run_task_every_way(&snapshot, &request, input.seed) {
            common::check_next_state(&snapshot, &outcome);
            // Three calls: the third is the first a Placer serves from its cached rows.
            common::check_placer(&snapshot, &request, input.seed, 3);
        }
    }
    let named: Vec<String> = input
        .start_instances
        .iter()
        .take(12)
        .map(|r| r.resolve(&arns))
        .collect();
    start.insert("containerInstances".into(), json!(named));
    if let Ok(request) = serde_json::from_value::<StartTaskRequest>(Value::Object(start)) {
        common::start_task_checked(&snapshot, &request, input.seed);
    }
});

/// ListContainerInstances with the generated filter and status: the instances of that status
/// (any but INACTIVE without one) the filter's compiled form matches, in snapshot order.
fn list(snapshot: &Snapshot, input: &Input) {
    let filter = input.filter.as_ref().map(|e| e.render(0));
    let status = input
        .status_filter
        .map(|p| ContainerInstanceStatus::parse(p.of(STATUSES)));
    let Ok(listed) = list_container_instances(snapshot, filter.as_deref(), status.as_ref()) else {
        return;
    };
    let compiled = match filter
        .as_deref()
        .map(|text| Expression::parse(text).map(|e| e.compile(snapshot)))
    {
        Some(Ok(Ok(compiled))) => Some(compiled),
        None => None,
        Some(_) => {
            panic!("ListContainerInstances accepted a filter that does not compile: {filter:?}")
        }
    };
    let expected: Vec<String> = snapshot
        .instances()
        .iter()
        .enumerate()
        .filter(|(_, i)| match &status {
            Some(wanted) => i.status == *wanted,
            None => i.status != ContainerInstanceStatus::Inactive,
        })
        .filter(|(position, _)| {
            compiled
                .as_ref()
                .is_none_or(|c| c.matches(snapshot, *position))
        })
        .map(|(_, i)| i.arn.to_string())
        .collect();
    assert_eq!(
        listed.container_instance_arns, expected,
        "filter {filter:?}, status {status:?}"
    );
}
