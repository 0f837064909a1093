"""What each reproduction's generator draws at a checkpoint, as the runner's ``--sampler`` (see compat/samples.py).

One function per legacy script, ``sampler(script, session) -> {"images": float32 (N, 28, 28) in [0, 1][,
"labels": int (N,)]}``: it reaches into the running script's globals for the generator the script itself samples
from, feeds it noise of the script's own distribution drawn from a private generator (``_noise``: the same noise at
every checkpoint, and NumPy's global generator, which fixes the script's data order, is left alone), and maps the
output to [0, 1] the way the script maps it for its own sample grids. The evaluation classifier
(:mod:`reproductions.classifier`) then scores the files (:mod:`reproductions.quality`).

Each sampler uses the same generator mode as the script's grids: 000 its test generator (``is_training=False``,
batch norm on moving averages), 001 ``training_phase: True`` (as its run_diagnostics), 002 ``predict`` (moving
averages), 003 ``training=False``, 004 the one generator there is.
"""
import numpy as np

SAMPLES = 1000  # images per checkpoint: enough for stable classifier statistics, ~1-5 s of generator time
NOISE_SEED = 20161  # a private generator's seed: the same noise at every checkpoint of a run


def _noise():
    return np.random.RandomState(NOISE_SEED)


def _in_batches(run_batch, batch_size, count=SAMPLES):
    """Call ``run_batch(start)`` for consecutive fixed-size batches (graphs built with a fixed batch dimension)
    and stack the results, keeping ``count`` rows."""
    batches = [run_batch(start) for start in range(0, count, batch_size)]
    return np.concatenate(batches)[:count]


def infogan_gan_000(script, session):
    """``gan.fake_images`` (the test generator, batch norm on moving averages) on z ~ U(-1, 1), fed in batches of
    the graph's fixed batch size; sigmoid output, already in [0, 1]."""
    gan = script["gan"]
    z = _noise().uniform(-1, 1, size=(SAMPLES + gan.batch_size, gan.z_dim))
    images = _in_batches(lambda s: session.run(gan.fake_images, {gan.z: z[s:s + gan.batch_size]}), gan.batch_size)
    return {"images": images.reshape(-1, 28, 28).astype(np.float32)}


def dcgan_generator_001(script, session):
    """``G_sample`` with its in-graph noise tensor ``z`` *fed* (so the training noise op is not run and its random
    stream is untouched) by N(0, 1) noise, batch norm in training mode as the script's own sample grids. Each
    32x64 output holds two digits, each 28x28 padded by 2 pixels (``side_by_side``): both are scored, left halves
    first. tanh output mapped from [-1, 1] to [0, 1]."""
    z, g_sample, batch = script["z"], script["G_sample"], script["config"].batch_size
    count = (SAMPLES + 1) // 2
    noise = _noise().normal(size=(count + batch, int(z.shape[1]))).astype(np.float32)
    pairs = _in_batches(lambda s: session.run(g_sample, {z: noise[s:s + batch], script["training_phase"]: True}),
                        batch, count)[..., 0]
    digits = np.concatenate([pairs[:, 2:30, 2:30], pairs[:, 2:30, 34:62]])[:SAMPLES]
    return {"images": ((digits + 1.0) / 2.0).astype(np.float32)}


def cgan_maxout_002(script, session):
    """``cgan.generator`` as the script's ``predict`` grids run it (batch norm on moving averages) on z ~ U(0, 1)
    and one-hot labels, 100 per class. The generator ends in a batch norm after its sigmoid, so its output range is
    whatever that layer makes it; the script min-max scales each grid for display, and so does this (over all the
    samples together)."""
    cgan, latent, classes = script["cgan"], script["LATENT_DIM"], script["NUM_CLASSES"]
    labels = np.arange(SAMPLES) % classes
    noise = _noise().uniform(0, 1, size=(SAMPLES, latent))
    images = np.asarray(cgan.generator([noise, np.eye(classes)[labels]], training=False)).reshape(-1, 28, 28)
    low, high = images.min(), images.max()
    images = (images - low) / (high - low) if high > low else np.zeros_like(images)
    return {"images": images.astype(np.float32), "labels": labels}


def dcgan_keras_003(script, session):
    """``gan.g`` in inference mode (``training=False``, as visual.save_gan) on z ~ N(0, 1); tanh output mapped
    from [-1, 1] to [0, 1] as the script does for its grids."""
    gan = script["gan"]
    noise = _noise().normal(size=(SAMPLES, gan.latent_dim)).astype(np.float32)
    images = np.asarray(gan.g(noise, training=False)).reshape(-1, 28, 28)
    return {"images": ((images + 1.0) / 2.0).astype(np.float32)}


def vanilla_gan_004(script, session):
    """``G_sample`` fed ``Z`` ~ U(-1, 1) (the script's ``sample_Z``); sigmoid output, already in [0, 1]."""
    noise = _noise().uniform(-1.0, 1.0, size=(SAMPLES, script["Z_dim"]))
    images = session.run(script["G_sample"], feed_dict={script["Z"]: noise})
    return {"images": images.reshape(-1, 28, 28).astype(np.float32)}
