"""The labs of step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``): each solution is the course's own
function (``utils.nn``, ``utils.network``, ``utils.mazur``, ``utils.optimizers``), each typical mistake an edit of
it. Each is judged against something computed another way: gradient descent against its closed form on a
quadratic bowl; momentum and Adam against ``keras.optimizers.SGD`` and ``Adam`` on ``tf.Variable``s over several
steps; the gradients against central differences of the cost, or TensorFlow's (``tf.GradientTape``,
``tf.nn.softmax_cross_entropy_with_logits``); the epoch against ``Network.train_epoch``, written for speed; the
initialisers by the statistics of a large draw against Keras' initializers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from utils import gradcheck, mazur, network, nn, optimizers
from utils.exercises.core import Case, FunctionExercise, LazyModule, describe, edit
from utils.network import Network, QuadraticCost, network_gradients, one_hot

tf, keras = LazyModule("tensorflow"), LazyModule("keras")


def _network_from(weights: list[np.ndarray], biases: list[np.ndarray]) -> Network:
    """A quadratic-cost ``utils.network.Network`` holding copies of these parameters."""
    held = Network([weights[0].shape[0]] + [W.shape[1] for W in weights], cost=QuadraticCost)
    held.weights, held.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    return held


def _batch_cases(seed: int, shapes: list[tuple], then: Callable[[np.random.Generator], tuple] = lambda rng: ()) -> list[Case]:
    """For each (sizes, batch, *more, label): random weights[l] (n_l, n_{l+1}) and biases[l] (n_{l+1},), a batch X
    (batch, n_0) with one-hot Y, ``more``, and what ``then(rng)`` adds (a shuffle's seed, the course's backpropagation)."""
    rng, cases = np.random.default_rng(seed), []
    for sizes, batch, *more, label in shapes:
        weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        biases = [rng.normal(size=b) for b in sizes[1:]]
        X, Y = rng.normal(size=(batch, sizes[0])), one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
        cases.append(Case((weights, biases, X, Y, *more, *then(rng)), label))
    return cases


# --- Warm-up: gradient descent (section 1) ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class QuadraticBowl:
    """The gradient of a quadratic bowl f(p) = ½ (p - p*)ᵀ A (p - p*), called like any gradient: (d,) -> (d,). On it
    gradient descent has a closed form, p_k = p* + (I - ηA)^k (p_0 - p*): the warm-up's independent reference."""

    A: np.ndarray
    minimum: np.ndarray
    __name__: str = "the gradient of a quadratic bowl"

    def __call__(self, point: np.ndarray) -> np.ndarray:
        return self.A @ (np.asarray(point, dtype=float) - self.minimum)


def descent_in_closed_form(gradient: QuadraticBowl, start: Any, learning_rate: float, steps: int) -> np.ndarray:
    """The path of gradient descent on a quadratic bowl without iterating: row k is p* + (I - ηA)^k (p_0 - p*)."""
    start = np.asarray(start, dtype=float)
    shrink = np.eye(len(start)) - learning_rate * gradient.A
    return np.array([gradient.minimum + np.linalg.matrix_power(shrink, k) @ (start - gradient.minimum) for k in range(steps + 1)])


def _bowl(A: list, minimum: list) -> QuadraticBowl:
    return QuadraticBowl(np.array(A, dtype=float), np.array(minimum, dtype=float))


GRADIENT_DESCENT = FunctionExercise(
    name="gradient_descent",
    title="Gradient descent",
    kind="warm-up",
    idea="Stand at the starting point; again and again, take a step of size η against the gradient there, "
    "and remember every point you stand on.",
    structure="Make the start a float array and put it in a list. Then, steps times: p = p - learning_rate * gradient(p), "
    "and append p. Return the list as one array, shape (steps + 1, d): the start is row 0.",
    solution=nn.gradient_descent,
    stub="my_gradient_descent",
    reference=descent_in_closed_form,
    reference_name="the closed form of gradient descent on a quadratic bowl, p_k = p* + (I - ηA)^k (p_0 - p*)",
    cases=[
        Case((_bowl([[2, 0], [0, 20]], [0, 0]), np.array([-4.0, 1.5]), 0.05, 10), "the bowl x² + 10y², 10 steps of η = 0.05"),
        Case((_bowl([[2, 1], [1, 4]], [1, -0.5]), np.zeros(2), 0.1, 25), "a tilted bowl, 25 steps of η = 0.1"),
        Case((_bowl([[2]], [1]), np.array([-2.0]), 1.05, 3), "a parabola in one dimension, η too large: it diverges"),
        Case(
            (_bowl([[1e4, 0], [0, 2e4]], [0.5, 0]), np.array([3.0, -2.0]), 5e-5, 6),
            "a steep bowl: gradients above 10,000 (no clipping), 6 steps of η = 5e-5",
        ),
    ],
    mistakes=[
        edit("point - learning_rate", "point + learning_rate", "You are climbing: subtract the gradient (p - η ∇f), do not add it."),
        edit("path = [point.copy()]", "path = []", "The starting point is missing: the path begins with it, so it has steps + 1 rows."),
        edit("return np.array(path)", "return point", "Return the whole path (every point, one per row), not just the last point."),
    ],
    shape_hint="The path has one row per point: steps + 1 rows (the start included) and one column per coordinate.",
)


# --- Labs: momentum and Adam (section 1) --------------------------------------------------------------------


def _returned(result: Any, count: int, names: str) -> Any:
    """The parts of an update's result, or a clear error when it is not ``count`` of them."""
    if result is None or (isinstance(result, (tuple, list)) and len(result) == count):
        return result
    raise TypeError(f"an update returns {names}, {count} lists, but yours returned {describe(result)}")


def _momentum_over_steps(update: Callable) -> Callable:
    """Run a momentum update once per list of gradients, from zero velocities, each step given what the last one
    returned: the parameters after every step, and the velocities after the last. (The reference, which runs a
    Keras optimizer over all the steps itself, is used as it is.)"""
    if update is keras_momentum_steps:
        return update

    def run(params, gradients, learning_rate, momentum):
        velocities = [np.zeros_like(p, dtype=float) for p in params]
        after: dict[str, Any] = {}
        for step, grads in enumerate(gradients, start=1):
            result = _returned(update(params, grads, velocities, learning_rate, momentum), 2, "(new_params, new_velocities)")
            if result is None:
                return None
            params, velocities = result
            after[f"params after step {step}"] = [np.array(p, dtype=float) for p in params]
        after["velocities after the last step"] = [np.array(v, dtype=float) for v in velocities]
        return after

    return run


def keras_momentum_steps(params: list, gradients: list, learning_rate: float, momentum: float) -> dict:
    """The independent reference: ``keras.optimizers.SGD(learning_rate, momentum)`` applied to float64 ``tf.Variable``s,
    one ``apply_gradients`` per list of gradients; the variables after every step and the optimizer's velocities."""
    variables = [tf.Variable(np.array(p, dtype=float)) for p in params]
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    after: dict[str, Any] = {}
    for step, grads in enumerate(gradients, start=1):
        optimizer.apply_gradients(zip([tf.constant(g, dtype=tf.float64) for g in grads], variables))
        after[f"params after step {step}"] = [v.numpy() for v in variables]
    velocities = [v.numpy() for v in optimizer.variables if v.path.endswith("_momentum")]
    if not velocities:  # with momentum 0 Keras keeps no velocity: it is the last step taken, p_t - p_(t-1)
        before = after.get(f"params after step {len(gradients) - 1}", [np.array(p, dtype=float) for p in params])
        velocities = [p - q for p, q in zip(after[f"params after step {len(gradients)}"], before)]
    after["velocities after the last step"] = velocities
    return after


def _gradient_sequence(rng: np.random.Generator, shapes: list[tuple], steps: int, scale: float = 1.0) -> tuple[list, list]:
    """Random starting parameters of these shapes, and ``steps`` lists of random gradients for them."""
    params = [rng.normal(size=shape) for shape in shapes]
    return params, [[scale * rng.normal(size=shape) for shape in shapes] for _ in range(steps)]


def _momentum_cases() -> list[Case]:
    """Learning rates that float32 holds exactly (0.125, 2^-14...): Keras keeps its rate in a float32 variable, and any
    other rate would differ from the lab's float64 arithmetic in the eighth digit."""
    rng = np.random.default_rng(8)
    two, one = _gradient_sequence(rng, [(3, 2), (2,)], 5), _gradient_sequence(rng, [(1,)], 8)
    flipping = rng.normal(size=(2, 3))
    big = _gradient_sequence(rng, [(4, 3), (3,)], 4, scale=5e3)
    return [
        Case((*two, 0.125, 0.9), "a (3, 2) and a (2,) array, 5 steps, η = 0.125, β = 0.9"),
        Case((*one, 0.25, 0.5), "a single entry, 8 steps, β = 0.5"),
        Case(
            ([rng.normal(size=(2, 3))], [[(-1.0) ** k * flipping] for k in range(6)], 0.0625, 0.99),
            "a gradient that flips sign every step, β = 0.99",
        ),
        Case((*two, 0.125, 0.0), "β = 0: plain gradient descent"),
        Case((*big, 2**-14, 0.9), "gradients of several thousand (no clipping), 4 steps"),
    ]


MOMENTUM_UPDATE = FunctionExercise(
    name="momentum_update",
    title="One step of gradient descent with momentum",
    idea="Each parameter array has a velocity of its own. Every step, the velocity first forgets a little (it is multiplied "
    "by β, the momentum) and takes in the new step, -η times the gradient; then the parameter moves by the whole velocity.",
    structure="Build two new lists with zip: new_velocities[i] = momentum * velocities[i] - learning_rate * grads[i]; then "
    "new_params[i] = params[i] + new_velocities[i] (the new velocity, not the old one). Return (new_params, new_velocities); "
    "make new arrays rather than changing the ones you were given.",
    solution=optimizers.momentum_update,
    stub="my_momentum_update",
    reference=keras_momentum_steps,
    reference_name="keras.optimizers.SGD(learning_rate, momentum) applied to tf.Variables with the same gradients, step by step",
    cases=_momentum_cases,
    adapter=_momentum_over_steps,
    atol=1e-7,  # Keras rounds the momentum to float32 (0.9 -> 0.89999998): the velocities differ in their eighth digit
    mistakes=[
        edit(
            "momentum * v - learning_rate * g",
            "v - learning_rate * g",
            "The velocity never decays: it adds up every step so far with equal weight, so a zig-zag across a valley never "
            "dies down. Momentum multiplies the old velocity by β each step, which makes it an exponentially decaying sum.",
        ),
        edit(
            "momentum * v - learning_rate * g",
            "momentum * v + learning_rate * g",
            "You are climbing: the velocity takes in a step against the gradient, -η g.",
        ),
        edit(
            "zip(params, new_velocities)",
            "zip(params, velocities)",
            "The parameters move by the old velocity, one step behind: first the new velocity v = βv - ηg, then p + v.",
        ),
        edit(
            "momentum * v - learning_rate * g",
            "momentum * v + g",
            "These velocities are in PyTorch's convention (v = βv + g, then p - ηv): the same path while η stays fixed, "
            "but the lab keeps Keras' velocity, which already holds the learning rate (v = βv - ηg, then p + v).",
            ("p + v for", "p - learning_rate * v for"),
        ),
        edit(
            "momentum * v - learning_rate * g",
            "momentum * v - (1 - momentum) * learning_rate * g",
            "That is an exponential moving average of the steps (as Adam's m is of the gradients): every step comes out "
            "(1 - β) times too small. Keras' momentum takes in the whole step: v = βv - ηg.",
        ),
    ],
    shape_hint="Return two lists, (new_params, new_velocities), each with one array per parameter array, shaped like it.",
)


def _adam_over_steps(update: Callable) -> Callable:
    """Run an Adam update once per list of gradients (t = 1, 2, ...), from zero m and v, each step given what the
    last one returned: the parameters after every step, and m and v after the last. (The reference, which runs a
    Keras optimizer over all the steps itself, is used as it is.)"""
    if update is keras_adam_steps:
        return update

    def run(params, gradients, learning_rate, beta_1, beta_2, epsilon):
        m = [np.zeros_like(p, dtype=float) for p in params]
        v = [np.zeros_like(p, dtype=float) for p in params]
        after: dict[str, Any] = {}
        for t, grads in enumerate(gradients, start=1):
            result = _returned(update(params, grads, m, v, t, learning_rate, beta_1, beta_2, epsilon), 3, "(new_params, new_m, new_v)")
            if result is None:
                return None
            params, m, v = result
            after[f"params after step {t}"] = [np.array(p, dtype=float) for p in params]
        after["m after the last step"] = [np.array(x, dtype=float) for x in m]
        after["v after the last step"] = [np.array(x, dtype=float) for x in v]
        return after

    return run


def keras_adam_steps(params: list, gradients: list, learning_rate: float, beta_1: float, beta_2: float, epsilon: float) -> dict:
    """The independent reference: ``keras.optimizers.Adam`` applied to float64 ``tf.Variable``s, one ``apply_gradients``
    per list of gradients; the variables after every step and the optimizer's running means m and v."""
    variables = [tf.Variable(np.array(p, dtype=float)) for p in params]
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    after: dict[str, Any] = {}
    for t, grads in enumerate(gradients, start=1):
        optimizer.apply_gradients(zip([tf.constant(g, dtype=tf.float64) for g in grads], variables))
        after[f"params after step {t}"] = [v.numpy() for v in variables]
    after["m after the last step"] = [v.numpy() for v in optimizer.variables if v.path.endswith("_momentum")]
    after["v after the last step"] = [v.numpy() for v in optimizer.variables if v.path.endswith("_velocity")]
    return after


def _adam_cases() -> list[Case]:
    rng = np.random.default_rng(9)
    two = _gradient_sequence(rng, [(3, 2), (2,)], 6)
    return [
        Case((*two, 2**-7, 0.9, 0.999, 1e-7), "a (3, 2) and a (2,) array, 6 steps, Keras' defaults but η = 2^-7"),
        Case((*_gradient_sequence(rng, [(1,)], 4), 0.125, 0.9, 0.999, 1e-7), "a single entry, 4 steps"),
        Case((*two, 0.25, 0.5, 0.9, 1e-3), "β1 = 0.5, β2 = 0.9, ε = 1e-3, η = 0.25"),
        Case(
            (*_gradient_sequence(rng, [(2, 2)], 5, scale=1e-7), 2**-10, 0.9, 0.999, 1e-7),
            "tiny gradients, about 1e-7: where ε sits matters",
        ),
        Case(
            (*_gradient_sequence(rng, [(4, 3), (3,)], 4, scale=5e3), 2**-10, 0.9, 0.999, 1e-7),
            "gradients of several thousand (no clipping)",
        ),
    ]


ADAM_UPDATE = FunctionExercise(
    name="adam_update",
    title="One step of Adam",
    idea="Adam keeps two running averages per entry: m of the gradients and v of their squares. Both start at zero, so "
    "early on they are too small; Keras corrects for that in the step size α_t, then moves each entry by α_t m / (√v + ε).",
    structure="α_t = learning_rate * √(1 - beta_2**t) / (1 - beta_1**t), once. Then, with zip over the lists: "
    "new_m[i] = beta_1 * m[i] + (1 - beta_1) * g; new_v[i] = beta_2 * v[i] + (1 - beta_2) * g**2; "
    "new_params[i] = params[i] - α_t * new_m[i] / (np.sqrt(new_v[i]) + epsilon). Return (new_params, new_m, new_v).",
    solution=optimizers.adam_update,
    stub="my_adam_update",
    reference=keras_adam_steps,
    reference_name="keras.optimizers.Adam applied to tf.Variables with the same gradients, step by step",
    cases=_adam_cases,
    adapter=_adam_over_steps,
    rtol=2e-5,  # Keras rounds β1 and β2 to float32 in its bias correction (0.999 -> 0.99900001): the steps differ by 6e-6
    atol=1e-8,
    mistakes=[
        edit(
            "learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)",
            "learning_rate",
            "No bias correction: m and v start at zero, so after t steps they are too small by the factors 1 - β1^t and "
            "1 - β2^t. Keras folds the correction into the step size: α_t = η √(1 - β2^t) / (1 - β1^t).",
        ),
        edit(
            "np.sqrt(square) + epsilon",
            "np.sqrt(square + epsilon)",
            "ε is inside the square root: √(v + ε) instead of √v + ε. Keras adds ε to the root itself.",
        ),
        edit(
            "learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)",
            "learning_rate",
            "That is Algorithm 1 of Kingma and Ba's paper, ε added to the corrected √v̂. Keras folds the correction into "
            "the step size and adds ε to the uncorrected √v (the paper's own faster variant), which differs when the "
            "gradients are about as small as ε.",
            ("mean / (np.sqrt(square) + epsilon)", "(mean / (1 - beta_1**t)) / (np.sqrt(square / (1 - beta_2**t)) + epsilon)"),
        ),
        edit(
            "beta_1 * mean + (1 - beta_1) * g",
            "beta_2 * mean + (1 - beta_2) * g",
            "β1 and β2 are swapped: m, the average of the gradients, decays with β1 (0.9 by default); v, the average of their "
            "squares, with β2 (0.999).",
            ("beta_2 * square + (1 - beta_2) * g**2", "beta_1 * square + (1 - beta_1) * g**2"),
        ),
        edit(
            "np.sqrt(1 - beta_2**t) / (1 - beta_1**t)",
            "np.sqrt(1 - beta_2 ** (t - 1)) / (1 - beta_1 ** (t - 1))",
            "The correction is one step behind: t counts from 1, and at the first step 1 - β1^(t-1) = 0 makes the step "
            "size 0/0. After one step m = (1 - β1) g, which 1 - β1^1 corrects.",
        ),
    ],
    shape_hint="Return three lists, (new_params, new_m, new_v), each with one array per parameter array, shaped like it.",
)


# --- Lab: one epoch of mini-batch gradient descent (section 1) --------------------------------------


def _with_fresh_rng(function: Callable) -> Callable:
    """Run an epoch function with ``np.random.default_rng(seed)`` in place of the seed: every answer,
    the reference and each mistake draw the same shuffle."""

    def run(weights, biases, X, Y, batch_size, learning_rate, seed, backward):
        return function(weights, biases, X, Y, batch_size, learning_rate, np.random.default_rng(seed), backward)

    return run


def _network_train_epoch(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    """The reference: ``utils.network.Network.train_epoch`` on a network holding these parameters
    (its own quadratic-cost backpropagation, which is the ``backward`` every case passes)."""
    held = _network_from(weights, biases)
    held.train_epoch(X, Y, batch_size, learning_rate, rng)
    return held.weights, held.biases


SGD_EPOCH = FunctionExercise(
    name="sgd_epoch",
    title="One epoch of mini-batch gradient descent",
    idea="One epoch visits every example once, in a fresh random order, a mini-batch at a time. For each mini-batch, "
    "ask `backward` for the gradients at the current parameters and take one step against them.",
    structure="order = one rng.permutation of the row numbers. For start = 0, batch_size, 2·batch_size, ... while start < n: "
    "batch = the next batch_size entries of order (the last slice may be shorter); call backward(weights, biases, "
    "X[batch], Y[batch]); replace every W by W - learning_rate * dW and every b by b - learning_rate * db. "
    "After the loop, return (weights, biases).",
    solution=network.sgd_epoch,
    stub="my_sgd_epoch",
    reference_name="utils.network's Network.train_epoch on the same network, with the same shuffle",
    reference=_network_train_epoch,
    adapter=_with_fresh_rng,
    cases=lambda: _batch_cases(
        31,
        [
            ([4, 3, 2], 23, 5, 0.5, "4-3-2 network, 23 examples in mini-batches of 5 (the last has 3), η = 0.5"),
            ([3, 4, 4, 2], 6, 1, 0.8, "three layers, mini-batches of 1 (plain stochastic gradient descent)"),
            ([5, 3], 12, 4, 2.0, "a single layer, 12 examples in 3 mini-batches of 4, η = 2"),
            ([2, 3, 2], 7, 10, 0.3, "mini-batches of 10 but only 7 examples: one batch, smaller than asked"),
        ],
        then=lambda rng: (int(rng.integers(1000)), network_gradients),
    ),
    names=("weights", "biases"),
    mistakes=[
        edit(
            "rng.permutation(len(X))",
            "np.arange(len(X))",
            "The examples are visited in their stored order: shuffle them first, with one rng.permutation per epoch.",
        ),
        edit(
            "W - learning_rate * dW",
            "W + learning_rate * dW",
            "You are climbing: each step subtracts learning_rate times the gradient.",
            ("b - learning_rate * db", "b + learning_rate * db"),
        ),
        edit(
            "range(0, len(X), batch_size)",
            "range(0, len(X) - batch_size + 1, batch_size)",
            "The last, smaller mini-batch is skipped: an epoch uses every example, so the leftover rows form one more batch.",
        ),
        edit(
            "        weights = [",
            "        for W, dW, b, db in zip(weights, weight_grads, biases, bias_grads):\n"
            "            W -= learning_rate * dW  # the step, in place ...\n"
            "            b -= learning_rate * db\n"
            "        weights = [",
            "Every step is taken twice (once in place with -=, then again when building the new lists): "
            "each mini-batch should move the parameters by learning_rate times the gradient, once.",
        ),
        edit(
            "for start in range(0, len(X), batch_size):\n        batch = order[start : start + batch_size]\n",
            "for batch in np.array_split(order, -(-len(X) // batch_size)):\n",
            "The leftover examples are spread over several mini-batches (as np.array_split does): "
            "take consecutive runs of exactly batch_size, so that only the last one is smaller.",
        ),
        edit(
            "weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]",
            "for W, dW in zip(weights, weight_grads):\n            W = W - learning_rate * dW  # a new array, bound to W only",
            "Your epoch gives back the parameters it was given, unchanged: assigning a new array to "
            "the loop variable of a for loop does not change the list. Build new lists, or change "
            "the arrays themselves in place.",
            (
                "biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]",
                "for b, db in zip(biases, bias_grads):\n            b = b - learning_rate * db",
            ),
        ),
        edit(
            "learning_rate * dW for",
            "learning_rate * len(batch) * dW for",
            "The steps are batch-size times too large: the gradient of a mini-batch is the mean over "
            "its examples (what backward returns for the whole batch), not their sum.",
            ("learning_rate * db for", "learning_rate * len(batch) * db for"),
        ),
    ],
    shape_hint="Return two lists: the new weights, shaped like `weights`, and the new biases, shaped like `biases`.",
)


# --- Warm-up: which slip reproduces Mazur's post? (section 2) ---------------------------------------


def _posted_cases() -> list[Case]:
    rng = np.random.default_rng(13)
    others = [dict(zip(mazur.start_weights, rng.uniform(-1, 1, size=8))) for _ in range(2)]
    return [
        Case((dict(mazur.start_weights),), "Mazur's starting weights"),
        Case((others[0],), "random weights in [-1, 1]"),
        Case((others[1],), "other random weights in [-1, 1]"),
    ]


POSTED_STEP = FunctionExercise(
    name="posted_step",
    title="Which slip reproduces Mazur's post?",
    kind="warm-up",
    idea="Do the output layer first and update w5...w8 at once; then, when you send the error back to the hidden "
    "layer, use the output weights you have just updated instead of the ones the forward pass used.",
    structure="values = forward(w); the two output error signals as in mazur_gradients; new = dict(w); new w5...w8 = "
    "old minus learning_rate times their gradients; the hidden error signals with new['w5'] ... new['w8'] "
    "in place of w['w5'] ... w['w8']; new w1...w4 from those; return new (a dict with all eight weights).",
    solution=mazur.posted_step,
    reference=mazur.posted_step_by_matrices,
    stub="my_posted_step",
    reference_name="the course's version in matrix form (utils.mazur.posted_step_by_matrices)",
    cases=_posted_cases,
    mistakes=[
        edit(
            'new["w5"] + error_o2 * new["w7"]',
            'w["w5"] + error_o2 * w["w7"]',
            "That is the correct step (the one above, which the post's text describes): the hidden "
            "error signals use w5...w8 from before the update. The slip uses them after it.",
            ('new["w6"] + error_o2 * new["w8"]', 'w["w6"] + error_o2 * w["w8"]'),
        ),
        edit(
            "return new",
            'return {**new, "w5": w["w5"], "w6": w["w6"], "w7": w["w7"], "w8": w["w8"]}',
            "Your w1...w4 are right, but w5...w8 come back unchanged: update them too (the whole step changes all eight weights).",
        ),
    ],
    shape_hint="Return a dict with the same eight keys as w, 'w1' to 'w8', each a number.",
)


# --- Warm-up: the output error (section 3) ----------------------------------------------------------


def _output_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    return [
        Case((rng.uniform(0.05, 0.95, size=(4, 3)), np.eye(3)[[0, 2, 1, 0]]), "a batch of 4, 3 outputs"),
        Case((rng.uniform(0.05, 0.95, size=(1, 10)), np.eye(10)[[7]]), "a batch of 1, 10 outputs"),
        Case((np.array([[0.75136507, 0.772928465]]), np.array([[0.01, 0.99]])), "Mazur's two outputs"),
    ]


def output_error_by_tape(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The independent reference: ∂C_x/∂z for C_x = ½ ||σ(z) - y||², by ``tf.GradientTape`` in float64, at the weighted
    inputs z = ln(a / (1 - a)) whose sigmoid is a (each example's cost depends on its own row of z only)."""
    z = tf.Variable(np.log(a) - np.log1p(-a))
    with tf.GradientTape() as tape:
        cost = 0.5 * tf.reduce_sum(tf.square(tf.sigmoid(z) - tf.constant(y, dtype=tf.float64)))
    return tape.gradient(cost, z).numpy()


OUTPUT_ERROR = FunctionExercise(
    name="output_error",
    title="The output error of the quadratic cost",
    kind="warm-up",
    idea="δ = ∂C/∂z = ∂C/∂a · ∂a/∂z: how the cost changes with the output, times how the output changes with its weighted input.",
    structure="For C = ½(a - y)², ∂C/∂a = a - y; for a = σ(z), ∂a/∂z = σ'(z), which you can write with a alone: a (1 - a). "
    "Multiply the two element by element: the result has the shape of a.",
    solution=network.quadratic_output_error,
    stub="my_output_error",
    reference=output_error_by_tape,
    reference_name="tf.GradientTape's derivative of ½ ||σ(z) - y||² with respect to z, at z = σ⁻¹(a)",
    cases=_output_cases,
    mistakes=[
        edit(
            "return (a - y) * a * (1 - a)",
            "return a - y",
            "That is the output error of the cross-entropy cost (section 6). The quadratic cost keeps the factor σ'(z) = a (1 - a).",
        ),
        edit("(a - y) * a", "(y - a) * a", "The sign is flipped: the derivative of ½(a - y)² with respect to a is (a - y)."),
        edit("* a * (1 - a)", "* sigmoid(a) * (1 - sigmoid(a))", "σ' must be taken at z, not at a. Since a = σ(z), σ'(z) = a (1 - a)."),
    ],
    shape_hint="δ has the same shape as a: one row per example, one column per output neuron; all operations are element-wise.",
)


# --- Lab: the backward pass of a whole network (section 3) ------------------------------------------


def _central_difference_gradients(weights, biases, X, Y, l2=0.0, n_train=None, backward=None):
    """The independent reference: every partial derivative of the cost by central differences: of the mean quadratic
    cost (``utils.network``'s ``Network.total_cost``) and, with ``l2`` and ``n_train``, of the L2 penalty
    (l2 / (2 n_train)) Σ ||W||², each on its own, then added (a penalty of thousands would otherwise swamp the data
    cost's last digits). h = 1e-5, divided for the first layer's weights by the largest input (inputs of 1e5 would
    otherwise move z by 1). ``backward`` (the l2 lab's argument) is not used: every case passes the course's
    quadratic-cost backpropagation."""
    held = _network_from(weights, biases)

    def data_cost(_):
        return held.total_cost(X, Y)

    def penalty(_):
        return 0.5 * l2 / n_train * sum(np.sum(W**2) for W in held.weights) if l2 else 0.0

    steps = [1e-5 / max(1.0, float(np.abs(X).max()))] + [1e-5] * (len(weights) - 1)
    weight_grads = [
        gradcheck.numerical_gradient(data_cost, W, h) + gradcheck.numerical_gradient(penalty, W) for W, h in zip(held.weights, steps)
    ]
    return weight_grads, [gradcheck.numerical_gradient(data_cost, b) for b in held.biases]


def steep_case(seed: int, *more: Any) -> Case:
    """Inputs of about 1e5 through small first-layer weights: weight gradients in the thousands (no clipping).
    Step 4's tape labs use it too, with their own extra arguments."""
    rng = np.random.default_rng(seed)
    weights = [1e-5 * rng.normal(size=(3, 4)), 3 * rng.normal(size=(4, 2))]
    biases = [rng.normal(size=4), rng.normal(size=2)]
    X, Y = 1e5 * rng.normal(size=(5, 3)), one_hot(rng.integers(0, 2, size=5), 2)
    return Case((weights, biases, X, Y, *more), "3-4-2, inputs of about 1e5: weight gradients in the thousands (no clipping)")


def _speed_case() -> Case:
    """A batch of 20,000 through a 4-3-2 network: a loop over the examples takes far longer than matrix products."""
    rng = np.random.default_rng(70)
    weights, biases = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))], [np.zeros(3), np.zeros(2)]
    return Case((weights, biases, rng.normal(size=(20_000, 4)), one_hot(rng.integers(0, 2, size=20_000), 2)), "a batch of 20,000")


NETWORK_BACKWARD = FunctionExercise(
    name="network_backward",
    title="The backward pass of a whole network",
    idea="Run forward once, keeping every layer's activations. Then start from the output error and walk back layer by "
    "layer: each layer's δ gives its weight and bias gradients, and, through the transposed weights and the σ' of "
    "the layer below, the δ of the layer below.",
    structure="activations = [X], then append σ(a @ W + b) for each layer. δ = (a_L - Y) * a_L * (1 - a_L), shape (batch, n_L). "
    "For layer = L-1 down to 0, with a = activations[layer] (its input): dW = a.T @ δ / batch, shape (n_in, n_out); "
    "db = the mean of δ over the rows (axis 0), shape (n_out,); then, unless layer is 0, "
    "δ = (δ @ W.T) * a * (1 - a). Fill two lists, one entry per layer in the order of `weights`.",
    solution=network_gradients,
    stub="my_backprop",
    reference=_central_difference_gradients,
    reference_name="central differences of the mean quadratic cost (utils.gradcheck.numerical_gradient)",
    cases=lambda: (
        _batch_cases(
            7,
            [
                ([3, 3, 3, 3], 4, "3-3-3-3, square layers, a batch of 4"),
                ([5, 4, 2], 1, "5-4-2, a batch of 1"),
                ([6, 5, 4, 3], 7, "6-5-4-3: three layers of different widths, a batch of 7"),
                ([4, 3], 5, "a single layer, 4 inputs and 3 outputs, a batch of 5"),
            ],
        )
        + [steep_case(71)]
    ),
    speed_case=_speed_case,
    names=("weight_grads", "bias_grads"),
    mistakes=[
        edit(
            "(delta @ weights[layer].T) * below * (1 - below)",
            "delta @ weights[layer].T",
            "Going back a layer, δ is missing the slope of the layer below: multiply by σ'(z) = a (1 - a) of that layer's activations.",
        ),
        edit(
            "delta = cost.delta(activations[-1], Y)",
            "delta = activations[-1] - Y",
            "The output error has lost σ'(z_L): for the quadratic cost δ_L = (a_L - y) ⊙ a_L (1 - a_L) "
            "(a - y alone belongs to the cross-entropy cost).",
        ),
        edit(
            "below.T @ delta / len(X)",
            "below.T @ delta",
            "The gradients are batch-size times too large: the cost is the mean over the batch, so divide by the number of rows.",
            ("delta.mean(axis=0)", "delta.sum(axis=0)"),
        ),
        edit(
            "delta @ weights[layer].T",
            "delta @ weights[layer]",
            "δ goes back through W itself: it must go through the transpose, W.T, which maps the n_out outputs back to the n_in inputs.",
        ),
        edit(
            "delta.mean(axis=0)",
            "delta.mean(axis=1)",
            "The bias gradient averages each example's δ over its neurons: average over the examples "
            "(the rows, axis 0), one number per neuron.",
        ),
        edit(
            "weight_grads[layer] = below.T @ delta / len(X)",
            "weight_grads.append(below.T @ delta / len(X))",
            "The gradients are listed last layer first, the order in which the backward pass "
            "finds them: weight_grads[l] must belong to weights[l].",
            ("bias_grads[layer] = delta.mean(axis=0)", "bias_grads.append(delta.mean(axis=0))"),
            ("[None] * len(weights), [None] * len(biases)", "[], []"),
        ),
    ],
    shape_hint="weight_grads[l] has the shape of weights[l], (n_in, n_out): activations.T @ δ is (n_in, batch) @ (batch, n_out). "
    "bias_grads[l] has the shape of biases[l], (n_out,). Going back, δ @ W.T is (batch, n_out) @ (n_out, n_in).",
)


# --- Lab: softmax with cross-entropy (section 6) -----------------------------------------------------------


def tf_softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The independent reference: the mean of ``tf.nn.softmax_cross_entropy_with_logits`` over the batch, in float64,
    and its gradient with respect to the logits from ``tf.GradientTape``."""
    logits = tf.Variable(np.array(z, dtype=float))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(y, dtype=tf.float64), logits=logits))
    return float(loss), tape.gradient(loss, logits).numpy()


def _softmax_cases() -> list[Case]:
    rng = np.random.default_rng(14)

    def targets(batch: int, classes: int) -> np.ndarray:
        return one_hot(rng.integers(0, classes, size=batch), classes)

    far_apart = rng.normal(size=(2, 5)) + np.array([[1000.0], [-1000.0]])
    smoothed = 0.9 * targets(6, 4) + 0.1 / 4
    return [
        Case((rng.normal(scale=3.0, size=(4, 3)), targets(4, 3)), "a batch of 4, 3 classes"),
        Case((rng.normal(size=(1, 10)), targets(1, 10)), "a batch of 1, 10 classes"),
        Case((rng.normal(size=(7, 2)), targets(7, 2)), "2 classes, a batch of 7"),
        Case((rng.normal(size=(3, 4)) + 1000.0, targets(3, 4)), "logits of about 1000"),
        Case((far_apart, targets(2, 5)), "one row of logits near +1000, the other near -1000"),
        Case((rng.normal(scale=2.0, size=(6, 4)), smoothed), "soft targets (label smoothing 0.1): each row still adds up to 1"),
    ]


SOFTMAX_CROSS_ENTROPY = FunctionExercise(
    name="softmax_cross_entropy",
    title="Softmax with cross-entropy, and its gradient",
    idea="Work with log-probabilities: ln p_k = z_k - ln Σ_j e^(z_j). Subtracting each row's largest logit first changes "
    "no p_k and keeps every exponent at or below 0, so nothing overflows. The loss is the mean of -Σ_k y_k ln p_k over the "
    "rows; its gradient is (p - y) divided by the batch size.",
    structure="shifted = z minus each row's maximum (z.max(axis=1, keepdims=True)); log_p = shifted minus the log of the sum "
    "over each row (axis=1, keepdims=True) of np.exp(shifted); loss = -np.sum(y * log_p) / batch; dz = (np.exp(log_p) - y) "
    "/ batch. Return (loss, dz).",
    solution=optimizers.softmax_cross_entropy,
    stub="my_softmax_cross_entropy",
    reference=tf_softmax_cross_entropy,
    reference_name="tf.nn.softmax_cross_entropy_with_logits (the mean over the batch) and its tf.GradientTape gradient",
    cases=_softmax_cases,
    speed_case=lambda: Case(
        (np.random.default_rng(15).normal(size=(40_000, 3)), np.eye(3)[np.arange(40_000) % 3]), "a batch of 40,000, 3 classes"
    ),
    names=("loss", "dz"),
    mistakes=[
        edit(
            "shifted = z - z.max(axis=1, keepdims=True)",
            "shifted = z",
            "For logits of about 710 and more, e^z overflows to infinity and the result is nan (∞/∞). Subtract each row's "
            "largest logit first: it changes no probability and keeps every exponent at or below 0 (log-sum-exp).",
        ),
        edit(
            "z.max(axis=1, keepdims=True)",
            "z.max()",
            "You subtract the largest logit of the whole batch: in a row whose logits all lie far below it, every e^(z - max) "
            "is 0, and ln 0 = -∞. Subtract each row's own largest logit (axis=1, keepdims=True).",
        ),
        edit(
            "(np.exp(log_p) - y) / len(z)",
            "np.exp(log_p) - y",
            "dz is batch-size times too large: the loss is the mean over the batch, so each row's p - y is divided by the batch size.",
        ),
        edit(
            "-np.sum(y * log_p) / len(z)",
            "-np.sum(y * log_p)",
            "The loss is the sum over the batch; the lab (like Keras) takes the mean: divide by the batch size.",
        ),
        edit(
            "np.exp(shifted).sum(axis=1, keepdims=True)",
            "np.exp(shifted).sum(axis=0, keepdims=True)",
            "The softmax is normalised down the batch (axis 0): each row's probabilities must add up to one over its classes (axis 1).",
        ),
        edit("(np.exp(log_p) - y)", "(y - np.exp(log_p))", "dz has the wrong sign: ∂C/∂z = (p - y) / batch, not (y - p) / batch."),
    ],
    shape_hint="Return (loss, dz): the loss is one number (the mean over the rows), dz has the shape of z, (batch, classes).",
)


# --- Warm-up and lab: Glorot and He initialisation (section 6) ---------------------------------------------


def _draw_statistics(fan: Callable[[int, int], int]) -> Callable[[Callable], Callable]:
    """Judge an initialiser by a large draw: its shape; its mean, variance, smallest and largest weight in the unit
    1/√fan (fan: n_in for He, n_in + n_out for Glorot); and the correlation of neighbouring weights (independent
    draws: about 0)."""

    def adapter(initializer: Callable) -> Callable:
        def run(n_in, n_out, seed):
            drawn = initializer(n_in, n_out, np.random.default_rng(seed))
            if drawn is None:
                return None
            weights = np.asarray(drawn, dtype=float)
            flat, unit = weights.ravel(), 1 / np.sqrt(fan(n_in, n_out))
            both = np.stack([flat[:-1], flat[1:]])
            neighbours = float(np.corrcoef(both)[0, 1]) if len(flat) > 2 and both.std(axis=1).min() > 0 else 1.0
            return (
                np.array(weights.shape, dtype=float),
                flat.mean() / unit,
                flat.var() / unit**2,
                flat.min() / unit,
                flat.max() / unit,
                neighbours,
            )

        return run

    return adapter


def keras_draw(initializer: str) -> Callable:
    """The independent reference: a draw of ``keras.initializers.<initializer>`` of the case's shape and seed (float64)."""

    def draw(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        seed = int(rng.integers(2**31))
        return np.asarray(getattr(keras.initializers, initializer)(seed=seed)(shape=(n_in, n_out), dtype="float64"))

    return draw


_STATISTICS = ("shape", "mean × √fan", "fan × variance", "smallest × √fan", "largest × √fan", "correlation of neighbouring weights")

GLOROT_UNIFORM = FunctionExercise(
    name="glorot_uniform",
    title="Glorot's uniform initialisation",
    kind="warm-up",
    idea="A uniform draw on [-r, r] has variance r²/3. Glorot and Bengio want the variance 2 / (n_in + n_out): solve for r.",
    structure="r = np.sqrt(6 / (n_in + n_out)); return rng.uniform(-r, r, size=(n_in, n_out)).",
    solution=optimizers.glorot_uniform,
    stub="my_glorot_uniform",
    reference=keras_draw("GlorotUniform"),
    reference_name="the same statistics of a draw of keras.initializers.GlorotUniform of that shape "
    "(fan = n_in + n_out; within 3% or 0.02: both are random draws)",
    cases=[
        Case((784, 300, 1), "784 inputs to 300 neurons (235,200 weights)"),
        Case((100, 3000, 2), "100 inputs to 3,000 neurons: far more outputs than inputs"),
    ],
    adapter=_draw_statistics(lambda n_in, n_out: n_in + n_out),
    names=_STATISTICS,
    rtol=0.03,
    atol=0.02,
    mistakes=[
        edit(
            "np.sqrt(6 / (n_in + n_out))",
            "np.sqrt(2 / (n_in + n_out))",
            "Your limit r is the standard deviation Glorot asks for, √(2 / (n_in + n_out)); but a uniform draw on [-r, r] has "
            "variance r²/3, three times too small. The limit is r = √(6 / (n_in + n_out)).",
        ),
        edit(
            "np.sqrt(6 / (n_in + n_out))",
            "np.sqrt(6 / n_in)",
            "Glorot averages the fan-in and the fan-out, r = √(6 / (n_in + n_out)), so that the gradients on the way back keep "
            "their spread too; √(6 / n_in) is He's uniform limit.",
        ),
        edit(
            "rng.uniform(-limit, limit, size=(n_in, n_out))",
            "rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), size=(n_in, n_out))",
            "These are Glorot's normal draws (keras.initializers.GlorotNormal): the right variance, but not bounded. "
            "GlorotUniform draws uniformly between -r and r.",
        ),
        edit(
            "rng.uniform(-limit, limit",
            "rng.uniform(0, limit",
            "Your weights are all positive: draw between -r and r, so that they average zero.",
        ),
        edit(
            "size=(n_in, n_out)",
            "size=(n_out, n_in)",
            "The matrix is transposed: the course's W is (n_in, n_out), one row per input, one column per neuron.",
        ),
    ],
    shape_hint="Return one weight matrix of shape (n_in, n_out): one row per input, one column per neuron.",
)

HE_NORMAL = FunctionExercise(
    name="he_normal",
    title="He's normal initialisation, as Keras draws it",
    idea="He et al. want the variance 2 / n_in. Keras draws from a normal cut off at two standard deviations (a draw "
    "beyond is drawn again); the cut removes the tails, which shrinks the standard deviation by the factor 0.8796, so "
    "Keras widens it first by that factor.",
    structure="stddev = np.sqrt(2 / n_in) / 0.87962566103423978; weights = rng.normal(0, stddev, size=(n_in, n_out)); then, "
    "while any |weight| > 2 * stddev: draw those entries again (weights[outside] = rng.normal(0, stddev, size=outside.sum())) "
    "and look again. Return weights.",
    solution=optimizers.he_normal,
    stub="my_he_normal",
    reference=keras_draw("HeNormal"),
    reference_name="the same statistics of a draw of keras.initializers.HeNormal of that shape "
    "(fan = n_in; within 3% or 0.02: both are random draws)",
    cases=[
        Case((784, 300, 3), "784 inputs to 300 neurons (235,200 weights)"),
        Case((300, 1000, 4), "300 inputs to 1,000 neurons: more outputs than inputs"),
    ],
    adapter=_draw_statistics(lambda n_in, n_out: n_in),
    names=_STATISTICS,
    rtol=0.03,
    atol=0.02,
    mistakes=[
        edit(
            "    outside = np.abs(weights) > 2 * stddev\n    while outside.any():",
            "    outside = np.abs(weights) > np.inf\n    while outside.any():",
            "These are He et al.'s plain normal draws, N(0, 2/n_in): the right variance, but with tails far beyond two standard "
            "deviations, which Keras' HeNormal cuts off (it draws them again) and makes up for by widening σ by 1/0.8796.",
            ("np.sqrt(2 / n_in) / 0.87962566103423978", "np.sqrt(2 / n_in)"),
        ),
        edit(
            "np.sqrt(2 / n_in) / 0.87962566103423978",
            "np.sqrt(2 / n_in)",
            "Cutting the tails off at two standard deviations shrinks the variance by the factor 0.8796² = 0.774: widen σ first, "
            "dividing √(2 / n_in) by 0.87962566103423978, so that the variance stays 2 / n_in.",
        ),
        edit(
            "np.sqrt(2 / n_in)",
            "np.sqrt(2 / n_out)",
            "He's variance is 2 / n_in, with n_in the number of inputs of each neuron (the rows of W): it keeps the spread of the "
            "signal going forward. You used n_out.",
        ),
        edit(
            "np.sqrt(2 / n_in)",
            "(2 / n_in)",
            "rng.normal takes the standard deviation, not the variance: for a variance of 2 / n_in, σ = √(2 / n_in).",
        ),
        edit(
            "np.sqrt(2 / n_in)",
            "np.sqrt(1 / n_in)",
            "That is the variance 1 / n_in of section 5's N(0, 1/n_in) (LeCun's): a ReLU zeroes about half of its inputs, so He "
            "doubles it to 2 / n_in.",
        ),
    ],
    shape_hint="Return one weight matrix of shape (n_in, n_out): one row per input, one column per neuron.",
)


# --- Lab: the gradients of the L2-regularised cost (section 6) --------------------------------------

L2_GRADIENTS = FunctionExercise(
    name="l2_gradients",
    title="The gradients of the L2-regularised cost",
    idea="The regularised cost is the old cost plus (λ/2n) Σ w² over the weights, where n is the size of the whole "
    "training set. Its gradient is the old gradient plus the derivative of that extra term, which touches the "
    "weights only, not the biases.",
    structure="Call backward(weights, biases, X, Y) for the gradients of the unregularised cost. The derivative of "
    "(λ/2n) w² is (λ/n) w, so add l2 / n_train * W to each weight gradient; return the bias gradients "
    "unchanged. Return (weight_grads, bias_grads), lists shaped like weights and biases.",
    solution=network.l2_gradients,
    stub="my_l2_gradients",
    reference=_central_difference_gradients,
    reference_name="central differences of the regularised cost: of the mean quadratic cost (utils.network's "
    "Network.total_cost) and of the penalty (λ / 2n) Σ ||W||², each on its own, added",
    cases=lambda: _batch_cases(
        17,
        [
            ([4, 3, 2], 5, 3.0, 50, "4-3-2, a mini-batch of 5 from 50 training examples, λ = 3"),
            ([3, 2], 1, 2.0, 20, "a single layer, a mini-batch of 1 from 20, λ = 2"),
            ([5, 4, 4, 3], 6, 40.0, 1000, "three layers, a mini-batch of 6 from 1,000, λ = 40"),
            ([3, 3, 2], 4, 0.0, 100, "λ = 0: no regularisation at all"),
            ([4, 3, 2], 5, 1e5, 10, "λ = 100,000 over 10 examples: penalty gradients in the thousands (no clipping)"),
        ],
        then=lambda rng: (network_gradients,),
    ),
    names=("weight_grads", "bias_grads"),
    mistakes=[
        edit(
            "list(bias_grads)",
            "[db + l2 / n_train * b for db, b in zip(bias_grads, biases)]",
            "The biases are regularised too: the penalty (λ/2n) Σ w² sums over the weights only, so the bias gradients do not change.",
        ),
        edit(
            "l2 / n_train * W",
            "l2 / len(X) * W",
            "The penalty is divided by the mini-batch size: n in λ/n is the number of training "
            "examples (n_train), the same for every mini-batch.",
        ),
        edit(
            "l2 / n_train * W",
            "l2 / (2 * n_train) * W",
            "The extra gradient is half what it should be: the derivative of (λ/2n) w² is (λ/n) w, the 2 of the square cancels the ½.",
        ),
        edit(
            "dW + l2",
            "dW - l2",
            "The penalty's gradient is subtracted: it must be added, so that a step against the "
            "gradient shrinks the weights (weight decay), not grows them.",
        ),
    ],
    shape_hint="Return two lists shaped like weights and biases: one gradient array per layer, in the same order.",
)

EXERCISES = [
    GRADIENT_DESCENT,
    MOMENTUM_UPDATE,
    ADAM_UPDATE,
    SGD_EPOCH,
    POSTED_STEP,
    OUTPUT_ERROR,
    NETWORK_BACKWARD,
    SOFTMAX_CROSS_ENTROPY,
    GLOROT_UNIFORM,
    HE_NORMAL,
    L2_GRADIENTS,
]
