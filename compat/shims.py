"""Shims for era calls whose *signature* changed, so a plain alias in the table is not enough.

Where the old and new meanings of one call conflict, each shim decides by what the arguments can only mean, and says
so in its docstring. Everything else is delegated to today's implementation unchanged.
"""
import numbers

import numpy as np


def _tf():
    import tensorflow as tf  # imported late: this module is also used by NumPy-only scripts

    return tf.compat.v1


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def concat(*args, **kwargs):
    """``tf.concat`` in either era's argument order.

    TF 0.x: ``concat(concat_dim, values, name='concat')``; TF 1.0 swapped it to ``concat(values, axis, name)``.
    The old order is recognised by keyword (``concat_dim=``) or positionally when the first argument is a Python
    integer and the second a list or tuple: an integer cannot be the ``values`` of the new order. Everything else is
    the new order. Returns ``tf.compat.v1.concat(values, axis, name)``.
    """
    name = kwargs.pop("name", "concat")
    if "concat_dim" in kwargs:
        axis, values = kwargs.pop("concat_dim"), kwargs.pop("values", args[0] if args else None)
    elif len(args) >= 2 and _is_int(args[0]) and isinstance(args[1], (list, tuple)):
        axis, values = args[0], args[1]
        if len(args) > 2:
            name = args[2]
    else:
        return _tf().concat(*args, name=name, **kwargs)
    if kwargs:
        raise TypeError(f"tf.concat (TF 0.x order): unexpected arguments {sorted(kwargs)}")
    return _tf().concat(values, axis, name=name)


def split(*args, **kwargs):
    """``tf.split`` in either era's argument order.

    TF 0.x: ``split(split_dim, num_split, value, name='split')``; TF 1.0: ``split(value, num_or_size_splits, axis=0,
    num=None, name='split')``. The old order is recognised by keyword (``split_dim=``/``num_split=``) or positionally
    when the first argument is a Python integer and a third argument is given: a Python integer cannot be the
    ``value`` being split. Returns ``tf.compat.v1.split(value, num_or_size_splits, axis, name=name)``.
    """
    if "split_dim" in kwargs or "num_split" in kwargs:
        positional = list(args)
        axis = kwargs.pop("split_dim") if "split_dim" in kwargs else positional.pop(0)
        num = kwargs.pop("num_split") if "num_split" in kwargs else positional.pop(0)
        value = kwargs.pop("value") if "value" in kwargs else positional.pop(0)
        return _tf().split(value, num, axis, name=kwargs.pop("name", "split"))
    if len(args) >= 3 and _is_int(args[0]):
        name = args[3] if len(args) > 3 else kwargs.pop("name", "split")
        return _tf().split(args[2], args[1], args[0], name=name)
    return _tf().split(*args, **kwargs)


def sigmoid_cross_entropy_with_logits(*args, labels=None, logits=None, name=None, targets=None, _sentinel=None):
    """``tf.nn.sigmoid_cross_entropy_with_logits`` accepting the TF 0.x spellings.

    TF 0.x: ``sigmoid_cross_entropy_with_logits(logits, targets, name=None)``, positional allowed. TF 1.0 renamed
    ``targets`` to ``labels`` and made the call keyword-only (a ``_sentinel`` first parameter rejected positional
    use), so positional arguments can only mean the 0.x order ``(logits, targets)``. ``targets=`` means ``labels=``.
    Computes ``max(x, 0) - x * z + log(1 + exp(-abs(x)))`` elementwise, as always.
    """
    if args:
        if len(args) > 3 or logits is not None:
            raise TypeError("sigmoid_cross_entropy_with_logits: positional arguments mean the TF 0.x order "
                            "(logits, targets[, name])")
        logits = args[0]
        targets = args[1] if len(args) > 1 else targets
        name = args[2] if len(args) > 2 else name
    if targets is not None:
        if labels is not None:
            raise TypeError("sigmoid_cross_entropy_with_logits: pass labels= or the TF 0.x targets=, not both")
        labels = targets
    return _tf().nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name=name)


def _logits_first(function, positional, args, kwargs):
    """Call ``function`` with TF 0.x positional arguments ``(logits, labels, ...)`` mapped onto keywords.

    TF 1.0 put a ``_sentinel`` first in the cross-entropy ops and refused positional calls; today's
    ``tf.compat.v1`` versions take ``(labels, logits)`` positionally, so a 0.x call would silently swap them.
    """
    kwargs.pop("_sentinel", None)
    if len(args) > len(positional):
        raise TypeError(f"{function.__name__}: positional arguments mean the TF 0.x order ({', '.join(positional)})")
    for key, value in zip(positional, args):
        if kwargs.get(key) is not None:
            raise TypeError(f"{function.__name__}: {key} given both positionally (TF 0.x order) and by keyword")
        kwargs[key] = value
    return function(**kwargs)


def softmax_cross_entropy_with_logits(*args, **kwargs):
    """``tf.nn.softmax_cross_entropy_with_logits`` as TF 1.x and TF 0.x called it.

    TF 0.x: ``softmax_cross_entropy_with_logits(logits, labels, dim=-1, name=None)``, positional allowed; TF 1.x
    made it keyword-only (``labels=``, ``logits=``), so positional arguments can only mean the 0.x order. Served by
    ``tf.compat.v1.nn.softmax_cross_entropy_with_logits``, the TF 1.x op: no gradient flows into ``labels``.
    """
    return _logits_first(_tf().nn.softmax_cross_entropy_with_logits, ("logits", "labels", "dim", "name"), args, kwargs)


def sparse_softmax_cross_entropy_with_logits(*args, **kwargs):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits`` as TF 1.x and TF 0.x called it.

    TF 0.x: ``sparse_softmax_cross_entropy_with_logits(logits, labels, name=None)``, positional allowed; TF 1.x made
    it keyword-only, so positional arguments can only mean the 0.x order ``(logits, labels)``.
    """
    return _logits_first(_tf().nn.sparse_softmax_cross_entropy_with_logits, ("logits", "labels", "name"), args, kwargs)


NINF = -np.inf


def asscalar(a):
    """``np.asscalar(a)`` (removed in NumPy 1.23): the single element of ``a`` as a Python scalar, i.e. ``a.item()``."""
    return np.asarray(a).item()


def asfarray(a, dtype=np.float64):
    """``np.asfarray`` (removed in NumPy 2.0): ``a`` as an array of a floating type; a non-float ``dtype`` becomes
    float64, as NumPy 1.x did."""
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.dtype(np.float64)
    return np.asarray(a, dtype=dtype)


def in1d(ar1, ar2, assume_unique=False, invert=False, **kwargs):
    """``np.in1d`` (removed in NumPy 2.4): whether each element of ``ar1`` is in ``ar2``, as a FLAT boolean array.

    ``np.isin`` is the replacement but keeps ``ar1``'s shape; ``in1d`` always flattened it first, so a script that
    indexes the result with flat positions needs the flat answer.
    """
    return np.isin(np.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert, **kwargs)


def msort(a):
    """``np.msort`` (removed in NumPy 2.0): a copy sorted along the first axis, ``np.sort(a, axis=0)``."""
    return np.sort(a, axis=0)
