"""``tf.contrib.seq2seq.BeamSearchDecoder`` and ``gather_tree`` of TF 1.15, written from its documented behaviour.

At each step every live beam extends by every word; the ``beam_width`` best totals per batch entry survive
(``top_k`` over the flattened ``[beam * vocab]`` scores, so ties keep the lower index). A finished beam can only
emit ``end_token`` at no cost and stops growing. Scores are the summed log-probabilities divided by the length
penalty ``((5 + length) / 6) ** length_penalty_weight``. At the first step only beam 0 is live (the others start
finished with log-probability -inf), so the beams do not repeat each other. ``finalize`` backtracks the parent ids
with ``gather_tree`` into each beam's full sequence. The coverage penalty is not served (weight must be 0).
"""
import collections

import numpy as np
import tensorflow as _tf

from compat.contrib import decoder as _decoder

_v1 = _tf.compat.v1


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    """Per beam: the cell state, total log-probability, finished flag and length."""


class BeamSearchDecoderOutput(collections.namedtuple("BeamSearchDecoderOutput",
                                                     ("scores", "predicted_ids", "parent_ids"))):
    """One step: each surviving beam's score, the word it emitted and the beam it extends."""


class FinalBeamSearchDecoderOutput(collections.namedtuple("FinalBeamSearchDecoderOutput",
                                                          ("predicted_ids", "beam_search_decoder_output"))):
    """``predicted_ids`` ``[batch, time, beam]`` (backtracked) and the raw per-step outputs."""


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token):
    """Backtrack beams: ``[time, batch, beam]`` step ids and parent beam ids -> each final beam's sequence.

    Walking back from step ``max_sequence_lengths[b] - 1``, step ``t`` of beam ``k`` is the id its ancestor emitted
    at ``t``. Steps at or after the length, and every step after the first ``end_token``, hold ``end_token``.
    """
    step_ids = _tf.convert_to_tensor(step_ids, name="step_ids")
    parent_ids = _tf.convert_to_tensor(parent_ids, dtype=step_ids.dtype, name="parent_ids")
    max_sequence_lengths = _tf.cast(max_sequence_lengths, _tf.int32)
    end_token = _tf.cast(end_token, step_ids.dtype)
    shape = _tf.shape(step_ids)
    times = _tf.range(shape[0])
    identity = _tf.broadcast_to(_tf.range(shape[2], dtype=step_ids.dtype)[None, :], shape[1:])

    def back(carry, step):
        parent, _ = carry
        ids, parents, t = step
        in_range = (t < max_sequence_lengths)[:, None]
        emitted = _tf.gather(ids, parent, batch_dims=1)
        out = _tf.where(in_range, emitted, end_token)
        return _tf.where(in_range, _tf.gather(parents, parent, batch_dims=1), parent), out

    _, beams = _tf.scan(back, (step_ids, parent_ids, times), initializer=(identity, identity), reverse=True)
    ended_before = _tf.cumsum(_tf.cast(_tf.equal(beams, end_token), _tf.int32), axis=0, exclusive=True) > 0
    return _tf.where(ended_before, end_token, beams)


def _merge(t, batch_size, beam_width):
    return _tf.reshape(t, _tf.concat([[batch_size * beam_width], _tf.shape(t)[2:]], 0))


def _split(t, batch_size, beam_width):
    return _tf.reshape(t, _tf.concat([[batch_size, beam_width], _tf.shape(t)[1:]], 0))


def _is_beamed(t):
    return isinstance(t, _tf.Tensor) and t.shape.rank is not None and t.shape.rank >= 1


def _gather_beams(t, beam_ids):
    """``t[b, beam_ids[b, k]]`` for each batch entry ``b`` and new beam ``k``."""
    return _tf.gather(t, beam_ids, batch_dims=1)


class BeamSearchDecoder(_decoder.Decoder):
    """Beam search over ``cell`` (whose initial state is tiled ``beam_width`` times, e.g. with ``tile_batch``).

    Args:
      cell: the decoder cell; embedding: a matrix or a callable ids -> embeddings.
      start_tokens: ``[batch]`` int32; end_token: int32 scalar.
      initial_state: the cell state for ``batch * beam_width`` rows.
      beam_width: beams kept per batch entry; output_layer: applied to the cell outputs (logits).
      length_penalty_weight: ``alpha`` of the length penalty (0: none).
      coverage_penalty_weight: must be 0 (not served).
      reorder_tensor_arrays: accepted; TensorArrays in the final state are left in step order.

    Raises:
      ValueError: on a non-vector ``start_tokens``, non-scalar ``end_token`` or a coverage penalty.
    """

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width, output_layer=None,
                 length_penalty_weight=0.0, coverage_penalty_weight=0.0, reorder_tensor_arrays=True):
        if coverage_penalty_weight:
            raise ValueError("BeamSearchDecoder(coverage_penalty_weight=...) is not served by the compat runtime")
        self._cell = cell
        self._output_layer = output_layer
        self._embedding_fn = embedding if callable(embedding) else (
            lambda ids: _tf.nn.embedding_lookup(embedding, ids))
        self._start_tokens = _tf.convert_to_tensor(start_tokens, dtype=_tf.int32, name="start_tokens")
        if self._start_tokens.shape.rank != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = _tf.convert_to_tensor(end_token, dtype=_tf.int32, name="end_token")
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar")
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._batch_size = _tf.size(start_tokens)
        self._initial_cell_state = _tf.nest.map_structure(
            lambda t: _split(t, self._batch_size, beam_width) if _is_beamed(t) else t, initial_state)
        self._start_tokens = _tf.tile(_tf.expand_dims(self._start_tokens, 1), [1, beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = _tf.one_hot(_tf.zeros([self._batch_size], _tf.int32), depth=beam_width, on_value=False,
                                     off_value=True, dtype=_tf.bool)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def tracks_own_finished(self):
        return True

    @property
    def output_size(self):
        beams = _tf.TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=beams, predicted_ids=beams, parent_ids=beams)

    @property
    def output_dtype(self):
        dtype = _tf.nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(scores=dtype, predicted_ids=_tf.int32, parent_ids=_tf.int32)

    def initialize(self, name=None):
        dtype = _tf.nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = _tf.one_hot(_tf.zeros([self._batch_size], _tf.int32), depth=self._beam_width,
                                on_value=_tf.constant(0, dtype), off_value=_tf.constant(-np.inf, dtype), dtype=dtype)
        state = BeamSearchDecoderState(cell_state=self._initial_cell_state, log_probs=log_probs,
                                       finished=self._finished,
                                       lengths=_tf.zeros([self._batch_size, self._beam_width], _tf.int64),
                                       accumulated_attention_probs=())
        return self._finished, self._start_inputs, state

    def step(self, time, inputs, state, name=None):
        batch, beams = self._batch_size, self._beam_width
        with _tf.name_scope(name or "BeamSearchDecoderStep"):
            merge = lambda t: _merge(t, batch, beams) if _is_beamed(t) else t  # noqa: E731
            split = lambda t: _split(t, batch, beams) if _is_beamed(t) else t  # noqa: E731
            cell_outputs, next_cell_state = self._cell(_tf.nest.map_structure(merge, inputs),
                                                       _tf.nest.map_structure(merge, state.cell_state))
            logits = split(cell_outputs)
            next_cell_state = _tf.nest.map_structure(split, next_cell_state)
            if self._output_layer is not None:
                logits = self._output_layer(logits)
            output, next_state = self._search_step(logits, next_cell_state, state)
            next_inputs = _tf.cond(_tf.reduce_all(next_state.finished), lambda: self._start_inputs,
                                   lambda: self._embedding_fn(output.predicted_ids))
        return output, next_state, next_inputs, next_state.finished

    def _search_step(self, logits, next_cell_state, state):
        vocab_size = logits.shape[-1] if logits.shape[-1] is not None else _tf.shape(logits)[-1]
        finished = state.finished
        step_log_probs = _tf.nn.log_softmax(logits)
        # a finished beam may only emit end_token, at log-probability 0
        eos_row = _tf.one_hot(self._end_token, vocab_size, dtype=logits.dtype, on_value=_tf.constant(0, logits.dtype),
                              off_value=_tf.constant(logits.dtype.min, logits.dtype))
        step_log_probs = _v1.where(_tf.broadcast_to(finished[:, :, None], _tf.shape(step_log_probs)),
                                   _tf.broadcast_to(eos_row, _tf.shape(step_log_probs)), step_log_probs)
        total = state.log_probs[:, :, None] + step_log_probs
        grows = _tf.one_hot(_tf.fill(_tf.shape(finished), self._end_token), vocab_size, on_value=np.int64(0),
                            off_value=np.int64(1), dtype=_tf.int64) * _tf.cast(~finished, _tf.int64)[:, :, None]
        new_lengths = state.lengths[:, :, None] + grows
        scores = total
        if self._length_penalty_weight:
            penalty = ((5.0 + _tf.cast(new_lengths, _tf.float32)) ** self._length_penalty_weight
                       / (5.0 + 1.0) ** self._length_penalty_weight)
            scores = total / _tf.cast(penalty, total.dtype)
        flat = _tf.reshape(scores, [self._batch_size, -1])
        next_scores, word_indices = _tf.nn.top_k(flat, k=self._beam_width)
        next_log_probs = _tf.gather(_tf.reshape(total, [self._batch_size, -1]), word_indices, batch_dims=1)
        next_word_ids = _tf.cast(word_indices % vocab_size, _tf.int32)
        next_beam_ids = _tf.cast(word_indices // vocab_size, _tf.int32)
        parent_finished = _gather_beams(finished, next_beam_ids)
        next_finished = _tf.logical_or(parent_finished, _tf.equal(next_word_ids, self._end_token))
        next_lengths = _gather_beams(state.lengths, next_beam_ids) + _tf.cast(~parent_finished, _tf.int64)
        next_cell_state = _tf.nest.map_structure(
            lambda t: _gather_beams(t, next_beam_ids) if _is_beamed(t) and t.shape.rank >= 2 else t,
            next_cell_state)
        # keep the loop variables' static shapes (the batch gathers lose the batch dimension)
        for new, old in ((next_log_probs, state.log_probs), (next_finished, finished), (next_lengths, state.lengths),
                         (next_scores, finished), (next_word_ids, finished), (next_beam_ids, finished)):
            new.set_shape(old.shape)
        _tf.nest.map_structure(lambda new, old: new.set_shape(old.shape) if _is_beamed(new) else None,
                               next_cell_state, state.cell_state)
        next_state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_log_probs,
                                            finished=next_finished, lengths=next_lengths,
                                            accumulated_attention_probs=())
        return BeamSearchDecoderOutput(next_scores, next_word_ids, next_beam_ids), next_state

    def finalize(self, outputs, final_state, sequence_lengths):
        """Backtrack the time-major per-step outputs into each beam's sequence (``gather_tree``)."""
        max_lengths = _tf.cast(_tf.reduce_max(final_state.lengths, axis=1), _tf.int32)
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids, max_lengths, self._end_token)
        return FinalBeamSearchDecoderOutput(predicted_ids=predicted_ids, beam_search_decoder_output=outputs), \
            final_state
