"""Seed 002's conditional GAN with Maxout discriminator layers in TensorFlow 2.21 (Keras 3): read it next to
``legacy/002_cgan_maxout/cgan.py`` and ``maxout.py``.

The legacy script is a 2019 Keras 2 script: two functional models, ``discriminator.compile(...)``, then
``discriminator.trainable = False`` and a third, ``combined`` model (G followed by the frozen D) compiled for G's
update; every loop step makes three ``train_on_batch`` calls: D on a real batch (target 1), D on a generated batch
(target 0), the combined model (target 1). Here the two networks are the same Keras 3 functional models (the layer
names are the ones tf_keras gave the legacy layers, so the legacy weights load by name), and each
``train_on_batch`` became a ``tf.function`` step with a ``GradientTape`` and an explicit list of the variables it
updates. That list replaces the ``trainable = False`` trick, whose meaning Keras 3 changed: Keras 2 read
``trainable`` when a model was *compiled*, so D kept training in its own ``train_on_batch`` and stayed frozen in
``combined``; Keras 3 reads it when training *runs*, so the 2019 pattern run under Keras 3 freezes D everywhere
and silently trains only G (legacy/README.md, "The historical APIs").

Run it (Fashion-MNIST, the offline stand-in for MNIST; writes ``images/<iteration>.png``, a 10x10 conditional grid,
after the first iteration, every 200 and at the end, and ``saved_model/*.weights.h5``)::

    python -m reproductions.002_cgan_maxout.port --epochs 20 --batch_size 100

What ``train_on_batch`` did under the hood in tf_keras 2.21, done explicitly here:

* **Loss from the logits.** D ends in a sigmoid and was compiled with ``binary_crossentropy``; inside
  ``train_on_batch`` (a traced function) tf_keras recognised the ``Sigmoid`` op and computed
  ``sigmoid_cross_entropy_with_logits`` on its input, not ``log(clip(p, 1e-7, 1 - 1e-7) + 1e-7)`` (checked with
  tf_keras 2.21: logits -10, 20, -16, -40 with target 1 give 16.5, the logits' cross-entropy; the clipped formula
  would give 10.2). Here D's model outputs the logits and :func:`probability` is ``sigmoid(logits)``.
* **Reduction.** Per sample the mean over the last axis (of one value), then ``SUM_OVER_BATCH_SIZE``:
  ``reduce_sum / batch``. The loss train_on_batch *returned* is not that tensor but the loss metric: a ``Mean``
  updated with ``sample_weight = batch size``, i.e. ``(loss * batch) / batch`` in float32, which differs from the
  loss by an ulp now and then (``_reported_loss``; measured: 3e-8 to 4.8e-7 at a few steps if left out).
* **Accuracy.** ``metrics=['accuracy']`` with a binary cross-entropy loss meant ``binary_accuracy``: the fraction
  of ``sigmoid(logits) > 0.5`` that equal the target, measured on the batch *before* the update, like the loss.
* **Batch norm in training mode.** ``train_on_batch`` runs the model with ``training=True``: G's four batch norms
  normalise with the batch statistics and move their moving averages. ``combined``'s batch norms are G's; D has
  none, so freezing it changed no statistics.

Legacy defaults, written out (Keras 3 has the same values, except where noted):

* ``tf.keras.optimizers.Adam(0.0002, 0.5)`` (served as tf_keras's legacy ``OptimizerV2`` Adam): epsilon **1e-7**
  (Keras 2's default, which Keras 3 kept; TF1's ``AdamOptimizer`` had 1e-8, which the TF1 ports in this folder
  set and this one must not), beta_2 0.999, no amsgrad. tf_keras computed ``1 - beta`` in float32 inside its fused
  ``ApplyAdam`` kernel; Keras 3 computes ``1 - self.beta_2`` in Python float64 and rounds afterwards, so beta_2 is
  given as its float32 value (``TF_KERAS_BETA_2``), which makes both subtractions exact and equal. (beta_1 0.5 is
  exact either way.)
* ``BatchNormalization()``: momentum 0.99, epsilon 1e-3, gamma 1, beta 0, moving mean 0, moving variance 1. Keras 3
  moves the averages as ``m * 0.99 + x * 0.01``, tf_keras as ``m - (m - x) * 0.01``: the moving variance differs by
  an ulp (measured: 6e-8 relative after the first update); the moving statistics feed only the sample grids
  (inference mode), never a training loss.
* ``Dense``: glorot-uniform kernel, zero bias; ``MaxoutDense``: N(0, 0.02) for W and b (the article's
  ``tf.random_normal_initializer``); ``LeakyReLU(alpha=0.2)`` is Keras 3's ``negative_slope=0.2``.

Op for op. From the same initial weights, batches and noise the port reproduces the legacy run's recorded losses
*bit for bit* (200 steps, seeds 1-4). Two places need the legacy's exact ops for that, each a rounding-level
difference that the GAN would otherwise amplify (measured: up to 4e-2 and 0.51 within 200 steps; ``TOLERANCE``):
the Dense layers add their bias with ``tf.nn.bias_add`` (:class:`Dense`), and G's images for D's fake batch are
computed eagerly, as the legacy line was (:meth:`CGAN.generate_for_d`), not inside a ``tf.function``.
"""
import argparse
import math
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # this project's convention; the port itself imports Keras 3

import numpy as np
import tensorflow as tf
import keras

from reproductions.equivalence import Mistake, Tolerance, assign_legacy_weights

LATENT_DIM = 100  # legacy LATENT_DIM
NUM_CLASSES = 10  # legacy NUM_CLASSES
IMG_ROWS, IMG_COLS = 28, 28
IMG_DIM = IMG_ROWS * IMG_COLS
BATCH_SIZE = 100  # legacy --batch_size default (the CGAN paper's)
LOG_INTERVAL = 100  # legacy: print the losses every 100 steps of an epoch
SAMPLE_INTERVAL = 200  # legacy: a grid and the weights every 200 iterations, from the first one on
D_LEARNING_RATE = 0.0002  # legacy Adam(0.0002, 0.5) for D
G_LEARNING_RATE = 0.001  # legacy Adam(0.001, 0.5) for the combined model (G)
BETA_1 = 0.5  # exact in float32
TF_KERAS_BETA_2 = float(np.float32(0.999))  # tf_keras's default beta_2 as the float32 it computed with
KERAS2_ADAM_EPSILON = 1e-7  # tf_keras's default epsilon (== Keras 3's)
BN_MOMENTUM, BN_EPSILON = 0.99, 1e-3  # tf_keras BatchNormalization defaults (== Keras 3's)
LEAKY_SLOPE = 0.2  # legacy LeakyReLU(alpha=0.2)

# Measured, seeds 1-4, 200 steps (66 loop steps and two D steps): the port's recorded losses and accuracies equal
# the legacy run's bit for bit at every step (deviation 0). Not so a rounding-level change of the arithmetic, which
# this GAN amplifies: the XLA-compiled port (jit_compile=True) deviates by at most 2.4e-7 in steps 1-10, then
# 7.2e-7 to 2.5e-3 by step 30 and 0.16-0.67 by step 200 (the 0.67: G's loss at seed 2, which lies in 4.3-5.8 over
# steps 101-200; D's loss and accuracy at most 0.17 and 0.21); G's fake batch traced instead of eager: 1.2e-7 in
# steps 1-10, 0.17-0.51 by step 200; Keras 3's own Dense (another summation order in the bias gradient): exact
# until step 95-182, then up to 4e-2. Porting mistakes show within the first steps: Adam epsilon 1e-8 (TF1's, which
# the other ports set) 7.9e-4 at step 2, slim's batch-norm epsilon 1e-5 5.7e-3 at step 2, G in inference mode for
# D's fake batch (``generator.predict``) 0.1 at step 2, beta_2 given as the float64 0.999 2.3e-6 at step 2 and
# 5.1e-6 by step 10 (seed 1 each). Hence steps 1-10 within 2e-6 (8x the worst rounding-level change, 2.5x below
# the smallest mistake), and every step within 1.0 (1.5x the XLA-compiled port's worst): beyond step 10 the
# amplification leaves room to tell only gross divergence (``generator.predict``: 2.2 by step 30) from rounding.
TOLERANCE = Tolerance(tight_steps=10, tight_atol=2e-6, atol=1.0)
# per loop step: D on real, D on generated (loss and accuracy), the combined model (loss), as the runner names
# them after the Keras models
STEP_SERIES = ({"discriminator.loss", "discriminator.accuracy"}, {"discriminator.loss", "discriminator.accuracy"},
               {"combined.loss"})
MISTAKES = {
    "tf1-adam-epsilon": Mistake({"adam_epsilon": 1e-8}, steps=TOLERANCE.tight_steps, first_failure=(1, 3),
                                why="TF1's epsilon, which this project's TF1 ports set (tf_keras's is 1e-7): a "
                                    "plausible copy, 7.9e-4 at step 2, 400 times tight_atol"),
}


# --- maxout.py ----------------------------------------------------------------------------------------------------

class MaxoutDense(keras.layers.Layer):
    """legacy ``maxout.MaxoutDense``: ``max_k(x . W + b)`` with W ``[d, output_dims, k]`` and b ``[output_dims, k]``.

    The article created W and b with bare ``tf.Variable(...)`` in ``build``; Keras 2 tracked any variable assigned
    to a layer attribute, Keras 3 does not (such a layer would silently never train). ``add_weight`` is the
    tracked way, and its names (``W``, ``b``) also remove the legacy's two ``Variable:0`` of one layer.

    Args:
      k: pieces per unit (the max is taken over them).
      output_dims: output units.
      kernel_initializer: for W and b (legacy default: N(0, 0.02), "GAN training is hard, initialise carefully").
    """

    def __init__(self, k, output_dims, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        self.k = k
        self.output_dims = output_dims
        self.kernel_initializer = kernel_initializer or keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

    def build(self, input_shape):
        d = input_shape[-1]
        self.W = self.add_weight(name="W", shape=(d, self.output_dims, self.k), initializer=self.kernel_initializer)
        self.b = self.add_weight(name="b", shape=(self.output_dims, self.k), initializer=self.kernel_initializer)

    def call(self, inputs):
        z = keras.ops.tensordot(inputs, self.W, axes=1) + self.b  # the `+` the scraped article lost (`# FIX:`)
        return keras.ops.max(z, axis=2)  # max over the k pieces


class Dense(keras.layers.Dense):
    """``keras.layers.Dense`` adding its bias with ``tf.nn.bias_add``, as tf_keras's Dense did.

    Keras 3's Dense adds the bias with a broadcasting ``+``, whose gradient sums the batch with a generic ``Sum``
    reduction; ``bias_add``'s gradient is the ``BiasAddGrad`` kernel, which sums in another order. The two differ
    by an ulp now and then (seen: the one bias of D's last layer after the very first update, 1.5e-11); the GAN
    grows that into a visible deviation (measured with Keras 3's Dense: exact until step 95-182, up to 4e-2 by
    step 200, seeds 1-4). Forward values are the same either way.
    """

    def call(self, inputs, training=None):
        outputs = tf.nn.bias_add(tf.matmul(inputs, self.kernel), self.bias)
        return self.activation(outputs) if self.activation is not None else outputs


# --- cgan.py: the networks --------------------------------------------------------------------------------------

def build_generator(bn_momentum=BN_MOMENTUM, bn_epsilon=BN_EPSILON):
    """legacy ``CGAN.build_generator``: [z (n, 100), one-hot y (n, 10)] -> (n, 784).

    y -> Dense 200 -> BN -> ReLU; z -> Dense 1000 -> BN -> ReLU; concatenated -> Dense 512 -> LeakyReLU(0.2) ->
    BN -> Dense 784 sigmoid -> BN (the book's order: batch norm after the output sigmoid). Layer names are the ones
    tf_keras gave the legacy layers (D was built first, so G's Dense layers start at ``dense_1``).

    Args:
      bn_momentum, bn_epsilon: the batch norms' (legacy: Keras 2's defaults 0.99 and 1e-3).
    """
    def batch_norm(name):  # legacy `BatchNormalization()`, its Keras 2 defaults written out (Keras 3 shares them)
        return keras.layers.BatchNormalization(momentum=bn_momentum, epsilon=bn_epsilon, name=name)

    noise = keras.Input(shape=(LATENT_DIM,))
    label = keras.Input(shape=(NUM_CLASSES,))  # one-hot

    label_h0 = Dense(200, name="dense_1")(label)
    label_h0 = batch_norm("batch_normalization")(label_h0)
    label_h0 = keras.layers.Activation("relu")(label_h0)

    noise_h0 = Dense(1000, name="dense_2")(noise)
    noise_h0 = batch_norm("batch_normalization_1")(noise_h0)
    noise_h0 = keras.layers.Activation("relu")(noise_h0)

    h1 = keras.layers.concatenate([label_h0, noise_h0])
    h1 = Dense(512, name="dense_3")(h1)
    h1 = keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(h1)  # legacy LeakyReLU(alpha=0.2)
    h1 = batch_norm("batch_normalization_2")(h1)

    img = Dense(IMG_DIM, activation="sigmoid", name="dense_4")(h1)
    img = batch_norm("batch_normalization_3")(img)
    return keras.Model([noise, label], img, name="generator")


def build_discriminator():
    """legacy ``CGAN.build_discriminator``: [x (n, 784), one-hot y (n, 10)] -> **logits** (n, 1).

    x -> Maxout(k=5, 240); y -> Maxout(k=5, 50); concatenated -> Maxout(k=4, 240) -> Dense 1. The legacy Dense 1
    had ``activation='sigmoid'`` and Keras 2's loss quietly took its input (the logits); here the model ends at the
    logits and :func:`probability` applies the sigmoid where a probability is wanted.
    """
    image = keras.Input(shape=(IMG_DIM,))
    label = keras.Input(shape=(NUM_CLASSES,))  # one-hot

    image_h0 = MaxoutDense(k=5, output_dims=240, name="maxout_dense")(image)
    label_h0 = MaxoutDense(k=5, output_dims=50, name="maxout_dense_1")(label)

    h1 = keras.layers.concatenate([image_h0, label_h0])
    h1 = MaxoutDense(k=4, output_dims=240, name="maxout_dense_2")(h1)

    logits = Dense(1, name="dense")(h1)
    return keras.Model([image, label], logits, name="discriminator")


def probability(logits):
    """D's output as the legacy model returned it: ``sigmoid(logits)``."""
    return tf.sigmoid(logits)


def binary_crossentropy(target, logits):
    """tf_keras's compiled ``binary_crossentropy`` as ``train_on_batch`` computed it: sigmoid cross-entropy on the
    logits, mean over the last axis, then summed over the batch and divided by the batch size
    (``SUM_OVER_BATCH_SIZE``)."""
    per_sample = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=logits), axis=-1)
    return tf.reduce_sum(per_sample) / tf.cast(tf.size(per_sample), per_sample.dtype)


def _reported_loss(loss, batch_size):
    """What ``train_on_batch`` returned as the loss: its loss metric, a ``Mean`` updated with ``sample_weight =
    batch size`` and read out as total / count, i.e. ``(loss * n) / n`` in float32 (it can differ from ``loss`` by
    an ulp)."""
    n = tf.cast(batch_size, loss.dtype)
    return tf.math.divide_no_nan(loss * n, n)


class CGAN(tf.Module):
    """legacy ``class CGAN``: the two networks, their two Adams, and the two kinds of ``train_on_batch``.

    Args:
      adam_epsilon: both Adams' epsilon: tf_keras's (and Keras 3's) 1e-7 by default; 1e-8 (TF1's, which the other
        ports of this project set) to see what a copied setting does to the trajectory.
      bn_epsilon, bn_momentum: the batch norms' (legacy: 1e-3 and 0.99).
      d_fake_training: run G in training mode for D's generated batch (legacy: True; False is what
        ``generator.predict`` did, which the legacy header explains is wrong for this model).
      jit_compile: XLA-compile the training steps.
    """

    def __init__(self, adam_epsilon=KERAS2_ADAM_EPSILON, bn_epsilon=BN_EPSILON, bn_momentum=BN_MOMENTUM,
                 d_fake_training=True, jit_compile=False):
        super().__init__(name="cgan")
        # legacy `d_optimizer = tf.keras.optimizers.Adam(0.0002, 0.5)`, `g_optimizer = ...Adam(0.001, 0.5)`
        self.d_optimizer = keras.optimizers.Adam(D_LEARNING_RATE, beta_1=BETA_1, beta_2=TF_KERAS_BETA_2,
                                                 epsilon=adam_epsilon)
        self.g_optimizer = keras.optimizers.Adam(G_LEARNING_RATE, beta_1=BETA_1, beta_2=TF_KERAS_BETA_2,
                                                 epsilon=adam_epsilon)
        # legacy `self.discriminator = self.build_discriminator()` and `self.generator = self.build_generator()`
        self.discriminator = build_discriminator()
        self.generator = build_generator(bn_momentum=bn_momentum, bn_epsilon=bn_epsilon)
        self.d_fake_training = d_fake_training
        # legacy `discriminator.compile(...)` + `combined.compile(...)`: the two kinds of train_on_batch as traced
        # steps. No `trainable = False`: each step names the variables it updates.
        self.d_train_on_batch = tf.function(self._d_train_on_batch, jit_compile=jit_compile)
        self.combined_train_on_batch = tf.function(self._combined_train_on_batch, jit_compile=jit_compile)

    # legacy `self.discriminator.train_on_batch([imgs, labels], valid / fake)`
    def _d_train_on_batch(self, images, labels, target):
        images, labels = tf.cast(images, tf.float32), tf.cast(labels, tf.float32)  # the models' float32 inputs
        target = tf.fill([tf.shape(images)[0], 1], tf.cast(target, tf.float32))  # legacy np.ones/np.zeros((n, 1))
        with tf.GradientTape() as tape:
            logits = self.discriminator([images, labels], training=True)
            loss = binary_crossentropy(target, logits)
        variables = self.discriminator.trainable_variables  # D was compiled while trainable: all its weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        # metrics=['accuracy'] -> binary accuracy at 0.5, on the same forward pass as the loss
        accuracy = tf.reduce_mean(tf.cast(tf.equal(target, tf.cast(probability(logits) > 0.5, tf.float32)),
                                          tf.float32))
        return {"discriminator.loss": _reported_loss(loss, tf.shape(images)[0]), "discriminator.accuracy": accuracy}

    # legacy `self.combined.train_on_batch([noise, labels], valid)`
    def _combined_train_on_batch(self, noise, labels):
        noise, labels = tf.cast(noise, tf.float32), tf.cast(labels, tf.float32)
        target = tf.ones([tf.shape(noise)[0], 1])
        with tf.GradientTape() as tape:
            logits = self.discriminator([self.generator([noise, labels], training=True), labels], training=True)
            loss = binary_crossentropy(target, logits)
        # `discriminator.trainable = False` before compiling `combined`: its trainable weights were G's alone
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {"combined.loss": _reported_loss(loss, tf.shape(noise)[0])}

    # legacy `gen_imgs = self.generator([noise, labels], training=True)`
    def generate_for_d(self, noise, labels):
        """G's images for D's fake batch: training mode (batch statistics, moving averages updated), as the legacy
        script does on purpose (its header: ``predict``'s inference mode makes D learn another distribution).

        Eager, as the legacy line ran. Inside a ``tf.function`` Grappler's remapper fuses ops (such as a MatMul
        with its BiasAdd) into kernels that round differently: for 100 images, 44 % of the pixels differ by up to
        1.8e-7, none with remapping switched off (measured). Harmless for training, but the GAN amplifies it
        (1.2e-7 in the losses by step 10, 0.17-0.51 by step 200, seeds 1-4) and the bit-for-bit agreement with the
        legacy run is gone. (The legacy ``train_on_batch`` steps were traced too, and fused like the port's.)
        """
        return self.generator([tf.constant(noise, tf.float32), tf.constant(labels, tf.float32)],
                              training=self.d_fake_training)

    def sample(self, noise, labels):
        """legacy ``self.generator.predict(...)``: inference mode (the batch norms' moving averages)."""
        return self.generator([tf.constant(noise, tf.float32), tf.constant(labels, tf.float32)],
                              training=False).numpy()

    def variables_by_legacy_name(self, include_moving=True):
        """``{"dense_1/kernel:0": variable, "maxout_dense/Variable:0": W, "maxout_dense/Variable:0#2": b, ...}``:
        each weight under the name tf_keras gave it (the runner's ``--dump-weights`` keys). The legacy MaxoutDense
        made two unnamed ``tf.Variable`` per layer, both ``Variable:0``; the runner numbers the second ``#2``."""
        names = {}
        for model in (self.discriminator, self.generator):
            for layer in model.layers:
                if isinstance(layer, MaxoutDense):
                    names[f"{layer.name}/Variable:0"] = layer.W
                    names[f"{layer.name}/Variable:0#2"] = layer.b
                    continue
                for variable in layer.weights:
                    if include_moving or variable.trainable:
                        names[f"{layer.name}/{variable.name}:0"] = variable
        return names

    def load_legacy_weights(self, weights):
        """Start from a legacy run's initial weights (the runner's ``--dump-weights`` arrays, by tf_keras name).

        The batch norms' moving statistics are *not* loaded: the runner captures G's weights at the first
        ``combined.train_on_batch``, after the legacy loop's first ``generator(..., training=True)`` call had
        already moved them once. Their true initial values are Keras's constants (mean 0, variance 1), which the
        port starts from too; they affect no training loss. Adam's slots start at 0 in both.
        """
        assign_legacy_weights(self.variables_by_legacy_name(include_moving=False), weights,
                              "legacy/002_cgan_maxout/cgan.py")


# --- cgan.py: CGAN.train, sample_images, save_weights -------------------------------------------------------------

def load_data():
    """legacy ``mnist.load_data()`` (served as Fashion-MNIST here) and its two preparation lines: 60,000 images as
    float32 rows of 784 in [0, 1] (``astype(float32) / 255.0``: a float32 division) and one-hot float32 labels
    (legacy ``to_categorical``)."""
    from compat.input_data import load_keras_fashion_mnist  # the project's offline Fashion-MNIST files

    (x_train, y_train), _ = load_keras_fashion_mnist()
    x_train = x_train.reshape(-1, IMG_DIM).astype(np.float32) / 255.0
    return x_train, np.eye(NUM_CLASSES, dtype=np.float32)[y_train]


def loop_steps(x_train, y_train, epochs, batch_size, rng=np.random):
    """What each legacy loop step consumes, drawn from NumPy in the legacy order: ``(epoch, step, imgs, labels,
    noise)``.

    Order: ``np.random.permutation(60000)`` at the start of every epoch, then per step the batch (a slice of that
    permutation: no draw) and ``np.random.uniform(0, 1, (batch_size, 100))``. The grid noise is drawn before the
    first epoch (:func:`train` does that).

    Args:
      rng: NumPy generator (the module: the global one, which the legacy script used and the runner seeds).
    """
    steps = len(x_train) // batch_size
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            noise = rng.uniform(0, 1, (batch_size, LATENT_DIM))
            yield epoch, step, x_train[idx], y_train[idx], noise


def train(cgan, x_train, y_train, epochs, batch_size=BATCH_SIZE, rng=np.random, max_iterations=None, on_sample=None,
          log=print):
    """legacy ``CGAN.train``: per loop step D on real (target 1), D on generated (target 0), then G (target 1).

    Args:
      cgan: a :class:`CGAN`.
      x_train, y_train: from :func:`load_data`.
      epochs, batch_size: legacy --epochs, --batch_size.
      rng: NumPy generator for the permutations and the noise (legacy: the global one).
      max_iterations: stop after this many loop steps (None: all epochs).
      on_sample: ``on_sample(cgan, iteration, sample_noise)`` after the first step, every 200 and at the end
        (legacy ``sample_images`` + ``save_weights``).
      log: where the progress lines go (None: nowhere).

    Returns:
      one dict of losses per ``train_on_batch`` (three per loop step), named as the runner records the legacy
      run: ``discriminator.loss``, ``discriminator.accuracy``; ``combined.loss``.
    """
    # legacy `self.sample_noise = np.random.uniform(0, 1, (NUM_CLASSES, LATENT_DIM))`: drawn once, before epoch 0
    sample_noise = rng.uniform(0, 1, (NUM_CLASSES, LATENT_DIM))
    losses = []
    iteration = 0  # steps since the start, over all epochs
    for epoch, step, imgs, labels, noise in loop_steps(x_train, y_train, epochs, batch_size, rng):
        gen_imgs = cgan.generate_for_d(noise, labels)
        d_loss_real = cgan.d_train_on_batch(imgs, labels, 1.0)
        d_loss_fake = cgan.d_train_on_batch(gen_imgs, labels, 0.0)
        g_loss = cgan.combined_train_on_batch(noise, labels)
        losses.extend({name: float(value) for name, value in result.items()}
                      for result in (d_loss_real, d_loss_fake, g_loss))
        if log and step % LOG_INTERVAL == 0:  # legacy: d_loss = 0.5 * (real + fake), [loss, accuracy]
            d_loss = 0.5 * np.add([losses[-3]["discriminator.loss"], losses[-3]["discriminator.accuracy"]],
                                  [losses[-2]["discriminator.loss"], losses[-2]["discriminator.accuracy"]])
            log("epoch %d step %d [D loss: %f, acc.: %.2f%%] [G loss: %f]"
                % (epoch, step, d_loss[0], 100 * d_loss[1], losses[-1]["combined.loss"]))
        if on_sample and iteration % SAMPLE_INTERVAL == 0:
            on_sample(cgan, iteration, sample_noise)
        iteration += 1
        if iteration == max_iterations:
            break
    if on_sample:
        on_sample(cgan, iteration, sample_noise)
    return losses


def sample_images(cgan, iteration, sample_noise, folder="images"):
    """legacy ``sample_images``: a 10x10 grid, row i shares noise i, column j is label j; G in inference mode;
    values mapped to [-1, 1] by the batch's min and max (the output batch norm leaves [0, 1]); 1000x1000 px."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r, c = NUM_CLASSES, NUM_CLASSES
    noise = np.repeat(sample_noise, c, axis=0)  # row i: noise i
    labels = np.tile(np.eye(NUM_CLASSES), (r, 1))  # column j: label j
    gen_imgs = cgan.sample(noise, labels)
    gen_imgs = 2 * (gen_imgs - gen_imgs.min()) / (gen_imgs.max() - gen_imgs.min()) - 1
    gen_imgs = gen_imgs.reshape(-1, IMG_ROWS, IMG_COLS)

    os.makedirs(folder, exist_ok=True)
    fig, axs = plt.subplots(r, c, figsize=(10, 10))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98, wspace=0.1, hspace=0.1)
    for cnt, ax in enumerate(axs.flat):
        ax.imshow(gen_imgs[cnt], cmap="gray", vmin=-1, vmax=1)
        ax.axis("off")
    fig.savefig(os.path.join(folder, "%d.png" % iteration), dpi=100)
    plt.close(fig)


def save_weights(cgan, folder="saved_model"):
    """legacy ``save_weights``: Keras 2 wrote TF checkpoints for a path without ``.h5``; Keras 3 writes only
    ``*.weights.h5`` (possible now that MaxoutDense's weights have names)."""
    os.makedirs(folder, exist_ok=True)
    cgan.generator.save_weights(os.path.join(folder, "generator.weights.h5"))
    cgan.discriminator.save_weights(os.path.join(folder, "discriminator.weights.h5"))


def sample_and_save(cgan, iteration, sample_noise):
    sample_images(cgan, iteration, sample_noise)
    save_weights(cgan)


# --- equivalence (reproductions/equivalence.py) -------------------------------------------------------------------

def replay(legacy_weights, steps, seed, **port_options):
    """Train the port ``steps`` train_on_batch steps from the legacy initial weights, on the legacy batches and noise.

    NumPy order of the legacy run: the runner seeds ``np.random`` (and ``random``, unused) with ``seed``; loading
    and preparing the data draws nothing; ``train`` draws the grid noise (10 x 100), then per epoch one
    ``permutation(60000)`` and per loop step one noise (100 x 100), used both for D's generated batch and for G's
    step. Nothing else draws (tf_keras's ``train_on_batch`` does not shuffle a single batch).

    Args:
      legacy_weights: the runner's ``--dump-weights`` arrays.
      steps: train_on_batch steps (three per loop step; a partial loop step is cut off, as ``--max-steps`` did).
      seed: the runner's ``--seed``.
      port_options: passed to :class:`CGAN`.
    """
    x_train, y_train = load_data()
    np.random.seed(seed)
    cgan = CGAN(**port_options)
    cgan.load_legacy_weights(legacy_weights)
    iterations = math.ceil(steps / 3)
    epochs = math.ceil(iterations / (len(x_train) // BATCH_SIZE))
    losses = train(cgan, x_train, y_train, epochs, BATCH_SIZE, max_iterations=iterations, log=None)
    return losses[:steps]


def main(argv=None):
    parser = argparse.ArgumentParser(description="CGAN with Maxout discriminator (TensorFlow 2.21, Keras 3)")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the 60000 training images")
    parser.add_argument("--batch_size", type=int, default=BATCH_SIZE, help="images per step (the CGAN paper used 100)")
    parser.add_argument("--seed", type=int, default=None, help="NumPy's and TensorFlow's global seed")
    parser.add_argument("--max_iterations", type=int, default=None,
                        help="stop after this many loop steps (not in the legacy script: the runner's --max-steps)")
    parser.add_argument("--jit", action="store_true", help="XLA-compile the training steps")
    args = parser.parse_args(argv)
    if args.epochs < 1 or not 1 <= args.batch_size <= 60000:
        parser.error("--epochs must be at least 1 and --batch_size between 1 and 60000 (the training set)")
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)  # NumPy's global generator (data order, noise), TF's, Keras 3's
    x_train, y_train = load_data()
    cgan = CGAN(jit_compile=args.jit)
    train(cgan, x_train, y_train, args.epochs, args.batch_size, max_iterations=args.max_iterations,
          on_sample=sample_and_save)


if __name__ == "__main__":
    main()
