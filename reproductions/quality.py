"""A run's quality trajectory: the generator samples it dumped at checkpoints, scored by the evaluation classifier.

A full run (``python -m reproductions run --full``) asks the runner for samples at the article's checkpoints
(``Reproduction.sampler`` every ``Reproduction.checkpoint_every`` steps: ``step-<k>.npz`` files, see
compat/samples.py). Each file is scored here with :func:`reproductions.metrics.score` against the real pool of a
:func:`reproductions.metrics.real_reference` of the same size and class mix, so every point of the trajectory can be
read against two references measured the same way:

- ``real``: real held-out images of that size (the best attainable), with the spread over draws;
- ``floor``: the untrained generator, the samples of step 0 (before the first update).
"""
import re
import zipfile
from pathlib import Path

import numpy as np

from reproductions import classifier as classifiers
from reproductions import metrics

STEP_FILE = re.compile(r"step-(\d+)\.npz$")
KEYS = ("classifier_score", "frechet_distance", "conditional_accuracy")


class SamplesError(ValueError):
    """A samples file that cannot be scored (names the file and what is wrong)."""


def read_samples(path):
    """``(images, labels or None)`` of one ``step-<k>.npz``, checked: float images (N, 28, 28) in [0, 1]."""
    try:
        with np.load(path) as data:
            images = np.asarray(data["images"], dtype=np.float32)
            labels = np.asarray(data["labels"]) if "labels" in data.files else None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise SamplesError(f"{path}: not a readable samples file ({type(error).__name__}: {error}); delete it "
                           f"or rerun the checkpoint") from error
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) < 2:
        raise SamplesError(f"{path}: images of shape {images.shape}, expected (N >= 2, 28, 28)")
    if not np.all(np.isfinite(images)) or images.min() < -1e-6 or images.max() > 1 + 1e-6:
        raise SamplesError(f"{path}: pixel values outside [0, 1] or not finite (a sampler must map its "
                           f"generator's output to [0, 1])")
    if labels is not None and len(labels) != len(images):
        raise SamplesError(f"{path}: {len(labels)} labels for {len(images)} images")
    return np.clip(images, 0.0, 1.0), labels


def step_files(folder):
    """``[(step, path)]`` of the samples files in ``folder``, by step."""
    found = [(int(m.group(1)), p) for p in Path(folder).glob("step-*.npz") if (m := STEP_FILE.search(p.name))]
    return sorted(found)


def trajectory(folder, dataset, classifier_folder=classifiers.DEFAULT_FOLDER, say=print, model=None):
    """Score every samples file in ``folder``; ``{}`` when there is none.

    Args:
      folder: a run's ``samples-by-step`` folder.
      dataset: what the run trained on: its evaluation classifier scores the samples.
      classifier_folder: the classifiers' cache (trained there when missing, see
        :func:`reproductions.classifier.load_or_train`).
      say: where to report skipped files.
      model: a :class:`reproductions.classifier.Classifier` to use instead of the cached one.

    Returns:
      dict with ``points`` (``[{"step", "n", "classifier_score", "frechet_distance", "conditional_accuracy"}]`` by
      step), ``real`` and ``real_spread`` (the real reference at the same size and class mix: mean and standard
      deviation over 10 draws), ``floor`` (the step-0 point, or None if the run has none) and ``skipped``
      (messages for files that could not be scored; the others are still scored).
    """
    files = step_files(folder)
    if not files:
        return {}
    model = model or classifiers.load_or_train(dataset, folder=classifier_folder, verbose=False)
    points, skipped, reference, reference_labels = [], [], None, None
    for step, path in files:
        try:
            images, labels = read_samples(path)
        except SamplesError as error:
            skipped.append(str(error))
            say(f"  skipped: {error}")
            continue
        if reference is None:
            reference = metrics.real_reference(model, len(images), labels)
            reference_labels = labels
        elif len(images) != reference.scores["n"] or (labels is None) != (reference_labels is None):
            skipped.append(f"{path}: {len(images)} images, the run's first file has {reference.scores['n']}")
            continue
        scores = metrics.score(images, model, reference.pool_images, labels)
        points.append({"step": step, **scores})
    if reference is None:
        return {"points": [], "real": None, "real_spread": None, "floor": None, "skipped": skipped}
    return {
        "points": points,
        "real": {k: reference.scores[k] for k in ("n", *KEYS)},
        "real_spread": reference.spread,
        "floor": next((p for p in points if p["step"] == 0), None),
        "skipped": skipped,
    }


def format_trajectory(quality, every=1):
    """Text table of a trajectory with its references (for the terminal and the README)."""
    if not quality or not quality.get("points"):
        return "no samples scored"
    conditional = quality["points"][0]["conditional_accuracy"] is not None
    header = f"{'step':>8} {'classifier score':>17} {'Fréchet distance':>17}" + \
             (f" {'cond. accuracy':>15}" if conditional else "")

    def row(label, point, spread=None):
        cells = [f"{point['classifier_score']:.2f}", f"{point['frechet_distance']:.1f}"]
        if conditional:
            cells.append(f"{point['conditional_accuracy']:.3f}")
        if spread:
            cells = [f"{c} ± {spread[k]:.{2 if k == 'classifier_score' else 1 if k == 'frechet_distance' else 3}f}"
                     for c, k in zip(cells, KEYS)]
        return f"{label:>8} {cells[0]:>17} {cells[1]:>17}" + (f" {cells[2]:>15}" if conditional else "")

    lines = [header] + [row(str(p["step"]), p) for p in quality["points"][::every]]
    if every > 1 and quality["points"][-1] is not quality["points"][::every][-1]:
        lines.append(row(str(quality["points"][-1]["step"]), quality["points"][-1]))
    lines.append(row("real", quality["real"], quality["real_spread"]))
    return "\n".join(lines)


def grid_sized(path, model, n):
    """One checkpoint scored at the size of a published sample grid (64 GAN samples, or 100 CGAN samples, 10 per
    class), so that it sits in one table with the upstream grids of ``python -m reproductions quality``: the first
    ``n`` samples of the file (a sampler's labels cycle through the classes, so the first 100 hold 10 of each).

    Returns:
      ``(scores, real)``: :func:`reproductions.metrics.score` of the subset, and the real reference of that size and
      class mix (its ``scores`` and ``spread``).
    """
    images, labels = read_samples(path)
    images, labels = images[:n], None if labels is None else labels[:n]
    reference = metrics.real_reference(model, n, labels)
    return metrics.score(images, model, reference.pool_images, labels), reference
