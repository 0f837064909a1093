"""The runner end to end, in subprocesses: an era-style GAN with a sibling ops.py, the script's own argv/exit
status/tracebacks, --max-steps, --record, --seed, the TF2 era, and the failures a user meets."""
import errno
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from PIL import Image

FIXTURE = Path(__file__).parent / "fixtures" / "era_gan" / "gan.py"
REPO = Path(__file__).resolve().parents[1]


def records(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def test_era_gan_with_sibling_ops_trains_through_the_runner(compat_run, tmp_path):
    result = compat_run("run", "--max-steps", "8", "--seed", "1", "--record", "rec.jsonl", "--dump-weights", "w0.npz",
                        FIXTURE, "samples")
    assert result.returncode == 0, result.stderr
    assert "step 0 d_loss" in result.stdout and "step 2 d_loss" in result.stdout
    assert "stopped after 8 training steps (--max-steps 8)" in result.stderr
    events = records(tmp_path / "rec.jsonl")
    steps = [e for e in events if "step" in e]
    assert [e["step"] for e in steps] == list(range(1, 9))
    # D and G updates alternate, each step carrying the loss its Session.run fetched, named as in the script
    assert [list(e["losses"]) for e in steps[:2]] == [["d_loss"], ["g_loss"]]
    assert all(math.isfinite(v) for e in steps for v in e["losses"].values())
    assert abs(steps[0]["losses"]["d_loss"] - 2 * math.log(2)) < 0.05  # an untrained D: log 2 per half
    variables = dict(map(tuple, next(e["variables"] for e in events if "variables" in e)))
    assert variables["generator/g_bn1/gamma:0"] == [32]  # contrib batch_norm with scale=True: TF1 names
    assert variables["generator/g_fc2/kernel:0"] == [32, 16]  # tf.layers.dense inside a variable_scope
    assert "generator/g_bn1/moving_mean:0" not in variables  # moving statistics are not trainable
    assert events[-1]["end"]["status"] == "max-steps" and events[-1]["end"]["era"] == "tf1"
    grid = Image.open(tmp_path / "samples" / "grid_000.png")
    assert grid.size == (4, 64) and grid.mode == "L"  # scipy.misc.imsave of a (64, 4) float array
    assert (tmp_path / "samples" / "model.ckpt-2.index").exists()
    initial = np.load(tmp_path / "w0.npz")  # values before the first update, as the initialisers drew them
    assert abs(initial["generator/g_fc1/Matrix:0"].std() - 0.02) < 0.004  # random_normal_initializer(stddev=0.02)
    assert not initial["generator/g_fc1/bias:0"].any() and (initial["generator/g_bn1/gamma:0"] == 1).all()
    assert not initial["generator/g_bn1/moving_mean:0"].any()  # every graph variable, not only trainable ones


def test_same_seed_same_record_byte_for_byte(compat_run, tmp_path):
    for name in ("a.jsonl", "b.jsonl"):
        result = compat_run("run", "--max-steps", "6", "--seed", "7", "--deterministic", "--record", name, FIXTURE)
        assert result.returncode == 0, result.stderr
    first = (tmp_path / "a.jsonl").read_bytes()
    assert first == (tmp_path / "b.jsonl").read_bytes()  # no wall-clock time or other run-specific field
    assert len([e for e in records(tmp_path / "a.jsonl") if "step" in e]) == 6


def test_script_sees_its_own_argv_file_cwd_and_real_library_modules(compat_run, tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(
        "import os, sys\n"
        "import numpy as np\n"
        "import matplotlib\n"
        "import tensorflow as tf\n"
        "print('argv', sys.argv[1:], os.path.basename(__file__), os.getcwd() == sys.argv[1], __name__)\n"
        "print('numpy served', np is not sys.modules['numpy'], np.float is float)\n"
        "print('tf served', tf is not sys.modules['tensorflow'], tf.placeholder is sys.modules['tensorflow'].compat.v1.placeholder)\n"
        "print('library keeps real numpy', sys.modules['matplotlib'].colors.np is sys.modules['numpy'])\n"
        "print('eager', tf.executing_eagerly())\n")
    result = compat_run("run", "--era", "tf1", script, tmp_path, "--flag")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"argv ['{tmp_path}', '--flag'] probe.py True __main__"
    assert lines[1:] == ["numpy served True True", "tf served True True", "library keeps real numpy True",
                         "eager False"]


def test_exit_status_and_traceback_are_the_scripts(compat_run, tmp_path):
    script = tmp_path / "fails.py"
    script.write_text("import sys\n\ndef f():\n    raise ValueError('boom')\n\nif sys.argv[1:]:\n    sys.exit(3)\nf()\n")
    assert compat_run("run", script, "x").returncode == 3
    result = compat_run("run", script)
    assert result.returncode == 1
    report = result.stderr[result.stderr.index("Traceback (most recent call last):"):]  # after TF's C++ log lines
    assert report.splitlines()[1] == f'  File "{script}", line 8, in <module>'  # starts at the script's frame
    assert f'File "{script}", line 4, in f' in report
    assert "compat/" not in report and report.rstrip().endswith("ValueError: boom")


def test_unknown_contrib_symbol_names_it_and_the_replacement(compat_run, tmp_path):
    script = tmp_path / "contrib.py"
    script.write_text("import tensorflow as tf\nage = tf.contrib.layers.real_valued_column('age')\n")
    result = compat_run("run", script)
    assert result.returncode == 1
    assert "tf.contrib.layers.real_valued_column is not served" in result.stderr
    assert "TF 2.0" in result.stderr and "tf.feature_column.numeric_column" in result.stderr
    script.write_text("from tensorflow.contrib import nonexistent\n")
    result = compat_run("run", script)
    assert result.returncode == 1 and "tf.contrib.nonexistent has no mapping" in result.stderr
    # the runtime's own answer is one line naming the script's line, not a traceback
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "nonexistent" in line]
    assert line.startswith("compat: contrib.py:1: tf.contrib.nonexistent has no mapping")


def test_missing_script_is_reported(compat_run, tmp_path):
    result = compat_run("run", tmp_path / "nope.py")
    assert result.returncode == 2 and "nope.py" in result.stderr


def test_tf2_keras_script_runs_eagerly_with_keras2_optimizer_steps_counted(compat_run, tmp_path):
    script = tmp_path / "eager.py"
    script.write_text(
        "import numpy as np\n"
        "import tensorflow as tf\n"
        "print('eager', tf.executing_eagerly())\n"
        "g = tf.keras.Sequential([tf.keras.layers.Dense(4, input_shape=(3,))])\n"
        "d = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(4,))])\n"
        "opt = tf.keras.optimizers.Adam(1e-3)  # one optimizer for two variable sets: Keras 2 allowed it\n"
        "np.save('d_kernel_before.npy', d.layers[0].kernel.numpy())\n"
        "print(type(opt).__module__)\n"
        "for step in range(100):\n"
        "    x = np.random.normal(size=(8, 3)).astype('float32')\n"
        "    with tf.GradientTape() as tape:\n"
        "        g_loss = tf.reduce_mean(d(g(x)) ** 2)\n"
        "    opt.apply_gradients(zip(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables))\n"
        "    with tf.GradientTape() as tape:\n"
        "        d_loss = tf.reduce_mean(d(g(x)) ** 2)\n"
        "    opt.apply_gradients(zip(tape.gradient(d_loss, d.trainable_variables), d.trainable_variables))\n")
    result = compat_run("run", "--max-steps", "5", "--record", "rec.jsonl", "--dump-weights", "w0.npz", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["eager True", "tf_keras.src.optimizers.legacy.adam"]
    events = records(tmp_path / "rec.jsonl")
    assert [list(e["losses"]) for e in events if "step" in e] == [["g_loss"], ["d_loss"], ["g_loss"], ["d_loss"],
                                                                  ["g_loss"]]
    assert events[-1]["end"]["era"] == "tf2"
    initial = np.load(tmp_path / "w0.npz")
    d_kernel = [initial[k] for k in initial.files if initial[k].shape == (4, 1)]
    assert len(d_kernel) == 1 and np.array_equal(d_kernel[0], np.load(tmp_path / "d_kernel_before.npy"))


def test_compat_v1_import_line(tmp_path):
    import subprocess
    import sys

    code = ("import compat.v1 as tf\n"
            "x = tf.placeholder(tf.float32, [2])\n"
            "y = tf.mul(x, 2.0)\n"
            "print(tf.Session().run(y, {x: [1.0, 2.0]}).tolist())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[2.0, 4.0]"


def test_explain_lists_era_names_with_their_replacements(compat_run):
    result = compat_run("explain", "--json", FIXTURE)
    assert result.returncode == 0, result.stderr
    items = {item["name"]: item for item in json.loads(result.stdout)}
    assert items["tf.contrib.layers.batch_norm"]["modern"] == "tf.keras.layers.BatchNormalization"
    assert items["tf.contrib.layers.batch_norm"]["lines"][0][0].endswith("ops.py")  # found in the sibling module
    assert items["tf.concat"]["entry"] == "tf.concat" and items["np.float"]["removed"].startswith("NumPy 1.24")
    assert items["six.moves.xrange"]["serves"] == "builtins:range"
    assert items["scipy.misc.imsave"]["status"] == "era"
    assert items["tf.placeholder"]["removed"].startswith("TF 2.0")
    assert "tf.nn.relu" not in items  # still in TF 2: not an era name
    text = compat_run("explain", FIXTURE).stdout
    assert "tf.contrib.layers.batch_norm    [ops.py:" in text


def test_sampler_dumps_checkpoints_without_disturbing_training(compat_run, tmp_path):
    plain = compat_run("run", "--max-steps", "8", "--seed", "3", "--deterministic", "--record", "plain.jsonl",
                       FIXTURE)
    sampled = compat_run("run", "--max-steps", "8", "--seed", "3", "--deterministic", "--record", "sampled.jsonl",
                         "--sampler", "gan_sampler:draw", "--sample-every", "4", "--samples-dir", "dumps", FIXTURE)
    assert plain.returncode == 0 and sampled.returncode == 0, sampled.stderr
    # the sampler draws from its own generator and feeds Z: the script's trajectory is bit for bit the same
    losses = [[e["losses"] for e in records(tmp_path / name) if "step" in e] for name in ("plain.jsonl",
                                                                                          "sampled.jsonl")]
    assert losses[0] == losses[1]
    dumps = sorted(p.name for p in (tmp_path / "dumps").iterdir())
    assert dumps == ["step-00000000.npz", "step-00000004.npz", "step-00000008.npz"]  # before training, every 4th
    first, last = (np.load(tmp_path / "dumps" / name) for name in (dumps[0], dumps[-1]))
    assert first["images"].shape == (32, 28, 28)
    # step 0 is dumped before the first update, step 8 after the 8th (the script's loop variable: iteration 3)
    assert int(first["step_seen"]) == 0 and int(last["step_seen"]) == 3
    assert not np.array_equal(first["images"], last["images"])  # same noise, trained weights: other samples


def test_broken_sampler_is_reported_once_and_training_goes_on(compat_run, tmp_path):
    result = compat_run("run", "--max-steps", "6", "--sampler", "gan_sampler:broken", "--sample-every", "2",
                        FIXTURE)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("sampler broken failed at step 0 (RuntimeError: this sampler always fails)") == 1
    assert "stopped after 6 training steps" in result.stderr


def test_bad_sampler_options_are_refused_before_the_script_runs(compat_run, tmp_path):
    missing = compat_run("run", "--sampler", "gan_sampler:nowhere", "--sample-every", "2", FIXTURE)
    assert missing.returncode == 2 and "--sampler 'gan_sampler:nowhere'" in missing.stderr
    alone = compat_run("run", "--sample-every", "2", FIXTURE)
    assert alone.returncode == 2 and "--sampler and --sample-every go together" in alone.stderr
    malformed = compat_run("run", "--sampler", "no_colon", "--sample-every", "2", FIXTURE)
    assert malformed.returncode == 2 and "needs MODULE:FUNCTION" in malformed.stderr
    assert not (tmp_path / "samples-by-step").exists()


# --- bad options and faults: one line, before training, nothing lost ---------------------------------------------
def _one_error_line(result):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr
    return lines[-1]


def test_unwritable_output_paths_are_refused_before_training(compat_run, tmp_path):
    for flag, path in (("--dump-weights", "no/such/dir/w0.npz"), ("--record", "no/such/dir/r.jsonl"),
                       ("--record", ".")):
        result = compat_run("run", "--max-steps", "4", flag, path, FIXTURE)
        assert result.returncode == 2, result.stderr
        assert "step 0 d_loss" not in result.stdout  # the script never started
        line = _one_error_line(result)
        assert line.startswith(f"compat: {flag} ") and path in line, line


def test_negative_counts_are_argparse_errors(compat_run):
    for flag in ("--seed", "--max-steps", "--resume-at-step"):
        result = compat_run("run", flag, "-1", FIXTURE)
        assert result.returncode == 2
        line = _one_error_line(result)
        assert f"argument {flag}: must be 0 or more, got -1" in line, line


def test_dump_weights_is_written_whole_under_its_name(compat_run, tmp_path):
    result = compat_run("run", "--max-steps", "2", "--dump-weights", "w0", FIXTURE)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w0")) == ["w0.npz"]  # no leftover tmp
    assert "generator/g_fc1/Matrix:0" in np.load(tmp_path / "w0.npz")


def test_a_full_disk_stops_recording_once_and_training_finishes(compat_run, tmp_path):
    result = compat_run("run", "--max-steps", "6", "--record", "/dev/full", FIXTURE)
    assert result.returncode == 0, result.stderr
    assert "stopped after 6 training steps" in result.stderr
    assert result.stderr.count("--record /dev/full: cannot write") == 1
    assert "No space left on device" in result.stderr and "training goes on" in result.stderr


class _DiskFillsUp:
    """A record file whose disk fills up after ``room`` bytes: the write that crosses it lands partly, then
    raises ENOSPC, as a real full disk does."""

    def __init__(self, real, room):
        self.real, self.room = real, room

    def write(self, data):
        if len(data) > self.room:
            self.real.write(bytes(data[:self.room]))
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_record_cut_by_a_full_disk_keeps_only_complete_lines(tmp_path, capsys):
    from compat.steps import RecordWriter

    path = tmp_path / "rec.jsonl"
    writer = RecordWriter(str(path))
    assert writer.write({"step": 1, "losses": {"d_loss": 1.5}}, 1)
    whole = path.read_bytes()
    writer._file = _DiskFillsUp(writer._file, room=10)  # the next line gets 10 bytes onto the disk, then ENOSPC
    assert not writer.write({"step": 2, "losses": {"d_loss": 1.25}}, 2)
    assert path.read_bytes() == whole  # the half line is cut off again
    assert [json.loads(line) for line in path.read_text().splitlines()] == [{"step": 1, "losses": {"d_loss": 1.5}}]
    message = capsys.readouterr().err.strip().splitlines()
    assert len(message) == 1 and "cannot write after step 2: No space left on device" in message[0]


# --- --workdir and a quiet start ---------------------------------------------------------------------------------
def test_workdir_is_where_the_script_runs_and_writes(compat_run, tmp_path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "writes.py"
    script.write_text("import os\nopen('out.txt', 'w').write(os.getcwd())\nprint(os.path.abspath('out.txt'))\n")
    result = compat_run("run", "--workdir", "runs/first", "--record", "rec.jsonl", "scripts/writes.py")
    assert result.returncode == 0, result.stderr
    workdir = tmp_path / "runs" / "first"
    assert (workdir / "out.txt").read_text() == str(workdir)  # created, and the script's cwd
    assert not (tmp_path / "out.txt").exists() and not (tmp_path / "scripts" / "out.txt").exists()
    assert (tmp_path / "rec.jsonl").exists()  # the runner's own paths stay relative to the caller


def _bare_run(tmp_path, *args, **env):
    base = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-m", "compat", "run", *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**base, "PYTHONPATH": str(REPO), **env})


@pytest.mark.slow  # three TensorFlow start-ups
def test_tensorflow_start_up_noise_is_off_unless_asked_for(tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text("import sys\nimport tensorflow as tf\nx = tf.placeholder(tf.float32, [2])\n"
                      "with tf.Session() as sess:\n    print(sess.run(x * 2, {x: [1, 2]}))\n"
                      "sys.stderr.write('the script speaks\\n')\n")
    quiet = _bare_run(tmp_path, script)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == "the script speaks\n"
    verbose = _bare_run(tmp_path, "--verbose", script)
    assert verbose.returncode == 0 and verbose.stdout == quiet.stdout
    assert re.search(r"^[IWE]\d{4} ", verbose.stderr, re.MULTILINE), verbose.stderr  # TensorFlow's own log lines
    shown = _bare_run(tmp_path, script, TF_CPP_MIN_LOG_LEVEL="0")  # the user's level wins: everything
    assert re.search(r"^I\d{4} ", shown.stderr, re.MULTILINE), shown.stderr
    errors_only = _bare_run(tmp_path, script, TF_CPP_MIN_LOG_LEVEL="2")  # ... applied to the start-up lines too
    assert errors_only.returncode == 0 and not re.search(r"^[IW]\d{4} ", errors_only.stderr, re.MULTILINE)


def test_start_up_filter_keeps_what_is_not_noise():
    from compat.runner import _is_start_up_noise

    banner = "I0000 00:00:1796404936.223813    8321 port.cc:153] oneDNN custom operations are on."
    warning = "W0000 00:00:1796404936.2 8321 cpu_allocator_impl.cc:83] Allocation of 40 exceeds 10% of free memory."
    no_gpu = ("E0000 00:00:1796404938.487288    8321 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA "
              "error: Failed call to cuInit: UNKNOWN ERROR (303)")
    other_error = "E0000 00:00:1796404938.4 8321 some_kernel.cc:1] Invalid argument: something real"
    assert _is_start_up_noise(banner, 1, True) and _is_start_up_noise(no_gpu, 1, True)
    assert not _is_start_up_noise(warning, 1, True) and not _is_start_up_noise(other_error, 2, True)
    assert not _is_start_up_noise(no_gpu, 2, False)  # a user's level 2 keeps errors
    assert not _is_start_up_noise("DeprecationWarning: np.bool is deprecated", 3, True)  # not TensorFlow's log
    # TF 2.15-2.19 date their lines and register GPU plugins twice on a CPU-only machine
    dated_banner = "2026-12-04 18:43:45.976124: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on."
    twice = ("2026-12-04 18:43:46.189278: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261] Unable to "
             "register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been "
             "registered")
    dated_error = "2026-12-04 18:43:46.1: E tensorflow/core/kernels/some_kernel.cc:1] Invalid argument: something real"
    assert _is_start_up_noise(dated_banner, 1, True) and _is_start_up_noise(twice, 1, True)
    assert not _is_start_up_noise(dated_error, 1, True) and not _is_start_up_noise(twice, 2, False)
