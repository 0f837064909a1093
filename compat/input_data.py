"""TF1's MNIST loader, ``tensorflow.examples.tutorials.mnist.input_data``, for TF 2.x — and offline.

Era scripts start with::

    from tensorflow.examples.tutorials.mnist import input_data
    mnist = input_data.read_data_sets('MNIST_data', one_hot=True)
    X_mb, _ = mnist.train.next_batch(128)

That module was removed in TF 2.0. This one reproduces TF 1.15's (whose code was the same as
``tensorflow/contrib/learn/python/learn/datasets/mnist.py``): the same arrays, the same scaling, the same
train/validation split, the same shuffle order and epoch-boundary batches for a given seed, and the same side
effect of re-seeding NumPy's global generator when a :class:`DataSet` is built.

Files already in ``train_dir`` are read as TF1 read them, whatever dataset they hold (a folder of Fashion-MNIST
files read with the default MNIST ``source_url`` gets a one-line note on stderr, not an error). Differences, all
about getting and checking files (see :mod:`compat.dataset_files`): missing files are found in an offline
mirror before the network is tried, are verified by checksum, and are written atomically; bad files give
errors that say what is wrong and what to do. ``COMPAT_MNIST_DATASET=fashion-mnist`` makes a call that
uses TF1's default ``source_url`` read Fashion-MNIST instead, so an MNIST script runs unchanged on it.

TF1 also wrapped these functions in deprecation warnings; those are not reproduced.
"""

import collections
import os
import sys

import numpy as np
import tensorflow as tf
from tensorflow.python.eager import context as _eager_context

from . import dataset_files

# CVDF mirror of http://yann.lecun.com/exdb/mnist/, TF 1.15's default.
DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
# The source_url Fashion-MNIST's README documented for read_data_sets.
FASHION_MNIST_SOURCE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
# Where tf.keras.datasets downloads from (mnist.npz, and Fashion-MNIST's four .gz files).
KERAS_DATASETS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# The file_hash tf.keras.datasets.mnist.load_data() checks mnist.npz against.
KERAS_MNIST_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

DATASET_ENV_VAR = "COMPAT_MNIST_DATASET"
_SOURCE_URL_FOR = {dataset_files.MNIST: DEFAULT_SOURCE_URL, dataset_files.FASHION_MNIST: FASHION_MNIST_SOURCE_URL}

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

# TF1's random_seed._truncate_seed reduced seeds modulo this (the largest 32-bit signed int).
_MAXINT32 = 2**31 - 1

# DataSet._permuted reuses a buffer only when reference counts prove no one else holds it; that needs the exact
# counts of CPython <= 3.13 with its GIL (3.14 may leave stack references uncounted; free-threaded builds defer
# counts). Elsewhere a new array is allocated at every reshuffle, as TF1 did.
_CAN_RECYCLE = (sys.implementation.name == "cpython" and sys.version_info < (3, 14)
                and getattr(sys, "_is_gil_enabled", lambda: True)())

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])
Datasets.__doc__ = "The three splits read_data_sets returns, each a DataSet (TF1's base.Datasets)."


def selected_dataset():
    """The dataset ``COMPAT_MNIST_DATASET`` selects: ``'mnist'`` (also when unset) or ``'fashion-mnist'``.

    Raises:
      ValueError: any other value, naming the variable and the accepted values.
    """
    value = os.environ.get(DATASET_ENV_VAR, "").strip().lower()
    if value in ("", dataset_files.MNIST):
        return dataset_files.MNIST
    if value == dataset_files.FASHION_MNIST:
        return dataset_files.FASHION_MNIST
    raise ValueError(
        f"{DATASET_ENV_VAR}={os.environ[DATASET_ENV_VAR]!r} is not a dataset this loader knows; use 'mnist' or "
        f"'fashion-mnist' (the runner sets it from --dataset), or unset it."
    )


def resolve_source_url(source_url):
    """The URL a ``read_data_sets`` call really reads from.

    TF1 replaced an empty ``source_url`` with :data:`DEFAULT_SOURCE_URL`. On top of that, when
    ``COMPAT_MNIST_DATASET=fashion-mnist`` and the call uses that default, Fashion-MNIST's URL is returned
    instead (a note goes to stderr). Any other explicit ``source_url`` is returned as given.
    """
    if not source_url:
        source_url = DEFAULT_SOURCE_URL
    dataset = selected_dataset()
    if source_url == DEFAULT_SOURCE_URL and dataset != dataset_files.MNIST:
        print(f"{DATASET_ENV_VAR}={dataset}: reading {dataset_files.DATASET_TITLES[dataset]} instead of MNIST",
              file=sys.stderr)
        return _SOURCE_URL_FOR[dataset]
    return source_url


def _file_name(f):
    return getattr(f, "name", repr(f))


def _read_idx(f, expected_magic):
    name = _file_name(f)
    print("Extracting", name)
    try:
        return dataset_files.parse_idx(dataset_files.decompress(f, name), name, expected_magic)
    except dataset_files.DataFileError as exc:
        raise dataset_files.with_remedy(exc, dataset_files.STALE_FILE_REMEDY) from None


def extract_images(f):
    """Read a gzip'd IDX image file into a 4-D uint8 array ``[index, y, x, depth]`` (depth 1).

    As TF1: prints ``Extracting <name>``; the array is read-only (it views the decompressed bytes).

    Args:
      f: a binary file object over the ``.gz`` file (TF1 passed a ``gfile.Open`` handle); its ``name``
        attribute is what messages show.

    Returns:
      uint8 array of shape ``(count, rows, columns, 1)``.

    Raises:
      ValueError: the stream does not start with magic number 2051 (TF1's message, with a hint added);
        :class:`compat.dataset_files.DataFileError` (a ValueError) for a file that is not gzip, is truncated
        or is shorter than its header says.
    """
    images = _read_idx(f, dataset_files.IMAGES_MAGIC)
    return images.reshape(images.shape + (1,))


def dense_to_one_hot(labels_dense, num_classes):
    """Convert class labels from scalars to one-hot row vectors, as TF1 did: a float64 array.

    Args:
      labels_dense: 1-D integer array of class indices.
      num_classes: the width of each one-hot row.

    Returns:
      float64 array of shape ``(len(labels_dense), num_classes)``.

    Raises:
      ValueError: a label outside ``[0, num_classes)``. (TF1 wrote such a label's 1 into the next row, or failed
        with an IndexError on the last row.)
    """
    labels_dense = np.asarray(labels_dense)
    num_labels = labels_dense.shape[0]
    if num_labels and (labels_dense.min() < 0 or labels_dense.max() >= num_classes):
        raise ValueError(
            f"Labels must lie in [0, {num_classes}) for a one-hot encoding of width {num_classes}; got values "
            f"from {labels_dense.min()} to {labels_dense.max()}. Pass the right num_classes."
        )
    one_hot = np.zeros((num_labels, num_classes))
    one_hot[np.arange(num_labels), labels_dense.ravel()] = 1
    return one_hot


def extract_labels(f, one_hot=False, num_classes=10):
    """Read a gzip'd IDX label file into a 1-D uint8 array ``[index]`` (or one-hot rows).

    As TF1: prints ``Extracting <name>``; without one_hot the array is read-only.

    Args:
      f: a binary file object over the ``.gz`` file; its ``name`` attribute is what messages show.
      one_hot: return :func:`dense_to_one_hot` rows (float64) instead of class indices.
      num_classes: width of the one-hot rows.

    Returns:
      uint8 array of shape ``(count,)``, or float64 ``(count, num_classes)`` with one_hot.

    Raises:
      ValueError: the stream does not start with magic number 2049 (TF1's message, with a hint added), or
        (:class:`compat.dataset_files.DataFileError`) the file is not gzip, is truncated or too short.
    """
    labels = _read_idx(f, dataset_files.LABELS_MAGIC)
    if one_hot:
        return dense_to_one_hot(labels, num_classes)
    return labels


def _graph_level_seed():
    """The graph-level seed ``tf.compat.v1.get_seed`` would use now, read without touching any state."""
    if tf.executing_eagerly():
        return _eager_context.global_seed()
    return tf.compat.v1.get_default_graph().seed


def tf1_numpy_seed(seed):
    """The value TF1's ``DataSet.__init__`` passed to ``numpy.random.seed``.

    TF1 did ``seed1, seed2 = random_seed.get_seed(seed)`` then ``numpy.random.seed(seed1 if seed is None else
    seed2)``. So:

    * ``seed`` given: the op-level seed as ``get_seed`` returns it (``seed % (2**31 - 1)``, or ``2**31 - 1`` in
      get_seed's (0, 0) special case). ``tf.compat.v1.get_seed(seed)`` is called for this; with an op seed it
      changes no state.
    * ``seed`` None and a graph-level seed set (``tf.compat.v1.set_random_seed`` in graph mode,
      ``tf.random.set_seed`` eagerly): that graph seed, truncated the same way.
    * neither: ``None`` — ``numpy.random.seed(None)`` re-seeds NumPy from OS entropy, as TF1 did.

    The second case is read directly rather than through ``get_seed(None)``: TF 2.x's ``get_seed(None)``
    advances a per-graph op-seed counter (TF 1.15 used the op count instead), which would shift the seeds of
    every random op built afterwards. Building a DataSet in TF1 did not affect them, and does not here.

    Args:
      seed: the ``seed`` argument of DataSet / read_data_sets (an int or None).
    """
    if seed is not None:
        return tf.compat.v1.get_seed(seed)[1]
    graph_seed = _graph_level_seed()
    if graph_seed is None:
        return None
    return graph_seed % _MAXINT32


class DataSet:
    """One split of the data with TF1's in-memory batching (``mnist.train``, ``mnist.validation``, ``mnist.test``).

    Attributes (read-only properties): ``images``, ``labels``, ``num_examples``, ``epochs_completed``.
    ``images``/``labels`` reflect the current shuffle order, as in TF1 (they are permuted in place of the
    originals on each reshuffle).
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=tf.float32, reshape=True,
                 seed=None):
        """Construct a DataSet, exactly as TF1 did, including its side effect on NumPy's global generator.

        The first thing TF1 did was ``numpy.random.seed(...)`` with the seed described in
        :func:`tf1_numpy_seed`; every later shuffle uses ``numpy.random``, so a script's batch order (and any
        ``np.random`` draws it makes afterwards, e.g. GAN noise) follow from its ``tf.set_random_seed`` or the
        ``seed`` given here. ``read_data_sets`` builds three DataSets, so the generator is seeded three times.

        Args:
          images: uint8 array ``[count, rows, columns, 1]`` (ignored with fake_data).
          labels: array of ``count`` labels, class indices or one-hot rows (ignored with fake_data).
          fake_data: make a stand-in of 10000 examples whose ``next_batch(..., fake_data=True)`` returns lists of
            all-ones images (for TF1's unit tests).
          one_hot: used only with fake_data: fake labels are ``[1, 0, ..., 0]`` rather than ``0``.
          dtype: ``uint8`` keeps pixels in ``[0, 255]``; ``float32`` converts and multiplies by ``1.0 / 255.0``
            (TF1 multiplied by the reciprocal, which differs in the last bit from dividing by 255 for about
            half of the 256 values). Anything ``tf.as_dtype`` accepts: a tf dtype, a NumPy dtype, a name.
          reshape: flatten images to ``[count, rows * columns]`` (784 for MNIST).
          seed: op-level seed for the shuffles, see :func:`tf1_numpy_seed`.

        Raises:
          TypeError: dtype is neither uint8 nor float32 (TF1's message).
          ValueError: images and labels differ in count, or reshape is asked of images without a depth-1 axis
            (TF1 used ``assert`` for both).
        """
        np.random.seed(tf1_numpy_seed(seed))
        dtype = tf.as_dtype(dtype).base_dtype
        if dtype not in (tf.uint8, tf.float32):
            raise TypeError("Invalid image dtype %r, expected uint8 or float32" % dtype)
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            if images.shape[0] != labels.shape[0]:
                raise ValueError(
                    f"DataSet needs one label per image: images.shape {images.shape} vs labels.shape {labels.shape}."
                )
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError(
                        f"reshape=True flattens images of shape [count, rows, columns, 1]; got {images.shape}. "
                        "Pass reshape=False, or add the depth axis."
                    )
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == tf.float32:
                images = images.astype(np.float32)
                np.multiply(images, 1.0 / 255.0, out=images)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _reshuffle(self):
        # TF1's draw: shuffle an index vector with the global generator, then permute the current order.
        perm = np.arange(self._num_examples)
        np.random.shuffle(perm)
        self._images, self._spare_images = self._permuted(self._images, perm, "_spare_images"), self._images
        self._labels, self._spare_labels = self._permuted(self._labels, perm, "_spare_labels"), self._labels

    def _permuted(self, current, perm, spare_attribute):
        """``current[perm]`` as a new array, as TF1 made it each epoch (``images[perm]``).

        A fresh 172 MB array per epoch costs page faults that, inside a training loop, made each reshuffle
        5-10 times slower than the copy itself. So the array that was current before the previous reshuffle
        is reused as the destination when nothing but this DataSet can reach it: no variable, no batch view
        (a view keeps its base alive), no exported buffer. Reference counts decide, so this only happens where
        they are exact (see _CAN_RECYCLE); anyone still holding an old array or batch finds it unchanged, as
        in TF1. np.take along axis 0 gives the same array as ``current[perm]``, 2-3 times faster.
        """
        spare = self.__dict__.pop(spare_attribute, None)
        # 2 = the local name `spare` + getrefcount's own argument.
        if (_CAN_RECYCLE and spare is not None and sys.getrefcount(spare) == 2 and spare.flags.owndata
                and spare.flags.writeable and spare.flags.c_contiguous and spare.shape == current.shape
                and spare.dtype == current.dtype):
            # mode="clip" skips the safety copy np.take makes for out= in its default mode; perm is in range.
            return np.take(current, perm, axis=0, out=spare, mode="clip")
        return np.take(current, perm, axis=0)

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """Return the next `batch_size` examples ``(images, labels)``, TF1's order exactly.

        TF1's algorithm: on the very first call (with shuffle) the whole split is shuffled. Batches are
        consecutive slices (views, no copy). When a batch would run past the end, the epoch counter is
        incremented, the remaining examples of the old epoch are kept, the split is reshuffled (with shuffle),
        and the batch is those remaining examples followed by the first ``batch_size - remaining`` of the new
        order. No example is dropped or repeated within an epoch.

        Args:
          batch_size: number of examples.
          fake_data: return ``batch_size`` copies of a fake 784-pixel all-ones image and a fake label, as lists
            (the DataSet need not have been built with fake_data; its ``one_hot`` then counts as False).
          shuffle: shuffle at the start of the first epoch and at each epoch boundary.

        Returns:
          ``(images, labels)`` arrays (lists with fake_data).
        """
        if fake_data:
            fake_image = [1] * 784
            fake_label = [1] + [0] * 9 if getattr(self, "one_hot", False) else 0
            return [fake_image for _ in range(batch_size)], [fake_label for _ in range(batch_size)]
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._reshuffle()
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest = self._num_examples - start
            images_rest = self._images[start:self._num_examples]
            labels_rest = self._labels[start:self._num_examples]
            if shuffle:
                self._reshuffle()
            self._index_in_epoch = batch_size - rest
            end = self._index_in_epoch
            return (np.concatenate((images_rest, self._images[:end]), axis=0),
                    np.concatenate((labels_rest, self._labels[:end]), axis=0))
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]


def _check_pair(images, labels, images_path, labels_path):
    if images.shape[0] != labels.shape[0]:
        raise dataset_files.DataFileError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} holds {labels.shape[0]} labels: "
            "they are not a matching pair (files of different datasets, or one is corrupt). Delete both and "
            "run again to fetch verified copies."
        )


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=tf.float32, reshape=True,
                   validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL):
    """Get (if needed) and read the four MNIST-format files of `train_dir`: TF1's ``read_data_sets``.

    TF1 behaviour: for each of train images, train labels, test images, test labels in turn, make sure the
    file is in `train_dir` (downloading ``source_url + filename`` if not) and extract it — a file already there
    is read whatever it holds; then the first
    `validation_size` training examples become ``validation`` and the rest ``train``; each split becomes a
    :class:`DataSet` (re-seeding ``numpy.random``, see there).

    Args:
      train_dir: directory holding (or to hold) the four ``.gz`` files; created if missing.
      fake_data: return three fake DataSets and touch no files.
      one_hot: labels as float64 one-hot rows of width 10 instead of uint8 class indices.
      dtype: ``tf.float32`` (pixels scaled to [0, 1]) or ``tf.uint8`` (raw), or equivalents.
      reshape: flatten images to 784-vectors (else ``[count, 28, 28, 1]``).
      validation_size: number of leading training examples split off as ``validation``.
      seed: op-level seed for the shuffles (None: the graph-level seed, if any).
      source_url: directory URL (with trailing slash) to download from. Empty means the default. With the
        default, ``COMPAT_MNIST_DATASET=fashion-mnist`` fetches Fashion-MNIST instead; an explicit other URL is
        used as given. For MNIST and Fashion-MNIST, files fetched are verified by checksum and may come from
        the offline mirror (``COMPAT_DATA_MIRROR``); see :mod:`compat.dataset_files`. When the files read are
        recognisably the other of the two datasets, one line on stderr says which was read.

    Returns:
      ``Datasets(train, validation, test)``.

    Raises:
      ValueError: validation_size outside ``[0, number of training examples]`` (TF1's message), an unknown
        ``COMPAT_MNIST_DATASET``, or (DataFileError) a bad file.
      compat.dataset_files.DatasetUnavailableError: a file could not be found or downloaded.
    """
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)

        return Datasets(train=fake(), validation=fake(), test=fake())

    source_url = resolve_source_url(source_url)
    dataset = dataset_files.dataset_for_url(source_url)

    paths = {}

    def read(filename, extract, **kwargs):
        paths[filename] = dataset_files.maybe_download(filename, train_dir, source_url + filename, dataset=dataset)
        with open(paths[filename], "rb") as f:
            return extract(f, **kwargs)

    train_images = read(TRAIN_IMAGES, extract_images)
    train_labels = read(TRAIN_LABELS, extract_labels, one_hot=one_hot)
    test_images = read(TEST_IMAGES, extract_images)
    test_labels = read(TEST_LABELS, extract_labels, one_hot=one_hot)
    _check_pair(train_images, train_labels, paths[TRAIN_IMAGES], paths[TRAIN_LABELS])
    _check_pair(test_images, test_labels, paths[TEST_IMAGES], paths[TEST_LABELS])
    note = dataset_files.other_dataset_note(paths, dataset)
    if note:
        print(note, file=sys.stderr)

    if not 0 <= validation_size <= len(train_images):
        raise ValueError("Validation size should be between 0 and {}. Received: {}.".format(
            len(train_images), validation_size))

    validation_images = train_images[:validation_size]
    validation_labels = train_labels[:validation_size]
    train_images = train_images[validation_size:]
    train_labels = train_labels[validation_size:]

    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    train = DataSet(train_images, train_labels, **options)
    validation = DataSet(validation_images, validation_labels, **options)
    test = DataSet(test_images, test_labels, **options)
    return Datasets(train=train, validation=validation, test=test)


def load_mnist(train_dir="MNIST-data"):
    """``read_data_sets(train_dir)`` with every default: TF1 contrib's ``mnist.load_mnist``."""
    return read_data_sets(train_dir)


# --- tf.keras.datasets stand-ins ----------------------------------------------------------------------------


def _keras_cache_dir():
    """tf.keras's download base, as ``tf_keras.utils.get_file`` picks it: ``~/.keras``, or ``/tmp/.keras``
    when that is not writable (which includes: does not exist yet), plus ``datasets``."""
    base = os.path.expanduser(os.path.join("~", ".keras"))
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return os.path.join(base, "datasets")


def _read_idx_array(path, expected_magic):
    with open(path, "rb") as f:
        try:
            content = dataset_files.parse_idx(dataset_files.decompress(f, path), path, expected_magic)
        except dataset_files.DataFileError as exc:
            raise dataset_files.with_remedy(exc, dataset_files.STALE_FILE_REMEDY) from None
    # A writable copy, as np.load gives Keras users (the parsed view is read-only).
    return content.copy()


def _keras_arrays_from_idx(dataset, source_url, preferred_dir=None):
    """``(x_train, y_train), (x_test, y_test)`` from the four IDX files of `dataset`, Keras-shaped.

    Each file is taken from `preferred_dir` when a checksum proves it right there, else fetched through
    :func:`compat.dataset_files.maybe_download` into ``<keras cache>/<dataset>-idx/`` (mirror first).
    """
    idx_dir = os.path.join(_keras_cache_dir(), f"{dataset}-idx")
    arrays = {}
    for filename in (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS):
        path = None
        if preferred_dir is not None:
            candidate = os.path.join(preferred_dir, filename)
            if os.path.isfile(candidate):
                try:
                    if dataset_files.identify(candidate, filename).dataset == dataset:
                        path = candidate
                except dataset_files.DataFileError as exc:
                    print(f"Not using {candidate}: {exc}", file=sys.stderr)
        if path is None:
            path = dataset_files.maybe_download(filename, idx_dir, source_url + filename, dataset=dataset)
        arrays[filename] = _read_idx_array(path, dataset_files.magic_for_filename(filename))
    for images_name, labels_name in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        _check_pair(arrays[images_name], arrays[labels_name], images_name, labels_name)
    return ((arrays[TRAIN_IMAGES], arrays[TRAIN_LABELS]), (arrays[TEST_IMAGES], arrays[TEST_LABELS]))


def load_keras_fashion_mnist():
    """Offline-capable stand-in for ``tf.keras.datasets.fashion_mnist.load_data()``.

    Keras downloaded the four ``.gz`` files into ``~/.keras/datasets/fashion-mnist/``; a verified file there is
    used as is. Otherwise the file comes through the mirror/download machinery into
    ``~/.keras/datasets/fashion-mnist-idx/``.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28), (60000,),
      (10000, 28, 28), (10000,), as Keras returns them.
    """
    keras_dir = os.path.join(_keras_cache_dir(), "fashion-mnist")
    return _keras_arrays_from_idx(dataset_files.FASHION_MNIST, KERAS_DATASETS_URL, preferred_dir=keras_dir)


def load_keras_mnist(path="mnist.npz"):
    """Offline-capable stand-in for ``tf.keras.datasets.mnist.load_data(path='mnist.npz')``.

    Order of sources:

    1. With ``COMPAT_MNIST_DATASET=fashion-mnist``: :func:`load_keras_fashion_mnist` (`path` is then unused).
    2. Keras's own cache file ``~/.keras/datasets/<path>`` when its sha256 is the one Keras checks. (Keras
       re-downloads a file with another hash; here such a file is skipped, with a note on stderr.)
    3. The four MNIST IDX files through the mirror/download machinery, cached in
       ``~/.keras/datasets/mnist-idx/``: the same pixels and labels as mnist.npz.

    Args:
      path: file name (or absolute path) of the npz, relative to ``~/.keras/datasets``, as in Keras.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28), (60000,),
      (10000, 28, 28), (10000,).
    """
    if selected_dataset() == dataset_files.FASHION_MNIST:
        print(f"{DATASET_ENV_VAR}=fashion-mnist: loading Fashion-MNIST instead of MNIST", file=sys.stderr)
        return load_keras_fashion_mnist()
    npz_path = os.path.join(_keras_cache_dir(), path)
    if os.path.isfile(npz_path):
        if dataset_files.file_sha256(npz_path) == KERAS_MNIST_NPZ_SHA256:
            with np.load(npz_path, allow_pickle=True) as f:
                return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
        print(f"{npz_path} is not the mnist.npz Keras publishes (sha256 differs); reading the MNIST IDX files "
              "instead", file=sys.stderr)
    return _keras_arrays_from_idx(dataset_files.MNIST, DEFAULT_SOURCE_URL)
