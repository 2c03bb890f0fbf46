"""Placer: a cluster that calls change, call after call."""

from __future__ import annotations

from typing import Any

import pytest

import ecs_placement
from ecs_placement import InvalidParameterException, Placer


def test_run_task_equals_the_one_shot_call_then_changes_the_state(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    placer = Placer(cluster)
    first = placer.run_task(run_request, seed=5)
    assert first == ecs_placement.run_task(cluster, run_request, seed=5)
    state = placer.snapshot()
    assert len(state["tasks"]) == len(cluster["tasks"]) + 6
    # The second call sees the first call's tasks: the same as a one-shot call on the state.
    second = placer.run_task(run_request, seed=6)
    assert second == ecs_placement.run_task(state, run_request, seed=6)


def test_many_calls_agree_with_one_shot_calls_on_each_state(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    # From its third call on a Placer answers from cached rows: still the one-shot answer.
    placer = Placer(cluster)
    request = dict(run_request, count=1)
    for seed in range(8):
        state = placer.snapshot()
        expected = ecs_placement.run_task(state, request, seed=seed)
        assert placer.run_task(request, seed=seed) == expected


def test_stop_task_releases_and_unknown_arn_is_refused(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    placer = Placer(cluster)
    before = placer.snapshot()
    response = placer.run_task(run_request, seed=1)
    for task in response["tasks"]:
        stopped = placer.stop_task(task["taskArn"])
        assert stopped["task"]["taskArn"] == task["taskArn"]
        assert stopped["task"]["desiredStatus"] == "STOPPED"
    after = placer.snapshot()
    remaining = {
        i["containerInstanceArn"]: i.get("remainingResources") for i in after["containerInstances"]
    }
    assert remaining == {
        i["containerInstanceArn"]: i.get("remainingResources") for i in before["containerInstances"]
    }
    with pytest.raises(InvalidParameterException):
        placer.stop_task("arn:aws:ecs:us-east-1:123456789012:task/prod/nope")


def test_start_task_joins_the_state(
    cluster: dict[str, Any], start_request: dict[str, Any], run_request: dict[str, Any]
) -> None:
    placer = Placer(cluster)
    placer.run_task(run_request, seed=1)
    placer.run_task(run_request, seed=2)
    state = placer.snapshot()
    started = placer.start_task(start_request, seed=9)
    assert started == ecs_placement.start_task(state, start_request, seed=9)
    arns = {task["taskArn"] for task in placer.snapshot()["tasks"]}
    assert {task["taskArn"] for task in started["tasks"]} <= arns
    # The placer goes on from the new state.
    after = placer.snapshot()
    assert placer.run_task(run_request, seed=3) == ecs_placement.run_task(
        after, run_request, seed=3
    )


def test_list_container_instances_on_the_state(cluster: dict[str, Any]) -> None:
    placer = Placer(cluster)
    assert placer.list_container_instances() == ecs_placement.list_container_instances(cluster)
    assert placer.list_container_instances(
        "attribute:ecs.instance-type =~ m5.*", "ACTIVE"
    ) == ecs_placement.list_container_instances(
        cluster, "attribute:ecs.instance-type =~ m5.*", "ACTIVE"
    )


def test_snapshot_round_trips(cluster: dict[str, Any], run_request: dict[str, Any]) -> None:
    placer = Placer(cluster)
    placer.run_task(run_request, seed=1)
    state = placer.snapshot()
    assert Placer(state).snapshot() == state


def test_errors_leave_the_state_alone(cluster: dict[str, Any], run_request: dict[str, Any]) -> None:
    placer = Placer(cluster)
    before = placer.snapshot()
    with pytest.raises(InvalidParameterException):
        placer.run_task(dict(run_request, count=0))
    with pytest.raises(InvalidParameterException):
        placer.run_task(dict(run_request, placementStrategies=[]))
    assert placer.snapshot() == before
