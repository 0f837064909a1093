"""Sample-quality metrics in the manner of TF-GAN's MNIST evaluation, computed with NumPy from classifier outputs.

TF-GAN (``tensorflow_gan/examples/mnist/util.py``) scored MNIST generators with three numbers from a pretrained
classifier, and so does this module (with the classifiers of :mod:`reproductions.classifier`):

* **classifier score** (``mnist_score``; the Inception score with an MNIST classifier):
  ``exp(E_x[KL(p(y|x) || p(y))])``, where ``p(y)`` is the mean of ``p(y|x)`` over the images scored. It is 1
  when every image gets the same prediction, and reaches the number of classes (10) when each image is
  classified with certainty and the classes are used equally often: high means confident *and* varied.
* **Fréchet distance** (``mnist_frechet_distance``; FID with a small classifier): the Fréchet (2-Wasserstein)
  distance between Gaussians fitted to classifier activations of real and generated images,
  ``||mu_r - mu_g||^2 + tr(S_r) + tr(S_g) - 2 tr((S_r S_g)^(1/2))``. 0 for identical sets; lower is better.
  TF-GAN's MNIST version fed the classifier's 10 logits; here the 128-unit penultimate layer is used, as FID
  uses Inception's pool layer, because it also sees differences the class decision ignores.
* **conditional accuracy** (TF-GAN reported ``mnist_cross_entropy`` against the conditioning labels): the
  fraction of conditional samples the classifier assigns to the class they were generated for.

All three depend on the number of images: the Fréchet distance in particular is biased upwards for small sets
(64 samples give a covariance of rank at most 63 in 128 dimensions) and varies from one sample to the next.
Compare numbers only at the same count, which is why :func:`real_reference` scores held-out *real* samples of
the same size (and, for conditional samples, the same class mix) against the same real pool: the best a
generator can attain at that size. The floor is what an untrained generator's output scores (callers make
those images; :func:`uniform_noise_images` gives a generator-free floor).
"""
from dataclasses import dataclass

import numpy as np


def _probability_rows(probabilities, name="probabilities"):
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(f"{name} must be a non-empty (N, classes) array, got shape {p.shape}.")
    if not np.all(np.isfinite(p)) or p.min() < -1e-9 or not np.allclose(p.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError(
            f"{name} must be rows of probabilities (non-negative, each summing to 1); pass softmax outputs, "
            "not logits."
        )
    return np.clip(p, 0.0, None)


def classifier_score(probabilities):
    """``exp(mean_x KL(p(y|x) || p(y)))``, TF-GAN's ``classifier_score`` from class probabilities.

    Args:
      probabilities: ``(N, classes)`` rows of ``p(y|x)`` for the images scored (softmax outputs).

    Returns:
      A float in ``[1, classes]``. ``0 log 0`` counts as 0, so exactly-zero probabilities are fine.

    Raises:
      ValueError: not an ``(N, classes)`` array of probability rows.
    """
    p = _probability_rows(probabilities)
    marginal = p.mean(axis=0)
    # Where p(y|x) > 0 the marginal is > 0 too, so the logarithms below are finite wherever they are used.
    positive = p > 0
    log_ratio = np.zeros_like(p)
    log_ratio[positive] = np.log(p[positive]) - np.log(np.broadcast_to(marginal, p.shape)[positive])
    kl = np.sum(p * log_ratio, axis=1)
    return float(np.exp(kl.mean()))


def _mean_and_covariance(features, name):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"{name} must be an (N, d) array with N >= 2 (a covariance needs two rows); "
                         f"got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contain NaN or infinite values.")
    mean = x.mean(axis=0)
    centred = x - mean
    # Unbiased (N - 1), as TF-GAN's frechet_classifier_distance estimated it.
    return mean, centred.T @ centred / (x.shape[0] - 1)


def _psd_sqrt(matrix):
    """The symmetric square root of a symmetric positive semi-definite matrix, via its eigendecomposition.

    Rounding can make tiny eigenvalues slightly negative; they are set to 0 (the matrix is PSD in exact
    arithmetic), which is what keeps the result real.
    """
    eigenvalues, eigenvectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def trace_sqrt_product(cov_a, cov_b):
    """``tr((A B)^(1/2))`` for symmetric PSD `A`, `B`, without forming the non-symmetric product.

    ``A B`` has the same eigenvalues as the symmetric PSD ``A^(1/2) B A^(1/2)``, so the trace of the square
    root is the sum of the square roots of that matrix's eigenvalues; ``eigvalsh`` on a symmetric matrix stays
    real and stable where a general ``sqrtm(A @ B)`` picks up imaginary parts from rounding.
    """
    root_a = _psd_sqrt(np.asarray(cov_a, dtype=np.float64))
    middle = root_a @ np.asarray(cov_b, dtype=np.float64) @ root_a
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2)
    return float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two sets of activations.

    Args:
      features_a, features_b: ``(N_a, d)`` and ``(N_b, d)`` activations (e.g. :meth:`Classifier.features` of
        real and of generated images); N >= 2 each, the same d.

    Returns:
      ``||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))`` in float64, with sample means and
      unbiased covariances; never negative (rounding below 0 for identical sets is returned as 0). Symmetric
      in its arguments.

    Raises:
      ValueError: wrong shapes, different widths, or non-finite values.
    """
    mean_a, cov_a = _mean_and_covariance(features_a, "features_a")
    mean_b, cov_b = _mean_and_covariance(features_b, "features_b")
    if mean_a.shape != mean_b.shape:
        raise ValueError(f"features_a have {mean_a.shape[0]} columns but features_b {mean_b.shape[0]}: "
                         "compare activations of the same layer.")
    distance = (np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b)
                - 2.0 * trace_sqrt_product(cov_a, cov_b))
    return float(max(distance, 0.0))


def conditional_accuracy(probabilities, labels):
    """Fraction of images whose most probable class is the label they were generated for.

    Args:
      probabilities: ``(N, classes)`` class probabilities (or any scores: only the arg-max is used).
      labels: ``(N,)`` integer class indices, or ``(N, classes)`` one-hot rows (as CGAN scripts feed them).

    Returns:
      A float in ``[0, 1]``.

    Raises:
      ValueError: counts differ, labels out of range, or one-hot rows that are not one-hot.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError(f"probabilities must be a non-empty (N, classes) array, got shape {p.shape}.")
    y = np.asarray(labels)
    if y.ndim == 2:
        if y.shape[1] != p.shape[1] or not np.all(np.sum(y != 0, axis=1) == 1):
            raise ValueError(f"labels of shape {y.shape} are not one-hot rows of width {p.shape[1]}.")
        y = np.argmax(y, axis=1)
    if y.ndim != 1 or len(y) != len(p):
        raise ValueError(f"{len(p)} images but labels of shape {np.shape(labels)}: one label per image.")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"labels must be integer classes in [0, {p.shape[1] - 1}].")
    return float(np.mean(np.argmax(p, axis=1) == y))


def score(images, classifier, real_images, labels=None, value_range=(0.0, 1.0), real_value_range=(0.0, 1.0)):
    """All metrics for one set of images.

    Args:
      images: the images to score, ``(N, 28, 28)``/``(N, 784)``/``(N, 28, 28, 1)``.
      classifier: a :class:`reproductions.classifier.Classifier` of the images' dataset.
      real_images: real images of that dataset to compare with (the pool of :func:`real_reference`, so that
        the reference points use the same pool).
      labels: conditioning labels of `images` (class indices or one-hot), or None for unconditional samples.
      value_range: pixel range of `images`: ``(0, 1)`` sigmoid output, ``(-1, 1)`` tanh output.
      real_value_range: pixel range of `real_images`.

    Returns:
      dict with ``n`` (images scored), ``classifier_score``, ``frechet_distance``, ``conditional_accuracy``
      (None without labels) and ``real_n`` (size of the real set).
    """
    probabilities, features = classifier.probabilities_and_features(images, value_range)
    return score_outputs(probabilities, features, classifier.features(real_images, real_value_range), labels)


def score_outputs(probabilities, features, real_features, labels=None):
    """:func:`score` from classifier outputs already computed (saves re-running the classifier on a pool)."""
    return {
        "n": int(len(probabilities)),
        "classifier_score": classifier_score(probabilities),
        "frechet_distance": frechet_distance(real_features, features),
        "conditional_accuracy": None if labels is None else conditional_accuracy(probabilities, labels),
        "real_n": int(len(real_features)),
    }


@dataclass(frozen=True)
class RealReference:
    """The best-attainable point: real samples of a given size scored against a disjoint real pool.

    Attributes:
      pool_images: float32 ``(M, 28, 28)`` in [0, 1]: the real images generated sets of this size are to be
        compared with (``score(generated, classifier, reference.pool_images)``).
      scores: the mean over the draws of each :func:`score` entry (``conditional_accuracy`` is the
        classifier's accuracy on the real samples, scored with their true labels).
      spread: the standard deviation over the draws of each number in `scores`: how far a perfect generator's
        score wanders at this size. A generated set within about two of these of the mean is as good as real
        data by that measure.
      draws: how many real samples were scored.
    """

    pool_images: np.ndarray
    scores: dict
    spread: dict
    draws: int


def _draw(rng, candidates, candidate_labels, n, labels):
    """Indices into `candidates`: `n` at random, or one image of each label in `labels` (same class mix)."""
    if labels is None:
        return rng.choice(candidates, size=n, replace=False)
    chosen = np.empty(len(labels), dtype=np.int64)
    for value in np.unique(labels):
        slots = np.flatnonzero(labels == value)
        of_class = candidates[candidate_labels == value]
        if len(of_class) < len(slots):
            raise ValueError(f"only {len(of_class)} held-out images of class {value} to draw {len(slots)} from.")
        chosen[slots] = rng.choice(of_class, size=len(slots), replace=False)
    return chosen


def real_reference(classifier, n, labels=None, draws=10, seed=0):
    """Score real samples of `n` images the classifier never trained on, against a disjoint real pool.

    The classifier's held-out images are split in two halves at random (fixed by `seed`): one is the pool that
    every set of this size is compared with, the other the reserve the `draws` real samples are drawn from.
    At 64 or 100 images one draw says little (the Fréchet distance of a random real sample of 64 Fashion-MNIST
    images varies by 10-15% between draws), hence several, summarised by mean and standard deviation.

    Args:
      classifier: a :class:`reproductions.classifier.Classifier`; its ``held_out_images`` are used.
      n: sample size; the number of generated images that will be compared with it.
      labels: for conditional samples, their ``n`` labels (class indices or one-hot): each real sample then
        has exactly that class mix (a 10x10 CGAN grid holds 10 of each class, which on its own lowers the
        Fréchet distance compared with a random sample). None: random samples.
      draws: how many real samples to score.
      seed: fixes the split and the draws.

    Returns:
      :class:`RealReference`.
    """
    images, held_out_labels = classifier.held_out_images, np.asarray(classifier.held_out_labels)
    if labels is not None:
        labels = np.asarray(labels)
        labels = np.argmax(labels, axis=1) if labels.ndim == 2 else labels
        if len(labels) != n:
            raise ValueError(f"{len(labels)} labels for a sample of n = {n}.")
    if draws < 1:
        raise ValueError(f"draws = {draws}: at least one real sample is needed.")
    half = len(images) // 2
    if not 2 <= n <= half:
        raise ValueError(f"n = {n}: the {len(images)} held-out images give a reserve of {half}; n must lie in "
                         f"[2, {half}].")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(images))
    reserve, pool = order[:half], order[half:]
    unit = images.astype(np.float32) / 255.0
    pool_images = unit[pool]
    probabilities, features = classifier.probabilities_and_features(unit)
    results = []
    for _ in range(draws):
        sample = _draw(rng, reserve, held_out_labels[reserve], n, labels)
        results.append(score_outputs(probabilities[sample], features[sample], features[pool],
                                     labels=held_out_labels[sample]))
    keys = ("classifier_score", "frechet_distance", "conditional_accuracy")
    scores = {**results[0], **{k: float(np.mean([r[k] for r in results])) for k in keys}}
    spread = {k: float(np.std([r[k] for r in results], ddof=1)) if draws > 1 else 0.0 for k in keys}
    return RealReference(pool_images, scores, spread, draws)


def uniform_noise_images(n, seed=0):
    """``n`` images of independent uniform [0, 1] pixels: a reference point no generator should sink below."""
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(n, 28, 28)).astype(np.float32)
