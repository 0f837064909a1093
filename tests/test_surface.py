"""The TF 1.15 public surface under the runtime: the name list, the coverage sweep, and how a name that is not served
fails inside a script run by the runner (the runtime's own AttributeError, an ImportError in an import statement),
and an era-style script whose served names must compute what TF 1 computed."""
import json
import re

import numpy as np
import pytest

from compat import coverage, namespace

TF = namespace.root("tf", "tf1")


# --- the name list ---------------------------------------------------------------------------------------------
def test_surface_lists_tf115_core_and_contrib_names():
    names = coverage.surface()
    assert len(names) == len(set(names)) > 5000
    contrib_modules = {n for n in names if re.fullmatch(r"tf\.contrib\.\w+", n)}
    assert len(contrib_modules) >= 73 and {"tf.contrib.slim", "tf.contrib.tpu", "tf.contrib.gan"} - contrib_modules \
        == {"tf.contrib.gan"}  # contrib.gan left the tree for tensorflow_gan before 1.15
    for name in ("tf.Session", "tf.placeholder", "tf.nn.rnn_cell.BasicLSTMCell", "tf.estimator.Estimator",
                 "tf.keras.layers.Dense", "tf.contrib.layers.batch_norm", "tf.contrib.rnn.static_rnn",
                 "tf.contrib.framework.list_variables", "tf.contrib.signal.stft"):
        assert name in names
    assert not [n for n in names if n.startswith(("tf.compat.v1.", "tf.compat.v2."))]
    assert "tf.mul" not in names  # a 0.x name: gone from TF 1.0 on
    with open(coverage.API_LIST, encoding="utf-8") as handle:
        assert handle.readline().startswith("#")  # the header says where the names came from


def test_family_of_a_name():
    assert coverage.family("tf.contrib.rnn.static_rnn") == "tf.contrib.rnn"
    assert coverage.family("tf.nn.relu") == "tf.nn" and coverage.family("tf.Session") == "tf"


# --- classification -------------------------------------------------------------------------------------------
def test_classify_served_dead_end_generic_and_raw():
    assert coverage.classify("tf.nn.relu", TF) == coverage.Outcome("tf.nn.relu", "served", "tensorflow.compat.v1")
    assert coverage.classify("tf.contrib.layers.conv2d", TF).by == "tf_slim"
    tpu = coverage.classify("tf.contrib.tpu.TPUEstimator", TF)
    assert (tpu.kind, tpu.by) == ("dead end", "tf.contrib.tpu")
    assert coverage.classify("tf.contrib.no_such_module", TF).kind == "generic"

    class Broken:
        def __getattr__(self, attr):
            raise RuntimeError("a library failing its own way")

    raw = coverage.classify("tf.anything", Broken())
    assert (raw.kind, raw.by) == ("raw", "builtins.RuntimeError")


def test_coverage_report_has_no_raw_error_and_covers_95_percent(compat_run):
    result = compat_run("explain", "--coverage", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    header = re.search(r"^family\s+served\s+dead end\s+generic\s+raw\s+covered$", result.stdout, re.M)
    total = re.search(r"^all\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+", result.stdout, re.M)
    assert header and total, result.stdout[:2000]
    served, dead, generic, raw = map(int, total.groups())
    assert raw == 0, result.stdout[-3000:]
    assert served + dead + generic == len(coverage.surface())
    assert (served + dead) / len(coverage.surface()) >= 0.95
    for family in ("tf.contrib.tpu", "tf.contrib.rnn", "tf.nn", "tf.estimator"):
        assert re.search(rf"^{re.escape(family)}\s+\d+", result.stdout, re.M)


# --- misses inside a script, through the runner ----------------------------------------------------------------
FALLBACKS = '''\
import tensorflow as tf
try:
    from tensorflow.contrib.rnn import NoSuchCell
except ImportError as e:
    print("fallback-1", type(e).__name__, e)
try:
    import tensorflow.contrib.tpu as tpu
except ImportError as e:
    print("fallback-2", type(e).__name__, e)
try:
    from tensorflow.python.ops.no_such_module import thing
except ImportError as e:
    print("fallback-3", type(e).__name__, e)
from tensorflow.python.ops.rnn_cell import BasicLSTMCell
print("cell", BasicLSTMCell(4).state_size)
print("hasattr", hasattr(tf.contrib.layers, "no_such_layer"))
try:
    tf.contrib.framework.no_such_function
except AttributeError as e:
    print("attribute", type(e).__name__, e)
'''


def test_failed_imports_are_import_errors_and_misses_are_the_runtimes(compat_run, tmp_path):
    script = tmp_path / "fallbacks.py"
    script.write_text(FALLBACKS)
    result = compat_run("run", script)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["fallback-1"].startswith("ModuleNotFoundError tf.contrib.rnn.NoSuchCell has no mapping")
    assert "ModuleNotFoundError tf.contrib.tpu" in lines["fallback-2"]
    assert "TF 2.0" in lines["fallback-2"] and "tf.distribute.TPUStrategy" in lines["fallback-2"]
    assert lines["fallback-3"].startswith("ModuleNotFoundError tf.python.ops.no_such_module has no mapping")
    assert lines["cell"] == "LSTMStateTuple(c=4, h=4)" and lines["hasattr"] == "False"
    assert lines["attribute"].startswith("UnknownEraName tf.contrib.framework.no_such_function has no mapping")


def test_uncaught_miss_stops_the_script_with_the_runtimes_message(compat_run, tmp_path):
    script = tmp_path / "miss.py"
    script.write_text("import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 3])\n"
                      "dist = tf.contrib.bayesflow.monte_carlo\n")
    result = compat_run("run", script)
    assert result.returncode == 1
    assert "tf.contrib.bayesflow is not served" in result.stderr and "tensorflow_probability" in result.stderr
    assert "AttributeError: module" not in result.stderr  # never the library's own error


# --- a 2016-style script through the runner: the served names compute what they computed then ---------------------
ERA_SCRIPT = '''\
from __future__ import print_function
import json

import numpy as np
import scipy.misc
import tensorflow as tf
from six.moves import xrange

x = tf.placeholder(tf.float32, [2, 3])
cond = tf.placeholder(tf.bool, [2])
picked = tf.select(cond, x, tf.neg(x))
both = tf.concat(1, [x, tf.mul(x, 2.0)])
halves = tf.split(1, 3, x)
packed = tf.pack([x, x])
prod = tf.batch_matmul(packed, tf.transpose(packed, [0, 2, 1]))
ce = tf.nn.sigmoid_cross_entropy_with_logits(x, tf.ones_like(x))
fc = tf.contrib.layers.fully_connected(x, 4, weights_initializer=tf.constant_initializer(0.5))
dense = tf.layers.dense(x, 2, kernel_initializer=tf.ones_initializer())
w = tf.Variable(1.0)
train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w))

sess = tf.Session()
sess.run(tf.initialize_all_variables())
feed = {x: np.arange(6, dtype=np.float).reshape(2, 3) - 2.5, cond: [True, False]}
for _ in xrange(3):
    sess.run(train)
out = sess.run({"picked": picked, "both": both, "half": halves[1], "prod": prod, "ce": ce, "fc": fc,
                "dense": dense}, feed)
out["w"] = sess.run(w)
scipy.misc.imsave("grid.png", np.arange(16, dtype=np.float).reshape(4, 4))
out["png"] = scipy.misc.imread("grid.png")
print(json.dumps({k: np.asarray(v).tolist() for k, v in out.items()}))
'''


def test_2016_style_script_computes_what_tf1_computed(compat_run, tmp_path):
    script = tmp_path / "era_2016.py"
    script.write_text(ERA_SCRIPT)
    result = compat_run("run", script)
    assert result.returncode == 0, result.stderr[-3000:]
    got = {k: np.array(v) for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}
    x = np.arange(6.0).reshape(2, 3) - 2.5
    np.testing.assert_allclose(got["picked"], np.stack([x[0], -x[1]]))  # a rank-1 condition picks rows
    np.testing.assert_allclose(got["both"], np.concatenate([x, 2 * x], 1))
    np.testing.assert_allclose(got["half"], x[:, 1:2])
    np.testing.assert_allclose(got["prod"], np.stack([x @ x.T] * 2), rtol=1e-6)
    np.testing.assert_allclose(got["ce"], np.maximum(x, 0) - x + np.log1p(np.exp(-np.abs(x))), rtol=1e-6)
    np.testing.assert_allclose(got["fc"], np.maximum(x @ np.full((3, 4), 0.5), 0), rtol=1e-6)  # relu default
    np.testing.assert_allclose(got["dense"], x @ np.ones((3, 2)), rtol=1e-6)
    assert got["w"] == pytest.approx(0.8 ** 3, rel=1e-6)  # w <- w - 0.1 * 2w, three times
    np.testing.assert_array_equal(got["png"], np.arange(16).reshape(4, 4) * 17)  # bytescaled by min and max
