"""moto's ECS backend, placing as ECS does: `enable()`, `disable()`, `with enabled(): ...`.

While enabled, moto answers RunTask and StartTask with this engine (constraints from the call
and the task definition, strategy chains, capacity-provider base and weight, `failures` with
ECS's reasons) and ListContainerInstances honours `filter` and `status`. The state stays
moto's: placed tasks are moto tasks (`describe_tasks`, `list_tasks`, `stop_task`), and the
instances' remaining resources and task counts change as the tasks come and go. Attributes set
with `put_attributes` are read at every call.

Seeds: the first RunTask or StartTask after `enable(seed=S)` draws from seed S, the next from
S + 1, and so on, so the same calls in the same order give the same placements and task ARNs.

Supported moto: `SUPPORTED_MOTO` (`pip install 'ecs-placement[moto]'`). `enable()` refuses any
other version, and a moto whose internals this module uses have moved, with what is wrong.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata

__all__ = ["SUPPORTED_MOTO", "disable", "enable", "enabled", "is_enabled"]

SUPPORTED_MOTO = ">=5.2.6,<6"
"""The moto versions this module is tested with (the pinned one is 5.2.6)."""

_LOWEST = (5, 2, 6)
_BELOW = (6,)

_lock = threading.Lock()
_restore: list[Callable[[], None]] = []  # the enabled session's restore function, if any


def _release(version: str) -> tuple[int, ...]:
    match = re.match(r"\d+(\.\d+)*", version)
    if match is None:
        return ()
    return tuple(int(part) for part in match.group(0).split("."))


def _check_moto() -> None:
    try:
        version = metadata.version("moto")
    except metadata.PackageNotFoundError:
        raise ImportError(
            f"ecs_placement.moto needs moto{SUPPORTED_MOTO}, which is not installed: "
            "pip install 'ecs-placement[moto]' (or 'moto[ecs]>=5.2.6,<6')"
        ) from None
    release = _release(version)
    if not _LOWEST <= release < _BELOW:
        raise RuntimeError(
            f"ecs_placement.moto supports moto{SUPPORTED_MOTO}; this is moto {version}: "
            "install a supported one (pip install 'moto>=5.2.6,<6')"
        )
    from . import _moto_backend

    missing = _moto_backend.missing_internals()
    if missing:
        raise RuntimeError(
            f"moto {version} lacks what ecs_placement.moto replaces or calls: "
            f"{', '.join(missing)}; install moto{SUPPORTED_MOTO}"
        )


def enable(seed: int = 0) -> None:
    """Makes moto's ECS backend place with this engine, until `disable()`.

    `seed` is the first call's seed (each later RunTask or StartTask takes the next one).
    Enabling twice without disabling is a RuntimeError.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**64 - 1:
        raise ValueError(f"seed must be a whole number from 0 to 2**64 - 1, got {seed!r}")
    with _lock:
        if _restore:
            raise RuntimeError(
                "ecs_placement.moto is already enabled; call disable() before enabling again"
            )
        _check_moto()
        from . import _moto_backend

        _restore.append(_moto_backend.install(_moto_backend.Session(seed)))


def disable() -> None:
    """Puts moto's own RunTask, StartTask, StopTask and ListContainerInstances back. The
    tasks placed meanwhile stay in moto. Disabling when not enabled does nothing."""
    with _lock:
        if _restore:
            _restore.pop()()


def is_enabled() -> bool:
    """Whether moto places with this engine now."""
    return bool(_restore)


@contextmanager
def enabled(seed: int = 0) -> Iterator[None]:
    """`enable(seed)` for the `with` block, then `disable()` (also when the block raises)."""
    enable(seed)
    try:
        yield
    finally:
        disable()
