"""Small Keras helpers shared by the TensorFlow notebooks."""

from __future__ import annotations

import keras
import numpy as np

from utils.checks import ArgumentTypeError, arguments, fail, number, require


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


def start_again(model: keras.Model, fresh: keras.Model) -> keras.Model:
    """Give ``model``, already trained once (so Keras has traced its training step into a graph), everything that
    ``fresh``, a just-made model of the same architecture (made with another seed, say), starts with: its weights,
    its other variables (batch normalisation's running averages, the state of its random number generators, which
    draw dropout masks and flips) and a fresh optimizer state (step count and moments at zero). ``model`` then
    trains exactly as ``fresh`` would, without tracing its training step again, which takes seconds. Fit's
    shuffling is not a variable of the model: it goes on from where it was. Returns ``model``."""
    require(getattr(model, "optimizer", None) is not None, "start_again", "model", model.name, "has no optimizer", "compile it first")
    if not isinstance(fresh, keras.Model):
        fail("start_again", "fresh", fresh, "is not a Keras model", "give a just-made model of the same architecture", ArgumentTypeError)
    expected, given = [tuple(v.shape) for v in model.variables], [tuple(v.shape) for v in fresh.variables]
    require(
        given == expected,
        "start_again",
        "fresh",
        fresh.name,
        f"does not have the variables of {model.name}",
        f"give a model of the same architecture: {len(expected)} variables of shapes {expected}",
    )
    for target, source in zip(model.variables, fresh.variables):
        target.assign(source)
    for variable in model.optimizer.variables:
        if not variable.path.endswith("learning_rate"):
            variable.assign(np.zeros(variable.shape, variable.dtype))
    return model
