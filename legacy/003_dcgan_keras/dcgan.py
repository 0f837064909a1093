"""DCGAN on MNIST, TensorFlow 2.3 Keras style (eager, subclassed keras.Model), as in 莫烦's mnistGANs tutorials.

Seed: ../shared/seeds/003_998e8e36ec37d730.txt ("深度卷积 DCGAN", 莫烦, 2021-03-23). The article shows the
training only in outline and sends the reader to MorvanZhou/mnistGANs for the code; this suite's version is written
from the facts about that repository recorded in ../shared/docs/seed-notes.md (section 003):

- networks: gan_cnn.py (mnist_uni_gen_cnn, mnist_uni_disc_cnn); the discriminator adds its own Dense(1) output
  (the article explains why: later GAN variants need other heads on the same body);
- one Adam(0.0002, beta_1=0.5) shared by G and D; BinaryCrossentropy(from_logits=True);
- each step trains G first (2 * len(real) images, D called with training=False, target "real"), then D on the real
  half batch and the first half of those generated images, labels 1 / 0, training=True; binary accuracy logged;
- data: mnist_ds.py, keras MNIST x_train scaled to [-1, 1], cache -> shuffle(1024) -> batch(32) -> prefetch;
- LATENT_DIM 100 with z ~ N(0, 1), BATCH_SIZE 64 (32 real + 32 generated per D update), 20 epochs, eager mode (no
  tf.function), a line of ep/time/t/d_acc/g_acc/d_loss/g_loss every 400 steps, a sample grid per epoch, the weights
  and a gif at the end (upstream pinned tensorflow 2.3.1, matplotlib 3.3.2, Pillow 7.2.0).
The file names of the outputs are this suite's choice (the notes do not record upstream's): grids
visual/dcgan/<epoch>.png (1000x1000 px), gif visual/dcgan.gif, weights models/dcgan/model.ckpt.*.

Keras 2 behaviour this script depends on: one optimizer applying gradients to two different variable sets (G's,
then D's). The Keras 2 OptimizerV2 creates slots for whatever variables it is handed; the optimizer that replaced it
in Keras 2.11 (and Keras 3's) is built for the first variable list only and refuses the second. The compat runtime
serves tf.keras.optimizers.Adam as the Keras 2 OptimizerV2.

Run: python -m compat run --dataset fashion-mnist legacy/003_dcgan_keras/dcgan.py
Generator / discriminator for a harness: `gan.g` (noise [n, 100] -> [n, 28, 28, 1]), `gan.d` ([n, 28, 28, 1] ->
logits [n, 1]); `gan.call(n, training=False)` draws n samples.
"""
import time

import tensorflow as tf
from tensorflow import keras

from checkpoints import save_weights
from gan_cnn import mnist_uni_disc_cnn, mnist_uni_gen_cnn
from gpu import set_soft_gpu
from metrics import binary_accuracy
from mnist_ds import get_half_batch_ds
from visual import cvt_gif, save_gan


class DCGAN(keras.Model):
    """Generator `g`, discriminator `d`, one optimizer `opt` for both, and the training step.

    Args:
      latent_dim: size of the noise vector z ~ N(0, 1).
      img_shape: shape of one image, (28, 28, 1).
    """

    def __init__(self, latent_dim, img_shape):
        super().__init__()
        self.latent_dim = latent_dim
        self.img_shape = img_shape

        self.g = self._get_generator()
        self.d = self._get_discriminator()

        # One optimizer for both networks, as upstream: fine for the Keras 2 OptimizerV2 (see the module docstring).
        self.opt = keras.optimizers.Adam(0.0002, beta_1=0.5)
        self.loss_func = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, n, training=None, mask=None):
        """n generated images [n, 28, 28, 1] from fresh noise."""
        return self.g.call(tf.random.normal((n, self.latent_dim)), training=training)

    def _get_generator(self):
        model = keras.Sequential([mnist_uni_gen_cnn((self.latent_dim,))], name="generator")
        model.summary()
        return model

    def _get_discriminator(self):
        model = keras.Sequential([
            mnist_uni_disc_cnn(self.img_shape),
            keras.layers.Dense(1),  # a logit: the loss applies the sigmoid
        ], name="discriminator")
        model.summary()
        return model

    def train_d(self, img, label):
        with tf.GradientTape() as tape:
            pred = self.d.call(img, training=True)
            d_loss = self.loss_func(label, pred)
        grads = tape.gradient(d_loss, self.d.trainable_variables)
        self.opt.apply_gradients(zip(grads, self.d.trainable_variables))
        return d_loss, binary_accuracy(label, pred)

    def train_g(self, n):
        with tf.GradientTape() as tape:
            g_img = self.call(n, training=True)
            # D judges in inference mode: its batch norms use their moving averages and dropout is off
            pred = self.d.call(g_img, training=False)
            g_loss = self.loss_func(tf.ones_like(pred), pred)
        grads = tape.gradient(g_loss, self.g.trainable_variables)
        self.opt.apply_gradients(zip(grads, self.g.trainable_variables))
        return g_loss, g_img, binary_accuracy(tf.ones_like(pred), pred)

    def step(self, img):
        g_loss, g_img, g_acc = self.train_g(len(img) * 2)

        # D sees the real half batch and as many generated images (the first half of G's batch)
        half = len(g_img) // 2
        d_label = tf.concat((tf.ones((len(img), 1), tf.float32), tf.zeros((half, 1), tf.float32)), axis=0)
        img = tf.concat((img, g_img[:half]), axis=0)
        d_loss, d_acc = self.train_d(img, d_label)
        return d_loss, d_acc, g_loss, g_acc


def train(gan, ds):
    t0 = time.time()
    for ep in range(EPOCH):
        for t, img in enumerate(ds):
            d_loss, d_acc, g_loss, g_acc = gan.step(img)
            if t % 400 == 0:
                t1 = time.time()
                print("ep={} | time={:.1f} | t={} | d_acc={:.2f} | g_acc={:.2f} | d_loss={:.2f} | g_loss={:.2f}"
                      .format(ep, t1 - t0, t, d_acc.numpy(), g_acc.numpy(), d_loss.numpy(), g_loss.numpy()))
                t0 = t1
        save_gan(gan, ep)
    save_weights(gan)
    cvt_gif(gan)


if __name__ == "__main__":
    LATENT_DIM = 100
    IMG_SHAPE = (28, 28, 1)
    BATCH_SIZE = 64
    EPOCH = 20

    set_soft_gpu(True)
    d = get_half_batch_ds(BATCH_SIZE)
    gan = DCGAN(LATENT_DIM, IMG_SHAPE)
    train(gan, d)
