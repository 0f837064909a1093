"""What every reproduction's sampler shares. A sampler (``<reproduction>/sampler.py``: ``draw``) is the runner's
``--sampler`` (see compat/samples.py) in a full run.

``draw(script, session) -> {"images": float32 (N, 28, 28) in [0, 1][, "labels": int (N,)]}``: it reaches into
the running script's globals for the generator the script itself samples from, feeds it noise of the script's own
distribution drawn from a private generator (:func:`private_rng`: the same noise at every checkpoint, and NumPy's
global generator, which fixes the script's data order, is left alone), and maps the output to [0, 1] the way the
script maps it for its own sample grids, in the generator mode of those grids. The evaluation classifier
(:mod:`reproductions.classifier`) then scores the files (:mod:`reproductions.quality`).
"""
import numpy as np

SAMPLES = 1000  # images per checkpoint: enough for stable classifier statistics, ~1-5 s of generator time
NOISE_SEED = 20161  # a private generator's seed: the same noise at every checkpoint of a run


def private_rng():
    """A NumPy generator of the sampler's own, seeded ``NOISE_SEED`` (never the script's global one)."""
    return np.random.RandomState(NOISE_SEED)


def in_batches(run_batch, batch_size, count=SAMPLES):
    """Call ``run_batch(start)`` for consecutive fixed-size batches (graphs built with a fixed batch dimension)
    and stack the results, keeping ``count`` rows."""
    batches = [run_batch(start) for start in range(0, count, batch_size)]
    return np.concatenate(batches)[:count]
