"""Fixtures: the repository's example cluster and requests (the README's first command)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str) -> dict[str, Any]:
    with open(EXAMPLES / name, encoding="utf-8") as file:
        loaded: dict[str, Any] = json.load(file)
    return loaded


@pytest.fixture
def cluster_path() -> Path:
    return EXAMPLES / "cluster.json"


@pytest.fixture
def cluster() -> dict[str, Any]:
    return _load("cluster.json")


@pytest.fixture
def run_request() -> dict[str, Any]:
    return _load("run-task.json")


@pytest.fixture
def start_request() -> dict[str, Any]:
    return _load("start-task.json")
