"""The tf.contrib families the runtime serves (compat/contrib/, tf_slim, core TF 2), checked against independent
expectations: NumPy references of the RNN recurrences and losses, TF 1.15's variable names, HParams' documented
parsing rules, published parameter counts; plus era-style scripts of our own run through the runner.

Graph-mode checks build their own tf.Graph(), as tests/test_contrib_layers.py does, so the process-wide eager
default of other test modules is left alone."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from compat import namespace
from compat.namespace import UnknownEraName

FIXTURES = Path(__file__).parent / "fixtures"
tf1 = namespace.root("tf", "tf1")
np_era = namespace.root("np", "tf1")
v1 = tf.compat.v1


def resolve(name):
    alias, *parts = name.split(".")
    node = namespace.root(alias, "tf1")
    for part in parts:
        node = getattr(node, part)
    return node


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax_ce(logits, labels):
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, labels[..., None], -1)[..., 0]


def _run(graph, fetches, feed=None):
    with v1.Session(graph=graph) as sess:
        sess.run(v1.global_variables_initializer())
        return sess.run(fetches, feed)


def _np_lstm(xs, kernel, bias, units, forget_bias=1.0):
    h = np.zeros((xs[0].shape[0], units), np.float32)
    c = np.zeros_like(h)
    outs = []
    for x in xs:
        i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
        c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * _sigmoid(o)
        outs.append(h)
    return outs, c, h


# --- tf.contrib.rnn -------------------------------------------------------------------------------------------
def test_static_rnn_basic_rnn_cell_matches_numpy_loop():
    rng = np.random.RandomState(0)
    xs = [rng.randn(2, 3).astype(np.float32) for _ in range(4)]
    graph = tf.Graph()
    with graph.as_default():
        rnn = tf1.contrib.rnn
        outputs, state = rnn.static_rnn(rnn.BasicRNNCell(5), [tf.constant(x) for x in xs], dtype=tf.float32)
        names = [v.name for v in v1.global_variables()]
        kernel, bias, outs, last = _run(graph, [v1.global_variables()[0], v1.global_variables()[1], outputs, state])
    assert names == ["rnn/basic_rnn_cell/kernel:0", "rnn/basic_rnn_cell/bias:0"]
    h = np.zeros((2, 5), np.float32)
    for t, x in enumerate(xs):
        h = np.tanh(np.concatenate([x, h], 1) @ kernel + bias)
        np.testing.assert_allclose(outs[t], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(last, h, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell_name, scope", [("BasicLSTMCell", "basic_lstm_cell"), ("LSTMCell", "lstm_cell"),
                                              ("LSTMBlockCell", "lstm_cell")])
def test_lstm_cells_match_numpy_lstm_and_tf1_names(cell_name, scope):
    rng = np.random.RandomState(1)
    xs = [rng.randn(3, 2).astype(np.float32) for _ in range(3)]
    graph = tf.Graph()
    with graph.as_default():
        cell = getattr(tf1.contrib.rnn, cell_name)(4)
        outputs, state = tf1.contrib.rnn.static_rnn(cell, [tf.constant(x) for x in xs], dtype=tf.float32)
        variables = v1.global_variables()
        kernel, bias, outs, (c, h) = _run(graph, [variables[0], variables[1], outputs, state])
    assert [v.name for v in variables] == [f"rnn/{scope}/kernel:0", f"rnn/{scope}/bias:0"]
    assert kernel.shape == (2 + 4, 16)
    ref_outs, ref_c, ref_h = _np_lstm(xs, kernel, bias, 4)
    np.testing.assert_allclose(outs, ref_outs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c, ref_c, rtol=1e-5, atol=1e-6)
    assert isinstance(state, tf1.contrib.rnn.LSTMStateTuple)


def test_layer_norm_basic_lstm_cell_matches_numpy():
    rng = np.random.RandomState(8)
    xs = [rng.randn(2, 3).astype(np.float32) for _ in range(3)]
    graph = tf.Graph()
    with graph.as_default():
        cell = tf1.contrib.rnn.LayerNormBasicLSTMCell(4, norm_gain=1.5, norm_shift=0.25)
        outputs, _ = tf1.contrib.rnn.static_rnn(cell, [tf.constant(x) for x in xs], dtype=tf.float32)
        names = [v.name for v in v1.global_variables()]
        kernel, outs = _run(graph, [v1.global_variables()[0], outputs])
    scope = "rnn/layer_norm_basic_lstm_cell/"
    assert names[0] == scope + "kernel:0" and scope + "input/gamma:0" in names and scope + "state/beta:0" in names
    assert len(names) == 11  # kernel (no bias) + gamma/beta for input, transform, forget, output, state

    def norm(v):  # layer normalisation over units, epsilon 1e-12, at the initial gain and shift
        return (v - v.mean(1, keepdims=True)) / np.sqrt(v.var(1, keepdims=True) + 1e-12) * 1.5 + 0.25

    c = h = np.zeros((2, 4), np.float32)
    for t, x in enumerate(xs):
        i, j, f, o = map(norm, np.split(np.concatenate([x, h], 1) @ kernel, 4, axis=1))
        c = norm(c * _sigmoid(f + 1.0) + _sigmoid(i) * np.tanh(j))
        h = np.tanh(c) * _sigmoid(o)
        np.testing.assert_allclose(outs[t], h, rtol=1e-4, atol=1e-5)


def test_conv2d_lstm_cell_matches_numpy_convolution():
    rng = np.random.RandomState(15)
    x = rng.randn(1, 4, 4, 2).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        cell = tf1.contrib.rnn.Conv2DLSTMCell(input_shape=[4, 4, 2], output_channels=3, kernel_shape=[3, 3],
                                              skip_connection=True)
        state = cell.zero_state(1, tf.float32)
        output, (c, h) = cell(tf.constant(x), state)
        names = [v.name for v in v1.global_variables()]
        kernel, bias, out, got_c = _run(graph, v1.global_variables() + [output, c])
    assert names == ["conv_lstm_cell/kernel:0", "conv_lstm_cell/biases:0"]  # TF 1.15 dropped the subclass name
    assert kernel.shape == (3, 3, 2 + 3, 12) and out.shape == (1, 4, 4, 3 + 2)
    padded = np.pad(np.concatenate([x, np.zeros((1, 4, 4, 3), np.float32)], -1), ((0, 0), (1, 1), (1, 1), (0, 0)))
    gates = np.zeros((1, 4, 4, 12), np.float32)
    for i in range(4):
        for j in range(4):
            gates[0, i, j] = np.einsum("hwc,hwco->o", padded[0, i:i + 3, j:j + 3], kernel)
    i_gate, j_gate, f_gate, o_gate = np.split(gates + bias, 4, axis=-1)
    expected_c = _sigmoid(i_gate) * np.tanh(j_gate)  # the previous cell state is zero
    np.testing.assert_allclose(got_c, expected_c, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, np.concatenate([np.tanh(expected_c) * _sigmoid(o_gate), x], -1), rtol=1e-4,
                               atol=1e-5)


def test_ugrnn_nas_and_highway_cells_match_numpy():
    rng = np.random.RandomState(16)
    x = rng.randn(2, 3).astype(np.float32)
    h0 = rng.randn(2, 3).astype(np.float32)
    c0 = rng.randn(2, 3).astype(np.float32)
    rnn = tf1.contrib.rnn
    graph = tf.Graph()
    with graph.as_default():
        ugrnn_out, _ = rnn.UGRNNCell(3)(tf.constant(x), tf.constant(h0))
        nas_out, (nas_c, _) = rnn.NASCell(3, use_bias=True)(tf.constant(x), (tf.constant(c0), tf.constant(h0)))
        with v1.variable_scope("hw"):
            highway_out, _ = rnn.HighwayWrapper(rnn.BasicRNNCell(3))(tf.constant(x), tf.constant(h0))
        by_name = {v.name[:-2]: v for v in v1.global_variables()}
        values = _run(graph, [by_name, ugrnn_out, nas_out, nas_c, highway_out])
    w, ugrnn, nas, got_nas_c, highway = values
    assert {"ugrnn_cell/kernel", "nas_cell/recurrent_kernel", "nas_cell/kernel", "nas_cell/bias", "hw/carry_w",
            "hw/carry_b", "hw/basic_rnn_cell/kernel"} <= set(w)
    g, c = np.split(np.concatenate([x, h0], 1) @ w["ugrnn_cell/kernel"] + w["ugrnn_cell/bias"], 2, axis=1)
    g = _sigmoid(g + 1.0)
    np.testing.assert_allclose(ugrnn, g * h0 + (1 - g) * np.tanh(c), rtol=1e-5, atol=1e-6)
    m = np.split(h0 @ w["nas_cell/recurrent_kernel"] + w["nas_cell/bias"], 8, axis=1)
    i = np.split(x @ w["nas_cell/kernel"], 8, axis=1)
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    l1 = [_sigmoid(i[0] + m[0]), relu(i[1] + m[1]), _sigmoid(i[2] + m[2]), relu(i[3] * m[3]), np.tanh(i[4] + m[4]),
          _sigmoid(i[5] + m[5]), np.tanh(i[6] + m[6]), _sigmoid(i[7] + m[7])]
    new_c = np.tanh(np.tanh(l1[0] * l1[1]) + c0) * np.tanh(l1[2] + l1[3])
    np.testing.assert_allclose(got_nas_c, new_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(nas, np.tanh(new_c * np.tanh(np.tanh(l1[4] * l1[5]) + _sigmoid(l1[6] + l1[7]))),
                               rtol=1e-5, atol=1e-6)
    inner = _np_rnn_step(x, h0, w["hw/basic_rnn_cell/kernel"], w["hw/basic_rnn_cell/bias"])
    carry = _sigmoid(x @ w["hw/carry_w"] + w["hw/carry_b"])
    assert np.allclose(w["hw/carry_b"], 1.0)  # carry_bias_init
    np.testing.assert_allclose(highway, x * carry + inner * (1 - carry), rtol=1e-5, atol=1e-6)


def test_gru_block_cell_keeps_tf1_swapped_names_and_gru_math():
    rng = np.random.RandomState(17)
    x, h0 = rng.randn(2, 3).astype(np.float32), rng.randn(2, 4).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        out, _ = tf1.contrib.rnn.GRUBlockCell(4)(tf.constant(x), tf.constant(h0))
        w = {v.name: v for v in v1.global_variables()}
        values, got = _run(graph, [w, out])
    assert values["gru_cell/w_c:0"].shape == (7, 8) and values["gru_cell/w_ru:0"].shape == (7, 4)
    np.testing.assert_allclose(values["gru_cell/b_ru:0"], 1.0)
    r, u = np.split(_sigmoid(np.concatenate([x, h0], 1) @ values["gru_cell/w_c:0"] + values["gru_cell/b_ru:0"]), 2, 1)
    c = np.tanh(np.concatenate([x, r * h0], 1) @ values["gru_cell/w_ru:0"] + values["gru_cell/b_c:0"])
    np.testing.assert_allclose(got, u * h0 + (1 - u) * c, rtol=1e-5, atol=1e-6)


def test_lstm_block_fused_cell_runs_whole_sequences():
    rng = np.random.RandomState(18)
    x = rng.randn(4, 2, 3).astype(np.float32)  # time-major
    lengths = np.array([4, 2], np.int32)
    graph = tf.Graph()
    with graph.as_default():
        outputs, (c, h) = tf1.contrib.rnn.LSTMBlockFusedCell(5)(tf.constant(x), dtype=tf.float32,
                                                                 sequence_length=lengths)
        variables = v1.global_variables()
        kernel, bias, outs, got_h = _run(graph, variables + [outputs, h])
    assert [v.name for v in variables] == ["lstm_fused_cell/kernel:0", "lstm_fused_cell/bias:0"]
    for b in range(2):
        ref, _, last = _np_lstm([x[t, b:b + 1] for t in range(lengths[b])], kernel, bias, 5)
        np.testing.assert_allclose(outs[:lengths[b], b], np.concatenate(ref), rtol=1e-5, atol=1e-6)
        assert not outs[lengths[b]:, b].any()  # zero past the sequence's end
        np.testing.assert_allclose(got_h[b], last[0], rtol=1e-5, atol=1e-6)


def test_static_bidirectional_rnn_reverses_the_backward_pass():
    rng = np.random.RandomState(2)
    xs = [rng.randn(2, 3).astype(np.float32) for _ in range(3)]
    graph = tf.Graph()
    with graph.as_default():
        rnn = tf1.contrib.rnn
        outputs, _, _ = rnn.static_bidirectional_rnn(rnn.BasicRNNCell(2), rnn.BasicRNNCell(2),
                                                     [tf.constant(x) for x in xs], dtype=tf.float32)
        names = [v.name for v in v1.global_variables()]
        values = _run(graph, v1.global_variables() + [outputs])
    assert names == ["bidirectional_rnn/fw/basic_rnn_cell/kernel:0", "bidirectional_rnn/fw/basic_rnn_cell/bias:0",
                     "bidirectional_rnn/bw/basic_rnn_cell/kernel:0", "bidirectional_rnn/bw/basic_rnn_cell/bias:0"]
    kf, bf, kb, bb, outs = values

    def run(seq, k, b):
        h, hs = np.zeros((2, 2), np.float32), []
        for x in seq:
            h = np.tanh(np.concatenate([x, h], 1) @ k + b)
            hs.append(h)
        return hs

    fw, bw = run(xs, kf, bf), run(xs[::-1], kb, bb)[::-1]
    np.testing.assert_allclose(outs, [np.concatenate([f, b], 1) for f, b in zip(fw, bw)], rtol=1e-5, atol=1e-6)


def test_stack_bidirectional_dynamic_rnn_layers_and_names():
    rng = np.random.RandomState(3)
    x = rng.randn(2, 4, 3).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        rnn = tf1.contrib.rnn
        cells_fw = [rnn.BasicRNNCell(2), rnn.BasicRNNCell(3)]
        cells_bw = [rnn.BasicRNNCell(2), rnn.BasicRNNCell(3)]
        outputs, states_fw, states_bw = rnn.stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, tf.constant(x),
                                                                            dtype=tf.float32)
        variables = v1.global_variables()
        values = _run(graph, variables + [outputs, states_fw])
    names = [v.name for v in variables]
    assert names[0] == "stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/basic_rnn_cell/kernel:0"
    assert names[-1] == "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/basic_rnn_cell/bias:0"
    *weights, outs, finals_fw = values
    assert outs.shape == (2, 4, 6) and len(finals_fw) == 2

    def run(seq, k, b):  # seq: [batch, time, depth] -> [batch, time, units]
        h, hs = np.zeros((seq.shape[0], b.shape[0]), np.float32), []
        for t in range(seq.shape[1]):
            h = np.tanh(np.concatenate([seq[:, t], h], 1) @ k + b)
            hs.append(h)
        return np.stack(hs, 1)

    layer = x
    for i in range(2):
        kf, bf, kb, bb = weights[4 * i:4 * i + 4]
        layer = np.concatenate([run(layer, kf, bf), run(layer[:, ::-1], kb, bb)[:, ::-1]], 2)
    np.testing.assert_allclose(outs, layer, rtol=1e-5, atol=1e-5)


def test_output_projection_wrapper_projects_in_its_own_scope():
    graph = tf.Graph()
    with graph.as_default():
        rnn = tf1.contrib.rnn
        cell = rnn.OutputProjectionWrapper(rnn.GRUCell(3), 5)
        x = tf.constant(np.random.RandomState(4).randn(2, 4).astype(np.float32))
        outputs, _ = rnn.static_rnn(cell, [x], dtype=tf.float32)
        by_name = {v.name: v for v in v1.global_variables()}
        kernel, bias, out = _run(graph, [by_name["rnn/output_projection_wrapper/kernel:0"],
                                         by_name["rnn/output_projection_wrapper/bias:0"], outputs[0]])
    assert "rnn/output_projection_wrapper/gru_cell/gates/kernel:0" in by_name
    assert kernel.shape == (3, 5) and out.shape == (2, 5) and not bias.any()  # bias starts at zero


def test_tf0_rnn_and_seq2seq_names_reach_their_1x_homes():
    expected = {"tf.nn.rnn": "tf.contrib.rnn.static_rnn",
                "tf.nn.bidirectional_rnn": "tf.contrib.rnn.static_bidirectional_rnn",
                "tf.nn.seq2seq.sequence_loss_by_example": "tf.contrib.legacy_seq2seq.sequence_loss_by_example",
                "tf.nn.seq2seq.rnn_decoder": "tf.contrib.legacy_seq2seq.rnn_decoder"}
    for old, new in expected.items():
        assert resolve(old) is resolve(new), old


def test_contrib_rnn_miss_names_the_replacement():
    with pytest.raises(UnknownEraName) as caught:
        resolve("tf.contrib.rnn.GridLSTMCell")
    assert "tf.keras.layers.Layer" in str(caught.value)
    with pytest.raises(AttributeError) as caught:
        resolve("tf.contrib.rnn.NoSuchCell")
    assert "tf.contrib.rnn" in str(caught.value)


# --- tf.contrib.legacy_seq2seq and tf.contrib.seq2seq ---------------------------------------------------------
def test_legacy_sequence_losses_match_numpy_cross_entropy():
    rng = np.random.RandomState(5)
    logits = [rng.randn(3, 4).astype(np.float32) for _ in range(2)]
    targets = [rng.randint(0, 4, 3).astype(np.int32) for _ in range(2)]
    weights = [np.array([1, 0.5, 0], np.float32), np.array([1, 1, 0], np.float32)]
    seq = tf1.contrib.legacy_seq2seq
    with tf.Graph().as_default() as graph:
        args = ([tf.constant(a) for a in logits], [tf.constant(a) for a in targets], [tf.constant(a) for a in weights])
        fetches = [seq.sequence_loss_by_example(*args), seq.sequence_loss(*args),
                   seq.sequence_loss(*args, average_across_timesteps=False, average_across_batch=False)]
        by_example, mean, total = _run(graph, fetches)
    ce = np.stack([_softmax_ce(l, t) for l, t in zip(logits, targets)])  # [time, batch]
    w = np.stack(weights)
    expected = (ce * w).sum(0) / (w.sum(0) + 1e-12)
    np.testing.assert_allclose(by_example, expected, rtol=1e-5)
    np.testing.assert_allclose(mean, expected.sum() / 3, rtol=1e-5)
    np.testing.assert_allclose(total, (ce * w).sum(), rtol=1e-5)


@pytest.mark.parametrize("flags, reduce", [
    ({}, lambda cw, w: cw.sum() / w.sum()),
    ({"average_across_batch": False}, lambda cw, w: cw.sum(1) / w.sum(1)),
    ({"average_across_timesteps": False}, lambda cw, w: cw.sum(0) / w.sum(0)),
    ({"average_across_timesteps": False, "average_across_batch": False}, lambda cw, w: cw),
    ({"average_across_timesteps": False, "average_across_batch": False, "sum_over_timesteps": True,
      "sum_over_batch": True}, lambda cw, w: cw.sum() / np.count_nonzero(w)),
])
def test_seq2seq_sequence_loss_reductions(flags, reduce):
    rng = np.random.RandomState(6)
    logits = rng.randn(2, 3, 5).astype(np.float32)
    targets = rng.randint(0, 5, (2, 3)).astype(np.int32)
    weights = np.array([[1, 1, 0], [1, 0.5, 1]], np.float32)
    with tf.Graph().as_default() as graph:
        loss = tf1.contrib.seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights),
                                                 **flags)
        got = _run(graph, loss)
    np.testing.assert_allclose(got, reduce(_softmax_ce(logits, targets) * weights, weights), rtol=1e-5)


def test_rnn_decoder_feeds_back_through_loop_function():
    graph = tf.Graph()
    with graph.as_default():
        cell = tf1.contrib.rnn.BasicRNNCell(3)
        inputs = [tf.ones([1, 3]), tf.fill([1, 3], 100.0)]  # the second is replaced by the loop function
        outputs, state = tf1.contrib.legacy_seq2seq.rnn_decoder(inputs, tf.zeros([1, 3]), cell,
                                                                loop_function=lambda prev, i: prev * 2)
        variables = v1.global_variables()
        kernel, bias, outs = _run(graph, variables + [outputs])
    assert [v.name for v in variables] == ["rnn_decoder/basic_rnn_cell/kernel:0", "rnn_decoder/basic_rnn_cell/bias:0"]
    h1 = np.tanh(np.concatenate([np.ones((1, 3)), np.zeros((1, 3))], 1) @ kernel + bias)
    h2 = np.tanh(np.concatenate([h1 * 2, h1], 1) @ kernel + bias)
    np.testing.assert_allclose(outs, [h1, h2], rtol=1e-5, atol=1e-6)


def _np_rnn_step(x, h, kernel, bias):
    return np.tanh(np.concatenate([x, h], 1) @ kernel + bias)


def test_basic_decoder_with_training_helper_matches_numpy():
    rng = np.random.RandomState(9)
    inputs = rng.randn(2, 3, 4).astype(np.float32)
    lengths = np.array([3, 1], np.int32)
    s2s = tf1.contrib.seq2seq
    graph = tf.Graph()
    with graph.as_default():
        helper = s2s.TrainingHelper(tf.constant(inputs), tf.constant(lengths))
        decoder = s2s.BasicDecoder(tf1.contrib.rnn.BasicRNNCell(5), helper, tf.zeros([2, 5]),
                                   output_layer=tf1.layers.Dense(6))
        outputs, state, final_lengths = s2s.dynamic_decode(decoder, impute_finished=True)
        variables = v1.global_variables()
        values = _run(graph, variables + [outputs, state, final_lengths])
    assert [v.name for v in variables] == ["decoder/basic_rnn_cell/kernel:0", "decoder/basic_rnn_cell/bias:0",
                                           "decoder/dense/kernel:0", "decoder/dense/bias:0"]
    kernel, bias, dense_w, dense_b, out, last_state, got_lengths = values
    np.testing.assert_array_equal(got_lengths, lengths)
    assert out.rnn_output.shape == (2, 3, 6) and out.sample_id.shape == (2, 3)
    for b in range(2):
        h = np.zeros((1, 5), np.float32)
        for t in range(3):
            if t < lengths[b]:
                h = _np_rnn_step(inputs[b:b + 1, t], h, kernel, bias)
                logits = h @ dense_w + dense_b
                np.testing.assert_allclose(out.rnn_output[b, t], logits[0], rtol=1e-5, atol=1e-6)
                assert out.sample_id[b, t] == logits[0].argmax()
            else:  # impute_finished: zero outputs past the end, state frozen
                assert not out.rnn_output[b, t].any()
        np.testing.assert_allclose(last_state[b], h[0], rtol=1e-5, atol=1e-6)


def test_greedy_embedding_helper_feeds_back_argmax_until_end_token():
    rng = np.random.RandomState(10)
    embedding = rng.randn(4, 3).astype(np.float32)
    s2s = tf1.contrib.seq2seq
    graph = tf.Graph()
    with graph.as_default():
        helper = s2s.GreedyEmbeddingHelper(tf.constant(embedding), tf.constant([0, 1, 2]), end_token=3)
        decoder = s2s.BasicDecoder(tf1.contrib.rnn.BasicRNNCell(4), helper, tf.zeros([3, 4]))
        outputs, _, lengths = s2s.dynamic_decode(decoder, maximum_iterations=5)
        kernel, bias, out, got_lengths = _run(graph, v1.global_variables() + [outputs, lengths])
    h = np.zeros((3, 4), np.float32)
    x = embedding[[0, 1, 2]]
    finished = np.zeros(3, bool)
    expected_lengths = np.zeros(3, np.int32)
    ids = []
    for t in range(5):  # maximum_iterations
        h = _np_rnn_step(x, h, kernel, bias)
        sample = h.argmax(1)
        ids.append(sample)
        expected_lengths[~finished] = t + 1
        finished |= sample == 3
        x = embedding[sample]
        if finished.all():
            break
    np.testing.assert_array_equal(out.sample_id, np.stack(ids, 1))
    np.testing.assert_array_equal(got_lengths, expected_lengths)


def test_tile_batch_repeats_each_entry_in_place():
    with tf.Graph().as_default() as graph:
        tiled = tf1.contrib.seq2seq.tile_batch({"a": tf.constant([[1, 2], [3, 4]]), "b": tf.constant([5, 6])}, 3)
        got = _run(graph, tiled)
    np.testing.assert_array_equal(got["a"], [[1, 2]] * 3 + [[3, 4]] * 3)
    np.testing.assert_array_equal(got["b"], [5, 5, 5, 6, 6, 6])


@pytest.mark.parametrize("kind", ["bahdanau", "bahdanau_normalized", "luong_scaled"])
def test_attention_wrapper_step_matches_numpy(kind):
    rng = np.random.RandomState(11)
    memory = rng.randn(2, 4, 3).astype(np.float32)
    lengths = np.array([4, 2], np.int32)
    x = rng.randn(2, 2).astype(np.float32)
    s2s = tf1.contrib.seq2seq
    graph = tf.Graph()
    with graph.as_default():
        if kind == "luong_scaled":
            mechanism = s2s.LuongAttention(5, tf.constant(memory), memory_sequence_length=lengths, scale=True)
        else:
            mechanism = s2s.BahdanauAttention(5, tf.constant(memory), memory_sequence_length=lengths,
                                              normalize=kind == "bahdanau_normalized")
        cell = s2s.AttentionWrapper(tf1.contrib.rnn.BasicLSTMCell(5), mechanism, attention_layer_size=3)
        output, state = cell(tf.constant(x), cell.zero_state(2, tf.float32))
        variables = {v.name: v for v in v1.global_variables()}
        values, out, alignments = _run(graph, [variables, output, state.alignments])
    w = {name.replace("attention_wrapper/", "").replace(":0", ""): value for name, value in values.items()}
    masked = memory * (np.arange(4)[None, :] < lengths[:, None])[..., None]
    keys = masked @ w["memory_layer/kernel"]
    _, _, h = _np_lstm([np.concatenate([x, np.zeros((2, 3), np.float32)], 1)], w["basic_lstm_cell/kernel"],
                       w["basic_lstm_cell/bias"], 5)
    if kind == "luong_scaled":
        score = np.einsum("bu,btu->bt", h, keys) * w["luong_attention/attention_g"]
    else:
        v = w["bahdanau_attention/attention_v"]
        query = (h @ w["bahdanau_attention/query_layer/kernel"])[:, None, :]
        if kind == "bahdanau_normalized":
            v = w["bahdanau_attention/attention_g"] * v / np.linalg.norm(v)
            query = query + w["bahdanau_attention/attention_b"]
            assert w["bahdanau_attention/attention_g"] == pytest.approx(np.sqrt(1 / 5))
        score = (v * np.tanh(keys + query)).sum(-1)
    score = np.where(np.arange(4)[None, :] < lengths[:, None], score, -np.inf)
    expected_alignments = np.exp(score - score.max(1, keepdims=True))
    expected_alignments /= expected_alignments.sum(1, keepdims=True)
    context = np.einsum("bt,btd->bd", expected_alignments, masked)
    np.testing.assert_allclose(alignments, expected_alignments, rtol=1e-5, atol=1e-6)
    assert not alignments[1, 2:].any()  # masked memory gets no attention
    np.testing.assert_allclose(out, np.concatenate([h, context], 1) @ w["attention_layer/kernel"], rtol=1e-4,
                               atol=1e-5)


def test_attention_wrapper_state_clone_replaces_cell_state():
    s2s = tf1.contrib.seq2seq
    with tf.Graph().as_default() as graph:
        mechanism = s2s.LuongAttention(4, tf.zeros([3, 2, 4]))
        cell = s2s.AttentionWrapper(tf1.contrib.rnn.GRUCell(4), mechanism, alignment_history=True)
        state = cell.zero_state(3, tf.float32).clone(cell_state=tf.ones([3, 4]))
        _, next_state = cell(tf.zeros([3, 1]), state)
        history = next_state.alignment_history.stack()
        got_time, got_history = _run(graph, [next_state.time, history])
    assert got_time == 1 and got_history.shape == (1, 3, 2)
    np.testing.assert_allclose(got_history[0], 0.5)  # equal keys: uniform attention


@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_scheduled_embedding_helper_at_the_two_extremes(probability):
    rng = np.random.RandomState(12)
    inputs = rng.randn(2, 3, 2).astype(np.float32)
    embedding = np.array([[10.0, 0.0], [0.0, 10.0]], np.float32)
    s2s = tf1.contrib.seq2seq
    graph = tf.Graph()
    with graph.as_default():
        helper = s2s.ScheduledEmbeddingTrainingHelper(tf.constant(inputs), [3, 3], tf.constant(embedding),
                                                      sampling_probability=probability, seed=1)
        outputs = tf.constant([[50.0, -50.0], [-50.0, 50.0]])  # softmax all but one-hot: ids 0 and 1
        sample_ids = helper.sample(0, outputs, None)
        _, next_inputs, _ = helper.next_inputs(0, outputs, None, sample_ids)
        got_ids, got_inputs = _run(graph, [sample_ids, next_inputs])
    if probability == 0.0:  # pure teacher forcing
        np.testing.assert_array_equal(got_ids, [-1, -1])
        np.testing.assert_allclose(got_inputs, inputs[:, 1])
    else:  # always the embedding of the sampled id
        np.testing.assert_array_equal(got_ids, [0, 1])
        np.testing.assert_allclose(got_inputs, embedding[[0, 1]])


def test_inference_helper_hardmax_and_safe_cumprod():
    s2s = tf1.contrib.seq2seq
    x = np.array([[0.5, 0.25, 1e-30, 0.5]], np.float32)
    with tf.Graph().as_default() as graph:
        helper = s2s.InferenceHelper(sample_fn=lambda out: out * 2, sample_shape=[3], sample_dtype=tf.float32,
                                     start_inputs=tf.ones([2, 3]), end_fn=lambda ids: ids[:, 0] > 3.0)
        decoder = s2s.BasicDecoder(tf1.contrib.rnn.BasicRNNCell(3), helper, tf.zeros([2, 3]))
        outputs, _, lengths = s2s.dynamic_decode(decoder, maximum_iterations=3)
        fetches = [outputs.sample_id, outputs.rnn_output, lengths, s2s.hardmax(tf.constant([[1.0, 3.0, 2.0]])),
                   s2s.safe_cumprod(tf.constant(x), axis=1)]
        ids, rnn_output, got_lengths, hard, cumprod = _run(graph, fetches)
    np.testing.assert_allclose(ids, rnn_output * 2)  # tanh outputs doubled never exceed 3: runs to the cap
    np.testing.assert_array_equal(got_lengths, [3, 3])
    np.testing.assert_array_equal(hard, [[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(cumprod, np.cumprod(x, axis=1), rtol=1e-5, atol=1e-36)


def test_legacy_attention_decoder_matches_numpy():
    rng = np.random.RandomState(13)
    states = rng.randn(2, 3, 4).astype(np.float32)
    inputs = [rng.randn(2, 2).astype(np.float32) for _ in range(2)]
    graph = tf.Graph()
    with graph.as_default():
        outputs, _ = tf1.contrib.legacy_seq2seq.attention_decoder(
            [tf.constant(x) for x in inputs], tf.zeros([2, 5]), tf.constant(states),
            tf1.contrib.rnn.BasicRNNCell(5), output_size=6)
        variables = v1.global_variables()
        values = _run(graph, variables + [outputs])
    w = {v.name[len("attention_decoder/"):-2]: value for v, value in zip(variables, values)}
    assert sorted(w) == sorted(["AttnW_0", "AttnV_0", "kernel", "bias", "basic_rnn_cell/kernel",
                                "basic_rnn_cell/bias", "Attention_0/kernel", "Attention_0/bias",
                                "AttnOutputProjection/kernel", "AttnOutputProjection/bias"])
    features = states @ w["AttnW_0"][0, 0]
    h, attn = np.zeros((2, 5), np.float32), np.zeros((2, 4), np.float32)
    for t, x in enumerate(inputs):
        cell_in = np.concatenate([x, attn], 1) @ w["kernel"] + w["bias"]
        h = _np_rnn_step(cell_in, h, w["basic_rnn_cell/kernel"], w["basic_rnn_cell/bias"])
        query = h @ w["Attention_0/kernel"] + w["Attention_0/bias"]
        score = (w["AttnV_0"] * np.tanh(features + query[:, None, :])).sum(-1)
        weights = np.exp(score - score.max(1, keepdims=True))
        weights /= weights.sum(1, keepdims=True)
        attn = np.einsum("bt,btd->bd", weights, states)
        out = np.concatenate([h, attn], 1) @ w["AttnOutputProjection/kernel"] + w["AttnOutputProjection/bias"]
        np.testing.assert_allclose(values[-1][t], out, rtol=1e-4, atol=1e-5)


def test_translate_tutorial_models_share_variables_across_buckets():
    seq = tf1.contrib.legacy_seq2seq
    with tf.Graph().as_default() as graph:
        enc = [v1.placeholder(tf.int32, [None]) for _ in range(4)]
        dec = [v1.placeholder(tf.int32, [None]) for _ in range(4)]
        weights = [tf.ones([2]) for _ in range(4)]
        feed_previous = v1.placeholder_with_default(False, [])

        def model(x, y):
            return seq.embedding_attention_seq2seq(x, y, tf1.contrib.rnn.GRUCell(6), 7, 9, 5,
                                                   feed_previous=feed_previous)

        outputs, losses = seq.model_with_buckets(enc, dec, dec[1:] + [dec[0]], weights, [(2, 2), (4, 4)], model)
        names = [v.name for v in v1.global_variables()]
        feed = {p: np.array([1, 2]) for p in enc + dec}
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            teacher, greedy = sess.run(losses[1], feed), sess.run(losses[1], {**feed, feed_previous: True})
    assert len(outputs) == 2 and [len(o) for o in outputs] == [2, 4] and outputs[1][0].shape[-1] == 9
    # one set, shared by both buckets and both feed_previous branches: encoder embedding + GRU (5), decoder
    # embedding (1), AttnW/AttnV (2), input linear (2), wrapped GRU (4), output projection (2), Attention_0 (2),
    # AttnOutputProjection (2)
    assert len(names) == len(set(names)) == 20
    assert "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/AttnW_0:0" in names
    assert np.isfinite(teacher) and np.isfinite(greedy) and teacher != greedy


def test_gather_tree_backtracks_parents():
    step_ids = [[[2, 5, 3]], [[6, 1, 4]], [[0, 8, 9]], [[7, 7, 7]]]  # [time, batch, beam]
    parent_ids = [[[0, 0, 0]], [[0, 1, 1]], [[2, 1, 2]], [[0, 0, 0]]]
    with tf.Graph().as_default() as graph:
        beams = _run(graph, tf1.contrib.seq2seq.gather_tree(tf.constant(step_ids), tf.constant(parent_ids), [3], 8))
    # beam 0 ends on 0 whose parent is beam 2, which came from beam 1; beam 1 emits the end token 8 at t=2;
    # t=3 lies past the length: end tokens
    np.testing.assert_array_equal(beams[:, 0].T, [[5, 4, 0, 8], [5, 1, 8, 8], [5, 4, 9, 8]])


@pytest.mark.parametrize("length_penalty", [0.0, 0.8])
def test_beam_search_decoder_matches_numpy_beam_search(length_penalty):
    rng = np.random.RandomState(14)
    vocab, units, beam, end, steps = 5, 3, 3, 4, 5
    embedding = rng.randn(vocab, 2).astype(np.float32)
    s2s = tf1.contrib.seq2seq
    graph = tf.Graph()
    with graph.as_default():
        cell = tf1.contrib.rnn.BasicRNNCell(units)
        decoder = s2s.BeamSearchDecoder(cell, tf.constant(embedding), [0, 1], end,
                                        cell.zero_state(2 * beam, tf.float32), beam,
                                        output_layer=tf1.layers.Dense(vocab), length_penalty_weight=length_penalty)
        outputs, _, _ = s2s.dynamic_decode(decoder, maximum_iterations=steps)
        variables = v1.global_variables()
        kernel, bias, dense_w, dense_b, out = _run(graph, variables + [outputs])
    raw = out.beam_search_decoder_output
    for b, start in enumerate([0, 1]):
        h = np.zeros((beam, units), np.float32)
        log_probs = np.array([0.0] + [-np.inf] * (beam - 1))
        finished = np.array([False] + [True] * (beam - 1))
        lengths = np.zeros(beam, np.int64)
        x = np.repeat(embedding[[start]], beam, 0)
        for t in range(raw.predicted_ids.shape[1]):
            h = _np_rnn_step(x, h, kernel, bias)
            logits = h @ dense_w + dense_b
            step = logits - logits.max(1, keepdims=True)
            step = step - np.log(np.exp(step).sum(1, keepdims=True))
            step[finished] = np.finfo(np.float32).min
            step[finished, end] = 0.0
            total = log_probs[:, None] + step
            grown = lengths[:, None] + np.where(finished[:, None], 0, (np.arange(vocab) != end)[None, :])
            scores = total / (((5.0 + grown) / 6.0) ** length_penalty)
            best = np.argsort(-scores.ravel(), kind="stable")[:beam]
            parents, words = best // vocab, best % vocab
            np.testing.assert_array_equal(raw.parent_ids[b, t], parents)
            np.testing.assert_array_equal(raw.predicted_ids[b, t], words)
            np.testing.assert_allclose(raw.scores[b, t], scores.ravel()[best], rtol=1e-4)
            log_probs = total.ravel()[best]
            lengths = lengths[parents] + ~finished[parents]
            finished = finished[parents] | (words == end)
            h, x = h[parents], embedding[words]
            if finished.all():
                break
        assert t + 1 == raw.predicted_ids.shape[1] or finished.all()


def test_embedding_tied_seq2seq_shares_one_embedding_and_cell():
    seq = tf1.contrib.legacy_seq2seq
    with tf.Graph().as_default() as graph:
        ids = [tf.constant([1, 2]), tf.constant([3, 0])]
        outputs, _ = seq.embedding_tied_rnn_seq2seq(ids, ids, tf1.contrib.rnn.GRUCell(4), 7, 3,
                                                    num_decoder_symbols=6)
        greedy, _ = seq.embedding_tied_rnn_seq2seq(ids, ids, tf1.contrib.rnn.GRUCell(4), 7, 3, num_decoder_symbols=6,
                                                   feed_previous=v1.placeholder_with_default(True, []),
                                                   scope="greedy")
        names = [v.name for v in v1.global_variables()]
        got = _run(graph, outputs + greedy)
    tied = "embedding_tied_rnn_seq2seq/combined_tied_rnn_seq2seq/tied_rnn_seq2seq/output_projection_wrapper/"
    assert names[:7] == ["embedding_tied_rnn_seq2seq/embedding:0", tied + "gru_cell/gates/kernel:0",
                         tied + "gru_cell/gates/bias:0", tied + "gru_cell/candidate/kernel:0",
                         tied + "gru_cell/candidate/bias:0", tied + "kernel:0", tied + "bias:0"]
    assert len(names) == 14  # one set each: encoder and decoder share the cell, both branches share variables
    assert [o.shape for o in got] == [(2, 6)] * 4


def test_one2many_seq2seq_gives_each_decoder_its_scope():
    seq = tf1.contrib.legacy_seq2seq
    rnn = tf1.contrib.rnn
    with tf.Graph().as_default() as graph:
        ids = [tf.constant([1, 2]), tf.constant([3, 0])]
        outputs, states = seq.one2many_rnn_seq2seq(ids, {"a": ids, "b": ids[:1]}, rnn.GRUCell(4),
                                                   {"a": rnn.GRUCell(4), "b": rnn.GRUCell(4)}, 5, {"a": 6, "b": 3},
                                                   2, feed_previous=v1.placeholder_with_default(False, []))
        names = [v.name for v in v1.global_variables()]
        got_a, got_b = _run(graph, [outputs["a"], outputs["b"]])
    assert [o.shape for o in got_a] == [(2, 6)] * 2 and [o.shape for o in got_b] == [(2, 3)]
    assert "one2many_rnn_seq2seq/one2many_decoder_b/embedding_rnn_decoder/embedding:0" in names
    assert len(names) == len(set(names)) and sorted(states) == ["a", "b"]


def test_seq2seq_decoder_framework_is_an_honest_dead_end():
    for name in ("tf.contrib.seq2seq.ScheduledOutputTrainingHelper", "tf.contrib.seq2seq.BahdanauMonotonicAttention",
                 "tf.contrib.seq2seq.LuongMonotonicAttention"):
        with pytest.raises(UnknownEraName) as caught:
            resolve(name)
        assert "TF 2.0" in str(caught.value) and "Keras" in str(caught.value)


# --- tf.contrib.training.HParams ------------------------------------------------------------------------------
def test_hparams_parse_casts_to_each_hparams_type():
    hp = tf1.contrib.training.HParams(learning_rate=0.1, num_layers=2, units=[64, 32], use_bn=True, name="net")
    hp.parse("learning_rate=3,units=[8, 4 ,2],use_bn=false,name=other")
    assert hp.learning_rate == 3.0 and type(hp.learning_rate) is float  # int text into a float hparam
    assert hp.units == [8, 4, 2] and hp.use_bn is False and hp.name == "other"
    hp.parse("use_bn=1")
    assert hp.use_bn is True  # bools also parse from integers
    assert hp.values() == {"learning_rate": 3.0, "num_layers": 2, "units": [8, 4, 2], "use_bn": True,
                           "name": "other"}


@pytest.mark.parametrize("text, message", [
    ("num_layers=2.5", "Could not parse hparam 'num_layers'"),  # no float -> int
    ("nope=1", "Unknown hyperparameter type for nope"),
    ("num_layers=1,num_layers=2", "Multiple assignments to variable 'num_layers'"),
    ("units=3", "Must pass a list for multi-valued parameter: units"),
    ("num_layers=[1,2]", "Must not pass a list for single-valued parameter: num_layers"),
    ("use_bn=maybe", "Could not parse hparam 'use_bn'"),
    ("=3", "Malformed hyperparameter value"),
])
def test_hparams_parse_refuses_what_tf1_refused(text, message):
    hp = tf1.contrib.training.HParams(num_layers=2, units=[64], use_bn=True)
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        hp.parse(text)


def test_hparams_set_json_and_reserved_names():
    HParams = tf1.contrib.training.HParams
    hp = HParams(lr=0.5, steps=10, tag="a")
    hp.set_hparam("steps", 20)
    with pytest.raises(ValueError):
        hp.set_hparam("steps", 1.5)  # float into int
    with pytest.raises(ValueError):
        hp.set_hparam("tag", 3)  # nothing becomes a str
    with pytest.raises(ValueError):
        hp.set_hparam("lr", True)  # no bool into a number
    with pytest.raises(ValueError, match="reserved"):
        hp.add_hparam("values", 1)
    hp.add_hparam("extra", [1.0, 2.0])
    assert json.loads(hp.to_json()) == {"lr": 0.5, "steps": 20, "tag": "a", "extra": [1.0, 2.0]}
    other = HParams(lr=0.0, steps=0, tag="", extra=[0.0]).parse_json(hp.to_json())
    assert other.values() == hp.values() and "lr" in other and "zz" not in other
    assert hp.get("missing", 7) == 7 and hp.get("steps", 3) == 20
    with pytest.raises(ValueError, match="incompatible"):
        hp.get("steps", "x")
    hp.del_hparam("extra")
    assert "extra" not in hp and str(hp) == "[('lr', 0.5), ('steps', 20), ('tag', 'a')]"


def test_training_create_train_op_and_gradient_multipliers():
    training = tf1.contrib.training
    with tf.Graph().as_default():
        w = v1.get_variable("w", initializer=1.0)
        step = v1.train.get_or_create_global_step()
        train_op = training.create_train_op(tf.square(w), v1.train.GradientDescentOptimizer(0.1), global_step=step)
        scaled = training.multiply_gradients([(tf.constant(2.0), w)], {w: 0.5})
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            loss = sess.run(train_op)  # the loss before the update
            assert loss == pytest.approx(1.0) and sess.run(w) == pytest.approx(0.8) and sess.run(step) == 1
            assert sess.run(scaled[0][0]) == pytest.approx(1.0)
    with pytest.raises(UnknownEraName, match="rejection_resample"):
        resolve("tf.contrib.training.stratified_sample")


# --- tf.contrib.framework, slim.nets, losses, metrics --------------------------------------------------------
def test_framework_arg_scope_variables_and_checkpoints(tmp_path):
    fw = tf1.contrib.framework
    graph = tf.Graph()
    with graph.as_default():
        @fw.add_arg_scope
        def scaled(x, factor=1.0):
            return x * factor

        with fw.arg_scope([scaled], factor=3.0):
            y = scaled(tf.constant(2.0))
        with v1.variable_scope("net"):
            weights = fw.model_variable("w", shape=[2], initializer=v1.constant_initializer([1.5, -2.0]))
        step = fw.get_or_create_global_step()
        total = fw.reduce_sum_n([tf.constant([1.0, 2.0]), tf.constant([[3.0]])])
        sorted_, order = fw.sort(tf.constant([3, 1, 2])), fw.argsort(tf.constant([3, 1, 2]))
        assert [v.name for v in fw.get_variables("net")] == ["net/w:0"]
        assert fw.get_model_variables() == [weights]
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            assert sess.run(y) == 6.0 and sess.run(total) == 6.0 and sess.run(step) == 0
            np.testing.assert_array_equal(sess.run(sorted_), [1, 2, 3])
            np.testing.assert_array_equal(sess.run(order), [1, 2, 0])
            path = v1.train.Saver().save(sess, str(tmp_path / "model.ckpt"))
    assert dict(fw.list_variables(path))["net/w"] == [2]
    np.testing.assert_array_equal(fw.load_checkpoint(path).get_tensor("net/w"), [1.5, -2.0])
    assert fw.nest.flatten({"b": [1, 2], "a": 3}) == [3, 1, 2]
    assert fw.nest.is_sequence((1, 2)) and not fw.nest.is_sequence("ab")  # strings are atoms


def test_framework_shape_checks_placeholders_and_smart_cond():
    fw = tf1.contrib.framework
    with tf.Graph().as_default() as graph:
        a = v1.placeholder(tf.float32, [None, 3], name="a")
        b = v1.placeholder(tf.int32, [], name="b")
        assert fw.get_placeholders(graph) == [a, b]
        assert fw.with_shape([5, 3], a) is a
        with pytest.raises(ValueError):
            fw.with_shape([5, 4], a)
        with pytest.raises(ValueError):
            fw.assert_scalar_int(tf.constant(1.0))
        assert fw.smart_cond(True, lambda: "yes", lambda: "no") == "yes"  # a Python predicate picks statically
    with tf.Graph().as_default() as graph:
        confusion = tf1.contrib.metrics.confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], num_classes=3)
        size = tf1.contrib.metrics.set_size(tf.sparse.from_dense(tf.constant([[1, 2, 0], [3, 0, 0]])))
        got_confusion, got_size = _run(graph, [confusion, size])
    np.testing.assert_array_equal(got_confusion, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])  # rows: labels
    np.testing.assert_array_equal(got_size, [2, 1])


def test_slim_nets_vgg16_has_tf1_names_and_published_size():
    vgg = resolve("tf.contrib.slim.nets").vgg
    with tf.Graph().as_default():
        vgg.vgg_16(v1.placeholder(tf.float32, [1, 224, 224, 3]), num_classes=1000, is_training=False)
        variables = v1.trainable_variables()
        names = [v.name for v in variables]
        count = sum(int(np.prod(v.shape.as_list())) for v in variables)
    assert names[0] == "vgg_16/conv1/conv1_1/weights:0" and names[-1] == "vgg_16/fc8/biases:0"
    assert count == 138_357_544  # VGG-16 as published (Simonyan & Zisserman, table 2: 138M)


def test_contrib_losses_take_logits_first_and_metrics_stream():
    rng = np.random.RandomState(7)
    logits = rng.randn(4, 3).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 2, 1, 1]]
    with tf.Graph().as_default() as graph:
        loss = tf1.contrib.losses.softmax_cross_entropy(tf.constant(logits), tf.constant(labels))
        accuracy, update = tf1.contrib.metrics.streaming_accuracy(tf.constant([0, 1, 1, 1]), tf.constant([0, 2, 1, 1]))
        with v1.Session() as sess:
            sess.run(v1.local_variables_initializer())
            got_loss = sess.run(loss)
            sess.run(update)
            got_accuracy = sess.run(accuracy)
    np.testing.assert_allclose(got_loss, _softmax_ce(logits, labels.argmax(1)).mean(), rtol=1e-5)
    assert got_accuracy == pytest.approx(0.75)


# --- tf.contrib.distributions, data, keras, eager, learn ------------------------------------------------------
def test_distributions_served_by_compat_v1_and_the_rest_named():
    dist = tf1.contrib.distributions
    with tf.Graph().as_default(), v1.Session() as sess:
        log_prob = sess.run(dist.Normal(loc=1.0, scale=2.0).log_prob(0.0))
        kl = sess.run(dist.kl_divergence(dist.Bernoulli(probs=0.5), dist.Bernoulli(probs=0.25)))
    assert log_prob == pytest.approx(-0.5 * np.log(2 * np.pi * 4) - 1 / 8, rel=1e-6)
    assert kl == pytest.approx(0.5 * np.log(0.5 / 0.25) + 0.5 * np.log(0.5 / 0.75), rel=1e-5)
    with pytest.raises(UnknownEraName, match="tfp.distributions.MultivariateNormalTriL"):
        resolve("tf.contrib.distributions.MultivariateNormalTriL")


def test_multivariate_normal_diag_closed_forms_and_samples():
    dist = tf1.contrib.distributions
    loc = np.array([[0.0, 1.0, -1.0], [2.0, 0.0, 0.5]], np.float32)
    scale = np.array([[1.0, 2.0, 0.5], [0.3, 1.0, 1.5]], np.float32)
    x = np.array([[0.5, 0.0, -1.5], [2.0, 1.0, 0.0]], np.float32)
    with tf.Graph().as_default(), v1.Session() as sess:
        p = dist.MultivariateNormalDiag(loc=loc, scale_diag=scale)
        q = dist.MultivariateNormalDiag(loc=tf.zeros([2, 3]), scale_identity_multiplier=1.0)
        assert p.batch_shape.as_list() == [2] and p.event_shape.as_list() == [3]
        log_prob, entropy, kl, samples, kl_alias = sess.run(
            [p.log_prob(x), p.entropy(), dist.kl_divergence(p, q), p.sample(20000, seed=3), dist.kl(p, q)])
    expected_log_prob = (-0.5 * ((x - loc) / scale) ** 2 - 0.5 * np.log(2 * np.pi) - np.log(scale)).sum(-1)
    np.testing.assert_allclose(log_prob, expected_log_prob, rtol=1e-5)
    np.testing.assert_allclose(entropy, (0.5 * np.log(2 * np.pi * np.e) + np.log(scale)).sum(-1), rtol=1e-5)
    expected_kl = (0.5 * (scale ** 2 + loc ** 2 - 1 - 2 * np.log(scale))).sum(-1)  # KL(p || N(0, I))
    np.testing.assert_allclose(kl, expected_kl, rtol=1e-5)
    np.testing.assert_allclose(kl_alias, kl)
    assert samples.shape == (20000, 2, 3)
    np.testing.assert_allclose(samples.mean(0), loc, atol=0.05)
    np.testing.assert_allclose(samples.std(0), scale, rtol=0.03)


def test_relaxed_and_one_hot_categorical():
    dist = tf1.contrib.distributions
    probs = np.array([0.2, 0.5, 0.3], np.float32)
    y = np.array([0.1, 0.7, 0.2], np.float32)
    with tf.Graph().as_default(), v1.Session() as sess:
        relaxed = dist.RelaxedOneHotCategorical(0.5, probs=probs)
        cold = dist.RelaxedOneHotCategorical(0.01, logits=np.log(probs))
        one_hot = dist.OneHotCategorical(probs=probs)
        log_density, warm, frozen, draws, one_hot_log_prob = sess.run(
            [relaxed.log_prob(y), relaxed.sample(1000, seed=1), cold.sample(20000, seed=2),
             one_hot.sample(20000, seed=3), one_hot.log_prob([0, 1, 0])])
    lam, k = 0.5, 3  # the Concrete density (Maddison et al. 2017, eq. 2)
    expected = (np.log(2.0) + (k - 1) * np.log(lam) + np.log(probs * y ** (-lam - 1)).sum()
                - k * np.log((probs * y ** -lam).sum()))
    assert log_density == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(warm.sum(-1), 1.0, rtol=1e-5)  # on the simplex
    np.testing.assert_allclose((frozen > 0.99).mean(0), probs, atol=0.02)  # near one-hot, with the right odds
    assert draws.dtype == np.int32 and set(draws.sum(-1)) == {1}
    np.testing.assert_allclose(draws.mean(0), probs, atol=0.02)
    assert one_hot_log_prob == pytest.approx(np.log(0.5), rel=1e-5)


def test_contrib_data_dataset_and_contrib_only_transformations():
    data = tf1.contrib.data
    with tf.Graph().as_default(), v1.Session() as sess:
        dataset = data.Dataset.range(10).apply(data.batch_and_drop_remainder(3))
        next_batch = dataset.make_one_shot_iterator().get_next()
        batches = [sess.run(next_batch).tolist() for _ in range(3)]
        with pytest.raises(tf.errors.OutOfRangeError):  # the partial [9] is dropped
            sess.run(next_batch)
    assert batches == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert data.shuffle_and_repeat is v1.data.experimental.shuffle_and_repeat


def test_contrib_keras_is_keras_2():
    import tf_keras

    assert tf1.contrib.keras.layers.Dense is tf_keras.layers.Dense
    assert tf1.contrib.keras.models.Sequential is tf_keras.models.Sequential
    # the datasets are served offline, like tf.keras.datasets
    assert tf1.contrib.keras.datasets.mnist.load_data is tf1.keras.datasets.mnist.load_data


def test_tfe_names_are_core_eager():
    tfe = tf1.contrib.eager
    expected = {"defun": tf.function, "GradientTape": tf.GradientTape, "executing_eagerly": tf.executing_eagerly,
                "custom_gradient": tf.custom_gradient, "py_func": tf.py_function,
                "enable_eager_execution": v1.enable_eager_execution, "Checkpoint": v1.train.Checkpoint}
    for name, target in expected.items():
        assert getattr(tfe, name) is target, name
    assert tf.executing_eagerly()  # this test module stays eager outside its own graphs
    grad = tfe.gradients_function(lambda x: x * x * x)
    assert float(grad(2.0)[0]) == 12.0  # d/dx x^3 = 3x^2
    v = tfe.Variable([1.0, -3.0])
    value, grads = tfe.implicit_value_and_gradients(lambda: tf.reduce_sum(v * v))()
    assert float(value) == 10.0 and grads[0][0].numpy().tolist() == [2.0, -6.0]
    assert [int(x) for x in tfe.Iterator(tf.data.Dataset.range(3))] == [0, 1, 2]
    assert tfe.num_gpus() == len(tf.config.list_physical_devices("GPU"))
    with pytest.raises(UnknownEraName, match="tf.keras.Model"):
        resolve("tf.contrib.eager.Network")


def test_tfe_metrics_accumulate_and_return_their_arguments():
    metrics = tf1.contrib.eager.metrics
    mean = metrics.Mean()
    assert mean([1.0, 2.0]) == [1.0, 2.0]  # returned for chaining
    mean(tf.constant([6.0]))
    assert float(mean.result()) == 3.0 and mean.result().dtype == tf.float64
    accuracy, sparse = metrics.Accuracy(), metrics.SparseAccuracy()
    accuracy(tf.constant([1, 2, 3]), tf.constant([1, 0, 3]))
    sparse(tf.constant([0, 1]), tf.constant([[0.9, 0.1], [0.8, 0.2]]))
    binary = metrics.BinaryAccuracy(threshold=0.3)
    binary(tf.constant([1, 0]), tf.constant([0.4, 0.4]))
    assert float(accuracy.result()) == pytest.approx(2 / 3) and float(sparse.result()) == 0.5
    assert float(binary.result()) == 0.5


def test_tfe_saver_round_trip(tmp_path):
    tfe = tf1.contrib.eager
    v = tfe.Variable([1.0, 2.0], name="v")
    saver = tfe.Saver([v])
    path = saver.save(str(tmp_path / "ckpt"), global_step=3)
    v.assign([0.0, 0.0])
    saver.restore(path)
    assert path.endswith("ckpt-3") and v.numpy().tolist() == [1.0, 2.0]


def test_learn_csv_loaders(tmp_path):
    base = tf1.contrib.learn.datasets.base
    (tmp_path / "h.csv").write_text("3,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,1\n")
    (tmp_path / "n.csv").write_text("1,5.1,3.5\n0,4.9,3.0\n")
    with_header = base.load_csv_with_header(str(tmp_path / "h.csv"), np.int32, np.float32)
    without = base.load_csv_without_header(str(tmp_path / "n.csv"), np.int32, np.float32, target_column=0)
    np.testing.assert_array_equal(with_header.target, [0, 1, 1])
    np.testing.assert_allclose(with_header.data, [[5.1, 3.5], [4.9, 3.0], [6.2, 2.9]], rtol=1e-6)
    assert with_header.data.dtype == np.float32
    np.testing.assert_array_equal(without.target, [1, 0])
    np.testing.assert_allclose(without.data, [[5.1, 3.5], [4.9, 3.0]], rtol=1e-6)


def test_vocabulary_processor_ids_trim_and_round_trip(tmp_path):
    pre = tf1.contrib.learn.preprocessing
    assert list(pre.tokenizer(["Hello World, it's e-mail", "CamelCase NASA rocks"])) == [
        ["Hello", "World", "it's", "e-mail"], ["Camel", "Case", "NASA", "rocks"]]
    docs = ["a b c", "b c d e f"]
    processor = pre.VocabularyProcessor(4)
    np.testing.assert_array_equal(list(processor.fit_transform(docs)), [[1, 2, 3, 0], [2, 3, 4, 5]])
    assert list(processor.transform(["c zzz a"]))[0].tolist() == [3, 0, 1, 0]  # frozen: unknown -> 0
    trimmed = pre.VocabularyProcessor(4, min_frequency=1)  # keeps words seen MORE than once: b, c
    rows = list(trimmed.fit_transform(docs))
    np.testing.assert_array_equal(rows, [[0, 1, 2, 0], [1, 2, 0, 0]])
    assert list(trimmed.reverse([rows[1]])) == ["b c <UNK> <UNK>"]
    trimmed.save(str(tmp_path / "vocab"))
    restored = pre.VocabularyProcessor.restore(str(tmp_path / "vocab"))
    assert len(restored.vocabulary_) == 3 and restored.vocabulary_.get("c") == 2


def test_learn_load_dataset_names(monkeypatch):
    from compat import input_data

    load = tf1.contrib.learn.datasets.load_dataset
    monkeypatch.setattr(input_data, "load_mnist", lambda: "the MNIST-data read_data_sets")
    assert load("mnist") == "the MNIST-data read_data_sets"
    with pytest.raises(ValueError, match="not recognized: cifar"):
        load("cifar")
    with pytest.raises(ValueError, match="numpy.loadtxt"):
        load("iris")
    with pytest.raises(UnknownEraName, match="TF 1.x package"):
        resolve("tf.contrib.learn.datasets.load_iris")


def test_estimator_dead_end_names_tf_2_16_and_keras():
    with pytest.raises(UnknownEraName) as caught:
        resolve("tf.estimator")
    assert "TF 2.16" in str(caught.value) and "Model.fit" in str(caught.value)


# --- NumPy and SciPy names ----------------------------------------------------------------------------------
def test_numpy_removed_keywords_and_names():
    np.testing.assert_array_equal(np_era.reshape(np.arange(6), newshape=(2, 3)), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(np_era.reshape(np.arange(4), (2, 2)), [[0, 1], [2, 3]])
    density, edges = np_era.histogram([0.0, 0.0, 1.0, 3.0], bins=2, range=(0, 4), normed=True)
    np.testing.assert_allclose(density, [0.375, 0.125])  # counts [3, 1] / (4 samples * bin width 2)
    assert np_era.cast["float32"]([1, 2]).dtype == np.float32
    np.testing.assert_array_equal(np_era.row_stack([[1], [2]]), [[1], [2]])
    with pytest.raises(UnknownEraName, match="np.result_type"):
        np_era.find_common_type


def test_numpy_era_defaults_printoptions_and_pickled_load(tmp_path):
    before = np.get_printoptions()["threshold"]
    try:
        np_era.set_printoptions(threshold=np.nan)
        assert np.get_printoptions()["threshold"] == sys.maxsize
    finally:
        np.set_printoptions(threshold=before)
    np.save(tmp_path / "d.npy", {"lr": 0.1})  # a dict becomes a pickled object array
    assert np_era.load(tmp_path / "d.npy").item() == {"lr": 0.1}
    with pytest.raises(ValueError):
        np_era.load(tmp_path / "d.npy", allow_pickle=False)


def test_scipy_misc_functions_moved_to_special():
    misc = namespace.root("scipy", "tf1").misc
    a = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -np.inf]])
    np.testing.assert_allclose(misc.logsumexp(a[0]), np.log(np.exp(1) + np.exp(2) + np.exp(3)))
    np.testing.assert_allclose(misc.logsumexp(a, axis=1), [np.log(np.exp([1, 2, 3]).sum()), 1000 + np.log(2)])
    out, sign = misc.logsumexp([0.0, 0.0], b=[1.0, -2.0], return_sign=True)
    assert sign == -1 and out == pytest.approx(0.0)
    assert misc.comb(5, 2) == 10.0 and misc.comb(5, 2, exact=True) == 10 and misc.comb(2, 5) == 0
    assert misc.comb(3, 2, repetition=True) == 6.0  # multisets {aa, ab, ac, bb, bc, cc}
    assert misc.factorial(5, exact=True) == 120
    np.testing.assert_allclose(misc.factorial([0, 3, 4.5]), [1, 6, 52.34277778455352])  # Gamma(5.5)
    with pytest.raises(UnknownEraName, match="scipy.datasets.face"):
        misc.face


# --- era-style scripts through the runner -------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("script", ["contrib_rnn/char_rnn.py", "contrib_misc/framework_data_hparams.py",
                                    "contrib_misc/tfe_eager.py", "contrib_seq2seq/nmt_attention.py"])
def test_era_script_runs_under_the_runner(compat_run, script):
    result = compat_run("run", "--max-steps", "3", FIXTURES / script)
    assert result.returncode == 0, result.stderr[-3000:]
