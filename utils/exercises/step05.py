"""The labs of step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``): a convolution layer forward
(by loops, then by im2col), its backward pass, max pooling's backward pass, a kernel learned by
gradient descent; and two warm-ups on the arithmetic of shapes.

Every solution and mistake is written with the notebook's own names (``np``, ``pad`` and
``sliding_window_view``, imported in the notebook before the labs that may use them), so that a test
can paste it into the stub cell. A few mistakes import what they reuse inside their own body
(``from utils.conv import pad``), so that they paste anywhere. The answers are judged against
TensorFlow: ``tf.nn.conv2d`` for the forward passes, ``tf.GradientTape`` for the backward passes and
for the gradient descent.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from utils import conv
from utils.conv import pad
from utils.exercises.core import Case, FunctionExercise, Mistake

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


def _layers(seed):
    """(images, kernels, bias, stride, padding, label) for each layer of LAYERS, with random values."""
    rng = np.random.default_rng(seed)
    for batch, height, width, c_in, kh, kw, c_out, stride, padding, label in LAYERS:
        yield (
            rng.normal(size=(batch, height, width, c_in)),
            rng.normal(size=(kh, kw, c_in, c_out)),
            rng.normal(size=c_out),
            stride,
            padding,
            label,
        )


def _tf_conv_forward(images, kernels, bias, stride=1, padding="valid"):
    """The reference: TensorFlow's convolution plus the bias, in float64."""
    import tensorflow as tf

    return (tf.nn.conv2d(images, kernels, strides=stride, padding=padding.upper()) + bias).numpy()


def _forward_cases():
    return [Case((images, kernels, bias, stride, padding), label) for images, kernels, bias, stride, padding, label in _layers(50)]


FORWARD_SHAPE_HINT = (
    "The output is (batch, H_out, W_out, C_out): one value per image, output position and kernel. Along each "
    "axis, valid gives (n - k) // stride + 1 positions and same gives ceil(n / stride)."
)


# --- Lab: convolution by loops (section 1) ----------------------------------------------------------


def conv_forward_loops(images, kernels, bias, stride=1, padding="valid"):
    """A convolution layer, by loops: images (batch, H, W, C_in), kernels (kh, kw, C_in, C_out),
    bias (C_out,) -> (batch, H_out, W_out, C_out). padding is "valid" or "same" (TensorFlow's rules).
    """
    batch, height, width, _ = images.shape
    kh, kw, _, c_out = kernels.shape
    if padding == "same":
        rows, columns = -(-height // stride), -(-width // stride)  # ceil(H / stride), ceil(W / stride)
        pad_rows = max((rows - 1) * stride + kh - height, 0)
        pad_columns = max((columns - 1) * stride + kw - width, 0)
        images = np.pad(
            images, ((0, 0), (pad_rows // 2, pad_rows - pad_rows // 2), (pad_columns // 2, pad_columns - pad_columns // 2), (0, 0))
        )
    else:
        rows, columns = (height - kh) // stride + 1, (width - kw) // stride + 1
    output = np.zeros((batch, rows, columns, c_out))
    for n in range(batch):
        for i in range(rows):
            for j in range(columns):
                window = images[n, i * stride : i * stride + kh, j * stride : j * stride + kw, :]  # (kh, kw, C_in)
                for k in range(c_out):
                    output[n, i, j, k] = np.sum(window * kernels[:, :, :, k]) + bias[k]
    return output


def conv_loops_kernel_flipped(images, kernels, bias, stride=1, padding="valid"):
    from utils.exercises.step05 import conv_forward_loops as correct_loops

    return correct_loops(images, kernels[::-1, ::-1], bias, stride, padding)


def conv_loops_extra_padding_first(images, kernels, bias, stride=1, padding="valid"):
    from utils.exercises.step05 import conv_forward_loops as correct_loops

    if padding == "same":
        kh, kw = kernels.shape[:2]
        pad_rows = max((-(-images.shape[1] // stride) - 1) * stride + kh - images.shape[1], 0)
        pad_columns = max((-(-images.shape[2] // stride) - 1) * stride + kw - images.shape[2], 0)
        images = np.pad(
            images, ((0, 0), (pad_rows - pad_rows // 2, pad_rows // 2), (pad_columns - pad_columns // 2, pad_columns // 2), (0, 0))
        )
    return correct_loops(images, kernels, bias, stride, "valid")


def conv_loops_stride_ignored(images, kernels, bias, stride=1, padding="valid"):
    from utils.conv import output_size, pad

    kh, kw, _, c_out = kernels.shape
    padded = pad(images, kh, kw, stride, padding)
    rows, columns = output_size(images.shape[1], kh, stride, padding), output_size(images.shape[2], kw, stride, padding)
    output = np.zeros((images.shape[0], rows, columns, c_out))
    for n in range(images.shape[0]):
        for i in range(rows):
            for j in range(columns):
                for k in range(c_out):
                    output[n, i, j, k] = np.sum(padded[n, i : i + kh, j : j + kw, :] * kernels[:, :, :, k]) + bias[k]
    return output


def conv_loops_without_bias(images, kernels, bias, stride=1, padding="valid"):
    from utils.exercises.step05 import conv_forward_loops as correct_loops

    return correct_loops(images, kernels, np.zeros_like(bias), stride, padding)


CONV_FORWARD_LOOPS = FunctionExercise(
    name="conv_forward_loops",
    title="A convolution layer, by loops",
    idea="Every output value is one window of the (padded) image times one kernel, summed over the window's rows, columns and "
    "channels, plus that kernel's bias. With stride s the window of output (i, j) starts at row s·i and column s·j. "
    "'same' pads with zeros first, the odd extra row or column at the bottom or right.",
    structure="1. Output size and padding: valid: rows = (H - kh) // stride + 1; same: rows = ceil(H / stride), total padding "
    "p = max((rows - 1)·stride + kh - H, 0), p // 2 rows on top and the rest below (np.pad); the same for the columns. "
    "2. output = np.zeros((batch, rows, columns, C_out)). 3. Loops over n, i, j, k: the window "
    "images[n, i·stride : i·stride + kh, j·stride : j·stride + kw, :] has shape (kh, kw, C_in); "
    "output[n, i, j, k] = sum(window · kernels[:, :, :, k]) + bias[k].",
    solution=conv_forward_loops,
    stub="my_conv_forward_loops",
    reference=_tf_conv_forward,
    reference_name="tf.nn.conv2d plus the bias",
    cases=_forward_cases,
    mistakes=[
        Mistake(
            conv_loops_kernel_flipped,
            "That is a mathematician's convolution: the kernel is flipped. Deep learning's "
            "convolution slides the kernel as it is (a cross-correlation): window entry (a, b) meets kernel entry (a, b).",
        ),
        Mistake(
            conv_loops_extra_padding_first,
            "With 'same' and an odd amount of padding, the extra row or column goes at the "
            "bottom or right (TensorFlow's rule), not at the top or left.",
        ),
        Mistake(
            conv_loops_stride_ignored,
            "The windows do not move by the stride: the window of output (i, j) starts at row stride·i and column stride·j.",
        ),
        Mistake(conv_loops_without_bias, "The bias is missing: each output channel k adds its bias[k] to every value."),
    ],
    shape_hint=FORWARD_SHAPE_HINT,
)


# --- Lab: convolution by im2col and one matrix product (section 1) -----------------------------------


def im2col_conv(images, kernels, bias, stride=1, padding="valid"):
    """A convolution layer as one matrix product: images (batch, H, W, C_in), kernels (kh, kw, C_in, C_out),
    bias (C_out,) -> (batch, H_out, W_out, C_out). No loop over positions.
    """
    kh, kw, c_in, c_out = kernels.shape
    padded = pad(images, kh, kw, stride, padding)
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # (batch, rows, columns, C_in, kh, kw)
    patches = windows.transpose(0, 1, 2, 4, 5, 3)  # each window in (row, column, channel) order, as the kernels
    patches = patches.reshape(*patches.shape[:3], kh * kw * c_in)  # (batch, rows, columns, kh·kw·C_in)
    return patches @ kernels.reshape(kh * kw * c_in, c_out) + bias


def im2col_channels_first(images, kernels, bias, stride=1, padding="valid"):
    from numpy.lib.stride_tricks import sliding_window_view

    from utils.conv import pad

    kh, kw, c_in, c_out = kernels.shape
    windows = sliding_window_view(pad(images, kh, kw, stride, padding), (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    patches = windows.reshape(*windows.shape[:3], kh * kw * c_in)  # (C_in, kh, kw) order
    return patches @ kernels.reshape(kh * kw * c_in, c_out) + bias


def im2col_kernels_transposed(images, kernels, bias, stride=1, padding="valid"):
    from utils.conv import im2col, pad

    kh, kw, c_in, c_out = kernels.shape
    patches = im2col(pad(images, kh, kw, stride, padding), kh, kw, stride)
    return patches @ kernels.reshape(c_out, kh * kw * c_in).T + bias


def im2col_every_window(images, kernels, bias, stride=1, padding="valid"):
    from utils.conv import im2col, pad

    kh, kw, c_in, c_out = kernels.shape
    patches = im2col(pad(images, kh, kw, stride, padding), kh, kw)
    return patches @ kernels.reshape(kh * kw * c_in, c_out) + bias


IM2COL_CONV = FunctionExercise(
    name="im2col_conv",
    title="A convolution layer by im2col and one matrix product",
    idea="Copy every window into one row, so that all the sums of the loops become a single matrix product with the kernels "
    "flattened into columns. Entry m of a window's row must meet entry m of every kernel's column: flatten both in the "
    "same (row, column, channel) order.",
    structure="padded = pad(images, kh, kw, stride, padding); sliding_window_view(padded, (kh, kw), axis=(1, 2)) gives "
    "(batch, H', W', C_in, kh, kw): keep every stride-th window along axes 1 and 2, move the channel axis after kh "
    "and kw (transpose), reshape to (batch, rows, columns, kh·kw·C_in); kernels.reshape(kh·kw·C_in, C_out) lists "
    "each kernel in that order; patches @ that matrix + bias.",
    solution=im2col_conv,
    stub="my_im2col_conv",
    reference=_tf_conv_forward,
    reference_name="tf.nn.conv2d plus the bias",
    cases=_forward_cases,
    mistakes=[
        Mistake(
            im2col_channels_first,
            "The windows are flattened in (channel, row, column) order, sliding_window_view's own, "
            "but the kernels in (row, column, channel) order: move the channel axis last before reshaping.",
        ),
        Mistake(
            im2col_kernels_transposed,
            "The kernel matrix is reshaped as if the output channel came first and then "
            "transposed, which scrambles the kernels: reshape (kh, kw, C_in, C_out) to "
            "(kh·kw·C_in, C_out) directly, C_out staying last.",
        ),
        Mistake(im2col_every_window, "Every window is used: with stride s, keep every s-th window along the rows and the columns."),
    ],
    shape_hint=FORWARD_SHAPE_HINT,
)


# --- Lab: the backward pass of a convolution layer (section 1) ---------------------------------------


def _tf_conv_gradients(images, kernels, upstream, stride=1, padding="valid"):
    """The reference: tf.GradientTape's gradients of sum(upstream · (conv2d(x, W) + b)) for x, W, b."""
    import tensorflow as tf

    variables = [tf.Variable(images), tf.Variable(kernels), tf.Variable(np.zeros(kernels.shape[3]))]
    with tf.GradientTape() as tape:
        output = tf.nn.conv2d(variables[0], variables[1], strides=stride, padding=padding.upper()) + variables[2]
    return tuple(g.numpy() for g in tape.gradient(output, variables, output_gradients=tf.constant(upstream)))


def _backward_cases():
    rng = np.random.default_rng(51)
    cases = []
    for images, kernels, bias, stride, padding, label in _layers(52):
        shape = conv.conv_forward(images, kernels, bias, stride, padding).shape
        cases.append(Case((images, kernels, rng.normal(size=shape), stride, padding), label))
    return cases


def conv_backward(images, kernels, upstream, stride=1, padding="valid"):
    """The backward pass of a convolution layer. images (batch, H, W, C_in), kernels (kh, kw, C_in, C_out),
    upstream = dL/d(output) (batch, H_out, W_out, C_out) -> (dX, dW, db), shaped like images, kernels, bias (C_out,).
    """
    kh, kw, _, _ = kernels.shape
    padded = pad(images, kh, kw, stride, padding)
    d_padded = np.zeros(padded.shape)
    d_kernels = np.zeros(kernels.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            rows, columns = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            gradient = upstream[:, i, j, :]  # (batch, C_out): this output position's share of dL
            d_padded[:, rows, columns, :] += np.einsum("nk,abck->nabc", gradient, kernels)
            d_kernels += np.einsum("nabc,nk->abck", padded[:, rows, columns, :], gradient)
    top = (padded.shape[1] - images.shape[1]) // 2  # the padding added above (and to the left): drop it
    left = (padded.shape[2] - images.shape[2]) // 2
    d_images = d_padded[:, top : top + images.shape[1], left : left + images.shape[2], :]
    return d_images, d_kernels, upstream.sum(axis=(0, 1, 2))


def conv_backward_by_gather(images, kernels, upstream, stride=1, padding="valid", rotate=False):
    """The backward pass with dX written as a 'full' correlation of the upstream gradient (spread out by
    the stride) with the kernel; correct with ``rotate=True`` (the kernel turned by 180 degrees), the
    typical mistake without. Used by the mistake below and by the tests."""
    from utils.conv import pad

    kh, kw, _, _ = kernels.shape
    padded = pad(images, kh, kw, stride, padding)
    batch, rows, columns, c_out = upstream.shape
    spread = np.zeros((batch, (rows - 1) * stride + 1, (columns - 1) * stride + 1, c_out))
    spread[:, ::stride, ::stride, :] = upstream
    full = np.pad(spread, ((0, 0), (kh - 1, padded.shape[1] - spread.shape[1]), (kw - 1, padded.shape[2] - spread.shape[2]), (0, 0)))
    turned = kernels[::-1, ::-1] if rotate else kernels
    d_padded = np.zeros(padded.shape)
    d_kernels = np.zeros(kernels.shape)
    for p in range(padded.shape[1]):
        for q in range(padded.shape[2]):
            d_padded[:, p, q, :] = np.einsum("nabk,abck->nc", full[:, p : p + kh, q : q + kw, :], turned)
    for a in range(kh):
        for b in range(kw):
            d_kernels[a, b] = np.einsum(
                "nijc,nijk->ck", padded[:, a : a + stride * (rows - 1) + 1 : stride, b : b + stride * (columns - 1) + 1 : stride], upstream
            )
    top, left = (padded.shape[1] - images.shape[1]) // 2, (padded.shape[2] - images.shape[2]) // 2
    return d_padded[:, top : top + images.shape[1], left : left + images.shape[2], :], d_kernels, upstream.sum(axis=(0, 1, 2))


def conv_backward_kernel_not_rotated(images, kernels, upstream, stride=1, padding="valid"):
    from utils.exercises.step05 import conv_backward_by_gather

    return conv_backward_by_gather(images, kernels, upstream, stride, padding, rotate=False)


def conv_backward_bias_channels_first(images, kernels, upstream, stride=1, padding="valid"):
    from utils.conv import conv_backward as correct_backward

    d_images, d_kernels, _ = correct_backward(images, kernels, upstream, stride, padding)
    return d_images, d_kernels, upstream.sum(axis=(0, 2, 3))


def conv_backward_kernel_gradient_per_image(images, kernels, upstream, stride=1, padding="valid"):
    from utils.conv import conv_backward as correct_backward

    d_images, _, d_bias = correct_backward(images, kernels, upstream, stride, padding)
    per_image = [correct_backward(images[n : n + 1], kernels, upstream[n : n + 1], stride, padding)[1] for n in range(len(images))]
    return d_images, np.stack(per_image), d_bias


def conv_backward_stride_ignored(images, kernels, upstream, stride=1, padding="valid"):
    from utils.conv import pad

    kh, kw, _, _ = kernels.shape
    padded = pad(images, kh, kw, stride, padding)
    d_padded, d_kernels = np.zeros(padded.shape), np.zeros(kernels.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            d_padded[:, i : i + kh, j : j + kw, :] += np.einsum("nk,abck->nabc", upstream[:, i, j, :], kernels)
            d_kernels += np.einsum("nabc,nk->abck", padded[:, i : i + kh, j : j + kw, :], upstream[:, i, j, :])
    top, left = (padded.shape[1] - images.shape[1]) // 2, (padded.shape[2] - images.shape[2]) // 2
    return d_padded[:, top : top + images.shape[1], left : left + images.shape[2], :], d_kernels, upstream.sum(axis=(0, 1, 2))


CONV_BACKWARD = FunctionExercise(
    name="conv_backward",
    title="The backward pass of a convolution layer",
    idea="Each output value came from one window: its gradient flows back through that window only. To the kernel it brings "
    "the window's pixels times the gradient (summed over every position and every image of the batch), to the window's "
    "pixels the kernel times the gradient (added up where windows overlap), to the bias the gradient itself.",
    structure="padded = pad(images, kh, kw, stride, padding); zero arrays for d_padded (padded's shape) and dW (the kernels'). "
    "For each output position (i, j): the window is rows stride·i : stride·i + kh, columns stride·j : stride·j + kw; "
    "g = upstream[:, i, j, :] is (batch, C_out); d_padded[:, window] += sum over k of g[n, k]·W[a, b, c, k]; "
    "dW += sum over n of window[n, a, b, c]·g[n, k]. Then drop the "
    "padding from d_padded: pad put half of each axis's padding (rounded down) before the image, the rest after; "
    "db = upstream summed over the batch, rows and columns.",
    solution=conv_backward,
    stub="my_conv_backward",
    reference=_tf_conv_gradients,
    reference_name="tf.GradientTape on tf.nn.conv2d plus the bias",
    cases=_backward_cases,
    names=("dX", "dW", "db"),
    mistakes=[
        Mistake(
            conv_backward_kernel_not_rotated,
            "dX is a 'full' correlation of the upstream gradient with the kernel as it is: "
            "written that way, the kernel must be turned by 180 degrees (flipped in both "
            "directions), because pixel p meets kernel entry a through the output at p - a.",
        ),
        Mistake(
            conv_backward_bias_channels_first,
            "db is summed over the axes (0, 2, 3), the channels-first habit: here the "
            "channels are last, so sum over the batch, the rows and the columns.",
        ),
        Mistake(
            conv_backward_kernel_gradient_per_image,
            "dW keeps one gradient per image: the same kernel serves every image "
            "of the batch, so their contributions add up into one (kh, kw, C_in, C_out) array.",
        ),
        Mistake(
            conv_backward_stride_ignored,
            "The windows do not move by the stride: output (i, j) came from the window that starts at row stride·i and column stride·j.",
        ),
    ],
    shape_hint="dX has the images' shape (batch, H, W, C_in), dW the kernels' (kh, kw, C_in, C_out), "
    "db one value per output channel (C_out,).",
)


# --- Lab: the backward pass of max pooling (section 1) ----------------------------------------------


def _tf_max_pool_gradient(images, upstream, size=2, stride=2):
    """The reference: tf.GradientTape's gradient of sum(upstream · max_pool2d(x)) for x."""
    import tensorflow as tf

    variable = tf.Variable(images)
    with tf.GradientTape() as tape:
        pooled = tf.nn.max_pool2d(variable, ksize=size, strides=stride, padding="VALID")
    return tape.gradient(pooled, variable, output_gradients=tf.constant(upstream)).numpy()


def _pool_cases():
    rng = np.random.default_rng(53)
    cases = []
    for (batch, height, width, channels), size, stride, label in (
        ((2, 6, 6, 3), 2, 2, "2 x 2 windows, stride 2: no overlap"),
        ((1, 7, 7, 2), 3, 2, "a batch of 1, 3 x 3 windows, stride 2: neighbours share a row or column"),
        ((2, 5, 8, 1), 2, 1, "one channel, 2 x 2 windows, stride 1: a pixel can be in four windows"),
        ((1, 10, 7, 2), 3, 3, "3 x 3, stride 3, non-square: the last rows and columns are never reached"),
    ):
        values = rng.permutation(batch * height * width * channels).reshape(batch, height, width, channels)  # no ties
        images = values / values.size - 0.5
        rows, columns = (height - size) // stride + 1, (width - size) // stride + 1
        cases.append(Case((images, rng.normal(size=(batch, rows, columns, channels)), size, stride), label))
    return cases


def maxpool_backward(images, upstream, size=2, stride=2):
    """The backward pass of max pooling (valid): images (batch, H, W, C), upstream = dL/d(output)
    (batch, H_out, W_out, C) -> dX (batch, H, W, C). The inputs have no ties.
    """
    d_images = np.zeros(images.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            rows, columns = slice(i * stride, i * stride + size), slice(j * stride, j * stride + size)
            window = images[:, rows, columns, :]  # (batch, size, size, C)
            is_max = window == window.max(axis=(1, 2), keepdims=True)  # one True per image and channel
            d_images[:, rows, columns, :] += is_max * upstream[:, i : i + 1, j : j + 1, :]
    return d_images


def maxpool_backward_spread(images, upstream, size=2, stride=2):
    d_images = np.zeros(images.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            d_images[:, i * stride : i * stride + size, j * stride : j * stride + size, :] += upstream[:, i : i + 1, j : j + 1, :] / size**2
    return d_images


def maxpool_backward_first_element(images, upstream, size=2, stride=2):
    d_images = np.zeros(images.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            d_images[:, i * stride, j * stride, :] += upstream[:, i, j, :]
    return d_images


def maxpool_backward_overwritten(images, upstream, size=2, stride=2):
    d_images = np.zeros(images.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            window = images[:, i * stride : i * stride + size, j * stride : j * stride + size, :]
            is_max = window == window.max(axis=(1, 2), keepdims=True)
            d_images[:, i * stride : i * stride + size, j * stride : j * stride + size, :] = is_max * upstream[:, i : i + 1, j : j + 1, :]
    return d_images


MAXPOOL_BACKWARD = FunctionExercise(
    name="maxpool_backward",
    title="The backward pass of max pooling",
    idea="An output of max pooling is one of its window's values, the largest: nudging any other value of the window does not "
    "change it. So each output's gradient goes, whole, to the position of its window's maximum, and nothing to the rest; "
    "a pixel that is the maximum of several overlapping windows collects all their gradients.",
    structure="Start from zeros shaped like the images. For each output position (i, j): window = images[:, stride·i : "
    "stride·i + size, stride·j : stride·j + size, :], shape (batch, size, size, C); a mask of where it equals its "
    "max over axes 1 and 2 (keepdims=True); add mask · upstream[:, i:i+1, j:j+1, :] to the same slice of the result "
    "(+=, so that overlapping windows add up).",
    solution=maxpool_backward,
    stub="my_maxpool_backward",
    reference=_tf_max_pool_gradient,
    reference_name="tf.GradientTape on tf.nn.max_pool2d",
    cases=_pool_cases,
    mistakes=[
        Mistake(
            maxpool_backward_spread,
            "The gradient is shared out over the whole window: that is average pooling's backward "
            "pass. Max pooling's output depends on the maximum only.",
        ),
        Mistake(
            maxpool_backward_first_element,
            "The gradient goes to the first (top-left) element of each window: it should go to the window's maximum, wherever it is.",
        ),
        Mistake(
            maxpool_backward_overwritten,
            "Where windows overlap, a later window overwrites what an earlier one sent (with "
            "its own values, zeros included): the contributions must be added.",
        ),
    ],
    shape_hint="dX has the shape of the images, (batch, H, W, C): every pixel gets a gradient, most of them 0.",
)


# --- Lab: learning an edge kernel by gradient descent (section 1) -------------------------------------


def _tf_descent(image, target, steps, learning_rate, initial):
    """The reference: the same descent with tf.GradientTape's gradient of the mean squared difference."""
    import tensorflow as tf

    kernel = tf.Variable(np.array(initial, dtype=float)[:, :, None, None])
    x = tf.constant(image[None, :, :, None])
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.nn.conv2d(x, kernel, strides=1, padding="VALID")[0, :, :, 0] - target) ** 2)
        losses.append(float(loss))
        kernel.assign_sub(learning_rate * tape.gradient(loss, kernel))
    return kernel.numpy()[:, :, 0, 0], np.array(losses)


def _descent_cases():
    rng = np.random.default_rng(54)

    def filtered(image, kernel):
        return conv.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]

    image = rng.uniform(size=(9, 8))
    wide, wide_kernel = rng.uniform(size=(12, 10)), rng.normal(size=(2, 3))
    small = rng.uniform(size=(6, 7))
    return [
        Case((image, filtered(image, SOBEL), 20, 0.1, np.zeros((3, 3))), "a 9 x 8 image and its Sobel edges, 20 steps from zeros"),
        Case((wide, filtered(wide, wide_kernel), 12, 0.2, rng.normal(size=(2, 3))), "a 2 x 3 kernel, 12 steps from a random start"),
        Case((small, filtered(small, SOBEL.T), 1, 0.3, rng.normal(size=(3, 3))), "a single step"),
        Case((small, 2.5 * small, 8, 0.5, np.zeros((1, 1))), "a 1 x 1 kernel: a brightness scale of 2.5"),
    ]


def learn_edge_kernel(image, target, steps, learning_rate, initial):
    """Gradient descent on a kernel. image (H, W), target (H - kh + 1, W - kw + 1), initial (kh, kw) the
    starting kernel (left unchanged) -> (kernel (kh, kw) after `steps` updates, losses (steps,)), where
    losses[t] is the mean squared difference between conv(image, kernel) and target before update t.
    """
    windows = sliding_window_view(image, initial.shape)  # (H_out, W_out, kh, kw): every window of the image
    kernel = np.array(initial, dtype=float)
    losses = np.zeros(steps)
    for t in range(steps):
        error = np.einsum("ijab,ab->ij", windows, kernel) - target  # prediction - target, (H_out, W_out)
        losses[t] = np.mean(error**2)
        gradient = 2 * np.einsum("ijab,ij->ab", windows, error) / error.size  # dL/dkernel, (kh, kw)
        kernel = kernel - learning_rate * gradient
    return kernel, losses


def learn_kernel_climbing(image, target, steps, learning_rate, initial):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, initial.shape)
    kernel, losses = np.array(initial, dtype=float), np.zeros(steps)
    for t in range(steps):
        error = np.einsum("ijab,ab->ij", windows, kernel) - target
        losses[t] = np.mean(error**2)
        kernel = kernel + learning_rate * 2 * np.einsum("ijab,ij->ab", windows, error) / error.size
    return kernel, losses


def learn_kernel_summed_gradient(image, target, steps, learning_rate, initial):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, initial.shape)
    kernel, losses = np.array(initial, dtype=float), np.zeros(steps)
    for t in range(steps):
        error = np.einsum("ijab,ab->ij", windows, kernel) - target
        losses[t] = np.mean(error**2)
        kernel = kernel - learning_rate * 2 * np.einsum("ijab,ij->ab", windows, error)
    return kernel, losses


def learn_kernel_loss_as_step(image, target, steps, learning_rate, initial):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, initial.shape)
    kernel, losses = np.array(initial, dtype=float), np.zeros(steps)
    for t in range(steps):
        error = np.einsum("ijab,ab->ij", windows, kernel) - target
        losses[t] = np.mean(error**2)
        kernel = kernel - learning_rate * losses[t]
    return kernel, losses


def learn_kernel_without_the_two(image, target, steps, learning_rate, initial):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, initial.shape)
    kernel, losses = np.array(initial, dtype=float), np.zeros(steps)
    for t in range(steps):
        error = np.einsum("ijab,ab->ij", windows, kernel) - target
        losses[t] = np.mean(error**2)
        kernel = kernel - learning_rate * np.einsum("ijab,ij->ab", windows, error) / error.size
    return kernel, losses


LEARN_EDGE_KERNEL = FunctionExercise(
    name="learn_edge_kernel",
    title="Learning a kernel by gradient descent",
    idea="The loss is the mean of (prediction - target)² over the N output pixels, and each prediction is a window of the image "
    "times the kernel. So the gradient for kernel entry (a, b) is 2/N times the sum, over the output pixels, of the error "
    "there times the image pixel that entry (a, b) meets there: every window, weighted by its error. Step against it.",
    structure="windows = sliding_window_view(image, (kh, kw)) is (H_out, W_out, kh, kw); kernel = a float copy of initial. "
    "Each step: error = sum over a, b of windows·kernel, minus target (np.einsum 'ijab,ab->ij'); record "
    "mean(error²); gradient = 2 · (sum over i, j of windows·error) / error.size ('ijab,ij->ab'); "
    "kernel = kernel - learning_rate · gradient. Return the kernel and the array of losses.",
    solution=learn_edge_kernel,
    stub="my_learn_edge_kernel",
    reference=_tf_descent,
    reference_name="the same descent with tf.GradientTape's gradients",
    cases=_descent_cases,
    names=("kernel", "losses"),
    rtol=1e-7,
    atol=1e-10,
    mistakes=[
        Mistake(
            learn_kernel_climbing,
            "The kernel moves up the gradient, so the loss grows: gradient descent subtracts learning_rate times the gradient.",
        ),
        Mistake(
            learn_kernel_summed_gradient,
            "The gradient is not divided by the number of output pixels N: that is the "
            "gradient of the sum of squares, N times too large for this learning rate (the "
            "loss is the mean).",
        ),
        Mistake(
            learn_kernel_loss_as_step,
            "The update uses the loss itself, the same number for every entry: it must use the gradient, one number per kernel entry.",
        ),
        Mistake(learn_kernel_without_the_two, "The gradient has lost its factor 2: the derivative of (error)² is 2 · error."),
    ],
    shape_hint="Return (kernel, losses): the kernel has the shape of initial, (kh, kw); losses holds one number per step, (steps,).",
)


# --- Warm-ups: the arithmetic of shapes (section 2) --------------------------------------------------


def parameters_without_biases(kernel_height, kernel_width, in_channels, out_channels):
    return kernel_height * kernel_width * in_channels * out_channels


def parameters_one_channel(kernel_height, kernel_width, in_channels, out_channels):
    return (kernel_height * kernel_width + 1) * out_channels


def parameters_bias_per_slice(kernel_height, kernel_width, in_channels, out_channels):
    return (kernel_height * kernel_width + 1) * in_channels * out_channels


PARAMETERS = FunctionExercise(
    name="conv_parameters",
    title="The parameters of a convolution layer",
    kind="warm-up",
    idea="Each output channel has one kernel, and each kernel spans all the input channels; each output channel also has one bias.",
    structure="One kernel has kernel_height · kernel_width · in_channels weights; add its bias; "
    "multiply by the number of kernels, out_channels.",
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
        Mistake(parameters_without_biases, "The biases are missing: one per output channel."),
        Mistake(parameters_one_channel, "Each kernel spans every input channel: multiply its size by in_channels."),
        Mistake(parameters_bias_per_slice, "There is one bias per output channel, not one per input channel of each kernel."),
    ],
)


def receptive_field_strides_ignored(layers):
    return 1 + sum(kernel - 1 for kernel, _ in layers)


def receptive_field_kernels_added(layers):
    return sum(kernel for kernel, _ in layers)


def receptive_field_own_stride(layers):
    field, jump = 1, 1
    for kernel, stride in layers:
        jump *= stride
        field += (kernel - 1) * jump
    return field


RECEPTIVE_FIELD = FunctionExercise(
    name="receptive_field",
    title="The receptive field of a stack of layers",
    kind="warm-up",
    idea="One output of a layer sees `kernel` values of the layer below, which are spaced by the product of the strides of all "
    "the layers before it (in input pixels). So each layer widens the field by (kernel - 1) times that spacing.",
    structure="field = 1, jump = 1 (the spacing, in input pixels, of the current layer's values). For each (kernel, stride), "
    "first layer first: field += (kernel - 1) · jump, then jump *= stride. Return field.",
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
        Mistake(
            receptive_field_strides_ignored,
            "The strides are ignored: after a stride-2 layer, one step of the next kernel spans two input pixels.",
        ),
        Mistake(
            receptive_field_kernels_added,
            "Kernel sizes do not simply add up: each layer adds (kernel - 1) steps, since its windows overlap by all but one.",
        ),
        Mistake(
            receptive_field_own_stride,
            "A layer's own stride counts only for the layers after it: multiply the jump by the stride after adding (kernel - 1) · jump.",
        ),
    ],
)

EXERCISES = [CONV_FORWARD_LOOPS, IM2COL_CONV, CONV_BACKWARD, MAXPOOL_BACKWARD, LEARN_EDGE_KERNEL, PARAMETERS, RECEPTIVE_FIELD]
