//! `ecs-place check-expression EXPR --cluster FILE` and `validate --request`: the mistakes of
//! issue 20 (glob-like patterns, values in the wrong case, attribute names no agent sets) are
//! warned of on stderr with a suggestion, each clause's instances are counted, and stdout (the
//! canonical form) and the exit status are those of an expression without warnings.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
use support::{ecs_place, repo_file};

/// Runs `check-expression` on the example cluster; asserts exit 0 and stdout the canonical
/// form; gives stderr.
fn check_on_example(expression: &str) -> String {
    let cluster = repo_file("examples/cluster.json");
    let output = ecs_place(&[
        "check-expression",
        expression,
        "--cluster",
        cluster.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let canonical = ecs_place(&["check-expression", expression]);
    assert_eq!(canonical.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&canonical.stdout),
        "stdout is the canonical form, with or without --cluster"
    );
    stderr
}

#[test]
fn a_glob_like_pattern_is_warned_of_with_the_regex_meant() {
    let stderr = check_on_example("attribute:ecs.availability-zone =~ us-east-1*");
    assert_eq!(
        stderr,
        "warning: attribute:ecs.availability-zone =~ us-east-1*: us-east-1* is a regular expression, not a glob: 1* means any number of 1 (zero or more), so it matches only us-east-, us-east-1, us-east-11, ...; did you mean us-east-1.*? (14 instances match it)\n\
         clause 1 (attribute:ecs.availability-zone =~ us-east-1*): 0 of 14 instances\n\
         whole expression: 0 of 14 instances\n"
    );
}

#[test]
fn a_glob_like_pattern_is_warned_of_without_a_cluster_too() {
    let output = ecs_place(&[
        "check-expression",
        "attribute:ecs.availability-zone =~ us-east-1*",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "attribute:ecs.availability-zone =~ us-east-1*\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("warning: attribute:ecs.availability-zone =~ us-east-1*: "),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("did you mean us-east-1.*?"),
        "{stderr}"
    );
}

#[test]
fn a_value_in_the_wrong_case_is_warned_of_with_the_value_instances_have() {
    // The example cluster has x86_64 instances only: ARM64 gets the values there are, and
    // X86_64 the one it was meant to be.
    let stderr = check_on_example("attribute:ecs.cpu-architecture == ARM64");
    assert!(
        stderr.starts_with(
            "warning: attribute:ecs.cpu-architecture == ARM64: no instance has the value ARM64 (the values of ecs.cpu-architecture: x86_64)\n"
        ),
        "{stderr}"
    );
    let stderr = check_on_example("attribute:ecs.cpu-architecture == X86_64");
    assert_eq!(
        stderr,
        "warning: attribute:ecs.cpu-architecture == X86_64: no instance has the value X86_64 (did you mean x86_64? 14 instances have it)\n\
         clause 1 (attribute:ecs.cpu-architecture == X86_64): 0 of 14 instances\n\
         whole expression: 0 of 14 instances\n"
    );
}

#[test]
fn attribute_names_no_agent_sets_get_the_one_meant() {
    for (name, meant) in [
        (
            "instance-type",
            "did you mean attribute:ecs.instance-type? 14 instances have it",
        ),
        (
            "ec2.instance-type",
            "did you mean attribute:ecs.instance-type? 14 instances have it",
        ),
        (
            "ec2InstanceId",
            "did you mean ec2InstanceId? it is a subject of its own",
        ),
    ] {
        let expression = format!("attribute:{name} == x");
        let stderr = check_on_example(&expression);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!(
                "warning: {expression}: no instance has the attribute {name} ("
            )),
            "{stderr}"
        );
        assert!(first.contains(meant), "{stderr}");
        assert!(
            stderr.ends_with("whole expression: 0 of 14 instances\n"),
            "{stderr}"
        );
    }
}

#[test]
fn a_correct_expression_gets_counts_only() {
    let stderr = check_on_example(
        "attribute:stack == prod and attribute:ecs.instance-type =~ m5.* and not(task:group == service:web)",
    );
    assert_eq!(
        stderr,
        "clause 1 (attribute:stack == prod): 12 of 14 instances\n\
         clause 2 (attribute:ecs.instance-type =~ m5.*): 8 of 14 instances\n\
         clause 3 (task:group == service:web): 5 of 14 instances\n\
         whole expression: 4 of 14 instances\n"
    );
}

#[test]
fn validate_warns_of_the_requests_expressions_and_succeeds() {
    let cluster = repo_file("examples/cluster.json");
    let dir = std::env::temp_dir().join(format!("ecs-place-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let request = dir.join("request.json");
    std::fs::write(
        &request,
        r#"{"cluster": "prod", "taskDefinition": "web", "count": 1,
            "placementConstraints": [
              {"type": "distinctInstance"},
              {"type": "memberOf", "expression": "attribute:ecs.availability-zone =~ us-east-1*"},
              {"type": "memberOf", "expression": "attribute:instance-type == m5.large"}]}"#,
    )
    .unwrap();
    let output = ecs_place(&[
        "validate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
        "--strict",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("; request ok: "), "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(
            "warning: placementConstraints[1].expression: attribute:ecs.availability-zone =~ us-east-1*: us-east-1* is a regular expression, not a glob"
        ),
        "{stderr}"
    );
    assert_eq!(
        lines[1],
        "warning: placementConstraints[2].expression: attribute:instance-type == m5.large: no instance has the attribute instance-type (did you mean attribute:ecs.instance-type? 14 instances have it)"
    );
    std::fs::remove_dir_all(&dir).ok();
}
