"""Placer: the calls that change the cluster between placements, and what the next run_task
makes of them."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

import ecs_placement
from ecs_placement import (
    AttributeLimitExceededException,
    ClientException,
    EcsError,
    InvalidParameterException,
    Placer,
    TargetNotFoundException,
)

PROD = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/"
# The ARN a registration without one gets in examples/cluster.json (drawn from the instance
# count: the same for the same state).
NEW_INSTANCE = PROD + "6aa9d61435dbe63ece637ffb158bdee8"
# A t3.medium with room for `web`.
T3 = "0cb1e29c658cda1495e60af593bd04cf"
C5 = PROD + "90c192cfd3ac94af0f21ddb66cad4a26"
DOCKER = "com.amazonaws.ecs.capability.docker-remote-api.1.18"


def new_instance(ec2_id: str = "i-0new", zone: str = "us-east-1a") -> dict[str, Any]:
    return {
        "ec2InstanceId": ec2_id,
        "registeredResources": [
            {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048},
        ],
        "attributes": [
            {"name": "ecs.availability-zone", "value": zone},
            {"name": DOCKER},
        ],
    }


def web_on(expression: str, count: int = 2) -> dict[str, Any]:
    return {
        "cluster": "prod",
        "taskDefinition": "web",
        "count": count,
        "launchType": "EC2",
        "placementConstraints": [{"type": "memberOf", "expression": expression}],
    }


def instances_of(response: dict[str, Any]) -> list[str]:
    return [task["containerInstanceArn"] for task in response["tasks"]]


def described(placer: Placer, arn: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        i for i in placer.snapshot()["containerInstances"] if i["containerInstanceArn"] == arn
    ]
    assert len(found) == 1
    return found[0]


def test_register_then_run_task_places_on_the_new_instance(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    assert placer.register_container_instance(new_instance()) == NEW_INSTANCE
    assert placer.put_attributes([{"name": "team", "value": "blue", "targetId": "i-0new"}]) == [
        {"name": "team", "value": "blue", "targetId": "i-0new"}
    ]
    response = placer.run_task(web_on("attribute:team == blue"), seed=1)
    assert instances_of(response) == [NEW_INSTANCE, NEW_INSTANCE]
    assert response["failures"] == []
    # A given ARN is kept.
    arn = PROD + "0123456789abcdef0123456789abcdef"
    assert (
        placer.register_container_instance(dict(new_instance("i-0two"), containerInstanceArn=arn))
        == arn
    )
    assert placer.list_container_instances("ec2InstanceId == i-0two") == [arn]


def test_attributes_put_and_deleted_move_a_member_of(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    answer = placer.put_attributes(
        [{"name": "team", "value": "green", "targetType": "container-instance", "targetId": T3}]
    )
    assert answer == [
        {"name": "team", "value": "green", "targetType": "container-instance", "targetId": T3}
    ]
    assert instances_of(placer.run_task(web_on("attribute:team == green"), seed=1)) == [
        PROD + T3,
        PROD + T3,
    ]
    assert placer.delete_attributes([{"name": "team", "targetId": T3}]) == [
        {"name": "team", "targetId": T3}
    ]
    response = placer.run_task(web_on("attribute:team == green"), seed=2)
    assert response["tasks"] == []
    reasons = {f["arn"]: f["reason"] for f in response["failures"]}
    assert reasons[PROD + T3] == "MemberOf placement constraint unsatisfied."
    # The other ACTIVE instances fail the constraint too; the one without its agent, AGENT.
    assert sorted(reasons.values()).count("MemberOf placement constraint unsatisfied.") == 12
    assert reasons[PROD + "ae97ba94d0eda82f8f6d05584ef8aa38"] == "AGENT"


def test_drain_and_agent_leave_an_instance_out(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    placer.register_container_instance(new_instance())
    placer.put_attributes(
        [
            {"name": "team", "value": "blue", "targetId": "i-0new"},
            {"name": "team", "value": "green", "targetId": T3},
        ]
    )
    first = placer.run_task(web_on("attribute:team == blue"), seed=1)
    assert instances_of(first) == [NEW_INSTANCE, NEW_INSTANCE]

    update = placer.update_container_instances_state(["i-0new", "i-0nope"], "DRAINING")
    assert update == {
        "containerInstances": [described(placer, NEW_INSTANCE)],
        "failures": [{"arn": "i-0nope", "reason": "MISSING"}],
    }
    assert update["containerInstances"][0]["status"] == "DRAINING"
    assert update["containerInstances"][0]["runningTasksCount"] == 2
    both = "attribute:team in [blue, green]"
    assert instances_of(placer.run_task(web_on(both), seed=2)) == [PROD + T3, PROD + T3]

    # Back to ACTIVE, then its agent goes away: left out again.
    placer.update_container_instances_state([NEW_INSTANCE], "ACTIVE")
    placer.set_agent_connected(T3, False)
    assert described(placer, PROD + T3)["agentConnected"] is False
    assert instances_of(placer.run_task(web_on(both, count=1), seed=3)) == [NEW_INSTANCE]
    placer.set_agent_connected("i-012bd4acfaecbd38", True)  # the t3's EC2 instance id
    placer.update_container_instances_state(["i-0new"], "DRAINING")
    assert instances_of(placer.run_task(web_on(both, count=1), seed=4)) == [PROD + T3]


def test_deregister_is_refused_with_tasks_then_forced(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    placer.register_container_instance(new_instance())
    placer.put_attributes([{"name": "team", "value": "blue", "targetId": "i-0new"}])
    tasks = [
        t["taskArn"] for t in placer.run_task(web_on("attribute:team == blue"), seed=1)["tasks"]
    ]
    placer.stop_task(tasks[0])
    before = placer.snapshot()
    with pytest.raises(InvalidParameterException) as refused:
        placer.deregister_container_instance("i-0new")
    assert refused.value.message == (
        f"Found running tasks on the instance. ({NEW_INSTANCE} holds 1 running and 0 pending "
        "tasks; stop them first, or deregister with force to orphan them)"
    )
    assert placer.snapshot() == before
    assert placer.deregister_container_instance("6aa9d61435dbe63ece637ffb158bdee8", force=True) == [
        tasks[1]
    ]
    instance = described(placer, NEW_INSTANCE)
    assert instance["status"] == "INACTIVE"
    assert instance["runningTasksCount"] == 0
    stopped = {t["taskArn"]: t["desiredStatus"] for t in placer.snapshot()["tasks"]}
    assert stopped[tasks[1]] == "STOPPED"
    assert placer.run_task(web_on("attribute:team == blue"), seed=2)["tasks"] == []
    with pytest.raises(InvalidParameterException, match="already deregistered"):
        placer.deregister_container_instance(NEW_INSTANCE, force=True)
    # An INACTIVE instance keeps its ARN: it cannot register again.
    with pytest.raises(InvalidParameterException, match="already registered"):
        placer.register_container_instance(dict(new_instance(), containerInstanceArn=NEW_INSTANCE))


def test_task_definitions_register_and_deregister(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    definition = {
        "family": "worker",
        "containerDefinitions": [{"name": "w", "image": "busybox", "cpu": 128, "memory": 256}],
        "placementConstraints": [
            {"type": "memberOf", "expression": "attribute:ecs.instance-type == c5.2xlarge"}
        ],
    }
    registered = placer.register_task_definition(definition)
    arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1"
    assert registered == {
        "taskDefinition": dict(
            copy.deepcopy(definition), taskDefinitionArn=arn, revision=1, status="ACTIVE"
        )
    }
    assert registered["taskDefinition"] in placer.snapshot()["taskDefinitions"]
    run = {
        "cluster": "prod",
        "taskDefinition": "worker:1",
        "count": 2,
        "launchType": "EC2",
        "placementStrategy": [{"type": "binpack", "field": "memory"}],
    }
    assert instances_of(placer.run_task(run, seed=1)) == [C5, C5]
    second = placer.register_task_definition(dict(definition, family="worker"))
    assert second["taskDefinition"]["revision"] == 2
    gone = placer.deregister_task_definition(arn)
    assert gone["taskDefinition"]["status"] == "INACTIVE"
    assert gone["taskDefinition"]["taskDefinitionArn"] == arn
    with pytest.raises(ClientException):
        placer.run_task(run, seed=2)
    with pytest.raises(ClientException, match="not found"):
        placer.deregister_task_definition("worker:7")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda p: p.register_container_instance({"ec2InstanceId": "i-1", "bogus": 1}),
            InvalidParameterException,
            'bogus: unknown member "bogus"',
        ),
        (
            lambda p: p.register_container_instance({"ec2InstanceId": 5}),
            ClientException,
            "ec2InstanceId: expected",
        ),
        (
            lambda p: p.put_attributes([{"name": "team", "targetId": "i-nope"}]),
            TargetNotFoundException,
            'attributes[0].targetId "i-nope"',
        ),
        (
            lambda p: p.put_attributes([{"name": "a", "targetId": T3, "targetArn": "x"}]),
            InvalidParameterException,
            'attributes[0].targetArn: unknown member "targetArn"',
        ),
        (
            lambda p: p.put_attributes([{"name": f"a{n}", "targetId": T3} for n in range(10)]),
            AttributeLimitExceededException,
            "custom attributes",
        ),
        (
            lambda p: p.put_attributes([{"name": "ecs.instance-type", "targetId": T3}]),
            InvalidParameterException,
            "attributes starting with `ecs.`",
        ),
        (
            lambda p: p.delete_attributes([]),
            InvalidParameterException,
            "attributes must hold 1 to 10 attributes, got 0",
        ),
        (
            lambda p: p.update_container_instances_state([T3], "INACTIVE"),
            InvalidParameterException,
            "status INACTIVE cannot be set",
        ),
        (
            lambda p: p.update_container_instances_state([T3] * 11, "DRAINING"),
            InvalidParameterException,
            "1 to 10 container instances, got 11",
        ),
        (
            lambda p: p.set_agent_connected("i-nope", False),
            InvalidParameterException,
            'container instance "i-nope" not found',
        ),
        (
            lambda p: p.deregister_container_instance("i-nope"),
            InvalidParameterException,
            'container instance "i-nope" not found',
        ),
        (
            lambda p: p.register_task_definition({"containerDefinitions": []}),
            ClientException,
            "family is required",
        ),
        (
            lambda p: p.register_task_definition({"family": "w", "revision": 3}),
            InvalidParameterException,
            'unknown member "revision"',
        ),
    ],
)
def test_errors_are_the_api_s_and_change_nothing(
    cluster: dict[str, Any], call: Any, error: type[EcsError], message: str
) -> None:
    placer = Placer(cluster)
    before = placer.snapshot()
    with pytest.raises(error) as raised:
        call(placer)
    assert message in raised.value.message
    assert placer.snapshot() == before


def test_arguments_of_the_wrong_type_are_type_errors(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    with pytest.raises(TypeError):
        placer.register_container_instance([])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        placer.update_container_instances_state(T3, "DRAINING")
    with pytest.raises(TypeError):
        placer.put_attributes({"name": "a", "targetId": T3})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        placer.deregister_task_definition(3)  # type: ignore[arg-type]


def _random_call(rng: random.Random, placer: Placer, step: int) -> None:
    """One random cluster-changing call (or a placement, or a stop); refusals are fine."""
    state = placer.snapshot()
    names = [i["containerInstanceArn"] for i in state["containerInstances"]]
    name = rng.choice(names)
    kind = rng.randrange(10)
    if kind == 0:
        zone = rng.choice(["us-east-1a", "us-east-1b", "us-east-1c"])
        placer.register_container_instance(new_instance(f"i-r{step}", zone))
    elif kind == 1:
        placer.deregister_container_instance(name, force=rng.random() < 0.5)
    elif kind == 2:
        picked = rng.sample(names, rng.randint(1, 3))
        placer.update_container_instances_state(picked, rng.choice(["ACTIVE", "DRAINING"]))
    elif kind == 3:
        placer.set_agent_connected(name, rng.random() < 0.6)
    elif kind == 4:
        placer.put_attributes(
            [
                {"name": "team", "value": rng.choice(["blue", "green"]), "targetId": name}
                for name in rng.sample(names, rng.randint(1, 3))
            ]
        )
    elif kind == 5:
        placer.delete_attributes([{"name": "team", "targetId": name}])
    elif kind == 6:
        placer.register_task_definition(
            {
                "family": "worker",
                "containerDefinitions": [
                    {"name": "w", "image": "busybox", "cpu": 128, "memory": rng.choice([64, 900])}
                ],
            }
        )
    elif kind == 7:
        revisions = [
            d["taskDefinitionArn"]
            for d in state["taskDefinitions"]
            if d.get("family") == "worker" and d.get("status") == "ACTIVE"
        ]
        if revisions:
            placer.deregister_task_definition(rng.choice(revisions))
    elif kind == 8:
        running = [t["taskArn"] for t in state["tasks"] if t.get("desiredStatus") == "RUNNING"]
        if running:
            placer.stop_task(rng.choice(running))
    else:
        placer.run_task(_random_request(rng), seed=rng.randrange(1000))


def _random_request(rng: random.Random) -> dict[str, Any]:
    request: dict[str, Any] = {
        "cluster": "prod",
        "taskDefinition": rng.choice(["web", "api", "worker"]),
        "count": rng.randint(1, 4),
        "launchType": "EC2",
        "placementStrategy": [
            rng.choice(
                [
                    {"type": "spread", "field": "attribute:ecs.availability-zone"},
                    {"type": "binpack", "field": "memory"},
                    {"type": "random"},
                ]
            )
        ],
    }
    if rng.random() < 0.5:
        request["placementConstraints"] = [
            {"type": "memberOf", "expression": "attribute:team in [blue, green]"}
        ]
    return request


@pytest.mark.parametrize("seed", range(4))
def test_a_changed_placer_answers_as_one_built_from_its_snapshot(
    cluster: dict[str, Any], seed: int
) -> None:
    rng = random.Random(seed)
    placer = Placer(cluster)
    placer.register_task_definition(
        {"family": "worker", "containerDefinitions": [{"name": "w", "image": "b", "memory": 64}]}
    )
    for step in range(30):
        before = placer.snapshot()
        try:
            _random_call(rng, placer, step)
        except EcsError as error:
            # A refused call changes nothing.
            assert placer.snapshot() == before, error
        if step % 3 == 2:
            rebuilt = Placer(placer.snapshot())
            request = _random_request(rng)
            run_seed = rng.randrange(1000)
            try:
                expected = rebuilt.run_task(request, seed=run_seed)
            except EcsError as error:
                with pytest.raises(type(error)):
                    placer.run_task(request, seed=run_seed)
                continue
            assert placer.run_task(request, seed=run_seed) == expected
            assert placer.snapshot() == rebuilt.snapshot()
            assert placer.run_task(request, seed=run_seed) == ecs_placement.run_task(
                rebuilt.snapshot(), request, seed=run_seed
            )
