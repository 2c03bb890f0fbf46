//! What the CLI reads, tried as a new user (and an attacker) would: misspelled and unknown
//! members, other AWS outputs merged by hand, encodings, standard input, moto's dumps, and the
//! checks that keep an answer meaningful. Each case gave a silent wrong answer before.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use support::{
    ecs_place as run, ecs_place_with_stdin, input_error, repo_file, scratch_dir, success,
};

fn ecs_place(args: &[&str], stdin: Option<&[u8]>) -> Output {
    match stdin {
        Some(bytes) => ecs_place_with_stdin(args, bytes),
        None => run(args),
    }
}

fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let path = scratch_dir("inputs").join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn example(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo_file(name)).unwrap()).unwrap()
}

fn run_task(cluster: &Path, request: &Path) -> Output {
    ecs_place(
        &[
            "run-task",
            "--cluster",
            cluster.to_str().unwrap(),
            "--request",
            request.to_str().unwrap(),
            "--seed",
            "42",
        ],
        None,
    )
}

#[test]
fn a_misspelled_request_member_is_refused_with_the_nearest() {
    let mut request = example("examples/run-task.json");
    let strategies = request["placementStrategy"].take();
    request.as_object_mut().unwrap().remove("placementStrategy");
    request["placementStrategies"] = strategies;
    let path = scratch("typo.json", request.to_string().as_bytes());
    let stderr = input_error(&run_task(&repo_file("examples/cluster.json"), &path));
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("InvalidParameterException: ")
            && first.contains("placementStrategies: unknown member \"placementStrategies\" at the top level (RunTaskRequest in the API model); did you mean \"placementStrategy\"? The members there are: capacityProviderStrategy, clientToken, cluster, count,"),
        "{first}"
    );
}

#[test]
fn an_extra_member_in_a_strategy_is_refused() {
    let mut request = example("examples/run-task.json");
    request["placementStrategy"][0]["weight"] = json!(2);
    let path = scratch("weight.json", request.to_string().as_bytes());
    let stderr = input_error(&run_task(&repo_file("examples/cluster.json"), &path));
    assert!(
        stderr.contains("placementStrategy[0].weight: unknown member \"weight\" at `placementStrategy[0]` (PlacementStrategy in the API model). The members there are: field, type"),
        "{stderr}"
    );
}

#[test]
fn a_capitalised_snapshot_key_is_refused() {
    let mut cluster = example("examples/cluster.json");
    let tasks = cluster["tasks"].take();
    cluster.as_object_mut().unwrap().remove("tasks");
    cluster["Tasks"] = tasks;
    let path = scratch("capital.json", cluster.to_string().as_bytes());
    let stderr = input_error(&run_task(&path, &repo_file("examples/run-task.json")));
    assert!(
        stderr.starts_with("ClientException: ")
            && stderr.contains(
                "unknown top-level member \"Tasks\" in the snapshot; did you mean \"tasks\"?"
            ),
        "{stderr}"
    );
}

#[test]
fn a_describe_task_definition_output_merged_in_is_explained() {
    let mut cluster = example("examples/cluster.json");
    let definition = cluster["taskDefinitions"][0].clone();
    cluster["taskDefinition"] = definition;
    let path = scratch("merged.json", cluster.to_string().as_bytes());
    let stderr = input_error(&run_task(&path, &repo_file("examples/run-task.json")));
    assert!(
        stderr.contains("a describe-task-definition output holds one definition under `taskDefinition`; put it in the `taskDefinitions` list"),
        "{stderr}"
    );
}

#[test]
fn type_errors_name_the_member_path() {
    let mut cluster = example("examples/cluster.json");
    cluster["tasks"][3]["containers"][0]["name"] = json!(256);
    let path = scratch(
        "type.json",
        serde_json::to_string_pretty(&cluster).unwrap().as_bytes(),
    );
    let stderr = input_error(&run_task(&path, &repo_file("examples/run-task.json")));
    let first = stderr.lines().next().unwrap();
    assert!(first.starts_with("ClientException: "), "{first}");
    assert!(
        first.ends_with(": tasks[3].containers[0].name: expected a string, found integer 256"),
        "{first}"
    );
    let position = first
        .trim_start_matches("ClientException: ")
        .trim_start_matches(path.to_str().unwrap());
    assert!(
        position.starts_with(':'),
        "the line and column follow the file: {first}"
    );
}

/// The README's example, read from files with a UTF-8 byte-order mark, as UTF-16 (both byte
/// orders) and from standard input, gives the same bytes.
#[test]
fn encodings_and_standard_input_give_the_same_answer() {
    let cluster_text = std::fs::read_to_string(repo_file("examples/cluster.json")).unwrap();
    let request = repo_file("examples/run-task.json");
    let expected = success(&run_task(&repo_file("examples/cluster.json"), &request));

    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(cluster_text.as_bytes());
    let utf16 = |big_endian: bool| {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in cluster_text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    };
    for (name, bytes) in [
        ("bom.json", with_bom),
        ("le.json", utf16(false)),
        ("be.json", utf16(true)),
    ] {
        let path = scratch(name, &bytes);
        assert_eq!(success(&run_task(&path, &request)), expected, "{name}");
    }

    let from_stdin = ecs_place(
        &[
            "run-task",
            "--cluster",
            "-",
            "--request",
            request.to_str().unwrap(),
            "--seed",
            "42",
        ],
        Some(cluster_text.as_bytes()),
    );
    assert_eq!(success(&from_stdin), expected);

    let twice = ecs_place(
        &["run-task", "--cluster", "-", "--request", "-"],
        Some(cluster_text.as_bytes()),
    );
    let stderr = input_error(&twice);
    assert!(
        stderr.contains("standard input) is given for two inputs"),
        "{stderr}"
    );
}

#[test]
fn text_in_another_encoding_is_refused_with_how_to_convert_it() {
    let path = scratch(
        "latin1.json",
        b"{\"containerInstances\": [], \"cluster\": {\"clusterName\": \"caf\xE9\"}}",
    );
    let stderr = input_error(&run_task(&path, &repo_file("examples/run-task.json")));
    assert!(
        stderr.contains("the text is not UTF-8: byte 58 is 0xe9; convert the file to UTF-8"),
        "{stderr}"
    );
    let unmarked: Vec<u8> = "{}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let path = scratch("unmarked.json", &unmarked);
    let stderr = input_error(&run_task(&path, &repo_file("examples/run-task.json")));
    assert!(
        stderr.contains("UTF-16 without a byte-order mark"),
        "{stderr}"
    );
}

/// moto describes containers with integer `cpu` and `memory`.
#[test]
fn moto_s_integer_container_cpu_is_read() {
    let mut cluster = example("examples/cluster.json");
    let container = &mut cluster["tasks"][0]["containers"][0];
    container["cpu"] = json!(256);
    container["memory"] = json!(512);
    let path = scratch("moto.json", cluster.to_string().as_bytes());
    success(&run_task(&path, &repo_file("examples/run-task.json")));
}

#[test]
fn validate_warns_about_members_the_model_lacks_and_strict_refuses_them() {
    let mut cluster = example("examples/cluster.json");
    cluster["containerInstances"][2]["agentConected"] = json!(true);
    let path = scratch("warn.json", cluster.to_string().as_bytes());
    let lenient = ecs_place(&["validate", "--cluster", path.to_str().unwrap()], None);
    success(&lenient);
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert!(
        stderr.contains("warning: ") && stderr.contains("containerInstances[2].agentConected: not a member of ContainerInstance in the ECS API model (botocore 1.44.8); ignored; did you mean \"agentConnected\"?"),
        "{stderr}"
    );
    let strict = ecs_place(
        &["validate", "--strict", "--cluster", path.to_str().unwrap()],
        None,
    );
    let stderr = input_error(&strict);
    assert!(
        stderr.starts_with("ClientException: ") && stderr.contains("agentConected"),
        "{stderr}"
    );
    // The example itself has nothing to warn about.
    let clean = ecs_place(
        &[
            "validate",
            "--strict",
            "--cluster",
            repo_file("examples/cluster.json").to_str().unwrap(),
        ],
        None,
    );
    success(&clean);
    assert!(clean.stderr.is_empty());
}

#[test]
fn an_instance_of_another_cluster_is_refused() {
    let mut cluster = example("examples/cluster.json");
    let arn = cluster["containerInstances"][1]["containerInstanceArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = arn.replace("container-instance/prod/", "container-instance/staging/");
    assert_ne!(arn, other, "the example uses long-format ARNs");
    cluster["containerInstances"][1]["containerInstanceArn"] = json!(other);
    let path = scratch("other-cluster.json", cluster.to_string().as_bytes());
    let stderr = input_error(&ecs_place(
        &["validate", "--cluster", path.to_str().unwrap()],
        None,
    ));
    assert!(
        stderr.contains("containerInstances[1].containerInstanceArn: ")
            && stderr.contains(
                "is an instance of cluster `staging`, but the snapshot's cluster is `prod`"
            ),
        "{stderr}"
    );
}

#[test]
fn remaining_above_registered_and_a_twice_given_definition_are_refused() {
    let mut cluster = example("examples/cluster.json");
    let instance = &mut cluster["containerInstances"][0];
    let registered_memory = instance["registeredResources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "MEMORY")
        .unwrap()["integerValue"]
        .as_i64()
        .unwrap();
    instance["remainingResources"] =
        json!([{"name": "MEMORY", "type": "INTEGER", "integerValue": registered_memory + 1}]);
    let path = scratch("above.json", cluster.to_string().as_bytes());
    let stderr = input_error(&ecs_place(
        &["validate", "--cluster", path.to_str().unwrap()],
        None,
    ));
    assert!(
        stderr.contains("containerInstances[0].remainingResources: MEMORY"),
        "{stderr}"
    );

    let mut cluster = example("examples/cluster.json");
    let first = cluster["taskDefinitions"][0].clone();
    cluster["taskDefinitions"]
        .as_array_mut()
        .unwrap()
        .push(first);
    let path = scratch("twice.json", cluster.to_string().as_bytes());
    let stderr = input_error(&ecs_place(
        &["validate", "--cluster", path.to_str().unwrap()],
        None,
    ));
    assert!(
        stderr.contains(".taskDefinitionArn: `")
            && stderr.contains("appears twice (first at taskDefinitions[0])"),
        "{stderr}"
    );
}

#[test]
fn a_cluster_named_default_for_want_of_a_name_says_how_to_name_it() {
    let mut cluster = example("examples/cluster.json");
    cluster.as_object_mut().unwrap().remove("cluster");
    for instance in cluster["containerInstances"].as_array_mut().unwrap() {
        let arn = instance["containerInstanceArn"]
            .as_str()
            .unwrap()
            .replace("container-instance/prod/", "container-instance/");
        instance["containerInstanceArn"] = json!(arn);
    }
    let tasks = cluster["tasks"].as_array_mut().unwrap();
    for task in tasks {
        if let Some(arn) = task["containerInstanceArn"].as_str() {
            let short = arn.replace("container-instance/prod/", "container-instance/");
            task["containerInstanceArn"] = json!(short);
        }
    }
    let path = scratch("unnamed.json", cluster.to_string().as_bytes());
    let stderr = input_error(&run_task(&path, &repo_file("examples/run-task.json")));
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("ClusterNotFoundException: cluster \"prod\" not found; the snapshot holds cluster \"default\" (`default` because nothing names a cluster")
            && first.ends_with("add \"cluster\": {\"clusterName\": \"prod\"} to the snapshot to name it"),
        "{first}"
    );
}

#[test]
fn an_override_with_memory_below_its_reservation_is_refused() {
    let mut request = example("examples/run-task.json");
    let cluster = example("examples/cluster.json");
    let web = cluster["taskDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["family"] == "web")
        .unwrap();
    let container = web["containerDefinitions"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    request["overrides"] = json!({"containerOverrides": [{"name": container, "memory": 128, "memoryReservation": 256}]});
    let path = scratch("override.json", request.to_string().as_bytes());
    let stderr = input_error(&run_task(&repo_file("examples/cluster.json"), &path));
    assert!(
        stderr.starts_with(&format!("InvalidParameterException: Invalid setting for container '{container}'. 'memory' must be greater than or equal to 'memoryReservation'")),
        "{stderr}"
    );
    request["overrides"] =
        json!({"containerOverrides": [{"name": container, "memory": 0, "memoryReservation": 0}]});
    let path = scratch("override-zero.json", request.to_string().as_bytes());
    let output = run_task(&repo_file("examples/cluster.json"), &path);
    let has_task_memory = web["memory"].is_string();
    if has_task_memory {
        success(&output);
    } else {
        let stderr = input_error(&output);
        assert!(
            stderr.contains("At least one of 'memory' or 'memoryReservation' must be specified."),
            "{stderr}"
        );
    }
}
