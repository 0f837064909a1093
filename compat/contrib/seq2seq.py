"""The closed-form parts of ``tf.contrib.legacy_seq2seq`` and ``tf.contrib.seq2seq`` of TF 1.15.

Served: ``legacy_seq2seq.sequence_loss_by_example``, ``sequence_loss``, ``rnn_decoder``, ``basic_rnn_seq2seq``,
``tied_rnn_seq2seq`` (what char-rnn tutorials use) and ``seq2seq.sequence_loss`` (NMT tutorials' loss), written from
TF 1.15's documented behaviour with the same scopes and variable names. The decoder framework of ``contrib.seq2seq``
is ``compat.contrib.decoder``; the embedding/attention ``legacy_seq2seq`` models are dead ends in
``compat/table.py``.
"""
import copy

import tensorflow as _tf

_v1 = _tf.compat.v1


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True, softmax_loss_function=None,
                             name=None):
    """Weighted cross-entropy of a sequence, per example (``legacy_seq2seq``).

    Args:
      logits: list of ``[batch, classes]`` tensors, one per time step.
      targets: list of ``[batch]`` int tensors (class ids), one per time step.
      weights: list of ``[batch]`` float tensors, one per time step.
      average_across_timesteps: divide each example's sum by its summed weights (+1e-12).
      softmax_loss_function: ``f(labels=, logits=)`` replacing sparse softmax cross-entropy.
      name: name scope, ``"sequence_loss_by_example"`` by default.

    Returns:
      ``[batch]``: ``sum_t CE(logits_t, targets_t) * weights_t``, over ``sum_t weights_t + 1e-12`` if averaged.

    Raises:
      ValueError: when the three lists differ in length.
    """
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError(f"Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with _tf.name_scope(name or "sequence_loss_by_example"):
        terms = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                crossent = _tf.nn.sparse_softmax_cross_entropy_with_logits(labels=_tf.reshape(target, [-1]),
                                                                           logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            terms.append(crossent * weight)
        log_perps = _tf.add_n(terms)
        if average_across_timesteps:
            log_perps /= _tf.add_n(weights) + 1e-12  # the epsilon keeps all-zero weights finite
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                  softmax_loss_function=None, name=None):
    """``legacy_seq2seq.sequence_loss``: the sum over the batch of ``sequence_loss_by_example``, divided by the batch
    size when ``average_across_batch``. Returns a scalar."""
    with _tf.name_scope(name or "sequence_loss"):
        cost = _tf.reduce_sum(sequence_loss_by_example(logits, targets, weights, average_across_timesteps,
                                                       softmax_loss_function))
        if average_across_batch:
            return cost / _tf.cast(_tf.shape(targets[0])[0], cost.dtype)
        return cost


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """Run ``cell`` over ``decoder_inputs`` from ``initial_state``, sharing its variables across steps.

    With ``loop_function(prev_output, i)``, step ``i > 0`` is fed that function of the previous output instead of
    ``decoder_inputs[i]`` (called in scope ``loop_function`` with reuse). Variables live in ``scope``
    (``"rnn_decoder"`` by default), e.g. ``rnn_decoder/basic_lstm_cell/kernel``.

    Returns:
      ``(outputs, state)``: the list of per-step outputs and the final state.
    """
    with _v1.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with _v1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                _v1.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=_tf.float32, scope=None):
    """Encode with a copy of ``cell`` (``static_rnn``), decode with ``cell`` from the encoder's final state, in scope
    ``"basic_rnn_seq2seq"``. Returns ``(outputs, state)`` of the decoder."""
    with _v1.variable_scope(scope or "basic_rnn_seq2seq"):
        _, enc_state = _v1.nn.static_rnn(copy.deepcopy(cell), encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None, dtype=_tf.float32, scope=None):
    """Encoder and decoder share ``cell`` and its variables (scope ``combined_tied_rnn_seq2seq/tied_rnn_seq2seq``).
    Returns ``(outputs, state)`` of the decoder."""
    with _v1.variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = _v1.nn.static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        _v1.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function, scope=scope)


def contrib_sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                          sum_over_timesteps=False, sum_over_batch=False, softmax_loss_function=None, name=None):
    """``tf.contrib.seq2seq.sequence_loss``: weighted cross-entropy of ``[batch, time, classes]`` logits.

    Args:
      logits: ``[batch, time, classes]``; targets: ``[batch, time]`` int; weights: ``[batch, time]`` float.
      average_across_timesteps / average_across_batch: divide the weighted sum over that axis by the summed
        weights (both: one scalar, sum over everything / sum of weights).
      sum_over_timesteps / sum_over_batch: divide by the count of non-zero weights instead.
      softmax_loss_function: ``f(labels=, logits=)`` replacing sparse softmax cross-entropy.

    Returns:
      a scalar, ``[time]``, ``[batch]`` or ``[batch, time]`` tensor, by which axes are reduced. Divisions by zero
      give 0 (``div_no_nan``).

    Raises:
      ValueError: on wrong ranks, or averaging and summing the same axis.
    """
    if logits.shape.rank != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.rank != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.rank != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same time.")
    with _tf.name_scope(name or "sequence_loss"):
        logits_flat = _tf.reshape(logits, [-1, _tf.shape(logits)[2]])
        targets_flat = _tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = _tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets_flat, logits=logits_flat)
        else:
            crossent = softmax_loss_function(labels=targets_flat, logits=logits_flat)
        crossent *= _tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent), _tf.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = _tf.cast(_tf.math.count_nonzero(weights), crossent.dtype)
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent), count)
        crossent = _tf.reshape(crossent, _tf.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent, axis=axis), _tf.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = _tf.cast(_tf.math.count_nonzero(weights, axis=axis), crossent.dtype)
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent, axis=axis), count)
        return crossent
