"""A snapshot of a live ECS cluster, through boto3: `python -m ecs_placement capture`.

The calls, each paged or cut into batches as the API allows:

* DescribeClusters, with ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS and TAGS;
* ListContainerInstances (every status but INACTIVE), then DescribeContainerInstances, 100
  ARNs a call;
* ListTasks with desiredStatus RUNNING, then PENDING, then DescribeTasks, 100 a call;
* DescribeTaskDefinition once per distinct task definition the tasks run (and any named with
  `--task-definition`);
* DescribeCapacityProviders for the cluster's providers, paged by `nextToken`.

Listing then describing is not atomic: a resource gone in between comes back under `failures`
(reason MISSING). Such resources are dropped, counted, and named on stderr. Throttled calls are
retried by botocore's adaptive mode (a client-side rate limit that slows down on throttling).

The capture time is the snapshot's top-level `capturedAt` member (ISO-8601, UTC).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

__all__ = [
    "CaptureError",
    "Report",
    "capture",
    "main",
    "make_client",
    "write_atomically",
]

CLUSTER_INCLUDE = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"]
BATCH = 100  # ARNs per Describe* call (the API's limit)
MAX_ATTEMPTS = 10  # per call, the first included (botocore's adaptive retries)

Json = dict[str, Any]
Progress = Callable[[str], None]


class CaptureError(Exception):
    """A capture that cannot go on: `code` is the exception name printed first, `status` the
    exit status (2: the input is wrong, 1: AWS refused)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Report:
    """What the capture did: calls made, retries botocore made, resources dropped."""

    calls: int = 0
    retries: int = 0
    dropped: dict[str, list[Json]] = field(default_factory=dict)

    def note(self, response: Json) -> Json:
        self.calls += 1
        self.retries += int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0))
        return response

    def drop(self, what: str, failures: Iterable[Json]) -> None:
        for failure in failures:
            self.dropped.setdefault(what, []).append(failure)


def _batches(items: Sequence[str], size: int = BATCH) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _pages(client: Any, report: Report, operation: str, key: str, **params: Any) -> list[str]:
    found: list[str] = []
    for page in client.get_paginator(operation).paginate(**params):
        found.extend(report.note(page).get(key, []))
    return found


def _cluster(client: Any, name: str, report: Report) -> Json:
    response = report.note(client.describe_clusters(clusters=[name], include=CLUSTER_INCLUDE))
    clusters: list[Json] = response.get("clusters", [])
    if not clusters:
        reasons = ", ".join(f.get("reason", "?") for f in response.get("failures", []))
        raise CaptureError(
            "ClusterNotFoundException",
            f"DescribeClusters does not know the cluster {name!r} ({reasons or 'no answer'}); "
            "check the name, --region and --profile",
            2,
        )
    return clusters[0]


def _described(
    client: Any,
    report: Report,
    operation: str,
    arns: list[str],
    arn_member: str,
    result_member: str,
    cluster: str,
    progress: Progress,
) -> list[Json]:
    described: list[Json] = []
    call = getattr(client, operation)
    for number, batch in enumerate(_batches(arns), start=1):
        response = report.note(call(cluster=cluster, **{arn_member: batch}))
        described.extend(response.get(result_member, []))
        report.drop(result_member, response.get("failures", []))
        progress(f"{operation}: {min(number * BATCH, len(arns))}/{len(arns)}")
    return described


def _definitions(client: Any, arns: list[str], report: Report, progress: Progress) -> list[Json]:
    from botocore.exceptions import ClientError

    definitions: list[Json] = []
    for number, arn in enumerate(arns, start=1):
        try:
            response = report.note(client.describe_task_definition(taskDefinition=arn))
        except ClientError as error:
            # Deleted between ListTasks and now: the tasks still hold what they hold.
            if error.response.get("Error", {}).get("Code") != "ClientException":
                raise
            report.drop("taskDefinitions", [{"arn": arn, "reason": _message(error)}])
            continue
        definitions.append(response["taskDefinition"])
        if number % 25 == 0 or number == len(arns):
            progress(f"describe_task_definition: {number}/{len(arns)}")
    return definitions


def _providers(client: Any, names: list[str], report: Report) -> list[Json]:
    providers: list[Json] = []
    for batch in _batches(names):
        token: str | None = None
        while True:
            params: Json = {"capacityProviders": batch}
            if token:
                params["nextToken"] = token
            response = report.note(client.describe_capacity_providers(**params))
            providers.extend(response.get("capacityProviders", []))
            report.drop("capacityProviders", response.get("failures", []))
            token = response.get("nextToken")
            if not token:
                break
    return providers


def _strip_metadata(value: Json) -> Json:
    return {key: item for key, item in value.items() if key != "ResponseMetadata"}


def capture(
    client: Any,
    cluster: str,
    *,
    task_definitions: Sequence[str] = (),
    progress: Progress = lambda line: None,
    now: Callable[[], datetime.datetime] | None = None,
) -> tuple[Json, Report]:
    """The snapshot of `cluster` as an ECS boto3 client sees it now, and what it took.

    Raises CaptureError when the cluster does not exist; botocore's errors otherwise.
    """
    report = Report()
    described_cluster = _strip_metadata(_cluster(client, cluster, report))
    name = described_cluster.get("clusterName", cluster)
    progress(f"cluster {name}: {described_cluster.get('clusterArn', '')}")

    instance_arns = _pages(
        client, report, "list_container_instances", "containerInstanceArns", cluster=name
    )
    progress(f"list_container_instances: {len(instance_arns)}")
    instances = _described(
        client,
        report,
        "describe_container_instances",
        instance_arns,
        "containerInstances",
        "containerInstances",
        name,
        progress,
    )

    task_arns = _unique(
        arn
        for status in ("RUNNING", "PENDING")
        for arn in _pages(
            client, report, "list_tasks", "taskArns", cluster=name, desiredStatus=status
        )
    )
    progress(f"list_tasks (RUNNING, PENDING): {len(task_arns)}")
    tasks = _described(
        client, report, "describe_tasks", task_arns, "tasks", "tasks", name, progress
    )

    definition_arns = _unique(
        [t["taskDefinitionArn"] for t in tasks if t.get("taskDefinitionArn")]
        + list(task_definitions)
    )
    definitions = _definitions(client, definition_arns, report, progress)
    providers = _providers(client, list(described_cluster.get("capacityProviders", [])), report)
    progress(f"describe_capacity_providers: {len(providers)}")

    taken = (now or (lambda: datetime.datetime.now(datetime.timezone.utc)))()
    snapshot: Json = {
        "cluster": described_cluster,
        "containerInstances": instances,
        "tasks": tasks,
        "taskDefinitions": definitions,
        "capacityProviders": providers,
        "capturedAt": taken.isoformat(),
    }
    return snapshot, report


def _json_default(value: object) -> str:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def write_atomically(path: str, text: str) -> None:
    """Writes `text` to `path` through a temporary file in the same directory and
    os.replace: a reader sees the old file or the whole new one, never a part."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _message(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        found = response.get("Error", {}).get("Message")
        if found:
            return str(found)
    return str(error)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # The ecs-place contract: exit 2, `ExceptionName: message` first on stderr.
        sys.stderr.write(f"InvalidParameterException: {message}\n")
        self.print_usage(sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m ecs_placement", description="ecs-placement tools.")
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    capture_command = commands.add_parser(
        "capture",
        help="write a snapshot of a live cluster (boto3)",
        description="Writes a snapshot of a live ECS cluster: describe calls through boto3, "
        "with the usual credential chain.",
    )
    capture_command.add_argument("--cluster", required=True, help="cluster name or ARN")
    capture_command.add_argument("--region", help="AWS region (else the profile's)")
    capture_command.add_argument("--profile", help="AWS CLI profile (else the default chain)")
    capture_command.add_argument("--endpoint-url", help="ECS endpoint (a local emulator)")
    capture_command.add_argument(
        "--task-definition",
        action="append",
        default=[],
        metavar="ARN_OR_FAMILY",
        help="also describe this task definition (repeatable): one your requests run",
    )
    capture_command.add_argument("--out", required=True, help="the snapshot file to write")
    capture_command.add_argument(
        "--quiet", action="store_true", help="no progress lines (warnings still print)"
    )
    return top


def make_client(
    region: str | None = None, profile: str | None = None, endpoint_url: str | None = None
) -> Any:
    """An ECS boto3 client with adaptive retries (botocore slows its own rate on throttling
    and makes up to MAX_ATTEMPTS attempts a call)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(profile_name=profile, region_name=region)
    config = Config(
        retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
        user_agent_extra="ecs-placement-capture",
    )
    return session.client("ecs", endpoint_url=endpoint_url, config=config)


def _check_out(path: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CaptureError("InvalidParameterException", f"--out {path!r} is a directory", 2)
    if not os.path.isdir(directory):
        raise CaptureError(
            "InvalidParameterException",
            f"--out {path!r}: the directory {directory!r} does not exist; create it first",
            2,
        )
    if not os.access(directory, os.W_OK):
        raise CaptureError(
            "InvalidParameterException", f"--out {path!r}: cannot write in {directory!r}", 2
        )


def _fail(code: str, message: str, status: int) -> int:
    sys.stderr.write(f"{code}: {message}\n")
    return status


def _summary(report: Report, snapshot: Json, path: str) -> list[str]:
    wrote = (
        f"wrote {path}: {len(snapshot['containerInstances'])} container instances, "
        f"{len(snapshot['tasks'])} tasks, {len(snapshot['taskDefinitions'])} task definitions, "
        f"{len(snapshot['capacityProviders'])} capacity providers "
        f"({report.calls} calls, {report.retries} retries)"
    )
    lines = [wrote]
    for what, failures in report.dropped.items():
        reasons = sorted({str(f.get("reason", "?")) for f in failures})
        named = ", ".join(str(f.get("arn", "?")) for f in failures[:5])
        more = f" and {len(failures) - 5} more" if len(failures) > 5 else ""
        lines.append(
            f"warning: dropped {len(failures)} {what} the describe call answered as "
            f"{'/'.join(reasons)} (gone since listed): {named}{more}"
        )
    return lines


def main(argv: Sequence[str] | None = None, *, make: Callable[..., Any] = make_client) -> int:
    """`python -m ecs_placement capture ...`: 0 when written, 2 on bad input, 1 when AWS
    refuses or cannot be reached. The first stderr line of a failure is `Name: message`.
    `make` builds the client from region, profile and endpoint_url (tests pass a stubbed one)."""
    arguments = parser().parse_args(argv)
    try:
        from botocore.exceptions import BotoCoreError, ClientError, NoRegionError, ProfileNotFound
    except ImportError:
        return _fail("ImportError", "capture needs boto3: pip install 'ecs-placement[capture]'", 2)

    def progress(line: str) -> None:
        if not arguments.quiet:
            sys.stderr.write(f"capture: {line}\n")

    try:
        _check_out(arguments.out)
        client = make(
            region=arguments.region, profile=arguments.profile, endpoint_url=arguments.endpoint_url
        )
    except CaptureError as error:
        return _fail(error.code, error.message, error.status)
    except (ProfileNotFound, NoRegionError) as error:
        hint = " (give --region)" if isinstance(error, NoRegionError) else ""
        return _fail(type(error).__name__, f"{error}{hint}", 2)
    except ValueError as error:
        # botocore refuses a malformed --endpoint-url with a ValueError.
        return _fail("InvalidParameterException", f"{error}", 2)
    try:
        snapshot, report = capture(
            client,
            arguments.cluster,
            task_definitions=arguments.task_definition,
            progress=progress,
        )
        text = json.dumps(snapshot, indent=2, default=_json_default, ensure_ascii=False)
        write_atomically(arguments.out, text + "\n")
    except CaptureError as error:
        return _fail(error.code, error.message, error.status)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "ClientError")
        return _fail(code, _message(error), 1)
    except BotoCoreError as error:
        return _fail(type(error).__name__, str(error), 1)
    except OSError as error:
        return _fail("OSError", f"writing {arguments.out!r}: {error}", 1)
    for line in _summary(report, snapshot, arguments.out):
        sys.stderr.write(f"capture: {line}\n")
    return 0
