"""The labs of step 7 (``notebooks/07_further_topics.ipynb``).

Every solution and mistake here is written with the notebook's own names (``np``, ``tf``, ``keras``,
``sigmoid`` and the GAN section's ``bce``), so that a test can paste it into the stub cell and run
the notebook with it. TensorFlow and Keras are imported on first use, so that importing the labs
stays cheap.

The independent references: Keras' own ``LSTM`` and ``GRU(reset_after=False)`` layers given the same
weights (section 1); the VAE loss written with other TensorFlow operations (log-sigmoids for the
cross-entropy, the Gaussian KL written with σ; ``tests/test_vae_math.py`` checks the KL term against a
Monte Carlo estimate too); for the GAN step, the course's reference step run on the same fresh
networks; for CD-1, the update written out element by element with loops (and ``utils.rbm``, which
``tests/test_gated_and_rbm.py`` proves equal to it).
"""

from __future__ import annotations

import importlib
import math
import warnings

import numpy as np

from utils.exercises.core import CORRECT, Case, FunctionExercise, Mistake, OutOfTime, conform, first_difference, time_limit
from utils.nn import sigmoid


class _OnFirstUse:
    """A module imported when first used: ``tf.exp`` here imports TensorFlow the first time it runs."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute):
        return getattr(importlib.import_module(self._name), attribute)


tf, keras = _OnFirstUse("tensorflow"), _OnFirstUse("keras")


def _float32(array):
    """The same numbers, rounded to float32 and back, so that Keras (float32) sees exactly them."""
    return np.asarray(array, dtype=np.float32).astype(float)


def _last_line(exc: BaseException) -> str:
    """An exception in one line: TensorFlow's own messages end with the line that matters."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last if last.startswith(type(exc).__name__) else f"{type(exc).__name__}: {last}".rstrip(": ")


class _TrainingExercise(FunctionExercise):
    """A lab whose function the notebook runs inside a ``tf.function`` training step: once its values
    agree, ``in_training(answer)`` runs it that way too and returns None or what goes wrong there."""

    def __init__(self, *args, in_training=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_training = in_training

    def evaluate(self, answer):
        verdict = super().evaluate(answer)
        if verdict.status != CORRECT or self.in_training is None:
            return verdict
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings(), time_limit(self.time_limit):
                warnings.simplefilter("ignore")
                problem = self.in_training(answer)
        except OutOfTime:
            problem = (
                f"Inside tf.function, as the notebook's training step runs it, your function was still running after {self.time_limit:g} s."
            )
        except NotImplementedError as exc:  # what TensorFlow raises when NumPy meets a symbolic tensor
            problem = (
                f"Your function gives the right numbers when run directly, but fails inside tf.function, as the notebook's "
                f"training step runs it: {_last_line(exc)}\nNumPy cannot work on the symbolic tensors of a tf.function: "
                "use TensorFlow operations (tf.exp, tf.reduce_sum, ...)."
            )
        except Exception as exc:  # noqa: BLE001 - learner code
            problem = (
                f"Your function gives the right numbers when run directly, but fails inside tf.function, as the notebook's "
                f"training step runs it: {_last_line(exc)}"
            )
        return verdict if problem is None else self.wrong(problem)


# --- Lab: one LSTM step from Keras' weights (section 1) --------------------------------------------


def lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    """One LSTM step in Olah's names, from the weights of keras.layers.LSTM."""
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias  # (batch, 4 units), in Keras' order i, f, C̃, o
    i = sigmoid(gates[:, :units])  # input gate
    f = sigmoid(gates[:, units : 2 * units])  # forget gate
    c_tilde = np.tanh(gates[:, 2 * units : 3 * units])  # candidate values
    o = sigmoid(gates[:, 3 * units :])  # output gate
    c = f * c + i * c_tilde  # keep part of the old cell, write part of the candidate
    return o * np.tanh(c), c


def lstm_gates_in_olah_order(x, h, c, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias
    f = sigmoid(gates[:, :units])
    i = sigmoid(gates[:, units : 2 * units])
    c_tilde = np.tanh(gates[:, 2 * units : 3 * units])
    o = sigmoid(gates[:, 3 * units :])
    c = f * c + i * c_tilde
    return o * np.tanh(c), c


def lstm_without_tanh_of_the_cell(x, h, c, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias
    i = sigmoid(gates[:, :units])
    f = sigmoid(gates[:, units : 2 * units])
    c_tilde = np.tanh(gates[:, 2 * units : 3 * units])
    o = sigmoid(gates[:, 3 * units :])
    c = f * c + i * c_tilde
    return o * c, c


def lstm_hidden_from_the_old_cell(x, h, c, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias
    i = sigmoid(gates[:, :units])
    f = sigmoid(gates[:, units : 2 * units])
    c_tilde = np.tanh(gates[:, 2 * units : 3 * units])
    o = sigmoid(gates[:, 3 * units :])
    c_new = f * c + i * c_tilde
    return o * np.tanh(c), c_new


def lstm_candidate_through_sigmoid(x, h, c, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias
    i = sigmoid(gates[:, :units])
    f = sigmoid(gates[:, units : 2 * units])
    c_tilde = sigmoid(gates[:, 2 * units : 3 * units])
    o = sigmoid(gates[:, 3 * units :])
    c = f * c + i * c_tilde
    return o * np.tanh(c), c


_KERAS_LAYERS: dict = {}


def _keras_layer(kind: str, inputs: int, units: int):
    """A Keras LSTM or GRU(reset_after=False) layer of the given size (built once, weights set by the caller).
    Zero initialisers and a fixed seed: building it draws nothing from the notebook's random generators."""
    key = (kind, inputs, units)
    if key not in _KERAS_LAYERS:
        options = dict(return_state=True, seed=0, kernel_initializer="zeros", recurrent_initializer="zeros", bias_initializer="zeros")
        layer = keras.layers.LSTM(units, **options) if kind == "lstm" else keras.layers.GRU(units, reset_after=False, **options)
        layer(np.zeros((1, 1, inputs), dtype="float32"))
        _KERAS_LAYERS[key] = layer
    return _KERAS_LAYERS[key]


def keras_lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    """The independent reference: one step of keras.layers.LSTM with these weights, from the state (h, c)."""
    layer = _keras_layer("lstm", x.shape[-1], h.shape[-1])
    layer.set_weights([np.asarray(w, dtype="float32") for w in (kernel, recurrent_kernel, bias)])
    _, h_new, c_new = layer(np.asarray(x, "float32")[:, None, :], initial_state=[np.asarray(h, "float32"), np.asarray(c, "float32")])
    return h_new.numpy().astype(float), c_new.numpy().astype(float)


def _lstm_cases():
    rng = np.random.default_rng(71)
    cases = []
    for batch, inputs, units, label in (
        (4, 3, 5, "a batch of 4, 3 inputs, 5 units"),
        (1, 2, 3, "a batch of 1"),
        (3, 4, 4, "as many inputs as units"),
        (2, 6, 1, "a single unit, 6 inputs"),
    ):
        kernel = rng.normal(scale=0.7, size=(inputs, 4 * units))
        recurrent_kernel = rng.normal(scale=0.7, size=(units, 4 * units))
        bias = rng.normal(size=4 * units)
        x, h, c = rng.normal(size=(batch, inputs)), rng.uniform(-1, 1, size=(batch, units)), rng.normal(size=(batch, units))
        cases.append(Case(tuple(_float32(a) for a in (x, h, c, kernel, recurrent_kernel, bias)), label))
    return cases


LSTM_STEP = FunctionExercise(
    name="lstm_step",
    title="One LSTM step from Keras' weights",
    idea="All four gates read the same x_t and h_{t-1}, so one product gives all their pre-activations at once; Keras keeps "
    "them side by side, a block of `units` columns per gate in the order i, f, C̃, o. Then Olah's equations: σ for the "
    "three gates, tanh for the candidate, the new cell state, and the hidden state from the cell.",
    structure="The pre-activations of all four gates: x times kernel, plus h times recurrent_kernel, plus bias, shape "
    "(batch, 4 units), where units is the width of h. Cut its columns into four blocks of `units`, in the order i, f, "
    "C̃, o. σ of the i, f and o blocks, tanh of the C̃ block. Then C_t = f ⊙ C_{t-1} + i ⊙ C̃ and h_t = o ⊙ tanh(C_t); "
    "return the pair (h_t, C_t).",
    solution=lstm_step,
    stub="my_lstm_step",
    reference=keras_lstm_step,
    reference_name="keras.layers.LSTM given the same weights",
    cases=_lstm_cases,
    names=("h", "c"),
    rtol=1e-5,
    atol=1e-6,
    mistakes=[
        Mistake(
            lstm_gates_in_olah_order,
            "The input and forget gates are swapped: Keras' blocks of columns are i, f, C̃, o, so "
            "the first block is the input gate and the second the forget gate (and f_t multiplies "
            "the old cell state C_{t-1}, i_t the candidate).",
        ),
        Mistake(
            lstm_without_tanh_of_the_cell,
            "The hidden state shows the cell state as it is: the output gate multiplies tanh(C_t), which keeps h between -1 and 1.",
        ),
        Mistake(
            lstm_hidden_from_the_old_cell,
            "The hidden state is made from the old cell state: h_t = o_t ⊙ tanh(C_t) uses the cell state just computed.",
        ),
        Mistake(
            lstm_candidate_through_sigmoid,
            "The candidate goes through σ: the gates use σ (between 0 and 1), the candidate "
            "values tanh (between -1 and 1), so that they can lower the cell state too.",
        ),
    ],
    shape_hint="Return (h, c), both (batch, units): the gates' pre-activations are (batch, 4 units), "
    "one block of `units` columns per gate.",
)


# --- Lab: a GRU step in Olah's convention, from Keras' reset_after=False weights (section 1) -------


def gru_olah(x, h, kernel, recurrent_kernel, bias):
    """One GRU step in Olah's convention, from the weights of keras.layers.GRU(reset_after=False)."""
    units = h.shape[-1]
    W_z, W_r, W_h = kernel[:, :units], kernel[:, units : 2 * units], kernel[:, 2 * units :]
    U_z, U_r, U_h = recurrent_kernel[:, :units], recurrent_kernel[:, units : 2 * units], recurrent_kernel[:, 2 * units :]
    b_z, b_r, b_h = bias[:units], bias[units : 2 * units], bias[2 * units :]
    z = 1 - sigmoid(x @ W_z + h @ U_z + b_z)  # Olah's update gate: Keras' block gives the share to keep
    r = sigmoid(x @ W_r + h @ U_r + b_r)  # reset gate
    h_tilde = np.tanh(x @ W_h + (r * h) @ U_h + b_h)  # candidate: the reset scales h before its product
    return (1 - z) * h + z * h_tilde


def gru_update_gate_not_reversed(x, h, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    W_z, W_r, W_h = kernel[:, :units], kernel[:, units : 2 * units], kernel[:, 2 * units :]
    U_z, U_r, U_h = recurrent_kernel[:, :units], recurrent_kernel[:, units : 2 * units], recurrent_kernel[:, 2 * units :]
    b_z, b_r, b_h = bias[:units], bias[units : 2 * units], bias[2 * units :]
    z = sigmoid(x @ W_z + h @ U_z + b_z)
    r = sigmoid(x @ W_r + h @ U_r + b_r)
    h_tilde = np.tanh(x @ W_h + (r * h) @ U_h + b_h)
    return (1 - z) * h + z * h_tilde


def gru_reset_after_the_product(x, h, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    W_z, W_r, W_h = kernel[:, :units], kernel[:, units : 2 * units], kernel[:, 2 * units :]
    U_z, U_r, U_h = recurrent_kernel[:, :units], recurrent_kernel[:, units : 2 * units], recurrent_kernel[:, 2 * units :]
    b_z, b_r, b_h = bias[:units], bias[units : 2 * units], bias[2 * units :]
    z = 1 - sigmoid(x @ W_z + h @ U_z + b_z)
    r = sigmoid(x @ W_r + h @ U_r + b_r)
    h_tilde = np.tanh(x @ W_h + r * (h @ U_h) + b_h)
    return (1 - z) * h + z * h_tilde


def gru_gates_swapped(x, h, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    W_r, W_z, W_h = kernel[:, :units], kernel[:, units : 2 * units], kernel[:, 2 * units :]
    U_r, U_z, U_h = recurrent_kernel[:, :units], recurrent_kernel[:, units : 2 * units], recurrent_kernel[:, 2 * units :]
    b_r, b_z, b_h = bias[:units], bias[units : 2 * units], bias[2 * units :]
    z = 1 - sigmoid(x @ W_z + h @ U_z + b_z)
    r = sigmoid(x @ W_r + h @ U_r + b_r)
    h_tilde = np.tanh(x @ W_h + (r * h) @ U_h + b_h)
    return (1 - z) * h + z * h_tilde


def keras_gru_step(x, h, kernel, recurrent_kernel, bias):
    """The independent reference: one step of keras.layers.GRU(reset_after=False) with these weights, from h."""
    layer = _keras_layer("gru", x.shape[-1], h.shape[-1])
    layer.set_weights([np.asarray(w, dtype="float32") for w in (kernel, recurrent_kernel, bias)])
    _, h_new = layer(np.asarray(x, "float32")[:, None, :], initial_state=[np.asarray(h, "float32")])
    return h_new.numpy().astype(float)


def _along_the_sequence(step):
    """Run a GRU step along each sequence from its initial state: the hidden state after every step,
    (batch, time, units). A step that returns something else stops the run, and that is compared."""

    def run(sequence, h, kernel, recurrent_kernel, bias):
        states = []
        for t in range(sequence.shape[1]):
            new = step(sequence[:, t], h.copy(), kernel, recurrent_kernel, bias)  # a copy: the states stored stay as they were
            if new is None or isinstance(new, (str, bytes)) or np.shape(new) != h.shape:
                return new
            h = np.array(new, dtype=float)
            states.append(h)
        return np.stack(states, axis=1)

    return run


def _gru_cases():
    rng = np.random.default_rng(72)
    cases = []
    for batch, time, inputs, units, label in (
        (3, 4, 2, 5, "3 sequences of 4 steps, 2 inputs, 5 units"),
        (1, 3, 4, 2, "a batch of 1"),
        (2, 1, 3, 3, "a single step"),
        (2, 6, 1, 4, "one input, 6 steps"),
    ):
        sequence = rng.normal(size=(batch, time, inputs))
        h = rng.uniform(-1, 1, size=(batch, units))
        kernel, recurrent_kernel = rng.normal(scale=0.8, size=(inputs, 3 * units)), rng.normal(scale=0.8, size=(units, 3 * units))
        bias = rng.normal(size=3 * units)
        cases.append(Case(tuple(_float32(a) for a in (sequence, h, kernel, recurrent_kernel, bias)), label))
    return cases


GRU_OLAH = FunctionExercise(
    name="gru_olah",
    title="A GRU step in Olah's convention, from Keras' weights",
    idea="Cut Keras' weights into the three gates (its order is z, r, h̃). Keras' update-gate block gives the share of the old "
    "state to keep, Olah's z the share of the candidate to write: one is 1 minus the other. The reset gate scales the old "
    "state before it is multiplied by the candidate's recurrent weights.",
    structure="Cut the columns of kernel, recurrent_kernel and bias into three blocks of `units` (the width of h): z, r, h̃. "
    "Keras' z block gives σ(x W_z + h U_z + b_z), the share of h that is kept; Olah's z is 1 minus that. "
    "r = σ(x W_r + h U_r + b_r). The candidate is tanh(x W_h + (r ⊙ h) U_h + b_h): the reset scales h before its "
    "product. The new state is (1 - z) ⊙ h + z ⊙ h̃, shape (batch, units).",
    solution=gru_olah,
    stub="my_gru_step",
    reference=keras_gru_step,
    reference_name="keras.layers.GRU(reset_after=False) given the same weights, run along each sequence",
    cases=_gru_cases,
    adapter=_along_the_sequence,
    rtol=1e-5,
    atol=1e-6,
    mistakes=[
        Mistake(
            gru_update_gate_not_reversed,
            "The update gate is Keras', not Olah's: Keras' z is the share of the old state that "
            "is kept, Olah's z the share of the candidate that is written, so one is 1 minus the other.",
        ),
        Mistake(
            gru_reset_after_the_product,
            "The reset gate is applied after the product with the recurrent weights (that is "
            "Keras' reset_after=True form): here it scales h_{t-1} before the product.",
        ),
        Mistake(gru_gates_swapped, "The update and reset gates are swapped: Keras' blocks of columns are z, r, h̃, in that order."),
    ],
    shape_hint="Your step returns the new hidden state, (batch, units). The check runs it along each sequence from the given "
    "state and compares the state after every step, (batch, time, units).",
)


# --- Lab: the VAE's loss (section 4) ----------------------------------------------------------------


def vae_loss(images, mean, log_variance, epsilon, decoder):
    """The VAE loss of a batch, averaged over the images (nats per image)."""
    z = mean + tf.exp(0.5 * log_variance) * epsilon  # the reparameterised code
    logits = decoder(z)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_sum(per_pixel, axis=1)  # -log p(x | z), one per image
    kl = -0.5 * tf.reduce_sum(1 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=1)
    return tf.reduce_mean(reconstruction + kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def vae_sigma_is_the_variance(images, mean, log_variance, epsilon, decoder):
    z = mean + tf.exp(log_variance) * epsilon
    logits = decoder(z)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_sum(per_pixel, axis=1)
    kl = -0.5 * tf.reduce_sum(1 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=1)
    return tf.reduce_mean(reconstruction + kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def vae_kl_sign_flipped(images, mean, log_variance, epsilon, decoder):
    z = mean + tf.exp(0.5 * log_variance) * epsilon
    logits = decoder(z)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_sum(per_pixel, axis=1)
    kl = 0.5 * tf.reduce_sum(1 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=1)
    return tf.reduce_mean(reconstruction + kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def vae_kl_summed_over_the_batch(images, mean, log_variance, epsilon, decoder):
    z = mean + tf.exp(0.5 * log_variance) * epsilon
    logits = decoder(z)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_sum(per_pixel, axis=1)
    kl = -0.5 * tf.reduce_sum(1 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=0)
    return tf.reduce_mean(reconstruction) + tf.reduce_mean(kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def vae_reconstruction_averaged_over_pixels(images, mean, log_variance, epsilon, decoder):
    z = mean + tf.exp(0.5 * log_variance) * epsilon
    logits = decoder(z)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_mean(per_pixel, axis=1)
    kl = -0.5 * tf.reduce_sum(1 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=1)
    return tf.reduce_mean(reconstruction + kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def vae_loss_reference(images, mean, log_variance, epsilon, decoder):
    """The independent reference, in other TensorFlow operations: σ as the square root of the variance,
    the cross-entropy from log-sigmoids, and KL(N(μ, σ²) || N(0, 1)) = -log σ + (σ² + μ²) / 2 - 1/2."""
    sigma = tf.sqrt(tf.exp(log_variance))
    logits = decoder(mean + sigma * epsilon)
    log_likelihood = images * tf.math.log_sigmoid(logits) + (1 - images) * tf.math.log_sigmoid(-logits)
    reconstruction = -tf.reduce_sum(log_likelihood, axis=-1)
    kl = tf.reduce_sum(-tf.math.log(sigma) + (sigma**2 + mean**2) / 2 - 0.5, axis=-1)
    return tf.reduce_mean(reconstruction) + tf.reduce_mean(kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def _decoder(weights):
    """A small fixed decoder, codes (batch, latent) -> pixel logits (batch, pixels), from its NumPy weights."""
    W1, b1, W2, b2 = (tf.constant(w, dtype=tf.float32) for w in weights)
    return lambda z: tf.tanh(tf.cast(z, tf.float32) @ W1 + b1) @ W2 + b2


def _with_tensors(loss_function):
    """Call a VAE loss as the training step does: float32 tensors, and a decoder that is a function."""

    def run(images, mean, log_variance, epsilon, decoder_weights):
        tensors = [tf.constant(a, dtype=tf.float32) for a in (images, mean, log_variance, epsilon)]
        return loss_function(*tensors, _decoder(decoder_weights))

    return run


def _vae_cases():
    rng = np.random.default_rng(74)
    cases = []
    for batch, pixels, latent, label in (
        (5, 12, 2, "5 images of 12 pixels, a 2-D code"),
        (1, 784, 2, "a single MNIST-sized image"),
        (4, 6, 3, "the encoder already says N(0, I)"),
        (3, 10, 1, "binary images, a 1-D code"),
    ):
        images = rng.uniform(0, 1, size=(batch, pixels))
        if label.startswith("binary"):
            images = (images > 0.5).astype(float)
        if "N(0, I)" in label:
            mean, log_variance = np.zeros((batch, latent)), np.zeros((batch, latent))
        else:
            mean, log_variance = rng.normal(size=(batch, latent)), rng.normal(scale=0.8, size=(batch, latent))
        epsilon = rng.normal(size=(batch, latent))
        decoder = (rng.normal(size=(latent, 8)), rng.normal(size=8), rng.normal(scale=0.6, size=(8, pixels)), rng.normal(size=pixels))
        cases.append(Case(tuple(_float32(a) for a in (images, mean, log_variance, epsilon)) + (decoder,), label))
    return cases


def _vae_gradients(loss_function, images, mean, log_variance, epsilon, decoder_weights, graph=True):
    """∂loss/∂mean and ∂loss/∂log_variance; with ``graph``, the loss is computed inside tf.function for a
    batch of any size, as the notebook's training step computes it."""
    decoder = _decoder(decoder_weights)
    specs = [tf.TensorSpec((None,) + a.shape[1:], tf.float32) for a in (images, mean, log_variance, epsilon)]

    def gradients(images, mean, log_variance, epsilon):
        with tf.GradientTape() as tape:
            tape.watch([mean, log_variance])
            loss = loss_function(images, mean, log_variance, epsilon, decoder)[0]
        return tape.gradient(loss, [mean, log_variance])

    function = tf.function(gradients, input_signature=specs) if graph else gradients
    return function(*[tf.constant(a, dtype=tf.float32) for a in (images, mean, log_variance, epsilon)])


_REFERENCE_GRADIENTS: list = []


def _vae_in_training(answer):
    case = VAE_LOSS.cases[0]
    if not _REFERENCE_GRADIENTS:
        _REFERENCE_GRADIENTS.extend(g.numpy() for g in _vae_gradients(vae_loss_reference, *case.args, graph=False))
    got = _vae_gradients(answer, *case.args)
    for name, g, e in zip(("mean", "log_variance"), got, _REFERENCE_GRADIENTS):
        if g is None:
            return (
                f"Your loss has the right value, but no gradient reaches {name} from it (for the case “{case.label}”): "
                "compute it with TensorFlow operations (tf.exp, tf.reduce_sum, ...), which tf.GradientTape can follow, "
                "so that training can use it."
            )
        if not np.allclose(g.numpy(), e, rtol=1e-4, atol=1e-4):
            return (
                f"Your loss has the right value, but its gradient with respect to {name} is not the loss's (for the case "
                f"“{case.label}”): is part of it computed outside TensorFlow, or behind tf.stop_gradient?"
            )
    return None


VAE_LOSS = _TrainingExercise(
    name="vae_loss",
    title="The VAE's loss",
    idea="Three pieces. The code is a sample from the encoder's distribution, written so that gradients reach the mean and the "
    "variance: z = μ + σ ⊙ ε with σ from the log-variance. The reconstruction term is -log p(x | z): a binary cross-entropy "
    "per pixel between the image and the decoder's logits, summed over each image's pixels. The KL term is the closed form "
    "for two Gaussians, summed over each image's latent dimensions. The loss averages their sum over the images.",
    structure="The code: μ + exp(½ log σ²) ⊙ ε, (batch, latent). The decoder's logits for it, (batch, pixels). Per pixel, "
    "TensorFlow's sigmoid cross-entropy with logits (the images are the labels), summed over the pixels: one number "
    "per image, (batch,). The KL, -½ Σ_j (1 + log σ_j² - μ_j² - σ_j²) over the latent axis: (batch,). Return the "
    "batch means of their sum, of the reconstruction and of the KL, in that order, with TensorFlow operations throughout.",
    solution=vae_loss,
    stub="my_vae_loss",
    reference=vae_loss_reference,
    reference_name="the same loss written with other TensorFlow operations (log-sigmoids, the Gaussian KL with σ)",
    cases=_vae_cases,
    adapter=_with_tensors,
    names=("loss", "reconstruction", "kl"),
    rtol=1e-4,
    atol=1e-4,
    in_training=_vae_in_training,
    mistakes=[
        Mistake(
            vae_sigma_is_the_variance, "The code is drawn with exp(log σ²) = σ² as its spread: the standard deviation is σ = exp(½ log σ²)."
        ),
        Mistake(vae_kl_sign_flipped, "The KL term has the wrong sign: a KL divergence is never negative."),
        Mistake(
            vae_kl_summed_over_the_batch,
            "The KL term is summed over the batch (axis 0): sum over each image's latent "
            "dimensions, one KL per image, then average over the images.",
        ),
        Mistake(
            vae_reconstruction_averaged_over_pixels,
            "The reconstruction term is averaged over the pixels: -log p(x | z) "
            "is a sum over the pixels of each image (each pixel is its own Bernoulli).",
        ),
    ],
    shape_hint="Return three numbers, (loss, reconstruction, kl), each a mean over the batch: the sums over pixels and over "
    "latent dimensions come first, one value per image.",
)


# --- Lab: one GAN training step (section 5) ----------------------------------------------------------


def bce(labels, scores):
    """The notebook's ``bce``: keras.losses.BinaryCrossentropy(from_logits=True), averaged over the batch."""
    return keras.losses.BinaryCrossentropy(from_logits=True)(labels, scores)


def gan_step(real, noise, generator, discriminator, generator_optimizer, discriminator_optimizer):
    """One GAN training step: the discriminator's update, then the generator's. Returns (d_loss, g_loss)."""
    fake = generator(noise)  # outside the tape: a fixed input for D's update
    with tf.GradientTape() as d_tape:
        real_scores, fake_scores = discriminator(real), discriminator(fake)
        d_loss = bce(tf.ones_like(real_scores), real_scores) + bce(tf.zeros_like(fake_scores), fake_scores)
    d_variables = discriminator.trainable_variables
    discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))
    with tf.GradientTape() as g_tape:
        scores = discriminator(generator(noise))  # the updated discriminator
        g_loss = bce(tf.ones_like(scores), scores)  # non-saturating: -log D(G(z))
    g_variables = generator.trainable_variables
    generator_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_variables), g_variables))
    return d_loss, g_loss


def gan_saturating_generator_loss(real, noise, generator, discriminator, generator_optimizer, discriminator_optimizer):
    fake = generator(noise)
    with tf.GradientTape() as d_tape:
        real_scores, fake_scores = discriminator(real), discriminator(fake)
        d_loss = bce(tf.ones_like(real_scores), real_scores) + bce(tf.zeros_like(fake_scores), fake_scores)
    d_variables = discriminator.trainable_variables
    discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))
    with tf.GradientTape() as g_tape:
        scores = discriminator(generator(noise))
        g_loss = -bce(tf.zeros_like(scores), scores)
    g_variables = generator.trainable_variables
    generator_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_variables), g_variables))
    return d_loss, g_loss


def gan_labels_swapped(real, noise, generator, discriminator, generator_optimizer, discriminator_optimizer):
    fake = generator(noise)
    with tf.GradientTape() as d_tape:
        real_scores, fake_scores = discriminator(real), discriminator(fake)
        d_loss = bce(tf.zeros_like(real_scores), real_scores) + bce(tf.ones_like(fake_scores), fake_scores)
    d_variables = discriminator.trainable_variables
    discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))
    with tf.GradientTape() as g_tape:
        scores = discriminator(generator(noise))
        g_loss = bce(tf.ones_like(scores), scores)
    g_variables = generator.trainable_variables
    generator_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_variables), g_variables))
    return d_loss, g_loss


def gan_fake_batch_not_detached(real, noise, generator, discriminator, generator_optimizer, discriminator_optimizer):
    with tf.GradientTape(persistent=True) as tape:
        fake = generator(noise)
        real_scores, fake_scores = discriminator(real), discriminator(fake)
        d_loss = bce(tf.ones_like(real_scores), real_scores) + bce(tf.zeros_like(fake_scores), fake_scores)
    d_variables, g_variables = discriminator.trainable_variables, generator.trainable_variables
    discriminator_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_variables), d_variables))
    generator_optimizer.apply_gradients(zip(tape.gradient(d_loss, g_variables), g_variables))
    with tf.GradientTape() as g_tape:
        scores = discriminator(generator(noise))
        g_loss = bce(tf.ones_like(scores), scores)
    generator_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_variables), g_variables))
    return d_loss, g_loss


def gan_generator_scored_by_the_old_discriminator(real, noise, generator, discriminator, generator_optimizer, discriminator_optimizer):
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        fake = generator(noise)
        real_scores, fake_scores = discriminator(real), discriminator(fake)
        d_loss = bce(tf.ones_like(real_scores), real_scores) + bce(tf.zeros_like(fake_scores), fake_scores)
        g_loss = bce(tf.ones_like(fake_scores), fake_scores)
    d_variables, g_variables = discriminator.trainable_variables, generator.trainable_variables
    discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_variables), d_variables))
    generator_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_variables), g_variables))
    return d_loss, g_loss


def _network(sizes, rng, name):
    """A small dense network (ReLU hidden layers) with fixed random weights; nothing drawn from Keras' generators."""
    layers = [keras.Input((sizes[0],))]
    layers += [keras.layers.Dense(n, activation="relu", kernel_initializer="zeros") for n in sizes[1:-1]]
    layers += [keras.layers.Dense(sizes[-1], kernel_initializer="zeros")]
    model = keras.Sequential(layers, name=name)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _optimizer(kind, learning_rate):
    return keras.optimizers.SGD(learning_rate) if kind == "sgd" else keras.optimizers.Adam(learning_rate, beta_1=0.5)


def _gan_setting(spec):
    """Fresh networks and optimizers for a case: (generator, discriminator, generator_optimizer, discriminator_optimizer)."""
    rng = np.random.default_rng(spec["seed"])
    generator = _network(spec["generator"], rng, "generator")
    discriminator = _network(spec["discriminator"], rng, "discriminator")
    generator_optimizer = _optimizer(spec["optimizer"], spec["generator_rate"])
    discriminator_optimizer = _optimizer(spec["optimizer"], spec["discriminator_rate"])
    # Built here, so that a step the learner decorated with @tf.function creates no variables when it
    # meets the fresh networks of the next case (tf.function allows that only on its first call).
    generator_optimizer.build(generator.trainable_variables)
    discriminator_optimizer.build(discriminator.trainable_variables)
    return generator, discriminator, generator_optimizer, discriminator_optimizer


def _weights(model):
    return tuple(np.asarray(w, dtype=float) for w in model.get_weights())


def _on_fresh_networks(step, graph=False):
    """Run a GAN step on a case's fresh networks, once per batch of the case; compare the last step's
    losses and both networks' weights afterwards."""

    def run(spec):
        generator, discriminator, generator_optimizer, discriminator_optimizer = _gan_setting(spec)
        function = tf.function(step) if graph else step
        losses = None
        for real, noise in spec["batches"]:
            losses = function(
                tf.constant(real, dtype=tf.float32),
                tf.constant(noise, dtype=tf.float32),
                generator,
                discriminator,
                generator_optimizer,
                discriminator_optimizer,
            )
            if losses is None:
                return None
        if not isinstance(losses, (tuple, list)) or len(losses) != 2:
            return losses
        return losses[0], losses[1], _weights(generator), _weights(discriminator)

    return run


def _gan_cases():
    rng = np.random.default_rng(75)

    def ring(n):
        angles = rng.uniform(0, 2 * np.pi, n)
        return np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def spec(seed, generator, discriminator, optimizer, rates, batch_sizes):
        batches = [(ring(n_real), rng.normal(size=(n_fake, generator[0]))) for n_real, n_fake in batch_sizes]
        return dict(
            seed=seed,
            generator=generator,
            discriminator=discriminator,
            optimizer=optimizer,
            generator_rate=rates[0],
            discriminator_rate=rates[1],
            batches=batches,
        )

    return [
        Case((spec(1, [2, 8, 2], [2, 8, 1], "sgd", (0.5, 0.5), [(6, 6)]),), "SGD, batches of 6"),
        Case((spec(2, [3, 6, 2], [2, 5, 1], "sgd", (0.3, 0.8), [(5, 7)]),), "5 real and 7 fake points, a learning rate for each network"),
        Case((spec(3, [2, 2], [2, 4, 4, 1], "sgd", (0.5, 0.5), [(1, 1)]),), "one real and one fake point, a one-layer generator"),
        Case((spec(4, [2, 8, 2], [2, 8, 1], "adam", (0.01, 0.01), [(6, 6), (6, 6)]),), "Adam, two steps in a row"),
    ]


def _gan_in_training(answer):
    case = GAN_STEP.cases[0]
    got = _on_fresh_networks(answer, graph=True)(*case.args)
    expected = GAN_STEP.expected(0)
    converted, problem = conform(got, expected, "", GAN_STEP.names)
    problem = problem or first_difference(converted, expected, GAN_STEP.rtol, GAN_STEP.atol, GAN_STEP.names)
    if problem:
        return (
            f"Your step is right when run directly, but inside tf.function, as the notebook's training loop runs it, it "
            f"gives something else for the case “{case.label}”: {problem}"
        )
    return None


GAN_STEP = _TrainingExercise(
    name="gan_step",
    title="One GAN training step",
    idea="Two updates in turn, each with its own tape, loss and optimizer. The discriminator learns to call real points real (1) "
    "and the generator's points fake (0); those points are a fixed input to it, so only its own weights move. Then the "
    "generator learns to make the updated discriminator call its points real: the non-saturating loss -log D(G(z)).",
    structure="The generator's points, made outside any tape. First tape: the discriminator's scores on the real and on the "
    "fake points; d_loss is bce with labels 1 on the real scores plus bce with labels 0 on the fake ones; its gradients "
    "with respect to the discriminator's trainable variables, applied by discriminator_optimizer. Second tape: the "
    "updated discriminator's scores on points the generator makes anew; g_loss is bce with labels 1 on them; its "
    "gradients with respect to the generator's trainable variables, applied by generator_optimizer. Return (d_loss, g_loss).",
    solution=gan_step,
    stub="my_gan_step",
    reference_name="the course's reference step, run on the same fresh networks with the same fixed weights and noise",
    cases=_gan_cases,
    adapter=_on_fresh_networks,
    names=("d_loss", "g_loss", "the generator's weights", "the discriminator's weights"),
    rtol=1e-4,
    atol=1e-5,
    time_limit=20,
    in_training=_gan_in_training,
    mistakes=[
        Mistake(
            gan_saturating_generator_loss,
            "The generator minimises log(1 - D(G(z))), the saturating loss, whose gradient "
            "vanishes while the discriminator still rejects the fakes; train it to make D call "
            "them real instead (-log D(G(z)), the non-saturating loss).",
        ),
        Mistake(gan_labels_swapped, "The discriminator's labels are swapped: real points are labelled 1, the generator's 0."),
        Mistake(
            gan_fake_batch_not_detached,
            "The discriminator's update also changes the generator: in that update the fake "
            "points are a fixed input, and only the discriminator's weights move.",
        ),
        Mistake(
            gan_generator_scored_by_the_old_discriminator,
            "The generator is trained against the discriminator as it was "
            "before its update: this step updates the discriminator first, "
            "then scores the fakes again with it for the generator's update.",
        ),
    ],
    shape_hint="Return the two losses, (d_loss, g_loss), each a number. The check then compares them, and both networks' "
    "weights after your step, with the reference's.",
)


# --- Lab: the RBM's CD-1 update (section 6) ---------------------------------------------------------


def cd1_update(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    """One CD-1 update of an RBM for the batch v0. Returns the new (W, b, c)."""
    h0 = sigmoid(v0 @ W + c)  # positive phase: p(h = 1 | data)
    h0_sample = (uniform_hidden < h0).astype(float)  # draw the hidden units
    v1 = (uniform_visible < sigmoid(h0_sample @ W.T + b)).astype(float)  # ... then the reconstruction
    h1 = sigmoid(v1 @ W + c)  # negative phase: p(h = 1 | reconstruction)
    n = len(v0)
    W = W + learning_rate * (v0.T @ h0 - v1.T @ h1) / n
    b = b + learning_rate * (v0 - v1).mean(axis=0)
    c = c + learning_rate * (h0 - h1).mean(axis=0)
    return W, b, c


def cd1_negative_phase_with_samples(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    h0 = sigmoid(v0 @ W + c)
    h0_sample = (uniform_hidden < h0).astype(float)
    v1 = (uniform_visible < sigmoid(h0_sample @ W.T + b)).astype(float)
    n = len(v0)
    W = W + learning_rate * (v0.T @ h0 - v1.T @ h0_sample) / n
    b = b + learning_rate * (v0 - v1).mean(axis=0)
    c = c + learning_rate * (h0 - h0_sample).mean(axis=0)
    return W, b, c


def cd1_descends(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    h0 = sigmoid(v0 @ W + c)
    h0_sample = (uniform_hidden < h0).astype(float)
    v1 = (uniform_visible < sigmoid(h0_sample @ W.T + b)).astype(float)
    h1 = sigmoid(v1 @ W + c)
    n = len(v0)
    W = W - learning_rate * (v0.T @ h0 - v1.T @ h1) / n
    b = b - learning_rate * (v0 - v1).mean(axis=0)
    c = c - learning_rate * (h0 - h1).mean(axis=0)
    return W, b, c


def cd1_sums_over_the_batch(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    h0 = sigmoid(v0 @ W + c)
    h0_sample = (uniform_hidden < h0).astype(float)
    v1 = (uniform_visible < sigmoid(h0_sample @ W.T + b)).astype(float)
    h1 = sigmoid(v1 @ W + c)
    W = W + learning_rate * (v0.T @ h0 - v1.T @ h1)
    b = b + learning_rate * (v0 - v1).sum(axis=0)
    c = c + learning_rate * (h0 - h1).sum(axis=0)
    return W, b, c


def cd1_reconstruction_not_drawn(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    h0 = sigmoid(v0 @ W + c)
    h0_sample = (uniform_hidden < h0).astype(float)
    v1 = sigmoid(h0_sample @ W.T + b)
    h1 = sigmoid(v1 @ W + c)
    n = len(v0)
    W = W + learning_rate * (v0.T @ h0 - v1.T @ h1) / n
    b = b + learning_rate * (v0 - v1).mean(axis=0)
    c = c + learning_rate * (h0 - h1).mean(axis=0)
    return W, b, c


def cd1_draws_reversed(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    h0 = sigmoid(v0 @ W + c)
    h0_sample = (uniform_hidden > h0).astype(float)
    v1 = (uniform_visible > sigmoid(h0_sample @ W.T + b)).astype(float)
    h1 = sigmoid(v1 @ W + c)
    n = len(v0)
    W = W + learning_rate * (v0.T @ h0 - v1.T @ h1) / n
    b = b + learning_rate * (v0 - v1).mean(axis=0)
    c = c + learning_rate * (h0 - h1).mean(axis=0)
    return W, b, c


def cd1_by_elements(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    """The independent reference: CD-1 written out unit by unit and example by example, with loops."""
    n, n_visible = v0.shape
    n_hidden = len(c)
    s = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731
    W_new, b_new, c_new = np.array(W, dtype=float), np.array(b, dtype=float), np.array(c, dtype=float)
    for e in range(n):
        h0 = [s(c[j] + sum(v0[e, i] * W[i, j] for i in range(n_visible))) for j in range(n_hidden)]
        h_sample = [1.0 if uniform_hidden[e, j] < h0[j] else 0.0 for j in range(n_hidden)]
        v1 = [
            1.0 if uniform_visible[e, i] < s(b[i] + sum(W[i, j] * h_sample[j] for j in range(n_hidden))) else 0.0 for i in range(n_visible)
        ]
        h1 = [s(c[j] + sum(v1[i] * W[i, j] for i in range(n_visible))) for j in range(n_hidden)]
        for i in range(n_visible):
            b_new[i] += learning_rate * (v0[e, i] - v1[i]) / n
            for j in range(n_hidden):
                W_new[i, j] += learning_rate * (v0[e, i] * h0[j] - v1[i] * h1[j]) / n
        for j in range(n_hidden):
            c_new[j] += learning_rate * (h0[j] - h1[j]) / n
    return W_new, b_new, c_new


#: The tiny case of tests/test_gated_and_rbm.py, written out there element by element.
TINY_RBM_CASE = (
    np.array([[1.0, 0.0, 1.0]]),
    np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.6]]),
    np.array([0.1, -0.1, 0.0]),
    np.array([0.2, -0.3]),
    np.array([[0.3, 0.9]]),
    np.array([[0.2, 0.7, 0.6]]),
    1.0,
)


def _cd1_cases():
    rng = np.random.default_rng(76)
    cases = []
    for batch, n_visible, n_hidden, rate, label in (
        (5, 6, 4, 0.1, "a batch of 5, 6 visible and 4 hidden units"),
        (8, 10, 3, 0.5, "a batch of 8, learning rate 0.5"),
        (4, 3, 1, 0.2, "a single hidden unit"),
    ):
        v0 = (rng.random((batch, n_visible)) < 0.5).astype(float)
        W, b, c = rng.normal(size=(n_visible, n_hidden)), rng.normal(scale=0.5, size=n_visible), rng.normal(scale=0.5, size=n_hidden)
        cases.append(Case((v0, W, b, c, rng.random((batch, n_hidden)), rng.random((batch, n_visible)), rate), label))
    cases.insert(
        1,
        Case(
            tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in TINY_RBM_CASE),
            "the tiny case: one example, 3 visible and 2 hidden units",
        ),
    )
    return cases


CD1_UPDATE = FunctionExercise(
    name="cd1_update",
    title="The RBM's CD-1 update",
    idea="Data statistics minus reconstruction statistics. Positive phase: the hidden probabilities given the data. One Gibbs "
    "step: draw binary hidden units from them, then a binary reconstruction of the visible units from those. Negative "
    "phase: the hidden probabilities given the reconstruction. Each parameter climbs by the learning rate times "
    "(data statistic - reconstruction statistic), averaged over the batch.",
    structure="h₀ = σ(v₀ W + c), (batch, n_hidden). The hidden sample is 1 where uniform_hidden is below h₀, else 0. The "
    "reconstruction v₁ is 1 where uniform_visible is below σ(sample Wᵀ + b), (batch, n_visible). h₁ = σ(v₁ W + c). With "
    "n examples: W grows by rate × (v₀ᵀ h₀ - v₁ᵀ h₁) / n, b by rate × the batch mean of v₀ - v₁, c by rate × the batch "
    "mean of h₀ - h₁. Return the new (W, b, c).",
    solution=cd1_update,
    stub="my_cd1_update",
    reference=cd1_by_elements,
    reference_name="CD-1 written out unit by unit with loops (and utils.rbm.cd1_update, proven equal to it in the tests)",
    cases=_cd1_cases,
    names=("W", "b", "c"),
    rtol=1e-9,
    atol=1e-12,
    mistakes=[
        Mistake(
            cd1_negative_phase_with_samples,
            "The negative statistics use the binary hidden sample that made the "
            "reconstruction: use the hidden probabilities given the reconstruction, p(h | v₁).",
        ),
        Mistake(
            cd1_descends,
            "The update goes the wrong way: CD-1 climbs the log-likelihood, so data statistics minus reconstruction statistics are added.",
        ),
        Mistake(
            cd1_sums_over_the_batch,
            "The statistics are summed over the batch: average them (divide by the number of "
            "examples), or the step grows with the batch size.",
        ),
        Mistake(
            cd1_reconstruction_not_drawn,
            "The reconstruction is left as probabilities: this step draws a binary reconstruction from them with uniform_visible.",
        ),
        Mistake(
            cd1_draws_reversed,
            "The draws are reversed: a unit is on when its random number is below its probability, so that it is on with that probability.",
        ),
    ],
    shape_hint="Return (W, b, c) with the shapes they came in: W (n_visible, n_hidden), b (n_visible,), c (n_hidden,).",
)

EXERCISES = [LSTM_STEP, GRU_OLAH, VAE_LOSS, GAN_STEP, CD1_UPDATE]
