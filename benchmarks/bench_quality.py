"""Benchmark sample-quality scoring (prints figures; not a test).

1. The evaluation classifiers: load from the cache (or train, the first time: the training time is printed by the
   classifier itself and kept in its ``info``), with their held-out accuracy and what they were trained on.
2. Cost of scoring: classifier inference on 10000 images, and the Fréchet distance of 64 and of 10000 feature
   rows against a 10000-row pool (one eigendecomposition pair of the feature width each).
3. The published upstream sample grids scored with those classifiers, between their reference points (real
   held-out images: best attainable; uniform noise: floor).

Run: python benchmarks/bench_quality.py [--classifiers out/classifiers] [--repeats 3]
"""
import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from reproductions import classifier as classifiers  # noqa: E402
from reproductions import grids, metrics  # noqa: E402


def best_of(repeats, function):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classifiers", default=str(classifiers.DEFAULT_FOLDER), help="classifier cache folder")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    print("1. evaluation classifiers")
    loaded = {}
    for dataset in ("fashion-mnist", "mnist"):
        started = time.perf_counter()
        model = classifiers.load_or_train(dataset, folder=args.classifiers)
        info = model.info
        print(f"   {dataset}: {info['source']} in {time.perf_counter() - started:.1f} s; accuracy "
              f"{info['accuracy']:.4f} on {info['evaluated_on']}; trained on {info['trained_on']} in "
              f"{info['train_seconds']:.0f} s")
        loaded[dataset] = model

    print("\n2. scoring cost (best / median of %d)" % args.repeats)
    fashion = loaded["fashion-mnist"]
    images = fashion.held_out_images
    best, median = best_of(args.repeats, lambda: fashion.probabilities_and_features(images, (0, 255)))
    print(f"   inference, {len(images)} images: {best:.2f} / {median:.2f} s")
    pool = fashion.features(images, (0, 255))
    for n in (64, 10000):
        sample = pool[:n]
        best, median = best_of(args.repeats, lambda: metrics.frechet_distance(pool, sample))
        print(f"   Fréchet distance, {n} vs {len(pool)} rows of width {pool.shape[1]}: "
              f"{best * 1e3:.1f} / {median * 1e3:.1f} ms")

    print("\n3. upstream reference grids")
    started = time.perf_counter()
    rows = grids.score_reference_grids(classifier_folder=args.classifiers)
    print(grids.format_table(rows))
    print(f"   ({len(rows)} rows in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
