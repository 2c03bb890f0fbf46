"""The Python half of docs/PERFORMANCE.md, "Python": the reference `Placer.run_task` call on
a snapshot file, from Python, with the parts of its cost apart.

    ecs-place generate --instances 5000 --tasks 20000 --seed 1 --out /tmp/c5k.json
    python python/benchmarks/placer_cost.py /tmp/c5k.json 3000

The request is `generate::reference_request()`; the Rust half is examples/placer_cost.rs.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import ecs_placement

REFERENCE_REQUEST: dict[str, Any] = {
    "cluster": "bench",
    "taskDefinition": "web",
    "count": 10,
    "launchType": "EC2",
    "placementConstraints": [
        {
            "type": "memberOf",
            "expression": "attribute:ecs.instance-type =~ m5.* and attribute:stack == prod",
        }
    ],
    "placementStrategy": [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"},
    ],
}


def main() -> None:
    path = sys.argv[1]
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 3000

    started = time.perf_counter()
    placer = ecs_placement.Placer(path)
    load = time.perf_counter() - started

    whole = 0.0
    native = 0.0
    whole_calls = 0
    native_calls = 0
    dumps = 0.0
    loads = 0.0
    text = json.dumps(REFERENCE_REQUEST, separators=(",", ":"))
    inner = placer._native
    # Three calls first: a Placer keeps a request's rows from its third call on. Calls
    # alternate between the public method and the native one (request text made once), so
    # both see the same states.
    for seed in range(calls + 3):
        started = time.perf_counter()
        if seed % 2 == 0:
            response = placer.run_task(REFERENCE_REQUEST, seed)
            elapsed = time.perf_counter() - started
            if seed >= 3:
                whole += elapsed
                whole_calls += 1
        else:
            response = inner.run_task(text, seed)
            elapsed = time.perf_counter() - started
            if seed >= 3:
                native += elapsed
                native_calls += 1
        if seed >= 3:
            started = time.perf_counter()
            json.dumps(REFERENCE_REQUEST, separators=(",", ":"))
            dumps += time.perf_counter() - started
            # What the JSON-text route would cost on the Python side: parsing the response.
            response_text = json.dumps(response)
            started = time.perf_counter()
            json.loads(response_text)
            loads += time.perf_counter() - started
        for task in response["tasks"]:
            placer.stop_task(task["taskArn"])

    def micros(total: float, count: int) -> float:
        return round(total * 1e6 / count, 2)

    print(
        json.dumps(
            {
                "calls": calls,
                "loadSeconds": round(load, 3),
                "placerRunTaskMicros": micros(whole, whole_calls),
                "nativeRunTaskMicros": micros(native, native_calls),
                "requestJsonDumpsMicros": micros(dumps, calls),
                "responseJsonLoadsMicros": micros(loads, calls),
            }
        )
    )


if __name__ == "__main__":
    main()
