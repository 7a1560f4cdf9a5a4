"""The labs of step 4 (``notebooks/04_getting_practical.ipynb``).

The tested solutions are the course's own code in ``utils.tf_network`` (``sigmoid_slope``,
``tape_gradients``, ``train_step``, ``SigmoidDense``), written with the notebook's names (``tf``,
``keras``, and the notebook's ``quadratic_cost``), so that a test can paste them into the stub cells.
They are judged against references that do not use TensorFlow's automatic differentiation: step 3's
hand-written backpropagation (``utils.network``, NumPy only), σ(1 - σ) in NumPy, and Keras' own
``Dense`` layer given the same weights.

TensorFlow is imported on first use, not when the labs are imported (``python course.py progress``
lists them without it): ``tf`` and ``keras`` below are stand-ins that import the module at their first
attribute, and the labs made of Keras classes build them on first use (:class:`TensorFlowLab`).
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np

from utils import nn
from utils.exercises.core import Case, FunctionExercise, Mistake
from utils.network import CrossEntropyCost, Network, QuadraticCost, one_hot


class _OnFirstUse:
    """A module imported when one of its attributes is first asked for (``tf.GradientTape``)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute):
        return getattr(importlib.import_module(self._name), attribute)


tf = _OnFirstUse("tensorflow")
keras = _OnFirstUse("keras")


def quadratic_cost(targets, outputs):
    """The notebook's per-example quadratic cost, ½ ||a - y||² (``utils.tf_network.quadratic_cost``)."""
    from utils import tf_network

    return tf_network.quadratic_cost(targets, outputs)


def _tf_network():
    from utils import tf_network

    return tf_network


def _alike(a, b, rtol: float, atol: float) -> bool:
    """Whether two results agree within the tolerances, part by part; a None matches only a None."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(_alike(a[k], b[k], rtol, atol) for k in a)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (
            isinstance(a, (list, tuple))
            and isinstance(b, (list, tuple))
            and len(a) == len(b)
            and all(_alike(x, y, rtol, atol) for x, y in zip(a, b))
        )
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))


class TensorFlowLab(FunctionExercise):
    """A lab whose solution, reference or mistakes need TensorFlow or Keras, made on first use.

    ``load()`` returns a dict with any of ``solution``, ``reference`` and ``mistakes``; what it does not
    give comes from the constructor's arguments. A known mistake is recognised within ``match_rtol`` and
    ``match_atol``, looser than the check itself (two float32 answers written differently differ in their
    last digits, yet are the same mistake), and position by position where a gradient is None.
    """

    def __init__(self, name, title, *, load=dict, match_rtol: float = 1e-5, match_atol: float = 1e-8, **kwargs):
        self._load, self._loaded = load, None
        self.match_rtol, self.match_atol = match_rtol, match_atol
        super().__init__(name, title, **kwargs)

    def _part(self, key: str, given):
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded.get(key, given)

    @property
    def solution(self):
        return self._part("solution", self._solution)

    @property
    def reference(self):
        return self._part("reference", self._reference) or self.solution

    @property
    def mistakes(self):
        return list(self._part("mistakes", self._given_mistakes))

    @mistakes.setter
    def mistakes(self, value):
        self._given_mistakes = list(value)

    def _known_mistake(self, case, value):
        for mistake in self.mistakes:
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    typical = self.adapter(mistake.compute)(*self._copy(case.args))
            except Exception:  # noqa: BLE001 - a mistake may fail on some inputs; it is then not this one
                continue
            if _alike(value, typical, self.match_rtol, self.match_atol):
                return mistake.message
        return None


# --- Warm-up: the sigmoid's slope from the tape (section 2) ----------------------------------------


def slope_of_z_itself(z):
    z = tf.constant(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(z)
        a = tf.sigmoid(z)  # noqa: F841 - the mistake: a is computed, then z is differentiated
    return tape.gradient(z, z)


def slope_returns_the_sigmoid(z):
    z = tf.constant(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(z)
        a = tf.sigmoid(z)
    return a


SIGMOID_SLOPE = TensorFlowLab(
    name="tape_sigmoid_slope",
    title="The sigmoid's slope from tf.GradientTape",
    kind="warm-up",
    idea="The tape records what is computed inside its `with` block, then gives the derivative of a result with respect "
    "to a watched input. A constant is not watched unless you ask.",
    structure="Turn z into a float64 tensor; open `with tf.GradientTape() as tape:`; inside, watch z and compute a = σ(z) "
    "with tf.sigmoid; after the block, ask the tape for the gradient of a with respect to z and return it.",
    load=lambda: {"solution": _tf_network().sigmoid_slope},
    reference=nn.sigmoid_prime,
    reference_name="σ(z)(1 - σ(z)) computed with NumPy (utils.nn.sigmoid_prime)",
    stub="my_sigmoid_slope",
    cases=[
        Case((np.array([-3.0, 0.0, 0.5, 4.0]),), "a vector"),
        Case((np.array([[1.0, -2.0], [0.25, 8.0]]),), "a 2 x 2 matrix"),
        Case((np.array([-30.0, 30.0]),), "far out on both tails"),
    ],
    mistakes=[
        Mistake(slope_returns_the_sigmoid, "That is σ(z) itself: ask the tape for the gradient of a with respect to z."),
        Mistake(slope_of_z_itself, "That is the gradient of z with respect to itself (all ones): differentiate a = σ(z)."),
    ],
    none_message="Your function returned None. If that came from tape.gradient, the tape did not record a path from z to a: "
    "a constant is watched only after tape.watch(z), and only what is computed inside the `with` block is recorded.",
    shape_hint="The slope has the shape of z: the tape differentiates entry by entry for an element-wise function.",
)


# --- Lab: the gradients of step 3's network from the tape (section 2) ------------------------------

_NETWORK_COSTS = {"quadratic_cost": QuadraticCost, "cross_entropy_cost": CrossEntropyCost}


def backpropagation_gradients(weights, biases, X, Y, cost):
    """Step 3's hand-written backpropagation (``utils.network.Network``, NumPy only) for the same weights,
    batch and cost (named like the notebook's TensorFlow cost functions)."""
    network = Network([np.shape(weights[0])[0]] + [len(b) for b in biases], cost=_NETWORK_COSTS[cost.__name__])
    network.weights = [np.array(W, dtype=float) for W in weights]
    network.biases = [np.array(b, dtype=float) for b in biases]
    return network.gradients(X, Y)


def gradients_of_summed_cost(weights, biases, X, Y, cost):
    weights = [tf.Variable(W, dtype=tf.float64) for W in weights]
    biases = [tf.Variable(b, dtype=tf.float64) for b in biases]
    with tf.GradientTape() as tape:
        activation = tf.constant(X, dtype=tf.float64)
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_sum(cost(tf.constant(Y, dtype=tf.float64), activation))
    return tape.gradient(loss, (weights, biases))


def gradients_without_output_sigmoid(weights, biases, X, Y, cost):
    weights = [tf.Variable(W, dtype=tf.float64) for W in weights]
    biases = [tf.Variable(b, dtype=tf.float64) for b in biases]
    with tf.GradientTape() as tape:
        activation = tf.constant(X, dtype=tf.float64)
        for W, b in zip(weights[:-1], biases[:-1]):
            activation = tf.sigmoid(activation @ W + b)
        activation = activation @ weights[-1] + biases[-1]
        loss = tf.reduce_mean(cost(tf.constant(Y, dtype=tf.float64), activation))
    return tape.gradient(loss, (weights, biases))


def gradients_of_unwatched_constants(weights, biases, X, Y, cost):
    weights = [tf.constant(W, dtype=tf.float64) for W in weights]
    biases = [tf.constant(b, dtype=tf.float64) for b in biases]
    with tf.GradientTape() as tape:
        activation = tf.constant(X, dtype=tf.float64)
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(cost(tf.constant(Y, dtype=tf.float64), activation))
    return tape.gradient(loss, (weights, biases))


def gradients_in_float32(weights, biases, X, Y, cost):
    weights = [tf.Variable(W, dtype=tf.float32) for W in weights]
    biases = [tf.Variable(b, dtype=tf.float32) for b in biases]
    with tf.GradientTape() as tape:
        activation = tf.constant(X, dtype=tf.float32)
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(cost(tf.constant(Y, dtype=tf.float32), activation))
    return tape.gradient(loss, (weights, biases))


def _network_case(rng, sizes, batch):
    weights = [rng.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=n_out) for n_out in sizes[1:]]
    X = rng.normal(size=(batch, sizes[0]))
    Y = one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
    return weights, biases, X, Y


def _gradient_cases():
    tf_network = _tf_network()
    rng = np.random.default_rng(40)
    cases = []
    for sizes, batch, cost, label in (
        ([3, 4, 2], 5, tf_network.quadratic_cost, "3-4-2, a batch of 5, quadratic cost"),
        ([4, 6, 5, 3], 8, tf_network.cross_entropy_cost, "4-6-5-3, a batch of 8, cross-entropy cost"),
        ([7, 2], 1, tf_network.quadratic_cost, "a single layer 7-2, a batch of 1"),
        ([2, 9, 1], 3, tf_network.cross_entropy_cost, "2-9-1, one output, cross-entropy cost"),
    ):
        cases.append(Case((*_network_case(rng, sizes, batch), cost), label))
    return cases


TAPE_GRADIENTS = TensorFlowLab(
    name="tape_gradients",
    title="The gradients of step 3's network from tf.GradientTape",
    idea="Run the forward pass and the cost while a tape records, then ask it for the derivative of the cost with "
    "respect to every weight and bias. The tape watches tf.Variables by itself; the cost is the mean over the batch, "
    "as in step 3; and float64 keeps the digits that the comparison with backpropagation needs.",
    structure="Make each weight matrix and bias vector a float64 tf.Variable. Inside `with tf.GradientTape() as tape:` start "
    "from X as a float64 tensor, apply every layer as σ(a @ W + b), and take the mean over the rows of "
    "cost(Y, a). After the block, one call of tape.gradient with (weight variables, bias variables) as the sources "
    "returns both lists.",
    load=lambda: {"solution": _tf_network().tape_gradients},
    reference=backpropagation_gradients,
    reference_name="step 3's hand-written backpropagation (utils.network, NumPy, no TensorFlow)",
    stub="my_tf_gradients",
    cases=_gradient_cases,
    names=("weight_grads", "bias_grads"),
    rtol=1e-8,
    atol=1e-12,
    mistakes=[
        Mistake(
            gradients_of_summed_cost,
            "The cost is summed over the batch, not averaged: every gradient comes out "
            "batch-size times too large. Step 3's gradients are those of the mean cost.",
        ),
        Mistake(
            gradients_without_output_sigmoid,
            "The output layer has no sigmoid: every layer of this network, the last one included, computes σ(a W + b).",
        ),
        Mistake(
            gradients_of_unwatched_constants,
            "tape.gradient gave None: the tape recorded no path from the cost to these "
            "tensors. It watches tf.Variables by itself, a constant only after "
            "tape.watch, and only what is computed inside the `with` block.",
        ),
        Mistake(
            gradients_in_float32,
            "The computation ran in float32, which keeps about 7 significant digits: too few to "
            "agree with float64 backpropagation. Keep float64, the dtype of the NumPy inputs.",
        ),
    ],
    shape_hint="Return two lists, (weight_grads, bias_grads), with one gradient per layer shaped like that layer's "
    "weights (n_in, n_out) and bias (n_out,).",
)


# --- Lab: a training step with the tape (section 2) ------------------------------------------------


def numpy_gradient_step(weights, biases, X, Y, learning_rate):
    """One step of plain gradient descent done by step 3's NumPy network (``utils.network``, no TensorFlow
    gradients) on the variables' values, written back into the variables; returns the cost before it."""
    network = Network([weights[0].shape[0]] + [b.shape[0] for b in biases], cost=QuadraticCost)
    network.weights = [np.array(W.numpy()) for W in weights]
    network.biases = [np.array(b.numpy()) for b in biases]
    X, Y = np.asarray(X), np.asarray(Y)
    loss = network.total_cost(X, Y)
    weight_grads, bias_grads = network.gradients(X, Y)
    for variable, value, gradient in zip(weights + biases, network.weights + network.biases, weight_grads + bias_grads):
        variable.assign(value - learning_rate * gradient)
    return loss


numpy_gradient_step.eager_only = True  # it reads the variables as NumPy arrays, so it cannot be traced by tf.function


def _after_one_step(step):
    """Run ``step`` once on fresh float64 variables and return the variables' values afterwards and the loss it
    returned. When the case says so, run it first inside tf.function on float32 variables, as sections 4 and 5
    run it (only to see that it runs so: float32 cannot be compared with NumPy's float64 to the check's tolerance),
    then traced in float64 for the comparison."""

    def run(weights, biases, X, Y, learning_rate, traced=False):
        function = step
        if traced and not getattr(step, "eager_only", False):
            function = tf.function(step)
            function(
                [tf.Variable(W, dtype=tf.float32) for W in weights],
                [tf.Variable(b, dtype=tf.float32) for b in biases],
                tf.constant(X, dtype=tf.float32),
                tf.constant(Y, dtype=tf.float32),
                learning_rate,
            )
        weight_variables = [tf.Variable(W) for W in weights]
        bias_variables = [tf.Variable(b) for b in biases]
        loss = function(weight_variables, bias_variables, tf.constant(X), tf.constant(Y), learning_rate)
        return [v.numpy() for v in weight_variables], [v.numpy() for v in bias_variables], loss

    return run


def step_climbing(weights, biases, X, Y, learning_rate):
    variables = weights + biases
    with tf.GradientTape() as tape:
        activation = X
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(quadratic_cost(Y, activation))
    for variable, gradient in zip(variables, tape.gradient(loss, variables)):
        variable.assign_add(learning_rate * gradient)
    return loss


def step_rebinding_names(weights, biases, X, Y, learning_rate):
    variables = weights + biases
    with tf.GradientTape() as tape:
        activation = X
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(quadratic_cost(Y, activation))
    for variable, gradient in zip(variables, tape.gradient(loss, variables)):
        variable = variable - learning_rate * gradient  # noqa: F841 - the mistake: a new tensor; the variable is unchanged
    return loss


def step_on_summed_cost(weights, biases, X, Y, learning_rate):
    variables = weights + biases
    with tf.GradientTape() as tape:
        activation = X
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_sum(quadratic_cost(Y, activation))
    for variable, gradient in zip(variables, tape.gradient(loss, variables)):
        variable.assign_sub(learning_rate * gradient)
    return loss


def step_weights_only(weights, biases, X, Y, learning_rate):
    with tf.GradientTape() as tape:
        activation = X
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(quadratic_cost(Y, activation))
    for variable, gradient in zip(weights, tape.gradient(loss, weights)):
        variable.assign_sub(learning_rate * gradient)
    return loss


def _step_cases():
    rng = np.random.default_rng(41)
    cases = []
    for sizes, batch, learning_rate, traced, label in (
        ([3, 4, 2], 5, 0.5, False, "3-4-2, a batch of 5, η = 0.5"),
        ([6, 3], 1, 3.0, False, "a single layer 6-3, a batch of 1, η = 3"),
        ([4, 6, 5, 3], 8, 0.1, False, "4-6-5-3, a batch of 8, η = 0.1"),
        ([10, 7, 4], 10, 3.0, True, "10-7-4, a batch of 10, η = 3, inside tf.function and in float32 too, as sections 4 and 5 run it"),
    ):
        cases.append(Case((*_network_case(rng, sizes, batch), learning_rate, traced), label))
    return cases


TRAIN_STEP = TensorFlowLab(
    name="tf_train_step",
    title="A training step with tf.GradientTape",
    idea="A training step is the forward pass and the cost recorded on a tape, the gradients from it, and then every "
    "variable moved a little against its gradient, in place: a tf.Variable keeps its identity and changes its value.",
    structure="Inside `with tf.GradientTape() as tape:` run the layers σ(a @ W + b) from X and take the mean of "
    "quadratic_cost(Y, a) over the batch. After the block, get the gradients of that loss for weights + biases "
    "(one list), and for each (variable, gradient) pair call the variable's assign_sub with learning_rate * "
    "gradient. Return the loss.",
    load=lambda: {"solution": _tf_network().train_step},
    reference=numpy_gradient_step,
    reference_name="one step of gradient descent by step 3's NumPy network (utils.network, no TensorFlow gradients)",
    stub="my_train_step",
    cases=_step_cases,
    adapter=_after_one_step,
    names=("weights", "biases", "loss"),
    rtol=1e-8,
    atol=1e-12,
    mistakes=[
        Mistake(
            step_climbing, "You are climbing: the step adds the gradient (assign_add), so the cost goes up. Gradient descent subtracts it."
        ),
        Mistake(
            step_rebinding_names,
            "Your variables did not change: `variable = variable - ...` makes a new tensor and "
            "binds the name to it, leaving the tf.Variable as it was. Change it in place.",
        ),
        Mistake(
            step_on_summed_cost,
            "The step follows the gradient of the summed cost, batch-size times too large: the cost "
            "is the mean over the batch (and the loss returned is that mean).",
        ),
        Mistake(step_weights_only, "The biases did not move: only the weights were updated. The biases learn too, by the same rule."),
    ],
    shape_hint="Update the variables you are given in place and return the loss, a single number (a scalar tensor): the "
    "checker reads the variables afterwards.",
)


# --- Lab: a sigmoid dense layer as a Keras Layer (section 6) ---------------------------------------


def keras_dense(units):
    """The independent reference: Keras' own dense layer with the sigmoid."""
    return keras.layers.Dense(units, activation="sigmoid")


def _layer_facts(layer_class):
    """Build ``layer_class(units)`` on an input (or inside a keras.Sequential model), give it the case's kernel and
    bias, and return what the check compares with Keras' Dense: how many weights it made before it saw an input,
    the shapes of its trainable weights, its output, and the gradients its weights receive."""

    def run(x, units, kernel, bias, in_model=False):
        layer = layer_class(units)
        made_early = len(layer.weights)
        inputs = tf.constant(x, dtype=tf.float32)
        try:
            if in_model:
                keras.Sequential([keras.Input(shape=(x.shape[1],)), layer])
            else:
                layer(inputs)
        except Exception:  # noqa: BLE001 - weights of the wrong size, made before the input was known
            if not made_early:
                raise
        trainable = list(layer.trainable_weights)
        shapes = tuple(tuple(int(n) for n in v.shape) for v in trainable)
        for v in layer.weights:  # the case's weights; a kernel made (units, n_in) gets its transpose
            shape = tuple(v.shape)
            value = {kernel.T.shape: kernel.T, bias.shape: bias, kernel.shape: kernel}.get(shape, np.zeros(shape))
            v.assign(value.astype(v.dtype))
        probe = np.cos(np.arange(x.shape[0] * units)).reshape(x.shape[0], units)
        try:
            with tf.GradientTape() as tape:
                output = layer(inputs)
                loss = tf.reduce_sum(tf.cast(output, tf.float64) * probe)
        except Exception:  # noqa: BLE001 - as above
            if not made_early:
                raise
            return made_early, shapes, np.full((x.shape[0], units), np.nan), (np.full(kernel.shape, np.nan), np.full(bias.shape, np.nan))
        try:
            gradients = tape.gradient(loss, trainable)
        except Exception:  # noqa: BLE001 - an output the tape cannot follow (a NumPy array) receives no gradients
            gradients = [None] * len(trainable)
        # in Dense's layout, like the weights above, so that a transposed kernel is reported by its shape
        gradients = [g if g is None or tuple(g.shape) != kernel.T.shape else tf.transpose(g) for g in gradients]
        return made_early, shapes, output, gradients

    return run


def _layer_cases():
    rng = np.random.default_rng(42)
    cases = []
    for batch, n_in, units, in_model, label in (
        (4, 5, 3, False, "5 inputs -> 3 units, a batch of 4"),
        (1, 2, 7, False, "2 inputs -> 7 units, a batch of 1"),
        (3, 6, 1, True, "6 inputs -> 1 unit, a batch of 3, in a keras.Sequential model"),
    ):
        cases.append(Case((rng.normal(size=(batch, n_in)), units, rng.normal(size=(n_in, units)), rng.normal(size=units), in_model), label))
    return cases


def _layer_mistakes():
    """The typical wrong layers (Keras classes, so made on first use)."""

    class LayerWithoutBias(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")

        def call(self, inputs):
            return tf.sigmoid(inputs @ self.kernel)

    class LayerWithoutSigmoid(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, inputs):
            return inputs @ self.kernel + self.bias

    class LayerWithTransposedKernel(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(self.units, input_shape[-1]), initializer="glorot_uniform", name="kernel")
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, inputs):
            return tf.sigmoid(inputs @ tf.transpose(self.kernel) + self.bias)

    class LayerBuiltInInit(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.kernel = self.add_weight(shape=(784, units), initializer="glorot_uniform", name="kernel")
            self.bias = self.add_weight(shape=(units,), initializer="zeros", name="bias")

        def call(self, inputs):
            return tf.sigmoid(inputs @ self.kernel + self.bias)

    class LayerComputingInNumPy(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, inputs):
            return 1 / (1 + np.exp(-(np.asarray(inputs) @ self.kernel.numpy() + self.bias.numpy())))

    return [
        Mistake(LayerWithoutBias, "The layer has no bias: Dense has a kernel and a bias, and σ(x W + b) needs both."),
        Mistake(LayerWithoutSigmoid, "The layer has no activation: it computes x W + b, a linear layer. Apply the sigmoid."),
        Mistake(
            LayerWithTransposedKernel,
            "The kernel is made transposed, (units, n_in): Dense's is (n_in, units), so that "
            "x W needs no transpose and set_weights([kernel, bias]) takes the same arrays.",
        ),
        Mistake(
            LayerBuiltInInit,
            "The weights are made in __init__ with a fixed input size: the layer then fits only inputs "
            "of that size. Make them in build(input_shape), where the input size is known.",
        ),
        Mistake(
            LayerComputingInNumPy,
            "The weights receive no gradients: call computes in NumPy, where the tape cannot "
            "follow (and a keras.Input cannot pass). Use TensorFlow operations on the tensors.",
        ),
    ]


SIGMOID_DENSE = TensorFlowLab(
    name="sigmoid_dense_layer",
    title="A sigmoid dense layer as a Keras Layer",
    idea="A Keras layer keeps its settings in __init__, makes its weights in build, when the size of the input is first "
    "known, and computes its output in call. Given the same weights, yours should compute exactly what "
    'Dense(units, activation="sigmoid") computes.',
    structure="__init__(self, units, **kwargs): pass kwargs to super().__init__ and store units. build(self, input_shape): "
    "the input size is input_shape[-1]; make self.kernel, shape (n_in, units), then self.bias, shape (units,), "
    "each with self.add_weight (an initializer and a name). call(self, inputs): σ(inputs @ kernel + bias) with tf.sigmoid.",
    load=lambda: {"solution": _tf_network().SigmoidDense, "mistakes": _layer_mistakes()},
    reference=keras_dense,
    reference_name='keras.layers.Dense(units, activation="sigmoid") given the same weights',
    stub="MySigmoidDense",
    cases=_layer_cases,
    adapter=_layer_facts,
    names=("weights made before the first call", "trainable weight shapes", "output", "gradients"),
    rtol=1e-5,
    atol=1e-6,
    match_rtol=1e-4,
    match_atol=1e-6,
    shape_hint="The layer makes two trainable weights in build, in this order: the kernel (n_in, units) and the bias (units,).",
)

EXERCISES = [SIGMOID_SLOPE, TAPE_GRADIENTS, TRAIN_STEP, SIGMOID_DENSE]
