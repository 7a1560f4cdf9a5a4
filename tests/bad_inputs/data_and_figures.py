"""Bad inputs to the dataset loaders (``utils.data``: sizes that are zero, negative, fractional, not numbers or
larger than the dataset, unknown subsets; refused before anything is read or downloaded), the figures
(``utils.plots``), the widgets' plotting functions (``utils.widgets``) and the Keras logger (``utils.training``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from bad_inputs import Bad, Diverges
from utils import data, plots, training, widgets

_rng = np.random.default_rng(26)
GREY = _rng.uniform(size=(4, 8, 8))
NODES = dict(x=1.5, w=0.8, b=0.1, y=1.0, product=1.2, z=1.3, a=0.79, C=0.022)


def _closed(make_figure):
    """Draw, then close the figure (a row that is let through must not leave figures open)."""
    with np.errstate(over="ignore", invalid="ignore"):
        plt.close(make_figure())


def _parabola(x):
    return (x - 1) ** 2


def _slope(x):
    return 2 * (x - 1)


def _tiny_model(compiled=False, inputs=2):
    import keras

    model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(1)], name="tiny")
    if compiled:
        model.compile(optimizer="adam", loss="mse")
    return model


def _generate(prompt, temperature, length):
    return "a" * length


CASES = [
    # --- utils.data: the loaders ----------------------------------------------------------------------------
    Bad("load_mnist n_train 0", lambda: data.load_mnist(n_train=0), ValueError, ("load_mnist", "n_train", "0", "60,000")),
    Bad("load_mnist n_train negative", lambda: data.load_mnist(n_train=-5), ValueError, ("n_train", "-5")),
    Bad("load_mnist n_train beyond the dataset", lambda: data.load_mnist(n_train=60_001), ValueError, ("n_train", "60001", "out of range")),
    Bad("load_mnist n_test beyond the dataset", lambda: data.load_mnist(n_test=10_001), ValueError, ("n_test", "10001", "10,000")),
    Bad("load_mnist n_test 0", lambda: data.load_mnist(n_test=0), ValueError, ("n_test", "0")),
    Bad("load_mnist n_train fractional", lambda: data.load_mnist(n_train=2.5), TypeError, ("n_train", "2.5", "float")),
    Bad("load_mnist n_train a string", lambda: data.load_mnist(n_train="100"), TypeError, ("n_train", "'100'")),
    Bad("load_mnist n_train True", lambda: data.load_mnist(n_train=True), TypeError, ("n_train", "True", "bool")),
    Bad("load_mnist n_test a float", lambda: data.load_mnist(n_test=1000.0), TypeError, ("n_test", "1000.0")),
    Bad("load_cifar10 subset half", lambda: data.load_cifar10("half"), ValueError, ("subset", "'half'", "'subset' or 'full'")),
    Bad("load_cifar10 subset FULL", lambda: data.load_cifar10("FULL"), ValueError, ("subset", "'FULL'")),
    Bad("load_cifar10 subset a number", lambda: data.load_cifar10(4000), ValueError, ("subset", "4000")),
    Bad("load_tiny_shakespeare n_chars 0", lambda: data.load_tiny_shakespeare(0), ValueError, ("load_tiny_shakespeare", "n_chars", "0")),
    Bad("load_tiny_shakespeare n_chars negative", lambda: data.load_tiny_shakespeare(-1), ValueError, ("n_chars", "-1")),
    Bad(
        "load_tiny_shakespeare n_chars beyond the text",
        lambda: data.load_tiny_shakespeare(2_000_000),
        ValueError,
        ("n_chars", "2000000", "1,115,394"),
    ),
    Bad("load_tiny_shakespeare n_chars fractional", lambda: data.load_tiny_shakespeare(1.5), TypeError, ("n_chars", "1.5")),
    # --- utils.plots ------------------------------------------------------------------------------------------
    Bad("show_images a single image", lambda: plots.show_images(GREY[0]), ValueError, ("images", "shape (8, 8)", "2 dimensions")),
    Bad("show_images one channel", lambda: plots.show_images(GREY[..., None]), ValueError, ("images", "shape (4, 8, 8, 1)", "1 channel;")),
    Bad(
        "show_images a caption missing",
        lambda: plots.show_images(GREY, ["a", "b", "c"]),
        ValueError,
        ("labels", "['a', 'b', 'c']", "3 entries"),
    ),
    Bad("show_images ncols 0", lambda: plots.show_images(GREY, ncols=0), ValueError, ("ncols", "0")),
    Bad("show_images scale negative", lambda: plots.show_images(GREY, scale=-1.0), ValueError, ("scale", "-1.0")),
    Bad("show_images a file name", lambda: plots.show_images("digits.png"), TypeError, ("images", "'digits.png'")),
    Bad(
        "plot_descent_1d no learning rate", lambda: plots.plot_descent_1d(_parabola, _slope, 0.0, []), ValueError, ("learning_rates", "[]")
    ),
    Bad(
        "plot_descent_1d a negative learning rate",
        lambda: plots.plot_descent_1d(_parabola, _slope, 0.0, [0.1, -0.5]),
        ValueError,
        ("learning_rates[1]", "-0.5"),
    ),
    Bad(
        "plot_descent_1d one rate, not a list",
        lambda: plots.plot_descent_1d(_parabola, _slope, 0.0, 0.1),
        TypeError,
        ("learning_rates", "0.1"),
    ),
    Bad(
        "plot_descent_1d xlim reversed",
        lambda: plots.plot_descent_1d(_parabola, _slope, 0.0, [0.1], xlim=(3, -2)),
        ValueError,
        ("xlim", "(3, -2)"),
    ),
    Bad("plot_descent_1d a value for the function", lambda: plots.plot_descent_1d(0.5, _slope, 0.0, [0.1]), TypeError, ("function", "0.5")),
    Bad("plot_descent_1d steps 0", lambda: plots.plot_descent_1d(_parabola, _slope, 0.0, [0.1], steps=0), ValueError, ("steps", "0")),
    Bad(
        "plot_computational_graph values a list",
        lambda: plots.plot_computational_graph([1.5, 0.8], {}),
        TypeError,
        ("values", "[1.5, 0.8]"),
    ),
    Bad(
        "plot_computational_graph a value as text",
        lambda: plots.plot_computational_graph({**NODES, "x": "one"}, {}),
        TypeError,
        ("values['x']", "'one'"),
    ),
    Bad(
        "plot_op_graph a function for its graph",
        lambda: plots.plot_op_graph(_parabola),
        TypeError,
        ("graph", "function", "concrete_function.graph"),
    ),
    Bad(
        "plot_confusion_matrix not square",
        lambda: plots.plot_confusion_matrix(np.ones((3, 4)), list("abc")),
        ValueError,
        ("matrix", "shape (3, 4)"),
    ),
    Bad(
        "plot_confusion_matrix a class name missing",
        lambda: plots.plot_confusion_matrix(np.ones((3, 3)), ["cat", "dog"]),
        ValueError,
        ("class_names", "['cat', 'dog']"),
    ),
    # --- utils.widgets -----------------------------------------------------------------------------------------
    Bad(
        "plot_neuron activation relu",
        lambda: widgets.plot_neuron(activation="relu"),
        ValueError,
        ("activation", "'relu'", "'sigmoid' or 'step'"),
    ),
    Bad("plot_neuron activation Sigmoid", lambda: widgets.plot_neuron(activation="Sigmoid"), ValueError, ("activation", "'Sigmoid'")),
    Bad("plot_neuron w1 a string", lambda: widgets.plot_neuron(w1="1"), TypeError, ("w1", "'1'")),
    Bad("plot_linear_map a None", lambda: widgets.plot_linear_map(a=None), TypeError, ("a", "None")),
    Bad("plot_linear_map d NaN", lambda: widgets.plot_linear_map(d=float("nan")), ValueError, ("d", "nan", "not finite")),
    Bad("plot_saturation threshold 0", lambda: widgets.plot_saturation(threshold=0), ValueError, ("threshold", "0")),
    Bad("plot_saturation w infinite", lambda: widgets.plot_saturation(w=float("inf")), ValueError, ("w", "inf")),
    Bad(
        "plot_gradient_descent learning rate negative", lambda: widgets.plot_gradient_descent(-0.05), ValueError, ("learning_rate", "-0.05")
    ),
    Bad("plot_gradient_descent steps 0", lambda: widgets.plot_gradient_descent(0.05, 0), ValueError, ("steps", "0")),
    Bad("plot_gradient_descent steps fractional", lambda: widgets.plot_gradient_descent(0.05, 2.5), ValueError, ("steps", "2.5")),
    Bad("plot_gradient_descent ax a string", lambda: widgets.plot_gradient_descent(0.05, 10, ax="left"), TypeError, ("ax", "'left'")),
    Diverges("plot_gradient_descent far beyond 0.1", lambda: _closed(lambda: widgets.plot_gradient_descent(0.2, 700)), "step 644"),
    Bad("plot_convolution_step row off the image", lambda: widgets.plot_convolution_step(row=5), ValueError, ("row", "5", "from 0 to 4")),
    Bad("plot_convolution_step column negative", lambda: widgets.plot_convolution_step(column=-1), ValueError, ("column", "-1")),
    Bad(
        "plot_convolution_step a kernel larger than the image",
        lambda: widgets.plot_convolution_step(kernel=np.ones((9, 9))),
        ValueError,
        ("kernel", "shape (9, 9)", "larger than the image"),
    ),
    Bad(
        "plot_convolution_step a colour image",
        lambda: widgets.plot_convolution_step(image=np.ones((7, 7, 3))),
        ValueError,
        ("image", "3 dimensions"),
    ),
    Bad(
        "text_generation_explorer a string to generate",
        lambda: widgets.text_generation_explorer("ROMEO:"),
        TypeError,
        ("generate", "'ROMEO:'"),
    ),
    Bad("text_generation_explorer length 0", lambda: widgets.text_generation_explorer(_generate, length=0), ValueError, ("length", "0")),
    Bad(
        "text_generation_explorer prompt a number",
        lambda: widgets.text_generation_explorer(_generate, prompt=5),
        TypeError,
        ("prompt", "5"),
    ),
    # --- utils.training -------------------------------------------------------------------------------------------
    Bad("EpochLogger digits negative", lambda: training.EpochLogger(digits=-1), ValueError, ("EpochLogger", "digits", "-1")),
    Bad("EpochLogger digits fractional", lambda: training.EpochLogger(2.5), ValueError, ("digits", "2.5")),
    Bad("EpochLogger digits a string", lambda: training.EpochLogger("3"), TypeError, ("digits", "'3'")),
    Bad(
        "start_again on a model never compiled",
        lambda: training.start_again(_tiny_model(), _tiny_model()),
        ValueError,
        ("start_again", "model", "tiny", "compile"),
    ),
    Bad(
        "start_again from a model of another architecture",
        lambda: training.start_again(_tiny_model(compiled=True), _tiny_model(inputs=3)),
        ValueError,
        ("start_again", "fresh", "tiny", "(2, 1)"),
    ),
    Bad(
        "start_again from a list of weights",
        lambda: training.start_again(_tiny_model(compiled=True), [np.zeros((2, 1)), np.zeros(1)]),
        TypeError,
        ("start_again", "fresh", "Keras model"),
    ),
]
