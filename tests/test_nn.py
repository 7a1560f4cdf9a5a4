"""The from-scratch building blocks, each against an independent reference:
TensorFlow's own ops for the functions, central differences for the derivatives."""

import warnings

import numpy as np
import pytest
import tensorflow as tf

from utils import gradcheck, nn

Z = np.linspace(-30, 30, 241)


@pytest.mark.parametrize(
    "ours, theirs",
    [(nn.sigmoid, tf.math.sigmoid), (nn.relu, tf.nn.relu), (np.tanh, tf.math.tanh)],
    ids=["sigmoid", "relu", "tanh"],
)
def test_activations_match_tensorflow(ours, theirs):
    np.testing.assert_allclose(ours(Z), theirs(tf.constant(Z)).numpy(), rtol=1e-12, atol=1e-15)


def test_sigmoid_extremes_are_exact_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would raise here
        values = nn.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert values.tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(
    "function, derivative",
    [(nn.sigmoid, nn.sigmoid_prime), (np.tanh, nn.tanh_prime), (nn.relu, nn.relu_prime)],
    ids=["sigmoid", "tanh", "relu"],
)
def test_derivatives_match_central_differences(function, derivative):
    points = np.array([-4.0, -1.3, -0.2, 0.3, 0.9, 2.5, 6.0])  # away from ReLU's kink at 0
    numerical = np.array([gradcheck.central_difference(function, z, h=1e-6) for z in points])
    np.testing.assert_allclose(derivative(points), numerical, rtol=1e-6, atol=1e-9)


def test_step_and_perceptron():
    assert nn.step(np.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert nn.perceptron(inputs, [1.0, 1.0], -1.5).tolist() == [0, 0, 0, 1]  # AND


def test_dense_forward_matches_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 4))
    weights = [rng.normal(size=(4, 6)), rng.normal(size=(6, 3))]
    biases = [rng.normal(size=6), rng.normal(size=3)]
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="sigmoid"), keras.layers.Dense(3, activation="sigmoid")])
    for layer, w, b in zip(model.layers, weights, biases):
        layer.set_weights([w, b])
    np.testing.assert_allclose(nn.dense_forward(x, weights, biases), model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_binary_cross_entropy_matches_keras():
    predicted = np.array([0.9, 0.2, 0.6, 0.01])
    target = np.array([1.0, 0.0, 0.0, 1.0])
    import keras

    reference = keras.losses.BinaryCrossentropy()(target, predicted).numpy()
    assert nn.binary_cross_entropy(predicted, target) == pytest.approx(float(reference), rel=1e-5)


@pytest.mark.parametrize("n, features", [(1, 1), (5, 3), (40, 7)])
def test_logistic_gradient_matches_numerical_gradient(n, features):
    rng = np.random.default_rng(n)
    X, w = rng.normal(size=(n, features)), rng.normal(size=features)
    y = (rng.random(n) < 0.5).astype(float)
    b = np.array([0.3])

    def loss():
        return nn.binary_cross_entropy(nn.sigmoid(X @ w + b[0]), y)

    dw, db = nn.logistic_gradient(X, y, w, b[0])
    assert gradcheck.relative_error(dw, gradcheck.numerical_gradient(lambda _: loss(), w)) < 1e-7
    assert gradcheck.relative_error(db, gradcheck.numerical_gradient(lambda _: loss(), b)[0]) < 1e-7


def test_nand_parameters_make_a_nand_perceptron():
    weights, bias = nn.nand_parameters()
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert nn.perceptron(inputs, weights, bias).tolist() == [1, 1, 1, 0]


@pytest.mark.parametrize("theta", [0.0, np.pi / 6, np.pi / 2, 2.0, -1.0])
def test_rotation_matrix_turns_counter_clockwise_and_keeps_lengths(theta):
    rotation = nn.rotation_matrix(theta)
    np.testing.assert_allclose(rotation @ [1.0, 0.0], [np.cos(theta), np.sin(theta)], atol=1e-15)  # e1 lands at angle θ
    np.testing.assert_allclose(rotation.T @ rotation, np.eye(2), atol=1e-15)  # lengths and angles kept
    assert np.linalg.det(rotation) == pytest.approx(1.0)  # a turn, not a reflection
    np.testing.assert_allclose(rotation @ nn.rotation_matrix(0.3), nn.rotation_matrix(theta + 0.3), atol=1e-15)
