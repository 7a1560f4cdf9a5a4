"""Interactive explorers (core ipywidgets) and the pure plotting functions behind them.

Each explorer is one plotting function with sliders. A notebook first calls the plotting function
with teaching defaults, a static figure that GitHub and nbval can show, and then displays the
explorer to play with. Only core ipywidgets are used, so they work in JupyterLab and Colab alike.

- ``plot_neuron`` / ``neuron_explorer``: a two-input neuron and the logic gate it computes (step 1).
- ``plot_linear_map`` / ``linear_map_explorer``: a 2 x 2 matrix bending a grid (step 2).
- ``plot_saturation`` / ``saturation_explorer``: where a sigmoid neuron stops learning (step 2).
- ``plot_gradient_descent`` / ``gradient_descent_explorer``: the learning rate on a 2-D bowl (step 3).
- ``plot_convolution_step`` / ``convolution_explorer``: a kernel sliding over an image (step 5).
- ``text_generation_explorer``: a temperature and a prompt for a trained language model (step 6).

The ``@arguments`` line above a function declares its argument checks (``utils.checks``).
"""

from __future__ import annotations

import inspect
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from utils import nn
from utils.checks import (
    ArgumentTypeError,
    a_function,
    arguments,
    array,
    fail,
    is_a,
    number,
    one_of,
    optional,
    positive,
    positive_integer,
)
from utils.nn import bowl, bowl_gradient

#: The four inputs of a two-input gate, in truth-table order, and the gates a neuron can compute.
GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATE_NAMES = {
    (0, 0, 0, 1): "AND",
    (0, 1, 1, 1): "OR",
    (1, 1, 1, 0): "NAND",
    (1, 0, 0, 0): "NOR",
    (0, 1, 1, 0): "XOR",
    (1, 0, 0, 1): "XNOR",
    (0, 0, 0, 0): "always 0",
    (1, 1, 1, 1): "always 1",
    (0, 0, 1, 1): "x1",
    (0, 1, 0, 1): "x2",
    (1, 1, 0, 0): "not x1",
    (1, 0, 1, 0): "not x2",
}


def gate_name(outputs) -> str:
    """The name of the logic gate with these four outputs (inputs in truth-table order)."""
    first, second, third, fourth = (int(o) for o in outputs)
    return GATE_NAMES.get((first, second, third, fourth), "another function")


@arguments(w1=number(), w2=number(), b=number(), activation=one_of("sigmoid", "step"))
def plot_neuron(w1: float = 1.0, w2: float = 1.0, b: float = -1.5, activation: str = "sigmoid"):
    """A two-input neuron drawn over the plane: its output as colour, the line w1 x1 + w2 x2 + b = 0,
    and its output at the four logic-gate inputs. Returns the figure."""
    activate = nn.sigmoid if activation == "sigmoid" else nn.step
    axis = np.linspace(-0.5, 1.5, 161)
    x1, x2 = np.meshgrid(axis, axis)
    weighted_sum = w1 * x1 + w2 * x2 + b
    fig, ax = plt.subplots(figsize=(4.4, 3.4))
    image = ax.pcolormesh(x1, x2, activate(weighted_sum), cmap="RdBu_r", vmin=0, vmax=1, shading="auto")
    fig.colorbar(image, ax=ax, label="output")
    if weighted_sum.min() < 0 < weighted_sum.max():
        ax.contour(x1, x2, weighted_sum, levels=[0], colors="black", linewidths=1.2)
    gate_outputs = nn.step(GATE_INPUTS @ np.array([w1, w2]) + b)
    for (a, c), out in zip(GATE_INPUTS, activate(GATE_INPUTS @ np.array([w1, w2]) + b)):
        ax.scatter(a, c, s=90, color="white", edgecolor="black", zorder=3)
        ax.annotate(f"{out:.2f}", (a, c), textcoords="offset points", xytext=(8, 8), fontsize=8)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_title(f"w1={w1:+.1f}, w2={w2:+.1f}, b={b:+.1f}: {gate_name(gate_outputs)}")
    fig.tight_layout()
    return fig


@arguments(a=number(), b=number(), c=number(), d=number())
def plot_linear_map(a: float = 1.0, b: float = 0.5, c: float = 0.0, d: float = 1.0):
    """The matrix [[a, b], [c, d]] acting on the plane: a grid, the unit square and the basis vectors,
    before (left) and after (right). The columns of the matrix are where e1 and e2 land."""
    matrix = np.array([[a, b], [c, d]])
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.2))
    ticks = np.arange(-2, 3)
    line = np.linspace(-2, 2, 2)
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)  # one corner per row
    for ax, transform, title in ((axes[0], np.eye(2), "before"), (axes[1], matrix, "after")):
        for t in ticks:
            for points in (np.stack([line, np.full(2, t)], 1), np.stack([np.full(2, t), line], 1)):
                moved = points @ transform.T  # rows are points, so x -> A x becomes X @ A.T
                ax.plot(moved[:, 0], moved[:, 1], color="0.75", lw=0.8)
        ax.fill(*(square @ transform.T).T, color="tab:orange", alpha=0.35)
        for column, colour, name in ((0, "tab:red", "e_1"), (1, "tab:blue", "e_2")):
            tip = transform[:, column]
            ax.annotate("", xy=tip, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": colour, "lw": 2})
            ax.text(*(tip * 1.12), f"$A{name}$" if title == "after" else f"${name}$", color=colour, fontsize=9)
        ax.set_xlim(-4, 4)
        ax.set_ylim(-4, 4)
        ax.set_aspect("equal")
        ax.grid(False)
    axes[0].set_title("before")
    axes[1].set_title(f"after A = [[{a:g}, {b:g}], [{c:g}, {d:g}]], det {np.linalg.det(matrix):.2f}")
    fig.tight_layout()
    return fig


@arguments(w=number(), b=number(), threshold=positive)
def plot_saturation(w: float = 1.0, b: float = 0.0, threshold: float = 0.01):
    """A one-input sigmoid neuron σ(w x + b) for x in [-4, 4], with its slope σ'(w x + b); the inputs
    where the slope is below ``threshold`` (saturated: learning barely moves) are shaded."""
    x = np.linspace(-4, 4, 401)
    z = w * x + b
    slope = nn.sigmoid_prime(z)
    saturated = slope < threshold
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 3.6), sharex=True)
    top.plot(x, nn.sigmoid(z), color="tab:blue")
    top.set_ylabel("σ(w x + b)")
    top.set_ylim(-0.05, 1.05)
    bottom.plot(x, slope, color="tab:red")
    bottom.set_ylabel("σ'(w x + b)")
    bottom.set_ylim(0, 0.27)
    bottom.set_xlabel("input x")
    for ax in (top, bottom):
        ax.fill_between(x, 0, 1, where=saturated, transform=ax.get_xaxis_transform(), color="0.85", zorder=0)
    top.set_title(f"w={w:+.1f}, b={b:+.1f}: saturated (slope < {threshold:g}) on {saturated.mean():.0%} of the inputs")
    fig.tight_layout()
    return fig


def _axes(function: str, name: str, value: Any) -> Any:
    from matplotlib.axes import Axes

    if not isinstance(value, Axes):
        fail(
            function,
            name,
            value,
            is_a(value),
            "give a Matplotlib Axes (fig, ax = plt.subplots()), or None",
            ArgumentTypeError,
        )
    return value


_bowl_gradient = inspect.unwrap(bowl_gradient)  # at every step of the descent: its point is the descent's own


@arguments(learning_rate=positive, steps=positive_integer, ax=optional(_axes))
def plot_gradient_descent(learning_rate: float = 0.05, steps: int = 25, ax=None):
    """Gradient descent on ``bowl`` from (-4, 1.5): the contours and the path taken. Returns the figure."""
    path = nn.gradient_descent(_bowl_gradient, (-4.0, 1.5), learning_rate, steps)
    fig, ax = plt.subplots(figsize=(3.8, 2.8)) if ax is None else (ax.figure, ax)
    xs, ys = np.meshgrid(np.linspace(-5, 5, 121), np.linspace(-3, 3, 121))
    ax.contour(xs, ys, bowl((xs, ys)), levels=np.geomspace(0.05, 120, 10), cmap="viridis", linewidths=0.8)
    with np.errstate(over="ignore", invalid="ignore"):
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=2.5, lw=1)
    final = bowl(path[-1])
    outcome = f"f = {final:.2g}" if np.isfinite(final) and final < 1e3 else "diverges"
    ax.set(xlim=(-5, 5), ylim=(-3, 3), title=f"η = {learning_rate:g}, {steps} steps: {outcome}")
    ax.grid(False)
    return fig


def gradient_descent_explorer():
    """A logarithmic slider for the learning rate of ``plot_gradient_descent``, and one for the steps."""
    import ipywidgets as widgets

    return _explorer(
        plot_gradient_descent,
        learning_rate=widgets.FloatLogSlider(
            value=0.05, base=10, min=-3, max=-0.7, step=0.05, description="η", continuous_update=False, readout_format=".3f"
        ),
        steps=widgets.IntSlider(value=25, min=1, max=60, description="steps", continuous_update=False),
    )


#: A small image (a bright vertical bar on a dark ground) and a vertical-edge kernel, for step 5.
SMALL_IMAGE = np.array([[0, 0, 0, 9, 9, 0, 0]] * 7, dtype=float)
EDGE_KERNEL = np.array([[1.0, 0.0, -1.0]] * 3)


def _window_inside(function: str, values: dict[str, Any]) -> None:
    """The kernel fits in the image, and the window at (row, column) lies inside it (a valid convolution)."""
    (height, width), (kh, kw) = np.shape(values["image"]), np.shape(values["kernel"])
    if kh > height or kw > width:
        fail(function, "kernel", values["kernel"], f"is larger than the image, {(height, width)}", "give a kernel no larger than the image")
    for name, last in (("row", height - kh), ("column", width - kw)):
        if values[name] > last:
            fail(function, name, values[name], "puts the window outside the image", f"give a {name} from 0 to {last}")


@arguments(
    _window_inside,
    row=number(minimum=0, integer=True),
    column=number(minimum=0, integer=True),
    image=array(ndim=2),
    kernel=array(ndim=2),
)
def plot_convolution_step(row: int = 0, column: int = 0, image=SMALL_IMAGE, kernel=EDGE_KERNEL):
    """One step of a (valid, stride-1) convolution: the window of ``image`` under the kernel at output
    position (row, column), the kernel, and the output map with that entry computed. Returns the figure."""
    from matplotlib.patches import Rectangle

    from utils.conv import conv2d

    kh, kw = kernel.shape
    output = conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    fig, axes = plt.subplots(1, 3, figsize=(8.0, 3.0), gridspec_kw={"width_ratios": [image.shape[1], kw + 1, output.shape[1] + 1]})
    panels = ((axes[0], image, "image"), (axes[1], kernel, "kernel"), (axes[2], output, "output"))
    for ax, values, title in panels:
        limit = np.abs(values).max() or 1.0
        if title == "image":
            ax.imshow(values, cmap="gray", vmin=0, vmax=limit)
        else:
            ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (i, j), value in np.ndenumerate(values):
            colour = "tab:orange" if title == "image" else ("white" if abs(value) > limit / 2 else "black")
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    axes[0].add_patch(Rectangle((column - 0.5, row - 0.5), kw, kh, fill=False, edgecolor="tab:green", lw=2.5))
    axes[2].add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="tab:green", lw=2.5))
    window = image[row : row + kh, column : column + kw]
    axes[0].set_title(f"image: the window for row={row}, column={column}", fontsize=9)
    axes[1].set_title("kernel", fontsize=9)
    axes[2].set_title(f"output[{row}, {column}] = Σ window × kernel = {np.sum(window * kernel):g}", fontsize=9)
    fig.suptitle("multiply the window by the kernel, entry by entry, and add up", fontsize=9)
    fig.tight_layout()
    return fig


def convolution_explorer():
    """Sliders for the output position of ``plot_convolution_step``."""
    import ipywidgets as widgets

    rows = SMALL_IMAGE.shape[0] - EDGE_KERNEL.shape[0]
    columns = SMALL_IMAGE.shape[1] - EDGE_KERNEL.shape[1]
    return _explorer(
        plot_convolution_step,
        row=widgets.IntSlider(value=0, min=0, max=rows, description="row", continuous_update=False),
        column=widgets.IntSlider(value=0, min=0, max=columns, description="column", continuous_update=False),
    )


def _text(function: str, name: str, value: Any) -> Any:
    if not isinstance(value, str):
        fail(function, name, value, is_a(value), "give a string", ArgumentTypeError)
    return value


@arguments(generate=a_function, prompt=_text, length=positive_integer)
def text_generation_explorer(generate, prompt: str = "ROMEO:", length: int = 200):
    """A temperature slider and a prompt box for ``generate(prompt, temperature, length) -> str``;
    prints the prompt followed by the generated text."""
    import ipywidgets as widgets

    def show(prompt, temperature):
        print(prompt + generate(prompt, temperature, length))

    return widgets.interactive(
        show,
        prompt=widgets.Text(value=prompt, description="prompt", continuous_update=False),
        temperature=widgets.FloatSlider(value=1.0, min=0.1, max=2.0, step=0.1, description="temperature", continuous_update=False),
    )


def _explorer(plot, **controls):
    """An ``ipywidgets.interactive`` that redraws ``plot`` whenever a control is released."""
    import ipywidgets as widgets

    def draw(**values):
        plot(**values)
        plt.show()

    return widgets.interactive(draw, **controls)


def _slider(value: float, low: float, high: float, step: float, name: str):
    import ipywidgets as widgets

    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=name, continuous_update=False)


def neuron_explorer():
    """Sliders for the weights and bias of ``plot_neuron``, and a choice of activation."""
    import ipywidgets as widgets

    return _explorer(
        plot_neuron,
        w1=_slider(1.0, -10, 10, 0.5, "w1"),
        w2=_slider(1.0, -10, 10, 0.5, "w2"),
        b=_slider(-1.5, -15, 15, 0.5, "b"),
        activation=widgets.Dropdown(options=["sigmoid", "step"], value="sigmoid", description="activation"),
    )


def linear_map_explorer():
    """Sliders for the four entries of the matrix in ``plot_linear_map``."""
    return _explorer(
        plot_linear_map,
        a=_slider(1.0, -2, 2, 0.1, "a"),
        b=_slider(0.5, -2, 2, 0.1, "b"),
        c=_slider(0.0, -2, 2, 0.1, "c"),
        d=_slider(1.0, -2, 2, 0.1, "d"),
    )


def saturation_explorer():
    """Sliders for the weight and bias of ``plot_saturation``."""
    return _explorer(plot_saturation, w=_slider(1.0, -10, 10, 0.5, "w"), b=_slider(0.0, -10, 10, 0.5, "b"))
