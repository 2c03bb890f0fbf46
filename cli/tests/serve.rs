//! `ecs-place serve` driven as a subprocess: JSON lines in, one JSON answer line per call out,
//! one placer kept across calls, malformed lines answered with errors, EOF ends with status 0.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn cluster() -> String {
    repo_file("examples/cluster.json")
        .to_str()
        .unwrap()
        .to_owned()
}

fn request(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo_file(name)).unwrap()).unwrap()
}

/// Sends `input` to `ecs-place serve --cluster examples/cluster.json`, closes stdin, waits.
fn serve(input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(["serve", "--cluster", &cluster()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn answers(output: &Output) -> Vec<Value> {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each answer is one JSON line"))
        .collect()
}

fn lines(calls: &[Value]) -> String {
    calls.iter().map(|call| format!("{call}\n")).collect()
}

fn error_code(answer: &Value) -> &str {
    answer["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn a_scripted_exchange_with_a_malformed_line_goes_on() {
    let run = request("examples/run-task.json");
    let input = format!(
        "{}this is not JSON\n\n{}[1, 2]\n{}{}",
        lines(&[json!({"id": 7, "op": "runTask", "request": run, "seed": 3})]),
        lines(&[json!({"id": "b", "op": "listContainerInstances",
                       "request": {"cluster": "prod", "status": "DRAINING"}})]),
        lines(&[
            json!({"id": 9, "op": "fly"}),
            json!({"id": 10, "op": "runTask", "request": {"cluster": "prod", "taskDefinition": "web", "placementStrategies": []}}),
            json!({"id": 11, "op": "runTask", "request": run, "seed": -1}),
            json!({"id": 12, "op": "runTask", "request": run, "extra": 1}),
            json!({"op": "snapshot"}),
        ]),
        // The last line has no newline: it is still a call.
        json!({"id": [1], "op": "stopTask", "request": {"cluster": "prod", "task": "arn:aws:ecs:us-east-1:123456789012:task/prod/none"}}),
    );
    let answers = answers(&serve(&input));
    // The blank line gets no answer; every other line one, in order.
    assert_eq!(answers.len(), 10, "{answers:#?}");

    assert_eq!(answers[0]["id"], json!(7));
    assert_eq!(answers[0]["result"]["tasks"].as_array().unwrap().len(), 6);
    assert!(answers[0].get("error").is_none());

    assert_eq!(answers[1]["id"], Value::Null);
    assert_eq!(error_code(&answers[1]), "ClientException");
    assert!(
        answers[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the line is not JSON")
    );

    assert_eq!(answers[2]["id"], json!("b"));
    assert_eq!(
        answers[2]["result"]["containerInstanceArns"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(answers[3]["id"], Value::Null);
    assert_eq!(error_code(&answers[3]), "ClientException");

    assert_eq!(answers[4]["id"], json!(9));
    assert_eq!(error_code(&answers[4]), "InvalidParameterException");
    assert!(
        answers[4]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown op \"fly\"")
    );

    // A request member the API does not have is refused as the CLI refuses it.
    assert_eq!(error_code(&answers[5]), "InvalidParameterException");
    assert!(
        answers[5]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"placementStrategy\"")
    );

    assert_eq!(error_code(&answers[6]), "InvalidParameterException");
    assert!(
        answers[6]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("seed")
    );
    assert_eq!(error_code(&answers[7]), "InvalidParameterException");
    assert!(
        answers[7]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"extra\"")
    );

    // The snapshot holds the six tasks of the first call (and none of the refused calls).
    let tasks = answers[8]["result"]["tasks"].as_array().unwrap();
    let placed: Vec<&Value> = answers[0]["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| &task["taskArn"])
        .collect();
    for arn in &placed {
        assert!(tasks.iter().any(|task| &&task["taskArn"] == arn));
    }
    assert_eq!(answers[8]["id"], Value::Null);

    assert_eq!(answers[9]["id"], json!([1]));
    assert_eq!(error_code(&answers[9]), "InvalidParameterException");
}

/// The placer is kept across calls: each answer is what `run-task` gives on the state the
/// calls before it left (`--state-out`).
#[test]
fn calls_change_one_state_as_run_task_with_state_out_does() {
    let run = request("examples/run-task.json");
    let mut calls = Vec::new();
    for seed in 1..=3 {
        calls.push(json!({"id": seed, "op": "runTask", "request": run, "seed": seed}));
    }
    let answers = answers(&serve(&lines(&calls)));
    assert_eq!(answers.len(), 3);

    let dir = std::env::temp_dir().join(format!("ecs-place-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut state = repo_file("examples/cluster.json");
    for (seed, answer) in (1..=3).zip(&answers) {
        let next = dir.join(format!("state-{seed}.json"));
        let output = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
            .args(["run-task", "--cluster", state.to_str().unwrap()])
            .args([
                "--request",
                repo_file("examples/run-task.json").to_str().unwrap(),
            ])
            .args([
                "--seed",
                &seed.to_string(),
                "--state-out",
                next.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let expected: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(answer["result"], expected, "call with seed {seed}");
        state = next;
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stop_task_releases_and_describes_the_task() {
    let run = request("examples/run-task.json");
    let first = answers(&serve(&lines(&[
        json!({"id": 1, "op": "runTask", "request": run, "seed": 5}),
    ])));
    let arn = first[0]["result"]["tasks"][0]["taskArn"].clone();
    let answers = answers(&serve(&lines(&[
        json!({"id": 1, "op": "runTask", "request": run, "seed": 5}),
        json!({"id": 2, "op": "stopTask", "request": {"cluster": "prod", "task": arn, "reason": "test"}}),
        json!({"id": 3, "op": "stopTask", "request": {"cluster": "staging", "task": arn}}),
        json!({"id": 4, "op": "startTask", "request": request("examples/start-task.json"), "seed": 2}),
        json!({"id": 5, "op": "snapshot"}),
    ])));
    assert_eq!(answers[1]["result"]["task"]["taskArn"], arn);
    assert_eq!(
        answers[1]["result"]["task"]["desiredStatus"],
        json!("STOPPED")
    );
    assert_eq!(error_code(&answers[2]), "ClusterNotFoundException");
    assert_eq!(answers[3]["result"]["tasks"].as_array().unwrap().len(), 2);
    let state = &answers[4]["result"];
    let started = &answers[3]["result"]["tasks"][0]["taskArn"];
    assert!(
        state["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| &t["taskArn"] == started)
    );
}

/// Each answer is written and flushed before the next call is read: a caller can wait for it.
#[test]
fn answers_come_one_at_a_time() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(["serve", "--cluster", &cluster()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for id in 0..3 {
        writeln!(
            stdin,
            "{}",
            json!({"id": id, "op": "listContainerInstances", "request": {"cluster": "prod"}})
        )
        .unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["id"], json!(id));
        assert_eq!(
            answer["result"]["containerInstanceArns"]
                .as_array()
                .unwrap()
                .len(),
            14
        );
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
        .args(["serve", "--cluster", &cluster()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The server may end before every line is written: a failed write here is expected.
    for id in 0..100 {
        if writeln!(stdin, "{}", json!({"id": id, "op": "snapshot"})).is_err() {
            break;
        }
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_snapshot_that_cannot_be_read_is_an_input_error() {
    for cluster in ["-", "/nonexistent/cluster.json"] {
        let output = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
            .args(["serve", "--cluster", cluster])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("InvalidParameterException: ")
                || stderr.starts_with("ClientException: "),
            "{stderr}"
        );
    }
}

/// A `serve` process answering one call at a time.
struct Session {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Session {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-place"))
            .args(["serve", "--cluster", &cluster()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
        }
    }

    /// The answer to `{"op": op, "request": request}`, its `id` checked.
    fn call(&mut self, op: &str, request: Value) -> Value {
        writeln!(
            self.stdin,
            "{}",
            json!({"id": op, "op": op, "request": request, "seed": 1})
        )
        .unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["id"], json!(op));
        answer
    }

    fn end(self) {
        let Self {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

const PROD: &str = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/";

/// The instance a registration without an ARN gets in `examples/cluster.json` (the ARN is
/// drawn from the instance count: the same for the same snapshot).
const NEW_INSTANCE: &str =
    "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/6aa9d61435dbe63ece637ffb158bdee8";

/// A t3.medium of `examples/cluster.json` with room for `web`.
const T3: &str = "0cb1e29c658cda1495e60af593bd04cf";

fn new_instance() -> Value {
    json!({
        "ec2InstanceId": "i-0new",
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048}
        ],
        "attributes": [
            {"name": "ecs.availability-zone", "value": "us-east-1a"},
            {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}
        ]
    })
}

fn web_on(expression: &str) -> Value {
    json!({"cluster": "prod", "taskDefinition": "web", "count": 2, "launchType": "EC2",
           "placementConstraints": [{"type": "memberOf", "expression": expression}]})
}

fn instances_of(answer: &Value) -> Vec<&str> {
    answer["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["containerInstanceArn"].as_str().unwrap())
        .collect()
}

fn resource(instance: &Value, kind: &str, name: &str) -> Value {
    instance[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == json!(name))
        .unwrap()["integerValue"]
        .clone()
}

#[test]
fn register_attributes_drain_and_deregister_change_the_placements() {
    let mut session = Session::start();

    let registered = session.call(
        "registerContainerInstance",
        json!({"cluster": "prod", "containerInstance": new_instance()}),
    );
    let instance = &registered["result"]["containerInstance"];
    assert_eq!(instance["containerInstanceArn"], json!(NEW_INSTANCE));
    assert_eq!(instance["ec2InstanceId"], json!("i-0new"));
    assert_eq!(resource(instance, "remainingResources", "CPU"), json!(1024));
    assert_eq!(instance["runningTasksCount"], json!(0));

    // By the EC2 instance id and by the ARN's id; the answer is the request's attributes.
    let attributes = json!([
        {"name": "team", "value": "blue", "targetId": "i-0new"},
        {"name": "team", "value": "green", "targetType": "container-instance", "targetId": T3}
    ]);
    let put = session.call(
        "putAttributes",
        json!({"cluster": "prod", "attributes": attributes}),
    );
    assert_eq!(
        put,
        json!({"id": "putAttributes", "result": {"attributes": attributes}})
    );

    let first = session.call("runTask", web_on("attribute:team == blue"));
    assert_eq!(instances_of(&first), [NEW_INSTANCE, NEW_INSTANCE]);
    assert_eq!(first["result"]["failures"], json!([]));
    let first_tasks: Vec<String> = first["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["taskArn"].as_str().unwrap().to_owned())
        .collect();

    let drained = session.call(
        "updateContainerInstancesState",
        json!({"cluster": "prod", "containerInstances": ["i-0new", "i-0nope"], "status": "DRAINING"}),
    );
    let updated = drained["result"]["containerInstances"].as_array().unwrap();
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0]["containerInstanceArn"], json!(NEW_INSTANCE));
    assert_eq!(updated[0]["status"], json!("DRAINING"));
    assert_eq!(
        resource(&updated[0], "remainingResources", "CPU"),
        json!(512)
    );
    assert_eq!(updated[0]["runningTasksCount"], json!(2));
    assert_eq!(
        drained["result"]["failures"],
        json!([{"arn": "i-0nope", "reason": "MISSING"}])
    );

    // The drained instance still matches; the tasks go to the other one.
    let second = session.call("runTask", web_on("attribute:team in [blue, green]"));
    let t3 = format!("{PROD}{T3}");
    assert_eq!(instances_of(&second), [t3.as_str(), t3.as_str()]);

    let stopped = session.call(
        "stopTask",
        json!({"cluster": "prod", "task": first_tasks[0]}),
    );
    assert_eq!(stopped["result"]["task"]["desiredStatus"], json!("STOPPED"));

    // One task still runs on it: refused, and nothing changes.
    let refused = session.call(
        "deregisterContainerInstance",
        json!({"cluster": "prod", "containerInstance": "i-0new"}),
    );
    assert_eq!(error_code(&refused), "InvalidParameterException");
    assert_eq!(
        refused["error"]["message"],
        json!(format!(
            "Found running tasks on the instance. ({NEW_INSTANCE} holds 1 running and 0 \
             pending tasks; stop them first, or deregister with force to orphan them)"
        ))
    );

    let forced = session.call(
        "deregisterContainerInstance",
        json!({"cluster": "prod", "containerInstance": "6aa9d61435dbe63ece637ffb158bdee8", "force": true}),
    );
    let instance = &forced["result"]["containerInstance"];
    assert_eq!(instance["containerInstanceArn"], json!(NEW_INSTANCE));
    assert_eq!(instance["status"], json!("INACTIVE"));
    assert_eq!(instance["runningTasksCount"], json!(0));
    assert_eq!(resource(instance, "remainingResources", "CPU"), json!(1024));

    // The forced deregistration stopped the task left on it.
    let state = session.call("snapshot", Value::Null);
    let status_of = |arn: &str| {
        state["result"]["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|task| task["taskArn"] == json!(arn))
            .unwrap()["desiredStatus"]
            .clone()
    };
    assert_eq!(status_of(&first_tasks[1]), json!("STOPPED"));
    let listed = session.call(
        "listContainerInstances",
        json!({"cluster": "prod", "filter": "attribute:team == blue"}),
    );
    // INACTIVE: listed by no status filter.
    assert_eq!(listed["result"]["containerInstanceArns"], json!([]));
    session.end();
}

#[test]
fn the_registration_request_form_and_the_agent() {
    let mut session = Session::start();
    let document = json!({"instanceId": "i-0doc", "availabilityZone": "us-east-1b",
                          "region": "us-east-1"})
    .to_string();
    let registered = session.call(
        "registerContainerInstance",
        json!({
            "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            "instanceIdentityDocument": document,
            "instanceIdentityDocumentSignature": "unchecked",
            "containerInstanceArn": format!("{PROD}0123456789abcdef0123456789abcdef"),
            "totalResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096}
            ],
            "versionInfo": {"agentVersion": "1.80.0"},
            "attributes": [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}]
        }),
    );
    let instance = &registered["result"]["containerInstance"];
    assert_eq!(
        instance["containerInstanceArn"],
        json!(format!("{PROD}0123456789abcdef0123456789abcdef"))
    );
    assert_eq!(instance["ec2InstanceId"], json!("i-0doc"));
    assert_eq!(instance["versionInfo"], json!({"agentVersion": "1.80.0"}));
    assert_eq!(
        instance["attributes"],
        json!([
            {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"},
            {"name": "ecs.availability-zone", "value": "us-east-1b"}
        ])
    );
    assert_eq!(
        resource(instance, "registeredResources", "MEMORY"),
        json!(4096)
    );

    let zone = session.call(
        "listContainerInstances",
        json!({"cluster": "prod", "filter": "ec2InstanceId == i-0doc and attribute:ecs.availability-zone == us-east-1b"}),
    );
    assert_eq!(
        zone["result"]["containerInstanceArns"],
        json!([format!("{PROD}0123456789abcdef0123456789abcdef")])
    );

    // Its agent goes away: placement leaves it out; back, it is used again.
    let on_it = web_on("ec2InstanceId == i-0doc");
    let gone = session.call(
        "setAgentConnected",
        json!({"cluster": "prod", "containerInstance": "i-0doc", "agentConnected": false}),
    );
    assert_eq!(
        gone["result"]["containerInstance"]["agentConnected"],
        json!(false)
    );
    let none = session.call("runTask", on_it.clone());
    assert_eq!(instances_of(&none), Vec::<&str>::new());
    let back = session.call(
        "setAgentConnected",
        json!({"cluster": "prod", "containerInstance": "i-0doc", "agentConnected": true}),
    );
    assert_eq!(
        back["result"]["containerInstance"]["agentConnected"],
        json!(true)
    );
    let placed = session.call("runTask", on_it);
    let arn = format!("{PROD}0123456789abcdef0123456789abcdef");
    assert_eq!(instances_of(&placed), [arn.as_str(), arn.as_str()]);
    session.end();
}

#[test]
fn task_definitions_register_and_deregister() {
    let mut session = Session::start();
    let registered = session.call(
        "registerTaskDefinition",
        json!({
            "family": "worker",
            "containerDefinitions": [{"name": "w", "image": "busybox", "cpu": 128, "memory": 256}],
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type == c5.2xlarge"}],
            "tags": [{"key": "team", "value": "blue"}]
        }),
    );
    let definition = &registered["result"]["taskDefinition"];
    let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1";
    assert_eq!(definition["taskDefinitionArn"], json!(arn));
    assert_eq!(definition["revision"], json!(1));
    assert_eq!(definition["status"], json!("ACTIVE"));

    let run = json!({"cluster": "prod", "taskDefinition": "worker:1", "count": 2, "launchType": "EC2",
                     "placementStrategy": [{"type": "binpack", "field": "memory"}]});
    let placed = session.call("runTask", run.clone());
    // The definition's memberOf: a c5.2xlarge (binpack: the one with less memory left).
    let c5 = format!("{PROD}90c192cfd3ac94af0f21ddb66cad4a26");
    assert_eq!(instances_of(&placed), [c5.as_str(), c5.as_str()]);

    let again = session.call(
        "registerTaskDefinition",
        json!({"family": "worker", "containerDefinitions": [{"name": "w", "image": "busybox", "memory": 64}]}),
    );
    assert_eq!(
        again["result"]["taskDefinition"]["taskDefinitionArn"],
        json!("arn:aws:ecs:us-east-1:123456789012:task-definition/worker:2")
    );

    let gone = session.call(
        "deregisterTaskDefinition",
        json!({"taskDefinition": "worker:1"}),
    );
    assert_eq!(
        gone["result"]["taskDefinition"]["taskDefinitionArn"],
        json!(arn)
    );
    assert_eq!(
        gone["result"]["taskDefinition"]["status"],
        json!("INACTIVE")
    );
    let refused = session.call("runTask", run);
    assert_eq!(error_code(&refused), "ClientException", "{refused}");

    // A described definition's members are not the request's.
    let described = session.call(
        "registerTaskDefinition",
        json!({"family": "worker", "revision": 9, "containerDefinitions": []}),
    );
    assert_eq!(error_code(&described), "InvalidParameterException");
    let unknown = session.call(
        "deregisterTaskDefinition",
        json!({"taskDefinition": "worker:7"}),
    );
    assert_eq!(error_code(&unknown), "ClientException");
    session.end();
}

#[test]
fn cluster_calls_refuse_what_the_api_refuses() {
    let mut session = Session::start();
    let cases = [
        (
            "registerContainerInstance",
            json!({"containerInstance": {"ec2InstanceId": "i-1", "bogus": 1}}),
            "InvalidParameterException",
            "containerInstance.bogus: unknown member \"bogus\"",
        ),
        (
            "registerContainerInstance",
            json!({"containerInstance": {"ec2InstanceId": "i-1"}, "totalResources": []}),
            "InvalidParameterException",
            "totalResources: give either containerInstance",
        ),
        (
            "registerContainerInstance",
            json!({"instanceIdentityDocument": "{not json"}),
            "ClientException",
            "instanceIdentityDocument is not the instance identity document's JSON",
        ),
        (
            "registerContainerInstance",
            json!({"cluster": "staging", "containerInstance": {}}),
            "ClusterNotFoundException",
            "",
        ),
        (
            "registerContainerInstance",
            json!({"containerInstance": {"containerInstanceArn": format!("{PROD}{T3}")}}),
            "InvalidParameterException",
            "is already registered",
        ),
        (
            "putAttributes",
            json!({"attributes": [{"name": "team", "value": "x", "targetId": "i-nope"}]}),
            "TargetNotFoundException",
            "attributes[0].targetId \"i-nope\"",
        ),
        (
            "putAttributes",
            json!({"attributes": [{"name": "ecs.instance-type", "value": "x", "targetId": T3}]}),
            "InvalidParameterException",
            "attributes[0].name `ecs.instance-type`",
        ),
        (
            "putAttributes",
            json!({"attributes": [{"name": "team", "targetId": T3, "targetArn": "x"}]}),
            "InvalidParameterException",
            "attributes[0].targetArn: unknown member",
        ),
        (
            "deleteAttributes",
            json!({"attributes": []}),
            "InvalidParameterException",
            "attributes must hold 1 to 10 attributes, got 0",
        ),
        (
            "updateContainerInstancesState",
            json!({"containerInstances": [T3], "status": "INACTIVE"}),
            "InvalidParameterException",
            "status INACTIVE cannot be set",
        ),
        (
            "updateContainerInstancesState",
            json!({"containerInstances": [T3]}),
            "InvalidParameterException",
            "status is required",
        ),
        (
            "deregisterContainerInstance",
            json!({"containerInstance": "i-nope", "force": true}),
            "InvalidParameterException",
            "container instance \"i-nope\" not found",
        ),
        (
            "setAgentConnected",
            json!({"containerInstance": T3, "connected": false}),
            "InvalidParameterException",
            "connected: unknown member",
        ),
        (
            "registerTaskDefinition",
            json!({"containerDefinitions": []}),
            "ClientException",
            "family is required",
        ),
    ];
    for (op, mut request, code, message) in cases {
        if !op.ends_with("TaskDefinition") && request.get("cluster").is_none() {
            request["cluster"] = json!("prod");
        }
        let answer = session.call(op, request.clone());
        assert_eq!(error_code(&answer), code, "{op} {request}: {answer}");
        let text = answer["error"]["message"].as_str().unwrap();
        assert!(text.contains(message), "{op} {request}: {text}");
    }
    // Eleven custom attributes on one instance: AttributeLimitExceededException, and nothing
    // of the call is kept.
    let many: Vec<Value> = (0..10)
        .map(|n| json!({"name": format!("a{n}"), "targetId": T3}))
        .collect();
    let answer = session.call(
        "putAttributes",
        json!({"cluster": "prod", "attributes": many}),
    );
    assert_eq!(
        error_code(&answer),
        "AttributeLimitExceededException",
        "{answer}"
    );
    let listed = session.call(
        "listContainerInstances",
        json!({"cluster": "prod", "filter": "attribute:a0 exists"}),
    );
    assert_eq!(listed["result"]["containerInstanceArns"], json!([]));
    session.end();
}
