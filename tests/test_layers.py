"""Dropout and batch normalisation from scratch (``utils.layers``) against TensorFlow and Keras.

Dropout: the same arithmetic in TensorFlow and its ``tf.GradientTape`` gradient, ``keras.layers.Dropout``'s
own output for a mask it drew, and its statistics (the share of units dropped, the mean kept) over a large
draw. Batch normalisation: ``keras.layers.BatchNormalization`` given the same γ, β, running averages, ε and
momentum, in training and at inference, for dense and image inputs, over several steps; its gradients by
``tf.GradientTape`` and by central differences. The references are those the labs of step 5 are judged by
(``utils.exercises.step05``). And the arguments each function refuses, by name."""

import numpy as np
import pytest

from utils import layers
from utils.checks import ArgumentError
from utils.exercises.step05 import (
    keras_batchnorm_backward,
    keras_batchnorm_forward,
    keras_dropout_mask,
    keras_dropout_output,
    tf_dropout_backward,
    tf_dropout_forward,
)

SHAPES = [(4, 6), (1, 5), (2, 3, 4, 5), (7, 1)]


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("rate", [0.0, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_dropout_equals_tensorflow_forward_and_backward(shape, rate, training):
    rng = np.random.default_rng(len(shape) + int(10 * rate))
    x, upstream, mask = rng.normal(size=shape), rng.normal(scale=1e3, size=shape), rng.uniform(size=shape) >= rate
    np.testing.assert_allclose(layers.dropout_forward(x, mask, rate, training), tf_dropout_forward(x, mask, rate, training), rtol=1e-12)
    np.testing.assert_allclose(
        layers.dropout_backward(upstream, mask, rate, training), tf_dropout_backward(upstream, mask, rate, training), rtol=1e-12
    )


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_with_the_mask_keras_drew_is_keras_dropout(rate):
    x = np.random.default_rng(3).uniform(0.5, 2.0, size=(16, 32))
    mask = keras_dropout_mask(x.shape, rate, seed=11)
    np.testing.assert_allclose(layers.dropout_forward(x, mask, rate, True), keras_dropout_output(x, rate, seed=11), rtol=1e-12)


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_dropout_has_the_statistics_of_keras_dropout(rate):
    """With a mask drawn by NumPy (each unit kept with probability 1 - rate), the share of units dropped and the mean of the
    output agree with keras.layers.Dropout's on a large draw, within five standard errors of the binomial draw."""
    import keras

    rng = np.random.default_rng(5)
    x = rng.uniform(0.5, 1.5, size=(400, 500))
    ours = layers.dropout_forward(x, rng.uniform(size=x.shape) >= rate, rate, True)
    theirs = keras.layers.Dropout(rate, seed=7, dtype="float64")(x, training=True).numpy()
    n = x.size
    share_error = 5 * np.sqrt(rate * (1 - rate) / n)
    for output in (ours, theirs):
        assert abs(np.mean(output == 0) - rate) < share_error
        assert abs(output.mean() - x.mean()) < 5 * output.std() / np.sqrt(n)  # inverted dropout keeps the mean
        kept = output != 0
        np.testing.assert_allclose(output[kept], x[kept] / (1 - rate), rtol=1e-12)  # each kept unit divided by 1 - rate
    at_inference = keras.layers.Dropout(rate, seed=7, dtype="float64")(x, training=False).numpy()
    np.testing.assert_array_equal(at_inference, layers.dropout_forward(x, x > 0, rate, False))


def _weights(rng, features):
    return rng.uniform(0.5, 1.5, features), rng.normal(size=features), rng.normal(size=features), rng.uniform(0.5, 2, features)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(8, 3), (1, 4), (5, 6, 7, 2), (2, 3, 3, 5)], ids=str)
def test_batchnorm_forward_equals_keras(shape, training):
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(2.0, 3.0, size=shape)
    arguments = (x, *_weights(rng, shape[-1]), 0.9, 1e-3, training)
    for ours, keras_value in zip(layers.batchnorm_forward(*arguments), keras_batchnorm_forward(*arguments)):
        np.testing.assert_allclose(ours, keras_value, rtol=1e-10, atol=1e-12)


def test_batchnorm_running_averages_follow_keras_over_several_steps():
    """Keras' momentum convention, step after step: new = momentum · old + (1 - momentum) · batch."""
    import keras

    rng = np.random.default_rng(9)
    gamma, beta = rng.uniform(0.5, 1.5, 3), rng.normal(size=3)
    layer = keras.layers.BatchNormalization(momentum=0.7, epsilon=1e-4, dtype="float64")
    layer.build((None, 3))
    layer.set_weights([gamma, beta, np.zeros(3), np.ones(3)])
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(5):
        x = rng.normal(1.0, 2.0, size=(10, 3))
        out, mean, var = layers.batchnorm_forward(x, gamma, beta, mean, var, 0.7, 1e-4, True)
        np.testing.assert_allclose(out, layer(x, training=True).numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean, layer.moving_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(var, layer.moving_variance.numpy(), rtol=1e-12)
    test = rng.normal(size=(4, 3))
    np.testing.assert_allclose(layers.batchnorm_forward(test, gamma, beta, mean, var, 0.7, 1e-4, False)[0], layer(test).numpy(), rtol=1e-10)


def test_batchnorm_in_training_standardises_each_feature():
    x = np.random.default_rng(2).normal([5.0, -3.0], [10.0, 0.1], size=(1000, 2))
    out, _, _ = layers.batchnorm_forward(x, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), 0.99, 1e-8, True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(out.std(axis=0), 1, rtol=1e-6)


@pytest.mark.parametrize("shape", [(6, 4), (1, 3), (2, 3), (3, 4, 5, 2)], ids=str)
def test_batchnorm_backward_equals_keras_gradients(shape):
    rng = np.random.default_rng(len(shape) * 7 + shape[0])
    upstream, x, gamma = rng.normal(scale=1e3, size=shape), rng.normal(1.0, 2.0, size=shape), rng.normal(size=shape[-1])
    for ours, keras_value in zip(layers.batchnorm_backward(upstream, x, gamma, 1e-3), keras_batchnorm_backward(upstream, x, gamma, 1e-3)):
        np.testing.assert_allclose(ours, keras_value, rtol=1e-9, atol=1e-9)


def test_batchnorm_backward_equals_central_differences():
    """A second reference: the loss sum(upstream · out), differentiated numerically in x, γ and β."""
    rng = np.random.default_rng(4)
    x, upstream = rng.normal(size=(2, 3, 2, 3)), rng.normal(size=(2, 3, 2, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)

    def loss(x, gamma, beta):
        out, _, _ = layers.batchnorm_forward(x, gamma, beta, np.zeros(3), np.ones(3), 0.9, 1e-3, True)
        return np.sum(upstream * out)

    def numerical(which):
        arrays = [x.copy(), gamma.copy(), beta.copy()]
        gradient = np.zeros_like(arrays[which])
        for index in np.ndindex(gradient.shape):
            for sign in (1, -1):
                shifted = [a.copy() for a in arrays]
                shifted[which][index] += sign * 1e-6
                gradient[index] += sign * loss(*shifted) / 2e-6
        return gradient

    dx, dgamma, dbeta = layers.batchnorm_backward(upstream, x, gamma, 1e-3)
    for which, ours in enumerate((dx, dgamma, dbeta)):
        np.testing.assert_allclose(ours, numerical(which), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: layers.dropout_forward(np.ones(3), np.ones(3, bool), 1.0, True), "rate=1.0"),
        (lambda: layers.dropout_forward(np.ones(3), np.ones(3, bool), -0.1, True), "rate=-0.1"),
        (lambda: layers.dropout_forward(np.ones(3), np.ones(3, bool), 0.5, "yes"), "training='yes'"),
        (lambda: layers.dropout_backward("upstream", np.ones(3, bool), 0.5, True), "upstream='upstream'"),
        (lambda: layers.batchnorm_forward(np.ones((2, 3, 4)), np.ones(4), np.zeros(4), np.zeros(4), np.ones(4)), "x="),
        (lambda: layers.batchnorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), 1.5), "momentum=1.5"),
        (lambda: layers.batchnorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), 0.9, 0.0), "epsilon=0.0"),
        (lambda: layers.batchnorm_backward(np.ones((2, 3)), np.ones((2, 3)), np.ones((1, 3))), "gamma="),
    ],
)
def test_bad_arguments_are_refused_by_name(call, argument):
    with pytest.raises(ArgumentError) as raised:
        call()
    assert argument in str(raised.value)
