"""The patch registry (compat/patches.py) against what a run really changes.

A driver runs ``compat.runner.run`` in one subprocess (disabling TF2 behaviour is process-wide) and snapshots,
before the run, from inside the script, and after it: the attributes of the classes and modules the runtime could
touch (TensorFlow's session, graph, optimizer and tape classes, tf_keras's models and optimizers, the modules tf_slim
reads, numpy, builtins), ``sys.modules``, ``sys.path``, ``sys.meta_path``, ``sys.argv``, ``os.environ``, the working
directory and the global random generators. The tests then check, by object identity:
- every change seen during the run is declared by a registry row applied at that moment;
- after the run everything is back except rows declared irreversible, and those are listed as applied;
- between a TF1 and a TF2 run every row the runner, steps and imports own was applied.
"""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from compat import patches

REPO = Path(__file__).resolve().parents[1]

DRIVER = r'''
import importlib, json, os, random, sys, types
sys.path.insert(0, sys.argv[1])
import numpy as np
import tensorflow as tf
import tf_keras  # the classes are watched from before the run
from compat import patches, runner

WATCHED = ["tensorflow.python.client.session", "tensorflow.python.framework.ops", "tensorflow.python.training.saver",
           "tensorflow.python.training.optimizer", "tensorflow.python.eager.backprop",
           "tensorflow.python.ops.control_flow_ops", "tensorflow.python.ops.array_ops",
           "tensorflow.python.ops.variable_scope", "tf_keras.src.engine.training", "tf_keras.src.engine.training_v1",
           "tf_keras.src.optimizers.optimizer", "tf_keras.src.optimizers.legacy.optimizer_v2", "numpy", "builtins",
           "tensorflow", "tf_keras"]
_unset = "<unset>"


def snapshot():
    """name -> (identity, description) of everything watched."""
    state = {}
    for module_name in WATCHED:
        module = importlib.import_module(module_name)
        for attr, value in list(vars(module).items()):
            if callable(value):  # functions and classes (a module's data changes as the library runs)
                state[f"{module_name}.{attr}"] = id(value)
            if isinstance(value, type) and value.__module__ == module_name:
                for cls_attr, cls_value in list(vars(value).items()):
                    state[f"{module_name}.{value.__qualname__}.{cls_attr}"] = id(cls_value)
    # a module registered under a name other than its own is an alias, anything else an ordinary import
    state.update({f"sys.modules[{k!r}]": [id(v), getattr(v, "__name__", k) != k] for k, v in list(sys.modules.items())})
    state.update({f"os.environ[{k!r}]": v for k, v in os.environ.items()})
    state["sys.argv"] = id(sys.argv)
    state["sys.path[0]"] = sys.path[0]
    state.update({f"sys.meta_path[{id(f)}]": repr(f) for f in sys.meta_path})
    state["os.getcwd()"] = os.getcwd()
    return state


def rng_state():
    numpy_state = np.random.get_state()
    return [repr(random.getstate()), numpy_state[0], numpy_state[1].tolist(), list(numpy_state[2:])]


seen = {}
probe = types.ModuleType("patch_probe")
probe.during = lambda: seen.update(during=snapshot(), applied=[p.name for p in patches.applied()])
sys.modules["patch_probe"] = probe
options = json.loads(sys.argv[4])
before, rng_before = snapshot(), rng_state()
del before["sys.modules['patch_probe']"]
status = runner.run(sys.argv[2], sys.argv[3].split(), runner.RunOptions(**options))
del sys.modules["patch_probe"]
after = snapshot()
print(json.dumps({"status": status, "before": before, "during": seen.get("during"), "after": after,
                  "applied_during": seen.get("applied"), "applied_after": [p.name for p in patches.applied()],
                  "rng_restored": rng_state() == rng_before}))
'''

TF1_SCRIPT = """\
import numpy as np
import tensorflow as tf
import tf_slim as slim
import patch_probe

x = tf.placeholder(tf.float32, [8, 4])
h = slim.batch_norm(slim.fully_connected(x, 4), updates_collections=None, is_training=True)
loss = tf.reduce_mean(tf.square(h - 1.0))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        sess.run([train, loss], {x: np.random.rand(8, 4)})
    saver.save(sess, "model.ckpt")
    patch_probe.during()
"""

TF2_SCRIPT = """\
import numpy as np
import tensorflow as tf
import patch_probe

model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
for step in range(2):
    model.train_on_batch(np.random.rand(4, 3), np.random.rand(4, 1))
w = tf.Variable(1.0)
with tf.GradientTape() as tape:
    loss = (w - 2.0) ** 2
tf.keras.optimizers.SGD(0.1).apply_gradients([(tape.gradient(loss, w), w)])
patch_probe.during()
"""


def _drive(tmp_path, source, options, args=""):
    script = tmp_path / "script.py"
    script.write_text(source)
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "COMPAT_MNIST_DATASET")}
    done = subprocess.run([sys.executable, "-c", DRIVER, str(REPO), str(script), args, json.dumps(options)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 0, done.stderr[-3000:]
    assert result["during"] is not None, "the script's probe never ran"
    return result


def _declared(changed_key, rows):
    """The applied row whose ``changes`` names this key (a package alias names a prefix of sys.modules keys)."""
    for row in rows:
        if row.changes == changed_key or (isinstance(row, patches.Insert) and changed_key.startswith(row.changes)):
            return row
        if isinstance(row, patches.PackageAlias) and changed_key.startswith(f"sys.modules[{row.old!r}"[:-1]):
            return row
    return None


def _changes(before, now):
    """Keys whose value differs (or appeared), except new sys.modules entries (imports) and the probe itself."""
    changed = set()
    for key, value in now.items():
        if key not in before:
            if key.startswith("sys.modules[") and not value[1]:
                continue  # a module imported for the first time under its own name
            if key.startswith(("numpy.", "tensorflow.", "tf_keras.")) and key.count(".") == 1:
                continue  # a lazily loaded public name cached on its package on first use
            if key.endswith(".__annotations__"):
                continue  # Python creates a class's __annotations__ on first access
        if before.get(key) != value and "patch_probe" not in key:
            changed.add(key)
    changed |= {key for key in before if key not in now and "patch_probe" not in key}
    return changed


@pytest.fixture(scope="module")
def tf1_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tf1")
    options = {"era": "tf1", "seed": 3, "deterministic": True, "xla": True, "max_steps": 10,
               "record": str(folder / "rec.jsonl"), "dump_weights": str(folder / "w0.npz"),
               "dataset": "fashion-mnist", "workdir": str(folder / "work")}
    return _drive(folder, TF1_SCRIPT, options)


@pytest.fixture(scope="module")
def tf2_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tf2")
    return _drive(folder, TF2_SCRIPT, {"era": "tf2", "seed": 3, "xla": True, "record": str(folder / "rec.jsonl")})


@pytest.mark.slow
@pytest.mark.parametrize("era", ["tf1", "tf2"])
def test_every_change_during_a_run_is_a_registered_applied_row(era, request):
    result = request.getfixturevalue(f"{era}_run")
    applied = [patches.REGISTRY[name] for name in result["applied_during"]]
    changed = _changes(result["before"], result["during"])
    undeclared = sorted(key for key in changed if _declared(key, applied) is None)
    assert not undeclared, f"changed by the run but in no applied registry row: {undeclared}"
    # and the rows that say they change an attribute really did (the listing is not padded)
    for row in applied:
        if isinstance(row, (patches.Attribute, patches.Alias)):
            assert row.changes in changed, row


@pytest.mark.slow
@pytest.mark.parametrize("era", ["tf1", "tf2"])
def test_everything_reversible_is_undone_after_the_run(era, request):
    result = request.getfixturevalue(f"{era}_run")
    left = _changes(result["before"], result["after"])
    assert left == set(), f"not restored after the run: {sorted(left)}"
    assert result["rng_restored"]  # --seed reseeded random and np.random; their states are put back
    still_applied = {patches.REGISTRY[name] for name in result["applied_after"]}
    assert all(not row.reversible for row in still_applied), still_applied
    if era == "tf1":
        assert "TF2 behaviour off" in result["applied_after"]  # declared irreversible, and listed as applied


@pytest.mark.slow
def test_the_runner_applies_every_row_it_owns_in_one_tf1_or_tf2_run(tf1_run, tf2_run):
    owned = {name for name, row in patches.REGISTRY.items()
             if row.by in ("compat.runner", "compat.steps", "compat.imports", "compat.slim_repairs",
                           "compat.runner, compat.v1")}
    seen = set(tf1_run["applied_during"]) | set(tf2_run["applied_during"])
    assert owned - seen == set()


def test_import_compat_v1_applies_its_rows_for_the_process(tmp_path):
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(REPO)!r})
        import compat.v1 as tf
        from compat import patches
        print(json.dumps([p.name for p in patches.applied()]))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    applied = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"TF2 behaviour off", "tf_slim import hook", "compat.v1"} <= set(applied)
    assert not any(patches.REGISTRY[name].by == "compat.slim_repairs" for name in applied)  # tf_slim not imported


def test_rows_revert_to_the_very_objects_they_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPAT_MNIST_DATASET", raising=False)
    argv, path0, cwd, path_before = sys.argv, sys.path[0], os.getcwd(), list(sys.path)
    marker = patches.mark()
    patches.REGISTRY["sys.argv"].apply(["script.py", "x"])
    patches.REGISTRY["sys.path[0]"].apply(str(tmp_path))
    patches.REGISTRY["working directory"].apply(lambda: os.chdir("/"))
    patches.REGISTRY["COMPAT_MNIST_DATASET"].apply("fashion-mnist")
    assert sys.argv == ["script.py", "x"] and os.getcwd() == "/" and os.environ["COMPAT_MNIST_DATASET"]
    with pytest.raises(RuntimeError, match="already applied"):
        patches.REGISTRY["sys.argv"].apply([])
    patches.REGISTRY["sampler lookup path"].apply(str(tmp_path / "samplers"))
    assert sys.path[0] == str(tmp_path / "samplers")
    patches.revert_since(marker)
    assert sys.argv is argv and sys.path[0] == path0 and os.getcwd() == cwd
    assert "COMPAT_MNIST_DATASET" not in os.environ
    assert sys.path == path_before  # sys.path[0] put back and the inserted entry gone
    assert patches.applied()[marker:] == []


def test_explain_patches_lists_every_row_with_why_and_undo(compat_run):
    result = compat_run("explain", "--patches")
    assert result.returncode == 0, result.stderr
    for row in patches.REGISTRY.values():
        assert f" {row.name}  [" in result.stdout
        assert f"changes: {row.changes}" in result.stdout and f"undo:    {row.undo}" in result.stdout
    # a fresh process has applied only what `import compat` itself does
    applied = [line.split("  [")[0][2:] for line in result.stdout.splitlines() if line.startswith("* ")]
    assert applied == ["TF_USE_LEGACY_KERAS"]
