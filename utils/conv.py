"""Convolution and pooling from scratch in NumPy, and the arithmetic of their shapes.

Taught in step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``), sections 1 and 2. Each algorithm
is written once:

- the solutions of section 1's labs, written with the notebook's own names (``np``, ``pad``,
  ``sliding_window_view``) so that they can be pasted into the lab's stub cell: a convolution layer by
  loops (:func:`conv_layer_loops`) and by im2col and one matrix product (:func:`conv_layer_im2col`),
  its backward pass (:func:`conv_layer_backward`), max pooling's backward pass
  (:func:`max_pool_backward_valid`) and a kernel learned by gradient descent (:func:`learn_kernel`);
  they take the arguments the labs give them, as they are;
- the functions the notebooks and the rest of the course call (:func:`conv2d`, :func:`conv_forward`,
  :func:`conv_forward_loops`, :func:`conv_backward`, :func:`max_pool2d`, :func:`max_pool_backward`),
  which check their arguments and then use those solutions;
- the shape arithmetic of section 2 (:func:`output_size`, :func:`conv_parameters`, the solution of the
  warm-up ``conv_parameters``, and :func:`receptive_field`, that of the warm-up ``receptive_field``).

Layout, as in TensorFlow: images are ``(batch, height, width, channels)`` and kernels are
``(kernel_height, kernel_width, in_channels, out_channels)``. Like ``tf.nn.conv2d`` (and every deep
learning library), ``conv2d`` computes a cross-correlation: the kernel slides over the image without
being flipped. Padding follows TensorFlow: ``"valid"`` uses only whole windows; ``"same"`` pads so
that the output has ``ceil(n / stride)`` positions, putting the odd extra row or column at the end.
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Any

import numpy as np
from numpy.lib import stride_tricks

from utils.checks import ArgumentTypeError, arguments, array, fail, one_of, optional, positive, positive_integer, require

#: NumPy's every-window view (the notebook imports it as it is). Typed as Any for the type checker:
#: NumPy's stubs do not allow the tuple of axes, ``axis=(1, 2)``, that the function accepts.
sliding_window_view: Any = stride_tricks.sliding_window_view

_padding_name = one_of("valid", "same")  # exactly these: "VALID" (TensorFlow's spelling) or None is refused, not taken for "same"


def _whole(function: str, name: str, value: Any) -> Any:
    """A stride or a window's size: a whole number (an int, not 2.0: it is used to slice), at least 1."""
    positive_integer(function, name, value)
    if not isinstance(value, numbers.Integral):
        fail(function, name, value, f"is a {type(value).__name__}", "give an int, at least 1", ArgumentTypeError)
    return value


def _stack(function: str, name: str, value: Any) -> Any:
    """Layers as a list of (kernel, stride) pairs of whole numbers, first layer first."""
    if isinstance(value, (str, dict)) or not hasattr(value, "__iter__"):
        fail(function, name, value, f"is a {type(value).__name__}", "give a list of (kernel, stride) pairs", ArgumentTypeError)
    for index, layer in enumerate(value):
        if np.shape(layer) != (2,):
            fail(function, f"{name}[{index}]", layer, "is not a (kernel, stride) pair", "give each layer as (kernel, stride)")
        for part, number_ in zip(("kernel", "stride"), layer):
            _whole(function, f"{name}[{index}]'s {part}", number_)
    return value


def _descent(function: str, values: dict[str, Any]) -> None:
    """For learn_kernel: a kernel no larger than the image, and a target of the valid convolution's shape."""
    image, target, initial = np.shape(values["image"]), np.shape(values["target"]), np.shape(values["initial"])
    _fits(function, "initial", values["initial"], initial, (1, *image), "valid")
    expected = (image[0] - initial[0] + 1, image[1] - initial[1] + 1)
    require(
        target == expected,
        function,
        "target",
        values["target"],
        f"does not have the shape of the valid convolution of a {image[0]} x {image[1]} image with a {initial[0]} x {initial[1]} kernel",
        f"give a target of shape {expected}",
    )


_image_values = array()


def _images(function: str, name: str, value: Any) -> Any:
    """A batch of images, (batch, height, width, channels)."""
    _image_values(function, name, value)
    if np.ndim(value) != 4:
        fail(function, name, value, f"has {np.ndim(value)} dimensions", "give images of shape (batch, height, width, channels)")
    return value


@arguments(n=positive_integer, k=positive_integer, stride=_whole, padding=_padding_name)
def output_size(n: int, k: int, stride: int = 1, padding: str = "valid") -> int:
    """Positions along one axis of length ``n`` for a window of ``k`` moved by ``stride``:
    valid: floor((n - k) / stride) + 1; same: ceil(n / stride)."""
    require(
        padding == "same" or k <= n,
        "output_size",
        "k",
        k,
        f"is larger than the axis, n={n}",
        "valid padding uses whole windows only: give k <= n, or padding='same'",
    )
    if padding == "same":
        return math.ceil(n / stride)
    if padding == "valid":
        return (n - k) // stride + 1
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


@arguments(kernel_height=_whole, kernel_width=_whole, in_channels=_whole, out_channels=_whole)
def conv_parameters(kernel_height: int, kernel_width: int, in_channels: int, out_channels: int) -> int:
    """Weights and biases of a convolution layer: one kernel of kh x kw x in_channels per output
    channel, plus one bias each. Taught in step 5, section 2 (the warm-up ``conv_parameters``)."""
    return (kernel_height * kernel_width * in_channels + 1) * out_channels


@arguments(layers=_stack)
def receptive_field(layers) -> int:
    """How many input pixels (along one axis) one output value sees, for a stack of ``(kernel, stride)``
    layers, first layer first: each layer adds (kernel - 1) times the product of the strides before it.
    Taught in step 5, section 2 (the warm-up ``receptive_field``)."""
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


def _padding(n: int, k: int, stride: int, padding: str) -> tuple[int, int]:
    """The rows (or columns) of padding before and after an axis of length ``n``, as TensorFlow pads."""
    if padding == "valid":
        return 0, 0
    total = max((output_size(n, k, stride, "same") - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


@arguments(x=_images, kernel_height=positive_integer, kernel_width=positive_integer, stride=_whole, padding=_padding_name)
def pad(x, kernel_height: int, kernel_width: int, stride: int, padding: str, value: float = 0.0):
    """Pad the height and width of ``x`` (batch, H, W, C) as TensorFlow does for this window and stride."""
    top, bottom = _padding(x.shape[1], kernel_height, stride, padding)
    left, right = _padding(x.shape[2], kernel_width, stride, padding)
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


# ---------------------------------------------------------------------------------------------
# The solutions of the labs of step 5, section 1, as a learner writes them.


def conv_layer_loops(images, kernels, bias, stride=1, padding="valid"):
    """A convolution layer, by loops: images (batch, H, W, C_in), kernels (kh, kw, C_in, C_out),
    bias (C_out,) -> (batch, H_out, W_out, C_out). padding is "valid" or "same" (TensorFlow's rules).

    The formula written out, slow: every output is one window of the padded images times one kernel,
    plus its bias. Taught in step 5, section 1 (the lab ``conv_forward_loops``); ``conv_forward_loops``
    is this with its arguments checked.
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


def conv_layer_im2col(images, kernels, bias, stride=1, padding="valid"):
    """A convolution layer as one matrix product: images (batch, H, W, C_in), kernels (kh, kw, C_in, C_out),
    bias (C_out,) -> (batch, H_out, W_out, C_out). No loop over positions.

    im2col: every window becomes one row, listed in (row, column, channel) order as the flattened
    kernels are, so that all the sums are one product. Taught in step 5, section 1 (the lab
    ``im2col_conv``); ``conv_forward`` and ``conv2d`` are this with their arguments checked.
    """
    kh, kw, c_in, c_out = kernels.shape
    padded = pad(images, kh, kw, stride, padding)
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # (batch, rows, columns, C_in, kh, kw)
    patches = windows.transpose(0, 1, 2, 4, 5, 3)  # each window in (row, column, channel) order, as the kernels
    patches = patches.reshape(*patches.shape[:3], kh * kw * c_in)  # (batch, rows, columns, kh·kw·C_in)
    return patches @ kernels.reshape(kh * kw * c_in, c_out) + bias


def conv_layer_backward(images, kernels, upstream, stride=1, padding="valid"):
    """The backward pass of a convolution layer. images (batch, H, W, C_in), kernels (kh, kw, C_in, C_out),
    upstream = dL/d(output) (batch, H_out, W_out, C_out) -> (dX, dW, db), shaped like images, kernels, bias (C_out,).

    Each output's gradient goes back through its window only: to the window's pixels times the
    kernel (dX, added up where windows overlap), to the kernel times the window's pixels (dW, summed
    over positions and images), to the bias (db); the padding's share of dX is dropped. Taught in
    step 5, section 1 (the lab ``conv_backward``); ``conv_backward`` is this with its arguments checked.
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


def max_pool_backward_valid(images, upstream, size=2, stride=2):
    """The backward pass of max pooling (valid): images (batch, H, W, C), upstream = dL/d(output)
    (batch, H_out, W_out, C) -> dX (batch, H, W, C). The inputs have no ties.

    Each output's gradient goes, whole, to its window's maximum, and adds up where windows overlap
    (with ties, every tied maximum would get it). Taught in step 5, section 1 (the lab
    ``maxpool_backward``); ``max_pool_backward`` is this with its arguments checked, and padding.
    """
    d_images = np.zeros(images.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            rows, columns = slice(i * stride, i * stride + size), slice(j * stride, j * stride + size)
            window = images[:, rows, columns, :]  # (batch, size, size, C)
            is_max = window == window.max(axis=(1, 2), keepdims=True)  # one True per image and channel
            d_images[:, rows, columns, :] += is_max * upstream[:, i : i + 1, j : j + 1, :]
    return d_images


@arguments(_descent, image=array(ndim=2), target=array(ndim=2), steps=_whole, learning_rate=positive, initial=array(ndim=2))
def learn_kernel(image, target, steps, learning_rate, initial):
    """Gradient descent on a kernel. image (H, W), target (H - kh + 1, W - kw + 1), initial (kh, kw) the
    starting kernel (left unchanged) -> (kernel (kh, kw) after `steps` updates, losses (steps,)), where
    losses[t] is the mean squared difference between conv(image, kernel) and target before update t.

    The valid, stride-1 convolution and its gradient 2/N · sum of windows · error (the dW of the
    backward pass for the upstream gradient 2 (prediction - target) / N) are written with the windows
    of ``sliding_window_view``. Taught in step 5, section 1 (the lab ``learn_edge_kernel``).
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


# ---------------------------------------------------------------------------------------------
# What the notebooks and the rest of the course call: the arguments checked, then the solutions above.


def _floats(values):
    """An array of floats, keeping float32 as float32 (integers become float64)."""
    values = np.asarray(values)
    return values if values.dtype.kind == "f" else values.astype(float)


def _fits(function: str, name: str, value, size: tuple[int, int], images: tuple[int, ...], padding: str) -> None:
    """With valid padding, a window (kh, kw) no larger than the images (batch, H, W, C): else there is no whole window."""
    if padding == "valid" and (size[0] > images[1] or size[1] > images[2]):
        fail(
            function,
            name,
            value,
            f"is a {size[0]} x {size[1]} window, larger than the {images[1]} x {images[2]} images",
            "valid padding uses whole windows only: give a window no larger than the images, or padding='same'",
        )


def _check_layer(function: str, x, kernels, stride: int, padding: str):
    """Images and kernels as float arrays, their shapes checked: (batch, H, W, C) and (kh, kw, C, out_channels),
    the kernel no larger than the (padded) images."""
    x, kernels = _floats(x), _floats(kernels)
    if kernels.ndim != 4 or kernels.shape[2] != x.shape[3]:
        fail(
            function,
            "kernels",
            kernels,
            f"does not fit images with {x.shape[3]} channel{'s' if x.shape[3] != 1 else ''}",
            f"give kernels of shape (kh, kw, {x.shape[3]}, out_channels)",
        )
    _fits(function, "kernels", kernels, kernels.shape[:2], x.shape, padding)
    return x, kernels


def _check_bias(function: str, bias, kernels):
    """One bias per output channel, (out_channels,), or one number for all."""
    shape = np.shape(bias)
    require(
        shape in ((), (kernels.shape[3],)),
        function,
        "bias",
        bias,
        f"does not fit {kernels.shape[3]} output channels",
        f"give one bias per output channel, shape ({kernels.shape[3]},)",
    )


def _check_upstream(function: str, upstream, expected: tuple[int, ...]):
    """The upstream gradient dL/d(output): exactly the forward pass's output's shape."""
    upstream = _floats(upstream)
    require(
        upstream.shape == expected,
        function,
        "upstream",
        upstream,
        f"does not have the shape of the forward pass's output, {expected}",
        f"give dL/d(output), an array of shape {expected}",
    )
    return upstream


def _output_shape(x, kh: int, kw: int, channels: int, stride: int, padding: str) -> tuple[int, ...]:
    """The shape of the output of a window (kh, kw) moved by ``stride`` over x (batch, H, W, C)."""
    rows, columns = _positions(x.shape[1], kh, stride, padding), _positions(x.shape[2], kw, stride, padding)
    return (x.shape[0], rows, columns, channels)


_positions = inspect.unwrap(output_size)  # the sizes checked already
_layer = dict(x=_images, kernels=array(), stride=_whole, padding=_padding_name)


@arguments(**_layer, bias=array())
def conv_forward(x, kernels, bias, stride: int = 1, padding: str = "valid"):
    """A convolution layer: the convolution plus one bias per output channel, by im2col and one matrix
    product (:func:`conv_layer_im2col`). (batch, H, W, C_in), (kh, kw, C_in, C_out), (C_out,) -> (batch, H_out, W_out, C_out)."""
    x, kernels = _check_layer("conv_forward", x, kernels, stride, padding)
    _check_bias("conv_forward", bias, kernels)
    return conv_layer_im2col(x, kernels, bias, stride, padding)


@arguments(**_layer)
def conv2d(x, kernels, stride: int = 1, padding: str = "valid"):
    """2-D convolution, without a bias: (batch, H, W, C_in) with (kh, kw, C_in, C_out) -> (batch, H_out, W_out, C_out)."""
    x, kernels = _check_layer("conv2d", x, kernels, stride, padding)
    return conv_layer_im2col(x, kernels, 0.0, stride, padding)


@arguments(**_layer, bias=array())
def conv_forward_loops(x, kernels, bias, stride: int = 1, padding: str = "valid"):
    """The same as :func:`conv_forward`, by loops over the images, output positions and output channels
    (:func:`conv_layer_loops`): the formula written out, slow, for comparison."""
    x, kernels = _check_layer("conv_forward_loops", x, kernels, stride, padding)
    _check_bias("conv_forward_loops", bias, kernels)
    return conv_layer_loops(x, kernels, _floats(bias), stride, padding)


@arguments(**_layer, upstream=array())
def conv_backward(x, kernels, upstream, stride: int = 1, padding: str = "valid"):
    """The backward pass of a convolution layer (:func:`conv_layer_backward`): from the upstream gradient
    dL/d(output) (batch, H_out, W_out, C_out), the gradients (dX, dW, db) with the shapes of x
    (batch, H, W, C_in), the kernels (kh, kw, C_in, C_out) and the bias (C_out,)."""
    x, kernels = _check_layer("conv_backward", x, kernels, stride, padding)
    upstream = _check_upstream(
        "conv_backward", upstream, _output_shape(x, kernels.shape[0], kernels.shape[1], kernels.shape[3], stride, padding)
    )
    return conv_layer_backward(x, kernels, upstream, stride, padding)


_pooling = dict(x=_images, size=_whole, stride=optional(_whole), padding=_padding_name)


@arguments(**_pooling)
def max_pool2d(x, size: int = 2, stride: int | None = None, padding: str = "valid"):
    """Max pooling over size x size windows, each channel separately: (batch, H, W, C) -> (batch, H_out, W_out, C)."""
    x = _floats(x)
    _fits("max_pool2d", "size", size, (size, size), x.shape, padding)
    stride = size if stride is None else stride
    padded = pad(x, size, size, stride, padding, value=-np.inf)  # padding never wins a max
    windows = sliding_window_view(padded, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    return windows.max(axis=(-2, -1))


@arguments(**_pooling, upstream=array())
def max_pool_backward(x, upstream, size: int = 2, stride: int | None = None, padding: str = "valid"):
    """The backward pass of :func:`max_pool2d`: each output's gradient goes, whole, to the position of
    its window's maximum (:func:`max_pool_backward_valid` on the input padded with -inf, which never
    wins), and adds up where windows overlap. (batch, H, W, C), (batch, H_out, W_out, C) -> (batch, H, W, C).
    With ties, every tied maximum gets the gradient (TensorFlow gives it to the first in reading order only)."""
    x = _floats(x)
    _fits("max_pool_backward", "size", size, (size, size), x.shape, padding)
    stride = size if stride is None else stride
    upstream = _check_upstream("max_pool_backward", upstream, _output_shape(x, size, size, x.shape[3], stride, padding))
    d_padded = max_pool_backward_valid(pad(x, size, size, stride, padding, value=-np.inf), upstream, size, stride)
    top, left = _padding(x.shape[1], size, stride, padding)[0], _padding(x.shape[2], size, stride, padding)[0]
    return d_padded[:, top : top + x.shape[1], left : left + x.shape[2], :]
