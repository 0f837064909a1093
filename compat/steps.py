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
``{"variables": ...}`` line lists the trainable variables' names and shapes, then ``{"end": ...}``. Lines are flushed as written: a crash loses nothing recorded.

When ``max_steps`` updates have run, the next one raises ``StepLimitReached`` (a BaseException, so a script's own
``except Exception`` cannot swallow it) and the runner ends the script with status 0.
"""
import functools
import json
import math
import sys
import weakref

import numpy as np


class StepLimitReached(BaseException):
    """Raised instead of the training step after the last allowed one."""


class StepMonitor:
    def __init__(self, max_steps=None, record_path=None, weights_path=None, first_step=0):
        self.max_steps = max_steps
        self.samples = None  # a compat.samples.SampleDumps, set by the runner for --sample-every
        self.weights_path = weights_path
        self.initial = {}  # id(variable) -> (name, value before its first update), for --dump-weights
        self.steps = first_step  # a resumed run counts on from its checkpoint's step (and appends to its record)
        self.variables = {}  # id(variable) -> [name, shape]: TF2 names need not be unique (two "Variable:0")
        self._record = open(record_path, "a" if first_step else "w", encoding="utf-8") if record_path else None
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
        self._record.write(json.dumps(event, allow_nan=True) + "\n")
        self._record.flush()

    def close(self, status, extra=None):
        if self._record:
            self._write({"variables": list(self.variables.values())})
            self._write({"end": {"status": status, "steps": self.steps, **(extra or {})}})
            self._record.close()
            self._record = None
        if self.weights_path:
            self._save_initial_weights()

    def _save_initial_weights(self):
        """One .npz entry per variable, named as TF names it ("#2" appended to a repeated name)."""
        arrays, seen = {}, {}
        for name, value in self.initial.values():
            seen[name] = seen.get(name, 0) + 1
            arrays[name if seen[name] == 1 else f"{name}#{seen[name]}"] = value
        np.savez(self.weights_path, **arrays)

    def record_event(self, event):
        if self._record:
            self._write(event)

    # --- patches --------------------------------------------------------------------------------------------
    def install(self):
        from tensorflow.python.client import session
        from tensorflow.python.eager import backprop
        from tensorflow.python.training import optimizer as v1_optimizer
        from tensorflow.python.training import saver

        self._patch(session.BaseSession, "run", self._session_run)
        self._patch(saver.Saver, "save", self._saver_save)
        self._patch(v1_optimizer.Optimizer, "apply_gradients", self._apply_gradients)
        self._patch(backprop.GradientTape, "gradient", self._tape_gradient)
        try:
            from tf_keras.src.engine import training, training_v1
            from tf_keras.src.optimizers import optimizer as keras_optimizer
            from tf_keras.src.optimizers.legacy import optimizer_v2
        except ImportError:  # no legacy Keras: graph-mode counting still works
            return
        self._patch(optimizer_v2.OptimizerV2, "apply_gradients", self._apply_gradients)
        self._patch(keras_optimizer.Optimizer, "apply_gradients", self._apply_gradients)
        self._patch(training.Model, "train_on_batch", self._train_on_batch)
        self._patch(training_v1.Model, "train_on_batch", self._train_on_batch)

    def uninstall(self):
        for owner, attr, original in reversed(self._patches):
            setattr(owner, attr, original)
        self._patches = []

    def _patch(self, owner, attr, make_wrapper):
        original = owner.__dict__[attr]
        self._patches.append((owner, attr, original))
        setattr(owner, attr, functools.wraps(original)(make_wrapper(original)))

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
