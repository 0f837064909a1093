"""A user's own script under regression comparison: ``python -m reproductions add NAME SCRIPT``, then ``record``
and ``check`` exactly as for the built-in reproductions, everything written in the user catalog (never inside the
installed package).

The script is our own, in the style of a 2017 TF1 tutorial: a linear regression on synthetic data, trained with
plain gradient descent, two fetched losses. The harness seeds it (the script never calls ``tf.set_random_seed``).
Changing its learning rate leaves the first step's losses as they were (TF1 evaluates the fetched losses in the
same ``Session.run`` as the update, i.e. before it) and moves them from step 2 on; changing its initializer moves
them from step 1.
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import reproductions
from reproductions import catalog

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
PACKAGE = Path(reproductions.__file__).resolve().parent

SCRIPT = textwrap.dedent("""
    # Linear regression the 2017 way: placeholders, a Variable, GradientDescentOptimizer, a feed loop.
    import numpy as np
    import tensorflow as tf

    LEARNING_RATE = 0.05
    x_data = np.random.rand(64, 3).astype(np.float32)
    y_data = x_data.dot(np.array([[0.5], [-1.0], [2.0]], dtype=np.float32)) + 0.3

    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.random_uniform([3, 1], -1.0, 1.0))
    b = tf.Variable(tf.zeros([1]))
    mse = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    l2 = tf.nn.l2_loss(W)
    loss = mse + 1e-3 * l2
    train = tf.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)

    sess = tf.Session()
    sess.run(tf.initialize_all_variables())
    for step in range(200):
        _, mse_value, l2_value = sess.run([train, mse, l2], feed_dict={x: x_data, y: y_data})
        if step % 50 == 0:
            print(step, mse_value, l2_value)
""")


def harness(*args, cwd, timeout=600):
    """``python -m reproductions ARGS`` in ``cwd`` (where ``./reproductions.d/`` and ``./out/`` land)."""
    return subprocess.run([sys.executable, "-m", "reproductions", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2"})


def package_files():
    """The installed package's files (compiled-bytecode caches aside: importing writes those)."""
    return sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


@pytest.mark.slow
def test_own_script_is_added_recorded_checked_and_its_regressions_named(tmp_path):
    before = package_files()
    script = tmp_path / "scripts" / "regression.py"
    script.parent.mkdir()
    script.write_text(SCRIPT)

    added = harness("add", "myreg", script, "--steps", "6", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    entry = catalog.load_entry(tmp_path / "reproductions.d" / "myreg")
    assert entry.script_path == script and entry.smoke_steps == 6 and not entry.built_in

    listed = harness("list", cwd=tmp_path)
    assert "myreg" in listed.stdout and "user entry" in listed.stdout and "004_vanilla_gan" in listed.stdout

    recorded = harness("record", "myreg", cwd=tmp_path)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert "myreg: recorded 6 steps, 2 loss series" in recorded.stdout
    assert (tmp_path / "reproductions.d" / "myreg" / "baselines" / "fashion-mnist.json").is_file()

    checked = harness("check", "myreg", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "matches baseline (identical)" in checked.stdout

    # a changed hyper-parameter: the losses leave the baseline at step 2
    script.write_text(SCRIPT.replace("LEARNING_RATE = 0.05", "LEARNING_RATE = 0.06"))
    checked = harness("check", "myreg", cwd=tmp_path)
    assert checked.returncode == 1
    assert "mse: left the baseline at step 2" in checked.stdout, checked.stdout
    assert "l2: left the baseline at step 2" in checked.stdout

    # a changed initializer: from the first step on
    script.write_text(SCRIPT.replace("tf.random_uniform([3, 1], -1.0, 1.0)", "tf.random_normal([3, 1])"))
    checked = harness("check", "myreg", cwd=tmp_path)
    assert checked.returncode == 1
    assert "mse: left the baseline at step 1" in checked.stdout, checked.stdout

    # the report sees the user entry as it sees the built-in ones
    reported = harness("report", cwd=tmp_path, timeout=300)
    assert reported.returncode == 0, reported.stderr
    assert "myreg" in reported.stdout and (tmp_path / "out" / "report" / "myreg.fashion-mnist.png").is_file()

    assert package_files() == before


@pytest.mark.slow
def test_crashing_and_nan_scripts_are_reported_by_name(tmp_path):
    user = tmp_path / "elsewhere"  # --catalog: every command must see the same catalog
    for name, script in (("crashes", FIXTURES / "crashes.py"), ("nans", FIXTURES / "nan_loss.py")):
        assert harness("--catalog", user, "add", name, script, "--steps", "5", cwd=tmp_path).returncode == 0

    recorded = harness("--catalog", user, "record", "crashes", cwd=tmp_path)
    assert recorded.returncode == 1
    assert "crashes: NOT recorded — error: exit status 1: RuntimeError: the script's own failure" in recorded.stdout
    assert not (user / "crashes" / "baselines").exists()

    recorded = harness("--catalog", user, "record", "nans", cwd=tmp_path)
    assert recorded.returncode == 1
    assert "nans: NOT recorded — error: non-finite loss loss = nan at step 3" in recorded.stdout

    checked = harness("--catalog", user, "check", "crashes", "nans", cwd=tmp_path)
    assert checked.returncode == 1
    rows = {line.split()[0]: line for line in checked.stdout.splitlines() if line.startswith(("crashes ", "nans "))}
    assert "ERROR" in rows["crashes"] and "RuntimeError: the script's own failure" in rows["crashes"]
    assert "ERROR" in rows["nans"] and "non-finite loss loss = nan at step 3" in rows["nans"]
    assert not (tmp_path / "reproductions.d").exists()  # the default catalog was never used


def test_add_refuses_bad_names_missing_scripts_and_duplicates_in_one_line(tmp_path):
    script = tmp_path / "gan.py"
    script.write_text("print('hello')\n")
    cases = {("../escape", script): "bad name '../escape'",
             ("004_vanilla_gan", script): "'004_vanilla_gan' is a built-in reproduction",
             ("fresh", tmp_path / "missing.py"): "no script",
             ("mine", script): None,
             ("mine", script, "--steps", "3"): "'mine' is already in"}
    for args, message in cases.items():
        done = harness("add", *args, cwd=tmp_path, timeout=120)
        if message is None:
            assert done.returncode == 0, done.stderr
            continue
        assert done.returncode != 0 and message in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    inside = harness("--catalog", PACKAGE, "add", "intruder", script, cwd=tmp_path, timeout=120)
    assert inside.returncode != 0 and "inside the installed package" in inside.stderr
    assert not (PACKAGE / "intruder").exists()


def test_script_arguments_after_the_separator_are_the_scripts(tmp_path):
    script = tmp_path / "gan.py"
    script.write_text("print('hello')\n")
    done = harness("add", "withargs", script, "--steps", "4", "--", "--lr", "0.1", "samples", cwd=tmp_path,
                   timeout=120)
    assert done.returncode == 0, done.stderr
    entry = catalog.load_entry(tmp_path / "reproductions.d" / "withargs")
    assert entry.args == ("--lr", "0.1", "samples") and entry.smoke_steps == 4 and entry.seed == 1


def test_a_broken_user_entry_is_named_and_the_built_in_ones_still_listed_elsewhere(tmp_path):
    (tmp_path / "reproductions.d" / "broken").mkdir(parents=True)
    (tmp_path / "reproductions.d" / "broken" / "entry.json").write_text('{"script": ')
    done = harness("list", cwd=tmp_path, timeout=120)
    assert done.returncode != 0 and "broken" in done.stderr and "entry.json" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    elsewhere = harness("--catalog", tmp_path / "empty", "list", cwd=tmp_path, timeout=120)
    assert elsewhere.returncode == 0 and elsewhere.stdout.count("baselines:") == len(catalog.CATALOG)
