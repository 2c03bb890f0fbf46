"""ecs_placement.moto: boto3 calls under moto's mock_aws, with and without the engine.

Each test builds its cluster through boto3 (EC2 instances in chosen zones, registered as
container instances), and asserts which instance each task lands on: with the engine where
ECS would put it, without it where moto alone puts it (the first instance that has room).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

import ecs_placement.moto as ecs_moto

REGION = "us-east-1"
AMI = "ami-12c6146b"  # an image moto's EC2 knows
MEMBER_OF = "MemberOf placement constraint unsatisfied."


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", REGION),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield
    ecs_moto.disable()


def client(service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region)


class Cluster:
    """A cluster built through boto3: instances by zone, a few task definitions."""

    def __init__(
        self, name: str = "prod", providers: list[str] | None = None, region: str = REGION
    ) -> None:
        self.name = name
        self.region = region
        self.ecs = client("ecs", region)
        self.ec2 = client("ec2", region)
        members: dict[str, Any] = {"clusterName": name}
        if providers:
            members["capacityProviders"] = providers
        self.ecs.create_cluster(**members)
        self.arns: list[str] = []

    def register(self, instance_id: str) -> str:
        """Registers an EC2 instance as the agent does (its identity document)."""
        instance = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0][
            "Instances"
        ][0]
        document = {
            "instanceId": instance_id,
            "availabilityZone": instance["Placement"]["AvailabilityZone"],
            "instanceType": instance["InstanceType"],
            "imageId": instance["ImageId"],
            "region": self.region,
        }
        registered = self.ecs.register_container_instance(
            cluster=self.name, instanceIdentityDocument=json.dumps(document)
        )
        arn: str = registered["containerInstance"]["containerInstanceArn"]
        self.arns.append(arn)
        return arn

    def add(self, zone: str) -> str:
        """One m5.large in `zone`, registered; its container instance ARN."""
        instance = self.ec2.run_instances(
            ImageId=AMI,
            MinCount=1,
            MaxCount=1,
            InstanceType="m5.large",
            Placement={"AvailabilityZone": zone},
        )["Instances"][0]
        return self.register(instance["InstanceId"])

    def define(self, family: str, memory: int = 512, **members: Any) -> None:
        container: dict[str, Any] = {"name": family, "image": "nginx", "cpu": 256}
        container["memory"] = memory
        container.update(members.pop("container", {}))
        self.ecs.register_task_definition(
            family=family, containerDefinitions=[container], **members
        )

    def run(self, **request: Any) -> dict[str, Any]:
        response: dict[str, Any] = self.ecs.run_task(cluster=self.name, **request)
        return response

    def placed(self, response: dict[str, Any]) -> list[str]:
        """Each task's instance, as "i0", "i1", ... in registration order."""
        return [f"i{self.arns.index(t['containerInstanceArn'])}" for t in response["tasks"]]

    def instances(self) -> list[dict[str, Any]]:
        described: list[dict[str, Any]] = self.ecs.describe_container_instances(
            cluster=self.name, containerInstances=self.arns
        )["containerInstances"]
        return described

    def state(self) -> list[tuple[Any, ...]]:
        """Per instance: remaining CPU, memory, TCP and UDP ports, running tasks; then the
        cluster's running tasks."""
        rows: list[tuple[Any, ...]] = []
        for instance in self.instances():
            left = {r["name"]: r for r in instance["remainingResources"]}
            rows.append(
                (
                    left["CPU"]["integerValue"],
                    left["MEMORY"]["integerValue"],
                    sorted(left["PORTS"].get("stringSetValue", [])),
                    sorted(left["PORTS_UDP"].get("stringSetValue", [])),
                    instance["runningTasksCount"],
                )
            )
        cluster = self.ecs.describe_clusters(clusters=[self.name])["clusters"][0]
        rows.append((cluster["runningTasksCount"],))
        return rows


def zone_is(zone: str) -> list[dict[str, str]]:
    return [{"type": "memberOf", "expression": f"attribute:ecs.availability-zone == {zone}"}]


def test_member_of_lands_where_ecs_puts_it_and_moto_alone_does_not() -> None:
    cluster = Cluster()
    for zone in ("us-east-1a", "us-east-1b", "us-east-1c"):
        cluster.add(zone)
    cluster.define("web")
    # moto alone ignores the constraint: the first instance with room.
    assert cluster.placed(
        cluster.run(taskDefinition="web", placementConstraints=zone_is("us-east-1b"))
    ) == ["i0"]
    with ecs_moto.enabled():
        response = cluster.run(taskDefinition="web", placementConstraints=zone_is("us-east-1b"))
        assert cluster.placed(response) == ["i1"]
        assert response["failures"] == []
        # A constraint of the task definition holds too.
        cluster.define("pinned", placementConstraints=zone_is("us-east-1c"))
        assert cluster.placed(cluster.run(taskDefinition="pinned", count=2)) == ["i2", "i2"]


def test_spread_by_zone_then_binpack_lands_where_ecs_puts_it() -> None:
    cluster = Cluster()
    for zone in ("us-east-1a", "us-east-1a", "us-east-1b"):
        cluster.add(zone)
    cluster.define("web")
    cluster.define("big", memory=4096)
    strategy = [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"},
    ]
    with ecs_moto.enabled():
        # A task of another group on i1: it counts for binpack (less memory left), not for
        # the spread of family:web.
        assert cluster.placed(
            cluster.run(
                taskDefinition="big",
                placementConstraints=[
                    {
                        "type": "memberOf",
                        "expression": f"ec2InstanceId == {cluster.instances()[1]['ec2InstanceId']}",
                    }
                ],
            )
        ) == ["i1"]
        # First task: zones tie (no web task yet), binpack picks i1; second: us-east-1b.
        assert cluster.placed(
            cluster.run(taskDefinition="web", count=2, placementStrategy=strategy)
        ) == ["i1", "i2"]
        # A third and fourth: 1a and 1b have one each; binpack within the tie.
        assert cluster.placed(
            cluster.run(taskDefinition="web", count=2, placementStrategy=strategy)
        ) == ["i1", "i2"]
    # moto alone stacks them on the first instance.
    assert cluster.placed(
        cluster.run(taskDefinition="web", count=2, placementStrategy=strategy)
    ) == ["i0", "i0"]


def test_spread_over_three_zones_takes_one_instance_each() -> None:
    cluster = Cluster()
    for zone in ("us-east-1a", "us-east-1b", "us-east-1c"):
        cluster.add(zone)
    cluster.define("web")
    spread = [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
    with ecs_moto.enabled():
        placed = cluster.placed(
            cluster.run(taskDefinition="web", count=3, placementStrategy=spread)
        )
        assert sorted(placed) == ["i0", "i1", "i2"]
        # The group now has one task per zone: the next three again take one zone each.
        placed = cluster.placed(
            cluster.run(taskDefinition="web", count=3, placementStrategy=spread)
        )
        assert sorted(placed) == ["i0", "i1", "i2"]
    assert (
        cluster.placed(cluster.run(taskDefinition="web", count=3, placementStrategy=spread))
        == ["i0"] * 3
    )


def test_unsatisfiable_constraint_answers_failures_as_ecs() -> None:
    cluster = Cluster()
    cluster.add("us-east-1a")
    cluster.add("us-east-1b")
    cluster.define("web")
    alone = cluster.run(taskDefinition="web", placementConstraints=zone_is("us-east-1z"))
    assert (cluster.placed(alone), alone["failures"]) == (["i0"], [])
    with ecs_moto.enabled():
        response = cluster.run(
            taskDefinition="web", count=2, placementConstraints=zone_is("us-east-1z")
        )
    assert response["tasks"] == []
    assert response["failures"] == [{"arn": arn, "reason": MEMBER_OF} for arn in cluster.arns]


def test_filter_and_status_list_only_matching_instances() -> None:
    cluster = Cluster()
    for zone in ("us-east-1a", "us-east-1b", "us-east-1b"):
        cluster.add(zone)
    ecs = cluster.ecs
    ecs.update_container_instances_state(
        cluster=cluster.name, containerInstances=[cluster.arns[2]], status="DRAINING"
    )
    in_b = "attribute:ecs.availability-zone == us-east-1b"
    # moto alone ignores the filter.
    assert (
        len(
            ecs.list_container_instances(cluster=cluster.name, filter=in_b)["containerInstanceArns"]
        )
        == 3
    )
    with ecs_moto.enabled():
        listed = ecs.list_container_instances(cluster=cluster.name, filter=in_b)[
            "containerInstanceArns"
        ]
        assert listed == sorted(cluster.arns[1:])
        active_b = ecs.list_container_instances(cluster=cluster.name, filter=in_b, status="ACTIVE")
        assert active_b["containerInstanceArns"] == [cluster.arns[1]]
        draining = ecs.list_container_instances(cluster=cluster.name, status="DRAINING")
        assert draining["containerInstanceArns"] == [cluster.arns[2]]
        with pytest.raises(ClientError) as raised:
            ecs.list_container_instances(
                cluster=cluster.name, filter="attribute:ecs.availability-zone =="
            )
        assert raised.value.response["Error"]["Code"] == "InvalidParameterException"


def test_put_attributes_then_member_of_it() -> None:
    cluster = Cluster()
    for zone in ("us-east-1a", "us-east-1a", "us-east-1a"):
        cluster.add(zone)
    cluster.define("web")
    cluster.ecs.put_attributes(
        cluster=cluster.name,
        attributes=[{"name": "stack", "value": "blue", "targetId": cluster.arns[2]}],
    )
    blue = [{"type": "memberOf", "expression": "attribute:stack == blue"}]
    with ecs_moto.enabled():
        assert cluster.placed(
            cluster.run(taskDefinition="web", count=2, placementConstraints=blue)
        ) == ["i2", "i2"]
        listed = cluster.ecs.list_container_instances(
            cluster=cluster.name, filter="attribute:stack exists"
        )
        assert listed["containerInstanceArns"] == [cluster.arns[2]]


def test_run_start_and_stop_leave_the_cluster_as_it_was() -> None:
    cluster = Cluster()
    for zone in ("us-east-1a", "us-east-1b"):
        cluster.add(zone)
    cluster.define(
        "ports",
        container={
            "portMappings": [
                {"containerPort": 80, "hostPort": 8080, "protocol": "tcp"},
                {"containerPort": 53, "hostPort": 5353, "protocol": "udp"},
                {"containerPort": 9000, "hostPort": 0, "protocol": "tcp"},
            ]
        },
    )
    cluster.define("web", memory=300)
    start = cluster.state()
    with ecs_moto.enabled(seed=11):
        ports = cluster.run(
            taskDefinition="ports",
            count=3,
            startedBy="deploy-7",
            placementStrategy=[{"type": "spread", "field": "instanceId"}],
            overrides={
                "containerOverrides": [
                    {"name": "ports", "environment": [{"name": "A", "value": "1"}]}
                ]
            },
        )
        # A static host port fits once per instance: two placed, the third fails on ports.
        assert sorted(cluster.placed(ports)) == ["i0", "i1"]
        assert ports["failures"] == [
            {"arn": arn, "reason": "RESOURCE:PORTS"} for arn in cluster.arns
        ]
        started = cluster.ecs.start_task(
            cluster=cluster.name,
            taskDefinition="web",
            containerInstances=[cluster.arns[1]],
            group="batch",
        )
        web = cluster.run(taskDefinition="web", count=2)
        during = cluster.state()
        assert during[0][:2] == (
            4096 - 256 - 256 * web_on(cluster, web, 0),
            7482 - 512 - 300 * web_on(cluster, web, 0),
        )
        assert "8080" in during[0][2] and "8080" in during[1][2]
        assert during[0][3] == during[1][3] == ["5353"]
        assert during[-1] == (5,)
        assert during[1][4] == 1 + 1 + web_on(cluster, web, 1)

        placed = ports["tasks"] + started["tasks"] + web["tasks"]
        arns = [t["taskArn"] for t in placed]
        assert sorted(
            cluster.ecs.list_tasks(cluster=cluster.name, desiredStatus="RUNNING")["taskArns"]
        ) == sorted(arns)
        described = {
            t["taskArn"]: t
            for t in cluster.ecs.describe_tasks(cluster=cluster.name, tasks=arns)["tasks"]
        }
        for task in placed:
            seen = described[task["taskArn"]]
            assert seen["containerInstanceArn"] == task["containerInstanceArn"]
            assert seen["group"] == task["group"]
        first = described[arns[0]]
        assert (first["startedBy"], first["group"]) == ("deploy-7", "family:ports")
        assert first["overrides"]["containerOverrides"][0]["environment"] == [
            {"name": "A", "value": "1"}
        ]
        assert described[started["tasks"][0]["taskArn"]]["group"] == "batch"

        for arn in arns:
            cluster.ecs.stop_task(cluster=cluster.name, task=arn)
        # Stopping a stopped task gives nothing back twice.
        cluster.ecs.stop_task(cluster=cluster.name, task=arns[0])
    assert cluster.state() == start


def web_on(cluster: Cluster, response: dict[str, Any], index: int) -> int:
    return cluster.placed(response).count(f"i{index}")


def test_capacity_provider_base_and_weight() -> None:
    autoscaling = client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId=AMI, InstanceType="m5.large"
    )
    ecs = client("ecs")
    group_arns = {}
    for name, zone in (("asg-a", "us-east-1a"), ("asg-b", "us-east-1b")):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchConfigurationName="lc",
            MinSize=1,
            MaxSize=1,
            DesiredCapacity=1,
            AvailabilityZones=[zone],
        )
        group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
        group_arns[name] = group["AutoScalingGroups"][0]
        ecs.create_capacity_provider(
            name=f"cp-{name[-1]}",
            autoScalingGroupProvider={
                "autoScalingGroupArn": group_arns[name]["AutoScalingGroupARN"]
            },
        )
    cluster = Cluster(providers=["cp-a", "cp-b"])
    for name in ("asg-a", "asg-b"):
        cluster.register(group_arns[name]["Instances"][0]["InstanceId"])
    cluster.define("web")
    strategy = [
        {"capacityProvider": "cp-a", "base": 1, "weight": 1},
        {"capacityProvider": "cp-b", "weight": 1},
    ]
    alone = cluster.run(taskDefinition="web", count=5, capacityProviderStrategy=strategy)
    assert cluster.placed(alone) == ["i0"] * 5
    with ecs_moto.enabled():
        response = cluster.run(taskDefinition="web", count=5, capacityProviderStrategy=strategy)
    # Base 1 on cp-a, then 1:1 with ties to the earlier item: a, a, b, a, b.
    by_provider = [
        (t["capacityProviderName"], cluster.placed({"tasks": [t]})[0]) for t in response["tasks"]
    ]
    assert sorted(by_provider) == [("cp-a", "i0")] * 3 + [("cp-b", "i1")] * 2


def test_engine_errors_reach_boto3_with_their_exception_code() -> None:
    cluster = Cluster()
    cluster.add("us-east-1a")
    cluster.define("web")
    with ecs_moto.enabled():
        with pytest.raises(ClientError) as raised:
            cluster.run(taskDefinition="web", placementStrategy=[{"type": "bogus"}])
        error = raised.value.response["Error"]
        assert error["Code"] == "InvalidParameterException"
        assert error["Message"].startswith('placementStrategy[0].type "bogus" is not one of')
        with pytest.raises(ClientError) as raised:
            cluster.ecs.run_task(cluster="nowhere", taskDefinition="web")
        assert raised.value.response["Error"]["Code"] == "ClusterNotFoundException"
        with pytest.raises(ClientError) as raised:
            cluster.run(taskDefinition="missing")
        assert raised.value.response["Error"]["Code"] == "ClientException"


def test_same_seed_same_task_arns_and_seeds_count_up() -> None:
    def ids(seed: int, region: str) -> list[str]:
        # A fresh cluster each time: moto's state lives as long as the test, and the engine
        # draws a new id where one is taken.
        cluster = Cluster(region=region)
        cluster.add(f"{region}a")
        cluster.define("web")
        with ecs_moto.enabled(seed=seed):
            first = cluster.run(taskDefinition="web")["tasks"][0]["taskArn"]
            second = cluster.run(taskDefinition="web")["tasks"][0]["taskArn"]
        return [first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]]

    three = ids(3, "us-east-2")
    assert ids(3, "us-west-1") == three
    assert three[0] != three[1]
    # The second call of seed 3 draws from seed 4.
    assert ids(4, "us-west-2")[0] == three[1]


def test_enable_disable_swap_moto_methods_and_back() -> None:
    originals = [
        EC2ContainerServiceBackend.run_task,
        EC2ContainerServiceBackend.stop_task,
        EC2ContainerServiceResponse.list_container_instances,
    ]
    ecs_moto.enable()
    assert ecs_moto.is_enabled()
    assert EC2ContainerServiceBackend.run_task is not originals[0]
    with pytest.raises(RuntimeError, match="already enabled"):
        ecs_moto.enable()
    ecs_moto.disable()
    ecs_moto.disable()
    assert not ecs_moto.is_enabled()
    assert [
        EC2ContainerServiceBackend.run_task,
        EC2ContainerServiceBackend.stop_task,
        EC2ContainerServiceResponse.list_container_instances,
    ] == originals
    with pytest.raises(ZeroDivisionError), ecs_moto.enabled():
        assert ecs_moto.is_enabled()
        1 / 0  # noqa: B018
    assert not ecs_moto.is_enabled()


def test_direct_backend_calls_place_with_the_engine() -> None:
    from moto.ecs.models import ecs_backends

    cluster = Cluster()
    cluster.add("us-east-1a")
    cluster.add("us-east-1b")
    cluster.define("pinned", placementConstraints=zone_is("us-east-1b"))
    backend = ecs_backends["123456789012"][REGION]
    with ecs_moto.enabled():
        tasks = backend.run_task(cluster.name, "pinned", 2, None, "me", None, None)
        assert [t.container_instance_arn for t in tasks] == [cluster.arns[1]] * 2
        assert [t.started_by for t in tasks] == ["me", "me"]
        # The patched method takes `filter` too (moto's own signature has no such member).
        list_instances: Any = backend.list_container_instances
        in_b = "attribute:ecs.availability-zone == us-east-1b"
        assert list_instances(cluster.name, filter=in_b) == [cluster.arns[1]]


@pytest.mark.parametrize("version", ["5.2.5", "6.0.0", "4.9.9"])
def test_enable_refuses_a_moto_outside_the_supported_range(
    monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    monkeypatch.setattr("importlib.metadata.version", lambda name: version)
    with pytest.raises(RuntimeError, match=f"supports moto>=5.2.6,<6; this is moto {version}"):
        ecs_moto.enable()
    assert not ecs_moto.is_enabled()


def test_the_installed_moto_is_in_the_supported_range() -> None:
    from importlib import metadata

    assert (5, 2, 6) <= ecs_moto._release(metadata.version("moto")) < (6,)


def test_calls_from_several_threads_never_overbook() -> None:
    from concurrent.futures import ThreadPoolExecutor

    cluster = Cluster()
    cluster.add("us-east-1a")
    cluster.add("us-east-1b")
    cluster.define("quarter", container={"cpu": 1024})  # four fit on an instance's 4096

    def run(_: int) -> int:
        return len(cluster.run(taskDefinition="quarter")["tasks"])

    with ecs_moto.enabled(), ThreadPoolExecutor(max_workers=4) as pool:
        placed = sum(pool.map(run, range(12)))
    assert placed == 8
    assert [row[0] for row in cluster.state()[:2]] == [0, 0]
    assert cluster.state()[-1] == (8,)
