"""Seed 000's infoGAN-architecture GAN in TensorFlow 2.21: read it next to ``legacy/000_infogan_gan/`` (``ops.py``
for the layer helpers, ``GAN.py`` for the networks, losses and training loop, ``utils.py`` for the data).

The legacy code names every weight by ``tf.variable_scope`` and shares D between its two calls with
``reuse=True``; here each layer is a small ``tf.Module`` holding its ``tf.Variable``s, and sharing means calling
the same object. The two ``AdamOptimizer.minimize`` train ops became two ``tf.function`` steps (``GradientTape``
and Keras 3's ``Adam``); the placeholders became their arguments. The batch size is fixed, as in the legacy graph
(the networks reshape to it).

Ported: the networks, losses, optimizers, the data (legacy order) and the training loop. Not ported (yet): the
legacy run's TensorBoard summaries, sample grids, checkpoints and resuming, and a command line.

Legacy values that modern defaults would change, set explicitly here:

* ``tf.contrib.layers.batch_norm(decay=0.9, epsilon=1e-5, scale=True, updates_collections=None)``: Keras's
  ``BatchNormalization`` defaults to momentum 0.99 and epsilon 1e-3, and updates its moving variance with the
  biased batch variance; slim's fused kernel (used for these rank-2 and rank-4 inputs because
  ``updates_collections=None``) normalised with the biased variance but moved the moving variance towards the
  Bessel-corrected one (n / (n - 1)). :class:`BatchNorm` below does exactly that. The moving statistics only
  matter for the test generator (``is_training=False``); the training losses use the batch statistics.
* Adam: TF1's epsilon 1e-8 (Keras 3: 1e-7) and betas given as their float32 values (TF1 computed ``1 - beta`` in
  float32, Keras 3 in float64; see ``vanilla_gan_004``).
"""
import math
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # this project's convention; the port itself imports Keras 3

import numpy as np
import tensorflow as tf
import keras

from reproductions.equivalence import Mistake, Tolerance, assign_legacy_weights

BATCH_SIZE = 64  # legacy main.py --batch_size default
Z_DIM = 62  # legacy main.py --z_dim default
LEARNING_RATE = 0.0002  # legacy GAN.__init__: self.learning_rate; G uses 5 times this
BETA1 = float(np.float32(0.5))  # legacy self.beta1 = 0.5 (0.5 is exact in float32 anyway)
TF1_BETA2 = float(np.float32(0.999))  # TF1's default beta2, as its float32 value (see the module docstring)
SHUFFLE_SEED = 547  # legacy utils.load_mnist


class Linear(tf.Module):
    """legacy ops.linear: ``Matrix`` ~ N(0, 0.02), ``bias`` = 0; ``x @ Matrix + bias``."""

    def __init__(self, n_in, n_out, name):
        super().__init__(name=name)
        self.Matrix = tf.Variable(tf.random.normal([n_in, n_out], stddev=0.02), name="Matrix")
        self.bias = tf.Variable(tf.zeros([n_out]), name="bias")

    def __call__(self, x):
        return tf.matmul(x, self.Matrix) + self.bias


class Conv2d(tf.Module):
    """legacy ops.conv2d: ``w`` ~ truncated N(0, 0.02) [k, k, in, out], stride 2, SAME padding, plus ``biases``."""

    def __init__(self, n_in, n_out, k, name):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.truncated_normal([k, k, n_in, n_out], stddev=0.02), name="w")
        self.biases = tf.Variable(tf.zeros([n_out]), name="biases")

    def __call__(self, x):
        return tf.nn.bias_add(tf.nn.conv2d(x, self.w, strides=2, padding="SAME"), self.biases)


class Deconv2d(tf.Module):
    """legacy ops.deconv2d: ``w`` ~ N(0, 0.02) [k, k, out, in], ``tf.nn.conv2d_transpose`` to an explicit output
    shape (stride 2, SAME), plus ``biases``."""

    def __init__(self, n_in, output_shape, k, name):
        super().__init__(name=name)
        self.output_shape = output_shape
        self.w = tf.Variable(tf.random.normal([k, k, output_shape[-1], n_in], stddev=0.02), name="w")
        self.biases = tf.Variable(tf.zeros([output_shape[-1]]), name="biases")

    def __call__(self, x):
        y = tf.nn.conv2d_transpose(x, self.w, output_shape=self.output_shape, strides=2, padding="SAME")
        return tf.nn.bias_add(y, self.biases)


class BatchNorm(tf.Module):
    """legacy ops.bn: slim batch norm with decay 0.9, epsilon 1e-5, scale and center, statistics updated in place.

    Training: normalise with the batch mean and biased variance over all axes but the last; move
    ``moving_mean`` and ``moving_variance`` 10 % towards the batch mean and the Bessel-corrected batch variance
    (what slim's fused kernel returned). Inference: normalise with the moving statistics.
    """

    def __init__(self, channels, name, decay=0.9, epsilon=1e-5):
        super().__init__(name=name)
        self.decay, self.epsilon = decay, epsilon
        self.beta = tf.Variable(tf.zeros([channels]), name="beta")
        self.gamma = tf.Variable(tf.ones([channels]), name="gamma")
        self.moving_mean = tf.Variable(tf.zeros([channels]), trainable=False, name="moving_mean")
        self.moving_variance = tf.Variable(tf.ones([channels]), trainable=False, name="moving_variance")

    def __call__(self, x, training):
        if not training:
            return tf.nn.batch_normalization(x, self.moving_mean, self.moving_variance, self.beta, self.gamma,
                                             self.epsilon)
        axes = list(range(len(x.shape) - 1))
        mean, variance = tf.nn.moments(x, axes)
        count = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), x.dtype)
        self.moving_mean.assign_sub((1 - self.decay) * (self.moving_mean - mean))
        self.moving_variance.assign_sub(
            (1 - self.decay) * (self.moving_variance - variance * count / (count - 1)))
        return tf.nn.batch_normalization(x, mean, variance, self.beta, self.gamma, self.epsilon)


def lrelu(x, leak=0.2):
    """legacy ops.lrelu: max(x, 0.2 x)."""
    return tf.maximum(x, leak * x)


def minibatch_layer(linear, inputs, dim_b=32, dim_c=32):
    """legacy ops.MinibatchLayer (minibatch discrimination): for each example, the mean over the batch of
    exp(-L1 distance) between its ``dim_b`` rows of ``dim_c`` features and every other example's, minus the 1 of
    itself, prepended to the inputs. ``linear`` is the layer producing the features (legacy scope d_fc3)."""
    m = tf.reshape(linear(inputs), [-1, dim_b, dim_c])
    c = tf.exp(-tf.reduce_sum(tf.abs(tf.expand_dims(m, 0) - tf.expand_dims(m, 1)), axis=3))
    o = tf.reduce_mean(c, axis=1) - 1
    return tf.concat([o, inputs], axis=1)


class Discriminator(tf.Module):
    """legacy GAN.discriminator (scope "discriminator"): (64,28,28,1) -> logits (64,1)."""

    def __init__(self, batch_size):
        super().__init__(name="discriminator")
        self.batch_size = batch_size
        self.d_conv1 = Conv2d(1, 64, 4, "d_conv1")
        self.d_conv2 = Conv2d(64, 128, 4, "d_conv2")
        self.d_bn2 = BatchNorm(128, "d_bn2")
        self.d_fc3 = Linear(7 * 7 * 128, 32 * 32, "d_fc3")
        self.d_fc4 = Linear(7 * 7 * 128 + 32, 1024, "d_fc4")
        self.d_bn4 = BatchNorm(1024, "d_bn4")
        self.d_fc5 = Linear(1024, 1, "d_fc5")

    def __call__(self, x, training=True):
        net = lrelu(self.d_conv1(x))
        net = lrelu(self.d_bn2(self.d_conv2(net), training))
        net = tf.reshape(net, [self.batch_size, -1])
        net = minibatch_layer(self.d_fc3, net)
        net = lrelu(self.d_bn4(self.d_fc4(net), training))
        out_logit = self.d_fc5(net)
        return tf.nn.sigmoid(out_logit), out_logit, net


class Generator(tf.Module):
    """legacy GAN.generator (scope "generator"): z (64,62) -> images (64,28,28,1) in (0, 1)."""

    def __init__(self, batch_size, z_dim):
        super().__init__(name="generator")
        self.batch_size = batch_size
        self.g_fc1 = Linear(z_dim, 1024, "g_fc1")
        self.g_bn1 = BatchNorm(1024, "g_bn1")
        self.g_fc2 = Linear(1024, 128 * 7 * 7, "g_fc2")
        self.g_bn2 = BatchNorm(128 * 7 * 7, "g_bn2")
        self.g_dc3 = Deconv2d(128, [batch_size, 14, 14, 64], 4, "g_dc3")
        self.g_bn3 = BatchNorm(64, "g_bn3")
        self.g_dc4 = Deconv2d(64, [batch_size, 28, 28, 1], 4, "g_dc4")

    def __call__(self, z, training=True):
        net = tf.nn.relu(self.g_bn1(self.g_fc1(z), training))
        net = tf.nn.relu(self.g_bn2(self.g_fc2(net), training))
        net = tf.reshape(net, [self.batch_size, 7, 7, 128])
        net = tf.nn.relu(self.g_bn3(self.g_dc3(net), training))
        return tf.nn.sigmoid(self.g_dc4(net))


def _xent(logits, label):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=tf.fill(tf.shape(logits),
                                                                                                 label)))


class GAN(tf.Module):
    """legacy GAN.build_model: the networks, losses and the two Adam updates (D lr 2e-4, G lr 1e-3, beta1 0.5).

    Args:
      batch_size, z_dim: as legacy main.py's flags.
      jit_compile: XLA-compile the two training steps.
      adam_epsilon: both Adams' epsilon: TF1's 1e-8 by default (1e-7 is Keras 3's, to measure the difference).
    """

    def __init__(self, batch_size=BATCH_SIZE, z_dim=Z_DIM, jit_compile=False, adam_epsilon=1e-8):
        super().__init__(name="gan")
        self.D = Discriminator(batch_size)
        self.G = Generator(batch_size, z_dim)
        # legacy: d_optim / g_optim under control_dependencies(UPDATE_OPS) — empty there (bn updates in place),
        # and here the BatchNorm modules update themselves when called with training=True.
        self.d_optim = keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA1, beta_2=TF1_BETA2, epsilon=adam_epsilon)
        self.g_optim = keras.optimizers.Adam(LEARNING_RATE * 5, beta_1=BETA1, beta_2=TF1_BETA2, epsilon=adam_epsilon)
        self.d_step = tf.function(self._d_step, jit_compile=jit_compile)
        self.g_step = tf.function(self._g_step, jit_compile=jit_compile)

    @property
    def d_vars(self):  # legacy: [var for var in t_vars if 'd_' in var.name]
        return list(self.D.trainable_variables)

    @property
    def g_vars(self):
        return list(self.G.trainable_variables)

    def _d_step(self, inputs, z):
        inputs, z = tf.cast(inputs, tf.float32), tf.cast(z, tf.float32)  # what feeding float32 placeholders did
        with tf.GradientTape() as tape:
            # legacy build_model order: D(real), G(z), D(G(z)) — each pass updates its batch-norm statistics
            _, D_real_logits, _ = self.D(inputs)
            _, D_fake_logits, _ = self.D(self.G(z))
            d_loss = _xent(D_real_logits, 1.) + _xent(D_fake_logits, 0.)
        self.d_optim.apply_gradients(zip(tape.gradient(d_loss, self.d_vars), self.d_vars))
        return {"d_loss": d_loss}

    def _g_step(self, z):
        z = tf.cast(z, tf.float32)
        with tf.GradientTape() as tape:
            _, D_fake_logits, _ = self.D(self.G(z))
            g_loss = _xent(D_fake_logits, 1.)
        self.g_optim.apply_gradients(zip(tape.gradient(g_loss, self.g_vars), self.g_vars))
        return {"g_loss": g_loss}

    def variables_by_legacy_name(self):
        """``{"discriminator/d_conv1/w:0": variable, ...}``: the names TF1's scopes gave the same weights."""
        names = {}
        for net in (self.D, self.G):
            for layer_name, layer in vars(net).items():
                if isinstance(layer, tf.Module):
                    for attribute, value in vars(layer).items():
                        if isinstance(value, tf.Variable):
                            names[f"{net.name}/{layer_name}/{attribute}:0"] = value
        return names

    def load_legacy_weights(self, weights):
        """Assign a legacy run's initial weights (the runner's --dump-weights arrays, by TF1 name)."""
        assign_legacy_weights(self.variables_by_legacy_name(), weights, "legacy/000_infogan_gan/main.py")


def load_data(rng=np.random):
    """legacy utils.load_mnist: train + test (70000) images as float64 in [0, 1], shuffled with NumPy seed 547.

    The legacy code seeded and shuffled twice (images, then labels); the generator ends in the same state either
    way, and every later noise draw follows from it. Returns images [70000, 28, 28, 1] float64.
    """
    from compat.input_data import load_keras_fashion_mnist  # the project's offline Fashion-MNIST files

    (x_train, _), (x_test, _) = load_keras_fashion_mnist()
    X = np.concatenate([x_train, x_test]).reshape(-1, 28, 28, 1)
    order = np.arange(len(X))
    rng.seed(SHUFFLE_SEED)
    rng.shuffle(order)
    rng.seed(SHUFFLE_SEED)
    rng.shuffle(np.arange(len(X)))  # the labels' shuffle: same draws, same final generator state
    return X[order].astype(np.float64) / 255.


def train(gan, data_X, num_steps, rng=np.random, batch_size=BATCH_SIZE, z_dim=Z_DIM):
    """legacy GAN.train without checkpoints, summaries and grids: per batch one D step then one G step, same z.

    Returns one dict of losses per training step (D and G steps alternate).
    """
    rng.uniform(-1, 1, size=(batch_size, z_dim))  # legacy self.sample_z (fixed grid noise): drawn first
    losses = []
    for idx in range(len(data_X) // batch_size):
        if len(losses) >= num_steps:
            break
        batch_images = data_X[idx * batch_size:(idx + 1) * batch_size]
        batch_z = rng.uniform(-1, 1, [batch_size, z_dim]).astype(np.float32)
        losses.append({k: float(v) for k, v in gan.d_step(batch_images, batch_z).items()})
        losses.append({k: float(v) for k, v in gan.g_step(batch_z).items()})
    return losses[:num_steps]


# --- equivalence (reproductions/equivalence.py) -------------------------------------------------------------------

# Seed 1, 200 steps: 0, 6e-8, 1.2e-7 at steps 1-3 (the XLA-compiled port: 1.2e-7, 1.2e-7, 1.6e-6), then 1.8e-6,
# 4.5e-5, 1.2e-4, 1.5e-4, 7.4e-4 at steps 4-8 and at most 7.7e-2 over 200 steps (jit: 7.0e-2), the losses lying in
# 0.7-1.5. The minibatch layer's exp(-L1 distance) has gradients near 1e-8 that Adam scales up to
# learning-rate-sized steps, so rounding grows ten-fold per iteration until it saturates.
TOLERANCE = Tolerance(tight_steps=3, tight_atol=2e-5, atol=0.2)
STEP_SERIES = ({"d_loss"}, {"g_loss"})  # one D then one G update per batch
MISTAKES = {
    "keras3-adam-epsilon": Mistake({"adam_epsilon": 1e-7}, steps=TOLERANCE.tight_steps, first_failure=(1, 3),
                                   why="Keras 3's default epsilon (TF1's was 1e-8): measured 6.3e-4 at step 2, "
                                       "30 times tight_atol"),
}


def replay(legacy_weights, steps, seed, **port_options):
    """Train the port ``steps`` steps from the legacy initial weights on the legacy batches and noise.

    NumPy order of the legacy run: the runner's ``np.random.seed(seed)`` is overridden by utils.load_mnist, which
    seeds 547 and shuffles the 70,000 images, then seeds 547 again and shuffles the labels; GAN.train then draws
    the fixed grid noise (64 x 62), and per batch one z (64 x 62, float32) used by both the D and the G step. The
    batches are consecutive slices of the shuffled images (float64 in [0, 1], cast to float32 by the feed).
    ``seed`` is unused: nothing in 000 draws from the runner's seed before load_mnist re-seeds.
    """
    gan = GAN(**port_options)
    gan.load_legacy_weights(legacy_weights)
    return train(gan, load_data(), steps)


def trainer(gan=None, seed=1, **port_options):
    """A ``train_more(steps)`` that goes on training one model on the legacy batches (the benchmark's timing loop,
    benchmarks/bench_legacy_vs_modern.py): every call continues with the next batches.

    Args:
      gan: the model (default: a new :class:`GAN` made with ``port_options`` after ``tf.random.set_seed(seed)``);
        anything with its ``d_step``/``g_step`` interface, such as the benchmark's torch port.
      seed: TensorFlow's seed for a new model (the data order is load_mnist's own, see :func:`replay`).

    Returns:
      ``train_more(steps)``: trains whole iterations (one D and one G step each) covering about ``steps`` steps and
      returns their losses, one dict per step.
    """
    data_X = load_data()
    if gan is None:
        tf.random.set_seed(seed)
        gan = GAN(**port_options)
    used = [0]  # batches consumed so far

    def train_more(steps):
        count = math.ceil(steps / 2)
        losses = train(gan, data_X[used[0] * BATCH_SIZE:(used[0] + count) * BATCH_SIZE], 2 * count)
        used[0] += count
        return losses

    return train_more
