"""The VAE pieces of step 7 against independent references: the KL formula against a Monte Carlo
estimate, and reparameterised samples against the distribution they should follow."""

import numpy as np

from utils.exercises.step07 import kl_divergence, reparameterize


def test_kl_closed_form_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mean, log_variance = np.array([[0.7, -1.2]]), np.array([[-0.5, 0.8]])
    z = reparameterize(mean, log_variance, rng.normal(size=(400_000, 2)))
    variance = np.exp(log_variance)
    log_q = -0.5 * np.sum(np.log(2 * np.pi * variance) + (z - mean) ** 2 / variance, axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z**2, axis=1)
    assert abs(np.mean(log_q - log_p) - kl_divergence(mean, log_variance)[0]) < 0.01
    assert kl_divergence(np.zeros((1, 3)), np.zeros((1, 3)))[0] == 0.0  # N(0, 1) against itself


def test_reparameterised_samples_have_the_right_moments():
    rng = np.random.default_rng(1)
    z = reparameterize(np.array([2.0, -1.0]), np.log(np.array([0.25, 4.0])), rng.normal(size=(200_000, 2)))
    assert np.allclose(z.mean(axis=0), [2.0, -1.0], atol=0.02)
    assert np.allclose(z.std(axis=0), [0.5, 2.0], atol=0.02)
