"""The run profiles: ``quick`` (default) and ``full`` for learners; ``smoke`` for the course's own checks.

Every size and epoch count a notebook uses comes from here, so one switch changes them all::

    DL7_PROFILE=full jupyter lab        # or set it in the notebook before the set-up cell

``quick`` is what the stored notebook outputs and the tests use: small real subsets that run in a
few minutes on a 2-core laptop CPU. ``full`` uses the whole datasets and trains longer, for a
learner with time or a GPU (for example Colab).
"""

from __future__ import annotations

import dataclasses

from utils import settings


class UnknownProfileError(ValueError):
    """``DL7_PROFILE`` names a profile that does not exist."""

    def _render_traceback_(self):  # IPython: show the message, not a traceback
        return [f"{type(self).__name__}: {self}"]


@dataclasses.dataclass(frozen=True)
class Profile:
    """Sizes and training lengths for one profile. Field names say which data or notebook use them."""

    name: str
    #: MNIST training images (the first N of the official 60,000, in order) and test images.
    mnist_train: int
    mnist_test: int
    #: CIFAR-10: "subset" = the first 4,000 images of data_batch_1 and the first 1,000 of
    #: test_batch (official order); "full" = all 50,000 + 10,000 from the canonical archive.
    cifar10: str
    #: Characters of Tiny Shakespeare (None = the whole 1,115,394).
    shakespeare_chars: int | None
    #: Step 1: epochs of the Keras digit classifier shown as a preview.
    step01_epochs: int
    #: Step 2: gradient-descent steps of the logistic-regression neuron.
    step02_steps: int
    #: Step 3: MNIST training images (the first N of Nielsen's 50,000; the last 10,000 of the
    #: official training set are the validation set) and epochs of the 784-30-10 network.
    step03_train: int
    step03_epochs: int
    #: Step 3: epochs of the overfitting experiment (1,000 training images).
    step03_overfit_epochs: int
    #: Step 4: MNIST training images and epochs for "the same network three ways", and epochs
    #: (at most; early stopping may end sooner) of the Keras idioms model.
    step04_train: int
    step04_epochs: int
    step04_keras_epochs: int
    #: Step 4: the early-stopping demonstration: training images (the next as many validate) and
    #: how many seeds it runs, to show the spread of the epoch it stops at.
    step04_stop_train: int
    step04_stop_seeds: int
    #: Step 5: LeNet's MNIST training images and epochs; epochs of the CIFAR-10 CNN on the profile's
    #: CIFAR-10 data; for the AlexNet-idea ablation (section 6): training images (the first N of the
    #: profile's CIFAR-10 training set), validation images (the last N of it, never trained on: the epoch
    #: of each run is chosen on them; the test set is the profile's), epochs and seeds of each run.
    step05_lenet_train: int
    step05_lenet_epochs: int
    step05_cifar_epochs: int
    step05_ideas_train: int
    step05_ideas_validation: int
    step05_ideas_epochs: int
    step05_ideas_seeds: int
    #: Step 5, section 7: the deep network trained with and without batch normalisation: MNIST training
    #: images (the first N of LeNet's), validation images (the last N of LeNet's, not trained on by this
    #: network), epochs and seeds of each run.
    step05_bn_train: int
    step05_bn_validation: int
    step05_bn_epochs: int
    step05_bn_seeds: int
    #: Step 6: training steps (windows of 25 characters) of the NumPy RNN; epochs of the TensorFlow
    #: language model; folds of the sentence-classifier evaluation (1 = one held-out split) and its
    #: most epochs per fold (early stopping usually ends sooner).
    step06_rnn_steps: int
    step06_lm_epochs: int
    step06_cnn_folds: int
    step06_cnn_epochs: int
    #: Step 6: the fair comparison of SimpleRNN, LSTM and GRU language models, each run to a plateau:
    #: training characters (the first N of the training text; None = all of it but the selection split),
    #: the parameters of each model (each layer gets the width that comes closest), the most epochs of a
    #: run (early stopping on the selection split usually ends sooner), and seeds per layer.
    step06_compare_chars: int | None
    step06_compare_parameters: int
    step06_compare_epochs: int
    step06_compare_seeds: int
    #: Step 7: epochs of the adding-problem models and of the autoencoders (MNIST sizes come from
    #: mnist_train), training steps of the GAN, epochs of the RBM.
    step07_adding_epochs: int
    #: Step 7: seeds (runs) of each adding-problem model, for the spread of the gated ablation (at least 3).
    step07_adding_seeds: int
    step07_autoencoder_epochs: int
    step07_gan_steps: int
    step07_rbm_epochs: int
    #: Step 7: seeds of each RBM (CD-1 and persistent CD), for the spread of what their long Gibbs chains do.
    step07_rbm_seeds: int
    #: Step 7, section 7: the causal transformer against step 6's GRU language model on equal terms: seeds (runs) of
    #: each, and training steps (batches of 64 windows) of each, chosen so that both take about the same wall-clock
    #: time on the 2-core test machine (a budget in steps, so that the runs are deterministic).
    step07_attention_seeds: int
    step07_attention_gru_steps: int
    step07_attention_transformer_steps: int

    def __str__(self) -> str:
        return self.name


PROFILES = {
    "quick": Profile(
        name="quick",
        mnist_train=10_000,
        mnist_test=10_000,
        cifar10="subset",
        shakespeare_chars=300_000,
        step01_epochs=5,
        step02_steps=300,
        step03_train=20_000,
        step03_epochs=5,
        step03_overfit_epochs=60,
        step04_train=20_000,
        step04_epochs=3,
        step04_keras_epochs=10,
        step04_stop_train=1_000,
        step04_stop_seeds=3,
        step05_lenet_train=15_000,
        step05_lenet_epochs=2,
        step05_cifar_epochs=8,
        step05_ideas_train=500,
        step05_ideas_validation=300,
        step05_ideas_epochs=8,
        step05_ideas_seeds=3,
        step05_bn_train=5_000,
        step05_bn_validation=2_000,
        step05_bn_epochs=6,
        step05_bn_seeds=3,
        step06_rnn_steps=15_000,
        step06_lm_epochs=5,
        step06_cnn_folds=1,
        step06_cnn_epochs=6,
        step06_compare_chars=20_000,
        step06_compare_parameters=18_000,
        step06_compare_epochs=40,
        step06_compare_seeds=3,
        step07_adding_epochs=6,
        step07_adding_seeds=3,
        step07_autoencoder_epochs=5,
        step07_gan_steps=2_000,
        step07_rbm_epochs=5,
        step07_rbm_seeds=3,
        step07_attention_seeds=3,
        step07_attention_gru_steps=16,
        step07_attention_transformer_steps=10,
    ),
    "full": Profile(
        name="full",
        mnist_train=60_000,
        mnist_test=10_000,
        cifar10="full",
        shakespeare_chars=None,
        step01_epochs=10,
        step02_steps=1_000,
        step03_train=50_000,
        step03_epochs=30,
        step03_overfit_epochs=400,
        step04_train=50_000,
        step04_epochs=30,
        step04_keras_epochs=30,
        step04_stop_train=1_000,
        step04_stop_seeds=5,
        step05_lenet_train=60_000,
        step05_lenet_epochs=10,
        step05_cifar_epochs=10,
        step05_ideas_train=45_000,
        step05_ideas_validation=5_000,
        step05_ideas_epochs=25,
        step05_ideas_seeds=3,
        step05_bn_train=50_000,
        step05_bn_validation=10_000,
        step05_bn_epochs=20,
        step05_bn_seeds=3,
        step06_rnn_steps=100_000,
        step06_lm_epochs=30,
        step06_cnn_folds=10,
        step06_cnn_epochs=10,
        step06_compare_chars=None,
        step06_compare_parameters=100_000,
        step06_compare_epochs=60,
        step06_compare_seeds=3,
        step07_adding_epochs=30,
        step07_adding_seeds=5,
        step07_autoencoder_epochs=30,
        step07_gan_steps=6_000,
        step07_rbm_epochs=20,
        step07_rbm_seeds=3,
        step07_attention_seeds=3,
        step07_attention_gru_steps=640,
        step07_attention_transformer_steps=400,
    ),
}

#: The course's own checks of what a run does, not of what it reaches: the labs harness (every lab's
#: solution and typical mistakes pasted into its notebook) and the browser test (every cell in
#: JupyterLab). Every cell runs on quick's data, and every section a lab feeds (the NumPy RNN, the
#: Keras language model whose samples the learner's sampler draws, the VAE, the GAN, the RBM) is
#: trained as long as in quick, so that its results can be compared with the stored ones. Only the
#: Keras experiments that no lab feeds are cut to an epoch or two and two seeds: their figures are
#: proven by nbval and the compatibility matrix, which run the quick profile. Its figures mean
#: nothing, and no expected range is kept for it.
PROFILES["smoke"] = dataclasses.replace(
    PROFILES["quick"],
    name="smoke",
    step01_epochs=1,
    step04_keras_epochs=2,
    step05_lenet_epochs=1,
    step05_cifar_epochs=1,
    step05_ideas_epochs=2,
    step05_ideas_seeds=2,
    step05_bn_epochs=1,
    step05_bn_seeds=2,
    step06_cnn_epochs=1,
    step06_compare_epochs=2,
    step06_compare_seeds=2,
    step07_adding_epochs=1,
    step07_adding_seeds=2,
    step07_rbm_seeds=2,
    step07_attention_seeds=2,
    step07_attention_gru_steps=4,
    step07_attention_transformer_steps=3,
)


def active_profile() -> Profile:
    """The profile named by ``DL7_PROFILE`` (``quick`` when unset or empty).

    Raises :class:`UnknownProfileError` with the valid names for anything else.
    """
    chosen = settings.PROFILE.value()
    name = chosen.lower() or "quick"
    try:
        return PROFILES[name]
    except KeyError:
        valid = " or ".join(repr(n) for n in PROFILES)
        raise UnknownProfileError(
            f"{settings.PROFILE}={chosen!r} is not a profile of this course; use {valid} (or leave it unset for 'quick')."
        ) from None
