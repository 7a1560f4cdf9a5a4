"""Step 2's sigmoid neurons: the two-neuron chain's slopes and the logistic-regression training loop
(the labs' solutions), each against TensorFlow's automatic differentiation; and the logistic-gradient
lab's reference, central differences, against the closed form."""

import numpy as np
import pytest

from utils import gradcheck, logistic, nn
from utils.exercises import step02


def _tf():
    import tensorflow as tf

    return tf


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_neuron_slopes_match_tensorflow(seed):
    tf = _tf()
    rng = np.random.default_rng(seed)
    x = rng.normal(size=7)
    parameters = rng.normal(scale=1.5, size=4)
    variables = [tf.Variable(p, dtype=tf.float64) for p in parameters]
    inputs = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        w1, b1, w2, b2 = variables
        outputs = tf.sigmoid(w2 * tf.sigmoid(w1 * inputs + b1) + b2)
        per_input = [outputs[i] for i in range(len(x))]
    expected = np.array([[tape.gradient(y, v).numpy() for y in per_input] for v in variables])
    np.testing.assert_allclose(np.array(logistic.two_neuron_slopes(x, *parameters)), expected, rtol=1e-12, atol=1e-15)


def test_two_neuron_slopes_keep_the_shape_of_the_inputs():
    slopes = logistic.two_neuron_slopes(np.array([0.5]), 1.0, 0.0, -1.0, 0.2)
    assert [s.shape for s in slopes] == [(1,)] * 4


def _tensorflow_descent(X, y, learning_rate, steps):
    """The same full-batch gradient descent, with TensorFlow's gradient of its own cross-entropy."""
    tf = _tf()
    w = tf.Variable(np.zeros(X.shape[1]), dtype=tf.float64)
    b = tf.Variable(0.0, dtype=tf.float64)
    X_t, y_t = tf.constant(X), tf.constant(y)
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            z = tf.linalg.matvec(X_t, w) + b
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_t, logits=z))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(learning_rate * dw)
        b.assign_sub(learning_rate * db)
        z = tf.linalg.matvec(X_t, w) + b
        losses.append(float(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_t, logits=z))))
    return w.numpy(), float(b.numpy()), losses


@pytest.mark.parametrize("n, features, learning_rate, steps", [(30, 4, 0.5, 12), (1, 3, 0.1, 3), (9, 1, 2.0, 5)])
def test_train_logistic_matches_gradient_descent_with_tensorflow_gradients(n, features, learning_rate, steps):
    rng = np.random.default_rng(n)
    X = rng.normal(size=(n, features))
    y = (X @ rng.normal(size=features) + 0.3 * rng.normal(size=n) > 0).astype(float)
    w, b, losses = logistic.train_logistic(X, y, learning_rate, steps)
    w_tf, b_tf, losses_tf = _tensorflow_descent(X, y, learning_rate, steps)
    np.testing.assert_allclose(w, w_tf, rtol=1e-9, atol=1e-12)
    assert b == pytest.approx(b_tf, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(losses, losses_tf, rtol=1e-9)
    assert len(losses) == steps


def test_train_logistic_first_step_from_zero():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(10, 3)), np.array([1.0, 0, 1, 1, 0, 1, 1, 0, 1, 1])
    X_before, y_before = X.copy(), y.copy()
    w, b, losses = logistic.train_logistic(X, y, 0.3, 1)
    # From zero weights every prediction is 0.5, so the first gradient is X.T (0.5 - y) / n.
    np.testing.assert_allclose(w, -0.3 * X.T @ (0.5 - y) / 10)
    assert b == pytest.approx(-0.3 * (0.5 - y.mean()))
    assert losses == [pytest.approx(nn.binary_cross_entropy(nn.sigmoid(X @ w + b), y))]
    assert losses[0] < np.log(2)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_the_logistic_gradient_reference_is_central_differences():
    rng = np.random.default_rng(3)
    X, y, w = rng.normal(size=(6, 3)), np.array([0.0, 1, 1, 0, 1, 1]), rng.normal(size=3)
    dw, db = step02.logistic_gradient_by_differences(X, y, w, 0.2)
    exact_dw, exact_db = nn.logistic_gradient(X, y, w, 0.2)
    assert gradcheck.relative_error(dw, exact_dw) < 1e-8 and db == pytest.approx(exact_db, rel=1e-7)
