"""utils.optimizers, step 3's momentum, Adam, softmax with cross-entropy and initialisers, against Keras and TensorFlow."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from utils.optimizers import adam_update, glorot_uniform, he_normal, momentum_update, softmax_cross_entropy


def _keras_path(optimizer, params, gradients):
    variables = [tf.Variable(p) for p in params]
    path = []
    for grads in gradients:
        optimizer.apply_gradients(zip([tf.constant(g) for g in grads], variables))
        path.append([v.numpy() for v in variables])
    return path


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_momentum_update_takes_the_steps_of_keras_sgd(momentum):
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    gradients = [[rng.normal(size=(3, 2)), rng.normal(size=2)] for _ in range(6)]
    expected = _keras_path(keras.optimizers.SGD(learning_rate=0.125, momentum=momentum), params, gradients)
    ours, velocities = [p.copy() for p in params], [np.zeros_like(p) for p in params]
    for grads, theirs in zip(gradients, expected):
        ours, velocities = momentum_update(ours, grads, velocities, 0.125, momentum)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)  # Keras rounds the momentum to float32 (0.9 -> 0.89999998)


def test_adam_update_takes_the_steps_of_keras_adam():
    rng = np.random.default_rng(1)
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    gradients = [[rng.normal(size=(4, 3)), 1e3 * rng.normal(size=3)] for _ in range(8)]
    expected = _keras_path(keras.optimizers.Adam(learning_rate=2**-7), params, gradients)
    ours, m, v = [p.copy() for p in params], [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    for t, (grads, theirs) in enumerate(zip(gradients, expected), start=1):
        ours, m, v = adam_update(ours, grads, m, v, t, 2**-7)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=2e-5)  # Keras rounds β1 and β2 to float32 in its bias correction


def test_adam_is_the_papers_algorithm_with_epsilon_scaled_by_the_correction():
    """Kingma and Ba, section 2: folding the bias correction into the step size is Algorithm 1 with ε̂ = ε / √(1 - β2^t)."""
    rng = np.random.default_rng(2)
    params, m, v = [rng.normal(size=5)], [np.zeros(5)], [np.zeros(5)]
    paper, m_hat_sum, v_sum = params[0].copy(), np.zeros(5), np.zeros(5)
    for t in range(1, 6):
        g = 1e-7 * rng.normal(size=5)
        params, m, v = adam_update(params, [g], m, v, t, 0.01)
        m_hat_sum, v_sum = 0.9 * m_hat_sum + 0.1 * g, 0.999 * v_sum + 0.001 * g**2
        m_hat, v_hat = m_hat_sum / (1 - 0.9**t), v_sum / (1 - 0.999**t)
        paper = paper - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-7 / np.sqrt(1 - 0.999**t))
        np.testing.assert_allclose(params[0], paper, rtol=1e-12)


def test_updates_leave_their_inputs_alone():
    params, grads, state = [np.ones(3)], [np.ones(3)], [np.ones(3)]
    momentum_update(params, grads, state, 0.1, 0.9)
    adam_update(params, grads, state, state, 1)
    assert all(np.array_equal(a, np.ones(3)) for a in params + grads + state)


@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_softmax_cross_entropy_equals_tensorflow_and_its_tape(shift):
    rng = np.random.default_rng(3)
    z, y = rng.normal(scale=3.0, size=(6, 4)) + shift, np.eye(4)[rng.integers(0, 4, size=6)] * 0.9 + 0.025
    logits = tf.Variable(z)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    ours, dz = softmax_cross_entropy(z, y)
    assert ours == pytest.approx(float(loss), rel=1e-12)
    np.testing.assert_allclose(dz, tape.gradient(loss, logits).numpy(), rtol=1e-10, atol=1e-15)


def test_softmax_cross_entropy_survives_rows_a_thousand_apart():
    z, y = np.array([[1000.0, 999.0], [-1000.0, -1001.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    loss, dz = softmax_cross_entropy(z, y)
    assert np.isfinite(loss) and np.isfinite(dz).all()
    assert loss == pytest.approx((np.log1p(np.exp(-1)) + 1 + np.log1p(np.exp(-1))) / 2)


def test_glorot_uniform_has_glorots_variance_and_bounds():
    weights = glorot_uniform(300, 700, np.random.default_rng(4))
    limit = np.sqrt(6 / 1000)
    assert weights.shape == (300, 700)
    assert np.abs(weights).max() <= limit and np.abs(weights).max() > 0.999 * limit
    assert weights.var() == pytest.approx(2 / 1000, rel=0.02)


def test_he_normal_is_keras_truncated_normal_with_variance_two_over_fan_in():
    weights = he_normal(500, 400, np.random.default_rng(5))
    sigma = np.sqrt(2 / 500) / 0.87962566103423978
    assert weights.shape == (500, 400)
    assert np.abs(weights).max() <= 2 * sigma and np.abs(weights).max() > 0.99 * 2 * sigma
    assert weights.var() == pytest.approx(2 / 500, rel=0.02)
    keras_draw = np.asarray(keras.initializers.HeNormal(seed=1)(shape=(500, 400), dtype="float64"))
    assert weights.var() == pytest.approx(keras_draw.var(), rel=0.03)
    assert np.abs(weights).max() == pytest.approx(np.abs(keras_draw).max(), rel=0.01)
