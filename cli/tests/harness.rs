//! `ecs-place simulate` as the benchmark harness: a timed trace, variants side by side, the
//! CSV time series and the HTML report (well-formed, every series of every chart present),
//! and the input-error contract for a bad trace line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

mod support;
use support::{ecs_place, input_error, success};

use serde_json::Value;

fn dir() -> PathBuf {
    support::scratch_dir("harness")
}

/// A generated cluster of 60 instances, and a timed trace of 150 calls with durations and a
/// drain, written under `name`.
fn inputs(name: &str) -> (PathBuf, PathBuf) {
    let cluster = dir().join(format!("{name}-cluster.json"));
    success(&ecs_place(&[
        "generate",
        "--instances",
        "60",
        "--tasks",
        "240",
        "--seed",
        "3",
        "--out",
        cluster.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&cluster).unwrap();
    let snapshot = ecs_placement::model::Snapshot::from_json(&text).unwrap();
    let mut trace = String::from("{\"traceFormat\":1,\"description\":\"test\"}\n");
    let events = ecs_placement::generate::workload(&snapshot, 150, 5);
    let mut at = 0.0;
    for event in events {
        let mut value = serde_json::to_value(&event).unwrap();
        if value["event"] == "run-task" {
            at += 0.5;
            value["duration"] = Value::from(30.0);
        }
        value["at"] = Value::from(at);
        trace.push_str(&value.to_string());
        trace.push('\n');
        if at == 40.0 {
            let drain = format!(
                "{{\"at\":{at},\"event\":\"drain-instance\",\"instance\":\"{}\"}}\n",
                snapshot.instances()[0].id
            );
            trace.push_str(&drain);
        }
    }
    let path = dir().join(format!("{name}.jsonl"));
    std::fs::write(&path, trace).unwrap();
    (cluster, path)
}

/// The summary without what is measured.
fn unmeasured(mut summary: Value) -> Value {
    let object = summary.as_object_mut().unwrap();
    object.remove("seconds");
    object.remove("placementsPerSecond");
    object["metrics"]
        .as_object_mut()
        .unwrap()
        .remove("latencyUs");
    summary
}

#[test]
fn variants_are_replayed_side_by_side_with_a_report_and_a_time_series() {
    let (cluster, trace) = inputs("variants");
    let report = dir().join("variants.html");
    let series = dir().join("variants.csv");
    let args = [
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        trace.to_str().unwrap(),
        "--interval",
        "5",
        "--variant",
        "base=",
        "--variant",
        "packed=strategy=binpack(memory)",
        "--report",
        report.to_str().unwrap(),
        "--timeseries",
        series.to_str().unwrap(),
    ];
    let first: Value = serde_json::from_str(&success(&ecs_place(&args))).unwrap();
    assert_eq!(first["schemaVersion"], 1);
    let variants = first["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1]["spec"], "strategy=binpack(memory)");
    let base = &variants[0]["summary"];
    assert_eq!(base["runTaskCalls"], 150);
    assert_eq!(base["instanceEvents"]["drain"], 1);
    assert!(base["stoppedByDuration"].as_u64().unwrap() > 0, "{base}");
    assert_eq!(base["metrics"]["intervalSeconds"], 5.0);
    let comparison = first["comparison"].as_array().unwrap();
    let placed = comparison.iter().find(|r| r["metric"] == "placed").unwrap();
    assert_eq!(placed["differences"][0], 0.0);

    // The same trace and variants again: the same numbers but the measured ones.
    let again: Value = serde_json::from_str(&success(&ecs_place(&args))).unwrap();
    for at in 0..2 {
        assert_eq!(
            unmeasured(first["variants"][at]["summary"].clone()),
            unmeasured(again["variants"][at]["summary"].clone())
        );
    }

    // The time series: a header, then one row per interval and variant.
    let csv = std::fs::read_to_string(&series).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "variant");
    assert!(header.contains(&"latencyP99Us") && header.contains(&"strandedCpu"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let intervals = base["metrics"]["intervals"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), 2 * intervals);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert_eq!(rows[0][0], "base");
    assert_eq!(rows[intervals][0], "packed");
    let calls: u64 = rows[..intervals]
        .iter()
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    assert_eq!(calls, 150);

    // The report: well-formed, one SVG per chart, each with every variant's series.
    let page = std::fs::read_to_string(&report).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(&page, options)
        .expect("the report is well-formed XML");
    let figures: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .collect();
    let expected: [(&str, &[&str]); 6] = [
        ("chart-utilization", &["cpu", "memory"]),
        ("chart-unplaced", &["unplaced"]),
        ("chart-stranded", &["cpu", "memory"]),
        ("chart-latency", &["p50", "p90", "p99"]),
        ("chart-skew", &["mean", "max"]),
        ("chart-instances", &["in use", "waiting"]),
    ];
    assert_eq!(figures.len(), expected.len());
    for (figure, (id, series)) in figures.iter().zip(expected) {
        assert_eq!(figure.attribute("id"), Some(id));
        let svg = figure
            .children()
            .find(|n| n.tag_name().name() == "svg")
            .unwrap_or_else(|| panic!("{id} has no svg"));
        let texts: Vec<&str> = svg
            .descendants()
            .filter(|n| n.tag_name().name() == "text")
            .filter_map(|n| n.text().map(str::trim))
            .collect();
        let lines = svg
            .descendants()
            .filter(|n| n.tag_name().name() == "polyline")
            .count();
        for variant in ["base", "packed"] {
            for name in series {
                let label = format!("{variant} {name}");
                assert!(
                    texts.contains(&label.as_str()),
                    "{id}: no {label:?} in {texts:?}"
                );
            }
        }
        // A line per series, plus the legend's samples.
        assert!(lines >= 2 * series.len(), "{id}: {lines} lines");
    }
    let table = document
        .descendants()
        .find(|n| n.attribute("id") == Some("summary"))
        .unwrap();
    assert!(
        table
            .descendants()
            .any(|n| n.text() == Some("packed − base"))
    );
}

#[test]
fn a_bad_trace_line_is_an_input_error_and_writes_nothing() {
    let (cluster, _) = inputs("bad-line");
    let trace = dir().join("bad-line.jsonl");
    std::fs::write(
        &trace,
        "{\"at\":1,\"event\":\"stop-task\",\"pick\":0}\n{\"at\":0,\"event\":\"stop-task\",\"pick\":0}\n",
    )
    .unwrap();
    let report = dir().join("bad-line.html");
    let out = ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        trace.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    let stderr = input_error(&out);
    assert!(
        stderr.starts_with(
            "InvalidParameterException: trace line 2: at 0 is before the previous event's 1"
        ),
        "{stderr}"
    );
    assert!(!report.exists());
    // A stop-task without its task, or with two ways of naming it; a line ending early.
    for (line, message) in [
        (
            "{\"at\":1,\"event\":\"stop-task\"}",
            "InvalidParameterException: trace line 1: a stop-task names its task by exactly one of taskArn, name and pick; it has none",
        ),
        (
            "{\"at\":1,\"event\":\"stop-task\",\"name\":\"a\",\"pick\":1}",
            "InvalidParameterException: trace line 1: a stop-task names its task by exactly one of taskArn, name and pick; it has name and pick",
        ),
        (
            "{\"at\":1,",
            "ClientException: trace line 1: column 9: the line ends early: not a JSON object: EOF while parsing a value",
        ),
    ] {
        std::fs::write(&trace, format!("{line}\n")).unwrap();
        let stderr = input_error(&ecs_place(&[
            "simulate",
            "--cluster",
            cluster.to_str().unwrap(),
            "--workload",
            trace.to_str().unwrap(),
        ]));
        assert_eq!(stderr.lines().next().unwrap(), message);
    }
    for (args, message) in [
        (
            &["--variant", "a=colour=red"][..],
            "InvalidParameterException: --variant a=colour=red: unknown part",
        ),
        (
            &["--variant", "a=", "--variant", "a=strategy="][..],
            "InvalidParameterException: --variant \"a\" is named twice",
        ),
        (
            &["--reference-task", "256"][..],
            "InvalidParameterException: --reference-task",
        ),
        (
            &["--no-metrics", "--report", "x.html"][..],
            "InvalidParameterException: --no-metrics",
        ),
    ] {
        let mut all = vec![
            "simulate",
            "--cluster",
            cluster.to_str().unwrap(),
            "--generate-workload",
            "5",
        ];
        all.extend_from_slice(args);
        let stderr = input_error(&ecs_place(&all));
        assert!(stderr.starts_with(message), "{stderr}");
    }
}

#[test]
fn without_metrics_the_totals_are_the_same() {
    let (cluster, trace) = inputs("no-metrics");
    let run = |extra: &[&str]| -> Value {
        let mut args = vec![
            "simulate",
            "--cluster",
            cluster.to_str().unwrap(),
            "--workload",
            trace.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        serde_json::from_str(&success(&ecs_place(&args))).unwrap()
    };
    let mut with = run(&[]);
    let without = run(&["--no-metrics"]);
    assert!(without.get("metrics").is_none());
    with.as_object_mut().unwrap().remove("metrics");
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("seconds");
        v.as_object_mut().unwrap().remove("placementsPerSecond");
        v
    };
    assert_eq!(strip(with), strip(without));
}

/// The Alibaba 2018 sample (tests/fixtures/alibaba-2018, rows in the published schemas): the
/// machines at time 0 in the snapshot, the later one registered and the one going OFFLINE
/// deregistered in the trace; a batch task of N instances is ceil(N / 10) calls; a container
/// seen twice is one task; a row without its plan is skipped. Then replayed with variants.
#[test]
fn an_alibaba_2018_sample_imports_and_replays() {
    let fixtures = support::repo_file("tests/fixtures/alibaba-2018");
    let file = |name: &str| fixtures.join(name).to_str().unwrap().to_owned();
    let cluster = dir().join("alibaba.json");
    let trace = dir().join("alibaba.jsonl");
    success(&ecs_place(&[
        "trace",
        "import",
        "--format",
        "alibaba-2018",
        "--machine-meta",
        &file("machine_meta.csv"),
        "--batch-task",
        &file("batch_task.csv"),
        "--container-meta",
        &file("container_meta.csv"),
        "--out-cluster",
        cluster.to_str().unwrap(),
        "--out-trace",
        trace.to_str().unwrap(),
    ]));
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&cluster).unwrap()).unwrap();
    let instances = snapshot["containerInstances"].as_array().unwrap();
    assert_eq!(instances.len(), 6);
    // 96 cores, memory 100 of 512 GiB; failure domain 1 as the zone.
    assert_eq!(
        instances[0]["registeredResources"][0]["integerValue"],
        98_304
    );
    assert_eq!(
        instances[0]["registeredResources"][1]["integerValue"],
        524_288
    );
    assert_eq!(instances[0]["attributes"][0]["value"], "1");
    assert_eq!(snapshot["taskDefinitions"].as_array().unwrap().len(), 11);
    let text = std::fs::read_to_string(&trace).unwrap();
    let events: Vec<Value> = text
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds = |kind: &str| events.iter().filter(|e| e["event"] == kind).count();
    // Batch: 2 + 1 + 3 + 1 + 3 + 1 + 4 + 1 + 2 calls (one row has no plan); 6 containers.
    assert_eq!(kinds("run-task"), 24);
    assert_eq!(
        (kinds("register-instance"), kinds("deregister-instance")),
        (1, 1)
    );
    let times: Vec<f64> = events.iter().map(|e| e["at"].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let first = &events[3];
    assert_eq!(first["request"]["group"], "job:j_1");
    assert_eq!(
        first["request"]["taskDefinition"],
        "alibaba-2018-2048cpu-7864mib"
    );
    assert_eq!(first["duration"], 600.0);

    let report = dir().join("alibaba.html");
    let out = success(&ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        trace.to_str().unwrap(),
        "--interval",
        "60",
        "--variant",
        "random=",
        "--variant",
        "packed=strategy=binpack(memory)",
        "--report",
        report.to_str().unwrap(),
    ]));
    let summary: Value = serde_json::from_str(&out).unwrap();
    let base = &summary["variants"][0]["summary"];
    assert_eq!(base["runTaskCalls"], 24);
    assert_eq!(base["instanceEvents"]["register"], 1);
    assert_eq!(base["instanceEvents"]["failed"], 0);
    assert_eq!(base["rejectedCalls"], serde_json::json!({}));
    assert!(report.exists());

    // Out of order: the row and the way to sort.
    let unsorted = dir().join("unsorted_batch_task.csv");
    std::fs::write(
        &unsorted,
        "t1,1,j_1,1,Terminated,500,600,100,1\nt2,1,j_1,1,Terminated,400,600,100,1\n",
    )
    .unwrap();
    let stderr = input_error(&ecs_place(&[
        "trace",
        "import",
        "--format",
        "alibaba-2018",
        "--machine-meta",
        &file("machine_meta.csv"),
        "--batch-task",
        unsorted.to_str().unwrap(),
        "--out-cluster",
        dir().join("never.json").to_str().unwrap(),
        "--out-trace",
        dir().join("never.jsonl").to_str().unwrap(),
    ]));
    assert!(
        stderr.starts_with("InvalidParameterException: batch_task line 2: start_time 400 is before the previous row's 500; sort the file by start_time first (sort -t, -k6,6n)"),
        "{stderr}"
    );
    assert!(!dir().join("never.json").exists() && !dir().join("never.jsonl").exists());

    // An instance_num past the bound is refused before any call is made, not allocated.
    let huge = dir().join("huge_batch_task.csv");
    std::fs::write(&huge, "task_1,100000000,j_1,1,Terminated,200,100,50,0.5\n").unwrap();
    let stderr = input_error(&ecs_place(&[
        "trace",
        "import",
        "--format",
        "alibaba-2018",
        "--machine-meta",
        &file("machine_meta.csv"),
        "--batch-task",
        huge.to_str().unwrap(),
        "--out-cluster",
        dir().join("never.json").to_str().unwrap(),
        "--out-trace",
        dir().join("never.jsonl").to_str().unwrap(),
    ]));
    assert_eq!(
        stderr.lines().next().unwrap(),
        "InvalidParameterException: batch_task line 1: instance_num 100000000 is more than 1000000, the most one row may ask for"
    );
    assert!(!dir().join("never.json").exists() && !dir().join("never.jsonl").exists());
}

/// The Google 2019 sample (tests/fixtures/google-2019, JSON lines in the BigQuery export's
/// shape): machines added at time 0 in the snapshot with their switch as zone and attributes,
/// the later one registered, the removed one deregistered; each SUBMIT a named call, each end
/// event a stop of that name; constraints as memberOf, max_per_machine 1 as distinctInstance.
#[test]
fn a_google_2019_sample_imports_and_replays() {
    let fixtures = support::repo_file("tests/fixtures/google-2019");
    let file = |name: &str| fixtures.join(name).to_str().unwrap().to_owned();
    let cluster = dir().join("google.json");
    let trace = dir().join("google.jsonl");
    success(&ecs_place(&[
        "trace",
        "import",
        "--format",
        "google-2019",
        "--machine-events",
        &file("machine_events.json"),
        "--instance-events",
        &file("instance_events.json"),
        "--machine-attributes",
        &file("machine_attributes.json"),
        "--out-cluster",
        cluster.to_str().unwrap(),
        "--out-trace",
        trace.to_str().unwrap(),
    ]));
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&cluster).unwrap()).unwrap();
    let instances = snapshot["containerInstances"].as_array().unwrap();
    assert_eq!(instances.len(), 4);
    // cpus 0.5 of 64 cores, memory 0.5 of 256 GiB.
    assert_eq!(
        instances[0]["registeredResources"][0]["integerValue"],
        32_768
    );
    assert_eq!(
        instances[0]["registeredResources"][1]["integerValue"],
        131_072
    );
    assert_eq!(
        instances[2]["attributes"],
        serde_json::json!([
            {"name": "ecs.availability-zone", "value": "sw-b"},
            {"name": "google.platform-id", "value": "p2"},
            {"name": "google.GKf3Ux", "value": "3"},
            {"name": "google.rs/9Ab\\2b"}
        ])
    );
    let text = std::fs::read_to_string(&trace).unwrap();
    let events: Vec<Value> = text
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "run-task",
            "run-task",
            "run-task",
            "run-task",
            "run-task",
            "run-task",
            "stop-task",
            "stop-task",
            "register-instance",
            "run-task",
            "stop-task",
            "deregister-instance"
        ]
    );
    assert_eq!(
        events[2]["request"]["placementConstraints"],
        serde_json::json!([
            {"type": "memberOf", "expression": "attribute:google.GKf3Ux > '4'"},
            {"type": "distinctInstance"}
        ])
    );
    assert_eq!(
        events[5]["request"]["placementConstraints"],
        serde_json::json!([{"type": "memberOf", "expression": "attribute:google.rs/9Ab\\2b exists"}])
    );
    assert_eq!(events[6]["name"], "100/0");

    let out = success(&ecs_place(&[
        "simulate",
        "--cluster",
        cluster.to_str().unwrap(),
        "--workload",
        trace.to_str().unwrap(),
        "--interval",
        "60",
    ]));
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["runTaskCalls"], 7);
    // Two machines have GKf3Ux above 4: the third task of collection 200 finds no third.
    assert_eq!(summary["placed"], 6);
    assert_eq!(
        summary["unplacedByReason"],
        serde_json::json!({"DistinctInstance placement constraint unsatisfied.": 1})
    );
    assert_eq!(summary["stopped"], 3);
    assert_eq!(summary["instanceEvents"]["failed"], 0);
}

#[test]
fn the_table_format_puts_the_variants_side_by_side() {
    let (cluster, trace) = inputs("table");
    let run = |format: &str| {
        success(&ecs_place(&[
            "simulate",
            "--cluster",
            cluster.to_str().unwrap(),
            "--workload",
            trace.to_str().unwrap(),
            "--variant",
            "base=",
            "--variant",
            "packed=strategy=binpack(memory)",
            "--format",
            format,
        ]))
    };
    let table = run("table");
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["metric", "base", "packed", "packed", "-", "base"]);
    // Each row of the JSON comparison is a line of the table, values and difference alike.
    let placed = json["comparison"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "placed")
        .unwrap();
    let line: Vec<&str> = lines
        .find(|l| l.starts_with("placed "))
        .unwrap()
        .split_whitespace()
        .collect();
    let number = |v: &Value| v.as_f64().unwrap();
    assert_eq!(
        line[1].parse::<f64>().unwrap(),
        number(&placed["values"][0])
    );
    assert_eq!(
        line[2].parse::<f64>().unwrap(),
        number(&placed["values"][1])
    );
    assert_eq!(
        line[3].trim_start_matches('+').parse::<f64>().unwrap(),
        number(&placed["differences"][1])
    );
}
