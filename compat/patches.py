"""The one registry of every change the runtime makes outside its own modules.

TF1-era scripts run unchanged because the runtime changes a few things in the libraries they call: it wraps
``Session.run`` to count training steps, routes ``builtins.__import__`` to era namespaces, puts names TensorFlow
dropped back for tf_slim, sets environment variables TensorFlow reads at start-up, swaps ``sys.argv`` and
``sys.modules['__main__']`` for the script's own. Each such change is one typed row of ``REGISTRY``:

- *what* it changes (``changes``: a dotted target such as ``tensorflow.python.client.session.BaseSession.run``),
- *why* (``why``),
- *how it is undone* (``undo``) — every row is reverted through the same object that applied it (the value it
  replaced is kept on the row), or is declared irreversible with the reason;
- *who* applies it (``by``) and whether it is applied now (``applied``).

Code that changes anything outside ``compat`` does it only through a row: ``REGISTRY["Session.run"].wrap(...)``,
``.apply(value)``, ``.revert()``. ``mark()`` / ``revert_since(mark)`` undo every reversible row applied after a
point (the runner's clean-up at the end of a run). ``python -m compat explain --patches`` prints the table.

This module imports only the standard library: ``compat/__init__.py`` uses it before TensorFlow is imported.
"""
import functools
import importlib
import os
import pkgutil
import sys

_MISSING = object()  # "the attribute/key did not exist": reverting deletes it again

# Possible results of Alias.apply (the tf_slim repairs report them).
INSTALLED = "installed"  # the target lacked the name; the alias is in place
NOT_NEEDED = "not needed"  # the target still has its own object; left untouched

_APPLIED = []  # rows in the order they were applied (a row may appear once)


def _resolve(dotted):
    """``"module"`` or ``"module:Class.Inner"`` -> the object (importing the module)."""
    module_name, _, path = dotted.partition(":")
    obj = importlib.import_module(module_name)
    for part in filter(None, path.split(".")):
        obj = getattr(obj, part)
    return obj


class Patch:
    """One declared change. Subclasses say how it is applied and undone.

    Attributes:
      name: the row's key in ``REGISTRY`` (``"Session.run"``).
      changes: what is changed, as a dotted target.
      why: what the runtime needs the change for.
      by: the compat module that applies it.
      reversible: False for changes that cannot be taken back (``undo`` then says why).
    """

    reversible = True

    def __init__(self, name, changes, why, by):
        self.name, self.changes, self.why, self.by = name, changes, why, by
        self._saved = _MISSING  # what the change replaced, while applied
        self.applied = False

    @property
    def undo(self):
        """How ``revert()`` undoes the change (one sentence)."""
        raise NotImplementedError

    def _applied_now(self, saved):
        self._saved, self.applied = saved, True
        _APPLIED.append(self)

    def _reverted(self):
        self._saved, self.applied = _MISSING, False
        if self in _APPLIED:
            _APPLIED.remove(self)

    def _refuse_twice(self):
        if self.applied:
            raise RuntimeError(f"patch {self.name!r} is already applied (by {self.by}); revert it first")

    def __repr__(self):
        return f"<patch {self.name}: {self.changes} ({'applied' if self.applied else 'not applied'})>"


class Attribute(Patch):
    """Replace ``owner.attr`` (a module or class attribute); revert puts the replaced object back."""

    def __init__(self, name, owner, attr, why, by):
        super().__init__(name, f"{owner.replace(':', '.')}.{attr}", why, by)
        self.owner, self.attr = owner, attr

    @property
    def undo(self):
        return "the original object is put back (compared by identity in tests/test_patches.py)"

    def apply(self, value):
        """Set the attribute to ``value``, keeping what was there (an inherited attribute counts as absent)."""
        self._refuse_twice()
        owner = _resolve(self.owner)
        saved = vars(owner).get(self.attr, _MISSING) if isinstance(owner, type) else getattr(owner, self.attr,
                                                                                               _MISSING)
        setattr(owner, self.attr, value)
        self._applied_now(saved)

    def wrap(self, make_wrapper):
        """Replace a method by ``make_wrapper(original)`` (with the original's name and docstring)."""
        original = getattr(_resolve(self.owner), self.attr)
        self.apply(functools.wraps(original)(make_wrapper(original)))

    def revert(self):
        if not self.applied:
            return
        owner = _resolve(self.owner)
        if self._saved is _MISSING:
            if self.attr in vars(owner):
                delattr(owner, self.attr)
        else:
            setattr(owner, self.attr, self._saved)
        self._reverted()


class Alias(Patch):
    """Put a name TensorFlow dropped back on its old module, pointing at the object TF keeps under its new name.

    Applied only where the name is missing (``NOT_NEEDED`` otherwise); revert deletes the alias again.
    """

    def __init__(self, name, owner, attr, source, why, by="compat.slim_repairs"):
        super().__init__(name, f"{owner}.{attr}", why, by)
        self.owner, self.attr, self.source = owner, attr, source

    @property
    def undo(self):
        return f"the alias is deleted again (only if this row put it there); source: {self.source.replace(':', '.')}"

    def apply(self):
        """Returns INSTALLED (the alias is in place, now or from before) or NOT_NEEDED (TF has its own name)."""
        module = importlib.import_module(self.owner)
        current = getattr(module, self.attr, _MISSING)
        if current is not _MISSING:
            return INSTALLED if self.applied and current is _resolve(self.source) else NOT_NEEDED
        setattr(module, self.attr, _resolve(self.source))
        if not self.applied:
            self._applied_now(None)
        return INSTALLED

    def revert(self):
        if not self.applied:
            return
        module = sys.modules.get(self.owner)
        if module is not None and getattr(module, self.attr, None) is _resolve(self.source):
            delattr(module, self.attr)
        self._reverted()


class PackageAlias(Patch):
    """Register an existing package and each of its submodules under an old package name (``sys.modules``).

    Every submodule is registered too: registering only the package would make ``import old.sub`` load ``sub`` a
    second time, giving two copies of every class in it.
    """

    def __init__(self, name, old, new, why, by="compat.slim_repairs"):
        super().__init__(name, f"sys.modules[{old!r}] and its submodules", why, by)
        self.old, self.new = old, new

    @property
    def undo(self):
        return f"the {self.old} entries are removed from sys.modules and from the parent package"

    def apply(self):
        """INSTALLED (the alias is in place) or NOT_NEEDED (``old`` is a package of its own)."""
        present = sys.modules.get(self.old, _MISSING)
        if present is not _MISSING or _findable(self.old):
            return INSTALLED if self.applied and present is sys.modules.get(self.new) else NOT_NEEDED
        parent_name, _, leaf = self.old.rpartition(".")
        parent = importlib.import_module(parent_name)
        package = importlib.import_module(self.new)
        aliases = {self.old: package}  # import everything first, so a failing import leaves nothing half-aliased
        for info in pkgutil.iter_modules(package.__path__):
            aliases[f"{self.old}.{info.name}"] = importlib.import_module(f"{self.new}.{info.name}")
        sys.modules.update(aliases)
        setattr(parent, leaf, package)
        if not self.applied:
            self._applied_now(sorted(aliases))
        return INSTALLED

    def revert(self):
        if not self.applied:
            return
        for key in self._saved:
            sys.modules.pop(key, None)
        parent = sys.modules.get(self.old.rpartition(".")[0])
        if parent is not None and self.old.rpartition(".")[2] in vars(parent):
            delattr(parent, self.old.rpartition(".")[2])
        self._reverted()


def _findable(name):
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


class Item(Patch):
    """Set ``container[key]`` (``sys.modules``, ``os.environ``, ``sys.path``); revert restores or deletes it."""

    _CONTAINERS = {"sys.modules": lambda: sys.modules, "os.environ": lambda: os.environ, "sys.path": lambda: sys.path}

    def __init__(self, name, container, key, why, by):
        super().__init__(name, f"{container}[{key!r}]", why, by)
        self.container, self.key = container, key

    @property
    def undo(self):
        return "the previous value is put back (the entry is deleted if there was none)"

    def current(self):
        container = self._CONTAINERS[self.container]()
        try:
            return container[self.key]
        except (KeyError, IndexError):
            return _MISSING

    def apply(self, value):
        self._refuse_twice()
        saved = self.current()
        self._CONTAINERS[self.container]()[self.key] = value
        self._applied_now(saved)

    def revert(self):
        if not self.applied:
            return
        container = self._CONTAINERS[self.container]()
        if self._saved is _MISSING:
            container.pop(self.key, None)
        else:
            container[self.key] = self._saved
        self._reverted()


class Insert(Patch):
    """Put an object at the front of a list (``sys.meta_path``, ``sys.path``); revert removes that object."""

    _LISTS = {"sys.meta_path": lambda: sys.meta_path, "sys.path": lambda: sys.path}

    def __init__(self, name, container, why, by):
        super().__init__(name, container, why, by)
        self.container = container

    @property
    def undo(self):
        return f"the inserted entry is removed from {self.container}"

    def apply(self, value):
        self._refuse_twice()
        self._LISTS[self.container]().insert(0, value)
        self._applied_now(value)

    def revert(self):
        if not self.applied:
            return
        entries = self._LISTS[self.container]()
        for index, entry in enumerate(entries):
            if entry is self._saved:
                del entries[index]
                break
        self._reverted()


class State(Patch):
    """A setting changed through a library's own API (a seed, a config switch, the working directory).

    ``capture()`` reads the setting before the change and ``restore(captured)`` sets it back.
    """

    def __init__(self, name, changes, why, by, capture, restore, undo):
        super().__init__(name, changes, why, by)
        self._capture, self._restore, self._undo = capture, restore, undo

    @property
    def undo(self):
        return self._undo

    def apply(self, change):
        """Capture the setting, then call ``change()``."""
        self._refuse_twice()
        saved = self._capture()
        change()
        self._applied_now(saved)

    def revert(self):
        if not self.applied:
            return
        self._restore(self._saved)
        self._reverted()


class Irreversible(Patch):
    """A change that cannot be taken back once made; ``undo`` gives the reason. Applying it twice is harmless."""

    reversible = False

    def __init__(self, name, changes, why, by, reason):
        super().__init__(name, changes, why, by)
        self.reason = reason

    @property
    def undo(self):
        return f"not undone: {self.reason}"

    def apply(self, change):
        if not self.applied:
            change()
            self._applied_now(None)

    def revert(self):
        """Nothing to do: see ``undo``."""


# --- restorers for State rows (they import their library only when a run has changed it) --------------------------
def _tf():
    import tensorflow

    return tensorflow


def _random_state():
    import random

    return random.getstate()


def _set_random_state(state):
    import random

    random.setstate(state)


def _numpy_state():
    import numpy

    return numpy.random.get_state()


def _set_numpy_state(state):
    import numpy

    numpy.random.set_state(state)


def _global_seed():
    from tensorflow.python.eager import context

    return context.global_seed()


def _set_global_seed(seed):
    from tensorflow.python.eager import context

    context.set_global_seed(seed)


def _default_graph_seed():
    graph = _tf().compat.v1.get_default_graph()
    return graph, graph.seed


def _set_graph_seed(saved):
    graph, seed = saved
    graph.seed = seed


def _determinism():
    from tensorflow.python.framework import config

    return config.is_op_determinism_enabled()


def _set_determinism(was_enabled):
    from tensorflow.python.framework import config

    if not was_enabled:
        config.disable_op_determinism()


_SESSION = "tensorflow.python.client.session"
_V1_OPTIMIZER = "tensorflow.python.training.optimizer:Optimizer"
_STEPS_WHY = "count training steps (--max-steps) and record what each one did (--record, --dump-weights)"
_SLIM_WHY = "tf_slim 1.1.0 reads this name, which TensorFlow 2.21 dropped (see compat/slim_repairs.py)"

_ROWS = [
    # compat/__init__.py, on `import compat`
    Irreversible("TF_USE_LEGACY_KERAS", "os.environ['TF_USE_LEGACY_KERAS'] (set only if unset)",
                 "tf.keras and tf.compat.v1.layers are Keras 2 (tf_keras), as in the era", "compat",
                 "TensorFlow reads it once, when it is first imported; taking it back later changes nothing"),
    # compat/runner.py: the process as `python SCRIPT` would have it
    Item("TF_CPP_MIN_LOG_LEVEL", "os.environ", "TF_CPP_MIN_LOG_LEVEL",
         "TensorFlow's C++ INFO logs off (set only if the user has not set it; not with --verbose)",
         "compat.runner"),
    Item("COMPAT_MNIST_DATASET", "os.environ", "COMPAT_MNIST_DATASET",
         "--dataset: what the default MNIST source serves (compat/input_data.py reads it)", "compat.runner"),
    Item("TF_XLA_FLAGS", "os.environ", "TF_XLA_FLAGS",
         "--xla: XLA's CPU auto-clustering is off unless this flag is set before TensorFlow starts",
         "compat.runner"),
    Item("__main__", "sys.modules", "__main__", "the script runs as __main__, as `python SCRIPT` runs it",
         "compat.runner"),
    Attribute("sys.argv", "sys", "argv", "the script sees its own argv", "compat.runner"),
    Item("sys.path[0]", "sys.path", 0, "the script's folder first on sys.path, so its sibling modules import",
         "compat.runner"),
    State("working directory", "os.getcwd()", "--workdir: the script runs as if started from that folder",
          "compat.runner", os.getcwd, os.chdir, "os.chdir back to the caller's working directory"),
    Irreversible("TF2 behaviour off", "tensorflow.compat.v1.disable_v2_behavior()",
                 "TF1 era: graph mode, ref variables, v1 control flow, as TF 1.15's defaults",
                 "compat.runner, compat.v1",
                 "TensorFlow keeps graph-mode state (default graph, variable kinds) from then on; "
                 "tf.compat.v1.enable_v2_behavior() would not restore the objects already built"),
    Attribute("Graph.__init__", "tensorflow.python.framework.ops:Graph", "__init__",
              "--seed (TF1): every new graph gets the seed, as tf.set_random_seed on each graph did",
              "compat.runner"),
    State("default graph seed", "tf.compat.v1.get_default_graph().seed",
          "--seed (TF1): the graph that exists before the script starts gets the seed too", "compat.runner",
          _default_graph_seed, _set_graph_seed, "that graph's previous seed is put back"),
    State("TF global seed", "tf.random.set_seed", "--seed (TF2): the global seed", "compat.runner",
          _global_seed, _set_global_seed, "the previous global seed is put back"),
    State("random seed", "random (global generator)", "--seed: Python's random module", "compat.runner",
          _random_state, _set_random_state, "random.setstate(state before the run)"),
    State("NumPy seed", "numpy.random (global generator)", "--seed: NumPy's global generator", "compat.runner",
          _numpy_state, _set_numpy_state, "numpy.random.set_state(state before the run)"),
    State("op determinism", "tf.config.experimental.enable_op_determinism()", "--deterministic",
          "compat.runner", _determinism, _set_determinism,
          "disable_op_determinism() unless it was on before"),
    Attribute("Session.__init__", f"{_SESSION}:Session", "__init__",
              "--xla (TF1): global JIT in every Session's ConfigProto", "compat.runner"),
    State("XLA JIT", "tf.config.optimizer.set_jit", "--xla (TF2): JIT for tf.function", "compat.runner",
          lambda: _tf().config.optimizer.get_jit(), lambda jit: _tf().config.optimizer.set_jit(jit or False),
          "set_jit(previous value)"),
    # compat/imports.py
    Attribute("builtins.__import__", "builtins", "__import__",
              "user code's imports of tensorflow/numpy/scipy/six/keras get era namespaces", "compat.imports"),
    # compat/v1.py
    Item("compat.v1", "sys.modules", "compat.v1", "`import compat.v1 as tf` gives the era namespace tf",
         "compat.v1"),
    # compat/slim_repairs.py: tf_slim repaired on its first import, wherever the runtime is active
    Insert("tf_slim import hook", "sys.meta_path",
           "`import tf_slim` applies the tf_slim repairs first (nothing for scripts that never import it)",
           "compat.runner, compat.v1"),
    PackageAlias("tf_keras.legacy_tf_layers", "tf_keras.legacy_tf_layers", "tf_keras.src.legacy_tf_layers",
                 _SLIM_WHY),
    Alias("ops.Tensor", "tensorflow.python.framework.ops", "Tensor", "tensorflow.python.framework.tensor:Tensor",
          _SLIM_WHY),
    Alias("ops.IndexedSlices", "tensorflow.python.framework.ops", "IndexedSlices",
          "tensorflow.python.framework.indexed_slices:IndexedSlices", _SLIM_WHY),
    Alias("control_flow_ops.cond", "tensorflow.python.ops.control_flow_ops", "cond",
          "tensorflow.python.ops.cond:cond", _SLIM_WHY),
    Alias("control_flow_ops.case", "tensorflow.python.ops.control_flow_ops", "case",
          "tensorflow.python.ops.control_flow_case:case", _SLIM_WHY),
    Alias("control_flow_ops.while_loop", "tensorflow.python.ops.control_flow_ops", "while_loop",
          "tensorflow.python.ops.while_loop:while_loop", _SLIM_WHY),
    Alias("control_flow_ops.Assert", "tensorflow.python.ops.control_flow_ops", "Assert",
          "tensorflow.python.ops.control_flow_assert:Assert", _SLIM_WHY),
    Alias("array_ops.stack", "tensorflow.python.ops.array_ops", "stack",
          "tensorflow.python.ops.array_ops_stack:stack", _SLIM_WHY),
    Alias("array_ops.unstack", "tensorflow.python.ops.array_ops", "unstack",
          "tensorflow.python.ops.array_ops_stack:unstack", _SLIM_WHY),
    Alias("variable_scope.variable", "tensorflow.python.ops.variable_scope", "variable",
          "tensorflow.python.ops.variable_v1:VariableV1", _SLIM_WHY),
    # compat/steps.py: step counting and recording
    Attribute("Session.run", f"{_SESSION}:BaseSession", "run", _STEPS_WHY, "compat.steps"),
    Attribute("Saver.save", "tensorflow.python.training.saver:Saver", "save",
              "--record: each checkpoint the script saves (where --resume-at-step can pick up)", "compat.steps"),
    Attribute("Optimizer.apply_gradients", _V1_OPTIMIZER, "apply_gradients",
              "notes train ops (graph mode) and counts eager steps", "compat.steps"),
    Attribute("GradientTape.gradient", "tensorflow.python.eager.backprop:GradientTape", "gradient",
              "--record: the eager losses a step differentiates", "compat.steps"),
    Attribute("OptimizerV2.apply_gradients", "tf_keras.src.optimizers.legacy.optimizer_v2:OptimizerV2",
              "apply_gradients", _STEPS_WHY + " (Keras 2 legacy optimizers)", "compat.steps"),
    Attribute("keras Optimizer.apply_gradients", "tf_keras.src.optimizers.optimizer:Optimizer",
              "apply_gradients", _STEPS_WHY + " (Keras 2 optimizers)", "compat.steps"),
    Attribute("Model.train_on_batch", "tf_keras.src.engine.training:Model", "train_on_batch",
              _STEPS_WHY + " (Keras train_on_batch, eager)", "compat.steps"),
    Attribute("Model.train_on_batch (v1)", "tf_keras.src.engine.training_v1:Model", "train_on_batch",
              _STEPS_WHY + " (Keras train_on_batch, graph mode)", "compat.steps"),
    # compat/samples.py
    Insert("sampler lookup path", "sys.path",
           "--sampler MODULE:FUNCTION is looked up as the script would see it (its folder first)",
           "compat.samples"),
]

REGISTRY = {row.name: row for row in _ROWS}
assert len(REGISTRY) == len(_ROWS), "patch names must be unique"


def mark():
    """A point to ``revert_since``: the number of rows applied so far."""
    return len(_APPLIED)


def revert_since(point):
    """Revert, newest first, every reversible row applied after ``point`` (irreversible ones stay, by nature)."""
    for row in reversed(_APPLIED[point:]):
        row.revert()


def applied():
    """The rows applied now, in the order they were applied."""
    return list(_APPLIED)


def format_table():
    """The registry as text: each row, what it changes, why, how it is undone, and whether it is applied now."""
    lines = [f"{len(REGISTRY)} patches (python -m compat explain --patches); '*' = applied in this process now", ""]
    for row in _ROWS:
        lines.append(f"{'*' if row.applied else ' '} {row.name}  [{type(row).__name__.lower()}, by {row.by}]")
        lines.append(f"    changes: {row.changes}")
        lines.append(f"    why:     {row.why}")
        lines.append(f"    undo:    {row.undo}")
    return "\n".join(lines)
