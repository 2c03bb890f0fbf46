//! `ecs-place serve`: one `Placer` kept across calls that arrive as JSON lines on standard
//! input, each answered by one JSON line on standard output (docs/SERVE.md), so an emulator in
//! any language can place tasks without linking Rust.
//!
//! A line that cannot be answered (not JSON, an unknown operation, a bad request) gets an error
//! answer and the server goes on; the end of standard input ends it with status 0, and so does
//! a reader of standard output that goes away. Only a snapshot that cannot be read, or output
//! that cannot be written for another reason, is a failure (status 2).

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use ecs_placement::aws::read::{RequestShape, request};
use ecs_placement::aws::shapes::{Member, Shape};
use ecs_placement::aws::{ListContainerInstancesRequest, RunTaskRequest, StartTaskRequest};
use ecs_placement::model::Snapshot;
use ecs_placement::request::ValidationContext;
use ecs_placement::request::limits::check_cluster;
use ecs_placement::{EcsError, Placer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::input::{Failure, read_snapshot};

mod calls;

/// Answer placement calls, one JSON line per call on stdin, one JSON line per answer on stdout.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  \
    echo '{\"id\": 1, \"op\": \"runTask\", \"request\": {\"cluster\": \"prod\", \"taskDefinition\": \"web\", \"count\": 2}, \"seed\": 3}' \\\n    \
    | ecs-place serve --cluster examples/cluster.json\n\n\
    A call: {\"id\": ANY, \"op\": \"runTask\" | \"startTask\" | \"stopTask\" | \"listContainerInstances\" | \"snapshot\" \
    | a cluster-changing op (registerContainerInstance, putAttributes, ...), \
    \"request\": {...}, \"seed\": N}\n\
    An answer: {\"id\": ANY, \"result\": {...}} or {\"id\": ANY, \"error\": {\"code\": \"InvalidParameterException\", \"message\": \"...\"}}\n\
    The protocol: docs/SERVE.md.")]
pub struct Args {
    /// The cluster snapshot the server starts from (a file: standard input carries the calls).
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
}

/// Runs `serve` until standard input ends.
pub fn run(args: &Args) -> Result<(), Failure> {
    if args.cluster.as_os_str() == "-" {
        return Err(EcsError::invalid_parameter(
            "`--cluster -`: standard input carries the calls; give the snapshot as a file",
        )
        .into());
    }
    let snapshot = read_snapshot(&args.cluster)?;
    let mut server = Server {
        placer: Placer::new(snapshot),
    };
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(error) => {
                return Err(
                    EcsError::client(format!("cannot read standard input: {error}")).into(),
                );
            }
        }
        let Some(answer) = server.answer(&line) else {
            continue;
        };
        // Each answer is flushed: the caller waits for it before sending the next call.
        let written = output
            .write_all(answer.as_bytes())
            .and_then(|()| output.write_all(b"\n"))
            .and_then(|()| output.flush());
        match written {
            Ok(()) => {}
            // Nobody reads the answers any more: the session is over, quietly.
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(error) => {
                return Err(EcsError::client(format!("cannot write the output: {error}")).into());
            }
        }
    }
}

/// The members a call may have.
const CALL_MEMBERS: [&str; 4] = ["id", "op", "request", "seed"];

/// The operations, as the ECS API names its actions (camelCase).
const OPERATIONS: &str = "runTask, startTask, stopTask, listContainerInstances, snapshot, \
     registerContainerInstance, deregisterContainerInstance, updateContainerInstancesState, \
     setAgentConnected, putAttributes, deleteAttributes, registerTaskDefinition, \
     deregisterTaskDefinition";

/// The `ListContainerInstances` request members (the crate's model holds no shape for it).
static LIST_CONTAINER_INSTANCES_REQUEST: Shape = Shape {
    name: "ListContainerInstancesRequest",
    members: &[
        Member::value("cluster"),
        Member::value("filter"),
        Member::value("maxResults"),
        Member::value("nextToken"),
        Member::value("status"),
    ],
};

/// The `StopTask` request members.
static STOP_TASK_REQUEST: Shape = Shape {
    name: "StopTaskRequest",
    members: &[
        Member::value("cluster"),
        Member::value("reason"),
        Member::value("task"),
    ],
};

/// A `StopTask` call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StopTaskRequest {
    cluster: Option<String>,
    task: Option<String>,
    // `reason` is accepted (the shape lists it) and not kept: placement has no use for it.
}

/// The `StopTask` answer: the task as described after the call (desired status STOPPED).
#[derive(Debug, Serialize)]
struct StopTaskResponse {
    task: Option<ecs_placement::aws::Task>,
}

/// An answer line: `{"id": ..., "result": ...}` or `{"id": ..., "error": {...}}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Outcome<T> {
    Result(T),
    Error(ErrorBody),
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Answer<'a, T> {
    id: &'a Value,
    #[serde(flatten)]
    outcome: Outcome<T>,
}

/// The server's state: one placer every call reads and changes.
struct Server {
    placer: Placer,
}

impl Server {
    /// The answer line to one input line; `None` for a blank line.
    fn answer(&mut self, line: &[u8]) -> Option<String> {
        let null = Value::Null;
        let text = match std::str::from_utf8(line) {
            Ok(text) => text.trim(),
            Err(error) => {
                let error = EcsError::client(format!("the line is not UTF-8: {error}"));
                return Some(render::<()>(&null, Err(error)));
            }
        };
        if text.is_empty() {
            return None;
        }
        let call = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(call)) => call,
            Ok(other) => {
                let error = EcsError::client(format!(
                    "a call is a JSON object {{\"id\", \"op\", \"request\", \"seed\"}}, not {}",
                    kind(&other)
                ));
                return Some(render::<()>(&null, Err(error)));
            }
            Err(error) => {
                let error = EcsError::client(format!("the line is not JSON: {error}"));
                return Some(render::<()>(&null, Err(error)));
            }
        };
        let id = call.get("id").unwrap_or(&null);
        Some(self.dispatch(id, &call))
    }

    /// Runs one call and renders its answer.
    fn dispatch(&mut self, id: &Value, call: &Map<String, Value>) -> String {
        let parts = match Parts::of(call) {
            Ok(parts) => parts,
            Err(error) => return render::<()>(id, Err(error)),
        };
        let placer = &mut self.placer;
        match parts.op {
            "runTask" => {
                let result = read::<RunTaskRequest>(parts.request)
                    .and_then(|request| placer.run_task(&request, parts.seed));
                render(id, result)
            }
            "startTask" => {
                let result = read::<StartTaskRequest>(parts.request)
                    .and_then(|request| placer.start_task(&request, parts.seed));
                render(id, result)
            }
            "stopTask" => render(id, stop_task(placer, parts.request)),
            "listContainerInstances" => render(id, list(placer.snapshot(), parts.request)),
            "snapshot" => {
                let result = match parts.request {
                    None => Ok(placer.snapshot().to_file()),
                    Some(_) => Err(EcsError::invalid_parameter(
                        "`snapshot` takes no request; send {\"id\": ..., \"op\": \"snapshot\"}",
                    )),
                };
                render(id, result)
            }
            "registerContainerInstance" => render(
                id,
                calls::register_container_instance(placer, parts.request),
            ),
            "deregisterContainerInstance" => render(
                id,
                calls::deregister_container_instance(placer, parts.request),
            ),
            "updateContainerInstancesState" => render(
                id,
                calls::update_container_instances_state(placer, parts.request),
            ),
            "setAgentConnected" => render(id, calls::set_agent_connected(placer, parts.request)),
            "putAttributes" => render(id, calls::change_attributes(placer, parts.request, false)),
            "deleteAttributes" => render(id, calls::change_attributes(placer, parts.request, true)),
            "registerTaskDefinition" => {
                render(id, calls::register_task_definition(placer, parts.request))
            }
            "deregisterTaskDefinition" => {
                render(id, calls::deregister_task_definition(placer, parts.request))
            }
            other => render::<()>(
                id,
                Err(EcsError::invalid_parameter(format!(
                    "unknown op {other:?}; the operations are {OPERATIONS}"
                ))),
            ),
        }
    }
}

/// A call's members, checked.
struct Parts<'a> {
    op: &'a str,
    request: Option<&'a Value>,
    seed: u64,
}

impl<'a> Parts<'a> {
    fn of(call: &'a Map<String, Value>) -> Result<Self, EcsError> {
        if let Some(unknown) = call.keys().find(|k| !CALL_MEMBERS.contains(&k.as_str())) {
            return Err(EcsError::invalid_parameter(format!(
                "unknown member {unknown:?} in the call; the members are id, op, request, seed"
            )));
        }
        let op = match call.get("op") {
            Some(Value::String(op)) => op.as_str(),
            Some(other) => {
                return Err(EcsError::invalid_parameter(format!(
                    "op must be a string, one of {OPERATIONS}; found {}",
                    kind(other)
                )));
            }
            None => {
                return Err(EcsError::invalid_parameter(format!(
                    "the call has no op; give one of {OPERATIONS}"
                )));
            }
        };
        let seed = match call.get("seed") {
            None | Some(Value::Null) => 0,
            Some(value) => value.as_u64().ok_or_else(|| {
                EcsError::invalid_parameter(format!(
                    "seed must be a whole number from 0 to {}, got {value}",
                    u64::MAX
                ))
            })?,
        };
        let request = call.get("request").filter(|value| !value.is_null());
        Ok(Self { op, request, seed })
    }
}

/// Reads a request with the strict reader (unknown members refused, as the CLI refuses them).
/// An absent request is `{}`: the library then names the members that are missing.
fn read<T: RequestShape>(value: Option<&Value>) -> Result<T, EcsError> {
    read_shaped(value, T::SHAPE)
}

fn read_shaped<T: serde::de::DeserializeOwned>(
    value: Option<&Value>,
    shape: &'static Shape,
) -> Result<T, EcsError> {
    let text = match value {
        Some(value @ Value::Object(_)) => value.to_string(),
        Some(other) => {
            return Err(EcsError::client(format!(
                "request must be a JSON object ({}), not {}",
                shape.name,
                kind(other)
            )));
        }
        None => "{}".to_owned(),
    };
    // The text is the line's request written again, so a line and column in it would not
    // point into the caller's line: the message keeps the member's path alone.
    request(&text, shape)
        .map_err(|error| EcsError::new(error.exception, error.message.trim_start().to_owned()))
}

/// StopTask: `{"cluster"?, "task", "reason"?}`; answers `{"task": ...}`.
fn stop_task(placer: &mut Placer, value: Option<&Value>) -> Result<StopTaskResponse, EcsError> {
    let request: StopTaskRequest = read_shaped(value, &STOP_TASK_REQUEST)?;
    check_cluster(
        request.cluster.as_deref(),
        &ValidationContext::from_snapshot(placer.snapshot()),
    )?;
    let Some(task) = request.task else {
        return Err(EcsError::invalid_parameter(
            "task is required: the ARN of the task to stop",
        ));
    };
    placer.stop_task(&task)?;
    Ok(StopTaskResponse {
        task: placer.snapshot().describe_task(&task),
    })
}

/// ListContainerInstances: every match on one page (`maxResults` and `nextToken` are accepted
/// and change nothing).
fn list(
    snapshot: &Snapshot,
    value: Option<&Value>,
) -> Result<ecs_placement::aws::ListContainerInstancesResponse, EcsError> {
    let request: ListContainerInstancesRequest =
        read_shaped(value, &LIST_CONTAINER_INSTANCES_REQUEST)?;
    check_cluster(
        request.cluster.as_deref(),
        &ValidationContext::from_snapshot(snapshot),
    )?;
    ecs_placement::query::list_container_instances(
        snapshot,
        request.filter.as_deref(),
        request.status.as_ref(),
    )
}

/// The answer line for an outcome.
fn render<T: Serialize>(id: &Value, outcome: Result<T, EcsError>) -> String {
    let outcome = match outcome {
        Ok(result) => Outcome::Result(result),
        Err(error) => Outcome::Error(ErrorBody {
            code: error.exception.as_str(),
            message: error.message,
        }),
    };
    serde_json::to_string(&Answer { id, outcome }).unwrap_or_else(|error| {
        // The shapes always serialize; should one not, the caller still gets an answer.
        let body = ErrorBody {
            code: "ClientException",
            message: format!("cannot write the answer: {error}"),
        };
        let answer = Answer {
            id,
            outcome: Outcome::<()>::Error(body),
        };
        serde_json::to_string(&answer).unwrap_or_default()
    })
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
