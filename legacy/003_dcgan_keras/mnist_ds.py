"""MNIST as a tf.data pipeline, the mnistGANs tutorials' data module (facts: ../shared/docs/seed-notes.md, 003).

Seed: ../shared/seeds/003_998e8e36ec37d730.txt ("get_half_batch_ds() ... 定义在了自己写的 mnist_ds.py 中").
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras


def _process_x(x):
    """uint8 [n, 28, 28] in [0, 255] -> float32 [n, 28, 28, 1] in [-1, 1], the range of the generator's tanh."""
    return np.expand_dims(x.astype(np.float32) / 255. * 2 - 1, axis=3)


def get_ds(batch_size):
    """The 60000 training images, cached, shuffled in a 1024-image buffer, batched, prefetched.

    Args:
      batch_size: images per batch.

    Returns:
      a tf.data.Dataset of float32 batches [batch_size, 28, 28, 1] (the last one smaller), reshuffled every
      time it is iterated (every epoch).
    """
    (x, _), _ = keras.datasets.mnist.load_data()
    ds = tf.data.Dataset.from_tensor_slices(_process_x(x))
    return ds.cache().shuffle(1024).batch(batch_size).prefetch(tf.data.experimental.AUTOTUNE)


def get_half_batch_ds(batch_size):
    """get_ds with half of `batch_size` real images per step: each GAN step adds as many generated images, so the
    discriminator still sees `batch_size` images per update."""
    return get_ds(batch_size // 2)
