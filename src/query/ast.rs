//! The syntax tree of a query expression: subjects, operators, values, and the Boolean
//! combinators over them, each node carrying the byte span of the text it came from.
//!
//! `and` and `or` chains are n-ary (`a and b and c` is one node with three children), which
//! keeps trees shallow and evaluation cheap. Parentheses leave no node: the printer puts back
//! the ones precedence needs. Quotes are not recorded either: a quoted and a bare value are the
//! same value (decision 5).

use std::ops::Range;

/// A whole expression: a tree of [`Node`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// The bytes of the expression it was parsed from (`0..0` for built trees).
    pub span: Range<usize>,
}

/// The kinds of node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// True when any child is (two or more children).
    Or(Vec<Node>),
    /// True when every child is (two or more children).
    And(Vec<Node>),
    /// Boolean negation.
    Not(Box<Node>),
    /// `subject operator [argument]`.
    Comparison(Comparison),
}

/// One simple expression, `subject operator [argument]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// What is read from the instance.
    pub subject: Subject,
    /// The bytes of the subject.
    pub subject_span: Range<usize>,
    /// How it is compared.
    pub operator: Operator,
    /// The bytes of the operator.
    pub operator_span: Range<usize>,
    /// What it is compared with.
    pub argument: Argument,
}

/// What a comparison reads on a container instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// `agentConnected`: `true` or `false`, compared as text.
    AgentConnected,
    /// `agentVersion`: a dotted version, ordered per component.
    AgentVersion,
    /// `attribute:NAME`: the value of the named attribute.
    Attribute(String),
    /// `ec2InstanceId`.
    Ec2InstanceId,
    /// `registeredAt`: the registration instant.
    RegisteredAt,
    /// `runningTasksCount`: tasks with desired status RUNNING (live).
    RunningTasksCount,
    /// `task:group`: the groups of the RUNNING tasks on the instance (live, multi-valued).
    TaskGroup,
}

/// The subjects other than `attribute:NAME`, with their exact (case-sensitive) spelling.
pub const FIXED_SUBJECTS: [(&str, Subject); 6] = [
    ("agentConnected", Subject::AgentConnected),
    ("agentVersion", Subject::AgentVersion),
    ("ec2InstanceId", Subject::Ec2InstanceId),
    ("registeredAt", Subject::RegisteredAt),
    ("runningTasksCount", Subject::RunningTasksCount),
    ("task:group", Subject::TaskGroup),
];

/// The prefix of attribute subjects.
pub const ATTRIBUTE_PREFIX: &str = "attribute:";

impl Subject {
    /// The documented operators for the subject (decision 13); every operator for
    /// `attribute:` and `task:group`, which document no list.
    pub fn allowed_operators(&self) -> &'static [Operator] {
        use Operator::*;
        match self {
            Self::AgentConnected | Self::Ec2InstanceId => {
                &[Equal, NotEqual, In, NotIn, Matches, NotMatches]
            }
            Self::AgentVersion | Self::RegisteredAt | Self::RunningTasksCount => {
                &[Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual]
            }
            Self::Attribute(_) | Self::TaskGroup => &Operator::ALL,
        }
    }

    /// The subject as written in an expression.
    pub fn to_text(&self) -> String {
        match self {
            Self::Attribute(name) => format!("{ATTRIBUTE_PREFIX}{name}"),
            fixed => FIXED_SUBJECTS
                .iter()
                .find(|(_, subject)| subject == fixed)
                .map(|(text, _)| (*text).to_owned())
                .unwrap_or_default(),
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `==`, `equals`.
    Equal,
    /// `!=`, `not_equals`.
    NotEqual,
    /// `>`, `greater_than`.
    Greater,
    /// `>=`, `greater_than_equal`.
    GreaterOrEqual,
    /// `<`, `less_than`.
    Less,
    /// `<=`, `less_than_equal`.
    LessOrEqual,
    /// `exists` (no argument).
    Exists,
    /// `!exists`, `not_exists` (no argument).
    NotExists,
    /// `in` (a list argument).
    In,
    /// `!in`, `not_in` (a list argument).
    NotIn,
    /// `=~`, `matches` (a regular expression).
    Matches,
    /// `!~`, `not_matches` (a regular expression).
    NotMatches,
}

/// What an operator takes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Nothing (`exists`).
    None,
    /// One value.
    Value,
    /// A `[...]` list.
    List,
}

impl Operator {
    /// Every operator, in the documentation's order.
    pub const ALL: [Operator; 12] = [
        Self::Equal,
        Self::NotEqual,
        Self::Greater,
        Self::GreaterOrEqual,
        Self::Less,
        Self::LessOrEqual,
        Self::Exists,
        Self::NotExists,
        Self::In,
        Self::NotIn,
        Self::Matches,
        Self::NotMatches,
    ];

    /// The canonical spelling: the symbol where one exists, else the word.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Equal => "==",
            Self::NotEqual => "!=",
            Self::Greater => ">",
            Self::GreaterOrEqual => ">=",
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Exists => "exists",
            Self::NotExists => "!exists",
            Self::In => "in",
            Self::NotIn => "!in",
            Self::Matches => "=~",
            Self::NotMatches => "!~",
        }
    }

    /// The word alias (`in` and `exists` have only a word).
    pub fn word(self) -> &'static str {
        match self {
            Self::Equal => "equals",
            Self::NotEqual => "not_equals",
            Self::Greater => "greater_than",
            Self::GreaterOrEqual => "greater_than_equal",
            Self::Less => "less_than",
            Self::LessOrEqual => "less_than_equal",
            Self::Exists => "exists",
            Self::NotExists => "not_exists",
            Self::In => "in",
            Self::NotIn => "not_in",
            Self::Matches => "matches",
            Self::NotMatches => "not_matches",
        }
    }

    /// The operator a word spells, ignoring ASCII case (decision 2).
    pub fn from_word(word: &str) -> Option<Operator> {
        Self::ALL
            .into_iter()
            .find(|op| op.word().eq_ignore_ascii_case(word))
    }

    /// What the operator takes after it.
    pub fn arity(self) -> Arity {
        match self {
            Self::Exists | Self::NotExists => Arity::None,
            Self::In | Self::NotIn => Arity::List,
            _ => Arity::Value,
        }
    }
}

/// What follows the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Argument {
    /// Nothing (`exists`, `!exists`).
    None,
    /// One value.
    Value(Value),
    /// A non-empty `[...]` list, with the bytes from `[` to `]`.
    List(Vec<Value>, Range<usize>),
}

/// A value, with its quotes (if any) stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The text compared against.
    pub text: String,
    /// The bytes of the value as written, quotes included.
    pub span: Range<usize>,
    /// The byte offset of `text` in the expression (after an opening quote).
    pub text_start: usize,
}

impl Value {
    /// A value not parsed from any text (spans `0..0`).
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            span: 0..0,
            text_start: 0,
        }
    }
}

impl Node {
    /// A node not parsed from any text (span `0..0`).
    pub fn new(kind: NodeKind) -> Self {
        Self { kind, span: 0..0 }
    }

    /// The same tree with every span set to `0..0`, for comparing trees by structure.
    pub fn without_spans(&self) -> Node {
        let kind = match &self.kind {
            NodeKind::Or(children) => {
                NodeKind::Or(children.iter().map(Node::without_spans).collect())
            }
            NodeKind::And(children) => {
                NodeKind::And(children.iter().map(Node::without_spans).collect())
            }
            NodeKind::Not(inner) => NodeKind::Not(Box::new(inner.without_spans())),
            NodeKind::Comparison(comparison) => NodeKind::Comparison(comparison.without_spans()),
        };
        Node::new(kind)
    }
}

impl Comparison {
    fn without_spans(&self) -> Comparison {
        let strip = |value: &Value| Value::new(value.text.clone());
        let argument = match &self.argument {
            Argument::None => Argument::None,
            Argument::Value(value) => Argument::Value(strip(value)),
            Argument::List(values, _) => Argument::List(values.iter().map(strip).collect(), 0..0),
        };
        Comparison {
            subject: self.subject.clone(),
            subject_span: 0..0,
            operator: self.operator,
            operator_span: 0..0,
            argument,
        }
    }
}
