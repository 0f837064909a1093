"""The accuracy the mnistGANs tutorials print next to the losses."""
import tensorflow as tf


def binary_accuracy(label, pred):
    """Fraction of the discriminator's verdicts that match the labels.

    Args:
      label: [n, 1] float tensor of 1 (real) / 0 (generated).
      pred: [n, 1] logits (the discriminator has no sigmoid: the loss takes logits), so "real" means pred > 0,
        i.e. sigmoid(pred) > 0.5.

    Returns:
      a scalar float32 tensor in [0, 1].
    """
    verdict = tf.cast(pred > 0, tf.float32)
    return tf.reduce_mean(tf.cast(tf.equal(verdict, label), tf.float32))
