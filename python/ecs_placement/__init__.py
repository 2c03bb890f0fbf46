"""Amazon ECS task placement, computed offline: exactly, deterministically and fast.

AWS shapes are plain dicts in and out, spelled as the API spells them (camelCase):

* a snapshot is a dict (`{"cluster": ..., "containerInstances": [...], ...}`, or the output
  of `describe_container_instances`), its JSON text, or the path of a JSON file;
* a request is the dict boto3's `ecs.run_task(**request)` takes (with `cluster`); a member the
  API does not have is refused (`InvalidParameterException`), as boto3 refuses it;
* a response is the dict the API answers (`{"tasks": [...], "failures": [...]}`).

The same input and seed give the same output on every platform. Every error is an `EcsError`
subclass named after the ECS exception (`InvalidParameterException`, `ClientException`,
`ClusterNotFoundException`, ...), with `.code` and `.message`.

Placement runs with the interpreter released: other Python threads run meanwhile.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping
from typing import Any, Union

from . import _native
from ._errors import (
    ClientException,
    ClusterNotFoundException,
    ConflictException,
    EcsError,
    InvalidParameterException,
    UnsupportedFeatureException,
)

__all__ = [
    "ClientException",
    "ClusterNotFoundException",
    "ConflictException",
    "EcsError",
    "InvalidParameterException",
    "Placer",
    "SnapshotSource",
    "UnsupportedFeatureException",
    "check_expression",
    "explain_run_task",
    "list_container_instances",
    "run_task",
    "start_task",
]

SnapshotSource = Union[Mapping[str, Any], str, "os.PathLike[str]"]
"""A snapshot: a dict, its JSON text (a str whose first character but spaces is `{`), or the
path of a JSON file (any other str, or a `pathlib.Path`)."""

_MAX_SEED = 2**64 - 1


def _json_default(value: object) -> str:
    # boto3 answers timestamps (`registeredAt`, `createdAt`) as datetimes: a dump taken with it
    # loads as it is. The snapshot reads ISO-8601 as it reads epoch seconds.
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _dumps(value: Mapping[str, Any], what: str) -> str:
    try:
        return json.dumps(
            value,
            default=_json_default,
            allow_nan=False,
            ensure_ascii=False,
            separators=(",", ":"),
        )
    except (TypeError, ValueError, RecursionError) as error:
        raise ClientException(f"{what}: {error}") from None


def _snapshot(snapshot: SnapshotSource) -> tuple[str, bool]:
    """The snapshot as the native module takes it: (JSON text, False) or (path, True)."""
    if isinstance(snapshot, Mapping):
        return _dumps(snapshot, "snapshot"), False
    if isinstance(snapshot, str):
        is_text = snapshot.lstrip("\ufeff \t\r\n").startswith("{")
        return snapshot, not is_text
    if isinstance(snapshot, os.PathLike):
        path = os.fspath(snapshot)
        if isinstance(path, str):
            return path, True
    raise TypeError(
        "snapshot must be a dict, JSON text or a path (str or os.PathLike[str]), "
        f"not {type(snapshot).__name__}"
    )


def _request(request: Mapping[str, Any]) -> str:
    if not isinstance(request, Mapping):
        raise TypeError(f"request must be a dict, not {type(request).__name__}")
    return _dumps(request, "request")


def _seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= _MAX_SEED:
        raise InvalidParameterException(
            f"seed must be a whole number from 0 to {_MAX_SEED}, got {seed!r}"
        )
    return seed


def run_task(snapshot: SnapshotSource, request: Mapping[str, Any], seed: int = 0) -> dict[str, Any]:
    """The RunTask response for `request` on `snapshot`, every random choice drawn from `seed`.

    The snapshot is not changed; use `Placer` for a cluster that calls change.
    """
    return _native.run_task(*_snapshot(snapshot), _request(request), _seed(seed))


def start_task(
    snapshot: SnapshotSource, request: Mapping[str, Any], seed: int = 0
) -> dict[str, Any]:
    """The StartTask response (tasks on the instances the request names)."""
    return _native.start_task(*_snapshot(snapshot), _request(request), _seed(seed))


def explain_run_task(
    snapshot: SnapshotSource, request: Mapping[str, Any], seed: int = 0
) -> dict[str, Any]:
    """`{"response": <run_task's response>, "explanations": [...]}`: per task attempted, its
    route, `taskArn` when placed, and every instance's verdict (`{"skipped": ...}`,
    `{"rejected": "RESOURCE:CPU"}` or `{"candidate": {"keys": [...], "rank": 1, "chosen": ...}}`).
    The response is run_task's for the same seed."""
    return _native.explain_run_task(*_snapshot(snapshot), _request(request), _seed(seed))


def list_container_instances(
    snapshot: SnapshotSource, filter: str | None = None, status: str | None = None
) -> list[str]:
    """The ARNs of the instances matching `filter` (a cluster query expression) and `status`
    (every status but INACTIVE when None), in snapshot order."""
    return _native.list_container_instances(*_snapshot(snapshot), filter, status)


def check_expression(text: str) -> str:
    """The canonical form of a cluster query expression; InvalidParameterException with
    `.span` when it does not parse."""
    return _native.check_expression(text)


class Placer:
    """A cluster that RunTask, StartTask and StopTask calls change, call after call.

    Each response equals `run_task` on the current state; the placed tasks then join it. A
    request seen again is kept validated and compiled, so a stream of calls is fast. Calls from
    several threads run one at a time.
    """

    __slots__ = ("_native",)

    def __init__(self, snapshot: SnapshotSource) -> None:
        self._native = _native.Placer(*_snapshot(snapshot))

    def run_task(self, request: Mapping[str, Any], seed: int = 0) -> dict[str, Any]:
        """The RunTask response; the placed tasks join the state."""
        return self._native.run_task(_request(request), _seed(seed))

    def start_task(self, request: Mapping[str, Any], seed: int = 0) -> dict[str, Any]:
        """The StartTask response; the started tasks join the state."""
        return self._native.start_task(_request(request), _seed(seed))

    def stop_task(self, task_arn: str) -> dict[str, Any]:
        """Stops a running task (its CPU, memory, ports and GPUs are released) and gives the
        StopTask response, `{"task": ...}` with `desiredStatus` STOPPED. Stopping a stopped
        task changes nothing; an ARN the state does not hold is an InvalidParameterException."""
        return self._native.stop_task(task_arn)

    def list_container_instances(
        self, filter: str | None = None, status: str | None = None
    ) -> list[str]:
        """ListContainerInstances on the current state."""
        return self._native.list_container_instances(filter, status)

    def snapshot(self) -> dict[str, Any]:
        """The current state as a snapshot dict (what `ecs-place --state-out` writes), which
        `Placer(...)` and every function here read back."""
        return self._native.snapshot()
