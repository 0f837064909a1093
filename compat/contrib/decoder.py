"""The decoder framework of TF 1.15's ``tf.contrib.seq2seq``: ``Decoder``, ``BasicDecoder``, ``dynamic_decode``,
the training/greedy/sampling helpers and ``tile_batch``, written from TF 1.15's documented behaviour.

``dynamic_decode`` runs ``decoder.step`` in a ``tf.while_loop`` in variable scope ``decoder``, so a
``BasicDecoder``'s cell and output layer get TF 1.15's names (``decoder/basic_lstm_cell/kernel``,
``decoder/dense/kernel``). Attention wrappers and beam search are not served (dead ends in ``compat/table.py``).
"""
import abc
import collections

import numpy as np
import tensorflow as _tf
from tensorflow.python.ops import rnn as _core_rnn
from tensorflow.python.util import nest as _nest

_v1 = _tf.compat.v1


class Decoder(abc.ABC):
    """What ``dynamic_decode`` drives: ``initialize() -> (finished, inputs, state)`` once, then
    ``step(time, inputs, state) -> (outputs, state, inputs, finished)`` until every batch entry is finished."""

    @property
    @abc.abstractmethod
    def batch_size(self):
        """The batch size (a scalar int32 tensor or int)."""

    @property
    @abc.abstractmethod
    def output_size(self):
        """The (structure of) shapes of one step's outputs, without the batch dimension."""

    @property
    @abc.abstractmethod
    def output_dtype(self):
        """The (structure of) dtypes of one step's outputs."""

    @abc.abstractmethod
    def initialize(self, name=None):
        """``(finished, first inputs, initial state)``."""

    @abc.abstractmethod
    def step(self, time, inputs, state, name=None):
        """``(outputs, next state, next inputs, finished)`` for step ``time``."""

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        """False: ``dynamic_decode`` ORs each step's ``finished`` into the running one."""
        return False


class Helper(abc.ABC):
    """Chooses each step's sample ids and next inputs for a ``BasicDecoder``."""

    @property
    @abc.abstractmethod
    def batch_size(self):
        """The batch size."""

    @property
    def sample_ids_shape(self):
        return _tf.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return _tf.int32

    @abc.abstractmethod
    def initialize(self, name=None):
        """``(finished, first inputs)``."""

    @abc.abstractmethod
    def sample(self, time, outputs, state, name=None):
        """The sample ids of step ``time``."""

    @abc.abstractmethod
    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        """``(finished, next inputs, next state)``."""


class CustomHelper(Helper):
    """A helper built from three functions: ``initialize_fn() -> (finished, inputs)``,
    ``sample_fn(time, outputs, state) -> sample_ids`` and ``next_inputs_fn(time, outputs, state, sample_ids) ->
    (finished, next_inputs, next_state)``."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None, sample_ids_dtype=None):
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = _tf.TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = sample_ids_dtype or _tf.int32

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with _tf.name_scope(name or f"{type(self).__name__}Initialize"):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = _tf.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with _tf.name_scope(name or f"{type(self).__name__}Sample"):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with _tf.name_scope(name or f"{type(self).__name__}NextInputs"):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state, sample_ids=sample_ids)


class TrainingHelper(Helper):
    """Teacher forcing: step ``t`` reads ``inputs[:, t]`` (``inputs[t]`` when ``time_major``); an entry is finished
    once ``t + 1 >= sequence_length``. Sample ids are the argmax of the outputs. When every entry is finished the
    next inputs are zeros."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with _tf.name_scope(name or "TrainingHelper"):
            inputs = _tf.nest.map_structure(_tf.convert_to_tensor, inputs)
            if not time_major:
                inputs = _tf.nest.map_structure(_core_rnn._transpose_batch_time, inputs)
            self._input_tas = _tf.nest.map_structure(
                lambda inp: _tf.TensorArray(inp.dtype, size=_tf.shape(inp)[0],
                                            element_shape=inp.shape[1:]).unstack(inp), inputs)
            self._sequence_length = _tf.convert_to_tensor(sequence_length, name="sequence_length")
            if self._sequence_length.shape.rank != 1:
                raise ValueError(f"Expected sequence_length to be a vector, but received shape: "
                                 f"{self._sequence_length.shape}")
            self._zero_inputs = _tf.nest.map_structure(lambda inp: _tf.zeros_like(inp[0, :]), inputs)
            self._batch_size = _tf.size(sequence_length)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sequence_length(self):
        return self._sequence_length

    def _read(self, time, finished):
        return _tf.cond(_tf.reduce_all(finished), lambda: self._zero_inputs,
                        lambda: _tf.nest.map_structure(lambda ta: ta.read(time), self._input_tas))

    def initialize(self, name=None):
        with _tf.name_scope(name or "TrainingHelperInitialize"):
            finished = _tf.equal(0, self._sequence_length)
            return finished, self._read(0, finished)

    def sample(self, time, outputs, name=None, **unused):
        with _tf.name_scope(name or "TrainingHelperSample"):
            return _tf.cast(_tf.argmax(outputs, axis=-1), _tf.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused):
        with _tf.name_scope(name or "TrainingHelperNextInputs"):
            next_time = time + 1
            finished = next_time >= self._sequence_length
            return finished, self._read(next_time, finished), state


class GreedyEmbeddingHelper(Helper):
    """Greedy decoding: the argmax of each step's outputs is embedded (``embedding`` a matrix or a callable) and fed
    to the next step; an entry finishes when it emits ``end_token``.

    Raises:
      ValueError: when ``start_tokens`` is not a vector or ``end_token`` not a scalar.
    """

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = embedding if callable(embedding) else (
            lambda ids: _tf.nn.embedding_lookup(embedding, ids))
        self._start_tokens = _tf.convert_to_tensor(start_tokens, dtype=_tf.int32, name="start_tokens")
        self._end_token = _tf.convert_to_tensor(end_token, dtype=_tf.int32, name="end_token")
        if self._start_tokens.shape.rank != 1:
            raise ValueError("start_tokens must be a vector")
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = _tf.size(start_tokens)
        self._start_inputs = self._embedding_fn(self._start_tokens)

    @property
    def batch_size(self):
        return self._batch_size

    def initialize(self, name=None):
        return _tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        if not _tf.is_tensor(outputs):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        return _tf.argmax(outputs, axis=-1, output_type=_tf.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = _tf.equal(sample_ids, self._end_token)
        next_inputs = _tf.cond(_tf.reduce_all(finished), lambda: self._start_inputs,
                               lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """Like ``GreedyEmbeddingHelper`` but samples each id from the softmax of ``outputs / softmax_temperature``
    (a ``Categorical`` draw with ``seed``) instead of taking the argmax."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None, seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        if not _tf.is_tensor(outputs):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        logits = outputs if self._softmax_temperature is None else outputs / self._softmax_temperature
        return _v1.distributions.Categorical(logits=logits).sample(seed=self._seed)


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """Scheduled sampling: teacher forcing, except that with probability ``sampling_probability`` (per entry, per
    step; a Bernoulli draw with ``scheduling_seed``) the next input is the embedding of an id sampled from the
    outputs' softmax (``seed``). Sample ids are -1 where the ground truth is used.

    Raises:
      ValueError: when ``sampling_probability`` is neither a scalar nor a vector.
    """

    def __init__(self, inputs, sequence_length, embedding, sampling_probability, time_major=False, seed=None,
                 scheduling_seed=None, name=None):
        self._embedding_fn = embedding if callable(embedding) else (
            lambda ids: _tf.nn.embedding_lookup(embedding, ids))
        self._sampling_probability = _tf.convert_to_tensor(sampling_probability, name="sampling_probability")
        if self._sampling_probability.shape.rank not in (0, 1):
            raise ValueError(f"sampling_probability must be either a scalar or a vector. saw shape: "
                             f"{self._sampling_probability.shape}")
        self._seed = seed
        self._scheduling_seed = scheduling_seed
        super().__init__(inputs, sequence_length, time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with _tf.name_scope(name or "ScheduledEmbeddingTrainingHelperSample"):
            select = _v1.distributions.Bernoulli(probs=self._sampling_probability, dtype=_tf.bool).sample(
                sample_shape=self.batch_size, seed=self._scheduling_seed)
            sampled = _v1.distributions.Categorical(logits=outputs).sample(seed=self._seed)
            return _v1.where(select, sampled, _tf.fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with _tf.name_scope(name or "ScheduledEmbeddingTrainingHelperNextInputs"):
            finished, base_next_inputs, state = super().next_inputs(time, outputs, state, sample_ids=sample_ids)

            def maybe_sample():
                sampling = _tf.cast(_v1.where(sample_ids > -1), _tf.int32)
                not_sampling = _tf.cast(_v1.where(sample_ids <= -1), _tf.int32)
                embedded = self._embedding_fn(_tf.gather_nd(sample_ids, sampling))
                kept = _tf.gather_nd(base_next_inputs, not_sampling)
                shape = _tf.shape(base_next_inputs)
                return (_tf.scatter_nd(sampling, embedded, shape) + _tf.scatter_nd(not_sampling, kept, shape))

            next_inputs = _tf.cond(_tf.reduce_all(finished), lambda: base_next_inputs, maybe_sample)
            return finished, next_inputs, state


class InferenceHelper(Helper):
    """Inference without embeddings: ``sample_fn(outputs)`` gives the sample ids, ``next_inputs_fn(sample_ids)``
    (identity by default) the next inputs, ``end_fn(sample_ids)`` the finished flags; decoding starts from
    ``start_inputs``."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn, next_inputs_fn=None):
        self._sample_fn = sample_fn
        self._end_fn = end_fn
        self._sample_shape = _tf.TensorShape(sample_shape)
        self._sample_dtype = sample_dtype
        self._next_inputs_fn = next_inputs_fn
        self._start_inputs = _tf.convert_to_tensor(start_inputs, name="start_inputs")
        self._batch_size = _tf.shape(self._start_inputs)[0]

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        return _tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        next_inputs = sample_ids if self._next_inputs_fn is None else self._next_inputs_fn(sample_ids)
        return self._end_fn(sample_ids), next_inputs, state


def hardmax(logits, name=None):
    """One-hot of the argmax over the last axis, in ``logits``' dtype."""
    with _tf.name_scope(name or "Hardmax"):
        logits = _tf.convert_to_tensor(logits, name="logits")
        depth = logits.shape[-1] if logits.shape[-1] is not None else _tf.shape(logits)[-1]
        return _tf.one_hot(_tf.argmax(logits, -1), depth, dtype=logits.dtype)


def safe_cumprod(x, *args, **kwargs):
    """``cumprod(x)`` computed as ``exp(cumsum(log(x)))`` with ``x`` clipped to ``[tiny, 1]``, so long products of
    probabilities do not underflow; extra arguments go to ``cumsum`` (``axis``, ``exclusive``, ``reverse``)."""
    with _tf.name_scope("SafeCumprod"):
        x = _tf.convert_to_tensor(x, name="x")
        tiny = x.dtype.as_numpy_dtype(np.finfo(x.dtype.as_numpy_dtype).tiny)
        return _tf.exp(_tf.cumsum(_tf.math.log(_tf.clip_by_value(x, tiny, 1)), *args, **kwargs))


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))):
    """One step's (or, stacked, all steps') cell outputs and sample ids."""


class BasicDecoder(Decoder):
    """Runs ``cell`` (then ``output_layer``, e.g. ``tf.layers.Dense(vocab)``) and lets ``helper`` pick the sample
    ids and next inputs.

    Raises:
      TypeError: when ``helper`` is not a Helper or ``output_layer`` not callable.
    """

    def __init__(self, cell, helper, initial_state, output_layer=None):
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        if output_layer is not None and not callable(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        output_shape = _tf.nest.map_structure(
            lambda s: _tf.TensorShape([None]).concatenate(s), size)
        layer_shape = self._output_layer.compute_output_shape(output_shape)
        return _tf.nest.map_structure(lambda s: s[1:], layer_shape)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(), sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = _tf.nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(_tf.nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with _tf.name_scope(name or "BasicDecoderStep"):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


def _zero_outputs(size, dtype, batch_size):
    return _tf.nest.map_structure(
        lambda s, d: _tf.zeros(_tf.stack([batch_size, *_tf.TensorShape(s).as_list()]), d), size, dtype)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False, maximum_iterations=None,
                   parallel_iterations=32, swap_memory=False, scope=None):
    """Run ``decoder`` until every batch entry is finished (or ``maximum_iterations`` steps), in a while loop.

    Args:
      decoder: a ``Decoder``.
      output_time_major: return ``[time, batch, ...]`` outputs instead of ``[batch, time, ...]``.
      impute_finished: zero the outputs and freeze the state of entries after they finish.
      maximum_iterations: optional scalar cap on the number of steps.
      parallel_iterations, swap_memory: passed to ``tf.while_loop``.
      scope: variable scope, ``"decoder"`` by default.

    Returns:
      ``(final_outputs, final_state, final_sequence_lengths)``; an entry's length is the step at which it first
      finished (+1), or the number of steps run.

    Raises:
      TypeError: when ``decoder`` is not a Decoder; ValueError: when ``maximum_iterations`` is not a scalar.
    """
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    with _v1.variable_scope(scope, "decoder") as varscope:
        if not _tf.executing_eagerly() and varscope.caching_device is None:
            varscope.set_caching_device(lambda op: op.device)
        if maximum_iterations is not None:
            maximum_iterations = _tf.convert_to_tensor(maximum_iterations, dtype=_tf.int32,
                                                       name="maximum_iterations")
            if maximum_iterations.shape.rank != 0:
                raise ValueError("maximum_iterations must be a scalar")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zero_outputs = _zero_outputs(decoder.output_size, decoder.output_dtype, decoder.batch_size)
        if maximum_iterations is not None:
            initial_finished = _tf.logical_or(initial_finished, 0 >= maximum_iterations)
        initial_lengths = _tf.zeros_like(initial_finished, dtype=_tf.int32)
        outputs_ta = _tf.nest.map_structure(
            lambda s, d: _tf.TensorArray(d, size=0, dynamic_size=True, element_shape=_tf.TensorShape(
                [_tf.get_static_value(_tf.convert_to_tensor(decoder.batch_size))]).concatenate(s)),
            decoder.output_size, decoder.output_dtype)

        def condition(time, outputs_ta, state, inputs, finished, lengths):
            return _tf.logical_not(_tf.reduce_all(finished))

        def body(time, outputs_ta, state, inputs, finished, lengths):
            next_outputs, decoder_state, next_inputs, decoder_finished = decoder.step(time, inputs, state)
            next_finished = decoder_finished if decoder.tracks_own_finished else _tf.logical_or(
                decoder_finished, finished)
            next_lengths = _v1.where(_tf.logical_not(finished), _tf.fill(_tf.shape(lengths), time + 1), lengths)
            _nest.assert_same_structure(state, decoder_state)
            _nest.assert_same_structure(outputs_ta, next_outputs)
            _nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                emit = _tf.nest.map_structure(lambda out, zero: _v1.where(finished, zero, out), next_outputs,
                                              zero_outputs)

                def copy_state(new, cur):
                    if isinstance(cur, _tf.TensorArray):
                        return new
                    new.set_shape(cur.shape)
                    return new if new.shape.rank == 0 else _v1.where(finished, cur, new)

                next_state = _tf.nest.map_structure(copy_state, decoder_state, state)
            else:
                emit, next_state = next_outputs, decoder_state
            outputs_ta = _tf.nest.map_structure(lambda ta, out: ta.write(time, out), outputs_ta, emit)
            return time + 1, outputs_ta, next_state, next_inputs, next_finished, next_lengths

        result = _v1.while_loop(
            condition, body,
            loop_vars=(_tf.constant(0, _tf.int32), outputs_ta, initial_state, initial_inputs, initial_finished,
                       initial_lengths),
            parallel_iterations=parallel_iterations, maximum_iterations=maximum_iterations, swap_memory=swap_memory)
        final_outputs = _tf.nest.map_structure(lambda ta: ta.stack(), result[1])
        final_state, final_lengths = result[2], result[5]
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state, final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = _tf.nest.map_structure(_core_rnn._transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


def tile_batch(t, multiplier, name=None):
    """Repeat each batch entry ``multiplier`` times in place (``[a, b] -> [a, a, b, b]``), over a nested structure
    of tensors, as beam search expects its encoder outputs.

    Raises:
      ValueError: when a tensor's rank is not statically known or is 0.
    """
    def tile_one(x):
        x = _tf.convert_to_tensor(x)
        if x.shape.rank is None or x.shape.rank < 1:
            raise ValueError("t must have statically known rank")
        return _tf.repeat(x, multiplier, axis=0)

    with _tf.name_scope(name or "tile_batch"):
        return _tf.nest.map_structure(tile_one, t)
