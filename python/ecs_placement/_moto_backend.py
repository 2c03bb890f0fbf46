"""Everything that touches moto's ECS internals (`moto.ecs.models`, `moto.ecs.responses`).

moto's model classes are not a stable API, so this is the one module that reads or changes
them: `snapshot` turns a moto cluster into a snapshot dict, `place` runs the engine on it and
writes the placed tasks back into moto, `install` swaps moto's methods for ours and returns
what puts moto's back. `ecs_placement.moto` is the public face.

What is patched, and why both layers: moto's response handlers read a few request members and
drop the rest (constraints, strategies, `filter`) and always answer `failures: []`, so the
handlers for RunTask, StartTask and ListContainerInstances are replaced to hand the whole
request to the engine. The backend methods of the same names are replaced too, so code that
calls the backend directly places with the engine as well (with the members moto's signatures
carry). `stop_task` is wrapped so that stopping a stopped task gives nothing back twice and UDP
host ports come back too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException
from moto.ecs.models import (
    CapacityProvider,
    Cluster,
    ContainerInstance,
    EC2ContainerServiceBackend,
    Task,
    TaskDefinition,
)
from moto.ecs.responses import EC2ContainerServiceResponse

from . import EcsError, Placer
from . import list_container_instances as engine_list_container_instances

Json = dict[str, Any]
Operation = Literal["RunTask", "StartTask"]

_MAX_SEED = 2**64 - 1


class Session:
    """One `enable()`: the seed counter, and the lock that makes snapshot, placement and
    write-back one step (moto's threaded server answers calls from several threads)."""

    def __init__(self, seed: int) -> None:
        self.lock = threading.Lock()
        self._next_seed = seed

    def next_seed(self) -> int:
        """The seed for the next RunTask or StartTask: the first is `enable`'s, then one more
        per call (wrapping past 2**64 - 1). Called with the lock held."""
        seed = self._next_seed
        self._next_seed = 0 if seed == _MAX_SEED else seed + 1
        return seed


# --- moto state to a snapshot ------------------------------------------------------------


def _resources(entries: Iterable[Mapping[str, Any]]) -> list[Json]:
    """moto's resource entries (which also carry zero `doubleValue`/`longValue` members) as
    the API writes them."""
    out: list[Json] = []
    for entry in entries:
        item: Json = {"name": entry["name"], "type": entry.get("type", "INTEGER")}
        if item["type"] == "STRINGSET":
            item["stringSetValue"] = [str(value) for value in entry.get("stringSetValue", [])]
        elif item["type"] == "INTEGER":
            item["integerValue"] = int(entry.get("integerValue", 0))
        elif item["type"] == "LONG":
            item["longValue"] = int(entry.get("longValue", 0))
        else:
            item["doubleValue"] = float(entry.get("doubleValue", 0.0))
        out.append(item)
    return out


def _attributes(attributes: Mapping[str, str | None]) -> list[Json]:
    # moto keeps an instance's attributes as {name: value}; put_attributes writes there.
    return [
        {"name": name} if value is None else {"name": name, "value": value}
        for name, value in attributes.items()
    ]


def _instance(instance: ContainerInstance, provider: str | None) -> Json:
    described: Json = {
        "containerInstanceArn": instance.container_instance_arn,
        "ec2InstanceId": instance.ec2_instance_id,
        "status": instance.status,
        "agentConnected": bool(instance.agent_connected),
        "registeredResources": _resources(instance.registered_resources),
        "remainingResources": _resources(instance.remaining_resources),
        "attributes": _attributes(instance.attributes),
        "runningTasksCount": instance.running_tasks_count,
        "pendingTasksCount": instance.pending_tasks_count,
    }
    if provider is not None:
        described["capacityProviderName"] = provider
    return described


def _task(task: Task) -> Json | None:
    """A task that holds resources on an instance, as describe-tasks shows it; None for a
    stopped task or one on no instance (which no placement decision reads)."""
    if task.desired_status != "RUNNING" or not task.container_instance_arn:
        return None
    held = task.resource_requirements or {}
    described: Json = {
        "taskArn": task.task_arn,
        "clusterArn": task.cluster_arn,
        "taskDefinitionArn": task.task_definition_arn,
        "containerInstanceArn": task.container_instance_arn,
        "group": task.group,
        # No lastStatus: reading moto's moves its task lifecycle along (ManagedState), and
        # placement reads desiredStatus only.
        "desiredStatus": task.desired_status,
        "cpu": str(held.get("CPU", 0)),
        "memory": str(held.get("MEMORY", 0)),
    }
    if task.launch_type:
        described["launchType"] = task.launch_type
    if task.started_by:
        described["startedBy"] = task.started_by
    if task.capacity_provider_name:
        described["capacityProviderName"] = task.capacity_provider_name
    return described


def _definition(definition: TaskDefinition) -> Json:
    described: Json = {
        "taskDefinitionArn": definition.arn,
        "family": definition.family,
        "revision": definition.revision,
        "status": definition.status,
        "containerDefinitions": definition.container_definitions,
        "compatibilities": definition.compatibilities,
        "placementConstraints": definition.placement_constraints,
        "volumes": definition.volumes,
    }
    optional = {
        "networkMode": definition.network_mode,
        "requiresCompatibilities": definition.requires_compatibilities,
        "cpu": definition.cpu,
        "memory": definition.memory,
        "runtimePlatform": definition.runtime_platform,
        "pidMode": definition.pid_mode,
        "ipcMode": definition.ipc_mode,
        "ephemeralStorage": definition.ephemeral_storage,
        "inferenceAccelerators": definition.inference_accelerators,
    }
    described.update({key: value for key, value in optional.items() if value is not None})
    return described


def _provider(provider: CapacityProvider) -> Json:
    return {
        "capacityProviderArn": provider.capacity_provider_arn,
        "name": provider.name,
        "status": provider.status,
        "type": "EC2_AUTOSCALING",
        "autoScalingGroupProvider": provider.auto_scaling_group_provider,
    }


def _group_name(arn_or_name: str) -> str:
    marker = "autoScalingGroupName/"
    return arn_or_name.split(marker, 1)[1] if marker in arn_or_name else arn_or_name


def _providers_by_ec2_instance(
    backend: EC2ContainerServiceBackend, providers: Iterable[CapacityProvider]
) -> dict[str, str]:
    """{EC2 instance id: capacity provider name}: an instance belongs to the provider whose
    Auto Scaling group launched it (ECS sets `capacityProviderName` that way; moto's container
    instance does not carry it, its Auto Scaling backend knows the group's instances)."""
    from moto.autoscaling.models import autoscaling_backends

    groups = autoscaling_backends[backend.account_id][backend.region_name].autoscaling_groups
    owner: dict[str, str] = {}
    for provider in providers:
        arn = provider.auto_scaling_group_provider.get("autoScalingGroupArn", "")
        group = groups.get(_group_name(str(arn)))
        if group is None:
            continue
        for state in group.instance_states:
            owner.setdefault(state.instance.id, provider.name)
    return owner


def _cluster_providers(
    backend: EC2ContainerServiceBackend, cluster: Cluster
) -> list[CapacityProvider]:
    names = cluster.capacity_providers or []
    found = (backend._get_provider(name) for name in names)
    return [provider for provider in found if provider is not None]


def snapshot(backend: EC2ContainerServiceBackend, cluster: Cluster) -> Json:
    """The cluster as a snapshot: what describe-clusters, describe-container-instances,
    describe-tasks, describe-task-definition and describe-capacity-providers would show of
    moto's state now."""
    providers = _cluster_providers(backend, cluster)
    owner = _providers_by_ec2_instance(backend, providers) if providers else {}
    described_cluster: Json = {
        "clusterArn": cluster.arn,
        "clusterName": cluster.name,
        "status": cluster.status,
    }
    if cluster.capacity_providers:
        described_cluster["capacityProviders"] = list(cluster.capacity_providers)
    if cluster.default_capacity_provider_strategy:
        described_cluster["defaultCapacityProviderStrategy"] = list(
            cluster.default_capacity_provider_strategy
        )
    instances = backend.container_instances.get(cluster.name, {}).values()
    tasks = (_task(task) for task in backend.tasks.get(cluster.name, {}).values())
    return {
        "cluster": described_cluster,
        "containerInstances": [
            _instance(instance, owner.get(instance.ec2_instance_id)) for instance in instances
        ],
        "tasks": [task for task in tasks if task is not None],
        "taskDefinitions": [
            _definition(definition)
            for revisions in backend.task_definitions.values()
            for definition in revisions.values()
        ],
        "capacityProviders": [_provider(provider) for provider in providers],
    }


# --- the engine's answer back into moto ---------------------------------------------------


def _amounts(instance: Mapping[str, Any]) -> dict[str, Any]:
    """{"CPU": int, "MEMORY": int, "PORTS": set, "PORTS_UDP": set} of remainingResources."""
    found: dict[str, Any] = {"CPU": 0, "MEMORY": 0, "PORTS": set(), "PORTS_UDP": set()}
    for entry in instance.get("remainingResources", []):
        name = entry.get("name")
        if name in ("CPU", "MEMORY"):
            found[name] = int(entry.get("integerValue", 0))
        elif name in ("PORTS", "PORTS_UDP"):
            found[name] = {str(port) for port in entry.get("stringSetValue", [])}
    return found


def _held(placed: list[Json], before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Json]:
    """What each task placed on one instance holds there, from the instance's remaining
    resources before and after the call (so the tasks add up to the engine's state exactly):
    CPU and memory split evenly (the tasks of one call share definition and overrides), and the
    host ports of each task's bindings that the call reserved (dynamic ports are not)."""
    count = len(placed)
    held: list[Json] = []
    for index, task in enumerate(placed):
        reserved: Json = {}
        for name in ("CPU", "MEMORY"):
            taken = before[name] - after[name]
            reserved[name] = taken // count + (taken % count if index == 0 else 0)
        for name, protocol in (("PORTS", "tcp"), ("PORTS_UDP", "udp")):
            new = after[name] - before[name]
            reserved[name] = [
                str(binding["hostPort"])
                for container in task.get("containers", [])
                for binding in container.get("networkBindings", [])
                if binding.get("protocol", "tcp") == protocol
                and str(binding.get("hostPort")) in new
            ]
        held.append(reserved)
    return held


def _moto_task(
    backend: EC2ContainerServiceBackend,
    cluster: Cluster,
    placed: Json,
    request: Mapping[str, Any],
    held: Json | None,
) -> Task:
    definition = backend.describe_task_definition(placed["taskDefinitionArn"])
    task = Task(
        cluster,
        definition,
        placed.get("containerInstanceArn"),
        held,
        backend=backend,
        group=placed.get("group", f"family:{definition.family}"),
        launch_type=placed.get("launchType", ""),
        overrides=placed.get("overrides") or {},
        started_by=placed.get("startedBy", ""),
        tags=placed.get("tags") or [],
        networking_configuration=request.get("networkConfiguration"),
        platform_version=placed.get("platformVersion"),
        capacity_provider_name=placed.get("capacityProviderName"),
    )
    # The engine's task id, so the ARN is the engine's (moto's long ARN format, its default,
    # is the same `task/CLUSTER/ID`).
    task.id = placed["taskArn"].rsplit("/", 1)[-1]
    if placed.get("lastStatus") == "PROVISIONING":
        # Waiting for its capacity provider to scale out, which never happens in moto.
        task.last_status = "PROVISIONING"
    # Members moto's Task lacks; its response serializer reads them by name.
    for member, value in (
        ("availability_zone", placed.get("availabilityZone")),
        ("cpu", placed.get("cpu")),
        ("memory", placed.get("memory")),
        ("enable_execute_command", placed.get("enableExecuteCommand")),
    ):
        if value is not None:
            setattr(task, member, value)
    return task


def _engine_error(error: EcsError) -> ECSException:
    # moto serializes an ECSException with its code as the error's `__type`: boto3 raises a
    # ClientError whose Error.Code is the engine's exception name.
    return ECSException(error.code, error.message)


def _held_by_task(before: Json, after: Json, placed_tasks: list[Json]) -> dict[str, Json]:
    """{task ARN: what it holds} for the placed tasks on an instance (see `_held`)."""
    remaining_before = {
        i["containerInstanceArn"]: _amounts(i) for i in before["containerInstances"]
    }
    remaining_after = {i["containerInstanceArn"]: _amounts(i) for i in after["containerInstances"]}
    by_instance: dict[str, list[Json]] = {}
    for placed in placed_tasks:
        if placed.get("containerInstanceArn"):
            by_instance.setdefault(placed["containerInstanceArn"], []).append(placed)
    held_by_arn: dict[str, Json] = {}
    for arn, here in by_instance.items():
        for placed, held in zip(here, _held(here, remaining_before[arn], remaining_after[arn])):
            held_by_arn[placed["taskArn"]] = held
    return held_by_arn


def place(
    session: Session,
    backend: EC2ContainerServiceBackend,
    operation: Operation,
    request: Mapping[str, Any],
) -> tuple[list[Task], list[Json]]:
    """RunTask or StartTask through the engine on moto's state; the placed tasks join moto
    (its task dict, the instances' remaining resources and counts). Returns the tasks and the
    response's `failures`."""
    cluster = backend._get_cluster(str(request.get("cluster") or "default"))
    call = dict(request, cluster=cluster.name)
    with session.lock:
        before = snapshot(backend, cluster)
        try:
            placer = Placer(before)
            seed = session.next_seed()
            if operation == "RunTask":
                response = placer.run_task(call, seed)
            else:
                response = placer.start_task(call, seed)
            after = placer.snapshot()
        except EcsError as error:
            raise _engine_error(error) from None
        held_by_arn = _held_by_task(before, after, response["tasks"])
        # Every moto Task is made before any state changes: a constructor that refuses (an
        # awsvpc subnet moto does not know) leaves moto as it was.
        tasks = [
            _moto_task(backend, cluster, placed, call, held_by_arn.get(placed["taskArn"]))
            for placed in response["tasks"]
        ]
        instances = {
            instance.container_instance_arn: instance
            for instance in backend.container_instances.get(cluster.name, {}).values()
        }
        cluster_tasks = backend.tasks.setdefault(cluster.name, {})
        for task, placed in zip(tasks, response["tasks"]):
            cluster_tasks[task.task_arn] = task
            held = held_by_arn.get(placed["taskArn"])
            if task.container_instance_arn is None or held is None:
                continue
            instance = instances[task.container_instance_arn]
            backend.update_container_instance_resources(instance, held)
            _change_udp_ports(instance, held, removing=False)
            backend.update_cluster_resources(cluster, 1)
        return tasks, list(response["failures"])


def _change_udp_ports(instance: ContainerInstance, held: Mapping[str, Any], removing: bool) -> None:
    # moto's update_container_instance_resources moves CPU, memory and TCP ports only.
    ports = [str(port) for port in held.get("PORTS_UDP", [])]
    if not ports:
        return
    entry = next((e for e in instance.remaining_resources if e.get("name") == "PORTS_UDP"), None)
    if entry is None:
        entry = {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []}
        instance.remaining_resources.append(entry)
    values: list[str] = entry.setdefault("stringSetValue", [])
    for port in ports:
        if removing and port in values:
            values.remove(port)
        elif not removing:
            values.append(port)


def list_container_instances(
    session: Session,
    backend: EC2ContainerServiceBackend,
    cluster_str: str,
    filter: str | None,
    status: str | None,
) -> list[str]:
    """ListContainerInstances through the engine: `filter` in the cluster query language,
    `status` (every status but INACTIVE when None, as ECS). Sorted, as moto sorts."""
    cluster = backend._get_cluster(cluster_str or "default")
    with session.lock:
        state = snapshot(backend, cluster)
    try:
        return sorted(engine_list_container_instances(state, filter, status))
    except EcsError as error:
        raise _engine_error(error) from None


# --- the patches --------------------------------------------------------------------------


def _request_body(response: EC2ContainerServiceResponse) -> Json:
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not body:
        return {}
    loaded = json.loads(body)
    if not isinstance(loaded, dict):
        raise ECSException("InvalidParameterException", "the request body is not a JSON object")
    return loaded


def _members(**members: Any) -> Json:
    return {name: value for name, value in members.items() if value is not None}


def _find_task(backend: EC2ContainerServiceBackend, cluster: Cluster, task_str: str) -> Task | None:
    # The lookup moto's stop_task makes: the first task whose ARN ends with the id.
    task_id = task_str.split("/")[-1]
    for arn, task in backend.tasks.get(cluster.name, {}).items():
        if arn.endswith(task_id):
            return task
    return None


Restore = Callable[[], None]


def install(session: Session) -> Restore:
    """Puts the engine in moto's place; returns the function that puts moto's methods back."""
    backend_class = EC2ContainerServiceBackend
    response_class = EC2ContainerServiceResponse
    original_stop_task = backend_class.stop_task

    def run_task_action(self: EC2ContainerServiceResponse) -> ActionResult:
        tasks, failures = place(session, self.ecs_backend, "RunTask", _request_body(self))
        return ActionResult({"tasks": tasks, "failures": failures})

    def start_task_action(self: EC2ContainerServiceResponse) -> ActionResult:
        tasks, failures = place(session, self.ecs_backend, "StartTask", _request_body(self))
        return ActionResult({"tasks": tasks, "failures": failures})

    def list_container_instances_action(self: EC2ContainerServiceResponse) -> ActionResult:
        request = _request_body(self)
        arns = list_container_instances(
            session,
            self.ecs_backend,
            str(request.get("cluster") or "default"),
            request.get("filter"),
            request.get("status"),
        )
        return ActionResult({"containerInstanceArns": arns})

    def run_task(
        self: EC2ContainerServiceBackend,
        cluster_str: str,
        task_definition_str: str,
        count: int,
        overrides: dict[str, Any] | None,
        started_by: str,
        tags: list[dict[str, str]] | None,
        launch_type: str | None,
        networking_configuration: dict[str, Any] | None = None,
        group: str | None = None,
        platform_version: str | None = None,
        capacity_provider_strategy: list[dict[str, Any]] | None = None,
    ) -> list[Task]:
        request = _members(
            cluster=cluster_str,
            taskDefinition=task_definition_str,
            count=count,
            overrides=overrides,
            startedBy=started_by or None,
            tags=tags or None,
            launchType=launch_type or None,
            networkConfiguration=networking_configuration,
            group=group,
            platformVersion=platform_version,
            capacityProviderStrategy=capacity_provider_strategy or None,
        )
        return place(session, self, "RunTask", request)[0]

    def start_task(
        self: EC2ContainerServiceBackend,
        cluster_str: str,
        task_definition_str: str,
        container_instances: list[str],
        overrides: dict[str, Any],
        started_by: str,
        tags: list[dict[str, str]] | None = None,
        group: str | None = None,
    ) -> list[Task]:
        request = _members(
            cluster=cluster_str,
            taskDefinition=task_definition_str,
            containerInstances=container_instances,
            overrides=overrides,
            startedBy=started_by or None,
            tags=tags or None,
            group=group,
        )
        return place(session, self, "StartTask", request)[0]

    def backend_list_container_instances(
        self: EC2ContainerServiceBackend,
        cluster_str: str,
        status: str | None = None,
        filter: str | None = None,
    ) -> list[str]:
        return list_container_instances(session, self, cluster_str, filter, status)

    def stop_task(
        self: EC2ContainerServiceBackend, cluster_str: str, task_str: str, reason: str
    ) -> Task:
        with session.lock:
            task = _find_task(self, self._get_cluster(cluster_str), task_str)
            if task is not None and task.desired_status == "STOPPED":
                # Already stopped: its resources came back the first time.
                return task
            stopped = original_stop_task(self, cluster_str, task_str, reason)
            held = stopped.resource_requirements
            if stopped.container_instance_arn and held:
                cluster = self._get_cluster(cluster_str)
                instance_id = stopped.container_instance_arn.split("/")[-1]
                instance = self.container_instances[cluster.name].get(instance_id)
                if instance is not None:
                    _change_udp_ports(instance, held, removing=True)
            return stopped

    patches: list[tuple[type, str, object]] = [
        (response_class, "run_task", run_task_action),
        (response_class, "start_task", start_task_action),
        (response_class, "list_container_instances", list_container_instances_action),
        (backend_class, "run_task", run_task),
        (backend_class, "start_task", start_task),
        (backend_class, "list_container_instances", backend_list_container_instances),
        (backend_class, "stop_task", stop_task),
    ]
    saved = [(owner, name, owner.__dict__[name]) for owner, name, _ in patches]
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)

    def restore() -> None:
        for owner, name, original in saved:
            setattr(owner, name, original)

    return restore


# The moto attributes this module relies on, checked by `ecs_placement.moto.enable` so that a
# moto whose internals moved fails at once with their names, not in the middle of a call.
REQUIRED: dict[type, tuple[str, ...]] = {
    EC2ContainerServiceBackend: (
        "run_task",
        "start_task",
        "stop_task",
        "list_container_instances",
        "describe_task_definition",
        "update_container_instance_resources",
        "update_cluster_resources",
        "_get_cluster",
        "_get_provider",
    ),
    EC2ContainerServiceResponse: ("run_task", "start_task", "list_container_instances"),
}


def missing_internals() -> list[str]:
    """The names of REQUIRED attributes this moto lacks, as `Class.name`."""
    return [
        f"{owner.__name__}.{name}"
        for owner, names in REQUIRED.items()
        for name in names
        if not hasattr(owner, name)
    ]
