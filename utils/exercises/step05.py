"""The exercises of step 5 (``notebooks/05_cnns_and_computer_vision.ipynb``): the arithmetic of shapes."""

from __future__ import annotations

from utils import conv
from utils.exercises.core import FunctionExercise, Mistake

OUTPUT_SIZE = FunctionExercise(
    name="conv_output_size",
    title="The output size of a convolution or pooling layer",
    hint="'valid': count the whole windows, (n - k) // stride + 1. 'same': the output has ceil(n / stride) positions "
         "whatever the kernel (math.ceil).",
    solution=conv.output_size,
    cases=[(28, 5, 1, "valid"), (32, 3, 1, "same"), (32, 3, 2, "valid"), (7, 3, 2, "same"), (10, 4, 3, "valid"), (9, 2, 2, "same")],
    mistakes=[
        Mistake(lambda n, k, s, p: (n - k) // s if p == "valid" else conv.output_size(n, k, s, p),
                "One position short: the first window also counts, so add 1 to (n - k) // stride."),
        Mistake(lambda n, k, s, p: n - k + 1 if p == "valid" else conv.output_size(n, k, s, p),
                "The stride is missing: a window moving `stride` pixels at a time fits (n - k) // stride + 1 times."),
        Mistake(lambda n, k, s, p: n // s if p == "same" else conv.output_size(n, k, s, p),
                "'same' padding rounds up: ceil(n / stride), so a last, partly padded window still counts."),
        Mistake(lambda n, k, s, p: (n - k) // s + 1,
                "With 'same' padding the input is padded first, so the output has ceil(n / stride) positions, whatever the kernel."),
    ],
)

PARAMETERS = FunctionExercise(
    name="conv_parameters",
    title="The parameters of a convolution layer",
    hint="Each output channel has one kernel spanning all input channels, kh x kw x in_channels weights, plus one bias.",
    solution=conv.conv_parameters,
    cases=[(3, 3, 3, 32), (5, 5, 1, 20), (5, 5, 20, 50), (1, 1, 64, 16)],
    mistakes=[
        Mistake(lambda kh, kw, ci, co: kh * kw * ci * co, "The biases are missing: one per output channel."),
        Mistake(lambda kh, kw, ci, co: (kh * kw + 1) * co, "Each kernel spans every input channel: multiply by in_channels."),
        Mistake(lambda kh, kw, ci, co: (kh * kw + 1) * ci * co, "There is one bias per output channel, not one per kernel slice."),
    ],
)

RECEPTIVE_FIELD = FunctionExercise(
    name="receptive_field",
    title="The receptive field of a stack of layers",
    hint="Start at 1. Each layer adds (kernel - 1) times the product of the strides of the layers before it.",
    solution=conv.receptive_field,
    cases=[([(3, 1), (3, 1)],), ([(5, 1), (2, 2), (5, 1), (2, 2)],), ([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)],), ([(7, 2)],)],
    mistakes=[
        Mistake(lambda layers: 1 + sum(k - 1 for k, _ in layers),
                "You ignored the strides: after a stride-2 layer, one step of the next kernel spans two input pixels."),
        Mistake(lambda layers: sum(k for k, _ in layers), "Kernel sizes do not simply add up: each layer adds (kernel - 1) steps."),
    ],
)

EXERCISES = [OUTPUT_SIZE, PARAMETERS, RECEPTIVE_FIELD]
