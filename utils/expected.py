"""Is my result normal? The expected range of every headline figure the notebooks print.

A notebook that prints a figure which depends on the seed, the machine or the library versions
(an accuracy after training, a perplexity, the GAN's coverage) then calls :func:`judge`, which prints
one line: the figure, the range it is expected in, and a verdict, with what to check when it falls
outside. Figures that must come out the same everywhere (Mazur's numbers, gradient checks, the
agreement of hand-written and framework code) are checked exactly where they are printed instead.

The ranges live in ``utils/expected_ranges.json``, written by ``python course.py ranges``
(``tools/ranges.py``), which runs the notebooks over several seeds (the ``DL7_SEED`` override of
``utils.setup``) in the pinned environment and in each environment of the compatibility matrix,
then takes, for each figure, the lowest and highest value seen and widens them by half their spread
(at least by the figure's ``floor``), because a handful of runs under-states the spread.

When ``DL7_RECORD`` names a file, :func:`judge` also appends the figure to it as one JSON line, and so
does :func:`record` for the exact figures (:data:`EXACT`): that is how the matrix, the range measurement
and the benchmark read the figures (nothing scrapes the printout).
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from utils import seeds, settings
from utils.profiles import active_profile

#: The table written by ``python course.py ranges``.
RANGES_FILE = Path(__file__).with_name("expected_ranges.json")


@dataclasses.dataclass(frozen=True)
class Figure:
    """A headline figure: what it is, how it is printed, and the least its range is widened by."""

    label: str
    spec: str  # a format spec, e.g. ".1%" or ".3f"
    floor: float  # the expected range reaches at least this far beyond the lowest and highest value seen
    lowest: float = 0.0  # what the figure can be at all: the range never reaches past these
    highest: float = math.inf

    def format(self, value: float) -> str:
        return format(value, self.spec)

    def widened(self, seen_low: float, seen_high: float) -> tuple[float, float]:
        """The expected range from the lowest and highest value seen: each widened by half their spread,
        at least by ``floor``, and never past ``lowest`` and ``highest`` (rounded to 6 decimals)."""
        margin = max((seen_high - seen_low) / 2, self.floor)
        return round(max(seen_low - margin, self.lowest), 6), round(min(seen_high + margin, self.highest), 6)


_ACCURACY = 0.005  # half a percentage point


#: Every figure :func:`judge` knows, by key ("stepNN.name"), in the order the course prints them.
FIGURES = {
    "step01.network_accuracy": Figure("MNIST test accuracy of the trained network", ".1%", _ACCURACY, highest=1.0),
    "step02.logistic_accuracy": Figure("logistic regression, 4 vs 9, test accuracy", ".1%", _ACCURACY, highest=1.0),
    "step03.network_accuracy": Figure("784-30-10 network from scratch, test accuracy", ".2%", _ACCURACY, highest=1.0),
    "step04.numpy_accuracy": Figure("NumPy by hand, test accuracy", ".2%", _ACCURACY, highest=1.0),
    "step04.tf_loop_accuracy": Figure("TensorFlow loop, test accuracy", ".2%", _ACCURACY, highest=1.0),
    "step04.keras_accuracy": Figure("Keras compile/fit, test accuracy", ".2%", _ACCURACY, highest=1.0),
    "step05.lenet_accuracy": Figure("LeNet on MNIST, test accuracy", ".2%", _ACCURACY, highest=1.0),
    "step05.cifar_test_accuracy": Figure("CIFAR-10 CNN, test accuracy after the profile's epochs", ".1%", _ACCURACY, highest=1.0),
    "step05.ideas_relu_test": Figure(
        "ReLU (the baseline), mean test accuracy at the epoch chosen on validation", ".3f", _ACCURACY, highest=1.0
    ),
    "step05.ideas_sigmoid_test": Figure("sigmoid, mean test accuracy at the epoch chosen on validation", ".3f", _ACCURACY, highest=1.0),
    "step05.ideas_dropout_test": Figure(
        "ReLU + dropout 0.5, mean test accuracy at the epoch chosen on validation", ".3f", _ACCURACY, highest=1.0
    ),
    "step05.ideas_augmentation_test": Figure(
        "ReLU + augmentation, mean test accuracy at the epoch chosen on validation", ".3f", _ACCURACY, highest=1.0
    ),
    "step05.bn_without_test": Figure(
        "deep network without batch normalisation, mean test accuracy at the epoch chosen on validation", ".3f", _ACCURACY, highest=1.0
    ),
    "step05.bn_with_test": Figure(
        "deep network with batch normalisation, mean test accuracy at the epoch chosen on validation", ".3f", _ACCURACY, highest=1.0
    ),
    "step06.gru_model_perplexity": Figure("TensorFlow GRU language model (128 units), validation perplexity", ".2f", 0.1),
    "step06.numpy_rnn_perplexity": Figure("NumPy RNN, validation perplexity", ".2f", 0.1),
    "step06.plateau_simplernn_loss": Figure("SimpleRNN run to a plateau, mean validation loss", ".3f", 0.01),
    "step06.plateau_lstm_loss": Figure("LSTM run to a plateau, mean validation loss", ".3f", 0.01),
    "step06.plateau_gru_loss": Figure("GRU run to a plateau, mean validation loss", ".3f", 0.01),
    "step06.text_cnn_accuracy": Figure("Kim's text CNN, test accuracy", ".1%", _ACCURACY, highest=1.0),
    "step07.adding_simplernn": Figure("adding problem, SimpleRNN mean final test error", ".4f", 0.005),
    "step07.adding_lstm": Figure("adding problem, LSTM mean final test error", ".4f", 0.0005),
    "step07.adding_gru": Figure("adding problem, GRU mean final test error", ".4f", 0.0005),
    "step07.gan_within": Figure("GAN samples within 0.15 of the ring", ".0%", 0.02, highest=1.0),
    "step07.rbm_error_before": Figure("RBM reconstruction error before training", ".4f", 0.001),
    "step07.rbm_error_after": Figure("RBM reconstruction error after training", ".4f", 0.001),
    "step07.rbm_cd1_largest_share": Figure("RBM, CD-1: long chains in their most common label, mean over seeds", ".0%", 0.05, highest=1.0),
    "step07.rbm_pcd_largest_share": Figure("RBM, PCD: long chains in their most common label, mean over seeds", ".0%", 0.05, highest=1.0),
    "step07.attention_gru_perplexity": Figure("GRU model, equal-time budget, mean validation perplexity", ".2f", 0.5),
    "step07.attention_transformer_perplexity": Figure("transformer model, equal-time budget, mean validation perplexity", ".2f", 0.5),
}

#: Where a figure outside its range usually comes from, most likely first.
WHAT_TO_CHECK = (
    "that the notebook ran top to bottom after a kernel restart (a cell run twice trains on);",
    "that the set-up line says the quick profile and versions the course was tested with;",
    "if your own lab function is in use, that its check passed.",
)


#: Figures that must come out the same everywhere (Mazur's numbers, gradient checks, the agreement of
#: hand-written and framework code): checked where they are printed, so they have no range; the notebooks
#: :func:`record` them for the benchmark's table.
EXACT = {
    "step01.templates_accuracy": Figure("nearest-template test accuracy", ".1%", 0.0, highest=1.0),
    "step02.gradient_check_error": Figure("gradient check on 784 weights, relative error", ".0e", 0.0),
    "step03.mazur_error": Figure("Mazur's network, total error after 10,000 updates", ".10f", 0.0),
    "step03.gradient_check_QuadraticCost": Figure("gradient check, quadratic cost, largest relative error", ".0e", 0.0),
    "step03.gradient_check_CrossEntropyCost": Figure("gradient check, cross-entropy cost, largest relative error", ".0e", 0.0),
    "step04.tape_difference_QuadraticCost": Figure(
        "tape against hand-written gradients, quadratic cost, largest difference rounded up to a power of ten", ".0e", 0.0
    ),
    "step04.tape_difference_CrossEntropyCost": Figure(
        "tape against hand-written gradients, cross-entropy cost, largest difference rounded up to a power of ten", ".0e", 0.0
    ),
    "step05.conv_pool_difference": Figure("NumPy convolution and pooling against TensorFlow's, largest difference", ".0e", 0.0),
    "step07.lstm_keras_difference": Figure("LSTM step against keras.layers.LSTM, largest difference", ".0e", 0.0),
    "step07.gru_keras_difference": Figure("GRU step against keras.layers.GRU, largest difference", ".0e", 0.0),
    "step07.adding_baseline": Figure("adding problem, test error of always predicting 1.0", ".3f", 0.0),
    "step07.attention_keras_difference": Figure("multi-head attention against Keras' layer, largest difference", ".0e", 0.0),
    "step07.block_keras_difference": Figure("transformer block against the same block in Keras, largest difference", ".0e", 0.0),
}


def load_ranges(path: Path | None = None) -> dict:
    """The table of expected ranges (``{}`` before the first ``python course.py ranges``)."""
    path = Path(path) if path else RANGES_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON ({error}); run `python course.py ranges` to write it again.") from None


def expected_range(key: str, profile: str, ranges: dict | None = None) -> tuple[float, float] | None:
    """The range ``key`` is expected in under ``profile``, or None when none was measured."""
    entry = (load_ranges() if ranges is None else ranges).get("profiles", {}).get(profile, {}).get(key)
    return (entry["low"], entry["high"]) if entry else None


def verdict(key: str, value: float, profile: str, ranges: dict | None = None) -> tuple[bool | None, str]:
    """(whether ``value`` is in range, or None when no range is known; the line :func:`judge` prints)."""
    if key not in FIGURES:
        raise KeyError(f"{key!r} is not a headline figure; the known ones are listed in utils.expected.FIGURES.")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{key}: the figure must be a number, got {type(value).__name__}.") from None
    figure = FIGURES[key]
    shown = figure.format(value) if math.isfinite(value) else str(value)
    bounds = expected_range(key, profile, ranges)
    if bounds is None:
        return None, f"{figure.label}: {shown} (no expected range was measured for the {profile} profile)"
    low, high = bounds
    span = f"{figure.format(low)} to {figure.format(high)}"
    if math.isfinite(value) and low <= value <= high:
        return True, f"{figure.label}: {shown}, within the range expected on other seeds, machines and versions: {span}"
    checks = "\n".join(f"  - {line}" for line in WHAT_TO_CHECK)
    return False, (f"{figure.label}: {shown}, OUTSIDE the range expected on other seeds, machines and versions: {span}.\nCheck:\n{checks}")


def judge(key: str, value: float) -> bool | None:
    """Print ``value`` with its expected range and a verdict; True if in range (None if none is known).

    Also records it (:func:`record`)."""
    inside, line = verdict(key, value, active_profile().name)
    print(line)
    record(key, value)
    return inside


def record(key: str, value: float) -> None:
    """Append ``{"key", "value", "profile", "seed"}`` as a JSON line to the file ``DL7_RECORD`` names,
    if it names one; print nothing. ``key`` is one of :data:`FIGURES` or :data:`EXACT`."""
    if key not in FIGURES and key not in EXACT:
        raise KeyError(f"{key!r} is not a headline figure; the known ones are in utils.expected.FIGURES and EXACT.")
    destination = settings.RECORD.value()
    if destination:
        line = {"key": key, "value": float(value), "profile": active_profile().name, "seed": seeds.active_seed()}
        with open(destination, "a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")


def read_records(path: Path) -> list[dict]:
    """The figures a run appended to a ``DL7_RECORD`` file (empty if the file does not exist)."""
    path = Path(path)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
