"""The modern TF 2.21 ports train like their legacy scripts: same initial weights, batches and noise give the same
loss trajectory, step for step, within each port's stated TOLERANCE (reproductions/equivalence.py); and each
plausible porting mistake a port lists (its MISTAKES) is caught.

One test of each kind per ported reproduction of the catalog. The legacy script runs once per reproduction
(a subprocess, 200 steps, minutes for the larger ones) and every test of that reproduction reuses it; run one
reproduction with ``-k 004_vanilla_gan``. Below the parametrized tests, the properties a single port has that a
loss trajectory cannot show (moving statistics, the noise stream, the shared Adam).
"""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import needs_fashion, needs_keras3
from reproductions import equivalence
from reproductions.catalog import BY_NAME

pytestmark = needs_keras3
STEPS = 200
PORTED = equivalence.ported()
MISTAKES = [(name, mistake) for name in PORTED for mistake in BY_NAME[name].port().MISTAKES]
SAMPLE_EVERY = 4


# further runner options of a reproduction's legacy run, for the port-specific tests below: 001's run dumps its
# batch norms' moving statistics every SAMPLE_EVERY steps
LEGACY_OPTIONS = {"001_dcgan_generator": ("--sampler", "reproductions.001_dcgan_generator.sampler:moving_statistics",
                                          "--sample-every", str(SAMPLE_EVERY))}


@pytest.fixture(scope="module")
def legacy_runs(tmp_path_factory):
    """name -> ``(losses, weights)`` of the legacy run (``STEPS`` steps, the catalog's seed), made on first use, and
    name -> its working directory."""
    runs, folders = {}, {}

    def get(name):
        if name not in runs:
            folders[name] = tmp_path_factory.mktemp(f"legacy-{name}")
            runs[name] = equivalence.run_legacy(name, STEPS, folders[name],
                                                extra_runner_args=LEGACY_OPTIONS.get(name, ()))
        return runs[name]

    get.folders = folders
    return get


@pytest.fixture(scope="module")
def trajectories(legacy_runs):
    """name -> the :class:`~reproductions.equivalence.Comparison` of ``STEPS`` steps (not yet checked)."""
    made = {}

    def get(name):
        if name not in made:
            made[name] = equivalence.compare(name, STEPS, legacy_run=legacy_runs(name))
        return made[name]

    return get


@pytest.mark.slow
@needs_fashion
@pytest.mark.parametrize("name", PORTED)
def test_port_follows_the_legacy_trajectory(trajectories, name):
    comparison = trajectories(name)
    assert len(comparison.legacy) == STEPS and len(comparison.modern) == STEPS
    series = [set(s) for s in BY_NAME[name].port().STEP_SERIES]
    assert [set(losses) for losses in comparison.legacy[:len(series)]] == series  # the runner's record of legacy
    assert [set(losses) for losses in comparison.modern[:len(series)]] == series
    assert comparison.check(), comparison.summary() + f"\nfirst failures: {comparison.failures[:5]}"


@pytest.mark.slow
@needs_fashion
@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}-{m}" for n, m in MISTAKES])
def test_check_catches_the_porting_mistake(legacy_runs, name, mistake):
    made = BY_NAME[name].port().MISTAKES[mistake]
    comparison = equivalence.compare(name, made.steps, legacy_run=legacy_runs(name), **made.options)
    assert not comparison.check(), f"{name}: {mistake} went unnoticed ({made.why})"
    earliest, latest = made.first_failure
    assert earliest <= comparison.failures[0][0] <= latest, comparison.summary(every=5)


# --- properties of single ports ----------------------------------------------------------------------------------

@needs_fashion
def test_replayed_tf1_batch_order_matches_the_runtime_loader():
    # Two implementations of TF1's next_batch (the runtime's DataSet and the equivalence replay) over an epoch
    # boundary, on small synthetic data: same batches when NumPy starts from the same seed.
    from compat.input_data import DataSet

    images = np.arange(10 * 28 * 28, dtype=np.uint8).reshape(10, 28, 28, 1)
    np.random.seed(5)
    dataset = DataSet(images, np.zeros(10), seed=7)  # re-seeds np.random with 7, as TF1 did
    expected = [dataset.next_batch(4)[0] for _ in range(6)]
    np.random.seed(7)
    flat = np.multiply(images.reshape(10, 784).astype(np.float32), 1.0 / 255.0).astype(np.float32)
    replay = equivalence.tf1_next_batches(flat, 4)
    for batch in expected:
        np.testing.assert_array_equal(next(replay), batch)


@pytest.mark.slow
@needs_fashion
def test_004_d_loss_is_the_sum_of_its_terms(trajectories):
    # an identity of the script's losses, independent of the tolerance
    for losses in trajectories("004_vanilla_gan").modern[::2]:
        assert losses["D_loss"] == pytest.approx(losses["D_loss_real"] + losses["D_loss_fake"], abs=1e-6)


@pytest.mark.slow
@needs_fashion
def test_002_first_step_is_bit_identical(trajectories):
    # step 1 is a forward pass of the same weights on the same real batch: equal to the bit, whatever the
    # tolerance (a wrong batch, label or weight order shows here)
    comparison = trajectories("002_cgan_maxout")
    assert comparison.modern[0] == comparison.legacy[0]


@pytest.mark.slow
@needs_fashion
def test_003_first_two_steps_agree_to_rounding(trajectories):
    # Steps 1 and 2 are computed before any Adam arithmetic could differ (G's first loss from the initial weights
    # and the first noise; D's first loss from the first real batch and G's images made before its update): they
    # agree to float32 rounding only when the port sees the same weights, batch and noise.
    comparison = trajectories("003_dcgan_keras")
    for k, series in ((0, "g_loss"), (1, "d_loss")):
        assert comparison.modern[k][series] == pytest.approx(comparison.legacy[k][series], abs=1e-6)


STATISTICS_STEP = 20  # a multiple of SAMPLE_EVERY: 001's legacy run dumped its statistics there


@pytest.mark.slow
@needs_fashion
def test_001_moving_statistics_follow_the_legacy_update_ops(legacy_runs):
    # The moving statistics never enter a training loss, so the trajectory check cannot see them. After 20 steps
    # the legacy run has moved the generator's batch norms 10 times (G steps only) and the discriminator's 20 times
    # (real, then fake batch, each D step), the fused ones towards the Bessel-corrected batch variance. This port
    # matches bit for bit; updating on every training-mode call (Keras) is off by up to 7x in the moving means;
    # the biased variance in the fused layers by up to 1.3e-6 relative: 6.5 times the 2e-7 (2 ulps) allowed here.
    name = "001_dcgan_generator"
    port = BY_NAME[name].port()
    _, weights = legacy_runs(name)
    gan, _ = port.replay_with_model(weights, STATISTICS_STEP, seed=BY_NAME[name].seed)
    dumped = legacy_runs.folders[name] / "a" / "b" / "samples-by-step" / f"step-{STATISTICS_STEP:08d}.npz"
    with np.load(dumped) as arrays:
        legacy = dict(arrays)
    modern = {n: v.numpy() for n, v in gan.variables_by_legacy_name().items() if "/moving_" in n}
    assert set(modern) == set(legacy) and len(legacy) == 2 * 5  # fc1, upsample1-3, D's conv2
    for n in legacy:
        # not vacuous: the legacy statistics did move from their initial values
        assert not np.array_equal(legacy[n], weights[n]), n
        np.testing.assert_allclose(modern[n], legacy[n], rtol=2e-7, atol=0, err_msg=n)


NOISE_PROBE = textwrap.dedent("""
    import sys
    import numpy as np
    from compat.runner import RunOptions, run
    status = run(sys.argv[1], [], RunOptions(seed=int(sys.argv[2]), dataset="fashion-mnist", max_steps=0))
    import tensorflow as tf
    graph = tf.compat.v1.get_default_graph()  # the script's graph: it never replaced the default one
    ops = [op for op in graph.get_operations() if op.type == "RandomStandardNormal"]
    assert status == 0 and len(ops) == 1, (status, [op.name for op in ops])
    with tf.compat.v1.Session(graph=graph) as session:  # a fresh session: the op's stream from its start
        draws = [session.run(ops[0].outputs[0]) for _ in range(3)]
    np.savez(sys.argv[3], seed=ops[0].get_attr("seed"), seed2=ops[0].get_attr("seed2"), draws=np.stack(draws))
""")


@pytest.mark.slow
@needs_fashion
def test_001_noise_is_the_legacy_graph_stream(tmp_path, seed=7):
    # The legacy graph built by the runner (stopped before its first training step): its one normal op's seeds,
    # and its first three draws from a fresh session, against the port's LegacyNoise. Seed 7, not the catalog's 1:
    # the equivalence test already depends on seed 1's stream.
    from reproductions.execute import runner_environment

    entry = BY_NAME["001_dcgan_generator"]
    port = entry.port()
    out = tmp_path / "noise.npz"
    done = subprocess.run([sys.executable, "-c", NOISE_PROBE, str(entry.script_path), str(seed), str(out)],
                          cwd=tmp_path, env=runner_environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as legacy:
        assert (int(legacy["seed"]), int(legacy["seed2"])) == port.legacy_noise_seeds(seed)
        noise = port.LegacyNoise(seed)
        for k, expected in enumerate(legacy["draws"]):
            np.testing.assert_array_equal(noise().numpy(), expected, err_msg=f"draw {k + 1}")


def _moving_statistics_after_first_loop_step_generator_call(legacy_weights, **port_options):
    """002's G batch-norm moving statistics after the legacy loop's first ``generator(..., training=True)`` (the
    D fake batch of loop step 1), on the replayed first labels and noise of the legacy run (the catalog's seed)."""
    name = "002_cgan_maxout"
    port = BY_NAME[name].port()
    x_train, y_train = port.load_data()
    np.random.seed(BY_NAME[name].seed)
    np.random.uniform(0, 1, (port.NUM_CLASSES, port.LATENT_DIM))  # the grid noise, drawn first
    _, _, _, labels, noise = next(port.loop_steps(x_train, y_train, 1, port.BATCH_SIZE))
    cgan = port.CGAN(**port_options)
    cgan.load_legacy_weights(legacy_weights)
    cgan.generate_for_d(noise, labels)
    return {n: variable.numpy() for n, variable in cgan.variables_by_legacy_name().items() if "moving" in n}


@pytest.mark.slow
@needs_fashion
def test_002_batch_norm_moving_statistics_match_the_legacy_run(legacy_runs):
    # The training losses never see the moving statistics (training mode normalises with the batch's), so the
    # trajectory check cannot catch a wrong momentum. The runner dumps G's weights at the first combined step,
    # i.e. after exactly one generator(..., training=True) call: the port, started from the true initial values
    # (0 and 1) and fed the same first labels and noise, must arrive at the dumped statistics.
    _, weights = legacy_runs("002_cgan_maxout")
    moving = _moving_statistics_after_first_loop_step_generator_call(weights)
    assert len(moving) == 8  # mean and variance of four batch norms
    for n, value in moving.items():
        # Keras 3 moves the average as m * 0.99 + x * 0.01, tf_keras as m - (m - x) * 0.01: an ulp apart
        np.testing.assert_allclose(value, weights[n], rtol=1e-6, atol=1e-9, err_msg=n)
    # with momentum 0.9 (slim's decay, PyTorch's 0.1) one update moves them ten times as far
    wrong = _moving_statistics_after_first_loop_step_generator_call(weights, bn_momentum=0.9)
    assert not np.allclose(wrong["batch_normalization_3/moving_mean:0"],
                           weights["batch_normalization_3/moving_mean:0"], rtol=1e-2)


def test_003_shared_adam_counts_both_networks_updates():
    # Independent of the legacy run: one step of the port's shared Adam is two Adam steps, G's at t = 1 and D's
    # at t = 2. Check D's output bias against Adam written out in NumPy from the gradient D's step sees.
    import tensorflow as tf

    port = BY_NAME["003_dcgan_keras"].port()
    tf.random.set_seed(3)
    gan = port.DCGAN()
    img = tf.random.uniform((32, 28, 28, 1), -1, 1, seed=1)
    z = tf.random.normal((64, port.LATENT_DIM), seed=2)
    g_img = gan.g(z, training=False)  # D's step sees G's images from before G's update
    x = tf.concat((img, g_img[:32]), axis=0)
    label = tf.concat((tf.ones((32, 1)), tf.zeros((32, 1))), axis=0)
    bias = gan.d.layers[-1].bias
    with tf.GradientTape() as tape:
        d_loss = gan.loss_func(label, gan.d(x, training=False))
    grad = tape.gradient(d_loss, bias).numpy()
    before = bias.numpy()

    gan.train_step_fn(img, z)
    assert int(gan.opt.iterations) == 2

    t, lr, b1, b2, eps = 2, port.LEARNING_RATE, port.BETA_1, port.KERAS2_BETA_2, port.ADAM_EPSILON
    m, v = (1 - b1) * grad, (1 - b2) * grad**2  # first update: the slots start at 0
    expected = before - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(bias.numpy(), expected, rtol=0, atol=1e-9)
    at_t1 = before - lr * np.sqrt(1 - b2) / (1 - b1) * m / (np.sqrt(v) + eps)  # what a separate Adam would do
    assert abs(float((at_t1 - before)[0])) > 1e-6 + abs(float((bias.numpy() - before)[0]))
