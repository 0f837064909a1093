"""``tfe.metrics`` of TF 1.15 (``tf.contrib.eager.metrics``): stateful metrics for eager training loops.

Each keeps its running state in a Keras 2 metric of tf_keras (what these became) and keeps TF 1.15's interface:
calling a metric accumulates and returns its arguments, for chaining (``Keras`` returns the running result);
``result()`` is the value; the default dtype is float64, as in TF 1.15.
"""
import tensorflow as _tf


def _keras_metrics():
    import tf_keras  # imported late: the module must stay importable before tf_keras is chosen

    return tf_keras.metrics


class Metric:
    """Base: ``self._state`` is the Keras metric holding the running value."""

    def __init__(self, state):
        self._state = state

    @property
    def name(self):
        return self._state.name

    @property
    def variables(self):
        return self._state.variables

    def result(self, write_summary=True):
        """The metric's value over everything accumulated so far."""
        return self._state.result()

    def init_variables(self):
        """Reset the accumulated state (TF 1.15 returned the initializer op in graph mode)."""
        return _tf.compat.v1.variables_initializer(self.variables) if not _tf.executing_eagerly() else \
            self._state.reset_state()


class Mean(Metric):
    """The (weighted) mean of every value passed in. ``m(values, weights=None)`` returns its arguments."""

    def __init__(self, name=None, dtype=_tf.double):
        super().__init__(_keras_metrics().Mean(name=name or "mean", dtype=dtype))

    def __call__(self, values, weights=None):
        self._state.update_state(values, sample_weight=weights)
        return values if weights is None else (values, weights)


class _Matches(Metric):
    """The mean of ``self._matches(labels, predictions)``, cast to the metric's dtype."""

    def __init__(self, name, dtype):
        super().__init__(_keras_metrics().Mean(name=name, dtype=dtype))

    def __call__(self, labels, predictions, weights=None):
        matches = _tf.cast(self._matches(_tf.convert_to_tensor(labels), _tf.convert_to_tensor(predictions)),
                           self._state.dtype)
        self._state.update_state(matches, sample_weight=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


class Accuracy(_Matches):
    """The fraction of ``labels == predictions``."""

    def __init__(self, name=None, dtype=_tf.double):
        super().__init__(name or "accuracy", dtype)

    def _matches(self, labels, predictions):
        return _tf.equal(labels, _tf.cast(predictions, labels.dtype))


class CategoricalAccuracy(_Matches):
    """The fraction of ``argmax(labels) == argmax(predictions)`` (one-hot labels)."""

    def __init__(self, name=None, dtype=_tf.double):
        super().__init__(name or "categorical_accuracy", dtype)

    def _matches(self, labels, predictions):
        return _tf.equal(_tf.argmax(labels, -1), _tf.argmax(predictions, -1))


class SparseAccuracy(_Matches):
    """The fraction of ``labels == argmax(predictions)`` (integer labels)."""

    def __init__(self, name=None, dtype=_tf.double):
        super().__init__(name or "sparse_accuracy", dtype)

    def _matches(self, labels, predictions):
        return _tf.equal(_tf.cast(labels, _tf.int64), _tf.argmax(predictions, -1))


class BinaryAccuracy(_Matches):
    """The fraction of ``labels == (predictions > threshold)``."""

    def __init__(self, threshold=0.5, name=None, dtype=_tf.double):
        super().__init__(name or "binary_accuracy", dtype)
        self._threshold = threshold

    def _matches(self, labels, predictions):
        return _tf.equal(_tf.cast(labels, _tf.bool), predictions > self._threshold)
