"""Bad inputs to the modules of steps 5-7 (``utils.conv``, ``layers``, ``text``, ``char_rnn``, ``gated``, ``rbm``,
``attention``, ``transformer``): each refused by name, or, for a run that diverges, warned about. The issue's
examples are here: ``conv2d`` and ``max_pool2d`` given a padding other than "valid" or "same" ("VALID", "SAME",
"bogus", None), negative, zero or fractional strides (pooling's stride 0 no longer silently becomes the window), a
kernel or window larger than the image, and ``conv_backward`` and ``max_pool_backward`` given an upstream gradient
of the wrong shape; ``CharVocabulary.decode`` with -1 or 1.7, ``vectorize`` given a string instead of a list of
sentences, and a GRU converter given an LSTM's weights or a ``reset_after=False`` layer's."""

from __future__ import annotations

import numpy as np

from bad_inputs import Bad, Diverges
from utils import attention, conv, gated, layers, rbm, text, transformer
from utils.char_rnn import CharRNN, bptt_backward, rnn_forward, rnn_step

_rng = np.random.default_rng(2026)
IMAGES = _rng.normal(size=(2, 6, 6, 3))
KERNELS = _rng.normal(size=(3, 3, 3, 4))
SMALL = _rng.normal(size=(1, 3, 3, 1))
UPSTREAM = _rng.normal(size=(2, 4, 4, 4))  # conv2d(IMAGES, KERNELS)'s shape
POOLED = _rng.normal(size=(2, 3, 3, 3))  # max_pool2d(IMAGES, 2)'s shape

ACTIVATIONS = _rng.normal(size=(4, 5))
MASK = _rng.random((4, 5)) > 0.5
ONES, ZEROS = np.ones(5), np.zeros(5)

VOCABULARY = text.CharVocabulary("hello world")  # 8 characters
IDS = VOCABULARY.encode("hello world hello")
RNN = CharRNN(len(VOCABULARY), hidden_size=6, seed=0)
P = RNN.params
WINDOW_IN, WINDOW_OUT, H0 = IDS[:5], IDS[1:6], np.zeros(6)

X_T, H_T, C_T = _rng.normal(size=(2, 3)), _rng.normal(size=(2, 4)), _rng.normal(size=(2, 4))
LSTM_WEIGHTS = _rng.normal(size=(3, 16)), _rng.normal(size=(4, 16)), _rng.normal(size=16)
GRU_WEIGHTS = _rng.normal(size=(3, 12)), _rng.normal(size=(4, 12)), _rng.normal(size=(2, 12))

V0 = (_rng.random((5, 6)) < 0.5).astype(float)
W_RBM, B_RBM, C_RBM = _rng.normal(scale=0.1, size=(6, 4)), np.zeros(6), np.zeros(4)
U_HIDDEN, U_VISIBLE = _rng.random((5, 4)), _rng.random((5, 6))

Q, K, V = _rng.normal(size=(2, 3, 4)), _rng.normal(size=(2, 5, 4)), _rng.normal(size=(2, 5, 6))


def _lstm(**changed):
    arguments = dict(x=X_T, h=H_T, c=C_T, kernel=LSTM_WEIGHTS[0], recurrent_kernel=LSTM_WEIGHTS[1], bias=LSTM_WEIGHTS[2])
    return gated.lstm_step_from_keras(**(arguments | changed))


def _diverging_rnn():
    rnn = CharRNN(len(VOCABULARY), hidden_size=6, seed=0)
    rnn.params["W_hy"][0, 0] = np.nan  # as a NaN from upstream would leave it
    return rnn.train(IDS, iterations=3, window=4)


CASES = [
    # --- utils.conv: padding, strides, windows larger than the image, upstream gradients --------------------------
    Bad("conv2d padding VALID", lambda: conv.conv2d(IMAGES, KERNELS, 1, "VALID"), ValueError, ("padding", "'VALID'", "'valid' or 'same'")),
    Bad("conv2d padding SAME", lambda: conv.conv2d(IMAGES, KERNELS, padding="SAME"), ValueError, ("padding", "'SAME'")),
    Bad("conv2d padding bogus", lambda: conv.conv2d(IMAGES, KERNELS, 1, "bogus"), ValueError, ("padding", "'bogus'")),
    Bad("conv2d padding None", lambda: conv.conv2d(IMAGES, KERNELS, 1, None), ValueError, ("padding", "None")),
    Bad("max_pool2d padding VALID", lambda: conv.max_pool2d(IMAGES, 2, 2, "VALID"), ValueError, ("padding", "'VALID'")),
    Bad("max_pool2d padding SAME", lambda: conv.max_pool2d(IMAGES, padding="SAME"), ValueError, ("padding", "'SAME'")),
    Bad("max_pool2d padding bogus", lambda: conv.max_pool2d(IMAGES, 2, 2, "bogus"), ValueError, ("padding", "'bogus'")),
    Bad("max_pool2d padding None", lambda: conv.max_pool2d(IMAGES, 2, 2, None), ValueError, ("padding", "None")),
    Bad("conv2d stride negative", lambda: conv.conv2d(IMAGES, KERNELS, -1), ValueError, ("stride", "-1", "at least 1")),
    Bad("conv2d stride 0", lambda: conv.conv2d(IMAGES, KERNELS, 0), ValueError, ("stride", "0")),
    Bad("conv2d stride fractional", lambda: conv.conv2d(IMAGES, KERNELS, 1.5), ValueError, ("stride", "1.5", "whole number")),
    Bad("conv2d stride a float 2.0", lambda: conv.conv2d(IMAGES, KERNELS, 2.0), TypeError, ("stride", "2.0", "int")),
    Bad("max_pool2d stride 0", lambda: conv.max_pool2d(IMAGES, 2, 0), ValueError, ("stride", "0", "at least 1")),
    Bad("max_pool2d stride negative", lambda: conv.max_pool2d(IMAGES, 2, -2), ValueError, ("stride", "-2")),
    Bad("max_pool2d stride fractional", lambda: conv.max_pool2d(IMAGES, 2, 0.5), ValueError, ("stride", "0.5")),
    Bad("max_pool2d size 0", lambda: conv.max_pool2d(IMAGES, 0), ValueError, ("size", "0")),
    Bad(
        "conv2d kernel larger than the image",
        lambda: conv.conv2d(SMALL, np.ones((5, 5, 1, 1))),
        ValueError,
        ("kernels", "shape (5, 5, 1, 1)", "larger than the 3 x 3 images", "padding='same'"),
    ),
    Bad("max_pool2d window larger than the image", lambda: conv.max_pool2d(SMALL, 4), ValueError, ("size", "4", "larger than the 3 x 3")),
    Bad(
        "conv2d kernels for other channels",
        lambda: conv.conv2d(IMAGES, np.ones((3, 3, 1, 4))),
        ValueError,
        ("kernels", "shape (3, 3, 1, 4)", "3 channels"),
    ),
    Bad("conv2d x one image without a batch", lambda: conv.conv2d(IMAGES[0], KERNELS), ValueError, ("x", "shape (6, 6, 3)")),
    Bad(
        "conv_forward bias per input channel",
        lambda: conv.conv_forward(IMAGES, KERNELS, np.zeros(3)),
        ValueError,
        ("bias", "4 output channels"),
    ),
    Bad(
        "conv_backward upstream of the wrong shape",
        lambda: conv.conv_backward(IMAGES, KERNELS, UPSTREAM[:, :3]),
        ValueError,
        ("upstream", "shape (2, 3, 4, 4)", "(2, 4, 4, 4)"),
    ),
    Bad(
        "conv_backward upstream for same padding given valid",
        lambda: conv.conv_backward(IMAGES, KERNELS, UPSTREAM, 1, "same"),
        ValueError,
        ("upstream", "shape (2, 4, 4, 4)", "(2, 6, 6, 4)"),
    ),
    Bad(
        "max_pool_backward upstream of the wrong shape",
        lambda: conv.max_pool_backward(IMAGES, POOLED[:, :2], 2),
        ValueError,
        ("upstream", "shape (2, 2, 3, 3)", "(2, 3, 3, 3)"),
    ),
    Bad("max_pool_backward stride 0", lambda: conv.max_pool_backward(IMAGES, POOLED, 2, 0), ValueError, ("stride", "0")),
    Bad("output_size padding VALID", lambda: conv.output_size(28, 5, 1, "VALID"), ValueError, ("padding", "'VALID'")),
    Bad("output_size kernel larger than the axis", lambda: conv.output_size(3, 5), ValueError, ("k", "5", "n=3")),
    Bad("pad stride 0", lambda: conv.pad(IMAGES, 2, 2, 0, "same"), ValueError, ("stride", "0")),
    Bad("receptive_field stride 0", lambda: conv.receptive_field([(5, 1), (2, 0)]), ValueError, ("layers[1]'s stride", "0")),
    Bad("conv_parameters kernel 0", lambda: conv.conv_parameters(0, 3, 1, 8), ValueError, ("kernel_height", "0")),
    Bad(
        "learn_kernel negative learning rate",
        lambda: conv.learn_kernel(np.ones((5, 5)), np.ones((3, 3)), 3, -0.1, np.zeros((3, 3))),
        ValueError,
        ("learning_rate", "-0.1"),
    ),
    Bad(
        "learn_kernel target of the wrong shape",
        lambda: conv.learn_kernel(np.ones((5, 5)), np.ones((5, 5)), 3, 0.1, np.zeros((3, 3))),
        ValueError,
        ("target", "shape (5, 5)", "(3, 3)"),
    ),
    # --- utils.layers: dropout and batch normalisation -----------------------------------------------------------
    Bad("dropout_forward rate 1", lambda: layers.dropout_forward(ACTIVATIONS, MASK, 1.0, True), ValueError, ("rate", "1.0", "below 1")),
    Bad("dropout_forward rate negative", lambda: layers.dropout_forward(ACTIVATIONS, MASK, -0.2, True), ValueError, ("rate", "-0.2")),
    Bad(
        "dropout_forward mask of another shape",
        lambda: layers.dropout_forward(ACTIVATIONS, MASK[:, :1], 0.5, True),
        ValueError,
        ("mask", "shape (4, 1)", "(4, 5)"),
    ),
    Bad(
        "dropout_backward mask of another shape",
        lambda: layers.dropout_backward(ACTIVATIONS, MASK.T, 0.5, True),
        ValueError,
        ("mask", "shape (5, 4)", "(4, 5)"),
    ),
    Bad("dropout_backward rate 1.5", lambda: layers.dropout_backward(ACTIVATIONS, MASK, 1.5, True), ValueError, ("rate", "1.5")),
    Bad(
        "batchnorm_forward momentum above 1",
        lambda: layers.batchnorm_forward(ACTIVATIONS, ONES, ZEROS, ZEROS, ONES, 1.2),
        ValueError,
        ("momentum", "1.2", "at most 1"),
    ),
    Bad(
        "batchnorm_forward momentum negative",
        lambda: layers.batchnorm_forward(ACTIVATIONS, ONES, ZEROS, ZEROS, ONES, momentum=-0.1),
        ValueError,
        ("momentum", "-0.1"),
    ),
    Bad(
        "batchnorm_forward epsilon 0",
        lambda: layers.batchnorm_forward(ACTIVATIONS, ONES, ZEROS, ZEROS, ONES, 0.99, 0.0),
        ValueError,
        ("epsilon", "0.0", "above 0"),
    ),
    Bad(
        "batchnorm_forward gamma for other features",
        lambda: layers.batchnorm_forward(ACTIVATIONS, np.ones(4), ZEROS, ZEROS, ONES),
        ValueError,
        ("gamma", "[1., 1., 1., 1.]", "5 features"),
    ),
    Bad(
        "batchnorm_forward beta for other features",
        lambda: layers.batchnorm_forward(ACTIVATIONS, ONES, np.zeros(6), ZEROS, ONES),
        ValueError,
        ("beta", "shape (6,)", "5 features"),
    ),
    Bad(
        "batchnorm_backward upstream of another shape",
        lambda: layers.batchnorm_backward(ACTIVATIONS[:3], ACTIVATIONS, ONES),
        ValueError,
        ("upstream", "shape (3, 5)", "(4, 5)"),
    ),
    Bad(
        "batchnorm_backward epsilon negative",
        lambda: layers.batchnorm_backward(ACTIVATIONS, ACTIVATIONS, ONES, -1e-3),
        ValueError,
        ("epsilon", "-0.001"),
    ),
    # --- utils.text: vocabularies, sampling, vectorising -----------------------------------------------------------
    Bad("CharVocabulary.decode id -1", lambda: VOCABULARY.decode([3, -1]), ValueError, ("ids", "[3, -1]", "-1", "from 0 to 7")),
    Bad("CharVocabulary.decode id 1.7", lambda: VOCABULARY.decode([1.7]), ValueError, ("ids", "[1.7]", "fractions")),
    Bad("CharVocabulary.decode id past the end", lambda: VOCABULARY.decode(np.array([2, 8])), ValueError, ("ids", "[2, 8]", "from 0 to 7")),
    Bad("CharVocabulary.encode a list", lambda: VOCABULARY.encode(["hello"]), TypeError, ("text", "['hello']")),
    Bad("CharVocabulary text None", lambda: text.CharVocabulary(None), TypeError, ("text", "None")),
    Bad("vectorize a string", lambda: text.vectorize("a good film", ["", "[UNK]", "good"], 4), TypeError, ("sentences", "'a good film'")),
    Bad("vectorize length 0", lambda: text.vectorize(["a good film"], ["", "[UNK]", "good"], 0), ValueError, ("length", "0")),
    Bad("build_vocabulary a string", lambda: text.build_vocabulary("a good film"), TypeError, ("sentences", "'a good film'")),
    Bad("build_vocabulary max_words 1", lambda: text.build_vocabulary(["a good film"], max_words=1), ValueError, ("max_words", "1")),
    Bad("softmax temperature 0", lambda: text.softmax([1.0, 2.0], 0), ValueError, ("temperature", "0")),
    Bad(
        "sample_with_temperature temperature negative",
        lambda: text.sample_with_temperature(np.array([1.0, 2.0]), -1.0, np.random.default_rng(0)),
        ValueError,
        ("temperature", "-1.0"),
    ),
    Bad(
        "sample_with_temperature rng a seed",
        lambda: text.sample_with_temperature(np.array([1.0, 2.0]), 1.0, 0),
        TypeError,
        ("rng", "0", "default_rng"),
    ),
    Bad("max_over_time one sentence", lambda: text.max_over_time(np.ones((7, 3))), ValueError, ("feature_maps", "shape (7, 3)")),
    # --- utils.char_rnn: ids, windows, temperatures, learning rates -------------------------------------------------
    Bad(
        "rnn_step id past the vocabulary", lambda: rnn_step(8, H0, P["W_xh"], P["W_hh"], P["b_h"]), ValueError, ("x_id", "8", "from 0 to 7")
    ),
    Bad("rnn_step id -1", lambda: rnn_step(-1, H0, P["W_xh"], P["W_hh"], P["b_h"]), ValueError, ("x_id", "-1")),
    Bad("rnn_step id a float", lambda: rnn_step(1.0, H0, P["W_xh"], P["W_hh"], P["b_h"]), TypeError, ("x_id", "1.0")),
    Bad(
        "rnn_forward targets too short", lambda: rnn_forward(P, WINDOW_IN, WINDOW_OUT[:3], H0), ValueError, ("targets", "3 ids", "5 inputs")
    ),
    Bad("rnn_forward an empty window", lambda: rnn_forward(P, IDS[:0], IDS[:0], H0), ValueError, ("inputs", "empty")),
    Bad("rnn_forward id past the vocabulary", lambda: rnn_forward(P, np.array([1, 9]), np.array([2, 3]), H0), ValueError, ("inputs", "9")),
    Bad("rnn_forward state of another size", lambda: rnn_forward(P, WINDOW_IN, WINDOW_OUT, np.zeros(4)), ValueError, ("h_prev", "(6,)")),
    Bad(
        "bptt_backward states of another window",
        lambda: bptt_backward(P, WINDOW_IN, WINDOW_OUT, np.zeros((4, 6)), np.full((5, 8), 1 / 8)),
        ValueError,
        ("states", "shape (4, 6)", "(6, 6)"),
    ),
    Bad("CharRNN.train window 0", lambda: RNN.train(IDS, iterations=2, window=0), ValueError, ("window", "0")),
    Bad("CharRNN.train window negative", lambda: RNN.train(IDS, iterations=2, window=-5), ValueError, ("window", "-5")),
    Bad(
        "CharRNN.train window as long as the text", lambda: RNN.train(IDS, iterations=2, window=17), ValueError, ("window", "17", "17 ids")
    ),
    Bad("CharRNN.train negative learning rate", lambda: RNN.train(IDS, 2, 4, learning_rate=-0.1), ValueError, ("learning_rate", "-0.1")),
    Bad("CharRNN.train ids out of range", lambda: RNN.train(np.array([0, 1, 8, 2, 3]), 1, 2), ValueError, ("ids", "8", "from 0 to 7")),
    Bad("CharRNN.sample temperature 0", lambda: RNN.sample(0, 5, temperature=0.0), ValueError, ("temperature", "0.0", "above 0")),
    Bad("CharRNN.sample length 0", lambda: RNN.sample(0, 0), ValueError, ("length", "0")),
    Bad("CharRNN.sample seed_id out of range", lambda: RNN.sample(8, 5), ValueError, ("seed_id", "8")),
    Bad("CharRNN.mean_loss one id", lambda: RNN.mean_loss(IDS[:1]), ValueError, ("ids", "1 ids")),
    Bad("CharRNN hidden_size 0", lambda: CharRNN(8, hidden_size=0), ValueError, ("hidden_size", "0")),
    Diverges("CharRNN.train NaN in a weight", _diverging_rnn, where="step 1"),
    # --- utils.gated: weights of the wrong shapes, the wrong layer's weights -----------------------------------------
    Bad("lstm_step kernel of a GRU", lambda: _lstm(kernel=GRU_WEIGHTS[0]), ValueError, ("kernel", "shape (3, 12)", "(3, 16)")),
    Bad(
        "lstm_step recurrent kernel transposed",
        lambda: _lstm(recurrent_kernel=LSTM_WEIGHTS[1].T),
        ValueError,
        ("recurrent_kernel", "(4, 16)"),
    ),
    Bad("lstm_step bias too short", lambda: _lstm(bias=np.zeros(12)), ValueError, ("bias", "shape (12,)", "(16,)")),
    Bad("lstm_step c of another batch", lambda: _lstm(c=C_T[:1]), ValueError, ("c", "shape (1, 4)", "(2, 4)")),
    Bad("lstm_step x one example without a batch", lambda: _lstm(x=X_T[0]), ValueError, ("x", "1 dimension")),
    Bad(
        "lstm_step_backward dh of another shape",
        lambda: gated.lstm_step_backward(H_T[:, :3], C_T, X_T, H_T, C_T, *LSTM_WEIGHTS),
        ValueError,
        ("dh", "shape (2, 3)", "(2, 4)"),
    ),
    Bad(
        "olah_gru_step LSTM weights",
        lambda: gated.olah_gru_step_from_keras(X_T, H_T, *LSTM_WEIGHTS),
        ValueError,
        ("kernel", "shape (3, 16)", "(3, 12)"),
    ),
    Bad(
        "gru_from_keras LSTM weights",
        lambda: gated.gru_from_keras(*LSTM_WEIGHTS[:2], np.zeros((2, 16))),
        ValueError,
        ("recurrent_kernel", "shape (4, 16)", "LSTM"),
    ),
    Bad(
        "gru_from_keras a reset_after=False bias",
        lambda: gated.gru_from_keras(*GRU_WEIGHTS[:2], np.zeros(12)),
        ValueError,
        ("bias", "shape (12,)", "reset_after=True"),
    ),
    Bad("gru_step p not a dict", lambda: gated.gru_step(X_T, H_T, list(GRU_WEIGHTS)), TypeError, ("p", "gru_from_keras")),
    # --- utils.rbm: learning rates, data outside [0, 1], shapes ------------------------------------------------------
    Bad(
        "cd1_update negative learning rate",
        lambda: rbm.cd1_update(V0, W_RBM, B_RBM, C_RBM, U_HIDDEN, U_VISIBLE, -0.1),
        ValueError,
        ("learning_rate", "-0.1"),
    ),
    Bad(
        "cd1_update data outside 0 and 1",
        lambda: rbm.cd1_update(255 * V0, W_RBM, B_RBM, C_RBM, U_HIDDEN, U_VISIBLE, 0.1),
        ValueError,
        ("v0", "shape (5, 6)", "from 0 to 255"),
    ),
    Bad(
        "cd1_update uniform numbers for other units",
        lambda: rbm.cd1_update(V0, W_RBM, B_RBM, C_RBM, U_VISIBLE, U_VISIBLE, 0.1),
        ValueError,
        ("uniform_hidden", "shape (5, 6)", "(5, 4)"),
    ),
    Bad(
        "pcd_gradients chains of another width",
        lambda: rbm.pcd_gradients(V0, W_RBM, B_RBM, C_RBM, V0[:, :4], U_HIDDEN, U_VISIBLE),
        ValueError,
        ("chains", "shape (5, 4)", "(5, 6)"),
    ),
    Bad("free_energy b of the hidden units", lambda: rbm.free_energy(V0, W_RBM, C_RBM, C_RBM), ValueError, ("b", "(6,)")),
    Bad("RBM.train_epoch negative learning rate", lambda: rbm.RBM(6, 4).train_epoch(V0, 2, -0.1), ValueError, ("learning_rate", "-0.1")),
    Bad("RBM.train_epoch batch_size 0", lambda: rbm.RBM(6, 4).train_epoch(V0, batch_size=0), ValueError, ("batch_size", "0")),
    Bad("RBM.train_epoch pixel values", lambda: rbm.RBM(6, 4).train_epoch(255 * V0), ValueError, ("data", "from 0 to 255")),
    Bad("RBM.train_epoch data of another width", lambda: rbm.RBM(7, 4).train_epoch(V0), ValueError, ("data", "6 columns", "7 visible")),
    Bad(
        "RBM.train_epoch_persistent data with NaN",
        lambda: rbm.RBM(6, 4).train_epoch_persistent(np.where(V0 > 0, np.nan, 0.0)),
        ValueError,
        ("data", "nan"),
    ),
    Bad("RBM.gibbs_chain step 0", lambda: rbm.RBM(6, 4).gibbs_chain(V0, [0, 10]), ValueError, ("record_at[0]", "0")),
    # --- utils.attention: widths, masks ------------------------------------------------------------------------------
    Bad(
        "scaled_dot_product_attention keys of another width",
        lambda: attention.scaled_dot_product_attention(Q, K[..., :3], V),
        ValueError,
        ("k", "shape (2, 5, 3)", "width 3", "queries' 4"),
    ),
    Bad(
        "scaled_dot_product_attention fewer values than keys",
        lambda: attention.scaled_dot_product_attention(Q, K, V[:, :4]),
        ValueError,
        ("v", "shape (2, 4, 6)", "5 keys"),
    ),
    Bad(
        "scaled_dot_product_attention mask keys by queries",
        lambda: attention.scaled_dot_product_attention(Q, K, V, np.ones((2, 5, 3), bool)),
        ValueError,
        ("mask", "shape (2, 5, 3)", "(2, 3, 5)"),
    ),
    Bad(
        "scaled_dot_product_attention mask broadcasting to more",
        lambda: attention.scaled_dot_product_attention(Q, K, V, np.ones((4, 1, 3, 5), bool)),
        ValueError,
        ("mask", "shape (4, 1, 3, 5)"),
    ),
    Bad(
        "multi_head_attention weights not a layer's",
        lambda: attention.multi_head_attention(Q, K, [np.ones((4, 2, 3))]),
        ValueError,
        ("weights", "get_weights()"),
    ),
    Bad(
        "transformer_block mask of another length",
        lambda: attention.transformer_block(Q, {"norm1": 0, "norm2": 0, "attention": 0, "feed_forward": 0}, np.ones((1, 4, 4), bool)),
        ValueError,
        ("mask", "shape (1, 4, 4)", "(2, 3, 3)"),
    ),
    Bad("transformer_block epsilon 0", lambda: attention.transformer_block(Q, {}, None, 0.0), ValueError, ("epsilon", "0.0")),
    Bad("causal_mask 0 queries", lambda: attention.causal_mask(0), ValueError, ("n_queries", "0")),
    # --- utils.transformer -------------------------------------------------------------------------------------------
    Bad("character_windows window 0", lambda: transformer.character_windows(IDS, 0), ValueError, ("window", "0")),
    Bad("character_windows window too long", lambda: transformer.character_windows(IDS, 17), ValueError, ("window", "17", "17 ids")),
]
