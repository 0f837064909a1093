"""Seed 001's dcgan_generator GAN in TensorFlow 2.21: read it next to
``legacy/001_dcgan_generator/dcgan_generator.py``.

The legacy script builds one TF1 graph with ``tf.layers`` under variable scopes (``generator/noise_generator/fc1``
...), feeds it through ``sess.run`` and runs two ``AdamOptimizer.minimize`` train ops, each under
``tf.control_dependencies`` of its own scope's ``UPDATE_OPS``. Here every ``tf.layers`` call became a small
``tf.Module`` holding its ``tf.Variable``s (:class:`Dense`, :class:`Conv2DTranspose`, :class:`Conv2D`,
:class:`BatchNorm`), each remembering the variable scope the legacy layer lived in (so a legacy run's weights load
by name); sharing the discriminator (legacy ``reuse=True``) means calling the same object; the two train ops
became two ``tf.function`` steps (a ``GradientTape`` and :class:`TF1Adam`, TF1's Adam written out); the
placeholders ``real_images`` and ``training_phase`` became arguments. Same networks, same order of blocks:
``dcgan_generator`` (the article's code), ``dcgan_discriminator``, ``side_by_side``, ``save_grid``, the losses,
the two optimizers, the training loop with its diagnostics.

Run it (Fashion-MNIST, the offline stand-in; writes ``samples/`` and ``checkpoints/`` in the working directory)::

    python -m reproductions.001_dcgan_generator.port [-rl] [-name NAME] [--seed S] [--epochs N]

Legacy behaviour that modern defaults would change, set explicitly here:

* ``tf.layers.batch_normalization(training=training_phase, fused=True)``: momentum **0.99**, epsilon **1e-3**
  (Keras 3's ``BatchNormalization`` has the same two defaults; slim's and PyTorch's differ). In training mode it
  normalised with the batch statistics. Its moving averages were *not* updated by calling the layer: the update ops
  went to the ``UPDATE_OPS`` collection and ran only because each train op depended on its own scope's ones. So the
  generator's moving statistics move on G steps only, the discriminator's on D steps only, twice per D step (real
  batch, then fake batch); a Keras 3 layer called with ``training=True`` would update them on every call.
  :class:`BatchNorm` takes ``update_statistics`` to say which calls update. ``fused=True`` was honoured for the 4-D
  inputs (the ``FusedBatchNormV3`` kernel, whose moving variance moves towards the Bessel-corrected batch variance
  n/(n-1)) and silently dropped for fc1's 2-D input (``tf.nn.moments`` + ``tf.nn.batch_normalization``, biased
  variance). The moving statistics only feed the diagnostics (losses printed with ``training_phase`` False), never
  the training losses.
* ``tf.train.AdamOptimizer(2e-4, beta1=0.5)``: beta2 0.999 and **epsilon 1e-8** (Keras 3: 1e-7); TF1 computed
  ``1 - beta`` in float32, so the betas are given as their float32 values (see ``vanilla_gan_004``); and TF1's
  bias correction multiplied float32 ``beta1_power``/``beta2_power`` variables where ``keras.optimizers.Adam``
  computes ``beta ** t`` (one ulp apart from t = 3 on). This GAN amplifies any rounding difference until the
  trajectories part (see ``TOLERANCE``), so the port uses :class:`TF1Adam`, which computes exactly what TF1's
  ``ApplyAdam`` did; ``adam="keras"`` runs the same model with Keras 3's Adam, every default set as TF1's.
* Gradients: ``minimize`` built them with ``gate_gradients=GATE_OP`` (each op's gradients wrapped in ``tf.tuple``);
  ``GradientTape`` does not gate. For the convolutions with a bias this decides which oneDNN kernel computes the
  bias gradient; :func:`gated_bias_add` restores the gate (its docstring says why it matters).
* Initializers: ``tf.contrib.layers.xavier_initializer()`` (fc1, the discriminator's logit) and ``tf.layers``'
  default for the other kernels (the variable scope's ``glorot_uniform_initializer``) are both Glorot uniform,
  fans from the kernel shape; biases, ``beta`` and ``moving_mean`` zeros, ``gamma`` and ``moving_variance`` ones.
* ``tf.layers.conv2d_transpose(padding='same', strides=2)``: kernel ``[k, k, out, in]`` and output size exactly
  twice the input (the layer's ``deconv_output_length``); the port passes that output shape to
  ``tf.nn.conv2d_transpose``.
* ``z = tf.random_normal([64, 128])`` is a graph op, so *every* ``sess.run`` that reaches ``G_sample`` draws a fresh
  batch: the G step and the D step of one iteration see different noise, and so do the two diagnostic runs. The
  stream is a stateful Philox kernel keyed by (graph seed, op seed); :class:`LegacyNoise` holds the same op in a
  ``tf.function`` (one kernel, state kept across calls) and is called once wherever the legacy graph drew.

The equivalence check (``replay`` below; ``python -m reproductions.equivalence 001_dcgan_generator``) loads a
legacy run's initial weights and feeds the same batches and the same noise stream; ``TOLERANCE`` states what was
measured.
"""
import argparse
import os
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # this project's convention; the port itself imports Keras 3

import numpy as np
import tensorflow as tf
import keras

from reproductions.equivalence import (Mistake, Tolerance, assign_legacy_weights, tf1_next_batches,
                                       tf1_train_images)

# legacy class config_train
NUM_EPOCHS = 20
BATCH_SIZE = 64
G_LEARNING_RATE = 2e-4
D_LEARNING_RATE = 2e-4
NOISE_DIM = 128
CHANNEL_BOTTLENECK = 1  # C: output channels of dcgan_generator (grey images)
UPSAMPLE_DIM = 256
DIAGNOSTIC_STEPS = 128
# legacy read_data_sets: 60000 training images minus the first 5000 (validation); two images per generated one
VALIDATION_SIZE = 5000
STEPS_PER_EPOCH = (60000 - VALIDATION_SIZE) // (2 * BATCH_SIZE)  # legacy steps_per_epoch: 429

# legacy AdamOptimizer(learning_rate=2e-4, beta1=0.5): TF1's beta2 and epsilon, betas as float32 values (TF1
# computed 1 - beta in float32; Keras 3 in float64 from whatever Python float it is given)
BETA1 = float(np.float32(0.5))  # exact anyway
TF1_BETA2 = float(np.float32(0.999))
TF1_ADAM_EPSILON = 1e-8
# legacy tf.layers.batch_normalization defaults
BN_MOMENTUM = 0.99
BN_EPSILON = 1e-3

# The op seed TF 2.21's get_seed gives the first seedless random op of a graph that has a graph-level seed: a
# per-graph counter starting at 0 (TF 1.15 used the graph's op count instead, but the runtime that runs the legacy
# script is TF 2.21). tf.random_normal is the first random op the legacy graph creates (the initializers come
# after it, ops seeds 1-8); the test checks this against the legacy graph.
LEGACY_NOISE_OP_SEED = 0
_MAXINT32 = 2**31 - 1  # TF's random_seed._truncate_seed reduces seeds modulo this

# Measured (python -m reproductions.equivalence 001_dcgan_generator --steps 200, legacy with --deterministic): the
# port reproduces the legacy losses bit for bit, |legacy - modern| = 0 at every one of 200 steps, at seed 1 (the
# catalog's; losses over steps 100-200: G 0.27-7.6, D 0.055-2.3) and seed 2 (G 0.23-8.3, D 0.055-3.5), and every
# variable (batch-norm moving statistics included) is bit-identical after each of the first 6 steps. Nothing looser
# than rounding can be stated: this GAN amplifies a one-ulp difference about ten-fold every two or three steps until
# the trajectories part. Keras 3's Adam with every TF1 default set (adam="keras"; only its beta ** t bias
# correction differs, by one ulp from t = 3 on): exact to step 5, then 1.5e-6 at step 6, 4.8e-5 within 10 steps,
# 9.7e-4 within 20, 6.7e-2 within 100, 1.5 within 200. Keras 3's Adam and no gated_bias_add gate: 1.1e-6 at
# step 5, 1.5e-3 within 20, 3.0 within 200. So every step is held to 1e-5 (about 20 ulps of the largest loss, room for a
# platform's rounding in the last digit, none for a second rounding difference to grow). A wrong port fails at once:
# Keras 3's Adam epsilon 1e-7 deviates by 4.7e-5 at step 2 and 6e-3 within 20 steps; Keras 3's batch-norm
# arithmetic (fused_batch_norm=False) by 7.7e-7 at step 1 and 1.5e-4 at step 2. Steps after 200 were not measured.
TOLERANCE = Tolerance(tight_steps=200, tight_atol=1e-5, atol=1e-5)
STEP_SERIES = ({"G_loss"}, {"D_loss"})  # one G then one D step per iteration, each fetching its one loss
MISTAKES = {
    "keras3-adam-epsilon": Mistake({"adam_epsilon": 1e-7}, steps=20, first_failure=(1, 20),
                                   why="Keras 3's default epsilon (TF1's 1e-8): 4.7e-5 at step 2"),
    "keras3-adam-bias-correction": Mistake(
        {"adam": "keras"}, steps=20, first_failure=(5, 20),
        why="the most natural port, keras.optimizers.Adam with every TF1 default set: its beta ** t bias "
            "correction is one ulp off TF1's running float32 product from t = 3 on (exact to step 5); this is "
            "why the port has TF1Adam"),
}

GLOROT_UNIFORM = keras.initializers.GlorotUniform  # TF1's glorot_uniform_initializer / xavier_initializer()


def legacy_noise_seeds(graph_seed, op_seed=LEGACY_NOISE_OP_SEED):
    """The ``(seed, seed2)`` attributes TF's ``get_seed`` gave a seedless random op in the legacy graph.

    Args:
      graph_seed: the graph-level seed (the runner's ``--seed``), or None: then ``(0, 0)``, which the kernel reads as
        "seed from the OS", as TF1 did without ``tf.set_random_seed``.
      op_seed: the op-level seed ``get_seed`` derived (see ``LEGACY_NOISE_OP_SEED``).
    """
    if graph_seed is None:
        return 0, 0
    seeds = graph_seed % _MAXINT32, op_seed % _MAXINT32
    return (0, _MAXINT32) if seeds == (0, 0) else seeds  # get_seed avoids (0, 0), which would mean "random"


class LegacyNoise:
    """legacy ``z = tf.random_normal([batch_size, noise_dim])``: each call is one more evaluation of that graph op.

    The op is TF1's stateful ``RandomStandardNormal`` kernel keyed by the graph seed and the op seed; its Philox
    counter advances with each evaluation and lives as long as the kernel. A ``tf.function`` holding the same op with
    the same two seeds keeps one kernel across calls, so call k returns exactly the legacy graph's k-th draw (a new
    ``LegacyNoise`` starts the stream again). ``random_normal``'s ``* 1.0 + 0.0`` (stddev, mean) is exact and left
    out. (Modern code would use ``tf.random.Generator``; it draws another stream.)

    Args:
      graph_seed: see :func:`legacy_noise_seeds`.
      shape: ``[batch_size, noise_dim]``.
    """

    def __init__(self, graph_seed, shape=(BATCH_SIZE, NOISE_DIM)):
        self.seed, self.seed2 = legacy_noise_seeds(graph_seed)
        self.shape = list(shape)
        self._draw = tf.function(self._evaluate_op)

    def _evaluate_op(self):
        return tf.raw_ops.RandomStandardNormal(shape=self.shape, dtype=tf.float32, seed=self.seed, seed2=self.seed2)

    def __call__(self):
        return self._draw()


# --- layers: what tf.layers created in each variable scope -------------------------------------------------------

class Dense(tf.Module):
    """``tf.layers.dense``: ``activation(x @ kernel + bias)``; kernel ``[in, units]`` Glorot uniform, bias zeros.

    Args:
      scope: the legacy variable scope of the layer (``generator/noise_generator/fc1/dense``): its variables were
        ``<scope>/kernel:0`` and ``<scope>/bias:0``.
    """

    def __init__(self, n_in, units, scope, activation=None):
        super().__init__(name=scope.replace("/", "_"))
        self.scope, self.activation = scope, activation
        self.kernel = tf.Variable(GLOROT_UNIFORM()([n_in, units]), name="kernel")
        self.bias = tf.Variable(tf.zeros([units]), name="bias")

    def __call__(self, x):
        y = tf.nn.bias_add(tf.matmul(x, self.kernel), self.bias)
        return y if self.activation is None else self.activation(y)


@tf.custom_gradient
def gated_bias_add(x, bias):
    """``tf.nn.bias_add`` whose gradient for ``x`` waits for the bias gradient, as TF1's did.

    Legacy ``AdamOptimizer.minimize`` built its gradients with ``gate_gradients=GATE_OP``: the gradients each op
    returned were wrapped in ``tf.tuple``, so the gradient flowing on to the convolution (and from there to its
    ``Conv2DBackpropFilter``) carried a control dependency on ``BiasAddGrad``. ``GradientTape`` does not gate. That
    changes no value by itself, but oneDNN's graph rewrite merges a ``Conv2DBackpropFilter`` and a ``BiasAddGrad``
    that read the same tensor with the same control inputs into one kernel that sums the bias gradient in another
    order (a 1-ulp difference); a GAN's early, sign-like Adam steps turn that into learning-rate-sized differences
    within a few steps. The control dependency below is the legacy gate, and keeps the two kernels apart. Only
    :class:`Conv2D` needs it: a transposed convolution's filter gradient reads the layer's input, not ``dy``, and
    a dense layer's ``MatMul`` gradient has no such merge.
    """
    def grad(dy):
        db = tf.raw_ops.BiasAddGrad(out_backprop=dy, data_format="NHWC")
        with tf.control_dependencies([db]):
            return tf.identity(dy), db
    return tf.nn.bias_add(x, bias), grad


class Conv2D(tf.Module):
    """``tf.layers.conv2d``: kernel ``[k, k, in, filters]`` Glorot uniform, bias zeros, NHWC."""

    def __init__(self, n_in, filters, kernel_size, strides, padding, scope, activation=None):
        super().__init__(name=scope.replace("/", "_"))
        self.scope, self.activation = scope, activation
        self.strides, self.padding = strides, padding
        self.kernel = tf.Variable(GLOROT_UNIFORM()([kernel_size, kernel_size, n_in, filters]), name="kernel")
        self.bias = tf.Variable(tf.zeros([filters]), name="bias")

    def __call__(self, x):
        y = gated_bias_add(tf.nn.conv2d(x, self.kernel, strides=self.strides, padding=self.padding), self.bias)
        return y if self.activation is None else self.activation(y)


class Conv2DTranspose(tf.Module):
    """``tf.layers.conv2d_transpose(padding='same')``: kernel ``[k, k, filters, in]`` (output channels first, the
    transposed convolution's layout), Glorot uniform with fans from that shape, bias zeros; output height and width
    ``strides`` times the input's."""

    def __init__(self, n_in, filters, kernel_size, strides, scope, activation=None):
        super().__init__(name=scope.replace("/", "_"))
        self.scope, self.activation, self.strides, self.filters = scope, activation, strides, filters
        self.kernel = tf.Variable(GLOROT_UNIFORM()([kernel_size, kernel_size, filters, n_in]), name="kernel")
        self.bias = tf.Variable(tf.zeros([filters]), name="bias")

    def __call__(self, x):
        shape = tf.shape(x)
        output_shape = tf.stack([shape[0], shape[1] * self.strides, shape[2] * self.strides, self.filters])
        y = tf.nn.conv2d_transpose(x, self.kernel, output_shape, strides=self.strides, padding="SAME")
        y = tf.nn.bias_add(y, self.bias)
        return y if self.activation is None else self.activation(y)


class BatchNorm(tf.Module):
    """``tf.layers.batch_normalization(center=True, scale=True, training=..., fused=True, renorm=False)``.

    Args:
      channels: size of the last axis (the one normalised per channel).
      fused: the legacy layer used the fused kernel (``FusedBatchNormV3``) for 4-D inputs and fell back, silently, to
        ``tf.nn.moments`` + ``tf.nn.batch_normalization`` for 2-D ones. Pass False for a 4-D input to compute what
        Keras 3's ``BatchNormalization`` computes instead (same maths, other rounding).
      scope: the legacy variable scope (``.../upsample1/batch_normalization``).
    """

    def __init__(self, channels, fused, scope, momentum=BN_MOMENTUM, epsilon=BN_EPSILON):
        super().__init__(name=scope.replace("/", "_"))
        self.scope, self.fused, self.momentum, self.epsilon = scope, fused, momentum, epsilon
        self.gamma = tf.Variable(tf.ones([channels]), name="gamma")
        self.beta = tf.Variable(tf.zeros([channels]), name="beta")
        self.moving_mean = tf.Variable(tf.zeros([channels]), trainable=False, name="moving_mean")
        self.moving_variance = tf.Variable(tf.ones([channels]), trainable=False, name="moving_variance")

    def __call__(self, x, training, update_statistics=False):
        """Normalise ``x``.

        Args:
          training: legacy ``training_phase``: True normalises with the batch statistics, False with the moving ones.
          update_statistics: move the moving statistics towards this batch's (only with ``training``). True where
            the legacy step ran this layer's ``UPDATE_OPS``: the generator's in G steps, the discriminator's in D
            steps.
        """
        if not training:
            if self.fused:
                return tf.raw_ops.FusedBatchNormV3(
                    x=x, scale=self.gamma, offset=self.beta, mean=self.moving_mean,
                    variance=self.moving_variance, epsilon=self.epsilon, data_format="NHWC", is_training=False).y
            return tf.nn.batch_normalization(x, self.moving_mean, self.moving_variance, self.beta, self.gamma,
                                             self.epsilon)
        if self.fused:
            # the kernel normalises with the biased batch variance and returns the Bessel-corrected one, which the
            # legacy layer used, uncorrected, for the moving average
            out = tf.raw_ops.FusedBatchNormV3(
                x=x, scale=self.gamma, offset=self.beta, mean=self.moving_mean, variance=self.moving_variance,
                epsilon=self.epsilon, exponential_avg_factor=1.0, data_format="NHWC", is_training=True)
            y, mean, variance = out.y, out.batch_mean, out.batch_variance
            # legacy: momentum = smart_cond(training, 0.99, 1.0), a float32 tensor, so 1 - momentum was float32 maths
            decay = 1.0 - tf.constant(self.momentum, tf.float32)
        else:
            mean, variance = tf.nn.moments(x, axes=list(range(len(x.shape) - 1)))  # biased variance
            y = tf.nn.batch_normalization(x, mean, variance, self.beta, self.gamma, self.epsilon)
            decay = tf.constant(1.0 - self.momentum, tf.float32)  # legacy: the Python float 1.0 - 0.99
        if update_statistics:  # legacy AssignMovingAvg: var -= (var - value) * (1 - momentum)
            self.moving_mean.assign_sub((self.moving_mean - mean) * decay)
            self.moving_variance.assign_sub((self.moving_variance - variance) * decay)
        return y


# --- the optimizer ------------------------------------------------------------------------------------------------

class TF1Adam(tf.Module):
    """legacy ``tf.train.AdamOptimizer(learning_rate, beta1=...)``, computed as TF1's ``ApplyAdam`` kernel did.

    Per variable, g its gradient: ``m += (g - m) * (1 - beta1)``, ``v += (g * g - v) * (1 - beta2)``,
    ``var -= (m * alpha) / (sqrt(v) + epsilon)`` with ``alpha = lr * sqrt(1 - beta2_power) / (1 - beta1_power)``,
    all in float32. ``keras.optimizers.Adam`` does the same arithmetic but takes the bias-correction powers as
    ``beta ** t``; TF1 kept ``beta1_power`` and ``beta2_power`` as float32 variables multiplied by beta after each
    update. ``0.999 ** 3`` and ``(0.999 * 0.999) * 0.999`` differ by one ulp, as do 166 of the first 200 powers of
    beta2, and this GAN turns one ulp into a visible deviation within tens of steps (``adam="keras"`` in
    :class:`DCGANGenerator` shows it; see ``TOLERANCE``). Hence this small optimizer instead of Keras's.

    Args:
      var_list: the variables it updates (legacy ``minimize(var_list=theta_X)``); their slots ``m`` and ``v`` (TF1's
        ``<var>/Adam`` and ``<var>/Adam_1``) are created here, at 0.
      learning_rate, beta1, beta2, epsilon: as TF1's (defaults: TF1's defaults), taken as float32.

    Attributes:
      iterations: updates applied (legacy ``global_step``, incremented by ``minimize``).
    """

    def __init__(self, var_list, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8, name=None):
        super().__init__(name=name)
        self.learning_rate, self.beta1, self.beta2, self.epsilon = (
            tf.constant(value, tf.float32) for value in (learning_rate, beta1, beta2, epsilon))
        self.beta1_power = tf.Variable(self.beta1, trainable=False, name="beta1_power")
        self.beta2_power = tf.Variable(self.beta2, trainable=False, name="beta2_power")
        self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
        self.m = [tf.Variable(tf.zeros_like(var), trainable=False, name="Adam") for var in var_list]
        self.v = [tf.Variable(tf.zeros_like(var), trainable=False, name="Adam_1") for var in var_list]
        self._slot = {var.ref(): i for i, var in enumerate(var_list)}

    def apply_gradients(self, grads_and_vars):
        alpha = self.learning_rate * tf.sqrt(1. - self.beta2_power) / (1. - self.beta1_power)
        for grad, var in grads_and_vars:
            m, v = self.m[self._slot[var.ref()]], self.v[self._slot[var.ref()]]
            m.assign_add((grad - m) * (1. - self.beta1))
            v.assign_add((tf.square(grad) - v) * (1. - self.beta2))
            var.assign_sub((m * alpha) / (tf.sqrt(v) + self.epsilon))
        # TF1's _finish, after every variable's update
        self.beta1_power.assign(self.beta1_power * self.beta1)
        self.beta2_power.assign(self.beta2_power * self.beta2)
        self.iterations.assign_add(1)


# --- the networks ----------------------------------------------------------------------------------------------

class NoiseGenerator(tf.Module):
    """legacy ``dcgan_generator`` (the article's code), scope ``generator/noise_generator``: z ``[B, 128]`` ->
    ``[B, 4, 8, 256]`` -> ``[B, 8, 16, 128]`` -> ``[B, 16, 32, 64]`` -> ``[B, 32, 64, 32]`` -> reflect-pad
    ``[B, 38, 70, 32]`` -> ``[B, 32, 64, C]`` (no activation; the caller adds the tanh). Each block is layer,
    ReLU, then batch norm, in that order, as the article wrote it.

    Args:
      fused_batch_norm: see :class:`BatchNorm` (False: Keras 3's arithmetic for the 4-D batch norms).
    """

    def __init__(self, noise_dim=NOISE_DIM, C=CHANNEL_BOTTLENECK, upsample_dim=UPSAMPLE_DIM, kernel_size=5,
                 fused_batch_norm=True):
        super().__init__(name="noise_generator")
        s, relu = "generator/noise_generator", tf.nn.relu
        self.upsample_dim = upsample_dim
        self.fc1 = Dense(noise_dim, 4 * 8 * upsample_dim, f"{s}/fc1/dense", activation=relu)
        self.fc1_bn = BatchNorm(4 * 8 * upsample_dim, False, f"{s}/fc1/batch_normalization")  # 2-D: never fused
        self.upsample1 = Conv2DTranspose(upsample_dim, upsample_dim // 2, kernel_size, 2,
                                         f"{s}/upsample1/conv2d_transpose", activation=relu)
        self.upsample1_bn = BatchNorm(upsample_dim // 2, fused_batch_norm, f"{s}/upsample1/batch_normalization")
        self.upsample2 = Conv2DTranspose(upsample_dim // 2, upsample_dim // 4, kernel_size, 2,
                                         f"{s}/upsample2/conv2d_transpose", activation=relu)
        self.upsample2_bn = BatchNorm(upsample_dim // 4, fused_batch_norm, f"{s}/upsample2/batch_normalization")
        self.upsample3 = Conv2DTranspose(upsample_dim // 4, upsample_dim // 8, kernel_size, 2,
                                         f"{s}/upsample3/conv2d_transpose", activation=relu)
        self.upsample3_bn = BatchNorm(upsample_dim // 8, fused_batch_norm, f"{s}/upsample3/batch_normalization")
        self.conv_out = Conv2D(upsample_dim // 8, C, 7, 1, "VALID", f"{s}/conv_out/conv2d")

    def __call__(self, z, training, update_statistics=False):
        bn = dict(training=training, update_statistics=update_statistics)
        h2 = self.fc1_bn(self.fc1(z), **bn)
        h2 = tf.reshape(h2, [-1, 4, 8, self.upsample_dim])
        up1 = self.upsample1_bn(self.upsample1(h2), **bn)
        up2 = self.upsample2_bn(self.upsample2(up1), **bn)
        up3 = self.upsample3_bn(self.upsample3(up2), **bn)
        out = tf.pad(up3, [[0, 0], [3, 3], [3, 3], [0, 0]], "REFLECT")
        return self.conv_out(out)


class Discriminator(tf.Module):
    """legacy ``dcgan_discriminator``, scope ``discriminator``: images ``[B, 32, 64, 1]`` in [-1, 1] -> one logit
    ``[B, 1]``. 5x5 stride-2 convolutions 64 (leaky ReLU 0.2, no batch norm) and 128 (batch norm, then leaky ReLU),
    flatten, dense 1."""

    def __init__(self, fused_batch_norm=True):
        super().__init__(name="discriminator")
        lrelu = tf.nn.leaky_relu  # alpha 0.2, as TF1's
        self.conv1 = Conv2D(1, 64, 5, 2, "SAME", "discriminator/conv1/conv2d", activation=lrelu)
        self.conv2 = Conv2D(64, 128, 5, 2, "SAME", "discriminator/conv2/conv2d")
        self.conv2_bn = BatchNorm(128, fused_batch_norm, "discriminator/conv2/batch_normalization")
        self.out = Dense(8 * 16 * 128, 1, "discriminator/out/dense")

    def __call__(self, x, training, update_statistics=False):
        c1 = self.conv1(x)
        c2 = tf.nn.leaky_relu(self.conv2_bn(self.conv2(c1), training, update_statistics))
        flat = tf.reshape(c2, [-1, 8 * 16 * 128])  # legacy tf.contrib.layers.flatten: row-major NHWC
        return self.out(flat)


def _xent(logits, label):
    """legacy ``tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=..., labels=tf.ones_like(...)))``."""
    labels = tf.ones_like(logits) if label == 1 else tf.zeros_like(logits)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=labels))


class DCGANGenerator(tf.Module):
    """The legacy graph: networks, losses, the two Adam updates, the global steps, the diagnostics.

    Args:
      noise: a callable returning one noise batch per call (legacy ``z``); default ``LegacyNoise(None)`` (unseeded).
      adam: ``"tf1"`` (:class:`TF1Adam`) or ``"keras"``: ``keras.optimizers.Adam`` with every TF1 default set
        explicitly (epsilon, float32 betas), which differs from TF1 only in the bias-correction rounding.
      adam_epsilon: both Adams' epsilon: TF1's 1e-8 by default; 1e-7 is Keras 3's (to measure that difference).
      fused_batch_norm: False computes the 4-D batch norms as Keras 3 would (see :class:`BatchNorm`).
      jit_compile: XLA-compile the two training steps.
    """

    def __init__(self, noise=None, adam="tf1", adam_epsilon=TF1_ADAM_EPSILON, fused_batch_norm=True,
                 jit_compile=False):
        super().__init__(name="dcgan_generator")
        self.noise = noise if noise is not None else LegacyNoise(None)
        self.G = NoiseGenerator(fused_batch_norm=fused_batch_norm)
        self.D = Discriminator(fused_batch_norm=fused_batch_norm)
        # legacy G_opt_op / D_opt_op: AdamOptimizer(2e-4, beta1=0.5).minimize(..., global_step=X_global_step); the
        # optimizers' `iterations` are the two global-step counters
        if adam == "tf1":
            self.G_solver = TF1Adam(self.theta_G, G_LEARNING_RATE, BETA1, TF1_BETA2, adam_epsilon, name="G_opt")
            self.D_solver = TF1Adam(self.theta_D, D_LEARNING_RATE, BETA1, TF1_BETA2, adam_epsilon, name="D_opt")
        elif adam == "keras":
            self.G_solver = keras.optimizers.Adam(G_LEARNING_RATE, beta_1=BETA1, beta_2=TF1_BETA2,
                                                  epsilon=adam_epsilon)
            self.D_solver = keras.optimizers.Adam(D_LEARNING_RATE, beta_1=BETA1, beta_2=TF1_BETA2,
                                                  epsilon=adam_epsilon)
        else:
            raise ValueError(f"adam must be 'tf1' or 'keras', got {adam!r}")
        self._g_step = tf.function(self._g_update, jit_compile=jit_compile)
        self._d_step = tf.function(self._d_update, jit_compile=jit_compile)
        self._evaluate = tf.function(self._losses_inference)
        self._sample = tf.function(self._sample_training_mode)

    @property
    def theta_G(self):  # legacy tf.get_collection(TRAINABLE_VARIABLES, scope='generator')
        return list(self.G.trainable_variables)

    @property
    def theta_D(self):
        return list(self.D.trainable_variables)

    def generate(self, z, training, update_statistics=False):
        """legacy ``G_sample = tf.nn.tanh(dcgan_generator(z, ...))``."""
        return tf.nn.tanh(self.G(z, training, update_statistics))

    # legacy `sess.run([G_opt_op, G_loss], feed_dict)`: the generator's UPDATE_OPS run (control dependency of
    # G_opt_op), the discriminator's, though built in this pass, do not
    def _g_update(self, z):
        with tf.GradientTape() as tape:
            D_logit_fake = self.D(self.generate(z, training=True, update_statistics=True), training=True)
            G_loss = _xent(D_logit_fake, 1)
        self.G_solver.apply_gradients(zip(tape.gradient(G_loss, self.theta_G), self.theta_G))
        return G_loss

    # legacy `sess.run([D_opt_op, D_loss], feed_dict)`: the discriminator's UPDATE_OPS (both of its passes: the
    # scope filter 'discriminator' also matches the second call's name scope 'discriminator_1') run, G's do not
    def _d_update(self, real_images, z):
        real_images = tf.cast(real_images, tf.float32)  # what feeding the float32 placeholder did
        G_sample = self.generate(z, training=True)  # no gradient needed: D_opt_op's var_list is theta_D
        with tf.GradientTape() as tape:
            # the legacy graph did not order its two moving-average updates; the real batch's inputs are ready long
            # before the fake batch's, and updating in that order reproduces the legacy statistics bit for bit
            D_logit_real = self.D(real_images, training=True, update_statistics=True)
            D_logit_fake = self.D(G_sample, training=True, update_statistics=True)
            D_loss_real = _xent(D_logit_real, 1)
            D_loss_gen = _xent(D_logit_fake, 0)
            D_loss = D_loss_real + D_loss_gen
        self.D_solver.apply_gradients(zip(tape.gradient(D_loss, self.theta_D), self.theta_D))
        return D_loss

    # legacy run_diagnostics: `sess.run([G_loss, D_loss], {real_images: ..., training_phase: False})`
    def _losses_inference(self, real_images, z):
        real_images = tf.cast(real_images, tf.float32)
        D_logit_fake = self.D(self.generate(z, training=False), training=False)
        D_logit_real = self.D(real_images, training=False)
        G_loss = _xent(D_logit_fake, 1)
        D_loss = _xent(D_logit_real, 1) + _xent(D_logit_fake, 0)
        return G_loss, D_loss

    # legacy run_diagnostics: `sess.run(G_sample, {training_phase: True})`: batch statistics, no update op fetched
    def _sample_training_mode(self, z):
        return self.generate(z, training=True)

    # --- one legacy sess.run each; every one of them evaluated z once ------------------------------------------
    def train_generator(self):
        """One G step on a fresh noise batch; returns G_loss."""
        return self._g_step(self.noise())

    def train_discriminator(self, real_images):
        """One D step on ``real_images`` ``[B, 32, 64, 1]`` and a fresh noise batch; returns D_loss."""
        return self._d_step(real_images, self.noise())

    def evaluate(self, real_images):
        """The diagnostic losses (batch norm in inference mode) on a fresh noise batch: ``(G_loss, D_loss)``."""
        return self._evaluate(real_images, self.noise())

    def sample(self):
        """The diagnostic sample images ``[B, 32, 64, 1]`` in [-1, 1] from a fresh noise batch."""
        return self._sample(self.noise())

    # --- legacy weights -----------------------------------------------------------------------------------------
    def variables_by_legacy_name(self):
        """``{"generator/noise_generator/fc1/dense/kernel:0": variable, ...}``: the TF1 names of the same weights
        (batch norms' moving statistics included)."""
        names = {}
        for layer in self._flatten(predicate=lambda m: isinstance(m, (Dense, Conv2D, Conv2DTranspose, BatchNorm))):
            for attribute in ("kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"):
                if hasattr(layer, attribute):
                    names[f"{layer.scope}/{attribute}:0"] = getattr(layer, attribute)
        return names

    def load_legacy_weights(self, weights):
        """Assign a legacy run's initial weights (the runner's ``--dump-weights`` arrays, by TF1 name). Adam's slots
        and the global steps are not loaded: they start at 0 in both."""
        assign_legacy_weights(self.variables_by_legacy_name(), weights,
                              "legacy/001_dcgan_generator/dcgan_generator.py")


# --- data --------------------------------------------------------------------------------------------------------

def side_by_side(images):
    """legacy ``side_by_side``: pairs of flat 28x28 images in [0, 1], ``[2n, 784]``, as n images ``[n, 32, 64, 1]``
    in [-1, 1]: each padded by 2 background pixels to 32x32, image i left of image n + i."""
    n = images.shape[0] // 2
    squares = np.pad(images.reshape(-1, 28, 28, 1), [[0, 0], [2, 2], [2, 2], [0, 0]], "constant")
    pairs = np.concatenate([squares[:n], squares[n:2 * n]], axis=2)
    return pairs * 2. - 1.


def fashion_mnist_batches(seed=None):
    """The modern input pipeline for legacy ``read_data_sets`` + ``mnist.train.next_batch(2 * 64)``: training images
    after the first 5000, float32 in [0, 1], reshuffled every epoch by ``tf.data``, 128 rows a batch (the order
    differs from TF1's NumPy shuffle; the equivalence check feeds that one instead).

    Returns an infinite iterator of float32 arrays ``[128, 784]``.
    """
    from compat.input_data import load_keras_fashion_mnist  # the project's offline Fashion-MNIST files

    (x_train, _), _ = load_keras_fashion_mnist()
    images = x_train[VALIDATION_SIZE:].reshape(-1, 784).astype(np.float32) / 255.
    dataset = (tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).repeat()
               .batch(2 * BATCH_SIZE, drop_remainder=True))
    return dataset.as_numpy_iterator()


# --- the training loop ---------------------------------------------------------------------------------------------

def train(gan, batches, num_steps=None, num_epochs=NUM_EPOCHS, on_diagnostic=None):
    """The legacy loop: per epoch, diagnostics, then ``STEPS_PER_EPOCH`` iterations of one G step and one D step on
    the same batch (each on its own noise); diagnostics again after every ``DIAGNOSTIC_STEPS``-th D step.

    Args:
      gan: a :class:`DCGANGenerator`.
      batches: iterator of flat image batches ``[128, 784]`` in [0, 1] (legacy ``mnist.train.next_batch``); the
        diagnostics take one batch each, as the legacy ones did.
      num_steps: stop after this many training steps (the runner's ``--max-steps``), or None.
      num_epochs: legacy ``config.num_epochs``.
      on_diagnostic: called as ``on_diagnostic(epoch, step, G_loss, D_loss, samples)`` at each diagnostic (the
        legacy print, grid and checkpoint); the diagnostics' noise draws happen either way, as in the legacy run.

    Returns:
      one dict of losses (floats) per training step, named as the runner records the legacy run: ``{"G_loss"}``
      for a G step, ``{"D_loss"}`` for a D step.
    """
    losses = []

    def done():  # the runner stops a legacy run before its step num_steps + 1
        return num_steps is not None and len(losses) >= num_steps

    def diagnostics(epoch):
        G_loss_eval, D_loss_eval = gan.evaluate(side_by_side(next(batches)))
        samples = gan.sample()
        if on_diagnostic is not None:
            on_diagnostic(epoch, int(gan.D_solver.iterations), float(G_loss_eval), float(D_loss_eval),
                          samples.numpy())

    for epoch in range(num_epochs):
        diagnostics(epoch)
        for _ in range(STEPS_PER_EPOCH):
            real_images = side_by_side(next(batches))
            if done():
                return losses
            losses.append({"G_loss": float(gan.train_generator())})  # legacy: update generator
            if done():
                return losses
            losses.append({"D_loss": float(gan.train_discriminator(real_images))})  # update discriminator
            if int(gan.D_solver.iterations) % DIAGNOSTIC_STEPS == 0:  # legacy tf.train.global_step(D_global_step)
                diagnostics(epoch)
    return losses


def replay(legacy_weights, steps, seed, **port_options):
    """Train the port ``steps`` steps from a legacy run's initial weights on the legacy batches and noise.

    NumPy: the runner seeds ``np.random`` with ``seed``; ``read_data_sets`` builds three DataSets, each re-seeding it
    with the graph seed (the same value); the first ``next_batch`` (the epoch-0 diagnostics) shuffles; the script
    draws nothing else from NumPy. TensorFlow: the noise op's stream from its first evaluation on (the two
    diagnostic runs draw before the first G step).

    Args:
      legacy_weights: the runner's ``--dump-weights`` arrays by TF1 name.
      steps: training steps to replay.
      seed: the runner's ``--seed`` (graph seed and NumPy seed).
      port_options: passed to :class:`DCGANGenerator` (``adam_epsilon``, ``fused_batch_norm``, ``jit_compile``).

    Returns:
      one dict of losses per step (see :func:`train`).
    """
    return replay_with_model(legacy_weights, steps, seed, **port_options)[1]


def replay_with_model(legacy_weights, steps, seed, **port_options):
    """:func:`replay`, returning ``(the trained DCGANGenerator, the losses)``."""
    images = tf1_train_images(VALIDATION_SIZE)
    np.random.seed(seed % _MAXINT32)  # the last of read_data_sets' re-seeds; nothing drew in between
    gan = DCGANGenerator(noise=LegacyNoise(seed), **port_options)
    gan.load_legacy_weights(legacy_weights)
    return gan, train(gan, tf1_next_batches(images, 2 * BATCH_SIZE), num_steps=steps)


# --- command line: train and write samples like the legacy script ---------------------------------------------------

def save_grid(images, path, rows=8, cols=8):
    """legacy ``save_grid``: the first rows*cols images ``[N, h, w, 1]`` in [-1, 1] as one grey PNG (the legacy
    ``plt.imsave(cmap='gray', vmin=-1, vmax=1)`` wrote RGBA; this writes the same grey levels as 8-bit grey)."""
    from PIL import Image

    h, w = images.shape[1], images.shape[2]
    grid = images[:rows * cols, :, :, 0].reshape(rows, cols, h, w).transpose(0, 2, 1, 3).reshape(rows * h, cols * w)
    Image.fromarray(np.round((np.clip(grid, -1., 1.) + 1.) * 127.5).astype(np.uint8)).save(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("-rl", "--restore_last", help="restore last saved model", action="store_true")
    parser.add_argument("-name", "--name", default="dcgan_generator", help="Checkpoint/sample label")
    parser.add_argument("--epochs", type=int, default=NUM_EPOCHS, help="legacy config_train.num_epochs")
    parser.add_argument("--seed", type=int, default=None,
                        help="noise stream (as the legacy graph seed), initial weights and data order")
    parser.add_argument("--jit", action="store_true", help="XLA-compile the training steps")
    args = parser.parse_args(argv)
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)  # the initializers; the noise has its own seeds
    for folder in ("checkpoints", "samples"):  # legacy class directories
        os.makedirs(folder, exist_ok=True)

    gan = DCGANGenerator(noise=LegacyNoise(args.seed), jit_compile=args.jit)
    # legacy tf.train.Saver (max_to_keep 5) and tf.train.get_checkpoint_state
    checkpoint = tf.train.Checkpoint(gan=gan, G_solver=gan.G_solver, D_solver=gan.D_solver)
    manager = tf.train.CheckpointManager(checkpoint, "checkpoints", max_to_keep=5,
                                         checkpoint_name=f"{args.name}_last.ckpt")
    if args.restore_last and manager.latest_checkpoint:
        checkpoint.restore(manager.latest_checkpoint)
        print(f"{manager.latest_checkpoint} restored.")

    start_time = time.time()

    def on_diagnostic(epoch, step, G_loss_eval, D_loss_eval, samples):
        t0 = time.time()  # legacy: the "Rate" timed the diagnostic itself (here the grid and the checkpoint)
        save_grid(samples, os.path.join("samples", f"{args.name}_epoch{epoch}_step{step}_gen.png"))
        save_path = manager.save(checkpoint_number=step)
        rate = int(BATCH_SIZE / max(time.time() - t0, 1e-9))
        print(f"Epoch {epoch} | Generator Loss: {G_loss_eval:.3f} | Discriminator Loss: {D_loss_eval:.3f} | "
              f"Rate: {rate} examples/s ({time.time() - start_time:.2f} s) | saved {save_path}")

    train(gan, fashion_mnist_batches(args.seed), num_epochs=args.epochs, on_diagnostic=on_diagnostic)
    # legacy: the same Saver wrote <name>_end.ckpt-<epoch>, updating the `checkpoint` state file and its max_to_keep
    end = tf.train.CheckpointManager(checkpoint, "checkpoints", max_to_keep=5, checkpoint_name=f"{args.name}_end.ckpt")
    save_path = end.save(checkpoint_number=args.epochs - 1)
    print(f"Training Complete. Model saved to file: {save_path} Time elapsed: {time.time() - start_time:.3f} s")


if __name__ == "__main__":
    main()
