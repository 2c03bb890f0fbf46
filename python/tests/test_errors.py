"""Errors: one class per ECS exception name, with .code and .message; spans on query text."""

from __future__ import annotations

import pickle
import re
from pathlib import Path
from typing import Any

import pytest

import ecs_placement
from ecs_placement import (
    ClientException,
    ClusterNotFoundException,
    EcsError,
    InvalidParameterException,
)


def test_unknown_request_member_is_refused_with_the_nearest(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    request = dict(run_request)
    request["placementStrategies"] = request.pop("placementStrategy")
    with pytest.raises(InvalidParameterException) as caught:
        ecs_placement.run_task(cluster, request)
    error = caught.value
    assert error.code == "InvalidParameterException"
    assert error.message.startswith('placementStrategies: unknown member "placementStrategies"')
    assert 'did you mean "placementStrategy"' in error.message
    assert str(error) == error.message


def test_nested_unknown_member_names_its_path(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    request = dict(run_request, placementConstraints=[{"type": "memberOf", "expresion": "x"}])
    with pytest.raises(InvalidParameterException, match=r"placementConstraints\[0\]\.expresion"):
        ecs_placement.run_task(cluster, request)


def test_wrong_type_is_a_client_exception_naming_the_member(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    with pytest.raises(ClientException, match="count"):
        ecs_placement.run_task(cluster, dict(run_request, count="six"))


def test_bad_count_is_invalid_parameter(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    with pytest.raises(InvalidParameterException, match="count"):
        ecs_placement.run_task(cluster, dict(run_request, count=11))


def test_other_cluster_is_cluster_not_found(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    with pytest.raises(ClusterNotFoundException) as caught:
        ecs_placement.run_task(cluster, dict(run_request, cluster="staging"))
    assert caught.value.code == "ClusterNotFoundException"
    assert isinstance(caught.value, EcsError)


def test_every_class_is_an_ecs_error_with_its_code() -> None:
    for name in (
        "InvalidParameterException",
        "ClientException",
        "ClusterNotFoundException",
        "ConflictException",
        "TargetNotFoundException",
        "AttributeLimitExceededException",
        "UnsupportedFeatureException",
    ):
        cls = getattr(ecs_placement, name)
        assert issubclass(cls, EcsError)
        assert cls.code == name
        assert cls("m").message == "m"


def test_every_ecs_exception_name_of_the_library_has_its_class() -> None:
    # The names the library raises (src/error.rs, `ExceptionName::as_str`): none may reach
    # Python as a bare EcsError.
    source = Path(__file__).resolve().parents[2] / "src" / "error.rs"
    names = re.findall(r'Self::(\w+) => "(\w+)"', source.read_text(encoding="utf-8"))
    assert len(names) >= 7
    for variant, name in names:
        assert variant == name
        assert ecs_placement._errors._make(name, "m").__class__ is getattr(ecs_placement, name)


def test_query_errors_carry_the_span() -> None:
    with pytest.raises(InvalidParameterException) as caught:
        ecs_placement.check_expression("attribute:ecs.instance-type ==")
    # At the end of the text: an empty span there.
    assert caught.value.span == (30, 30)
    assert "needs a value" in caught.value.message


def test_filter_errors_carry_the_span(cluster: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameterException) as caught:
        ecs_placement.list_container_instances(cluster, filter="attribute:x in []")
    assert caught.value.span is not None
    start, end = caught.value.span
    assert 0 <= start <= end <= len("attribute:x in []")


def test_status_filter_inactive_is_refused(cluster: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameterException, match="INACTIVE"):
        ecs_placement.list_container_instances(cluster, status="INACTIVE")


def test_snapshot_errors_name_their_source(tmp_path: Path, run_request: dict[str, Any]) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ClientException, match="missing.json: cannot read the file"):
        ecs_placement.run_task(missing, run_request)
    broken = tmp_path / "broken.json"
    broken.write_text('{"containerInstances": [}', encoding="utf-8")
    with pytest.raises(ClientException, match=r"broken.json:1:\d+"):
        ecs_placement.run_task(broken, run_request)
    with pytest.raises(ClientException, match=r"^snapshot:1:\d+: containerInstances\[0\]"):
        ecs_placement.run_task({"containerInstances": [{"attributes": 3}]}, run_request)
    with pytest.raises(ClientException, match="snapshot"):
        ecs_placement.run_task({"clusterz": {}, "containerInstances": []}, run_request)


def test_values_json_cannot_hold_are_client_exceptions(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    with pytest.raises(ClientException, match="^request: "):
        ecs_placement.run_task(cluster, dict(run_request, count=float("nan")))
    with pytest.raises(ClientException, match="^request: .*set"):
        ecs_placement.run_task(cluster, dict(run_request, tags={1, 2}))


def test_wrong_argument_types_are_type_errors(run_request: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        ecs_placement.run_task(42, run_request)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ecs_placement.run_task({"containerInstances": []}, "{}")  # type: ignore[arg-type]


def test_seed_out_of_range_is_invalid_parameter(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    for seed in (-1, 2**64):
        with pytest.raises(InvalidParameterException, match="seed"):
            ecs_placement.run_task(cluster, run_request, seed=seed)
    ecs_placement.run_task(cluster, run_request, seed=2**64 - 1)


def test_errors_pickle(cluster: dict[str, Any], run_request: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameterException) as caught:
        ecs_placement.check_expression("attribute:x ==")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is InvalidParameterException
    assert (copy.code, copy.message, copy.span) == (
        caught.value.code,
        caught.value.message,
        caught.value.span,
    )
