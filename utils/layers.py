"""Dropout and batch normalisation from scratch in NumPy: two layers that made deeper networks trainable.

Taught in step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``): dropout in section 6 (AlexNet's
ideas), batch normalisation in section 7 (training deeper nets). These functions are the labs' tested
solutions, written with the notebook's own names (only ``np``), so that they can be pasted into a lab's
stub cell as they are; the ``@arguments`` line above each declares its argument checks (``utils.checks``)
and is not part of what a learner writes.

- :func:`dropout_forward` and :func:`dropout_backward`: inverted dropout (Srivastava, Hinton, Krizhevsky,
  Sutskever and Salakhutdinov, 2014), as ``keras.layers.Dropout`` and ``tf.nn.dropout`` compute it: in
  training the kept units are divided by the probability of keeping them, so that nothing changes at
  inference. The mask of kept units is an argument, so that a result can be compared exactly.
- :func:`batchnorm_forward` and :func:`batchnorm_backward`: batch normalisation (Ioffe and Szegedy,
  2015), as ``keras.layers.BatchNormalization`` computes it: one mean and one variance per feature (per
  channel for images), over every axis but the last; the variance divides by the number of values (not
  one less); running averages with Keras' momentum, the weight of the old average; at inference the
  running averages take the batch statistics' place and are left unchanged.

Layout, as in the rest of the course: one example per row, features (channels) last: a dense layer's
activations are ``(batch, features)``, a convolution's ``(batch, height, width, channels)``.
"""

from __future__ import annotations

import numpy as np

from utils.checks import arguments, array, fail, number, one_of, same_shape

_flag = one_of(True, False)
_momentum = number(minimum=0.0, maximum=1.0)
_epsilon = number(above=0.0)
_activations = array(ndim=(2, 4))
_features = array(ndim=1)


def _rate(function: str, name: str, value):
    """A probability of dropping a unit: at least 0 and below 1 (a rate of 1 would drop everything)."""
    number(minimum=0.0)(function, name, value)
    if value >= 1:
        fail(function, name, value, "is out of range", "give the probability of dropping a unit, at least 0 and below 1")
    return value


def _per_feature(*names: str):
    """For :func:`arguments`: the arguments ``names`` hold one value per feature (channel), the last axis of x."""

    def check(function: str, values: dict) -> None:
        features = np.shape(values["x"])[-1:]
        for name in names:
            if np.shape(values[name]) != features:
                wanted = f"give one value per feature (the last axis of x), shape ({features[0]},)"
                fail(function, name, values[name], f"does not fit x's {features[0]} features", wanted)

    return check


@arguments(same_shape("x", "mask"), x=array(), mask=array(), rate=_rate, training=_flag)
def dropout_forward(x, mask, rate, training):
    """Inverted dropout, forward. x: activations of any shape, (batch, features) or (batch, H, W, C);
    mask: booleans shaped like x, True where a unit is kept (each kept with probability 1 - rate);
    rate: the probability of dropping a unit (Keras' ``rate``), 0 <= rate < 1; training: True or False
    -> out, shaped like x.

    In training, the kept units are divided by 1 - rate, so that each unit's expected value is what it
    is without dropout; at inference, dropout does nothing. Taught in step 5, section 6 (the lab
    ``dropout_forward``).
    """
    if not training:
        return x
    return x * mask / (1 - rate)


@arguments(same_shape("upstream", "mask"), upstream=array(), mask=array(), rate=_rate, training=_flag)
def dropout_backward(upstream, mask, rate, training):
    """Inverted dropout, backward. upstream = dL/d(out), shaped like the forward pass's x; mask, rate and
    training as in the forward pass -> dL/dx, shaped like upstream.

    In training each output is its input times the mask, divided by 1 - rate; at inference it is the
    input itself. So the gradient is multiplied by the same. Taught in step 5, section 6 (the lab ``dropout_backward``).
    """
    if not training:
        return upstream
    return upstream * mask / (1 - rate)


@arguments(
    _per_feature("gamma", "beta", "running_mean", "running_var"),
    x=_activations,
    gamma=_features,
    beta=_features,
    running_mean=_features,
    running_var=_features,
    momentum=_momentum,
    epsilon=_epsilon,
    training=_flag,
)
def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.99, epsilon=0.001, training=True):
    """Batch normalisation, forward, as keras.layers.BatchNormalization computes it. x: (batch, features) or
    (batch, H, W, channels); gamma, beta, running_mean, running_var: (features,) -> (out shaped like x,
    the new running_mean, the new running_var), the running averages as new arrays of shape (features,).

    Training: each feature is standardised with its mean and (biased) variance over every axis but the
    last, then scaled by gamma and shifted by beta; the running averages move towards the batch's
    statistics, new = momentum · old + (1 - momentum) · batch. Inference (training=False): the running
    averages take the batch statistics' place and are returned unchanged. Taught in step 5, section 7 (the
    lab ``batchnorm_forward``).
    """
    axes = tuple(range(x.ndim - 1))  # every axis but the last: the batch (and an image's rows and columns)
    if training:
        mean = x.mean(axis=axes)  # one mean per feature (channel)
        var = x.var(axis=axes)  # divided by the number of values m, as Keras does
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean) / np.sqrt(var + epsilon)
    return gamma * x_hat + beta, running_mean, running_var


@arguments(same_shape("x", "upstream"), _per_feature("gamma"), upstream=_activations, x=_activations, gamma=_features, epsilon=_epsilon)
def batchnorm_backward(upstream, x, gamma, epsilon=0.001):
    """Batch normalisation, backward, in training (batch statistics). upstream = dL/d(out) and x (the forward
    pass's input), both (batch, features) or (batch, H, W, channels); gamma (features,) -> (dx shaped like
    x, dgamma (features,), dbeta (features,)).

    With m values per feature and x_hat the standardised input, dbeta = Σ upstream, dgamma = Σ upstream ·
    x_hat, and dx = (d - mean(d) - x_hat · mean(d · x_hat)) / sqrt(var + epsilon) with d = upstream · gamma:
    the last two terms are the paths through the batch's mean and variance, which depend on every example.
    Taught in step 5, section 7 (the lab ``batchnorm_backward``).
    """
    axes = tuple(range(x.ndim - 1))  # the axes the statistics were taken over
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    x_hat = (x - mean) / np.sqrt(var + epsilon)
    d_beta = upstream.sum(axis=axes)
    d_gamma = (upstream * x_hat).sum(axis=axes)
    d_x_hat = upstream * gamma
    dx = (d_x_hat - d_x_hat.mean(axis=axes) - x_hat * (d_x_hat * x_hat).mean(axis=axes)) / np.sqrt(var + epsilon)
    return dx, d_gamma, d_beta
