"""The import hook: user code importing an era root (tensorflow, numpy, scipy, six, keras) gets its era namespace.

Only *user code* is served — the script run as ``__main__`` and modules loaded from the script's directory (its
``ops.py``, ``utils.py``). Library code (TensorFlow itself, tf_keras, matplotlib, this package) keeps the real
modules, so TensorFlow's own ``import numpy as np`` is never touched.

``import tensorflow.examples.tutorials.mnist.input_data`` and ``from tensorflow.contrib import slim`` are resolved by
walking the dotted path through the namespace (``namespace.EraNamespace``), which consults the era table first: a
path that exists only in the table never reaches the real import system.
"""
import builtins
import os

from compat import namespace, patches, table

_REAL_IMPORT = builtins.__import__
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class EraImporter:
    """Callable that replaces ``builtins.__import__`` while a script runs (``install``/``uninstall``)."""

    def __init__(self, era, user_dirs):
        self.era = era
        self.user_dirs = tuple(os.path.abspath(d).rstrip(os.sep) + os.sep for d in user_dirs)
        self._is_user_cache = {}

    def is_user_code(self, module_globals):
        """True for the script's ``__main__`` and for modules whose file lies under a user directory."""
        module_name = module_globals.get("__name__")
        known = self._is_user_cache.get(module_name)
        if known is None:
            path = module_globals.get("__file__")
            path = os.path.abspath(path) if path else ""
            known = module_name == "__main__" or (
                path.startswith(self.user_dirs) and not path.startswith(_PACKAGE_DIR)
                and f"{os.sep}site-packages{os.sep}" not in path
            )
            self._is_user_cache[module_name] = known
        return known

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and globals is not None:
            alias = table.ALIAS_OF.get(name.partition(".")[0])
            if alias is not None and self.is_user_code(globals):
                return self.serve(alias, name, fromlist)
        return _REAL_IMPORT(name, globals, locals, fromlist, level)

    def serve(self, alias, name, fromlist):
        """What ``import name`` (or ``from name import ...``) evaluates to in user code."""
        top = namespace.root(alias, self.era)
        node = top
        try:
            for part in name.split(".")[1:]:
                node = getattr(node, part)
            for part in fromlist or ():  # resolve now, so a missing name fails with the table's explanation
                if part != "*":
                    getattr(node, part)
        except namespace.UnknownEraName as error:  # an import statement must fail with an ImportError
            failure = ModuleNotFoundError(str(error), name=name)  # what Python raises, so fallbacks read as before
            failure.era_name = error.era_name  # ... marked as the runtime's answer (the runner's one-line report)
            raise failure from None
        return node if fromlist else top

    def install(self):
        patches.REGISTRY["builtins.__import__"].apply(self)

    def uninstall(self):
        patches.REGISTRY["builtins.__import__"].revert()
