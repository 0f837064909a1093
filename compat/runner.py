"""Run a script unchanged in its era: ``python -m compat run SCRIPT [ARGS...]``.

The script runs as ``__main__`` in this process, as ``python SCRIPT ARGS`` would run it: ``sys.argv``,
``__file__``, ``sys.path[0]`` (its folder, so its sibling ``ops.py`` imports), the working directory, the exit status
and its tracebacks (cut to start at the script's own frames) are the script's. Before its first line:

- the era is chosen (``--era auto`` reads the source: TF1 if it uses a ``tf.`` name TensorFlow 2 lacks);
  TF1 turns off TF2 behaviour (eager execution, resource variables, v2 control flow) like TF 1.15's defaults;
- user code's imports of tensorflow/numpy/scipy/six/keras are served era namespaces (``imports.py``);
- ``--seed``, ``--deterministic``, ``--max-steps``, ``--record``, ``--dump-weights``, ``--dataset``, ``--xla`` and
  ``--sample-every`` (generator samples at checkpoints, ``samples.py``) take effect (``RunOptions``);
- ``--workdir DIR``: the script runs as if started from DIR (created if missing); the script path and the runner's
  own output paths are taken relative to the caller's working directory, which is restored afterwards;
- ``import tf_slim`` is repaired on first import (``slim_repairs.install_import_hook``);
- TensorFlow's C++ start-up lines (the pre-logging banner each of its libraries prints, the CPU-only
  ``failed call to cuInit ... (303)``) are held back; the user's own ``TF_CPP_MIN_LOG_LEVEL`` is applied to them
  instead, and ``--verbose`` shows TensorFlow's output as it is.

Every change to TensorFlow, builtins, ``sys`` and ``os.environ`` is a row of ``compat/patches.py``; at the end of the
run each reversible one is undone (disabling TF2 behaviour is not reversible: see the registry). The output paths are
checked before the script starts, so a typo costs no training.
"""
import builtins
import contextlib
import os
import random
import re
import sys
import tempfile
import time
import traceback
import types
from dataclasses import dataclass, field

from compat import explain, patches, slim_repairs
from compat.imports import EraImporter
from compat.samples import SampleDumps, load_sampler
from compat.steps import StepLimitReached, StepMonitor, weights_file_name

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# TensorFlow's C++ libraries log before their logging is configured, so TF_CPP_MIN_LOG_LEVEL does not reach those
# lines: absl's "before InitializeLog" notice and INFO lines (oneDNN, "Could not find cuda drivers") once per library
# that carries its own copy of absl, then on a machine without a GPU the ERROR "failed call to cuInit ... (303)".
# Releases 2.15-2.19 also log, at ERROR and WARNING, that GPU plugins were registered twice; they date their lines
# ("2026-12-04 18:43:45.976124: E ...") where 2.20 and later write "E0000 ...".
_TF_LOG_LINE = re.compile(r"^(?:([IWEF])\d{4} |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ([IWEF]) )")
_ABSL_NOTICE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
_CONTINUATION = "To enable the following instructions:"  # the second line of cpu_feature_guard's INFO
_NO_GPU = re.compile(r"failed call to cuInit.*\(303\)|Unable to register cu\w+ factory|computation placer already "
                     r"registered|TF-TRT Warning: Could not find TensorRT")


@dataclass
class RunOptions:
    era: str = "auto"  # "auto", "tf1" or "tf2"
    seed: int = None  # graph-level seed of every new graph (TF1) / global seed (TF2), NumPy's and random's seed
    deterministic: bool = False  # TensorFlow op determinism
    max_steps: int = None  # stop cleanly before training step max_steps + 1
    record: str = None  # JSON-lines file of steps, losses, variables (see steps.py)
    record_shapes: dict = field(default_factory=dict)  # label -> expression in the script's globals
    dump_weights: str = None  # .npz of every variable's value before its first update (initial weights)
    dataset: str = None  # "mnist" or "fashion-mnist": what the default MNIST source serves (input_data)
    xla: bool = False  # graph-level XLA JIT for every Session (TF1) / tf.function (TF2)
    sampler: str = None  # "module:function" called at step 0 and every sample_every steps (see samples.py)
    sample_every: int = None
    samples_dir: str = "samples-by-step"  # where step-<k>.npz files go (relative to the working directory)
    resume_at_step: int = 0  # the script restores a checkpoint taken after this many steps: count on from there
    workdir: str = None  # run the script as if started from this folder (created if missing)
    verbose: bool = False  # TensorFlow's start-up logs as TensorFlow prints them


def _log(message):
    print(f"compat: {message}", file=sys.stderr, flush=True)


def _seed_everything(seed, era):
    import numpy as np
    import tensorflow as tf

    patches.REGISTRY["random seed"].apply(lambda: random.seed(seed))
    patches.REGISTRY["NumPy seed"].apply(lambda: np.random.seed(seed))
    if era == "tf2":
        patches.REGISTRY["TF global seed"].apply(lambda: tf.random.set_seed(seed))
        return
    # TF1 kept the seed on the graph (tf.set_random_seed): give it to the current and every future graph, so a
    # script's tf.reset_default_graph() or `with tf.Graph().as_default()` keeps it too.
    def seeded(original_init):
        def seeded_init(graph, *args, **kwargs):
            original_init(graph, *args, **kwargs)
            graph.seed = seed

        return seeded_init

    patches.REGISTRY["Graph.__init__"].wrap(seeded)
    patches.REGISTRY["default graph seed"].apply(lambda: setattr(tf.compat.v1.get_default_graph(), "seed", seed))


def _enable_xla(era):
    import tensorflow as tf

    if era == "tf2":
        patches.REGISTRY["XLA JIT"].apply(lambda: tf.config.optimizer.set_jit(True))
        return

    # A TF1 Session reads its own ConfigProto, not the eager context's: switch on global JIT in every one.
    def with_jit(original_init):
        def jit_init(sess, target="", graph=None, config=None):
            config = config if config is not None else tf.compat.v1.ConfigProto()
            config.graph_options.optimizer_options.global_jit_level = tf.compat.v1.OptimizerOptions.ON_1
            original_init(sess, target, graph, config)

        return jit_init

    patches.REGISTRY["Session.__init__"].wrap(with_jit)


def _is_start_up_noise(line, level, no_gpu_is_noise):
    """True for a start-up log line that TF_CPP_MIN_LOG_LEVEL ``level`` would have hidden, had it applied."""
    if line.startswith(_ABSL_NOTICE):
        return level >= 1
    if line.startswith(_CONTINUATION):
        return level >= 1
    severity = _TF_LOG_LINE.match(line)
    if not severity:
        return False  # the script's, Python's or a library's own output
    if no_gpu_is_noise and _NO_GPU.search(line):
        return True
    return "IWEF".index(severity.group(1) or severity.group(2)) < level


@contextlib.contextmanager
def _start_up_noise_held_back(level, no_gpu_is_noise):
    """Capture file descriptor 2 while TensorFlow loads and finds its devices; then write back every line that is
    not start-up noise, so an error or warning printed meanwhile still shows."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", "replace").splitlines(keepends=True)
            sys.stderr.write("".join(line for line in lines if not _is_start_up_noise(line, level, no_gpu_is_noise)))
            sys.stderr.flush()


def import_tensorflow_quietly(verbose=False):
    """Import TensorFlow and initialise its devices without the start-up noise; returns the ``tensorflow`` module.

    By default TF_CPP_MIN_LOG_LEVEL is 1 (no INFO) and the CPU-only cuInit error is dropped too. A level the user
    set wins: it is applied to the start-up lines as well, and the cuInit line stays unless it is 3. ``--verbose``
    shows everything.
    """
    user_level = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    if verbose or user_level in ("0", ""):
        import tensorflow as tf

        return tf
    if user_level is None:
        patches.REGISTRY["TF_CPP_MIN_LOG_LEVEL"].apply("1")
        level, no_gpu_is_noise = 1, True
    else:
        level = int(user_level) if user_level.isdigit() else 0
        no_gpu_is_noise = level >= 3
    with _start_up_noise_held_back(level, no_gpu_is_noise):
        import tensorflow as tf

        tf.config.list_physical_devices()  # the device scan (cuInit) happens here, not in the script's first op
    return tf


def _output_path_problem(flag, path):
    """None if ``path`` can be written (tried with a temporary file beside it), else a one-line reason."""
    if os.path.isdir(path) or (flag == "--dump-weights" and os.path.isdir(weights_file_name(path))):
        return f"{flag} {path}: is a folder; give a file name"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"{flag} {path}: folder {folder} does not exist; create it or choose another path"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".compat-check-"):
            pass
    except OSError as error:
        return f"{flag} {path}: cannot write in {folder} ({error.strerror or error}); choose another path"
    return None


def _script_traceback(error, script):
    """The traceback from the script's first frame on, as ``python SCRIPT`` would print it."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    report = traceback.TracebackException(type(error), error, tb or error.__traceback__)
    # the runtime's own frames (an era namespace resolving a name) are noise between the script and the error
    report.stack = traceback.StackSummary.from_list(
        [frame for frame in report.stack if not frame.filename.startswith(_PACKAGE_DIR)])
    return "".join(report.format())


def _user_line(error, script):
    """``file:line`` of the innermost user-code frame that raised ``error`` (relative to the script's folder)."""
    where = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        if not frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            where = (frame.f_code.co_filename, line)
    if where is None:
        return os.path.basename(script)
    return f"{os.path.relpath(where[0], os.path.dirname(script))}:{where[1]}"


def _shape_of(value):
    for attr in ("output_shape", "shape"):
        shape = getattr(value, attr, None)
        if shape is not None:
            as_list = getattr(shape, "as_list", None)
            try:
                return as_list() if as_list else [None if d is None else int(d) for d in shape]
            except (TypeError, ValueError):
                return str(shape)
    return None


def run(script, args=(), options=None):
    """Run ``script`` with ``args``; returns the exit status ``python SCRIPT`` would have had.

    Bad options (a missing script, an output path that cannot be written, a sampler that does not load) are one
    line on stderr and status 2, before the script starts. Every change the run makes outside ``compat`` is undone
    when it returns, except what ``compat/patches.py`` declares irreversible.
    """
    options = options or RunOptions()
    script = os.path.abspath(script)  # the caller's working directory, before --workdir
    if not os.path.isfile(script):
        _log(f"cannot open script {script!r}: no such file")
        return 2
    if bool(options.sampler) != bool(options.sample_every):
        _log("--sampler and --sample-every go together: name the sampler and how often to call it")
        return 2
    for flag, path in (("--record", options.record), ("--dump-weights", options.dump_weights)):
        problem = path and _output_path_problem(flag, path)
        if problem:
            _log(problem)
            return 2
    record = os.path.abspath(options.record) if options.record else None  # before --workdir changes the cwd
    weights = os.path.abspath(weights_file_name(options.dump_weights)) if options.dump_weights else None
    workdir = os.path.abspath(options.workdir) if options.workdir else None
    if workdir:
        try:
            os.makedirs(workdir, exist_ok=True)
        except OSError as error:
            _log(f"--workdir {options.workdir}: cannot create it ({error.strerror or error})")
            return 2
    start = patches.mark()
    try:
        return _run(script, list(args), options, record, weights, workdir)
    finally:
        patches.revert_since(start)


def _run(script, args, options, record, weights, workdir):
    if options.dataset:
        patches.REGISTRY["COMPAT_MNIST_DATASET"].apply(options.dataset)
    if options.xla:  # XLA's CPU auto-clustering is off unless this flag is set before TensorFlow starts
        flags = (os.environ.get("TF_XLA_FLAGS", "") + " --tf_xla_cpu_global_jit").strip()
        patches.REGISTRY["TF_XLA_FLAGS"].apply(flags)
    tf = import_tensorflow_quietly(options.verbose)
    try:
        sampler = load_sampler(options.sampler, os.path.dirname(script)) if options.sampler else None
    except ValueError as error:
        _log(str(error))
        return 2

    era = explain.detect_era(script) if options.era == "auto" else options.era
    if era == "tf1":
        from tensorflow.python.util import deprecation

        def disable_v2_behavior():
            with deprecation.silence():  # our switch, not the script's call: no "Instructions for updating" noise
                tf.compat.v1.disable_v2_behavior()

        patches.REGISTRY["TF2 behaviour off"].apply(disable_v2_behavior)
    if options.seed is not None:
        _seed_everything(options.seed, era)
    if options.deterministic:
        patches.REGISTRY["op determinism"].apply(tf.config.experimental.enable_op_determinism)
    if options.xla:
        _enable_xla(era)
    slim_repairs.install_import_hook()

    try:
        monitor = StepMonitor(options.max_steps, record, weights, options.resume_at_step)
    except OSError as error:
        _log(f"--record {record}: cannot write ({error.strerror or error}); choose another path")
        return 2
    monitor.install()
    importer = EraImporter(era, [os.path.dirname(script)])
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=script, __builtins__=builtins, __cached__=None, __package__=None)
    if sampler:
        monitor.samples = SampleDumps(sampler, options.sample_every, os.path.abspath(options.samples_dir),
                                      main.__dict__)
    patches.REGISTRY["__main__"].apply(main)
    patches.REGISTRY["sys.argv"].apply([script, *args])
    # as `python SCRIPT` has it: the script's folder, not the caller's cwd
    patches.REGISTRY["sys.path[0]"].apply(os.path.dirname(script))
    if workdir:
        patches.REGISTRY["working directory"].apply(lambda: os.chdir(workdir))
    started = time.perf_counter()
    status, outcome = 0, "completed"
    importer.install()
    try:
        with open(script, "rb") as handle:
            code = compile(handle.read(), script, "exec")
        exec(code, main.__dict__)
    except StepLimitReached:
        outcome = "max-steps"
        _log(f"stopped after {monitor.steps} training steps (--max-steps {options.max_steps}) "
             f"in {time.perf_counter() - started:.1f} s")
    except SystemExit as exit_request:
        code_ = exit_request.code
        if code_ is None or isinstance(code_, int):
            status = code_ or 0
        else:  # sys.exit("message") prints the message and exits 1, as Python does
            print(code_, file=sys.stderr)
            status = 1
        outcome = "completed" if status == 0 else f"exit {status}"
    except KeyboardInterrupt as error:
        sys.stderr.write(_script_traceback(error, script))
        status, outcome = 130, "interrupted"
    except Exception as error:  # noqa: BLE001 - the script's error, reported as Python would report it
        if hasattr(error, "era_name"):  # an era name the runtime does not serve: its one line says what became of it
            _log(f"{_user_line(error, script)}: {error}")
        else:
            sys.stderr.write(_script_traceback(error, script))
        status, outcome = 1, f"error: {type(error).__name__}: {error}"
    finally:
        importer.uninstall()
        shapes = {}
        for label, expression in options.record_shapes.items():
            try:
                shapes[label] = _shape_of(eval(expression, main.__dict__))  # noqa: S307 - harness-given names
            except Exception as error:  # noqa: BLE001 - a missing name must not hide the run's own outcome
                shapes[label] = f"unavailable: {type(error).__name__}: {error}"
        if shapes:
            monitor.record_event({"shapes": shapes})
        try:
            monitor.close(outcome, {"era": era})
        except OSError as error:
            _log(f"--dump-weights {weights}: cannot write ({error.strerror or error}); the run itself {outcome}")
            status = status or 1
        monitor.uninstall()
    return status
