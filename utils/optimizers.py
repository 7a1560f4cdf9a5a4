"""What makes the step-3 network learn better, written from scratch in NumPy: the update rules of momentum
and Adam, the softmax output with its cross-entropy, and the He and Glorot initialisers.

Taught in step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``), where the learner writes each of
them as a lab and these are the labs' tested solutions (written with the notebook's names, so that they
run there as they are):

- ``momentum_update`` and ``adam_update``: section 1, "Momentum and Adam". One step on a list of parameter
  arrays, exactly as ``keras.optimizers.SGD(momentum=...)`` and ``keras.optimizers.Adam`` take it (the labs
  are checked against them over several steps).
- ``softmax_cross_entropy``: section 6, "Softmax and cross-entropy". The mean loss over a batch and its
  gradient with respect to the logits, through log-sum-exp (checked against
  ``tf.nn.softmax_cross_entropy_with_logits`` and its ``tf.GradientTape`` gradient).
- ``glorot_uniform`` and ``he_normal``: section 6, "Initialisation". Draws with the statistics of
  ``keras.initializers.GlorotUniform`` and ``HeNormal`` (Glorot and Bengio, 2010; He et al., 2015).

Conventions as in ``utils.network``: parameters are lists of arrays, one example per row, a weight
matrix is ``(n_in, n_out)``. The ``@arguments`` line above each function declares its argument checks
(``utils.checks``) and is not part of what a learner writes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import Together, arguments, array, arrays, fail, number, positive, positive_integer, random_generator, same_shape


def _decay(function: str, name: str, value):
    """A decay factor (momentum, β1, β2): at least 0 and below 1 (with 1 nothing is ever forgotten, and Adam's
    bias correction divides by 0)."""
    number(minimum=0.0)(function, name, value)
    if value >= 1:
        fail(function, name, value, "is out of range", "give a factor of at least 0 and below 1, such as 0.9")
    return value


def _parallel(first: str, *others: str) -> Together:
    """The lists named ``others`` hold an array of the shape of each array of ``first``, in the same order
    (``zip`` would drop the extra ones, and NumPy broadcast a gradient of the wrong shape, without a word)."""

    def check(function: str, values: dict[str, Any]) -> None:
        shapes = [np.shape(p) for p in values[first]]
        for name in others:
            given = values[name]
            if len(given) != len(shapes):
                fail(
                    function,
                    name,
                    given,
                    f"holds {len(given)} array{'s' if len(given) != 1 else ''}, {first} {len(shapes)}",
                    f"give one for each array of {first}",
                )
            for index, (item, shape) in enumerate(zip(given, shapes)):
                if np.shape(item) != shape:
                    fail(
                        function,
                        f"{name}[{index}]",
                        item,
                        f"does not have the shape of {first}[{index}]",
                        f"give an array of shape {shape}",
                    )

    return check


@arguments(
    _parallel("params", "grads", "velocities"),
    params=arrays(),
    grads=arrays(),
    velocities=arrays(),
    learning_rate=positive,
    momentum=_decay,
)
def momentum_update(params, grads, velocities, learning_rate, momentum):
    """One step of gradient descent with momentum, as ``keras.optimizers.SGD(learning_rate, momentum)`` takes it.

    ``params``, ``grads``, ``velocities``: lists of arrays, ``grads[i]`` and ``velocities[i]`` shaped like
    ``params[i]`` (the velocities start at zero). Each velocity decays by the factor ``momentum`` and takes
    the new step, v <- momentum v - learning_rate g, and the parameter moves by it, p <- p + v.
    Returns ``(new_params, new_velocities)``, two new lists (the arrays passed in are not changed).
    Step 3, "Momentum and Adam": the solution of the lab "momentum_update".
    """
    new_velocities = [momentum * v - learning_rate * g for v, g in zip(velocities, grads)]
    new_params = [p + v for p, v in zip(params, new_velocities)]
    return new_params, new_velocities


@arguments(
    _parallel("params", "grads", "m", "v"),
    params=arrays(),
    grads=arrays(),
    m=arrays(),
    v=arrays(),
    t=positive_integer,
    learning_rate=positive,
    beta_1=_decay,
    beta_2=_decay,
    epsilon=number(minimum=0.0),
)
def adam_update(params, grads, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One step of Adam, as ``keras.optimizers.Adam`` computes it (Kingma and Ba, 2014, with Keras' ε).

    ``params``, ``grads``: lists of arrays; ``m``, ``v``: the running means of the gradients and of their
    squares, lists shaped like ``params`` (zeros before the first step); ``t``: the number of this step,
    1 for the first. m <- β1 m + (1 - β1) g and v <- β2 v + (1 - β2) g², entry by entry; then
    p <- p - α_t m / (√v + ε), where the step size α_t = learning_rate √(1 - β2^t) / (1 - β1^t) carries the
    correction for m and v starting at zero, and ε is added to √v itself. Returns ``(new_params, new_m, new_v)``.
    Step 3, "Momentum and Adam": the solution of the lab "adam_update".
    """
    step_size = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    new_m = [beta_1 * mean + (1 - beta_1) * g for mean, g in zip(m, grads)]
    new_v = [beta_2 * square + (1 - beta_2) * g**2 for square, g in zip(v, grads)]
    new_params = [p - step_size * mean / (np.sqrt(square) + epsilon) for p, mean, square in zip(params, new_m, new_v)]
    return new_params, new_m, new_v


@arguments(same_shape("z", "y"), z=array(ndim=2), y=array(ndim=2))
def softmax_cross_entropy(z, y):
    """The mean cross-entropy of softmax(z) against targets y, and its gradient with respect to the logits z.

    ``z``: logits ``(batch, classes)``; ``y``: targets ``(batch, classes)``, each row a probability distribution
    (one-hot, or smoothed). Returns ``(loss, dz)``: a number, and ``(softmax(z) - y) / batch`` of shape
    ``(batch, classes)``. Each row's largest logit is subtracted first (log-sum-exp), so logits of 1000 do
    not overflow. Step 3, "Softmax and cross-entropy": the solution of the lab "softmax_cross_entropy".
    """
    shifted = z - z.max(axis=1, keepdims=True)  # each row's largest logit becomes 0: no exponent above 0
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # ln p_k = z_k - ln Σ_j e^(z_j)
    return -np.sum(y * log_p) / len(z), (np.exp(log_p) - y) / len(z)


@arguments(n_in=positive_integer, n_out=positive_integer, rng=random_generator)
def glorot_uniform(n_in, n_out, rng):
    """A ``(n_in, n_out)`` weight matrix drawn as ``keras.initializers.GlorotUniform`` draws it: uniform on
    [-r, r] with r = √(6 / (n_in + n_out)), so that the variance r²/3 is 2 / (n_in + n_out).

    ``rng``: a ``np.random.Generator``. Step 3, "Initialisation": the solution of the warm-up "glorot_uniform".
    """
    limit = np.sqrt(6 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


@arguments(n_in=positive_integer, n_out=positive_integer, rng=random_generator)
def he_normal(n_in, n_out, rng):
    """A ``(n_in, n_out)`` weight matrix drawn as ``keras.initializers.HeNormal`` draws it: a normal of mean 0
    truncated at two standard deviations (a draw beyond is drawn again), whose standard deviation
    √(2 / n_in) / 0.87962566103423978 is widened by exactly what the truncation takes away, so that the
    variance of the weights is 2 / n_in.

    ``rng``: a ``np.random.Generator``. Step 3, "Initialisation": the solution of the lab "he_normal".
    """
    stddev = np.sqrt(2 / n_in) / 0.87962566103423978  # 0.8796...: the std of a standard normal cut at ±2
    weights = rng.normal(0.0, stddev, size=(n_in, n_out))
    outside = np.abs(weights) > 2 * stddev
    while outside.any():  # draw again wherever a weight fell beyond two standard deviations
        weights[outside] = rng.normal(0.0, stddev, size=outside.sum())
        outside = np.abs(weights) > 2 * stddev
    return weights
