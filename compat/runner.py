"""Run a script unchanged in its era: ``python -m compat run SCRIPT [ARGS...]``.

The script runs as ``__main__`` in this process, as ``python SCRIPT ARGS`` would run it: ``sys.argv``,
``__file__``, ``sys.path[0]`` (its folder, so its sibling ``ops.py`` imports), the working directory, the exit status
and its tracebacks (cut to start at the script's own frames) are the script's. Before its first line:

- the era is chosen (``--era auto`` reads the source: TF1 if it uses a ``tf.`` name TensorFlow 2 lacks);
  TF1 turns off TF2 behaviour (eager execution, resource variables, v2 control flow) like TF 1.15's defaults;
- user code's imports of tensorflow/numpy/scipy/six/keras are served era namespaces (``imports.py``);
- ``--seed``, ``--deterministic``, ``--max-steps``, ``--record``, ``--dump-weights``, ``--dataset``, ``--xla`` and
  ``--sample-every`` (generator samples at checkpoints, ``samples.py``) take effect (``RunOptions``).

A run changes process-wide state (patched classes, the import hook): one run per process.
"""
import builtins
import os
import random
import sys
import time
import traceback
import types
from dataclasses import dataclass, field

from compat import explain

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
from compat.imports import EraImporter
from compat.samples import SampleDumps, load_sampler
from compat.steps import StepLimitReached, StepMonitor


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


def _log(message):
    print(f"compat: {message}", file=sys.stderr, flush=True)


def _seed_everything(seed, era):
    import numpy as np
    import tensorflow as tf
    from tensorflow.python.framework import ops

    random.seed(seed)
    np.random.seed(seed)
    if era == "tf2":
        tf.random.set_seed(seed)
        return
    # TF1 kept the seed on the graph (tf.set_random_seed): give it to the current and every future graph, so a
    # script's tf.reset_default_graph() or `with tf.Graph().as_default()` keeps it too.
    original_init = ops.Graph.__init__

    def seeded_init(graph, *args, **kwargs):
        original_init(graph, *args, **kwargs)
        graph.seed = seed

    ops.Graph.__init__ = seeded_init
    tf.compat.v1.get_default_graph().seed = seed


def _enable_xla(era):
    import tensorflow as tf

    if era == "tf2":
        tf.config.optimizer.set_jit(True)
        return
    # A TF1 Session reads its own ConfigProto, not the eager context's: switch on global JIT in every one.
    from tensorflow.python.client import session

    original_init = session.Session.__init__

    def jit_init(sess, target="", graph=None, config=None):
        config = config if config is not None else tf.compat.v1.ConfigProto()
        config.graph_options.optimizer_options.global_jit_level = tf.compat.v1.OptimizerOptions.ON_1
        original_init(sess, target, graph, config)

    session.Session.__init__ = jit_init


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
    """Run ``script`` with ``args``; returns the exit status ``python SCRIPT`` would have had."""
    options = options or RunOptions()
    script = os.path.abspath(script)
    if not os.path.isfile(script):
        _log(f"cannot open script {script!r}: no such file")
        return 2
    if bool(options.sampler) != bool(options.sample_every):
        _log("--sampler and --sample-every go together: name the sampler and how often to call it")
        return 2
    try:
        sampler = load_sampler(options.sampler, os.path.dirname(script)) if options.sampler else None
    except ValueError as error:
        _log(str(error))
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    if options.dataset:
        os.environ["COMPAT_MNIST_DATASET"] = options.dataset
    if options.xla:  # XLA's CPU auto-clustering is off unless this flag is set before TensorFlow starts
        os.environ["TF_XLA_FLAGS"] = (os.environ.get("TF_XLA_FLAGS", "") + " --tf_xla_cpu_global_jit").strip()
    import tensorflow as tf

    era = explain.detect_era(script) if options.era == "auto" else options.era
    if era == "tf1":
        from tensorflow.python.util import deprecation

        with deprecation.silence():  # our switch, not the script's call: no "Instructions for updating" noise
            tf.compat.v1.disable_v2_behavior()
    if options.seed is not None:
        _seed_everything(options.seed, era)
    if options.deterministic:
        tf.config.experimental.enable_op_determinism()
    if options.xla:
        _enable_xla(era)

    monitor = StepMonitor(options.max_steps, options.record, options.dump_weights, options.resume_at_step)
    monitor.install()
    importer = EraImporter(era, [os.path.dirname(script)])
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=script, __builtins__=builtins, __cached__=None, __package__=None)
    if sampler:
        monitor.samples = SampleDumps(sampler, options.sample_every, options.samples_dir, main.__dict__)
    saved_main, saved_argv = sys.modules.get("__main__"), sys.argv
    sys.modules["__main__"] = main
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(script)  # as `python SCRIPT` has it: the script's folder, not the caller's cwd
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
        monitor.close(outcome, {"era": era, "seconds": round(time.perf_counter() - started, 3)})
        monitor.uninstall()
        sys.argv = saved_argv
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
    return status
