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
from collections.abc import Mapping, Sequence
from typing import Any, Union

from . import _native
from ._errors import (
    AttributeLimitExceededException,
    ClientException,
    ClusterNotFoundException,
    ConflictException,
    EcsError,
    InvalidParameterException,
    TargetNotFoundException,
    UnsupportedFeatureException,
)

__all__ = [
    "AttributeLimitExceededException",
    "ClientException",
    "ClusterNotFoundException",
    "ConflictException",
    "EcsError",
    "InvalidParameterException",
    "Placer",
    "SnapshotSource",
    "TargetNotFoundException",
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


def _attributes(attributes: Sequence[Mapping[str, Any]]) -> str:
    if isinstance(attributes, (str, Mapping)) or not isinstance(attributes, Sequence):
        raise TypeError(f"attributes must be a list of dicts, not {type(attributes).__name__}")
    return _dumps({"attributes": list(attributes)}, "attributes")


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


def _document(value: Mapping[str, Any], what: str) -> str:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a dict, not {type(value).__name__}")
    return _dumps(value, what)


def _name(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


class Placer:
    """A cluster that RunTask, StartTask and StopTask calls change, call after call, and the
    calls that change the cluster between them (RegisterContainerInstance,
    UpdateContainerInstancesState, PutAttributes, RegisterTaskDefinition, ...).

    Each response equals `run_task` on the current state; the placed tasks then join it. A
    request seen again is kept validated and compiled, so a stream of calls is fast (a
    cluster-changing call drops what was compiled). Calls from several threads run one at a
    time. An instance is named by its container instance ARN, the id at the ARN's end, or its
    EC2 instance id.
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

    def register_container_instance(self, instance: Mapping[str, Any]) -> str:
        """RegisterContainerInstance: adds the instance, a `ContainerInstance` dict as
        `describe_container_instances` answers it (a member that shape does not have is an
        InvalidParameterException), and gives its ARN. Without a `containerInstanceArn` one is
        made in the cluster (the same for the same state); left out, the status is ACTIVE and
        the agent connected. An ARN registered already, even INACTIVE, is refused."""
        return self._native.register_container_instance(_document(instance, "instance"))

    def deregister_container_instance(self, instance: str, force: bool = False) -> list[str]:
        """DeregisterContainerInstance: the instance becomes INACTIVE (still described, never
        placed on). With tasks running on it, refused (InvalidParameterException) unless
        `force`, which stops them; gives the ARNs of the tasks it stopped."""
        return self._native.deregister_container_instance(_name(instance, "instance"), bool(force))

    def update_container_instances_state(
        self, instances: Sequence[str], status: str
    ) -> dict[str, Any]:
        """UpdateContainerInstancesState: sets 1 to 10 instances ACTIVE or DRAINING (draining
        stops no task; placement leaves the instance out). Gives the API's answer,
        `{"containerInstances": [...], "failures": [...]}`: the updated instances as
        `snapshot()` describes them, and `{"arn": NAME, "reason": "MISSING"}` (or `INACTIVE`)
        per name not updated."""
        if isinstance(instances, str) or not isinstance(instances, Sequence):
            raise TypeError(f"instances must be a list of str, not {type(instances).__name__}")
        names = [_name(name, "each instance") for name in instances]
        return self._native.update_container_instances_state(names, _name(status, "status"))

    def set_agent_connected(self, instance: str, connected: bool) -> None:
        """The instance's agent disconnects (`False`: placement leaves the instance out) or
        connects again (`True`)."""
        self._native.set_agent_connected(_name(instance, "instance"), bool(connected))

    def put_attributes(self, attributes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """PutAttributes: 1 to 10 `{"name", "value", "targetType", "targetId"}` dicts, each set
        on the instance its `targetId` names. Gives the attributes, as the API answers. An
        unknown target is a TargetNotFoundException; more than 10 custom attributes on an
        instance an AttributeLimitExceededException; names starting with `ecs.` are refused.
        Nothing changes when any attribute is refused."""
        return self._native.put_attributes(_attributes(attributes))

    def delete_attributes(self, attributes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """DeleteAttributes: removes each named attribute from its target (one it does not
        hold is no error). Gives the attributes, as the API answers."""
        return self._native.delete_attributes(_attributes(attributes))

    def register_task_definition(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """RegisterTaskDefinition: `definition` is what `ecs.register_task_definition(**...)`
        takes (`family`, `containerDefinitions`, ...; a described definition's `revision` or
        `status` is refused). Gives `{"taskDefinition": ...}`: the revision registered, one past
        the family's highest, with its `taskDefinitionArn` and status ACTIVE."""
        return self._native.register_task_definition(_document(definition, "definition"))

    def deregister_task_definition(self, name: str) -> dict[str, Any]:
        """DeregisterTaskDefinition: the revision (`family:revision` or its ARN) becomes
        INACTIVE; RunTask refuses it, its tasks go on. Gives `{"taskDefinition": ...}`."""
        return self._native.deregister_task_definition(_name(name, "name"))

    def snapshot(self) -> dict[str, Any]:
        """The current state as a snapshot dict (what `ecs-place --state-out` writes), which
        `Placer(...)` and every function here read back."""
        return self._native.snapshot()
