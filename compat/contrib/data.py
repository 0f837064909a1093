"""``tf.contrib.data`` of TF 1.2–1.15, on TF 2.21.

TF 1.2–1.3 introduced the input pipeline here (``tf.contrib.data.Dataset``, ``TextLineDataset``, ``Iterator``) before
it moved to ``tf.data`` in 1.4; later the experimental transformations lived here until they moved to
``tf.data.experimental``. Both are re-exported from ``tf.compat.v1.data`` (graph-mode ``DatasetV1``, so
``make_one_shot_iterator()`` still works). Two contrib-only helpers are written here; what has no equivalent is a
dead end in ``compat/table.py``.
"""
import tensorflow as _tf

_v1data = _tf.compat.v1.data

Dataset = _v1data.Dataset
TextLineDataset = _v1data.TextLineDataset
TFRecordDataset = _v1data.TFRecordDataset
FixedLengthRecordDataset = _v1data.FixedLengthRecordDataset
Iterator = _v1data.Iterator

_EXPERIMENTAL = (
    "AUTOTUNE", "Counter", "CsvDataset", "Optional", "RandomDataset", "Reducer", "SqlDataset", "TFRecordWriter",
    "bucket_by_sequence_length", "choose_from_datasets", "copy_to_device", "dense_to_sparse_batch",
    "enumerate_dataset", "get_next_as_optional", "get_single_element", "group_by_reducer", "group_by_window",
    "ignore_errors", "make_batched_features_dataset", "make_csv_dataset", "make_saveable_from_iterator",
    "map_and_batch", "parallel_interleave", "parse_example_dataset", "prefetch_to_device", "rejection_resample",
    "sample_from_datasets", "scan", "shuffle_and_repeat", "unbatch", "unique",
)
globals().update({name: getattr(_v1data.experimental, name) for name in _EXPERIMENTAL})


def batch_and_drop_remainder(batch_size):
    """A transformation for ``dataset.apply``: batches of exactly ``batch_size`` elements, the last partial batch
    dropped (``dataset.batch(batch_size, drop_remainder=True)`` since TF 1.10)."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """A transformation for ``dataset.apply``: ``dataset.padded_batch(..., drop_remainder=True)``."""
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes, padding_values, drop_remainder=True)


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """A transformation for ``dataset.apply``: ``parallel_interleave`` that may return elements out of order
    (``sloppy=True``), as TF 1.15's deprecated ``sloppy_interleave`` was."""
    return _v1data.experimental.parallel_interleave(map_func, cycle_length, block_length, sloppy=True)
