"""Sample grids back into images: split a grid PNG into its 28x28 tiles, and score the published upstream grids.

GAN scripts of the era saved their samples as one PNG: ``n`` images laid out row by row in a ``rows x cols``
grid (hwalsuklee's ``merge``: image ``i`` at row ``i // cols``, column ``i % cols``, no gap between tiles; some
other scripts leave ``padding`` pixels between tiles). :func:`split_grid` undoes that, so a grid can be scored
like images taken from the generator directly.

The one loss to keep in mind: the upstream code saved through ``scipy.misc.imsave``, which stretched each grid's
darkest pixel to 0 and brightest to 255 before writing 8-bit grey. Tiles read back are therefore quantised to
1/255 steps and min-max stretched over the whole grid, exactly as the suite's own reproductions write theirs
(``compat.scipy_misc`` keeps that behaviour); scores of grids and of raw generator output can differ slightly.
"""
import re
import sys
from pathlib import Path

import numpy as np

from reproductions import metrics
from reproductions.catalog import REPO

TILE = 28
REFERENCE_GRIDS = REPO.parent / "shared" / "reference" / "upstream-gan-grids"

# fashion_mnist_CGAN_epoch019_test_all_classes_style_by_style.png: dataset, model, zero-based epoch index.
_UPSTREAM_NAME = re.compile(r"^(fashion_mnist|mnist)_(GAN|CGAN)_epoch(\d+)_test_all_classes.*\.png$")


def read_grid(source):
    """A grid image as a float32 2-D array in ``[0, 1]``.

    Args:
      source: a path to an image file (PNG etc.; colour is converted to grey by PIL's luminance rule, 16-bit
        grey is scaled by 65535), or a 2-D array (uint8 → divided by 255; floats taken as already in [0, 1];
        a trailing axis of size 1 is dropped).

    Raises:
      ValueError / FileNotFoundError: a missing or unreadable file, or an array that is not one grey image.
    """
    if isinstance(source, (str, Path)):
        from PIL import Image, UnidentifiedImageError

        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"sample grid {path} does not exist.")
        try:
            with Image.open(path) as image:
                if image.mode in ("I;16", "I;16B", "I;16L", "I"):
                    array = np.asarray(image, dtype=np.float64) / 65535.0
                else:
                    array = np.asarray(image.convert("L"), dtype=np.float64) / 255.0
        except (UnidentifiedImageError, OSError) as exc:
            raise ValueError(f"sample grid {path} is not a readable image ({exc}).") from exc
        return array.astype(np.float32)
    array = np.asarray(source)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim != 2:
        raise ValueError(f"a grid array must be 2-D (one grey image), got shape {array.shape}.")
    if array.dtype == np.uint8:
        return (array / 255.0).astype(np.float32)
    array = array.astype(np.float32)
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"a float grid array must lie in [0, 1]; got {array.min():g} to {array.max():g}.")
    return array


def _count(length, tile, padding, axis, given):
    if given is not None:
        if length != given * tile + (given - 1) * padding:
            raise ValueError(f"grid {axis} {length} px is not {given} tiles of {tile} px with {padding} px padding "
                             f"({given * tile + (given - 1) * padding} px).")
        return given
    count, rest = divmod(length + padding, tile + padding)
    if rest or count == 0:
        raise ValueError(f"grid {axis} {length} px is not a whole number of {tile}-px tiles with {padding} px "
                         "between them; pass rows/cols/padding explicitly.")
    return count


def split_grid(source, tile=TILE, rows=None, cols=None, padding=0):
    """Cut a sample grid into its tiles, row by row.

    Args:
      source: a grid image path or 2-D array (see :func:`read_grid`).
      tile: tile side in pixels (28 for MNIST-family images).
      rows, cols: the grid's geometry; each one not given is inferred from the image size, `tile` and
        `padding` (and must come out whole).
      padding: pixels between neighbouring tiles (not around the border).

    Returns:
      float32 ``(rows * cols, tile, tile)`` in [0, 1]; tile ``i`` is at row ``i // cols``, column ``i % cols``.

    Raises:
      ValueError: the size does not fit the geometry.
    """
    grid = read_grid(source)
    height, width = grid.shape
    rows = _count(height, tile, padding, "height", rows)
    cols = _count(width, tile, padding, "width", cols)
    step = tile + padding
    tiles = [grid[r * step:r * step + tile, c * step:c * step + tile] for r in range(rows) for c in range(cols)]
    return np.stack(tiles)


def column_labels(rows, cols):
    """Class labels of a conditional grid whose column ``c`` shows class ``c`` (upstream's style-by-style grids)."""
    return np.tile(np.arange(cols), rows)


# "..._test_all_classes_<label>.png" (other than upstream's own "_style_by_style"): a grid scored beside upstream's
_OWN_LABEL = re.compile(r"test_all_classes_(?!style_by_style\.png$)(.+)\.png$")


def _parse_upstream_name(name):
    match = _UPSTREAM_NAME.match(name)
    if not match:
        return None
    dataset, model, epoch = match.groups()
    return dataset.replace("_", "-"), model, int(epoch) + 1


def score_reference_grids(folder=REFERENCE_GRIDS, classifier_folder=None, seed=0, verbose=False):
    """Score every published upstream grid in `folder`, with reference points, one row each.

    For each dataset with grids there: its evaluation classifier (loaded or trained, see
    :func:`reproductions.classifier.load_or_train`); then for each kind of grid (GAN: 64 random samples; CGAN:
    10x10, class ``c`` in column ``c``): real held-out samples of the same size, and for CGAN the same class
    mix (:func:`reproductions.metrics.real_reference`: the best attainable, mean and spread over 10 draws),
    the same number of uniform-noise images (a floor), then the grids. All Fréchet distances of a dataset
    use the same real pool. CGAN grids are scored with their column labels, so they get a conditional
    accuracy.

    Args:
      folder: the folder of ``<dataset>_<GAN|CGAN>_epochNNN_test_all_classes*.png`` files (default: the shared
        reference folder beside the repository). Files named otherwise are skipped.
      classifier_folder: the classifiers' cache folder (default: the classifier module's).
      seed: fixes the real pool and the real draws.
      verbose: let the classifier report loading/training.

    Returns:
      A list of dicts: ``dataset``, ``source`` (description), ``model`` (``'GAN'``/``'CGAN'``/None),
      ``epoch`` (1-based, None for reference rows), the keys of :func:`reproductions.metrics.score`, and for
      the real-data rows ``spread`` (standard deviations over the draws).

    Raises:
      FileNotFoundError: `folder` is missing or has no such grids.
    """
    from reproductions import classifier as classifiers

    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"reference grid folder {folder} does not exist (the published upstream grids "
                                "live in ../shared/reference/upstream-gan-grids/ beside the repository).")
    grids = {}
    for path in sorted(folder.iterdir()):
        parsed = _parse_upstream_name(path.name)
        if parsed:
            dataset, model, epoch = parsed
            grids.setdefault(dataset, {}).setdefault(model, []).append((epoch, path.name, split_grid(path)))
    if not grids:
        raise FileNotFoundError(f"no <dataset>_<GAN|CGAN>_epochNNN_test_all_classes*.png grids in {folder}.")
    options = {} if classifier_folder is None else {"folder": classifier_folder}
    rows = []
    for dataset in sorted(grids):
        classifier = classifiers.load_or_train(dataset, verbose=verbose, **options)
        for model in sorted(grids[dataset], key=("GAN", "CGAN").index):
            entries = sorted(grids[dataset][model])
            n = len(entries[0][2])
            if any(len(tiles) != n for _, _, tiles in entries):
                raise ValueError(f"{dataset} {model} grids in {folder} hold different numbers of tiles.")
            labels = column_labels(n // 10, 10) if model == "CGAN" else None
            reference = metrics.real_reference(classifier, n, labels=labels, seed=seed)
            pool_features = classifier.features(reference.pool_images)
            mix = ", same class mix" if labels is not None else ""
            rows.append({"dataset": dataset, "source": f"real held-out images{mix} ({reference.draws} draws)",
                         "model": None, "epoch": None, **reference.scores, "spread": reference.spread})
            noise = metrics.score_outputs(*classifier.probabilities_and_features(metrics.uniform_noise_images(n)),
                                          pool_features)
            rows.append({"dataset": dataset, "source": "uniform noise", "model": None, "epoch": None, **noise})
            for epoch, name, tiles in entries:
                scores = metrics.score_outputs(*classifier.probabilities_and_features(tiles), pool_features, labels)
                rows.append({"dataset": dataset, "source": name, "model": model, "epoch": epoch, **scores})
    return rows


def format_table(rows):
    """A fixed-width text table of :func:`score_reference_grids` rows (real-data rows: mean ± sd)."""
    header = ("dataset", "source", "n", "classifier score", "Fréchet distance", "cond. accuracy")
    lines = [header]
    for row in rows:
        source = row["source"]
        if row["model"]:  # an upstream file name, or one given an upstream-style name plus a label of its own
            label = _OWN_LABEL.search(source)
            source = f"{label.group(1) if label else 'upstream'} {row['model']} epoch {row['epoch']}"
        spread = row.get("spread", {})

        def cell(key, digits):
            value = row[key]
            if value is None:
                return "-"
            return f"{value:.{digits}f}" + (f" ± {spread[key]:.{digits}f}" if key in spread else "")

        lines.append((row["dataset"], source, str(row["n"]), cell("classifier_score", 2),
                      cell("frechet_distance", 1), cell("conditional_accuracy", 3)))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    text.insert(1, "-" * len(text[0]))
    return "\n".join(text)


if __name__ == "__main__":
    print(format_table(score_reference_grids(*sys.argv[1:2], verbose=True)))
