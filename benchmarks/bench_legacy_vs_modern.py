"""Benchmark legacy scripts against their modern ports: training steps per second (prints a table; not a test).

For every reproduction of the catalog, side by side, at the legacy script's batch size:

* legacy — the legacy script under the era runner (``python -m compat run``; TF1 graph mode for 000, 001, 004,
  Keras 2 ``train_on_batch`` for 002, Keras 2 eager for 003);
* legacy --xla — the same with the runner's ``--xla``. The runner then sets ``TF_XLA_FLAGS=--tf_xla_cpu_global_jit``
  (XLA's CPU auto-clustering is off without it) and switches global JIT on: in every TF1 ``Session``'s
  ``ConfigProto`` (000, 001, 004), with ``tf.config.optimizer.set_jit(True)`` for TF2-era scripts. Auto-clustering
  rewrites *graphs*: for 002 that is the ``tf.function`` Keras 2 builds behind ``train_on_batch``; 003 runs eagerly,
  op by op, with no ``tf.function`` anywhere, so there is no graph to cluster and ``--xla`` changes nothing but the
  environment (its column measures the noise);
* modern — the TF 2.21 port (``reproductions/<name>/port.py``, ``tf.function``);
* modern jit — the port with ``jit_compile=True``;
* torch 1t, torch Nt — a PyTorch port (``torch_ports.py``; 004 and 000) on one thread and on torch's default
  thread count N (the number of cores). Both are shown because neither is the whole story on a shared machine:
  with two threads torch's OpenMP workers spin-wait for each other, so on a loaded 2-core machine the rate swings
  widely (004 once gave 48 and 330 steps/s in two consecutive measurements; one thread 226-233), while whether a
  second thread helps on a quiet machine depends on the model's size. Skipped with a message when torch is not
  installed (it is no project dependency: ``pip install torch==2.13.0``).

How each is timed. A "step" is one parameter update (the runner's definition: 004, 000, 001 and 003 make a D and a
G step per iteration, 002 three ``train_on_batch`` calls). Every variant first runs WARM steps (tracing, XLA
compilation, first-touch costs), then ``--repeats`` consecutive windows of TIMED steps are timed, each giving one
rate; the table shows their median. Windows rather than whole re-runs: start-up (TensorFlow import, data loading,
graph building: 10 s or more per legacy run here) then costs once per cell, which is what keeps the default run
of all five within its budget; and on a shared machine the noise is other jobs' load coming and going, which
consecutive windows sample as well as consecutive runs would.

* Legacy: the script runs in a subprocess under the runner, with the runner's step monitor wrapped to take a
  ``perf_counter`` time stamp after every step (the script, its era runtime and its data feed are untouched), so
  a window runs from the end of one step to the end of the step TIMED later and includes the script's own loop
  body (feeding, printing) but no start-up. (An earlier version timed two whole runs of different lengths and
  divided the difference: start-up noise swamped the step time, and 002 once came out negative.)
* a port with a ``trainer`` (004, 000), in this process: one model trains on, with the port's own ``train``
  loop fed the way the legacy script feeds itself: NumPy batches in the legacy order and NumPy noise drawn per
  iteration, every loss fetched to Python every step, as the legacy ``sess.run`` did. The torch ports run through
  the same loop (same feed, same fetches).
* the other ports (001, 002, 003): through the hook the equivalence check uses,
  ``replay(legacy_weights, steps, seed, **options)`` in the port's module, with
  ``jit_compile=True`` for the jit column. ``replay`` builds the model and its feed and trains from step 1, so a
  window is a replay(WARM) and a replay(WARM + TIMED) back to back, its rate TIMED / the difference of their
  times, after one untimed replay(WARM) that pays the one-time costs; set-up (data, model, tracing, XLA
  compilation) cancels only on average, so these cells are noisier. ``legacy_weights`` are the
  initial weights (``--dump-weights``) of this benchmark's own first legacy run of the script.

The load average is printed at the start and the end: the machine is shared, the numbers are noisy.

After the table, a check that the torch ports train like the legacy scripts: each is loaded with the legacy run's
initial weights and fed its first batches and noise, and its first four losses are compared with the legacy
record (the first D loss must agree to 1e-5), once with TF1's Adam arithmetic (what the benchmark times) and once
with ``torch.optim.Adam``'s own epsilon placement (see ``torch_ports``).

Run: python benchmarks/bench_legacy_vs_modern.py [NAMES] [--repeats 3] [--warm W] [--timed T] [--columns ...]
Default steps per reproduction, WARM + TIMED (``benchmark_steps`` in its entry.json): 004 100 + 600, 000 10 + 30,
001 4 + 20, 002 9 + 90, 003 10 + 60, chosen so that the default run of all five (three windows per cell) stays
within about 15 minutes on 2 quiet cores (measured: 8.5 to 10 minutes; see ``WARM_AND_TIMED``). A longer run
(``--repeats`` or ``--timed`` larger) can reach a script's periodic extras (004's grid every 1000 iterations,
000's every 300, 002's every 200, 001's diagnostics every 128 D steps), which then land in a window.
"""
import argparse
import contextlib
import datetime
import inspect
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # torch_ports

import numpy as np  # noqa: E402

from reproductions import equivalence  # noqa: E402
from reproductions.catalog import BY_NAME  # noqa: E402
from compat import record as records  # noqa: E402
from reproductions.execute import prepare_idx, runner_command, runner_environment  # noqa: E402

# (warm-up steps, timed steps) per reproduction: its entry's benchmark_steps. A cell costs its start-up (a legacy
# run ~10 s; a replay-based port one set-up per replay) plus WARM + 3 x TIMED steps (a replay-based port: WARM +
# 3 x (2 WARM + TIMED)).
# Rates measured on the 2 cores when quiet (load average < 2, 2026-12-04), steps/s, legacy / modern: 004 ~450 /
# ~320, 000 ~7.5 / ~6.7, 001 ~3.9 / ~3.9, 002 ~24 / ~57, 003 ~12.5 / ~21. The timed windows take 1.2-4.5 s each
# (004 600 steps, 000 30, 001 20, 002 90 = 30 iterations, 003 60); the warm-ups cover at least two iterations and
# the XLA compilations. Measured, the default run of all five, three windows a cell: 8.5 min on the quiet machine
# with the shorter 001 4 + 6, 002 9 + 45, 003 10 + 40; 13.8 min with the values below while another job raised the
# load average to 2.4-4 in its second half. It slows with the load: 004 + 000 alone took 21 min at a load average
# of 7-10 (3.3 min quiet), torch's two-thread column the most (it collapses to 5-14 steps/s on 004).
WARM_AND_TIMED = {name: BY_NAME[name].benchmark_steps or (10, 30) for name in equivalence.ported()}
CHECK_STEPS = 4  # torch check: two D and two G steps


class Skip(Exception):
    """A cell that cannot be measured here, for a stated reason (printed as "-" with the reason)."""


# --- legacy: the script under the runner, timed per step --------------------------------------------------------

# Runs in the subprocess: ``python -m compat`` with the harness's own command line, plus a time stamp after every
# training step. The monitor's after_step runs once per step, after the step's Session.run / train_on_batch /
# apply_gradients returned, so stamp k - stamp j is the time of steps j+1..k including the script's loop body.
_LEGACY_DRIVER = """
import json, sys, time
from compat import __main__ as cli, steps
stamps = []
after_step = steps.StepMonitor.after_step
def stamped_after_step(self, *args, **kwargs):
    after_step(self, *args, **kwargs)
    stamps.append(time.perf_counter())
steps.StepMonitor.after_step = stamped_after_step
try:
    status = cli.main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as handle:
        json.dump(stamps, handle)
sys.exit(status)
"""


class LegacyRuns:
    """Legacy runs of this benchmark, and the artifacts of each reproduction's first one (kept until the end):
    the initial weights (``--dump-weights``) the replay-based ports and the torch check start from, and the record
    of its losses the torch check compares with."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.artifacts = {}  # name -> (weights .npz path, list of loss dicts per step)

    def run(self, name, steps, xla=False, keep=False):
        """Run the legacy script ``steps`` steps; returns the time stamps after each step (seconds)."""
        entry = BY_NAME[name]
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-", dir=self.folder) as scratch:
            cwd = Path(scratch) / "a" / "b"  # 004 reads ../../MNIST_data: keep it inside the scratch folder
            cwd.mkdir(parents=True)
            if entry.idx_dir:  # 000 reads the IDX files from a folder of its own
                with contextlib.redirect_stderr(io.StringIO()):  # "Copied ... from offline mirror" lines
                    prepare_idx(equivalence.DATASET, cwd / entry.idx_dir.format(dataset=equivalence.DATASET),
                                scratch)
            record, stamps = cwd / "record.jsonl", cwd / "stamps.json"
            weights = self.folder / f"{name}.initial.npz"
            options = [*(["--xla"] if xla else []), *(["--dump-weights", weights] if keep else [])]
            command = runner_command(entry, equivalence.DATASET, record, steps=steps, options=options,
                                     deterministic=False, launcher=(sys.executable, "-c", _LEGACY_DRIVER, stamps))
            done = subprocess.run(command, cwd=cwd, env=runner_environment(), capture_output=True, text=True, timeout=1800)
            if done.returncode != 0:
                raise RuntimeError(f"legacy run of {entry.script} failed (exit {done.returncode}):\n"
                                   f"{done.stderr[-2000:]}")
            if keep:
                self.artifacts[name] = (weights, records.read(record).losses())
            return json.loads(stamps.read_text())

    def rates(self, name, warm, timed, windows, xla=False):
        """Steps per second in ``windows`` consecutive spans of ``timed`` steps after ``warm`` steps, one run."""
        steps = warm + windows * timed
        stamps = self.run(name, steps, xla, keep=name not in self.artifacts)
        if len(stamps) < steps:
            raise RuntimeError(f"the legacy run stopped after {len(stamps)} steps, {steps} asked")
        return [timed / (stamps[warm + (i + 1) * timed - 1] - stamps[warm + i * timed - 1]) for i in range(windows)]

    def initial(self, name):
        """``(initial weights as a dict of arrays, legacy losses per step)`` of a legacy run of ``name`` (a short
        one is made if the benchmark has not run the script yet)."""
        if name not in self.artifacts:
            self.run(name, CHECK_STEPS, keep=True)
        weights, losses = self.artifacts[name]
        with np.load(weights) as arrays:
            return dict(arrays), losses


@contextlib.contextmanager
def quiet():
    """The ports' train loops print progress lines (as the legacy scripts do): keep them out of the table."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def timed_rates(train, warm, timed, windows):
    """``train(n)`` continues training one model for about n steps and returns how many it made (whole
    iterations): warm up, then the rates of ``windows`` consecutive spans of ``timed`` steps."""
    rates = []
    with quiet():
        train(warm)
        for _ in range(windows):
            started = time.perf_counter()
            steps = train(timed)
            rates.append(steps / (time.perf_counter() - started))
    return rates


# --- ports -------------------------------------------------------------------------------------------------------

def torch_model(name):
    """A new torch port of ``name`` (benchmarks/torch_ports.py), seeded, or Skip."""
    try:
        import torch
        import torch_ports
    except ImportError as error:
        raise Skip(f"torch not installed ({error}); pip install torch==2.13.0") from None
    makers = {"004_vanilla_gan": torch_ports.VanillaGAN004, "000_infogan_gan": torch_ports.InfoGAN000}
    if name not in makers:
        raise Skip(f"no torch port of {name} (benchmarks/torch_ports.py: {', '.join(makers)})")
    torch.manual_seed(1)
    return makers[name]


def train_rates(name, warm, timed, windows, gan=None, **options):
    """Rates of the port's ``trainer`` (one model training on), or Skip for a port without one."""
    port = BY_NAME[name].port()
    if not callable(getattr(port, "trainer", None)):
        raise Skip("the port has no trainer()")
    train_more = port.trainer(gan, seed=BY_NAME[name].seed, **options)
    return timed_rates(lambda steps: len(train_more(steps)), warm, timed, windows)


def port_module(name):
    """The port's module (``reproductions/<name>/port.py``) with its ``replay``, or Skip."""
    if not BY_NAME[name].has_port:
        raise Skip(f"no port yet (reproductions/{name}/port.py)")
    return BY_NAME[name].port()


def replay_rates(runs, name, warm, timed, windows, jit_compile=False):
    """Rates of a port through ``replay(legacy_weights, steps, seed, **options)``: after one untimed replay(warm)
    (imports, first tracing, data caches), per window replay(warm) then replay(warm + timed), the rate being timed /
    the difference (pairs close in time share the machine's load; the median of the pairs damps set-up noise)."""
    port = port_module(name)
    options = {}
    if jit_compile:
        parameters = inspect.signature(port.replay).parameters.values()
        if not any(p.name == "jit_compile" or p.kind is p.VAR_KEYWORD for p in parameters):
            raise Skip("replay() takes no jit_compile")
        options["jit_compile"] = True
    weights, _ = runs.initial(name)
    seed = BY_NAME[name].seed

    def seconds(steps):
        started = time.perf_counter()
        port.replay(weights, steps, seed, **options)
        return time.perf_counter() - started

    with quiet():
        try:
            seconds(warm)
        except TypeError as error:  # e.g. the port's model has no jit_compile argument
            if "jit_compile" in str(error):
                raise Skip(f"the port takes no jit_compile ({error})") from None
            raise
        pairs = [(seconds(warm), seconds(warm + timed)) for _ in range(windows)]
    differences = [long - short for short, long in pairs]
    if max(differences) <= 0:
        raise RuntimeError(f"replay({warm + timed}) took no longer than replay({warm}): set-up noise exceeds the "
                           "timed steps; raise --timed")
    return [timed / d for d in differences if d > 0]  # a non-positive pair is set-up noise: dropped


# --- the table ---------------------------------------------------------------------------------------------------

def torch_default_threads():
    try:
        import torch
    except ImportError:
        return None
    return torch.get_num_threads()


def columns():
    """Column name -> function (runs, name, warm, timed, windows) -> a list of steps/s; raises Skip for a cell
    with no variant."""
    import_threads = torch_default_threads()

    def modern(jit_compile):
        def rate(runs, name, warm, timed, windows):
            if callable(getattr(port_module(name), "trainer", None)):
                return train_rates(name, warm, timed, windows, jit_compile=jit_compile)
            return replay_rates(runs, name, warm, timed, windows, jit_compile=jit_compile)
        return rate

    def torch_threads(count):
        def rate(runs, name, warm, timed, windows):
            maker = torch_model(name)
            if count is None and import_threads == 1:
                raise Skip("torch's default is one thread: see torch 1t")
            import torch_ports

            with torch_ports.threads(count):
                return train_rates(name, warm, timed, windows, gan=maker())
        return rate

    return {
        "legacy": lambda runs, name, warm, timed, windows: runs.rates(name, warm, timed, windows),
        "legacy --xla": lambda runs, name, warm, timed, windows: runs.rates(name, warm, timed, windows, xla=True),
        "modern": modern(False),
        "modern jit": modern(True),
        "torch 1t": torch_threads(1),
        f"torch {import_threads or 'N'}t": torch_threads(None),
    }


def torch_check(runs, name):
    """First CHECK_STEPS losses of the torch port from the legacy initial weights, on the legacy feed, against the
    legacy record: one line per Adam variant."""
    import torch
    import torch_ports

    weights, legacy = runs.initial(name)
    lines = []
    for tf1_epsilon in (True, False):
        gan = torch_model(name)(tf1_epsilon=tf1_epsilon)
        gan.load_legacy_weights(weights)
        with quiet(), torch_ports.threads(1):
            losses = BY_NAME[name].port().trainer(gan, seed=BY_NAME[name].seed)(CHECK_STEPS)
        deviations = []
        for step, (old, new) in enumerate(zip(legacy[:CHECK_STEPS], losses), start=1):
            worst = max(old, key=lambda key: abs(old[key] - new[key]))
            deviations.append((step, worst, abs(old[worst] - new[worst])))
        first = deviations[0][2]
        verdict = "first D loss agrees (<= 1e-5)" if first <= 1e-5 else "FIRST D LOSS DISAGREES (> 1e-5)"
        label = "TF1 Adam (timed)    " if tf1_epsilon else "torch.optim.Adam eps"
        lines.append(f"  {name:<20} {label}  " + ", ".join(f"{step}: {key} {d:.1e}" for step, key, d in deviations)
                     + (f"  -> {verdict}" if tf1_epsilon else "  (eps added after the bias correction)"))
    return lines


def versions():
    import tensorflow as tf
    import keras

    try:
        import torch
        torch_version = f"{torch.__version__} (default threads {torch.get_num_threads()})"
    except ImportError:
        torch_version = "not installed (pip install torch==2.13.0 for the torch columns)"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"machine: {cpu}, {os.cpu_count()} cores visible, load average {load} (1/5/15 min) at start",
            f"python {platform.python_version()}, tensorflow {tf.__version__}, keras {keras.__version__}, "
            f"numpy {np.__version__}, torch {torch_version}"]


def main(argv=None):
    names_all = equivalence.ported()
    table = columns()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=names_all, help="reproductions (default: every ported one)")
    parser.add_argument("--repeats", type=int, default=3, help="timed windows per cell; the median is shown")
    parser.add_argument("--warm", "--short", type=int, default=None, dest="warm",
                        help=f"warm-up steps before timing (default per reproduction: {WARM_AND_TIMED})")
    parser.add_argument("--timed", type=int, default=None, help="timed steps (default per reproduction)")
    parser.add_argument("--columns", default=",".join(table), help=f"comma-separated subset of: {', '.join(table)}")
    parser.add_argument("--no-check", action="store_true", help="skip the torch ports' first-steps check")
    args = parser.parse_args(argv)
    chosen = [c.strip() for c in args.columns.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in table] + [n for n in args.names if n not in names_all]
    if unknown:
        parser.error(f"unknown column or reproduction: {unknown}")
    reason = equivalence.fashion_mnist_available()
    if reason:
        sys.exit(reason)
    for line in versions():
        print(line)
    print(f"training steps per second, median of {args.repeats} windows of 'timed' steps after 'warm' steps")
    width = 13
    print(f"{'reproduction':<20}" + "".join(f"{c:>{width}}" for c in table) + f"{'warm+timed':>12}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-legacy-vs-modern-") as folder:
        runs = LegacyRuns(folder)
        for name in args.names:
            warm, timed = args.warm or WARM_AND_TIMED[name][0], args.timed or WARM_AND_TIMED[name][1]
            cells, notes = [], []
            for column, rate in table.items():
                if column not in chosen:
                    cells.append("")
                    continue
                try:
                    cells.append(f"{statistics.median(rate(runs, name, warm, timed, args.repeats)):.1f}")
                except Skip as why:
                    cells.append("-")
                    notes.append(f"{column}: {why}")
                except Exception as error:  # noqa: BLE001 - one broken cell (a port being written) must not end the run
                    cells.append("err")
                    notes.append(f"{column}: {type(error).__name__}: {str(error).strip().splitlines()[-1][:200]}")
            print(f"{name:<20}" + "".join(f"{c:>{width}}" for c in cells) + f"{f'{warm}+{timed}':>12}", flush=True)
            merged = {}  # one line per reason, naming its columns
            for note in notes:
                column, reason = note.split(": ", 1)
                merged.setdefault(reason, []).append(column)
            for reason, cols in merged.items():
                print(f"    {', '.join(cols)}: {reason}", flush=True)
        print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min; "
              f"{os.cpu_count()} cores: above that, other jobs competed)")
        if not args.no_check and torch_default_threads() is not None:
            checked = [n for n in args.names if callable(getattr(BY_NAME[n].port(), "trainer", None))]
            if checked:
                print(f"torch ports vs legacy from the same initial weights, batches and noise: max |torch - legacy| "
                      f"of the losses at steps 1-{CHECK_STEPS}")
            for name in checked:
                try:
                    for line in torch_check(runs, name):
                        print(line, flush=True)
                except Exception as error:  # noqa: BLE001
                    print(f"  {name}: check failed: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
