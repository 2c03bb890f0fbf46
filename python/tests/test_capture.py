"""`python -m ecs_placement capture`: end to end against moto's threaded server on 127.0.0.1
(real HTTP, a real boto3 client with dummy credentials), and with botocore's Stubber for
pagination, batching, MISSING answers and throttling that does not stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto.server import ThreadedMotoServer

import ecs_placement
import ecs_placement.moto as ecs_moto
from ecs_placement import capture

REGION = "us-east-1"
ACCOUNT = "123456789012"
AMI = "ami-12c6146b"
REPOSITORY = Path(__file__).resolve().parents[2]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(autouse=True)
def dummy_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """moto's threaded server on a free port of 127.0.0.1; its URL."""
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    host, port = moto_server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        moto_server.stop()


@pytest.fixture
def endpoint(server: str) -> Iterator[str]:
    """The server, with moto's state reset before the test."""
    request = urllib.request.Request(f"{server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200
    yield server
    ecs_moto.disable()


def aws(service: str, url: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=url)


def build_cluster(url: str) -> dict[str, Any]:
    """Through the server: cluster `prod` with a capacity provider, three instances (1a, 1a,
    1b), tasks placed by the engine. Returns the ARNs made."""
    ecs, ec2 = aws("ecs", url), aws("ec2", url)
    ecs.create_capacity_provider(
        name="cp-ondemand",
        autoScalingGroupProvider={
            "autoScalingGroupArn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:"
            "00000000-0000-0000-0000-000000000000:autoScalingGroupName/ondemand"
        },
    )
    ecs.create_cluster(clusterName="prod", capacityProviders=["cp-ondemand"])
    instances = []
    for zone in ("us-east-1a", "us-east-1a", "us-east-1b"):
        ec2_id = ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": zone}
        )["Instances"][0]["InstanceId"]
        document = json.dumps({"instanceId": ec2_id, "availabilityZone": zone})
        registered = ecs.register_container_instance(
            cluster="prod", instanceIdentityDocument=document
        )
        instances.append(registered["containerInstance"]["containerInstanceArn"])
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "cpu": 512, "memory": 1024}],
    )
    ecs.register_task_definition(
        family="api",
        containerDefinitions=[{"name": "api", "image": "api", "cpu": 256, "memory": 512}],
    )
    with ecs_moto.enabled(seed=5):
        placed = ecs.run_task(
            cluster="prod",
            taskDefinition="web",
            count=3,
            placementStrategy=[{"type": "spread", "field": "instanceId"}],
        )["tasks"]
    return {"instances": instances, "tasks": [t["taskArn"] for t in placed]}


def ecs_place() -> str | None:
    """The ecs-place binary: $ECS_PLACE, else the cargo target directory's debug build."""
    given = os.environ.get("ECS_PLACE")
    if given:
        return given
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPOSITORY / "target"))
    built = target / "debug" / "ecs-place"
    return str(built) if built.is_file() else None


def run_capture(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m ecs_placement capture` in a child process, from the repository's top (not
    python/, whose source package would shadow the installed one)."""
    command = [sys.executable, "-m", "ecs_placement", "capture", "--cluster", "prod"]
    command += ["--region", REGION, "--endpoint-url", url, "--out", str(out), *extra]
    environment = dict(os.environ, **CREDENTIALS)
    return subprocess.run(
        command,
        check=False,
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=environment,
        timeout=120,
    )


def test_capture_end_to_end_writes_a_snapshot_that_places(endpoint: str, tmp_path: Path) -> None:
    made = build_cluster(endpoint)
    out = tmp_path / "prod.json"
    done = run_capture(endpoint, out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert "capture: list_container_instances: 3" in lines
    assert "capture: list_tasks (RUNNING, PENDING): 3" in lines
    # moto does not describe FARGATE-style names; here the one provider exists.
    assert lines[-1].startswith(f"capture: wrote {out}: 3 container instances, 3 tasks, ")

    snapshot = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(snapshot) == [
        "capacityProviders",
        "capturedAt",
        "cluster",
        "containerInstances",
        "taskDefinitions",
        "tasks",
    ]
    assert [i["containerInstanceArn"] for i in snapshot["containerInstances"]] == sorted(
        made["instances"]
    )
    assert sorted(t["taskArn"] for t in snapshot["tasks"]) == sorted(made["tasks"])
    assert [d["taskDefinitionArn"] for d in snapshot["taskDefinitions"]] == [
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:1"
    ]
    assert [p["name"] for p in snapshot["capacityProviders"]] == ["cp-ondemand"]
    assert snapshot["capturedAt"].endswith("+00:00")
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left

    # It places: one task of each spread instance is there, so memberOf us-east-1b with
    # binpack on memory goes to the one instance of 1b; 1a's two tie on everything else.
    snapshot["taskDefinitions"].append(
        {
            "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api:1",
            "family": "api",
            "revision": 1,
            "containerDefinitions": [{"name": "api", "cpu": 256, "memory": 512}],
        }
    )
    in_b = "attribute:ecs.availability-zone == us-east-1b"
    response = ecs_placement.run_task(
        snapshot,
        {
            "cluster": "prod",
            "taskDefinition": "api",
            "count": 2,
            "launchType": "EC2",
            "placementConstraints": [{"type": "memberOf", "expression": in_b}],
        },
        seed=1,
    )
    assert [t["containerInstanceArn"] for t in response["tasks"]] == [made["instances"][2]] * 2


def test_captured_file_passes_ecs_place_validate(endpoint: str, tmp_path: Path) -> None:
    binary = ecs_place()
    if binary is None:
        pytest.skip(
            "no ecs-place binary: set ECS_PLACE, or build it (cargo build -p ecs-place) into "
            "the cargo target directory"
        )
    build_cluster(endpoint)
    out = tmp_path / "prod.json"
    assert run_capture(endpoint, out, "--quiet", "--task-definition", "api").returncode == 0
    checked = subprocess.run(
        [binary, "validate", "--cluster", str(out), "--strict"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("cluster prod: 3 instances (3 ACTIVE), 2 task definitions, ")


def test_capture_of_an_unknown_cluster_and_bad_arguments_exit_2(
    endpoint: str, tmp_path: Path
) -> None:
    out = tmp_path / "nowhere.json"
    done = run_capture(endpoint, out)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith(
        "ClusterNotFoundException: DescribeClusters does not know the cluster 'prod' (MISSING)"
    )
    assert not out.exists()
    missing_dir = run_capture(endpoint, tmp_path / "no" / "such.json")
    assert missing_dir.returncode == 2
    assert missing_dir.stderr.startswith("InvalidParameterException: --out ")
    no_out = subprocess.run(
        [sys.executable, "-m", "ecs_placement", "capture", "--cluster", "prod"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert no_out.returncode == 2
    assert no_out.stderr.splitlines()[0] == (
        "InvalidParameterException: the following arguments are required: --out"
    )


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def test_throttled_calls_are_retried_by_the_adaptive_client(endpoint: str) -> None:
    build_cluster(endpoint)
    client = capture.make_client(region=REGION, endpoint_url=endpoint)
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 10}
    throttled: list[str] = []

    def throttle(request: Any, **_: Any) -> AWSResponse | None:
        # The first two DescribeClusters attempts are refused as AWS refuses when throttling;
        # botocore's retry loop (inside the client, past this hook) sends them again.
        if len(throttled) >= 2:
            return None
        throttled.append(request.url)
        body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "t"}
        return AWSResponse(request.url, 400, headers, _Body(body))

    client.meta.events.register("before-send.ecs.DescribeClusters", throttle)
    snapshot, report = capture.capture(client, "prod")
    assert len(throttled) == 2
    assert report.retries == 2
    assert len(snapshot["containerInstances"]) == 3


def _stubbed() -> tuple[Any, Stubber]:
    client = boto3.client(
        "ecs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    return client, Stubber(client)


def _instance_arn(number: int) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/prod/{number:032x}"


def _task_arn(number: int) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/prod/{number:032x}"


WEB = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:3"


def _described_instance(number: int) -> dict[str, Any]:
    return {
        "containerInstanceArn": _instance_arn(number),
        "ec2InstanceId": f"i-{number:017x}",
        "status": "ACTIVE",
        "agentConnected": True,
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
        ],
        "attributes": [{"name": "ecs.availability-zone", "value": "us-east-1a"}],
    }


def _described_task(number: int) -> dict[str, Any]:
    return {
        "taskArn": _task_arn(number),
        "taskDefinitionArn": WEB,
        "containerInstanceArn": _instance_arn(number),
        "lastStatus": "RUNNING",
        "desiredStatus": "RUNNING",
        "cpu": "1024",
        "memory": "1024",
        "group": "service:web",
    }


def test_stubbed_pages_batches_and_missing_answers() -> None:
    client, stubber = _stubbed()
    cluster = {
        "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/prod",
        "clusterName": "prod",
        "status": "ACTIVE",
        "capacityProviders": ["cp-a", "cp-b", "FARGATE"],
        "tags": [{"key": "team", "value": "web"}],
    }
    stubber.add_response(
        "describe_clusters",
        {"clusters": [cluster], "failures": []},
        {"clusters": ["prod"], "include": capture.CLUSTER_INCLUDE},
    )
    # 150 instances in two pages; described 100 then 50; one went away in between.
    arns = [_instance_arn(n) for n in range(150)]
    stubber.add_response(
        "list_container_instances",
        {"containerInstanceArns": arns[:120], "nextToken": "page-2"},
        {"cluster": "prod"},
    )
    stubber.add_response(
        "list_container_instances",
        {"containerInstanceArns": arns[120:]},
        {"cluster": "prod", "nextToken": "page-2"},
    )
    stubber.add_response(
        "describe_container_instances",
        {"containerInstances": [_described_instance(n) for n in range(100)], "failures": []},
        {"cluster": "prod", "containerInstances": arns[:100]},
    )
    gone = {"arn": arns[149], "reason": "MISSING"}
    stubber.add_response(
        "describe_container_instances",
        {
            "containerInstances": [_described_instance(n) for n in range(100, 149)],
            "failures": [gone],
        },
        {"cluster": "prod", "containerInstances": arns[100:]},
    )
    # Tasks: RUNNING in two pages, PENDING in one (one ARN in both lists: described once).
    stubber.add_response(
        "list_tasks",
        {"taskArns": [_task_arn(0), _task_arn(1)], "nextToken": "t2"},
        {"cluster": "prod", "desiredStatus": "RUNNING"},
    )
    stubber.add_response(
        "list_tasks",
        {"taskArns": [_task_arn(2)]},
        {"cluster": "prod", "desiredStatus": "RUNNING", "nextToken": "t2"},
    )
    stubber.add_response(
        "list_tasks",
        {"taskArns": [_task_arn(2), _task_arn(3)]},
        {"cluster": "prod", "desiredStatus": "PENDING"},
    )
    stubber.add_response(
        "describe_tasks",
        {
            "tasks": [_described_task(n) for n in range(3)],
            "failures": [{"arn": _task_arn(3), "reason": "MISSING"}],
        },
        {"cluster": "prod", "tasks": [_task_arn(n) for n in range(4)]},
    )
    definition = {
        "taskDefinitionArn": WEB,
        "family": "web",
        "revision": 3,
        "status": "ACTIVE",
        "containerDefinitions": [{"name": "web", "image": "nginx", "cpu": 1024, "memory": 1024}],
    }
    stubber.add_response(
        "describe_task_definition", {"taskDefinition": definition}, {"taskDefinition": WEB}
    )
    # Providers: two pages by nextToken; FARGATE is not described here (MISSING).
    provider_names = ["cp-a", "cp-b", "FARGATE"]
    stubber.add_response(
        "describe_capacity_providers",
        {"capacityProviders": [{"name": "cp-a", "status": "ACTIVE"}], "nextToken": "p2"},
        {"capacityProviders": provider_names},
    )
    stubber.add_response(
        "describe_capacity_providers",
        {
            "capacityProviders": [{"name": "cp-b", "status": "ACTIVE"}],
            "failures": [{"arn": "FARGATE", "reason": "MISSING"}],
        },
        {"capacityProviders": provider_names, "nextToken": "p2"},
    )
    progress: list[str] = []
    with stubber:
        snapshot, report = capture.capture(
            client, "prod", progress=progress.append, now=lambda: _at("2026-11-27T10:00:00")
        )
    stubber.assert_no_pending_responses()

    assert len(snapshot["containerInstances"]) == 149
    assert [t["taskArn"] for t in snapshot["tasks"]] == [_task_arn(n) for n in range(3)]
    assert [p["name"] for p in snapshot["capacityProviders"]] == ["cp-a", "cp-b"]
    assert snapshot["cluster"]["tags"] == [{"key": "team", "value": "web"}]
    assert snapshot["capturedAt"] == "2026-11-27T10:00:00+00:00"
    assert report.calls == 12
    assert report.dropped == {
        "containerInstances": [gone],
        "tasks": [{"arn": _task_arn(3), "reason": "MISSING"}],
        "capacityProviders": [{"arn": "FARGATE", "reason": "MISSING"}],
    }
    assert "describe_container_instances: 100/150" in progress
    assert "describe_container_instances: 150/150" in progress
    summary = capture._summary(report, snapshot, "prod.json")
    assert summary[1] == (
        "warning: dropped 1 containerInstances the describe call answered as MISSING "
        f"(gone since listed): {arns[149]}"
    )

    # The snapshot loads and places: the three instances with a 1024-CPU task have 1024 left,
    # the other 146 have 2048; binpack on CPU takes the first of the fullest.
    response = ecs_placement.run_task(
        snapshot,
        {
            "cluster": "prod",
            "taskDefinition": "web",
            "launchType": "EC2",
            "placementStrategy": [{"type": "binpack", "field": "cpu"}],
        },
        seed=3,
    )
    assert response["tasks"][0]["containerInstanceArn"] in {_instance_arn(n) for n in range(3)}


def _at(text: str) -> Any:
    import datetime

    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)


def test_throttling_that_does_not_stop_exits_1_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, stubber = _stubbed()
    stubber.add_client_error(
        "describe_clusters",
        service_error_code="ThrottlingException",
        service_message="Rate exceeded",
        http_status_code=400,
    )
    out = tmp_path / "prod.json"
    with stubber:
        status = capture.main(
            ["capture", "--cluster", "prod", "--out", str(out), "--quiet"],
            make=lambda **_: client,
        )
    assert status == 1
    assert capsys.readouterr().err.splitlines()[0] == "ThrottlingException: Rate exceeded"
    assert not out.exists()


def test_write_atomically_keeps_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "snapshot.json"
    capture.write_atomically(str(out), "first\n")
    assert out.read_text() == "first\n"

    def refuse(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        capture.write_atomically(str(out), "second\n")
    assert out.read_text() == "first\n"
    assert list(tmp_path.iterdir()) == [out]
