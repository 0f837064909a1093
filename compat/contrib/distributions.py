"""``tf.contrib.distributions`` of TF 1.15: the core distributions TF 2.21 keeps as ``tf.compat.v1.distributions``,
plus the contrib names scripts of the era used most that have a closed form over them.

Written here from TF 1.15's documented behaviour: ``MultivariateNormalDiag`` (a diagonal Gaussian whose last axis is
the event), ``NormalWithSoftplusScale``, ``OneHotCategorical``, ``RelaxedOneHotCategorical`` (Gumbel-softmax /
Concrete) and the TF 1.0 spelling ``kl`` of ``kl_divergence``. The rest of contrib's
distributions and its bijectors are dead ends in ``compat/table.py`` (tensorflow_probability has them).
"""
import math

import numpy as np
import tensorflow as _tf

_v1 = _tf.compat.v1
_d = _v1.distributions

Bernoulli = _d.Bernoulli
Beta = _d.Beta
Categorical = _d.Categorical
Dirichlet = _d.Dirichlet
DirichletMultinomial = _d.DirichletMultinomial
Distribution = _d.Distribution
Exponential = _d.Exponential
Gamma = _d.Gamma
Laplace = _d.Laplace
Multinomial = _d.Multinomial
Normal = _d.Normal
StudentT = _d.StudentT
Uniform = _d.Uniform
RegisterKL = _d.RegisterKL
ReparameterizationType = _d.ReparameterizationType
FULLY_REPARAMETERIZED = _d.FULLY_REPARAMETERIZED
NOT_REPARAMETERIZED = _d.NOT_REPARAMETERIZED
kl_divergence = _d.kl_divergence
kl = _d.kl_divergence  # TF 1.0-1.2 name


def NormalWithSoftplusScale(loc, scale, validate_args=False, allow_nan_stats=True,
                            name="NormalWithSoftplusScale"):
    """``Normal(loc, softplus(scale))``, as TF 1.15's contrib class was."""
    with _tf.name_scope(name):
        return Normal(loc=loc, scale=_tf.nn.softplus(scale, name="softplus_scale"), validate_args=validate_args,
                      allow_nan_stats=allow_nan_stats, name=name)


class MultivariateNormalDiag(_d.Distribution):
    """A Gaussian with diagonal covariance over the last axis: ``x = loc + scale * z``, ``z ~ N(0, I)``.

    Args:
      loc: means ``[..., k]`` (zeros if None).
      scale_diag: standard deviations ``[..., k]``.
      scale_identity_multiplier: added to ``scale_diag`` (or the scale itself if ``scale_diag`` is None).
      validate_args, allow_nan_stats, name: as for every TF1 distribution.

    Raises:
      ValueError: when neither ``loc`` nor a scale gives the event size.
    """

    def __init__(self, loc=None, scale_diag=None, scale_identity_multiplier=None, validate_args=False,
                 allow_nan_stats=True, name="MultivariateNormalDiag"):
        parameters = dict(locals())
        with _tf.name_scope(name) as scope:
            if loc is None and scale_diag is None:
                raise ValueError("MultivariateNormalDiag needs loc or scale_diag to know the event size")
            loc = None if loc is None else _tf.convert_to_tensor(loc, name="loc")
            dtype = loc.dtype if loc is not None else _tf.convert_to_tensor(scale_diag).dtype
            scale = None if scale_diag is None else _tf.convert_to_tensor(scale_diag, dtype=dtype, name="scale_diag")
            if scale_identity_multiplier is not None:
                multiplier = _tf.convert_to_tensor(scale_identity_multiplier, dtype=dtype)
                scale = multiplier * _tf.ones_like(loc) if scale is None else scale + multiplier
            self._loc = _tf.zeros_like(scale) if loc is None else loc
            self._scale = _tf.ones_like(self._loc) if scale is None else scale
        super().__init__(dtype=dtype, reparameterization_type=FULLY_REPARAMETERIZED, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, parameters=parameters,
                         graph_parents=[self._loc, self._scale], name=scope)

    @property
    def loc(self):
        return self._loc

    @property
    def scale_diag(self):
        return self._scale

    def _full(self):
        return _tf.broadcast_to(self._loc, _tf.broadcast_dynamic_shape(_tf.shape(self._loc), _tf.shape(self._scale)))

    def _batch_shape_tensor(self):
        return _tf.shape(self._full())[:-1]

    def _batch_shape(self):
        return _tf.broadcast_static_shape(self._loc.shape, self._scale.shape)[:-1]

    def _event_shape_tensor(self):
        return _tf.shape(self._full())[-1:]

    def _event_shape(self):
        return _tf.broadcast_static_shape(self._loc.shape, self._scale.shape)[-1:]

    def _sample_n(self, n, seed=None):
        shape = _tf.concat([[n], _tf.shape(self._full())], 0)
        return self._loc + self._scale * _v1.random_normal(shape, dtype=self.dtype, seed=seed)

    def _log_prob(self, x):
        z = (x - self._loc) / self._scale
        return _tf.reduce_sum(-0.5 * _tf.square(z) - 0.5 * math.log(2 * math.pi) - _tf.math.log(_tf.abs(self._scale)),
                              -1)

    def _entropy(self):
        per_dim = 0.5 * math.log(2 * math.pi * math.e) + _tf.math.log(_tf.abs(self._scale)) + _tf.zeros_like(
            self._loc)
        return _tf.reduce_sum(per_dim, -1)

    def _mean(self):
        return self._full()

    def _mode(self):
        return self._full()

    def _stddev(self):
        return _tf.abs(self._scale) + _tf.zeros_like(self._loc)

    def _variance(self):
        return _tf.square(self._stddev())

    def _covariance(self):
        return _tf.linalg.diag(self._variance())


@RegisterKL(MultivariateNormalDiag, MultivariateNormalDiag)
def _kl_mvn_diag(a, b, name=None):
    """KL(a || b) of two diagonal Gaussians: the sum over the event axis of the per-dimension normal KLs."""
    with _tf.name_scope(name or "kl_mvn_diag"):
        ratio = _tf.square(a.stddev() / b.stddev())
        return _tf.reduce_sum(0.5 * (ratio + _tf.square((a.mean() - b.mean()) / b.stddev()) - 1 - _tf.math.log(ratio)),
                              -1)


def _logits_of(logits, probs, dtype):
    if (logits is None) == (probs is None):
        raise ValueError("Must pass probs or logits, but not both.")
    if logits is not None:
        return _tf.convert_to_tensor(logits, dtype=dtype, name="logits")
    return _tf.math.log(_tf.convert_to_tensor(probs, dtype=dtype, name="probs"))


class _OverLogits(_d.Distribution):
    """A distribution over one-hot vectors: the last axis of ``logits`` is the event, the others the batch."""

    def _batch_shape_tensor(self):
        return _tf.shape(self._logits)[:-1]

    def _batch_shape(self):
        return self._logits.shape[:-1]

    def _event_shape_tensor(self):
        return _tf.shape(self._logits)[-1:]

    def _event_shape(self):
        return self._logits.shape[-1:]


class OneHotCategorical(_OverLogits):
    """A categorical draw over the last axis of ``logits`` (or ``probs``), returned one-hot in ``dtype``
    (int32 by default). ``log_prob(x) = sum(x * log_softmax(logits))``."""

    def __init__(self, logits=None, probs=None, dtype=_tf.int32, validate_args=False, allow_nan_stats=True,
                 name="OneHotCategorical"):
        parameters = dict(locals())
        with _tf.name_scope(name) as scope:
            self._logits = _logits_of(logits, probs, None)
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, parameters=parameters, graph_parents=[self._logits],
                         name=scope)

    @property
    def logits(self):
        return self._logits

    @property
    def probs(self):
        return _tf.nn.softmax(self._logits)

    def _sample_n(self, n, seed=None):
        depth = _tf.shape(self._logits)[-1]
        flat = _tf.reshape(self._logits, [-1, depth])
        draws = _tf.transpose(_v1.multinomial(flat, n, seed=seed))  # [n, batch]
        one_hot = _tf.one_hot(draws, depth, dtype=self.dtype)
        return _tf.reshape(one_hot, _tf.concat([[n], _tf.shape(self._logits)], 0))

    def _log_prob(self, x):
        return _tf.reduce_sum(_tf.cast(x, self._logits.dtype) * _tf.nn.log_softmax(self._logits), -1)

    def _entropy(self):
        return -_tf.reduce_sum(_tf.nn.softmax(self._logits) * _tf.nn.log_softmax(self._logits), -1)

    def _mode(self):
        return _tf.one_hot(_tf.argmax(self._logits, -1), _tf.shape(self._logits)[-1], dtype=self.dtype)


class RelaxedOneHotCategorical(_OverLogits):
    """The Gumbel-softmax (Concrete) relaxation of a one-hot categorical, on the simplex.

    A sample is ``softmax((logits + g) / temperature)`` with Gumbel noise ``g = -log(-log(u))``,
    ``u ~ Uniform(tiny, 1)``; low temperatures approach one-hot draws. ``log_prob`` is the Concrete density
    (Maddison et al. 2017): ``log((k-1)!) + (k-1) log(temperature) + sum(log_softmax(logits - temperature *
    log(y))) - sum(log(y))``.
    """

    def __init__(self, temperature, logits=None, probs=None, dtype=None, validate_args=False, allow_nan_stats=True,
                 name="RelaxedOneHotCategorical"):
        parameters = dict(locals())
        with _tf.name_scope(name) as scope:
            self._logits = _logits_of(logits, probs, dtype)
            self._temperature = _tf.convert_to_tensor(temperature, dtype=self._logits.dtype, name="temperature")
        super().__init__(dtype=self._logits.dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats, parameters=parameters,
                         graph_parents=[self._logits, self._temperature], name=scope)

    @property
    def logits(self):
        return self._logits

    @property
    def probs(self):
        return _tf.nn.softmax(self._logits)

    @property
    def temperature(self):
        return self._temperature

    def _sample_n(self, n, seed=None):
        shape = _tf.concat([[n], _tf.shape(self._logits)], 0)
        tiny = self.dtype.as_numpy_dtype(np.finfo(self.dtype.as_numpy_dtype).tiny)
        uniform = _v1.random_uniform(shape, minval=tiny, maxval=1.0, dtype=self.dtype, seed=seed)
        gumbel = -_tf.math.log(-_tf.math.log(uniform))
        return _tf.exp(_tf.nn.log_softmax((gumbel + self._logits) / self._temperature))

    def _log_prob(self, y):
        log_y = _tf.math.log(y)
        k = _tf.cast(_tf.shape(self._logits)[-1], self.dtype)
        log_norm = _tf.math.lgamma(k) + (k - 1.0) * _tf.math.log(self._temperature)
        temperature = _tf.expand_dims(self._temperature, -1)  # one temperature per batch entry
        unnorm = _tf.reduce_sum(_tf.nn.log_softmax(self._logits - log_y * temperature), -1)
        return log_norm + unnorm - _tf.reduce_sum(log_y, -1)
