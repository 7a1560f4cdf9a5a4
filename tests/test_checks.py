"""The argument-checking convention (utils.checks): what a message says, what each check refuses, that the
declaration costs little, and that a lab's pasted solution leaves the declaration out."""

import inspect
import time
import warnings

import numpy as np
import pytest

from utils import checks
from utils.checks import ArgumentError, arguments, array, number, one_of, positive, positive_integer


@arguments(padding=one_of("valid", "same"), stride=positive_integer, rate=positive, image=array(ndim=2, finite=True))
def convolve_like(image, stride=1, padding="valid", rate=0.1):
    """A stand-in for a library function with checked arguments."""
    return np.asarray(image)[::stride]


def test_a_message_names_the_function_the_argument_the_value_and_what_is_allowed():
    with pytest.raises(ArgumentError) as refused:
        convolve_like(np.zeros((3, 3)), padding="VALID")
    assert str(refused.value) == "convolve_like: padding='VALID' is not one of the allowed values; use 'valid' or 'same'."
    with pytest.raises(TypeError, match=r"convolve_like: stride='2' is a str; give a whole number, at least 1\."):
        convolve_like(np.zeros((3, 3)), "2")
    with pytest.raises(ValueError, match=r"image=an array of shape \(2, 2, 2\) \(float64\) has 3 dimensions; give 2\."):
        convolve_like(np.zeros((2, 2, 2)))


@pytest.mark.parametrize(
    ("check", "value", "error"),
    [
        (positive, 0, ValueError),
        (positive, -0.5, ValueError),
        (positive, float("nan"), ValueError),
        (positive, True, TypeError),
        (positive_integer, 1.5, ValueError),
        (positive_integer, 0, ValueError),
        (number(minimum=0, maximum=1), 1.5, ValueError),
        (array(), "text", TypeError),
        (array(), [[1, 2], [3]], ValueError),
        (array(), np.array([1 + 2j]), TypeError),
        (array(integers=True), np.array([0.0, 1.7]), ValueError),
        (array(finite=True), np.array([0.0, np.nan]), ValueError),
    ],
)
def test_each_check_refuses_what_it_should(check, value, error):
    with pytest.raises(error) as refused:
        check("f", "x", value)
    assert str(refused.value).startswith("f: x=")


def test_defaults_and_good_values_pass_and_the_check_is_cheap():
    image = np.ones((4, 4))
    assert convolve_like(image).shape == (4, 4) and convolve_like(image, 2, padding="same").shape == (2, 4)
    started = time.perf_counter()
    for _ in range(2_000):
        convolve_like(image, 2, "same", 0.5)
    assert (time.perf_counter() - started) / 2_000 < 1e-3


def test_a_declaration_must_name_real_arguments():
    with pytest.raises(TypeError, match="names no such argument: stide"):
        arguments(stide=positive)(convolve_like.__wrapped__)


def test_a_diverged_cost_is_said_once_with_its_usual_causes():
    with pytest.warns(RuntimeWarning, match=r"train: the cost became nan at epoch 3 \(learning rate 50\).*learning rate too large"):
        assert checks.warn_if_diverged("train", float("nan"), "epoch 3", learning_rate=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not checks.warn_if_diverged("train", 0.25, "epoch 1")


def test_a_pasted_solution_leaves_the_declaration_out():
    from utils.exercises.core import source_of

    text = source_of(convolve_like)
    assert text.startswith("def convolve_like(") and "@arguments" not in text


@arguments(checks.same_length("X", "y"), checks.same_shape("a", "b"), X=array(ndim=2))
def fit_like(X, y, a=(0.0,), b=(1.0,)):
    """A stand-in for a function whose checks involve several arguments (defaults included)."""
    return len(X)


def test_checks_of_several_arguments_see_them_by_name_with_the_defaults():
    assert fit_like(np.zeros((3, 2)), [0, 1, 1]) == 3
    with pytest.raises(ValueError, match=r"fit_like: y=\[0, 1\] has 2 entries; give one for each of the 3 rows of X\."):
        fit_like(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match=r"fit_like: b=\(1.0, 2.0\) does not have the shape of a, \(1,\)"):
        fit_like(np.zeros((3, 2)), [0, 1, 1], b=(1.0, 2.0))
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'y'"):  # Python's own message
        fit_like(np.zeros((3, 2)))


def test_an_afterwards_check_warns_once_at_the_first_cost_that_diverged():
    @arguments(checks.diverged_costs(lambda result: result, when="epoch"))
    def train(learning_rate, costs):
        return costs

    with pytest.warns(RuntimeWarning, match=r"train: the cost became inf at epoch 2 \(learning rate 0.5\)") as seen:
        train(0.5, [1.0, np.inf, np.nan])
    assert len(seen) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert train(0.5, [1.0, 0.5]) == [1.0, 0.5]


def test_functions_generators_optional_values_and_class_names():
    class Layer:
        @arguments(units=positive_integer, rng=checks.optional(checks.random_generator), activation=checks.a_function)
        def __init__(self, units, rng=None, activation=abs):
            self.units = units

    assert Layer(3).units == 3 and Layer(3, np.random.default_rng(0), max).units == 3
    with pytest.raises(TypeError, match=r"Layer: rng=0 is an int; give a NumPy random generator"):
        Layer(3, 0)
    with pytest.raises(TypeError, match=r"Layer: activation='relu' is a str, not a function"):
        Layer(3, activation="relu")
    assert list(inspect.getfullargspec(Layer.__init__).args) == ["self", "units", "rng", "activation"]  # as Keras reads it
    assert checks.shown([np.zeros(2), np.zeros(3)]) == "a list of 2 arrays"


def test_a_dict_of_numbers_names_the_key_that_is_missing_or_not_a_number():
    weights = checks.numbers_by_name(required=("w1", "w2"), allowed="give the weights w1 and w2")
    assert weights("f", "w", {"w1": 0.5, "w2": np.float32(1.0), "note": "more keys are let through"})
    with pytest.raises(checks.ArgumentTypeError, match=r"f: w=\[0.5\] is a list; give the weights w1 and w2"):
        weights("f", "w", [0.5])
    with pytest.raises(ArgumentError, match="f: w=.* has no 'w2'; give the weights w1 and w2"):
        weights("f", "w", {"w1": 0.5})
    with pytest.raises(checks.ArgumentTypeError, match=r"f: w\['w2'\]='0.5' is a str"):
        weights("f", "w", {"w1": 0.5, "w2": "0.5"})
    every_value = checks.numbers_by_name()
    with pytest.raises(checks.ArgumentTypeError, match=r"f: values\['x'\]=None"):
        every_value("f", "values", {"x": None})
