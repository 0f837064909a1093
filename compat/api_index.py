"""Which names the installed TensorFlow exports, read from its generated API files without importing TensorFlow.

TensorFlow's public namespaces (``tf``, ``tf.nn``, ``tf.compat.v1.train`` ...) are generated files made of
``from tensorflow.python.ops.nn_ops import dropout_v2 as dropout`` lines: ``tensorflow/__init__.py`` and
``tensorflow/_api/v2/**/__init__.py``. A few namespaces are attached at import time instead, by Keras lazy loaders
(``tf.keras``; in TF 2 also ``tf.losses``, ``metrics``, ``optimizers``, ``initializers``; in ``tf.compat.v1`` also
``layers`` and ``nn.rnn_cell``) whose targets are Keras's own generated files. Parsing these files with ``ast``
answers "does ``tf.X.Y`` exist" in milliseconds; ``import tensorflow`` takes seconds and prints its start-up banner.

Below the public API, an importable submodule counts as present (``tf.python.ops.array_ops.concat``: a script's
``from tensorflow.python.ops import array_ops`` works), read the same way. Answers are ``True``, ``False`` or
``None`` ("cannot tell without importing": a module that fills its namespace through ``globals()``, as generated
protobuf modules do, or an unresolvable ``from X import *``). Attributes of an exported class or function
(``tf.Session.run``) count as present: only modules are read.
"""
import ast
import importlib.util
import os
from functools import lru_cache

# Keras API package each KerasLazyLoader mode loads, with legacy Keras (tf_keras) or Keras 3 (TF reads
# TF_USE_LEGACY_KERAS once, at its import; compat sets it to 1 before TensorFlow loads).
_KERAS_ROOT = {
    (True, "v1"): "tf_keras.api._v1.keras",
    (True, "v2"): "tf_keras.api._v2.keras",
    (False, "v1"): "keras._tf_keras.keras",
    (False, "v2"): "keras._tf_keras.keras",
}
_CURRENT_MODULE = "_current_module"  # how TensorFlow's generated files refer to the module being built


def _legacy_keras():
    return os.environ.get("TF_USE_LEGACY_KERAS") in ("true", "True", "1")


@lru_cache(maxsize=None)
def _package_dir(top):
    """Directory of an installed top-level package, found without importing it (None if not installed)."""
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return locations[0] if locations else None


def _module_file(dotted):
    """Source file of module ``dotted`` (a package's ``__init__.py`` or a ``.py``), or None."""
    top, *rest = dotted.split(".")
    base = _package_dir(top)
    if base is None:
        return None
    path = os.path.join(base, *rest)
    for candidate in (os.path.join(path, "__init__.py"), path + ".py"):
        if os.path.isfile(candidate):
            return candidate
    return None


class _Module:
    """The names one module file binds at its top level: name -> entry, one of ``("module", dotted)``,
    ``("from", module, name)`` (a module or an object, decided when needed: ``_resolve``) or ``("leaf",)``."""

    def __init__(self, names, open_ended, exported):
        self.names = names  # "x" or "a.b" (a name set on a submodule, `_current_module.nn.rnn_cell = ...`)
        self.open_ended = open_ended  # an unresolved `from X import *`: names not listed may still exist
        self.exported = exported  # what `from module import *` binds: __all__ if literal, else public names


def _lazy_target(call, legacy):
    """The Keras module a ``_KerasLazyLoader(globals(), submodule=..., mode=...)`` call loads, or None."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and "LazyLoader" in call.func.id):
        return None
    options = {k.arg: k.value.value for k in call.keywords if isinstance(k.value, ast.Constant)}
    root = _KERAS_ROOT[(legacy, options.get("mode", "v2"))]
    return ("module", f"{root}.{options['submodule']}" if options.get("submodule") else root)


def _target_path(node):
    """``_current_module.a.b`` -> "a.b"; anything else -> None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == _CURRENT_MODULE and parts:
        return ".".join(reversed(parts))
    return None


@lru_cache(maxsize=None)
def _read_module(dotted, legacy):
    path = _module_file(dotted)
    if path is None:
        return None
    with open(path, "rb") as handle:
        try:
            tree = ast.parse(handle.read(), filename=path)
        except (SyntaxError, ValueError):
            return None
    names, local, open_ended = {}, {}, False

    def bind(name, entry):
        if entry is not None:
            names[name] = entry

    def value_entry(value):
        if isinstance(value, ast.Name):
            return local.get(value.id, names.get(value.id))
        return _lazy_target(value, legacy)

    def visit(statements):
        nonlocal open_ended
        for node in statements:
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                if node.level:  # relative: resolve against this package
                    package = dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]
                    package = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    module = package + ("." + node.module if node.module else "")
                for item in node.names:
                    if item.name != "*":
                        bind(item.asname or item.name, ("from", module, item.name))
                        continue
                    star = _read_module(module, legacy) if module != dotted else None
                    if star is None or star.open_ended:
                        open_ended = True
                    for name in star.exported if star is not None else ():
                        bind(name, star.names.get(name, ("leaf",)))
            elif isinstance(node, ast.Import):
                for item in node.names:
                    bind(item.asname or item.name.partition(".")[0],
                         ("module", item.name if item.asname else item.name.partition(".")[0]))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bind(node.name, ("leaf",))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    attr_path = _target_path(target)
                    if attr_path:
                        bind(attr_path, value_entry(node.value))
                    elif isinstance(target, ast.Name):
                        lazy = _lazy_target(node.value, legacy)
                        if lazy:
                            local[target.id] = lazy
                        else:
                            bind(target.id, ("leaf",))
            elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                  and isinstance(node.value.func, ast.Name) and node.value.func.id == "setattr"
                  and len(node.value.args) == 3 and isinstance(node.value.args[1], ast.Constant)
                  and isinstance(node.value.args[0], ast.Name) and node.value.args[0].id == _CURRENT_MODULE):
                bind(node.value.args[1].value, value_entry(node.value.args[2]))
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))

    visit(tree.body)
    # generated protobuf modules (and the like) fill their namespace through globals(): names may exist unseen
    lazy_args = {id(a) for n in ast.walk(tree) if _lazy_target(n, legacy) for a in n.args}
    if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "globals"
           and id(n) not in lazy_args for n in ast.walk(tree)):
        open_ended = True
    exported = [n for n in names if not n.startswith("_") and "." not in n]
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
                and isinstance(node.value, (ast.List, ast.Tuple))):
            exported = [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return _Module(names, open_ended, exported)


def _resolve(entry):
    """A ``("from", module, name)`` entry becomes ``("module", module.name)`` when that is a module file."""
    if entry[0] == "from":
        submodule = f"{entry[1]}.{entry[2]}"
        return ("module", submodule) if _module_file(submodule) else ("leaf",)
    return entry


def has(name, root="tensorflow"):
    """Whether ``root.name`` exists (``has("nn.dropout")``, ``has("compat.v1.placeholder")``): True/False/None."""
    legacy = _legacy_keras()
    module, parts = root, name.split(".") if name else []
    while parts:
        content = _read_module(module, legacy)
        if content is None:
            return None
        if len(parts) > 1 and f"{parts[0]}.{parts[1]}" in content.names:
            entry, parts = content.names[f"{parts[0]}.{parts[1]}"], parts[2:]
        elif parts[0] in content.names:
            entry, parts = content.names[parts[0]], parts[1:]
        elif _module_file(f"{module}.{parts[0]}"):
            # a submodule the file does not import (tensorflow.python ...): importable, so read it as a module
            entry, parts = ("module", f"{module}.{parts[0]}"), parts[1:]
        elif content.open_ended:
            return None
        else:
            return False
        entry = _resolve(entry)
        if entry[0] == "leaf":
            return True
        module = entry[1]
    return True

