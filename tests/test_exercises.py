"""Every exercise: the reference passes, the stub is "not attempted", typical mistakes are named,
and bad answers (wrong shapes, None, errors, not a function) get a message instead of a traceback."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from utils.exercises import EXERCISES, check, evaluate, show_solution
from utils.exercises.core import CORRECT, NOT_ATTEMPTED, WRONG, FunctionExercise, ValueExercise

FUNCTION_EXERCISES = [name for name, ex in EXERCISES.items() if isinstance(ex, FunctionExercise)]


def stub(*args):
    raise NotImplementedError("Your turn")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_passes(name):
    exercise = EXERCISES[name]
    answer = exercise.solution() if isinstance(exercise, ValueExercise) else exercise.solution
    verdict = evaluate(name, answer)
    assert verdict.status == CORRECT, verdict.message
    assert str(verdict).startswith("✅ Correct!")


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_is_not_attempted(name):
    answer = (None, None) if isinstance(EXERCISES[name], ValueExercise) else stub
    verdict = evaluate(name, answer)
    assert verdict.status == NOT_ATTEMPTED
    assert "Hint:" in verdict.message and str(verdict).startswith("⏳ Not attempted yet.")


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_each_typical_mistake_is_named(name):
    exercise = EXERCISES[name]
    assert len(exercise.mistakes) >= 2, "every exercise recognises at least two typical mistakes"
    for mistake in exercise.mistakes:
        verdict = evaluate(name, mistake.compute)
        assert verdict.status == WRONG and mistake.message in verdict.message, verdict.message


def climbing(gradient, start, learning_rate, steps):
    path = [np.array(start, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] + learning_rate * gradient(path[-1]))
    return np.array(path)


def last_point_only(gradient, start, learning_rate, steps):
    point = np.array(start, dtype=float)
    for _ in range(steps):
        point = point - learning_rate * gradient(point)
    return point


def unwatched_slope(z):
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        a = tf.sigmoid(z)
    return tape.gradient(a, z)


def rebinding_step(variables, gradients, learning_rate):
    for variable, gradient in zip(variables, gradients):
        variable = variable - learning_rate * gradient  # noqa: F841


# Wrong answers written the way a learner would write them, with the words the checker should use.
LEARNER_MISTAKES = {
    "sigmoid": [
        (lambda z: 1 / (1 + np.exp(z)), "sign in the exponent"),
        (lambda z: np.where(z > 0, 1.0, 0.0), "step function"),
        (lambda z: 1 / (1 + math.exp(-z)), "raised TypeError"),
    ],
    "forward_pass": [
        (lambda x, W1, b1, W2, b2: 1 / (1 + np.exp(-(x @ W1 + b1) @ W2 - b2)), "no activation"),
        (lambda x, W1, b1, W2, b2: 1 / (1 + np.exp(-(1 / (1 + np.exp(-x @ W1)) @ W2))), "biases b1 and b2 are missing"),
        (lambda x, W1, b1, W2, b2: x @ W1.T, "raised ValueError"),
    ],
    "rotation_matrix": [
        (lambda t: np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]]), "rotates clockwise"),
        (lambda t: np.array([[np.cos(t), -np.sin(t)]]), "should have shape (2, 2)"),
    ],
    "central_difference": [
        (lambda f, x, h: (f(x + h) - f(x)) / h, "forward difference"),
        (lambda f, x, h: (f(x + h) - f(x - h)) / h, "divide by 2h"),
    ],
    "sigmoid_prime": [
        (lambda z: z * (1 - z), "applied s (1 - s) to z itself"),
        (lambda z: 1 / (1 + np.exp(-z)), "σ(z) itself"),
    ],
    "logistic_gradient": [
        (lambda X, y, w, b: (X.T @ (y - 1 / (1 + np.exp(-(X @ w + b)))) / len(y), np.mean(y - 1 / (1 + np.exp(-(X @ w + b))))), "wrong sign"),
        (lambda X, y, w, b: (X.T @ (1 / (1 + np.exp(-(X @ w + b))) - y), np.sum(1 / (1 + np.exp(-(X @ w + b))) - y)), "n times too large"),
        (lambda X, y, w, b: (X @ w, 0.0), "should have shape"),
    ],
    "gradient_descent": [
        (climbing, "You are climbing"),
        (last_point_only, "Return the whole path"),
    ],
    "output_error": [
        (lambda a, y: a - y, "output error of the cross-entropy cost"),
        (lambda a, y: (y - a) * a * (1 - a), "sign is flipped"),
    ],
    "backward_step": [
        (lambda d, W, a: (a.T @ d, d.sum(axis=0), (d @ W.T) * a * (1 - a)), "batch-size times too large"),
        (lambda d, W, a: (d.T @ a / len(d), d.mean(axis=0), (d @ W.T) * a * (1 - a)), "should have shape"),
        (lambda d, W, a: (a.T @ d / len(d), d.mean(axis=0), (d @ W) * a * (1 - a)), "raised ValueError"),
    ],
    "tape_sigmoid_slope": [
        (unwatched_slope, "the tape did not watch z"),
        (lambda z: tf.sigmoid(tf.constant(z)), "That is σ(z) itself"),
    ],
    "sgd_step": [
        (rebinding_step, "Your variables did not change"),
        (lambda vs, gs, lr: [v.assign_add(lr * g) for v, g in zip(vs, gs)], "You are climbing"),
    ],
    "conv_output_size": [
        (lambda n, k, s, p: (n - k) // s + 1, "the input is padded first"),
        (lambda n, k, s, p: (n - k) // s if p == "valid" else -(-n // s), "One position short"),
    ],
    "conv_parameters": [
        (lambda kh, kw, ci, co: kh * kw * ci * co, "biases are missing"),
        (lambda kh, kw, ci, co: co * (kh * kw + 1), "spans every input channel"),
    ],
    "receptive_field": [
        (lambda layers: 1 + sum(k - 1 for k, s in layers), "ignored the strides"),
        (lambda layers: sum(k for k, s in layers), "do not simply add up"),
    ],
    "temperature_softmax": [
        (lambda z, t: np.exp(z / t) / np.sum(np.exp(z / t)), "nan or inf"),  # overflows for scores near 1000
        (lambda z, t: np.exp(z * t) / np.sum(np.exp(z * t)), "you multiplied"),
    ],
    "rnn_step": [
        (lambda x, h, Wx, Wh, b: np.tanh(np.eye(len(Wx))[x] @ Wx + Wh @ h + b), "not W_hh transposed"),
        (lambda x, h, Wx, Wh, b: np.eye(len(Wx))[x] @ Wx + h @ Wh + b, "tanh is missing"),
    ],
    "max_over_time": [
        (lambda maps: np.mean(maps, axis=1), "average over time"),
        (lambda maps: np.max(maps, axis=-1), "maximum over the channels"),
    ],
    "lstm_cell_update": [
        (lambda c, f, i, ct: c * i + ct * f, "gates are swapped"),
        (lambda c, f, i, ct: c + i * ct, "forget gate is missing"),
    ],
    "reparameterize": [
        (lambda m, lv, e: m + np.sqrt(np.exp(lv) ** 2) * e, "the standard deviation is exp(0.5 * log_variance)"),
        (lambda m, lv, e: m + lv * e, "log_variance is a logarithm"),
    ],
    "kl_divergence": [
        (lambda m, lv: 0.5 * (1 + lv - m * m - np.exp(lv)).sum(axis=1), "sign is flipped"),
        (lambda m, lv: -0.5 * (1 + lv - m * m - np.exp(lv)), "should have shape"),
    ],
}


@pytest.mark.parametrize("name", LEARNER_MISTAKES)
def test_learner_style_mistakes(name):
    for answer, words in LEARNER_MISTAKES[name]:
        verdict = evaluate(name, answer)
        assert verdict.status == WRONG and words in verdict.message, verdict.message


def test_learner_style_mistakes_cover_every_function_exercise():
    assert set(LEARNER_MISTAKES) == set(FUNCTION_EXERCISES)


@pytest.mark.parametrize(
    "answer, words",
    [
        ((np.array([2.0, 2.0]), -3.0), "computes AND"),
        ((np.array([-1.0, -1.0]), 5.0), "outputs 1 for every input"),
        ((np.array([1.0, 1.0]), -5.0), "outputs 0 for every input"),
        ((np.array([-2.0, -2.0, 1.0]), 3.0), "has shape (3,)"),
        ((np.array([-2.0, -2.0]), [3.0, 1.0]), "should be a single number"),
        ((np.array([-2.0, 0.0]), 1.0), "Not NAND yet: (1, 0) gives 0"),
        (np.array([-2.0, -2.0, 3.0]), "Pass the weights and the bias together"),
        (("a", "b"), "could not be used"),
    ],
)
def test_nand_wrong_values(answer, words):
    verdict = evaluate("nand_perceptron", answer)
    assert verdict.status == WRONG and words in verdict.message, verdict.message


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda: keras.Sequential([keras.layers.Dense(30, activation="sigmoid"), keras.layers.Dense(10, activation="sigmoid")]),
         "no input shape yet"),
        (lambda: keras.Sequential([keras.Input((784,)), keras.layers.Dense(30, activation="relu"), keras.layers.Dense(10, activation="sigmoid")]),
         "should use the sigmoid"),
        (lambda: keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="sigmoid")]), "should have 30 and then 10 units"),
        (lambda: keras.Sequential([keras.Input((28, 28)), keras.layers.Dense(30, activation="sigmoid"), keras.layers.Dense(10, activation="sigmoid")]),
         "input shape should be (None, 784)"),
        (lambda: "a model", "Return a Keras model"),
        (lambda: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_keras_network_wrong_models(build, words):
    verdict = evaluate("keras_network", build)
    assert verdict.status == WRONG and words in verdict.message, verdict.message


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_bad_answers_never_raise(name):
    judged_by_side_effect = name == "sgd_step"  # its checker looks at the variables, not the return value
    for answer, words in [
        (42, "expects your function itself"),
        (lambda *args: None, "did not change" if judged_by_side_effect else "returned None"),
        (lambda *args: "text", "did not change" if judged_by_side_effect else "should return"),
        (lambda *args: 1 / 0, "raised ZeroDivisionError: division by zero (line"),
    ]:
        verdict = evaluate(name, answer)
        assert verdict.status == WRONG and words in verdict.message, (answer, verdict.message)


def test_nan_results_are_named():
    verdict = evaluate("sigmoid", lambda z: np.full_like(z, np.nan))
    assert verdict.status == WRONG and "nan or inf" in verdict.message


def test_learner_function_cannot_change_the_test_inputs():
    def vandal(z):
        z[...] = 0
        raise NotImplementedError

    evaluate("sigmoid", vandal)
    assert evaluate("sigmoid", EXERCISES["sigmoid"].solution).status == CORRECT


def test_check_prints_and_show_solution_prints_tested_source(capsys):
    check("sigmoid", stub)
    assert capsys.readouterr().out.startswith("⏳ Not attempted yet.")
    check("no_such_exercise", stub)
    assert "There is no exercise called 'no_such_exercise'" in capsys.readouterr().out
    show_solution("forward_pass")
    out = capsys.readouterr().out
    assert "def forward(x, W1, b1, W2, b2):" in out and "return nn.sigmoid(hidden @ W2 + b2)" in out
    with pytest.raises(KeyError):
        evaluate("no_such_exercise", stub)
