"""``import compat.v1 as tf``: the TF1 namespace the runner gives scripts, in one explicit line.

Importing it turns off TF2 behaviour for the process (``tf.compat.v1.disable_v2_behavior()``: graph mode, ref
variables, v1 control flow), as running under TF 1.15 would, repairs ``tf_slim`` on its first import (as the runner
does), and replaces this module with the era namespace ``tf`` (``namespace.root("tf", "tf1")``): ``tf.placeholder``,
``tf.contrib.layers.batch_norm``, ``tf.mul`` ... These changes last for the process (``compat/patches.py`` rows
"TF2 behaviour off", "tf_slim import hook", "compat.v1").
"""
import tensorflow as _tensorflow

from compat import namespace as _namespace
from compat import patches as _patches
from compat import slim_repairs as _slim_repairs

_patches.REGISTRY["TF2 behaviour off"].apply(_tensorflow.compat.v1.disable_v2_behavior)
_slim_repairs.install_import_hook()
_patches.REGISTRY["compat.v1"].apply(_namespace.root("tf", "tf1"))
