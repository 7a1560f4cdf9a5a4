"""The labs of step 4 (``notebooks/04_getting_practical.ipynb``). The solutions are in ``utils.tf_network``, named by
dotted path (listing the labs imports no TensorFlow); they are judged without TensorFlow's automatic differentiation:
by step 3's backpropagation (NumPy), σ(1 - σ), and Keras' own ``Dense``."""

from collections.abc import Callable
from typing import Any

import numpy as np

from utils import nn
from utils.exercises.core import Case, FunctionExercise, LazyModule, edit, same
from utils.exercises.step03 import steep_case
from utils.network import CrossEntropyCost, QuadraticCost, forward_pass, network_gradients, one_hot

tf, keras, tf_network = LazyModule("tensorflow"), LazyModule("keras"), LazyModule("utils.tf_network")
NUMPY_COSTS = {"quadratic_cost": QuadraticCost, "cross_entropy_cost": CrossEntropyCost}  # step 3's costs by the notebook's names


def _network_cases(seed: int, *rows: tuple) -> list[Case]:
    """A case per row (sizes, batch, more..., label): random weights and biases, a batch X, one-hot targets Y, more."""
    rng, cases = np.random.default_rng(seed), []
    for sizes, batch, *more, label in rows:
        weights = [rng.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        biases = [rng.normal(size=n_out) for n_out in sizes[1:]]
        X, Y = rng.normal(size=(batch, sizes[0])), one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
        cases.append(Case((weights, biases, X, Y, *more), label))
    return cases


SIGMOID_SLOPE = FunctionExercise(
    name="tape_sigmoid_slope",
    title="The sigmoid's slope from tf.GradientTape",
    kind="warm-up",
    idea="The tape records what is computed inside its `with` block, then gives the derivative of a result with respect "
    "to a watched input. A constant is not watched unless you ask.",
    structure="Turn z into a float64 tensor; open `with tf.GradientTape() as tape:`; inside, watch z and compute a = σ(z) "
    "with tf.sigmoid; after the block, ask the tape for the gradient of a with respect to z and return it.",
    solution="utils.tf_network.sigmoid_slope",
    reference=nn.sigmoid_prime,
    reference_name="σ(z)(1 - σ(z)) computed with NumPy (utils.nn.sigmoid_prime)",
    stub="my_sigmoid_slope",
    cases=[
        Case((np.array([-3.0, 0.0, 0.5, 4.0]),), "a vector"),
        Case((np.array([[1.0, -2.0], [0.25, 8.0]]),), "a 2 x 2 matrix"),
        Case((np.array([-30.0, 30.0]),), "far out on both tails"),
    ],
    mistakes=[
        edit("return tape.gradient(a, z)", "return a", "That is σ(z) itself: ask the tape for the gradient of a with respect to z."),
        edit("(a, z)", "(z, z)", "That is the gradient of z with respect to itself (all ones): differentiate a = σ(z)."),
    ],
    none_message="Your function returned None. If that came from tape.gradient, the tape did not record a path from z to a: "
    "a constant is watched only after tape.watch(z), and only what is computed inside the `with` block is recorded.",
    shape_hint="The slope has the shape of z: the tape differentiates entry by entry for an element-wise function.",
)


TAPE_GRADIENTS = FunctionExercise(
    name="tape_gradients",
    title="The gradients of step 3's network from tf.GradientTape",
    idea="Run the forward pass and the cost while a tape records, then ask it for the derivative of the cost with respect to every "
    "weight and bias. The tape watches tf.Variables by itself; the cost is the mean over the batch, as in step 3; and float64 "
    "keeps the digits that the comparison with backpropagation needs.",
    structure="Make each weight matrix and bias vector a float64 tf.Variable. Inside `with tf.GradientTape() as tape:` start from X "
    "as a float64 tensor, apply every layer as σ(a @ W + b), and take the mean over the rows of cost(Y, a). After the block, "
    "one call of tape.gradient with (weight variables, bias variables) as the sources returns both lists.",
    solution="utils.tf_network.tape_gradients",
    reference=lambda weights, biases, X, Y, cost: network_gradients(weights, biases, X, Y, NUMPY_COSTS[cost.__name__]),
    reference_name="step 3's hand-written backpropagation (utils.network, NumPy, no TensorFlow)",
    stub="my_tf_gradients",
    cases=lambda: (
        _network_cases(
            40,
            ([3, 4, 2], 5, tf_network.quadratic_cost, "3-4-2, a batch of 5, quadratic cost"),
            ([4, 6, 5, 3], 8, tf_network.cross_entropy_cost, "4-6-5-3, a batch of 8, cross-entropy cost"),
            ([7, 2], 1, tf_network.quadratic_cost, "a single layer 7-2, a batch of 1"),
            ([2, 9, 1], 3, tf_network.cross_entropy_cost, "2-9-1, one output, cross-entropy cost"),
        )
        + [steep_case(43, tf_network.quadratic_cost)]
    ),
    names=("weight_grads", "bias_grads"),
    rtol=1e-8,
    atol=1e-12,
    match_rtol=1e-5,  # the float32 mistake, written in other ways, differs in its last digits
    match_atol=1e-8,
    mistakes=[
        edit(
            "reduce_mean",
            "reduce_sum",
            "The cost is summed over the batch, not averaged: every gradient comes out "
            "batch-size times too large. Step 3's gradients are those of the mean cost.",
        ),
        edit(
            "zip(weights, biases)",
            "zip(weights[:-1], biases[:-1])",
            "The output layer has no sigmoid: every layer of this network, the last one included, computes σ(a W + b).",
            ("        loss =", "        activation = activation @ weights[-1] + biases[-1]\n        loss ="),
        ),
        edit(
            "[tf.Variable(W,",
            "[tf.constant(W,",
            "tape.gradient gave None: the tape recorded no path from the cost to these tensors. It watches tf.Variables "
            "by itself, a constant only after tape.watch, and only what is computed inside the `with` block.",
            ("[tf.Variable(b,", "[tf.constant(b,"),
        ),
        edit(
            "(W, dtype=tf.float64)",
            "(W, dtype=tf.float32)",
            "The computation ran in float32, which keeps about 7 significant digits: too few to "
            "agree with float64 backpropagation. Keep float64, the dtype of the NumPy inputs.",
            *[(f"({name}, dtype=tf.float64)", f"({name}, dtype=tf.float32)") for name in "bXY"],
        ),
    ],
    shape_hint="Return two lists, (weight_grads, bias_grads), with one gradient per layer shaped like that layer's "
    "weights (n_in, n_out) and bias (n_out,).",
)


def numpy_gradient_step(weights: list, biases: list, X: Any, Y: Any, learning_rate: float) -> float:
    """One step of plain gradient descent by step 3's NumPy backpropagation (``utils.network``, no TensorFlow
    gradients) on the variables' values, written back into the variables; returns the cost before it."""
    W, b, X, Y = [v.numpy() for v in weights], [v.numpy() for v in biases], np.asarray(X), np.asarray(Y)
    weight_grads, bias_grads = network_gradients(W, b, X, Y, QuadraticCost)
    for variable, value, gradient in zip(weights + biases, W + b, weight_grads + bias_grads):
        variable.assign(value - learning_rate * gradient)
    return QuadraticCost.value(forward_pass(W, b, X)[1][-1], Y)


def _after_one_step(step: Callable, dtype: str = "float64") -> Callable:
    """Run ``step`` once on fresh variables (and X, Y) of ``dtype``: the variables' values afterwards and the loss it returned."""

    def run(weights, biases, X, Y, learning_rate):
        variables = [[tf.Variable(p, dtype=dtype) for p in part] for part in (weights, biases)]
        loss = step(*variables, tf.constant(X, dtype=dtype), tf.constant(Y, dtype=dtype), learning_rate)
        return [v.numpy() for v in variables[0]], [v.numpy() for v in variables[1]], loss

    return run


def _in_a_graph(step: Callable) -> str | None:
    """Inside tf.function, as sections 4 and 5 run it, the step must run on float32 variables and agree in float64."""
    graph, case, last = tf.function(step), TRAIN_STEP.cases[-1], len(TRAIN_STEP.cases) - 1
    _after_one_step(graph, "float32")(*case.args)
    if same(_after_one_step(graph)(*case.args), TRAIN_STEP.expected(last), TRAIN_STEP.rtol, TRAIN_STEP.atol):
        return None
    return f"Your step is right when run directly, but gives other values inside tf.function, as sections 4 and 5 run it ({case.label})."


TRAIN_STEP = FunctionExercise(
    name="tf_train_step",
    title="A training step with tf.GradientTape",
    idea="A training step is the forward pass and the cost recorded on a tape, the gradients from it, and then every "
    "variable moved a little against its gradient, in place: a tf.Variable keeps its identity and changes its value.",
    structure="Inside `with tf.GradientTape() as tape:` run the layers σ(a @ W + b) from X and take the mean of quadratic_cost(Y, a) "
    "over the batch. After the block, get the gradients of that loss for weights + biases (one list), and for each "
    "(variable, gradient) pair call the variable's assign_sub with learning_rate * gradient. Return the loss.",
    solution="utils.tf_network.train_step",
    reference=numpy_gradient_step,
    reference_name="one step of gradient descent by step 3's NumPy network (utils.network, no TensorFlow gradients)",
    stub="my_train_step",
    cases=_network_cases(
        41,
        ([3, 4, 2], 5, 0.5, "3-4-2, a batch of 5, η = 0.5"),
        ([6, 3], 1, 3.0, "a single layer 6-3, a batch of 1, η = 3"),
        ([4, 6, 5, 3], 8, 0.1, "4-6-5-3, a batch of 8, η = 0.1"),
        ([10, 7, 4], 10, 3.0, "10-7-4, a batch of 10, η = 3"),
    )
    + [steep_case(44, 1e-4)],
    adapter=_after_one_step,
    in_training=_in_a_graph,
    names=("weights", "biases", "loss"),
    rtol=1e-8,
    atol=1e-12,
    mistakes=[
        edit(
            "assign_sub",
            "assign_add",
            "You are climbing: the step adds the gradient (assign_add), so the cost goes up. Gradient descent subtracts it.",
        ),
        edit(
            "variable.assign_sub(learning_rate * gradient)",
            "variable = variable - learning_rate * gradient",
            "Your variables did not change: `variable = variable - ...` makes a new tensor and "
            "binds the name to it, leaving the tf.Variable as it was. Change it in place.",
        ),
        edit(
            "reduce_mean",
            "reduce_sum",
            "The step follows the gradient of the summed cost, batch-size times too large: the cost "
            "is the mean over the batch (and the loss returned is that mean).",
        ),
        edit(
            "zip(variables, tape.gradient(loss, variables))",
            "zip(weights, tape.gradient(loss, weights))",
            "The biases did not move: only the weights were updated. The biases learn too, by the same rule.",
        ),
    ],
    shape_hint="Update the variables you are given in place and return the loss, a single number (a scalar tensor): the "
    "checker reads the variables afterwards.",
)


def _layer_facts(layer_class: Callable) -> Callable:
    """Build ``layer_class(units)`` on an input (or in a keras.Sequential model), give it the case's kernel and bias,
    and return what is compared with Keras' Dense: how many weights it made before it saw an input, the shapes of its
    trainable weights, its output, and the gradients its weights receive (zero where the tape found no path)."""

    def run(x, units, kernel, bias, in_model=False):
        layer, inputs = layer_class(units), tf.constant(x, dtype=tf.float32)
        made_early = len(layer.weights)
        if made_early:  # before the input size was known: its output and gradients are not compared
            shapes = tuple(tuple(v.shape) for v in layer.trainable_weights)
            return made_early, shapes, np.full((len(x), units), np.nan), [np.full(kernel.shape, np.nan), np.full(bias.shape, np.nan)]
        keras.Sequential([keras.Input(shape=(x.shape[1],)), layer]) if in_model else layer(inputs)
        trainable = list(layer.trainable_weights)
        for v in layer.weights:  # the case's weights; a kernel made (units, n_in) gets its transpose
            value = {kernel.T.shape: kernel.T, bias.shape: bias, kernel.shape: kernel}.get(tuple(v.shape), np.zeros(v.shape))
            v.assign(value.astype(v.dtype))
        with tf.GradientTape() as tape:
            output = layer(inputs)
            loss = tf.reduce_sum(tf.cast(output, tf.float64) * np.cos(np.arange(len(x) * units)).reshape(len(x), units))
        gradients = [np.zeros(v.shape) if g is None else g for g, v in zip(tape.gradient(loss, trainable), trainable)]
        gradients = [np.transpose(g) if tuple(g.shape) == kernel.T.shape else g for g in gradients]  # in Dense's layout, as above
        return made_early, tuple(tuple(v.shape) for v in trainable), output, gradients

    return run


SIGMOID_DENSE = FunctionExercise(
    name="sigmoid_dense_layer",
    title="A sigmoid dense layer as a Keras Layer",
    idea="A Keras layer keeps its settings in __init__, makes its weights in build, when the size of the input is first known, and "
    'computes its output in call. Given the same weights, yours should compute exactly what Dense(units, activation="sigmoid") computes.',
    structure="__init__(self, units, **kwargs): pass kwargs to super().__init__ and store units. build(self, input_shape): "
    "the input size is input_shape[-1]; make self.kernel, shape (n_in, units), then self.bias, shape (units,), "
    "each with self.add_weight (an initializer and a name). call(self, inputs): σ(inputs @ kernel + bias) with tf.sigmoid.",
    solution="utils.tf_network.SigmoidDense",
    reference=lambda units: keras.layers.Dense(units, activation="sigmoid"),
    reference_name='keras.layers.Dense(units, activation="sigmoid") given the same weights',
    stub="MySigmoidDense",
    cases=[
        Case((rng.normal(size=(batch, n_in)), units, rng.normal(size=(n_in, units)), rng.normal(size=units), in_model), label)
        for rng in [np.random.default_rng(42)]
        for batch, n_in, units, in_model, label in (
            (4, 5, 3, False, "5 inputs -> 3 units, a batch of 4"),
            (1, 2, 7, False, "2 inputs -> 7 units, a batch of 1"),
            (3, 6, 1, True, "6 inputs -> 1 unit, a batch of 3, in a keras.Sequential model"),
        )
    ],
    adapter=_layer_facts,
    names=("weights made before the first call", "trainable weight shapes", "output", "gradients"),
    rtol=1e-5,
    atol=1e-6,
    match_rtol=1e-4,
    mistakes=[
        edit(
            '        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")\n',
            "",
            "The layer has no bias: Dense has a kernel and a bias, and σ(x W + b) needs both.",
            (" + self.bias)", ")"),
        ),
        edit(
            "tf.sigmoid(inputs @ self.kernel + self.bias)",
            "inputs @ self.kernel + self.bias",
            "The layer has no activation: it computes x W + b, a linear layer. Apply the sigmoid.",
        ),
        edit(
            "shape=(input_shape[-1], self.units)",
            "shape=(self.units, input_shape[-1])",
            "The kernel is made transposed, (units, n_in): Dense's is (n_in, units), so that "
            "x W needs no transpose and set_weights([kernel, bias]) takes the same arrays.",
            ("inputs @ self.kernel", "inputs @ tf.transpose(self.kernel)"),
        ),
        edit(
            "\n    def build(self, input_shape):\n",
            "",
            "The weights are made in __init__ with a fixed input size: the layer then fits only inputs "
            "of that size. Make them in build(input_shape), where the input size is known.",
            ("input_shape[-1]", "784"),
        ),
        edit(
            "tf.sigmoid(inputs @ self.kernel + self.bias)",
            "1 / (1 + np.exp(-(np.asarray(inputs) @ self.kernel.numpy() + self.bias.numpy())))",
            "The weights receive no gradients: call computes in NumPy, where the tape cannot "
            "follow (and a keras.Input cannot pass). Use TensorFlow operations on the tensors.",
        ),
    ],
    shape_hint="The layer makes two trainable weights in build, in this order: the kernel (n_in, units) and the bias (units,).",
)

EXERCISES = [SIGMOID_SLOPE, TAPE_GRADIENTS, TRAIN_STEP, SIGMOID_DENSE]
