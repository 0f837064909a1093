"""Prove that a modern port (``reproductions/modern/``) trains like its legacy script, step for step.

How (per reproduction):

1. Run the legacy script through the era runner in a subprocess: ``python -m compat run --seed S --deterministic
   --dataset fashion-mnist --max-steps N --record record.jsonl --dump-weights initial.npz <script>``. The record
   holds every training step's losses; the .npz every variable's value before its first update.
2. Build the modern port, load those initial weights into it, and feed it the same data batches and the same
   noise in the same order. For the TF1 graph scripts this means replaying NumPy's global generator exactly as
   the legacy run consumed it: the runner seeds ``np.random`` with S; TF1's ``read_data_sets`` builds three
   ``DataSet`` objects, each re-seeding ``np.random`` from the graph seed (S again); the first ``next_batch``
   shuffles the 55,000 training rows with ``np.random.shuffle``; the script's own ``np.random.uniform`` noise
   draws interleave with those shuffles in program order. The replay below is written from TF1's documented
   algorithm (mnist.py of TF 1.15), not by calling the runtime's loader, so a wrong order shows up as a
   mismatch at the first step.
3. Compare the two loss trajectories step by step.

Tolerance. The legacy graph and the modern ``tf.function`` run the same float32 kernels, but not always with the
same fusion or reduction order, and not quite the same Adam arithmetic (TF1's ApplyAdam kernel keeps
``beta1_power`` as a variable multiplied every step; Keras 3 computes ``beta_1 ** t``): losses of order 1 agree to
a few float32 ulps (1e-7 each) at first. A GAN amplifies such differences: each network's next step starts from
the other's slightly different weights, and Adam divides every gradient by its own running scale, so a rounding
difference in a tiny gradient (a ReLU unit at its threshold, a pixel seen for the first time) can become a
learning-rate-sized difference in one weight. The deviation therefore stays at rounding level for tens of steps,
then grows, at some seeds in a sudden jump. The check has two parts (``Tolerance``):

* the first ``tight_steps`` steps must agree to ``tight_atol``, a few hundred ulps: this is where a wrong port
  (another epsilon, a missing term, another batch order) shows, by orders of magnitude;
* every step up to the last must agree to ``atol``, small against the range the losses cover over the run: the
  trajectories must not part ways.

The numbers per reproduction (``TOLERANCES``) come from measured deviations with a margin (004: four seeds;
000: seed 1 and its XLA-compiled variant, each run taking minutes), and are stated with the measurements in the
README section "Legacy vs modern".

Command line (prints the per-step deviations)::

    python -m reproductions.equivalence 004_vanilla_gan --steps 200
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np

from reproductions.catalog import BY_NAME, REPO
from reproductions.execute import prepare_idx, runner_environment

DATASET = "fashion-mnist"
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class Tolerance:
    """Allowed |legacy - modern| at step k (1-based): ``tight_atol`` up to ``tight_steps``, ``atol`` after."""
    tight_steps: int
    tight_atol: float
    atol: float

    def at(self, step):
        return self.tight_atol if step <= self.tight_steps else self.atol


TOLERANCES = {
    # Measured over seeds 1-4, 200 steps: at most 1.05e-5 in steps 1-30 (about 100 ulps of a loss near 1), at
    # most 2.1e-2 in steps 1-200 (seed 1, the test's: 1.8e-3), while over steps 100-200 D_loss ranges over
    # 0.14-0.51 and G_loss over 2.7-4.3. Keras 3's default epsilon alone (1e-7 instead of 1e-8) deviates by
    # 1.6e-3 to 2.5e-3 within the first 10 steps: 16-25 times tight_atol.
    "004_vanilla_gan": Tolerance(tight_steps=30, tight_atol=1e-4, atol=0.05),
    # Seed 1, 200 steps: 0, 6e-8, 1.2e-7 at steps 1-3 (the XLA-compiled port: 1.2e-7, 1.2e-7, 1.6e-6), then
    # 1.8e-6, 4.5e-5, 1.2e-4, 1.5e-4, 7.4e-4 at steps 4-8 and at most 7.7e-2 over 200 steps (jit: 7.0e-2),
    # the losses lying in 0.7-1.5. The minibatch layer's exp(-L1 distance) has gradients near 1e-8 that Adam
    # scales up to learning-rate-sized steps, so rounding grows ten-fold per iteration until it saturates.
    # Keras 3's default epsilon alone deviates by 6.3e-4 at step 2: 30 times tight_atol.
    "000_infogan_gan": Tolerance(tight_steps=3, tight_atol=2e-5, atol=0.2),
}


def tolerance(name):
    """The stated :class:`Tolerance` of a port: ``TOLERANCES`` here, or the ``TOLERANCE`` of a port that keeps its
    replay in its own module."""
    return TOLERANCES[name] if name in TOLERANCES else port_module(name).TOLERANCE


def port_module(name):
    """The module of a port listed in ``PORT_MODULES`` (imported on first use: each imports Keras 3)."""
    import importlib

    return importlib.import_module(f"reproductions.modern.{PORT_MODULES[name]}")


# ports that keep their replay (the legacy data and noise order) and their TOLERANCE in their own module
PORT_MODULES = {"001_dcgan_generator": "dcgan_generator_001", "002_cgan_maxout": "cgan_maxout_002",
                "003_dcgan_keras": "dcgan_keras_003"}


@dataclass
class Comparison:
    """Two loss trajectories and their step-by-step deviation.

    Attributes:
      name: the reproduction (catalog name).
      steps: how many training steps were compared.
      legacy, modern: one dict of losses per step (step k at index k - 1).
      tolerance: the :class:`Tolerance` applied.
    """
    name: str
    steps: int
    legacy: list
    modern: list
    tolerance: Tolerance
    failures: list = field(default_factory=list)  # (step, series, legacy, modern, allowed)

    def deviations(self):
        """``[(step, series, |legacy - modern|)]`` for every recorded loss of every step."""
        rows = []
        for k, (old, new) in enumerate(zip(self.legacy, self.modern), start=1):
            if set(old) != set(new):
                raise AssertionError(f"step {k}: legacy recorded {sorted(old)}, modern {sorted(new)}")
            rows.extend((k, series, abs(old[series] - new[series])) for series in old)
        return rows

    def check(self):
        """Fill ``failures``; True when every deviation is within the tolerance and both ran ``steps`` steps."""
        if len(self.legacy) < self.steps or len(self.modern) < self.steps:
            raise AssertionError(f"{self.name}: legacy ran {len(self.legacy)} steps, modern {len(self.modern)}; "
                                 f"{self.steps} expected")
        self.failures = [(k, s, self.legacy[k - 1][s], self.modern[k - 1][s], self.tolerance.at(k))
                         for k, s, d in self.deviations() if not d <= self.tolerance.at(k)]
        return not self.failures

    def summary(self, every=25):
        """Text table: the largest deviation within each block of ``every`` steps, and the allowed one."""
        rows = self.deviations()
        lines = [f"{self.name}: {self.steps} steps, tolerance {self.tolerance}",
                 f"{'steps':>11} {'max |legacy - modern|':>22} {'allowed at block end':>21}"]
        for start in range(1, self.steps + 1, every):
            end = min(start + every - 1, self.steps)
            worst = max(d for k, _, d in rows if start <= k <= end)
            lines.append(f"{start:>5}-{end:<5} {worst:>22.3e} {self.tolerance.at(end):>21.3e}")
        return "\n".join(lines)


def fashion_mnist_available():
    """The reason the check cannot run here, or None when the Fashion-MNIST files are present."""
    names = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz")  # read_data_sets reads all four
    missing = [name for name in names if not (FASHION_DIR / name).exists()]
    return f"Fashion-MNIST missing from {FASHION_DIR} ({', '.join(missing)}): install dataset-fashion-mnist" \
        if missing else None


def run_legacy(name, steps, workdir, seed=None, extra_runner_args=()):
    """Run a catalog entry's legacy script under the runner with --record and --dump-weights.

    Args:
      name: catalog name (``reproductions.catalog``).
      steps: ``--max-steps``.
      seed: ``--seed`` (default: the catalog entry's).
      workdir: an empty folder; the script runs two levels below it (``<workdir>/a/b``) so that relative data
        paths such as 004's ``../../MNIST_data`` stay inside it; 000's IDX files are linked into ``a/b/data/``.
      extra_runner_args: further runner options (the benchmark passes ``--xla``).

    Returns:
      ``(losses, weights)``: one dict per recorded step, and the loaded ``--dump-weights`` arrays (a dict).
    """
    entry = BY_NAME[name]
    cwd = Path(workdir) / "a" / "b"
    cwd.mkdir(parents=True, exist_ok=True)
    if entry.idx_dir:  # a script that reads the IDX files from a folder of its own (000)
        prepare_idx(DATASET, cwd / entry.idx_dir.format(dataset=DATASET), workdir)
    record, weights = cwd / "record.jsonl", cwd / "initial.npz"
    seed = entry.seed if seed is None else seed
    command = [sys.executable, "-m", "compat", "run", "--seed", str(seed), "--deterministic",
               "--dataset", DATASET, "--max-steps", str(steps), "--record", str(record),
               "--dump-weights", str(weights), *extra_runner_args,
               str(entry.script_path), *(a.format(dataset=DATASET) for a in entry.args)]
    done = subprocess.run(command, cwd=cwd, env=runner_environment(), capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"legacy run of {entry.script} failed (exit {done.returncode}):\n{done.stdout[-3000:]}"
                           f"\n{done.stderr[-3000:]}")
    events = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]
    losses = [event["losses"] for event in events if "losses" in event]  # not the checkpoint or end lines
    with np.load(weights) as arrays:
        return losses, dict(arrays)


# --- TF1's input_data order, replayed -------------------------------------------------------------------------

def tf1_train_images(validation_size=5000):
    """``read_data_sets(...).train.images`` as TF1 built them: training rows after the first ``validation_size``,
    flattened to 784, float32, multiplied by the float64 constant 1/255 (TF1's ``numpy.multiply(images, 1.0 /
    255.0)``, which is not bit-identical to dividing by 255)."""
    from compat.input_data import load_keras_fashion_mnist

    (x_train, _), _ = load_keras_fashion_mnist()
    images = x_train[validation_size:].reshape(-1, 784).astype(np.float32)
    return np.multiply(images, 1.0 / 255.0).astype(np.float32)


def tf1_next_batches(images, batch_size, rng=np.random):
    """TF1's ``DataSet.next_batch(batch_size)`` as an iterator: the first call shuffles an index vector with
    ``rng.shuffle`` (lazily, so draws made before it keep their place), batches are consecutive slices, and a
    batch crossing the end of the epoch is the old epoch's tail followed by the head of a fresh shuffle of the
    current order.

    Args:
      images: the split's rows (see :func:`tf1_train_images`).
      batch_size: rows per batch.
      rng: NumPy generator (the module: the global one, as TF1 used).
    """
    count, start, order = len(images), 0, None
    while True:
        if order is None:
            order = np.arange(count)
            rng.shuffle(order)
        if start + batch_size > count:
            tail = order[start:]
            perm = np.arange(count)
            rng.shuffle(perm)
            order = order[perm]  # TF1 permuted the current (already shuffled) rows, not the original ones
            start = batch_size - len(tail)
            yield images[np.concatenate([tail, order[:start]])]
        else:
            yield images[order[start:start + batch_size]]
            start += batch_size


# --- per reproduction --------------------------------------------------------------------------------------------

def modern_004(legacy_weights, steps, seed, **port_options):
    """Train the 004 port ``steps`` steps from the legacy initial weights on the legacy batches and noise.

    NumPy order of the legacy run: the runner's ``np.random.seed(seed)``, then read_data_sets' three re-seeds
    with the graph seed (the same value), then per iteration: grid noise (every 1000th), the batch (the first
    one shuffles), D noise, G noise — exactly what ``vanilla_gan_004.iterations`` draws.
    """
    from reproductions.modern import vanilla_gan_004 as port

    images = tf1_train_images()
    np.random.seed(seed)  # the last of read_data_sets' re-seeds; nothing drew in between
    gan = port.VanillaGAN(**port_options)
    gan.load_legacy_weights(legacy_weights)
    feed = port.iterations(tf1_next_batches(images, port.MB_SIZE))
    losses = port.train(gan, feed, math.ceil(steps / 2))
    return losses[:steps]


def modern_000(legacy_weights, steps, seed, **port_options):
    """Train the 000 port ``steps`` steps from the legacy initial weights on the legacy batches and noise.

    NumPy order of the legacy run: the runner's ``np.random.seed(seed)`` is overridden by utils.load_mnist, which
    seeds 547 and shuffles the 70,000 images, then seeds 547 again and shuffles the labels; GAN.train then draws
    the fixed grid noise (64 x 62), and per batch one z (64 x 62, float32) used by both the D and the G step. The
    batches are consecutive slices of the shuffled images (float64 in [0, 1], cast to float32 by the feed).
    ``seed`` is unused: nothing in 000 draws from the runner's seed before load_mnist re-seeds.
    """
    from reproductions.modern import infogan_gan_000 as port

    data_X = port.load_data()
    gan = port.GAN(**port_options)
    gan.load_legacy_weights(legacy_weights)
    return port.train(gan, data_X, steps)


def _replay_in(name):
    """The replay of a port that keeps it in its own module (``PORT_MODULES``): ``replay(legacy_weights, steps,
    seed, **options)`` returning one dict of losses per step, like ``modern_004`` above."""
    def replay(legacy_weights, steps, seed, **port_options):
        return port_module(name).replay(legacy_weights, steps, seed, **port_options)

    return replay


MODERN = {
    "004_vanilla_gan": modern_004,
    "000_infogan_gan": modern_000,
    **{name: _replay_in(name) for name in PORT_MODULES},
}


def compare(name, steps=200, seed=None, legacy_run=None, **port_options):
    """Run legacy and modern ``steps`` steps each and return the :class:`Comparison` (not yet checked).

    Args:
      name: catalog name of a ported reproduction (``MODERN``).
      steps: training steps to compare (the legacy run's --max-steps).
      seed: the runner's --seed (default: the catalog entry's).
      legacy_run: ``(losses, weights)`` of an earlier :func:`run_legacy` with the same steps and seed, to reuse.
      port_options: passed to the port's model (e.g. ``adam_epsilon=1e-7`` to measure a changed default).
    """
    if name not in MODERN:
        raise KeyError(f"no modern port of {name!r} yet; ported: {sorted(MODERN)}")
    seed = BY_NAME[name].seed if seed is None else seed
    if legacy_run is None:
        with tempfile.TemporaryDirectory(prefix=f"equivalence-{name}-") as scratch:
            legacy_run = run_legacy(name, steps, scratch, seed=seed)
    legacy, weights = legacy_run
    modern = MODERN[name](weights, steps, seed, **port_options)
    return Comparison(name, steps, legacy[:steps], modern, tolerance(name))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Legacy vs modern loss trajectories, step by step.")
    parser.add_argument("names", nargs="*", default=sorted(MODERN), help=f"reproductions (default: {sorted(MODERN)})")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None, help="runner seed (default: the catalog's)")
    args = parser.parse_args(argv)
    reason = fashion_mnist_available()
    if reason:
        sys.exit(reason)
    failed = False
    for name in args.names:
        comparison = compare(name, args.steps, seed=args.seed)
        ok = comparison.check()
        print(comparison.summary())
        print("PASS" if ok else f"FAIL: {len(comparison.failures)} deviations beyond tolerance, first "
                                  f"{comparison.failures[0]}")
        failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
