"""The TF1 graph-mode seed scripts of issue 4 run end to end through the era runtime, on genuine Fashion-MNIST.

Each test runs one script unchanged (``python -m compat run --dataset fashion-mnist --seed 1 --max-steps N``) in a
fresh working directory and checks what the script itself promises: exit status 0, finite losses in the runner's
record, the tensor shapes the article states, the files it writes (PNG grids, checkpoints, TensorBoard events).
Expectations come from outside the scripts: the article's stated shapes, arithmetic on the architectures
(7*7*128 = 6272 features, +32 minibatch features), the sigmoid cross-entropy of near-zero logits (ln 2), the PNG
and checkpoint files as TensorFlow and Pillow read them.

Runs are kept to a few training steps (this machine has 2 cores; seed 000 needs about a second per iteration).
Seed 000 writes its first grid after 300 iterations and its first checkpoint after an epoch (1093 iterations):
both are out of reach of a quick test, so its test checks the TensorBoard events it writes from the first step.
"""
import json
import math
import os
import re
from pathlib import Path

import pytest

from conftest import FASHION_DIR, IDX_NAMES, REPO, needs_fashion

LN2 = math.log(2.0)


def read_record(path):
    """The runner's JSON-lines record: (steps' losses in order, the other events by key)."""
    steps, events = [], {}
    for line in Path(path).read_text().splitlines():
        event = json.loads(line)
        if "step" in event:
            steps.append(event["losses"])
        else:
            events.update(event)
    return steps, events


def assert_finite(steps, names):
    for number, losses in enumerate(steps, 1):
        for name in names & losses.keys():
            assert math.isfinite(float(losses[name])), f"step {number}: {name} = {losses[name]}"


def assert_ran(result, steps_asked):
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"stopped after {steps_asked} training steps" in result.stderr


def png_size(path):
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        image.load()  # decodes every byte: a truncated file fails here
        return image.size


# --- 000: infoGAN-architecture GAN with a minibatch layer (main.py / GAN.py / ops.py / utils.py) --------------

MAIN_000 = REPO / "legacy" / "000_infogan_gan" / "main.py"


@pytest.mark.slow
@needs_fashion
def test_000_trains_and_logs(compat_run, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "fashion-mnist").symlink_to(FASHION_DIR)
    result = compat_run("run", "--dataset", "fashion-mnist", "--seed", "1", "--max-steps", "4",
                        "--record", "rec.jsonl",
                        "--record-shape", "fake=gan.fake_images", "--record-shape", "G=gan.G",
                        "--record-shape", "D_real=gan.D_real_logits", "--record-shape", "D_fake=gan.D_fake_logits",
                        MAIN_000, "--dataset", "fashion-mnist")
    assert_ran(result, 4)

    steps, events = read_record(tmp_path / "rec.jsonl")
    # one D update then one G update per batch
    assert [set(s) for s in steps] == [{"d_loss"}, {"g_loss"}] * 2
    assert_finite(steps, {"d_loss", "g_loss"})
    # freshly initialised, D's logits are near 0: each sigmoid cross-entropy term is near ln 2
    assert abs(steps[0]["d_loss"] - 2 * LN2) < 0.4 and abs(steps[1]["g_loss"] - LN2) < 0.3

    # the article's comments: G maps z (64, 62) to (64, 28, 28, 1); D gives one logit per image
    assert events["shapes"] == {"fake": [64, 28, 28, 1], "G": [64, 28, 28, 1], "D_real": [64, 1], "D_fake": [64, 1]}
    variables = dict((name, shape) for name, shape in events["variables"])
    assert variables["discriminator/d_fc3/Matrix:0"] == [7 * 7 * 128, 32 * 32]  # MinibatchLayer(32, 32)
    assert variables["discriminator/d_fc4/Matrix:0"] == [7 * 7 * 128 + 32, 1024]  # its 32 features in front
    assert variables["generator/g_dc3/w:0"] == [4, 4, 64, 128]  # deconv filters are [h, w, out, in]
    assert all(("d_" in name) != ("g_" in name) for name in variables), "every variable in exactly one optimizer"

    # the progress line of the original, one per batch; 70000 images / 64 = 1093 batches per epoch
    lines = re.findall(r"Epoch: \[ 0\] \[ +(\d+)/1093\] time: \d+\.\d{4}, d_loss: (\d+\.\d{8}), g_loss: (\d+\.\d{8})",
                       result.stdout)
    assert [int(idx) for idx, _, _ in lines] == [0, 1]
    assert float(lines[0][1]) == pytest.approx(steps[0]["d_loss"], abs=1e-7)

    # TensorBoard events: D's step writes d_loss_real and d_loss, G's step d_loss_fake and g_loss, at counter 1, 2
    import tensorflow as tf

    (event_file,) = (tmp_path / "logs" / "GAN").glob("events.out.tfevents.*")
    scalars = {}
    for event in tf.compat.v1.train.summary_iterator(str(event_file)):
        for value in event.summary.value:
            scalars.setdefault(value.tag, []).append((event.step, value.simple_value))
    assert set(scalars) == {"d_loss_real", "d_loss", "d_loss_fake", "g_loss"}
    assert [step for step, _ in scalars["d_loss"]] == [1, 2]
    assert scalars["d_loss"][0][1] == pytest.approx(steps[0]["d_loss"], rel=1e-6)
    assert scalars["g_loss"][1][1] == pytest.approx(steps[3]["g_loss"], rel=1e-6)
    # the output folders exist from the start, as the original's check_args made them
    assert (tmp_path / "checkpoint").is_dir() and (tmp_path / "results").is_dir()


def test_000_without_data_says_what_to_do(compat_run, tmp_path):
    result = compat_run("run", MAIN_000, "--dataset", "fashion-mnist")
    assert result.returncode == 2
    assert "train-images-idx3-ubyte.gz" in result.stderr
    assert os.path.join("data", "fashion-mnist") in result.stderr and "ln -s" in result.stderr
    assert sorted(os.listdir(tmp_path)) == [], "nothing may be created before the data are found"


# --- 001: generative-compression's dcgan_generator in a small GAN on digit pairs ----------------------------

SCRIPT_001 = REPO / "legacy" / "001_dcgan_generator" / "dcgan_generator.py"


@pytest.mark.slow
@needs_fashion
def test_001_article_shapes_grid_and_checkpoint(compat_run, tmp_path):
    result = compat_run("run", "--dataset", "fashion-mnist", "--seed", "1", "--max-steps", "2",
                        "--record", "rec.jsonl", "--record-shape", "G=G_sample",
                        "--record-shape", "D_real=D_logit_real", "--record-shape", "D_fake=D_logit_fake", SCRIPT_001)
    assert_ran(result, 2)

    # the shapes the article states for each stage, batch 64
    printed = dict(re.findall(r"^noise_generator/(\S+): (\[.*\])$", result.stdout, re.M))
    assert {stage: json.loads(shape) for stage, shape in printed.items()} == {
        "fc1": [64, 4, 8, 256], "upsample1": [64, 8, 16, 128], "upsample2": [64, 16, 32, 64],
        "upsample3": [64, 32, 64, 32], "conv_out/pad": [64, 38, 70, 32], "conv_out": [64, 32, 64, 1]}

    steps, events = read_record(tmp_path / "rec.jsonl")
    assert [set(s) for s in steps] == [{"G_loss"}, {"D_loss"}]  # G first, then D, as upstream
    assert_finite(steps, {"G_loss", "D_loss"})
    assert events["shapes"] == {"G": [64, 32, 64, 1], "D_real": [None, 1], "D_fake": [64, 1]}
    variables = dict((name, shape) for name, shape in events["variables"])
    assert variables["generator/noise_generator/fc1/dense/kernel:0"] == [128, 4 * 8 * 256]  # noise_dim 128
    assert variables["generator/noise_generator/conv_out/conv2d/kernel:0"] == [7, 7, 32, 1]

    # the diagnostics at the start of epoch 0: an 8x8 grid of 32x64 images, and a checkpoint
    assert re.search(r"^Epoch 0 \| Generator Loss: \d+\.\d{3} \| Discriminator Loss: \d+\.\d{3} \|", result.stdout,
                     re.M)
    assert png_size(tmp_path / "samples" / "dcgan_generator_epoch0_step0_gen.png") == (8 * 64, 8 * 32)
    import tensorflow as tf

    saved = dict(tf.train.list_variables(str(tmp_path / "checkpoints" / "dcgan_generator_last.ckpt-0")))
    # batch norm's moving statistics are saved with the weights (they are variables, not trainable ones)
    assert saved["generator/noise_generator/fc1/batch_normalization/moving_mean"] == [4 * 8 * 256]
    assert saved["discriminator/conv2/batch_normalization/moving_variance"] == [128]
    assert saved["generator/noise_generator/upsample3/conv2d_transpose/kernel"] == [5, 5, 32, 64]
    assert tf.train.get_checkpoint_state(str(tmp_path / "checkpoints")).model_checkpoint_path.endswith(
        "dcgan_generator_last.ckpt-0")
    # read_data_sets put its files where the script asked: MNIST_data/ in the working directory
    assert sorted(os.listdir(tmp_path / "MNIST_data")) == sorted(IDX_NAMES)


# --- 004: the vanilla GAN exactly as published, with its marked fixes ------------------------------------------

SCRIPT_004 = REPO / "legacy" / "004_vanilla_gan" / "vanilla_gan.py"


@pytest.mark.slow
@needs_fashion
def test_004_runs_past_the_second_iteration(compat_run, tmp_path):
    # the article reads '../../MNIST_data': run two levels down so that lands in tmp_path
    workdir = tmp_path / "work" / "run"
    workdir.mkdir(parents=True)
    result = compat_run("run", "--dataset", "fashion-mnist", "--seed", "1", "--max-steps", "20",
                        "--record", "rec.jsonl", "--record-shape", "G=G_sample", "--record-shape", "D=D_logit_real",
                        SCRIPT_004, cwd=workdir)
    assert_ran(result, 20)

    steps, events = read_record(workdir / "rec.jsonl")
    # 10 iterations: the published sess.run line broke the 2nd; D_loss etc. are the loss tensors' fetched values
    assert [set(s) for s in steps] == [{"D_loss", "D_loss_real", "D_loss_fake"}, {"G_loss"}] * 10
    assert_finite(steps, {"D_loss", "D_loss_real", "D_loss_fake", "G_loss"})
    for d_step in steps[::2]:
        assert d_step["D_loss"] == pytest.approx(d_step["D_loss_real"] + d_step["D_loss_fake"], rel=1e-6)
    assert events["shapes"] == {"G": [None, 784], "D": [None, 1]}
    assert sorted(shape for _, shape in events["variables"]) == sorted(
        [[784, 128], [128], [128, 1], [1], [100, 128], [128], [128, 784], [784]])

    # printed every 1000 iterations, from iteration 0: the loss of the first D step, 4 significant digits
    printed = re.search(r"Iter: 0\nD loss: (\S+)\nG_loss: (\S+)\n", result.stdout)
    assert printed and printed.group(1) == "{:.4}".format(steps[0]["D_loss"])
    assert printed.group(2) == "{:.4}".format(steps[1]["G_loss"])

    # the 4x4 sample figure, written before the first update, into out/ of the working directory
    assert sorted(os.listdir(workdir / "out")) == ["000.png"]
    width, height = png_size(workdir / "out" / "000.png")
    assert 200 <= width <= 400 and abs(width - height) <= 4  # a 4x4 in figure at 100 dpi, trimmed to its square grid
    assert sorted(os.listdir(tmp_path / "MNIST_data")) == sorted(IDX_NAMES)
