"""Benchmark compat.input_data (prints figures; not a test).

1. ``read_data_sets`` cold (empty train_dir: copy from the offline mirror, verify, extract), warm (files
   already in train_dir: header check, extract, digests for the other-dataset note) and the same folder read
   as MNIST (the Fashion-MNIST README's pattern: TF1's default URL, the note printed). Fashion-MNIST through
   ``COMPAT_MNIST_DATASET=fashion-mnist``, the one complete dataset available offline.
2. ``next_batch(128)`` throughput against a plain NumPy slice of the same array (the floor for any batching).
3. ``next_batch(128)`` cost as a share of one training step of the classic vanilla GAN (wiseodd's
   784-128-1 discriminator / 100-128-784 generator, Adam, batch 128) in tf.compat.v1 graph mode: one D update
   plus one G update, as the script runs them; both timed in the same loop over several epochs, so the
   epoch-boundary reshuffles count at their real rate. Target: under 5 %.

Run: python benchmarks/bench_input_data.py [--repeats 3] [--steps 1300] [--calls 5000] [--loads-only]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import contextlib  # noqa: E402
import io  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from compat import input_data  # noqa: E402

BATCH = 128


def quiet_read(train_dir, dataset="fashion-mnist"):
    # The loader prints TF1's "Extracting ..." lines and mirror notes; keep the figures readable.
    os.environ[input_data.DATASET_ENV_VAR] = dataset
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return input_data.read_data_sets(train_dir, one_hot=True)


def load_times(repeats):
    """Median seconds of a cold read, a warm read, and a warm read as MNIST; and the last data read."""
    cold, warm, as_mnist = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            train_dir = os.path.join(folder, "MNIST_data")
            started = time.perf_counter()
            quiet_read(train_dir)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            quiet_read(train_dir, "mnist")
            as_mnist.append(time.perf_counter() - started)
            started = time.perf_counter()
            data = quiet_read(train_dir)
            warm.append(time.perf_counter() - started)
    return statistics.median(cold), statistics.median(warm), statistics.median(as_mnist), data


def per_call_seconds(call, calls):
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def batching_costs(data, calls):
    train = data.train
    images, labels = train.images, train.labels
    n = train.num_examples
    position = [0]

    def plain_slice():
        start = position[0]
        position[0] = (start + BATCH) % (n - BATCH)
        return images[start:start + BATCH], labels[start:start + BATCH]

    # The first call shuffles the whole split once (TF1's first-epoch shuffle): a one-time cost, timed apart.
    first = per_call_seconds(lambda: train.next_batch(BATCH), 1)
    # Steady state, including the reshuffle at each epoch boundary (55000 / 128 = 430 batches per epoch).
    next_batch = per_call_seconds(lambda: train.next_batch(BATCH), calls)
    return first, next_batch, per_call_seconds(plain_slice, calls)


def gan_training_costs(data, steps):
    """Mean seconds of next_batch and of one D step + one G step, measured in the same training loop.

    The loop is the classic vanilla GAN's (wiseodd): D 784-128-1, G 100-128-784, Adam, batch 128, one D then
    one G update per step. Timing both in one loop keeps machine load the same for both figures; `steps`
    should span several epochs (430 steps each) so that the reshuffles are counted at their real rate.
    """
    def xavier(shape):
        return tf.random.normal(shape, stddev=1.0 / np.sqrt(shape[0] / 2.0))

    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(0)
        X = tf.compat.v1.placeholder(tf.float32, [None, 784])
        Z = tf.compat.v1.placeholder(tf.float32, [None, 100])
        D_W1, D_b1 = tf.Variable(xavier([784, 128])), tf.Variable(tf.zeros([128]))
        D_W2, D_b2 = tf.Variable(xavier([128, 1])), tf.Variable(tf.zeros([1]))
        G_W1, G_b1 = tf.Variable(xavier([100, 128])), tf.Variable(tf.zeros([128]))
        G_W2, G_b2 = tf.Variable(xavier([128, 784])), tf.Variable(tf.zeros([784]))

        def discriminator(x):
            return tf.matmul(tf.nn.relu(tf.matmul(x, D_W1) + D_b1), D_W2) + D_b2

        G_sample = tf.nn.sigmoid(tf.matmul(tf.nn.relu(tf.matmul(Z, G_W1) + G_b1), G_W2) + G_b2)
        D_real, D_fake = discriminator(X), discriminator(G_sample)
        xent = tf.nn.sigmoid_cross_entropy_with_logits
        D_loss = tf.reduce_mean(xent(logits=D_real, labels=tf.ones_like(D_real))) + tf.reduce_mean(
            xent(logits=D_fake, labels=tf.zeros_like(D_fake)))
        G_loss = tf.reduce_mean(xent(logits=D_fake, labels=tf.ones_like(D_fake)))
        D_solver = tf.compat.v1.train.AdamOptimizer().minimize(D_loss, var_list=[D_W1, D_W2, D_b1, D_b2])
        G_solver = tf.compat.v1.train.AdamOptimizer().minimize(G_loss, var_list=[G_W1, G_W2, G_b1, G_b2])
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            batch_time = step_time = 0.0
            for step in range(steps + 20):
                started = time.perf_counter()
                X_mb, _ = data.train.next_batch(BATCH)
                fed = time.perf_counter()
                sess.run([D_solver, D_loss], feed_dict={X: X_mb, Z: np.random.uniform(-1.0, 1.0, [BATCH, 100])})
                sess.run([G_solver, G_loss], feed_dict={Z: np.random.uniform(-1.0, 1.0, [BATCH, 100])})
                if step >= 20:  # skip warm-up
                    batch_time += fed - started
                    step_time += time.perf_counter() - fed
    return batch_time / steps, step_time / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="read_data_sets cold/warm repetitions")
    parser.add_argument("--steps", type=int, default=1300, help="timed GAN steps (430 per epoch)")
    parser.add_argument("--calls", type=int, default=5000, help="timed next_batch calls")
    parser.add_argument("--loads-only", action="store_true", help="time read_data_sets only")
    args = parser.parse_args()

    # Shared machines skew every figure below (the reshuffles most): say how busy this one was.
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    cold, warm, as_mnist, data = load_times(args.repeats)
    print(f"read_data_sets (Fashion-MNIST, one_hot): cold {cold:.3f} s (mirror copy + verify + extract), "
          f"warm {warm:.3f} s (header check + extract + digests), the same folder read as MNIST {as_mnist:.3f} s "
          f"(+ the note); median of {args.repeats}")
    if args.loads_only:
        return

    first, next_batch, plain = batching_costs(data, args.calls)
    epochs = args.calls * BATCH / data.train.num_examples
    print(f"next_batch({BATCH}): {next_batch * 1e6:.1f} us/call = {BATCH / next_batch:,.0f} examples/s over "
          f"{args.calls} calls ({epochs:.1f} epochs, reshuffles included); first call (initial shuffle) "
          f"{first * 1e3:.0f} ms once; plain NumPy slice: {plain * 1e6:.2f} us/call")

    in_loop, step = gan_training_costs(data, args.steps)
    share = 100.0 * in_loop / step
    verdict = "meets" if share < 5.0 else "MISSES"
    print(f"vanilla GAN (D + G step, batch {BATCH}, graph mode), {args.steps} steps "
          f"({args.steps * BATCH / data.train.num_examples:.1f} epochs): step {step * 1e3:.2f} ms mean, "
          f"next_batch {in_loop * 1e6:.0f} us mean = {share:.2f} % of a step ({verdict} the < 5 % target)")
    print(f"  same next_batch cost measured alone: {100.0 * next_batch / step:.2f} % of a step; "
          f"load average after: {os.getloadavg()[0]:.2f}")

if __name__ == "__main__":
    main()
