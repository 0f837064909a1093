"""Repairs that let tf_slim 1.1.0 (the maintained copy of ``tf.contrib.slim``
and ``tf.contrib.layers`` from TensorFlow 1.15) import and run on TF 2.21.

tf_slim 1.1.0 was released when TensorFlow still exposed a set of private
names, and it reaches into them directly
(``from tensorflow.python... import``).
Later TensorFlow releases split several big private modules into smaller
ones and dropped the old names.  ``import tf_slim`` still succeeds on TF 2.21,
but the layers fail when first called: ``slim.batch_norm(x)`` dies with
``No module named 'tf_keras.legacy_tf_layers'``, and
``slim.batch_norm(x, updates_collections=None)`` with ``module
'tensorflow.python.framework.ops' has no attribute 'Tensor'``.

Each repair below puts ONE missing name back, pointing it at the object that
TF 2.21 itself still uses under its new name (an alias, never a
re-implementation), so tf_slim runs the same TensorFlow code it ran before the
split.  A repair does nothing when TensorFlow still has the name, so the module
is harmless on releases that never lost it.

Under the runner and after ``import compat.v1`` nothing needs calling: both
install an import hook (``install_import_hook``) that applies the repairs when
``tf_slim`` is first imported, so scripts that never import it pay nothing
(``apply()`` imports tf_keras's legacy layer modules, a cost worth paying only
for tf_slim users).  Elsewhere::

    from compat import slim_repairs
    slim_repairs.apply()        # before (or after) `import tf_slim`
    import tf_slim as slim

``apply()`` is idempotent; ``revert()`` takes the aliases away again.  Each
repair is a row of ``compat/patches.py`` (the registry of every change the
runtime makes); ``REPAIRS`` lists them with their current state.

How the list was found: every ``module.attribute`` that tf_slim's non-test
sources read from a ``tensorflow.python`` module was resolved against TF 2.21
(a static sweep), and then batch_norm / conv2d / fully_connected / dropout /
layer_norm / the initializers / arg_scope / model_analyzer / slim.learning
were exercised in graph mode.  Names used only by tf_slim's data, metrics
and metric-learning modules are repaired too: each is the same one-line
alias, and tests/test_slim_repairs.py exercises every one.
"""

import dataclasses
import importlib.abc
import sys
from typing import Callable, List, Tuple

from compat import patches

# Possible values of Repair.state.
PENDING = "pending"  # apply() has not looked at it yet
INSTALLED = patches.INSTALLED  # TF lacked the name; the alias is in (patches.REGISTRY row of the same name)
NOT_NEEDED = patches.NOT_NEEDED  # TF still has the name; left untouched


# --- the repairs -----------------------------------------------------------
# Each docstring says what TF removed, when, and what the repair does.  "When"
# is the earliest release a public report pins down, with the report named;
# where none does, the docstring says only that the name is gone in TF 2.21
# (which tests/test_slim_repairs.py checks on a fresh interpreter).


def repair_legacy_tf_layers():
    """``tf_keras.legacy_tf_layers`` -> ``tf_keras.src.legacy_tf_layers``.

    What broke: ``tensorflow/python/layers/normalization.py`` (the module
    behind tf_slim's ``normalization_layers.BatchNormalization``) lazily
    imports ``tf_keras.legacy_tf_layers.normalization``.  From Keras 2.13 on
    the private code lives under ``keras/src`` (and tf_keras, the TF 2.16+
    home of Keras 2, kept that layout), so the package is only
    ``tf_keras.src.legacy_tf_layers`` and the first ``slim.batch_norm`` call
    that builds the layer class raises ``ModuleNotFoundError: No module named
    "tf_keras.legacy_tf_layers"`` (reported for keras 2.13-2.15 in
    keras-team/keras#18839, still so with tf_keras 2.21).

    Repair: register the real ``tf_keras.src.legacy_tf_layers`` package and
    each of its submodules under the old name, so the lazy import returns the
    very class that ``tf.compat.v1.layers.BatchNormalization`` is in TF 2.21
    (with ``TF_USE_LEGACY_KERAS=1``).
    """
    return patches.REGISTRY["tf_keras.legacy_tf_layers"].apply()


def repair_ops_tensor():
    """``framework.ops.Tensor`` -> ``framework.tensor.Tensor``.

    What broke: TF 2.x moved the graph ``Tensor`` class out of ``ops.py``
    into ``tensorflow/python/framework/tensor.py``; the ``ops.Tensor`` name
    is gone in TF 2.21.  tf_slim uses it in ``isinstance`` checks --
    ``layers.utils.constant_value`` (called by batch_norm's fused and
    inline implementations for every ``is_training`` value),
    ``layers.optimizers``, ``learning``.

    Repair: ``ops.Tensor = tensor.Tensor`` (the class ``tf.Tensor`` is).
    """
    return patches.REGISTRY["ops.Tensor"].apply()


def repair_ops_indexed_slices():
    """``tensorflow.python.framework.ops.IndexedSlices`` -> ``indexed_slices``.

    What broke: ``IndexedSlices`` moved to
    ``tensorflow/python/framework/indexed_slices.py`` during TF 2.x and the
    ``ops`` name is gone in TF 2.21.  tf_slim's gradient helpers
    (``clip_gradient_norms``, ``multiply_gradients`` and
    ``add_gradients_summaries`` in ``learning`` and ``training``, and
    ``layers.optimizers``) test for it to handle sparse gradients from
    embeddings.

    Repair: ``ops.IndexedSlices = indexed_slices.IndexedSlices`` (the class
    ``tf.IndexedSlices`` is).
    """
    return patches.REGISTRY["ops.IndexedSlices"].apply()


def repair_control_flow_cond():
    """``control_flow_ops.cond`` -> ``tensorflow.python.ops.cond.cond``.

    What broke: TF split ``control_flow_ops.py`` into smaller modules and
    moved ``cond`` to ``tensorflow/python/ops/cond.py``;
    ``control_flow_ops.cond`` is missing from TF 2.14 on (rwth-i6/returnn#1459)
    and in TF 2.21.  tf_slim's ``layers.utils.smart_cond`` calls it whenever
    a predicate is not a Python constant: ``batch_norm`` with
    ``is_training`` given as a placeholder tensor and non-default
    ``updates_collections`` or ``zero_debias_moving_mean``.

    Repair: ``control_flow_ops.cond = cond.cond`` -- the TF1 ``cond``
    (``tf.compat.v1.cond``), same signature as the one tf_slim was written
    against.
    """
    return patches.REGISTRY["control_flow_ops.cond"].apply()


def repair_control_flow_case():
    """``control_flow_ops.case`` -> ``control_flow_case.case``.

    What broke: moved to ``tensorflow/python/ops/control_flow_case.py`` in
    the same split; missing in TF 2.15 (tensorflow/tensorflow#63515, raised
    from tf_slim's ``tfexample_decoder.Image``) and in TF 2.21.

    Repair: ``control_flow_ops.case = control_flow_case.case``
    (``tf.compat.v1.case``).
    """
    return patches.REGISTRY["control_flow_ops.case"].apply()


def repair_control_flow_while_loop():
    """``control_flow_ops.while_loop`` -> ``while_loop.while_loop``.

    What broke: moved to ``tensorflow/python/ops/while_loop.py`` in the same
    split; gone in TF 2.21.  tf_slim uses it in ``losses.metric_learning``.

    Repair: ``control_flow_ops.while_loop = while_loop.while_loop``
    (``tf.compat.v1.while_loop``).
    """
    return patches.REGISTRY["control_flow_ops.while_loop"].apply()


def repair_control_flow_assert():
    """``control_flow_ops.Assert`` -> ``control_flow_assert.Assert``.

    What broke: moved to ``tensorflow/python/ops/control_flow_assert.py`` in
    the same split; gone in TF 2.21.  tf_slim uses it in
    ``metrics.histogram_ops`` (the AUC-by-histogram metric).

    Repair: ``control_flow_ops.Assert = control_flow_assert.Assert``
    (``tf.compat.v1.Assert``).
    """
    return patches.REGISTRY["control_flow_ops.Assert"].apply()


def repair_array_ops_stack():
    """``array_ops.stack`` -> ``array_ops_stack.stack``.

    What broke: TF moved ``stack`` / ``unstack`` (and ``parallel_stack``) to
    ``tensorflow/python/ops/array_ops_stack.py``; they are missing from
    ``array_ops`` from TF 2.13 on (google/qkeras#133) and in TF 2.21.
    tf_slim calls ``stack`` in ``legacy_fully_connected``
    (inputs of rank > 2), the streaming metrics (``streaming_concat``,
    ``streaming_curve_points``, the confusion-matrix-at-thresholds helper)
    and ``tfexample_decoder``.

    Repair: ``array_ops.stack = array_ops_stack.stack`` (``tf.stack``).
    """
    return patches.REGISTRY["array_ops.stack"].apply()


def repair_array_ops_unstack():
    """``array_ops.unstack`` -> ``array_ops_stack.unstack``.

    What broke: moved with ``stack`` (see repair_array_ops_stack), from
    TF 2.13 on.  tf_slim calls it in ``legacy_fully_connected`` to rebuild the
    output shape of inputs of rank > 2.

    Repair: ``array_ops.unstack = array_ops_stack.unstack`` (``tf.unstack``).
    """
    return patches.REGISTRY["array_ops.unstack"].apply()


def repair_variable_scope_variable():
    """``variable_scope.variable`` -> ``variable_v1.VariableV1``.

    What broke: TF 1.15's ``variable_scope.variable(...)`` took the keyword
    arguments of ``tf.compat.v1.Variable`` (plus ``use_resource``) and built
    a TF1 variable through the variable-creator stack -- what
    ``tf.compat.v1.Variable(...)`` does.  TF 2.x moved the TF1
    variable class to ``tensorflow/python/ops/variable_v1.py`` and the
    ``variable_scope.variable`` helper is gone in TF 2.21.  tf_slim's
    ``local_variable`` / ``global_variable`` (used by its streaming metrics)
    call it.

    Repair: ``variable_scope.variable = variable_v1.VariableV1`` (the class
    ``tf.compat.v1.Variable`` is), which accepts the same keyword arguments
    and honours ``collections`` and ``trainable`` the same way.
    """
    return patches.REGISTRY["variable_scope.variable"].apply()


@dataclasses.dataclass
class Repair:
    """One named repair and what ``apply()`` found for it.

    Attributes:
      name: short name, e.g. ``"ops.Tensor"``.
      install: the repair function; returns INSTALLED or NOT_NEEDED.
      state: PENDING until apply() runs, then INSTALLED or NOT_NEEDED.
    """

    name: str
    install: Callable[[], str]
    state: str = PENDING

    @property
    def summary(self):
        """The first line of the repair function's docstring."""
        return self.install.__doc__.strip().splitlines()[0]


REPAIRS: List[Repair] = [
    Repair("tf_keras.legacy_tf_layers", repair_legacy_tf_layers),
    Repair("ops.Tensor", repair_ops_tensor),
    Repair("ops.IndexedSlices", repair_ops_indexed_slices),
    Repair("control_flow_ops.cond", repair_control_flow_cond),
    Repair("control_flow_ops.case", repair_control_flow_case),
    Repair("control_flow_ops.while_loop", repair_control_flow_while_loop),
    Repair("control_flow_ops.Assert", repair_control_flow_assert),
    Repair("array_ops.stack", repair_array_ops_stack),
    Repair("array_ops.unstack", repair_array_ops_unstack),
    Repair("variable_scope.variable", repair_variable_scope_variable),
]


def apply() -> List[Tuple[str, str]]:
    """Install every repair that this TensorFlow needs; safe to call again.

    Call it before the first tf_slim layer is built (before ``import tf_slim``
    is simplest; calling it after the import also works, because tf_slim looks
    the names up on the TF modules at call time).

    Returns:
      ``[(name, state), ...]`` for every repair, state being INSTALLED or
      NOT_NEEDED.

    Raises:
      ImportError: naming the module, when TensorFlow or tf_keras is missing
        (install ``tf_keras`` matching the TensorFlow version, and set
        ``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported).
    """
    for repair in REPAIRS:
        try:
            repair.state = repair.install()
        except ImportError as error:
            raise ImportError(
                "compat.slim_repairs: repair %r needs module %r, which cannot "
                "be imported (%s). Install tensorflow and the matching "
                "tf_keras, and set TF_USE_LEGACY_KERAS=1 before TensorFlow is "
                "imported." % (repair.name, error.name, error)) from error
    return [(repair.name, repair.state) for repair in REPAIRS]


def revert():
    """Take every alias ``apply()`` installed away again (``patches.REGISTRY`` rows of the same names)."""
    for repair in REPAIRS:
        patches.REGISTRY[repair.name].revert()
        repair.state = PENDING


class _RepairOnImport(importlib.abc.MetaPathFinder):
    """A ``sys.meta_path`` entry that applies the repairs when ``tf_slim`` is first imported.

    It finds nothing itself: on the lookup of ``tf_slim`` it calls ``apply()``
    and lets the normal finders load the real package.  Lookups of other
    modules cost one string comparison.
    """

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "tf_slim":
            apply()
        return None


def install_import_hook():
    """Repair tf_slim on its first import, wherever the era runtime is active.

    Installs the ``"tf_slim import hook"`` patch (a ``sys.meta_path`` entry)
    unless it is already in place; if tf_slim was imported before, the repairs
    are applied now instead, since its import will not be looked up again.
    """
    if "tf_slim" in sys.modules:
        apply()
    hook = patches.REGISTRY["tf_slim import hook"]
    if not hook.applied:
        hook.apply(_RepairOnImport())
