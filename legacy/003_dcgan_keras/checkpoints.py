"""Saving a trained GAN's weights."""
import os


def save_weights(model):
    """Save every weight of `model` (its generator, discriminator and the optimizer's slots) as a TensorFlow
    checkpoint: models/<class name in lower case>/model.ckpt.index and .data-00000-of-00001, relative to the working
    directory.

    Args:
      model: a built keras.Model; a subclassed model is saved by its object graph (attributes g, d, opt).
    """
    name = model.__class__.__name__.lower()
    path = os.path.join("models", name)
    os.makedirs(path, exist_ok=True)
    model.save_weights(os.path.join(path, "model.ckpt"))
