"""PyTorch ports of legacy reproductions, the outside reference of ``bench_legacy_vs_modern.py`` (not a test).

Each port has the legacy script's architecture, initialisation statistics, losses and optimizer settings, and the
same training-step interface as the TF 2.21 port in ``reproductions/<name>/port.py``: ``d_step(...)`` and ``g_step(...)``
returning a dict of 0-d loss tensors named like the legacy fetches. That lets the benchmark drive a torch port with
the modern port's own ``train`` loop, so both are fed identically (NumPy batches and noise drawn per iteration, in
the legacy order) and both fetch every loss to Python every step (``float(tensor)``), as the legacy ``sess.run``
did. ``load_legacy_weights`` takes the runner's ``--dump-weights`` arrays, so a port's first steps can be compared
with the legacy record (the benchmark prints that check).

Ported: 004 (:class:`VanillaGAN004`) and 000 (:class:`InfoGAN000`).

What changes between TF1 and PyTorch, and what the ports do about it:

* Adam's epsilon. TF1's ``AdamOptimizer`` (and Keras 3's Adam) adds epsilon to ``sqrt(v)`` *before* the bias
  correction is folded into the step size ("epsilon hat" of the Adam paper's section 2):
  ``var -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)``. ``torch.optim.Adam`` adds it after:
  ``var -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``. Both are the same formula when torch's
  epsilon is ``eps / sqrt(1 - b2^t)``: 3.2e-7 at step 1 for TF1's 1e-8, falling towards 1e-8 as t grows.
  :class:`TF1Adam` sets that value before every step, so the ports keep torch's own Adam kernel (same speed)
  with TF1's arithmetic. It matters for 000: its minibatch-discrimination layer has gradients near 1e-8, where
  the two placements' first updates differ by up to a factor of 30; from the same initial weights the loss after
  one update deviates from the legacy run by 9.4e-5 with torch's placement and by 6e-8 with TF1's.
* Adam's betas are passed as their float32 values, as TF1 computed ``1 - beta`` in float32 (see
  ``reproductions/004_vanilla_gan/port.py``).
* Gradients: TF1's ``minimize(loss, var_list=...)`` differentiated only towards its own network's variables.
  ``backward(inputs=...)`` does the same here (plain ``backward()`` would also compute the other network's
  gradients, work the legacy step never did).
* Layout (000): TF1 convolutions are NHWC, torch's NCHW. The weights keep their TF1 values, permuted
  (``[k, k, in, out]`` -> ``[out, in, k, k]``; a transposed convolution's ``[k, k, out, in]`` -> ``[in, out, k, k]``,
  torch's layout for the same adjoint), and the two reshapes between dense and convolutional layers go through
  NHWC so that the dense matrices see features in TF1's order and load unchanged.
* Batch norm (000): ``tf.contrib.layers.batch_norm(decay=0.9, epsilon=1e-5, scale=True,
  updates_collections=None)`` in training mode normalises with the batch mean and biased variance and moves the
  moving statistics 10 % towards the batch mean and the Bessel-corrected variance, in place, on every forward
  pass. ``torch.nn.functional.batch_norm(training=True, momentum=0.1, eps=1e-5)`` does exactly that.
* lrelu (000): ``tf.maximum(x, 0.2 * x)`` has slope 1 at x = 0, ``F.leaky_relu`` 0.2: see :func:`_lrelu`.
* "SAME" padding: for these 4x4 stride-2 (transposed) convolutions on even sizes TF pads 1 on each side, which
  is torch's ``padding=1``.

Threads: the benchmark runs each port on one thread and on torch's default count (:func:`threads`); see the
benchmark's docstring for why both.
"""
import contextlib
import math

import numpy as np
import torch
import torch.nn.functional as F


@contextlib.contextmanager
def threads(count):
    """Run the body with ``torch.set_num_threads(count)`` (None: leave it), then restore the previous count."""
    previous = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class TF1Adam(torch.optim.Adam):
    """``torch.optim.Adam`` computing TF1's ``AdamOptimizer`` update (epsilon added before the bias correction).

    Args:
      params: the variables to update.
      lr, beta1, beta2, epsilon: TF1's ``AdamOptimizer(learning_rate, beta1, beta2, epsilon)`` (defaults 0.9,
        0.999, 1e-8); the betas are rounded to float32 as TF1 held them.
      tf1_epsilon: False gives plain ``torch.optim.Adam(eps=epsilon)`` (the benchmark's check measures the
        difference).
    """

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, tf1_epsilon=True):
        super().__init__(params, lr=lr, betas=(float(np.float32(beta1)), float(np.float32(beta2))), eps=epsilon)
        self.epsilon, self.tf1_epsilon, self.t = epsilon, tf1_epsilon, 0

    def step(self, closure=None):
        self.t += 1
        if self.tf1_epsilon:  # torch divides by sqrt(v) / sqrt(1 - b2^t) + eps: rescale eps to TF1's placement
            for group in self.param_groups:
                group["eps"] = self.epsilon / math.sqrt(1. - group["betas"][1] ** self.t)
        return super().step(closure)


def _xent(logits, label):
    """legacy ``tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=..., labels=label))``."""
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))


def _lrelu(x, leak=0.2):
    """legacy ops.lrelu, ``tf.maximum(x, leak * x)``, including its gradient at 0: TF's Maximum sends the whole
    gradient to its first argument on a tie, so the slope at 0 is 1. ``F.leaky_relu`` has slope ``leak`` there,
    and ``torch.maximum`` splits a tie (0.6); that is not academic: zero-padded borders and Fashion-MNIST's black
    background make d_conv1's outputs exactly 0 at the initial zero biases, and with ``F.leaky_relu`` d_conv1's bias
    gradients at step 1 differed from TF1's by 59 % (median over the 64)."""
    return torch.where(x >= 0, x, x * leak)


def _tensor(array):
    """What feeding a float32 placeholder did: cast the NumPy array (float64 noise or images) to float32."""
    return torch.from_numpy(np.asarray(array, np.float32))


# --- 004 ---------------------------------------------------------------------------------------------------------

class VanillaGAN004:
    """legacy/004_vanilla_gan/vanilla_gan.py: D 784-128-1, G 100-128-784, ReLU, sigmoid output, Adam(1e-3).

    Weights as the legacy ``xavier_init``: N(0, 1 / sqrt(fan_in / 2)), biases 0; kept in TF1's ``[in, out]``
    layout (``x @ W + b``), so legacy arrays load as they are.
    """

    # attribute -> the legacy TF1 name (the script's eight tf.Variables in creation order)
    LEGACY_NAMES = {"D_W1": "Variable:0", "D_b1": "Variable_1:0", "D_W2": "Variable_2:0", "D_b2": "Variable_3:0",
                    "G_W1": "Variable_4:0", "G_b1": "Variable_5:0", "G_W2": "Variable_6:0", "G_b2": "Variable_7:0"}

    def __init__(self, tf1_epsilon=True):
        def xavier(fan_in, fan_out):
            return torch.nn.Parameter(torch.randn(fan_in, fan_out) / (fan_in / 2.) ** 0.5)

        def zeros(n):
            return torch.nn.Parameter(torch.zeros(n))

        self.D_W1, self.D_b1, self.D_W2, self.D_b2 = xavier(784, 128), zeros(128), xavier(128, 1), zeros(1)
        self.G_W1, self.G_b1, self.G_W2, self.G_b2 = xavier(100, 128), zeros(128), xavier(128, 784), zeros(784)
        self.theta_D = [self.D_W1, self.D_W2, self.D_b1, self.D_b2]
        self.theta_G = [self.G_W1, self.G_W2, self.G_b1, self.G_b2]
        # legacy tf.train.AdamOptimizer() twice: TF1's defaults, one optimizer (own slots) per network
        self.D_solver = TF1Adam(self.theta_D, lr=1e-3, tf1_epsilon=tf1_epsilon)
        self.G_solver = TF1Adam(self.theta_G, lr=1e-3, tf1_epsilon=tf1_epsilon)

    def generator(self, z):
        return torch.sigmoid(torch.addmm(self.G_b2, torch.relu(torch.addmm(self.G_b1, z, self.G_W1)), self.G_W2))

    def discriminator(self, x):
        return torch.addmm(self.D_b2, torch.relu(torch.addmm(self.D_b1, x, self.D_W1)), self.D_W2)  # the logit

    def d_step(self, X, Z):
        X, Z = _tensor(X), _tensor(Z)
        D_logit_real, D_logit_fake = self.discriminator(X), self.discriminator(self.generator(Z))
        D_loss_real, D_loss_fake = _xent(D_logit_real, 1.), _xent(D_logit_fake, 0.)
        D_loss = D_loss_real + D_loss_fake
        self.D_solver.zero_grad()
        D_loss.backward(inputs=self.theta_D)  # legacy minimize(D_loss, var_list=theta_D)
        self.D_solver.step()
        return {"D_loss": D_loss.detach(), "D_loss_real": D_loss_real.detach(), "D_loss_fake": D_loss_fake.detach()}

    def g_step(self, Z):
        G_loss = _xent(self.discriminator(self.generator(_tensor(Z))), 1.)
        self.G_solver.zero_grad()
        G_loss.backward(inputs=self.theta_G)
        self.G_solver.step()
        return {"G_loss": G_loss.detach()}

    def load_legacy_weights(self, weights):
        """Start from a legacy run's initial weights (``--dump-weights`` arrays by TF1 name)."""
        with torch.no_grad():
            for attribute, name in self.LEGACY_NAMES.items():
                getattr(self, attribute).copy_(torch.from_numpy(np.asarray(weights[name])))


# --- 000 ---------------------------------------------------------------------------------------------------------

class _Layers:
    """The parameters of one network, by legacy scope (``d_conv1``, ``g_bn2``...), with TF1 initialisations.

    ``params[scope][name]`` are torch Parameters (trainable), ``buffers[scope][name]`` batch norm's moving
    statistics; ``to_torch[(scope, name)]`` turns a legacy array into the torch layout.
    """

    def __init__(self, prefix):
        self.prefix, self.params, self.buffers, self.to_torch = prefix, {}, {}, {}

    def _add(self, scope, name, tensor, to_torch=None):
        self.params.setdefault(scope, {})[name] = torch.nn.Parameter(tensor)
        if to_torch:
            self.to_torch[(scope, name)] = to_torch

    def linear(self, scope, n_in, n_out):
        """legacy ops.linear: ``Matrix`` ~ N(0, 0.02) [in, out], ``bias`` 0."""
        self._add(scope, "Matrix", torch.randn(n_in, n_out) * 0.02)
        self._add(scope, "bias", torch.zeros(n_out))

    def conv(self, scope, n_in, n_out, k=4):
        """legacy ops.conv2d: ``w`` ~ N(0, 0.02) truncated at two standard deviations (TF1's
        truncated_normal_initializer), ``biases`` 0; torch layout [out, in, k, k]."""
        w = torch.empty(n_out, n_in, k, k)
        torch.nn.init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04)
        self._add(scope, "w", w, lambda a: a.transpose(3, 2, 0, 1))  # [k, k, in, out] -> [out, in, k, k]
        self._add(scope, "biases", torch.zeros(n_out))

    def deconv(self, scope, n_in, n_out, k=4):
        """legacy ops.deconv2d: ``w`` ~ N(0, 0.02) (not truncated), ``biases`` 0; torch layout [in, out, k, k]."""
        self._add(scope, "w", torch.randn(n_in, n_out, k, k) * 0.02, lambda a: a.transpose(3, 2, 0, 1))
        self._add(scope, "biases", torch.zeros(n_out))

    def bn(self, scope, channels):
        """legacy ops.bn (slim batch norm, scale=True): ``gamma`` 1, ``beta`` 0, moving mean 0, moving variance 1."""
        self._add(scope, "gamma", torch.ones(channels))
        self._add(scope, "beta", torch.zeros(channels))
        self.buffers[scope] = {"moving_mean": torch.zeros(channels), "moving_variance": torch.ones(channels)}

    def parameters(self):
        return [p for scope in self.params.values() for p in scope.values()]

    def load(self, weights):
        """Copy legacy arrays (named ``<prefix>/<scope>/<name>:0``) into the parameters and moving statistics."""
        with torch.no_grad():
            for group in (self.params, self.buffers):
                for scope, tensors in group.items():
                    for name, tensor in tensors.items():
                        array = np.asarray(weights[f"{self.prefix}/{scope}/{name}:0"])
                        tensor.copy_(torch.from_numpy(self.to_torch.get((scope, name), lambda a: a)(array)))

    # forward pieces
    def dense(self, scope, x):
        p = self.params[scope]
        return torch.addmm(p["bias"], x, p["Matrix"])

    def batch_norm(self, scope, x, training):
        p, b = self.params[scope], self.buffers[scope]
        return F.batch_norm(x, b["moving_mean"], b["moving_variance"], p["gamma"], p["beta"], training=training,
                            momentum=0.1, eps=1e-5)  # momentum = 1 - decay 0.9; updates the buffers in place


class InfoGAN000:
    """legacy/000_infogan_gan (GAN.py, ops.py): the infoGAN-architecture GAN with a minibatch-discrimination layer.

    D: conv 4x4/2 64, lrelu; conv 4x4/2 128, bn, lrelu; minibatch layer (32 x 32); dense 1024, bn, lrelu; dense 1.
    G: dense 1024, bn, relu; dense 6272, bn, relu; deconv 4x4/2 64, bn, relu; deconv 4x4/2 1, sigmoid.
    Adam: D lr 2e-4, G lr 1e-3 (5 x), beta1 0.5, TF1's beta2 0.999 and epsilon 1e-8 (see :class:`TF1Adam`).

    Args:
      batch_size, z_dim: legacy main.py's defaults (64, 62); the graph was built for a fixed batch size.
      tf1_epsilon: see :class:`TF1Adam`.
    """

    def __init__(self, batch_size=64, z_dim=62, tf1_epsilon=True):
        self.batch_size = batch_size
        self.D = d = _Layers("discriminator")
        d.conv("d_conv1", 1, 64)
        d.conv("d_conv2", 64, 128)
        d.bn("d_bn2", 128)
        d.linear("d_fc3", 7 * 7 * 128, 32 * 32)
        d.linear("d_fc4", 7 * 7 * 128 + 32, 1024)
        d.bn("d_bn4", 1024)
        d.linear("d_fc5", 1024, 1)
        self.G = g = _Layers("generator")
        g.linear("g_fc1", z_dim, 1024)
        g.bn("g_bn1", 1024)
        g.linear("g_fc2", 1024, 128 * 7 * 7)
        g.bn("g_bn2", 128 * 7 * 7)
        g.deconv("g_dc3", 128, 64)
        g.bn("g_bn3", 64)
        g.deconv("g_dc4", 64, 1)
        self.d_vars, self.g_vars = d.parameters(), g.parameters()
        self.d_optim = TF1Adam(self.d_vars, lr=2e-4, beta1=0.5, tf1_epsilon=tf1_epsilon)
        self.g_optim = TF1Adam(self.g_vars, lr=1e-3, beta1=0.5, tf1_epsilon=tf1_epsilon)

    def discriminator(self, x, training=True):
        """x: [batch, 1, 28, 28] (NCHW) -> logits [batch, 1]."""
        d, p = self.D, self.D.params
        net = _lrelu(F.conv2d(x, p["d_conv1"]["w"], p["d_conv1"]["biases"], stride=2, padding=1))
        net = F.conv2d(net, p["d_conv2"]["w"], p["d_conv2"]["biases"], stride=2, padding=1)
        net = _lrelu(d.batch_norm("d_bn2", net, training))
        net = net.permute(0, 2, 3, 1).reshape(self.batch_size, -1)  # legacy tf.reshape of NHWC: TF1's order
        net = self._minibatch(d.dense("d_fc3", net), net)
        net = _lrelu(d.batch_norm("d_bn4", d.dense("d_fc4", net), training))
        return d.dense("d_fc5", net)

    @staticmethod
    def _minibatch(m, inputs, dim_b=32, dim_c=32):
        """legacy ops.MinibatchLayer: per example, mean over the batch of exp(-L1 distance) of its dim_b rows of
        dim_c features to every example's, minus 1 (itself), prepended to the inputs."""
        m = m.reshape(-1, dim_b, dim_c)
        c = torch.exp(-(m.unsqueeze(0) - m.unsqueeze(1)).abs().sum(3))
        return torch.cat([c.mean(1) - 1, inputs], 1)

    def generator(self, z, training=True):
        """z: [batch, z_dim] -> images [batch, 1, 28, 28] (NCHW) in (0, 1)."""
        g, p = self.G, self.G.params
        net = torch.relu(g.batch_norm("g_bn1", g.dense("g_fc1", z), training))
        net = torch.relu(g.batch_norm("g_bn2", g.dense("g_fc2", net), training))
        net = net.reshape(self.batch_size, 7, 7, 128).permute(0, 3, 1, 2)  # legacy reshape to NHWC, then NCHW
        net = F.conv_transpose2d(net, p["g_dc3"]["w"], p["g_dc3"]["biases"], stride=2, padding=1)
        net = torch.relu(g.batch_norm("g_bn3", net, training))
        return torch.sigmoid(F.conv_transpose2d(net, p["g_dc4"]["w"], p["g_dc4"]["biases"], stride=2, padding=1))

    def d_step(self, inputs, z):
        """legacy ``sess.run([d_optim, d_sum, d_loss], feed_dict={inputs: batch_images, z: batch_z})``; the images
        come as the legacy feed had them, NHWC [64, 28, 28, 1]."""
        x, z = _tensor(inputs).permute(0, 3, 1, 2), _tensor(z)
        # legacy build_model order: D(real), G(z), D(G(z)); every pass updates its batch norms' moving statistics
        D_real_logits = self.discriminator(x)
        with torch.no_grad():  # d_optim differentiates towards d_vars only: nothing flows back into G
            fake = self.generator(z)
        D_fake_logits = self.discriminator(fake)
        d_loss = _xent(D_real_logits, 1.) + _xent(D_fake_logits, 0.)
        self.d_optim.zero_grad()
        d_loss.backward(inputs=self.d_vars)
        self.d_optim.step()
        return {"d_loss": d_loss.detach()}

    def g_step(self, z):
        """legacy ``sess.run([g_optim, g_sum, g_loss], feed_dict={z: batch_z})``."""
        g_loss = _xent(self.discriminator(self.generator(_tensor(z))), 1.)
        self.g_optim.zero_grad()
        g_loss.backward(inputs=self.g_vars)  # through D to G's variables; D's own gradients are not computed
        self.g_optim.step()
        return {"g_loss": g_loss.detach()}

    def load_legacy_weights(self, weights):
        """Start from a legacy run's initial weights (``--dump-weights`` arrays by TF1 name, moving statistics
        included; Adam's slots start at 0 as in TF1)."""
        self.D.load(weights)
        self.G.load(weights)
