"""The generative models' TensorFlow pieces of step 7: the VAE's loss and one GAN training step.

Taught in step 7 (``notebooks/07_further_topics.ipynb``): ``vae_loss`` in section 4 ("A variational
autoencoder"), ``gan_step`` in section 5 ("A small GAN"). The learner writes each as a lab
(``utils/exercises/step07.py`` checks them), and these tested versions train the notebook's models
until theirs pass. They use only the notebook's own names (``tf``, and the GAN section's ``bce``), so
that either can be pasted into its stub cell as it is. One example per row.
"""

from __future__ import annotations

import keras
import tensorflow as tf

#: The GAN section's loss: binary cross-entropy on scores (logits), averaged over the batch.
bce = keras.losses.BinaryCrossentropy(from_logits=True)


def vae_loss(images, mean, log_variance, epsilon, decoder):
    """The VAE loss of a batch, in nats per image: returns (loss, reconstruction, kl), each a mean over the batch.

    images (batch, pixels) in [0, 1]; mean, log_variance and epsilon (batch, latent); decoder(z) maps codes
    (batch, latent) to pixel logits (batch, pixels). Section 4 of step 7; the solution of lab ``vae_loss``.
    """
    z = mean + tf.exp(0.5 * log_variance) * epsilon  # the reparameterised code
    logits = decoder(z)
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_sum(per_pixel, axis=1)  # -log p(x | z), one per image
    kl = -0.5 * tf.reduce_sum(1 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=1)
    return tf.reduce_mean(reconstruction + kl), tf.reduce_mean(reconstruction), tf.reduce_mean(kl)


def gan_step(real, noise, generator, discriminator, generator_optimizer, discriminator_optimizer):
    """One GAN training step: the discriminator's update, then the generator's. Returns (d_loss, g_loss).

    real (m, features): points of the data; noise (n, noise size): the generator's inputs; the discriminator
    gives one score (a logit) per point. Section 5 of step 7; the solution of lab ``gan_step``.
    """
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
