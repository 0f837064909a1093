"""``tf.contrib.rnn`` of TF 1.15: the cells and RNN functions, on TF 2.21.

TF 1.15's ``tf.contrib.rnn`` re-exported the core cells (``tf.nn.rnn_cell``, served by tf_keras's legacy cells on
TF 2.21: same classes, same variable names such as ``rnn/basic_lstm_cell/kernel``) and the core static RNNs
(``tf.compat.v1.nn.static_rnn`` ...). Added here, written from TF 1.15's documented behaviour:

- ``stack_bidirectional_dynamic_rnn`` / ``stack_bidirectional_rnn``;
- ``InputProjectionWrapper`` / ``OutputProjectionWrapper`` / ``EmbeddingWrapper``;
- ``LayerNormBasicLSTMCell`` (layer-normalised gates and state, recurrent dropout);
- ``ConvLSTMCell`` and ``Conv1D/2D/3DLSTMCell``, ``UGRNNCell``, ``NASCell``, ``HighwayWrapper``;
- ``LSTMBlockCell`` and ``GRUBlockCellV2``: the fused-kernel cells compute what ``LSTMCell`` / ``GRUCell`` compute
  with the same weight layout and variable names, so they are served by those cells under their default names;
  ``GRUBlockCell`` (the same GRU under its own variable names) and ``LSTMBlockFusedCell`` (whole sequences);
"""
import math

import tensorflow as _tf
from tensorflow.python.ops import rnn as _core_rnn
from tf_keras.src.layers.rnn import legacy_cell_wrappers as _wrappers
from tf_keras.src.layers.rnn import legacy_cells as _cells

_v1 = _tf.compat.v1

RNNCell = _cells.RNNCell
LayerRNNCell = _cells.LayerRNNCell
BasicRNNCell = _cells.BasicRNNCell
BasicLSTMCell = _cells.BasicLSTMCell
GRUCell = _cells.GRUCell
LSTMCell = _cells.LSTMCell
LSTMStateTuple = _cells.LSTMStateTuple
MultiRNNCell = _cells.MultiRNNCell
# the classes tf.compat.v1.nn.rnn_cell exports, taken from their module (touching that lazily loaded namespace
# would add a stray `rnn_cell` to tf.compat.v1's dir())
DropoutWrapper = _wrappers.DropoutWrapper
DeviceWrapper = _wrappers.DeviceWrapper
ResidualWrapper = _wrappers.ResidualWrapper

static_rnn = _v1.nn.static_rnn
static_bidirectional_rnn = _v1.nn.static_bidirectional_rnn
static_state_saving_rnn = _v1.nn.static_state_saving_rnn
transpose_batch_time = _core_rnn._transpose_batch_time
best_effort_input_batch_size = _core_rnn._best_effort_input_batch_size


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None, initial_states_bw=None,
                                    dtype=None, sequence_length=None, parallel_iterations=None, time_major=False,
                                    scope=None, swap_memory=False):
    """Stacked bidirectional dynamic RNN: each layer's forward and backward outputs, concatenated on the depth
    axis, are the next layer's input.

    Args:
      cells_fw, cells_bw: equal-length lists of RNNCells, one pair per layer.
      inputs: ``[batch, time, depth]`` (``[time, batch, depth]`` when ``time_major``).
      initial_states_fw, initial_states_bw: optional lists of initial states, one per layer.
      dtype, sequence_length, parallel_iterations, time_major, swap_memory: as ``tf.nn.bidirectional_dynamic_rnn``.
      scope: variable scope, ``"stack_bidirectional_rnn"`` by default; layer ``i`` lives in ``cell_{i}`` below it.

    Returns:
      ``(outputs, output_states_fw, output_states_bw)``: the last layer's concatenated outputs and tuples of each
      layer's final forward and backward states.

    Raises:
      ValueError: when the cell lists are empty or of different lengths, or initial states do not match them.
    """
    _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer_input = inputs
    with _v1.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with _v1.variable_scope(f"cell_{i}"):
                outputs, (state_fw, state_bw) = _v1.nn.bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, layer_input,
                    initial_state_fw=initial_states_fw[i] if initial_states_fw else None,
                    initial_state_bw=initial_states_bw[i] if initial_states_bw else None,
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations, dtype=dtype,
                    swap_memory=swap_memory, time_major=time_major)
                layer_input = _v1.concat(outputs, 2)  # depth is axis 2 in both layouts
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer_input, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None, initial_states_bw=None, dtype=None,
                            sequence_length=None, scope=None):
    """Stacked bidirectional static RNN over a list of ``[batch, depth]`` inputs (one per time step).

    Each layer is a ``tf.nn.static_bidirectional_rnn`` in scope ``cell_{i}`` under ``scope``
    (``"stack_bidirectional_rnn"`` by default); its per-step concatenated outputs feed the next layer.

    Returns:
      ``(outputs, output_states_fw, output_states_bw)``: the last layer's list of outputs (``[batch, fw + bw]``
      each) and tuples of each layer's final forward and backward states.
    """
    _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer_input = inputs
    with _v1.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with _v1.variable_scope(f"cell_{i}"):
                layer_input, state_fw, state_bw = _v1.nn.static_bidirectional_rnn(
                    cell_fw, cell_bw, layer_input,
                    initial_state_fw=initial_states_fw[i] if initial_states_fw else None,
                    initial_state_bw=initial_states_bw[i] if initial_states_bw else None,
                    dtype=dtype, sequence_length=sequence_length)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer_input, tuple(states_fw), tuple(states_bw)


def _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list) or not isinstance(cells_bw, list):
        raise ValueError("cells_fw and cells_bw must be lists of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for states in (initial_states_fw, initial_states_bw):
        if states is not None and (not isinstance(states, list) or len(states) != len(cells_fw)):
            raise ValueError("initial_states must be a list of state tensors (one per layer).")


def _linear(args, output_size, dtype):
    """``args @ kernel + bias`` with ``kernel`` (scope default initializer) and ``bias`` (zeros) in the current
    variable scope, as TF 1.15's ``_linear``/``_Linear`` created them; a list of ``args`` is concatenated first."""
    if isinstance(args, (list, tuple)):
        args = args[0] if len(args) == 1 else _tf.concat(args, 1)
    kernel = _v1.get_variable("kernel", [args.shape[-1], output_size], dtype=dtype)
    bias = _v1.get_variable("bias", [output_size], dtype=dtype, initializer=_v1.constant_initializer(0.0))
    return _tf.nn.bias_add(_tf.matmul(args, kernel), bias)


class _Wrapper(RNNCell):
    """State size and zero state of the wrapped cell."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        if not isinstance(cell, RNNCell) and not all(hasattr(cell, a) for a in ("output_size", "state_size")):
            raise TypeError("The parameter cell is not RNNCell.")
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with _tf.name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


class OutputProjectionWrapper(_Wrapper):
    """A cell whose output is projected to ``output_size`` by ``kernel``/``bias`` in the wrapper's scope
    (``.../output_projection_wrapper/kernel``), then ``activation`` if given."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = output_size
        self._activation = activation

    @property
    def output_size(self):
        return self._output_size

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        projected = _linear(output, self._output_size, output.dtype)
        return (self._activation(projected) if self._activation else projected), new_state


class InputProjectionWrapper(_Wrapper):
    """A cell whose input is first projected to ``num_proj`` by ``kernel``/``bias`` in the wrapper's scope
    (``.../input_projection_wrapper/kernel``), then ``activation`` if given. ``input_size`` is accepted and
    ignored, as in TF 1.15."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse)
        self._num_proj = num_proj
        self._activation = activation

    def call(self, inputs, state):
        projected = _linear(inputs, self._num_proj, inputs.dtype)
        return self._cell(self._activation(projected) if self._activation else projected, state)


class EmbeddingWrapper(_Wrapper):
    """A cell fed integer symbols, embedded through ``embedding`` ``[embedding_classes, embedding_size]`` in the
    wrapper's scope. The initializer is ``initializer``, else the scope's, else uniform in ``[-sqrt(3), sqrt(3)]``
    (variance 1), as in TF 1.15."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    def call(self, inputs, state):
        initializer = self._initializer or _v1.get_variable_scope().initializer
        if initializer is None:
            initializer = _v1.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
        dtype = (state[0] if isinstance(state, tuple) else state).dtype
        embedding = _v1.get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                     initializer=initializer, dtype=dtype)
        embedded = _tf.nn.embedding_lookup(embedding, _tf.reshape(inputs, [-1]))
        return self._cell(embedded, state)


def LSTMBlockCell(num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, dtype=None, reuse=None,
                  name="lstm_cell"):
    """TF 1.15's fused ``LSTMBlockCell``: the LSTM of ``LSTMCell`` (gates i, j, f, o from ``[x, h] @ kernel +
    bias``; peepholes ``w_i_diag``/``w_f_diag``/``w_o_diag``; ``cell_clip`` clips the cell state), under the same
    default name ``lstm_cell``. A negative ``cell_clip`` meant no clipping, as in TF 1.15."""
    if cell_clip is not None and cell_clip < 0:
        cell_clip = None
    return LSTMCell(num_units, use_peepholes=use_peephole, cell_clip=cell_clip, forget_bias=forget_bias,
                    reuse=reuse, name=name, dtype=dtype)


def _gru_units(num_units, cell_size):
    if (cell_size is None) == (num_units is None):
        raise ValueError("Exactly one of num_units or cell_size must be provided.")
    return num_units if num_units is not None else cell_size


def GRUBlockCellV2(num_units=None, cell_size=None, reuse=None, name="gru_cell"):
    """TF 1.15's fused ``GRUBlockCellV2``: the GRU of ``GRUCell`` (``gates/kernel`` for r and u, bias 1.0;
    ``candidate/kernel``) under the same default name ``gru_cell``. ``cell_size`` is the old name of
    ``num_units``."""
    return GRUCell(_gru_units(num_units, cell_size), reuse=reuse, name=name)


class GRUBlockCell(LayerRNNCell):
    """TF 1.15's fused ``GRUBlockCell``: ``[r, u] = sigmoid([x, h] @ W_gates + b_ru)`` (bias 1.0),
    ``c = tanh([x, r * h] @ W_candidate + b_c)``, ``h' = u * h + (1 - u) * c``.

    Its variables keep TF 1.15's names, swapped as they were there: the gate kernel ``[in + units, 2 * units]`` is
    called ``w_c`` and the candidate kernel ``[in + units, units]`` is called ``w_ru``, so its checkpoints load.
    """

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        super().__init__(_reuse=reuse, name=name)
        self._cell_size = _gru_units(num_units, cell_size)

    @property
    def state_size(self):
        return self._cell_size

    @property
    def output_size(self):
        return self._cell_size

    def build(self, input_shape):
        input_size = _tf.TensorShape(input_shape)[1]
        if input_size is None:
            raise ValueError("Expecting input_size to be set.")
        units = self._cell_size
        self._gate_kernel = self.add_weight("w_c", [input_size + units, 2 * units])
        self._gate_bias = self.add_weight("b_ru", [2 * units], initializer=_v1.constant_initializer(1.0))
        self._candidate_kernel = self.add_weight("w_ru", [input_size + units, units])
        self._candidate_bias = self.add_weight("b_c", [units], initializer=_v1.constant_initializer(0.0))
        self.built = True

    def call(self, inputs, h_prev):
        gates = _tf.sigmoid(_tf.matmul(_tf.concat([inputs, h_prev], 1), self._gate_kernel) + self._gate_bias)
        r, u = _tf.split(gates, 2, axis=1)
        c = _tf.tanh(_tf.matmul(_tf.concat([inputs, r * h_prev], 1), self._candidate_kernel) + self._candidate_bias)
        new_h = u * h_prev + (1 - u) * c
        return new_h, new_h


class LayerNormBasicLSTMCell(RNNCell):
    """TF 1.15's LSTM with layer normalisation and recurrent dropout.

    ``[x, h] @ kernel`` (no bias when ``layer_norm``) is split into gates i, j, f, o; each gate, and the new cell
    state, is layer-normalised (``tf_slim.layer_norm``, epsilon 1e-12) with its own ``gamma``/``beta`` in scopes
    ``input``, ``transform``, ``forget``, ``output``, ``state``, initialised to ``norm_gain``/``norm_shift``. The
    candidate ``g = activation(j)`` gets dropout with ``dropout_keep_prob`` (skipped for a float 1.0), then
    ``c' = c * sigmoid(f + forget_bias) + sigmoid(i) * g`` and ``h' = activation(c') * sigmoid(o)``.

    Args:
      num_units: units in the cell; forget_bias: added to f; input_size: ignored (deprecated in TF1);
      activation: tanh by default; layer_norm: False gives a plain LSTM with a ``bias`` variable;
      norm_gain, norm_shift: initial gamma and beta; dropout_keep_prob, dropout_prob_seed: recurrent dropout;
      reuse: share variables with an existing scope.
    """

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=_tf.tanh, layer_norm=True,
                 norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def _norm(self, inp, scope, dtype):
        from compat import slim_repairs

        slim_repairs.apply()
        import tf_slim

        shape = inp.shape[-1:]
        with _v1.variable_scope(scope):  # created here so their initial values follow norm_gain / norm_shift
            _v1.get_variable("gamma", shape=shape, initializer=_v1.constant_initializer(self._norm_gain), dtype=dtype)
            _v1.get_variable("beta", shape=shape, initializer=_v1.constant_initializer(self._norm_shift), dtype=dtype)
        return tf_slim.layer_norm(inp, reuse=True, scope=scope)

    def call(self, inputs, state):
        c, h = state
        args = _tf.concat([inputs, h], 1)
        dtype = args.dtype
        concat = _tf.matmul(args, _v1.get_variable("kernel", [args.shape[-1], 4 * self._num_units], dtype=dtype))
        if not self._layer_norm:
            concat = _tf.nn.bias_add(concat, _v1.get_variable("bias", [4 * self._num_units], dtype=dtype))
        i, j, f, o = _tf.split(concat, 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(gate, scope, dtype)
                          for gate, scope in zip((i, j, f, o), ("input", "transform", "forget", "output")))
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = _v1.nn.dropout(g, keep_prob=self._keep_prob, seed=self._seed)
        new_c = c * _tf.sigmoid(f + self._forget_bias) + _tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * _tf.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class ConvLSTMCell(RNNCell):
    """TF 1.15's convolutional LSTM (Shi et al. 2015): the LSTM's matrix products become ``SAME`` convolutions.

    ``conv([x, h], kernel)`` (+ ``biases``) gives 4 * ``output_channels`` channels split into gates i, j, f, o;
    ``c' = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j)``, ``h' = tanh(c') * sigmoid(o)``; with
    ``skip_connection`` the output (and the state's h) is ``[h', x]`` along channels.

    Args:
      conv_ndims: 1, 2 or 3; input_shape: one input's shape without the batch, channels last;
      output_channels: channels of h and c; kernel_shape: the convolution's spatial size (a list);
      use_bias, skip_connection, forget_bias: as above; initializers: accepted, unused (as in TF 1.15);
      name: ``conv_lstm_cell`` by default.

    Raises:
      ValueError: when ``input_shape`` does not have ``conv_ndims + 1`` dimensions.
    """

    def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape, use_bias=True, skip_connection=False,
                 forget_bias=1.0, initializers=None, name="conv_lstm_cell"):
        super().__init__(name=name)
        if conv_ndims != len(input_shape) - 1:
            raise ValueError(f"Invalid input_shape {input_shape} for conv_ndims={conv_ndims}.")
        self._conv_ndims = conv_ndims
        self._input_shape = list(input_shape)
        self._output_channels = output_channels
        self._kernel_shape = list(kernel_shape)
        self._use_bias = use_bias
        self._forget_bias = forget_bias
        self._skip_connection = skip_connection
        total_channels = output_channels + (self._input_shape[-1] if skip_connection else 0)
        state_size = _tf.TensorShape(self._input_shape[:-1] + [output_channels])
        self._state_size = LSTMStateTuple(state_size, state_size)
        self._output_size = _tf.TensorShape(self._input_shape[:-1] + [total_channels])

    @property
    def output_size(self):
        return self._output_size

    @property
    def state_size(self):
        return self._state_size

    def call(self, inputs, state, scope=None):
        cell, hidden = state
        args = _tf.concat([inputs, hidden], axis=-1)
        kernel = _v1.get_variable("kernel", self._kernel_shape + [args.shape[-1], 4 * self._output_channels],
                                  dtype=args.dtype)
        conv = {1: _tf.nn.conv1d, 2: _tf.nn.conv2d, 3: _tf.nn.conv3d}[self._conv_ndims]
        strides = 1 if self._conv_ndims == 1 else [1] * (self._conv_ndims + 2)
        gates = conv(args, kernel, strides, padding="SAME")
        if self._use_bias:
            gates += _v1.get_variable("biases", [4 * self._output_channels], dtype=args.dtype,
                                      initializer=_v1.constant_initializer(0.0))
        input_gate, new_input, forget_gate, output_gate = _tf.split(gates, 4, axis=self._conv_ndims + 1)
        new_cell = (_tf.sigmoid(forget_gate + self._forget_bias) * cell
                    + _tf.sigmoid(input_gate) * _tf.tanh(new_input))
        output = _tf.tanh(new_cell) * _tf.sigmoid(output_gate)
        if self._skip_connection:
            output = _tf.concat([output, inputs], axis=-1)
        return output, LSTMStateTuple(new_cell, output)


class Conv1DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` with ``conv_ndims=1``. TF 1.15 never passed ``name`` on, so the scope is always
    ``conv_lstm_cell``; the same here."""

    def __init__(self, name="conv_1d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=1, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` with ``conv_ndims=2``. TF 1.15 never passed ``name`` on, so the scope is always
    ``conv_lstm_cell``; the same here."""

    def __init__(self, name="conv_2d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=2, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` with ``conv_ndims=3``. TF 1.15 never passed ``name`` on, so the scope is always
    ``conv_lstm_cell``; the same here."""

    def __init__(self, name="conv_3d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=3, **kwargs)


class HighwayWrapper(_Wrapper):
    """Adds a highway connection around ``cell``: ``out = x * T + cell(x) * C`` with carry gate
    ``T = sigmoid(x @ carry_w + carry_b)`` (``carry_b`` starts at ``carry_bias_init``) and ``C = 1 - T``, or, when
    not coupled, its own ``sigmoid(x @ transform_w + transform_b)`` (bias ``-carry_bias_init``). As in TF 1.15 the
    gate variables live in the caller's variable scope, not a wrapper scope; inputs and outputs must match in shape.
    """

    def __init__(self, cell, couple_carry_transform_gates=True, carry_bias_init=1.0):
        super().__init__(cell)
        self._couple_carry_transform_gates = couple_carry_transform_gates
        self._carry_bias_init = carry_bias_init

    def _highway(self, inp, out):
        size = inp.shape.with_rank(2)[1]
        carry = _tf.sigmoid(_v1.nn.xw_plus_b(inp, _v1.get_variable("carry_w", [size, size]), _v1.get_variable(
            "carry_b", [size], initializer=_v1.constant_initializer(self._carry_bias_init))))
        if self._couple_carry_transform_gates:
            transform = 1 - carry
        else:
            transform = _tf.sigmoid(_v1.nn.xw_plus_b(inp, _v1.get_variable("transform_w", [size, size]),
                                                     _v1.get_variable("transform_b", [size], initializer=(
                                                         _v1.constant_initializer(-self._carry_bias_init)))))
        return inp * carry + out * transform

    def __call__(self, inputs, state, scope=None):
        outputs, new_state = self._cell(inputs, state, scope=scope)
        _tf.nest.assert_same_structure(inputs, outputs)
        _tf.nest.map_structure(lambda i, o: i.shape.assert_is_compatible_with(o.shape), inputs, outputs)
        return _tf.nest.map_structure(self._highway, inputs, outputs), new_state


class UGRNNCell(RNNCell):
    """The update-gate RNN (Collins et al. 2017): ``[g, c] = [x, h] @ kernel + bias``;
    ``g = sigmoid(g + forget_bias)``, ``h' = g * h + (1 - g) * activation(c)``; output and state are ``h'``.
    ``initializer`` becomes the scope's initializer for the weights."""

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=_tf.tanh, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._activation = activation

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        if inputs.shape.with_rank(2)[1] is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            matrix = _linear([inputs, state], 2 * self._num_units, inputs.dtype)
        g_act, c_act = _tf.split(matrix, 2, axis=1)
        g = _tf.sigmoid(g_act + self._forget_bias)
        new_state = g * state + (1.0 - g) * self._activation(c_act)
        return new_state, new_state


class NASCell(LayerRNNCell):
    """The recurrent cell found by Neural Architecture Search (Zoph & Le 2017), as TF 1.15 wired it.

    ``x @ kernel`` and ``m @ recurrent_kernel`` (+ ``bias`` if ``use_bias``) are split eight ways and combined
    through sigmoid/relu/tanh layers into the new cell state and output; ``num_proj`` projects the output with
    ``projection_weights``.
    """

    _NAS_BASE = 8

    def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None, **kwargs):
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units = num_units
        self._num_proj = num_proj
        self._use_bias = use_bias
        out = num_units if num_proj is None else num_proj
        self._state_size = LSTMStateTuple(num_units, out)
        self._output_size = out

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, inputs_shape):
        input_size = _tf.TensorShape(inputs_shape).with_rank(2)[1]
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        width = self._NAS_BASE * self._num_units
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [self._output_size, width])
        self.kernel = self.add_weight("kernel", [input_size, width])
        if self._use_bias:
            self.bias = self.add_weight("bias", [width], initializer=_v1.zeros_initializer())
        if self._num_proj is not None:
            self.projection_weights = self.add_weight("projection_weights", [self._num_units, self._num_proj])
        self.built = True

    def call(self, inputs, state):
        c_prev, m_prev = state
        m_matrix = _tf.matmul(m_prev, self.recurrent_kernel)
        if self._use_bias:
            m_matrix = _tf.nn.bias_add(m_matrix, self.bias)
        m = _tf.split(m_matrix, self._NAS_BASE, axis=1)
        x = _tf.split(_tf.matmul(inputs, self.kernel), self._NAS_BASE, axis=1)
        sigmoid, tanh, relu = _tf.sigmoid, _tf.tanh, _tf.nn.relu
        layer1 = [sigmoid(x[0] + m[0]), relu(x[1] + m[1]), sigmoid(x[2] + m[2]), relu(x[3] * m[3]),
                  tanh(x[4] + m[4]), sigmoid(x[5] + m[5]), tanh(x[6] + m[6]), sigmoid(x[7] + m[7])]
        l2_0 = tanh(tanh(layer1[0] * layer1[1]) + c_prev)
        l2_1 = tanh(layer1[2] + layer1[3])
        l2_2 = tanh(layer1[4] * layer1[5])
        l2_3 = sigmoid(layer1[6] + layer1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))
        if self._num_proj is not None:
            new_m = _tf.matmul(new_m, self.projection_weights)
        return new_m, LSTMStateTuple(new_c, new_m)


class _BlockLSTMStep(RNNCell):
    """One step of the block LSTM on variables the fused cell already created (no variables of its own)."""

    def __init__(self, fused):
        super().__init__()
        self._fused = fused

    @property
    def state_size(self):
        return LSTMStateTuple(self._fused.num_units, self._fused.num_units)

    @property
    def output_size(self):
        return self._fused.num_units

    def __call__(self, inputs, state, scope=None):  # bypass the layer machinery: nothing to build or scope
        return self.call(inputs, state)

    def call(self, inputs, state):
        fused = self._fused
        c_prev, h_prev = state
        i, j, f, o = _tf.split(_tf.matmul(_tf.concat([inputs, h_prev], 1), fused.kernel) + fused.bias, 4, axis=1)
        if fused.use_peephole:
            i += c_prev * fused.w_i_diag
            f += c_prev * fused.w_f_diag
        c = _tf.sigmoid(f + fused.forget_bias) * c_prev + _tf.sigmoid(i) * _tf.tanh(j)
        if fused.cell_clip is not None:
            c = _tf.clip_by_value(c, -fused.cell_clip, fused.cell_clip)
        if fused.use_peephole:
            o += c * fused.w_o_diag
        h = _tf.tanh(c) * _tf.sigmoid(o)
        return h, LSTMStateTuple(c, h)


class LSTMBlockFusedCell(_v1.layers.Layer):
    """TF 1.15's ``LSTMBlockFusedCell``: a whole time-major sequence in one call.

    ``cell(inputs [time, batch, depth], initial_state=None, dtype=None, sequence_length=None)`` returns
    ``(outputs [time, batch, units], LSTMStateTuple(c, h))``: the LSTM of ``LSTMBlockCell`` (gates i, j, f, o from
    ``[x, h] @ kernel + bias``, optional peepholes ``w_i_diag``/``w_f_diag``/``w_o_diag`` and ``cell_clip``), with
    outputs past ``sequence_length`` zero and the final state taken at each sequence's end. Variables live in
    ``lstm_fused_cell`` (``kernel``, ``bias``).
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, reuse=None, dtype=None,
                 name="lstm_fused_cell"):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)  # a layer, not an RNNCell, as in TF 1.15
        self.num_units = num_units
        self.forget_bias = forget_bias
        self.cell_clip = cell_clip if cell_clip is not None and cell_clip >= 0 else None
        self.use_peephole = use_peephole

    @property
    def state_size(self):
        return LSTMStateTuple(self.num_units, self.num_units)

    @property
    def output_size(self):
        return self.num_units

    def build(self, input_shape):
        input_size = _tf.TensorShape(input_shape)[2]
        if input_size is None:
            raise ValueError("Expecting input_size to be set.")
        self.kernel = self.add_weight("kernel", [input_size + self.num_units, 4 * self.num_units])
        self.bias = self.add_weight("bias", [4 * self.num_units], initializer=_v1.constant_initializer(0.0))
        if self.use_peephole:
            self.w_i_diag = self.add_weight("w_i_diag", [self.num_units])
            self.w_f_diag = self.add_weight("w_f_diag", [self.num_units])
            self.w_o_diag = self.add_weight("w_o_diag", [self.num_units])
        self.built = True

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        if initial_state is None and dtype is None:
            dtype = inputs.dtype
        outputs, state = _v1.nn.dynamic_rnn(_BlockLSTMStep(self), inputs, sequence_length=sequence_length,
                                            initial_state=initial_state, dtype=dtype, time_major=True)
        return outputs, state
