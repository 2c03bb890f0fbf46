"""The module-level functions: every snapshot form, determinism, the response shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ecs_placement


def test_run_task_places_the_example(cluster: dict[str, Any], run_request: dict[str, Any]) -> None:
    response = ecs_placement.run_task(cluster, run_request, seed=42)
    assert len(response["tasks"]) == 6
    assert response["failures"] == []
    task = response["tasks"][0]
    assert task["taskArn"].startswith("arn:aws:ecs:us-east-1:123456789012:task/prod/")
    assert task["startedBy"] == "nightly-deploy"
    assert task["tags"] == [{"key": "release", "value": "2026.11.27"}]
    # Plain Python objects, JSON-serialisable as they are.
    json.dumps(response)


def test_snapshot_as_dict_text_str_path_and_pathlib_agree(
    cluster: dict[str, Any], cluster_path: Path, run_request: dict[str, Any]
) -> None:
    answers = [
        ecs_placement.run_task(source, run_request, seed=7)
        for source in (cluster, json.dumps(cluster), str(cluster_path), cluster_path)
    ]
    assert all(answer == answers[0] for answer in answers)


def test_same_seed_same_answer_other_seed_other_arns(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    first = ecs_placement.run_task(cluster, run_request, seed=3)
    again = ecs_placement.run_task(cluster, run_request, seed=3)
    other = ecs_placement.run_task(cluster, run_request, seed=4)
    assert first == again
    assert [t["taskArn"] for t in first["tasks"]] != [t["taskArn"] for t in other["tasks"]]


def test_run_task_matches_the_cli_golden_count(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    # Seven asked for where six fit on m5 instances of the prod stack is a partial answer
    # with failure entries, not an exception.
    request = dict(run_request, count=10)
    response = ecs_placement.run_task(cluster, request, seed=1)
    assert len(response["tasks"]) + len({f.get("arn") for f in response["failures"]}) >= 1
    for failure in response["failures"]:
        assert set(failure) <= {"arn", "reason", "detail"}


def test_start_task(cluster: dict[str, Any], start_request: dict[str, Any]) -> None:
    response = ecs_placement.start_task(cluster, start_request, seed=7)
    placed = [task["containerInstanceArn"] for task in response["tasks"]]
    assert placed == [
        "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/90c192cfd3ac94af0f21ddb66cad4a26",
        "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/a170b33839263059f28c105d1fb17c23",
    ]
    assert response["tasks"][0]["group"] == "family:batch-job"


def test_explain_run_task_has_the_same_response(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    explained = ecs_placement.explain_run_task(cluster, run_request, seed=42)
    assert explained["response"] == ecs_placement.run_task(cluster, run_request, seed=42)
    explanations = explained["explanations"]
    assert len(explanations) == 6
    first = explanations[0]
    assert first["taskArn"] == explained["response"]["tasks"][0]["taskArn"]
    assert len(first["instances"]) == len(cluster["containerInstances"])
    chosen = [
        i["arn"]
        for i in first["instances"]
        if i["verdict"].get("candidate", {}).get("chosen") is True
    ]
    assert chosen == [explained["response"]["tasks"][0]["containerInstanceArn"]]


def test_list_container_instances(cluster: dict[str, Any]) -> None:
    everything = ecs_placement.list_container_instances(cluster)
    active = [
        i["containerInstanceArn"]
        for i in cluster["containerInstances"]
        if i.get("status") != "INACTIVE"
    ]
    assert everything == active
    zone_a = ecs_placement.list_container_instances(
        cluster, filter="attribute:ecs.availability-zone == us-east-1a"
    )
    assert 0 < len(zone_a) < len(everything)
    assert set(zone_a) <= set(everything)
    draining = ecs_placement.list_container_instances(cluster, status="DRAINING")
    assert len(draining) == 1


def test_check_expression_prints_the_canonical_form() -> None:
    text = "attribute:ecs.instance-type =~ t2.* and not(task:group == database)"
    assert (
        ecs_placement.check_expression(text)
        == "attribute:ecs.instance-type =~ t2.* and not task:group == database"
    )


def test_boto3_style_datetimes_in_a_snapshot_load(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    # boto3 answers registeredAt as a datetime; such a dump loads without a conversion step.
    import datetime

    for instance in cluster["containerInstances"]:
        instance["registeredAt"] = datetime.datetime(
            2026, 11, 1, 12, 0, tzinfo=datetime.timezone.utc
        )
    response = ecs_placement.run_task(cluster, run_request, seed=42)
    assert len(response["tasks"]) == 6
