"""The NumPy LSTM and GRU against Keras' layers with the same weights, on random shapes; and the RBM's
CD-1 update against a computation written out element by element."""

import keras
import numpy as np
import pytest

from utils import gated
from utils.nn import sigmoid
from utils.rbm import RBM, cd1_gradients


@pytest.mark.parametrize("batch, time, inputs, units", [(1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 7, 6), (4, 30, 2, 16)])
def test_lstm_equals_keras(batch, time, inputs, units):
    keras.utils.set_random_seed(batch + time)
    x = np.random.default_rng(time).normal(size=(batch, time, inputs)).astype("float32")
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    keras_sequence, keras_h, keras_c = (t.numpy() for t in layer(x))
    bias = np.random.default_rng(1).normal(size=4 * units).astype("float32")  # a random bias, not Keras' ones/zeros
    layer.set_weights([layer.get_weights()[0], layer.get_weights()[1], bias])
    keras_sequence, keras_h, keras_c = (t.numpy() for t in layer(x))
    p = gated.lstm_from_keras(*layer.get_weights())
    zeros = np.zeros((batch, units))
    sequence, (h, c) = gated.run(lambda x_t, h, c: gated.lstm_step(x_t, h, c, p), x.astype(float), (zeros, zeros))
    assert np.abs(sequence - keras_sequence).max() < 1e-5
    assert np.abs(h - keras_h).max() < 1e-5 and np.abs(c - keras_c).max() < 1e-5


@pytest.mark.parametrize("batch, time, inputs, units", [(1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 7, 6), (4, 30, 2, 16)])
def test_gru_equals_keras(batch, time, inputs, units):
    keras.utils.set_random_seed(batch * time)
    x = np.random.default_rng(time).normal(size=(batch, time, inputs)).astype("float32")
    layer = keras.layers.GRU(units, return_sequences=True, return_state=True)
    layer(x)
    bias = np.random.default_rng(2).normal(size=(2, 3 * units)).astype("float32")
    layer.set_weights([layer.get_weights()[0], layer.get_weights()[1], bias])
    keras_sequence, keras_h = (t.numpy() for t in layer(x))
    p = gated.gru_from_keras(*layer.get_weights())
    sequence, h = gated.run(lambda x_t, h: gated.gru_step(x_t, h, p), x.astype(float), np.zeros((batch, units)))
    assert np.abs(sequence - keras_sequence).max() < 1e-5 and np.abs(h - keras_h).max() < 1e-5


def test_cd1_update_on_a_tiny_case_by_hand():
    v0 = np.array([[1.0, 0.0, 1.0]])                       # one example, 3 visible units
    W = np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.6]])  # 2 hidden units
    b, c = np.array([0.1, -0.1, 0.0]), np.array([0.2, -0.3])
    uniform = np.array([[0.3, 0.9]])
    s = lambda z: 1 / (1 + np.exp(-z))
    # Positive phase, unit by unit: p(h_j = 1 | v0) = σ(c_j + Σ_i v_i W_ij)
    h0 = [s(c[j] + sum(v0[0, i] * W[i, j] for i in range(3))) for j in range(2)]
    h_sample = [1.0 if uniform[0, j] < h0[j] else 0.0 for j in range(2)]
    v1 = [s(b[i] + sum(W[i, j] * h_sample[j] for j in range(2))) for i in range(3)]
    h1 = [s(c[j] + sum(v1[i] * W[i, j] for i in range(3))) for j in range(2)]
    expected_dW = [[v0[0, i] * h0[j] - v1[i] * h1[j] for j in range(2)] for i in range(3)]
    dW, db, dc = cd1_gradients(v0, W, b, c, uniform)
    assert h_sample == [1.0, 0.0]  # σ(0.2 + 0.5 - 0.4) = 0.574 > 0.3; σ(-0.3 - 0.2 + 0.6) = 0.525 < 0.9
    np.testing.assert_allclose(dW, expected_dW, atol=1e-12)
    np.testing.assert_allclose(db, [v0[0, i] - v1[i] for i in range(3)], atol=1e-12)
    np.testing.assert_allclose(dc, [h0[j] - h1[j] for j in range(2)], atol=1e-12)


def test_rbm_learns_a_simple_distribution():
    rng = np.random.default_rng(0)
    patterns = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float)
    data = patterns[rng.integers(0, 2, size=500)]
    rbm = RBM(6, 2, seed=0)
    before = rbm.reconstruction_error(data)
    for _ in range(60):
        rbm.train_epoch(data, batch_size=20, learning_rate=0.5)
    assert rbm.reconstruction_error(data) < 0.2 * before
    noise = (rng.random((200, 6)) < 0.5).astype(float)
    samples = rbm.gibbs_chain(noise, record_at=[50])[50] > 0.5
    matches = np.mean([any(np.array_equal(s, p) for p in patterns.astype(bool)) for s in samples])
    assert matches > 0.8  # the chains produce the two patterns it was shown
    assert sigmoid(0.0) == 0.5
