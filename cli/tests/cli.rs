//! The CLI contract, run against the built binary: exit status 0 with output on success; exit 2,
//! nothing on stdout, and `ExceptionName: message` as the first stderr line on input errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::{ecs_place, input_error, repo_file, scratch_dir};

fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let path = scratch_dir("cli").join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Asserts the input-error contract and returns the first stderr line.
fn assert_input_error(output: &Output) -> String {
    let stderr = input_error(output);
    stderr.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn validate_summarises_the_example() {
    let cluster = repo_file("examples/cluster.json");
    let request = repo_file("examples/run-task.json");
    let output = ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1);
    assert_eq!(
        stdout.trim_end(),
        "cluster prod: 14 instances (13 ACTIVE, 1 DRAINING), 6 task definitions, 17 tasks (16 running), \
         4 capacity providers; request ok: 6 x web:12 as family:web on EC2, 1 constraint, 2 strategies"
    );
}

#[test]
fn unreadable_file_is_a_client_exception() {
    let first = assert_input_error(&ecs_place(&["validate", "--cluster", "/no/such/file.json"]));
    assert!(
        first.starts_with("ClientException: /no/such/file.json: cannot read the file"),
        "{first}"
    );
}

#[test]
fn bad_json_names_file_line_and_column() {
    let path = scratch_file("broken.json", "{\n  \"containerInstances\": [\n    {,\n");
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        path.to_str().unwrap(),
    ]));
    let expected = format!("ClientException: {}:3:6: ", path.display());
    assert!(first.starts_with(&expected), "{first}");
}

#[test]
fn invalid_snapshot_names_the_member() {
    let path = scratch_file(
        "bad-attribute.json",
        r#"{"containerInstances": [{"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/a",
            "attributes": [{"name": "stack", "value": "prod,dev"}]}]}"#,
    );
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        path.to_str().unwrap(),
    ]));
    assert!(
        first.contains("containerInstances[0].attributes[0].value: "),
        "{first}"
    );
    assert!(first.starts_with("ClientException: "), "{first}");
}

#[test]
fn invalid_request_is_reported_with_its_exception() {
    let cluster = repo_file("examples/cluster.json");
    let request = scratch_file(
        "count.json",
        r#"{"cluster": "prod", "taskDefinition": "web", "count": 11}"#,
    );
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]));
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
    assert!(first.contains("count"), "{first}");
    let request = scratch_file(
        "cluster.json",
        r#"{"cluster": "staging", "taskDefinition": "web"}"#,
    );
    let first = assert_input_error(&ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]));
    assert!(first.starts_with("ClusterNotFoundException: "), "{first}");
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for subcommand in [
        "validate",
        "run-task",
        "start-task",
        "list-container-instances",
        "check-expression",
    ] {
        let output = ecs_place(&[subcommand, "--help"]);
        assert_eq!(output.status.code(), Some(0));
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Example"), "{subcommand}: {help}");
    }
}

fn example_args<'a>(subcommand: &'a str, request: &'a Path, extra: &[&'a str]) -> Vec<String> {
    let cluster = repo_file("examples/cluster.json");
    let mut args = vec![
        subcommand.to_owned(),
        "--cluster".to_owned(),
        cluster.to_string_lossy().into_owned(),
        "--request".to_owned(),
        request.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

fn ecs_place_owned(args: &[String]) -> Output {
    let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
    ecs_place(&borrowed)
}

fn json_of(output: &Output) -> serde_json::Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn run_task_places_the_example_and_is_deterministic() {
    let request = repo_file("examples/run-task.json");
    let args = example_args("run-task", &request, &["--seed", "42"]);
    let first = ecs_place_owned(&args);
    let second = ecs_place_owned(&args);
    assert_eq!(first.stdout, second.stdout, "same seed, same bytes");
    let response = json_of(&first);
    let tasks = response["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 6);
    assert_eq!(response["failures"], serde_json::json!([]));
    // Spread over the three zones of the prod m5 instances: two tasks per zone.
    let mut zones: Vec<&str> = tasks
        .iter()
        .map(|t| t["availabilityZone"].as_str().unwrap())
        .collect();
    zones.sort_unstable();
    assert_eq!(
        zones,
        [
            "us-east-1a",
            "us-east-1a",
            "us-east-1b",
            "us-east-1b",
            "us-east-1c",
            "us-east-1c"
        ]
    );
    for task in tasks {
        assert_eq!(task["lastStatus"], "PENDING");
        assert_eq!(task["group"], "family:web");
        assert!(
            task["taskArn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:ecs:us-east-1:123456789012:task/prod/")
        );
    }
    let other_seed = ecs_place_owned(&example_args("run-task", &request, &["--seed", "43"]));
    assert_ne!(
        first.stdout, other_seed.stdout,
        "task ARNs come from the seed"
    );
}

#[test]
fn run_task_explain_goes_to_stderr_and_keeps_stdout_identical() {
    let request = repo_file("examples/run-task.json");
    let plain = ecs_place_owned(&example_args("run-task", &request, &["--seed", "42"]));
    let explained = ecs_place_owned(&example_args(
        "run-task",
        &request,
        &["--seed", "42", "--explain"],
    ));
    assert_eq!(plain.stdout, explained.stdout);
    let table = String::from_utf8_lossy(&explained.stderr);
    assert!(table.contains("*chosen*"), "{table}");
    assert!(
        table.contains("rejected: MemberOf placement constraint unsatisfied."),
        "{table}"
    );
    assert!(table.contains("rejected: AGENT"), "{table}");
    assert!(table.contains("skipped: not ACTIVE"), "{table}");
    // Each key named by its strategy (the first task's chosen instance, as ranked before).
    assert!(
        table.contains(
            "6513270e269e0d37f2a74de452e6b438   1      spread(attribute:ecs.availability-zone)=0, binpack(memory)=6912 *chosen*"
        ),
        "{table}"
    );
}

/// `--explain` names the required attribute behind each `ATTRIBUTE` rejection: missing, or
/// with another value.
#[test]
fn explain_names_the_attribute_an_instance_lacks() {
    let instance = |id: &str, attributes: &str| {
        format!(
            r#"{{"containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/{id}",
                "registeredResources": [
                    {{"name": "CPU", "type": "INTEGER", "integerValue": 1024}},
                    {{"name": "MEMORY", "type": "INTEGER", "integerValue": 1024}}],
                "attributes": [{attributes}]}}"#
        )
    };
    let cluster = format!(
        r#"{{"cluster": {{"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"}},
            "containerInstances": [{}, {}, {}],
            "taskDefinitions": [{{"family": "app", "revision": 1,
                "containerDefinitions": [{{"name": "app", "cpu": 128, "memory": 128}}],
                "requiresAttributes": [{{"name": "ecs.capability.x"}}, {{"name": "stack", "value": "prod"}}]}}]}}"#,
        instance("i1", r#"{"name": "stack", "value": "prod"}"#),
        instance(
            "i2",
            r#"{"name": "ecs.capability.x"}, {"name": "stack", "value": "dev"}"#
        ),
        instance(
            "i3",
            r#"{"name": "ecs.capability.x"}, {"name": "stack", "value": "prod"}"#
        ),
    );
    let cluster = scratch_file("explain-attributes.json", &cluster);
    let request = scratch_file(
        "explain-attributes-request.json",
        r#"{"cluster": "prod", "taskDefinition": "app",
            "placementStrategy": [{"type": "binpack", "field": "cpu"}]}"#,
    );
    let output = ecs_place(&[
        "run-task",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
        "--explain",
    ]);
    json_of(&output);
    let table = String::from_utf8_lossy(&output.stderr);
    let row = |id: &str| {
        table
            .lines()
            .find(|line| line.trim_start().starts_with(id))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row("i1").ends_with("rejected: ATTRIBUTE (missing ecs.capability.x)"),
        "{table}"
    );
    assert!(
        row("i2").ends_with("rejected: ATTRIBUTE (stack is dev, needs prod)"),
        "{table}"
    );
    assert!(row("i3").ends_with("binpack(cpu)=1024 *chosen*"), "{table}");
}

#[test]
fn state_out_is_a_snapshot_the_cli_reads_back() {
    let request = repo_file("examples/run-task.json");
    let state = scratch_file("state.json", "");
    let state_arg = state.to_string_lossy().into_owned();
    let first = ecs_place_owned(&example_args(
        "run-task",
        &request,
        &["--state-out", &state_arg],
    ));
    json_of(&first);
    let summary = ecs_place(&["validate", "--cluster", &state_arg]);
    assert_eq!(summary.status.code(), Some(0));
    let line = String::from_utf8_lossy(&summary.stdout);
    assert!(
        line.contains("23 tasks (22 running)"),
        "six more running tasks: {line}"
    );
    // Placing again on the next state sees the first call's tasks.
    let mut args = example_args("run-task", &request, &[]);
    args[2] = state_arg.clone();
    let again = json_of(&ecs_place_owned(&args));
    assert_eq!(again["tasks"].as_array().map(Vec::len), Some(6));
}

#[test]
fn start_task_places_on_the_named_instances() {
    let request = repo_file("examples/start-task.json");
    let response = json_of(&ecs_place_owned(&example_args(
        "start-task",
        &request,
        &["--seed", "7"],
    )));
    let tasks = response["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert!(
        tasks[0]["containerInstanceArn"]
            .as_str()
            .unwrap()
            .ends_with("/90c192cfd3ac94af0f21ddb66cad4a26")
    );
    assert!(
        tasks[1]["containerInstanceArn"]
            .as_str()
            .unwrap()
            .ends_with("/a170b33839263059f28c105d1fb17c23")
    );
}

#[test]
fn run_task_rejects_an_invalid_request() {
    let request = scratch_file(
        "strategies.json",
        r#"{"cluster": "prod", "taskDefinition": "web", "placementStrategy": [{"type": "binpack", "field": "disk"}]}"#,
    );
    let first = assert_input_error(&ecs_place_owned(&example_args("run-task", &request, &[])));
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
    assert!(first.contains("disk"), "{first}");
}

#[test]
fn list_container_instances_filters_in_snapshot_order() {
    let cluster = repo_file("examples/cluster.json");
    let output = ecs_place(&[
        "list-container-instances",
        "--cluster",
        cluster.to_str().unwrap(),
        "--filter",
        "attribute:ecs.instance-type == c5.2xlarge",
    ]);
    let arns = json_of(&output)["containerInstanceArns"].clone();
    assert_eq!(
        arns,
        serde_json::json!([
            "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/90c192cfd3ac94af0f21ddb66cad4a26",
            "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/a170b33839263059f28c105d1fb17c23"
        ])
    );
    let draining = ecs_place(&[
        "list-container-instances",
        "--cluster",
        cluster.to_str().unwrap(),
        "--status",
        "DRAINING",
    ]);
    assert_eq!(
        json_of(&draining)["containerInstanceArns"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let bad_status = ecs_place(&[
        "list-container-instances",
        "--cluster",
        cluster.to_str().unwrap(),
        "--status",
        "INACTIVE",
    ]);
    let first = assert_input_error(&bad_status);
    assert!(
        first.starts_with("InvalidParameterException: status `INACTIVE`"),
        "{first}"
    );
}

#[test]
fn bad_expressions_exit_2_with_a_caret_diagnostic() {
    let output = ecs_place(&["check-expression", "attribut:stack == prod"]);
    let first = assert_input_error(&output);
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
    assert!(first.contains("did you mean `attribute:stack`"), "{first}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("^^^^^^^^^^^^^^"), "{stderr}");
    let cluster = repo_file("examples/cluster.json");
    let listed = ecs_place(&[
        "list-container-instances",
        "--cluster",
        cluster.to_str().unwrap(),
        "--filter",
        "stack in prod",
    ]);
    let first = assert_input_error(&listed);
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
}

#[test]
fn check_expression_prints_the_canonical_form() {
    let output = ecs_place(&[
        "check-expression",
        "attribute:flavor==cpu AND not task:group equals db",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned();
    let again = ecs_place(&["check-expression", &printed]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim_end(),
        printed,
        "canonical is a fixed point"
    );
}

#[test]
fn argument_errors_keep_the_contract() {
    let first = assert_input_error(&ecs_place(&[
        "run-task",
        "--cluster",
        "a",
        "--request",
        "b",
        "--seed",
        "abc",
    ]));
    assert!(
        first.starts_with("InvalidParameterException: invalid value 'abc' for '--seed"),
        "{first}"
    );
    let first = assert_input_error(&ecs_place(&[]));
    assert_eq!(first, "InvalidParameterException: a subcommand is required");
    let first = assert_input_error(&ecs_place(&["no-such-command"]));
    assert!(first.starts_with("InvalidParameterException: "), "{first}");
}
