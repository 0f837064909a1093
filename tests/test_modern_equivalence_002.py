"""The modern port of 002 (reproductions/modern/cgan_maxout_002.py) trains like legacy/002_cgan_maxout/cgan.py:
same initial weights, batches, labels and noise give the same losses and accuracies, train_on_batch for
train_on_batch, within the port's TOLERANCE (measured: equal to the bit over 200 steps at seeds 1-4).

The legacy script runs once under the runner (a subprocess, 200 train_on_batch calls = 66 loop steps and two D
steps); the port replays in this process. 96-158 s in all on this shared 2-core machine (two runs): the legacy run
39-70 s, the port's 200-step replay 34-58 s, the mistake check (10 steps) 15-19 s, the batch-norm check 6-7 s.
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from reproductions import equivalence  # noqa: E402
from reproductions.catalog import BY_NAME  # noqa: E402

NAME = "002_cgan_maxout"
STEPS = 200
NO_DATA = equivalence.fashion_mnist_available()
needs_data = pytest.mark.skipif(NO_DATA is not None, reason=NO_DATA or "")


@pytest.fixture(scope="module")
def legacy_002(tmp_path_factory):
    if NO_DATA:
        pytest.skip(NO_DATA)
    return equivalence.run_legacy(NAME, STEPS, tmp_path_factory.mktemp("legacy002"))


@needs_data
def test_002_port_follows_the_legacy_trajectory(legacy_002):
    comparison = equivalence.compare(NAME, STEPS, legacy_run=legacy_002)
    assert len(comparison.legacy) == STEPS and len(comparison.modern) == STEPS
    # per loop step: D on real, D on generated (loss and accuracy), the combined model (loss), as the runner names
    # them after the Keras models; 200 steps end after the second D step of loop step 67
    d_names, g_names = {"discriminator.loss", "discriminator.accuracy"}, {"combined.loss"}
    assert [set(losses) for losses in comparison.modern[:3]] == [d_names, d_names, g_names]
    assert [set(losses) for losses in comparison.legacy[-2:]] == [d_names, d_names]
    # step 1 is a forward pass of the same weights on the same real batch: equal to the bit, whatever the
    # tolerance (a wrong batch, label or weight order shows here)
    assert comparison.modern[0] == comparison.legacy[0]
    assert comparison.check(), comparison.summary() + f"\nfirst failures: {comparison.failures[:5]}"


@needs_data
def test_002_check_catches_tf1_adam_epsilon(legacy_002):
    # The TF1 ports of this project set Adam's epsilon to TF1's 1e-8; tf_keras (and Keras 3) use 1e-7. Copying
    # the TF1 setting is a plausible mistake: measured 7.9e-4 at step 2 (seed 1), 400 times the tight tolerance.
    # The tight phase is the first 10 steps, so 10 steps of the port (against the fixture's first 10) decide it.
    tolerance = equivalence.tolerance(NAME)
    comparison = equivalence.compare(NAME, tolerance.tight_steps, legacy_run=legacy_002, adam_epsilon=1e-8)
    assert not comparison.check()
    assert min(step for step, *_ in comparison.failures) <= 3


def _moving_statistics_after_first_loop_step_generator_call(legacy_weights, **port_options):
    """The port's G batch-norm moving statistics after the legacy loop's first ``generator(..., training=True)``
    (the D fake batch of loop step 1), on the replayed first labels and noise of the legacy run (the catalog's
    seed, the fixture's)."""
    from reproductions.modern import cgan_maxout_002 as port

    x_train, y_train = port.load_data()
    np.random.seed(BY_NAME[NAME].seed)
    np.random.uniform(0, 1, (port.NUM_CLASSES, port.LATENT_DIM))  # the grid noise, drawn first
    _, _, _, labels, noise = next(port.loop_steps(x_train, y_train, 1, port.BATCH_SIZE))
    cgan = port.CGAN(**port_options)
    cgan.load_legacy_weights(legacy_weights)
    cgan.generate_for_d(noise, labels)
    return {name: variable.numpy() for name, variable in cgan.variables_by_legacy_name().items()
            if "moving" in name}


@needs_data
def test_002_batch_norm_moving_statistics_match_the_legacy_run(legacy_002):
    # The training losses never see the moving statistics (training mode normalises with the batch's), so the
    # trajectory check cannot catch a wrong momentum. The runner dumps G's weights at the first combined step,
    # i.e. after exactly one generator(..., training=True) call: the port, started from the true initial values
    # (0 and 1) and fed the same first labels and noise, must arrive at the dumped statistics.
    _, weights = legacy_002
    moving = _moving_statistics_after_first_loop_step_generator_call(weights)
    assert len(moving) == 8  # mean and variance of four batch norms
    for name, value in moving.items():
        # Keras 3 moves the average as m * 0.99 + x * 0.01, tf_keras as m - (m - x) * 0.01: an ulp apart
        np.testing.assert_allclose(value, weights[name], rtol=1e-6, atol=1e-9, err_msg=name)
    # with momentum 0.9 (slim's decay, PyTorch's 0.1) one update moves them ten times as far
    wrong = _moving_statistics_after_first_loop_step_generator_call(weights, bn_momentum=0.9)
    assert not np.allclose(wrong["batch_normalization_3/moving_mean:0"],
                           weights["batch_normalization_3/moving_mean:0"], rtol=1e-2)
