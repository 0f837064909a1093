"""Benchmark the runner's costs (prints figures; not a test).

1. Start-up: process start to the script's first line under `python -m compat run`, against a bare
   `python -c "import tensorflow"` (both measured the same way: wall time until the first line prints).
2. Per-step overhead of step counting/recording (compat.steps.StepMonitor) on a small graph-mode training loop
   (the 784-128-1 / 100-128-784 vanilla GAN at batch 128): the same loop timed with and without the monitor,
   interleaved in one process. Target: under 2 %.

Run: python benchmarks/bench_runner.py [--repeats 5] [--steps 300]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def first_line_seconds(command, env):
    started = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    return float(out.strip().splitlines()[0]) - started


def startup(repeats):
    env = {**os.environ, "PYTHONPATH": REPO}
    with tempfile.TemporaryDirectory() as folder:
        script = os.path.join(folder, "first_line.py")
        with open(script, "w") as handle:
            handle.write("import time; print(time.time())\nimport tensorflow as tf\nx = tf.placeholder(tf.float32)\n")
        bare = [first_line_seconds([sys.executable, "-c", "import tensorflow, time; print(time.time())"], env)
                for _ in range(repeats)]
        runner = [first_line_seconds([sys.executable, "-m", "compat", "run", script], env) for _ in range(repeats)]
    return statistics.median(bare), statistics.median(runner)


def step_overhead(repeats, steps):
    import numpy as np
    import tensorflow as tf

    from compat.steps import StepMonitor

    tf1 = tf.compat.v1
    tf1.disable_v2_behavior()
    tf1.set_random_seed(0)
    X = tf1.placeholder(tf.float32, [None, 784])
    Z = tf1.placeholder(tf.float32, [None, 100])

    def dense(x, n_in, n_out, name):
        w = tf1.get_variable(name + "_w", [n_in, n_out], initializer=tf1.glorot_normal_initializer())
        b = tf1.get_variable(name + "_b", [n_out], initializer=tf1.zeros_initializer())
        return tf.matmul(x, w) + b

    def d(x, reuse):
        with tf1.variable_scope("D", reuse=reuse):
            return dense(tf.nn.relu(dense(x, 784, 128, "h1")), 128, 1, "out")

    with tf1.variable_scope("G"):
        g = tf.nn.sigmoid(dense(tf.nn.relu(dense(Z, 100, 128, "h1")), 128, 784, "out"))
    real, fake = d(X, False), d(g, True)
    ce = tf.nn.sigmoid_cross_entropy_with_logits
    d_loss = tf.reduce_mean(ce(logits=real, labels=tf.ones_like(real))) + \
        tf.reduce_mean(ce(logits=fake, labels=tf.zeros_like(fake)))
    g_loss = tf.reduce_mean(ce(logits=fake, labels=tf.ones_like(fake)))

    # One graph, one session; the train ops are registered once (the monitor is installed while they are built),
    # then rounds alternate with the patches removed ("plain") and installed ("monitored").
    monitor = StepMonitor(record_path=os.devnull)
    monitor.install()
    d_opt = tf1.train.AdamOptimizer().minimize(d_loss, var_list=tf1.trainable_variables("D"))
    g_opt = tf1.train.AdamOptimizer().minimize(g_loss, var_list=tf1.trainable_variables("G"))
    sess = tf1.Session()
    sess.run(tf1.global_variables_initializer())
    rng = np.random.default_rng(0)
    xs = rng.uniform(0, 1, (steps, 128, 784)).astype(np.float32)
    zs = rng.uniform(-1, 1, (steps, 2, 128, 100)).astype(np.float32)
    for i in range(10):  # warm-up
        sess.run([d_opt, d_loss], {X: xs[i], Z: zs[i, 0]})
    results = {"plain": [], "monitored": []}
    for round_ in range(2 * repeats):  # ABBA order, so drift in machine speed cancels between the two modes
        mode = ("plain", "monitored", "monitored", "plain")[round_ % 4]
        monitor.uninstall()  # (a no-op when not installed: never wrap the wrappers twice)
        if mode == "monitored":
            monitor.install()
        counted = monitor.steps
        started = time.perf_counter()
        for i in range(steps):
            sess.run([d_opt, d_loss], {X: xs[i], Z: zs[i, 0]})
            sess.run([g_opt, g_loss], {Z: zs[i, 1]})
        results[mode].append((time.perf_counter() - started) / steps)
        assert monitor.steps - counted == (2 * steps if mode == "monitored" else 0)
    monitor.close("completed")
    monitor.uninstall()
    return statistics.median(results["plain"]), statistics.median(results["monitored"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    bare, runner = startup(args.repeats)
    print(f"start-up to the first line (median of {args.repeats}):")
    print(f"  python -c 'import tensorflow'   {bare:6.2f} s")
    print(f"  python -m compat run SCRIPT     {runner:6.2f} s   (+{runner - bare:.2f} s, x{runner / bare:.2f})")
    plain, monitored = step_overhead(args.repeats, args.steps)
    print(f"graph-mode GAN iteration (D step + G step, batch 128), median of {args.repeats} x {args.steps}:")
    print(f"  without step counting  {plain * 1e3:7.3f} ms")
    print(f"  with step counting     {monitored * 1e3:7.3f} ms   overhead {100 * (monitored / plain - 1):+.2f} % "
          f"(target < 2 %)")


if __name__ == "__main__":
    main()
