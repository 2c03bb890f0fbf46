"""Placement runs with the interpreter released: other threads go on while it places."""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import ecs_placement
from ecs_placement import Placer


def test_calls_from_threads_give_the_single_threaded_answers(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    expected = [ecs_placement.run_task(cluster, run_request, seed=s) for s in range(16)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda s: ecs_placement.run_task(cluster, run_request, seed=s), range(16))
        )
    assert answers == expected


def test_one_placer_shared_by_threads_places_every_task_once(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    placer = Placer(cluster)
    request = dict(run_request, count=1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda s: placer.run_task(request, seed=s), range(20)))
    placed = [task["taskArn"] for answer in answers for task in answer["tasks"]]
    state_arns = {task["taskArn"] for task in placer.snapshot()["tasks"]}
    assert len(placed) == len(set(placed))
    assert set(placed) <= state_arns


def test_another_thread_runs_while_placing(
    cluster: dict[str, Any], run_request: dict[str, Any]
) -> None:
    # With a switch interval far longer than the test, a thread holding the interpreter keeps
    # it: the counting thread can only advance while the placing thread has released it,
    # which it does only inside the native calls.
    big = dict(cluster, tasks=[])
    instances = []
    for copy in range(100):
        for instance in cluster["containerInstances"]:
            clone = dict(instance)
            clone["containerInstanceArn"] = f"{instance['containerInstanceArn']}{copy:04d}"
            # Each copy is another EC2 instance (one EC2 instance registers once).
            clone["ec2InstanceId"] = f"{instance['ec2InstanceId']}{copy:04d}"
            instances.append(clone)
    big["containerInstances"] = instances
    text = json.dumps(big)

    ticks = 0
    started = threading.Event()
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        started.set()
        while not stop.is_set():
            ticks += 1
            time.sleep(0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    counter = threading.Thread(target=count)
    try:
        counter.start()
        started.wait()
        before = ticks
        for seed in range(3):
            ecs_placement.run_task(text, run_request, seed=seed)
        during = ticks - before
    finally:
        stop.set()
        sys.setswitchinterval(interval)
        counter.join()
    assert during > 0
