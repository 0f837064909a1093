"""compat.input_data: TF 1.15's MNIST loader API, data order and side effects, on genuine and generated files.

Expectations are independent of the code under test: arrays decoded here with gzip + NumPy, published
dataset facts and digests, and TF1's shuffle/seeding behaviour re-derived from its documented algorithm
(``numpy.random.seed`` from the TF seeds in DataSet.__init__; first-epoch shuffle; an epoch-boundary batch is
the rest of the old epoch followed by the start of the newly shuffled one).
"""

import gzip
import hashlib
import os
import re
import shutil
import socket
import traceback

import numpy as np
import pytest
import tensorflow as tf

from compat import dataset_files, input_data
from compat.dataset_files import DataFileError, DatasetUnavailableError
from compat.input_data import DataSet
from conftest import (FASHION_DIR, FIXTURES, IDX_NAMES, SHARED_DATA, SHARED_MNIST, TEST_IMAGES, TEST_LABELS,
                      TRAIN_IMAGES, TRAIN_LABELS, needs_fashion, needs_mnist)
from idx import read_idx_gz, write_idx_gz

# sha256 of the decompressed Fashion-MNIST files (../shared/data/README.md).
FASHION_CONTENT_SHA256 = {
    TRAIN_IMAGES: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    TRAIN_LABELS: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    TEST_IMAGES: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    TEST_LABELS: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
MAXINT32 = 2**31 - 1  # TF1's random_seed truncation modulus


def write_small_dataset(directory, n_train=12, n_test=5, n_train_labels=None):
    """Four small IDX files under the TF1 names; returns the arrays written."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(0)
    arrays = {
        TRAIN_IMAGES: rng.randint(0, 256, (n_train, 28, 28)),
        TRAIN_LABELS: rng.randint(0, 10, n_train if n_train_labels is None else n_train_labels),
        TEST_IMAGES: rng.randint(0, 256, (n_test, 28, 28)),
        TEST_LABELS: rng.randint(0, 10, n_test),
    }
    for name, array in arrays.items():
        write_idx_gz(directory / name, array, 2051 if "images" in name else 2049)
    return arrays


def unreachable_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


def scaled(raw):
    """TF1's float32 scaling: convert, then multiply by the reciprocal of 255."""
    return raw.astype(np.float32) * np.float32(1.0 / 255.0)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for var in ("COMPAT_DATA_MIRROR", "COMPAT_DATA_OFFLINE", "COMPAT_MNIST_DATASET"):
        monkeypatch.delenv(var, raising=False)


# --- genuine MNIST files ----------------------------------------------------------------------------------


@needs_mnist
def test_extract_images_genuine_mnist(capsys):
    path = SHARED_MNIST / TEST_IMAGES
    with open(path, "rb") as f:
        images = input_data.extract_images(f)
    assert f"Extracting {path}" in capsys.readouterr().out
    assert images.shape == (10000, 28, 28, 1) and images.dtype == np.uint8
    content = gzip.decompress(path.read_bytes())
    first = np.frombuffer(content[16 : 16 + 784], np.uint8).reshape(28, 28)
    np.testing.assert_array_equal(images[0, :, :, 0], first)
    np.testing.assert_array_equal(images[-1, :, :, 0], np.frombuffer(content[-784:], np.uint8).reshape(28, 28))


@needs_mnist
def test_extract_labels_genuine_mnist():
    with open(SHARED_MNIST / TEST_LABELS, "rb") as f:
        test_labels = input_data.extract_labels(f)
    with open(SHARED_MNIST / TRAIN_LABELS, "rb") as f:
        train_labels = input_data.extract_labels(f)
    assert test_labels.shape == (10000,) and train_labels.shape == (60000,)
    assert test_labels.dtype == train_labels.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(test_labels), np.bincount(read_idx_gz(SHARED_MNIST / TEST_LABELS)))
    np.testing.assert_array_equal(np.bincount(train_labels), np.bincount(read_idx_gz(SHARED_MNIST / TRAIN_LABELS)))
    # Published facts about MNIST: class sizes of the ones and fives, the first training digits, first test digit.
    assert np.bincount(test_labels)[[1, 5]].tolist() == [1135, 892]
    assert np.bincount(train_labels)[[1, 5]].tolist() == [6742, 5421]
    assert train_labels[:5].tolist() == [5, 0, 4, 1, 9] and test_labels[0] == 7


@needs_mnist
def test_one_hot_labels_genuine_mnist():
    with open(SHARED_MNIST / TEST_LABELS, "rb") as f:
        one_hot = input_data.extract_labels(f, one_hot=True)
    dense = read_idx_gz(SHARED_MNIST / TEST_LABELS)
    assert one_hot.shape == (10000, 10) and one_hot.dtype == np.float64  # TF1 used numpy.zeros' default
    np.testing.assert_array_equal(one_hot, np.eye(10)[dense])


@needs_mnist
def test_float32_scaling_is_tf1_reciprocal_multiply():
    with open(SHARED_MNIST / TEST_IMAGES, "rb") as f:
        images = input_data.extract_images(f)
    with open(SHARED_MNIST / TEST_LABELS, "rb") as f:
        labels = input_data.extract_labels(f)
    data = DataSet(images, labels)
    raw = read_idx_gz(SHARED_MNIST / TEST_IMAGES).reshape(10000, 784)
    assert data.images.shape == (10000, 784) and data.images.dtype == np.float32
    np.testing.assert_array_equal(data.images, scaled(raw))
    # Dividing by 255 would differ in the last bit for many pixel values: the multiply is what TF1 did.
    assert not np.array_equal(data.images, raw.astype(np.float32) / np.float32(255.0))
    assert data.images.min() == 0.0 and data.images.max() == 1.0


@needs_mnist
def test_mnist_files_through_mirror_and_missing_train_images_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPAT_DATA_MIRROR", str(SHARED_DATA))
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    monkeypatch.setattr(dataset_files, "DEFAULT_MIRROR_DIRS", ())
    train_dir = tmp_path / "MNIST_data"
    with pytest.raises(DatasetUnavailableError) as info:
        input_data.read_data_sets(str(train_dir))
    message = str(info.value)
    assert TRAIN_IMAGES in message and input_data.DEFAULT_SOURCE_URL + TRAIN_IMAGES in message
    assert str(SHARED_DATA) in message and "COMPAT_DATA_MIRROR" in message
    assert os.listdir(train_dir) == []


# --- Fashion-MNIST, full read through the offline mirror --------------------------------------------------


@pytest.fixture(scope="module")
def fashion(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.delenv("COMPAT_DATA_MIRROR", raising=False)
    patch.setenv("COMPAT_MNIST_DATASET", "fashion-mnist")
    patch.setenv("COMPAT_DATA_OFFLINE", "1")  # proves the read needs no network
    train_dir = tmp_path_factory.mktemp("fashion") / "MNIST_data"
    try:
        data = input_data.read_data_sets(str(train_dir), one_hot=True)
    finally:
        patch.undo()
    return train_dir, data


@needs_fashion
def test_fashion_read_data_sets_shapes_and_split(fashion):
    train_dir, data = fashion
    assert isinstance(data, input_data.Datasets)
    assert data.train.images.shape == (55000, 784) and data.train.labels.shape == (55000, 10)
    assert data.validation.images.shape == (5000, 784) and data.test.images.shape == (10000, 784)
    assert (data.train.num_examples, data.validation.num_examples, data.test.num_examples) == (55000, 5000, 10000)
    assert data.train.images.dtype == np.float32 and data.train.labels.dtype == np.float64
    train_labels = read_idx_gz(FASHION_DIR / TRAIN_LABELS)
    train_images = read_idx_gz(FASHION_DIR / TRAIN_IMAGES).reshape(60000, 784)
    # validation = the first 5000 training examples, in file order; train = the rest.
    np.testing.assert_array_equal(data.validation.labels, np.eye(10)[train_labels[:5000]])
    np.testing.assert_array_equal(data.validation.images, scaled(train_images[:5000]))
    np.testing.assert_array_equal(data.train.labels.argmax(1), train_labels[5000:])
    np.testing.assert_array_equal(data.test.labels.argmax(1), read_idx_gz(FASHION_DIR / TEST_LABELS))


@needs_fashion
def test_fashion_files_left_in_train_dir_are_the_dataset(fashion):
    train_dir, _ = fashion
    assert sorted(os.listdir(train_dir)) == sorted(IDX_NAMES)
    for name in IDX_NAMES:
        content = gzip.decompress((train_dir / name).read_bytes())
        assert hashlib.sha256(content).hexdigest() == FASHION_CONTENT_SHA256[name]


@needs_fashion
def test_fashion_by_documented_source_url_without_env(monkeypatch, tmp_path, fashion):
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    data = input_data.read_data_sets(str(tmp_path), dtype=tf.uint8, validation_size=0,
                                     source_url=input_data.FASHION_MNIST_SOURCE_URL)
    assert data.train.num_examples == 60000 and data.validation.num_examples == 0
    np.testing.assert_array_equal(data.test.images, read_idx_gz(FASHION_DIR / TEST_IMAGES).reshape(10000, 784))
    np.testing.assert_array_equal(data.test.labels, fashion[1].test.labels.argmax(1))


def fashion_folder(directory):
    """`directory` holding links to the four Fashion-MNIST files, as a user's data folder would."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in IDX_NAMES:
        (directory / name).symlink_to(FASHION_DIR / name)
    return directory


@needs_fashion
def test_fashion_folder_read_as_mnist_is_used_with_one_note(monkeypatch, tmp_path, capsys):
    # The Fashion-MNIST README's pattern: its files in a folder, read_data_sets with TF1's default (MNIST) URL.
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    folder = fashion_folder(tmp_path / "fashion")
    data = input_data.read_data_sets(str(folder), dtype=tf.uint8)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"{folder} holds Fashion-MNIST, not MNIST")
    train = read_idx_gz(FASHION_DIR / TRAIN_IMAGES).reshape(60000, 784)
    np.testing.assert_array_equal(data.validation.images, train[:5000])
    np.testing.assert_array_equal(data.train.labels, read_idx_gz(FASHION_DIR / TRAIN_LABELS)[5000:])
    np.testing.assert_array_equal(data.test.images, read_idx_gz(FASHION_DIR / TEST_IMAGES).reshape(10000, 784))
    assert sorted(os.listdir(folder)) == sorted(IDX_NAMES)  # nothing fetched, nothing replaced

    monkeypatch.setenv("COMPAT_MNIST_DATASET", "fashion-mnist")  # the runner's --dataset fashion-mnist
    input_data.read_data_sets(str(folder), dtype=tf.uint8)
    assert "holds" not in capsys.readouterr().err


@needs_fashion
def test_truncated_fashion_file_in_mnist_folder_named_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    folder = fashion_folder(tmp_path / "fashion")
    labels = folder / TRAIN_LABELS
    content = labels.read_bytes()
    labels.unlink()
    labels.write_bytes(content[: len(content) // 2])
    with pytest.raises(DataFileError) as info:
        input_data.read_data_sets(str(folder))
    message = str(info.value)
    assert message.startswith(f"{labels} ") and "truncated" in message and "Delete it" in message
    assert "\n" not in message
    assert "".join(traceback.format_exception(info.value)).count("Traceback") == 1


# --- dataset selection ------------------------------------------------------------------------------------


def test_env_selection_respects_explicit_source_url(monkeypatch, tmp_path, capsys):
    arrays = write_small_dataset(tmp_path)
    monkeypatch.setenv("COMPAT_MNIST_DATASET", "fashion-mnist")
    data = input_data.read_data_sets(str(tmp_path), dtype="uint8", validation_size=2, source_url=unreachable_url())
    np.testing.assert_array_equal(data.test.images, arrays[TEST_IMAGES].reshape(5, 784))
    assert "instead of MNIST" not in capsys.readouterr().err
    assert input_data.resolve_source_url("") == input_data.FASHION_MNIST_SOURCE_URL
    monkeypatch.setenv("COMPAT_MNIST_DATASET", "mnist")
    assert input_data.resolve_source_url(input_data.DEFAULT_SOURCE_URL) == input_data.DEFAULT_SOURCE_URL


def test_unknown_dataset_selection_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPAT_MNIST_DATASET", "cifar10")
    with pytest.raises(ValueError, match="COMPAT_MNIST_DATASET='cifar10'.*'mnist' or 'fashion-mnist'"):
        input_data.read_data_sets(str(tmp_path))


# --- read_data_sets on generated files --------------------------------------------------------------------


def test_read_data_sets_small_files(tmp_path, capsys):
    arrays = write_small_dataset(tmp_path)
    data = input_data.read_data_sets(str(tmp_path), validation_size=4, source_url=unreachable_url())
    out = capsys.readouterr().out
    assert [line.split()[-1] for line in out.splitlines() if line.startswith("Extracting")] == [
        str(tmp_path / n) for n in IDX_NAMES]
    train = arrays[TRAIN_IMAGES].reshape(12, 784)
    np.testing.assert_array_equal(data.validation.images, scaled(train[:4]))
    np.testing.assert_array_equal(data.train.images, scaled(train[4:]))
    np.testing.assert_array_equal(data.train.labels, arrays[TRAIN_LABELS][4:])
    assert data.train.labels.dtype == np.uint8
    data = input_data.read_data_sets(str(tmp_path), reshape=False, validation_size=0, source_url=unreachable_url())
    assert data.train.images.shape == (12, 28, 28, 1) and data.validation.num_examples == 0


def test_validation_size_out_of_range(tmp_path):
    write_small_dataset(tmp_path)
    with pytest.raises(ValueError, match=r"^Validation size should be between 0 and 12\. Received: 13\.$"):
        input_data.read_data_sets(str(tmp_path), validation_size=13, source_url=unreachable_url())


def test_image_label_count_mismatch(tmp_path):
    write_small_dataset(tmp_path, n_train_labels=11)
    with pytest.raises(DataFileError) as info:
        input_data.read_data_sets(str(tmp_path), source_url=unreachable_url())
    message = str(info.value)
    assert str(tmp_path / TRAIN_IMAGES) in message and str(tmp_path / TRAIN_LABELS) in message
    assert "12 images" in message and "11 labels" in message


def test_swapped_files_bad_magic(tmp_path):
    write_small_dataset(tmp_path)
    write_idx_gz(tmp_path / TEST_IMAGES, np.zeros(5), 2049)
    with pytest.raises(ValueError, match=f"^Invalid magic number 2049 in MNIST image file: {tmp_path / TEST_IMAGES}"):
        input_data.read_data_sets(str(tmp_path), source_url=unreachable_url())


def test_truncated_file_in_train_dir(tmp_path):
    write_small_dataset(tmp_path)
    path = tmp_path / TRAIN_IMAGES
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataFileError, match="truncated") as info:
        input_data.read_data_sets(str(tmp_path), source_url=unreachable_url())
    assert str(path) in str(info.value) and "Delete it" in str(info.value)
    shown = "".join(traceback.format_exception(info.value))
    assert shown.count("Traceback") == 1 and "EOFError" not in shown  # no chained gzip traceback


def test_fake_data_touches_no_files(tmp_path):
    train_dir = tmp_path / "never_created"
    data = input_data.read_data_sets(str(train_dir), fake_data=True, one_hot=True)
    assert not train_dir.exists()
    assert data.train.num_examples == data.validation.num_examples == data.test.num_examples == 10000
    images, labels = data.train.next_batch(3, fake_data=True)
    assert images == [[1] * 784] * 3 and labels == [[1] + [0] * 9] * 3
    _, labels = input_data.read_data_sets(str(train_dir), fake_data=True).test.next_batch(2, fake_data=True)
    assert labels == [0, 0]


# --- DataSet: dtype, reshape, one-hot ---------------------------------------------------------------------


def small_images(n=6):
    return np.random.RandomState(3).randint(0, 256, (n, 28, 28, 1)).astype(np.uint8)


@pytest.mark.parametrize("dtype", [tf.uint8, np.uint8, "uint8", tf.as_dtype("uint8")])
def test_uint8_dtype_keeps_raw_pixels(dtype):
    images = small_images()
    data = DataSet(images, np.zeros(6), dtype=dtype)
    assert data.images.dtype == np.uint8
    np.testing.assert_array_equal(data.images, images.reshape(6, 784))


@pytest.mark.parametrize("dtype", [tf.float32, np.float32, "float32"])
def test_float32_dtype_scales(dtype):
    images = small_images()
    np.testing.assert_array_equal(DataSet(images, np.zeros(6), dtype=dtype).images, scaled(images.reshape(6, 784)))


def test_invalid_dtype_and_shapes():
    with pytest.raises(TypeError, match="Invalid image dtype .*float64.*expected uint8 or float32"):
        DataSet(small_images(), np.zeros(6), dtype=tf.float64)
    with pytest.raises(ValueError, match=r"one label per image.*\(6, 28, 28, 1\).*\(5,\)"):
        DataSet(small_images(), np.zeros(5))
    with pytest.raises(ValueError, match="reshape=False"):
        DataSet(small_images()[..., 0], np.zeros(6))


def test_dense_to_one_hot():
    labels = np.array([3, 0, 9, 3])
    np.testing.assert_array_equal(input_data.dense_to_one_hot(labels, 10), np.eye(10)[labels])
    with pytest.raises(ValueError, match=r"\[0, 5\).*from 0 to 9"):
        input_data.dense_to_one_hot(labels, 5)


# --- shuffle order and seeding ----------------------------------------------------------------------------


class TF1NextBatch:
    """TF 1.15's ``DataSet.next_batch`` with shuffling, re-derived from its source, on NumPy's global stream.

    ``DataSet.__init__`` seeded the global generator; here one RandomState stands for that stream, and
    ``rng`` is also where a model of the script draws its own noise between batches, so both stay in step.
    The first call (no epoch completed, position 0) shuffles; a batch that would run past the end
    (``position + batch_size > n``, strictly) completes an epoch, reshuffles, and is the rest of the old order
    followed by the head of the new one. Shuffling an arange with ``np.random.shuffle`` draws exactly
    ``RandomState.permutation``; the permutation is applied to the current order, as TF1 indexed its arrays.
    """

    def __init__(self, n, numpy_seed):
        self.rng = np.random.RandomState(numpy_seed)
        self.n, self.order, self.position, self.epochs = n, np.arange(n), 0, 0

    def next_batch(self, batch_size):
        """Indices (into the arrays as built) of the next batch."""
        if self.epochs == 0 and self.position == 0:
            self.order = self.order[self.rng.permutation(self.n)]
        if self.position + batch_size <= self.n:
            self.position += batch_size
            return self.order[self.position - batch_size : self.position]
        self.epochs += 1
        rest = self.order[self.position :]
        self.order = self.order[self.rng.permutation(self.n)]
        self.position = batch_size - len(rest)
        return np.concatenate([rest, self.order[: self.position]])


def indexed_dataset(n, **kwargs):
    """A DataSet whose image i has every pixel equal to i and whose label i is i (so order is observable)."""
    images = np.repeat(np.arange(n, dtype=np.uint8), 4).reshape(n, 2, 2, 1)
    return DataSet(images, np.arange(n), dtype=tf.uint8, **kwargs)


@pytest.mark.parametrize("n, batch_size, seed", [(10, 4, 7), (7, 3, 123), (10, 5, 0), (5, 7, 11)])
def test_next_batch_order_matches_tf1_algorithm(n, batch_size, seed):
    with tf.Graph().as_default():  # no graph-level seed: TF1 seeded NumPy with the op seed itself
        data = indexed_dataset(n, seed=seed)
        steps = 4 * n // batch_size + 3
        batches = [data.next_batch(batch_size) for _ in range(steps)]
    model = TF1NextBatch(n, seed)
    for images, labels in batches:
        indices = model.next_batch(batch_size)
        np.testing.assert_array_equal(labels, indices)
        np.testing.assert_array_equal(images[:, 0], indices)  # images and labels stay paired
    assert data.epochs_completed == model.epochs


@pytest.mark.parametrize("n, batch_size", [(10, 5), (12, 4), (12, 3), (6, 6), (200, 100)])
def test_epoch_boundary_when_batch_size_divides_the_split(n, batch_size):
    # Exact division is where the boundary test matters: the epoch is complete after n // batch_size steps,
    # yet TF1 reshuffles only on the next call. Reshuffling one call early gives the same batches, but draws the
    # permutation from NumPy's stream at another point, so the script's own noise and epochs_completed differ.
    steps_per_epoch = n // batch_size
    steps = 6 * steps_per_epoch  # an even number of steps, over three epoch boundaries
    seed = 2017
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(seed)
        data = indexed_dataset(n)
        model = TF1NextBatch(n, seed)
        for step in range(1, steps + 1):
            images, labels = data.next_batch(batch_size)
            noise = np.random.uniform(-1.0, 1.0, size=(batch_size, 4))  # the script's own draw, as a GAN's z
            indices = model.next_batch(batch_size)
            np.testing.assert_array_equal(labels, indices, err_msg=f"batch of step {step}")
            np.testing.assert_array_equal(images[:, 0], indices, err_msg=f"images of step {step}")
            assert data.epochs_completed == model.epochs == (step - 1) // steps_per_epoch, f"step {step}"
            np.testing.assert_array_equal(noise, model.rng.uniform(-1.0, 1.0, size=(batch_size, 4)),
                                          err_msg=f"noise drawn after step {step}")


@needs_fashion
def test_tf1_order_and_noise_on_a_fashion_folder_read_as_mnist(monkeypatch, tmp_path):
    # The classic tutorial loop (batch 100 divides the 55000 training examples) on a folder of Fashion-MNIST
    # files read with MNIST's default URL, across the first epoch boundary (step 551).
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    folder = fashion_folder(tmp_path / "MNIST_data")
    raw_images = read_idx_gz(FASHION_DIR / TRAIN_IMAGES).reshape(60000, 784)[5000:]
    raw_labels = read_idx_gz(FASHION_DIR / TRAIN_LABELS)[5000:]
    seed = 1
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(seed)
        np.random.seed(99)  # the script's own seeding before the read: each DataSet re-seeds NumPy
        mnist = input_data.read_data_sets(str(folder), one_hot=True)
        model = TF1NextBatch(55000, seed)
        for step in range(1, 553):
            images, labels = mnist.train.next_batch(100)
            noise = np.random.uniform(-1.0, 1.0, size=(100, 100))
            indices = model.next_batch(100)
            np.testing.assert_array_equal(labels.argmax(1), raw_labels[indices], err_msg=f"step {step}")
            np.testing.assert_array_equal(images, scaled(raw_images[indices]), err_msg=f"step {step}")
            assert mnist.train.epochs_completed == (step - 1) // 550, f"step {step}"
            np.testing.assert_array_equal(noise, model.rng.uniform(-1.0, 1.0, size=(100, 100)),
                                          err_msg=f"noise drawn after step {step}")


def test_next_batch_epoch_boundary_and_no_shuffle():
    with tf.Graph().as_default():
        data = indexed_dataset(10, seed=1)
        batches = [data.next_batch(4, shuffle=False)[1].tolist() for _ in range(4)]
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1], [2, 3, 4, 5]]
    assert data.epochs_completed == 1


def test_reshuffles_leave_arrays_the_script_holds_untouched():
    # Reshuffles may reuse an old buffer, but never one that anything outside the DataSet can still reach.
    images = np.random.RandomState(4).randint(0, 256, (10, 2, 2, 1)).astype(np.uint8)
    with tf.Graph().as_default():
        data = DataSet(images, np.arange(10), seed=2)  # float32: arrays the DataSet owns
        held = []
        for step in range(40):
            batch, _ = data.next_batch(4)
            if step % 6 == 0:
                held.append((batch, batch.copy()))
                held.append((data.images, data.images.copy()))
                held.append((data.labels, data.labels.copy()))
    assert data.epochs_completed >= 10
    for array, snapshot in held:
        np.testing.assert_array_equal(array, snapshot)


def test_in_place_edit_of_a_batch_persists_into_later_epochs_as_in_tf1():
    # Batches are views of the DataSet's arrays (TF1 sliced them), so editing one edits the data set.
    with tf.Graph().as_default():
        data = DataSet(np.repeat(np.arange(10, dtype=np.uint8), 4).reshape(10, 2, 2, 1), np.arange(10), seed=5)
        batch, labels = data.next_batch(4)
        batch += 1.0
        edited = set(labels.tolist())
        seen = [data.next_batch(4) for _ in range(20)]
    for images, labels in seen:
        for row, label in zip(images, labels):
            expected = scaled(np.full(4, label, dtype=np.uint8)) + (1.0 if label in edited else 0.0)
            np.testing.assert_array_equal(row, expected)


@pytest.mark.parametrize("graph_seed, op_seed, numpy_seed", [
    (1234, None, 1234),                # graph seed alone: seed1
    (1234, 99, 99),                    # op seed given: seed2
    (None, 99, 99),
    (2**31 + 5, None, (2**31 + 5) % MAXINT32),  # TF1 truncated seeds modulo 2**31 - 1
    (0, 0, MAXINT32),                  # get_seed's (0, 0) -> (0, 2**31 - 1) rule
])
def test_dataset_reseeds_numpy_from_tf_seeds(graph_seed, op_seed, numpy_seed):
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.compat.v1.set_random_seed(graph_seed)
        np.random.seed(42)
        DataSet(small_images(), np.zeros(6), seed=op_seed)
        draws = np.random.random_sample(3)
    np.testing.assert_array_equal(draws, np.random.RandomState(numpy_seed).random_sample(3))


def test_dataset_without_any_seed_reseeds_numpy_from_entropy():
    with tf.Graph().as_default():
        np.random.seed(0)
        DataSet(small_images(), np.zeros(6))
        draws = np.random.random_sample(4)
    assert not np.array_equal(draws, np.random.RandomState(0).random_sample(4))


def test_eager_global_seed_is_the_graph_level_seed():
    tf.random.set_seed(2024)
    try:
        DataSet(small_images(), np.zeros(6))
        draws = np.random.random_sample(3)
    finally:
        tf.random.set_seed(None)
    np.testing.assert_array_equal(draws, np.random.RandomState(2024).random_sample(3))


def test_read_data_sets_leaves_numpy_seeded_for_the_script(tmp_path):
    write_small_dataset(tmp_path)
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(5)
        input_data.read_data_sets(str(tmp_path), source_url=unreachable_url(), validation_size=2)
        draws = np.random.random_sample(3)
    np.testing.assert_array_equal(draws, np.random.RandomState(5).random_sample(3))


def test_building_datasets_does_not_shift_op_seeds():
    def op_seeds(build_dataset):
        with tf.Graph().as_default():
            tf.compat.v1.set_random_seed(3)
            if build_dataset:
                DataSet(small_images(), np.zeros(6))
            return [tf.compat.v1.get_seed(None) for _ in range(3)]

    assert op_seeds(True) == op_seeds(False)


# --- tf.keras.datasets stand-ins --------------------------------------------------------------------------


@pytest.fixture
def keras_datasets(monkeypatch, tmp_path):
    """A private ~/.keras (existing, so tf.keras would use it rather than /tmp/.keras)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".keras").mkdir()
    return tmp_path / ".keras" / "datasets"


@needs_fashion
def test_keras_fashion_mnist_from_mirror(monkeypatch, keras_datasets):
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    (x_train, y_train), (x_test, y_test) = input_data.load_keras_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert x_train.flags.writeable  # as np.load returns them to Keras users
    np.testing.assert_array_equal(x_test, read_idx_gz(FASHION_DIR / TEST_IMAGES))
    np.testing.assert_array_equal(y_train, read_idx_gz(FASHION_DIR / TRAIN_LABELS))
    assert sorted(os.listdir(keras_datasets / "fashion-mnist-idx")) == sorted(IDX_NAMES)


@needs_fashion
def test_keras_mnist_follows_env_and_uses_keras_cache(monkeypatch, keras_datasets):
    cache = keras_datasets / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in IDX_NAMES:
        (cache / name).symlink_to(FASHION_DIR / name)
    monkeypatch.setenv("COMPAT_MNIST_DATASET", "fashion-mnist")
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    (_, y_train), (x_test, _) = input_data.load_keras_mnist()
    np.testing.assert_array_equal(y_train, read_idx_gz(FASHION_DIR / TRAIN_LABELS))
    np.testing.assert_array_equal(x_test, read_idx_gz(FASHION_DIR / TEST_IMAGES))
    assert not (keras_datasets / "fashion-mnist-idx").exists()  # Keras's own verified files used in place


@needs_fashion
def test_keras_mnist_offline_points_to_fashion_in_two_lines(monkeypatch, keras_datasets):
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    monkeypatch.setattr(dataset_files, "DEFAULT_MIRROR_DIRS", (str(FASHION_DIR),))
    with pytest.raises(DatasetUnavailableError) as info:
        input_data.load_keras_mnist()
    lines = str(info.value).splitlines()
    assert len(lines) == 2 and lines[0].startswith("MNIST cannot be had here")
    assert "Fashion-MNIST can" in lines[1] and "--dataset fashion-mnist" in lines[1]


@needs_mnist
def test_keras_mnist_skips_unrecognised_npz(monkeypatch, keras_datasets, capsys):
    keras_datasets.mkdir(parents=True)
    (keras_datasets / "mnist.npz").write_bytes(b"not the published mnist.npz")
    monkeypatch.setenv("COMPAT_DATA_MIRROR", str(SHARED_DATA))
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    monkeypatch.setattr(dataset_files, "DEFAULT_MIRROR_DIRS", ())
    with pytest.raises(DatasetUnavailableError, match=TRAIN_IMAGES):
        input_data.load_keras_mnist()
    assert "is not the mnist.npz Keras publishes" in capsys.readouterr().err


# --- through the runner, as a user runs an era script ---------------------------------------------------------

ERA_SCRIPTS = FIXTURES / "data_era"
# TensorFlow's C++ logging (start-up banner, device probes): not ours to count.
_TF_CPP_LOG = re.compile(  # absl's notice, "E0000 00:00:..." lines and, before TF 2.20, dated ones
    r"^(WARNING: All log messages before absl::InitializeLog\(\)|[IWEF]\d{4} \d\d:\d\d:[\d.]+ +\d+ |"
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |To enable the following instructions:)")


def stderr_lines(result):
    """The run's stderr lines, TensorFlow's C++ logging left out."""
    return [line for line in result.stderr.splitlines() if not _TF_CPP_LOG.match(line)]


def collection_script(tmp_path, script):
    """`script` copied to tmp_path/collection/GAN/, so its ``../../MNIST_data`` is tmp_path/MNIST_data."""
    folder = tmp_path / "collection" / "GAN"
    folder.mkdir(parents=True)
    shutil.copy(ERA_SCRIPTS / script, folder / script)
    return folder / script


OFFLINE_ENV = {"COMPAT_DATA_OFFLINE": "1", "COMPAT_DATA_MIRROR": "", "COMPAT_MNIST_DATASET": ""}


@needs_fashion
def test_runner_offline_without_mnist_says_so_in_a_few_lines(compat_run, tmp_path):
    script = collection_script(tmp_path, "softmax_tutorial.py")
    result = compat_run("run", script.name, cwd=script.parent, env=OFFLINE_ENV)
    lines = stderr_lines(result)
    assert result.returncode == 1, result.stderr
    assert len(lines) <= 7, result.stderr
    assert lines[0] == "Traceback (most recent call last):" and str(script) in lines[1]
    message = "\n".join(lines)
    for expected in ("MNIST cannot be had here", "Fashion-MNIST can", str(FASHION_DIR), "--dataset fashion-mnist"):
        assert expected in message
    assert "urllib" not in result.stderr and "During handling" not in result.stderr


@needs_fashion
@pytest.mark.parametrize("script, last_output", [("softmax_tutorial.py", "test accuracy"),
                                                 ("gan_noise.py", "Iter: 5; D loss")])
def test_era_script_reads_fashion_files_in_its_mnist_folder(compat_run, tmp_path, script, last_output):
    # The 18-script-collection case: Fashion-MNIST's files in ../../MNIST_data, no runner flag.
    script = collection_script(tmp_path, script)
    fashion_folder(tmp_path / "MNIST_data")
    result = compat_run("run", script.name, cwd=script.parent, env=OFFLINE_ENV)
    assert result.returncode == 0, result.stderr
    assert stderr_lines(result) == [
        "../../MNIST_data holds Fashion-MNIST, not MNIST (the same file names; recognised by checksum): "
        "reading it as TF 1.15 did."], result.stderr
    assert result.stdout.splitlines()[-1].startswith(last_output)
    assert sorted(os.listdir(tmp_path / "MNIST_data")) == sorted(IDX_NAMES)
