"""Every row of the era table is exercised: it resolves through the namespaces to what it says serves it, a row that
serves nothing fails with the row's own explanation, and the shims behave as both eras documented."""
import builtins
import types

import numpy as np
import pytest
import tensorflow as tf

from compat import namespace, table
from compat.namespace import UnknownEraName

SERVED = [row for row in table.TABLE if row.serves is not None]
DEAD_ENDS = [row for row in table.TABLE if row.serves is None and row.name not in table.PREFIXES]


def resolve(name, era="tf1"):
    alias, *parts = name.split(".")
    node = namespace.root(alias, era)
    for part in parts:
        node = getattr(node, part)
    return node


@pytest.mark.parametrize("row", SERVED, ids=lambda r: r.name)
def test_served_row_resolves_to_its_target(row):
    target = namespace.load(row.serves)
    got = resolve(row.name)
    if isinstance(got, namespace.EraNamespace):  # a module with rows below it is wrapped, backed by the target
        assert isinstance(target, types.ModuleType)
        assert got._era_backing_module() is target
    else:
        assert got is target


@pytest.mark.parametrize("row", DEAD_ENDS, ids=lambda r: r.name)
def test_unserved_row_explains_itself(row):
    with pytest.raises(UnknownEraName) as caught:
        resolve(row.name)
    assert row.removed in str(caught.value) and row.modern in str(caught.value)


def test_unknown_member_quotes_nearest_row():
    with pytest.raises(AttributeError) as caught:  # an AttributeError, so hasattr() keeps working
        resolve("tf.contrib.no_such_thing")
    message = str(caught.value)
    assert "tf.contrib.no_such_thing" in message and "TF 2.0" in message and "tf_slim" in message
    assert not hasattr(namespace.root("tf", "tf1").contrib, "no_such_thing")


def test_table_has_no_duplicates_and_roots_are_known():
    assert len({row.name for row in table.TABLE}) == len(table.TABLE)
    assert {row.name.split(".")[0] for row in table.TABLE} <= set(table.ROOTS)


def test_backing_falls_through_to_compat_v1_and_real_submodules():
    tf1 = namespace.root("tf", "tf1")
    assert tf1.placeholder is tf.compat.v1.placeholder
    assert tf1.nn.relu is tf.compat.v1.nn.relu
    assert tf1.python.ops.array_ops.__name__ == "tensorflow.python.ops.array_ops"
    assert namespace.root("tf", "tf2").function is tf.function


# --- TF 0.x argument orders: each call decided by what its arguments can only mean -------------------------------
def test_concat_both_orders_match_numpy():
    a, b = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    tf1 = namespace.root("tf", "tf1")
    np.testing.assert_array_equal(tf1.concat(1, [a, b]).numpy(), np.concatenate([a, b], 1))  # TF 0.x
    np.testing.assert_array_equal(tf1.concat([a, b], 1).numpy(), np.concatenate([a, b], 1))  # TF 1.x
    np.testing.assert_array_equal(tf1.concat(0, [a, b]).numpy(), np.concatenate([a, b], 0))
    np.testing.assert_array_equal(tf1.concat(concat_dim=0, values=[a, b]).numpy(), np.concatenate([a, b], 0))
    np.testing.assert_array_equal(tf1.concat(values=[a, b], axis=1).numpy(), np.concatenate([a, b], 1))


def test_split_both_orders_match_numpy():
    x = np.arange(24.0).reshape(4, 6)
    tf1 = namespace.root("tf", "tf1")
    old = tf1.split(1, 3, x)  # TF 0.x: split(split_dim, num_split, value)
    new = tf1.split(x, 3, 1)  # TF 1.x: split(value, num_or_size_splits, axis)
    for got in (old, new, tf1.split(split_dim=1, num_split=3, value=x)):
        for part, want in zip(got, np.split(x, 3, axis=1)):
            np.testing.assert_array_equal(part.numpy(), want)
    np.testing.assert_array_equal(tf1.split(x, [2, 4], 1)[1].numpy(), x[:, 2:])


def _sigmoid_ce(logits, labels):  # the documented stable formula
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


def test_sigmoid_cross_entropy_accepts_every_era_spelling():
    logits = np.array([-3.0, -0.5, 0.0, 2.0, 7.0], np.float32)
    labels = np.array([0.0, 1.0, 0.5, 1.0, 0.0], np.float32)
    want = _sigmoid_ce(logits.astype(np.float64), labels)
    ce = namespace.root("tf", "tf1").nn.sigmoid_cross_entropy_with_logits
    for got in (ce(logits=logits, targets=labels), ce(logits, labels), ce(labels=labels, logits=logits)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    with pytest.raises(TypeError):
        ce(logits=logits, labels=labels, targets=labels)


def test_tf0_aliases_compute_what_their_names_say():
    tf1 = namespace.root("tf", "tf1")
    assert float(tf1.mul(3.0, 4.0)) == 12.0
    assert float(tf1.sub(3.0, 4.0)) == -1.0
    assert float(tf1.neg(3.0)) == -3.0
    np.testing.assert_array_equal(tf1.pack([1, 2]).numpy(), [1, 2])
    assert [int(t) for t in tf1.unpack(tf.constant([5, 6]))] == [5, 6]


# --- NumPy and six: what the era meant ------------------------------------------------------------------------
def test_numpy_aliases_mean_what_the_era_meant():
    np_ = namespace.root("np", "tf1")
    assert np_.float is builtins.float and np_.int is builtins.int and np_.bool is builtins.bool
    assert np_.zeros(3, dtype=np_.float).dtype == np.float64
    assert np_.float_ is np.float64 and np.isnan(np_.NaN) and np_.NINF == -np.inf
    assert np_.asscalar(np.array([2.5])) == 2.5 and type(np_.asscalar(np.array([2]))) is int
    assert np_.asfarray([1, 2]).dtype == np.float64 and np_.asfarray([1], dtype=np.int32).dtype == np.float64
    np.testing.assert_array_equal(np_.msort(np.array([[3, 1], [1, 2]])), [[1, 1], [3, 2]])
    assert np_.product([2, 3, 4]) == 24 and np_.alltrue([True, True]) and not np_.sometrue([False])
    assert np_.random is np.random and np_.float32 is np.float32  # everything else is NumPy's own


def test_six_moves_served_without_six():
    moves = namespace.root("six", "tf1").moves
    assert list(moves.xrange(3)) == [0, 1, 2] and moves.cPickle.__name__ == "pickle"
    assert moves.reduce(lambda a, b: a * b, [1, 2, 3, 4]) == 24
