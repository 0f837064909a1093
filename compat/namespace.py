"""Era namespaces: module objects that answer legacy dotted names through the era table.

``tf`` in a TF1 script is an ``EraNamespace("tf")`` backed by ``tensorflow.compat.v1``. Looking up ``tf.X``:

1. a table row named ``tf.X`` wins: its ``serves`` target is loaded;
2. otherwise the backing module's own attribute ``X`` (``tf.placeholder`` is simply ``tf.compat.v1.placeholder``);
3. otherwise a real submodule ``tensorflow.X`` (``import tensorflow.python.ops.array_ops``);
4. otherwise ``UnknownEraName``: an AttributeError whose message quotes the nearest table row above the name —
   what removed it and what to use today. The import hook turns it into an ImportError for import statements.

A module found by any of these steps is handed out wrapped in its own namespace (``tf.contrib.layers`` is a
namespace backed by tf_slim), so the same four steps apply one level down: rows below it are routed
(``tf.contrib.layers.batch_norm``) and a name missing from the library is an ``UnknownEraName``, never the library's
own AttributeError. Module dunders (``tf.__version__``, ``__file__``) are the backing module's.

Every answer is cached on the namespace, so a hot loop's ``np.float32`` costs one dict lookup, as on a module.
"""
import importlib
import sys
import types

from compat import table

# The real module behind each root alias, per era. The TF2 era keeps real TensorFlow (a TF 2.0-2.10 Keras script
# needs eager execution), still routed through the table for what changed since (Keras 2 optimizers, offline
# datasets, NumPy aliases).
ROOT_BACKING = {
    "tf1": {"tf": "tensorflow.compat.v1"},
    "tf2": {"tf": "tensorflow"},
}

class UnknownEraName(AttributeError):
    """A legacy name the runtime has no mapping for; the message says what became of it."""

    def __init__(self, name, backing=None):
        row = table.nearest_row(name)
        if row is not None and row.name == name:
            message = f"{name} is not served by the compat runtime: removed in {row.removed}; use {row.modern} instead"
            if row.note:
                message += f" ({row.note})"
        elif row is not None and row.serves is not None:  # a miss inside a served library: say the library lacks it
            message = (f"{name} has no mapping in the compat runtime: {row.name} is served by "
                       f"{row.serves.replace(':', '.')}, which has no {name[len(row.name) + 1:]}; "
                       f"{row.name} was removed in {row.removed}: use {row.modern} instead")
        elif row is not None:
            message = (f"{name} has no mapping in the compat runtime: {row.name} was removed in {row.removed}; "
                       f"use {row.modern} instead")
        else:
            where = f" (not in {backing})" if backing else ""
            message = f"{name} has no mapping in the compat runtime{where}"
        message += ". `python -m compat explain SCRIPT` lists every era name a script uses."
        super().__init__(message)
        self.era_name = name


# Libraries that must be repaired before their first use, and the function that repairs them.
_PREPARE = {"tf_slim": ("compat.slim_repairs", "apply")}


def load(target):
    """Import ``"module"`` or ``"module:attr.path"`` and return the object.

    A library in ``_PREPARE`` is repaired first: the runner and ``compat.v1`` repair tf_slim on its import anyway
    (``slim_repairs.install_import_hook``), but a namespace used on its own (``namespace.root("tf", "tf1")``) serves
    ``tf.contrib.layers`` through here too.
    """
    module_name, _, attr_path = target.partition(":")
    prepare = _PREPARE.get(module_name.partition(".")[0])
    if prepare:
        getattr(importlib.import_module(prepare[0]), prepare[1])()
    obj = importlib.import_module(module_name)
    for attr in filter(None, attr_path.split(".")):
        obj = getattr(obj, attr)
    return obj


class EraNamespace(types.ModuleType):
    """A module-like view of one era name (``tf``, ``tf.contrib``, ``np`` ...). See the module docstring."""

    def __init__(self, era_name, backing=None, real_name=None):
        super().__init__(era_name, f"era namespace {era_name}" + (f", backed by {real_name}" if real_name else ""))
        # backing: a module, a "module" string loaded on first miss, or None for a pure namespace (tf.contrib)
        self.__dict__["_era_backing"] = backing
        self.__dict__["_era_real_name"] = real_name

    def _era_backing_module(self):
        backing = self.__dict__["_era_backing"]
        if isinstance(backing, str):
            try:
                backing = load(backing)
            except ModuleNotFoundError as error:  # e.g. six not installed: serve the table's rows alone
                if error.name != backing.partition(":")[0].partition(".")[0]:
                    raise
                backing = None
            self.__dict__["_era_backing"] = backing
        return backing

    def __getattr__(self, attr):
        if attr.startswith("__"):  # dunder probes (pickle, inspect, copy) must not hit the table ...
            backing = self._era_backing_module()
            if backing is not None and attr in vars(backing):  # ... but tf.__version__, np.__file__ are the module's
                return vars(backing)[attr]
            raise AttributeError(attr)
        value = self._era_resolve(attr)
        self.__dict__[attr] = value
        return value

    def _era_resolve(self, attr):
        full = f"{self.__name__}.{attr}"
        row = table.BY_NAME.get(full)
        if row is not None:
            if row.serves is None:
                if full in table.PREFIXES:
                    return EraNamespace(full)
                raise UnknownEraName(full)
            try:
                return _wrap(full, load(row.serves))
            except AttributeError:  # the replacement is newer than the installed library (np.trapezoid on NumPy
                backing = self._era_backing_module()  # 1.26), which then still has the era name itself
                if backing is None or attr not in dir(backing):
                    raise
                return _wrap(full, getattr(backing, attr))
        backing = self._era_backing_module()
        if backing is not None:
            try:
                return _wrap(full, getattr(backing, attr))
            except AttributeError:
                pass
        if full in table.PREFIXES:
            return EraNamespace(full)
        real_name = self.__dict__["_era_real_name"]
        if real_name:
            submodule = f"{real_name}.{attr}"
            try:
                return _wrap(full, importlib.import_module(submodule))
            except ModuleNotFoundError as error:
                if error.name != submodule:
                    raise
        raise UnknownEraName(full, getattr(backing, "__name__", None))

    def __dir__(self):
        names = set(self.__dict__)
        backing = self._era_backing_module()
        if backing is not None:
            names.update(dir(backing))
        prefix = self.__name__ + "."
        names.update(row.name[len(prefix):].split(".")[0] for row in table.TABLE if row.name.startswith(prefix))
        return sorted(n for n in names if not n.startswith("_era_"))

    def __repr__(self):
        backing = self.__dict__["_era_backing"]
        if backing is not None and not isinstance(backing, str):
            backing = backing.__name__
        return f"<era namespace {self.__name__!r}" + (f" backed by {backing!r}>" if backing else ">")


def _wrap(full, obj):
    """Wrap a module in a namespace; anything else is returned as is.

    Every module is wrapped, not only those with table rows below them: a name missing from a served library
    (``tf.contrib.rnn.static_rnn`` under tf_slim, ``tensorflow.python.ops.rnn_cell``) must fail with
    ``UnknownEraName`` quoting the nearest row, and as an ``ImportError`` in an import statement, never with the
    library's own AttributeError.
    """
    if isinstance(obj, types.ModuleType) and not isinstance(obj, EraNamespace):
        return EraNamespace(full, obj, obj.__name__)
    return obj


_ROOTS = {}


def root(alias, era):
    """The root namespace for ``alias`` (``tf``, ``np`` ...) in ``era`` (``tf1``/``tf2``), one per process."""
    key = (alias, era)
    if key not in _ROOTS:
        row = table.BY_NAME.get(alias)  # a root with a row is served by another module (`keras` -> tf_keras)
        real_name = row.serves if row is not None else table.ROOTS[alias]
        _ROOTS[key] = EraNamespace(alias, ROOT_BACKING[era].get(alias, real_name), real_name)
    return _ROOTS[key]
