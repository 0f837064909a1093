"""Benchmark legacy scripts against their modern ports: training steps per second (prints a table; not a test).

For each ported reproduction, side by side, at the legacy script's batch size:

* legacy — the legacy script under the era runner (TF1 graph mode, ``python -m compat run``);
* legacy --xla — the same with the runner's ``--xla`` (graph-level XLA auto-clustering);
* modern — the TF 2.21 port (``reproductions/modern/``, ``tf.function``);
* modern jit — the port with ``tf.function(jit_compile=True)``;
* torch — a PyTorch port as an outside reference, on one thread (see ``torch_rate_004``; 004 only so far, "-"
  for 000; skipped with a message when torch is not installed).

How each is timed. A "step" is one parameter update (the runner's definition: 004 makes a D step and a G step
per iteration). The legacy script runs in a subprocess whose only clock is the runner's own (the script's whole
execution, data loading and graph building included), so it runs twice, with ``--max-steps`` SHORT and LONG, and
the rate is (LONG - SHORT) / (time LONG - time SHORT): set-up cancels out. The ports run in this process after a
warm-up (tracing, compilation) of SHORT steps, then LONG - SHORT steps are timed. Every variant is fed the same way
the legacy script feeds itself: NumPy batches in TF1's ``next_batch`` order and NumPy noise, per iteration
(``reproductions.equivalence.tf1_next_batches``), and every variant fetches its losses to Python every step as the
legacy ``sess.run`` did. Each measurement is repeated and the median reported: the machine is shared, the numbers
are noisy.

Run: python benchmarks/bench_legacy_vs_modern.py [NAMES] [--repeats 3] [--short S] [--long L]
(defaults per reproduction in ``STEPS``: 004 100/1000, 000 10/60 — 000 takes about 0.4 s a step here)
"""
import argparse
import datetime
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

import numpy as np  # noqa: E402

from reproductions import equivalence  # noqa: E402
from reproductions.catalog import BY_NAME  # noqa: E402
from reproductions.execute import prepare_idx  # noqa: E402


def legacy_seconds(name, steps, xla):
    """The runner's own clock for one legacy run of ``steps`` steps (the record's final ``end.seconds``)."""
    entry = BY_NAME[name]
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as scratch:
        cwd = Path(scratch) / "a" / "b"
        cwd.mkdir(parents=True)
        if entry.idx_dir:  # 000 reads the IDX files from a folder of its own
            prepare_idx(equivalence.DATASET, cwd / entry.idx_dir.format(dataset=equivalence.DATASET), scratch)
        record = cwd / "record.jsonl"
        command = [sys.executable, "-m", "compat", "run", "--seed", str(entry.seed), "--dataset",
                   equivalence.DATASET, "--max-steps", str(steps), "--record", str(record),
                   *(["--xla"] if xla else []), str(entry.script_path),
                   *(a.format(dataset=equivalence.DATASET) for a in entry.args)]
        env = {**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"}
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        events = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return next(e["end"]["seconds"] for e in reversed(events) if "end" in e)


def legacy_rate(name, short, long, xla=False):
    return (long - short) / (legacy_seconds(name, long, xla) - legacy_seconds(name, short, xla))


# --- 004 ---------------------------------------------------------------------------------------------------------

def feed_004(seed=1):
    """What one legacy iteration consumes, in the legacy order (see reproductions.equivalence.modern_004)."""
    from reproductions.modern import vanilla_gan_004 as port

    np.random.seed(seed)
    return port.iterations(equivalence.tf1_next_batches(equivalence.tf1_train_images(), port.MB_SIZE))


def modern_rate_004(short, long, jit_compile=False):
    import tensorflow as tf
    from reproductions.modern import vanilla_gan_004 as port

    tf.random.set_seed(1)
    gan = port.VanillaGAN(jit_compile=jit_compile)
    feed = feed_004()
    port.train(gan, feed, short // 2)  # warm-up: tracing (and XLA compilation)
    started = time.perf_counter()
    port.train(gan, feed, (long - short) // 2)
    return (long - short) / (time.perf_counter() - started)


def torch_rate_004(short, long):
    """A PyTorch port of 004 (same layers, initialisation scale, losses, Adam with TF1's defaults)."""
    import torch

    torch.manual_seed(1)
    # One thread: with two, torch's OpenMP workers spin-wait, and on this shared 2-core machine the rate swung
    # from 48 to 330 steps/s between two runs; one thread gave 226-233. The matrices are small (128 x 784).
    torch.set_num_threads(1)

    def he(fan_in, fan_out):
        return torch.nn.Parameter(torch.randn(fan_in, fan_out) / (fan_in / 2.) ** 0.5)

    D = [he(784, 128), torch.nn.Parameter(torch.zeros(128)), he(128, 1), torch.nn.Parameter(torch.zeros(1))]
    G = [he(100, 128), torch.nn.Parameter(torch.zeros(128)), he(128, 784), torch.nn.Parameter(torch.zeros(784))]
    d_opt = torch.optim.Adam(D, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    g_opt = torch.optim.Adam(G, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def generator(z):
        return torch.sigmoid(torch.relu(z @ G[0] + G[1]) @ G[2] + G[3])

    def discriminator(x):
        return torch.relu(x @ D[0] + D[1]) @ D[2] + D[3]

    def iterate(count, feed):
        for _ in range(count):
            _, x, z_d, z_g = next(feed)
            x, z_d, z_g = (torch.from_numpy(np.asarray(a, np.float32)) for a in (x, z_d, z_g))
            real, fake = discriminator(x), discriminator(generator(z_d))
            d_loss = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
            d_opt.zero_grad()
            d_loss.backward()
            d_opt.step()
            fake = discriminator(generator(z_g))
            g_loss = bce(fake, torch.ones_like(fake))
            g_opt.zero_grad()
            g_loss.backward()
            g_opt.step()
            d_loss.item(), g_loss.item()  # fetch both, as sess.run did

    feed = feed_004()
    iterate(short // 2, feed)
    started = time.perf_counter()
    iterate((long - short) // 2, feed)
    return (long - short) / (time.perf_counter() - started)


# --- 000 ---------------------------------------------------------------------------------------------------------

def modern_rate_000(short, long, jit_compile=False):
    import tensorflow as tf
    from reproductions.modern import infogan_gan_000 as port

    tf.random.set_seed(1)
    data_X = port.load_data()  # the legacy order and noise (seed 547), as in the legacy loop
    gan = port.GAN(jit_compile=jit_compile)
    port.train(gan, data_X[:short * port.BATCH_SIZE], short)  # warm-up: tracing (and XLA compilation)
    started = time.perf_counter()
    port.train(gan, data_X[short * port.BATCH_SIZE:], long - short)
    return (long - short) / (time.perf_counter() - started)


VARIANTS = {  # reproduction -> {column: rate function (short, long) -> steps per second}
    "004_vanilla_gan": {
        "legacy": lambda s, l: legacy_rate("004_vanilla_gan", s, l),
        "legacy --xla": lambda s, l: legacy_rate("004_vanilla_gan", s, l, xla=True),
        "modern": modern_rate_004,
        "modern jit": lambda s, l: modern_rate_004(s, l, jit_compile=True),
        "torch": torch_rate_004,
    },
    "000_infogan_gan": {
        "legacy": lambda s, l: legacy_rate("000_infogan_gan", s, l),
        "legacy --xla": lambda s, l: legacy_rate("000_infogan_gan", s, l, xla=True),
        "modern": modern_rate_000,
        "modern jit": lambda s, l: modern_rate_000(s, l, jit_compile=True),
    },
}
# (short, long) steps per reproduction: 000 takes about 0.4 s a step on this CPU
STEPS = {"004_vanilla_gan": (100, 1000), "000_infogan_gan": (10, 60)}
COLUMNS = ("legacy", "legacy --xla", "modern", "modern jit", "torch")


def versions():
    import tensorflow as tf
    import keras

    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed (pip install torch==2.13.0 for the torch column)"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return [f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"machine: {cpu}, {os.cpu_count()} cores visible, load average {os.getloadavg()[0]:.1f} at start",
            f"python {platform.python_version()}, tensorflow {tf.__version__}, keras {keras.__version__}, "
            f"numpy {np.__version__}, torch {torch_version}"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=sorted(VARIANTS), help="reproductions (default: all ported)")
    parser.add_argument("--repeats", type=int, default=3, help="measurements per cell; the median is shown")
    parser.add_argument("--short", type=int, default=None,
                        help=f"warm-up steps / the short legacy run (default per reproduction: {STEPS})")
    parser.add_argument("--long", type=int, default=None, help="steps of the long run (timed: LONG - SHORT)")
    args = parser.parse_args(argv)
    reason = equivalence.fashion_mnist_available()
    if reason:
        sys.exit(reason)
    for line in versions():
        print(line)
    print(f"training steps per second, median of {args.repeats}")
    print(f"{'reproduction':<18}" + "".join(f"{c:>14}" for c in COLUMNS) + "  timed steps")
    for name in args.names:
        if name not in VARIANTS:
            print(f"{name:<18} no modern port yet")
            continue
        short, long = args.short or STEPS[name][0], args.long or STEPS[name][1]
        cells = []
        for column in COLUMNS:
            rate = VARIANTS[name].get(column)
            if rate is None:  # no port in this framework (torch: 004 only)
                cells.append("-")
                continue
            try:
                cells.append(f"{statistics.median(rate(short, long) for _ in range(args.repeats)):.1f}")
            except ImportError as error:
                print(f"  ({column} skipped: {error}; pip install torch==2.13.0)", file=sys.stderr)
                cells.append("n/a")
        print(f"{name:<18}" + "".join(f"{c:>14}" for c in cells) + f"  {long - short}", flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores; above 2, other jobs competed)")


if __name__ == "__main__":
    main()
