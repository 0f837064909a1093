"""``tf.contrib.framework`` of TF 1.15, on TF 2.21.

Its arg_scope and variable helpers live on in tf_slim (the maintained copy of contrib's framework code, repaired by
``compat.slim_repairs``); its checkpoint readers, ``nest``, ``sort``/``argsort`` and tensor checks became core
TensorFlow names, re-exported here unchanged.
"""
import tensorflow as _tf
from tensorflow.python.framework import ops as _ops
from tensorflow.python.framework import smart_cond as _smart_cond
from tensorflow.python.framework import tensor_spec as _tensor_spec
from tensorflow.python.ops import confusion_matrix as _confusion_matrix
from tensorflow.python.ops import data_flow_ops as _data_flow_ops
from tensorflow.python.ops import init_ops as _init_ops
from tensorflow.python.training import checkpoint_ops as _checkpoint_ops
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
load_and_remap_matrix_initializer = _checkpoint_ops._load_and_remap_matrix_initializer
load_embedding_initializer = _checkpoint_ops._load_embedding_initializer

# initializers contrib.framework exported from core init_ops
convolutional_delta_orthogonal = _init_ops.ConvolutionDeltaOrthogonal
convolutional_orthogonal_1d = _init_ops.ConvolutionOrthogonal1D
convolutional_orthogonal_2d = _init_ops.ConvolutionOrthogonal2D
convolutional_orthogonal_3d = _init_ops.ConvolutionOrthogonal3D

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
TensorSpec = _tensor_spec.TensorSpec
BoundedTensorSpec = _tensor_spec.BoundedTensorSpec
RecordInput = _data_flow_ops.RecordInput
py_func = _v1.py_func
smart_cond = _smart_cond.smart_cond
smart_case = _smart_cond.smart_case
smart_constant_value = _smart_cond.smart_constant_value
remove_squeezable_dimensions = _confusion_matrix.remove_squeezable_dimensions
get_graph_from_inputs = _ops._get_graph_from_inputs
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


def assert_scalar_int(tensor, name=None):
    """``tensor`` itself after checking statically that it is an integer scalar (TF 1.15's
    ``contrib.framework.assert_scalar_int``).

    Raises:
      ValueError: when ``tensor`` is not of an integer dtype or its static rank is not 0.
    """
    with _tf.name_scope(name or "assert_scalar_int"):
        tensor = _tf.convert_to_tensor(tensor)
        if not tensor.dtype.base_dtype.is_integer:
            raise ValueError(f"Expected integer type for {tensor.name}, received type: {tensor.dtype}.")
        return _v1.assert_scalar(tensor)


def with_shape(expected_shape, tensor):
    """``tensor`` with its static shape checked against ``expected_shape`` (a list, or a 1-D int tensor compared at
    run time), as TF 1.15's ``contrib.framework.with_shape`` did.

    Raises:
      ValueError: when a static shape is incompatible with a static ``expected_shape``.
    """
    if isinstance(expected_shape, (list, tuple)):
        if not tensor.shape.is_compatible_with(expected_shape):
            raise ValueError(f"Invalid shape for tensor {tensor.name}, expected {expected_shape}, got "
                             f"{tensor.shape}.")
        return tensor
    with _tf.control_dependencies([_v1.assert_equal(_tf.shape(tensor, out_type=expected_shape.dtype),
                                                    expected_shape, message="Wrong shape")]):
        return _tf.identity(tensor)


def with_same_shape(expected_tensor, tensor):
    """``with_shape(expected_tensor's shape, tensor)``: a static check when both shapes are fully known."""
    if expected_tensor.shape.is_fully_defined():
        return with_shape(expected_tensor.shape.as_list(), tensor)
    return with_shape(_tf.shape(expected_tensor), tensor)


def get_placeholders(graph):
    """The placeholder output tensors of ``graph``, in creation order."""
    return [op.outputs[0] for op in graph.get_operations() if op.type == "Placeholder"]
