"""tf.contrib.layers semantics of TF 1.15, checked on tf_slim 1.1.0 running
on TF 2.21 through compat.slim_repairs.

tf_slim's layers.py is TF 1.15's tensorflow/contrib/layers/python/layers/
layers.py; the cases below are ported from that release's layers_test.py
(BatchNormTest and friends) and from the documented behaviour in its
docstrings, with every number computed independently in NumPy.

batch_norm has three implementations inside, chosen by its arguments
(see PATHS); most batch_norm tests run on each of them, because a legacy
script reaches whichever one its arguments select.

Each test builds its own tf.Graph().as_default(): TF1 graph mode without the
process-wide disable_eager_execution(), which would leak into other test
modules (tests/test_slim_repairs.py checks batch_norm under it in a
subprocess).
"""

import math

import numpy as np
import pytest
import tensorflow as tf

from compat import slim_repairs

slim_repairs.apply()
import tf_slim as slim  # noqa: E402

tf1 = tf.compat.v1
GraphKeys = tf1.GraphKeys

# batch_norm's argument combinations and the implementation each selects in
# TF 1.15 contrib (= tf_slim) layers.py:
PATHS = {
    # tf.layers.BatchNormalization, plain ops; updates go to UPDATE_OPS.
    "layer": dict(fused=False),
    # tf.layers.BatchNormalization on the FusedBatchNorm kernel.
    "layer_fused": dict(fused=True),
    # contrib's own _fused_batch_norm (non-default updates_collections).
    "fused_fn": dict(fused=True, updates_collections=None),
    # contrib's own nn.moments + nn.batch_normalization implementation.
    "inline": dict(fused=False, updates_collections=None),
}
# The fused kernel hands back the batch variance with Bessel's correction
# n/(n-1); TF 1.15 fed that corrected value into moving_variance on the fused
# paths (layers_test.py adds the correction to its expectations for them)
# while the non-fused paths use the biased variance.
FUSED_PATHS = {"layer_fused", "fused_fn"}

EPSILON = 0.001  # batch_norm's default epsilon


def _images(shape, seed=1):
    return np.random.RandomState(seed).rand(*shape).astype(np.float32)


def _channel_axis(data_format, rank=4):
    return 1 if data_format == "NCHW" and rank > 2 else rank - 1


def _batch_moments(x, data_format="NHWC"):
    """Per-channel mean and biased variance over every other axis."""
    channel = _channel_axis(data_format, x.ndim)
    axes = tuple(a for a in range(x.ndim) if a != channel)
    return x.mean(axis=axes), x.var(axis=axes)


def _bessel(x, data_format="NHWC"):
    """n / (n - 1) for the number n of values behind each channel's moment."""
    n = x.size // x.shape[_channel_axis(data_format, x.ndim)]
    return n / (n - 1.0)


def _normalize(x, mean, var, data_format="NHWC", beta=0.0, gamma=1.0,
               epsilon=EPSILON):
    """The batch-norm formula gamma * (x - mean) / sqrt(var + eps) + beta."""
    shape = [1] * x.ndim
    shape[_channel_axis(data_format, x.ndim)] = -1

    def per_channel(value):
        return np.reshape(value, shape) if np.ndim(value) else value

    return (per_channel(gamma) * (x - per_channel(mean))
            / np.sqrt(per_channel(var) + epsilon) + per_channel(beta))


def _input_shape(data_format, batch=10, height=2, width=2, channels=3):
    if data_format == "NHWC":
        return (batch, height, width, channels)
    return (batch, channels, height, width)


def _var(name):
    """The one global variable whose op name is `name`."""
    found = [v for v in tf1.global_variables() if v.op.name == name]
    assert len(found) == 1, (name, [v.op.name for v in tf1.global_variables()])
    return found[0]


def _names(variables):
    return sorted(v.op.name for v in variables)


# --- batch_norm: ops, variables, scopes, collections ----------------------


@pytest.mark.parametrize("fused, op_prefix", [
    (None, "BatchNorm/FusedBatchNorm"),  # None means "fused if possible"
    (True, "BatchNorm/FusedBatchNorm"),
    (False, "BatchNorm/batchnorm"),
])
def test_batch_norm_op_follows_fused_argument(fused, op_prefix):
    with tf.Graph().as_default():
        images = tf1.constant(_images((5, 3, 3, 3)))
        output = slim.batch_norm(images, fused=fused)
        assert output.op.name.startswith(op_prefix)
        assert output.shape.as_list() == [5, 3, 3, 3]
        assert tf1.get_collection(GraphKeys.REGULARIZATION_LOSSES) == []


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("scale", [False, True])
def test_batch_norm_variable_names(path, scale):
    with tf.Graph().as_default():
        slim.batch_norm(tf1.constant(_images((5, 3, 3, 3))), scale=scale,
                        **PATHS[path])
        expected = ["BatchNorm/beta", "BatchNorm/moving_mean",
                    "BatchNorm/moving_variance"]
        if scale:  # gamma only exists with scale=True (default False)
            expected.append("BatchNorm/gamma")
        assert _names(tf1.global_variables()) == sorted(expected)
        for variable in tf1.global_variables():
            assert variable.shape.as_list() == [3]


@pytest.mark.parametrize("path", sorted(PATHS))
def test_batch_norm_center_false_has_no_beta(path):
    with tf.Graph().as_default():
        slim.batch_norm(tf1.constant(_images((5, 3, 3, 3))), center=False,
                        **PATHS[path])
        assert _names(tf1.global_variables()) == [
            "BatchNorm/moving_mean", "BatchNorm/moving_variance"]


def test_batch_norm_scope_names_and_reuse():
    with tf.Graph().as_default():
        images = tf1.constant(_images((5, 3, 3, 3)))
        slim.batch_norm(images)
        slim.batch_norm(images)  # an unnamed second layer gets a new scope
        slim.batch_norm(images, scope="bn", scale=True)
        slim.batch_norm(images, scope="bn", scale=True, reuse=True)
        with tf1.variable_scope("generator"):
            slim.batch_norm(images, scope="g_bn1")
        assert _names(tf1.global_variables()) == sorted([
            "BatchNorm/beta", "BatchNorm/moving_mean",
            "BatchNorm/moving_variance",
            "BatchNorm_1/beta", "BatchNorm_1/moving_mean",
            "BatchNorm_1/moving_variance",
            "bn/beta", "bn/gamma", "bn/moving_mean", "bn/moving_variance",
            "generator/g_bn1/beta", "generator/g_bn1/moving_mean",
            "generator/g_bn1/moving_variance",
        ])


def test_batch_norm_reuse_adds_update_ops_again():
    # layers_test.py testReuseUpdateOps: a reused layer shares variables but
    # contributes its own pair of update ops.
    with tf.Graph().as_default():
        images = tf1.constant(_images((5, 3, 3, 3)))
        with slim.arg_scope([slim.batch_norm],
                            updates_collections="update_ops"):
            slim.batch_norm(images, scope="bn")
            assert len(tf1.get_collection("update_ops")) == 2
            slim.batch_norm(images, scope="bn", reuse=True)
            assert len(tf1.get_collection("update_ops")) == 4
        assert len(tf1.global_variables()) == 3


@pytest.mark.parametrize("path", sorted(PATHS))
def test_batch_norm_collections(path):
    with tf.Graph().as_default():
        slim.batch_norm(tf1.constant(_images((5, 3, 3, 3))), scale=True,
                        **PATHS[path])
        moving = ["BatchNorm/moving_mean", "BatchNorm/moving_variance"]
        params = ["BatchNorm/beta", "BatchNorm/gamma"]
        assert _names(tf1.global_variables()) == sorted(moving + params)
        # contrib's model_variable puts all four in MODEL_VARIABLES ...
        assert _names(tf1.model_variables()) == sorted(moving + params)
        # ... but only beta and gamma are trained.
        assert _names(tf1.trainable_variables()) == params
        # MOVING_AVERAGE_VARIABLES is filled by ExponentialMovingAverage.apply
        # only; batch_norm never added its moving statistics there in TF1.
        assert tf1.moving_average_variables() == []


@pytest.mark.parametrize("path", sorted(PATHS))
def test_batch_norm_trainable_false(path):
    with tf.Graph().as_default():
        slim.batch_norm(tf1.constant(_images((5, 3, 3, 3))), scale=True,
                        trainable=False, **PATHS[path])
        assert tf1.trainable_variables() == []
        assert len(tf1.model_variables()) == 4


@pytest.mark.parametrize("path", sorted(PATHS))
def test_batch_norm_variables_collections_argument(path):
    per_variable = {name: ["my_" + name] for name in
                    ("beta", "gamma", "moving_mean", "moving_variance")}
    with tf.Graph().as_default():
        images = tf1.constant(_images((5, 3, 3, 3)))
        slim.batch_norm(images, scale=True,
                        variables_collections=per_variable, **PATHS[path])
        for name, (collection,) in per_variable.items():
            assert _names(tf1.get_collection(collection)) == [
                "BatchNorm/" + name]
        # A list applies to every variable of the layer.
        slim.batch_norm(images, scale=True, scope="bn2",
                        variables_collections=["all_bn"], **PATHS[path])
        assert _names(tf1.get_collection("all_bn")) == [
            "bn2/beta", "bn2/gamma", "bn2/moving_mean", "bn2/moving_variance"]


@pytest.mark.parametrize("fused", [True, False])
def test_batch_norm_param_initializers_and_regularizers(fused):
    with tf.Graph().as_default():
        images = tf1.constant(_images((5, 3, 3, 3)))
        slim.batch_norm(
            images, scale=True, fused=fused,
            param_initializers={"beta": tf1.constant_initializer(2.0),
                                "gamma": tf1.constant_initializer(3.0)},
            param_regularizers={"beta": lambda t: 0.1 * tf1.reduce_sum(t),
                                "gamma": lambda t: 0.5 * tf1.reduce_sum(t)})
        losses = tf1.get_collection(GraphKeys.REGULARIZATION_LOSSES)
        assert sorted(loss.op.name for loss in losses) == [
            "BatchNorm/beta/Regularizer/mul",
            "BatchNorm/gamma/Regularizer/mul"]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values = sorted(sess.run(losses))
        np.testing.assert_allclose(values, [0.1 * 2.0 * 3, 0.5 * 3.0 * 3],
                                   rtol=1e-6)


# --- batch_norm: moving statistics ----------------------------------------


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("path", ["fused_fn", "inline"])
def test_updates_collections_none_updates_in_place(path, data_format):
    # layers_test.py _testNoneUpdatesCollections.
    decay = 0.1
    x = _images(_input_shape(data_format))
    mean, var = _batch_moments(x, data_format)
    if path in FUSED_PATHS:
        var = var * _bessel(x, data_format)
    with tf.Graph().as_default():
        output = slim.batch_norm(tf1.constant(x), decay=decay,
                                 data_format=data_format, **PATHS[path])
        assert tf1.get_collection(GraphKeys.UPDATE_OPS) == []
        moving_mean = _var("BatchNorm/moving_mean")
        moving_variance = _var("BatchNorm/moving_variance")
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(moving_mean), 0.0)
            np.testing.assert_array_equal(sess.run(moving_variance), 1.0)
            for step in range(1, 4):
                sess.run(output)  # the update rides on the output
                # moving <- decay * moving + (1 - decay) * batch, from (0, 1).
                np.testing.assert_allclose(
                    sess.run(moving_mean), (1 - decay**step) * mean,
                    rtol=1e-5)
                np.testing.assert_allclose(
                    sess.run(moving_variance),
                    decay**step + (1 - decay**step) * var, rtol=1e-5)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("fused", [None, True, False])
def test_update_ops_collection_delays_the_update(fused, data_format):
    # layers_test.py _testDelayedUpdateMovingVars.
    decay = 0.1
    x = _images(_input_shape(data_format))
    mean, var = _batch_moments(x, data_format)
    if fused is not False:
        var = var * _bessel(x, data_format)
    with tf.Graph().as_default():
        output = slim.batch_norm(tf1.constant(x), decay=decay, fused=fused,
                                 data_format=data_format)
        update_ops = tf1.get_collection(GraphKeys.UPDATE_OPS)
        assert len(update_ops) == 2
        assert all(op.name.startswith("BatchNorm/AssignMovingAvg")
                   for op in update_ops)
        moving = [_var("BatchNorm/moving_mean"),
                  _var("BatchNorm/moving_variance")]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run(output)
            # Without the update ops nothing moves.
            np.testing.assert_array_equal(sess.run(moving[0]), 0.0)
            np.testing.assert_array_equal(sess.run(moving[1]), 1.0)
            sess.run(update_ops)
            got_mean, got_var = sess.run(moving)
        np.testing.assert_allclose(got_mean, (1 - decay) * mean, rtol=1e-5)
        np.testing.assert_allclose(got_var, decay + (1 - decay) * var,
                                   rtol=1e-5)


def test_custom_updates_collection():
    # layers_test.py testUpdatesCollection.
    with tf.Graph().as_default():
        slim.batch_norm(tf1.constant(_images((5, 3, 3, 3))),
                        updates_collections="my_update_ops")
        mean_update, variance_update = tf1.get_collection("my_update_ops")
        assert mean_update.op.name.startswith("BatchNorm/AssignMovingAvg")
        assert variance_update.op.name.startswith(
            "BatchNorm/AssignMovingAvg_1")
        assert tf1.get_collection(GraphKeys.UPDATE_OPS) == []


def test_default_decay_and_epsilon():
    # Documented defaults: decay=0.999, epsilon=0.001, center=True,
    # scale=False.
    x = _images((8, 2, 2, 3))
    mean, var = _batch_moments(x)
    with tf.Graph().as_default():
        output = slim.batch_norm(tf1.constant(x), updates_collections=None,
                                 fused=False)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got = sess.run(output)
            np.testing.assert_allclose(sess.run(_var("BatchNorm/moving_mean")),
                                       0.001 * mean, rtol=1e-5)
        np.testing.assert_allclose(
            got, _normalize(x, mean, var, epsilon=0.001), rtol=1e-4,
            atol=1e-5)


@pytest.mark.parametrize("updates", ["in_place", "update_ops"])
@pytest.mark.parametrize("fused", [True, False])
def test_zero_debias_moving_mean(fused, updates):
    # layers_test.py testZeroDebiasMovingMean / ...ZeroDebias variants: the
    # debiased mean equals the batch mean after every update, from the first.
    decay = 0.1
    x = _images((10, 3, 3, 3))
    mean, var = _batch_moments(x)
    if fused:
        var = var * _bessel(x)
    kwargs = {"updates_collections": None} if updates == "in_place" else {}
    with tf.Graph().as_default():
        output = slim.batch_norm(tf1.constant(x), decay=decay, fused=fused,
                                 zero_debias_moving_mean=True, **kwargs)
        fetches = [output] + tf1.get_collection(GraphKeys.UPDATE_OPS)
        # Two extra variables hold the biased average and the step count.
        biased = _var("BatchNorm/BatchNorm/moving_mean/biased")
        local_step = _var("BatchNorm/BatchNorm/moving_mean/local_step")
        moving_mean = _var("BatchNorm/moving_mean")
        moving_variance = _var("BatchNorm/moving_variance")
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            for step in range(1, 4):
                sess.run(fetches)
                assert sess.run(local_step) == step
                np.testing.assert_allclose(sess.run(moving_mean), mean,
                                           rtol=1e-5)
                np.testing.assert_allclose(sess.run(biased),
                                           (1 - decay**step) * mean, rtol=1e-5)
            # The variance is never debiased.
            np.testing.assert_allclose(sess.run(moving_variance),
                                       decay**3 + (1 - decay**3) * var,
                                       rtol=1e-5)


def test_zero_debias_model_variables():
    # layers_test.py testMovingAverageVariablesZeroDebias.
    with tf.Graph().as_default():
        slim.batch_norm(tf1.constant(_images((5, 3, 3, 3))), scale=True,
                        zero_debias_moving_mean=True, fused=False)
        assert len(tf1.model_variables()) == 6


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("fused", [None, True, False])
def test_inference_uses_moving_statistics(fused, data_format):
    # layers_test.py _testEvalMovingVars, plus the output formula.
    x = _images(_input_shape(data_format))
    stored_mean = np.array([0.2, -0.5, 1.0], np.float32)
    stored_var = np.array([0.5, 2.0, 0.25], np.float32)
    beta = np.array([0.1, 0.2, 0.3], np.float32)
    gamma = np.array([2.0, 0.5, 1.5], np.float32)
    with tf.Graph().as_default():
        images = tf1.placeholder(tf.float32, x.shape)
        output = slim.batch_norm(
            images, scale=True, is_training=False, fused=fused,
            data_format=data_format,
            param_initializers={"beta": tf1.constant_initializer(beta),
                                "gamma": tf1.constant_initializer(gamma)})
        assert tf1.get_collection(GraphKeys.UPDATE_OPS) == []
        moving_mean = _var("BatchNorm/moving_mean")
        moving_variance = _var("BatchNorm/moving_variance")
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            # As if restored from a checkpoint.
            sess.run([moving_mean.assign(stored_mean),
                      moving_variance.assign(stored_var)])
            got = sess.run(output, {images: x})
            sess.run(output, {images: _images(x.shape, seed=7)})
            np.testing.assert_array_equal(sess.run(moving_mean), stored_mean)
            np.testing.assert_array_equal(sess.run(moving_variance),
                                          stored_var)
    np.testing.assert_allclose(
        got, _normalize(x, stored_mean, stored_var, data_format, beta, gamma),
        rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("path", sorted(PATHS))
def test_is_training_placeholder(path, data_format):
    # layers_test.py _testIsTrainingVariable and
    # _testNoneUpdatesCollectionIsTrainingVariable.
    decay = 0.1
    x = _images(_input_shape(data_format))
    mean, var = _batch_moments(x, data_format)
    moving_var_after = decay + (1 - decay) * (
        var * _bessel(x, data_format) if path in FUSED_PATHS else var)
    with tf.Graph().as_default():
        is_training = tf1.placeholder(tf.bool, [])
        output = slim.batch_norm(tf1.constant(x), decay=decay,
                                 is_training=is_training,
                                 data_format=data_format, **PATHS[path])
        fetches = [output] + tf1.get_collection(GraphKeys.UPDATE_OPS)
        moving = [_var("BatchNorm/moving_mean"),
                  _var("BatchNorm/moving_variance")]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            inference = sess.run(fetches, {is_training: False})[0]
            # False: moving statistics (still 0 and 1) are used and kept.
            np.testing.assert_allclose(inference, _normalize(x, 0.0, 1.0),
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_array_equal(sess.run(moving[0]), 0.0)
            np.testing.assert_array_equal(sess.run(moving[1]), 1.0)
            training = sess.run(fetches, {is_training: True})[0]
            got_mean, got_var = sess.run(moving)
    np.testing.assert_allclose(training, _normalize(x, mean, var, data_format),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_mean, (1 - decay) * mean, rtol=1e-5)
    np.testing.assert_allclose(got_var, moving_var_after, rtol=1e-5)


@pytest.mark.parametrize("is_training", [True, False])
def test_fused_and_non_fused_and_data_formats_agree(is_training):
    # layers_test.py testNHWCAndNCHW{Inference,Training}ProduceSameOutput,
    # extended to the fused/non-fused pair.
    nhwc = _images((6, 4, 5, 3))
    nchw = np.transpose(nhwc, (0, 3, 1, 2))
    outputs = {}
    with tf.Graph().as_default():
        for fused in (True, False):
            for data_format, x in (("NHWC", nhwc), ("NCHW", nchw)):
                out = slim.batch_norm(tf1.constant(x), is_training=is_training,
                                      fused=fused, data_format=data_format)
                if data_format == "NCHW":
                    out = tf1.transpose(out, (0, 2, 3, 1))
                outputs[fused, data_format] = out
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got = sess.run(outputs)
    if is_training:
        expected = _normalize(nhwc, *_batch_moments(nhwc))
    else:
        expected = _normalize(nhwc, 0.0, 1.0)
    for key, value in got.items():
        np.testing.assert_allclose(value, expected, rtol=1e-4, atol=1e-5,
                                   err_msg=str(key))


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_rank2_input(data_format):
    # Rank-2 inputs are normalised over the batch axis whatever data_format.
    x = _images((7, 4))
    mean, var = x.mean(axis=0), x.var(axis=0)
    with tf.Graph().as_default():
        output = slim.batch_norm(tf1.constant(x), decay=0.5,
                                 updates_collections=None,
                                 data_format=data_format)
        assert output.shape.as_list() == [7, 4]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got = sess.run(output)
            moving_mean = sess.run(_var("BatchNorm/moving_mean"))
    reference = (x - mean) / np.sqrt(var + EPSILON)
    np.testing.assert_allclose(got, reference, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(moving_mean, 0.5 * mean, rtol=1e-5)


def test_renorm():
    # Batch renormalization: y = x_hat * r + d with r = sigma_B / sigma,
    # d = (mu_B - mu) / sigma against running renorm statistics that start at
    # mu = 0, sigma = 1, so the first training output equals the input
    # (up to epsilon). "The inference is the same for either value".
    x = _images((10, 2, 2, 3))
    mean, var = _batch_moments(x)
    with tf.Graph().as_default():
        images = tf1.constant(x)
        train = slim.batch_norm(images, renorm=True, epsilon=1e-6)
        infer = slim.batch_norm(images, renorm=True, epsilon=1e-6,
                                is_training=False, scope="BatchNorm",
                                reuse=True)
        names = _names(tf1.global_variables())
        assert {"BatchNorm/renorm_mean", "BatchNorm/renorm_stddev",
                "BatchNorm/moving_mean",
                "BatchNorm/moving_variance"} <= set(names)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got_train, got_infer = sess.run([train, infer])
    np.testing.assert_allclose(got_train, x, rtol=1e-4, atol=1e-4)
    assert np.abs(_normalize(x, mean, var) - x).max() > 0.5  # r, d mattered
    np.testing.assert_allclose(
        got_infer, _normalize(x, 0.0, 1.0, epsilon=1e-6), rtol=1e-5,
        atol=1e-6)


def test_slim_learning_train_op_runs_the_update_ops():
    # slim.learning.create_train_op depends on tf.GraphKeys.UPDATE_OPS when
    # update_ops is None -- how TF1 scripts got their moving averages updated.
    x = _images((8, 2, 2, 3))
    mean, _ = _batch_moments(x)
    with tf.Graph().as_default():
        out = slim.batch_norm(tf1.constant(x), decay=0.5, scale=True)
        loss = tf1.reduce_mean(tf1.square(out - 1.0))
        train_op = slim.learning.create_train_op(
            loss, tf1.train.GradientDescentOptimizer(0.1))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run(train_op)
            got = sess.run(_var("BatchNorm/moving_mean"))
    np.testing.assert_allclose(got, 0.5 * mean, rtol=1e-5)


# --- conv2d / conv2d_transpose / fully_connected / flatten ------------------


def _numpy_conv_valid(x, w):
    """NHWC 'VALID' stride-1 convolution (cross-correlation) in NumPy."""
    kh, kw = w.shape[:2]
    out_h, out_w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((x.shape[0], out_h, out_w, w.shape[3]), np.float64)
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, i:i + kh, j:j + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3],
                                                           [0, 1, 2]))
    return out


def test_conv2d_names_shapes_and_default_relu():
    x = _images((2, 5, 5, 3)) - 0.5
    with tf.Graph().as_default():
        out = slim.conv2d(tf1.constant(x), 4, [2, 2], padding="VALID",
                          biases_initializer=tf1.constant_initializer(0.1))
        slim.conv2d(tf1.constant(x), 2, [3, 3])
        assert _names(tf1.global_variables()) == [
            "Conv/biases", "Conv/weights", "Conv_1/biases", "Conv_1/weights"]
        weights, biases = _var("Conv/weights"), _var("Conv/biases")
        assert weights.shape.as_list() == [2, 2, 3, 4]
        assert biases.shape.as_list() == [4]
        assert _names(tf1.trainable_variables()) == _names(
            tf1.model_variables())
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got, w = sess.run([out, weights])
    # activation_fn defaults to tf.nn.relu.
    expected = np.maximum(_numpy_conv_valid(x, w) + 0.1, 0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_conv2d_with_batch_norm_normalizer_has_no_biases():
    with tf.Graph().as_default():
        slim.conv2d(tf1.constant(_images((2, 4, 4, 3))), 5, [3, 3],
                    normalizer_fn=slim.batch_norm,
                    normalizer_params={"scale": True})
        assert _names(tf1.global_variables()) == [
            "Conv/BatchNorm/beta", "Conv/BatchNorm/gamma",
            "Conv/BatchNorm/moving_mean", "Conv/BatchNorm/moving_variance",
            "Conv/weights"]


def test_conv2d_transpose_names_and_shape():
    with tf.Graph().as_default():
        out = slim.conv2d_transpose(tf1.constant(_images((2, 4, 4, 3))), 6,
                                    [5, 5], stride=2)
        assert out.shape.as_list() == [2, 8, 8, 6]
        assert _names(tf1.global_variables()) == [
            "Conv2d_transpose/biases", "Conv2d_transpose/weights"]
        # Transposed kernels are [height, width, out_channels, in_channels].
        assert _var("Conv2d_transpose/weights").shape.as_list() == [5, 5, 6, 3]


def test_fully_connected_names_values_and_xavier_default():
    x = _images((4, 30)) - 0.5
    with tf.Graph().as_default():
        out = slim.fully_connected(tf1.constant(x), 20)
        linear = slim.fully_connected(tf1.constant(x), 20, activation_fn=None,
                                      scope="logits")
        assert _names(tf1.global_variables()) == [
            "fully_connected/biases", "fully_connected/weights",
            "logits/biases", "logits/weights"]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got, got_linear, w, w2, b = sess.run(
                [out, linear, _var("fully_connected/weights"),
                 _var("logits/weights"), _var("fully_connected/biases")])
    assert w.shape == (30, 20)
    np.testing.assert_array_equal(b, 0.0)  # biases start at zero
    # Default weights_initializer is xavier_initializer(): uniform within
    # sqrt(6 / (fan_in + fan_out)).
    assert np.abs(w).max() <= math.sqrt(6.0 / (30 + 20)) * (1 + 1e-6)
    np.testing.assert_allclose(got, np.maximum(x @ w, 0.0), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(got_linear, x @ w2, rtol=1e-5, atol=1e-6)


def test_flatten():
    x = _images((3, 2, 4, 5))
    with tf.Graph().as_default():
        out = slim.flatten(tf1.constant(x))
        assert out.shape.as_list() == [3, 40]
        with tf1.Session() as sess:
            np.testing.assert_array_equal(sess.run(out), x.reshape(3, 40))


# --- dropout / layer_norm / regularizers / arg_scope / model_analyzer -------


def test_dropout_semantics():
    keep_prob = 0.25
    x = np.ones((200, 100), np.float32)
    with tf.Graph().as_default():
        is_training = tf1.placeholder(tf.bool, [])
        out = slim.dropout(tf1.constant(x), keep_prob=keep_prob,
                           is_training=is_training, seed=5)
        frozen = slim.dropout(tf1.constant(x), keep_prob, is_training=False)
        with tf1.Session() as sess:
            np.testing.assert_array_equal(sess.run(frozen), x)
            np.testing.assert_array_equal(
                sess.run(out, {is_training: False}), x)
            dropped = sess.run(out, {is_training: True})
    # Survivors are scaled by 1 / keep_prob so the expectation is unchanged.
    assert set(np.unique(dropped)) == {0.0, 1.0 / keep_prob}
    kept = (dropped > 0).mean()
    # 20000 Bernoulli(0.25) draws: standard error 0.003.
    assert abs(kept - keep_prob) < 0.015


def test_layer_norm():
    x = _images((4, 3, 2, 5)) * 3.0
    beta = np.linspace(-1, 1, 5).astype(np.float32)
    gamma = np.linspace(0.5, 2, 5).astype(np.float32)
    with tf.Graph().as_default():
        out = slim.layer_norm(tf1.constant(x))
        last_axis = slim.layer_norm(tf1.constant(x), begin_norm_axis=-1,
                                    scope="ln2")
        assert _names(tf1.global_variables()) == [
            "LayerNorm/beta", "LayerNorm/gamma", "ln2/beta", "ln2/gamma"]
        # beta and gamma are per feature of the last axis.
        assert _var("LayerNorm/beta").shape.as_list() == [5]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run([_var("ln2/beta").assign(beta),
                      _var("ln2/gamma").assign(gamma)])
            got, got_last_axis = sess.run([out, last_axis])
    # Default begin_norm_axis=1: moments per example over every other axis;
    # epsilon 1e-12.
    mean = x.mean(axis=(1, 2, 3), keepdims=True)
    var = x.var(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(got, (x - mean) / np.sqrt(var + 1e-12),
                               rtol=1e-4, atol=1e-5)
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    np.testing.assert_allclose(
        got_last_axis, (x - mean) / np.sqrt(var + 1e-12) * gamma + beta,
        rtol=1e-4, atol=1e-5)


def test_regularization_losses():
    with tf.Graph().as_default():
        images = tf1.constant(_images((2, 4, 4, 3)))
        net = slim.conv2d(images, 4, [3, 3],
                          weights_regularizer=slim.l2_regularizer(0.05))
        net = slim.fully_connected(
            slim.flatten(net), 6, weights_regularizer=slim.l1_regularizer(0.2))
        # A zero scale disables the regularizer: no loss is added.
        slim.fully_connected(
            net, 2, weights_regularizer=slim.l2_regularizer(0.0),
            scope="unregularized")
        losses = tf1.get_collection(GraphKeys.REGULARIZATION_LOSSES)
        assert len(losses) == 2
        total = tf1.losses.get_regularization_loss()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            l2_loss, l1_loss, total_value, conv_w, fc_w = sess.run(
                losses + [total, _var("Conv/weights"),
                          _var("fully_connected/weights")])
    # l2_regularizer(scale)(w) = scale * sum(w**2) / 2  (tf.nn.l2_loss)
    np.testing.assert_allclose(l2_loss, 0.05 * np.sum(conv_w**2) / 2,
                               rtol=1e-5)
    # l1_regularizer(scale)(w) = scale * sum(|w|)
    np.testing.assert_allclose(l1_loss, 0.2 * np.sum(np.abs(fc_w)), rtol=1e-5)
    np.testing.assert_allclose(total_value, l2_loss + l1_loss, rtol=1e-6)


def test_arg_scope():
    with tf.Graph().as_default():
        images = tf1.constant(_images((2, 6, 6, 3)))
        with slim.arg_scope([slim.conv2d, slim.fully_connected],
                            activation_fn=None,
                            weights_initializer=tf1.ones_initializer()):
            with slim.arg_scope([slim.conv2d], padding="VALID"):
                valid = slim.conv2d(images, 2, [3, 3])
                same = slim.conv2d(images, 2, [3, 3], padding="SAME")
            outer = slim.conv2d(images, 2, [3, 3])
            dense = slim.fully_connected(slim.flatten(images), 1)
        unscoped = slim.conv2d(images, 2, [3, 3])
        assert valid.shape.as_list() == [2, 4, 4, 2]
        assert same.shape.as_list() == [2, 6, 6, 2]  # call argument wins
        assert outer.shape.as_list() == [2, 6, 6, 2]  # inner scope has ended
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got_dense, got_unscoped = sess.run([dense, unscoped])
    # ones weights, zero bias, no activation: the sum of the inputs.
    np.testing.assert_allclose(
        got_dense[:, 0], _images((2, 6, 6, 3)).reshape(2, -1).sum(axis=1),
        rtol=1e-5)
    assert got_unscoped.min() >= 0.0  # default relu outside the scope


def test_model_analyzer_analyze_vars():
    with tf.Graph().as_default():
        net = slim.conv2d(tf1.constant(_images((1, 4, 4, 3))), 8, [3, 3])
        slim.fully_connected(slim.flatten(net), 10)
        tf1.Variable(np.zeros(7, np.float64), name="doubles")
        size, size_bytes = slim.model_analyzer.analyze_vars(
            tf1.global_variables(), print_info=False)
    sizes = {"Conv/weights": 3 * 3 * 3 * 8, "Conv/biases": 8,
             "fully_connected/weights": 4 * 4 * 8 * 10,
             "fully_connected/biases": 10, "doubles": 7}
    assert size == sum(sizes.values())
    assert size_bytes == 4 * (size - 7) + 8 * 7


# --- initializers ------------------------------------------------------------
# TF 1.15 initializers.py: xavier_initializer(uniform) =
# variance_scaling_initializer(factor=1.0, mode='FAN_AVG', uniform), and
# variance_scaling_initializer draws
#   uniform:  U(-limit, limit), limit = sqrt(3 * factor / n)
#   normal:   truncated_normal(0, sqrt(1.3 * factor / n))   (cut at 2 sigma)
# with fan_in = shape[-2] * prod(shape[:-2]), fan_out = shape[-1] *
# prod(shape[:-2]) and n = fan_in, fan_out or their average.

# Variance of a unit normal truncated to [-2, 2].
TRUNCATED_VARIANCE = 1.0 - 4.0 * math.exp(-2.0) / math.sqrt(2 * math.pi) / (
    math.erf(2.0 / math.sqrt(2.0)))


def _sample(initializer, shape):
    with tf.Graph().as_default():
        variable = tf1.get_variable("w", shape, initializer=initializer)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return sess.run(variable).astype(np.float64)


def _check_uniform(values, limit):
    # The bound is computed in float64; the samples are float32.
    assert np.abs(values).max() <= limit * (1 + 1e-6)
    assert np.abs(values).max() > 0.999 * limit
    assert abs(values.mean()) < 0.01 * limit
    # Var of U(-a, a) is a^2 / 3; relative standard error here is < 0.4%.
    np.testing.assert_allclose(values.var(), limit**2 / 3, rtol=0.015)


def _check_truncated_normal(values, stddev):
    assert np.abs(values).max() <= 2 * stddev * (1 + 1e-6)
    assert abs(values.mean()) < 0.01 * stddev
    np.testing.assert_allclose(values.var(), stddev**2 * TRUNCATED_VARIANCE,
                               rtol=0.015)


def test_truncated_variance_constant():
    # Cross-check the closed form against a direct numerical integral.
    z = np.linspace(-2, 2, 400001)
    density = np.exp(-z**2 / 2)
    trapezoid = getattr(np, "trapezoid", None) or np.trapz  # NumPy 2 renamed it
    assert abs(trapezoid(z**2 * density, z) / trapezoid(density, z)
               - TRUNCATED_VARIANCE) < 1e-6


def test_xavier_initializer_uniform_dense():
    fan_in, fan_out = 400, 600
    values = _sample(slim.xavier_initializer(seed=11), [fan_in, fan_out])
    _check_uniform(values, math.sqrt(6.0 / (fan_in + fan_out)))


def test_xavier_initializer_normal_dense():
    fan_in, fan_out = 400, 600
    values = _sample(slim.xavier_initializer(uniform=False, seed=12),
                     [fan_in, fan_out])
    # sqrt(1.3 * 1 / ((fan_in + fan_out) / 2)) before truncation.
    _check_truncated_normal(values, math.sqrt(2.6 / (fan_in + fan_out)))


def test_xavier_initializer_conv2d_counts_the_receptive_field():
    shape = [3, 3, 64, 128]
    fan_in, fan_out = 3 * 3 * 64, 3 * 3 * 128
    values = _sample(slim.xavier_initializer_conv2d(seed=13), shape)
    _check_uniform(values, math.sqrt(6.0 / (fan_in + fan_out)))


def test_variance_scaling_initializer_defaults():
    # Defaults: factor=2.0, mode='FAN_IN', uniform=False (He / MSRA).
    shape = [3, 3, 64, 128]
    values = _sample(slim.variance_scaling_initializer(seed=14), shape)
    _check_truncated_normal(values, math.sqrt(1.3 * 2.0 / (3 * 3 * 64)))


def test_variance_scaling_initializer_fan_out_uniform():
    values = _sample(slim.variance_scaling_initializer(
        factor=3.0, mode="FAN_OUT", uniform=True, seed=15), [500, 300])
    _check_uniform(values, math.sqrt(3.0 * 3.0 / 300))


def test_initializer_seed_is_reproducible():
    first = _sample(slim.xavier_initializer(seed=21), [50, 40])
    again = _sample(slim.xavier_initializer(seed=21), [50, 40])
    other = _sample(slim.xavier_initializer(seed=22), [50, 40])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
