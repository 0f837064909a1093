"""``tf.contrib.learn.datasets.base`` of TF 1.15: the CSV loaders of the Iris-style tutorials.

``Dataset(data, target)`` is the namedtuple they returned. The MNIST loader of ``contrib.learn.datasets`` is
``compat.input_data``.
"""
import collections
import csv

import numpy as np
import tensorflow as _tf

Dataset = collections.namedtuple("Dataset", ["data", "target"])


def load_csv_with_header(filename, target_dtype, features_dtype, target_column=-1):
    """Load a CSV whose first row is ``n_samples,n_features,...`` (extra header fields, e.g. class names, ignored).

    Each following row holds the features with the target at ``target_column``.

    Returns:
      ``Dataset(data=[n_samples, n_features] features_dtype, target=[n_samples] target_dtype)``.
    """
    with _tf.io.gfile.GFile(filename) as csv_file:
        rows = csv.reader(csv_file)
        header = next(rows)
        n_samples, n_features = int(header[0]), int(header[1])
        data = np.zeros((n_samples, n_features), dtype=features_dtype)
        target = np.zeros((n_samples,), dtype=target_dtype)
        for i, row in enumerate(rows):
            target[i] = np.asarray(row.pop(target_column), dtype=target_dtype)
            data[i] = np.asarray(row, dtype=features_dtype)
    return Dataset(data=data, target=target)


def load_csv_without_header(filename, target_dtype, features_dtype, target_column=-1):
    """Load a headerless CSV: every row holds the features with the target at ``target_column``.

    Returns:
      ``Dataset(data=[rows, features] features_dtype, target=[rows] target_dtype)``.
    """
    data, target = [], []
    with _tf.io.gfile.GFile(filename) as csv_file:
        for row in csv.reader(csv_file):
            target.append(row.pop(target_column))
            data.append(np.asarray(row, dtype=features_dtype))
    return Dataset(data=np.array(data), target=np.array(target, dtype=target_dtype))
