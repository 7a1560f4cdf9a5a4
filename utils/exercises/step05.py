"""The labs of step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``): a convolution layer by loops and by
im2col, its backward pass, max pooling's backward pass, a kernel learned by gradient descent, and two warm-ups
on shapes. Their solutions are the course's own functions in ``utils.conv``, written with the notebook's names;
each typical mistake is an edit of its solution. The references are TensorFlow's: ``tf.nn.conv2d`` and
``tf.GradientTape`` (``tests/test_conv.py`` proves ``utils.conv`` against these same functions).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils import conv
from utils.exercises.core import Case, FunctionExercise, LazyModule, edit

tf = LazyModule("tensorflow")
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
    ]


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
    cases=lambda: _layer_cases(52, upstream_seed=51),
    names=("dX", "dW", "db"),
    mistakes=[
        edit(  # what the 'full' correlation of the upstream gradient with the kernel gives when the kernel is not turned
            '"nk,abck->nabc", gradient, kernels)',
            '"nk,abck->nabc", gradient, kernels[::-1, ::-1])',
            "dX is a 'full' correlation of the upstream gradient with the kernel as it is: written that way, the kernel must be turned by "
            "180 degrees (flipped in both directions), because pixel p meets kernel entry a through the output at p - a.",
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

EXERCISES = [CONV_FORWARD_LOOPS, IM2COL_CONV, CONV_BACKWARD, MAXPOOL_BACKWARD, LEARN_EDGE_KERNEL, PARAMETERS, RECEPTIVE_FIELD]
