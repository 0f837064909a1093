"""compat — an era runtime: TensorFlow 1-era scripts run unchanged on TensorFlow 2.21.

Start here:
- ``table.py``      the one declarative table of every era name the runtime serves (read it first);
- ``namespace.py``  how a dotted era name (``tf.contrib.layers.batch_norm``) is resolved through that table;
- ``imports.py``    the import hook that hands those namespaces to user scripts (library code keeps the real modules);
- ``runner.py``     ``python -m compat run SCRIPT``: runs a script as ``__main__`` in its era;
- ``steps.py``      training-step counting (``--max-steps``) and loss recording (``--record``);
- ``patches.py``    the one registry of every change the runtime makes to TensorFlow, builtins, ``sys``, ``os.environ``;
- ``record.py``     the ``--record`` format (JSON lines) and its one reader;
- ``explain.py``    ``python -m compat explain SCRIPT``: what each era call a script uses became (``api_index.py``:
  the installed TensorFlow's public names, read without importing it); ``coverage.py``: the TF 1.15 surface sweep
  (``explain --coverage``, names in ``data/tf115_api.txt``);
- shims: ``shims.py`` (signature changes), ``scipy_misc.py``, ``input_data.py`` (+ ``dataset_files.py``),
  ``slim_repairs.py`` (tf_slim on current TensorFlow), ``contrib/`` (the tf.contrib families tf_slim and TF 2 do
  not serve: rnn, seq2seq, eager, HParams ...).

``import compat.v1 as tf`` gives the same TF1 namespace the runner gives, for people who prefer one explicit line.
"""
import os

from compat import patches as _patches

# Legacy Keras (tf_keras, Keras 2) must be chosen before TensorFlow is first imported: TF reads this once.
# Without it tf.compat.v1.layers is "not available with Keras 3" and tf.keras is Keras 3.
_patches.REGISTRY["TF_USE_LEGACY_KERAS"].apply(lambda: os.environ.setdefault("TF_USE_LEGACY_KERAS", "1"))
