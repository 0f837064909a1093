"""What 001_dcgan_generator's generator draws at a full run's checkpoints: the runner's ``--sampler``
(``reproductions/sampling.py`` says what a sampler must and must not do)."""
import numpy as np

from reproductions.sampling import SAMPLES, in_batches, private_rng


def draw(script, session):
    """``G_sample`` with its in-graph noise tensor ``z`` *fed* (so the training noise op is not run and its random
    stream is untouched) by N(0, 1) noise, batch norm in training mode as the script's own sample grids. Each
    32x64 output holds two digits, each 28x28 padded by 2 pixels (``side_by_side``): both are scored, left halves
    first. tanh output mapped from [-1, 1] to [0, 1]."""
    z, g_sample, batch = script["z"], script["G_sample"], script["config"].batch_size
    count = (SAMPLES + 1) // 2
    noise = private_rng().normal(size=(count + batch, int(z.shape[1]))).astype(np.float32)
    pairs = in_batches(lambda s: session.run(g_sample, {z: noise[s:s + batch], script["training_phase"]: True}),
                       batch, count)[..., 0]
    digits = np.concatenate([pairs[:, 2:30, 2:30], pairs[:, 2:30, 34:62]])[:SAMPLES]
    return {"images": ((digits + 1.0) / 2.0).astype(np.float32)}


def moving_statistics(script, session):
    """Every batch norm's moving mean and variance by TF1 name: a ``--sampler`` for the equivalence test, which
    holds the port's statistics against these (variables only: fetching them draws no noise and updates
    nothing)."""
    variables = [v for v in script["tf"].global_variables() if "/moving_" in v.name]
    return dict(zip((v.name for v in variables), session.run(variables)))
