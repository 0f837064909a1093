"""Shared test set-up: legacy Keras before TensorFlow loads, quiet logs, and a runner fixture for subprocess runs."""
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402
import time  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture
def compat_run(tmp_path):
    """Run ``python -m compat ARGS`` in a subprocess with ``tmp_path`` as the working directory."""

    def run(*args, cwd=None, timeout=300, env=None):
        return subprocess.run([sys.executable, "-m", "compat", *map(str, args)], cwd=cwd or tmp_path,
                              capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})

    return run


# --- progress a person can follow: slow tests are named as they start and timed as they end ---------------------
_slow = {"reporter": None, "ids": set(), "started": {}}


def pytest_collection_modifyitems(config, items):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.verbosity <= 0:  # -v already names every test
        _slow["reporter"] = reporter
        _slow["ids"] = {item.nodeid for item in items if item.get_closest_marker("slow") is not None}


def pytest_runtest_logstart(nodeid, location):
    if nodeid in _slow["ids"]:
        _slow["reporter"].write(f"\nslow test: {nodeid} ", flush=True)
        _slow["started"][nodeid] = time.perf_counter()


def pytest_runtest_logfinish(nodeid, location):
    if nodeid in _slow["started"]:
        _slow["reporter"].write(f" {time.perf_counter() - _slow['started'].pop(nodeid):.0f} s\n", flush=True)
