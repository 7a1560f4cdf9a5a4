"""Step 7's VAE loss, ``utils.generative.vae_loss`` (the lab's tested solution, which the notebook uses
until the learner's passes), against independent references: its KL term against a Monte Carlo estimate,
its reconstruction term against Keras' binary cross-entropy and the lab checker's reference, and its
reparameterised codes against the distribution they should follow."""

import keras
import numpy as np
import tensorflow as tf

from utils.exercises.step07 import vae_loss_reference
from utils.generative import vae_loss


def _recording_decoder(pixels, codes):
    """A decoder that remembers the codes it is given and returns fixed logits."""

    def decoder(z):
        codes.append(z.numpy())
        return tf.zeros((z.shape[0], pixels))

    return decoder


def test_kl_closed_form_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mean, log_variance = np.array([[0.7, -1.2]]), np.array([[-0.5, 0.8]])
    images = np.zeros((1, 3), dtype="float32")
    *_, kl = vae_loss(
        images, tf.constant(mean, tf.float32), tf.constant(log_variance, tf.float32), tf.zeros((1, 2)), _recording_decoder(3, [])
    )
    z = mean + np.exp(0.5 * log_variance) * rng.normal(size=(400_000, 2))
    variance = np.exp(log_variance)
    log_q = -0.5 * np.sum(np.log(2 * np.pi * variance) + (z - mean) ** 2 / variance, axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z**2, axis=1)
    assert abs(np.mean(log_q - log_p) - float(kl)) < 0.01
    *_, kl_of_the_prior = vae_loss(images, tf.zeros((1, 3)), tf.zeros((1, 3)), tf.zeros((1, 3)), _recording_decoder(3, []))
    assert float(kl_of_the_prior) == 0.0  # N(0, 1) against itself


def test_the_kl_term_is_per_image_then_averaged():
    rng = np.random.default_rng(2)
    mean, log_variance = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(4, 3)).astype("float32")
    per_image = [
        float(
            vae_loss(
                np.zeros((1, 2), "float32"),
                mean[i : i + 1],
                log_variance[i : i + 1],
                np.zeros((1, 3), "float32"),
                _recording_decoder(2, []),
            )[2]
        )
        for i in range(4)
    ]
    batch = float(vae_loss(np.zeros((4, 2), "float32"), mean, log_variance, np.zeros((4, 3), "float32"), _recording_decoder(2, []))[2])
    assert abs(batch - np.mean(per_image)) < 1e-5 and min(per_image) > 0


def test_reconstruction_is_keras_binary_cross_entropy_summed_over_pixels():
    rng = np.random.default_rng(1)
    images = rng.uniform(size=(6, 784)).astype("float32")
    logits = rng.normal(size=(6, 784)).astype("float32")
    _, reconstruction, _ = vae_loss(images, tf.zeros((6, 2)), tf.zeros((6, 2)), tf.zeros((6, 2)), lambda z: tf.constant(logits))
    keras_mean_per_pixel = keras.losses.BinaryCrossentropy(from_logits=True)(images, logits)  # mean over pixels and images
    assert abs(float(reconstruction) - 784 * float(keras_mean_per_pixel)) < 1e-3 * float(reconstruction)
    loss, reference_reconstruction, _ = vae_loss_reference(
        images, tf.zeros((6, 2)), tf.zeros((6, 2)), tf.zeros((6, 2)), lambda z: tf.constant(logits)
    )
    assert abs(float(reference_reconstruction) - float(reconstruction)) < 1e-3


def test_reparameterised_codes_have_the_right_moments():
    rng = np.random.default_rng(1)
    n = 200_000
    mean = np.tile([2.0, -1.0], (n, 1)).astype("float32")
    log_variance = np.tile(np.log([0.25, 4.0]), (n, 1)).astype("float32")
    codes = []
    vae_loss(np.zeros((n, 1), "float32"), mean, log_variance, rng.normal(size=(n, 2)).astype("float32"), _recording_decoder(1, codes))
    (z,) = codes
    assert np.allclose(z.mean(axis=0), [2.0, -1.0], atol=0.02)
    assert np.allclose(z.std(axis=0), [0.5, 2.0], atol=0.02)
