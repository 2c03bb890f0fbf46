//! Output that cannot be written is reported, and a file being replaced is never lost: the
//! response on stdout, `run-task --state-out` and `generate --out`, run against the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_ecs-place")
}

fn ecs_place(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .output()
        .expect("the binary runs")
}

fn repo_file(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// A directory of its own for each test (tests run in parallel).
fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("ecs-place-output-{}", std::process::id()))
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The names of the files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts exit 2, nothing on stdout, no panic; the first stderr line.
fn assert_failure(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout must be empty");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.lines().next().unwrap_or_default().to_owned()
}

/// Runs the binary with a file-size limit of 16 blocks (8 or 16 KiB), SIGXFSZ ignored: a write
/// past the limit fails with EFBIG, as a write to a full disk fails with ENOSPC.
#[cfg(unix)]
fn ecs_place_with_small_file_limit(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16 && exec \"$0\" \"$@\"")
        .arg(binary())
        .args(args)
        .output()
        .expect("sh runs")
}

/// `--state-out` naming the `--cluster` file, with a write that fails halfway: the snapshot is
/// left as it was (a truncating write left it cut at the limit), and no temporary file stays.
#[cfg(unix)]
#[test]
fn a_failed_state_out_over_the_cluster_file_leaves_it_whole() {
    let dir = scratch_dir("state-out-over-cluster");
    let cluster = dir.join("cluster.json");
    std::fs::copy(repo_file("examples/cluster.json"), &cluster).unwrap();
    let before = std::fs::read(&cluster).unwrap();
    let cluster_arg = cluster.to_str().unwrap();
    let args = [
        "run-task",
        "--cluster",
        cluster_arg,
        "--request",
        &repo_file("examples/run-task.json"),
        "--state-out",
        cluster_arg,
    ];
    let first = assert_failure(&ecs_place_with_small_file_limit(&args));
    assert!(
        first.starts_with(&format!(
            "ClientException: {cluster_arg}: cannot write the state: "
        )),
        "{first}"
    );
    assert!(
        std::fs::read(&cluster).unwrap() == before,
        "the cluster file changed"
    );
    assert_eq!(listing(&dir), ["cluster.json"]);

    // Without the limit the same call replaces the file with the next state.
    assert_eq!(ecs_place(&args).status.code(), Some(0));
    let validated = ecs_place(&["validate", "--cluster", cluster_arg]);
    let line = String::from_utf8_lossy(&validated.stdout);
    assert!(line.contains("23 tasks (22 running)"), "{line}");
    assert_eq!(listing(&dir), ["cluster.json"]);
}

/// `generate --out` over an existing file, with a write that fails halfway: the file is left as
/// it was.
#[cfg(unix)]
#[test]
fn a_failed_generate_leaves_the_existing_file_whole() {
    let dir = scratch_dir("generate-over-file");
    let out = dir.join("cluster.json");
    std::fs::write(&out, "{\"containerInstances\": []}\n").unwrap();
    let output = ecs_place_with_small_file_limit(&[
        "generate",
        "--instances",
        "60",
        "--tasks",
        "240",
        "--out",
        out.to_str().unwrap(),
    ]);
    let first = assert_failure(&output);
    assert!(
        first.starts_with(&format!(
            "ClientException: {}: cannot write the file: ",
            out.display()
        )),
        "{first}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "{\"containerInstances\": []}\n"
    );
    assert_eq!(listing(&dir), ["cluster.json"]);
}

/// A directory as the target, or a target whose directory does not exist: exit 2, the message
/// names the target (not a temporary file), and nothing is created or changed.
#[test]
fn a_directory_or_a_missing_directory_as_the_target_is_an_error() {
    let dir = scratch_dir("bad-targets");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    for target in [dir.join("sub"), dir.join("no-such-dir").join("state.json")] {
        let target_arg = target.to_str().unwrap();
        let output = ecs_place(&[
            "run-task",
            "--cluster",
            &repo_file("examples/cluster.json"),
            "--request",
            &repo_file("examples/run-task.json"),
            "--state-out",
            target_arg,
        ]);
        let first = assert_failure(&output);
        assert!(
            first.starts_with(&format!(
                "ClientException: {target_arg}: cannot write the state: "
            )),
            "{first}"
        );
        assert!(!first.contains(".tmp"), "{first}");
        let first = assert_failure(&ecs_place(&[
            "generate",
            "--instances",
            "3",
            "--tasks",
            "3",
            "--out",
            target_arg,
        ]));
        assert!(
            first.starts_with(&format!(
                "ClientException: {target_arg}: cannot write the file: "
            )),
            "{first}"
        );
    }
    assert_eq!(listing(&dir), ["sub"]);
    assert!(listing(&dir.join("sub")).is_empty());
}

/// Runs the binary with stdout on `/dev/full`: every write fails with ENOSPC.
#[cfg(target_os = "linux")]
fn ecs_place_to_dev_full(args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    Command::new(binary())
        .args(args)
        .stdout(Stdio::from(full))
        .output()
        .expect("the binary runs")
}

/// A response that cannot be written (a full disk) exits 2 with the reason on stderr, for
/// every command that prints one.
#[cfg(target_os = "linux")]
#[test]
fn a_response_that_cannot_be_written_is_an_error() {
    let cluster = repo_file("examples/cluster.json");
    let request = repo_file("examples/run-task.json");
    let start_request = repo_file("examples/start-task.json");
    let commands: [&[&str]; 6] = [
        &["run-task", "--cluster", &cluster, "--request", &request],
        &[
            "start-task",
            "--cluster",
            &cluster,
            "--request",
            &start_request,
        ],
        &["validate", "--cluster", &cluster],
        &["list-container-instances", "--cluster", &cluster],
        &["check-expression", "attribute:stack == prod"],
        &["run-task", "--help"],
    ];
    for args in commands {
        let output = ecs_place_to_dev_full(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("ClientException: cannot write the output: "),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A reader that goes away (`ecs-place ... | head`) ends the output quietly: exit 0, nothing
/// on stderr.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let cluster = repo_file("examples/cluster.json");
    let request = repo_file("examples/run-task.json");
    for args in [
        vec!["run-task", "--cluster", &cluster, "--request", &request],
        vec!["list-container-instances", "--cluster", &cluster],
    ] {
        let mut child = Command::new(binary())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command has read its files and printed.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
