"""Convolution and pooling from scratch in NumPy, and the arithmetic of their shapes.

Taught in step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``), sections 1 and 2: the forward
passes, the backward passes of a convolution layer and of max pooling, a kernel learned by gradient
descent (the references of that section's labs), and the shape arithmetic.

Layout, as in TensorFlow: images are ``(batch, height, width, channels)`` and kernels are
``(kernel_height, kernel_width, in_channels, out_channels)``. Like ``tf.nn.conv2d`` (and every deep
learning library), ``conv2d`` computes a cross-correlation: the kernel slides over the image without
being flipped. Padding follows TensorFlow: ``"valid"`` uses only whole windows; ``"same"`` pads so
that the output has ``ceil(n / stride)`` positions, putting the odd extra row or column at the end.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(n: int, k: int, stride: int = 1, padding: str = "valid") -> int:
    """Positions along one axis of length ``n`` for a window of ``k`` moved by ``stride``:
    valid: floor((n - k) / stride) + 1; same: ceil(n / stride)."""
    if padding == "same":
        return math.ceil(n / stride)
    if padding == "valid":
        return (n - k) // stride + 1
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


def conv_parameters(kernel_height: int, kernel_width: int, in_channels: int, out_channels: int) -> int:
    """Weights and biases of a convolution layer: one kernel of kh x kw x in_channels per output
    channel, plus one bias each: (kh * kw * in_channels + 1) * out_channels."""
    return (kernel_height * kernel_width * in_channels + 1) * out_channels


def receptive_field(layers) -> int:
    """How many input pixels (along one axis) one output value sees, for a stack of ``(kernel, stride)``
    layers, first layer first. Each layer adds (kernel - 1) times the product of the strides before it."""
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


def _padding(n: int, k: int, stride: int, padding: str) -> tuple[int, int]:
    if padding == "valid":
        return 0, 0
    total = max((output_size(n, k, stride, "same") - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _floats(values):
    """An array of floats, keeping float32 as float32 (integers become float64)."""
    values = np.asarray(values)
    return values if values.dtype.kind == "f" else values.astype(float)


def _check_images(x, name="x"):
    x = _floats(x)
    if x.ndim != 4:
        raise ValueError(f"{name} must have shape (batch, height, width, channels); got {x.shape}.")
    return x


def pad(x, kernel_height: int, kernel_width: int, stride: int, padding: str, value: float = 0.0):
    """Pad the height and width of ``x`` (batch, H, W, C) as TensorFlow does for this window and stride."""
    top, bottom = _padding(x.shape[1], kernel_height, stride, padding)
    left, right = _padding(x.shape[2], kernel_width, stride, padding)
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def im2col(x, kernel_height: int, kernel_width: int, stride: int = 1):
    """Every kernel-sized patch as one row: (batch, H, W, C) -> (batch, H_out, W_out, kh * kw * C).

    Each row lists the patch's values in (row, column, channel) order, the order of a kernel
    flattened from (kh, kw, C). A convolution is then one matrix product with the flattened kernels.
    """
    windows = sliding_window_view(x, (kernel_height, kernel_width), axis=(1, 2))[:, ::stride, ::stride]
    batch, rows, columns, channels = windows.shape[:4]
    # (batch, rows, columns, C, kh, kw) -> (batch, rows, columns, kh, kw, C), then flatten each patch
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(batch, rows, columns, kernel_height * kernel_width * channels)


def conv2d(x, kernels, stride: int = 1, padding: str = "valid"):
    """2-D convolution: (batch, H, W, C_in) with (kh, kw, C_in, C_out) -> (batch, H_out, W_out, C_out)."""
    x = _check_images(x)
    kernels = _floats(kernels)
    if kernels.ndim != 4 or kernels.shape[2] != x.shape[3]:
        raise ValueError(
            f"kernels must have shape (kh, kw, {x.shape[3]}, out_channels) for images with {x.shape[3]} channels; got {kernels.shape}."
        )
    kh, kw, c_in, c_out = kernels.shape
    patches = im2col(pad(x, kh, kw, stride, padding), kh, kw, stride)
    return patches @ kernels.reshape(kh * kw * c_in, c_out)


def max_pool2d(x, size: int = 2, stride: int | None = None, padding: str = "valid"):
    """Max pooling over size x size windows, each channel separately: (batch, H, W, C) -> (batch, H_out, W_out, C)."""
    x = _check_images(x)
    stride = stride or size
    padded = pad(x, size, size, stride, padding, value=-np.inf)  # padding never wins a max
    windows = sliding_window_view(padded, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    return windows.max(axis=(-2, -1))


# ---------------------------------------------------------------------------------------------
# A convolution layer (with its bias) forward and backward, max pooling's backward pass, and a
# kernel learned by gradient descent: the references for the labs of step 5, section 1.


def conv_forward(x, kernels, bias, stride: int = 1, padding: str = "valid"):
    """A convolution layer: ``conv2d`` plus one bias per output channel.
    (batch, H, W, C_in), (kh, kw, C_in, C_out), (C_out,) -> (batch, H_out, W_out, C_out)."""
    return conv2d(x, kernels, stride, padding) + _floats(bias)


def conv_forward_loops(x, kernels, bias, stride: int = 1, padding: str = "valid"):
    """The same as :func:`conv_forward`, by loops over the images, output positions and output
    channels: the formula written out, slow, for comparison."""
    x = _check_images(x)
    kernels, bias = _floats(kernels), _floats(bias)
    kh, kw, _, c_out = kernels.shape
    padded = pad(x, kh, kw, stride, padding)
    rows, columns = output_size(x.shape[1], kh, stride, padding), output_size(x.shape[2], kw, stride, padding)
    out = np.zeros((x.shape[0], rows, columns, c_out))
    for n in range(x.shape[0]):
        for i in range(rows):
            for j in range(columns):
                window = padded[n, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
                for k in range(c_out):
                    out[n, i, j, k] = np.sum(window * kernels[..., k]) + bias[k]
    return out


def _crop(padded_gradient, x):
    """The part of a gradient with respect to the padded input that lies over ``x`` itself (the
    padding goes first ``total // 2`` rows and columns before, the rest after)."""
    top = (padded_gradient.shape[1] - x.shape[1]) // 2
    left = (padded_gradient.shape[2] - x.shape[2]) // 2
    return padded_gradient[:, top : top + x.shape[1], left : left + x.shape[2], :]


def conv_backward(x, kernels, upstream, stride: int = 1, padding: str = "valid"):
    """The backward pass of a convolution layer: from the upstream gradient dL/d(output)
    (batch, H_out, W_out, C_out), the gradients (dX, dW, db) with the shapes of x (batch, H, W, C_in),
    the kernels (kh, kw, C_in, C_out) and the bias (C_out,).

    Kernel entry (a, b) links input pixel (s·i + a, s·j + b) to output (i, j), so for each entry one
    strided slice of the padded input meets the whole upstream gradient: it adds W[a, b]-weighted
    gradients to that slice (dX) and the slice's pixels, gradient-weighted, to dW[a, b]. The
    padding's share of dX is dropped at the end.
    """
    x = _check_images(x)
    kernels, upstream = _floats(kernels), _floats(upstream)
    kh, kw, _, _ = kernels.shape
    padded = pad(x, kh, kw, stride, padding)
    _, rows, columns, _ = upstream.shape
    d_padded, d_kernels = np.zeros(padded.shape), np.zeros(kernels.shape)
    for a in range(kh):
        for b in range(kw):
            where = (slice(None), slice(a, a + stride * (rows - 1) + 1, stride), slice(b, b + stride * (columns - 1) + 1, stride))
            d_padded[where] += upstream @ kernels[a, b].T  # (batch, rows, columns, C_in)
            d_kernels[a, b] = np.einsum("nijc,nijk->ck", padded[where], upstream)
    return _crop(d_padded, x), d_kernels, upstream.sum(axis=(0, 1, 2))


def max_pool_backward(x, upstream, size: int = 2, stride: int | None = None, padding: str = "valid"):
    """The backward pass of :func:`max_pool2d`: each output's gradient goes, whole, to the position
    of its window's maximum (the first in reading order when several tie, as in TensorFlow), and
    adds up where windows overlap. (batch, H, W, C), (batch, H_out, W_out, C) -> (batch, H, W, C)."""
    x = _check_images(x)
    upstream = _floats(upstream)
    stride = stride or size
    padded = pad(x, size, size, stride, padding, value=-np.inf)
    batch, _, _, channels = x.shape
    images, channel = np.meshgrid(np.arange(batch), np.arange(channels), indexing="ij")  # (batch, C) each
    d_padded = np.zeros(padded.shape)
    for i in range(upstream.shape[1]):
        for j in range(upstream.shape[2]):
            window = padded[:, i * stride : i * stride + size, j * stride : j * stride + size, :]
            a, b = np.divmod(window.reshape(batch, size * size, channels).argmax(axis=1), size)  # (batch, C) each
            d_padded[images, i * stride + a, j * stride + b, channel] += upstream[:, i, j, :]
    return _crop(d_padded, x)


def learn_kernel(image, target, steps: int, learning_rate: float, initial):
    """Gradient descent on a kernel: minimise the mean squared difference between the valid, stride-1
    convolution of ``image`` (H, W) with the kernel and ``target`` (H - kh + 1, W - kw + 1), starting
    from ``initial`` (kh, kw), for ``steps`` updates kernel <- kernel - learning_rate * dL/dkernel.

    Returns (kernel, losses): the kernel after the last update, and the loss before each update, shape
    (steps,). The gradient is ``conv_backward``'s dW for the upstream gradient 2 (prediction - target) / N.
    """
    x = _floats(image)[None, :, :, None]
    target = _floats(target)
    kernel = np.array(initial, dtype=float)
    losses = np.zeros(steps)
    for t in range(steps):
        error = conv2d(x, kernel[:, :, None, None])[0, :, :, 0] - target
        losses[t] = np.mean(error**2)
        _, gradient, _ = conv_backward(x, kernel[:, :, None, None], (2 * error / error.size)[None, :, :, None])
        kernel = kernel - learning_rate * gradient[:, :, 0, 0]
    return kernel, losses
