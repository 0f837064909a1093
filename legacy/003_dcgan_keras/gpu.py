"""GPU memory set-up of the TF 2.3 era."""
import tensorflow as tf


def set_soft_gpu(soft_gpu):
    """Let TensorFlow take GPU memory as it needs it instead of reserving (almost) all of it at start-up.

    Args:
      soft_gpu: True to turn on memory growth on every visible GPU. It must run before the first op touches a GPU.
        A machine without a GPU lists none, and nothing changes.
    """
    if soft_gpu:
        gpus = tf.config.experimental.list_physical_devices('GPU')
        for gpu in gpus:
            tf.config.experimental.set_memory_growth(gpu, True)
