"""The era table checked against what each era name MEANT, not against itself.

Every served row is held to an expectation written here, apart from the table: a small computation with a known
answer (NumPy, a closed form, TF 1.x's documented behaviour) for the rows whose meaning can drift, and, for every
served row of the sections this file covers, a hand-written name -> target list. Pointing ``tf.batch_matmul`` at
``multiply`` or ``tf.select`` at ``where_v2`` fails here. Every served row's target must exist in the installed
libraries; every dead end must name the release that removed it and a replacement.

The TF1 checks build graphs explicitly (``tf.Graph().as_default()``) so this module never switches the process out
of eager mode.
"""
import builtins
import functools
import importlib
import os
import pickle
import queue
import re
import urllib

import numpy as np
import pytest
import tensorflow as tf

from compat import input_data, namespace, scipy_misc, shims, table
from compat.namespace import UnknownEraName

V1 = tf.compat.v1
SERVED = [row for row in table.TABLE if row.serves is not None]
DEAD_ENDS = [row for row in table.TABLE if row.serves is None and row.name not in table.PREFIXES]


def resolve(name, era="tf1"):
    alias, *parts = name.split(".")
    node = namespace.root(alias, era)
    for part in parts:
        node = getattr(node, part)
    return node


def unwrap(obj):
    """The real object behind an era namespace (a served module is handed out wrapped)."""
    return obj._era_backing_module() if isinstance(obj, namespace.EraNamespace) else obj


def run_graph(build):
    """Build fetches in a fresh TF1 graph, initialise its variables, run them once."""
    with tf.Graph().as_default() as graph:
        fetches = build()
        with V1.Session(graph=graph) as sess:
            sess.run(V1.global_variables_initializer())
            return sess.run(fetches)


tf1 = namespace.root("tf", "tf1")


# --- hand-written name -> target list, kept apart from the table --------------------------------------------------
def _v1(path):
    return functools.reduce(getattr, path.split("."), V1)


def _tf_keras(path):
    import tf_keras

    return functools.reduce(getattr, path.split("."), tf_keras)


def _tf_slim(path=None):
    import tf_slim

    return getattr(tf_slim, path) if path else tf_slim


EXPECTED_TARGET = {
    # TF 0.x renames
    "tf.mul": lambda: V1.multiply, "tf.sub": lambda: V1.subtract, "tf.neg": lambda: V1.negative,
    "tf.pack": lambda: V1.stack, "tf.unpack": lambda: V1.unstack, "tf.select": lambda: V1.where,
    "tf.batch_matmul": lambda: V1.matmul, "tf.listdiff": lambda: V1.setdiff1d, "tf.complex_abs": lambda: V1.abs,
    "tf.concat": lambda: shims.concat, "tf.concat_v2": lambda: V1.concat, "tf.split": lambda: shims.split,
    "tf.nn.sigmoid_cross_entropy_with_logits": lambda: shims.sigmoid_cross_entropy_with_logits,
    "tf.nn.softmax_cross_entropy_with_logits": lambda: shims.softmax_cross_entropy_with_logits,
    "tf.nn.sparse_softmax_cross_entropy_with_logits": lambda: shims.sparse_softmax_cross_entropy_with_logits,
    "tf.nn.deconv2d": lambda: V1.nn.conv2d_transpose,
    "tf.initialize_all_variables": lambda: V1.global_variables_initializer,
    "tf.initialize_local_variables": lambda: V1.local_variables_initializer,
    "tf.all_variables": lambda: V1.global_variables,
    "tf.scalar_summary": lambda: V1.summary.scalar, "tf.histogram_summary": lambda: V1.summary.histogram,
    "tf.image_summary": lambda: V1.summary.image, "tf.merge_all_summaries": lambda: V1.summary.merge_all,
    "tf.merge_summary": lambda: V1.summary.merge, "tf.train.SummaryWriter": lambda: V1.summary.FileWriter,
    # TF 1.x graph API
    **{f"tf.{name}": functools.partial(_v1, name) for name in (
        "placeholder Session InteractiveSession variable_scope get_variable get_variable_scope "
        "global_variables_initializer trainable_variables global_variables get_collection GraphKeys random_normal "
        "random_uniform truncated_normal set_random_seed log to_float train.AdamOptimizer "
        "train.GradientDescentOptimizer train.MomentumOptimizer train.RMSPropOptimizer train.Saver "
        "summary.FileWriter reset_default_graph ConfigProto assign logging gfile image.resize_images "
        "train.get_or_create_global_step train.exponential_decay app flags layers layers.dense layers.conv2d "
        "layers.conv2d_transpose layers.batch_normalization layers.flatten layers.dropout").split()},
    # tutorials' loaders
    "tf.examples.tutorials.mnist.input_data": lambda: input_data,
    "tf.contrib.learn.datasets.mnist": lambda: input_data,
    "tf.keras.datasets.mnist.load_data": lambda: input_data.load_keras_mnist,
    "tf.keras.datasets.fashion_mnist.load_data": lambda: input_data.load_keras_fashion_mnist,
    # tf.contrib.layers / slim (tf_slim), core-backed contrib families
    "tf.contrib.layers": _tf_slim, "tf.contrib.slim": _tf_slim, "tf.contrib.slim.python.slim": _tf_slim,
    "tf.contrib.layers.python.layers": lambda: importlib.import_module("tf_slim.layers"),
    **{f"tf.contrib.layers.{name}": functools.partial(_tf_slim, name) for name in (
        "batch_norm xavier_initializer xavier_initializer_conv2d variance_scaling_initializer fully_connected "
        "conv2d conv2d_transpose flatten layer_norm l1_regularizer l2_regularizer").split()},
    "tf.contrib.autograph": lambda: V1.autograph, "tf.contrib.signal": lambda: V1.signal,
    "tf.contrib.autograph.do_not_convert": lambda: V1.autograph.experimental.do_not_convert,
    "tf.contrib.autograph.set_loop_options": lambda: V1.autograph.experimental.set_loop_options,
    "tf.contrib.autograph.Feature": lambda: V1.autograph.experimental.Feature,
    "tf.contrib.cluster_resolver": lambda: V1.distribute.cluster_resolver,
    # Keras 2
    "keras": lambda: __import__("tf_keras"),
    "tf.keras.optimizers.Adam": lambda: _tf_keras("optimizers.legacy.Adam"),
    "tf.keras.optimizers.SGD": lambda: _tf_keras("optimizers.legacy.SGD"),
    "tf.keras.optimizers.RMSprop": lambda: _tf_keras("optimizers.legacy.RMSprop"),
    # NumPy: the era's meaning
    "np.float": lambda: float, "np.int": lambda: int, "np.bool": lambda: bool, "np.object": lambda: object,
    "np.str": lambda: str, "np.long": lambda: int, "np.unicode": lambda: str, "np.complex": lambda: complex,
    "np.float_": lambda: np.float64, "np.complex_": lambda: np.complex128, "np.string_": lambda: np.bytes_,
    "np.unicode_": lambda: np.str_, "np.bool8": lambda: np.bool_, "np.int0": lambda: np.intp,
    "np.product": lambda: np.prod, "np.cumproduct": lambda: np.cumprod, "np.alltrue": lambda: np.all,
    "np.sometrue": lambda: np.any, "np.round_": lambda: np.round, "np.trapz": lambda: getattr(np, "trapezoid", None) or np.trapz,
    "np.mat": lambda: np.asmatrix, "np.asscalar": lambda: shims.asscalar, "np.asfarray": lambda: shims.asfarray,
    "np.msort": lambda: shims.msort, "np.in1d": lambda: shims.in1d,
    # scipy.misc (compat.scipy_misc) and six.moves (Python 3's own)
    "scipy.misc": lambda: scipy_misc,
    **{f"scipy.misc.{name}": functools.partial(getattr, scipy_misc, name)
       for name in "imread imsave imresize toimage bytescale fromimage".split()},
    "six.moves.xrange": lambda: range, "six.moves.range": lambda: range, "six.moves.zip": lambda: zip,
    "six.moves.map": lambda: map, "six.moves.filter": lambda: filter, "six.moves.input": lambda: builtins.input,
    "six.moves.reduce": lambda: functools.reduce, "six.moves.cPickle": lambda: pickle,
    "six.moves.urllib": lambda: urllib, "six.moves.queue": lambda: queue,
}
# values rather than objects: identity would be too strict for floats
EXPECTED_VALUE = {"np.NaN": np.nan, "np.Inf": np.inf, "np.infty": np.inf, "np.PINF": np.inf, "np.NINF": -np.inf}


def _rows_served_elsewhere():
    """Rows of the section that serves the tf.contrib families (tested with their shims, tests/test_contrib_*)."""
    source = open(table.__file__, encoding="utf-8").read()
    start = source.find("# --- tf.contrib families served")
    if start < 0:
        return set()
    end = source.find("# ---", start + 5)
    return set(re.findall(r'Era\("([^"]+)"', source[start:end]))


def test_every_served_row_here_has_an_independent_expectation():
    covered = set(EXPECTED_TARGET) | set(EXPECTED_VALUE) | _rows_served_elsewhere()
    missing = [row.name for row in SERVED if row.name not in covered]
    assert not missing, f"served rows without an expectation in this file: {missing}"


@pytest.mark.parametrize("name", sorted(EXPECTED_TARGET))
def test_row_resolves_to_the_hand_written_target(name):
    assert unwrap(resolve(name)) is EXPECTED_TARGET[name]()


@pytest.mark.parametrize("name", sorted(EXPECTED_VALUE))
def test_row_resolves_to_the_hand_written_value(name):
    got, want = resolve(name, "tf1"), EXPECTED_VALUE[name]
    assert np.isnan(got) if np.isnan(want) else got == want


@pytest.mark.parametrize("row", SERVED, ids=lambda r: r.name)
def test_served_target_exists_in_the_installed_libraries(row):
    try:
        namespace.load(row.serves)  # raises (ImportError/AttributeError) when an upgrade dropped the target
    except AttributeError:  # or a replacement newer than the installed library (np.trapezoid on NumPy 1.26): then
        resolve(row.name)  # the library must still have the era name itself, or this raises too


# --- dead ends: the release and a specific replacement -------------------------------------------------------------
_RELEASE = re.compile(r"\b(TF \d|NumPy \d|SciPy \d|Python 3|Keras \d)")


@pytest.mark.parametrize("row", DEAD_ENDS, ids=lambda r: r.name)
def test_dead_end_names_the_release_and_the_replacement(row):
    with pytest.raises(UnknownEraName) as caught:
        resolve(row.name)
    message = str(caught.value)
    assert row.name in message and _RELEASE.search(message), message
    assert row.modern and row.modern in message
    assert "tf_slim, tf.keras, tensorflow_addons, tensorflow_probability" not in message


# what each unservable family became, as the TF 2 migration guide and the successor projects document it
REPLACEMENT = {
    "tf.contrib.tpu.TPUEstimator": "tf.distribute.TPUStrategy",
    "tf.contrib.feature_column.sequence_input_layer": "tf.feature_column",
    "tf.contrib.tensor_forest.random_forest": "Decision Forests",
    "tf.contrib.boosted_trees": "BoostedTrees",
    "tf.contrib.summary.scalar": "tf.summary",
    "tf.contrib.opt.AdamWOptimizer": "tf.keras.optimizers",
    "tf.contrib.image.rotate": "tf.image",
    "tf.contrib.gan.gan_model": "tensorflow_gan",
    "tf.contrib.lite.TFLiteConverter": "tf.lite",
    "tf.contrib.quantization.dequantize": "tf.quantization",
    "tf.contrib.lookup.HashTable": "tf.lookup.StaticHashTable",
    "tf.contrib.model_pruning.train": "tfmot",
    "tf.contrib.factorization.KMeans": "KMeans",
    "tf.contrib.stateless.stateless_random_uniform": "tf.random.stateless_uniform",
    "tf.keras.utils.multi_gpu_model": "tf.distribute.MirroredStrategy",
}


@pytest.mark.parametrize("name", sorted(REPLACEMENT))
def test_unservable_name_points_at_its_documented_replacement(name):
    with pytest.raises(UnknownEraName) as caught:
        resolve(name)
    assert REPLACEMENT[name] in str(caught.value) and _RELEASE.search(str(caught.value))


def test_unknown_contrib_member_gets_the_catch_all_without_wrong_advice():
    with pytest.raises(AttributeError) as caught:  # an AttributeError, so hasattr() keeps working
        resolve("tf.contrib.no_such_thing")
    message = str(caught.value)
    assert "tf.contrib.no_such_thing" in message and "TF 2.0" in message and "tf_slim" not in message
    assert not hasattr(namespace.root("tf", "tf1").contrib, "no_such_thing")


def test_miss_inside_a_served_library_is_the_runtimes_error():
    for name, row in (("tf.contrib.layers.no_such_layer", "tf.contrib.layers"),
                      ("tf.python.ops.no_such_module", None),
                      ("tf.keras.experimental.no_such_thing", None)):
        with pytest.raises(UnknownEraName) as caught:
            resolve(name)
        assert name in str(caught.value) and (row is None or row in str(caught.value))
    with pytest.raises(UnknownEraName, match="tf.contrib.layers is served by tf_slim, which has no no_such_layer"):
        resolve("tf.contrib.layers.no_such_layer")


def test_table_has_no_duplicates_and_roots_are_known():
    assert len({row.name for row in table.TABLE}) == len(table.TABLE)
    assert {row.name.split(".")[0] for row in table.TABLE} <= set(table.ROOTS)


def test_backing_falls_through_to_compat_v1_and_real_submodules():
    assert tf1.placeholder is V1.placeholder and tf1.nn.relu is V1.nn.relu
    import tensorflow.python.ops.array_ops as array_ops

    assert unwrap(tf1.python.ops.array_ops) is array_ops
    assert namespace.root("tf", "tf2").function is tf.function
    assert tf1.__version__ == tf.__version__  # module dunders are the module's


# --- TF 0.x names: what they computed ---------------------------------------------------------------------------
def test_tf0_arithmetic_aliases():
    assert float(tf1.mul(3.0, 4.0)) == 12.0 and float(tf1.sub(3.0, 4.0)) == -1.0 and float(tf1.neg(3.0)) == -3.0
    np.testing.assert_array_equal(tf1.pack([[1, 2], [3, 4]], axis=1).numpy(), [[1, 3], [2, 4]])
    assert [list(t.numpy()) for t in tf1.unpack(tf.constant([[5, 6], [7, 8]]), axis=1)] == [[5, 7], [6, 8]]
    assert float(tf1.complex_abs(tf.constant(3 + 4j))) == 5.0


def test_select_with_a_vector_condition_picks_whole_rows():
    cond = np.array([True, False])  # TF1: a rank-1 condition selects rows of x or y (no broadcasting)
    x, y = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(tf1.select(cond, x, y).numpy(), np.where(cond[:, None], x, y))


def test_batch_matmul_multiplies_matrices_batch_by_batch():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((4, 3, 5))
    np.testing.assert_allclose(tf1.batch_matmul(a, b).numpy(), np.matmul(a, b), rtol=1e-12)


def test_listdiff_returns_the_kept_values_and_their_indices():
    x, y = np.array([1, 2, 3, 4, 6]), np.array([1, 3, 5])
    out, idx = tf1.listdiff(x, y)
    np.testing.assert_array_equal(out.numpy(), np.setdiff1d(x, y))  # x's order; here also sorted
    np.testing.assert_array_equal(idx.numpy(), np.flatnonzero(~np.isin(x, y)))


def test_concat_both_orders_match_numpy():
    a, b = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(tf1.concat(1, [a, b]).numpy(), np.concatenate([a, b], 1))  # TF 0.x
    np.testing.assert_array_equal(tf1.concat([a, b], 1).numpy(), np.concatenate([a, b], 1))  # TF 1.x
    np.testing.assert_array_equal(tf1.concat(0, [a, b]).numpy(), np.concatenate([a, b], 0))
    np.testing.assert_array_equal(tf1.concat(concat_dim=0, values=[a, b]).numpy(), np.concatenate([a, b], 0))
    np.testing.assert_array_equal(tf1.concat(values=[a, b], axis=1).numpy(), np.concatenate([a, b], 1))
    np.testing.assert_array_equal(tf1.concat_v2([a, b], 0).numpy(), np.concatenate([a, b], 0))


def test_split_both_orders_match_numpy():
    x = np.arange(24.0).reshape(4, 6)
    for got in (tf1.split(1, 3, x), tf1.split(x, 3, 1), tf1.split(split_dim=1, num_split=3, value=x)):
        for part, want in zip(got, np.split(x, 3, axis=1)):
            np.testing.assert_array_equal(part.numpy(), want)
    np.testing.assert_array_equal(tf1.split(x, [2, 4], 1)[1].numpy(), x[:, 2:])


def _sigmoid_ce(logits, labels):  # the documented stable formula
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


def test_sigmoid_cross_entropy_accepts_every_era_spelling():
    logits = np.array([-3.0, -0.5, 0.0, 2.0, 7.0], np.float32)
    labels = np.array([0.0, 1.0, 0.5, 1.0, 0.0], np.float32)
    want = _sigmoid_ce(logits.astype(np.float64), labels)
    ce = tf1.nn.sigmoid_cross_entropy_with_logits
    for got in (ce(logits=logits, targets=labels), ce(logits, labels), ce(labels=labels, logits=logits)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    with pytest.raises(TypeError):
        ce(logits=logits, labels=labels, targets=labels)


def test_softmax_cross_entropies_read_positional_arguments_in_the_tf0_order():
    logits = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -2.0]], np.float32)
    labels = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], np.float32)
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    want = -(labels * log_softmax).sum(axis=1)  # swapped arguments would give another (finite) answer
    ce = tf1.nn.softmax_cross_entropy_with_logits
    for got in (ce(logits, labels), ce(labels=labels, logits=logits), ce(logits, labels, -1)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    classes = np.array([2, 0])
    sparse = tf1.nn.sparse_softmax_cross_entropy_with_logits
    for got in (sparse(logits, classes), sparse(labels=classes, logits=logits)):
        np.testing.assert_allclose(got.numpy(), -log_softmax[[0, 1], classes], rtol=1e-6)
    with pytest.raises(TypeError):
        ce(logits, logits=logits)  # logits twice: positionally (TF 0.x order) and by keyword


def test_deconv2d_spreads_each_input_over_its_stride_window():
    x = np.arange(1.0, 5.0, dtype=np.float32).reshape(1, 2, 2, 1)
    w = np.ones((2, 2, 1, 1), np.float32)
    got = tf1.nn.deconv2d(x, w, output_shape=[1, 4, 4, 1], strides=[1, 2, 2, 1], padding="SAME").numpy()
    np.testing.assert_array_equal(got[0, :, :, 0], np.kron(x[0, :, :, 0], np.ones((2, 2))))


def test_tf0_variable_and_summary_names_work_in_a_graph(tmp_path):
    def build():
        v = V1.get_variable("v", initializer=3.0)
        V1.get_variable("local", initializer=1.0, collections=[V1.GraphKeys.LOCAL_VARIABLES])
        s1, s2 = tf1.scalar_summary("loss", v), tf1.histogram_summary("w", tf.constant([1.0, 2.0, 2.0]))
        img = tf1.image_summary("img", tf.zeros([2, 4, 4, 1]), 1)
        names.extend(x.name for x in tf1.all_variables())
        return {"init": tf1.initialize_all_variables(), "local": tf1.initialize_local_variables(), "one": s1,
                "merged": tf1.merge_summary([s1, s2]), "all": tf1.merge_all_summaries(), "img": img}

    names = []
    out = run_graph(build)
    assert names == ["v:0"]
    one = V1.Summary.FromString(out["one"])
    assert [(v.tag, v.simple_value) for v in one.value] == [("loss", 3.0)]
    assert [v.tag for v in V1.Summary.FromString(out["merged"]).value] == ["loss", "w"]
    assert len(V1.Summary.FromString(out["all"]).value) == 3
    assert V1.Summary.FromString(out["merged"]).value[1].histo.num == 3
    assert len(V1.Summary.FromString(out["img"]).value) == 1  # max_images=1 of 2
    with tf.Graph().as_default():
        writer = tf1.train.SummaryWriter(str(tmp_path))
        writer.add_summary(out["one"], 1)
        writer.close()
    assert any(f.startswith("events.out.tfevents") for f in os.listdir(tmp_path))


# --- TF 1.x graph API: the behaviour scripts relied on -------------------------------------------------------------
def test_placeholder_session_and_feed():
    with tf.Graph().as_default():
        x = tf1.placeholder(tf.float32, [None, 2])
        with tf1.Session() as sess:
            np.testing.assert_array_equal(sess.run(x * 2, {x: [[1, 2]]}), [[2, 4]])
        interactive = tf1.InteractiveSession()
        try:
            assert V1.get_default_session() is interactive
        finally:
            interactive.close()


def test_variable_scope_names_and_reuse():
    with tf.Graph().as_default():
        with tf1.variable_scope("gen"):
            w = tf1.get_variable("w", [2], trainable=True)
            assert tf1.get_variable_scope().name == "gen"
        with tf1.variable_scope("gen", reuse=True):
            assert tf1.get_variable("w") is w
        frozen = tf1.get_variable("frozen", [1], trainable=False)
        assert w.name == "gen/w:0"
        assert tf1.trainable_variables() == [w] and tf1.global_variables() == [w, frozen]
        assert tf1.get_collection(tf1.GraphKeys.TRAINABLE_VARIABLES, scope="gen") == [w]
        assert tf1.GraphKeys.UPDATE_OPS == "update_ops"


def test_random_ops_draw_from_their_documented_distributions():
    def build():
        tf1.set_random_seed(7)
        return (tf1.random_normal([200000], mean=1.0, stddev=2.0), tf1.random_uniform([200000], 2.0, 5.0),
                tf1.truncated_normal([200000], stddev=1.0))

    normal, uniform, truncated = run_graph(build)
    assert abs(normal.mean() - 1.0) < 0.02 and abs(normal.std() - 2.0) < 0.02
    assert uniform.min() >= 2.0 and uniform.max() < 5.0 and abs(uniform.mean() - 3.5) < 0.01
    assert np.abs(truncated).max() <= 2.0 and abs(truncated.std() - 0.8796) < 0.01  # N(0,1) cut at 2 sigma
    np.testing.assert_array_equal(run_graph(build)[0], normal)  # the graph seed makes it reproducible


def test_log_to_float_and_assign():
    def build():
        v = V1.get_variable("v", initializer=1.0)
        return tf1.log(tf.constant(np.e)), tf1.to_float(tf.constant(3)), tf1.assign(v, 5.0)

    log_e, three, assigned = run_graph(build)
    assert abs(log_e - 1.0) < 1e-6 and three.dtype == np.float32 and three == 3.0 and assigned == 5.0


def _one_step(make_optimizer, start=2.0, steps=1):
    """w after `steps` minimisation steps of w**2 / 2 (gradient w) from `start`."""
    def build():
        w = V1.get_variable("w", initializer=start)
        return w, make_optimizer().minimize(0.5 * w * w)

    with tf.Graph().as_default() as graph:
        w, train = build()
        with V1.Session(graph=graph) as sess:
            sess.run(V1.global_variables_initializer())
            for _ in range(steps):
                sess.run(train)
            return float(sess.run(w))


def test_tf1_optimizers_follow_their_documented_update_rules():
    lr = 0.1
    assert _one_step(lambda: tf1.train.GradientDescentOptimizer(lr)) == pytest.approx(2.0 - lr * 2.0)
    # Adam's first step is lr * m_hat / (sqrt(v_hat) + eps) = lr * sign(g)
    assert _one_step(lambda: tf1.train.AdamOptimizer(lr)) == pytest.approx(2.0 - lr, abs=1e-6)
    # momentum 0.9, two steps: accumulator a1 = g1, a2 = 0.9 a1 + g2
    w1 = 2.0 - lr * 2.0
    w2 = w1 - lr * (0.9 * 2.0 + w1)
    assert _one_step(lambda: tf1.train.MomentumOptimizer(lr, 0.9), steps=2) == pytest.approx(w2)
    # TF1's RMSProp starts its mean square at 1.0 (Keras's at 0): ms = 0.9 * 1 + 0.1 * g**2
    ms = 0.9 + 0.1 * 4.0
    assert _one_step(lambda: tf1.train.RMSPropOptimizer(lr)) == pytest.approx(2.0 - lr * 2.0 / np.sqrt(ms + 1e-10))


def test_saver_round_trip_and_global_step(tmp_path):
    with tf.Graph().as_default() as graph:
        v = V1.get_variable("v", initializer=4.0)
        step = tf1.train.get_or_create_global_step()
        saver = tf1.train.Saver()
        with V1.Session(graph=graph) as sess:
            sess.run(V1.global_variables_initializer())
            sess.run(V1.assign(v, 9.0))
            path = saver.save(sess, str(tmp_path / "model"))
            sess.run(V1.assign(v, 0.0))
            saver.restore(sess, path)
            assert sess.run(v) == 9.0
        assert step.name == "global_step:0" and step.dtype.base_dtype == tf.int64


def test_exponential_decay_closed_form():
    def build():
        step = tf.constant(25, tf.int64)
        return (tf1.train.exponential_decay(0.1, step, 10, 0.5),
                tf1.train.exponential_decay(0.1, step, 10, 0.5, staircase=True))

    smooth, stairs = run_graph(build)
    assert smooth == pytest.approx(0.1 * 0.5 ** 2.5) and stairs == pytest.approx(0.1 * 0.5 ** 2)


def test_resize_images_keeps_tf1s_sampling_grid():
    # TF1 bilinear, align_corners=False, no half-pixel centres: output i samples input i * (in / out)
    image = np.array([0.0, 1.0], np.float32).reshape(1, 1, 2, 1)
    got = run_graph(lambda: tf1.image.resize_images(image, [1, 4]))
    np.testing.assert_allclose(got.reshape(-1), [0.0, 0.5, 1.0, 1.0])


def test_reset_default_graph_config_logging_gfile(tmp_path):
    old = V1.get_default_graph()
    with old.as_default():
        V1.constant(1.0)
    tf1.reset_default_graph()
    assert V1.get_default_graph() is not old and not V1.get_default_graph().get_operations()
    assert tf1.ConfigProto(allow_soft_placement=True).allow_soft_placement
    assert tf1.logging.INFO == 20 and tf1.logging.ERROR == 40
    path = str(tmp_path / "f.txt")
    with tf1.gfile.GFile(path, "w") as handle:
        handle.write("era")
    assert tf1.gfile.Exists(path) and open(path).read() == "era"
    assert callable(tf1.app.run) and hasattr(tf1.flags, "DEFINE_string")


# --- tf.layers: variables named as TF1 named them, outputs as documented ---------------------------------------
def test_tf_layers_dense_conv_flatten_dropout():
    x = np.arange(12.0, dtype=np.float32).reshape(1, 2, 2, 3)

    def build():
        dense = tf1.layers.dense(tf.constant(x.reshape(1, 12)), 2)
        conv = tf1.layers.conv2d(tf.constant(x), 4, 2, padding="same")
        up = tf1.layers.conv2d_transpose(tf.constant(x), 5, 3, strides=2, padding="same")
        flat = tf1.layers.flatten(tf.constant(x))
        kept = tf1.layers.dropout(tf.constant(x), rate=0.5, training=False)
        names.extend(sorted(v.name for v in V1.global_variables()))
        kernel = V1.get_collection(V1.GraphKeys.GLOBAL_VARIABLES, "dense/kernel")[0]
        return dense, conv, up, flat, kept, kernel

    names = []
    dense, conv, up, flat, kept, kernel = run_graph(build)
    assert names == ["conv2d/bias:0", "conv2d/kernel:0", "conv2d_transpose/bias:0", "conv2d_transpose/kernel:0",
                     "dense/bias:0", "dense/kernel:0"]
    np.testing.assert_allclose(dense, x.reshape(1, 12) @ kernel, rtol=1e-5)  # bias starts at zero
    assert conv.shape == (1, 2, 2, 4) and up.shape == (1, 4, 4, 5) and flat.shape == (1, 12)
    np.testing.assert_array_equal(kept, x)


def test_tf_layers_dropout_training_scales_the_kept_units():
    out = run_graph(lambda: tf1.layers.dropout(tf.ones([10000]), rate=0.25, training=True))
    kept = out[out != 0]
    np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)
    assert abs(kept.size / out.size - 0.75) < 0.02


def test_tf_layers_batch_normalization_uses_batch_statistics_and_update_ops():
    x = np.array([[1.0], [3.0], [5.0], [7.0]], np.float32)

    def build():
        y = tf1.layers.batch_normalization(tf.constant(x), training=True)
        updates.extend(V1.get_collection(V1.GraphKeys.UPDATE_OPS))
        return y

    updates = []
    y = run_graph(build)
    np.testing.assert_allclose(y.ravel(), (x.ravel() - 4.0) / np.sqrt(5.0 + 1e-3), rtol=1e-5)
    assert len(updates) == 2  # moving mean and moving variance


# --- tf.contrib.layers: defaults that differ from their Keras replacements ----------------------------------------
def test_contrib_l2_regularizer_halves_the_sum_of_squares():
    w = np.array([1.0, -2.0, 3.0], np.float32)
    assert float(tf1.contrib.layers.l2_regularizer(0.1)(tf.constant(w))) == pytest.approx(0.1 * 14 / 2)
    assert float(tf1.contrib.layers.l1_regularizer(0.1)(tf.constant(w))) == pytest.approx(0.1 * 6)


def test_contrib_fully_connected_defaults_to_relu():
    out = run_graph(lambda: tf1.contrib.layers.fully_connected(tf.constant(-np.ones((4, 3), np.float32) * 5), 50))
    assert out.min() == 0.0  # relu by default, unlike Dense


# --- Keras 2 optimizers: the pre-2.11 update rule on variables they were not built with ---------------------------
def test_keras_legacy_optimizers_take_any_variables_they_are_given():
    opt = namespace.root("tf", "tf2").keras.optimizers.SGD(0.5)
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    opt.apply_gradients([(tf.constant(1.0), a)])
    opt.apply_gradients([(tf.constant(2.0), b)])  # a new variable after the first step: the 2.11 rewrite refuses
    assert float(a) == 0.5 and float(b) == 1.0


# --- NumPy and six: what the era meant ------------------------------------------------------------------------
def test_numpy_aliases_mean_what_the_era_meant():
    np_ = namespace.root("np", "tf1")
    assert np_.zeros(3, dtype=np_.float).dtype == np.float64
    assert np_.asscalar(np.array([2.5])) == 2.5 and type(np_.asscalar(np.array([2]))) is int
    assert np_.asfarray([1, 2]).dtype == np.float64 and np_.asfarray([1], dtype=np.int32).dtype == np.float64
    np.testing.assert_array_equal(np_.msort(np.array([[3, 1], [1, 2]])), [[1, 1], [3, 2]])
    assert np_.product([2, 3, 4]) == 24 and np_.alltrue([True, True]) and not np_.sometrue([False])
    np.testing.assert_array_equal(np_.cumproduct([1, 2, 3]), [1, 2, 6])
    assert np_.round_(2.5) == 2.0 and np_.trapz([1.0, 2.0, 3.0]) == 4.0
    assert isinstance(np_.mat([[1, 2]]), np.matrix)
    assert np_.random is np.random or unwrap(np_.random) is np.random
    assert np_.float32 is np.float32  # everything else is NumPy's own


def test_in1d_flattens_its_first_argument():  # NumPy 1.x's documented behaviour; np.isin keeps the shape
    in1d = namespace.root("np", "tf1").in1d
    np.testing.assert_array_equal(in1d(np.array([[1, 2], [3, 4]]), [2, 3]), [False, True, True, False])
    np.testing.assert_array_equal(in1d(np.array([[1, 2], [3, 4]]), [2, 3], invert=True), [True, False, False, True])


def test_six_moves_served_without_six():
    moves = namespace.root("six", "tf1").moves
    assert list(moves.xrange(3)) == [0, 1, 2] and unwrap(moves.cPickle).__name__ == "pickle"
    assert moves.reduce(lambda a, b: a * b, [1, 2, 3, 4]) == 24
    assert list(moves.zip([1], [2])) == [(1, 2)] and list(moves.map(abs, [-1])) == [1]
