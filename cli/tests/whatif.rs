//! `import` and `edit` through the binary: the AWS CLI outputs of the example cluster import to
//! a snapshot that answers the README's request with the README's bytes; edits write scenarios
//! that load; mistakes keep the input-error contract.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

mod support;
use support::{ecs_place, repo_file, scratch_dir, success as ok};

fn fixtures() -> Vec<String> {
    let dir = repo_file("tests/fixtures/aws-cli/prod");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_owned())
        .collect();
    files.sort();
    files
}

fn run_task(cluster: &Path) -> String {
    ok(&ecs_place(&[
        "run-task",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        repo_file("examples/run-task.json").to_str().unwrap(),
        "--seed",
        "42",
    ]))
}

#[test]
fn imported_outputs_answer_as_the_example_snapshot() {
    let out = scratch_dir("whatif").join("imported.json");
    let mut args = vec!["import".to_owned()];
    args.extend(fixtures());
    args.extend(["--out".to_owned(), out.to_str().unwrap().to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = ecs_place(&args);
    assert_eq!(ok(&output), "", "import prints nothing on stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("list-container-instances: names only, nothing to merge"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cluster prod (named by describe-clusters (")
            && stderr.contains("14 instances, 17 tasks, 6 task definitions, 4 capacity providers"),
        "{stderr}"
    );
    assert!(!stderr.contains("missing:"), "{stderr}");
    assert_eq!(
        run_task(&out),
        run_task(&repo_file("examples/cluster.json"))
    );
}

#[test]
fn an_edit_writes_a_scenario_and_says_what_it_estimated() {
    let out = scratch_dir("whatif").join("scenario.json");
    let output = ecs_place(&[
        "edit",
        "--cluster",
        repo_file("examples/cluster.json").to_str().unwrap(),
        "--drain",
        "6513270e269e0d37f2a74de452e6b438",
        "--add-instances",
        "type=c6i.large,az=us-east-1d,count=2,attribute:stack=prod",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("note: c6i.large: registered MEMORY "),
        "{stderr}"
    );
    let summary = ok(&ecs_place(&[
        "validate",
        "--cluster",
        out.to_str().unwrap(),
    ]));
    assert!(
        summary.starts_with("cluster prod: 16 instances (2 DRAINING, 14 ACTIVE)"),
        "{summary}"
    );
    assert_ne!(
        run_task(&out),
        run_task(&repo_file("examples/cluster.json"))
    );
}

#[test]
fn edit_mistakes_keep_the_contract_and_leave_no_file() {
    let out = scratch_dir("whatif").join("never.json");
    for (args, expected) in [
        (
            vec!["--drain", "i-nope"],
            "InvalidParameterException: --drain \"i-nope\": no container instance",
        ),
        (
            vec!["--add-instances", "type=m5.large"],
            "InvalidParameterException: --add-instances \"type=m5.large\": `az` is missing",
        ),
        (vec![], "InvalidParameterException: no edit given"),
        (
            vec![
                "--add-instances",
                "type=m5.large,az=a,count=6000",
                "--add-instances",
                "type=m5.large,az=b,count=6000",
            ],
            "InvalidParameterException: --add-instances adds 12000 instances in all; at most 10000 per edit",
        ),
    ] {
        let cluster = repo_file("examples/cluster.json");
        let mut full = vec![
            "edit",
            "--cluster",
            cluster.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        full.extend(args);
        let output = ecs_place(&full);
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(expected), "{stderr}");
        assert!(!out.exists());
    }
}
