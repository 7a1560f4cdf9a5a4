"""Figures in the course style: small PNGs of a fixed size, so notebooks stay light and stable.

``use_course_style()`` is applied by the set-up cell. The helpers here draw what several notebooks
need: a grid of images, and the gallery of network architectures of step 1. The ``@arguments`` line above a
function declares its argument checks (``utils.checks``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import (
    ArgumentTypeError,
    a_function,
    arguments,
    array,
    fail,
    is_a,
    number,
    numbers_by_name,
    positive,
    positive_integer,
    same_length,
)


def _images(function: str, name: str, value: Any) -> Any:
    """Images one after another: (n, height, width) grey, or (n, height, width, 3 or 4) colour."""
    array(ndim=(3, 4))(function, name, value)
    if np.ndim(value) == 4 and np.shape(value)[-1] not in (3, 4):
        fail(
            function,
            name,
            value,
            f"has {np.shape(value)[-1]} channel{'s' if np.shape(value)[-1] != 1 else ''}",
            "give (n, height, width) grey images or (n, height, width, 3) RGB ones",
        )
    return value


def _rates(function: str, name: str, value: Any) -> Any:
    """A non-empty list of learning rates, each a positive number."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        fail(function, name, value, is_a(value), "give a list of learning rates, such as [0.05, 0.45]", ArgumentTypeError)
    if len(value) == 0:
        fail(function, name, value, "is empty", "give at least one learning rate")
    for index, rate in enumerate(value):
        positive(function, f"{name}[{index}]", rate)
    return value


def _interval(function: str, name: str, value: Any) -> Any:
    """Two numbers, the smaller first: the limits of an axis."""
    if not isinstance(value, (list, tuple, np.ndarray)) or len(value) != 2:
        fail(function, name, value, "is not a pair of numbers", "give (low, high), such as (-2.5, 3.5)", ArgumentTypeError)
    number()(function, f"{name}[0]", value[0])
    number()(function, f"{name}[1]", value[1])
    if not value[0] < value[1]:
        fail(function, name, value, "does not go up", "give (low, high) with low below high")
    return value


_numbers_by_name = numbers_by_name(allowed="give a dict of numbers by node name, such as {'x': 1.5, 'w': 0.8}")


def _graph(function: str, name: str, value: Any) -> Any:
    """A TensorFlow graph: something with ``get_operations``."""
    if not callable(getattr(value, "get_operations", None)):
        fail(
            function,
            name,
            value,
            f"{is_a(value)}, not a graph",
            "give a traced function's graph, concrete_function.graph",
            ArgumentTypeError,
        )
    return value


def _square(function: str, name: str, value: Any) -> Any:
    array(ndim=2)(function, name, value)
    if np.shape(value)[0] != np.shape(value)[1]:
        fail(function, name, value, "is not square", "give counts[true class, predicted class], one row and one column per class")
    return value


#: Default figure size in inches and resolution; 6.4 x 3.2 in at 80 dpi is a 512 x 256 PNG.
FIGSIZE = (6.4, 3.2)
DPI = 80


def use_course_style() -> None:
    """Fixed figure size, resolution and fonts, PNG output, light grids."""
    import matplotlib.pyplot as plt  # importing pyplot first lets Jupyter's inline backend set itself up

    plt.rcParams.update(
        {
            "figure.figsize": FIGSIZE,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "savefig.format": "png",
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "viridis",
        }
    )
    try:  # Jupyter only: PNG (SVG would embed a date and change on every run)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # noqa: BLE001 - outside Jupyter there is nothing to configure
        pass


@arguments(same_length("images", "labels"), images=_images, ncols=positive_integer, scale=positive)
def show_images(images, labels=None, ncols: int = 10, title: str | None = None, cmap: str = "gray_r", scale: float = 1.0):
    """Draw images in a grid and return the figure.

    ``images``: array ``(n, height, width)`` (grey) or ``(n, height, width, 3)`` (RGB, uint8 or 0-1
    floats); ``labels``: optional sequence of n captions; ``scale`` enlarges every image.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    images = np.asarray(images)
    n = len(images)
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(0.65 * scale * ncols, 0.75 * scale * nrows + (0.3 if title else 0)), squeeze=False, layout="constrained"
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap if images.ndim == 3 else None)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8, pad=2)
    if title:
        fig.suptitle(title)
    return fig


def _neuron_column(ax, x: float, n: int, color: str, radius: float = 0.07, height: float = 1.0):
    from matplotlib.patches import Circle

    ys = [height * (i + 1) / (n + 1) for i in range(n)]
    for y in ys:
        ax.add_patch(Circle((x, y), radius, facecolor=color, edgecolor="black", lw=0.6, zorder=3))
    return ys


def _dense_links(ax, x0: float, ys0, x1: float, ys1) -> None:
    for y0 in ys0:
        for y1 in ys1:
            ax.plot([x0, x1], [y0, y1], color="0.6", lw=0.4, zorder=1)


def _draw_layers(ax, sizes, colors) -> None:
    xs = [0.1 + 0.8 * i / (len(sizes) - 1) for i in range(len(sizes))]
    columns = [_neuron_column(ax, x, n, c) for x, n, c in zip(xs, sizes, colors)]
    for i in range(len(sizes) - 1):
        _dense_links(ax, xs[i], columns[i], xs[i + 1], columns[i + 1])


def plot_architecture_gallery():
    """Four schematic networks side by side: an MLP, a CNN, an RNN (unrolled) and an autoencoder."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, Rectangle

    fig, axes = plt.subplots(1, 4, figsize=(9.6, 2.6))
    for ax in axes:
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.axis("off")

    mlp, cnn, rnn, autoencoder = axes
    _draw_layers(mlp, [4, 5, 5, 3], ["tab:blue", "tab:orange", "tab:orange", "tab:green"])
    mlp.set_title("MLP: dense layers")

    # CNN: an image, stacks of feature maps that shrink, then a dense classifier.
    cnn.add_patch(Rectangle((0.0, 0.32), 0.28, 0.28, facecolor="0.85", edgecolor="black", lw=0.6))
    for x, size, maps, step in ((0.34, 0.2, 3, 0.03), (0.68, 0.1, 5, 0.02)):
        for k in range(maps):
            offset = step * k
            cnn.add_patch(Rectangle((x + offset, 0.34 + offset), size, size, facecolor="tab:orange", edgecolor="black", lw=0.5))
    _neuron_column(cnn, 0.96, 4, "tab:green", radius=0.03)
    cnn.text(0.14, 0.2, "image", ha="center", fontsize=8)
    cnn.text(0.6, 0.2, "feature maps", ha="center", fontsize=8)
    cnn.set_title("CNN: convolutions")

    # RNN unrolled over four time steps: the same cell passes its state to the right.
    for t in range(4):
        x = 0.08 + 0.24 * t
        rnn.add_patch(Rectangle((x, 0.42), 0.14, 0.16, facecolor="tab:orange", edgecolor="black", lw=0.6))
        rnn.annotate("", xy=(x + 0.07, 0.42), xytext=(x + 0.07, 0.22), arrowprops={"arrowstyle": "->", "lw": 0.8})
        rnn.annotate("", xy=(x + 0.07, 0.8), xytext=(x + 0.07, 0.58), arrowprops={"arrowstyle": "->", "lw": 0.8})
        rnn.text(x + 0.07, 0.14, f"$x_{t + 1}$", ha="center", fontsize=8)
        rnn.text(x + 0.07, 0.84, f"$y_{t + 1}$", ha="center", fontsize=8)
        if t < 3:
            rnn.add_patch(FancyArrowPatch((x + 0.14, 0.5), (x + 0.24, 0.5), arrowstyle="->", mutation_scale=8, lw=0.8))
    rnn.set_title("RNN: a loop through time")

    _draw_layers(autoencoder, [6, 4, 2, 4, 6], ["tab:blue", "tab:orange", "tab:red", "tab:orange", "tab:blue"])
    autoencoder.text(0.5, 0.05, "code", ha="center", fontsize=8, color="tab:red")
    autoencoder.set_title("Autoencoder: squeeze, rebuild")
    fig.tight_layout()
    return fig


@arguments(function=a_function, derivative=a_function, start=number(), learning_rates=_rates, steps=positive_integer, xlim=_interval)
def plot_descent_1d(function, derivative, start: float, learning_rates, steps: int = 12, xlim=(-2.5, 3.5)):
    """Gradient descent on a 1-D function, one panel per learning rate: the curve and the steps taken."""
    import matplotlib.pyplot as plt
    import numpy as np

    from utils.nn import gradient_descent

    xs = np.linspace(xlim[0], xlim[1], 300)
    fig, axes = plt.subplots(1, len(learning_rates), figsize=(2.4 * len(learning_rates), 2.6), sharey=True)
    for ax, rate in zip(np.atleast_1d(axes), learning_rates):
        path = gradient_descent(lambda p: np.array([derivative(p[0])]), [start], rate, steps)[:, 0]
        visible = path[(path >= xlim[0]) & (path <= xlim[1])]
        ax.plot(xs, function(xs), color="0.5")
        ax.plot(visible, function(visible), "o-", color="tab:red", ms=3, lw=1)
        ax.set(xlim=xlim, title=f"η = {rate:g}", xlabel="x")
    np.atleast_1d(axes)[0].set_ylabel("f(x)")
    fig.tight_layout()
    return fig


@arguments(values=_numbers_by_name, gradients=_numbers_by_name)
def plot_computational_graph(values: dict, gradients: dict):
    """The graph of one sigmoid neuron with a squared-error cost, C = ½(σ(w·x + b) - y)².

    ``values``: forward values by node name (x, w, b, y, product, z, a, C); ``gradients``: ∂C/∂(name)
    for the same names (except y). Forward values are written in black, gradients in red.
    """
    import matplotlib.pyplot as plt

    position = {
        "x": (0.0, 1.0),
        "w": (0.0, 0.0),
        "product": (1.4, 0.5),
        "b": (1.4, -0.6),
        "z": (2.8, 0.5),
        "a": (4.2, 0.5),
        "y": (4.2, -0.6),
        "C": (5.6, 0.5),
    }
    label = {"product": "×", "z": "+", "a": "σ", "C": "½(a-y)²"}
    edges = [("x", "product"), ("w", "product"), ("product", "z"), ("b", "z"), ("z", "a"), ("a", "C"), ("y", "C")]
    fig, ax = plt.subplots(figsize=(7.2, 2.6))
    for start, end in edges:
        (x0, y0), (x1, y1) = position[start], position[end]
        ax.annotate("", xy=(x1 - 0.28, y1 + (y0 - y1) * 0.2), xytext=(x0 + 0.28, y0), arrowprops={"arrowstyle": "->", "color": "0.4"})
    for name, (x, y) in position.items():
        operation = name in label
        ax.add_patch(plt.Circle((x, y), 0.27, facecolor="tab:orange" if operation else "tab:blue", alpha=0.25, edgecolor="black"))
        ax.text(x, y, label.get(name, name), ha="center", va="center", fontsize=9 if operation else 11)
        text = f"{values[name]:.3f}" if name in values else ""
        ax.text(x, y + 0.36, text, ha="center", fontsize=8)
        if name in gradients:
            ax.text(x, y - 0.42, f"∂C={gradients[name]:.3f}", ha="center", fontsize=8, color="tab:red")
    ax.set_xlim(-0.5, 6.3)
    ax.set_ylim(-1.2, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("forward values (black), gradients ∂C/∂node flowing back (red)")
    fig.tight_layout()
    return fig


@arguments(graph=_graph)
def plot_op_graph(graph, title: str = "the traced graph"):
    """Draw a TensorFlow graph (``concrete_function.graph``): one box per operation, arrows for the
    tensors flowing between them, inputs on the left. Returns the figure."""
    import matplotlib.pyplot as plt

    operations = graph.get_operations()
    producer = {output.name: op.name for op in operations for output in op.outputs}
    sources = {op.name: [producer[t.name] for t in op.inputs if t.name in producer] for op in operations}
    depth: dict[str, int] = {}
    for op in operations:  # operations come in an order where inputs precede their users
        depth[op.name] = 1 + max((depth[s] for s in sources[op.name]), default=-1)
    columns: dict[int, list[str]] = {}
    for op in operations:
        columns.setdefault(depth[op.name], []).append(op.name)
    position = {name: (column, -row + (len(names) - 1) / 2) for column, names in columns.items() for row, name in enumerate(names)}
    kind = {op.name: op.type for op in operations}
    fig, ax = plt.subplots(figsize=(1.6 * len(columns) + 0.6, 0.9 * max(len(n) for n in columns.values()) + 0.9))
    for name, inputs in sources.items():
        for source in inputs:
            ax.annotate(
                "",
                xy=(position[name][0] - 0.38, position[name][1]),
                xytext=(position[source][0] + 0.38, position[source][1]),
                arrowprops={"arrowstyle": "->", "color": "0.4"},
            )
    for name, (x, y) in position.items():
        colour = "tab:blue" if kind[name] == "Placeholder" else "tab:orange"
        ax.text(
            x,
            y,
            f"{kind[name]}\n{name}",
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": colour, "alpha": 0.25},
        )
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(min(y for _, y in position.values()) - 0.6, max(y for _, y in position.values()) + 0.6)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig


@arguments(same_length("matrix", "class_names"), matrix=_square)
def plot_confusion_matrix(matrix, class_names, title: str = "confusion matrix (rows: true class, columns: predicted)"):
    """Counts of (true, predicted) pairs as a heat map with the numbers written in; ``matrix[i, j]``
    counts examples of class i predicted as j."""
    import matplotlib.pyplot as plt
    import numpy as np

    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    ax.imshow(matrix, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color="white" if count > matrix.max() / 2 else "black")
    ax.set_xticks(range(len(class_names)), class_names, rotation=60, ha="right")
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    ax.grid(False)
    fig.tight_layout()
    return fig
