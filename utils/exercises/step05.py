"""The labs of step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``): a convolution layer by loops and by
im2col, its backward pass, max pooling's backward pass, a kernel learned by gradient descent, and two warm-ups
on shapes (sections 1 and 2); inverted dropout forward and backward (section 6); batch normalisation forward
and backward (section 7). Their solutions are the course's own functions in ``utils.conv`` and ``utils.layers``,
written with the notebook's names; each typical mistake is an edit of its solution. The references are
TensorFlow's and Keras': ``tf.nn.conv2d`` and ``tf.GradientTape`` for the convolutions (``tests/test_conv.py``
proves ``utils.conv`` against these same functions); the same dropout arithmetic in TensorFlow under
``tf.GradientTape``, with a mask drawn by ``keras.layers.Dropout`` among the cases; ``keras.layers.BatchNormalization``
given the same γ, β, running averages, ε and momentum, under ``tf.GradientTape`` (``tests/test_layers.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from utils import conv, layers
from utils.exercises.core import Case, FunctionExercise, LazyModule, edit

tf, keras = LazyModule("tensorflow"), LazyModule("keras")
Array = np.ndarray

SOBEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])

#: Convolution layers to try: (batch, height, width, in_channels, kernel_h, kernel_w, out_channels, stride, padding, label).
LAYERS = [
    (2, 7, 6, 3, 3, 3, 4, 1, "valid", "2 images of 7 x 6 x 3, four 3 x 3 kernels, valid"),
    (2, 9, 8, 2, 3, 3, 3, 2, "same", "stride 2, same padding"),
    (1, 6, 7, 1, 2, 4, 2, 1, "same", "a batch of 1, one channel, a 2 x 4 kernel, same (the padding splits unevenly)"),
    (3, 10, 7, 2, 3, 2, 2, 3, "valid", "stride 3, valid: the last rows and columns are never reached"),
    (1, 5, 5, 3, 5, 5, 1, 1, "valid", "a kernel as large as the image: one output"),
    (2, 8, 8, 1, 4, 4, 2, 2, "same", "a 4 x 4 kernel, stride 2, same"),
]


# --- The independent references: TensorFlow's own operations and gradients, in float64 ------------
def tf_conv_layer(images: Array, kernels: Array, bias: Array, stride: int = 1, padding: str = "valid") -> Array:
    """TensorFlow's convolution plus the bias: (batch, H, W, C_in), (kh, kw, C_in, C_out), (C_out,) -> (batch, H_out, W_out, C_out)."""
    return (tf.nn.conv2d(images, kernels, strides=stride, padding=padding.upper()) + bias).numpy()


def tf_conv_gradients(images: Array, kernels: Array, upstream: Array, stride: int = 1, padding: str = "valid") -> tuple:
    """tf.GradientTape's (dX, dW, db) of sum(upstream · (conv2d(x, W) + b))."""
    variables = [tf.Variable(images), tf.Variable(kernels), tf.Variable(np.zeros(kernels.shape[3]))]
    with tf.GradientTape() as tape:
        output = tf.nn.conv2d(variables[0], variables[1], strides=stride, padding=padding.upper()) + variables[2]
    return tuple(g.numpy() for g in tape.gradient(output, variables, output_gradients=tf.constant(upstream)))


def tf_max_pool_gradient(images: Array, upstream: Array, size: int = 2, stride: int = 2, padding: str = "valid") -> Array:
    """tf.GradientTape's gradient of sum(upstream · max_pool2d(x)) for x, shaped like x."""
    variable = tf.Variable(images)
    with tf.GradientTape() as tape:
        pooled = tf.nn.max_pool2d(variable, ksize=size, strides=stride, padding=padding.upper())
    return tape.gradient(pooled, variable, output_gradients=tf.constant(upstream)).numpy()


def tf_descent(image: Array, target: Array, steps: int, learning_rate: float, initial: Array) -> tuple[Array, Array]:
    """Lab ``learn_edge_kernel``'s descent with tf.GradientTape's gradients of the mean squared error: (kernel, losses)."""
    kernel = tf.Variable(np.array(initial, dtype=float)[:, :, None, None])
    x = tf.constant(image[None, :, :, None])
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.nn.conv2d(x, kernel, strides=1, padding="VALID")[0, :, :, 0] - target) ** 2)
        losses.append(float(loss))
        kernel.assign_sub(learning_rate * tape.gradient(loss, kernel))
    return kernel.numpy()[:, :, 0, 0], np.array(losses)


# --- The cases ----------------------------------------------------------------------------------
def _layer_cases(seed: int, upstream_seed: int | None = None) -> list[Case]:
    """(images, kernels, bias, stride, padding) with random values for each layer of LAYERS; with an
    ``upstream_seed``, a random upstream gradient shaped like the output takes the place of the bias."""
    rng, upstream_rng, cases = np.random.default_rng(seed), np.random.default_rng(upstream_seed), []
    for batch, height, width, c_in, kh, kw, c_out, stride, padding, label in LAYERS:
        images, kernels, bias = (rng.normal(size=shape) for shape in ((batch, height, width, c_in), (kh, kw, c_in, c_out), c_out))
        if upstream_seed is not None:
            rows, columns = conv.output_size(height, kh, stride, padding), conv.output_size(width, kw, stride, padding)
            bias = upstream_rng.normal(size=(batch, rows, columns, c_out))
        cases.append(Case((images, kernels, bias, stride, padding), label))
    return cases


def _large_upstream_layer_case() -> Case:
    """A convolution layer whose upstream gradient is of the order of 1e4: far beyond any clipping threshold."""
    rng = np.random.default_rng(55)
    images, kernels = rng.normal(size=(2, 6, 5, 2)), rng.normal(size=(3, 3, 2, 3))
    upstream = rng.normal(scale=1e4, size=(2, 6, 5, 3))
    return Case((images, kernels, upstream, 1, "same"), "an upstream gradient of the order of 1e4, far beyond any clipping threshold")


def _pool_cases() -> list[Case]:
    rng, cases = np.random.default_rng(53), []
    for (batch, height, width, channels), size, stride, label in (
        ((2, 6, 6, 3), 2, 2, "2 x 2 windows, stride 2: no overlap"),
        ((1, 7, 7, 2), 3, 2, "a batch of 1, 3 x 3 windows, stride 2: neighbours share a row or column"),
        ((2, 5, 8, 1), 2, 1, "one channel, 2 x 2 windows, stride 1: a pixel can be in four windows"),
        ((1, 10, 7, 2), 3, 3, "3 x 3, stride 3, non-square: the last rows and columns are never reached"),
    ):
        values = rng.permutation(batch * height * width * channels).reshape(batch, height, width, channels)  # no ties
        rows, columns = conv.output_size(height, size, stride), conv.output_size(width, size, stride)
        cases.append(Case((values / values.size - 0.5, rng.normal(size=(batch, rows, columns, channels)), size, stride), label))
    distinct = rng.permutation(2 * 6 * 6 * 2).reshape(2, 6, 6, 2) / 144.0  # no ties
    large = rng.normal(scale=1e4, size=(2, 5, 5, 2))
    label = "an upstream gradient of the order of 1e4 (far beyond any clipping threshold), overlapping windows"
    cases.append(Case((distinct, large, 2, 1), label))
    return cases


def _descent_cases() -> list[Case]:
    rng = np.random.default_rng(54)

    def filtered(image: Array, kernel: Array) -> Array:
        return conv.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]

    image, wide = rng.uniform(size=(9, 8)), rng.uniform(size=(12, 10))
    wide_kernel, small = rng.normal(size=(2, 3)), rng.uniform(size=(6, 7))
    return [
        Case((image, filtered(image, SOBEL), 20, 0.1, np.zeros((3, 3))), "a 9 x 8 image and its Sobel edges, 20 steps from zeros"),
        Case((wide, filtered(wide, wide_kernel), 12, 0.2, rng.normal(size=(2, 3))), "a 2 x 3 kernel, 12 steps from a random start"),
        Case((small, filtered(small, SOBEL.T), 1, 0.3, rng.normal(size=(3, 3))), "a single step"),
        Case((small, 2.5 * small, 8, 0.5, np.zeros((1, 1))), "a 1 x 1 kernel: a brightness scale of 2.5"),
        Case(
            (130 * image, filtered(130 * image, SOBEL), 3, 1e-5, np.zeros((3, 3))),
            "an image of values up to 130: a first gradient above 1e4, far beyond any clipping threshold",
        ),
    ]


def _speed_layer_case() -> Case:
    """A mini-batch of CIFAR-sized images for the lab whose prose asks for no loop over positions."""
    rng = np.random.default_rng(56)
    images, kernels, bias = rng.normal(size=(16, 32, 32, 3)), rng.normal(size=(3, 3, 3, 16)), rng.normal(size=16)
    return Case((images, kernels, bias, 1, "same"), "16 images of 32 x 32 x 3 and sixteen 3 x 3 kernels")


#: What the two forward labs share: the reference, the cases and the hint about shapes.
FORWARD: dict[str, Any] = dict(
    reference=tf_conv_layer,
    reference_name="tf.nn.conv2d plus the bias",
    cases=lambda: _layer_cases(50),
    shape_hint="The output is (batch, H_out, W_out, C_out): one value per image, output position and kernel. Along each axis, valid "
    "gives (n - k) // stride + 1 positions and same gives ceil(n / stride).",
)

# --- Labs: a convolution layer by loops, then by im2col and one matrix product (section 1) ----------
CONV_FORWARD_LOOPS = FunctionExercise(
    name="conv_forward_loops",
    title="A convolution layer, by loops",
    idea="Every output value is one window of the (padded) image times one kernel, summed over the window's rows, columns and channels, "
    "plus that kernel's bias. With stride s the window of output (i, j) starts at row s·i and column s·j. 'same' pads with zeros first, "
    "the odd extra row or column at the bottom or right.",
    structure="1. Output size and padding: valid: rows = (H - kh) // stride + 1; same: rows = ceil(H / stride), total padding p = "
    "max((rows - 1)·stride + kh - H, 0), p // 2 rows on top and the rest below (np.pad); the same for the columns. 2. output = "
    "np.zeros((batch, rows, columns, C_out)). 3. Loops over n, i, j, k: the window images[n, i·stride : i·stride + kh, j·stride : j·stride "
    "+ kw, :] has shape (kh, kw, C_in); output[n, i, j, k] = sum(window · kernels[:, :, :, k]) + bias[k].",
    solution=conv.conv_layer_loops,
    stub="my_conv_forward_loops",
    mistakes=[
        edit(
            "kernels[:, :, :, k]",
            "kernels[::-1, ::-1, :, k]",
            "That is a mathematician's convolution: the kernel is flipped. Deep learning's convolution slides the kernel as it is (a "
            "cross-correlation): window entry (a, b) meets kernel entry (a, b).",
        ),
        edit(
            "(pad_rows // 2, pad_rows - pad_rows // 2), (pad_columns // 2, pad_columns - pad_columns // 2)",
            "(pad_rows - pad_rows // 2, pad_rows // 2), (pad_columns - pad_columns // 2, pad_columns // 2)",
            "With 'same' and an odd amount of padding, the extra row or column goes at the bottom or right (TensorFlow's rule), not at the "
            "top or left.",
        ),
        edit(
            "images[n, i * stride : i * stride + kh, j * stride : j * stride + kw, :]",
            "images[n, i : i + kh, j : j + kw, :]",
            "The windows do not move by the stride: the window of output (i, j) starts at row stride·i and column stride·j.",
        ),
        edit(" + bias[k]", "", "The bias is missing: each output channel k adds its bias[k] to every value."),
    ],
    **FORWARD,
)

IM2COL_CONV = FunctionExercise(
    name="im2col_conv",
    title="A convolution layer by im2col and one matrix product",
    idea="Copy every window into one row, so that all the sums of the loops become a single matrix product with the kernels flattened into "
    "columns. Entry m of a window's row must meet entry m of every kernel's column: flatten both in the same (row, column, channel) order.",
    structure="padded = pad(images, kh, kw, stride, padding); sliding_window_view(padded, (kh, kw), axis=(1, 2)) gives (batch, H', W', "
    "C_in, kh, kw): keep every stride-th window along axes 1 and 2, move the channel axis after kh and kw (transpose), reshape to (batch, "
    "rows, columns, kh·kw·C_in); kernels.reshape(kh·kw·C_in, C_out) lists each kernel in that order; patches @ that matrix + bias.",
    solution=conv.conv_layer_im2col,
    stub="my_im2col_conv",
    mistakes=[
        edit(
            "windows.transpose(0, 1, 2, 4, 5, 3)",
            "windows",
            "The windows are flattened in (channel, row, column) order, sliding_window_view's own, but the kernels in (row, column, "
            "channel) order: move the channel axis last before reshaping.",
        ),
        edit(
            "kernels.reshape(kh * kw * c_in, c_out)",
            "kernels.reshape(c_out, kh * kw * c_in).T",
            "The kernel matrix is reshaped as if the output channel came first and then transposed, which scrambles the kernels: reshape "
            "(kh, kw, C_in, C_out) to (kh·kw·C_in, C_out) directly, C_out staying last.",
        ),
        edit("[:, ::stride, ::stride]", "", "Every window is used: with stride s, keep every s-th window along the rows and the columns."),
    ],
    speed_case=lambda: _speed_layer_case(),
    **FORWARD,
)

# --- Lab: the backward pass of a convolution layer (section 1) ---------------------------------------
CONV_BACKWARD = FunctionExercise(
    name="conv_backward",
    title="The backward pass of a convolution layer",
    idea="Each output value came from one window: its gradient flows back through that window only. To the kernel it brings the window's "
    "pixels times the gradient (summed over every position and every image of the batch), to the window's pixels the kernel times the "
    "gradient (added up where windows overlap), to the bias the gradient itself.",
    structure="padded = pad(images, kh, kw, stride, padding); zero arrays for d_padded (padded's shape) and dW (the kernels'). For each "
    "output position (i, j): the window is rows stride·i : stride·i + kh, columns stride·j : stride·j + kw; g = upstream[:, i, j, :] is "
    "(batch, C_out); d_padded[:, window] += sum over k of g[n, k]·W[a, b, c, k]; dW += sum over n of window[n, a, b, c]·g[n, k]. Then drop "
    "the padding from d_padded: pad put half of each axis's padding (rounded down) before the image, the rest after; db = upstream summed "
    "over the batch, rows and columns.",
    solution=conv.conv_layer_backward,
    stub="my_conv_backward",
    reference=tf_conv_gradients,
    reference_name="tf.GradientTape on tf.nn.conv2d plus the bias",
    cases=lambda: [*_layer_cases(52, upstream_seed=51), _large_upstream_layer_case()],
    names=("dX", "dW", "db"),
    mistakes=[
        edit(  # what the 'full' correlation of the upstream gradient with the kernel gives when the kernel is not turned
            '"nk,abck->nabc", gradient, kernels)',
            '"nk,abck->nabc", gradient, kernels[::-1, ::-1])',
            "dX is the one the kernel turned by 180 degrees would give. Window by window (the structure hint's way), pixel s·i + a "
            "meets kernel entry a as it is, so nothing is turned: if you wrote kernels[::-1, ::-1] there, drop it. Only the other form, "
            "dX as a 'full' correlation of the upstream gradient with the kernel, needs the kernel turned: if you wrote that form, "
            "the turn is missing.",
        ),
        edit(
            "upstream.sum(axis=(0, 1, 2))",
            "upstream.sum(axis=(0, 2, 3))",
            "db is summed over the axes (0, 2, 3), the channels-first habit: here the channels are last, so sum over the batch, the rows "
            "and the columns.",
        ),
        edit(
            "d_kernels = np.zeros(kernels.shape)",
            "d_kernels = np.zeros((len(images), *kernels.shape))",
            "dW keeps one gradient per image: the same kernel serves every image of the batch, so their contributions add up into one (kh, "
            "kw, C_in, C_out) array.",
            ('"nabc,nk->abck"', '"nabc,nk->nabck"'),
        ),
        edit(
            "slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)",
            "slice(i, i + kh), slice(j, j + kw)",
            "The windows do not move by the stride: output (i, j) came from the window that starts at row stride·i and column stride·j.",
        ),
    ],
    shape_hint="dX has the images' shape (batch, H, W, C_in), dW the kernels' (kh, kw, C_in, C_out), db one value per output channel "
    "(C_out,).",
)

# --- Lab: the backward pass of max pooling (section 1) ----------------------------------------------
MAXPOOL_BACKWARD = FunctionExercise(
    name="maxpool_backward",
    title="The backward pass of max pooling",
    idea="An output of max pooling is one of its window's values, the largest: nudging any other value of the window does not change it. "
    "So each output's gradient goes, whole, to the position of its window's maximum, and nothing to the rest; a pixel that is the maximum "
    "of several overlapping windows collects all their gradients.",
    structure="Start from zeros shaped like the images. For each output position (i, j): window = images[:, stride·i : stride·i + size, "
    "stride·j : stride·j + size, :], shape (batch, size, size, C); a mask of where it equals its max over axes 1 and 2 (keepdims=True); "
    "add mask · upstream[:, i:i+1, j:j+1, :] to the same slice of the result (+=, so that overlapping windows add up).",
    solution=conv.max_pool_backward_valid,
    stub="my_maxpool_backward",
    reference=tf_max_pool_gradient,
    reference_name="tf.GradientTape on tf.nn.max_pool2d",
    cases=_pool_cases,
    mistakes=[
        edit(
            "is_max * upstream[:, i : i + 1, j : j + 1, :]",
            "upstream[:, i : i + 1, j : j + 1, :] / size**2",
            "The gradient is shared out over the whole window: that is average pooling's backward pass. Max pooling's output depends on "
            "the maximum only.",
        ),
        edit(
            "window.max(axis=(1, 2), keepdims=True)",
            "window[:, :1, :1, :]",
            "The gradient goes to the first (top-left) element of each window: it should go to the window's maximum, wherever it is.",
        ),
        edit(
            "d_images[:, rows, columns, :] += ",
            "d_images[:, rows, columns, :] = ",
            "Where windows overlap, a later window overwrites what an earlier one sent (with its own values, zeros included): the "
            "contributions must be added.",
        ),
    ],
    shape_hint="dX has the shape of the images, (batch, H, W, C): every pixel gets a gradient, most of them 0.",
)

# --- Lab: learning an edge kernel by gradient descent (section 1) -------------------------------------
LEARN_EDGE_KERNEL = FunctionExercise(
    name="learn_edge_kernel",
    title="Learning a kernel by gradient descent",
    idea="The loss is the mean of (prediction - target)² over the N output pixels, and each prediction is a window of the image times the "
    "kernel. So the gradient for kernel entry (a, b) is 2/N times the sum, over the output pixels, of the error there times the image "
    "pixel that entry (a, b) meets there: every window, weighted by its error. Step against it.",
    structure="windows = sliding_window_view(image, (kh, kw)) is (H_out, W_out, kh, kw); kernel = a float copy of initial. Each step: "
    "error = sum over a, b of windows·kernel, minus target (np.einsum 'ijab,ab->ij'); record mean(error²); gradient = 2 · (sum over i, j "
    "of windows·error) / error.size ('ijab,ij->ab'); kernel = kernel - learning_rate · gradient. Return the kernel and the array of "
    "losses.",
    solution=conv.learn_kernel,
    stub="my_learn_edge_kernel",
    reference=tf_descent,
    reference_name="the same descent with tf.GradientTape's gradients",
    cases=_descent_cases,
    names=("kernel", "losses"),
    rtol=1e-7,
    atol=1e-10,
    mistakes=[
        edit(
            "kernel - learning_rate * gradient",
            "kernel + learning_rate * gradient",
            "The kernel moves up the gradient, so the loss grows: gradient descent subtracts learning_rate times the gradient.",
        ),
        edit(
            " / error.size",
            "",
            "The gradient is not divided by the number of output pixels N: that is the gradient of the sum of squares, N times too large "
            "for this learning rate (the loss is the mean).",
        ),
        edit(
            "learning_rate * gradient",
            "learning_rate * losses[t]",
            "The update uses the loss itself, the same number for every entry: it must use the gradient, one number per kernel entry.",
        ),
        edit("2 * np.einsum", "np.einsum", "The gradient has lost its factor 2: the derivative of (error)² is 2 · error."),
    ],
    shape_hint="Return (kernel, losses): the kernel has the shape of initial, (kh, kw); losses holds one number per step, (steps,).",
)

# --- Warm-ups: the arithmetic of shapes (section 2) --------------------------------------------------
PARAMETERS = FunctionExercise(
    name="conv_parameters",
    title="The parameters of a convolution layer",
    kind="warm-up",
    idea="Each output channel has one kernel, and each kernel spans all the input channels; each output channel also has one bias.",
    structure="One kernel has kernel_height · kernel_width · in_channels weights; add its bias; multiply by the number of kernels, "
    "out_channels.",
    solution=conv.conv_parameters,
    stub="my_conv_parameters",
    cases=[
        Case((3, 3, 3, 32), "3 x 3 kernels on colour images, 32 of them"),
        Case((5, 5, 1, 20), "LeNet's first layer"),
        Case((5, 5, 20, 50), "LeNet's second layer"),
        Case((1, 1, 64, 16), "a 1 x 1 convolution"),
        Case((3, 5, 2, 7), "a non-square 3 x 5 kernel"),
    ],
    mistakes=[
        edit("in_channels + 1) * out_channels", "in_channels) * out_channels", "The biases are missing: one per output channel."),
        edit("* in_channels + 1)", "+ 1)", "Each kernel spans every input channel: multiply its size by in_channels."),
        edit(
            "* in_channels + 1)",
            "+ 1) * in_channels",
            "There is one bias per output channel, not one per input channel of each kernel.",
        ),
    ],
)

RECEPTIVE_FIELD = FunctionExercise(
    name="receptive_field",
    title="The receptive field of a stack of layers",
    kind="warm-up",
    idea="One output of a layer sees `kernel` values of the layer below, which are spaced by the product of the strides of all the layers "
    "before it (in input pixels). So each layer widens the field by (kernel - 1) times that spacing.",
    structure="field = 1, jump = 1 (the spacing, in input pixels, of the current layer's values). For each (kernel, stride), first layer "
    "first: field += (kernel - 1) · jump, then jump *= stride. Return field.",
    solution=conv.receptive_field,
    stub="my_receptive_field",
    cases=[
        Case(([(3, 1), (3, 1)],), "two 3 x 3 convolutions"),
        Case(([(5, 1), (2, 2), (5, 1), (2, 2)],), "LeNet's four layers"),
        Case(([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)],), "the CIFAR-10 CNN's five layers"),
        Case(([(7, 2)],), "a single layer"),
        Case(([(3, 2), (3, 2), (3, 2)],), "three stride-2 layers"),
    ],
    mistakes=[
        edit(
            "        jump *= stride\n",
            "",
            "The strides are ignored: after a stride-2 layer, one step of the next kernel spans two input pixels.",
        ),
        edit(
            "field, jump = 1, 1",
            "field, jump = 0, 1",
            "Kernel sizes do not simply add up: each layer adds (kernel - 1) steps, since its windows overlap by all but one.",
            ("field += (kernel - 1) * jump", "field += kernel"),
        ),
        edit(
            "        field += (kernel - 1) * jump\n        jump *= stride\n",
            "        jump *= stride\n        field += (kernel - 1) * jump\n",
            "A layer's own stride counts only for the layers after it: multiply the jump by the stride after adding (kernel - 1) · jump.",
        ),
    ],
)


# --- Labs: inverted dropout, forward and backward (section 6) ----------------------------------------
def tf_dropout_forward(x: Array, mask: Array, rate: float, training: bool) -> Array:
    """The same computation in TensorFlow: tf.where(mask, x / (1 - rate), 0) in training, x at inference."""
    x = tf.constant(np.asarray(x, dtype=float))
    return (tf.where(tf.constant(np.asarray(mask, dtype=bool)), x / (1 - rate), tf.zeros_like(x)) if training else tf.identity(x)).numpy()


def tf_dropout_backward(upstream: Array, mask: Array, rate: float, training: bool) -> Array:
    """tf.GradientTape's gradient of sum(upstream · dropout(x)) for x, through the TensorFlow computation above."""
    x = tf.Variable(np.ones(np.shape(upstream)))
    keep = tf.constant(np.asarray(mask, dtype=bool))
    with tf.GradientTape() as tape:
        out = tf.where(keep, x / (1 - rate), tf.zeros_like(x)) if training else tf.identity(x)
    return tape.gradient(out, x, output_gradients=tf.constant(np.asarray(upstream, dtype=float))).numpy()


def keras_dropout_mask(shape: tuple, rate: float, seed: int) -> Array:
    """The mask of kept units that keras.layers.Dropout(rate, seed=seed) draws, in training, for an input of ``shape``: where its output
    of an input of ones is not 0."""
    layer = keras.layers.Dropout(rate, seed=seed, dtype="float64")
    return layer(np.ones(shape), training=True).numpy() != 0


def keras_dropout_output(x: Array, rate: float, seed: int) -> Array:
    """What keras.layers.Dropout(rate, seed=seed) itself returns for x, in training (a fresh layer: keras_dropout_mask's draw)."""
    return keras.layers.Dropout(rate, seed=seed, dtype="float64")(x, training=True).numpy()


def _dropout_cases(backward: bool) -> list[Case]:
    """(x or upstream, mask, rate, training): dense and image activations, both modes, rates from 0 to 0.9, a batch of 1; forward, a
    mask drawn by keras.layers.Dropout itself; backward, an upstream gradient of the order of 1e4."""
    rng = np.random.default_rng(57 if backward else 58)

    def draw(shape: tuple, rate: float) -> tuple[Array, Array]:
        return rng.normal(size=shape), rng.uniform(size=shape) >= rate

    x, mask = draw((4, 6), 0.5)
    one, one_mask = draw((1, 5), 0.2)
    images, image_mask = draw((2, 3, 4, 5), 0.3)
    wide, wide_mask = draw((3, 40), 0.9)
    cases = [
        Case((x, mask, 0.5, False), "a batch of 4 with 6 units, rate 0.5, at inference"),
        Case((x, mask, 0.5, True), "the same in training"),
        Case((one, one_mask, 0.2, True), "a batch of 1, rate 0.2: the kept units are divided by 0.8"),
        Case((images, image_mask, 0.3, True), "images (2, 3, 4, 5), rate 0.3"),
        Case((x, np.ones(x.shape, dtype=bool), 0.0, True), "rate 0: every unit kept, nothing scaled"),
        Case((wide, wide_mask, 0.9, True), "rate 0.9: about a tenth kept, each multiplied by 10"),
        Case((wide, wide_mask, 0.9, False), "rate 0.9 at inference"),
    ]
    if backward:
        big, big_mask = draw((5, 8), 0.4)
        cases.append(Case((1e4 * big, big_mask, 0.4, True), "an upstream gradient of the order of 1e4, far beyond any clipping threshold"))
    else:
        activations = rng.uniform(0.5, 2.0, size=(8, 10))  # no zeros, so that the layer's zeros are its mask
        mask = keras_dropout_mask(activations.shape, 0.3, seed=59)
        cases.append(Case((activations, mask, 0.3, True), "the mask keras.layers.Dropout(0.3) drew: your output must be the layer's own"))
    return cases


def _dropout_speed_case() -> Case:
    rng = np.random.default_rng(60)
    return Case((rng.normal(size=(1000, 1000)), rng.uniform(size=(1000, 1000)) >= 0.5, 0.5, True), "a million activations")


DROPOUT_FORWARD = FunctionExercise(
    name="dropout_forward",
    title="Inverted dropout, forward",
    idea="In training, every unit the mask keeps is divided by the probability of keeping it, 1 - rate, and every other unit becomes 0: "
    "then each unit's expected value is the same as without dropout, so at inference nothing needs to change and dropout does nothing.",
    structure="At inference (training is False) return x as it is. In training: x times the mask (True counts as 1, False as 0), divided "
    "by (1 - rate); one array expression, no loop.",
    solution=layers.dropout_forward,
    stub="my_dropout_forward",
    reference=tf_dropout_forward,
    reference_name="the same computation in TensorFlow, and keras.layers.Dropout's own output for a mask it drew",
    cases=lambda: _dropout_cases(backward=False),
    speed_case=_dropout_speed_case,
    mistakes=[
        edit(
            " / (1 - rate)",
            "",
            "The kept units are not rescaled: in training the layer's output is then (1 - rate) times smaller on average than at "
            "inference, and the next layer sees different scales in the two modes. Divide the kept units by 1 - rate.",
        ),
        edit(
            "    if not training:\n        return x\n",
            "",
            "The mask is applied at inference too: at inference every unit takes part (that is the point of the rescaling in training), "
            "so dropout returns x unchanged.",
        ),
        edit(
            "        return x\n",
            "        return x * (1 - rate)\n",
            "This is the original, non-inverted dropout: unscaled in training, multiplied by 1 - rate at inference. It is equivalent in "
            "expectation, but Keras and this lab use inverted dropout: divide by 1 - rate in training, and leave inference alone.",
            (" / (1 - rate)", ""),
        ),
        edit(
            "/ (1 - rate)",
            "/ rate",
            "The kept units are divided by the rate, the probability of dropping a unit: divide by the probability of keeping one, "
            "1 - rate (the two are equal only for a rate of 0.5).",
        ),
        edit(
            "x * mask",
            "x * np.logical_not(mask)",
            "The mask is read the wrong way round: True marks a unit that is kept, False one that is dropped.",
        ),
    ],
    shape_hint="The output has the shape of x: dropout only zeroes and scales values, one by one.",
)

DROPOUT_BACKWARD = FunctionExercise(
    name="dropout_backward",
    title="Inverted dropout, backward",
    idea="In training each output is its input times mask / (1 - rate), a constant for that unit; at inference it is the input itself. "
    "So the gradient flows back multiplied by the same factor: zero through the dropped units, 1 / (1 - rate) through the kept ones.",
    structure="At inference return upstream as it is; in training, upstream times the mask, divided by (1 - rate): the forward pass's "
    "arithmetic applied to the gradient.",
    solution=layers.dropout_backward,
    stub="my_dropout_backward",
    reference=tf_dropout_backward,
    reference_name="tf.GradientTape through the same computation in TensorFlow",
    cases=lambda: _dropout_cases(backward=True),
    speed_case=_dropout_speed_case,
    mistakes=[
        edit(
            "upstream * mask / (1 - rate)",
            "upstream * mask",
            "The gradient is not rescaled: the forward pass divided the kept units by 1 - rate, so their gradient is divided by it too.",
        ),
        edit(
            "    if not training:\n        return upstream\n",
            "",
            "The mask is applied at inference too: there the forward pass returned x unchanged, so the gradient passes unchanged.",
        ),
        edit(
            "upstream * mask / (1 - rate)",
            "mask / (1 - rate)",
            "This is the derivative of the output with respect to x, not the gradient of the loss: by the chain rule, multiply it by the "
            "upstream gradient.",
        ),
        edit(
            "/ (1 - rate)",
            "/ rate",
            "The gradient is divided by the rate, the probability of dropping a unit: the forward pass divides by the probability of "
            "keeping one, 1 - rate.",
        ),
    ],
    shape_hint="The gradient has the shape of upstream (and of x): one value per unit.",
)


# --- Labs: batch normalisation, forward and backward (section 7) ------------------------------------
def _keras_batchnorm(shape: tuple, gamma: Array, beta: Array, mean: Array, variance: Array, momentum: float, epsilon: float) -> Any:
    """A keras.layers.BatchNormalization in float64 for inputs of ``shape``, with these weights: γ, β, the running mean and variance."""
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype="float64")
    layer.build((None, *shape[1:]))
    layer.set_weights([np.asarray(w, dtype=float) for w in (gamma, beta, mean, variance)])
    return layer


def keras_batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.99, epsilon=0.001, training=True) -> tuple:
    """keras.layers.BatchNormalization given the same γ, β, running averages, ε and momentum: (its output, its moving mean and variance
    after the call)."""
    layer = _keras_batchnorm(np.shape(x), gamma, beta, running_mean, running_var, momentum, epsilon)
    out = layer(tf.constant(np.asarray(x, dtype=float)), training=training)
    return out.numpy(), layer.moving_mean.numpy(), layer.moving_variance.numpy()


def keras_batchnorm_backward(upstream, x, gamma, epsilon=0.001) -> tuple:
    """tf.GradientTape's (dx, dγ, dβ) of sum(upstream · BatchNormalization(x)), in training, through the Keras layer given γ and ε."""
    features = np.shape(x)[-1]
    layer = _keras_batchnorm(np.shape(x), gamma, np.zeros(features), np.zeros(features), np.ones(features), 0.99, epsilon)
    inputs = tf.Variable(np.asarray(x, dtype=float))
    with tf.GradientTape() as tape:
        out = layer(inputs, training=True)
    grads = tape.gradient(out, [inputs, layer.gamma, layer.beta], output_gradients=tf.constant(np.asarray(upstream, dtype=float)))
    return tuple(np.asarray(g) for g in grads)


def _batchnorm_weights(rng: np.random.Generator, features: int) -> tuple:
    """γ near 1, β near 0, and running averages as after some training: (gamma, beta, running_mean, running_var)."""
    return (
        rng.uniform(0.5, 1.5, features),
        rng.normal(scale=0.5, size=features),
        rng.normal(scale=0.3, size=features),
        rng.uniform(0.5, 2.0, features),
    )


def _batchnorm_forward_cases() -> list[Case]:
    """(x, gamma, beta, running_mean, running_var, momentum, epsilon, training)."""
    rng = np.random.default_rng(61)
    dense, dense_weights = rng.normal(1.0, 2.0, size=(6, 4)), _batchnorm_weights(rng, 4)
    images, image_weights = rng.normal(-0.5, 1.5, size=(3, 4, 5, 2)), _batchnorm_weights(rng, 2)
    one, one_weights = rng.normal(size=(1, 3)), _batchnorm_weights(rng, 3)
    scales = np.array([1e3, 1e-2, 1.0])
    mixed, mixed_weights = 2e3 + scales * rng.normal(size=(7, 3)), _batchnorm_weights(rng, 3)
    column, column_weights = rng.normal(size=(5, 1)), _batchnorm_weights(rng, 1)
    return [
        Case((dense, *dense_weights, 0.9, 1e-3, True), "a batch of 6 with 4 features, training, momentum 0.9"),
        Case((dense, *dense_weights, 0.9, 1e-3, False), "the same at inference: the running averages, left unchanged"),
        Case((images, *image_weights, 0.99, 1e-3, True), "images (3, 4, 5, 2), training: one mean and variance per channel"),
        Case((images, *image_weights, 0.99, 1e-3, False), "the same images at inference"),
        Case((one, *one_weights, 0.99, 1e-3, True), "a batch of 1: each feature equals its mean, so every output is beta"),
        Case((mixed, *mixed_weights, 0.8, 1e-5, True), "values around 2e3, features of scales 1e3, 1e-2 and 1; epsilon 1e-5"),
        Case((column, *column_weights, 0.0, 1e-3, True), "one feature, momentum 0: the running averages become the batch's"),
    ]


def _batchnorm_backward_cases() -> list[Case]:
    """(upstream, x, gamma, epsilon)."""
    rng = np.random.default_rng(62)
    gamma4, gamma2, gamma3 = rng.uniform(0.5, 1.5, 4), rng.uniform(0.5, 1.5, 2), np.array([0.0, -1.5, 0.7])
    return [
        Case((rng.normal(size=(6, 4)), rng.normal(1.0, 2.0, size=(6, 4)), gamma4, 1e-3), "a batch of 6 with 4 features"),
        Case((rng.normal(size=(3, 4, 5, 2)), rng.normal(size=(3, 4, 5, 2)), gamma2, 1e-3), "images (3, 4, 5, 2): one γ and β per channel"),
        Case((rng.normal(size=(1, 4)), rng.normal(size=(1, 4)), gamma4, 1e-3), "a batch of 1: the output is beta whatever x is: dx is 0"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), gamma3, 1e-3), "a batch of 2, γ with a zero and a negative entry"),
        Case(
            (rng.normal(scale=1e4, size=(5, 3)), rng.normal(size=(5, 3)), gamma3 + 1.0, 1e-3),
            "an upstream gradient of the order of 1e4, far beyond any clipping threshold",
        ),
        Case((rng.normal(size=(7, 2)), 2e3 + 1e2 * rng.normal(size=(7, 2)), gamma2, 1e-5), "inputs around 2e3 with a spread of 1e2"),
    ]


def _batchnorm_speed_case(backward: bool) -> Callable[[], Case]:
    def case() -> Case:
        rng = np.random.default_rng(63)
        x, gamma = rng.normal(size=(20_000, 64)), rng.uniform(0.5, 1.5, 64)
        if backward:
            return Case((rng.normal(size=x.shape), x, gamma, 1e-3), "a batch of 20,000 with 64 features")
        return Case((x, gamma, np.zeros(64), np.zeros(64), np.ones(64), 0.99, 1e-3, True), "a batch of 20,000 with 64 features")

    return case


BATCHNORM_FORWARD = FunctionExercise(
    name="batchnorm_forward",
    title="Batch normalisation, forward",
    idea="Each feature (each channel, for images) is standardised with one mean and one variance, taken over every axis but the last: "
    "the batch, and for images every row and column too. Then γ scales and β shifts it. Training uses the batch's statistics and moves "
    "the running averages towards them; inference uses the running averages and leaves them alone.",
    structure="axes = every axis but the last. Training: mean and variance of x over those axes (the variance divided by the number of "
    "values, as np.var does); new running mean = momentum · old + (1 - momentum) · mean, the same for the variance. Inference: mean and "
    "variance are the running averages, returned as they came. Then x_hat = (x - mean) / sqrt(variance + epsilon); return (gamma · x_hat "
    "+ beta, running mean, running variance). Array operations only, no loop.",
    solution=layers.batchnorm_forward,
    stub="my_batchnorm_forward",
    reference=keras_batchnorm_forward,
    reference_name="keras.layers.BatchNormalization given the same γ, β, running averages, ε and momentum",
    cases=_batchnorm_forward_cases,
    names=("out", "running_mean", "running_var"),
    speed_case=_batchnorm_speed_case(backward=False),
    mistakes=[
        edit(
            "axes = tuple(range(x.ndim - 1))",
            "axes = 0",
            "For images, your statistics are over the batch axis only, one mean per row, column and channel: batch normalisation after a "
            "convolution shares one mean and variance per channel, over the batch and every position (all axes but the last).",
        ),
        edit(
            "mean = x.mean(axis=axes)",
            "mean = x.mean(axis=-1, keepdims=True)",
            "Your statistics are over each example's features (that is layer normalisation): batch normalisation takes, for each feature, "
            "the mean and variance over the examples of the batch (all axes but the last).",
            ("var = x.var(axis=axes)", "var = x.var(axis=-1, keepdims=True)"),
        ),
        edit(
            "var = x.var(axis=axes)",
            "var = x.var(axis=axes, ddof=1)",
            "The variance divides by m - 1 (the unbiased estimate): Keras, like Ioffe and Szegedy's forward pass, divides by m, the "
            "number of values per feature (np.var's default).",
        ),
        edit(
            "        mean, var = running_mean, running_var\n",
            "        mean, var = running_mean, running_var\n"
            "        running_mean = momentum * running_mean + (1 - momentum) * x.mean(axis=axes)\n"
            "        running_var = momentum * running_var + (1 - momentum) * x.var(axis=axes)\n",
            "The running averages are updated at inference: they are estimates learnt in training, and at inference they are used and "
            "returned unchanged (otherwise every prediction would move them).",
        ),
        edit(
            "mean, var = running_mean, running_var",
            "mean, var = x.mean(axis=axes), x.var(axis=axes)",
            "At inference your layer standardises with the batch's own statistics: it must use the running averages, so that a prediction "
            "does not depend on the other examples of the batch (or fail for a batch of 1).",
        ),
        edit(
            "running_mean = momentum * running_mean + (1 - momentum) * mean",
            "running_mean = (1 - momentum) * running_mean + momentum * mean",
            "The momentum weighs the batch instead of the old average (PyTorch's convention): in Keras' convention, new = momentum · old + "
            "(1 - momentum) · batch.",
            ("running_var = momentum * running_var + (1 - momentum) * var", "running_var = (1 - momentum) * running_var + momentum * var"),
        ),
        edit(
            "np.sqrt(var + epsilon)",
            "(np.sqrt(var) + epsilon)",
            "epsilon is added after the square root: Keras (and the paper) add it to the variance, sqrt(variance + epsilon).",
        ),
    ],
    shape_hint="Return (out, running_mean, running_var): out has the shape of x; the running averages one value per feature (channel), "
    "shape (features,), as gamma.",
)

BATCHNORM_BACKWARD = FunctionExercise(
    name="batchnorm_backward",
    title="Batch normalisation, backward",
    idea="β and γ act on each value separately: dβ sums the upstream gradient, dγ sums it times x_hat. But each x_hat depends on every "
    "example of the batch through the mean and the variance, so dx has three paths: through x directly, through μ and through σ².",
    structure="Recompute mean, var and x_hat over axes = every axis but the last. dbeta = sum of upstream over those axes; dgamma = sum of "
    "upstream · x_hat; d = upstream · gamma (the gradient with respect to x_hat). Then dx = (d - mean(d) - x_hat · mean(d · x_hat)) / "
    "sqrt(var + epsilon), the means over the same axes. Return (dx, dgamma, dbeta).",
    solution=layers.batchnorm_backward,
    stub="my_batchnorm_backward",
    reference=keras_batchnorm_backward,
    reference_name="tf.GradientTape through keras.layers.BatchNormalization given the same γ and ε",
    cases=_batchnorm_backward_cases,
    names=("dx", "dgamma", "dbeta"),
    speed_case=_batchnorm_speed_case(backward=True),
    mistakes=[
        edit(
            " - d_x_hat.mean(axis=axes) - x_hat * (d_x_hat * x_hat).mean(axis=axes)",
            "",
            "dx treats the batch's mean and variance as constants: only the direct path, d / sqrt(var + epsilon). Both depend on every "
            "example, so two more terms come back through them: - mean(d) through μ, - x_hat · mean(d · x_hat) through σ².",
        ),
        edit(
            " - x_hat * (d_x_hat * x_hat).mean(axis=axes)",
            "",
            "dx misses the path through the variance: σ² depends on every example too, and brings back - x_hat · mean(d · x_hat).",
        ),
        edit(
            " - d_x_hat.mean(axis=axes)",
            "",
            "dx misses the path through the mean: μ depends on every example, and brings back - mean(d) (d = upstream · γ).",
        ),
        edit(
            "d_x_hat = upstream * gamma",
            "d_x_hat = upstream",
            "dx has lost γ: the output is γ · x_hat + β, so the gradient with respect to x_hat is the upstream gradient times γ.",
        ),
        edit(
            "(upstream * x_hat).sum(axis=axes)",
            "upstream.sum(axis=axes)",
            "dgamma is dbeta: γ multiplies x_hat, so its gradient sums the upstream gradient times x_hat.",
        ),
        edit(
            "mean, var = x.mean(axis=axes), x.var(axis=axes)",
            "mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=1)",
            "The variance divides by m - 1: the forward pass (Keras') divides by m, the number of values per feature.",
        ),
        edit(
            "axes = tuple(range(x.ndim - 1))",
            "axes = 0",
            "For images, your sums are over the batch axis only: γ and β are shared by every position of a channel, so their gradients "
            "(and the statistics) sum over the batch, the rows and the columns: all axes but the last.",
        ),
    ],
    shape_hint="Return (dx, dgamma, dbeta): dx has the shape of x; dgamma and dbeta one value per feature (channel), shape (features,).",
)

EXERCISES = [
    CONV_FORWARD_LOOPS,
    IM2COL_CONV,
    CONV_BACKWARD,
    MAXPOOL_BACKWARD,
    LEARN_EDGE_KERNEL,
    PARAMETERS,
    RECEPTIVE_FIELD,
    DROPOUT_FORWARD,
    DROPOUT_BACKWARD,
    BATCHNORM_FORWARD,
    BATCHNORM_BACKWARD,
]
