"""``tf.contrib.framework`` of TF 1.15, on TF 2.21.

Its arg_scope and variable helpers live on in tf_slim (the maintained copy of contrib's framework code, repaired by
``compat.slim_repairs``); its checkpoint readers, ``nest``, ``sort``/``argsort`` and tensor checks became core
TensorFlow names, re-exported here unchanged.
"""
import tensorflow as _tf
from tensorflow.python.framework import ops as _ops
from tensorflow.python.util import deprecation as _deprecation
from tensorflow.python.util import nest  # contrib.framework.nest was this very module

from compat import slim_repairs as _slim_repairs

_slim_repairs.apply()
import tf_slim as _slim  # noqa: E402

_v1 = _tf.compat.v1

# arg_scope (contrib.framework.python.ops.arg_scope, now tf_slim.ops.arg_scope)
arg_scope = _slim.arg_scope
add_arg_scope = _slim.add_arg_scope
current_arg_scope = _slim.current_arg_scope
has_arg_scope = _slim.has_arg_scope
arg_scoped_arguments = _slim.arg_scoped_arguments

# variables (contrib.framework.python.ops.variables, now tf_slim.ops.variables)
add_model_variable = _slim.add_model_variable
assert_global_step = _slim.assert_global_step
assert_or_get_global_step = _slim.assert_or_get_global_step
assign_from_checkpoint = _slim.assign_from_checkpoint
assign_from_checkpoint_fn = _slim.assign_from_checkpoint_fn
assign_from_values = _slim.assign_from_values
assign_from_values_fn = _slim.assign_from_values_fn
create_global_step = _slim.create_global_step
filter_variables = _slim.filter_variables
get_global_step = _slim.get_global_step
get_or_create_global_step = _slim.get_or_create_global_step
get_local_variables = _slim.get_local_variables
get_model_variables = _slim.get_model_variables
get_trainable_variables = _slim.get_trainable_variables
get_unique_variable = _slim.get_unique_variable
get_variables_by_name = _slim.get_variables_by_name
get_variables_by_suffix = _slim.get_variables_by_suffix
get_variable_full_name = _slim.get_variable_full_name
get_variables_to_restore = _slim.get_variables_to_restore
get_variables = _slim.get_variables
global_variable = _slim.global_variable
local_variable = _slim.local_variable
model_variable = _slim.model_variable
variable = _slim.variable
VariableDeviceChooser = _slim.VariableDeviceChooser

# checkpoints (contrib.framework.python.framework.checkpoint_utils became tf.train's)
load_checkpoint = _v1.train.load_checkpoint
list_variables = _v1.train.list_variables
load_variable = _v1.train.load_variable
init_from_checkpoint = _v1.train.init_from_checkpoint

# tensor utilities that moved to core
sort = _tf.sort
argsort = _tf.argsort
is_tensor = _tf.is_tensor
convert_to_tensor_or_sparse_tensor = _v1.convert_to_tensor_or_sparse_tensor
assert_scalar = _v1.assert_scalar
assert_same_float_dtype = _v1.assert_same_float_dtype
is_numeric_tensor = _v1.is_numeric_tensor
is_non_decreasing = _v1.is_non_decreasing
is_strictly_increasing = _v1.is_strictly_increasing
prepend_name_scope = _ops.prepend_name_scope
strip_name_scope = _ops.strip_name_scope
deprecated = _deprecation.deprecated
deprecated_args = _deprecation.deprecated_args
deprecated_arg_values = _deprecation.deprecated_arg_values


def get_name_scope():
    """The current name scope of the default graph as a string (``""`` at the top), as TF 1.15 returned it."""
    return _v1.get_default_graph().get_name_scope()


def zero_initializer(ref, use_locking=True, name="zero_initializer"):
    """An op assigning zeros of ``ref``'s shape and dtype to the variable ``ref`` (TF 1.15's
    ``contrib.framework.zero_initializer``, which initialised a variable without storing an initial value)."""
    return _v1.assign(ref, _tf.zeros(ref.shape, ref.dtype.base_dtype), use_locking=use_locking, name=name)


def reduce_sum_n(tensors, name=None):
    """The sum of all elements of all ``tensors`` as one scalar (TF 1.15 ``contrib.framework.reduce_sum_n``: each
    tensor reduced by ``reduce_sum``, the scalars added by ``add_n``).

    Raises:
      ValueError: when ``tensors`` is empty.
    """
    if not tensors:
        raise ValueError("No tensors provided.")
    with _tf.name_scope(name or "reduce_sum_n"):
        sums = [_tf.reduce_sum(t) for t in tensors]
        return sums[0] if len(sums) == 1 else _tf.add_n(sums)
