"""What 004_vanilla_gan's generator draws at a full run's checkpoints: the runner's ``--sampler``
(``reproductions/sampling.py`` says what a sampler must and must not do)."""
import numpy as np

from reproductions.sampling import SAMPLES, private_rng


def draw(script, session):
    """``G_sample`` fed ``Z`` ~ U(-1, 1) (the script's ``sample_Z``); sigmoid output, already in [0, 1]."""
    noise = private_rng().uniform(-1.0, 1.0, size=(SAMPLES, script["Z_dim"]))
    images = session.run(script["G_sample"], feed_dict={script["Z"]: noise})
    return {"images": images.reshape(-1, 28, 28).astype(np.float32)}
