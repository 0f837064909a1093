"""The modern port of 003 (reproductions/modern/dcgan_keras_003.py) trains like legacy/003_dcgan_keras/dcgan.py:
from the legacy initial weights, on the legacy batches and noise, the same losses step for step within the port's
TOLERANCE.

The comparison runs the legacy script under the runner once (a subprocess, 200 steps = 100 G and 100 D updates,
eager) and the port in this process. Measured on this 2-core machine while shared with other training jobs: 165 s
for the module (legacy run 88 s, port 33 s, each porting mistake 8-14 s over the 10-step tight phase).
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reproductions import equivalence  # noqa: E402

NAME = "003_dcgan_keras"
STEPS = 200
NO_DATA = equivalence.fashion_mnist_available()
needs_data = pytest.mark.skipif(NO_DATA is not None, reason=NO_DATA or "")


@pytest.fixture(scope="module")
def legacy_003(tmp_path_factory):
    return equivalence.run_legacy(NAME, STEPS, tmp_path_factory.mktemp("legacy003"))


@needs_data
def test_003_port_follows_the_legacy_trajectory(legacy_003):
    comparison = equivalence.compare(NAME, STEPS, legacy_run=legacy_003)
    # G's update first, then D's, each step recording the loss the script handed to tape.gradient
    assert [set(losses) for losses in comparison.modern[:2]] == [{"g_loss"}, {"d_loss"}]
    assert comparison.check(), comparison.summary() + f"\nfirst failures: {comparison.failures[:5]}"
    # Steps 1 and 2 are computed before any Adam arithmetic could differ (G's first loss from the initial weights
    # and the first noise; D's first loss from the first real batch and G's images made before its update): they
    # agree to float32 rounding only when the port sees the same weights, batch and noise.
    for k, series in ((0, "g_loss"), (1, "d_loss")):
        assert comparison.modern[k][series] == pytest.approx(comparison.legacy[k][series], abs=1e-6)


@needs_data
@pytest.mark.parametrize("mistake", [{"shared_optimizer": False}, {"honour_training_flags": True},
                                     {"adam_epsilon": 1e-8}],
                         ids=["one-adam-per-network", "literal-training-flags", "tf1-adam-epsilon"])
def test_003_check_catches_porting_mistakes(legacy_003, mistake):
    # Plausible ports that differ: one Adam per network (the usual modern advice; each network then counts its
    # own Adam steps, t = 1, 2, 3 ... instead of the shared 1, 3, 5 / 2, 4, 6), Keras 3 layers honouring the
    # legacy training=True (batch statistics and dropout, which the legacy run never used), and TF1's Adam
    # epsilon 1e-8 as the other ports set it (Keras 2's default here was 1e-7). The tight phase must see each.
    steps = equivalence.tolerance(NAME).tight_steps
    comparison = equivalence.compare(NAME, steps, legacy_run=legacy_003, **mistake)
    assert not comparison.check()
    assert min(step for step, *_ in comparison.failures) <= steps


def test_003_shared_adam_counts_both_networks_updates():
    # Independent of the legacy run: one step of the port's shared Adam is two Adam steps, G's at t = 1 and D's
    # at t = 2. Check D's output bias against Adam written out in NumPy from the gradient D's step sees.
    import tensorflow as tf

    from reproductions.modern import dcgan_keras_003 as port

    tf.random.set_seed(3)
    gan = port.DCGAN()
    img = tf.random.uniform((32, 28, 28, 1), -1, 1, seed=1)
    z = tf.random.normal((64, port.LATENT_DIM), seed=2)
    g_img = gan.g(z, training=False)  # D's step sees G's images from before G's update
    x = tf.concat((img, g_img[:32]), axis=0)
    label = tf.concat((tf.ones((32, 1)), tf.zeros((32, 1))), axis=0)
    bias = gan.d.layers[-1].bias
    with tf.GradientTape() as tape:
        d_loss = gan.loss_func(label, gan.d(x, training=False))
    grad = tape.gradient(d_loss, bias).numpy()
    before = bias.numpy()

    gan.train_step_fn(img, z)
    assert int(gan.opt.iterations) == 2

    t, lr, b1, b2, eps = 2, port.LEARNING_RATE, port.BETA_1, port.KERAS2_BETA_2, port.ADAM_EPSILON
    m, v = (1 - b1) * grad, (1 - b2) * grad**2  # first update: the slots start at 0
    expected = before - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(bias.numpy(), expected, rtol=0, atol=1e-9)
    at_t1 = before - lr * np.sqrt(1 - b2) / (1 - b1) * m / (np.sqrt(v) + eps)  # what a separate Adam would do
    assert abs(float((at_t1 - before)[0])) > 1e-6 + abs(float((bias.numpy() - before)[0]))
