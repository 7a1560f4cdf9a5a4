"""Step 7's attention section: the NumPy attention, multi-head attention and transformer block
(``utils.attention``) against TensorFlow's arithmetic and Keras' layers, what their labs' references are
(``utils/exercises/step07.py``), and the framework side (``utils.transformer``): the block of Keras layers, the
language models compared on equal terms, their training, sampling and attention maps."""

import keras
import numpy as np
import pytest

from utils.attention import causal_mask, multi_head_attention, scaled_dot_product_attention, transformer_block
from utils.exercises import EXERCISES
from utils.exercises.step07 import keras_attention, keras_multi_head_attention, tensorflow_attention
from utils.profiles import PROFILES
from utils.training import start_again
from utils.transformer import (
    TransformerBlock,
    attention_maps,
    character_windows,
    generate,
    gru_language_model,
    keras_transformer_block,
    mask_arguments,
    perplexity,
    train_steps,
    transformer_language_model,
)

ATTENTION_CASES = EXERCISES["scaled_dot_product_attention"].cases


@pytest.mark.parametrize("case", ATTENTION_CASES, ids=lambda c: c.label)
def test_attention_equals_tensorflows_arithmetic_and_keras_on_every_case_of_the_lab(case):
    output, weights = scaled_dot_product_attention(*case.args)
    tf_output, tf_weights = tensorflow_attention(*case.args)
    np.testing.assert_allclose(output, tf_output, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights, tf_weights, rtol=1e-10, atol=1e-12)
    keras_output, keras_weights = keras_attention(*case.args)  # the lab's reference: Keras' layer, in float32
    np.testing.assert_allclose(keras_output, tf_output, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(keras_weights, tf_weights, rtol=1e-4, atol=1e-5)


def test_attention_equals_keras_ops_dot_product_attention():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 7, 4)), rng.normal(size=(2, 7, 3))
    mask = rng.random((2, 5, 7)) < 0.7
    mask[..., 0] = True
    # keras.ops.dot_product_attention takes (batch, positions, heads, features) and a mask (batch, heads, n_q, n_k)
    theirs = keras.ops.dot_product_attention(*(a[:, :, None].astype("float32") for a in (q, k, v)), mask=mask[:, None])
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v, mask)[0], np.asarray(theirs)[:, :, 0], rtol=1e-5, atol=1e-6)


def test_weights_are_distributions_over_the_visible_keys_and_a_causal_output_ignores_the_future():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 6, 4))
    output, weights = scaled_dot_product_attention(x, x, x, causal_mask(6)[None])
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    assert np.all(weights[:, ~causal_mask(6)] == 0)
    later = x.copy()
    later[:, 4:] += 5.0  # change positions 4 and 5 only
    np.testing.assert_array_equal(scaled_dot_product_attention(later, later, later, causal_mask(6)[None])[0][:, :4], output[:, :4])
    # one key: all the weight on it, and the output is its value
    single, single_weights = scaled_dot_product_attention(x[:, :2], x[:, :1], x[:, :1] * 2)
    np.testing.assert_array_equal(single_weights, 1.0)
    np.testing.assert_allclose(single, np.repeat(x[:, :1] * 2, 2, axis=1))


def test_causal_mask_is_kerass():
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert mask_arguments(np.broadcast_to(causal_mask(4), (2, 4, 4))) == {"use_causal_mask": True}
    assert mask_arguments(None) == {}
    padding = np.ones((2, 4, 4), dtype=bool)
    padding[0, :, 3] = False
    assert set(mask_arguments(padding)) == {"attention_mask"}


@pytest.mark.parametrize(("heads", "key_dim", "value_dim", "causal"), [(4, 5, 5, True), (2, 3, 7, False), (1, 16, 16, True)])
def test_multi_head_attention_equals_a_fresh_keras_layer(heads, key_dim, value_dim, causal):
    rng = np.random.default_rng(heads)
    keras.utils.set_random_seed(heads)
    layer = keras.layers.MultiHeadAttention(heads, key_dim, value_dim=value_dim)
    x = rng.normal(size=(3, 9, 12)).astype("float32")
    layer(x, x)
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
    theirs = layer(x, x, use_causal_mask=causal).numpy()
    ours = multi_head_attention(x.astype(float), x.astype(float), layer.get_weights(), causal_mask(9)[None] if causal else None)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", EXERCISES["multi_head_attention"].cases, ids=lambda c: c.label)
def test_multi_head_attention_equals_the_labs_keras_reference(case):
    np.testing.assert_allclose(multi_head_attention(*case.args), keras_multi_head_attention(*case.args), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", EXERCISES["transformer_block"].cases, ids=lambda c: c.label)
def test_transformer_block_equals_the_block_of_keras_layers(case):
    np.testing.assert_allclose(transformer_block(*case.args), keras_transformer_block(*case.args), rtol=1e-4, atol=1e-4)


def test_the_language_models_block_is_the_labs_block_and_its_weights_go_both_ways():
    model = transformer_language_model(62, seed=0, window=20, width=12, num_heads=3, key_dim=4, hidden=24, blocks=1)
    block = model.get_layer("block1")
    rng = np.random.default_rng(2)
    params = {
        name: tuple(rng.normal(scale=0.4, size=np.shape(w)).astype("float32") for w in value) for name, value in block.params().items()
    }
    block.set_params(params)
    assert all(np.array_equal(a, b) for name in params for a, b in zip(params[name], block.params()[name]))
    x = rng.normal(loc=0.5, size=(2, 7, 12)).astype("float32")
    ours = transformer_block(x.astype(float), block.params(), causal_mask(7)[None])
    np.testing.assert_allclose(ours, block(x, use_causal_mask=True).numpy(), rtol=1e-4, atol=1e-4)


def test_without_positions_attention_cannot_tell_anagrams_apart():
    rng = np.random.default_rng(3)
    vectors, positions = rng.normal(size=(4, 8)), rng.normal(size=(4, 8))
    weights = [rng.normal(scale=0.5, size=shape) for shape in [(8, 2, 3), (2, 3), (8, 2, 3), (2, 3), (8, 2, 3), (2, 3), (2, 3, 8), (8,)]]
    order = [2, 0, 3, 1]
    x, shuffled = vectors[None], vectors[order][None]
    # no mask: the outputs are shuffled as the inputs are
    np.testing.assert_allclose(multi_head_attention(shuffled, shuffled, weights)[0], multi_head_attention(x, x, weights)[0][order])
    # a causal mask: the last position sees the same set, so it gets the same vector...
    mask = causal_mask(4)[None]
    order = [1, 2, 0, 3]  # the same last letter
    np.testing.assert_allclose(
        multi_head_attention(vectors[order][None], vectors[order][None], weights, mask)[0, -1],
        multi_head_attention(x, x, weights, mask)[0, -1],
    )
    # ... until each position adds its own vector
    a, b = x + positions, vectors[order][None] + positions
    assert np.abs(multi_head_attention(a, a, weights, mask)[0, -1] - multi_head_attention(b, b, weights, mask)[0, -1]).max() > 0.1


def test_character_windows_are_step_6s():
    inputs, targets = character_windows(np.arange(25), window=4)
    assert inputs.shape == targets.shape == (6, 4)
    assert inputs[1].tolist() == [4, 5, 6, 7] and targets[1].tolist() == [5, 6, 7, 8]


def test_the_two_language_models_have_about_the_same_size():
    gru, transformer = gru_language_model(62, seed=0), transformer_language_model(62, seed=0)
    assert gru.count_params() == 267_198  # notebook 06's model: Embedding(64), GRU(256), Dense(62)
    assert transformer.count_params() == 265_262  # the docstring's figure
    assert abs(transformer.count_params() / gru.count_params() - 1) < 0.1
    ids = np.random.default_rng(0).integers(0, 62, size=(2, 100))
    for model in (gru, transformer):
        scores = model(ids).numpy()
        assert scores.shape == (2, 100, 62)
        later = ids.copy()
        later[:, 60:] = (later[:, 60:] + 1) % 62  # a causal model's scores up to position 59 ignore what follows
        np.testing.assert_allclose(model(later).numpy()[:, :60], scores[:, :60], rtol=1e-5, atol=1e-5)
    # the transformer starts from about the loss of guessing: ln 62
    losses = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(ids, transformer(ids))
    assert abs(float(losses) - np.log(62)) < 0.1


def _tiny(seed):
    return transformer_language_model(10, seed, window=8, width=8, num_heads=2, key_dim=4, hidden=16, blocks=1)


def test_training_is_a_fixed_number_of_steps_and_starting_again_is_a_fresh_model():
    rng = np.random.default_rng(4)
    inputs, targets = character_windows(rng.integers(0, 10, size=801), window=8)  # 100 windows
    fresh_losses = train_steps(_tiny(1), inputs, targets, steps=3, seed=1, batch_size=64)[1]
    assert len(fresh_losses) == 3
    start = _tiny(1)
    reused = _tiny(0)
    train_steps(reused, inputs, targets, steps=2, seed=0, batch_size=64)
    seconds, again = train_steps(start_again(reused, start), inputs, targets, steps=3, seed=1, batch_size=64)
    assert seconds >= 0
    np.testing.assert_allclose(again, fresh_losses, rtol=1e-6)  # each loss is that batch's, and the optimizer started afresh
    assert int(reused.optimizer.iterations.numpy()) == 3
    assert 1 < perplexity(reused, inputs, targets) < 20


def test_generate_and_the_attention_maps():
    class Letters:
        def encode(self, text):
            return np.array([ord(c) - ord("a") for c in text])

        def decode(self, ids):
            return "".join(chr(ord("a") + int(i)) for i in ids)

    model = _tiny(0)
    text = generate(model, Letters(), "abc", length=12, temperature=1.0, seed=0, window=8)
    assert len(text) == 12 and set(text) <= set("abcdefghij")
    assert text == generate(model, Letters(), "abc", length=12, temperature=1.0, seed=0, window=8)
    maps = attention_maps(model, np.arange(6))
    assert maps.shape == (1, 2, 6, 6)
    np.testing.assert_allclose(maps.sum(axis=-1), 1.0, rtol=1e-5)
    assert np.all(maps[..., ~causal_mask(6)] == 0)


def test_a_keras_reference_block_draws_nothing_from_the_random_generators():
    import random

    import tensorflow as tf
    from keras.src.random.seed_generator import global_seed_generator

    def draws():
        return random.random(), np.random.random(), tf.random.uniform((2,)).numpy(), global_seed_generator().state.numpy()

    keras.utils.set_random_seed(5)
    expected = draws()
    keras.utils.set_random_seed(5)
    TransformerBlock(2, 3, 8, kernel_initializer="zeros", seed=0).build((None, None, 6))
    for got, wanted in zip(draws(), expected):
        np.testing.assert_array_equal(got, wanted)


def test_the_profiles_give_both_models_a_budget_in_steps():
    for profile in PROFILES.values():
        assert profile.step07_attention_seeds >= (2 if profile.name == "smoke" else 3)
        assert profile.step07_attention_gru_steps > 1 and profile.step07_attention_transformer_steps > 1
