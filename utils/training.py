"""Small Keras helpers shared by the TensorFlow notebooks."""

from __future__ import annotations

import keras
import numpy as np

from utils.checks import arguments, number, require


class EpochLogger(keras.callbacks.Callback):
    """Print one short, rounded line per epoch instead of Keras' progress bars.

    Use with ``model.fit(..., verbose=0, callbacks=[EpochLogger()])``; a line reads
    ``epoch 2/5 · loss 0.312 · accuracy 0.912 · val_loss 0.330 · val_accuracy 0.905``.
    Rounding keeps stored notebook outputs stable from run to run.
    """

    @arguments(digits=number(minimum=0, maximum=12, integer=True))
    def __init__(self, digits: int = 3):
        super().__init__()
        self.digits = digits

    def on_epoch_end(self, epoch, logs=None):
        metrics = " · ".join(f"{name} {value:.{self.digits}f}" for name, value in (logs or {}).items() if name != "learning_rate")
        print(f"epoch {epoch + 1}/{self.params.get('epochs', '?')} · {metrics}")


def start_again(model: keras.Model, weights: list) -> keras.Model:
    """Give ``model`` the initial ``weights`` of another model of its architecture (``get_weights()`` of one made with
    another seed) and a fresh optimizer state (Adam's step count and moments at zero): it then trains exactly as that
    model would, without tracing its training step again, which takes seconds. Make those models before the first
    training step: ``keras.utils.set_random_seed``, which making one calls, makes TensorFlow trace the step again.
    Returns ``model``."""
    require(getattr(model, "optimizer", None) is not None, "start_again", "model", model.name, "has no optimizer", "compile it first")
    expected, given = [tuple(w.shape) for w in model.weights], [np.shape(w) for w in weights]
    require(
        given == expected,
        "start_again",
        "weights",
        weights,
        f"does not fit {model.name}",
        f"give get_weights() of a model of the same architecture: {len(expected)} arrays of shapes {expected}",
    )
    model.set_weights(weights)
    for variable in model.optimizer.variables:
        if not variable.path.endswith("learning_rate"):
            variable.assign(np.zeros(variable.shape, variable.dtype))
    return model
