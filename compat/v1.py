"""``import compat.v1 as tf``: the TF1 namespace the runner gives scripts, in one explicit line.

Importing it turns off TF2 behaviour for the process (``tf.compat.v1.disable_v2_behavior()``: graph mode, ref
variables, v1 control flow), as running under TF 1.15 would, and replaces this module with the era namespace
``tf`` (``namespace.root("tf", "tf1")``): ``tf.placeholder``, ``tf.contrib.layers.batch_norm``, ``tf.mul`` ...
"""
import sys

import tensorflow as _tensorflow

from compat import namespace as _namespace

_tensorflow.compat.v1.disable_v2_behavior()
sys.modules[__name__] = _namespace.root("tf", "tf1")
