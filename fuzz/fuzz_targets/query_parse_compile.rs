//! Parses arbitrary text as a query expression; when it parses, checks the printer round trip
//! and compiles and evaluates it against a small fixed cluster. Any panic is a bug.
#![no_main]

use std::sync::OnceLock;

use ecs_placement::model::Snapshot;
use ecs_placement::query::Expression;
use libfuzzer_sys::fuzz_target;

const CLUSTER: &str = r#"{
  "containerInstances": [
    {"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/c/a", "ec2InstanceId": "i-a",
     "versionInfo": {"agentVersion": "1.14.5"}, "registeredAt": "2018-06-18T22:28:28Z",
     "attributes": [{"name": "ecs.instance-type", "value": "t2.small"}, {"name": "size", "value": "16"},
                    {"name": "flag"}]},
    {"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/c/b", "agentConnected": false,
     "attributes": [{"name": "ecs.instance-type", "value": "g2.2xlarge"}, {"name": "size", "value": "x"}]}
  ],
  "tasks": [
    {"taskArn": "arn:aws:ecs:us-east-1:1:task/c/t1", "containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/c/a",
     "group": "service:web", "desiredStatus": "RUNNING", "lastStatus": "RUNNING",
     "taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/web:1"}
  ]
}"#;

fn cluster() -> Option<&'static Snapshot> {
    static SNAPSHOT: OnceLock<Option<Snapshot>> = OnceLock::new();
    SNAPSHOT.get_or_init(|| Snapshot::from_json(CLUSTER).ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expression) = Expression::parse(text) else {
        return;
    };
    let printed = expression.to_string();
    let reparsed = Expression::parse(&printed)
        .unwrap_or_else(|e| panic!("canonical text `{printed}` of `{text}` does not parse: {e}"));
    assert_eq!(reparsed.root().without_spans(), expression.root().without_spans());
    let snapshot = cluster().expect("fixture cluster loads");
    if let Ok(compiled) = expression.compile(snapshot) {
        let set = compiled.filter(snapshot);
        for position in 0..snapshot.instances().len() {
            assert_eq!(set.contains(position), compiled.matches(snapshot, position));
        }
    }
});
