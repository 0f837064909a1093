"""Training-step counting (``--max-steps``) and recording (``--record``), without editing the script.

A *training step* is one parameter update the script asks for:

- graph mode: one ``Session.run`` whose fetches include a train op — an op returned by an optimizer's
  ``apply_gradients`` (``minimize`` calls it). A GAN iteration that runs ``D_solver`` and ``G_solver`` in two
  ``sess.run`` calls is two steps;
- eager / Keras: one optimizer ``apply_gradients`` executed eagerly, or one ``Model.train_on_batch`` call.

Each step is recorded as one JSON line ``{"step": k, "losses": {...}}``: in graph mode the scalar values the
``Session.run`` fetched, named by the script's own variable (``D_loss``) or attribute (``self.d_loss``) that holds
the fetched tensor; with ``train_on_batch`` the model's ``metrics_names``; in eager code the scalar targets handed to
``GradientTape.gradient`` since the previous step. Each ``tf.train.Saver.save`` adds ``{"checkpoint": {"step": k,
"path": ...}}`` (where a resumed run can pick up, see the runner's ``--resume-at-step``). At the end one
``{"variables": ...}`` line lists the trainable variables' names and shapes, then ``{"end": {"status": ..., "steps":
..., "era": ...}}``. The record holds no wall-clock time, so two identical seeded runs give byte-identical records.

Each line is written whole or not at all, straight to the file (a crash loses nothing recorded). A record that
cannot be written mid-run (a full disk) stops *recording*, not training: the file is cut back to its last complete
line, one message on stderr says so, and the script runs to its end — hours of training are worth more than the
rest of a log, and what was recorded stays valid JSON lines. The runner checks the record and ``--dump-weights``
paths before the script starts, so a bad path costs no training; ``--dump-weights`` is written atomically
(temporary file, then ``os.replace``).

When ``max_steps`` updates have run, the next one raises ``StepLimitReached`` (a BaseException, so a script's own
``except Exception`` cannot swallow it) and the runner ends the script with status 0.
"""
import errno
import json
import math
import os
import sys
import weakref

import numpy as np

from compat import patches


class StepLimitReached(BaseException):
    """Raised instead of the training step after the last allowed one."""


def weights_file_name(path):
    """Where ``--dump-weights PATH`` goes: ``PATH``, with ``.npz`` appended if missing (as ``np.savez`` names it)."""
    return path if path.endswith(".npz") else f"{path}.npz"


class RecordWriter:
    """The ``--record`` file: JSON lines, each written whole or not at all (see the module docstring).

    Args:
      path: the record file; opened (created or emptied, or appended to) here, so a bad path fails before
        training with the OSError of ``open``.
      append: keep what is there (a resumed run) instead of starting empty.
    """

    def __init__(self, path, append=False):
        self.path = path
        self._file = open(path, "ab" if append else "wb", buffering=0)
        try:
            self._complete = self._file.seek(0, os.SEEK_END)  # bytes up to the end of the last complete line
        except OSError:  # a pipe (--record /dev/stdout): nothing to cut back
            self._complete = None

    def write(self, event, step):
        """Append one line; False (after one message on stderr) when it cannot be written: stop recording."""
        data = memoryview((json.dumps(event, allow_nan=True) + "\n").encode("utf-8"))
        try:
            while data:
                data = data[self._file.write(data):]
        except OSError as error:
            self._stop(error, step)
            return False
        if self._complete is not None:
            self._complete = self._file.tell()
        return True

    def _stop(self, error, step):
        reason = os.strerror(error.errno) if error.errno else str(error)
        try:  # cut a half-written line off, so every line of the record stays parseable
            if self._complete is not None:
                os.ftruncate(self._file.fileno(), self._complete)
        except (OSError, ValueError):  # a device such as /dev/full cannot be truncated: nothing was written anyway
            pass
        self.close()
        hint = " (free some space)" if error.errno == errno.ENOSPC else ""
        print(f"compat: --record {self.path}: cannot write after step {step}: {reason}{hint}; recording stopped, "
              f"training goes on", file=sys.stderr, flush=True)

    def close(self):
        try:
            self._file.close()
        except OSError:
            pass


class StepMonitor:
    def __init__(self, max_steps=None, record_path=None, weights_path=None, first_step=0):
        self.max_steps = max_steps
        self.samples = None  # a compat.samples.SampleDumps, set by the runner for --sample-every
        self.weights_path = weights_path
        self.initial = {}  # id(variable) -> (name, value before its first update), for --dump-weights
        self.steps = first_step  # a resumed run counts on from its checkpoint's step (and appends to its record)
        self.variables = {}  # id(variable) -> [name, shape]: TF2 names need not be unique (two "Variable:0")
        self._record = RecordWriter(record_path, append=first_step > 0) if record_path else None
        self._train_ops = weakref.WeakKeyDictionary()  # graph -> names of its train ops
        self._pending = {}  # eager losses seen by GradientTape.gradient since the last step
        self._names = {}  # tensor name -> script variable name
        self._plans = {}  # ids of a fetch list -> (the fetches, their names if they train else None)
        self._inside_keras_step = False
        self._patches = []

    # --- bookkeeping shared by every kind of step --------------------------------------------------------------
    def before_step(self, session=None):
        if self.max_steps is not None and self.steps >= self.max_steps:
            raise StepLimitReached(self.steps)
        if self.samples and self.steps == 0:  # the untrained generator
            self.samples.at(0, session)

    def after_step(self, losses, session=None):
        self.steps += 1
        losses = {**self._pending, **losses}
        self._pending = {}
        if self._record:
            self._write({"step": self.steps, "losses": {k: _json_float(v) for k, v in losses.items()}})
        if self.samples:
            self.samples.at(self.steps, session)

    def _write(self, event):
        if not self._record.write(event, self.steps):
            self._record = None  # stopped: RecordWriter said so once

    def close(self, status, extra=None):
        if self._record:
            self._write({"variables": list(self.variables.values())})
        if self._record:
            self._write({"end": {"status": status, "steps": self.steps, **(extra or {})}})
        if self._record:
            self._record.close()
            self._record = None
        if self.weights_path:
            self._save_initial_weights()

    def _save_initial_weights(self):
        """One .npz entry per variable, named as TF names it ("#2" appended to a repeated name); written to a
        temporary name first, so a failed write never leaves a truncated file under the real name."""
        arrays, seen = {}, {}
        for name, value in self.initial.values():
            seen[name] = seen.get(name, 0) + 1
            arrays[name if seen[name] == 1 else f"{name}#{seen[name]}"] = value
        path = weights_file_name(self.weights_path)
        temporary = f"{path}.tmp"
        try:
            with open(temporary, "wb") as handle:
                np.savez(handle, **arrays)
            os.replace(temporary, path)
        except OSError:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    def record_event(self, event):
        if self._record:
            self._write(event)

    # --- patches (compat/patches.py rows; uninstall reverts exactly the rows install applied) -------------------
    _ROWS = {"Session.run": "_session_run", "Saver.save": "_saver_save",
             "Optimizer.apply_gradients": "_apply_gradients", "GradientTape.gradient": "_tape_gradient"}
    _KERAS_ROWS = {"OptimizerV2.apply_gradients": "_apply_gradients",
                   "keras Optimizer.apply_gradients": "_apply_gradients",
                   "Model.train_on_batch": "_train_on_batch", "Model.train_on_batch (v1)": "_train_on_batch"}

    def install(self):
        rows = dict(self._ROWS)
        try:
            import tf_keras  # noqa: F401 - only to know whether legacy Keras is there
        except ImportError:  # no legacy Keras: graph-mode counting still works
            pass
        else:
            rows.update(self._KERAS_ROWS)
        for name, make_wrapper in rows.items():
            patches.REGISTRY[name].wrap(getattr(self, make_wrapper))
            self._patches.append(patches.REGISTRY[name])

    def uninstall(self):
        for row in reversed(self._patches):
            row.revert()
        self._patches = []

    def _session_run(self, original):
        monitor = self

        def run(sess, fetches, feed_dict=None, options=None, run_metadata=None):
            train_ops = monitor._train_ops.get(sess.graph)
            if not train_ops:
                return original(sess, fetches, feed_dict, options, run_metadata)
            flat, unflatten = monitor._flat_fetches(fetches)
            keys = monitor._train_fetch_keys(flat, train_ops)
            if keys is None:
                return original(sess, fetches, feed_dict, options, run_metadata)
            monitor.before_step(sess)
            if monitor.weights_path and not monitor.initial:
                monitor._capture_graph_weights(sess, original)
            result = original(sess, fetches, feed_dict, options, run_metadata)
            if not monitor.variables:
                monitor._note_graph_variables(sess.graph)
            monitor.after_step(monitor._graph_losses(sys._getframe(1), flat, keys, unflatten(result)), sess)
            return result

        return run

    def _train_fetch_keys(self, flat, train_ops):
        """None unless the fetches run a train op; then each fetch's graph name. Cached per fetch list (a script
        fetches the same objects every step, and asking TF for op names costs microseconds each)."""
        key = tuple(map(id, flat))
        plan = self._plans.get(key)
        if plan is None or any(a is not b for a, b in zip(plan[0], flat)):
            is_train = any(_op_name(f) in train_ops for f in flat)
            plan = (tuple(flat), [getattr(f, "name", str(f)) for f in flat] if is_train else None)
            if len(self._plans) > 10000:  # scripts that build new fetches every step: keep memory bounded
                self._plans.clear()
            self._plans[key] = plan  # holds the fetches, so their ids cannot be reused while cached
        return plan[1]

    def _flat_fetches(self, fetches):
        """(flat fetches, how to flatten the matching result). The common `sess.run([op, loss])` and
        `sess.run(op)` skip tf.nest, whose cost would dominate the per-step overhead of a small graph."""
        if isinstance(fetches, (list, tuple)) and not any(isinstance(f, (list, tuple, dict)) for f in fetches):
            return fetches, lambda result: result
        if hasattr(fetches, "graph"):  # one Tensor or Operation
            return (fetches,), lambda result: (result,)
        return _flatten(fetches), _flatten

    def _saver_save(self, original):
        monitor = self

        def save(saver, sess, save_path, *args, **kwargs):
            path = original(saver, sess, save_path, *args, **kwargs)
            monitor.record_event({"checkpoint": {"step": monitor.steps, "path": path}})
            return path

        return save

    def _apply_gradients(self, original):
        monitor = self

        def apply_gradients(optimizer, grads_and_vars, *args, **kwargs):
            import tensorflow as tf

            grads_and_vars = list(grads_and_vars)
            eager_step = tf.executing_eagerly() and not monitor._inside_keras_step
            if eager_step:
                monitor.before_step()
                monitor._capture_eager_weights(var for _, var in grads_and_vars)
            result = original(optimizer, grads_and_vars, *args, **kwargs)
            # the variables an update really touches (a Keras model whose .trainable was switched off after
            # compiling still updates its own); TF1 graphs list their trainable collection at the first step
            if eager_step or monitor._inside_keras_step:
                for _, var in grads_and_vars:
                    monitor.variables.setdefault(id(var), [_var_name(var), _shape(var)])
            if eager_step:
                monitor.after_step({})
            elif isinstance(result, (tf.Operation, tf.Tensor)) and not tf.executing_eagerly():
                monitor._train_ops.setdefault(result.graph, set()).add(_op_name(result))
            return result

        return apply_gradients

    def _train_on_batch(self, original):
        monitor = self

        def train_on_batch(model, *args, **kwargs):
            monitor.before_step()
            monitor._capture_eager_weights(model.weights)
            monitor._inside_keras_step = True
            try:
                result = original(model, *args, **kwargs)
            finally:
                monitor._inside_keras_step = False
            values = result if isinstance(result, (list, tuple)) else [result]
            names = list(getattr(model, "metrics_names", None) or [])
            names = names if len(names) == len(values) else [f"output_{i}" for i in range(len(values))]
            monitor.after_step({f"{model.name}.{n}": v for n, v in zip(names, values) if np.ndim(v) == 0})
            return result

        return train_on_batch

    def _tape_gradient(self, original):
        monitor = self

        def gradient(tape, target, *args, **kwargs):
            import tensorflow as tf

            if tf.executing_eagerly() and isinstance(target, tf.Tensor) and target.shape.rank == 0:
                name = _script_name(sys._getframe(1), target) or f"loss_{len(monitor._pending)}"
                monitor._pending[name] = float(target.numpy())
            return original(tape, target, *args, **kwargs)

        return gradient

    # --- initial weights (--dump-weights): each variable's value before its first update ---------------------
    def _capture_graph_weights(self, sess, run):
        variables = sess.graph.get_collection("variables")
        for var, value in zip(variables, run(sess, variables, None, None, None)):
            self.initial[id(var)] = (_var_name(var), value)

    def _capture_eager_weights(self, variables):
        if not self.weights_path:
            return
        for var in variables:
            if id(var) not in self.initial and hasattr(var, "numpy"):
                self.initial[id(var)] = (_var_name(var), var.numpy())

    # --- graph-mode helpers ---------------------------------------------------------------------------------
    def _note_graph_variables(self, graph):
        for var in graph.get_collection("trainable_variables"):
            self.variables.setdefault(id(var), [_var_name(var), _shape(var)])

    def _graph_losses(self, frame, fetches, keys, values):
        losses = {}
        for fetch, key, value in zip(fetches, keys, values):
            if not isinstance(value, (np.floating, float)):  # Session.run returns scalars as NumPy scalars
                continue
            if key not in self._names:
                self._names[key] = _script_name(frame, fetch) or key
            losses[self._names[key]] = value
        return losses


def _flatten(structure):
    import tensorflow as tf

    return tf.nest.flatten(structure)


def _op_name(fetch):
    op = getattr(fetch, "op", fetch)
    return getattr(op, "name", None)


def _var_name(var):
    return getattr(var, "name", None) or getattr(var, "path", repr(var))


def _shape(var):
    shape = var.shape
    return shape.as_list() if hasattr(shape, "as_list") else [None if d is None else int(d) for d in shape]


def _script_name(frame, obj):
    """The name the calling code gives ``obj``: a local or global variable, or an attribute of ``self``."""
    for scope in (frame.f_locals, frame.f_globals):
        for name, value in scope.items():
            if value is obj:
                return name
    owner = frame.f_locals.get("self")
    for name, value in (vars(owner).items() if hasattr(owner, "__dict__") else ()):
        if value is obj:
            return name
    return None


def _json_float(value):
    value = float(value)
    return value if math.isfinite(value) else repr(value)  # "nan"/"inf" stay readable and parseable by float()
