#-*- coding: utf-8 -*-
"""
Data loading and image-grid saving for seed 000, in the style of the utils.py of
hwalsuklee/tensorflow-generative-model-collections (the collection the article's GAN comes from; the article
itself does not show these). The facts reproduced, from that repository (recorded in
../shared/docs/seed-notes.md):

- the data are the four IDX files of MNIST or Fashion-MNIST, gzip-compressed, in ./data/<dataset>/ relative to
  the working directory; train (60000) and test (10000) images are concatenated into one set of 70000, scaled by
  1/255 to [0, 1], and shuffled with NumPy's seed 547 (labels shuffled with the same seed, so pairs stay
  together); labels come back one-hot;
- sample grids are written with scipy.misc.imsave, which (SciPy <= 1.2) rescaled a float image from its own
  minimum..maximum to 0..255 before writing an 8-bit PNG; the collection first mapped [-1, 1] to [0, 1] with
  inverse_transform, which that rescaling makes irrelevant for a sigmoid generator.

The code is this project's own. np.float and scipy.misc.imsave are era names, served by the compat runtime.
"""
from __future__ import division
import os
import gzip

import numpy as np
import scipy.misc
import tensorflow as tf
import tensorflow.contrib.slim as slim

IDX_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
             't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']


def read_idx(path, header_bytes, count, item_size):
    """Read `count` items of `item_size` bytes after an IDX header of `header_bytes` bytes (16 for images: magic,
    count, rows, columns; 8 for labels: magic, count) from a gzip file; returns a flat float array."""
    with gzip.open(path) as bytestream:
        bytestream.read(header_bytes)
        buf = bytestream.read(count * item_size)
    return np.frombuffer(buf, dtype=np.uint8).astype(np.float)


def load_mnist(dataset_name):
    """All 70000 images of ./data/<dataset_name>/ as float images [70000, 28, 28, 1] in [0, 1], and their
    labels one-hot [70000, 10]; shuffled with NumPy seed 547 (which also leaves NumPy's global generator seeded
    with 547, as the original did: every later np.random draw of the GAN follows from it)."""
    data_dir = os.path.join("data", dataset_name)

    trX = read_idx(os.path.join(data_dir, IDX_FILES[0]), 16, 60000, 28 * 28).reshape((60000, 28, 28, 1))
    trY = read_idx(os.path.join(data_dir, IDX_FILES[1]), 8, 60000, 1)
    teX = read_idx(os.path.join(data_dir, IDX_FILES[2]), 16, 10000, 28 * 28).reshape((10000, 28, 28, 1))
    teY = read_idx(os.path.join(data_dir, IDX_FILES[3]), 8, 10000, 1)

    X = np.concatenate((trX, teX), axis=0)
    y = np.concatenate((trY, teY), axis=0).astype(np.int)

    # the same seed before each shuffle gives the same permutation to images and labels
    seed = 547
    np.random.seed(seed)
    np.random.shuffle(X)
    np.random.seed(seed)
    np.random.shuffle(y)

    y_vec = np.zeros((len(y), 10), dtype=np.float)
    y_vec[np.arange(len(y)), y] = 1.0

    return X / 255., y_vec


def check_folder(log_dir):
    """Create `log_dir` if it does not exist; return it (main.py and GAN.py call it on every output folder)."""
    if not os.path.exists(log_dir):
        os.makedirs(log_dir)
    return log_dir


def show_all_variables():
    """Print every trainable variable with its shape and size, and the totals (slim's model analyzer)."""
    model_vars = tf.trainable_variables()
    slim.model_analyzer.analyze_vars(model_vars, print_info=True)


def inverse_transform(images):
    """[-1, 1] -> [0, 1] (the collection's convention for tanh generators; kept for the imsave rescaling)."""
    return (images + 1.) / 2.


def merge(images, size):
    """Tile images [N, h, w, 1] into one [size[0]*h, size[1]*w] image, row by row, no borders."""
    h, w = images.shape[1], images.shape[2]
    if images.shape[3] != 1:
        raise ValueError('merge(images, size) expects grey images [N, h, w, 1]; got shape %s' % (images.shape,))
    img = np.zeros((h * size[0], w * size[1]))
    for idx, image in enumerate(images):
        i = idx % size[1]
        j = idx // size[1]
        img[j * h:j * h + h, i * w:i * w + w] = image[:, :, 0]
    return img


def save_images(images, size, image_path):
    """Write `images` as a size[0] x size[1] grid PNG at `image_path` (224x224 for 64 MNIST images)."""
    return scipy.misc.imsave(image_path, merge(inverse_transform(images), size))
