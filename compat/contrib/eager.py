"""``tf.contrib.eager`` (``tfe``) of TF 1.15: its names became core TensorFlow eager execution.

Every name here is the core object TF 1.15's ``tfe`` itself re-exported (``tfe.defun`` was
``tensorflow.python.eager.function.defun``, now ``tf.function``; ``tfe.Variable`` was ``ResourceVariable``), or, for
the few that were contrib's own (``Iterator``, ``Saver``, ``run``, ``list_devices``, ``get_optimizer_variables``), a
small equivalent over today's API. Names not here (``Network``, the execution callbacks, remote execution) are dead
ends in ``compat/table.py``.
"""
import tensorflow as _tf
from tensorflow.python.eager import backprop as _backprop
from tensorflow.python.eager import context as _context
from tensorflow.python.framework import test_util as _test_util
from tensorflow.python.ops import resource_variable_ops as _resource_variable_ops
from tensorflow.python.ops import variable_scope as _variable_scope
from tensorflow.python.trackable import autotrackable as _autotrackable

_v1 = _tf.compat.v1

enable_eager_execution = _v1.enable_eager_execution
executing_eagerly = _tf.executing_eagerly
in_eager_mode = _tf.executing_eagerly
Variable = _resource_variable_ops.ResourceVariable
EagerVariableStore = _variable_scope.EagerVariableStore
GradientTape = _tf.GradientTape
implicit_gradients = _backprop.implicit_grad
implicit_value_and_gradients = _backprop.implicit_val_and_grad
gradients_function = _backprop.gradients_function
value_and_gradients_function = _backprop.val_and_grad_function
custom_gradient = _tf.custom_gradient
defun = _tf.function
function = _tf.function
set_server_def = _context.set_server_def
py_func = _tf.py_function
make_template = _v1.make_template
Checkpoint = _v1.train.Checkpoint
Checkpointable = _autotrackable.AutoTrackable
TensorSpec = _tf.TensorSpec
num_gpus = _context.num_gpus
set_execution_mode = _context.set_execution_mode
execution_mode = _context.execution_mode
async_wait = _context.async_wait
async_clear_error = _context.async_clear_error
SYNC = _context.SYNC
ASYNC = _context.ASYNC
DEVICE_PLACEMENT_EXPLICIT = _context.DEVICE_PLACEMENT_EXPLICIT
DEVICE_PLACEMENT_WARN = _context.DEVICE_PLACEMENT_WARN
DEVICE_PLACEMENT_SILENT = _context.DEVICE_PLACEMENT_SILENT
run_test_in_graph_and_eager_modes = _test_util.run_in_graph_and_eager_modes
run_all_tests_in_graph_and_eager_modes = _test_util.run_all_in_graph_and_eager_modes


def list_devices():
    """The names of the devices eager execution can place ops on (``/job:localhost/replica:0/task:0/device:CPU:0``
    ...), as TF 1.15's ``tfe.list_devices()`` returned them."""
    return [device.name for device in _tf.config.list_logical_devices()]


def run(main=None, argv=None):
    """``tfe.run``: enable eager execution, then ``tf.app.run(main, argv)``, as TF 1.15 did."""
    enable_eager_execution()
    _v1.app.run(main, argv)


def Iterator(dataset):
    """``tfe.Iterator(dataset)``: a Python iterator over ``dataset``'s elements in eager mode (``next(it)``,
    ``it.next()``, ``it.get_next()``), which is what ``iter(dataset)`` gives since TF 2.0."""
    return iter(dataset)


def get_optimizer_variables(optimizer):
    """The variables ``optimizer`` created for its slots and accumulators (``optimizer.variables()``)."""
    return optimizer.variables()


class Saver:
    """``tfe.Saver(var_list)``: save and restore eager variables by their names, in the TF1 checkpoint format.

    Args:
      var_list: a list of variables or a dict from checkpoint names to variables, as for ``tf.train.Saver``.
    """

    def __init__(self, var_list):
        self._saver = _v1.train.Saver(var_list=var_list)

    def save(self, file_prefix, global_step=None):
        """Write the variables to ``file_prefix`` (``-{global_step}`` appended when given); returns the path."""
        return self._saver.save(None, file_prefix, global_step=global_step)

    def restore(self, file_prefix):
        """Assign the values stored at ``file_prefix`` to the variables."""
        self._saver.restore(None, file_prefix)
