"""Seed 004's vanilla GAN in TensorFlow 2.21: read it next to ``legacy/004_vanilla_gan/vanilla_gan.py``.

The legacy script builds a graph once (placeholders ``X`` and ``Z``, two ``AdamOptimizer().minimize`` train ops)
and then feeds it NumPy batches through ``sess.run``. Here the same eight weight tensors are plain ``tf.Variable``
objects held by a ``tf.Module``, the two train ops are two ``tf.function`` steps (a ``GradientTape`` and Keras 3's
``Adam.apply_gradients``), and the placeholders became the steps' arguments. The maths is unchanged: a
784-128-1 discriminator and a 100-128-784 generator, ReLU hidden layers, sigmoid cross-entropy losses, one D
update then one G update (on fresh noise) per iteration, batch 128, z ~ U(-1, 1).

Run it (Fashion-MNIST, the offline stand-in for MNIST; writes ``out/NNN.png`` in the working directory)::

    python -m reproductions.004_vanilla_gan.port --iterations 20000

Legacy defaults that the modern API would change, set explicitly here:

* ``tf.train.AdamOptimizer()`` used lr 0.001, beta1 0.9, beta2 0.999 and **epsilon 1e-8**; ``keras.optimizers.Adam``
  defaults to epsilon 1e-7. The update formula is otherwise the same (both add epsilon to sqrt(v) after the bias
  correction folded into the learning rate).
* TF1 computed Adam's ``1 - beta`` in float32, Keras 3 in float64 (``TF1_BETA_1``, ``TF1_BETA_2`` below).
"""
import argparse
import math
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # this project's convention; the port itself imports Keras 3

import numpy as np
import tensorflow as tf
import keras

from reproductions.equivalence import (Mistake, Tolerance, assign_legacy_weights, tf1_next_batches,
                                       tf1_train_images)

MB_SIZE = 128  # legacy: mb_size = 128
Z_DIM = 100  # legacy: Z_dim = 100
SAMPLE_EVERY = 1000  # legacy: `if it % 1000 == 0` (sample grid and progress lines)
VALIDATION_SIZE = 5000  # legacy: read_data_sets keeps the first 5000 training images apart as validation
# TF1's Adam held beta1 = 0.9 and beta2 = 0.999 as float32 tensors and computed 1 - beta in float32. Keras 3
# computes `1 - self.beta_2` in Python (float64) and rounds afterwards: 0.001 instead of TF1's 0.00099998713,
# 1.3e-5 relative in every second-moment update. Giving Keras the float32 values themselves makes both
# subtractions exact and therefore equal.
TF1_BETA_1 = float(np.float32(0.9))
TF1_BETA_2 = float(np.float32(0.999))

# The legacy variables in the order the script creates them, i.e. the names TF1 gave them ("Variable",
# "Variable_1", ...): the key to load a legacy run's initial weights (the runner's --dump-weights file).
LEGACY_NAMES = {"D_W1": "Variable:0", "D_b1": "Variable_1:0", "D_W2": "Variable_2:0", "D_b2": "Variable_3:0",
                "G_W1": "Variable_4:0", "G_b1": "Variable_5:0", "G_W2": "Variable_6:0", "G_b2": "Variable_7:0"}


def xavier_init(size, seed=None):
    """legacy ``xavier_init``: a normal with stddev 1/sqrt(fan_in/2), i.e. variance 2/fan_in (He, not Xavier).

    Args:
      size: ``[fan_in, fan_out]``.
      seed: op seed for ``tf.random.normal`` (None: from the global seed, as ``tf.random_normal`` did).
    """
    return tf.random.normal(shape=size, stddev=1. / tf.sqrt(size[0] / 2.), seed=seed)


def sample_Z(m, n, rng=np.random):
    """legacy ``sample_Z``: U(-1, 1) noise of shape [m, n] from NumPy (float64; the steps cast it to float32, as
    feeding a float32 placeholder did).

    Args:
      m, n: rows (batch) and columns (Z_DIM).
      rng: a ``numpy.random.Generator``/``RandomState`` or the module itself (the legacy script's global one).
    """
    return rng.uniform(-1., 1., size=[m, n])


class VanillaGAN(tf.Module):
    """The two networks, their losses and their two Adam updates.

    Args:
      jit_compile: compile the two training steps with XLA (``tf.function(jit_compile=True)``); the legacy
        script's nearest equivalent is the runner's ``--xla`` (graph-level auto-clustering).
      adam_epsilon: Adam's epsilon for both networks: TF1's 1e-8 by default; pass 1e-7 (Keras 3's default) to
        see what the changed default alone does to the trajectory.
    """

    def __init__(self, jit_compile=False, adam_epsilon=1e-8):
        super().__init__(name="vanilla_gan")
        # legacy lines `D_W1 = tf.Variable(xavier_init([784, 128]))` ... `theta_D = [D_W1, D_W2, D_b1, D_b2]`
        self.D_W1 = tf.Variable(xavier_init([784, 128]), name="D_W1")
        self.D_b1 = tf.Variable(tf.zeros(shape=[128]), name="D_b1")
        self.D_W2 = tf.Variable(xavier_init([128, 1]), name="D_W2")
        self.D_b2 = tf.Variable(tf.zeros(shape=[1]), name="D_b2")
        self.theta_D = [self.D_W1, self.D_W2, self.D_b1, self.D_b2]
        # legacy lines `G_W1 = tf.Variable(xavier_init([100, 128]))` ... `theta_G = [G_W1, G_W2, G_b1, G_b2]`
        self.G_W1 = tf.Variable(xavier_init([Z_DIM, 128]), name="G_W1")
        self.G_b1 = tf.Variable(tf.zeros(shape=[128]), name="G_b1")
        self.G_W2 = tf.Variable(xavier_init([128, 784]), name="G_W2")
        self.G_b2 = tf.Variable(tf.zeros(shape=[784]), name="G_b2")
        self.theta_G = [self.G_W1, self.G_W2, self.G_b1, self.G_b2]
        # legacy `D_solver = tf.train.AdamOptimizer().minimize(...)`, `G_solver = ...`: one Adam (own slots)
        # per network, with TF1's defaults written out (see the module docstring for epsilon and the betas).
        self.D_solver = keras.optimizers.Adam(learning_rate=0.001, beta_1=TF1_BETA_1, beta_2=TF1_BETA_2,
                                              epsilon=adam_epsilon)
        self.G_solver = keras.optimizers.Adam(learning_rate=0.001, beta_1=TF1_BETA_1, beta_2=TF1_BETA_2,
                                              epsilon=adam_epsilon)
        # legacy `sess.run([D_solver, D_loss, ...], feed_dict=...)`: the train ops became traced functions.
        self.d_step = tf.function(self._d_step, jit_compile=jit_compile)
        self.g_step = tf.function(self._g_step, jit_compile=jit_compile)
        self.sample = tf.function(self.generator)

    # legacy `def generator(z)`
    def generator(self, z):
        G_h1 = tf.nn.relu(tf.matmul(z, self.G_W1) + self.G_b1)
        G_log_prob = tf.matmul(G_h1, self.G_W2) + self.G_b2
        return tf.nn.sigmoid(G_log_prob)

    # legacy `def discriminator(x)`
    def discriminator(self, x):
        D_h1 = tf.nn.relu(tf.matmul(x, self.D_W1) + self.D_b1)
        D_logit = tf.matmul(D_h1, self.D_W2) + self.D_b2
        return tf.nn.sigmoid(D_logit), D_logit

    # legacy `D_loss_real = ...`, `D_loss_fake = ...`, `D_loss = ...` and the D half of the loop body
    def _d_step(self, X, Z):
        X, Z = tf.cast(X, tf.float32), tf.cast(Z, tf.float32)  # what feeding float32 placeholders did
        with tf.GradientTape() as tape:
            _, D_logit_real = self.discriminator(X)
            _, D_logit_fake = self.discriminator(self.generator(Z))
            D_loss_real = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                logits=D_logit_real, labels=tf.ones_like(D_logit_real)))  # legacy `targets=`, renamed in TF 1.0
            D_loss_fake = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                logits=D_logit_fake, labels=tf.zeros_like(D_logit_fake)))
            D_loss = D_loss_real + D_loss_fake
        # legacy `.minimize(D_loss, var_list=theta_D)`: gradients of D's variables only, then Adam
        self.D_solver.apply_gradients(zip(tape.gradient(D_loss, self.theta_D), self.theta_D))
        return {"D_loss": D_loss, "D_loss_real": D_loss_real, "D_loss_fake": D_loss_fake}

    # legacy `G_loss = ...` and the G half of the loop body
    def _g_step(self, Z):
        Z = tf.cast(Z, tf.float32)
        with tf.GradientTape() as tape:
            _, D_logit_fake = self.discriminator(self.generator(Z))
            G_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                logits=D_logit_fake, labels=tf.ones_like(D_logit_fake)))
        self.G_solver.apply_gradients(zip(tape.gradient(G_loss, self.theta_G), self.theta_G))
        return {"G_loss": G_loss}

    def load_legacy_weights(self, weights):
        """Start from a legacy run's initial weights.

        Args:
          weights: mapping (e.g. ``numpy.load`` of the runner's ``--dump-weights`` file) from TF1 variable names
            (``"Variable:0"`` ...) to arrays; see ``LEGACY_NAMES``. Adam's slots are not loaded: both start at 0.
        """
        assign_legacy_weights({name: getattr(self, attribute) for attribute, name in LEGACY_NAMES.items()}, weights,
                              "legacy/004_vanilla_gan/vanilla_gan.py")


def fashion_mnist_batches(seed=None):
    """The modern input pipeline: legacy ``read_data_sets(..., one_hot=True)`` + ``mnist.train.next_batch(128)``.

    TF1's loader dropped the first 5000 training images (validation), scaled pixels to [0, 1] as float32 rows of
    784, and reshuffled at each epoch boundary; ``tf.data`` does this with ``shuffle(reshuffle_each_iteration)``.
    (Its order differs from TF1's NumPy shuffle; the equivalence check feeds the legacy order instead.)

    Args:
      seed: shuffle seed (None: from the global seed).

    Returns:
      an infinite iterator of float32 arrays [128, 784].
    """
    from compat.input_data import load_keras_fashion_mnist  # the project's offline Fashion-MNIST files

    (x_train, _), _ = load_keras_fashion_mnist()
    images = x_train[VALIDATION_SIZE:].reshape(-1, 784).astype(np.float32) / 255.
    dataset = (tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).repeat()
               .batch(MB_SIZE, drop_remainder=True))
    return dataset.as_numpy_iterator()


def iterations(batches, rng=np.random):
    """What one legacy loop iteration consumes, in the legacy order: ``(sample noise or None, X_mb, Z_D, Z_G)``.

    The order matters when NumPy's generator is shared with the data (TF1's loader shuffled with it): the grid's
    16 noise rows come first every 1000 iterations, then the batch, then the D noise, then the G noise.

    Args:
      batches: iterator of image batches [128, 784].
      rng: NumPy generator for the noise (the module: the global one, as the legacy script used).
    """
    it = 0
    while True:
        grid_noise = sample_Z(16, Z_DIM, rng) if it % SAMPLE_EVERY == 0 else None
        X_mb = next(batches)
        yield grid_noise, X_mb, sample_Z(MB_SIZE, Z_DIM, rng), sample_Z(MB_SIZE, Z_DIM, rng)
        it += 1


def train(gan, feed, num_iterations, on_sample=None):
    """The legacy training loop (`for it in range(1000000)`), one D step then one G step per iteration.

    Args:
      gan: a :class:`VanillaGAN`.
      feed: iterator like :func:`iterations`.
      num_iterations: loop length (the legacy script's is 1,000,000).
      on_sample: called as ``on_sample(index, images[16, 784])`` every 1000 iterations (the legacy grid).

    Returns:
      a list with one dict of losses (floats) per training step: D steps and G steps alternate, as the runner's
      ``--record`` numbers them.
    """
    losses = []
    for it in range(num_iterations):
        grid_noise, X_mb, Z_D, Z_G = next(feed)
        if grid_noise is not None and on_sample is not None:
            on_sample(it // SAMPLE_EVERY, gan.sample(tf.constant(grid_noise, tf.float32)).numpy())
        d = gan.d_step(X_mb, Z_D)
        g = gan.g_step(Z_G)
        losses.append({name: float(value) for name, value in d.items()})
        losses.append({name: float(value) for name, value in g.items()})
        if it % SAMPLE_EVERY == 0:
            print(f"Iter: {it}\nD loss: {losses[-2]['D_loss']:.4}\nG_loss: {losses[-1]['G_loss']:.4}\n")
    return losses


def save_grid(index, samples, folder="out"):
    """legacy ``plot`` + ``plt.savefig('out/NNN.png')``: 16 samples as a 4x4 grey grid (here a plain PNG)."""
    from PIL import Image

    os.makedirs(folder, exist_ok=True)
    tiles = samples.reshape(4, 4, 28, 28).transpose(0, 2, 1, 3).reshape(112, 112)
    Image.fromarray((255 * tiles).round().astype(np.uint8)).save(os.path.join(folder, f"{index:03d}.png"))


# --- equivalence (reproductions/equivalence.py) -------------------------------------------------------------------

# Measured over seeds 1-4, 200 steps: at most 1.05e-5 in steps 1-30 (about 100 ulps of a loss near 1), at most
# 2.1e-2 in steps 1-200 (seed 1, the test's: 1.8e-3), while over steps 100-200 D_loss ranges over 0.14-0.51 and
# G_loss over 2.7-4.3.
TOLERANCE = Tolerance(tight_steps=30, tight_atol=1e-4, atol=0.05)
# D steps (odd) record D_loss and its two terms, G steps (even) G_loss: the same sequence as the runner's record
STEP_SERIES = ({"D_loss", "D_loss_real", "D_loss_fake"}, {"G_loss"})
MISTAKES = {
    "keras3-adam-epsilon": Mistake({"adam_epsilon": 1e-7}, steps=200, first_failure=(1, TOLERANCE.tight_steps),
                                   why="Keras 3's default epsilon (TF1's was 1e-8): measured 1.6e-3 to 2.5e-3 "
                                       "within the first 10 steps, 16-25 times tight_atol"),
}


def replay(legacy_weights, steps, seed, **port_options):
    """Train the port ``steps`` steps from the legacy initial weights on the legacy batches and noise.

    NumPy order of the legacy run: the runner's ``np.random.seed(seed)``, then read_data_sets' three re-seeds
    with the graph seed (the same value), then per iteration: grid noise (every 1000th), the batch (the first
    one shuffles), D noise, G noise — exactly what :func:`iterations` draws.

    Args:
      legacy_weights: the runner's ``--dump-weights`` arrays.
      steps: training steps (two per iteration).
      seed: the runner's ``--seed``.
      port_options: passed to :class:`VanillaGAN` (``adam_epsilon``, ``jit_compile``).
    """
    images = tf1_train_images()
    np.random.seed(seed)  # the last of read_data_sets' re-seeds; nothing drew in between
    gan = VanillaGAN(**port_options)
    gan.load_legacy_weights(legacy_weights)
    losses = train(gan, iterations(tf1_next_batches(images, MB_SIZE)), math.ceil(steps / 2))
    return losses[:steps]


def trainer(gan=None, seed=1, **port_options):
    """A ``train_more(steps)`` that goes on training one model on the legacy feed (the benchmark's timing loop,
    benchmarks/bench_legacy_vs_modern.py): every call continues where the last one stopped.

    Args:
      gan: the model (default: a new :class:`VanillaGAN` made with ``port_options`` after ``tf.random.set_seed
        (seed)``); anything with its ``d_step``/``g_step`` interface, such as the benchmark's torch port.
      seed: the runner's ``--seed`` the feed replays.

    Returns:
      ``train_more(steps)``: trains whole iterations (at least one) covering about ``steps`` steps and returns
      their losses, one dict per step.
    """
    feed = iterations(tf1_next_batches(tf1_train_images(), MB_SIZE))
    np.random.seed(seed)  # as replay(): the feed shuffles lazily, on its first batch
    if gan is None:
        tf.random.set_seed(seed)
        gan = VanillaGAN(**port_options)

    def train_more(steps):
        return train(gan, feed, max(1, steps // 2))

    return train_more


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000, help="loop length (legacy: 1,000,000)")
    parser.add_argument("--seed", type=int, default=None, help="global TF seed and NumPy seed")
    parser.add_argument("--jit", action="store_true", help="XLA-compile the training steps")
    args = parser.parse_args(argv)
    if args.seed is not None:
        tf.random.set_seed(args.seed)
        np.random.seed(args.seed)
    gan = VanillaGAN(jit_compile=args.jit)
    train(gan, iterations(fashion_mnist_batches()), args.iterations, on_sample=save_grid)


if __name__ == "__main__":
    main()
