"""What 003_dcgan_keras's generator draws at a full run's checkpoints: the runner's ``--sampler``
(``reproductions/sampling.py`` says what a sampler must and must not do)."""
import numpy as np

from reproductions.sampling import SAMPLES, private_rng


def draw(script, session):
    """``gan.g`` in inference mode (``training=False``, as visual.save_gan) on z ~ N(0, 1); tanh output mapped
    from [-1, 1] to [0, 1] as the script does for its grids."""
    gan = script["gan"]
    noise = private_rng().normal(size=(SAMPLES, gan.latent_dim)).astype(np.float32)
    images = np.asarray(gan.g(noise, training=False)).reshape(-1, 28, 28)
    return {"images": ((images + 1.0) / 2.0).astype(np.float32)}
