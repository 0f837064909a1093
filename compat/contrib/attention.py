"""The attention of TF 1.15's ``tf.contrib.seq2seq``: ``BahdanauAttention``, ``LuongAttention`` and
``AttentionWrapper``, written from TF 1.15's documented behaviour.

A mechanism projects the encoder ``memory`` once into ``keys`` (``memory_layer``, no bias; memory past
``memory_sequence_length`` is zeroed and its scores masked to -inf before the softmax). At each decoder step
``AttentionWrapper`` runs its cell on ``[inputs, previous attention]``, scores the cell output against the keys,
takes the softmax-weighted sum of the memory (the context) and, with ``attention_layer_size``, projects
``[cell_output, context]`` through ``attention_layer`` (no bias). Variable names follow TF 1.15
(``memory_layer/kernel``, ``.../attention_wrapper/bahdanau_attention/attention_v``,
``.../attention_wrapper/attention_layer/kernel``).
"""
import collections

import numpy as np
import tensorflow as _tf

from compat.contrib import rnn as _rnn

_v1 = _tf.compat.v1


def _prepare_memory(memory, memory_sequence_length):
    if memory_sequence_length is None:
        return memory
    mask = _tf.sequence_mask(memory_sequence_length, maxlen=_tf.shape(memory)[1], dtype=memory.dtype)
    return memory * _tf.reshape(mask, _tf.concat([_tf.shape(mask), _tf.ones([memory.shape.rank - 2], _tf.int32)], 0))


def _mask_score(score, memory_sequence_length, score_mask_value):
    if memory_sequence_length is None:
        return score
    if score_mask_value is None:
        score_mask_value = score.dtype.as_numpy_dtype(-np.inf)
    mask = _tf.sequence_mask(memory_sequence_length, maxlen=_tf.shape(score)[1])
    return _v1.where(mask, score, score_mask_value * _tf.ones_like(score))


class AttentionMechanism:
    """Keys, values and masking shared by both mechanisms."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length, memory_layer, score_mask_value,
                 name):
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        probability_fn = probability_fn or _tf.nn.softmax
        self._probability_fn = lambda score, _: probability_fn(
            _mask_score(score, memory_sequence_length, score_mask_value))
        with _tf.name_scope(f"{name}Init"):
            self._values = _prepare_memory(_tf.convert_to_tensor(memory), memory_sequence_length)
            self._keys = memory_layer(self._values) if memory_layer else self._values
            self._batch_size = self._keys.shape[0] or _tf.shape(self._keys)[0]
            self._alignments_size = self._keys.shape[1] or _tf.shape(self._keys)[1]

    @property
    def values(self):
        return self._values

    @property
    def keys(self):
        return self._keys

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def alignments_size(self):
        return self._alignments_size

    @property
    def state_size(self):
        return self._alignments_size

    def initial_alignments(self, batch_size, dtype):
        """Zeros ``[batch_size, max_time]``."""
        return _tf.zeros(_tf.stack([batch_size, self._alignments_size]), dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)


class BahdanauAttention(AttentionMechanism):
    """Additive attention: ``score = sum(v * tanh(keys + query_layer(query)), -1)``; with ``normalize``, weight
    normalisation ``v -> g * v / |v|`` plus a bias ``b`` inside the tanh (``attention_g`` starts at
    ``sqrt(1 / num_units)``)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False, probability_fn=None,
                 score_mask_value=None, dtype=None, name="BahdanauAttention"):
        dtype = dtype or _tf.float32
        super().__init__(_v1.layers.Dense(num_units, name="query_layer", use_bias=False, dtype=dtype), memory,
                         probability_fn, memory_sequence_length,
                         _v1.layers.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
                         score_mask_value, name)
        self._num_units = num_units
        self._normalize = normalize

    def __call__(self, query, state):
        with _v1.variable_scope(None, "bahdanau_attention", [query]):
            processed = _tf.expand_dims(self._query_layer(query), 1)
            dtype = processed.dtype
            v = _v1.get_variable("attention_v", [self._num_units], dtype=dtype)
            if self._normalize:
                g = _v1.get_variable("attention_g", dtype=dtype,
                                     initializer=_v1.constant_initializer(np.sqrt(1.0 / self._num_units)), shape=())
                b = _v1.get_variable("attention_b", [self._num_units], dtype=dtype,
                                     initializer=_v1.zeros_initializer())
                normed_v = g * v * _tf.math.rsqrt(_tf.reduce_sum(_tf.square(v)))
                score = _tf.reduce_sum(normed_v * _tf.tanh(self._keys + processed + b), [2])
            else:
                score = _tf.reduce_sum(v * _tf.tanh(self._keys + processed), [2])
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class LuongAttention(AttentionMechanism):
    """Multiplicative attention: ``score = query . keys``; with ``scale``, times a scalar ``attention_g``
    (initialised to 1)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False, probability_fn=None,
                 score_mask_value=None, dtype=None, name="LuongAttention"):
        dtype = dtype or _tf.float32
        super().__init__(None, memory, probability_fn, memory_sequence_length,
                         _v1.layers.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
                         score_mask_value, name)
        self._num_units = num_units
        self._scale = scale

    def __call__(self, query, state):
        with _v1.variable_scope(None, "luong_attention", [query]):
            if query.shape[-1] != self._keys.shape[-1]:
                raise ValueError(f"Incompatible or unknown inner dimensions between query and keys.  Query "
                                 f"({query}) has units: {query.shape[-1]}.  Keys ({self._keys}) have units: "
                                 f"{self._keys.shape[-1]}.  Perhaps you need to set num_units to the keys' "
                                 f"dimension ({query.shape[-1]})?")
            score = _tf.squeeze(_tf.matmul(_tf.expand_dims(query, 1), self._keys, transpose_b=True), [1])
            if self._scale:
                g = _v1.get_variable("attention_g", dtype=query.dtype, initializer=_v1.ones_initializer(), shape=())
                score = g * score
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState",
        ("cell_state", "attention", "time", "alignments", "alignment_history", "attention_state"))):
    """The wrapped cell's state plus the last attention, step counter, alignments (and their history)."""

    def clone(self, **kwargs):
        """A copy with some fields replaced (``zero_state(...).clone(cell_state=encoder_state)``), keeping the
        replaced tensors' static shapes where the old ones were known."""
        def with_shape(old, new):
            if isinstance(old, _tf.Tensor) and isinstance(new, _tf.Tensor) and not _tf.executing_eagerly():
                new.set_shape(new.shape.merge_with(old.shape))
            return new

        replaced = super()._replace(**kwargs)
        return _tf.nest.map_structure(with_shape, self, replaced)


class AttentionWrapper(_rnn.RNNCell):
    """Wraps ``cell`` with one attention mechanism (or a list of them).

    Args:
      cell: the decoder cell.
      attention_mechanism: a ``BahdanauAttention`` / ``LuongAttention``, or a list (their attentions concatenated).
      attention_layer_size: project ``[cell_output, context]`` to this size (a list: one per mechanism); None
        uses the context itself.
      alignment_history: keep every step's alignments in a TensorArray of the state.
      cell_input_fn: ``f(inputs, attention)`` giving the cell input; ``concat([inputs, attention], -1)`` by default.
      output_attention: emit the attention (Luong style) rather than the cell output (Bahdanau style).
      initial_cell_state: the cell state ``zero_state`` starts from.
      name: scope name, ``attention_wrapper`` by default.
    """

    def __init__(self, cell, attention_mechanism, attention_layer_size=None, alignment_history=False,
                 cell_input_fn=None, output_attention=True, initial_cell_state=None, name=None):
        super().__init__(name=name)
        self._is_multi = isinstance(attention_mechanism, (list, tuple))
        mechanisms = list(attention_mechanism) if self._is_multi else [attention_mechanism]
        sizes = None
        if attention_layer_size is not None:
            sizes = list(attention_layer_size) if isinstance(attention_layer_size, (list, tuple)) else [
                attention_layer_size]
            if len(sizes) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer_size must contain exactly one integer per "
                                 f"attention_mechanism, saw: {len(sizes)} vs {len(mechanisms)}")
            dtype = mechanisms[0].values.dtype
            self._attention_layers = [_v1.layers.Dense(size, name="attention_layer", use_bias=False, dtype=dtype)
                                      for size in sizes]
            self._attention_layer_size = sum(sizes)
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(m.values.shape[-1] for m in mechanisms)
        self._cell = cell
        self._mechanisms = mechanisms
        self._cell_input_fn = cell_input_fn or (lambda inputs, attention: _tf.concat([inputs, attention], -1))
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        self._initial_cell_state = initial_cell_state

    def _item_or_tuple(self, seq):
        seq = tuple(seq)
        return seq if self._is_multi else seq[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=_tf.TensorShape([]), attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in self._mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in self._mechanisms),
            alignment_history=self._item_or_tuple(m.alignments_size if self._alignment_history else ()
                                                  for m in self._mechanisms))

    def zero_state(self, batch_size, dtype):
        """The initial state: the cell's zero (or ``initial_cell_state``), zero attention and alignments."""
        with _tf.name_scope(f"{type(self).__name__}ZeroState"):
            cell_state = (self._initial_cell_state if self._initial_cell_state is not None
                          else self._cell.zero_state(batch_size, dtype))
            cell_state = _tf.nest.map_structure(lambda s: _tf.identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dtype) for m in self._mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state, time=_tf.zeros([], dtype=_tf.int32),
                attention=_tf.zeros(_tf.stack([batch_size, self._attention_layer_size]), dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(m.initial_state(batch_size, dtype) for m in self._mechanisms),
                alignment_history=self._item_or_tuple(
                    _tf.TensorArray(dtype, size=0, dynamic_size=True, element_shape=a.shape)
                    if self._alignment_history else () for a in alignments))

    def call(self, inputs, state):
        cell_output, next_cell_state = self._cell(self._cell_input_fn(inputs, state.attention), state.cell_state)
        previous_states = state.attention_state if self._is_multi else [state.attention_state]
        previous_history = state.alignment_history if self._is_multi else [state.alignment_history]
        attentions, all_alignments, all_states, all_histories = [], [], [], []
        for i, mechanism in enumerate(self._mechanisms):
            alignments, next_attention_state = mechanism(cell_output, state=previous_states[i])
            context = _tf.squeeze(_tf.matmul(_tf.expand_dims(alignments, 1), mechanism.values), [1])
            attention = (self._attention_layers[i](_tf.concat([cell_output, context], 1))
                         if self._attention_layers else context)
            attentions.append(attention)
            all_alignments.append(alignments)
            all_states.append(next_attention_state)
            all_histories.append(previous_history[i].write(state.time, alignments)
                                 if self._alignment_history else ())
        attention = _tf.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(all_states), alignments=self._item_or_tuple(all_alignments),
            alignment_history=self._item_or_tuple(all_histories))
        return (attention if self._output_attention else cell_output), next_state
