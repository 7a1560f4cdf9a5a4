"""The labs of step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``): each solution is the course's own
function (``utils.nn``, ``utils.network``, ``utils.mazur``), each typical mistake an edit of it. The gradients are
judged against central differences of the cost; the epoch against ``Network.train_epoch``, written for speed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils import gradcheck, mazur, network, nn
from utils.exercises.core import Case, FunctionExercise, edit
from utils.network import Network, QuadraticCost, network_gradients, one_hot


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
    reference_name="the course's tested version (utils.nn.gradient_descent)",
    cases=[
        Case((nn.bowl_gradient, np.array([-4.0, 1.5]), 0.05, 10), "the bowl x² + 10y², 10 steps of η = 0.05"),
        Case(
            (lambda p: np.array([2 * (p[0] - 1) + p[1], 4 * (p[1] + 0.5) + p[0]]), np.zeros(2), 0.1, 25),
            "a tilted bowl, 25 steps of η = 0.1",
        ),
        Case((lambda p: 2 * (p - 1), np.array([-2.0]), 1.05, 3), "a parabola in one dimension, η too large: it diverges"),
    ],
    mistakes=[
        edit("point - learning_rate", "point + learning_rate", "You are climbing: subtract the gradient (p - η ∇f), do not add it."),
        edit("path = [point.copy()]", "path = []", "The starting point is missing: the path begins with it, so it has steps + 1 rows."),
        edit("return np.array(path)", "return point", "Return the whole path (every point, one per row), not just the last point."),
    ],
    shape_hint="The path has one row per point: steps + 1 rows (the start included) and one column per coordinate.",
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


OUTPUT_ERROR = FunctionExercise(
    name="output_error",
    title="The output error of the quadratic cost",
    kind="warm-up",
    idea="δ = ∂C/∂z = ∂C/∂a · ∂a/∂z: how the cost changes with the output, times how the output changes with its weighted input.",
    structure="For C = ½(a - y)², ∂C/∂a = a - y; for a = σ(z), ∂a/∂z = σ'(z), which you can write with a alone: a (1 - a). "
    "Multiply the two element by element: the result has the shape of a.",
    solution=network.quadratic_output_error,
    stub="my_output_error",
    reference_name="the course's tested version (utils.network.quadratic_output_error, checked against central differences)",
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
    """The independent reference: every partial derivative of ``utils.network``'s cost, ``Network.total_cost``
    (mean quadratic cost, plus the L2 penalty with ``l2`` and ``n_train``), by central differences (h = 1e-5).
    ``backward`` (the l2 lab's argument) is not used: every case passes the course's quadratic-cost backpropagation."""
    held = _network_from(weights, biases)

    def cost(_):
        return held.total_cost(X, Y, l2=l2, n_train=n_train)

    return [gradcheck.numerical_gradient(cost, W) for W in held.weights], [gradcheck.numerical_gradient(cost, b) for b in held.biases]


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
    cases=lambda: _batch_cases(
        7,
        [
            ([3, 3, 3, 3], 4, "3-3-3-3, square layers, a batch of 4"),
            ([5, 4, 2], 1, "5-4-2, a batch of 1"),
            ([6, 5, 4, 3], 7, "6-5-4-3: three layers of different widths, a batch of 7"),
            ([4, 3], 5, "a single layer, 4 inputs and 3 outputs, a batch of 5"),
        ],
    ),
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
    reference_name="central differences of the regularised cost (utils.network's Network.total_cost with l2)",
    cases=lambda: _batch_cases(
        17,
        [
            ([4, 3, 2], 5, 3.0, 50, "4-3-2, a mini-batch of 5 from 50 training examples, λ = 3"),
            ([3, 2], 1, 2.0, 20, "a single layer, a mini-batch of 1 from 20, λ = 2"),
            ([5, 4, 4, 3], 6, 40.0, 1000, "three layers, a mini-batch of 6 from 1,000, λ = 40"),
            ([3, 3, 2], 4, 0.0, 100, "λ = 0: no regularisation at all"),
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

EXERCISES = [GRADIENT_DESCENT, SGD_EPOCH, POSTED_STEP, OUTPUT_ERROR, NETWORK_BACKWARD, L2_GRADIENTS]
