"""Shared test set-up: legacy Keras before TensorFlow loads, quiet logs, and a runner fixture for subprocess runs."""
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

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
