"""The labs of step 7 (``notebooks/07_further_topics.ipynb``).

The solutions are the course's own functions in ``utils.gated`` (sections 1 and 3), ``utils.generative`` (sections
4 and 5, named by path: listing the labs imports no TensorFlow) and ``utils.rbm`` (section 6); each typical
mistake is an edit of one. The independent references: Keras' LSTM and GRU(reset_after=False) layers given the
same weights; tf.GradientTape through keras.layers.LSTMCell given the same weights, for the LSTM step's backward
pass; the VAE loss written with other TensorFlow operations; for the GAN step, the course's step run on the same
fresh networks; for CD-1, the update written out element by element with loops.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from utils.exercises.core import Case, FunctionExercise, LazyModule, conform, edit, first_difference
from utils.gated import lstm_step_backward, lstm_step_from_keras, olah_gru_step_from_keras
from utils.rbm import cd1_update

tf, keras = LazyModule("tensorflow"), LazyModule("keras")


def _float32(*arrays) -> tuple:
    """The same numbers, rounded to float32 and back, so that Keras (float32) sees exactly them."""
    return tuple(np.asarray(a, dtype=np.float32).astype(float) for a in arrays)


def _cases(seed: int, draw: Callable, *rows: tuple | Case) -> Callable[[], list[Case]]:
    """The cases, built on first use from one random generator: a row (sizes..., label) gives the arguments ``draw(rng, *row)``."""

    def build() -> list[Case]:
        rng = np.random.default_rng(seed)
        return [row if isinstance(row, Case) else Case(draw(rng, *row), row[-1]) for row in rows]

    return build


# --- Labs: one LSTM step, and a GRU step in Olah's convention, from Keras' weights (section 1) ------

_KERAS_LAYERS: dict = {}


def keras_step(x: np.ndarray, h: np.ndarray, *rest: np.ndarray) -> Any:
    """The independent reference of section 1: one step of keras.layers.LSTM from (h, c), or of keras.layers.GRU(reset_after=False)
    from h, with the weights (kernel, recurrent_kernel, bias) that follow. Each layer is built once for its sizes, with zero
    initialisers and a fixed seed, so that building it draws nothing from the notebook's random generators."""
    states, kind = (h, *rest[:-3]), "lstm" if len(rest) == 4 else "gru"
    key = (kind, x.shape[-1], h.shape[-1])
    if key not in _KERAS_LAYERS:
        options = dict(return_state=True, seed=0, kernel_initializer="zeros", recurrent_initializer="zeros", bias_initializer="zeros")
        layer = keras.layers.LSTM(key[2], **options) if kind == "lstm" else keras.layers.GRU(key[2], reset_after=False, **options)
        layer(np.zeros((1, 1, key[1]), dtype="float32"))
        _KERAS_LAYERS[key] = layer
    _KERAS_LAYERS[key].set_weights([np.asarray(w, dtype="float32") for w in rest[-3:]])
    _, *new = _KERAS_LAYERS[key](np.asarray(x, "float32")[:, None, :], initial_state=[np.asarray(s, "float32") for s in states])
    return tuple(s.numpy().astype(float) for s in new) if kind == "lstm" else new[0].numpy().astype(float)


def _lstm_arguments(rng: np.random.Generator, batch: int, inputs: int, units: int, label: str) -> tuple:
    weights = rng.normal(scale=0.7, size=(inputs, 4 * units)), rng.normal(scale=0.7, size=(units, 4 * units)), rng.normal(size=4 * units)
    return _float32(rng.normal(size=(batch, inputs)), rng.uniform(-1, 1, size=(batch, units)), rng.normal(size=(batch, units)), *weights)


def _gru_arguments(rng: np.random.Generator, batch: int, time: int, inputs: int, units: int, label: str) -> tuple:
    sequence, h = rng.normal(size=(batch, time, inputs)), rng.uniform(-1, 1, size=(batch, units))
    kernels = rng.normal(scale=0.8, size=(inputs, 3 * units)), rng.normal(scale=0.8, size=(units, 3 * units))
    return _float32(sequence, h, *kernels, rng.normal(size=3 * units))


def _along_the_sequence(step: Callable) -> Callable:
    """Run a GRU step along each sequence from its initial state: the hidden state after every step,
    (batch, time, units). A step that returns something else stops the run, and that is compared."""

    def run(sequence, h, kernel, recurrent_kernel, bias):
        states = []
        for t in range(sequence.shape[1]):
            new = step(sequence[:, t], h.copy(), kernel, recurrent_kernel, bias)  # a copy: the states stored stay as they were
            if new is None or isinstance(new, (str, bytes)) or np.shape(new) != h.shape:
                return new
            states.append(h := np.array(new, dtype=float))
        return np.stack(states, axis=1)

    return run


LSTM_STEP = FunctionExercise(
    name="lstm_step",
    title="One LSTM step from Keras' weights",
    idea="All four gates read the same x_t and h_{t-1}, so one product gives all their pre-activations at once; Keras keeps them side by "
    "side, a block of `units` columns per gate in the order i, f, C̃, o. Then Olah's equations: σ for the three gates, tanh for the "
    "candidate, the new cell state, and the hidden state from the cell.",
    structure="The pre-activations of all four gates: x times kernel, plus h times recurrent_kernel, plus bias, shape (batch, 4 units), "
    "where units is the width of h. Cut its columns into four blocks of `units`, in the order i, f, C̃, o. σ of the i, f and o blocks, "
    "tanh of the C̃ block. Then C_t = f ⊙ C_{t-1} + i ⊙ C̃ and h_t = o ⊙ tanh(C_t); return the pair (h_t, C_t).",
    solution=lstm_step_from_keras,
    stub="my_lstm_step",
    reference=keras_step,
    reference_name="keras.layers.LSTM given the same weights",
    cases=_cases(
        71,
        _lstm_arguments,
        (4, 3, 5, "a batch of 4, 3 inputs, 5 units"),
        (1, 2, 3, "a batch of 1"),
        (3, 4, 4, "as many inputs as units"),
        (2, 6, 1, "a single unit, 6 inputs"),
    ),
    names=("h", "c"),
    rtol=1e-5,
    atol=1e-6,
    mistakes=[
        edit(
            "i = sigmoid(gates[:, :units])  # input gate",
            "f = sigmoid(gates[:, :units])  # forget gate",
            "The input and forget gates are swapped: Keras' blocks of columns are i, f, C̃, o, so the first block is the input gate and the "
            "second the forget gate (and f_t multiplies the old cell state C_{t-1}, i_t the candidate).",
            ("f = sigmoid(gates[:, units : 2 * units])  # forget gate", "i = sigmoid(gates[:, units : 2 * units])  # input gate"),
        ),
        edit(
            "return o * np.tanh(c), c",
            "return o * c, c",
            "The hidden state shows the cell state as it is: the output gate multiplies tanh(C_t), which keeps h between -1 and 1.",
        ),
        edit(
            "    c = f * c + i * c_tilde",
            "    c_new = f * c + i * c_tilde",
            "The hidden state is made from the old cell state: h_t = o_t ⊙ tanh(C_t) uses the cell state just computed.",
            ("return o * np.tanh(c), c", "return o * np.tanh(c), c_new"),
        ),
        edit(
            "c_tilde = np.tanh(",
            "c_tilde = sigmoid(",
            "The candidate goes through σ: the gates use σ (between 0 and 1), the candidate values tanh (between -1 and 1), so that they "
            "can lower the cell state too.",
        ),
    ],
    shape_hint="Return (h, c), both (batch, units): the gates' pre-activations are (batch, 4 units), one block of `units` columns "
    "per gate.",
)

GRU_OLAH = FunctionExercise(
    name="gru_olah",
    title="A GRU step in Olah's convention, from Keras' weights",
    idea="Cut Keras' weights into the three gates (its order is z, r, h̃). Keras' update-gate block gives the share of the old state to "
    "keep, Olah's z the share of the candidate to write: one is 1 minus the other. The reset gate scales the old state before it is "
    "multiplied by the candidate's recurrent weights.",
    structure="Cut the columns of kernel, recurrent_kernel and bias into three blocks of `units` (the width of h): z, r, h̃. Keras' z "
    "block gives σ(x W_z + h U_z + b_z), the share of h that is kept; Olah's z is 1 minus that. r = σ(x W_r + h U_r + b_r). The "
    "candidate is tanh(x W_h + (r ⊙ h) U_h + b_h): the reset scales h before its product. The new state is (1 - z) ⊙ h + z ⊙ h̃, "
    "shape (batch, units).",
    solution=olah_gru_step_from_keras,
    stub="my_gru_step",
    reference=keras_step,
    reference_name="keras.layers.GRU(reset_after=False) given the same weights, run along each sequence",
    cases=_cases(
        72,
        _gru_arguments,
        (3, 4, 2, 5, "3 sequences of 4 steps, 2 inputs, 5 units"),
        (1, 3, 4, 2, "a batch of 1"),
        (2, 1, 3, 3, "a single step"),
        (2, 6, 1, 4, "one input, 6 steps"),
    ),
    adapter=_along_the_sequence,
    rtol=1e-5,
    atol=1e-6,
    mistakes=[
        edit(
            "z = 1 - sigmoid(",
            "z = sigmoid(",
            "The update gate is Keras', not Olah's: Keras' z is the share of the old state that is kept, Olah's z the share of the "
            "candidate that is written, so one is 1 minus the other.",
        ),
        edit(
            "(r * h) @ U_h",
            "r * (h @ U_h)",
            "The reset gate is applied after the product with the recurrent weights (that is Keras' reset_after=True form): here it "
            "scales h_{t-1} before the product.",
        ),
        edit(
            "W_z, W_r, W_h =",
            "W_r, W_z, W_h =",
            "The update and reset gates are swapped: Keras' blocks of columns are z, r, h̃, in that order.",
            ("U_z, U_r, U_h =", "U_r, U_z, U_h ="),
            ("b_z, b_r, b_h =", "b_r, b_z, b_h ="),
        ),
    ],
    shape_hint="Your step returns the new hidden state, (batch, units). The check runs it along each sequence from the given state and "
    "compares the state after every step, (batch, time, units).",
)


# --- Lab: one LSTM step's backward pass (section 3) --------------------------------------------------

_KERAS_CELLS: dict = {}


def lstm_cell_tape(dh: np.ndarray, dc: np.ndarray, x: np.ndarray, h: np.ndarray, c: np.ndarray, *weights: np.ndarray) -> tuple:
    """The independent reference of section 3: tf.GradientTape through keras.layers.LSTMCell (in float64) given the same weights,
    for the loss sum(dh ⊙ h_t) + sum(dc ⊙ C_t), whose gradients with respect to h_t and C_t are dh and dc. Returns the gradients
    with respect to x, h, c, kernel, recurrent_kernel and bias. The cell is built once for its sizes, with zero initialisers."""
    key = (x.shape[-1], h.shape[-1])
    if key not in _KERAS_CELLS:
        zeros = dict(kernel_initializer="zeros", recurrent_initializer="zeros", bias_initializer="zeros")
        _KERAS_CELLS[key] = keras.layers.LSTMCell(key[1], dtype="float64", seed=0, **zeros)
        _KERAS_CELLS[key].build((None, key[0]))
    cell = _KERAS_CELLS[key]
    cell.set_weights([np.asarray(w, dtype="float64") for w in weights])
    inputs = [tf.constant(a, dtype=tf.float64) for a in (x, h, c)]
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        new_h, (_, new_c) = cell(inputs[0], inputs[1:])
        loss = tf.reduce_sum(dh * new_h) + tf.reduce_sum(dc * new_c)
    return tuple(g.numpy() for g in tape.gradient(loss, [*inputs, cell.kernel, cell.recurrent_kernel, cell.bias]))


def _lstm_backward_arguments(rng: np.random.Generator, batch: int, inputs: int, units: int, upstream: float, label: str) -> tuple:
    """Upstream gradients dh and dc of spread ``upstream`` (dc = 0 when ``upstream`` is negative: nothing comes from later steps),
    then the step's inputs and weights as in lab lstm_step."""
    dh, dc = rng.normal(scale=abs(upstream), size=(2, batch, units))
    return (dh, dc * (upstream > 0), *_lstm_arguments(rng, batch, inputs, units, label))


LSTM_STEP_BACKWARD = FunctionExercise(
    name="lstm_step_backward",
    title="One LSTM step, backwards",
    idea="The chain rule through the step's equations, from the end back: the gradient reaching C_t is what comes from later steps "
    "(dc) plus what comes through h_t = o ⊙ tanh(C_t). From it, each gate's share (C_t = f ⊙ C_{t-1} + i ⊙ C̃), then through each "
    "gate's σ or tanh to its pre-activation. All four pre-activations come from one product, x K + h R + b, so their gradients, side "
    "by side in Keras' order i, f, C̃, o, give every other gradient by one matrix product each.",
    structure="Run the forward step again, keeping i, f, C̃, o and tanh(C_t). δC = dc + dh ⊙ o ⊙ (1 - tanh²(C_t)). The gradients of "
    "the pre-activations, each (batch, units): input δC ⊙ C̃ ⊙ i(1 - i); forget δC ⊙ C_{t-1} ⊙ f(1 - f); candidate δC ⊙ i ⊙ (1 - C̃²); "
    "output dh ⊙ tanh(C_t) ⊙ o(1 - o). Put them side by side in the order i, f, C̃, o: δ, (batch, 4 units). Then dx = δ Kᵀ, "
    "dh_prev = δ Rᵀ, dc_prev = δC ⊙ f, dkernel = xᵀ δ, drecurrent_kernel = h_prevᵀ δ, dbias = δ summed over the batch. Return the six "
    "in that order.",
    solution=lstm_step_backward,
    stub="my_lstm_step_backward",
    reference=lstm_cell_tape,
    reference_name="tf.GradientTape through keras.layers.LSTMCell given the same weights",
    cases=_cases(
        77,
        _lstm_backward_arguments,
        (4, 3, 5, 1.0, "a batch of 4, 3 inputs, 5 units"),
        (1, 2, 3, 1.0, "a batch of 1"),
        (3, 7, 2, 1.0, "7 inputs, 2 units"),
        (2, 4, 1, 1.0, "a single unit"),
        (3, 3, 4, -1.0, "the last step of a sequence: nothing reaches C_t from later steps (dc = 0)"),
        (5, 3, 4, 3000.0, "upstream gradients in the thousands, beyond any clipping threshold"),
    ),
    names=("dx", "dh_prev", "dc_prev", "dkernel", "drecurrent_kernel", "dbias"),
    rtol=1e-6,
    atol=1e-9,
    mistakes=[
        edit(
            "dh * o * (1 - tanh_c**2)",
            "dh * o",
            "The path from h_t to C_t lacks tanh's derivative: h_t = o ⊙ tanh(C_t), so the gradient reaching C_t through h_t is "
            "dh ⊙ o ⊙ (1 - tanh²(C_t)).",
        ),
        edit(
            "dc_t = dc + ",
            "dc_t = ",
            "The gradient from later steps, dc, is missing: C_t reaches the loss through h_t and through the next step's cell state, so "
            "the gradient reaching it is the sum of the two.",
        ),
        edit(
            "dc_t * c * f * (1 - f)",
            "dc_t * f * (1 - f)",
            "The forget gate's gradient lacks C_{t-1}: in C_t = f ⊙ C_{t-1} + i ⊙ C̃ the forget gate multiplies the old cell state, so "
            "∂L/∂f = δC ⊙ C_{t-1}, before σ's derivative f(1 - f).",
        ),
        edit(
            "dc_t * i * (1 - c_tilde**2)",
            "dc_t * i * c_tilde * (1 - c_tilde)",
            "The candidate's derivative is σ's: C̃ = tanh(...) (it lies between -1 and 1), so its derivative is 1 - C̃², not C̃(1 - C̃).",
        ),
        edit(
            "dc_t * c_tilde * i * (1 - i),  # input gate: C_t = f ⊙ C_{t-1} + i ⊙ C̃\n            dc_t * c * f * (1 - f),  # forget gate",
            "dc_t * c * f * (1 - f),  # forget gate\n            dc_t * c_tilde * i * (1 - i),  # input gate",
            "The gates' gradients are not in Keras' order: kernel, recurrent_kernel and bias hold the gates side by side as i, f, C̃, o, "
            "so the gradients of the pre-activations must be put side by side in that same order.",
        ),
        edit(
            "dc_prev = d_gates @ kernel.T, d_gates @ recurrent_kernel.T, dc_t * f",
            "dc_prev = d_gates @ kernel.T, d_gates @ recurrent_kernel.T, dc_t",
            "dc_prev lacks the forget gate: C_t = f ⊙ C_{t-1} + ..., so the gradient passed back to C_{t-1} is δC ⊙ f. That product, "
            "step after step, is what makes the LSTM's gradients fade or survive.",
        ),
        edit(
            "d_gates.sum(axis=0)",
            "d_gates.mean(axis=0)",
            "The bias gradient is averaged over the batch: the loss adds up the examples' contributions, and every example uses the same "
            "bias, so its gradient is the sum over the batch (as xᵀ δ sums for the kernel).",
        ),
        edit(
            "return dx, dh_prev, dc_prev,",
            "return dx, dc_prev, dh_prev,",
            "dh_prev and dc_prev are swapped: return (dx, dh_prev, dc_prev, dkernel, drecurrent_kernel, dbias), in that order.",
        ),
        edit(
            "    return dx, dh_prev, dc_prev, x.T @ d_gates, h.T @ d_gates, d_gates.sum(axis=0)",
            "    gradients = dx, dh_prev, dc_prev, x.T @ d_gates, h.T @ d_gates, d_gates.sum(axis=0)\n"
            "    return tuple(np.clip(g, -5, 5) for g in gradients)",
            "Your gradients are clipped (to ±5, as min-char-rnn does): a backward pass returns the exact gradients; clipping, if you want "
            "it, belongs to the training loop, after them.",
        ),
    ],
    shape_hint="Return six arrays, (dx, dh_prev, dc_prev, dkernel, drecurrent_kernel, dbias), each shaped like what it is the "
    "gradient of: x (batch, inputs); h and c (batch, units); kernel (inputs, 4 units); recurrent_kernel (units, 4 units); bias (4 units,).",
)


# --- Lab: the VAE's loss (section 4) ----------------------------------------------------------------


def vae_loss_reference(images: Any, mean: Any, log_variance: Any, epsilon: Any, decoder: Callable) -> tuple:
    """The independent reference, in other TensorFlow operations: σ as the square root of the variance,
    the cross-entropy from log-sigmoids, and KL(N(μ, σ²) || N(0, 1)) = -log σ + (σ² + μ²) / 2 - 1/2."""
    sigma = tf.sqrt(tf.exp(log_variance))
    logits = decoder(mean + sigma * epsilon)
    log_likelihood = images * tf.math.log_sigmoid(logits) + (1 - images) * tf.math.log_sigmoid(-logits)
    reconstruction = -tf.reduce_sum(log_likelihood, axis=-1)
    kl = tf.reduce_sum(-tf.math.log(sigma) + (sigma**2 + mean**2) / 2 - 0.5, axis=-1)
    return tf.reduce_mean(reconstruction) + tf.reduce_mean(kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def _vae_arguments(rng: np.random.Generator, batch: int, pixels: int, latent: int, kind: str, label: str) -> tuple:
    """Images in [0, 1] (or binary ones), the encoder's means and log-variances (or N(0, I)'s), the noise, the decoder's weights."""
    images = rng.uniform(0, 1, size=(batch, pixels))
    images = (images > 0.5).astype(float) if kind == "binary" else images
    code = (batch, latent)
    mean, log_variance = (np.zeros(code), np.zeros(code)) if kind == "prior" else (rng.normal(size=code), rng.normal(scale=0.8, size=code))
    epsilon = rng.normal(size=code)
    decoder = (rng.normal(size=(latent, 8)), rng.normal(size=8), rng.normal(scale=0.6, size=(8, pixels)), rng.normal(size=pixels))
    return (*_float32(images, mean, log_variance, epsilon), decoder)


def _decoder(weights: tuple) -> Callable:
    """A small fixed decoder, codes (batch, latent) -> pixel logits (batch, pixels), from its NumPy weights."""
    W1, b1, W2, b2 = (tf.constant(w, dtype=tf.float32) for w in weights)
    return lambda z: tf.tanh(tf.cast(z, tf.float32) @ W1 + b1) @ W2 + b2


def _with_tensors(loss_function: Callable) -> Callable:
    """Call a VAE loss as the training step does: float32 tensors, and a decoder that is a function."""
    return lambda *arrays: loss_function(*[tf.constant(a, dtype=tf.float32) for a in arrays[:4]], _decoder(arrays[4]))


def _vae_gradients(loss_function: Callable, images, mean, log_variance, epsilon, decoder_weights) -> list:
    """∂loss/∂mean and ∂loss/∂log_variance, with the loss computed inside tf.function for a batch of any size, as the notebook's
    training step computes it."""
    decoder, arrays = _decoder(decoder_weights), [tf.constant(a, dtype=tf.float32) for a in (images, mean, log_variance, epsilon)]

    @tf.function(input_signature=[tf.TensorSpec((None, a.shape[1]), tf.float32) for a in arrays])
    def gradients(images, mean, log_variance, epsilon):
        with tf.GradientTape() as tape:
            tape.watch([mean, log_variance])
            loss = loss_function(images, mean, log_variance, epsilon, decoder)[0]
        return tape.gradient(loss, [mean, log_variance])

    return gradients(*arrays)


def _vae_in_training(answer: Callable) -> str | None:
    case = VAE_LOSS.cases[0]
    for name, got, wanted in zip(
        ("mean", "log_variance"), _vae_gradients(answer, *case.args), _vae_gradients(vae_loss_reference, *case.args)
    ):
        if got is None:
            return (
                f"Your loss has the right value, but no gradient reaches {name} from it (for the case “{case.label}”): compute it with "
                "TensorFlow operations (tf.exp, tf.reduce_sum, ...), which tf.GradientTape can follow, so that training can use it."
            )
        if not np.allclose(got.numpy(), wanted.numpy(), rtol=1e-4, atol=1e-4):
            return (
                f"Your loss has the right value, but its gradient with respect to {name} is not the loss's (for the case “{case.label}”): "
                "is part of it computed outside TensorFlow, or behind tf.stop_gradient?"
            )
    return None


VAE_LOSS = FunctionExercise(
    name="vae_loss",
    title="The VAE's loss",
    idea="Three pieces. The code is a sample from the encoder's distribution, written so that gradients reach the mean and the variance: "
    "z = μ + σ ⊙ ε with σ from the log-variance. The reconstruction term is -log p(x | z): a binary cross-entropy per pixel between the "
    "image and the decoder's logits, summed over each image's pixels. The KL term is the closed form for two Gaussians, summed over "
    "each image's latent dimensions. The loss averages their sum over the images.",
    structure="The code: μ + exp(½ log σ²) ⊙ ε, (batch, latent). The decoder's logits for it, (batch, pixels). Per pixel, TensorFlow's "
    "sigmoid cross-entropy with logits (the images are the labels), summed over the pixels: one number per image, (batch,). The KL, "
    "-½ Σ_j (1 + log σ_j² - μ_j² - σ_j²) over the latent axis: (batch,). Return the batch means of their sum, of the reconstruction "
    "and of the KL, in that order, with TensorFlow operations throughout.",
    solution="utils.generative.vae_loss",
    stub="my_vae_loss",
    reference=vae_loss_reference,
    reference_name="the same loss written with other TensorFlow operations (log-sigmoids, the Gaussian KL with σ)",
    cases=_cases(
        74,
        _vae_arguments,
        (5, 12, 2, "", "5 images of 12 pixels, a 2-D code"),
        (1, 784, 2, "", "a single MNIST-sized image"),
        (4, 6, 3, "prior", "the encoder already says N(0, I)"),
        (3, 10, 1, "binary", "binary images, a 1-D code"),
    ),
    adapter=_with_tensors,
    names=("loss", "reconstruction", "kl"),
    rtol=1e-4,
    atol=1e-4,
    in_training=_vae_in_training,
    mistakes=[
        edit(
            "tf.exp(0.5 * log_variance) * epsilon",
            "tf.exp(log_variance) * epsilon",
            "The code is drawn with exp(log σ²) = σ² as its spread: the standard deviation is σ = exp(½ log σ²).",
        ),
        edit("kl = -0.5 * ", "kl = 0.5 * ", "The KL term has the wrong sign: a KL divergence is never negative."),
        edit(
            "tf.exp(log_variance), axis=1)",
            "tf.exp(log_variance), axis=0)",
            "The KL term is summed over the batch (axis 0): sum over each image's latent dimensions, one KL per image, then average over "
            "the images.",
            ("tf.reduce_mean(reconstruction + kl)", "tf.reduce_mean(reconstruction) + tf.reduce_mean(kl)"),
        ),
        edit(
            "tf.reduce_sum(per_pixel, axis=1)",
            "tf.reduce_mean(per_pixel, axis=1)",
            "The reconstruction term is averaged over the pixels: -log p(x | z) is a sum over the pixels of each image (each pixel is its "
            "own Bernoulli).",
        ),
    ],
    shape_hint="Return three numbers, (loss, reconstruction, kl), each a mean over the batch: the sums over pixels and over latent "
    "dimensions come first, one value per image.",
)


# --- Lab: one GAN training step (section 5) ----------------------------------------------------------


def _gan_arguments(rng: np.random.Generator, seed: int, sizes: tuple, optimizer: str, rates: tuple, batch_sizes: list, label: str) -> tuple:
    """A case: the seed of its networks' fixed weights, their sizes (generator, discriminator), the optimizer, the two learning rates
    (generator, discriminator), and the batches of real points on the unit circle and of noise, one per step."""
    batches = []
    for n_real, n_fake in batch_sizes:
        angles = rng.uniform(0, 2 * np.pi, n_real)
        batches.append((np.stack([np.cos(angles), np.sin(angles)], axis=1), rng.normal(size=(n_fake, sizes[0][0]))))
    return (dict(seed=seed, sizes=sizes, optimizer=optimizer, rates=rates, batches=batches),)


def _network(sizes: list[int], rng: np.random.Generator) -> Any:
    """A small dense network (ReLU hidden layers) with fixed random weights; nothing drawn from Keras' generators."""
    hidden = [keras.layers.Dense(n, activation="relu", kernel_initializer="zeros") for n in sizes[1:-1]]
    model = keras.Sequential([keras.Input((sizes[0],)), *hidden, keras.layers.Dense(sizes[-1], kernel_initializer="zeros")])
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _on_fresh_networks(step: Callable, graph: bool = False) -> Callable:
    """Run a GAN step on a case's fresh networks and optimizers, once per batch of the case; compare the last step's losses and both
    networks' weights afterwards."""

    def run(case):
        rng = np.random.default_rng(case["seed"])
        networks = [_network(sizes, rng) for sizes in case["sizes"]]
        optimizers = [
            keras.optimizers.SGD(r) if case["optimizer"] == "sgd" else keras.optimizers.Adam(r, beta_1=0.5) for r in case["rates"]
        ]
        for optimizer, network in zip(optimizers, networks):
            # Built here, so that a step the learner decorated with @tf.function creates no variables when it meets the fresh
            # networks of the next case (tf.function allows that only on its first call).
            optimizer.build(network.trainable_variables)
        function, losses = tf.function(step) if graph else step, None
        for real, noise in case["batches"]:
            losses = function(tf.constant(real, dtype=tf.float32), tf.constant(noise, dtype=tf.float32), *networks, *optimizers)
            if losses is None:
                return None
        if not isinstance(losses, (tuple, list)) or len(losses) != 2:
            return losses
        return (*losses, *(tuple(np.asarray(w, dtype=float) for w in network.get_weights()) for network in networks))

    return run


def _gan_in_training(answer: Callable) -> str | None:
    case, expected = GAN_STEP.cases[0], GAN_STEP.expected(0)
    converted, problem = conform(_on_fresh_networks(answer, graph=True)(*case.args), expected, "", GAN_STEP.names)
    problem = problem or first_difference(converted, expected, GAN_STEP.rtol, GAN_STEP.atol, GAN_STEP.names)
    if problem:
        return (
            "Your step is right when run directly, but inside tf.function, as the notebook's training loop runs it, it gives something "
            f"else for the case “{case.label}”: {problem}"
        )
    return None


GAN_STEP = FunctionExercise(
    name="gan_step",
    title="One GAN training step",
    idea="Two updates in turn, each with its own tape, loss and optimizer. The discriminator learns to call real points real (1) and the "
    "generator's points fake (0); those points are a fixed input to it, so only its own weights move. Then the generator learns to "
    "make the updated discriminator call its points real: the non-saturating loss -log D(G(z)).",
    structure="The generator's points, made outside any tape. First tape: the discriminator's scores on the real and on the fake points; "
    "d_loss is bce with labels 1 on the real scores plus bce with labels 0 on the fake ones; its gradients with respect to the "
    "discriminator's trainable variables, applied by discriminator_optimizer. Second tape: the updated discriminator's scores on "
    "points the generator makes anew; g_loss is bce with labels 1 on them; its gradients with respect to the generator's trainable "
    "variables, applied by generator_optimizer. Return (d_loss, g_loss).",
    solution="utils.generative.gan_step",
    stub="my_gan_step",
    reference_name="the course's reference step, run on the same fresh networks with the same fixed weights and noise",
    cases=_cases(
        75,
        _gan_arguments,
        (1, ([2, 8, 2], [2, 8, 1]), "sgd", (0.5, 0.5), [(6, 6)], "SGD, batches of 6"),
        (2, ([3, 6, 2], [2, 5, 1]), "sgd", (0.3, 0.8), [(5, 7)], "5 real and 7 fake points, a learning rate for each network"),
        (3, ([2, 2], [2, 4, 4, 1]), "sgd", (0.5, 0.5), [(1, 1)], "one real and one fake point, a one-layer generator"),
        (4, ([2, 8, 2], [2, 8, 1]), "adam", (0.01, 0.01), [(6, 6), (6, 6)], "Adam, two steps in a row"),
    ),
    adapter=_on_fresh_networks,
    names=("d_loss", "g_loss", "the generator's weights", "the discriminator's weights"),
    rtol=1e-4,
    atol=1e-5,
    time_limit=20,
    in_training=_gan_in_training,
    mistakes=[
        edit(
            "g_loss = bce(tf.ones_like(scores), scores)",
            "g_loss = -bce(tf.zeros_like(scores), scores)",
            "The generator minimises log(1 - D(G(z))), the saturating loss, whose gradient vanishes while the discriminator still rejects "
            "the fakes; train it to make D call them real instead (-log D(G(z)), the non-saturating loss).",
        ),
        edit(
            "bce(tf.ones_like(real_scores), real_scores) + bce(tf.zeros_like(fake_scores), fake_scores)",
            "bce(tf.zeros_like(real_scores), real_scores) + bce(tf.ones_like(fake_scores), fake_scores)",
            "The discriminator's labels are swapped: real points are labelled 1, the generator's 0.",
        ),
        edit(  # the fake points made on a (persistent) tape, and the discriminator's loss applied to the generator too
            "    fake = generator(noise)  # outside the tape: a fixed input for D's update\n    with tf.GradientTape() as d_tape:\n",
            "    with tf.GradientTape(persistent=True) as d_tape:\n        fake = generator(noise)\n",
            "The discriminator's update also changes the generator: in that update the fake points are a fixed input, and only the "
            "discriminator's weights move.",
            (
                "d_variables), d_variables))\n",
                "d_variables), d_variables))\n    g_variables = generator.trainable_variables\n"
                "    generator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, g_variables), g_variables))\n",
            ),
        ),
        edit(  # the discriminator's update moved after the generator's
            "    discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))\n",
            "",
            "The generator is trained against the discriminator as it was before its update: this step updates the discriminator first, "
            "then scores the fakes again with it for the generator's update.",
            (
                "    return d_loss",
                "    discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))\n    return d_loss",
            ),
        ),
    ],
    shape_hint="Return the two losses, (d_loss, g_loss), each a number. The check then compares them, and both networks' weights after "
    "your step, with the reference's.",
)


# --- Lab: the RBM's CD-1 update (section 6) ---------------------------------------------------------


def cd1_by_elements(
    v0: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    uniform_hidden: np.ndarray,
    uniform_visible: np.ndarray,
    learning_rate: float,
) -> tuple:
    """The independent reference: CD-1 written out unit by unit and example by example, with loops."""
    (n, n_visible), n_hidden, s = v0.shape, len(c), lambda a: 1 / (1 + math.exp(-a))
    W_new, b_new, c_new = np.array(W, dtype=float), np.array(b, dtype=float), np.array(c, dtype=float)
    for e in range(n):
        h0 = [s(c[j] + sum(v0[e, i] * W[i, j] for i in range(n_visible))) for j in range(n_hidden)]
        h_sample = [float(uniform_hidden[e, j] < h0[j]) for j in range(n_hidden)]
        v1 = [float(uniform_visible[e, i] < s(b[i] + sum(W[i, j] * h_sample[j] for j in range(n_hidden)))) for i in range(n_visible)]
        h1 = [s(c[j] + sum(v1[i] * W[i, j] for i in range(n_visible))) for j in range(n_hidden)]
        for i in range(n_visible):
            b_new[i] += learning_rate * (v0[e, i] - v1[i]) / n
            for j in range(n_hidden):
                W_new[i, j] += learning_rate * (v0[e, i] * h0[j] - v1[i] * h1[j]) / n
        for j in range(n_hidden):
            c_new[j] += learning_rate * (h0[j] - h1[j]) / n
    return W_new, b_new, c_new


def _cd1_arguments(rng: np.random.Generator, batch: int, n_visible: int, n_hidden: int, rate: float, label: str) -> tuple:
    v0 = (rng.random((batch, n_visible)) < 0.5).astype(float)
    W, b, c = rng.normal(size=(n_visible, n_hidden)), rng.normal(scale=0.5, size=n_visible), rng.normal(scale=0.5, size=n_hidden)
    return v0, W, b, c, rng.random((batch, n_hidden)), rng.random((batch, n_visible)), rate


#: One example, 3 visible and 2 hidden units: tests/test_gated_and_rbm.py works it out element by element.
TINY_RBM_CASE = (
    np.array([[1.0, 0.0, 1.0]]),
    np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.6]]),
    np.array([0.1, -0.1, 0.0]),
    np.array([0.2, -0.3]),
    np.array([[0.3, 0.9]]),
    np.array([[0.2, 0.7, 0.6]]),
    1.0,
)

CD1_UPDATE = FunctionExercise(
    name="cd1_update",
    title="The RBM's CD-1 update",
    idea="Data statistics minus reconstruction statistics. Positive phase: the hidden probabilities given the data. One Gibbs step: draw "
    "binary hidden units from them, then a binary reconstruction of the visible units from those. Negative phase: the hidden "
    "probabilities given the reconstruction. Each parameter climbs by the learning rate times (data statistic - reconstruction "
    "statistic), averaged over the batch.",
    structure="h₀ = σ(v₀ W + c), (batch, n_hidden). The hidden sample is 1 where uniform_hidden is below h₀, else 0. The reconstruction "
    "v₁ is 1 where uniform_visible is below σ(sample Wᵀ + b), (batch, n_visible). h₁ = σ(v₁ W + c). With n examples: W grows by "
    "rate × (v₀ᵀ h₀ - v₁ᵀ h₁) / n, b by rate × the batch mean of v₀ - v₁, c by rate × the batch mean of h₀ - h₁. Return the new "
    "(W, b, c).",
    solution=cd1_update,
    stub="my_cd1_update",
    reference=cd1_by_elements,
    reference_name="CD-1 written out unit by unit with loops",
    cases=_cases(
        76,
        _cd1_arguments,
        (5, 6, 4, 0.1, "a batch of 5, 6 visible and 4 hidden units"),
        Case(TINY_RBM_CASE, "the tiny case: one example, 3 visible and 2 hidden units"),
        (8, 10, 3, 0.5, "a batch of 8, learning rate 0.5"),
        (4, 3, 1, 0.2, "a single hidden unit"),
    ),
    names=("W", "b", "c"),
    rtol=1e-9,
    atol=1e-12,
    mistakes=[
        edit(
            "h1 = sigmoid(v1 @ W + c)",
            "h1 = h0_sample",
            "The negative statistics use the binary hidden sample that made the reconstruction: use the hidden probabilities given the "
            "reconstruction, p(h | v₁).",
        ),
        edit(
            "W = W + learning_rate",
            "W = W - learning_rate",
            "The update goes the wrong way: CD-1 climbs the log-likelihood, so data statistics minus reconstruction statistics are added.",
            ("b = b + learning_rate", "b = b - learning_rate"),
            ("c = c + learning_rate", "c = c - learning_rate"),
        ),
        edit(
            "(v0.T @ h0 - v1.T @ h1) / n",
            "(v0.T @ h0 - v1.T @ h1)",
            "The statistics are summed over the batch: average them (divide by the number of examples), or the step grows with the batch "
            "size.",
            ("(v0 - v1).mean(axis=0)", "(v0 - v1).sum(axis=0)"),
            ("(h0 - h1).mean(axis=0)", "(h0 - h1).sum(axis=0)"),
        ),
        edit(
            "v1 = (uniform_visible < sigmoid(h0_sample @ W.T + b)).astype(float)",
            "v1 = sigmoid(h0_sample @ W.T + b)",
            "The reconstruction is left as probabilities: this step draws a binary reconstruction from them with uniform_visible.",
        ),
        edit(
            "(uniform_hidden < h0)",
            "(uniform_hidden > h0)",
            "The draws are reversed: a unit is on when its random number is below its probability, so that it is on with that probability.",
            ("(uniform_visible < sigmoid(", "(uniform_visible > sigmoid("),
        ),
    ],
    shape_hint="Return (W, b, c) with the shapes they came in: W (n_visible, n_hidden), b (n_visible,), c (n_hidden,).",
)

EXERCISES = [LSTM_STEP, GRU_OLAH, LSTM_STEP_BACKWARD, VAE_LOSS, GAN_STEP, CD1_UPDATE]


# --- Labs: attention, multi-head attention and a transformer block (section 7) -----------------------
# The solutions are utils.attention's (NumPy); the references are Keras' MultiHeadAttention and the same block
# assembled from Keras layers (utils.transformer), given the same weights.

_transformer = LazyModule("utils.transformer")
_ATTENTION_LAYERS: dict = {}


def _attention_layer(heads: int, key_dim: int, value_dim: int, width: int, width_value: int, width_out: int | None = None) -> Any:
    """A keras.layers.MultiHeadAttention for these sizes, built once, with zero initialisers and a fixed seed, so that
    building it draws nothing from the notebook's random generators."""
    key = (heads, key_dim, value_dim, width, width_value, width_out)
    if key not in _ATTENTION_LAYERS:
        options = dict(value_dim=value_dim, output_shape=width_out, kernel_initializer="zeros", seed=0)
        layer = keras.layers.MultiHeadAttention(heads, key_dim, **options, use_bias=width_out is None)
        layer.build((None, None, width), (None, None, width_value), (None, None, key_dim if width_out else width_value))
        _ATTENTION_LAYERS[key] = layer
    return _ATTENTION_LAYERS[key]


def keras_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> tuple:
    """The independent reference of lab ``scaled_dot_product_attention``: keras.layers.MultiHeadAttention with one head
    whose query, key, value and output projections are identities without biases, so that what it computes is the
    attention itself. Returns its output (batch, n_q, d_v) and its attention scores (batch, n_q, n_k)."""
    d_k, d_v = q.shape[-1], v.shape[-1]
    layer = _attention_layer(1, d_k, d_v, d_k, d_v, width_out=d_v)
    identity = [
        np.eye(d_k, dtype="float32")[:, None, :],
        np.eye(d_k, dtype="float32")[:, None, :],
        np.eye(d_v, dtype="float32")[:, None, :],
    ]
    layer.set_weights([*identity, np.eye(d_v, dtype="float32")[None]])
    output, scores = layer(
        *(np.asarray(a, "float32") for a in (q, v)),
        key=np.asarray(k, "float32"),
        return_attention_scores=True,
        **_transformer.mask_arguments(mask),
    )
    return output.numpy().astype(float), scores.numpy()[:, 0].astype(float)


def tensorflow_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> tuple:
    """The same attention in TensorFlow's own operations, in float64 (tests/test_attention.py holds it equal to
    :func:`keras_attention` on every case of the lab): softmax(q kᵀ / √d_k + where the mask is 0, -10⁹) v, and the weights."""
    q, k, v = (tf.constant(a, dtype=tf.float64) for a in (q, k, v))
    scores = tf.linalg.matmul(q, k, transpose_b=True) / tf.sqrt(tf.constant(q.shape[-1], tf.float64))
    if mask is not None:
        scores = tf.where(tf.constant(np.asarray(mask, bool)), scores, tf.constant(-1e9, tf.float64))
    weights = tf.nn.softmax(scores, axis=-1)
    return tf.linalg.matmul(weights, v).numpy(), weights.numpy()


def _mask(rng: np.random.Generator, kind: str | None, batch: int, n_q: int, n_k: int) -> np.ndarray | None:
    """A boolean mask (batch, n_q, n_k): None, causal, or padding (each sequence's keys past a random length, at least 1,
    are masked for every query)."""
    if kind == "causal":
        return np.broadcast_to(np.tril(np.ones((n_q, n_k), dtype=bool)), (batch, n_q, n_k)).copy()
    if kind == "padding":
        lengths = rng.integers(1, n_k, size=batch)
        return np.broadcast_to((np.arange(n_k) < lengths[:, None])[:, None, :], (batch, n_q, n_k)).copy()
    return None


def _attention_arguments(rng: np.random.Generator, batch, n_q, n_k, d_k, d_v, mask, scale, label) -> tuple:
    q, k = rng.normal(scale=scale, size=(batch, n_q, d_k)), rng.normal(scale=scale, size=(batch, n_k, d_k))
    return (*_float32(q, k, rng.normal(size=(batch, n_k, d_v))), _mask(rng, mask, batch, n_q, n_k))


SCALED_DOT_PRODUCT_ATTENTION = FunctionExercise(
    name="scaled_dot_product_attention",
    title="Scaled dot-product attention",
    idea="Each query scores every key by a dot product, divided by √d_k so that the scores do not grow with the size of the vectors. "
    "A softmax over the keys turns each query's scores into weights that sum to 1; a key the mask hides gets a score so low (-10⁹) that "
    "its weight is 0, before the softmax. The output for a query is the weighted average of the values.",
    structure="scores = q times k transposed over its last two axes, (batch, n_q, n_k), divided by √d_k (d_k: the last axis of q). "
    "Where the mask is False, replace the score by -1e9. Softmax along the last axis (the keys): subtract each row's largest score, "
    "exponentiate, divide by the row's sum. Return (weights times v, weights): (batch, n_q, d_v) and (batch, n_q, n_k).",
    solution="utils.attention.scaled_dot_product_attention",
    stub="my_scaled_dot_product_attention",
    reference=keras_attention,
    reference_name="keras.layers.MultiHeadAttention with one head and identity projections (itself held equal to the same arithmetic "
    "in TensorFlow's operations by the course's tests)",
    cases=_cases(
        81,
        _attention_arguments,
        (2, 5, 5, 4, 4, None, 1.0, "2 sequences of 5 positions, d_k = d_v = 4, no mask"),
        (3, 4, 6, 8, 5, "padding", 1.0, "4 queries and 6 keys, a padding mask (the last keys of each sequence hidden)"),
        (2, 6, 6, 4, 3, "causal", 1.0, "a causal mask: position i sees positions 0 to i"),
        (1, 3, 7, 2, 2, None, 1.0, "a batch of 1, 3 queries and 7 keys"),
        (2, 1, 5, 6, 4, "padding", 1.0, "a single query, a padding mask"),
        (2, 4, 4, 4, 4, "causal", 30.0, "scores in the thousands, a causal mask"),
    ),
    names=("output", "weights"),
    rtol=1e-4,
    atol=1e-5,
    mistakes=[
        edit(
            "/ np.sqrt(d_k)",
            "/ d_k",
            "The scores are divided by d_k: the scale is √d_k, so that the scores' spread stays about 1 when q and k have entries of "
            "spread 1, whatever their length.",
        ),
        edit(
            "/ np.sqrt(d_k)",
            "",
            "The scores are not scaled: divide them by √d_k, or the softmax saturates as the vectors get longer.",
        ),
        edit(
            "scores.max(axis=-1, keepdims=True)",
            "scores.max(axis=-2, keepdims=True)",
            "The softmax runs over the queries (axis -2): each query's weights are a distribution over the keys, so normalise along the "
            "last axis.",
            ("weights.sum(axis=-1, keepdims=True)", "weights.sum(axis=-2, keepdims=True)"),
        ),
        edit(
            "scores = np.where(mask, scores, -1e9)",
            "scores = scores",
            "The mask is applied after the softmax: the weights of the keys a query may see then no longer sum to 1. Hide the keys before "
            "the softmax, with a score of -10⁹, so that the softmax shares all the weight among the visible keys.",
            (
                "    return weights @ v, weights",
                "    if mask is not None:\n        weights = weights * mask\n    return weights @ v, weights",
            ),
        ),
        edit(
            "np.where(mask, scores, -1e9)",
            "np.where(mask, -1e9, scores)",
            "The mask is read the wrong way round: True (1) means that the query may look at the key, as in Keras' attention_mask; "
            "the keys to hide are where it is False.",
        ),
        edit(
            "    scores = scores - scores.max(axis=-1, keepdims=True)",
            "    scores = scores",
            "The softmax overflows for large scores (exp(1000) is inf in floating point, and inf / inf is nan): subtract each row's "
            "largest score before exponentiating, which does not change the softmax.",
        ),
    ],
    shape_hint="Return (output, weights): output (batch, n_q, d_v), one weighted average of the values per query; weights "
    "(batch, n_q, n_k). The scores are q times the transpose of k's last two axes.",
)


def keras_multi_head_attention(query: np.ndarray, value: np.ndarray, weights: list, mask: np.ndarray | None = None) -> np.ndarray:
    """The independent reference of lab ``multi_head_attention``: keras.layers.MultiHeadAttention given the same weights,
    called on (query, value) with the mask; a causal mask is handed to it as ``use_causal_mask=True``."""
    Wq, Wv, Wo = weights[0], weights[4], weights[6]
    layer = _attention_layer(Wq.shape[1], Wq.shape[2], Wv.shape[2], query.shape[-1], value.shape[-1])
    assert Wo.shape[-1] == query.shape[-1], "Keras' layer returns the query's width"
    layer.set_weights([np.asarray(w, "float32") for w in weights])
    output = layer(np.asarray(query, "float32"), np.asarray(value, "float32"), **_transformer.mask_arguments(mask))
    return output.numpy().astype(float)


def _attention_weights(rng: np.random.Generator, width: int, width_value: int, heads: int, key_dim: int, value_dim: int) -> list:
    """Random weights in the layout of keras.layers.MultiHeadAttention's get_weights()."""
    shapes = [(width, heads, key_dim), (heads, key_dim), (width_value, heads, key_dim), (heads, key_dim)]
    shapes += [(width_value, heads, value_dim), (heads, value_dim), (heads, value_dim, width), (width,)]
    return list(_float32(*(rng.normal(scale=0.6, size=shape) for shape in shapes)))


def _multi_head_arguments(rng: np.random.Generator, batch, n_q, n_k, width, width_value, heads, key_dim, value_dim, mask, label) -> tuple:
    query = _float32(rng.normal(size=(batch, n_q, width)))[0]
    value = query.copy() if width_value is None else _float32(rng.normal(size=(batch, n_k, width_value)))[0]
    weights = _attention_weights(rng, width, width if width_value is None else width_value, heads, key_dim, value_dim)
    return query, value, weights, _mask(rng, mask, batch, n_q, n_k)


MULTI_HEAD_ATTENTION = FunctionExercise(
    name="multi_head_attention",
    title="Multi-head attention from Keras' weights",
    idea="Several attentions side by side, each in its own small space: every head projects the queries, keys and values with its own "
    "slice of Keras' weights (the middle axis is the head), runs scaled dot-product attention there, and the heads' outputs, put side "
    "by side, are projected back to the model's width by the output kernel.",
    structure="Unpack the weights as Wq, bq, Wk, bk, Wv, bv, Wo, bo. For each head h (Wq.shape[1] of them): q = query @ Wq[:, h] + "
    "bq[h], (batch, n_q, key_dim); k and v the same from `value` with Wk, bk and Wv, bv; then scaled_dot_product_attention(q, k, v, "
    "mask), whose output is (batch, n_q, value_dim). Concatenate the heads' outputs along the last axis, head after head: (batch, n_q, "
    "heads × value_dim). Multiply by Wo flattened to (heads × value_dim, width_out), rows in the same head-after-head order, and add bo.",
    solution="utils.attention.multi_head_attention",
    stub="my_multi_head_attention",
    reference=keras_multi_head_attention,
    reference_name="keras.layers.MultiHeadAttention given the same weights (use_causal_mask=True for the causal cases)",
    cases=_cases(
        82,
        _multi_head_arguments,
        (2, 5, 5, 8, None, 2, 3, 3, None, "self-attention, width 8, 2 heads of key_dim 3"),
        (2, 6, 6, 6, None, 3, 4, 4, "causal", "use_causal_mask=True, width 6, 3 heads of key_dim 4"),
        (1, 4, 4, 5, None, 4, 2, 2, "causal", "a batch of 1, 4 heads, causal"),
        (3, 3, 7, 6, 4, 2, 4, 5, "padding", "3 queries of width 6 over 7 padded keys of width 4, key_dim 4, value_dim 5"),
        (2, 5, 5, 4, None, 1, 6, 6, None, "one head whose key_dim (6) is larger than the width (4)"),
    ),
    rtol=1e-4,
    atol=1e-5,
    mistakes=[
        edit(
            "q = query @ Wq[:, head] + bq[head]",
            "q = (query @ Wq[:, head] + bq[head]) / np.sqrt(Wq.shape[-1])",
            "The queries are scaled twice: scaled_dot_product_attention already divides the scores by √key_dim (Keras' code scales the "
            "projected queries instead, which is the same thing once, not twice).",
        ),
        edit(
            "Wq, bq, Wk, bk, Wv, bv, Wo, bo = weights",
            "Wq, bq, Wv, bv, Wk, bk, Wo, bo = weights",
            "The key and value weights are swapped: Keras' get_weights() lists the query's kernel and bias, then the key's, then the "
            "value's, then the output's.",
        ),
        edit(
            "Wo.reshape(-1, Wo.shape[-1])",
            "Wo.transpose(1, 0, 2).reshape(-1, Wo.shape[-1])",
            "The output kernel's rows are not in the order of the concatenated heads: the heads' outputs are side by side head after head, "
            "so Wo (heads, value_dim, width) flattens to (heads × value_dim, width) in its own order, head by head.",
        ),
        edit(
            "scaled_dot_product_attention(q, k, v, mask)",
            "scaled_dot_product_attention(q, k, v)",
            "The mask is not passed on to the heads: every head must hide the same keys (a causal mask hides the future in each of them).",
        ),
    ],
    shape_hint="Return (batch, n_q, width_out), width_out being Wo.shape[-1]. Each head's q and k are (batch, n, key_dim), its v "
    "(batch, n_k, value_dim); the heads side by side make (batch, n_q, heads × value_dim).",
)


def _block_arguments(rng: np.random.Generator, batch, n, width, heads, key_dim, hidden, mask, spread, label) -> tuple:
    x = _float32(rng.normal(loc=1.0, scale=spread, size=(batch, n, width)))[0]
    norms = [_float32(1 + 0.3 * rng.normal(size=width), 0.2 * rng.normal(size=width)) for _ in range(2)]
    feed_forward = _float32(rng.normal(scale=0.5, size=(width, hidden)), rng.normal(size=hidden), rng.normal(size=(hidden, width)))
    params = {
        "norm1": norms[0],
        "attention": _attention_weights(rng, width, width, heads, key_dim, key_dim),
        "norm2": norms[1],
        "feed_forward": (*feed_forward, *_float32(rng.normal(size=width))),
    }
    return x, params, _mask(rng, mask, batch, n, n)


TRANSFORMER_BLOCK = FunctionExercise(
    name="transformer_block",
    title="A transformer block",
    idea="Two parts, each added to what came in (a residual connection), each fed a layer-normalised copy of it (the pre-norm order of "
    "GPT-2): first self-attention, then a small feed-forward network applied at every position on its own. Layer normalisation "
    "rescales each position's features to mean 0 and variance 1 (over the features, not the batch), then scales by γ and shifts by β.",
    structure="Layer norm of a (batch, n, width) array: mean and variance over the last axis (keepdims), (x - mean) / √(variance + "
    "epsilon) × gamma + beta, with params['norm1'] (then params['norm2']) as (gamma, beta). Then, in this order: normalise x with "
    "norm1; add to x the multi-head self-attention of the result (it is both the query and the value; pass the mask and "
    "params['attention']); normalise the new x with norm2; add to x the feed-forward part of that, max(0, · W1 + b1) W2 + b2 with "
    "params['feed_forward'] = (W1, b1, W2, b2). Return x.",
    solution="utils.attention.transformer_block",
    stub="my_transformer_block",
    reference=lambda *args: _transformer.keras_transformer_block(*args),
    reference_name="the same block assembled from Keras layers (LayerNormalization, MultiHeadAttention, Dense) given the same weights",
    cases=_cases(
        83,
        _block_arguments,
        (2, 5, 8, 2, 3, 16, None, 0.1, "2 sequences of 5, width 8, 2 heads of key_dim 3, hidden width 16"),
        (2, 6, 6, 3, 4, 10, "causal", 1.0, "causal, 3 heads"),
        (1, 4, 5, 1, 5, 7, "causal", 0.1, "a batch of 1, one head"),
        (3, 7, 4, 2, 2, 12, "padding", 2.0, "a padding mask, width 4"),
        (2, 3, 10, 5, 2, 40, None, 0.1, "5 heads of key_dim 2, hidden width 4 × 10"),
    ),
    rtol=1e-4,
    atol=1e-4,
    mistakes=[
        edit(
            "mean = x.mean(axis=-1, keepdims=True)",
            "mean = x.mean(axis=0, keepdims=True)",
            "The normalisation takes its statistics over the batch (axis 0), as batch normalisation does: layer normalisation normalises "
            "each position of each sequence over its own features, the last axis.",
            ("variance = x.var(axis=-1, keepdims=True)", "variance = x.var(axis=0, keepdims=True)"),
        ),
        edit(
            "x.var(axis=-1, keepdims=True)",
            "x.var(axis=-1, ddof=1, keepdims=True)",
            "The variance is the unbiased one (dividing by n - 1): Keras' LayerNormalization divides by the number of features, n.",
        ),
        edit(
            "np.sqrt(variance + epsilon)",
            "(np.sqrt(variance) + epsilon)",
            "ε is added after the square root: Keras divides by √(variance + ε).",
        ),
        edit(
            "x = x + multi_head_attention(",
            "x = multi_head_attention(",
            "The attention's output replaces x instead of being added to it: the residual connection, x + attention(norm(x)), is what "
            "lets a deep stack of blocks start close to the identity and train.",
        ),
        edit(
            '    h = layer_norm(x, *params["norm1"])\n',
            "    h = x\n",
            "The normalisation comes after each residual sum (the original transformer's post-norm order): this block, like GPT-2's, "
            "normalises the input of each part (pre-norm) and adds the part's output to x as it was.",
            (
                '    x = x + multi_head_attention(h, h, params["attention"], mask)',
                '    x = layer_norm(x + multi_head_attention(h, h, params["attention"], mask), *params["norm1"])',
            ),
            ('    h = layer_norm(x, *params["norm2"])\n', "    h = x\n"),
            (
                "    return x + np.maximum(0, h @ W1 + b1) @ W2 + b2",
                '    return layer_norm(x + np.maximum(0, h @ W1 + b1) @ W2 + b2, *params["norm2"])',
            ),
        ),
        edit(
            "np.maximum(0, h @ W1 + b1)",
            "(h @ W1 + b1)",
            "The feed-forward part has no ReLU between its two layers: without it the two are one linear map.",
        ),
    ],
    shape_hint="Return (batch, n, width), the shape of x. multi_head_attention(h, h, weights, mask) returns (batch, n, width) too; "
    "W1 is (width, hidden) and W2 (hidden, width).",
)

EXERCISES += [SCALED_DOT_PRODUCT_ATTENTION, MULTI_HEAD_ATTENTION, TRANSFORMER_BLOCK]
