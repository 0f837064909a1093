"""``tf.contrib.training`` of TF 1.15: HParams (``compat.contrib.hparams``) and the train/evaluate loop helpers that
live on in tf_slim's ``training`` package (contrib.training's own training.py and evaluation.py, repaired by
``compat.slim_repairs``). Its queue-based batching and resampling are dead ends in ``compat/table.py``.
"""
from compat import slim_repairs as _slim_repairs
from compat.contrib.hparams import HParams, parse_values  # noqa: F401 - re-exported names of this family

_slim_repairs.apply()
from tf_slim.training import evaluation as _evaluation  # noqa: E402
from tf_slim.training import training as _training  # noqa: E402

add_gradients_summaries = _training.add_gradients_summaries
clip_gradient_norms = _training.clip_gradient_norms
clip_gradient_norms_fn = _training.clip_gradient_norms_fn
multiply_gradients = _training.multiply_gradients
create_train_op = _training.create_train_op
train = _training.train

checkpoints_iterator = _evaluation.checkpoints_iterator
wait_for_new_checkpoint = _evaluation.wait_for_new_checkpoint
evaluate_once = _evaluation.evaluate_once
evaluate_repeatedly = _evaluation.evaluate_repeatedly
get_or_create_eval_step = _evaluation.get_or_create_eval_step
StopAfterNEvalsHook = _evaluation.StopAfterNEvalsHook
SummaryAtEndHook = _evaluation.SummaryAtEndHook
