"""The labs of step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``).

Every solution and mistake here is written with the notebook's own names (``np``, ``sigmoid``), so
that a test can paste it into the stub cell and run the notebook with it. The course's versions in
``utils`` (``utils.nn.gradient_descent``, ``utils.network.network_gradients``, ``sgd_epoch``,
``l2_gradients``) are what the notebook uses until yours passes; ``tests/test_network.py`` proves
them equal to the solutions below.
"""

from __future__ import annotations

import numpy as np

from utils import gradcheck, nn
from utils.exercises.core import Case, FunctionExercise, Mistake
from utils.network import Network, QuadraticCost, network_gradients, one_hot
from utils.nn import bowl_gradient, sigmoid


def _network(rng, sizes, scale=1.0):
    """Random weights (n_in, n_out) and biases (n_out,) for the layer sizes ``sizes``."""
    weights = [rng.normal(scale=scale, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    return weights, biases


def _network_from(weights, biases, cost=QuadraticCost):
    """A ``utils.network.Network`` holding copies of these parameters."""
    network = Network([weights[0].shape[0]] + [W.shape[1] for W in weights], cost=cost)
    network.weights, network.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    return network


# --- Warm-up: gradient descent (section 1) ----------------------------------------------------------


def tilted_gradient(point):
    """The gradient of f(x, y) = (x - 1)² + 2 (y + 0.5)² + x y."""
    x, y = point
    return np.array([2 * (x - 1) + y, 4 * (y + 0.5) + x])


def parabola_gradient(point):
    """The gradient of f(x) = (x - 1)², for a point of one coordinate."""
    return 2 * (point - 1)


def descent_climbing(gradient, start, learning_rate, steps):
    point = np.array(start, dtype=float)
    path = [point.copy()]
    for _ in range(steps):
        point = point + learning_rate * np.asarray(gradient(point), dtype=float)
        path.append(point.copy())
    return np.array(path)


def descent_without_start(gradient, start, learning_rate, steps):
    point = np.array(start, dtype=float)
    path = []
    for _ in range(steps):
        point = point - learning_rate * np.asarray(gradient(point), dtype=float)
        path.append(point.copy())
    return np.array(path)


def descent_last_point_only(gradient, start, learning_rate, steps):
    point = np.array(start, dtype=float)
    for _ in range(steps):
        point = point - learning_rate * np.asarray(gradient(point), dtype=float)
    return point


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
        Case((bowl_gradient, np.array([-4.0, 1.5]), 0.05, 10), "the bowl x² + 10y², 10 steps of η = 0.05"),
        Case((tilted_gradient, np.array([0.0, 0.0]), 0.1, 25), "a tilted bowl, 25 steps of η = 0.1"),
        Case((parabola_gradient, np.array([-2.0]), 1.05, 3), "a parabola in one dimension, η too large: it diverges"),
    ],
    mistakes=[
        Mistake(descent_climbing, "You are climbing: subtract the gradient (p - η ∇f), do not add it."),
        Mistake(descent_without_start, "The starting point is missing: the path begins with it, so it has steps + 1 rows."),
        Mistake(descent_last_point_only, "Return the whole path (every point, one per row), not just the last point."),
    ],
    shape_hint="The path has one row per point: steps + 1 rows (the start included) and one column per coordinate.",
)


# --- Lab: one epoch of mini-batch gradient descent (section 1) --------------------------------------


def sgd_epoch(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    """One epoch of mini-batch SGD over shuffled (X, Y); returns the new (weights, biases) lists."""
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def epoch_without_shuffle(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    for start in range(0, len(X), batch_size):
        batch = np.arange(start, min(start + batch_size, len(X)))
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def epoch_climbing(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W + learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b + learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def epoch_dropping_the_last_batch(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    order = rng.permutation(len(X))
    for start in range(0, len(X) - batch_size + 1, batch_size):
        batch = order[start : start + batch_size]
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def epoch_stepping_twice(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        for W, dW, b, db in zip(weights, weight_grads, biases, bias_grads):
            W -= learning_rate * dW  # the step, in place ...
            b -= learning_rate * db
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]  # ... and once more
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def epoch_summing_over_the_batch(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        sum_w, sum_b = [0 * W for W in weights], [0 * b for b in biases]
        for index in batch:
            weight_grads, bias_grads = backward(weights, biases, X[[index]], Y[[index]])
            sum_w = [s + dW for s, dW in zip(sum_w, weight_grads)]
            sum_b = [s + db for s, db in zip(sum_b, bias_grads)]
        weights = [W - learning_rate * dW for W, dW in zip(weights, sum_w)]
        biases = [b - learning_rate * db for b, db in zip(biases, sum_b)]
    return weights, biases


def epoch_rebinding_loop_variables(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        for W, dW in zip(weights, weight_grads):
            W = W - learning_rate * dW  # a new array, bound to the loop variable only
        for b, db in zip(biases, bias_grads):
            b = b - learning_rate * db
    return weights, biases


def epoch_with_evened_out_batches(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    order = rng.permutation(len(X))
    for batch in np.array_split(order, -(-len(X) // batch_size)):
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def _with_fresh_rng(function):
    """Run an epoch function with ``np.random.default_rng(seed)`` in place of the seed: every answer,
    the reference and each mistake draw the same shuffle."""

    def run(weights, biases, X, Y, batch_size, learning_rate, seed, backward):
        return function(weights, biases, X, Y, batch_size, learning_rate, np.random.default_rng(seed), backward)

    return run


def network_train_epoch(weights, biases, X, Y, batch_size, learning_rate, rng, backward):
    """The reference: ``utils.network.Network.train_epoch`` on a network holding these parameters
    (its own quadratic-cost backpropagation, which is the ``backward`` every case passes)."""
    network = _network_from(weights, biases)
    network.train_epoch(X, Y, batch_size, learning_rate, rng)
    return network.weights, network.biases


def _epoch_cases():
    rng = np.random.default_rng(31)
    cases = []
    for sizes, n, batch_size, learning_rate, label in (
        ([4, 3, 2], 23, 5, 0.5, "4-3-2 network, 23 examples in mini-batches of 5 (the last has 3), η = 0.5"),
        ([3, 4, 4, 2], 6, 1, 0.8, "three layers, mini-batches of 1 (plain stochastic gradient descent)"),
        ([5, 3], 12, 4, 2.0, "a single layer, 12 examples in 3 mini-batches of 4, η = 2"),
        ([2, 3, 2], 7, 10, 0.3, "mini-batches of 10 but only 7 examples: one batch, smaller than asked"),
    ):
        weights, biases = _network(rng, sizes)
        X, Y = rng.normal(size=(n, sizes[0])), one_hot(rng.integers(0, sizes[-1], size=n), sizes[-1])
        cases.append(Case((weights, biases, X, Y, batch_size, learning_rate, int(rng.integers(1000)), network_gradients), label))
    return cases


SGD_EPOCH = FunctionExercise(
    name="sgd_epoch",
    title="One epoch of mini-batch gradient descent",
    idea="One epoch visits every example once, in a fresh random order, a mini-batch at a time. For each mini-batch, "
    "ask `backward` for the gradients at the current parameters and take one step against them.",
    structure="order = one rng.permutation of the row numbers. For start = 0, batch_size, 2·batch_size, ... while start < n: "
    "batch = the next batch_size entries of order (the last slice may be shorter); call backward(weights, biases, "
    "X[batch], Y[batch]); replace every W by W - learning_rate * dW and every b by b - learning_rate * db. "
    "After the loop, return (weights, biases).",
    solution=sgd_epoch,
    stub="my_sgd_epoch",
    reference_name="utils.network's Network.train_epoch on the same network, with the same shuffle",
    reference=network_train_epoch,
    adapter=_with_fresh_rng,
    cases=_epoch_cases,
    names=("weights", "biases"),
    mistakes=[
        Mistake(
            epoch_without_shuffle, "The examples are visited in their stored order: shuffle them first, with one rng.permutation per epoch."
        ),
        Mistake(epoch_climbing, "You are climbing: each step subtracts learning_rate times the gradient."),
        Mistake(
            epoch_dropping_the_last_batch,
            "The last, smaller mini-batch is skipped: an epoch uses every example, so the leftover rows form one more batch.",
        ),
        Mistake(
            epoch_stepping_twice,
            "Every step is taken twice (once in place with -=, then again when building the new lists): "
            "each mini-batch should move the parameters by learning_rate times the gradient, once.",
        ),
        Mistake(
            epoch_with_evened_out_batches,
            "The leftover examples are spread over several mini-batches (as np.array_split does): "
            "take consecutive runs of exactly batch_size, so that only the last one is smaller.",
        ),
        Mistake(
            epoch_rebinding_loop_variables,
            "Your epoch gives back the parameters it was given, unchanged: assigning a new array to "
            "the loop variable of a for loop does not change the list. Build new lists, or change "
            "the arrays themselves in place.",
        ),
        Mistake(
            epoch_summing_over_the_batch,
            "The steps are batch-size times too large: the gradient of a mini-batch is the mean over "
            "its examples (what backward returns for the whole batch), not their sum.",
        ),
    ],
    shape_hint="Return two lists: the new weights, shaped like `weights`, and the new biases, shaped like `biases`.",
)


# --- Warm-up: the output error (section 3) ----------------------------------------------------------


def output_error(a, y):
    """δ_L for the quadratic cost with sigmoid outputs: (a - y) ⊙ σ'(z), where σ'(z) = a (1 - a)."""
    return (a - y) * a * (1 - a)


def output_error_without_slope(a, y):
    return a - y


def output_error_sign_flipped(a, y):
    return (y - a) * a * (1 - a)


def output_error_slope_at_a(a, y):
    slope = sigmoid(a) * (1 - sigmoid(a))
    return (a - y) * slope


def _output_cases():
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
    solution=output_error,
    reference=QuadraticCost.delta,
    stub="my_output_error",
    reference_name="the course's tested version (utils.network.QuadraticCost.delta)",
    cases=_output_cases,
    mistakes=[
        Mistake(
            output_error_without_slope,
            "That is the output error of the cross-entropy cost (section 6). The quadratic cost keeps the factor σ'(z) = a (1 - a).",
        ),
        Mistake(output_error_sign_flipped, "The sign is flipped: the derivative of ½(a - y)² with respect to a is (a - y)."),
        Mistake(output_error_slope_at_a, "σ' must be taken at z, not at a. Since a = σ(z), σ'(z) = a (1 - a)."),
    ],
    shape_hint="δ has the same shape as a: one row per example, one column per output neuron; all operations are element-wise.",
)


# --- Warm-up: which slip reproduces Mazur's post? (section 2) ---------------------------------------
# Mazur's network with the notebook's names (section 2 defines the same), so that the solution and the
# mistakes below run unchanged when pasted into the notebook.

i1, i2 = 0.05, 0.10
target_o1, target_o2 = 0.01, 0.99
b1, b2 = 0.35, 0.60
learning_rate = 0.5
MAZUR_START = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}


def forward(w):
    """Mazur's forward pass for the weights in the dict w (the notebook's ``forward``)."""
    net_h1, net_h2 = w["w1"] * i1 + w["w2"] * i2 + b1, w["w3"] * i1 + w["w4"] * i2 + b1
    out_h1, out_h2 = sigmoid(net_h1), sigmoid(net_h2)
    net_o1, net_o2 = w["w5"] * out_h1 + w["w6"] * out_h2 + b2, w["w7"] * out_h1 + w["w8"] * out_h2 + b2
    return dict(
        net_h1=net_h1,
        out_h1=out_h1,
        net_h2=net_h2,
        out_h2=out_h2,
        net_o1=net_o1,
        out_o1=sigmoid(net_o1),
        net_o2=net_o2,
        out_o2=sigmoid(net_o2),
    )


def posted_step(w):
    """Mazur's step, except that the hidden layer's error signals use w5...w8 after their update."""
    values = forward(w)
    error_o1 = (values["out_o1"] - target_o1) * values["out_o1"] * (1 - values["out_o1"])
    error_o2 = (values["out_o2"] - target_o2) * values["out_o2"] * (1 - values["out_o2"])
    new = dict(w)
    new["w5"] = w["w5"] - learning_rate * error_o1 * values["out_h1"]
    new["w6"] = w["w6"] - learning_rate * error_o1 * values["out_h2"]
    new["w7"] = w["w7"] - learning_rate * error_o2 * values["out_h1"]
    new["w8"] = w["w8"] - learning_rate * error_o2 * values["out_h2"]
    error_h1 = (error_o1 * new["w5"] + error_o2 * new["w7"]) * values["out_h1"] * (1 - values["out_h1"])
    error_h2 = (error_o1 * new["w6"] + error_o2 * new["w8"]) * values["out_h2"] * (1 - values["out_h2"])
    new["w1"] = w["w1"] - learning_rate * error_h1 * i1
    new["w2"] = w["w2"] - learning_rate * error_h1 * i2
    new["w3"] = w["w3"] - learning_rate * error_h2 * i1
    new["w4"] = w["w4"] - learning_rate * error_h2 * i2
    return new


def posted_step_by_matrices(w):
    """The independent reference: the same slip in the course's matrix layout (``utils.network.mazur_example``),
    with the second layer updated first and its new weights used to send the error back."""
    from utils.network import mazur_example

    network, X, Y = mazur_example()
    W1 = np.array([[w["w1"], w["w3"]], [w["w2"], w["w4"]]])
    W2 = np.array([[w["w5"], w["w7"]], [w["w6"], w["w8"]]])
    hidden = sigmoid(X @ W1 + network.biases[0])
    output = sigmoid(hidden @ W2 + network.biases[1])
    delta_output = (output - Y) * output * (1 - output)
    W2 = W2 - 0.5 * hidden.T @ delta_output
    delta_hidden = (delta_output @ W2.T) * hidden * (1 - hidden)  # the new W2: the slip
    W1 = W1 - 0.5 * X.T @ delta_hidden
    return {"w1": W1[0, 0], "w2": W1[1, 0], "w3": W1[0, 1], "w4": W1[1, 1], "w5": W2[0, 0], "w6": W2[1, 0], "w7": W2[0, 1], "w8": W2[1, 1]}


def correct_step(w):
    values = forward(w)
    error_o1 = (values["out_o1"] - target_o1) * values["out_o1"] * (1 - values["out_o1"])
    error_o2 = (values["out_o2"] - target_o2) * values["out_o2"] * (1 - values["out_o2"])
    error_h1 = (error_o1 * w["w5"] + error_o2 * w["w7"]) * values["out_h1"] * (1 - values["out_h1"])
    error_h2 = (error_o1 * w["w6"] + error_o2 * w["w8"]) * values["out_h2"] * (1 - values["out_h2"])
    new = dict(w)
    for name, error, out in (
        ("w5", error_o1, values["out_h1"]),
        ("w6", error_o1, values["out_h2"]),
        ("w7", error_o2, values["out_h1"]),
        ("w8", error_o2, values["out_h2"]),
        ("w1", error_h1, i1),
        ("w2", error_h1, i2),
        ("w3", error_h2, i1),
        ("w4", error_h2, i2),
    ):
        new[name] = w[name] - learning_rate * error * out
    return new


def posted_step_output_weights_kept(w):
    values = forward(w)
    error_o1 = (values["out_o1"] - target_o1) * values["out_o1"] * (1 - values["out_o1"])
    error_o2 = (values["out_o2"] - target_o2) * values["out_o2"] * (1 - values["out_o2"])
    updated_w5 = w["w5"] - learning_rate * error_o1 * values["out_h1"]
    updated_w6 = w["w6"] - learning_rate * error_o1 * values["out_h2"]
    updated_w7 = w["w7"] - learning_rate * error_o2 * values["out_h1"]
    updated_w8 = w["w8"] - learning_rate * error_o2 * values["out_h2"]
    error_h1 = (error_o1 * updated_w5 + error_o2 * updated_w7) * values["out_h1"] * (1 - values["out_h1"])
    error_h2 = (error_o1 * updated_w6 + error_o2 * updated_w8) * values["out_h2"] * (1 - values["out_h2"])
    new = dict(w)
    for name, error, x in (("w1", error_h1, i1), ("w2", error_h1, i2), ("w3", error_h2, i1), ("w4", error_h2, i2)):
        new[name] = w[name] - learning_rate * error * x
    return new


def _posted_cases():
    rng = np.random.default_rng(13)
    others = [dict(zip(MAZUR_START, rng.uniform(-1, 1, size=8))) for _ in range(2)]
    return [
        Case((dict(MAZUR_START),), "Mazur's starting weights"),
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
    solution=posted_step,
    reference=posted_step_by_matrices,
    stub="my_posted_step",
    reference_name="the course's version in matrix form (utils.exercises.step03.posted_step_by_matrices)",
    cases=_posted_cases,
    mistakes=[
        Mistake(
            correct_step,
            "That is the correct step (the one above, which the post's text describes): the hidden "
            "error signals use w5...w8 from before the update. The slip uses them after it.",
        ),
        Mistake(
            posted_step_output_weights_kept,
            "Your w1...w4 are right, but w5...w8 come back unchanged: update them too (the whole step changes all eight weights).",
        ),
    ],
    shape_hint="Return a dict with the same eight keys as w, 'w1' to 'w8', each a number.",
)


# --- Lab: the backward pass of a whole network (section 3) ------------------------------------------


def network_backward(weights, biases, X, Y):
    """Gradients of the mean quadratic cost over the batch, every layer: -> (weight_grads, bias_grads)."""
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    output = activations[-1]
    delta = (output - Y) * output * (1 - output)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        below = activations[layer]
        weight_grads[layer] = below.T @ delta / len(X)
        bias_grads[layer] = delta.mean(axis=0)
        if layer > 0:
            delta = (delta @ weights[layer].T) * below * (1 - below)
    return weight_grads, bias_grads


def backward_no_slope_in_hidden_layers(weights, biases, X, Y):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    output = activations[-1]
    delta = (output - Y) * output * (1 - output)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        weight_grads[layer] = activations[layer].T @ delta / len(X)
        bias_grads[layer] = delta.mean(axis=0)
        delta = delta @ weights[layer].T
    return weight_grads, bias_grads


def backward_no_slope_at_output(weights, biases, X, Y):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    delta = activations[-1] - Y
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        below = activations[layer]
        weight_grads[layer] = below.T @ delta / len(X)
        bias_grads[layer] = delta.mean(axis=0)
        delta = (delta @ weights[layer].T) * below * (1 - below)
    return weight_grads, bias_grads


def backward_summed_over_batch(weights, biases, X, Y):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    output = activations[-1]
    delta = (output - Y) * output * (1 - output)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        below = activations[layer]
        weight_grads[layer] = below.T @ delta
        bias_grads[layer] = delta.sum(axis=0)
        delta = (delta @ weights[layer].T) * below * (1 - below)
    return weight_grads, bias_grads


def backward_weights_not_transposed(weights, biases, X, Y):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    output = activations[-1]
    delta = (output - Y) * output * (1 - output)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        below = activations[layer]
        weight_grads[layer] = below.T @ delta / len(X)
        bias_grads[layer] = delta.mean(axis=0)
        if layer > 0:
            delta = (delta @ weights[layer]) * below * (1 - below)
    return weight_grads, bias_grads


def backward_bias_over_neurons(weights, biases, X, Y):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    output = activations[-1]
    delta = (output - Y) * output * (1 - output)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        below = activations[layer]
        weight_grads[layer] = below.T @ delta / len(X)
        bias_grads[layer] = delta.mean(axis=1)
        if layer > 0:
            delta = (delta @ weights[layer].T) * below * (1 - below)
    return weight_grads, bias_grads


def backward_gradients_last_layer_first(weights, biases, X, Y):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    output = activations[-1]
    delta = (output - Y) * output * (1 - output)
    weight_grads, bias_grads = [], []
    for layer in reversed(range(len(weights))):
        below = activations[layer]
        weight_grads.append(below.T @ delta / len(X))
        bias_grads.append(delta.mean(axis=0))
        delta = (delta @ weights[layer].T) * below * (1 - below)
    return weight_grads, bias_grads


def central_difference_gradients(weights, biases, X, Y):
    """The independent reference: every partial derivative of the mean quadratic cost by central
    differences (``utils.gradcheck.numerical_gradient``, h = 1e-5)."""

    def cost(_):
        return QuadraticCost.value(nn.dense_forward(X, weights, biases), Y)

    return ([gradcheck.numerical_gradient(cost, W) for W in weights], [gradcheck.numerical_gradient(cost, b) for b in biases])


def _backward_cases():
    rng = np.random.default_rng(7)
    cases = []
    for sizes, batch, label in (
        ([3, 3, 3, 3], 4, "3-3-3-3, square layers, a batch of 4"),
        ([5, 4, 2], 1, "5-4-2, a batch of 1"),
        ([6, 5, 4, 3], 7, "6-5-4-3: three layers of different widths, a batch of 7"),
        ([4, 3], 5, "a single layer, 4 inputs and 3 outputs, a batch of 5"),
    ):
        weights, biases = _network(rng, sizes)
        X, Y = rng.normal(size=(batch, sizes[0])), one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
        cases.append(Case((weights, biases, X, Y), label))
    return cases


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
    solution=network_backward,
    stub="my_backprop",
    reference=central_difference_gradients,
    reference_name="central differences of the mean quadratic cost (utils.gradcheck.numerical_gradient)",
    cases=_backward_cases,
    names=("weight_grads", "bias_grads"),
    rtol=1e-6,
    atol=1e-9,
    mistakes=[
        Mistake(
            backward_no_slope_in_hidden_layers,
            "Going back a layer, δ is missing the slope of the layer below: multiply by σ'(z) = a (1 - a) of that layer's activations.",
        ),
        Mistake(
            backward_no_slope_at_output,
            "The output error has lost σ'(z_L): for the quadratic cost δ_L = (a_L - y) ⊙ a_L (1 - a_L) "
            "(a - y alone belongs to the cross-entropy cost).",
        ),
        Mistake(
            backward_summed_over_batch,
            "The gradients are batch-size times too large: the cost is the mean over the batch, so divide by the number of rows.",
        ),
        Mistake(
            backward_weights_not_transposed,
            "δ goes back through W itself: it must go through the transpose, W.T, which maps the n_out outputs back to the n_in inputs.",
        ),
        Mistake(
            backward_bias_over_neurons,
            "The bias gradient averages each example's δ over its neurons: average over the examples "
            "(the rows, axis 0), one number per neuron.",
        ),
        Mistake(
            backward_gradients_last_layer_first,
            "The gradients are listed last layer first, the order in which the backward pass "
            "finds them: weight_grads[l] must belong to weights[l].",
        ),
    ],
    shape_hint="weight_grads[l] has the shape of weights[l], (n_in, n_out): activations.T @ δ is (n_in, batch) @ (batch, n_out). "
    "bias_grads[l] has the shape of biases[l], (n_out,). Going back, δ @ W.T is (batch, n_out) @ (n_out, n_in).",
)


# --- Lab: the gradients of the L2-regularised cost (section 6) --------------------------------------


def l2_gradients(weights, biases, X, Y, l2, n_train, backward):
    """Gradients of C + (l2 / 2n) Σ ||W||², n = n_train: -> (weight_grads, bias_grads)."""
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    weight_grads = [dW + l2 / n_train * W for dW, W in zip(weight_grads, weights)]
    return weight_grads, bias_grads


def l2_decaying_biases_too(weights, biases, X, Y, l2, n_train, backward):
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    weight_grads = [dW + l2 / n_train * W for dW, W in zip(weight_grads, weights)]
    bias_grads = [db + l2 / n_train * b for db, b in zip(bias_grads, biases)]
    return weight_grads, bias_grads


def l2_over_the_batch_size(weights, biases, X, Y, l2, n_train, backward):
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    weight_grads = [dW + l2 / len(X) * W for dW, W in zip(weight_grads, weights)]
    return weight_grads, bias_grads


def l2_keeping_the_half(weights, biases, X, Y, l2, n_train, backward):
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    weight_grads = [dW + l2 / (2 * n_train) * W for dW, W in zip(weight_grads, weights)]
    return weight_grads, bias_grads


def l2_sign_flipped(weights, biases, X, Y, l2, n_train, backward):
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    weight_grads = [dW - l2 / n_train * W for dW, W in zip(weight_grads, weights)]
    return weight_grads, bias_grads


def central_difference_l2_gradients(weights, biases, X, Y, l2, n_train, backward):
    """The independent reference: central differences of ``utils.network``'s regularised cost,
    ``Network.total_cost(X, Y, l2, n_train)`` (every case's ``backward`` is its quadratic-cost backpropagation)."""
    network = _network_from(weights, biases)

    def cost(_):
        return network.total_cost(X, Y, l2=l2, n_train=n_train)

    return (
        [gradcheck.numerical_gradient(cost, W) for W in network.weights],
        [gradcheck.numerical_gradient(cost, b) for b in network.biases],
    )


def _l2_cases():
    rng = np.random.default_rng(17)
    cases = []
    for sizes, batch, l2, n_train, label in (
        ([4, 3, 2], 5, 3.0, 50, "4-3-2, a mini-batch of 5 from 50 training examples, λ = 3"),
        ([3, 2], 1, 2.0, 20, "a single layer, a mini-batch of 1 from 20, λ = 2"),
        ([5, 4, 4, 3], 6, 40.0, 1000, "three layers, a mini-batch of 6 from 1,000, λ = 40"),
        ([3, 3, 2], 4, 0.0, 100, "λ = 0: no regularisation at all"),
    ):
        weights, biases = _network(rng, sizes)
        X, Y = rng.normal(size=(batch, sizes[0])), one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
        cases.append(Case((weights, biases, X, Y, l2, n_train, network_gradients), label))
    return cases


L2_GRADIENTS = FunctionExercise(
    name="l2_gradients",
    title="The gradients of the L2-regularised cost",
    idea="The regularised cost is the old cost plus (λ/2n) Σ w² over the weights, where n is the size of the whole "
    "training set. Its gradient is the old gradient plus the derivative of that extra term, which touches the "
    "weights only, not the biases.",
    structure="Call backward(weights, biases, X, Y) for the gradients of the unregularised cost. The derivative of "
    "(λ/2n) w² is (λ/n) w, so add l2 / n_train * W to each weight gradient; return the bias gradients "
    "unchanged. Return (weight_grads, bias_grads), lists shaped like weights and biases.",
    solution=l2_gradients,
    stub="my_l2_gradients",
    reference=central_difference_l2_gradients,
    reference_name="central differences of the regularised cost (utils.network's Network.total_cost with l2)",
    cases=_l2_cases,
    names=("weight_grads", "bias_grads"),
    rtol=1e-6,
    atol=1e-9,
    mistakes=[
        Mistake(
            l2_decaying_biases_too,
            "The biases are regularised too: the penalty (λ/2n) Σ w² sums over the weights only, so the bias gradients do not change.",
        ),
        Mistake(
            l2_over_the_batch_size,
            "The penalty is divided by the mini-batch size: n in λ/n is the number of training "
            "examples (n_train), the same for every mini-batch.",
        ),
        Mistake(
            l2_keeping_the_half,
            "The extra gradient is half what it should be: the derivative of (λ/2n) w² is (λ/n) w, the 2 of the square cancels the ½.",
        ),
        Mistake(
            l2_sign_flipped,
            "The penalty's gradient is subtracted: it must be added, so that a step against the "
            "gradient shrinks the weights (weight decay), not grows them.",
        ),
    ],
    shape_hint="Return two lists shaped like weights and biases: one gradient array per layer, in the same order.",
)

EXERCISES = [GRADIENT_DESCENT, SGD_EPOCH, POSTED_STEP, OUTPUT_ERROR, NETWORK_BACKWARD, L2_GRADIENTS]
