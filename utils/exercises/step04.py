"""The exercises of step 4 (``notebooks/04_getting_practical.ipynb``). TensorFlow is imported on first use."""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.exercises.core import FunctionExercise, Mistake, ValueExercise


def sigmoid_slope(z):
    """dσ/dz at every entry of z, by automatic differentiation: array (any shape) -> tensor (same shape)."""
    import tensorflow as tf

    z = tf.constant(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(z)  # constants are not watched automatically; variables are
        a = tf.sigmoid(z)
    return tape.gradient(a, z)


SIGMOID_SLOPE = FunctionExercise(
    name="tape_sigmoid_slope",
    title="A derivative from tf.GradientTape",
    hint="Make z a tensor, call tape.watch(z) inside `with tf.GradientTape() as tape:`, compute a = tf.sigmoid(z), "
         "then return tape.gradient(a, z).",
    solution=sigmoid_slope,
    cases=[(np.array([-3.0, 0.0, 0.5, 4.0]),), (np.array([[1.0, -2.0], [0.25, 8.0]]),)],
    mistakes=[
        Mistake(nn.sigmoid, "That is σ(z) itself: ask the tape for the gradient of a with respect to z."),
        Mistake(lambda z: np.ones_like(z), "That is the gradient of z with respect to itself: differentiate a = tf.sigmoid(z)."),
    ],
    none_message="tape.gradient returned None: the tape did not watch z. Call tape.watch(z) (a constant is not watched "
                 "automatically), and compute a inside the `with` block.",
)


def build_network():
    """Nielsen's 784-30-10 network in Keras: sigmoid hidden and output layers."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(30, activation="sigmoid"),
        keras.layers.Dense(10, activation="sigmoid"),
    ])


def _judge_network(model):
    import keras

    if not isinstance(model, keras.Model):
        return f"Return a Keras model (keras.Sequential([...])), not {type(model).__name__}."
    try:
        parameters = model.count_params()
        shape = model.input_shape
    except (ValueError, AttributeError):
        return ("Your model has no input shape yet, so it cannot be built.", "Start the list of layers with keras.Input(shape=(784,)).")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if tuple(shape) != (None, 784):
        return f"The input shape should be (None, 784), one flattened image per row; yours is {shape}."
    if [layer.units for layer in dense] != [30, 10]:
        return f"The dense layers should have 30 and then 10 units; yours have {[layer.units for layer in dense]}."
    names = [layer.activation.__name__ for layer in dense]
    if names != ["sigmoid", "sigmoid"]:
        return (f"Both layers should use the sigmoid; yours use {names}.", "Pass activation=\"sigmoid\" to each Dense layer.")
    if parameters != 784 * 30 + 30 + 30 * 10 + 10:
        return f"The model should have 23,860 parameters (weights and biases); yours has {parameters:,}."
    return None


KERAS_NETWORK = ValueExercise(
    name="keras_network",
    title="Step 3's network in Keras",
    hint="keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(30, activation=\"sigmoid\"), ...]).",
    solution=build_network,
    judge=_judge_network,
)


def sgd_step(variables, gradients, learning_rate):
    """Plain gradient descent on TensorFlow variables, in place: v <- v - learning_rate * g for each pair."""
    for variable, gradient in zip(variables, gradients):
        variable.assign_sub(learning_rate * gradient)


def _after_step(step):
    """Run ``step`` on fresh variables and return their values afterwards (the exercise is judged by them)."""

    def run(start_values, gradients, learning_rate):
        import tensorflow as tf

        variables = [tf.Variable(value) for value in start_values]
        step(variables, [tf.constant(g) for g in gradients], learning_rate)
        return tuple(v.numpy() for v in variables)

    return run


def _rebinding(variables, gradients, learning_rate):
    for variable, gradient in zip(variables, gradients):
        variable = variable - learning_rate * gradient  # noqa: F841 - the typical mistake: a new tensor, the variable unchanged


_rng = np.random.default_rng(4)
_SGD_CASES = [([_rng.normal(size=(3, 2)), _rng.normal(size=2)], [_rng.normal(size=(3, 2)), _rng.normal(size=2)], 0.5),
              ([_rng.normal(size=4)], [_rng.normal(size=4)], 0.1)]

SGD_STEP = FunctionExercise(
    name="sgd_step",
    title="One step of gradient descent on tf.Variables",
    hint="Variables change in place: for each pair, call variable.assign_sub(learning_rate * gradient).",
    solution=sgd_step,
    cases=_SGD_CASES,
    adapter=_after_step,
    mistakes=[
        Mistake(lambda vs, gs, lr: [v.assign_add(lr * g) for v, g in zip(vs, gs)], "You are climbing: use assign_sub, not assign_add."),
        Mistake(_rebinding, "Your variables did not change: `variable = variable - ...` makes a new tensor and leaves the "
                            "variable as it was. Use variable.assign_sub(...) to change it in place."),
    ],
)

EXERCISES = [SIGMOID_SLOPE, KERAS_NETWORK, SGD_STEP]
