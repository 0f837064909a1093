"""Shared test set-up: legacy Keras before TensorFlow loads, quiet logs, where the datasets live, the skip markers
for tests that need them, and a runner fixture for subprocess runs.

Test modules import the paths and markers by name (``from conftest import FASHION_DIR, needs_fashion``): pytest
puts tests/ on sys.path to load this file, so the module they import is the one pytest loaded.
"""
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402
import time  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
# Data that may not be copied into the repository lives in the shared/ folder beside the clone (docs/testing.md).
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_MNIST = SHARED_DATA / "mnist"  # genuine MNIST: test split and train labels (no train images)
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")  # Debian's dataset-fashion-mnist

IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = IDX_NAMES
SHARED_MNIST_NAMES = (TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)  # what the shared folder holds of MNIST


def _needs(what, folder, names, how_to_get_it):
    """A skip marker for tests that read ``names`` in ``folder``; its reason says what is missing and how to get it."""
    missing = [name for name in names if not (folder / name).is_file()]
    found = "is not in" if len(missing) == len(names) else f"is incomplete (no {', '.join(missing)}) in"
    return pytest.mark.skipif(bool(missing), reason=f"{what} {found} {folder}: {how_to_get_it}")


needs_fashion = _needs("Fashion-MNIST", FASHION_DIR, IDX_NAMES,
                       "apt-get install dataset-fashion-mnist (suite.sh does it)")
needs_mnist = _needs("genuine MNIST", SHARED_MNIST, SHARED_MNIST_NAMES,
                     "it comes from the shared/ folder beside the clone (../shared/data/mnist, see docs/testing.md)")


def _keras_major():
    from importlib import metadata

    try:
        return int(metadata.version("keras").split(".")[0])
    except metadata.PackageNotFoundError:
        return 0


needs_keras3 = pytest.mark.skipif(_keras_major() < 3, reason="the modern ports are Keras 3 code: TensorFlow 2.16 or "
                                                             "later (this environment's `keras` is Keras 2)")


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
