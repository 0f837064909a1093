"""The closed-form parts of ``tf.contrib.legacy_seq2seq`` and ``tf.contrib.seq2seq`` of TF 1.15.

Served: the ``legacy_seq2seq`` losses, decoders and models (``sequence_loss_by_example``, ``sequence_loss``,
``rnn_decoder``, ``attention_decoder``, the ``basic``/``tied``/``embedding``/``embedding_attention`` seq2seq models,
``model_with_buckets``: what char-rnn and the translate tutorial use) and ``seq2seq.sequence_loss`` (the NMT
tutorials' loss), written from TF 1.15's documented behaviour with the same scopes and variable names. The decoder
framework of ``contrib.seq2seq`` is ``compat.contrib.decoder``.
"""
import copy

import tensorflow as _tf

from compat.contrib import rnn as _rnn

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


def _argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """The loop function of greedy decoding: embed the argmax of the previous output (projected by
    ``output_projection = (W, B)`` first, if given); ``update_embedding=False`` stops gradients into the embedding."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = _v1.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
        embedded = _tf.nn.embedding_lookup(embedding, _tf.argmax(prev, 1))
        return embedded if update_embedding else _tf.stop_gradient(embedded)

    return loop_function


def _check_projection(output_projection, num_symbols, dtype):
    if output_projection is not None:
        _tf.convert_to_tensor(output_projection[0], dtype=dtype).shape.assert_is_compatible_with([None, num_symbols])
        _tf.convert_to_tensor(output_projection[1], dtype=dtype).shape.assert_is_compatible_with([num_symbols])


def _decode_either_way(decoder, feed_previous, num_outputs, state_structure):
    """A boolean-tensor ``feed_previous``: both decoders are built (sharing variables) and ``tf.cond`` picks one,
    as TF 1.15 did. Returns ``(outputs, state)`` with the state packed like ``state_structure``."""
    def branch(feed):
        with _v1.variable_scope(_v1.get_variable_scope(), reuse=None if feed else True):
            outputs, state = decoder(feed)
            return outputs + _tf.nest.flatten(state)

    flat = _tf.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    state = _tf.nest.pack_sequence_as(state_structure, flat[num_outputs:])
    return flat[:num_outputs], state


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size, output_projection=None,
                          feed_previous=False, update_embedding_for_previous=True, scope=None):
    """``rnn_decoder`` over ids embedded by ``embedding`` ``[num_symbols, embedding_size]`` (scope
    ``embedding_rnn_decoder``); with ``feed_previous`` only the first (GO) input is used and each next input is the
    embedded argmax of the previous output. Returns ``(outputs, state)``."""
    with _v1.variable_scope(scope or "embedding_rnn_decoder") as scope:
        _check_projection(output_projection, num_symbols, scope.dtype)
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _argmax_and_embed(embedding, output_projection,
                                          update_embedding_for_previous) if feed_previous else None
        embedded = [_tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
        return rnn_decoder(embedded, initial_state, cell, loop_function=loop_function)


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                          embedding_size, output_projection=None, feed_previous=False, dtype=None, scope=None):
    """Encoder: a copy of ``cell`` behind an ``EmbeddingWrapper``; decoder: ``embedding_rnn_decoder`` from the
    encoder's final state, its cell wrapped in an ``OutputProjectionWrapper`` to ``num_decoder_symbols`` unless
    ``output_projection`` is given. ``feed_previous`` may be a bool or a boolean tensor. Scope
    ``embedding_rnn_seq2seq``. Returns ``(outputs, state)``."""
    with _v1.variable_scope(scope or "embedding_rnn_seq2seq") as scope:
        if dtype is not None:
            scope.set_dtype(dtype)
        else:
            dtype = scope.dtype
        encoder_cell = _rnn.EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                             embedding_size=embedding_size)
        _, encoder_state = _v1.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = _rnn.OutputProjectionWrapper(cell, num_decoder_symbols)

        def decoder(feed, update=True):
            return embedding_rnn_decoder(decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                                         output_projection=output_projection, feed_previous=feed,
                                         update_embedding_for_previous=update)

        if isinstance(feed_previous, bool):
            return decoder(feed_previous)
        return _decode_either_way(lambda feed: decoder(feed, update=False), feed_previous, len(decoder_inputs),
                                  encoder_state)


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols, embedding_size,
                               num_decoder_symbols=None, output_projection=None, feed_previous=False, dtype=None,
                               scope=None):
    """``tied_rnn_seq2seq`` over ids embedded by one shared ``embedding`` ``[num_symbols, embedding_size]`` (scope
    ``embedding_tied_rnn_seq2seq``); the cell is wrapped in an ``OutputProjectionWrapper`` to
    ``num_decoder_symbols`` (default ``num_symbols``) unless ``output_projection``. ``feed_previous`` may be a bool
    or a boolean tensor. Returns ``(outputs, state)``."""
    with _v1.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        _check_projection(output_projection, num_symbols, dtype)
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [_tf.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [_tf.nn.embedding_lookup(embedding, x) for x in decoder_inputs]
        if output_projection is None:
            cell = _rnn.OutputProjectionWrapper(cell, num_decoder_symbols or num_symbols)

        def decoder(feed, update=True):
            loop_function = _argmax_and_embed(embedding, output_projection, update) if feed else None
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell, loop_function=loop_function,
                                    dtype=dtype)

        if isinstance(feed_previous, bool):
            return decoder(feed_previous)
        batch_size = encoder_inputs[0].shape[0] or _tf.shape(encoder_inputs[0])[0]
        return _decode_either_way(lambda feed: decoder(feed, update=False), feed_previous, len(decoder_inputs),
                                  cell.zero_state(batch_size, dtype))


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict, num_encoder_symbols,
                         num_decoder_symbols_dict, embedding_size, feed_previous=False, dtype=None, scope=None):
    """One embedded encoder, several decoders (multi-task): for each name, ``embedding_rnn_decoder`` with
    ``dec_cells_dict[name]`` wrapped in an ``OutputProjectionWrapper`` to ``num_decoder_symbols_dict[name]``, in scope
    ``one2many_decoder_<name>`` under ``one2many_rnn_seq2seq``.

    Returns:
      ``(outputs_dict, state_dict)`` keyed by decoder name.

    Raises:
      TypeError: when a cell is not an RNNCell; ValueError: when the decoder names of cells and inputs differ.
    """
    if not isinstance(enc_cell, _rnn.RNNCell):
        raise TypeError(f"enc_cell is not an RNNCell: {type(enc_cell)}")
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, _rnn.RNNCell):
            raise TypeError(f"dec_cell is not an RNNCell: {type(dec_cell)}")
    outputs_dict, state_dict = {}, {}
    with _v1.variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        enc_cell = _rnn.EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                         embedding_size=embedding_size)
        _, encoder_state = _v1.nn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with _v1.variable_scope(f"one2many_decoder_{name}"):
                dec_cell = _rnn.OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def decoder(feed, inputs=decoder_inputs, cell=dec_cell, symbols=num_decoder_symbols):
                    return embedding_rnn_decoder(inputs, encoder_state, cell, symbols, embedding_size,
                                                 feed_previous=feed)

                if isinstance(feed_previous, bool):
                    outputs, state = decoder(feed_previous)
                else:
                    outputs, state = _decode_either_way(decoder, feed_previous, len(decoder_inputs), encoder_state)
            outputs_dict[name] = outputs
            state_dict[name] = state
    return outputs_dict, state_dict


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None, num_heads=1,
                      loop_function=None, dtype=None, scope=None, initial_state_attention=False):
    """An RNN decoder attending over ``attention_states`` ``[batch, length, size]`` (Bahdanau-style, TF 1.15's
    translate tutorial).

    Each step: ``x = linear([input] + previous attentions)`` (``kernel``/``bias`` in the scope), the cell runs on
    ``x``; each head ``a`` scores ``AttnV_a . tanh(AttnW_a hidden + linear_a(state))`` (``Attention_a/kernel``), the
    softmax over positions weights the attention states into the new attention read; the output is
    ``linear([cell_output] + attentions)`` in ``AttnOutputProjection``. Attentions start at zero unless
    ``initial_state_attention``.

    Returns:
      ``(outputs, state)``: per-step ``[batch, output_size]`` outputs and the final cell state.

    Raises:
      ValueError: without inputs, with ``num_heads < 1``, or when the attention size is unknown.
    """
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if attention_states.shape[2] is None:
        raise ValueError(f"Shape[2] of attention_states must be known: {attention_states.shape}")
    output_size = output_size or cell.output_size
    with _v1.variable_scope(scope or "attention_decoder", dtype=dtype) as scope:
        dtype = scope.dtype
        batch_size = _tf.shape(decoder_inputs[0])[0]
        attn_length = attention_states.shape[1] or _tf.shape(attention_states)[1]
        attn_size = attention_states.shape[2]
        hidden = _tf.reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, v = [], []
        for a in range(num_heads):
            k = _v1.get_variable(f"AttnW_{a}", [1, 1, attn_size, attn_size])
            hidden_features.append(_tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(_v1.get_variable(f"AttnV_{a}", [attn_size]))

        def attention(query):
            query = _tf.concat(_tf.nest.flatten(query), 1)
            reads = []
            for a in range(num_heads):
                with _v1.variable_scope(f"Attention_{a}"):
                    y = _tf.reshape(_rnn._linear(query, attn_size, dtype), [-1, 1, 1, attn_size])
                    weights = _tf.nn.softmax(_tf.reduce_sum(v[a] * _tf.tanh(hidden_features[a] + y), [2, 3]))
                    read = _tf.reduce_sum(_tf.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    reads.append(_tf.reshape(read, [-1, attn_size]))
            return reads

        state = initial_state
        outputs = []
        prev = None
        attns = [_tf.zeros(_tf.stack([batch_size, attn_size]), dtype=dtype) for _ in range(num_heads)]
        for a in attns:
            a.set_shape([None, attn_size])
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                _v1.get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with _v1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            input_size = inp.shape.with_rank(2)[1]
            if input_size is None:
                raise ValueError(f"Could not infer input size from input: {inp.name}")
            cell_output, state = cell(_rnn._linear([inp] + attns, input_size, dtype), state)
            if i == 0 and initial_state_attention:
                with _v1.variable_scope(_v1.get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with _v1.variable_scope("AttnOutputProjection"):
                output = _rnn._linear([cell_output] + attns, output_size, dtype)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell, num_symbols, embedding_size,
                                num_heads=1, output_size=None, output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """``attention_decoder`` over ids embedded by ``embedding`` (scope ``embedding_attention_decoder``), greedy when
    ``feed_previous``. Returns ``(outputs, state)``."""
    output_size = output_size or cell.output_size
    if output_projection is not None:
        _tf.convert_to_tensor(output_projection[1], dtype=dtype).shape.assert_is_compatible_with([num_symbols])
    with _v1.variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _argmax_and_embed(embedding, output_projection,
                                          update_embedding_for_previous) if feed_previous else None
        embedded = [_tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(embedded, initial_state, attention_states, cell, output_size=output_size,
                                 num_heads=num_heads, loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                                embedding_size, encoder_cell=None, num_heads=1, output_projection=None,
                                feed_previous=False, dtype=None, scope=None, initial_state_attention=False):
    """The translate tutorial's model: an embedded static-RNN encoder (a copy of ``cell`` unless ``encoder_cell``)
    whose outputs are attended by ``embedding_attention_decoder`` (cell wrapped in an ``OutputProjectionWrapper``
    to ``num_decoder_symbols`` unless ``output_projection``). ``feed_previous`` may be a bool or a boolean tensor.
    Scope ``embedding_attention_seq2seq``. Returns ``(outputs, state)``."""
    with _v1.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        encoder_cell = _rnn.EmbeddingWrapper(encoder_cell if encoder_cell is not None else copy.deepcopy(cell),
                                             embedding_classes=num_encoder_symbols, embedding_size=embedding_size)
        encoder_outputs, encoder_state = _v1.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        attention_states = _tf.concat([_tf.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs], 1)
        output_size = None
        if output_projection is None:
            cell = _rnn.OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decoder(feed, update=True):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols, embedding_size,
                num_heads=num_heads, output_size=output_size, output_projection=output_projection,
                feed_previous=feed, update_embedding_for_previous=update,
                initial_state_attention=initial_state_attention)

        if isinstance(feed_previous, bool):
            return decoder(feed_previous)
        return _decode_either_way(lambda feed: decoder(feed, update=False), feed_previous, len(decoder_inputs),
                                  encoder_state)


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """One ``seq2seq(encoder_inputs[:n], decoder_inputs[:m])`` per bucket ``(n, m)``, all sharing variables (the
    first creates them), each with its ``sequence_loss`` (``sequence_loss_by_example`` if ``per_example_loss``).

    Returns:
      ``(outputs, losses)``: per bucket, the list of outputs and the loss.

    Raises:
      ValueError: when the inputs, targets or weights are shorter than the last bucket.
    """
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least that of last bucket "
                         f"({buckets[-1][0]}).")
    if len(targets) < buckets[-1][1]:
        raise ValueError(f"Length of targets ({len(targets)}) must be at least that of last bucket ({buckets[-1][1]}).")
    if len(weights) < buckets[-1][1]:
        raise ValueError(f"Length of weights ({len(weights)}) must be at least that of last bucket ({buckets[-1][1]}).")
    losses, outputs = [], []
    with _tf.name_scope(name or "model_with_buckets"):
        for j, (n_in, n_out) in enumerate(buckets):
            with _v1.variable_scope(_v1.get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:n_in], decoder_inputs[:n_out])
                outputs.append(bucket_outputs)
                loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
                losses.append(loss_fn(bucket_outputs, targets[:n_out], weights[:n_out],
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses


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
