"""The two TF2-era Keras seed scripts of issue 4, run end to end.

- legacy/002_cgan_maxout/cgan.py: the book's CGAN with a MaxoutDense discriminator, TF 2.0 Keras (compile /
  trainable / train_on_batch);
- legacy/003_dcgan_keras/dcgan.py: 莫烦's DCGAN, TF 2.3 Keras (subclassed keras.Model, eager GradientTape, one Adam
  shared by G and D).

Each script runs through ``python -m compat run`` in a fresh working directory on Fashion-MNIST for a handful of
training steps. Expectations come from the articles (layer sizes, output shapes), from the Keras 2 documented
behaviour (what a Keras 2 Adam does with two variable sets) and from a NumPy transcription of Adam's update rule.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import REPO, needs_fashion

CGAN = REPO / "legacy" / "002_cgan_maxout" / "cgan.py"
DCGAN_DIR = REPO / "legacy" / "003_dcgan_keras"
DCGAN = DCGAN_DIR / "dcgan.py"


def _events(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _steps(events):
    return [e for e in events if "step" in e]


def _assert_finite(steps):
    for event in steps:
        for name, value in event["losses"].items():
            assert math.isfinite(float(value)), f"step {event['step']}: {name} = {value}"


def _checkpoint_shapes(prefix):
    """Shapes of the model weights in a TF-format checkpoint (optimizer slots and counters left out)."""
    import tensorflow as tf

    shapes = tf.train.load_checkpoint(str(prefix)).get_variable_to_shape_map()
    return sorted(shape for key, shape in shapes.items()
                  if key.endswith("/.ATTRIBUTES/VARIABLE_VALUE") and "OPTIMIZER_SLOT" not in key
                  and not key.startswith(("opt/", "optimizer/", "save_counter")))


@pytest.mark.slow
@needs_fashion
def test_cgan_maxout_trains_and_saves_a_conditional_grid_and_weights(compat_run, tmp_path):
    result = compat_run("run", "--dataset", "fashion-mnist", "--seed", "1", "--max-steps", "6",
                        "--record", "rec.jsonl", "--record-shape", "G=cgan.generator",
                        "--record-shape", "D=cgan.discriminator", CGAN, "--epochs", "1")
    assert result.returncode == 0, result.stderr[-4000:]
    events = _events(tmp_path / "rec.jsonl")
    steps = _steps(events)

    # one iteration = D on a real batch, D on a generated batch, then G through the combined model
    assert len(steps) == 6
    assert [sorted(s["losses"]) for s in steps[:3]] == [
        ["discriminator.accuracy", "discriminator.loss"], ["discriminator.accuracy", "discriminator.loss"],
        ["combined.loss"]]
    _assert_finite(steps)
    shapes = next(e["shapes"] for e in events if "shapes" in e)
    assert shapes == {"G": [None, 784], "D": [None, 1]}
    assert events[-1]["end"]["status"] == "max-steps"
    assert events[-1]["end"]["era"] == "tf2"
    assert "epoch 0 step 0 [D loss: " in result.stdout

    # a grid after the first step: 10 x 10 cells of one inch at 100 dpi
    with Image.open(tmp_path / "images" / "0.png") as grid:
        assert grid.size == (1000, 1000)

    # the weights, with the article's layer sizes: MaxoutDense W is [inputs, output_dims, k], b is [output_dims, k]
    d_shapes = _checkpoint_shapes(tmp_path / "saved_model" / "discriminator_weights")
    assert d_shapes == sorted([[784, 240, 5], [240, 5], [10, 50, 5], [50, 5], [290, 240, 4], [240, 4], [240, 1],
                               [1]])
    g_shapes = _checkpoint_shapes(tmp_path / "saved_model" / "generator_weights")
    dense_kernels = [s for s in g_shapes if len(s) == 2]
    assert sorted(dense_kernels) == sorted([[10, 200], [100, 1000], [1200, 512], [512, 784]])


@pytest.mark.slow
@needs_fashion
def test_dcgan_trains_with_one_adam_shared_by_both_networks(compat_run, tmp_path):
    result = compat_run("run", "--dataset", "fashion-mnist", "--seed", "1", "--max-steps", "6",
                        "--record", "rec.jsonl", "--record-shape", "G=gan.g", "--record-shape", "D=gan.d", DCGAN)
    assert result.returncode == 0, result.stderr[-4000:]
    events = _events(tmp_path / "rec.jsonl")
    steps = _steps(events)

    # G's update comes first in every iteration, then D's, both through the same optimizer
    assert [list(s["losses"]) for s in steps] == [["g_loss"], ["d_loss"]] * 3
    _assert_finite(steps)
    # an untrained D outputs logits near 0, and binary cross-entropy at logit 0 is ln 2
    assert abs(steps[0]["losses"]["g_loss"] - math.log(2)) < 0.05
    shapes = next(e["shapes"] for e in events if "shapes" in e)
    assert shapes == {"G": [None, 28, 28, 1], "D": [None, 1]}
    assert events[-1]["end"]["status"] == "max-steps"
    assert "ep=0 | time=" in result.stdout and "| t=0 |" in result.stdout


_DCGAN_WITHOUT_RUNTIME = """
import json, sys
import tensorflow as tf
sys.path.insert(0, sys.argv[1])
from checkpoints import save_weights
from dcgan import DCGAN
from visual import cvt_gif, save_gan

tf.random.set_seed(1)
gan = DCGAN(100, (28, 28, 1))
for ep in range(3):
    save_gan(gan, ep)
cvt_gif(gan)
save_weights(gan)
result = {"optimizer": type(gan.opt).__module__}
try:
    gan.step(tf.zeros((4, 28, 28, 1)))
    result["step"] = "ok"
except KeyError as error:
    result["step"] = "KeyError: " + str(error)
print("RESULT " + json.dumps(result))
"""


@pytest.fixture(scope="module")
def dcgan_without_runtime(tmp_path_factory):
    """The DCGAN modules imported by plain Python (no compat runner): TF 2.21 with tf_keras, whose
    tf.keras.optimizers.Adam is the optimizer Keras 2.11 introduced. Builds a model, writes three grids, the gif
    and the weights, then tries one training step."""
    work = tmp_path_factory.mktemp("dcgan_plain")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, "-c", _DCGAN_WITHOUT_RUNTIME, str(DCGAN_DIR)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return work, json.loads(line[len("RESULT "):])


@pytest.mark.slow
def test_dcgan_writes_grids_gif_and_weights(dcgan_without_runtime):
    work, _ = dcgan_without_runtime
    for ep in range(3):
        with Image.open(work / "visual" / "dcgan" / f"{ep}.png") as grid:
            assert grid.size == (1000, 1000)
    with Image.open(work / "visual" / "dcgan.gif") as gif:
        assert gif.n_frames == 3
        assert gif.size == (500, 500)  # shrink=2
    # generator and discriminator of the article's CNNs (seed-notes.md, 003), kernels only
    kernels = [s for s in _checkpoint_shapes(work / "models" / "dcgan" / "model.ckpt") if len(s) >= 2]
    assert sorted(kernels) == sorted([[100, 6272], [4, 4, 64, 128], [4, 4, 32, 64], [4, 4, 32, 1],
                                      [4, 4, 1, 64], [4, 4, 64, 128], [6272, 1]])


@pytest.mark.slow
def test_dcgan_step_fails_with_the_keras_2_11_optimizer(dcgan_without_runtime):
    """Why the runner serves the Keras 2 OptimizerV2: the 2.11 optimizer builds itself for the first variables it
    updates (G's) and refuses D's in the same step."""
    _, result = dcgan_without_runtime
    assert result["optimizer"].startswith("tf_keras.src.optimizers.adam")
    assert result["step"].startswith("KeyError: ")
    assert "cannot recognize variable" in result["step"]


def test_one_keras_2_adam_updates_two_networks_with_one_step_counter():
    """tf.keras.optimizers.Adam as the runtime serves it (Keras 2 OptimizerV2) takes any variables, and its single
    `iterations` counter advances for both networks: the second network's first update is bias-corrected as
    step 2. Expected values: Adam's update rule in NumPy (Kingma & Ba, with Keras's epsilon 1e-7 added to
    sqrt(v) and the bias correction folded into the learning rate)."""
    import tensorflow as tf
    from compat import namespace

    adam = namespace.root("tf", "tf2").keras.optimizers.Adam
    lr = 0.1  # large enough that the two bias corrections differ far beyond float32 rounding
    opt = adam(lr, beta_1=0.5)
    g_start, d_start = np.array([1.0, -2.0]), np.array([3.0])
    g_grad, d_grad = np.array([0.5, -1.0]), np.array([2.0])
    g_var, d_var = tf.Variable(g_start, dtype=tf.float32), tf.Variable(d_start, dtype=tf.float32)
    opt.apply_gradients([(tf.constant(g_grad, tf.float32), g_var)])
    opt.apply_gradients([(tf.constant(d_grad, tf.float32), d_var)])

    def first_step(grad, t, beta_1=0.5, beta_2=0.999, epsilon=1e-7):
        """The change Adam makes to a variable at its first update, when the step counter reads t."""
        m, v = (1 - beta_1) * grad, (1 - beta_2) * grad ** 2
        lr_t = lr * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        return -lr_t * m / (np.sqrt(v) + epsilon)

    assert int(opt.iterations.numpy()) == 2
    np.testing.assert_allclose(g_var.numpy() - g_start, first_step(g_grad, t=1), rtol=1e-5)
    np.testing.assert_allclose(d_var.numpy() - d_start, first_step(d_grad, t=2), rtol=1e-5)
    # with an optimizer of its own, D's first update would have been a t=1 step (about 6% larger here)
    assert not np.allclose(d_var.numpy() - d_start, first_step(d_grad, t=1), rtol=1e-3)
