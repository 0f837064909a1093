"""NumPy calls era scripts make whose keywords or names later NumPy releases removed (1.24–2.x)."""
import sys

import numpy as np


def reshape(a, *args, newshape=None, **kwargs):
    """``np.reshape(a, newshape=...)``: the keyword NumPy 2.1 renamed to ``shape`` (and 2.4 removed) still means
    the new shape; everything else is ``np.reshape`` unchanged."""
    if newshape is not None:
        if args or "shape" in kwargs:
            raise TypeError("np.reshape: pass the new shape once (newshape= is the old spelling of shape=)")
        return np.reshape(a, newshape, **kwargs)
    return np.reshape(a, *args, **kwargs)


def histogram(a, bins=10, range=None, normed=None, weights=None, density=None):
    """``np.histogram`` accepting ``normed=`` (removed in NumPy 1.24): ``normed=True`` meant what ``density=True``
    means (a probability density: the integral over the range is 1)."""
    if normed is not None:
        if density is not None:
            raise TypeError("np.histogram: pass density= or the old normed=, not both")
        density = normed
    return np.histogram(a, bins=bins, range=range, weights=weights, density=density)


class _Cast:
    """``np.cast[dtype](x)`` (removed in NumPy 2.0): ``x`` as an array of ``dtype``."""

    def __getitem__(self, dtype):
        return lambda x: np.asarray(x).astype(dtype)


cast = _Cast()


def set_printoptions(*args, threshold=None, **kwargs):
    """``np.set_printoptions`` accepting the era's ``threshold=np.nan`` ("never summarise"), which NumPy 1.16
    began to refuse: it means ``sys.maxsize``."""
    if threshold is not None and isinstance(threshold, float) and np.isnan(threshold):
        threshold = sys.maxsize
    if threshold is not None:
        kwargs["threshold"] = threshold
    return np.set_printoptions(*args, **kwargs)


def load(file, mmap_mode=None, allow_pickle=True, fix_imports=True, encoding="ASCII", **kwargs):
    """``np.load`` with the era's default ``allow_pickle=True`` (NumPy 1.16.3 changed it to False): scripts of the
    time saved dicts and object arrays with ``np.save`` and read them back with ``np.load(...).item()``. Load only
    files you trust; pass ``allow_pickle=False`` to refuse pickled data."""
    return np.load(file, mmap_mode=mmap_mode, allow_pickle=allow_pickle, fix_imports=fix_imports, encoding=encoding,
                   **kwargs)
