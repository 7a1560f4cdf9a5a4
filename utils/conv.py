"""Convolution and pooling from scratch in NumPy, and the arithmetic of their shapes.

Taught in step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``), sections 1 and 2.

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
        raise ValueError(f"kernels must have shape (kh, kw, {x.shape[3]}, out_channels) for images with "
                         f"{x.shape[3]} channels; got {kernels.shape}.")
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
