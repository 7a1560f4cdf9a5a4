"""The labs of step 1 (``notebooks/01_introducing_deep_learning.ipynb``): each solution is the course's own function
in ``utils.nn``, each typical mistake an edit of it (the NAND warm-up asks for values, so its mistakes are values).
Each is judged against something computed another way: NAND's truth table; the perceptron rule written with the
bias as a weight on a constant input; TensorFlow's ``tf.sigmoid``; Keras ``Dense`` layers given the same weights;
the class means as one matrix product with one-hot labels."""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.exercises.core import Case, FunctionExercise, LazyModule, Mistake, ValueExercise, edit

tf, keras = LazyModule("tensorflow"), LazyModule("keras")

#: The four inputs of a two-input logic gate, one per row.
GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
NAND_TABLE = 1.0 - GATE_INPUTS[:, 0] * GATE_INPUTS[:, 1]


# --- Warm-up: a NAND perceptron (section 2) ------------------------------------------------------


def _judge_nand(answer: object) -> str | tuple[str, str] | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return 'Pass the weights and the bias together: check("nand_perceptron", (nand_weights, nand_bias)).'
    weights, bias = np.asarray(answer[0], dtype=float), np.asarray(answer[1], dtype=float)
    if weights.shape != (2,):
        return f"`nand_weights` should hold two numbers, one per input, but it has shape {weights.shape}."
    if bias.shape != ():
        return f"`nand_bias` should be a single number, but it has shape {bias.shape}."
    outputs = nn.perceptron(GATE_INPUTS, weights, float(bias))
    if np.array_equal(outputs, NAND_TABLE):
        return None
    if np.array_equal(outputs, 1 - NAND_TABLE):
        return "Your perceptron computes AND, the exact opposite of NAND.", "Think about what changes when every sign changes."
    if np.all(outputs == 1):
        return (
            "Your perceptron outputs 1 for every input, (1, 1) included.",
            "For the input (1, 1) the sum w1 + w2 + b must be zero or negative.",
        )
    if np.all(outputs == 0):
        return (
            "Your perceptron outputs 0 for every input, (0, 0) included.",
            "For the input (0, 0) the sum is just b: what must b be for the output to be 1?",
        )
    wrong_rows = [f"({x1:g}, {x2:g}) gives {o:g}, NAND gives {t:g}" for (x1, x2), o, t in zip(GATE_INPUTS, outputs, NAND_TABLE) if o != t]
    return "Not NAND yet: " + "; ".join(wrong_rows) + "."


NAND = ValueExercise(
    name="nand_perceptron",
    title="A perceptron that computes NAND",
    kind="warm-up",
    idea="NAND is 1 unless both inputs are 1. Which input is the only one for which the weighted sum must come out negative?",
    structure="Take equal weights, both negative, and a positive bias: the bias alone must win, and lose only when both weights join in.",
    solution=nn.nand_parameters,
    judge=_judge_nand,
    stub="nand_weights, nand_bias",
    paste=lambda values: f"nand_weights = np.array({[float(v) for v in values[0]]})\nnand_bias = {float(values[1])}\n",
    mistakes=[
        Mistake(lambda: (np.array([1.0, 1.0]), -1.5), "Your perceptron computes AND, the exact opposite of NAND."),
        Mistake(lambda: (np.array([-1.0, -1.0]), 5.0), "Your perceptron outputs 1 for every input, (1, 1) included."),
        Mistake(lambda: (np.array([-2.0, 0.0]), 1.0), "Not NAND yet: (1, 0) gives 0, NAND gives 1."),
    ],
)


# --- Lab: the perceptron learning rule (section 2) -----------------------------------------------


def _perceptron_cases() -> list[Case]:
    rng = np.random.default_rng(11)
    blobs = np.concatenate([rng.normal([-1.0, -1.0], 0.4, size=(10, 2)), rng.normal([1.5, 1.0], 0.4, size=(10, 2))])
    blob_labels = np.repeat([0.0, 1.0], 10)
    order = rng.permutation(20)
    three = rng.normal(size=(7, 3))
    return [
        Case((blobs[order], blob_labels[order], 10), "two separable clouds of 20 points, 10 epochs"),
        Case((GATE_INPUTS, np.array([0.0, 1.0, 1.0, 0.0]), 6), "XOR, 6 epochs: it never converges"),
        Case((GATE_INPUTS, np.array([0.0, 0.0, 0.0, 1.0]), 8, 0.5), "AND, learning rate 0.5"),
        Case((three, (three @ np.array([1.0, -2.0, 0.5]) > 0.2).astype(float), 1), "3 features, a single epoch"),
    ]


def perceptron_rule_augmented(inputs: np.ndarray, targets: np.ndarray, epochs: int, learning_rate: float = 1.0) -> tuple:
    """The independent reference: Rosenblatt's rule written another way, with the bias as one more weight on an input
    that is always 1 (x̃ = [x, 1], w̃ = [w, b]), the prediction by a comparison, and each epoch's mistakes counted
    from its list of corrections."""
    augmented = np.hstack([np.asarray(inputs, dtype=float), np.ones((len(inputs), 1))])
    weights, counts = np.zeros(augmented.shape[1]), []
    for _ in range(epochs):
        corrections = []
        for x, target in zip(augmented, targets):
            correction = target - (1.0 if weights @ x > 0 else 0.0)
            weights = weights + learning_rate * correction * x
            corrections.append(correction)
        counts.append(int(np.count_nonzero(corrections)))
    return weights[:-1], weights[-1], counts


PERCEPTRON_RULE = FunctionExercise(
    name="perceptron_rule",
    title="The perceptron learning rule",
    idea="Go through the examples one at a time. If the perceptron gets one wrong, move the boundary towards getting it right: "
    "add the input to the weights when the output should have been 1, subtract it when it should have been 0.",
    structure="Start with zero weights (one per feature) and bias 0. For each epoch, set a counter to 0; for each (x, target): "
    "error = target - step(x · w + b), which is -1, 0 or +1; w += learning_rate * error * x; b += learning_rate * error; "
    "count the example if error is not 0. Append the counter after each epoch; return (w, b, counts).",
    solution=nn.train_perceptron,
    stub="my_train_perceptron",
    reference=perceptron_rule_augmented,
    reference_name="the rule written with the bias as a weight on a constant input of 1",
    cases=_perceptron_cases,
    names=("weights", "bias", "mistakes"),
    mistakes=[
        edit(
            "            bias = bias + learning_rate * error\n",
            "",
            "The bias never changes: it learns like a weight whose input is always 1, so b += learning_rate * error.",
        ),
        edit(
            "error = target - step(x @ weights + bias)",
            "error = step(x @ weights + bias) - target",
            "The correction goes the wrong way: the error is target - prediction, so a missed 1 adds the input to the weights.",
        ),
        edit(
            "        wrong = 0\n",
            "",
            "The mistake counts add up over the epochs: start each epoch's count from zero.",
            ("mistakes = []", "mistakes, wrong = [], 0"),
        ),
    ],
    shape_hint="Return three things: the weights (one per feature, shape (d,)), the bias (a number) and a list with one count per epoch.",
)


# --- Warm-up: the sigmoid (section 3) -------------------------------------------------------------


def tf_sigmoid(z: np.ndarray) -> np.ndarray:
    """The independent reference: TensorFlow's ``tf.sigmoid``, in float64."""
    return tf.sigmoid(tf.constant(z, dtype=tf.float64)).numpy()


SIGMOID = FunctionExercise(
    name="sigmoid",
    title="The sigmoid function",
    kind="warm-up",
    idea="σ(z) = 1 / (1 + e^(-z)). NumPy's functions work element by element on whole arrays.",
    structure="One line: np.exp(-z) for e^(-z), then 1 / (1 + that). Use np.exp, not math.exp, which takes single numbers only.",
    solution=nn.sigmoid,
    stub="my_sigmoid",
    reference=tf_sigmoid,
    reference_name="TensorFlow's tf.sigmoid",
    cases=[
        Case((np.array([-2.0, 0.0, 3.0]),), "a vector"),
        Case((np.array([[0.5, -1.0], [4.0, -4.0]]),), "a 2 x 2 matrix"),
        Case((np.array([-1000.0, 1000.0]),), "very large inputs"),
    ],
    mistakes=[
        edit("np.exp(-np.asarray", "np.exp(np.asarray", "That is σ(-z): check the sign in the exponent, e^(-z)."),
        edit("return 1.0 / (1.0 + np.exp", "return (1.0 + np.exp", "That is 1 + e^(-z); the sigmoid is one divided by it."),
        edit(
            "return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))",
            "return (np.asarray(z) > 0).astype(float)",
            "That is the perceptron's step function; the sigmoid is its smooth version.",
        ),
    ],
    shape_hint="Apply the formula element by element so the output has the same shape as z: no sums or loops needed.",
)


# --- Lab: a forward pass through a layered network (section 4) -------------------------------------


def _forward_cases() -> list[Case]:
    rng = np.random.default_rng(1)
    cases = []
    for batch, sizes, label in (
        (5, [3, 4, 2], "3-4-2, a batch of 5"),
        (1, [6, 3, 5, 2], "6-3-5-2, a batch of 1"),
        (4, [2, 2, 2], "2-2-2, square weights"),
        (3, [4, 1], "a single layer with one neuron"),
    ):
        weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        biases = [rng.normal(size=b) for b in sizes[1:]]
        cases.append(Case((rng.normal(size=(batch, sizes[0])), weights, biases), label))
    return cases


def keras_dense_forward(x: np.ndarray, weights: list, biases: list) -> np.ndarray:
    """The independent reference: the same layers as ``keras.layers.Dense(n_out, activation="sigmoid")`` in float64,
    each given the case's weight matrix and bias."""
    activations = tf.constant(x, dtype=tf.float64)
    for weight, bias in zip(weights, biases):
        layer = keras.layers.Dense(weight.shape[1], activation="sigmoid", dtype="float64")
        layer.build((None, weight.shape[0]))
        layer.set_weights([weight, bias])
        activations = layer(activations)
    return np.asarray(activations)


def _forward_speed_case() -> Case:
    rng = np.random.default_rng(6)
    weights, biases = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))], [np.zeros(3), np.zeros(2)]
    return Case((rng.normal(size=(40_000, 4)), weights, biases), "a batch of 40,000 examples through 4-3-2")


LAYERED_FORWARD = FunctionExercise(
    name="layered_forward",
    title="A forward pass through a layered network",
    idea="A network is layers applied one after another: the output of one layer is the input of the next. "
    "Each layer is σ(A W + b), with one example per row of A.",
    structure="Start with activations = x. For each (W, b) in zip(weights, biases): activations = sigmoid(activations @ W + b). "
    "Return activations, shape (batch, n_out). It works for any number of layers.",
    solution=nn.dense_forward,
    stub="my_forward",
    reference=keras_dense_forward,
    reference_name='keras.layers.Dense(n_out, activation="sigmoid") layers given the same weights',
    cases=_forward_cases,
    speed_case=_forward_speed_case,
    mistakes=[
        edit("@ weight + bias", "@ weight", "The biases are missing: every layer adds its b after the matrix product."),
        edit(
            "activations = activation(activations @ weight + bias)",
            "activations = activations @ weight + bias",
            "Only the output has a sigmoid: every layer needs its activation, or the layers collapse into one linear map.",
            ("return activations", "return activation(activations)"),
        ),
        edit("zip(weights, biases)", "zip(weights[:1], biases[:1])", "That is the first layer only: go on through every (W, b) pair."),
    ],
    shape_hint="With one example per row, (batch, n_in) @ (n_in, n_out) gives (batch, n_out); "
    "the bias (n_out,) is added to every row by broadcasting.",
)


# --- Lab: a neuron per digit, from the class means (section 5) ------------------------------------


def _template_cases() -> list[Case]:
    rng = np.random.default_rng(5)
    cases = []
    for n, d, label in ((30, 4, "30 vectors of 4 features"), (12, 7, "12 vectors of 7 features, some digits once only")):
        labels = rng.permutation(np.concatenate([np.arange(10), rng.integers(0, 10, size=n - 10)]))  # each digit at least once
        cases.append(Case((rng.uniform(0, 1, size=(n, d)), labels), label))
    return cases


def templates_by_one_hot(vectors: np.ndarray, labels: np.ndarray, classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """The independent reference: every class mean at once, as (one-hot labels)ᵀ @ vectors divided by the counts,
    and each bias as -½ the template's dot product with itself."""
    one_hot = (np.asarray(labels)[:, None] == np.arange(classes)).astype(float)  # (n, classes)
    templates = one_hot.T @ vectors / one_hot.sum(axis=0)[:, None]
    return templates, -0.5 * np.einsum("kd,kd->k", templates, templates)


NEAREST_TEMPLATES = FunctionExercise(
    name="nearest_templates",
    title="A neuron per digit: templates as weights",
    idea="Each digit's template is the average of its training vectors; the derivation above turns 'nearest template' into "
    "ten neurons: the template is the weight vector and -½ ||template||² the bias.",
    structure="For each digit k in 0..9: select the rows with labels == k and average them over axis 0, giving (d,); "
    "stack the ten into (10, d). Then biases = -0.5 * the sum of squares of each template (axis=1), shape (10,).",
    solution=nn.nearest_templates,
    stub="my_templates",
    reference=templates_by_one_hot,
    reference_name="the class means as one product with one-hot labels, (one-hot)ᵀ @ vectors / counts",
    cases=_template_cases,
    names=("templates", "biases"),
    mistakes=[
        edit("-0.5 * np.sum", "-np.sum", "The bias has lost its ½: it is -½ ||template||², from expanding ||x - m||²."),
        edit("= -0.5", "= 0.5", "The bias has the wrong sign: a long template must pay for its length, so the bias is -½ ||template||²."),
        edit(".mean(", ".sum(", "The templates are sums, not averages: a digit with more examples would get a larger template."),
    ],
    shape_hint="templates has one row per digit, (10, d); biases has one number per digit, (10,).",
)

EXERCISES = [NAND, PERCEPTRON_RULE, SIGMOID, LAYERED_FORWARD, NEAREST_TEMPLATES]
