"""explain and era detection on small era-style scripts of our own: encodings, siblings, aliases, changed meanings.

What TF 1.15 and TF 2 did is checked against NumPy expectations (dropout's kept fraction and scale), against the
installed TensorFlow's live API (the static index), and by running scripts through the runner in a subprocess.
"""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from compat import api_index, explain, table

from conftest import REPO as _REPO  # noqa: E402

REPO = str(_REPO)
LEGACY = os.path.join(REPO, "legacy")


def write(folder, name, text, encoding="utf-8", prefix=b""):
    path = folder / name
    path.write_bytes(prefix + textwrap.dedent(text).encode(encoding))
    return path


def names(script):
    return {item.name: item for item in explain.explain(str(script)).items}


def lines_of(item):
    return [line for _, line in item.lines]


# --- reading sources as Python does ----------------------------------------------------------------------------

LATIN1_SCRIPT = """\
    # -*- coding: latin-1 -*-
    # Auteur : Jérôme, été 2016
    import tensorflow as tf

    titre = "réseau très simple"
    x = tf.placeholder(tf.float32, [2])
    y = tf.mul(x, 3.0)
    with tf.Session() as sess:
        print(len(titre), sess.run(y, {x: [1.0, 2.0]}).tolist())
"""


def test_latin1_script_with_coding_line_is_scanned(tmp_path):
    script = write(tmp_path, "latin.py", LATIN1_SCRIPT, encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):  # the bytes are not UTF-8: a naive reader fails here
        script.read_text(encoding="utf-8")
    assert explain.detect_era(str(script)) == "tf1"
    assert {"tf.placeholder", "tf.mul", "tf.Session"} <= set(names(script))


def test_latin1_script_runs_through_the_runner(tmp_path, compat_run):
    script = write(tmp_path, "latin.py", LATIN1_SCRIPT, encoding="latin-1")
    result = compat_run("run", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "18 [3.0, 6.0]"  # 18 characters decoded as Latin-1, TF1 graph result


def test_utf8_bom_script_is_scanned(tmp_path):
    script = write(tmp_path, "bom.py", """\
        import tensorflow as tf
        z = tf.random_normal([4, 100])
        """, prefix=b"\xef\xbb\xbf")
    assert explain.detect_era(str(script)) == "tf1"
    assert lines_of(names(script)["tf.random_normal"]) == [2]


def test_unparseable_script_gets_pythons_error_not_ours(tmp_path, compat_run):
    script = write(tmp_path, "broken.py", "import tensorflow as tf\nprint 'hello'\n")
    assert explain.detect_era(str(script)) == "tf2"  # detection never raises; Python reports the script
    result = compat_run("explain", script)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "cannot read" in result.stderr


# --- sibling modules -------------------------------------------------------------------------------------------

def make_sibling_project(folder):
    write(folder, "ops.py", """\
        import tensorflow as tf

        def dense(x, n, name):
            with tf.variable_scope(name):
                w = tf.get_variable("w", [int(x.shape[1]), n])
                return tf.matmul(x, w)
        """)
    write(folder, "py2_helpers.py", """\
        def show(x):
            print "value:", x
        """)
    write(folder, "notes_py2.py", "print 'never imported at all'\n")
    return write(folder, "train.py", """\
        import sys
        import tensorflow as tf
        import numpy as np
        import ops
        if sys.version_info[0] < 3:
            import py2_helpers  # the Python 2 path: never taken on Python 3

        x = tf.placeholder(tf.float32, [None, 3])
        y = ops.dense(x, 2, "fc")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            print(sess.run(y, {x: np.ones((4, 3))}).shape)
        """)


def test_unparseable_sibling_is_skipped_and_named(tmp_path):
    script = make_sibling_project(tmp_path)
    assert explain.detect_era(str(script)) == "tf1"
    report = explain.explain(str(script))
    assert [os.path.basename(p) for p, _ in report.skipped] == ["py2_helpers.py"]  # notes_py2.py is never read
    assert "does not parse (line 2" in report.skipped[0][1]
    found = {item.name: item for item in report.items}
    assert os.path.basename(found["tf.get_variable"].lines[0][0]) == "ops.py"
    text = explain.format_report(str(script), report)
    assert "skipped py2_helpers.py: does not parse" in text


def test_script_with_unparseable_sibling_runs_through_the_runner(tmp_path, compat_run):
    script = make_sibling_project(tmp_path)
    result = compat_run("run", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("\n")[-1] == "(4, 2)"


# --- imports and aliases ---------------------------------------------------------------------------------------

def test_from_contrib_import_slim_is_tf1(tmp_path):
    script = write(tmp_path, "slim_net.py", """\
        import tensorflow as tf
        from tensorflow.contrib import slim

        def net(x):
            h = slim.conv2d(x, 8, [3, 3], scope="c1")
            return slim.fully_connected(slim.flatten(h), 10, activation_fn=None)
        """)
    assert explain.detect_era(str(script)) == "tf1"
    found = names(script)
    assert {"tf.contrib.slim", "tf.contrib.slim.conv2d", "tf.contrib.slim.fully_connected"} <= set(found)
    assert found["tf.contrib.slim.conv2d"].row.name == "tf.contrib.slim"  # nearest entry: served by tf_slim


def test_assigned_aliases_are_followed(tmp_path):
    script = write(tmp_path, "aliases.py", """\
        import tensorflow as tf
        tfe = tf.contrib.eager
        slim = tf.contrib.slim
        layers = tf.layers

        tfe.enable_eager_execution()
        v = tfe.Variable(1.0)
        h = layers.dense(tf.ones([2, 3]), 4)
        g = slim.batch_norm(h)
        """)
    found = names(script)
    assert lines_of(found["tf.contrib.eager.enable_eager_execution"]) == [6]
    assert lines_of(found["tf.contrib.eager.Variable"]) == [7]
    assert found["tf.layers.dense"].row.name == "tf.layers.dense"
    assert "tf.contrib.slim.batch_norm" in found
    assert not any(name.startswith(("tfe.", "layers.", "slim.")) for name in found)


def test_alias_rebound_in_an_import_fallback_is_kept(tmp_path):
    script = write(tmp_path, "fallback.py", """\
        try:
            import tensorflow.contrib.slim as slim
        except ImportError:
            slim = None
        net = slim.conv2d
        """)
    assert "tf.contrib.slim.conv2d" in names(script)


def test_numpy_and_scipy_misc_names_under_their_aliases(tmp_path):
    script = write(tmp_path, "images.py", """\
        import numpy as np
        import scipy.misc as sm
        from scipy import misc
        from scipy.misc import imresize

        grid = np.zeros((8, 8), dtype=np.float)
        misc.imsave("grid.png", grid)
        small = sm.imresize(grid, (4, 4))
        big = imresize(grid, (16, 16))
        ok = np.float32(1.0)
        r = np.rank(grid)
        """)
    found = names(script)
    assert found["np.rank"].status == "unknown"  # removed from NumPy, no table row: still named
    assert found["np.float"].row.removed.startswith("NumPy 1.24")
    assert lines_of(found["scipy.misc.imsave"]) == [7]
    assert lines_of(found["scipy.misc.imresize"]) == [4, 8, 9]  # the from-import, the alias, the bare call
    assert "np.float32" not in found and "np.zeros" not in found


# --- TF 0.x argument orders: flagged only where the call uses them ----------------------------------------------

def test_old_argument_order_flagged_only_where_used(tmp_path):
    script = write(tmp_path, "orders.py", """\
        import tensorflow as tf
        a = tf.ones([2, 3])
        modern = tf.concat([a, a], 1)
        modern_kw = tf.concat([a, a], axis=-1)
        old = tf.concat(1, [a, a])
        old_neg = tf.concat(-1, [a, a])
        parts = tf.split(a, 3, 1)
        old_parts = tf.split(1, 3, a)
        loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=a, logits=a)
        old_loss = tf.nn.sigmoid_cross_entropy_with_logits(a, a)
        old_kw = tf.nn.sigmoid_cross_entropy_with_logits(logits=a, targets=a)
        xent = tf.nn.softmax_cross_entropy_with_logits(labels=a, logits=a)
        old_xent = tf.nn.softmax_cross_entropy_with_logits(a, a)
        """)
    found = names(script)
    assert lines_of(found["tf.nn.softmax_cross_entropy_with_logits"]) == [13]
    assert found["tf.nn.softmax_cross_entropy_with_logits"].old_order.old == "softmax_cross_entropy_with_logits(logits, labels)"
    assert lines_of(found["tf.concat"]) == [5, 6]
    assert found["tf.concat"].old_order.old == "concat(concat_dim, values)"
    assert lines_of(found["tf.split"]) == [8]
    assert lines_of(found["tf.nn.sigmoid_cross_entropy_with_logits"]) == [10, 11]


def test_modern_order_only_is_not_listed(tmp_path):
    script = write(tmp_path, "modern.py", """\
        import tensorflow as tf
        a = tf.ones([2, 3])
        b = tf.concat([a, a], axis=0)
        c = tf.split(b, 2)
        """)
    assert names(script) == {}
    assert explain.detect_era(str(script)) == "tf2"


# --- changed meanings ------------------------------------------------------------------------------------------

def test_dropout_keep_prob_calls_are_flagged(tmp_path):
    script = write(tmp_path, "drop.py", """\
        import tensorflow as tf
        from tensorflow.nn import dropout
        keep_prob = tf.placeholder(tf.float32)
        h = tf.ones([4, 8])
        a = tf.nn.dropout(h, 0.75)
        b = tf.nn.dropout(h, keep_prob)
        c = tf.nn.dropout(h, rate=0.25)
        d = dropout(h, 0.5)
        """)
    item = names(script)["tf.nn.dropout"]
    assert item.status == "changed" and lines_of(item) == [5, 6, 8]
    assert "keep" in item.changed[0].era.lower() and "rate" in item.changed[0].today
    assert "changed:  TF 1: dropout(x, keep_prob)" in explain.format_report(str(script), explain.explain(str(script)))


def test_keyword_and_default_conditions(tmp_path):
    script = write(tmp_path, "kw.py", """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [3, 4])
        s1 = tf.reduce_sum(x, 1, keep_dims=True)
        s2 = tf.reduce_sum(x, 1, keepdims=True)
        i1 = tf.random_normal_initializer()
        i2 = tf.random_normal_initializer(0.0, 0.02)
        i3 = tf.random_normal_initializer(stddev=0.02)
        from keras.layers import Convolution2D
        c1 = Convolution2D(32, 5, 5)
        c2 = Convolution2D(32, (5, 5))
        """)
    found = names(script)
    assert [n for _, n in found["keras.layers.Convolution2D"].changed_lines] == [9]  # c1 only
    assert found["keras.layers.Convolution2D"].changed[0].positional == 2
    assert lines_of(found["tf.reduce_sum"]) == [3]
    assert lines_of(found["tf.random_normal_initializer"]) == [5]


def test_tf2_script_calls_are_not_read_as_tf1(tmp_path):
    script = write(tmp_path, "eager.py", """\
        import tensorflow as tf
        h = tf.nn.dropout(tf.ones([4, 8]), 0.3)
        s = tf.reduce_sum(h, 1, keep_dims=True)
        opt = tf.keras.optimizers.Adam(lr=0.001)
        """)
    assert explain.detect_era(str(script)) == "tf2"
    found = names(script)
    assert "tf.nn.dropout" not in found  # a TF 2 script's second argument already is the rate
    assert lines_of(found["tf.reduce_sum"]) == [3]  # a renamed keyword fails in either era
    assert [n for _, n in found["tf.keras.optimizers.Adam"].changed_lines] == [4]


DROPOUT_PROGRAM = """
import numpy as np
{setup}
x = tf.ones([400, 500])
{graph}
kept = values != 0
print(float(kept.mean()), float(values[kept].min()), float(values[kept].max()))
"""


def kept_fraction_and_scale(setup, graph):
    code = DROPOUT_PROGRAM.format(setup=setup, graph=graph)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": REPO})
    assert result.returncode == 0, result.stderr
    return [float(v) for v in result.stdout.split()]


@pytest.mark.slow
def test_dropout_second_argument_means_keep_in_tf1_and_drop_in_tf2():
    n = 400 * 500
    tolerance = 6 * np.sqrt(0.75 * 0.25 / n)  # six binomial standard deviations of the kept fraction
    fraction, low, high = kept_fraction_and_scale(
        "import compat.v1 as tf", "values = tf.Session().run(tf.nn.dropout(x, 0.75, seed=1))")
    assert abs(fraction - 0.75) < tolerance  # TF 1.15: 0.75 is keep_prob
    assert np.isclose(low, 1 / 0.75) and np.isclose(high, 1 / 0.75)  # kept values scaled by 1/keep_prob
    fraction, low, high = kept_fraction_and_scale(
        "import tensorflow as tf", "values = tf.nn.dropout(x, rate=0.75, seed=1).numpy()")
    assert abs(fraction - 0.25) < tolerance  # TF 2: the same number is the drop rate
    assert np.isclose(low, 4.0) and np.isclose(high, 4.0)  # scaled by 1/(1 - rate)


MEANINGS_PROGRAM = """
import json
import numpy as np
import tensorflow as tf

v1, out = tf.compat.v1, {}
cond, x, y = tf.constant([True, False]), tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.zeros([2, 2])
out["tf.where"] = [v1.where(cond, x, y).numpy().tolist(), tf.where(cond, x, y).numpy().tolist()]
image = tf.constant([[[[0.0], [1.0]]]])
out["tf.image.resize"] = [v1.image.resize(image, [1, 4]).numpy().ravel().tolist(),
                          tf.image.resize(image, [1, 4]).numpy().ravel().tolist()]
labels, logits = tf.Variable([[0.2, 0.8]]), tf.constant([[1.0, 3.0]])
grads = []
for fn in (v1.nn.softmax_cross_entropy_with_logits, tf.nn.softmax_cross_entropy_with_logits):
    with tf.GradientTape() as tape:
        loss = fn(labels=labels, logits=logits)
    grad = tape.gradient(loss, labels)
    grads.append(None if grad is None else grad.numpy().tolist())
out["tf.nn.softmax_cross_entropy_with_logits"] = grads
out["positional xent"] = tf.nn.softmax_cross_entropy_with_logits(logits, [[0.2, 0.8]]).numpy().tolist()
t = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]], np.float32)
out["tf.losses.mean_squared_error"] = [v1.losses.mean_squared_error(t, 0 * t).numpy().tolist(),
                                       tf.losses.mean_squared_error(t, 0 * t).numpy().tolist()]
out["tf.random_normal_initializer"] = [float(np.std(make(seed=1)([200, 500]).numpy()))
                                       for make in (v1.random_normal_initializer, tf.random_normal_initializer)]
out["tf.random_uniform_initializer"] = [[float(f(make(seed=1)([200, 500]).numpy())) for f in (np.min, np.max)]
                                        for make in (v1.random_uniform_initializer, tf.random_uniform_initializer)]
p = tf.constant([[0.1, 0.9], [0.8, 0.2]])
out["tf.nn.in_top_k"] = [v1.nn.in_top_k(p, [1, 1], 1).numpy().tolist(),
                         tf.nn.in_top_k(predictions=p, targets=[1, 1], k=1).numpy().tolist()]
draws = [tf.random.uniform([3], seed=1).numpy() for _ in range(2)]
out["tf.random.uniform"] = [bool((draws[0] == draws[1]).all())]
with tf.Graph().as_default():
    pair = [v1.random_uniform([3], seed=1), v1.random_uniform([3], seed=1)]
    with v1.Session() as session:
        first, second = session.run(pair)
out["tf.random.uniform"].insert(0, bool((first == second).all()))
print(json.dumps(out))
"""


@pytest.mark.slow
def test_changed_meanings_are_real_differences_between_tf1_and_tf2():
    """Each checked row's TF 1 behaviour (tf.compat.v1) and TF 2 behaviour match NumPy expectations."""
    result = subprocess.run([sys.executable, "-c", MEANINGS_PROGRAM], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": REPO})
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert set(got) - {"positional xent"} <= {row.name for row in table.CHANGED_MEANING}
    tf1, tf2 = got["tf.where"]
    assert tf1 == [[1, 2], [0, 0]] and tf2 == [[1, 0], [3, 0]]  # rank-1 cond: rows in TF 1, last axis in TF 2
    tf1, tf2 = got["tf.image.resize"]
    dst = np.arange(4)
    assert np.allclose(tf1, np.clip(dst * 0.5, 0, 1))  # TF 1 grid: src = dst * in / out
    assert np.allclose(tf2, np.clip((dst + 0.5) * 0.5 - 0.5, 0, 1))  # half-pixel centres
    tf1, tf2 = got["tf.nn.softmax_cross_entropy_with_logits"]
    logits = np.array([1.0, 3.0])
    assert tf1 is None  # TF 1: no gradient into labels
    assert np.allclose(tf2, [-(logits - np.log(np.exp(logits).sum()))], atol=1e-6)  # d loss / d labels
    # a TF 0.x call (logits, labels), positional, which TF 1.x refused: TF 2 reads it as (labels, logits)
    probabilities = np.array([0.2, 0.8])
    swapped = -(logits * (probabilities - np.log(np.exp(probabilities).sum()))).sum()
    intended = -(probabilities * (logits - np.log(np.exp(logits).sum()))).sum()
    assert np.allclose(got["positional xent"], [swapped]) and not np.isclose(swapped, intended)
    tf1, tf2 = got["tf.losses.mean_squared_error"]
    squares = np.array([[1.0, 4.0, 9.0], [0.0, 0.0, 36.0]])
    assert np.isclose(tf1, squares.mean()) and np.allclose(tf2, squares.mean(axis=1))
    tf1, tf2 = got["tf.random_normal_initializer"]
    assert abs(tf1 - 1.0) < 0.02 and abs(tf2 - 0.05) < 0.001
    (lo1, hi1), (lo2, hi2) = got["tf.random_uniform_initializer"]
    assert 0 <= lo1 < 0.001 and 0.999 < hi1 <= 1 and -0.05 <= lo2 < -0.0499 and 0.0499 < hi2 <= 0.05
    assert got["tf.nn.in_top_k"] == [[True, False], [True, False]]  # same answer, arguments in swapped order
    assert got["tf.random.uniform"] == [True, False]  # same seed: same draw in a TF 1 graph, new draws in TF 2


# --- queue-runner input ----------------------------------------------------------------------------------------

def test_queue_runner_names_get_their_tf_data_equivalent(tmp_path):
    script = write(tmp_path, "queues.py", """\
        import tensorflow as tf
        files = tf.train.string_input_producer(["a.tfrecords"], num_epochs=2)
        reader = tf.TFRecordReader()
        _, record = reader.read(files)
        batch = tf.train.shuffle_batch([record], 32, capacity=200, min_after_dequeue=100)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(coord=coord)
        """)
    found = names(script)
    assert found["tf.train.string_input_producer"].status == "tf1"
    assert "from_tensor_slices" in found["tf.train.string_input_producer"].tf_data.tf_data
    assert "TFRecordDataset" in found["tf.TFRecordReader"].tf_data.tf_data
    assert "shuffle" in found["tf.train.shuffle_batch"].tf_data.tf_data
    assert found["tf.train.Coordinator"].status == "input"  # still in TF 2, yet its input pipeline is gone
    assert explain.detect_era(str(script)) == "tf1"


def test_teaching_rows_name_real_tf1_apis():
    """Queue rows exist in tf.compat.v1; changed-meaning tf.* rows exist in TF 1 (compat.v1) and in TF 2, or else
    have an era row saying what replaced them."""
    for row in table.QUEUE_INPUT:
        assert api_index.has("compat.v1." + row.name[3:]), row.name
    for row in table.CHANGED_MEANING:
        if row.name.startswith("tf.") and not row.name.startswith(("tf.contrib.", "tf.layers.", "tf.keras.")):
            assert api_index.has("compat.v1." + row.name[3:]), row.name
            assert api_index.has(row.name[3:]) or row.name in table.BY_NAME, row.name


# --- no TensorFlow import, and the static index agrees with the live module -------------------------------------

def test_explain_does_not_import_tensorflow():
    code = ("import sys\nfrom compat import explain\n"
            "for s in sys.argv[1:]:\n    explain.explain(s); explain.detect_era(s)\n"
            "print('tensorflow' in sys.modules, 'tf_keras' in sys.modules)")
    scripts = [os.path.join(LEGACY, d, f) for d in sorted(os.listdir(LEGACY)) if os.path.isdir(os.path.join(LEGACY, d))
               for f in os.listdir(os.path.join(LEGACY, d)) if f.endswith(".py")]
    result = subprocess.run([sys.executable, "-c", code, *scripts], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": REPO})
    assert result.returncode == 0, result.stderr
    if api_index.has("summary.merge") is None:  # TF 2.15's tf.summary is filled from TensorBoard when TF imports
        pytest.skip("this TensorFlow's API files cannot tell what tf.summary holds: explain must import it")
    assert result.stdout.strip() == "False False"


def era_scripts_of_this_file():
    """The era scripts written by the tests above (every string constant that imports tensorflow and parses)."""
    import ast

    with open(__file__, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "import tensorflow" in node.value:
            try:
                yield explain.scan_source(textwrap.dedent(node.value), __file__)
            except SyntaxError:
                continue


def legacy_uses():
    for root, _, files in os.walk(LEGACY):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(root, name)
                yield explain.scan_source(explain.read_source(path), path)


def in_fresh_process(check):
    """Run ``check`` (a function of this module) in a new Python: the live TensorFlow it compares against must not
    carry what other tests in this process put into it (tf_slim repairs, lazily loaded submodules)."""
    code = f"import test_explain; test_explain.{check.__name__}()"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                            cwd=os.path.dirname(__file__), env={**os.environ, "PYTHONPATH": REPO})
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_static_index_agrees_with_live_tensorflow():
    in_fresh_process(check_static_index_agrees_with_live_tensorflow)


@pytest.mark.slow
def test_static_index_reads_importable_internals_like_python_does():
    in_fresh_process(check_static_index_reads_importable_internals_like_python_does)


def check_static_index_agrees_with_live_tensorflow():
    import types

    import tensorflow as tf

    used = {u.name[3:] for uses in [*legacy_uses(), *era_scripts_of_this_file()] for u in uses
            if u.name.startswith("tf.")}
    used |= {"compat.v1." + n for n in used if not n.startswith("compat.")}
    used |= {row.name[3:] for row in (*table.QUEUE_INPUT, *table.CHANGED_MEANING) if row.name.startswith("tf.")}
    assert len(used) > 200
    assert [n for n in sorted(used) if api_index.has(n) != explain.has_live(tf, n)] == []
    # and every public name the live module exports two levels down is found without importing it
    missed = []

    def sweep(prefix, module, depth):
        for attr in dir(module):
            value = getattr(module, attr, None)
            if attr.startswith("_") or value is None:
                continue
            if api_index.has(prefix + attr) is False:
                missed.append(prefix + attr)
            if depth and isinstance(value, types.ModuleType):
                sweep(f"{prefix}{attr}.", value, depth - 1)

    sweep("", tf, 2)
    sweep("compat.v1.", tf.compat.v1, 2)
    assert missed == []


def check_static_index_reads_importable_internals_like_python_does():
    """``from tensorflow.python.ops import array_ops`` works without tf.python being an attribute: so do we."""
    import importlib

    def importable(name):
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            try:
                module = importlib.import_module(".".join(["tensorflow", *parts[:i]]))
            except ImportError:
                continue
            return explain.has_live(module, ".".join(parts[i:])) if i < len(parts) else True
        return False

    internals = ["python.framework.ops.Graph", "python.framework.ops.Tensor", "python.ops.array_ops.concat",
                 "python.ops.array_ops.stack", "python.ops.nn_ops.dropout", "python.ops.rnn_cell.BasicLSTMCell",
                 "python.training.training_util.get_global_step", "python.ops.variables.VariableV1"]
    answers = {name: api_index.has(name) for name in internals}
    assert answers == {name: importable(name) for name in internals}
    assert set(answers.values()) == {True, False}


def test_json_output_carries_changed_meanings_and_tf_data(tmp_path, compat_run):
    script = write(tmp_path, "j.py", """\
        import tensorflow as tf
        h = tf.nn.dropout(tf.ones([2]), 0.5)
        q = tf.train.slice_input_producer([tf.ones([4])])
        """)
    result = compat_run("explain", "--json", script)
    assert result.returncode == 0, result.stderr
    items = {i["name"]: i for i in json.loads(result.stdout)}
    assert items["tf.nn.dropout"]["status"] == "changed" and "keep" in items["tf.nn.dropout"]["changed"][0]["era"]
    assert "from_tensor_slices" in items["tf.train.slice_input_producer"]["tf_data"]
