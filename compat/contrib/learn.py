"""What ``tf.contrib.learn`` tutorials used besides its estimators, from TF 1.15's documented behaviour.

- ``datasets.load_dataset`` (``"mnist"``) and ``datasets.base``: the CSV loaders of the Iris-style tutorials
  (``Dataset(data, target)`` is the namedtuple they returned). The MNIST loader of ``contrib.learn.datasets`` is
  ``compat.input_data``.
- ``preprocessing``: ``VocabularyProcessor`` and ``CategoricalVocabulary`` (text-classification tutorials).
"""
import collections
import csv
import pickle
import re

import numpy as np
import tensorflow as _tf

Dataset = collections.namedtuple("Dataset", ["data", "target"])


def load_dataset(name, size="small", test_with_fake_data=False):
    """``tf.contrib.learn.datasets.load_dataset``: ``"mnist"`` is ``input_data.read_data_sets("MNIST-data")``, as in
    TF 1.15. Its other datasets (iris and boston shipped inside the TF 1.x package, dbpedia downloaded) are not
    available offline.

    Raises:
      ValueError: for a name TF 1.15 did not know, or one that cannot be served here.
    """
    if name == "mnist":
        from compat import input_data

        return input_data.load_mnist()
    if name in ("iris", "boston", "dbpedia"):
        raise ValueError(f"tf.contrib.learn.datasets.load_dataset({name!r}) is not served by the compat runtime: its "
                         f"data shipped with TF 1.x or was downloaded; load the CSV yourself with numpy.loadtxt")
    raise ValueError(f"Name of dataset is not recognized: {name}")


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


class CategoricalVocabulary:
    """A growing mapping category -> id, with ``unknown_token`` at id 0.

    ``get`` adds an unseen category (id = current size) unless frozen, when it returns 0; ``add`` counts a
    category's frequency; ``trim(min_frequency, max_frequency)`` renumbers 1..n by descending frequency (ties in
    alphabetical order), keeping categories seen MORE than ``min_frequency`` times (and fewer than
    ``max_frequency`` if positive), as TF 1.15 did.
    """

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        return len(self._mapping)

    def freeze(self, freeze=True):
        self._freeze = freeze

    def get(self, category):
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        if self.get(category) > 0:
            self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        by_name = sorted(self._freq.items(), key=lambda item: (isinstance(item[0], str), item[0]))
        ordered = sorted(by_name, key=lambda item: item[1], reverse=True)  # stable: ties stay alphabetical
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        kept = []
        for category, count in ordered:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = len(self._mapping)
            kept.append((category, count))
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(kept)

    def reverse(self, class_id):
        """The category of ``class_id``. Raises ValueError without ``support_reverse``."""
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initalized with support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]


_TOKEN = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator):
    """Yield the word tokens of each string: runs of capitals, capitalised words before another capital, and runs
    of word characters, apostrophes and hyphens."""
    for value in iterator:
        yield _TOKEN.findall(value)


class VocabularyProcessor:
    """Maps documents to fixed-length rows of word ids (0 pads and marks unknown words).

    Args:
      max_document_length: row length; longer documents are cut.
      min_frequency: after ``fit``, keep words seen more than this many times.
      vocabulary: a ``CategoricalVocabulary`` to start from.
      tokenizer_fn: a generator of token lists, ``tokenizer`` by default.
    """

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None, tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary or CategoricalVocabulary()
        self._tokenizer = tokenizer_fn or tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Count every token, trim by ``min_frequency``, freeze; returns self."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yield one int64 row of ``max_document_length`` word ids per document."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = np.zeros(self.max_document_length, np.int64)
            for idx, token in enumerate(tokens[:self.max_document_length]):
                word_ids[idx] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yield each row of ids as its words joined by spaces (padding shows as the unknown token)."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        """Pickle this processor to ``filename``."""
        with _tf.io.gfile.GFile(filename, "wb") as handle:
            handle.write(pickle.dumps(self))

    @classmethod
    def restore(cls, filename):
        """The processor pickled at ``filename``."""
        with _tf.io.gfile.GFile(filename, "rb") as handle:
            return pickle.loads(handle.read())
