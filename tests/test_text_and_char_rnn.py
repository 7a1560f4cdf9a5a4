"""Text vectorisation, sampling with a temperature, and the NumPy character RNN (gradient check,
learning, sampling) against independent references."""

import numpy as np
import pytest

from utils.char_rnn import PARAMETERS, CharRNN, bptt_backward, forward_step, rnn_forward, rnn_step
from utils.gradcheck import numerical_gradient, relative_error
from utils.text import CharVocabulary, build_vocabulary, max_over_time, sample_with_temperature, softmax, tokenize, vectorize


def test_char_vocabulary_round_trip():
    vocabulary = CharVocabulary("hello world\n")
    assert vocabulary.characters == ["\n", " ", "d", "e", "h", "l", "o", "r", "w"]
    ids = vocabulary.encode("low\n")
    assert ids.tolist() == [5, 6, 8, 0] and vocabulary.decode(ids) == "low\n"
    with pytest.raises(ValueError, match="characters not in the vocabulary: 'Zx'"):
        vocabulary.encode("xZ")


def test_word_vocabulary_and_vectorize():
    sentences = ["a good film .", "a bad , bad film", "good"]
    vocabulary = build_vocabulary(sentences)
    assert vocabulary[:2] == ["", "[UNK]"]
    assert vocabulary[2:] == ["a", "bad", "film", "good", ",", "."]  # by frequency, ties alphabetically
    encoded = vectorize(["good film", "a very bad film indeed", ""], vocabulary, length=4)
    assert encoded.tolist() == [[5, 4, 0, 0], [2, 1, 3, 4], [0, 0, 0, 0]]
    assert build_vocabulary(sentences, max_words=4) == ["", "[UNK]", "a", "bad"]
    assert tokenize("it's  a film .") == ["it's", "a", "film", "."]


def test_softmax_is_stable_and_normalised():
    probabilities = softmax(np.array([[1000.0, 1000.0, 0.0], [1.0, 2.0, 3.0]]))
    assert np.all(np.isfinite(probabilities)) and np.allclose(probabilities.sum(axis=1), 1)
    assert probabilities[0, :2] == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError, match="softmax: temperature=0 is out of range; give a number, above 0"):
        softmax([1.0, 2.0], temperature=0)


def test_temperature_sharpens_and_flattens_a_known_distribution():
    probabilities = np.array([0.5, 0.3, 0.15, 0.05])
    logits = np.log(probabilities)
    rng = np.random.default_rng(0)
    draws = {
        t: np.bincount([sample_with_temperature(logits, t, rng) for _ in range(20_000)], minlength=4) / 20_000 for t in (0.05, 1.0, 100.0)
    }
    assert draws[0.05][0] > 0.99  # cold: nearly always the most likely
    assert np.abs(draws[1.0] - probabilities).max() < 0.015  # T = 1: the model's own distribution
    assert np.abs(draws[100.0] - 0.25).max() < 0.02  # hot: nearly uniform
    # and the exact distributions: p^(1/T), renormalised
    expected = probabilities**2 / np.sum(probabilities**2)
    assert softmax(logits, 0.5) == pytest.approx(expected)


def test_sampling_survives_scores_whose_exponentials_overflow():
    scores = np.array([1000.0, 999.0, -1000.0])  # e^1000 and e^(1000 / 0.05) are inf in float64
    assert [sample_with_temperature(scores, 0.05, np.random.default_rng(seed)) for seed in range(20)] == [0] * 20
    draws = [sample_with_temperature(scores, 1.0, np.random.default_rng(seed)) for seed in range(2_000)]
    assert np.bincount(draws, minlength=3)[2] == 0 and abs(np.mean(np.array(draws) == 0) - 1 / (1 + np.exp(-1))) < 0.03


def test_max_over_time_keeps_each_channels_largest_value_over_the_sentence():
    maps = np.random.default_rng(0).normal(size=(3, 7, 4))  # (batch, time, channels)
    pooled = max_over_time(maps)
    assert pooled.shape == (3, 4)
    assert all(pooled[b, c] == max(maps[b, t, c] for t in range(7)) for b in range(3) for c in range(4))


def small_rnn(seed=1):
    rnn = CharRNN(vocab_size=5, hidden_size=4, seed=seed)
    rng = np.random.default_rng(seed)
    for name in PARAMETERS:  # non-trivial values make the gradient check meaningful
        rnn.params[name] = rng.normal(scale=0.5, size=rnn.params[name].shape)
    return rnn, rng.integers(0, 5, size=8), rng.integers(0, 5, size=8), rng.normal(size=4)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_backpropagation_through_time_matches_central_differences(seed):
    rnn, inputs, targets, h0 = small_rnn(seed)
    _, gradients, _ = rnn.loss_and_gradients(inputs, targets, h0)
    for name in PARAMETERS:
        numerical = numerical_gradient(lambda _: rnn.loss_and_gradients(inputs, targets, h0)[0], rnn.params[name])
        assert relative_error(gradients[name], numerical) < 1e-7, name


def test_forward_pass_against_a_direct_computation():
    rnn, inputs, targets, h0 = small_rnn()
    p, h, loss = rnn.params, h0, 0.0
    for x, target in zip(inputs, targets):
        h = np.tanh(np.eye(5)[x] @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])  # one-hot row times the matrix
        scores = h @ p["W_hy"] + p["b_y"]
        loss -= scores[target] - np.log(np.sum(np.exp(scores)))
    computed, _, h_last = rnn.loss_and_gradients(inputs, targets, h0)
    assert computed == pytest.approx(loss) and np.allclose(h_last, h)


def test_rnn_forward_keeps_every_state_and_each_prediction():
    rnn, inputs, targets, h0 = small_rnn()
    p, h = rnn.params, h0
    loss, states, probabilities = rnn_forward(p, inputs, targets, h0)
    assert states.shape == (len(inputs) + 1, 4) and probabilities.shape == (len(inputs), 5)
    assert np.array_equal(states[0], h0)
    for t, x in enumerate(inputs):
        h = np.tanh(np.eye(5)[x] @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])
        scores = h @ p["W_hy"] + p["b_y"]
        assert np.allclose(states[t + 1], h)
        assert np.allclose(probabilities[t], np.exp(scores) / np.sum(np.exp(scores)))
    assert loss == pytest.approx(-np.sum(np.log(probabilities[np.arange(len(targets)), targets])))


def test_rnn_step_is_the_step_of_every_forward_pass():
    rnn, inputs, targets, h0 = small_rnn()
    p = rnn.params
    h = rnn_step(inputs[0], h0, p["W_xh"], p["W_hh"], p["b_h"])
    assert np.allclose(h, np.tanh(np.eye(5)[inputs[0]] @ p["W_xh"] + h0 @ p["W_hh"] + p["b_h"]))  # one-hot row times the matrix
    assert np.array_equal(forward_step(p, inputs[0], h0)[0], h) and np.allclose(rnn_forward(p, inputs[:1], targets[:1], h0)[1][1], h)


@pytest.mark.parametrize("seed", [1, 2])
def test_bptt_backward_gives_the_gradient_of_the_initial_state(seed):
    rnn, inputs, targets, h0 = small_rnn(seed)
    _, states, probabilities = rnn_forward(rnn.params, inputs, targets, h0)
    _, dh_prev = bptt_backward(rnn.params, inputs, targets, states, probabilities)
    numerical = numerical_gradient(lambda h: rnn_forward(rnn.params, inputs, targets, h)[0], h0)
    assert relative_error(dh_prev, numerical) < 1e-7


def test_char_rnn_trains_with_the_forward_and_backward_passes_it_is_given():
    calls = []

    def counted_forward(*args):
        calls.append("forward")
        return rnn_forward(*args)

    def counted_backward(*args):
        calls.append("backward")
        return bptt_backward(*args)

    ids = CharVocabulary("abcab" * 20).encode("abcab" * 20)
    default, given = CharRNN(3, 8, seed=0), CharRNN(3, 8, seed=0, forward=counted_forward, backward=counted_backward)
    assert np.array_equal(default.train(ids, iterations=5, window=10), given.train(ids, iterations=5, window=10))
    assert calls == ["forward", "backward"] * 5


def test_mean_loss_reads_the_text_as_the_training_forward_pass_does():
    rnn, inputs, _, _ = small_rnn()
    window_loss, _, _ = rnn.loss_and_gradients(inputs[:-1], inputs[1:], rnn.initial_state())
    assert rnn.mean_loss(inputs) == pytest.approx(window_loss / (len(inputs) - 1))


def test_training_learns_a_repeating_pattern_and_samples_it():
    text = "abcde" * 200
    ids = CharVocabulary(text).encode(text)
    rnn = CharRNN(vocab_size=5, hidden_size=16, seed=0)
    history = rnn.train(ids, iterations=400, window=10)
    assert history[0] > 1.5 and rnn.mean_loss(ids[:200]) < 0.1  # from about ln 5 per character to almost nothing
    assert CharVocabulary(text).decode(rnn.sample(0, 10, temperature=0.5, rng=np.random.default_rng(0))) == "bcdeabcdea"


def test_windows_of_cuts_non_overlapping_windows_and_their_next_characters():
    from utils.from_step06 import windows_of

    inputs, targets = windows_of(np.arange(23), window=5)
    assert inputs.shape == targets.shape == (4, 5)
    assert inputs[1].tolist() == [5, 6, 7, 8, 9] and targets[1].tolist() == [6, 7, 8, 9, 10]
    assert targets[-1, -1] == 20  # the last full window's last target


@pytest.mark.parametrize("layer", ["GRU", "LSTM", "SimpleRNN"])
def test_the_compiled_reader_gives_the_models_own_scores_reading_in_pieces(layer):
    """Generation reads a prompt, then one character at a time, carrying the state: the scores must be the
    model's own at the last position of the whole text, computed by Keras in one call."""
    import keras
    import tensorflow as tf

    from utils.from_step06 import char_language_model, initial_states, next_character_reader

    model = char_language_model(7, getattr(keras.layers, layer), units=5, embedding_size=3, seed=1)
    ids = np.array([[3, 1, 4, 1, 5, 6, 2]])
    whole = model(ids).numpy()[0]  # (time, vocabulary)
    read = next_character_reader(model)
    scores, states = read(ids[:, :4], initial_states(model))
    assert np.allclose(scores.numpy(), whole[3], atol=1e-5)
    for t in range(4, 7):
        scores, states = read(ids[:, t : t + 1], states)
        assert np.allclose(scores.numpy(), whole[t], atol=1e-5), t
    assert len(states) == (2 if layer == "LSTM" else 1) and all(isinstance(s, tf.Tensor) for s in states)


def test_the_language_model_has_the_parameters_the_notebook_states():
    import keras

    from utils.from_step06 import char_language_model

    assert char_language_model(62, seed=0).count_params() == 86_462  # embedding 62 x 64, GRU of 128 units, scores
    assert char_language_model(62, keras.layers.SimpleRNN, units=72, seed=0).count_params() == 62 * 64 + (64 * 72 + 72 * 72 + 72) + 73 * 62
