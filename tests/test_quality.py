"""Sample-quality scoring: metrics against closed forms and brute force, grids round-tripped through PNG files, the
evaluation classifier's training, determinism and cache (on a small subset, so in seconds).

The full-accuracy check (>= 91% on Fashion-MNIST's test split) and the upstream-grid scores need the full
classifiers: they run when those are already cached under out/classifiers/, or with COMPAT_SLOW_TESTS=1.
"""
import os

import numpy as np
import pytest
from PIL import Image

from conftest import FASHION_DIR, SHARED_MNIST, TEST_IMAGES, TEST_LABELS, TRAIN_LABELS, needs_fashion
from idx import read_idx_gz
from reproductions import classifier as classifiers
from reproductions import grids, metrics, quality

SLOW = os.environ.get("COMPAT_SLOW_TESTS", "") not in ("", "0")


# --- classifier score -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3, 10])
def test_classifier_score_of_confident_uniformly_spread_predictions_is_the_class_count(k):
    one_hot = np.tile(np.eye(k), (7, 1))  # every class equally often, each prediction certain
    assert metrics.classifier_score(one_hot) == pytest.approx(k, rel=1e-12)


def test_classifier_score_of_identical_predictions_is_one():
    row = np.random.default_rng(1).dirichlet(np.ones(10))
    assert metrics.classifier_score(np.tile(row, (50, 1))) == pytest.approx(1.0, abs=1e-12)


def test_classifier_score_matches_brute_force_kl():
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.full(10, 0.3), size=40)
    marginal = [sum(p[i][j] for i in range(40)) / 40 for j in range(10)]
    kl = [sum(p[i][j] * np.log(p[i][j] / marginal[j]) for j in range(10)) for i in range(40)]
    assert metrics.classifier_score(p) == pytest.approx(np.exp(sum(kl) / 40), rel=1e-10)


def test_classifier_score_rejects_logits():
    with pytest.raises(ValueError, match="softmax outputs, not logits"):
        metrics.classifier_score(np.random.default_rng(3).normal(size=(5, 10)))


# --- Fréchet distance -------------------------------------------------------------------------------------------


def _with_exact_moments(rng, n, mean, covariance):
    """n samples whose sample mean and unbiased sample covariance are exactly `mean` and `covariance`."""
    x = rng.normal(size=(n, len(mean)))
    x -= x.mean(axis=0)
    whitening = np.linalg.inv(np.linalg.cholesky(x.T @ x / (n - 1)))
    return x @ whitening.T @ np.linalg.cholesky(covariance).T + mean


def _denman_beavers_sqrtm(a, iterations=60):
    """Principal square root of a matrix with positive eigenvalues (Denman–Beavers iteration)."""
    y, z = a.copy(), np.eye(len(a))
    for _ in range(iterations):
        y, z = (y + np.linalg.inv(z)) / 2, (z + np.linalg.inv(y)) / 2
    return y


def test_frechet_distance_of_identical_sets_is_zero():
    x = np.random.default_rng(4).normal(size=(200, 16)) * 3 + 1
    assert metrics.frechet_distance(x, x.copy()) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_diagonal_covariances_closed_form():
    rng = np.random.default_rng(5)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    s1, s2 = rng.uniform(0.1, 4, size=6), rng.uniform(0.1, 4, size=6)
    a = _with_exact_moments(rng, 300, mu1, np.diag(s1))
    b = _with_exact_moments(rng, 250, mu2, np.diag(s2))
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(s1) - np.sqrt(s2)) ** 2)
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_commuting_covariances_closed_form():
    rng = np.random.default_rng(6)
    rotation, _ = np.linalg.qr(rng.normal(size=(5, 5)))  # shared eigenvectors: the covariances commute
    s1, s2 = rng.uniform(0.2, 3, size=5), rng.uniform(0.2, 3, size=5)
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)
    a = _with_exact_moments(rng, 400, mu1, rotation @ np.diag(s1) @ rotation.T)
    b = _with_exact_moments(rng, 400, mu2, rotation @ np.diag(s2) @ rotation.T)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(s1) - np.sqrt(s2)) ** 2)
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_general_case_matches_denman_beavers_and_is_symmetric():
    rng = np.random.default_rng(7)
    a = rng.normal(size=(120, 8)) @ rng.normal(size=(8, 8)) + rng.normal(size=8)
    b = rng.gamma(2.0, size=(90, 8)) @ rng.normal(size=(8, 8))
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = (np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(ca) + np.trace(cb)
                - 2 * np.trace(_denman_beavers_sqrtm(ca @ cb)))
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)
    assert metrics.frechet_distance(b, a) == pytest.approx(metrics.frechet_distance(a, b), rel=1e-12)


def test_frechet_distance_with_fewer_samples_than_dimensions():
    # 64 samples of 100-d features (a sample grid against a wide layer): singular covariances, still exact.
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(64, 100)), rng.normal(size=(500, 100)) * 1.5
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    eigenvalues = np.clip(np.linalg.eigvals(ca @ cb).real, 0, None)  # A B's eigenvalues are real, >= 0
    expected = (np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(ca) + np.trace(cb)
                - 2 * np.sum(np.sqrt(eigenvalues)))
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)


def test_frechet_distance_rejects_mismatched_widths():
    with pytest.raises(ValueError, match="same layer"):
        metrics.frechet_distance(np.zeros((3, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="N >= 2"):
        metrics.frechet_distance(np.zeros((1, 4)), np.zeros((3, 4)))


# --- conditional accuracy ---------------------------------------------------------------------------------------


def test_conditional_accuracy_counts_argmax_matches():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]])
    assert metrics.conditional_accuracy(probabilities, [0, 1, 2, 1]) == 0.75
    assert metrics.conditional_accuracy(probabilities, np.eye(3)[[1, 0, 0, 0]]) == 0.25  # one-hot labels
    with pytest.raises(ValueError, match="one label per image"):
        metrics.conditional_accuracy(probabilities, [0, 1, 2])
    with pytest.raises(ValueError, match=r"integer classes in \[0, 2\]"):
        metrics.conditional_accuracy(probabilities, [0, 1, 2, 3])


# --- image conventions ------------------------------------------------------------------------------------------


def test_normalize_images_accepts_the_three_layouts_and_value_ranges():
    rng = np.random.default_rng(9)
    unit = rng.uniform(size=(5, 28, 28)).astype(np.float32)
    expected = unit[..., None]
    np.testing.assert_array_equal(classifiers.normalize_images(unit), expected)
    np.testing.assert_array_equal(classifiers.normalize_images(unit.reshape(5, 784)), expected)
    np.testing.assert_array_equal(classifiers.normalize_images(unit[..., None]), expected)
    np.testing.assert_allclose(classifiers.normalize_images(unit * 2 - 1, value_range=(-1, 1)), expected,
                               atol=1e-6)
    pixels = rng.integers(0, 256, size=(3, 28, 28)).astype(np.uint8)
    np.testing.assert_allclose(classifiers.normalize_images(pixels, value_range=(0, 255))[..., 0],
                               pixels / 255.0, atol=1e-7)


def test_normalize_images_names_the_range_to_use():
    tanh_like = np.linspace(-1, 1, 2 * 784).reshape(2, 28, 28)
    with pytest.raises(ValueError, match=r"value_range=\(-1, 1\)"):
        classifiers.normalize_images(tanh_like)
    with pytest.raises(ValueError, match=r"value_range=\(0, 255\)"):
        classifiers.normalize_images(np.full((1, 28, 28), 200, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        classifiers.normalize_images(np.zeros((2, 32, 32)))


# --- grids ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows,cols,padding", [(8, 8, 0), (3, 5, 2), (10, 10, 0)])
def test_split_grid_recovers_the_tiles_of_a_png(tmp_path, rows, cols, padding):
    tiles = np.random.default_rng(rows * cols).integers(0, 256, size=(rows * cols, 28, 28), dtype=np.uint8)
    step = 28 + padding
    canvas = np.full((rows * step - padding, cols * step - padding), 255, dtype=np.uint8)
    for i, tile in enumerate(tiles):  # tile i at row i // cols, column i % cols
        r, c = divmod(i, cols)
        canvas[r * step:r * step + 28, c * step:c * step + 28] = tile
    path = tmp_path / "grid.png"
    Image.fromarray(canvas, mode="L").save(path)
    np.testing.assert_array_equal(grids.split_grid(path, padding=padding), tiles / np.float32(255))
    np.testing.assert_array_equal(grids.split_grid(path, rows=rows, cols=cols, padding=padding),
                                  tiles / np.float32(255))


def test_split_grid_rejects_sizes_that_do_not_fit():
    with pytest.raises(ValueError, match="not a whole number of 28-px tiles"):
        grids.split_grid(np.zeros((230, 224), dtype=np.uint8))
    with pytest.raises(ValueError, match="not 9 tiles"):
        grids.split_grid(np.zeros((224, 224), dtype=np.uint8), rows=9)


def test_column_labels_follow_the_style_by_style_layout():
    np.testing.assert_array_equal(grids.column_labels(2, 3), [0, 1, 2, 0, 1, 2])


# --- the classifier (small, fast) -------------------------------------------------------------------------------


SMALL = dict(train_size=2000, epochs=2, verbose=False)


@pytest.fixture(scope="module")
def fashion_splits():
    return classifiers.load_splits("fashion-mnist")


@pytest.fixture(scope="module")
def small_classifier(tmp_path_factory, fashion_splits):
    folder = tmp_path_factory.mktemp("classifiers")
    return classifiers.load_or_train("fashion-mnist", folder=folder, splits=fashion_splits, **SMALL), folder


@needs_fashion
def test_fashion_splits_are_the_genuine_files(fashion_splits):
    images = read_idx_gz(FASHION_DIR / TEST_IMAGES)
    labels = read_idx_gz(FASHION_DIR / TRAIN_LABELS)
    np.testing.assert_array_equal(fashion_splits.eval_images, images)
    np.testing.assert_array_equal(fashion_splits.train_labels, labels)
    assert fashion_splits.trained_on == "train split (60000 images)"


@needs_fashion
def test_small_classifier_trains_learns_and_caches(small_classifier, fashion_splits, capsys):
    trained, folder = small_classifier
    assert trained.info["source"] == "trained"
    assert classifiers.cache_path("fashion-mnist", folder, SMALL["train_size"]).is_file()
    # 2000 images, 2 epochs: far from the full classifier, far above chance (10%) on the held-out split.
    assert trained.info["accuracy"] > 0.5
    probabilities = trained.probabilities(fashion_splits.eval_images, value_range=(0, 255))
    assert probabilities.shape == (10000, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)
    assert np.mean(probabilities.argmax(1) == fashion_splits.eval_labels) == pytest.approx(trained.info["accuracy"])
    assert trained.features(fashion_splits.eval_images[:7], value_range=(0, 255)).shape == (7, trained.feature_size)

    loaded = classifiers.load_or_train("fashion-mnist", folder=folder, splits=fashion_splits, **SMALL)
    assert loaded.info["source"] == "cache"
    assert "cannot be used" not in capsys.readouterr().err
    # The cached weights are the trained ones exactly (same batch in, same bits out).
    some = fashion_splits.eval_images[:200]
    np.testing.assert_array_equal(loaded.probabilities(some, (0, 255)), trained.probabilities(some, (0, 255)))


@needs_fashion
def test_training_is_deterministic(small_classifier, fashion_splits, tmp_path):
    trained, _ = small_classifier
    again = classifiers.load_or_train("fashion-mnist", folder=tmp_path, splits=fashion_splits, **SMALL)
    assert again.info["source"] == "trained"
    images = fashion_splits.eval_images[:500]
    np.testing.assert_array_equal(again.probabilities(images, (0, 255)), trained.probabilities(images, (0, 255)))


@needs_fashion
def test_changed_data_and_corrupt_cache_are_retrained(small_classifier, fashion_splits, capsys):
    _, folder = small_classifier
    path = classifiers.cache_path("fashion-mnist", folder, SMALL["train_size"])
    changed_images = fashion_splits.train_images.copy()
    changed_images[0, 0, 0] ^= 1
    changed = classifiers.Splits("fashion-mnist", changed_images, fashion_splits.train_labels,
                                 fashion_splits.eval_images, fashion_splits.eval_labels, "changed", "test")
    retrained = classifiers.load_or_train("fashion-mnist", folder=folder, splits=changed, **SMALL)
    assert retrained.info["source"] == "trained"
    assert "trained on other data" in capsys.readouterr().err
    assert retrained.info["data_sha256"] == changed.first(SMALL["train_size"]).sha256()

    path.write_bytes(b"PK\x03\x04 not really a zip archive")
    repaired = classifiers.load_or_train("fashion-mnist", folder=folder, splits=fashion_splits, **SMALL)
    assert repaired.info["source"] == "trained"
    message = capsys.readouterr().err
    assert str(path) in message and "unreadable or corrupt" in message and "retraining" in message
    assert classifiers.load_or_train("fashion-mnist", folder=folder, splits=fashion_splits,
                                     **SMALL).info["source"] == "cache"
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]  # no temporary file left behind


@needs_fashion
def test_reference_points_order_real_above_noise(small_classifier):
    trained, _ = small_classifier
    reference = metrics.real_reference(trained, 64, draws=4)
    assert len(reference.pool_images) == 5000  # half the held-out split; the samples come from the other half
    assert reference.spread["frechet_distance"] > 0
    noise = metrics.score(metrics.uniform_noise_images(64), trained, reference.pool_images)
    assert noise["conditional_accuracy"] is None
    assert reference.scores["frechet_distance"] < noise["frechet_distance"]
    assert reference.scores["classifier_score"] > noise["classifier_score"]
    # Samples of a single class (the class mix of a one-label conditional batch) predict alike: a low score.
    one_class = metrics.real_reference(trained, 64, labels=np.full(64, 7), draws=4)
    assert one_class.scores["classifier_score"] < reference.scores["classifier_score"] / 2


@needs_fashion
def test_quality_trajectory_runs_from_the_noise_floor_to_real_data(small_classifier, fashion_splits, tmp_path):
    # A run's checkpoints, made by hand: noise before training, then real training images (what a perfect
    # generator would draw): the trajectory must climb from the floor to the real reference.
    trained, _ = small_classifier
    real = fashion_splits.train_images[-3000:].astype(np.float32) / 255.0
    np.savez(tmp_path / "step-00000000.npz", images=metrics.uniform_noise_images(500))
    np.savez(tmp_path / "step-00000600.npz", images=0.5 * real[:500] + 0.5 * metrics.uniform_noise_images(500, 1))
    np.savez(tmp_path / "step-00001200.npz", images=real[1000:1500])
    result = quality.trajectory(tmp_path, "fashion-mnist", model=trained)
    assert [p["step"] for p in result["points"]] == [0, 600, 1200] and not result["skipped"]
    floor, half, last = result["points"]
    assert result["floor"] == floor and result["real"]["n"] == 500
    assert floor["frechet_distance"] > half["frechet_distance"] > last["frechet_distance"]
    assert floor["classifier_score"] < last["classifier_score"]
    # real training images score like the real (held-out) reference: within a few spreads of it
    for key in ("classifier_score", "frechet_distance"):
        assert abs(last[key] - result["real"][key]) < max(4 * result["real_spread"][key], 0.1 * result["real"][key])
    table = quality.format_trajectory(result)
    assert table.splitlines()[1].split()[0] == "0" and table.splitlines()[-1].startswith("    real")


@needs_fashion
def test_quality_trajectory_scores_conditional_samples_and_skips_bad_files(small_classifier, fashion_splits,
                                                                           tmp_path):
    trained, _ = small_classifier
    images = fashion_splits.train_images[:200].astype(np.float32) / 255.0
    labels = np.asarray(fashion_splits.train_labels[:200])
    np.savez(tmp_path / "step-00000000.npz", images=images, labels=(labels + 1) % 10)  # every label wrong
    np.savez(tmp_path / "step-00000010.npz", images=images, labels=labels)
    (tmp_path / "step-00000020.npz").write_bytes(b"PK\x03\x04 truncated")  # a run killed mid-write
    np.savez(tmp_path / "step-00000030.npz", images=images * 2 - 1, labels=labels)  # a tanh range left unmapped
    said = []
    result = quality.trajectory(tmp_path, "fashion-mnist", model=trained, say=said.append)
    assert [p["step"] for p in result["points"]] == [0, 10]
    wrong, right = result["points"]
    assert wrong["conditional_accuracy"] < 0.2 < 0.7 < right["conditional_accuracy"]
    assert len(result["skipped"]) == 2 and len(said) == 2
    assert "step-00000020.npz: not a readable samples file" in result["skipped"][0]
    assert "step-00000030.npz: pixel values outside [0, 1]" in result["skipped"][1]


def test_mnist_offline_split_is_announced():
    if classifiers.find_file("mnist", classifiers.TEST_IMAGES) is None:
        pytest.skip(f"MNIST test split found neither in {SHARED_MNIST} nor under COMPAT_DATA_MIRROR: it comes from the "
                    "shared/ folder beside the clone (../shared/data/mnist, see docs/testing.md)")
    splits = classifiers.load_splits("mnist")
    if classifiers.find_file("mnist", classifiers.TRAIN_IMAGES) is None:
        n = classifiers.MNIST_TEST_TRAIN_SIZE
        assert splits.trained_on.startswith(f"test[:{n}]") and splits.evaluated_on.startswith(f"test[{n}:]")
        assert len(splits.train_images) == n and len(splits.eval_images) == 10000 - n
    else:
        assert (len(splits.train_images), len(splits.eval_images)) == (60000, 10000)


# --- full classifiers (slow unless cached) ----------------------------------------------------------------------


def _full_available(*datasets):
    return SLOW or all(classifiers.cache_path(d).is_file() for d in datasets)


@pytest.mark.slow
@needs_fashion
@pytest.mark.skipif(not _full_available("fashion-mnist"),
                    reason="full Fashion-MNIST classifier not cached; COMPAT_SLOW_TESTS=1 trains it (minutes)")
def test_full_fashion_classifier_reaches_91_percent():
    classifier = classifiers.load_or_train("fashion-mnist", verbose=False)
    images = read_idx_gz(FASHION_DIR / TEST_IMAGES)
    labels = read_idx_gz(FASHION_DIR / TEST_LABELS)
    accuracy = np.mean(classifier.probabilities(images, value_range=(0, 255)).argmax(1) == labels)
    assert accuracy >= 0.91
    assert accuracy == pytest.approx(classifier.info["accuracy"], abs=1e-9)


@pytest.mark.slow
@needs_fashion
@pytest.mark.skipif(not grids.REFERENCE_GRIDS.is_dir(),
                    reason=f"upstream sample grids missing from {grids.REFERENCE_GRIDS}: they come from the shared/ "
                           "folder beside the clone (../shared/reference/upstream-gan-grids, see docs/testing.md)")
@pytest.mark.skipif(not _full_available("fashion-mnist", "mnist"),
                    reason="full classifiers not cached; COMPAT_SLOW_TESTS=1 trains them (minutes)")
def test_upstream_grids_score_between_noise_and_real_data():
    rows = grids.score_reference_grids()
    for dataset, model in (("fashion-mnist", "GAN"), ("fashion-mnist", "CGAN"), ("mnist", "GAN"), ("mnist", "CGAN")):
        grid_rows = sorted((r for r in rows if r["dataset"] == dataset and r["model"] == model),
                           key=lambda r: r["epoch"])
        n = grid_rows[0]["n"]
        real, noise = (next(r for r in rows if r["dataset"] == dataset and r["model"] is None and r["n"] == n
                            and r["source"].startswith(prefix)) for prefix in ("real", "uniform noise"))
        first, last = grid_rows[0], grid_rows[-1]
        # Training improved the samples, and even the first epoch's are far from noise.
        assert last["frechet_distance"] < first["frechet_distance"] < noise["frechet_distance"] / 3
        assert noise["classifier_score"] < 2 < first["classifier_score"]
        if model == "CGAN":  # same class mix as the real samples: real data stays ahead of the generator
            assert real["frechet_distance"] < last["frechet_distance"]
            assert last["conditional_accuracy"] > 0.85
