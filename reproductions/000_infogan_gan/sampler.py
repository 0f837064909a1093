"""What 000_infogan_gan's generator draws at a full run's checkpoints: the runner's ``--sampler``
(``reproductions/sampling.py`` says what a sampler must and must not do)."""
import numpy as np

from reproductions.sampling import SAMPLES, in_batches, private_rng


def draw(script, session):
    """``gan.fake_images`` (the test generator, batch norm on moving averages) on z ~ U(-1, 1), fed in batches of
    the graph's fixed batch size; sigmoid output, already in [0, 1]."""
    gan = script["gan"]
    z = private_rng().uniform(-1, 1, size=(SAMPLES + gan.batch_size, gan.z_dim))
    images = in_batches(lambda s: session.run(gan.fake_images, {gan.z: z[s:s + gan.batch_size]}), gan.batch_size)
    return {"images": images.reshape(-1, 28, 28).astype(np.float32)}
