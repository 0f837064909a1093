"""Shims for ``tf.contrib`` families that TF 2.21 no longer ships, each faithful to TF 1.15.

One module per family, each holding only the names that family exported:

- ``rnn`` (cells, static and stacked RNNs), ``framework`` (arg_scope, variables, checkpoints), ``data``;
- ``eager`` (``tfe``) and ``eager_metrics`` (``tfe.metrics``);
- ``training`` and ``hparams`` (``tf.contrib.training.HParams``);
- ``seq2seq`` (``legacy_seq2seq`` and ``seq2seq.sequence_loss``), ``decoder``, ``attention`` and ``beam_search``
  (``contrib.seq2seq``'s decoders, helpers, attention and beam search);
- ``distributions``, ``learn`` (CSV loaders, ``VocabularyProcessor``);
- ``numpy_removed`` / ``scipy_removed``: NumPy and SciPy names that era scripts use and later releases dropped.

Whatever TF 2.21 still has is re-exported unchanged; what it lost is written here from TF 1.15's documented
behaviour. Names a family exported that are not here are dead ends in ``compat/table.py``.
"""
