"""Tests for compat/slim_repairs.py: each repair makes the tf_slim code path
that needs it work, apply() is idempotent, and a repair leaves TensorFlow
alone where the old name still exists.

"Before" states are simulated in-process by removing the repaired name again
(monkeypatch restores it afterwards); one subprocess test shows the real
failure on a fresh interpreter that never ran the repairs.

Every graph is built inside its own tf.Graph().as_default(), which is TF1
graph mode; tf.compat.v1.disable_eager_execution() is process-wide and would
leak into the other test modules, so only the subprocess test calls it, the
way the era runtime does for a script.
"""

import importlib
import json
import os
import pathlib
import subprocess
import sys
import types

import numpy as np
import pytest
import tensorflow as tf

from compat import slim_repairs

slim_repairs.apply()
import tf_slim as slim  # noqa: E402
from tf_slim.data import tfexample_decoder  # noqa: E402
from tf_slim.layers import utils as slim_layer_utils  # noqa: E402
from tf_slim.losses import metric_learning  # noqa: E402
from tf_slim.metrics import histogram_ops  # noqa: E402

tf1 = tf.compat.v1

REPO = pathlib.Path(__file__).resolve().parents[1]

# Where TF 2.21 keeps each object whose old name tf_slim reads:
# repair name -> (old module, old attribute, new module, new attribute).
ATTRIBUTE_REPAIRS = {
    "ops.Tensor": ("tensorflow.python.framework.ops", "Tensor",
                   "tensorflow.python.framework.tensor", "Tensor"),
    "ops.IndexedSlices": ("tensorflow.python.framework.ops", "IndexedSlices",
                          "tensorflow.python.framework.indexed_slices",
                          "IndexedSlices"),
    "control_flow_ops.cond": ("tensorflow.python.ops.control_flow_ops", "cond",
                              "tensorflow.python.ops.cond", "cond"),
    "control_flow_ops.case": ("tensorflow.python.ops.control_flow_ops", "case",
                              "tensorflow.python.ops.control_flow_case",
                              "case"),
    "control_flow_ops.while_loop": ("tensorflow.python.ops.control_flow_ops",
                                    "while_loop",
                                    "tensorflow.python.ops.while_loop",
                                    "while_loop"),
    "control_flow_ops.Assert": ("tensorflow.python.ops.control_flow_ops",
                                "Assert",
                                "tensorflow.python.ops.control_flow_assert",
                                "Assert"),
    "array_ops.stack": ("tensorflow.python.ops.array_ops", "stack",
                        "tensorflow.python.ops.array_ops_stack", "stack"),
    "array_ops.unstack": ("tensorflow.python.ops.array_ops", "unstack",
                          "tensorflow.python.ops.array_ops_stack", "unstack"),
    "variable_scope.variable": ("tensorflow.python.ops.variable_scope",
                                "variable",
                                "tensorflow.python.ops.variable_v1",
                                "VariableV1"),
}
LEGACY_LAYERS = "tf_keras.legacy_tf_layers"
LEGACY_LAYERS_NOW = "tf_keras.src.legacy_tf_layers"


def _repair(name):
    return next(r for r in slim_repairs.REPAIRS if r.name == name)


def _run(fetches, feed_dict=None, local_init=False):
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        if local_init:
            sess.run(tf1.local_variables_initializer())
        return sess.run(fetches, feed_dict)


# --- probes: the tf_slim code path each repair exists for -----------------
# Each builds its graph in a fresh tf.Graph and checks a NumPy-computed
# or documented result, so "works" means "gives the right numbers".


def probe_ops_tensor():
    """utils.constant_value isinstance-checks ops.Tensor (is_training)."""
    with tf.Graph().as_default():
        assert slim_layer_utils.constant_value(tf1.constant(7)) == 7
        assert slim_layer_utils.constant_value(
            tf1.placeholder(tf.bool, [])) is None


def probe_ops_indexed_slices():
    """learning.clip_gradient_norms clips sparse (IndexedSlices) gradients."""
    values = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)  # norm 5
    with tf.Graph().as_default():
        grad = tf1.IndexedSlices(tf1.constant(values), tf1.constant([0, 2]),
                                 tf1.constant([3, 2]))
        var = tf1.Variable(np.zeros((3, 2), np.float32))
        [(clipped, _)] = slim.learning.clip_gradient_norms([(grad, var)], 1.0)
        assert isinstance(clipped, tf1.IndexedSlices)
        np.testing.assert_allclose(_run(clipped.values), values / 5.0,
                                   rtol=1e-6)


def probe_control_flow_cond():
    """batch_norm with a placeholder is_training goes through smart_cond."""
    x = np.random.RandomState(1).rand(6, 2, 2, 3).astype(np.float32)
    with tf.Graph().as_default():
        is_training = tf1.placeholder(tf.bool, [])
        out = slim.batch_norm(tf1.constant(x), decay=0.9,
                              is_training=is_training,
                              updates_collections=None)
        moving_mean = tf1.global_variables("BatchNorm/moving_mean")[0]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            # Inference: the initial moving statistics (0, 1) are used.
            np.testing.assert_allclose(
                sess.run(out, {is_training: False}), x / np.sqrt(1 + 1e-3),
                rtol=1e-5)
            np.testing.assert_array_equal(sess.run(moving_mean), 0.0)
            sess.run(out, {is_training: True})
            np.testing.assert_allclose(sess.run(moving_mean),
                                       0.1 * x.mean(axis=(0, 1, 2)), rtol=1e-5)


def probe_control_flow_case():
    """tfexample_decoder.Image picks its decoder with control_flow_ops.case."""
    pixels = np.arange(12, dtype=np.uint8).reshape(3, 4, 1) * 20
    with tf.Graph().as_default():
        handler = tfexample_decoder.Image(channels=1)
        decoded = handler.tensors_to_item({
            "image/encoded": tf1.image.encode_png(tf1.constant(pixels)),
            "image/format": tf1.constant("png"),
        })
        np.testing.assert_array_equal(_run(decoded), pixels)


def probe_control_flow_while_loop():
    """metric_learning.compute_gt_cluster_score loops over classes."""
    points = np.array([0.0, 1.0, 3.0, 10.0, 10.5], np.float32)
    labels = np.array([0, 0, 0, 1, 1])
    distances = np.abs(points[:, None] - points[None, :])
    # Documented score: minus the sum, over classes, of the smallest total
    # within-class distance from one member to all the others.
    expected = -sum(distances[np.ix_(labels == c, labels == c)].sum(0).min()
                    for c in (0, 1))
    with tf.Graph().as_default():
        score = metric_learning.compute_gt_cluster_score(
            tf1.constant(distances), tf1.constant(labels))
        np.testing.assert_allclose(_run(score), expected, rtol=1e-6)


def probe_control_flow_assert():
    """histogram_ops.auc_using_histogram asserts its inputs are rank 1."""
    with tf.Graph().as_default():
        labels = tf1.constant([False, False, True, True])
        scores = tf1.constant([0.1, 0.2, 0.8, 0.9])
        auc, update = histogram_ops.auc_using_histogram(
            labels, scores, score_range=[0.0, 1.0])
        with tf1.Session() as sess:
            sess.run(tf1.local_variables_initializer())
            sess.run(update)
            # Perfectly separated scores: AUC 1 up to the histogram binning.
            assert sess.run(auc) > 0.98


def probe_array_ops_stack():
    """legacy_fully_connected rebuilds a rank-3 output shape with stack."""
    x = np.random.RandomState(0).rand(2, 3, 4).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.legacy_fully_connected(tf1.constant(x), 5)
        weights = tf1.global_variables("fully_connected/weights")[0]
        out, w = _run([y, weights])
        assert out.shape == (2, 3, 5)
        np.testing.assert_allclose(out, x @ w, rtol=1e-5, atol=1e-6)


def probe_variable_scope_variable():
    """slim.local_variable / global_variable build TF1 variables."""
    with tf.Graph().as_default():
        local = slim.local_variable([1.0, 2.0], name="counts")
        global_ = slim.global_variable([3.0], name="total")
        assert local in tf1.local_variables()
        assert local not in tf1.global_variables()
        assert global_ in tf1.global_variables()
        assert not tf1.trainable_variables()
        with tf1.Session() as sess:
            sess.run([tf1.local_variables_initializer(),
                      tf1.global_variables_initializer()])
            np.testing.assert_array_equal(sess.run(local), [1.0, 2.0])


def probe_legacy_tf_layers():
    """slim.batch_norm (layer-class path) builds and normalises."""
    x = np.random.RandomState(0).rand(6, 2, 2, 3).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.batch_norm(tf1.constant(x), is_training=True)
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        np.testing.assert_allclose(_run(y), (x - mean) / np.sqrt(var + 1e-3),
                                   rtol=1e-4, atol=1e-5)


PROBES = {
    "tf_keras.legacy_tf_layers": probe_legacy_tf_layers,
    "ops.Tensor": probe_ops_tensor,
    "ops.IndexedSlices": probe_ops_indexed_slices,
    "control_flow_ops.cond": probe_control_flow_cond,
    "control_flow_ops.case": probe_control_flow_case,
    "control_flow_ops.while_loop": probe_control_flow_while_loop,
    "control_flow_ops.Assert": probe_control_flow_assert,
    "array_ops.stack": probe_array_ops_stack,
    "array_ops.unstack": probe_array_ops_stack,
    "variable_scope.variable": probe_variable_scope_variable,
}


def test_every_repair_is_listed_with_a_probe_and_a_docstring():
    names = [r.name for r in slim_repairs.REPAIRS]
    assert len(names) == len(set(names))
    assert set(names) == set(PROBES)
    assert set(names) == set(ATTRIBUTE_REPAIRS) | {LEGACY_LAYERS}
    for repair in slim_repairs.REPAIRS:
        doc = repair.install.__doc__
        # The docstring names what broke and what the repair does.
        assert "What broke" in doc and "Repair:" in doc, repair.name
        assert repair.summary and repair.summary in doc


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_works_after_apply(name):
    PROBES[name]()


@pytest.mark.parametrize("name", sorted(ATTRIBUTE_REPAIRS))
def test_attribute_repair_before_and_after(name, monkeypatch):
    old_module, old_attr, new_module, new_attr = ATTRIBUTE_REPAIRS[name]
    module = importlib.import_module(old_module)
    monkeypatch.delattr(module, old_attr)  # the state TF 2.21 ships in
    with pytest.raises(AttributeError, match=old_attr):
        PROBES[name]()

    assert _repair(name).install() == slim_repairs.INSTALLED
    # An alias to TF's own object, not a reimplementation.
    real = getattr(importlib.import_module(new_module), new_attr)
    assert getattr(module, old_attr) is real
    PROBES[name]()


def test_legacy_layers_repair_before_and_after(monkeypatch):
    import tf_keras

    for key in [k for k in sys.modules if k.startswith(LEGACY_LAYERS)]:
        monkeypatch.delitem(sys.modules, key)
    monkeypatch.delattr(tf_keras, "legacy_tf_layers", raising=False)
    # The exact import TF's lazy loader in tensorflow/python/layers/
    # normalization.py performs on first use of BatchNormalization.
    with pytest.raises(ModuleNotFoundError, match=LEGACY_LAYERS):
        importlib.import_module(LEGACY_LAYERS + ".normalization")

    assert _repair(LEGACY_LAYERS).install() == slim_repairs.INSTALLED
    normalization = importlib.import_module(LEGACY_LAYERS + ".normalization")
    assert normalization is sys.modules[LEGACY_LAYERS_NOW + ".normalization"]
    assert (normalization.BatchNormalization
            is tf1.layers.BatchNormalization)
    # Every submodule is the existing module, never a second copy.
    for sub in ("base", "convolutional", "core", "pooling"):
        assert (importlib.import_module(LEGACY_LAYERS + "." + sub)
                is importlib.import_module(LEGACY_LAYERS_NOW + "." + sub))
    probe_legacy_tf_layers()


def test_apply_twice_is_harmless():
    first = slim_repairs.apply()
    objects = {name: getattr(importlib.import_module(m), a)
               for name, (m, a, _, _) in ATTRIBUTE_REPAIRS.items()}
    package = sys.modules[LEGACY_LAYERS]

    second = slim_repairs.apply()
    assert second == first
    assert [r.state for r in slim_repairs.REPAIRS] == [s for _, s in first]
    for name, (m, a, _, _) in ATTRIBUTE_REPAIRS.items():
        assert getattr(importlib.import_module(m), a) is objects[name]
    assert sys.modules[LEGACY_LAYERS] is package
    PROBES["tf_keras.legacy_tf_layers"]()


@pytest.mark.parametrize("name", sorted(ATTRIBUTE_REPAIRS))
def test_attribute_repair_is_a_no_op_when_tf_has_the_name(name, monkeypatch):
    old_module, old_attr, _, _ = ATTRIBUTE_REPAIRS[name]
    module = importlib.import_module(old_module)
    kept = object()  # stands for the name a TF release still ships
    monkeypatch.setattr(module, old_attr, kept)

    assert _repair(name).install() == slim_repairs.NOT_NEEDED
    assert getattr(module, old_attr) is kept


def test_legacy_layers_repair_is_a_no_op_when_the_package_exists(monkeypatch):
    present = types.ModuleType(LEGACY_LAYERS)
    monkeypatch.setitem(sys.modules, LEGACY_LAYERS, present)

    assert _repair(LEGACY_LAYERS).install() == slim_repairs.NOT_NEEDED
    assert sys.modules[LEGACY_LAYERS] is present


def test_missing_tf_keras_gives_a_clear_error_and_aliases_nothing(monkeypatch):
    for key in [k for k in sys.modules if k.startswith(LEGACY_LAYERS)]:
        monkeypatch.delitem(sys.modules, key)
    # None in sys.modules makes `import` fail as if the package were absent.
    monkeypatch.setitem(sys.modules, LEGACY_LAYERS_NOW, None)

    with pytest.raises(ImportError, match=r"tf_keras\.src\.legacy_tf_layers"
                       r"[\s\S]*TF_USE_LEGACY_KERAS=1"):
        slim_repairs.apply()
    assert LEGACY_LAYERS not in sys.modules


FRESH_INTERPRETER = r"""
import json, sys
import numpy as np
import tensorflow as tf
tf1 = tf.compat.v1
import tf_slim as slim  # importing tf_slim alone does not fail

x = np.random.RandomState(0).rand(4, 2, 2, 3).astype(np.float32)

def batch_norm():
    # Default (fused layer) path: the output, then moving_variance after the
    # UPDATE_OPS ran once with decay 0.5.
    with tf.Graph().as_default():
        out = slim.batch_norm(tf1.constant(x), decay=0.5, is_training=True)
        updates = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
        moving_variance = tf1.global_variables("BatchNorm/moving_variance")[0]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            result = sess.run(out)
            sess.run(updates)
            return result, sess.run(moving_variance)

def in_place_batch_norm():
    with tf.Graph().as_default():
        flag = tf1.placeholder(tf.bool, [])
        out = slim.batch_norm(tf1.constant(x), is_training=flag,
                              updates_collections=None)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return sess.run(out, {flag: False})

errors = []
for build in (batch_norm, in_place_batch_norm):
    try:
        build()
    except (AttributeError, ImportError) as error:
        errors.append("%s: %s" % (type(error).__name__, error))

sys.path.insert(0, sys.argv[1])
from compat import slim_repairs  # applied only after tf_slim was imported
states = slim_repairs.apply()
ref = (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + 1e-3)
out, moving_variance = batch_norm()
# The fused kernel's batch variance carries Bessel's correction n / (n - 1).
n = x.size // 3
ref_variance = 0.5 + 0.5 * x.var((0, 1, 2)) * n / (n - 1)
print(json.dumps({
    "errors": errors,
    "states": states,
    "batch_norm_error": float(np.abs(out - ref).max()),
    "moving_variance_error": float(
        np.abs(moving_variance / ref_variance - 1).max()),
    "inference_error": float(
        np.abs(in_place_batch_norm() - x / np.sqrt(1 + 1e-3)).max()),
}))
"""


def test_fresh_interpreter_fails_without_repairs_and_works_after():
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run(
        [sys.executable, "-c", FRESH_INTERPRETER, str(REPO)],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["errors"] == [
        "ModuleNotFoundError: No module named 'tf_keras.legacy_tf_layers'",
        "AttributeError: module 'tensorflow.python.framework.ops' has no "
        "attribute 'Tensor'",
    ]
    # On the pinned TF 2.21 every repair is needed: none is dead code.
    assert dict(result["states"]) == {
        r.name: slim_repairs.INSTALLED for r in slim_repairs.REPAIRS}
    assert result["batch_norm_error"] < 1e-4
    assert result["moving_variance_error"] < 1e-5
    assert result["inference_error"] < 1e-5


# --- `import tf_slim` wherever the era runtime is active --------------------
# An era-style script of ours: tf_slim's in-place batch norm (updates_collections=None) with
# is_training fed at run time, checked against NumPy's formulas for TF1's batch norm.
SLIM_SCRIPT = """\
import numpy as np
import tensorflow as tf
import tf_slim as slim

x = np.random.RandomState(0).rand(8, 3).astype(np.float32)
inputs = tf.placeholder(tf.float32, [8, 3])
is_training = tf.placeholder(tf.bool, [])
out = slim.batch_norm(inputs, decay=0.5, is_training=is_training, updates_collections=None)
moving_mean = slim.get_variables_by_name("moving_mean")[0]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    trained = sess.run(out, {inputs: x, is_training: True})
    print("train_error %g" % np.abs(trained - (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)).max())
    print("moving_mean_error %g" % np.abs(sess.run(moving_mean) - 0.5 * x.mean(0)).max())
"""


def _errors(stdout):
    return {line.split()[0]: float(line.split()[1]) for line in stdout.splitlines() if "_error " in line}


@pytest.mark.parametrize("how", ["runner", "import compat.v1"])
def test_import_tf_slim_works_under_the_runner_and_after_import_compat_v1(how, tmp_path, compat_run):
    script = tmp_path / "slim_bn.py"
    if how == "runner":
        script.write_text(SLIM_SCRIPT)
        done = compat_run("run", script)
    else:
        script.write_text(SLIM_SCRIPT.replace("import tensorflow as tf", "import compat.v1 as tf"))
        env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}  # compat sets it itself
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                              cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-3000:]
    errors = _errors(done.stdout)
    assert set(errors) == {"train_error", "moving_mean_error"}
    assert errors["train_error"] < 1e-5 and errors["moving_mean_error"] < 1e-6


def test_a_script_that_never_imports_tf_slim_gets_no_repairs(tmp_path, compat_run):
    script = tmp_path / "plain.py"
    script.write_text("import sys\nimport tensorflow as tf\n"
                      "from tensorflow.python.framework import ops\n"
                      "print('tf_slim' in sys.modules, hasattr(ops, 'Tensor'))\n")
    done = compat_run("run", script)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["False", "False"]
