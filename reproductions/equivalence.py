"""Prove that a modern port trains like its legacy script, step for step.

A reproduction with a modern TensorFlow 2.21 port keeps it in its folder (``reproductions/<name>/port.py``),
written to be read next to its legacy script: the same blocks in the same order, each introduced by a comment
naming the legacy lines it replaces, only today's APIs (``tf.Variable``, ``tf.function``, ``tf.GradientTape``,
Keras 3 imported as ``keras``, never ``tf.compat.v1``), and every legacy default the modern API would change set
explicitly. A port provides what this check needs:

- ``replay(legacy_weights, steps, seed, **options)``: train from a legacy run's initial weights on the legacy
  batches and noise, returning one dict of losses per step (the options select variants, e.g. another epsilon);
- ``TOLERANCE``: the :class:`Tolerance` it is held to, stated with its measurements;
- ``STEP_SERIES``: the loss series of its first steps, one set per step, as the runner records the legacy run;
- ``MISTAKES``: plausible porting mistakes (:class:`Mistake`) the check must catch.

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

The numbers per reproduction (each port's ``TOLERANCE``) come from measured deviations with a margin, stated
beside them and in docs/legacy-vs-modern.md.

Command line (prints the per-step deviations)::

    python -m reproductions.equivalence 004_vanilla_gan --steps 200
"""
import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np

from compat import record as records
from reproductions.catalog import BY_NAME, CATALOG
from reproductions.execute import prepare_idx, runner_command, runner_environment

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


@dataclass(frozen=True)
class Mistake:
    """A plausible porting mistake the check must catch.

    Attributes:
      options: passed to the port's ``replay`` (the mistake made).
      steps: how many steps to compare.
      first_failure: ``(earliest, latest)``: the first step outside the tolerance must lie in between (inclusive).
      why: what the mistake is and what was measured.
    """
    options: dict
    steps: int
    first_failure: tuple
    why: str = ""


def ported():
    """The catalog's reproductions that have a modern port, by name."""
    return [entry.name for entry in CATALOG if entry.has_port]


def assign_legacy_weights(variables, weights, script):
    """Start a port from a legacy run's initial weights (Adam's slots are never loaded: both start at 0).

    Args:
      variables: ``{legacy name: tf.Variable}`` of the port, named as the runner's ``--dump-weights`` keys them
        (TF1's ``"scope/kernel:0"``; a repeated name with ``#2`` appended).
      weights: the ``--dump-weights`` arrays (a mapping).
      script: the legacy script, for the message when the weights come from another one.

    Raises:
      KeyError: naming the missing weights and the script whose run they should come from.
    """
    missing = sorted(set(variables) - set(weights))
    if missing:
        raise KeyError(f"legacy weights lack {missing[:5]}: expected the --dump-weights file of a run of {script}")
    for name, variable in variables.items():
        variable.assign(weights[name])


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
    command = runner_command(entry, DATASET, record, steps=steps, seed=seed,
                             options=["--dump-weights", weights, *extra_runner_args])
    done = subprocess.run(command, cwd=cwd, env=runner_environment(), capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"legacy run of {entry.script} failed (exit {done.returncode}):\n{done.stdout[-3000:]}"
                           f"\n{done.stderr[-3000:]}")
    with np.load(weights) as arrays:
        return records.read(record).losses(), dict(arrays)


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


# --- the comparison ---------------------------------------------------------------------------------------------

def compare(name, steps=200, seed=None, legacy_run=None, **port_options):
    """Run legacy and modern ``steps`` steps each and return the :class:`Comparison` (not yet checked).

    Args:
      name: catalog name of a ported reproduction (:func:`ported`).
      steps: training steps to compare (the legacy run's --max-steps).
      seed: the runner's --seed (default: the catalog entry's).
      legacy_run: ``(losses, weights)`` of an earlier :func:`run_legacy` with the same steps and seed, to reuse.
      port_options: passed to the port's model (e.g. ``adam_epsilon=1e-7`` to measure a changed default).
    """
    if name not in ported():
        raise KeyError(f"no modern port of {name!r} yet; ported: {ported()}")
    port = BY_NAME[name].port()
    seed = BY_NAME[name].seed if seed is None else seed
    if legacy_run is None:
        with tempfile.TemporaryDirectory(prefix=f"equivalence-{name}-") as scratch:
            legacy_run = run_legacy(name, steps, scratch, seed=seed)
    legacy, weights = legacy_run
    modern = port.replay(weights, steps, seed, **port_options)
    return Comparison(name, steps, legacy[:steps], modern, port.TOLERANCE)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Legacy vs modern loss trajectories, step by step.")
    parser.add_argument("names", nargs="*", default=ported(), help=f"reproductions (default: {ported()})")
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
