"""SciPy functions that ``scipy.misc`` lost in SciPy 1.0–1.3 (they moved to ``scipy.special``), in NumPy.

Written here rather than aliased because SciPy is not a dependency of this project: the era runtime serves these
names whether or not SciPy is installed.
"""
import math

import numpy as np


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably by factoring out the maximum.

    Args:
      a: input array.
      axis: axis or tuple of axes to sum over; None sums everything.
      b: optional scale factors, broadcast against ``a`` (may be negative with ``return_sign``).
      keepdims: keep the reduced axes as size 1.
      return_sign: return ``(log|s|, sign(s))``; without it a negative sum gives nan, as SciPy did.

    Returns:
      the log-sum-exp (and its sign with ``return_sign``).
    """
    a = np.asarray(a)
    if b is not None:
        a, b = np.broadcast_arrays(a, b)
        if np.any(b == 0):
            a = a + 0.0
            a[b == 0] = -np.inf
    a_max = np.amax(a, axis=axis, keepdims=True)
    if a_max.ndim > 0:
        a_max[~np.isfinite(a_max)] = 0
    elif not np.isfinite(a_max):
        a_max = 0
    tmp = np.exp(a - a_max) if b is None else b * np.exp(a - a_max)
    with np.errstate(divide="ignore"):
        s = np.sum(tmp, axis=axis, keepdims=keepdims)
        if return_sign:
            sign = np.sign(s)
            s = s * sign
        out = np.log(s)
    if not keepdims:
        a_max = np.squeeze(a_max, axis=axis)
    out = out + a_max
    return (out, sign) if return_sign else out


def factorial(n, exact=False):
    """``n!``: a Python int with ``exact``, else a float array via the gamma function (0 for negative n)."""
    if exact:
        if np.ndim(n) == 0:
            return 0 if n < 0 else math.factorial(int(n))
        raise ValueError("factorial(exact=True) takes a scalar")
    n = np.asarray(n, dtype=float)
    out = np.vectorize(lambda v: math.gamma(v + 1) if v >= 0 else 0.0, otypes=[float])(n)
    return out[()] if out.ndim == 0 else out


def comb(N, k, exact=False, repetition=False):
    """The number of ways to choose ``k`` of ``N`` (with ``repetition``: multisets, ``C(N + k - 1, k)``). Out of
    range ``k`` gives 0. ``exact`` returns a Python int, else a float."""
    if repetition:
        return comb(N + k - 1, k, exact)
    if exact:
        N, k = int(N), int(k)
        return math.comb(N, k) if 0 <= k <= N else 0
    N, k = np.asarray(N, dtype=float), np.asarray(k, dtype=float)
    valid = (k >= 0) & (N >= 0) & (k <= N)
    value = np.vectorize(_float_comb, otypes=[float])(N, k)
    value = np.where(valid, value, 0.0)
    return value[()] if value.ndim == 0 else value


def _float_comb(n, r):
    if not 0 <= r <= n:
        return 0.0
    if float(n).is_integer() and float(r).is_integer():
        return float(math.comb(int(n), int(r)))
    return math.exp(math.lgamma(n + 1) - math.lgamma(r + 1) - math.lgamma(n - r + 1))
