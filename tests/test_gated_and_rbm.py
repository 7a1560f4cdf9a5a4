"""The NumPy LSTM and GRU (the course's versions, which are step 7's lab solutions) against Keras' layers
with the same weights, on random shapes; the LSTM step's backward pass against central differences; the
RBM's CD-1 update against a computation written out element by element (by hand, and the loops that step
7's checker uses); persistent CD against CD-1 and against the same loop written out; the free energy
against the sum over every hidden vector."""

import itertools

import keras
import numpy as np
import pytest

from utils import gated
from utils.exercises import step07
from utils.nn import sigmoid
from utils.rbm import RBM, cd1_update, free_energy, pcd_gradients

SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 7, 6), (4, 30, 2, 16)]


@pytest.mark.parametrize("batch, time, inputs, units", SHAPES)
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


@pytest.mark.parametrize("batch, time, inputs, units", SHAPES)
def test_lstm_equals_keras(batch, time, inputs, units):
    rng = np.random.default_rng(batch + time)
    x = rng.normal(size=(batch, time, inputs)).astype("float32")
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True, seed=0)
    layer(x)
    kernel, recurrent_kernel, bias = layer.get_weights()
    bias = rng.normal(size=bias.shape).astype("float32")
    layer.set_weights([kernel, recurrent_kernel, bias])
    keras_sequence, keras_h, keras_c = (t.numpy() for t in layer(x))
    zeros = np.zeros((batch, units))
    step = gated.lstm_step_from_keras
    sequence, (h, c) = gated.run(lambda x_t, h, c: step(x_t, h, c, kernel, recurrent_kernel, bias), x.astype(float), (zeros, zeros))
    assert np.abs(sequence - keras_sequence).max() < 1e-5
    assert np.abs(h - keras_h).max() < 1e-5 and np.abs(c - keras_c).max() < 1e-5


@pytest.mark.parametrize("batch, inputs, units", [(1, 1, 1), (3, 4, 2), (2, 3, 6), (5, 7, 3)])
def test_lstm_step_backward_equals_central_differences(batch, inputs, units):
    """Every gradient of one step, against central differences of the forward step (the lab's checker uses Keras' cell and
    tf.GradientTape instead), for the loss sum(dh ⊙ h_t) + sum(dc ⊙ C_t), with upstream gradients in the hundreds."""
    rng = np.random.default_rng(batch * 10 + units)
    dh, dc = rng.normal(scale=300, size=(2, batch, units))
    x, h, c = rng.normal(size=(batch, inputs)), rng.uniform(-1, 1, size=(batch, units)), rng.normal(size=(batch, units))
    weights = rng.normal(scale=0.7, size=(inputs, 4 * units)), rng.normal(scale=0.7, size=(units, 4 * units)), rng.normal(size=4 * units)
    arguments = [x, h, c, *weights]

    def loss():
        new_h, new_c = gated.lstm_step_from_keras(*arguments)
        return np.sum(dh * new_h) + np.sum(dc * new_c)

    for argument, gradient in zip(arguments, gated.lstm_step_backward(dh, dc, *arguments)):
        assert gradient.shape == argument.shape
        numerical = np.zeros_like(argument)
        for index in np.ndindex(argument.shape):
            kept = argument[index]
            argument[index] = kept + 1e-6
            above = loss()
            argument[index] = kept - 1e-6
            numerical[index] = (above - loss()) / 2e-6
            argument[index] = kept
        np.testing.assert_allclose(gradient, numerical, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("batch, time, inputs, units", SHAPES)
def test_olahs_gru_equals_keras_with_the_reset_before_the_product(batch, time, inputs, units):
    rng = np.random.default_rng(batch * time + 5)
    x = rng.normal(size=(batch, time, inputs)).astype("float32")
    h0 = rng.uniform(-1, 1, size=(batch, units)).astype("float32")
    layer = keras.layers.GRU(units, reset_after=False, return_sequences=True, seed=0)
    layer(x)
    kernel, recurrent_kernel, bias = layer.get_weights()
    assert bias.shape == (3 * units,)
    bias = rng.normal(size=bias.shape).astype("float32")
    layer.set_weights([kernel, recurrent_kernel, bias])
    keras_sequence = layer(x, initial_state=[h0]).numpy()
    step = gated.olah_gru_step_from_keras
    sequence, _ = gated.run(lambda x_t, h: step(x_t, h, kernel, recurrent_kernel, bias), x.astype(float), h0.astype(float))
    assert np.abs(sequence - keras_sequence).max() < 1e-5


def test_cd1_update_on_a_tiny_case_by_hand():
    v0, W, b, c, uniform_hidden, uniform_visible, rate = step07.TINY_RBM_CASE  # one example, 3 visible units, 2 hidden

    def s(z):  # the sigmoid, written out again
        return 1 / (1 + np.exp(-z))

    # Positive phase, unit by unit: p(h_j = 1 | v0) = σ(c_j + Σ_i v_i W_ij)
    h0 = [s(c[j] + sum(v0[0, i] * W[i, j] for i in range(3))) for j in range(2)]
    h_sample = [1.0 if uniform_hidden[0, j] < h0[j] else 0.0 for j in range(2)]
    p_v1 = [s(b[i] + sum(W[i, j] * h_sample[j] for j in range(2))) for i in range(3)]
    v1 = [1.0 if uniform_visible[0, i] < p_v1[i] else 0.0 for i in range(3)]
    h1 = [s(c[j] + sum(v1[i] * W[i, j] for i in range(3))) for j in range(2)]
    assert h_sample == [1.0, 0.0]  # σ(0.2 + 0.5 - 0.4) = 0.574 > 0.3; σ(-0.3 - 0.2 + 0.6) = 0.525 < 0.9
    assert v1 == [1.0, 0.0, 0.0]  # σ(0.1 + 0.5) = 0.646 > 0.2; σ(-0.1 + 0.1) = 0.5 < 0.7; σ(0 - 0.4) = 0.401 < 0.6
    expected_dW = [[v0[0, i] * h0[j] - v1[i] * h1[j] for j in range(2)] for i in range(3)]
    for update in (cd1_update, step07.cd1_by_elements):  # the course's update, and the loops its lab's checker uses
        new_W, new_b, new_c = update(*step07.TINY_RBM_CASE)
        np.testing.assert_allclose(new_W, W + rate * np.array(expected_dW), atol=1e-12)
        np.testing.assert_allclose(new_b, b + rate * (v0[0] - np.array(v1)), atol=1e-12)
        np.testing.assert_allclose(new_c, c + rate * (np.array(h0) - np.array(h1)), atol=1e-12)


def test_the_course_cd1_update_equals_the_loops():
    rng = np.random.default_rng(3)
    cases = [case.args for case in step07.CD1_UPDATE.cases]
    v0 = (rng.random((7, 9)) < 0.4).astype(float)
    cases.append((v0, rng.normal(size=(9, 5)), rng.normal(size=9), rng.normal(size=5), rng.random((7, 5)), rng.random((7, 9)), 0.3))
    for args in cases:
        for ours, theirs in zip(cd1_update(*args), step07.cd1_by_elements(*args)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_an_rbm_trains_with_a_given_update():
    """RBM.train_epoch passes each batch, its two sets of random numbers and the rate to ``update``."""
    calls = []

    def recording(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
        calls.append((v0.shape, uniform_hidden.shape, uniform_visible.shape, learning_rate))
        return cd1_update(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate)

    data = (np.random.default_rng(0).random((25, 6)) < 0.5).astype(float)
    mine, course = RBM(6, 3, seed=1), RBM(6, 3, seed=1)
    mine.train_epoch(data, batch_size=10, learning_rate=0.2, update=recording)
    course.train_epoch(data, batch_size=10, learning_rate=0.2)
    assert calls == [((10, 6), (10, 3), (10, 6), 0.2), ((10, 6), (10, 3), (10, 6), 0.2), ((5, 6), (5, 3), (5, 6), 0.2)]
    np.testing.assert_array_equal(mine.W, course.W)


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


def test_pcd_from_the_data_is_cd1():
    """With the chains set to the batch itself, persistent CD's step is CD-1's, and the new chains are
    CD-1's binary reconstruction."""
    rng = np.random.default_rng(3)
    v0 = (rng.random((7, 9)) < 0.4).astype(float)
    W, b, c = rng.normal(size=(9, 5)), rng.normal(size=9), rng.normal(size=5)
    uh, uv = rng.random((7, 5)), rng.random((7, 9))
    *grads, chains = pcd_gradients(v0, W, b, c, v0.copy(), uh, uv)
    for ours, new, old in zip(grads, cd1_update(v0, W, b, c, uh, uv, 1.0), (W, b, c)):  # CD-1's step at learning rate 1
        np.testing.assert_allclose(ours, new - old, rtol=1e-12, atol=1e-12)
    h_sample = (uh < sigmoid(v0 @ W + c)).astype(float)
    np.testing.assert_array_equal(chains, (uv < sigmoid(h_sample @ W.T + b)).astype(float))


def test_pcd_negative_phase_uses_only_the_chains():
    """The negative statistics come from the chains (any number of them), not from the batch."""
    rng = np.random.default_rng(4)
    v0, chains = (rng.random((6, 8)) < 0.5).astype(float), (rng.random((3, 8)) < 0.5).astype(float)
    W, b, c = rng.normal(size=(8, 4)), rng.normal(size=8), rng.normal(size=4)
    uh, uv = rng.random((3, 4)), rng.random((3, 8))
    dW, db, dc, new = pcd_gradients(v0, W, b, c, chains, uh, uv)
    h1 = sigmoid(new @ W + c)
    np.testing.assert_allclose(dW, v0.T @ sigmoid(v0 @ W + c) / 6 - new.T @ h1 / 3, atol=1e-12)
    np.testing.assert_allclose(db, v0.mean(0) - new.mean(0), atol=1e-12)
    assert new.shape == (3, 8) and set(np.unique(new)) <= {0.0, 1.0}


def test_pcd_chains_persist_across_batches_and_epochs():
    """train_epoch_persistent equals the loop written out, with one set of chains carried through."""
    data = (np.random.default_rng(5).random((25, 6)) < 0.5).astype(float)
    rbm = RBM(6, 3, seed=2)
    for _ in range(2):
        rbm.train_epoch_persistent(data, batch_size=10, learning_rate=0.3)
    reference = RBM(6, 3, seed=2)
    rng, W, b, c, chains = reference.rng, reference.W, reference.b, reference.c, None
    for _ in range(2):
        order = rng.permutation(25)
        for start in range(0, 25, 10):
            batch = data[order[start : start + 10]]
            chains = batch.copy() if chains is None else chains
            uh, uv = rng.random((10, 3)), rng.random((10, 6))
            dW, db, dc, chains = pcd_gradients(batch, W, b, c, chains, uh, uv)
            W, b, c = W + 0.3 * dW, b + 0.3 * db, c + 0.3 * dc
    np.testing.assert_allclose(rbm.W, W, atol=1e-12)
    np.testing.assert_array_equal(rbm.chains, chains)


def test_pcd_learns_a_simple_distribution():
    rng = np.random.default_rng(0)
    patterns = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float)
    data = patterns[rng.integers(0, 2, size=500)]
    rbm = RBM(6, 2, seed=0)
    for _ in range(60):
        rbm.train_epoch_persistent(data, batch_size=20, learning_rate=0.1)
    noise = (rng.random((200, 6)) < 0.5).astype(float)
    samples = rbm.gibbs_chain(noise, record_at=[50])[50] > 0.5
    assert np.mean([any(np.array_equal(s, p) for p in patterns.astype(bool)) for s in samples]) > 0.8


def test_free_energy_is_minus_the_log_of_the_sum_over_every_hidden_vector():
    """F(v) = -log Σ_h exp(-E(v, h)) with E(v, h) = -v b - h c - v W h, summed over all 2^4 hidden vectors."""
    rng = np.random.default_rng(6)
    v = (rng.random((5, 7)) < 0.5).astype(float)
    W, b, c = rng.normal(size=(7, 4)), rng.normal(size=7), rng.normal(size=4)
    hidden = np.array(list(itertools.product([0.0, 1.0], repeat=4)))  # (16, 4)
    minus_energies = (v @ b)[:, None] + (hidden @ c)[None, :] + v @ W @ hidden.T  # (5, 16)
    np.testing.assert_allclose(free_energy(v, W, b, c), -np.log(np.exp(minus_energies).sum(axis=1)), rtol=1e-12)
