"""Convolution and pooling from scratch against TensorFlow's own ops, on random inputs, kernels,
strides and paddings; and the shape arithmetic against what TensorFlow and Keras produce.

Each algorithm of ``utils.conv`` is here once: the labs' solutions (by loops, by im2col, the backward
passes, the descent) through the checked functions that call them, against the same TensorFlow
references the labs of step 5 are judged by (``utils.exercises.step05``)."""

import numpy as np
import pytest
import tensorflow as tf

from utils import conv
from utils.exercises.step05 import tf_conv_gradients, tf_conv_layer, tf_descent, tf_max_pool_gradient

CONFIGS = [  # (batch, height, width, in_channels, kernel_h, kernel_w, out_channels, stride)
    (1, 5, 5, 1, 3, 3, 1, 1),
    (2, 8, 7, 3, 3, 3, 4, 1),
    (3, 9, 9, 2, 5, 5, 3, 2),
    (2, 10, 6, 4, 2, 3, 5, 3),
    (1, 28, 28, 1, 5, 5, 6, 1),
    (2, 7, 11, 3, 1, 1, 2, 2),
    (1, 6, 6, 2, 4, 4, 2, 4),
]


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "x".join(map(str, c)))
def test_conv2d_equals_tensorflow(config, padding):
    batch, height, width, c_in, kh, kw, c_out, stride = config
    rng = np.random.default_rng(sum(config))
    x, kernels = rng.normal(size=(batch, height, width, c_in)), rng.normal(size=(kh, kw, c_in, c_out))
    ours = conv.conv2d(x, kernels, stride=stride, padding=padding)
    theirs = tf.nn.conv2d(x, kernels, strides=stride, padding=padding.upper()).numpy()
    assert ours.shape == theirs.shape
    assert ours.shape[1:3] == (conv.output_size(height, kh, stride, padding), conv.output_size(width, kw, stride, padding))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_float32_stays_float32():
    x, kernels = np.ones((1, 5, 5, 2), np.float32), np.ones((3, 3, 2, 4), np.float32)
    assert conv.conv2d(x, kernels, padding="same").dtype == np.float32 and conv.max_pool2d(x).dtype == np.float32


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, stride, height, width", [(2, 2, 8, 8), (2, 2, 7, 9), (3, 2, 9, 8), (3, 1, 5, 6), (2, 1, 4, 4)])
def test_max_pool_equals_tensorflow(size, stride, height, width, padding):
    x = np.random.default_rng(size * 10 + stride).normal(size=(2, height, width, 3)).astype(np.float32)  # tf pools in float32
    ours = conv.max_pool2d(x, size, stride, padding)
    theirs = tf.nn.max_pool2d(x, ksize=size, strides=stride, padding=padding.upper()).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_shape_arithmetic_matches_keras():
    import keras

    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Conv2D(32, 3),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 5, strides=2, padding="same"),
        ]
    )
    assert model.layers[0].output.shape[1:] == (conv.output_size(32, 3), conv.output_size(32, 3), 32)
    assert model.layers[0].count_params() == conv.conv_parameters(3, 3, 3, 32)
    assert model.layers[2].count_params() == conv.conv_parameters(5, 5, 32, 64)
    assert model.layers[2].output.shape[1] == conv.output_size(conv.output_size(30, 2, 2), 5, 2, "same")


def test_receptive_field():
    assert conv.receptive_field([]) == 1
    assert conv.receptive_field([(3, 1), (3, 1)]) == 5  # two 3x3 layers see 5x5
    assert conv.receptive_field([(3, 1), (2, 2), (3, 1)]) == 8
    # Checked by differentiation: which inputs does one output of a random stack depend on?
    stack = [(3, 1), (2, 2), (5, 1), (2, 2), (3, 1)]
    x = tf.Variable(np.random.default_rng(0).normal(size=(1, 64, 64, 1)))
    with tf.GradientTape() as tape:
        h = x
        for kernel, stride in stack:
            h = (
                tf.nn.conv2d(h, tf.ones((kernel, kernel, 1, 1), tf.float64), strides=stride, padding="VALID")
                if stride == 1
                else tf.nn.max_pool2d(h, kernel, stride, "VALID")
            )
        centre = h[0, h.shape[1] // 2, h.shape[2] // 2, 0]
    touched = np.flatnonzero(np.abs(tape.gradient(centre, x).numpy()[0, :, :, 0]).sum(axis=0))
    assert touched.max() - touched.min() + 1 <= conv.receptive_field(stack)


def test_bad_inputs_get_clear_messages():
    with pytest.raises(ValueError, match=r"conv2d: x=an array of shape \(5, 5\) \(float64\) has 2 dimensions; give images of shape"):
        conv.conv2d(np.ones((5, 5)), np.ones((3, 3, 1, 1)))
    with pytest.raises(ValueError, match=r"does not fit images with 3 channels; give kernels of shape \(kh, kw, 3, out_channels\)"):
        conv.conv2d(np.ones((1, 5, 5, 3)), np.ones((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="output_size: padding='full' is not one of the allowed values; use 'valid' or 'same'"):
        conv.output_size(5, 3, 1, "full")


BACKWARD_CONFIGS = [  # (batch, height, width, in_channels, kernel_h, kernel_w, out_channels, stride, padding)
    (2, 7, 6, 3, 3, 3, 4, 1, "valid"),
    (2, 9, 8, 2, 3, 3, 3, 2, "same"),
    (1, 6, 7, 1, 2, 4, 2, 1, "same"),
    (3, 10, 7, 2, 3, 2, 2, 3, "valid"),
    (1, 5, 5, 3, 5, 5, 1, 1, "valid"),
    (2, 8, 8, 1, 4, 4, 2, 2, "same"),
    (1, 11, 9, 2, 5, 3, 3, 2, "same"),
]


def _random_layer(config):
    batch, height, width, c_in, kh, kw, c_out, stride, padding = config
    rng = np.random.default_rng(sum(config[:-1]))
    return rng.normal(size=(batch, height, width, c_in)), rng.normal(size=(kh, kw, c_in, c_out)), rng.normal(size=c_out)


@pytest.mark.parametrize("config", BACKWARD_CONFIGS, ids=lambda c: "x".join(map(str, c)))
def test_conv_forward_and_its_loops_equal_tensorflow(config):
    x, kernels, bias = _random_layer(config)
    stride, padding = config[-2:]
    theirs = tf_conv_layer(x, kernels, bias, stride, padding)
    np.testing.assert_allclose(conv.conv_forward(x, kernels, bias, stride, padding), theirs, rtol=0, atol=1e-10)
    np.testing.assert_allclose(conv.conv_forward_loops(x, kernels, bias, stride, padding), theirs, rtol=0, atol=1e-10)


@pytest.mark.parametrize("config", BACKWARD_CONFIGS, ids=lambda c: "x".join(map(str, c)))
def test_conv_backward_equals_gradient_tape(config):
    x, kernels, bias = _random_layer(config)
    stride, padding = config[-2:]
    upstream = np.random.default_rng(1).normal(size=conv.conv_forward(x, kernels, bias, stride, padding).shape)
    for ours, theirs in zip(
        conv.conv_backward(x, kernels, upstream, stride, padding), tf_conv_gradients(x, kernels, upstream, stride, padding)
    ):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(
    "size, stride, height, width", [(2, 2, 8, 8), (2, 2, 7, 9), (3, 2, 9, 8), (3, 1, 5, 6), (2, 1, 4, 4), (3, 3, 10, 7)]
)
def test_max_pool_backward_equals_gradient_tape(size, stride, height, width, padding):
    rng = np.random.default_rng(size * 10 + stride)
    x = rng.normal(size=(2, height, width, 3))
    upstream = rng.normal(size=conv.max_pool2d(x, size, stride, padding).shape)
    theirs = tf_max_pool_gradient(x, upstream, size, stride, padding)
    np.testing.assert_allclose(conv.max_pool_backward(x, upstream, size, stride, padding), theirs, rtol=0, atol=1e-12)


def test_max_pool_backward_gives_every_tied_maximum_the_gradient():
    """The lab's form assumes no ties; with ties each tied maximum gets the whole gradient (TensorFlow: the first one only)."""
    x = np.array([[1.0, 3.0], [3.0, 2.0]])[None, :, :, None]
    routed = conv.max_pool_backward(x, np.full((1, 1, 1, 1), 5.0))[0, :, :, 0]
    np.testing.assert_array_equal(routed, [[0.0, 5.0], [5.0, 0.0]])
    np.testing.assert_array_equal(tf_max_pool_gradient(x, np.full((1, 1, 1, 1), 5.0))[0, :, :, 0], [[0.0, 5.0], [0.0, 0.0]])


@pytest.mark.parametrize("shape, kernel_shape, steps", [((9, 8), (3, 3), 20), ((12, 10), (2, 3), 7), ((6, 6), (1, 1), 1)])
def test_learn_kernel_is_gradient_descent_with_tensorflows_gradients(shape, kernel_shape, steps):
    rng = np.random.default_rng(steps)
    image, true_kernel, initial = rng.uniform(size=shape), rng.normal(size=kernel_shape), rng.normal(size=kernel_shape)
    target = conv.conv2d(image[None, :, :, None], true_kernel[:, :, None, None])[0, :, :, 0]
    ours = conv.learn_kernel(image, target, steps, 0.1, initial)
    theirs = tf_descent(image, target, steps, 0.1, initial)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)
    assert ours[1].shape == (steps,)


def test_learn_kernel_leaves_the_starting_kernel_alone():
    rng = np.random.default_rng(3)
    image, initial = rng.uniform(size=(8, 7)), rng.normal(size=(2, 2))
    before = initial.copy()
    conv.learn_kernel(image, image[1:, 1:], 5, 0.1, initial)
    np.testing.assert_array_equal(initial, before)


def test_learn_kernel_recovers_an_edge_kernel():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(30, 30))
    sobel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    target = conv.conv2d(image[None, :, :, None], sobel[:, :, None, None])[0, :, :, 0]
    kernel, losses = conv.learn_kernel(image, target, 200, 0.1, np.zeros((3, 3)))
    assert np.abs(kernel - sobel).max() < 1e-6 and losses[-1] < losses[0] * 1e-6
