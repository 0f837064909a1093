"""What 002_cgan_maxout's generator draws at a full run's checkpoints: the runner's ``--sampler``
(``reproductions/sampling.py`` says what a sampler must and must not do)."""
import numpy as np

from reproductions.sampling import SAMPLES, private_rng


def draw(script, session):
    """``cgan.generator`` as the script's ``predict`` grids run it (batch norm on moving averages) on z ~ U(0, 1)
    and one-hot labels, 100 per class. The generator ends in a batch norm after its sigmoid, so its output range is
    whatever that layer makes it; the script min-max scales each grid for display, and so does this (over all the
    samples together)."""
    cgan, latent, classes = script["cgan"], script["LATENT_DIM"], script["NUM_CLASSES"]
    labels = np.arange(SAMPLES) % classes
    noise = private_rng().uniform(0, 1, size=(SAMPLES, latent))
    images = np.asarray(cgan.generator([noise, np.eye(classes)[labels]], training=False)).reshape(-1, 28, 28)
    low, high = images.min(), images.max()
    images = (images - low) / (high - low) if high > low else np.zeros_like(images)
    return {"images": images.astype(np.float32), "labels": labels}
