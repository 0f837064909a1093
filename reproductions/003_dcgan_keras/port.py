"""Seed 003's DCGAN (莫烦's mnistGANs) in TensorFlow 2.21 and Keras 3: read it next to ``legacy/003_dcgan_keras/``
(``dcgan.py`` for the model and the loop, ``gan_cnn.py`` for the two networks, ``mnist_ds.py`` for the data,
``metrics.py`` and ``visual.py`` for the accuracy and the pictures).

The legacy script is a ``keras.Model`` subclass holding a generator ``g``, a discriminator ``d`` and ONE Adam for
both, trained eagerly: per step G first (64 images, D judging), then D on the 32 real images of the half batch and
the first 32 of G's images. Here the same class exists in Keras 3 (``import keras``); its step is one
``tf.function`` (the legacy step ran op by op), and the noise is an argument of the step (the legacy ``call(n)``
drew it inside; see :class:`DCGAN`).

Run it (Fashion-MNIST, the offline stand-in; writes ``visual/dcgan/<epoch>.png``, then ``visual/dcgan.gif`` and
``models/dcgan/model.weights.h5`` in the working directory)::

    python -m reproductions.003_dcgan_keras.port --epochs 20

What the legacy code did, and what the port does about it:

* **One optimizer for two variable lists.** The Keras 2 ``OptimizerV2`` (what the runtime serves as
  ``tf.keras.optimizers.Adam``) creates the slots ``m`` and ``v`` of a variable the first time it is handed one,
  and counts every ``apply_gradients`` in one ``iterations``. Keras 3's optimizer builds itself for the first list
  it sees and refuses any other variable. Built here for both lists at once (``opt.build(g_vars + d_vars)``) it
  does what the legacy one did: one ``(m, v)`` pair per variable, and one step counter shared by both networks,
  so G's updates are Adam steps t = 1, 3, 5 ... and D's t = 2, 4, 6 ... (Adam's bias correction uses t). Two
  optimizers, the usual modern advice, count 1, 2, 3 ... for each network: ``shared_optimizer=False`` measures
  that (see ``TOLERANCE``).
* **The ``training=True`` flags had no effect.** ``self.d.call(img, training=True)`` calls the ``call`` of the
  outer ``Sequential``, skipping ``__call__``; under the runtime's Keras (tf_keras 2.21) a functional
  ``Sequential``'s ``call`` does not hand ``training`` to its layers (they take it from the call context that
  ``__call__`` would have set), so every layer falls back to the learning phase 0: batch normalization
  normalises with its moving statistics and dropout is off, in G's and D's training steps alike. The moving
  statistics are never updated either, so they stay at their initial values (mean 0, variance 1) and each batch
  normalization is a trained per-channel affine map. Measured: with fresh legacy networks, ``g.call(z,
  training=True)`` equals ``g(z, training=False)`` bit for bit, and D likewise. Keras 3 hands ``training`` down
  to every layer, so a literal port would train with batch statistics and dropout: a different GAN. The port
  calls both networks with ``training=False`` everywhere, which is what the legacy run computes;
  ``honour_training_flags=True`` runs what the legacy code says instead (batch statistics and dropout in G's
  step for G and in D's step for D). Whether TensorFlow 2.3.1 (upstream's pin) propagated the flag is not
  established here.
* **Defaults**, written out although Keras 3 keeps Keras 2's values: Adam epsilon 1e-7 (Keras 2's ``OptimizerV2``
  default too), beta_2 0.999; BatchNormalization momentum 0.99 and epsilon 1e-3; LeakyReLU slope 0.3 (Keras 2's
  ``alpha``, now ``negative_slope``). One real change: Keras 3 computes Adam's ``1 - beta_2`` in Python (float64)
  and rounds afterwards, while the legacy ``ResourceApplyAdam`` kernel subtracted the float32 beta_2 in float32;
  passing the float32 value of 0.999 (``KERAS2_BETA_2``) makes both subtractions exact and equal.
* **Samples.** The legacy ``call(self, n)`` took an int and drew the noise itself; a Keras 3 ``call`` takes
  tensors, so ``call(z)`` takes the noise and :meth:`DCGAN.sample` draws it (``keras.random.normal``).
* **Saving.** The legacy ``save_weights("models/dcgan/model.ckpt")`` wrote a TF checkpoint of G, D and the
  optimizer's slots; Keras 3 writes ``*.weights.h5`` only (the networks' weights).
"""
import argparse
import itertools
import os
import random
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # this project's convention; the port itself imports Keras 3

import numpy as np
import tensorflow as tf
import keras

from reproductions.equivalence import Mistake, Tolerance, assign_legacy_weights

LATENT_DIM = 100  # legacy __main__: LATENT_DIM = 100
IMG_SHAPE = (28, 28, 1)  # legacy IMG_SHAPE
BATCH_SIZE = 64  # legacy BATCH_SIZE: D sees 64 images per update, 32 real (get_half_batch_ds) + 32 generated
EPOCH = 20  # legacy EPOCH
PRINT_EVERY = 400  # legacy `if t % 400 == 0`
SHUFFLE_BUFFER = 1024  # legacy mnist_ds.get_ds: .shuffle(1024)
LEARNING_RATE = 0.0002  # legacy keras.optimizers.Adam(0.0002, beta_1=0.5)
BETA_1 = 0.5
# Keras 2's Adam took beta_2 = 0.999 as a float32 hyperparameter and its kernel computed 1 - beta_2 in float32
# (0.00099998713); Keras 3 computes 1 - 0.999 in float64 (0.001). The float32 value makes both exact and equal.
KERAS2_BETA_2 = float(np.float32(0.999))
ADAM_EPSILON = 1e-7  # Keras 2's OptimizerV2 default, and Keras 3's
BN_MOMENTUM, BN_EPSILON = 0.99, 1e-3  # Keras 2's BatchNormalization defaults, and Keras 3's
LEAKY_SLOPE = 0.3  # Keras 2's LeakyReLU() default alpha (Keras 3: negative_slope, same default)
DROPOUT_RATE = 0.3

# Layer names of the legacy networks, in the order tf_keras numbered them (G first, then D): the keys of a legacy
# run's --dump-weights file ("dense/kernel:0", ...), in the order of the port's layers that hold weights.
LEGACY_G_LAYERS = ("dense", "batch_normalization", "conv2d_transpose", "batch_normalization_1",
                   "conv2d_transpose_1", "batch_normalization_2", "conv2d")
LEGACY_D_LAYERS = ("conv2d_1", "batch_normalization_3", "conv2d_2", "batch_normalization_4", "dense_1")

# Measured, legacy vs port, 200 steps (100 G and 100 D updates), seeds 1-4: steps 1-10 agree to 6.0e-8, 6.0e-8,
# 0 and 2.0e-6 (the port's gradients differ from tf_keras's in the last bits: Keras 3 adds biases with `add`
# instead of `bias_add` and normalises without the fused kernel, so the sums run in another order; about 1e-6
# relative on the first step). Then the GAN amplifies: steps 1-200 agree to 2.5e-2, 4.3e-2, 2.9e-2 at seeds 1-3,
# while over steps 101-200 d_loss ranges over about 0.1-1.2 and g_loss over 0.2-2.7; at seed 4 to 8.1e-3 up to
# step 150, then G's loss swings between 0.4 and 6 for twenty steps and the runs swing out of phase (5.5). That is
# the legacy script's own sensitivity to rounding: the legacy run against itself with oneDNN off
# (TF_ENABLE_ONEDNN_OPTS=0) deviates by 3.6e-7 in steps 1-10 and 0.125 in steps 1-200 at seed 1, and by 4.5 at
# seed 4 (steps 151-200). Porting mistakes deviate within the first 10 steps by more than tight_atol: one Adam
# per network by 2.6e-5 at step 3 and 1.6e-3 at step 4, the literal training=True flags by 2.0e-2 at step 1,
# Adam epsilon 1e-8 by 8.9e-5 at step 3. Keras 3's float64 1 - beta_2 (beta_2=0.999) deviates by only 1.5e-6 in
# steps 1-10 (rounding-sized; 5.8e-2 over 200 steps).
TOLERANCE = Tolerance(tight_steps=10, tight_atol=1e-5, atol=0.15)
STEP_SERIES = ({"g_loss"}, {"d_loss"})  # G's update first, then D's: the losses the script hands to tape.gradient
MISTAKES = {  # each must show within the tight phase
    "one-adam-per-network": Mistake({"shared_optimizer": False}, steps=TOLERANCE.tight_steps,
                                    first_failure=(1, TOLERANCE.tight_steps),
                                    why="the usual modern advice; each network then counts its own Adam steps "
                                        "(t = 1, 2, 3 ... instead of the shared 1, 3, 5 / 2, 4, 6)"),
    "literal-training-flags": Mistake({"honour_training_flags": True}, steps=TOLERANCE.tight_steps,
                                      first_failure=(1, TOLERANCE.tight_steps),
                                      why="Keras 3 layers honouring the legacy training=True (batch statistics and "
                                          "dropout, which the legacy run never used)"),
    "tf1-adam-epsilon": Mistake({"adam_epsilon": 1e-8}, steps=TOLERANCE.tight_steps,
                                first_failure=(1, TOLERANCE.tight_steps),
                                why="TF1's epsilon as the other ports set it (Keras 2's default here was 1e-7)"),
}


# --- gan_cnn.py -------------------------------------------------------------------------------------------------

def mnist_uni_gen_cnn(input_shape):
    """legacy ``gan_cnn.mnist_uni_gen_cnn``: noise [n, latent] -> image [n, 28, 28, 1] in [-1, 1].

    Dense 7*7*128 -> BN -> ReLU -> reshape -> Conv2DTranspose 64 k4 s2 -> BN -> ReLU -> Conv2DTranspose 32 k4 s2 ->
    BN -> ReLU -> Conv2D 1 k4 tanh. The legacy ``input_shape=`` keyword on the first layer became a
    ``keras.Input`` (Keras 3 warns about the keyword).
    """
    return keras.Sequential([
        keras.Input(input_shape),
        keras.layers.Dense(7 * 7 * 128),
        keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON),
        keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 128)),
        keras.layers.Conv2DTranspose(64, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON),
        keras.layers.ReLU(),
        keras.layers.Conv2DTranspose(32, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON),
        keras.layers.ReLU(),
        keras.layers.Conv2D(1, (4, 4), padding="same", activation="tanh"),
    ])


def mnist_uni_disc_cnn(input_shape=IMG_SHAPE, use_bn=True):
    """legacy ``gan_cnn.mnist_uni_disc_cnn``: image [n, 28, 28, 1] -> features [n, 7 * 7 * 128].

    (Conv2D 64 k4 s2 -> BN -> LeakyReLU -> Dropout 0.3) then (Conv2D 128 k4 s2 -> BN -> LeakyReLU -> Dropout 0.3)
    then Flatten; the caller adds the output layer. ``use_bn`` as in the legacy builder.
    """
    model = keras.Sequential([keras.Input(input_shape)])
    for filters in (64, 128):
        model.add(keras.layers.Conv2D(filters, (4, 4), strides=(2, 2), padding="same"))
        if use_bn:
            model.add(keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON))
        model.add(keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE))  # legacy LeakyReLU(): alpha 0.3
        model.add(keras.layers.Dropout(DROPOUT_RATE))
    model.add(keras.layers.Flatten())
    return model


# --- metrics.py -------------------------------------------------------------------------------------------------

def binary_accuracy(label, pred):
    """legacy ``metrics.binary_accuracy``: the fraction of logits on the labels' side of 0 (sigmoid 0.5)."""
    verdict = tf.cast(pred > 0, tf.float32)
    return tf.reduce_mean(tf.cast(tf.equal(verdict, label), tf.float32))


# --- dcgan.py ---------------------------------------------------------------------------------------------------

class DCGAN(keras.Model):
    """legacy ``DCGAN``: generator ``g``, discriminator ``d``, one Adam ``opt`` for both, and the training step.

    Args:
      latent_dim, img_shape: as the legacy constructor.
      shared_optimizer: one Adam for both networks, as the legacy script (True); False gives each network its own
        (``g_opt``, ``d_opt``): each then counts its own Adam steps, a porting mistake to measure.
      honour_training_flags: False (the legacy run): every layer in inference mode, see the module docstring;
        True: G's step runs G, and D's step runs D, in training mode (batch statistics, moving averages updated,
        dropout), as the legacy code reads.
      beta_2: Adam's beta_2; ``KERAS2_BETA_2`` (float32 0.999) by default, 0.999 to measure Keras 3's float64
        ``1 - beta_2``.
      adam_epsilon: Adam's epsilon, 1e-7 as in Keras 2.
      noise_seed: seed of :meth:`noise` (``keras.random.SeedGenerator``); None: a fresh one.
      jit_compile: XLA-compile the training step (the benchmark's "modern jit" column).
    """

    def __init__(self, latent_dim=LATENT_DIM, img_shape=IMG_SHAPE, shared_optimizer=True,
                 honour_training_flags=False, beta_2=KERAS2_BETA_2, adam_epsilon=ADAM_EPSILON, noise_seed=None,
                 jit_compile=False):
        super().__init__(name="dcgan")
        self.latent_dim = latent_dim
        self.img_shape = img_shape
        self.honour_training_flags = honour_training_flags

        self.g = self._get_generator()
        self.d = self._get_discriminator()

        def adam():
            return keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1, beta_2=beta_2, epsilon=adam_epsilon)

        g_vars, d_vars = self.g.trainable_variables, self.d.trainable_variables
        if shared_optimizer:
            # legacy `self.opt = keras.optimizers.Adam(0.0002, beta_1=0.5)` used for both networks: Keras 3 accepts
            # that only when built for both variable lists at once (see the module docstring).
            self.opt = adam()
            self.opt.build(g_vars + d_vars)
            self.g_opt = self.d_opt = self.opt
        else:
            self.g_opt, self.d_opt = adam(), adam()
            self.g_opt.build(g_vars)
            self.d_opt.build(d_vars)
        self.loss_func = keras.losses.BinaryCrossentropy(from_logits=True)
        self.noise_seeds = keras.random.SeedGenerator(noise_seed)
        # legacy `gan.step(img)`, executed op by op; here traced once per input shape
        self.train_step_fn = tf.function(self.step, jit_compile=jit_compile)

    def call(self, z, training=False):
        """Images [n, 28, 28, 1] from noise ``z`` [n, latent] (legacy ``call(n)`` drew the noise itself)."""
        return self.g(z, training=training)

    def noise(self, n):
        """legacy ``tf.random.normal((n, self.latent_dim))``: z ~ N(0, 1), float32 [n, latent]."""
        return keras.random.normal((n, self.latent_dim), seed=self.noise_seeds)

    def sample(self, n):
        """legacy ``gan.call(n, training=False)``: n images from fresh noise."""
        return self(self.noise(n), training=False)

    def _get_generator(self):
        return keras.Sequential([mnist_uni_gen_cnn((self.latent_dim,))], name="generator")

    def _get_discriminator(self):
        return keras.Sequential([
            mnist_uni_disc_cnn(self.img_shape),
            keras.layers.Dense(1),  # a logit: the loss applies the sigmoid
        ], name="discriminator")

    def train_d(self, img, label):
        with tf.GradientTape() as tape:
            # legacy `self.d.call(img, training=True)`: the flag never reached the layers (module docstring)
            pred = self.d(img, training=self.honour_training_flags)
            d_loss = self.loss_func(label, pred)
        grads = tape.gradient(d_loss, self.d.trainable_variables)
        self.d_opt.apply_gradients(zip(grads, self.d.trainable_variables))
        return d_loss, binary_accuracy(label, pred)

    def train_g(self, z):
        with tf.GradientTape() as tape:
            g_img = self.g(z, training=self.honour_training_flags)  # legacy `self.call(n, training=True)`
            pred = self.d(g_img, training=False)  # D judges in inference mode, as the legacy code says
            g_loss = self.loss_func(tf.ones_like(pred), pred)
        grads = tape.gradient(g_loss, self.g.trainable_variables)
        self.g_opt.apply_gradients(zip(grads, self.g.trainable_variables))
        return g_loss, g_img, binary_accuracy(tf.ones_like(pred), pred)

    def step(self, img, z):
        """legacy ``step(img)``: G's update on ``z`` (2 * len(img) rows), then D's on the real half batch and the
        first half of G's images (made before G's update, as in the legacy step)."""
        g_loss, g_img, g_acc = self.train_g(z)

        half = g_img.shape[0] // 2
        d_label = tf.concat((tf.ones((img.shape[0], 1), tf.float32), tf.zeros((half, 1), tf.float32)), axis=0)
        img = tf.concat((img, g_img[:half]), axis=0)
        d_loss, d_acc = self.train_d(img, d_label)
        return {"d_loss": d_loss, "d_acc": d_acc, "g_loss": g_loss, "g_acc": g_acc}

    def load_legacy_weights(self, weights):
        """Start from a legacy run's initial weights.

        Args:
          weights: mapping (the runner's ``--dump-weights`` arrays) from tf_keras names (``"dense/kernel:0"``, see
            ``LEGACY_G_LAYERS``) to arrays. The batch normalizations' moving statistics are not in it (the runner
            dumps what an optimizer updates); the legacy run never changed them, so the port's fresh 0 and 1 are
            the legacy values. Adam's slots start at 0 in both.
        """
        layers = [layer for layer in _leaf_layers(self.g) + _leaf_layers(self.d) if layer.trainable_weights]
        names = LEGACY_G_LAYERS + LEGACY_D_LAYERS
        if len(layers) != len(names):  # the port's layout, not the weights file, is wrong
            raise ValueError(f"{len(layers)} trainable layers, {len(names)} legacy names")
        assign_legacy_weights({f"{name}/{w.name}:0": w for layer, name in zip(layers, names)
                               for w in layer.trainable_weights}, weights, "legacy/003_dcgan_keras/dcgan.py")


def _leaf_layers(model):
    """The layers of nested Sequentials, in order."""
    leaves = []
    for layer in model.layers:
        leaves.extend(_leaf_layers(layer) if isinstance(layer, keras.Sequential) else [layer])
    return leaves


# --- mnist_ds.py ------------------------------------------------------------------------------------------------

def _process_x(x):
    """legacy ``_process_x``: uint8 [n, 28, 28] -> float32 [n, 28, 28, 1] in [-1, 1] (same NumPy arithmetic)."""
    return np.expand_dims(x.astype(np.float32) / 255. * 2 - 1, axis=3)


def get_half_batch_ds(batch_size, shuffle_seed=None):
    """legacy ``get_half_batch_ds``: the 60000 training images, cached, shuffled in a 1024-image buffer (afresh at
    every pass), in batches of ``batch_size // 2``.

    The legacy script loaded ``keras.datasets.mnist``, which the runtime serves as Fashion-MNIST with
    ``--dataset fashion-mnist``; the port reads the same Fashion-MNIST files directly.

    Args:
      batch_size: BATCH_SIZE (64): 32 real images per step.
      shuffle_seed: the shuffle's op seed; None draws one from the global seed, as the legacy call did.
    """
    from compat.input_data import load_keras_fashion_mnist  # the project's offline Fashion-MNIST files

    (x, _), _ = load_keras_fashion_mnist()
    ds = tf.data.Dataset.from_tensor_slices(_process_x(x))
    return (ds.cache().shuffle(SHUFFLE_BUFFER, seed=shuffle_seed).batch(batch_size // 2)
            .prefetch(tf.data.AUTOTUNE))  # legacy tf.data.experimental.AUTOTUNE


# --- visual.py, checkpoints.py ----------------------------------------------------------------------------------

def save_gan(gan, ep, nc=10, nr=10, folder=os.path.join("visual", "dcgan")):
    """legacy ``visual.save_gan``: ``nc * nr`` fresh samples as a grid, one inch per cell at 100 dpi
    (1000 x 1000 px), ``visual/dcgan/<ep>.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    imgs = (np.squeeze(np.asarray(gan.sample(nc * nr)), axis=3) + 1) / 2  # tanh range -> [0, 1]
    fig = plt.figure(figsize=(nc, nr), dpi=100)
    for i in range(nr * nc):
        plt.subplot(nr, nc, i + 1)
        plt.imshow(imgs[i], cmap="gray_r", vmin=0, vmax=1)
        plt.axis("off")
    plt.tight_layout()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{ep}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print("image saved to", path)


def cvt_gif(folder=os.path.join("visual", "dcgan"), shrink=2):
    """legacy ``visual.cvt_gif``: the epoch grids, in epoch order, as ``<folder>.gif`` (300 ms frames, half size)."""
    import re

    from PIL import Image

    names = sorted((f for f in os.listdir(folder) if re.fullmatch(r"\d+\.png", f)), key=lambda f: int(f[:-4]))
    frames = []
    for name in names:
        img = Image.open(os.path.join(folder, name))
        frames.append(img.resize((img.width // shrink, img.height // shrink), Image.LANCZOS).convert("P"))
    path = folder + ".gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=300, loop=0)
    print("gif saved to", path)


def save_weights(gan, folder=os.path.join("models", "dcgan")):
    """legacy ``checkpoints.save_weights`` (a TF checkpoint ``model.ckpt``); Keras 3 writes ``model.weights.h5``."""
    os.makedirs(folder, exist_ok=True)
    gan.save_weights(os.path.join(folder, "model.weights.h5"))


def train(gan, ds, epochs=EPOCH, steps_per_epoch=None):
    """legacy ``train``: every batch one step (G then D), a line every 400 steps, a grid per epoch, then the
    weights and the gif.

    Args:
      steps_per_epoch: stop each epoch after this many steps (None: the whole epoch, 1875 steps, as legacy).
    """
    t0 = time.time()
    for ep in range(epochs):
        for t, img in enumerate(itertools.islice(ds, steps_per_epoch)):
            out = gan.train_step_fn(img, gan.noise(2 * len(img)))
            if t % PRINT_EVERY == 0:
                t1 = time.time()
                print("ep={} | time={:.1f} | t={} | d_acc={:.2f} | g_acc={:.2f} | d_loss={:.2f} | g_loss={:.2f}"
                      .format(ep, t1 - t0, t, *(float(out[k]) for k in ("d_acc", "g_acc", "d_loss", "g_loss"))))
                t0 = t1
        save_gan(gan, ep)
    save_weights(gan)
    cvt_gif()


# --- equivalence with the legacy run ----------------------------------------------------------------------------

class LegacyOpSeeds:
    """The op seeds TensorFlow gave the legacy run's unseeded random ops, in order.

    In eager mode, after ``tf.random.set_seed(S)`` (the runner's seeding), an op without a seed gets
    ``(S, op_seed)`` with ``op_seed = random.Random(S).randint(0, 2**31 - 1)`` drawn afresh for each op
    (``context.internal_operation_seed``). The legacy run asked for three kinds, in this order: the dataset's
    shuffle (built before the model), one ``tf.random.normal`` per step (``train_g``), and one more per epoch for
    the grid (``save_gan``). Its initializers and dropout draw nothing from this stream: tf_keras seeds its
    initializers from Python's ``random`` module, and dropout never ran (inference mode). Checked against the
    legacy run by tracing ``internal_operation_seed``.
    """

    def __init__(self, seed):
        self._rng = random.Random(seed)

    def next(self):
        return self._rng.randint(0, 2**31 - 1)


def replay(legacy_weights, steps, seed, **port_options):
    """Train the port ``steps`` training steps from the legacy initial weights on the legacy batches and noise.

    ``tf.random.set_seed(seed)`` as the runner did; it also clears the eager kernel cache, so each seeded random
    op below starts from its seed as in the legacy process. Then the same seeded ops in the same order (see
    :class:`LegacyOpSeeds`): the dataset with ``shuffle(1024, seed=op_seed)`` gives ``(seed, op_seed)`` like the
    legacy shuffle, each step's noise is ``tf.random.normal((64, 100), seed=op_seed)``, and each epoch ends with
    the grid's draw. Sets TensorFlow's global seed of this process.

    Returns:
      one dict per training step, as the runner records the legacy run: ``{"g_loss": ...}`` for G's updates (odd
      steps) and ``{"d_loss": ...}`` for D's (the names of the losses the legacy code hands to tape.gradient).
    """
    tf.random.set_seed(seed)
    seeds = LegacyOpSeeds(seed)
    ds = get_half_batch_ds(BATCH_SIZE, shuffle_seed=seeds.next())
    gan = DCGAN(**port_options)
    gan.load_legacy_weights(legacy_weights)
    losses = []
    for _ in itertools.count():  # epochs
        for img in ds:
            if len(losses) >= steps:
                return losses[:steps]
            z = tf.random.normal((2 * len(img), LATENT_DIM), seed=seeds.next())
            out = gan.train_step_fn(img, z)
            losses.append({"g_loss": float(out["g_loss"])})
            losses.append({"d_loss": float(out["d_loss"])})
        seeds.next()  # legacy save_gan: gan.call(100) drew one tf.random.normal


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCH, help=f"epochs (legacy: {EPOCH})")
    parser.add_argument("--steps-per-epoch", type=int, default=None,
                        help="cut each epoch short after this many steps (default: the whole epoch, 1875)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the shuffle, the noise and the weights")
    args = parser.parse_args(argv)
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)  # Python, NumPy, TF and Keras 3's own seed generators
    gan = DCGAN(noise_seed=args.seed)
    train(gan, get_half_batch_ds(BATCH_SIZE), args.epochs, args.steps_per_epoch)


if __name__ == "__main__":
    main()
