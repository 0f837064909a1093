"""Generator samples at checkpoints (``--sample-every N --sampler MODULE:FUNCTION --samples-dir DIR``).

A GAN's losses say little about what it draws. To follow sample quality over a run without editing the script,
the runner can call a *sampler* before the first training step and after every ``N``-th one, and save what it
returns as ``DIR/step-<k>.npz`` (``k`` = training steps done; step 0 is the untrained generator).

A sampler is a plain function ``sampler(script, session) -> dict of arrays``:

- ``script``: the running script's global namespace (a dict), to reach its tensors or models (``G_sample``,
  ``gan.fake_images``, ``cgan.generator``);
- ``session``: in graph mode the ``tf.Session`` that is running the training step, else None.

It must not disturb training: draw its noise from its own generator (not ``np.random``'s global one, which the
script's data order depends on), and in graph mode fetch nothing that trains or draws from a stateful random op
the training step uses (feed such a tensor instead: a fed tensor's op is not run). A sampler that fails is
reported once on stderr and switched off; training goes on.

The files are written atomically (temporary name, then ``os.replace``), so a run killed mid-write leaves only
complete ones.
"""
import importlib
import os
import sys
from pathlib import Path

import numpy as np

from compat import patches


def load_sampler(spec, script_folder=None):
    """``"package.module:function"`` -> the function; a clear ValueError for anything else.

    The module is looked up as the script would see it (``script_folder`` first on sys.path), but imported as
    plain harness code: it gets the real libraries, not the era namespaces the script's own modules get.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"--sampler needs MODULE:FUNCTION (e.g. reproductions.004_vanilla_gan.sampler:draw), "
                         f"got {spec!r}")
    lookup = patches.REGISTRY["sampler lookup path"]
    if script_folder:
        lookup.apply(script_folder)
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"--sampler {spec!r}: {error}") from error
    finally:
        lookup.revert()
    if not callable(function):
        raise ValueError(f"--sampler {spec!r} is not a function")
    return function


class SampleDumps:
    """Calls the sampler at step 0 and every ``every`` steps and saves each result in ``folder``."""

    def __init__(self, sampler, every, folder, script):
        if every < 1:
            raise ValueError(f"--sample-every must be at least 1, got {every}")
        self.sampler, self.every, self.folder, self.script = sampler, every, Path(folder), script
        self.folder.mkdir(parents=True, exist_ok=True)
        self.failed = False
        self._done = set()

    def at(self, step, session=None):
        """Dump samples if ``step`` (training steps done so far) is a checkpoint and not yet dumped."""
        if self.failed or step % self.every or step in self._done:
            return
        self._done.add(step)
        try:
            arrays = self.sampler(self.script, session)
            path = self.folder / f"step-{step:08d}.npz"
            tmp = path.with_name(path.name + ".tmp.npz")
            np.savez(tmp, **{key: np.asarray(value) for key, value in arrays.items()})
            os.replace(tmp, path)
        except Exception as error:  # noqa: BLE001 - a broken sampler must not stop the training it watches
            self.failed = True
            print(f"compat: sampler {getattr(self.sampler, '__name__', self.sampler)} failed at step {step} "
                  f"({type(error).__name__}: {error}); no further samples are written", file=sys.stderr,
                  flush=True)
