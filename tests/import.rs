//! `import`: AWS CLI outputs of the example cluster (`tests/fixtures/aws-cli/prod/`: two pages
//! of instances overlapping by one, one instance with a short-format ARN, tasks in two pages,
//! one saved from boto3 with `ResponseMetadata` and `default=str` datetimes, each task definition
//! as a wrapped describe-task-definition output, providers with managed scaling, and a
//! list-container-instances output) merge into a snapshot that places exactly as the example.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ecs_placement::aws::RunTaskRequest;
use ecs_placement::aws::read::RequestShape;
use ecs_placement::import::{Import, OutputKind, Source, import};
use ecs_placement::model::Snapshot;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-cli/prod")
}

/// Every fixture, by name, in name order.
fn fixture_texts() -> Vec<(String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(fixtures().join(&name)).unwrap();
            (name, text)
        })
        .collect()
}

fn import_all(
    texts: &[(String, String)],
    cluster: Option<&str>,
) -> Result<Import, ecs_placement::EcsError> {
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    import(&sources, cluster)
}

fn example(name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

#[test]
fn the_aws_outputs_of_the_example_place_as_the_example() {
    let imported = import_all(&fixture_texts(), None).unwrap();
    assert_eq!(
        imported.cluster_named_by,
        "describe-clusters (describe-clusters.json)"
    );
    assert_eq!(imported.missing, Vec::<String>::new());
    let snapshot = Snapshot::try_from(imported.file).unwrap();
    let reference = Snapshot::from_json(&example("examples/cluster.json")).unwrap();
    assert_eq!(snapshot.cluster().name, "prod");
    assert_eq!(snapshot.instances().len(), 14, "the page overlap collapsed");
    assert_eq!(snapshot.tasks().len(), reference.tasks().len());
    assert_eq!(snapshot.task_definitions().len(), 6);
    let request = RunTaskRequest::from_json(&example("examples/run-task.json")).unwrap();
    let from_import = ecs_placement::run_task(&snapshot, &request, 42).unwrap();
    let from_example = ecs_placement::run_task(&reference, &request, 42).unwrap();
    assert_eq!(from_import.response, from_example.response);
    assert_eq!(from_import.response.tasks.len(), 6);
}

#[test]
fn each_source_is_recognised_and_counted() {
    let imported = import_all(&fixture_texts(), None).unwrap();
    let lines: Vec<String> = imported.sources.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "describe-capacity-providers.json: describe-capacity-providers: 4 capacity providers",
            "describe-clusters.json: describe-clusters: 1 cluster",
            "describe-container-instances-1.json: describe-container-instances: 8 instances",
            "describe-container-instances-2.json: describe-container-instances: 7 instances",
            "describe-task-definition-api-7.json: describe-task-definition: 1 task definition",
            "describe-task-definition-batch-job-3.json: describe-task-definition: 1 task definition",
            "describe-task-definition-gpu-trainer-2.json: describe-task-definition: 1 task definition",
            "describe-task-definition-search-4.json: describe-task-definition: 1 task definition",
            "describe-task-definition-web-11.json: describe-task-definition: 1 task definition",
            "describe-task-definition-web-12.json: describe-task-definition: 1 task definition",
            "describe-tasks-1.json: describe-tasks: 10 tasks",
            "describe-tasks-2.boto3.json: describe-tasks: 7 tasks",
            "list-container-instances.json: list-container-instances: names only, nothing to merge (give the describe-* output of these ARNs)",
        ]
    );
    assert_eq!(
        imported.sources[12].kind,
        OutputKind::ListContainerInstances
    );
}

/// Without describe-clusters, the long-format ARNs name the cluster; the one short-format ARN
/// does not make it `default`.
#[test]
fn long_format_arns_name_the_cluster_despite_a_short_one() {
    let texts: Vec<(String, String)> = fixture_texts()
        .into_iter()
        .filter(|(name, _)| name != "describe-clusters.json")
        .collect();
    let imported = import_all(&texts, None).unwrap();
    assert_eq!(imported.cluster_named_by, "long-format ARNs");
    let snapshot = Snapshot::try_from(imported.file).unwrap();
    assert_eq!(snapshot.cluster().name, "prod");
    assert_eq!(
        snapshot.cluster().arn,
        "arn:aws:ecs:us-east-1:123456789012:cluster/prod"
    );
    let wrong = import_all(&texts, Some("staging")).unwrap_err();
    assert_eq!(
        wrong.message,
        "--cluster \"staging\" is not the cluster the inputs' ARNs name (\"prod\")"
    );
}

#[test]
fn two_different_documents_for_one_arn_name_both_sources() {
    let mut texts = fixture_texts();
    let page = texts
        .iter_mut()
        .find(|(name, _)| name == "describe-container-instances-2.json")
        .unwrap();
    page.1 = page
        .1
        .replacen("\"agentConnected\": true", "\"agentConnected\": false", 1);
    let error = import_all(&texts, None).unwrap_err();
    assert!(
        error.message.starts_with("container instance arn:aws:ecs:us-east-1:123456789012:container-instance/prod/")
            && error.message.ends_with(" is described differently by describe-container-instances-1.json and describe-container-instances-2.json: give the newer output only"),
        "{}",
        error.message
    );
}

#[test]
fn what_placement_needs_and_the_inputs_lack_is_reported() {
    let texts: Vec<(String, String)> = fixture_texts()
        .into_iter()
        .filter(|(name, _)| {
            name != "describe-task-definition-web-11.json"
                && name != "describe-capacity-providers.json"
                && name != "describe-container-instances-1.json"
        })
        .collect();
    let imported = import_all(&texts, None).unwrap();
    assert_eq!(imported.missing.len(), 3, "{:#?}", imported.missing);
    assert!(imported.missing[0].starts_with("task definitions the tasks run but no input describes (their ports and GPUs are unknown): web:11 "), "{}", imported.missing[0]);
    assert!(imported.missing[1].starts_with("container instances tasks run on but no input describes: arn:aws:ecs:us-east-1:123456789012:container-instance/prod/"), "{}", imported.missing[1]);
    assert!(
        imported.missing[2].starts_with(
            "capacity providers instances belong to but no input describes: cp-ondemand, cp-spot"
        ),
        "{}",
        imported.missing[2]
    );
}

#[test]
fn a_document_of_another_kind_is_refused_with_what_is_read() {
    let texts = vec![("services.json".to_owned(), r#"{"services": []}"#.to_owned())];
    let error = import_all(&texts, None).unwrap_err();
    assert!(
        error
            .message
            .starts_with("services.json: not an output import reads (top-level members: services)"),
        "{}",
        error.message
    );
    let texts = vec![("x.json".to_owned(), "[1]".to_owned())];
    assert!(
        import_all(&texts, None)
            .unwrap_err()
            .message
            .contains("is a JSON object")
    );
    let texts = vec![(
        "t.json".to_owned(),
        r#"{"tasks": [{"taskArn": "a", "containers": 3}]}"#.to_owned(),
    )];
    let error = import_all(&texts, Some("prod")).unwrap_err();
    assert!(
        error
            .message
            .starts_with("t.json: tasks[0].containers: invalid type"),
        "{}",
        error.message
    );
}

#[test]
fn nothing_naming_the_cluster_asks_for_its_name() {
    let texts = vec![(
        "i.json".to_owned(),
        r#"{"containerInstances": [{"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/abc"}]}"#.to_owned(),
    )];
    let error = import_all(&texts, None).unwrap_err();
    assert!(
        error.message.starts_with("nothing names the cluster"),
        "{}",
        error.message
    );
    let imported = import_all(&texts, Some("prod")).unwrap();
    assert_eq!(imported.cluster_named_by, "--cluster");
    let snapshot = Snapshot::try_from(imported.file).unwrap();
    assert_eq!(
        snapshot.cluster().arn,
        "arn:aws:ecs:us-east-1:1:cluster/prod"
    );
}
