#!/usr/bin/env bash
# Every test of the project: the Rust workspace (`cargo test --workspace`), then the Python
# package, built with maturin into a virtual environment of its own and tested with pytest
# (after ruff and mypy --strict). Needs Rust, and Python 3.10 or later as `python3` (or
# $PYTHON); the first run downloads the pinned tools of python/requirements-dev.txt.
#
#   scripts/test-all.sh            # everything
#   scripts/test-all.sh --python   # the Python part only
#
# The virtual environment lives in the Cargo target directory ($CARGO_TARGET_DIR, else
# target/), so `cargo clean` removes it and a second run reuses it. The package is built with
# the dev profile, whose dependencies `cargo test` has just built: a release build (what
# `pip install ./python` makes) takes minutes longer and tests nothing more. Set
# ECS_PLACEMENT_PY_PROFILE=release to test that one.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
target=${CARGO_TARGET_DIR:-$top/target}
python=${PYTHON:-python3}

rust=1
if [ "${1:-}" = "--python" ]; then
  rust=0
fi

if [ "$rust" = 1 ]; then
  echo "== cargo test --workspace"
  cargo test --workspace --locked
  echo "== cargo run --example emulator (checks what it prints)"
  cargo run --locked --quiet --example emulator > /dev/null
fi

echo "== Python: virtual environment"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "the Python package needs Python 3.10 or later; $python is $("$python" --version 2>&1)" >&2
  exit 1
fi
venv=$target/python-venv
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# The build backend runs the `maturin` command: the environment's comes first.
export PATH="$venv/bin:$PATH"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt

echo "== Python: build and install the package (maturin, ${ECS_PLACEMENT_PY_PROFILE:-dev} profile)"
start=$(date +%s)
# --no-build-isolation: the pinned maturin of the environment builds it, with nothing
# downloaded per build. The cargo target directory is the workspace's, so the library is
# built once for Rust and Python.
CARGO_TARGET_DIR=$target MATURIN_PEP517_ARGS="--profile ${ECS_PLACEMENT_PY_PROFILE:-dev}" \
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation \
  --force-reinstall --no-deps ./python
echo "built in $(($(date +%s) - start)) s"

echo "== Python: ruff, mypy --strict"
(
  cd python
  "$venv/bin/ruff" format --check .
  "$venv/bin/ruff" check .
  "$venv/bin/mypy" --strict ecs_placement tests
)

echo "== Python: pytest"
# Run from python/ without `python -m`, so `import ecs_placement` is the installed package
# (with its native module), not the source directory. pytest exits non-zero (5) if it
# collected no test, which fails this script.
(cd python && "$venv/bin/pytest" -q)
