"""The evaluation classifier: one small CNN per dataset that scores generated images, trained once and cached.

Why a classifier of our own
---------------------------
TF-GAN scored its MNIST GANs with a pretrained MNIST classifier (~99% accuracy) shipped as a frozen GraphDef
(``tensorflow_gan/examples/mnist/data/classify_mnist_graph_def.pb``): both its classifier score and its
Fréchet distance were computed from that network's 10 logits. No such file exists for Fashion-MNIST, and none may be
downloaded here, so the suite trains its own, deterministically (fixed seeds, fixed shuffles, TensorFlow's deterministic
kernels: the same weights on every run on one machine and TensorFlow build), from the genuine data files, and
records what it saw. :mod:`reproductions.metrics` turns its outputs into scores.

What is cached, and when it is retrained
----------------------------------------
``<folder>/<dataset>.npz`` (default folder ``out/classifiers/`` in the repository) holds the weights and a JSON
record: the SHA-256 of the training images and labels, the training recipe (:data:`RECIPE`), the held-out
accuracy, what it was trained and evaluated on, and the training time. :func:`load_or_train` loads that file
when it is readable, was trained on exactly the data found now (same SHA-256) and with the same recipe;
otherwise it says why on stderr and retrains. The file is written to a temporary name and moved into place, so
an interrupted training never leaves a half-written cache.

Which data
----------
Fashion-MNIST (complete offline, Debian's ``dataset-fashion-mnist``): trained on the 60000-image train split,
evaluated on the 10000-image test split. MNIST: the same when all four files are found; offline only the test
split (and the train labels) exist, so then the classifier is trained on ``test[:8000]`` and evaluated on
``test[8000:]``, and :attr:`Classifier.info` and the printed lines say so. (MNIST's documentation notes that
the first 5000 test images, from NIST's training set, are cleaner than the last 5000, so the accuracy on
``test[8000:]`` is, if anything, pessimistic.) Files are looked up in the offline
mirror directories of :mod:`compat.dataset_files` (``COMPAT_DATA_MIRROR``, then Debian's folders) and in the
shared data folder next to the repository, and each one is accepted only if its checksum proves it is the file
of the dataset asked for. Nothing is downloaded or copied.

Input convention
----------------
Every method takes images as ``(N, 28, 28)``, ``(N, 784)`` or ``(N, 28, 28, 1)`` arrays with values in
``value_range``: ``(0, 1)`` (default; sigmoid generators, and TF1's ``input_data`` float images), ``(-1, 1)``
for tanh generators, ``(0, 255)`` for raw uint8 pixels. Values outside the range (beyond rounding) raise an
error naming the range to pass instead, because scoring tanh output as if it were sigmoid output silently
produces meaningless numbers.
"""
import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import compat  # noqa: F401  (sets TF_USE_LEGACY_KERAS before TensorFlow loads)
from compat import dataset_files
from reproductions.catalog import REPO

DEFAULT_FOLDER = REPO / "out" / "classifiers"
SHARED_DATA = REPO.parent / "shared" / "data"

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

# Offline MNIST: how many leading test images train the classifier; the rest evaluate it.
MNIST_TEST_TRAIN_SIZE = 8000

NUM_CLASSES = 10
IMAGE_SIDE = 28

# Everything that decides the weights besides the data. A cache trained with another recipe is retrained;
# "version" counts changes to the code below that change the weights without changing the other entries.
RECIPE = {
    "version": 3,
    "architecture": "conv5x5/2(32)-bn(0.9)-relu, conv3x3/2(64)-bn(0.9)-relu, dense(128)-relu, dense(10)",
    "epochs": 8,
    "batch_size": 64,
    "optimizer": "Adam",
    "learning_rate": 1e-3,
    "learning_rate_decay_per_epoch": 0.75,
    "seed": 0,
}
FEATURES = 128

_INFERENCE_BATCH = 1000


class ClassifierCacheError(ValueError):
    """A cached classifier file cannot be used as it is (unreadable, or made from other data or another recipe)."""


# --- images in, images normalised ---------------------------------------------------------------------------


def normalize_images(images, value_range=(0.0, 1.0), name="images"):
    """Images in any accepted layout and range → float32 ``(N, 28, 28, 1)`` in ``[0, 1]``.

    Args:
      images: array-like of shape ``(N, 28, 28)``, ``(N, 784)`` or ``(N, 28, 28, 1)``.
      value_range: ``(low, high)``, the values a black and a white pixel have in `images`: ``(0, 1)`` for
        sigmoid generators and TF1's float MNIST images, ``(-1, 1)`` for tanh generators, ``(0, 255)`` for
        uint8 pixels. Mapped linearly onto ``[0, 1]``.
      name: how to call the images in error messages.

    Returns:
      float32 array ``(N, 28, 28, 1)``; values within rounding outside the range are clipped.

    Raises:
      ValueError: an unaccepted shape, non-finite values, or values clearly outside `value_range` (the message
        suggests the range that fits).
    """
    array = np.asarray(images)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"{name} must be a numeric array, got dtype {array.dtype}.")
    shape = array.shape
    if array.ndim == 2 and shape[1] == IMAGE_SIDE * IMAGE_SIDE:
        array = array.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    elif array.ndim == 4 and shape[1:] == (IMAGE_SIDE, IMAGE_SIDE, 1):
        array = array[..., 0]
    elif not (array.ndim == 3 and shape[1:] == (IMAGE_SIDE, IMAGE_SIDE)):
        raise ValueError(
            f"{name} have shape {shape}; expected (N, 28, 28), (N, 784) or (N, 28, 28, 1) (28x28 grey images)."
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty: there is nothing to score.")
    low, high = (float(v) for v in value_range)
    if not high > low:
        raise ValueError(f"value_range {value_range} must be (low, high) with high > low.")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or infinite values (a diverged generator?); they cannot be scored.")
    smallest, largest = float(array.min()), float(array.max())
    slack = 1e-3 * (high - low)
    if smallest < low - slack or largest > high + slack:
        if smallest >= -1 - slack and largest <= 1 + slack and smallest < 0:
            hint = "value_range=(-1, 1) (tanh output)"
        elif smallest >= 0 and largest <= 255 + slack and largest > 1 + slack:
            hint = "value_range=(0, 255) (raw pixel values)"
        else:
            hint = "the value_range the images were made in"
        raise ValueError(
            f"{name} have values from {smallest:.4g} to {largest:.4g}, outside value_range ({low:g}, {high:g}); "
            f"pass {hint}."
        )
    unit = np.clip((array - low) / (high - low), 0.0, 1.0)
    return unit.astype(np.float32)[..., None]


# --- the data the classifier learns from ----------------------------------------------------------------------


@dataclass(frozen=True)
class Splits:
    """The images a classifier is trained on and evaluated on.

    Attributes:
      dataset: ``'fashion-mnist'`` or ``'mnist'``.
      train_images, train_labels: uint8 ``(N, 28, 28)`` and uint8 ``(N,)``.
      eval_images, eval_labels: held-out images and labels, never trained on (the test split, or its tail).
      trained_on, evaluated_on: human-readable descriptions, e.g. ``'test[:8000] ...'``.
    """

    dataset: str
    train_images: np.ndarray
    train_labels: np.ndarray
    eval_images: np.ndarray
    eval_labels: np.ndarray
    trained_on: str
    evaluated_on: str

    def sha256(self):
        """SHA-256 over the training images' and labels' bytes, in order (what the weights were fitted to)."""
        digest = hashlib.sha256()
        for array in (self.train_images, self.train_labels):
            digest.update(str(array.shape).encode())
            digest.update(np.ascontiguousarray(array, dtype=np.uint8).tobytes())
        return digest.hexdigest()

    def first(self, count):
        """These splits with only the first `count` training examples (for quick classifiers in tests)."""
        if not 0 < count <= len(self.train_images):
            raise ValueError(f"train_size {count} must be between 1 and {len(self.train_images)}.")
        return Splits(self.dataset, self.train_images[:count], self.train_labels[:count], self.eval_images,
                      self.eval_labels, f"{self.trained_on}, first {count} images", self.evaluated_on)


def data_directories():
    """Where the IDX files are looked for, in order: the offline mirrors, then the shared data folder."""
    return dataset_files.mirror_directories() + [str(SHARED_DATA)]


def find_file(dataset, filename):
    """The path of a file proven (by checksum) to be `dataset`'s `filename`, or None if none is at hand.

    Looks in ``<dir>/<filename>`` and ``<dir>/<dataset>/<filename>`` for each of :func:`data_directories`.
    """
    for directory in data_directories():
        for candidate in (Path(directory) / filename, Path(directory) / dataset / filename):
            if not candidate.is_file():
                continue
            try:
                if dataset_files.identify(str(candidate), filename).dataset == dataset:
                    return candidate
            except dataset_files.DataFileError:
                continue  # an unreadable copy: keep looking
    return None


def _read(path, filename):
    with open(path, "rb") as f:
        content = dataset_files.decompress(f, str(path))
    return dataset_files.parse_idx(content, str(path), dataset_files.magic_for_filename(filename))


def load_splits(dataset):
    """Find and read the files of `dataset`, and choose the training and held-out images.

    Args:
      dataset: ``'fashion-mnist'`` or ``'mnist'``.

    Returns:
      :class:`Splits`: the train split and the test split when all four files are found; for MNIST without
      train images (the offline case), ``test[:8000]`` and ``test[8000:]``.

    Raises:
      ValueError: an unknown dataset.
      compat.dataset_files.DatasetUnavailableError: even the test split is missing (the message lists the
        folders searched and what to install or set).
    """
    if dataset not in dataset_files.KNOWN_FILES:
        raise ValueError(f"No evaluation classifier for dataset {dataset!r}; use 'fashion-mnist' or 'mnist'.")
    paths = {name: find_file(dataset, name) for name in (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)}
    missing_test = [name for name in (TEST_IMAGES, TEST_LABELS) if paths[name] is None]
    if missing_test:
        title = dataset_files.DATASET_TITLES[dataset]
        raise dataset_files.DatasetUnavailableError(
            f"The evaluation classifier for {title} needs at least its test split, and {', '.join(missing_test)} "
            f"was not found (checked by checksum) in any of: {', '.join(data_directories())}. Put the published "
            f"{title} .gz files in a directory and set {dataset_files.MIRROR_ENV_VAR}=<that directory>"
            + (" (or apt-get install dataset-fashion-mnist)." if dataset == dataset_files.FASHION_MNIST else ".")
        )
    test_images, test_labels = _read(paths[TEST_IMAGES], TEST_IMAGES), _read(paths[TEST_LABELS], TEST_LABELS)
    if paths[TRAIN_IMAGES] is not None and paths[TRAIN_LABELS] is not None:
        train_images = _read(paths[TRAIN_IMAGES], TRAIN_IMAGES)
        train_labels = _read(paths[TRAIN_LABELS], TRAIN_LABELS)
        return Splits(dataset, train_images, train_labels, test_images, test_labels,
                      f"train split ({len(train_images)} images)", f"test split ({len(test_images)} images)")
    n = MNIST_TEST_TRAIN_SIZE
    reason = "train images not available offline" if paths[TRAIN_IMAGES] is None else "train labels not found"
    return Splits(dataset, test_images[:n], test_labels[:n], test_images[n:], test_labels[n:],
                  f"test[:{n}] ({reason})", f"test[{n}:] ({len(test_images) - n} images)")


# --- the network ----------------------------------------------------------------------------------------------


def _build(seed):
    """The CNN as two Keras models sharing weights: ``(train_model, inference_model)``.

    ``train_model`` maps images to logits; ``inference_model`` to ``[features, logits]``, the features being
    the 128-unit penultimate layer. Two strided convolutions (5x5 then 3x3, stride 2: 28 → 14 → 7) with batch
    normalisation keep an epoch of 60000 images near 20 CPU-seconds; max-pooling at full resolution costs
    about three times that and, without normalisation, reached only ~90.5% on Fashion-MNIST in 7 epochs.
    Each initializer has its own fixed seed, so no global random state is used.
    """
    import tf_keras as keras

    layers = keras.layers
    seeds = iter(range(seed * 100 + 1, seed * 100 + 100))

    def init():
        return keras.initializers.GlorotUniform(seed=next(seeds))

    inputs = keras.Input((IMAGE_SIDE, IMAGE_SIDE, 1), name="images")
    x = inputs
    for name, filters, size in (("conv1", 32, 5), ("conv2", 64, 3)):
        # No bias: the batch normalisation that follows has its own offset.
        x = layers.Conv2D(filters, size, strides=2, padding="same", use_bias=False, kernel_initializer=init(),
                          name=name)(x)
        # Momentum 0.9 (Keras: 0.99): the moving statistics that inference uses settle within ~30 updates, so
        # a classifier trained for a few dozen steps (tests) is usable too. Training itself uses batch
        # statistics, so this changes no trained weight.
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
        x = layers.ReLU(name=f"{name}_relu")(x)
    x = layers.Flatten(name="flatten")(x)
    features = layers.Dense(FEATURES, activation="relu", kernel_initializer=init(), name="features")(x)
    logits = layers.Dense(NUM_CLASSES, kernel_initializer=init(), name="logits")(features)
    return keras.Model(inputs, logits), keras.Model(inputs, [features, logits])


@contextlib.contextmanager
def _op_determinism():
    """TensorFlow's deterministic kernels for the duration of the block, then the previous setting again.

    ``enable_op_determinism`` is process-wide and TF 2.21 has no public way to undo it; the private
    ``disable_op_determinism`` restores the caller's state, so a test process or harness that merely loads a
    classifier is not left with determinism switched on.
    """
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    was_enabled = tf_config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    try:
        yield
    finally:
        if not was_enabled:
            tf_config.disable_op_determinism()


def _train(splits, recipe, say):
    """Fit a fresh network to ``splits`` with ``recipe``.

    Returns:
      ``(inference_model, held-out accuracy, wall seconds, CPU seconds)`` (CPU time summed over threads: on a
      busy machine it shows the work better than the wall clock).
    """
    import tensorflow as tf
    import tf_keras as keras

    started, cpu_started = time.perf_counter(), time.process_time()
    x = normalize_images(splits.train_images, (0, 255), name=f"{splits.dataset} training images")
    y = splits.train_labels.astype(np.int64)
    with _op_determinism():
        train_model, inference_model = _build(recipe["seed"])
        optimizer = keras.optimizers.Adam(recipe["learning_rate"])
        cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        # A plain TF2 training step rather than Keras's fit, whose tf.data input pipeline logs spurious
        # errors on TF 2.21; one fixed signature so the shorter last batch of an epoch is not retraced.
        @tf.function(input_signature=[tf.TensorSpec([None, IMAGE_SIDE, IMAGE_SIDE, 1], tf.float32),
                                      tf.TensorSpec([None], tf.int64)])
        def step(images, labels):
            with tf.GradientTape() as tape:
                loss = cross_entropy(labels, train_model(images, training=True))
            variables = train_model.trainable_variables
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            return loss

        # Our own shuffle, one fixed permutation per epoch drawn from a seeded generator of its own.
        order = np.random.default_rng(recipe["seed"])
        size = recipe["batch_size"]
        for epoch in range(recipe["epochs"]):
            optimizer.learning_rate.assign(recipe["learning_rate"] * recipe["learning_rate_decay_per_epoch"] ** epoch)
            permutation = order.permutation(len(x))
            losses = [float(step(x[batch], y[batch]))
                      for batch in (permutation[i:i + size] for i in range(0, len(x), size))]
            say(f"  epoch {epoch + 1}/{recipe['epochs']}: mean loss {np.mean(losses):.4f}")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    classifier = Classifier(inference_model, {}, splits.eval_images, splits.eval_labels)
    accuracy = float(np.mean(np.argmax(classifier.probabilities(splits.eval_images, (0, 255)), axis=1)
                             == splits.eval_labels))
    return inference_model, accuracy, seconds, cpu_seconds


# --- the cache ------------------------------------------------------------------------------------------------


def cache_path(dataset, folder=DEFAULT_FOLDER, train_size=None):
    """Where the classifier of `dataset` is cached: ``<folder>/<dataset>.npz`` (``-first<N>`` for a subset)."""
    suffix = f"-first{train_size}" if train_size else ""
    return Path(folder) / f"{dataset}{suffix}.npz"


def _save(path, model, record):
    """Write weights and record to a temporary file beside `path`, then move it onto `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    weights = model.get_weights()
    arrays = {f"weight_{i}": w for i, w in enumerate(weights)}
    record = {**record, "weight_count": len(weights)}
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, record=np.array(json.dumps(record)), **arrays)
        os.chmod(temp, 0o644)  # mkstemp makes the file private; a cache is as shareable as the data it came from
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _load(path, data_sha256, recipe):
    """``(inference_model, record)`` from `path`; ClassifierCacheError says why the file cannot be used."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            record = json.loads(str(archive["record"]))
            weights = [archive[f"weight_{i}"] for i in range(record["weight_count"])]
    except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise ClassifierCacheError(f"it is unreadable or corrupt ({type(exc).__name__}: {exc})") from exc
    if record.get("recipe") != recipe:
        raise ClassifierCacheError(f"it was trained with another recipe ({record.get('recipe')})")
    if record.get("data_sha256") != data_sha256:
        raise ClassifierCacheError(
            f"it was trained on other data (sha256 {str(record.get('data_sha256'))[:12]}…, the data found now "
            f"has {data_sha256[:12]}…)"
        )
    _, inference_model = _build(recipe["seed"])
    try:
        inference_model.set_weights(weights)
    except ValueError as exc:
        raise ClassifierCacheError(f"its weights do not fit the network ({exc})") from exc
    return inference_model, record


def load_or_train(dataset, folder=DEFAULT_FOLDER, splits=None, train_size=None, epochs=None, verbose=True):
    """The evaluation classifier of `dataset`: loaded from the cache when fresh, else trained and cached.

    Args:
      dataset: ``'fashion-mnist'`` or ``'mnist'``.
      folder: the cache folder (default ``out/classifiers/`` in the repository).
      splits: the data to use (:class:`Splits`); default :func:`load_splits` of `dataset`. Its training
        images' SHA-256 decides whether a cached classifier is fresh.
      train_size: train on only the first `train_size` training examples (quick classifiers for tests;
        cached under its own name so that it never replaces the full one).
      epochs: override the recipe's number of epochs (part of the recipe, so of the freshness check too).
      verbose: print what happens (loaded/training/epochs/accuracy) on stdout.

    Returns:
      A :class:`Classifier`; its ``info["source"]`` is ``'cache'`` or ``'trained'``.

    Raises:
      compat.dataset_files.DatasetUnavailableError: the data files are not at hand.
    """
    def say(message):
        if verbose:
            print(message, flush=True)

    splits = splits if splits is not None else load_splits(dataset)
    if splits.dataset != dataset:
        raise ValueError(f"splits are of {splits.dataset!r} but the classifier asked for is {dataset!r}.")
    if train_size:
        splits = splits.first(train_size)
    recipe = {**RECIPE, **({"epochs": int(epochs)} if epochs else {})}
    data_sha256 = splits.sha256()
    path = cache_path(dataset, folder, train_size)
    if path.exists():
        try:
            model, record = _load(path, data_sha256, recipe)
            info = {**record, "source": "cache", "path": str(path)}
            say(f"{dataset} classifier loaded from {path}: accuracy {info['accuracy']:.4f} "
                f"(trained on {info['trained_on']}, evaluated on {info['evaluated_on']})")
            return Classifier(model, info, splits.eval_images, splits.eval_labels)
        except ClassifierCacheError as exc:
            print(f"classifier cache {path} cannot be used: {exc}; retraining it.", file=sys.stderr, flush=True)
    say(f"training the {dataset} evaluation classifier on {splits.trained_on}, {recipe['epochs']} epochs ...")
    model, accuracy, seconds, cpu_seconds = _train(splits, recipe, say)
    record = {
        "dataset": dataset,
        "accuracy": accuracy,
        "trained_on": splits.trained_on,
        "evaluated_on": splits.evaluated_on,
        "train_count": int(len(splits.train_images)),
        "eval_count": int(len(splits.eval_images)),
        "data_sha256": data_sha256,
        "recipe": recipe,
        "train_seconds": round(seconds, 1),
        "train_cpu_seconds": round(cpu_seconds, 1),
    }
    _save(path, model, record)
    say(f"{dataset} classifier: accuracy {accuracy:.4f}, trained on {splits.trained_on}, evaluated on "
        f"{splits.evaluated_on}, in {seconds:.0f} s ({cpu_seconds:.0f} CPU-s); saved to {path}")
    return Classifier(model, {**record, "source": "trained", "path": str(path)}, splits.eval_images,
                      splits.eval_labels)


# --- using it -------------------------------------------------------------------------------------------------


class Classifier:
    """A trained evaluation classifier.

    Attributes:
      info: dict with ``dataset``, ``accuracy`` (on the held-out images), ``trained_on``, ``evaluated_on``,
        ``train_count``, ``eval_count``, ``data_sha256``, ``recipe``, ``train_seconds`` and
        ``train_cpu_seconds`` (of the training that made the weights), ``source`` (``'cache'``/``'trained'``)
        and ``path``.
      held_out_images: uint8 ``(N, 28, 28)`` real images it was never trained on (for reference scores; pass
        ``value_range=(0, 255)`` when feeding them back raw).
      held_out_labels: their uint8 labels.
    """

    def __init__(self, model, info, held_out_images, held_out_labels):
        self._model = model
        self.info = info
        self.held_out_images = held_out_images
        self.held_out_labels = held_out_labels

    @property
    def feature_size(self):
        """Width of :meth:`features` rows."""
        return int(self._model.outputs[0].shape[-1])

    def probabilities_and_features(self, images, value_range=(0.0, 1.0)):
        """Both outputs in one pass: ``(probabilities (N, 10), features (N, d))``, float64.

        Args:
          images: see :func:`normalize_images` for the accepted shapes.
          value_range: the range the pixel values are in (see :func:`normalize_images`).
        """
        x = normalize_images(images, value_range)
        features, logits = [], []
        for start in range(0, len(x), _INFERENCE_BATCH):
            f, z = self._model(x[start:start + _INFERENCE_BATCH], training=False)
            features.append(f.numpy())
            logits.append(z.numpy())
        logits = np.concatenate(logits).astype(np.float64)
        # Softmax in float64 from the logits, shifted by the row maximum so that exp cannot overflow.
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True), np.concatenate(features).astype(np.float64)

    def probabilities(self, images, value_range=(0.0, 1.0)):
        """Class probabilities ``p(y|x)``, float64 ``(N, 10)``, rows summing to 1."""
        return self.probabilities_and_features(images, value_range)[0]

    def features(self, images, value_range=(0.0, 1.0)):
        """Penultimate-layer activations, float64 ``(N, d)``: what the Fréchet distance compares."""
        return self.probabilities_and_features(images, value_range)[1]
