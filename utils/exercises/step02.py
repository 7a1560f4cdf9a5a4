"""The labs of step 2 (``notebooks/02_getting_technical.ipynb``): each solution is the course's own function
(``utils.nn``, ``utils.gradcheck``, ``utils.logistic``), each typical mistake an edit of it. Each is judged against
something computed another way: the rotation by complex numbers; the central difference by its exact value for
each test function; the derivatives by central differences or gradients worked out by hand; the training loop by
the same descent written with the bias as a weight on a constant input and the loss by ``np.logaddexp``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from utils import gradcheck, logistic, nn
from utils.exercises.core import Case, FunctionExercise, edit
from utils.nn import binary_cross_entropy, sigmoid

# --- Warm-up: a rotation as a matrix (section 2) --------------------------------------------------


def rotation_by_complex_numbers(theta: float) -> np.ndarray:
    """The independent reference: turning the plane by θ is multiplying by e^(iθ); the columns of the matrix are
    where 1 (that is e1) and i (e2) land."""
    turn = np.exp(1j * theta)
    return np.array([[turn.real, (turn * 1j).real], [turn.imag, (turn * 1j).imag]])


ROTATION = FunctionExercise(
    name="rotation_matrix",
    title="A rotation as a matrix",
    kind="warm-up",
    idea="The columns of the matrix are where e1 = (1, 0) and e2 = (0, 1) land. Draw the unit circle: where is each after "
    "turning by θ counter-clockwise?",
    structure="e1 lands on (cos θ, sin θ) and e2, a quarter turn further on, on (-sin θ, cos θ). Put these two as the columns "
    "of a 2 x 2 np.array (the array is written row by row).",
    solution=nn.rotation_matrix,
    stub="my_rotation_matrix",
    reference=rotation_by_complex_numbers,
    reference_name="the rotation by complex numbers: the columns are e^(iθ) and i e^(iθ)",
    cases=[Case((np.pi / 6,), "θ = π/6 (30°)"), Case((np.pi / 2,), "θ = π/2, a quarter turn"), Case((2.0,), "θ = 2 radians")],
    mistakes=[
        edit("[[cos, -sin], [sin, cos]]", "[[cos, sin], [-sin, cos]]", "That is the transpose: it rotates clockwise."),
        edit(
            "np.cos(theta), np.sin(theta)",
            "np.cos(np.deg2rad(theta)), np.sin(np.deg2rad(theta))",
            "θ is already in radians, and np.cos and np.sin take radians: no conversion is needed.",
        ),
        edit(
            "[[cos, -sin], [sin, cos]]",
            "[[cos, sin], [sin, -cos]]",
            "That matrix has determinant -1: it flips the plane over (a reflection) instead of turning it.",
        ),
    ],
    shape_hint="Return a 2 x 2 array.",
)


# --- Warm-up: the central difference (section 4) -------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WithExactDifference:
    """A test function that also knows the exact value of its central difference (f(x + h) - f(x - h)) / 2h, from an
    identity: sin(x + h) - sin(x - h) = 2 cos x sin h; (x + h)³ - (x - h)³ = 6x²h + 2h³; e^(x+h) - e^(x-h) = 2 e^x sinh h."""

    function: Callable
    exact: Callable
    __name__: str

    def __call__(self, x):
        return self.function(x)


def exact_central_difference(f: WithExactDifference, x: float, h: float = 1e-5) -> float:
    """The independent reference: the exact value of the central difference of the test function f at x."""
    return f.exact(x, h)


SINE = WithExactDifference(np.sin, lambda x, h: np.cos(x) * np.sin(h) / h, "sin")
CUBE = WithExactDifference(lambda x: x**3, lambda x, h: 3 * x**2 + h**2, "x³")
EXP = WithExactDifference(np.exp, lambda x, h: np.exp(x) * np.sinh(h) / h, "exp")

CENTRAL_DIFFERENCE = FunctionExercise(
    name="central_difference",
    title="The central difference",
    kind="warm-up",
    idea="Look as far to the left of x as to the right: the slope of the line through the points of f at x - h and x + h.",
    structure="Evaluate f at x + h and at x - h, subtract, and divide by the distance between the two points, which is 2h.",
    solution=gradcheck.central_difference,
    stub="my_central_difference",
    reference=exact_central_difference,
    reference_name="the exact central difference of each test function, from an identity (sin(x + h) - sin(x - h) = 2 cos x sin h ...)",
    cases=[
        Case((SINE, 1.0, 1e-3), "sin at 1, h = 1e-3"),
        Case((CUBE, 2.0, 1e-2), "x³ at 2, h = 0.01"),
        Case((EXP, 0.5, 1e-4), "exp at 0.5, h = 1e-4"),
        Case((EXP, 8.0, 1e-4), "exp at 8: a slope of about 3,000 (no clipping)"),
    ],
    mistakes=[
        edit(
            "return (f(x + h) - f(x - h)) / (2 * h)",
            "return (f(x + h) - f(x)) / h",
            "That is the forward difference; the central one looks both ways and is far more accurate.",
        ),
        edit(
            "return (f(x + h) - f(x - h)) / (2 * h)",
            "return (f(x) - f(x - h)) / h",
            "That is the backward difference; the central one looks both ways.",
        ),
        edit("/ (2 * h)", "/ h", "Twice too large: the two points are 2h apart, so divide by 2h."),
    ],
    rtol=1e-9,
)


# --- Lab: the chain rule through two neurons (section 5) -----------------------------------------


def chain_slopes_by_differences(x: np.ndarray, *parameters: float) -> tuple[float | np.ndarray, ...]:
    """The independent reference: the slope with respect to each of (w1, b1, w2, b2) by central differences of the
    chain's output, parameter by parameter; the step h = 1e-5 is divided by the largest input w1 multiplies, so that
    no nudge moves a weighted sum by more than 1e-5."""

    def output(k: int, value: float) -> np.ndarray:
        w1, b1, w2, b2 = parameters[:k] + (value,) + parameters[k + 1 :]
        return sigmoid(w2 * sigmoid(w1 * x + b1) + b2)

    steps = (1e-5 / max(1.0, float(np.abs(x).max())), 1e-5, 1e-5, 1e-5)
    return tuple(gradcheck.central_difference(lambda v, k=k: output(k, v), parameters[k], steps[k]) for k in range(4))


def _chain_cases() -> list[Case]:
    rng = np.random.default_rng(21)
    return [
        Case((rng.normal(size=6), 0.8, -0.3, 1.7, 0.4), "6 inputs, moderate weights"),
        Case((np.array([0.9]), -1.2, 0.5, -2.0, 0.1), "a single input, negative weights"),
        Case((rng.uniform(-3, 3, size=5), 2.5, 1.0, 6.0, -1.0), "a nearly saturated output neuron"),
        Case(
            (np.array([-2e4, -8e3, 5e3, 1.2e4, 2e4]), 1e-4, 0.0, 8.0, -4.0),
            "inputs of thousands through a small w1: slopes dy/dw1 in the thousands (no clipping)",
        ),
    ]


CHAIN_RULE = FunctionExercise(
    name="chain_rule",
    title="The chain rule through two neurons",
    idea="Follow the path from each parameter to y and multiply the slope of every link on the way: "
    "∂y/∂z2 = σ'(z2), ∂z2/∂h = w2, ∂h/∂z1 = σ'(z1), and ∂z1/∂w1 = x (∂z2/∂w2 = h; a bias's own link has slope 1).",
    structure="Forward first: h = σ(w1 x + b1), then y = σ(w2 h + b2), element-wise over the inputs. Then σ'(z2) = y (1 - y) and "
    "σ'(z1) = h (1 - h). dy/db2 is σ'(z2); dy/dw2 multiplies it by h; dy/db1 multiplies σ'(z2) by w2 and σ'(z1); "
    "dy/dw1 multiplies that by x. Return the four in the order (dw1, db1, dw2, db2).",
    solution=logistic.two_neuron_slopes,
    stub="my_chain_slopes",
    reference=chain_slopes_by_differences,
    reference_name="central differences of the chain's output, parameter by parameter",
    cases=_chain_cases,
    names=("dy_dw1", "dy_db1", "dy_dw2", "dy_db2"),
    mistakes=[
        edit("w2 * h * (1 - h)", "w2", "The first neuron's slope σ'(z1) is missing: h = σ(z1) is a link of the chain too."),
        edit("* w2 * h", "* h", "The link from h to z2 is missing: z2 = w2 h + b2 changes by w2 for each unit of h."),
        edit(
            "slope_of_output = y * (1 - y)",
            "slope_of_output = sigmoid(y) * (1 - sigmoid(y))",
            "σ' is taken at the outputs h and y instead of at the sums z1 and z2.",
            ("w2 * h * (1 - h)", "w2 * sigmoid(h) * (1 - sigmoid(h))"),
        ),
        edit("slope_of_output * h,", "slope_of_output * x,", "dy/dw2 uses x, but the second neuron's input is h: z2 = w2 h + b2."),
    ],
    shape_hint="Return four arrays, each with one slope per input: the same shape as x.",
)


# --- Lab: the numerical gradient (section 6) -----------------------------------------------------


@dataclasses.dataclass
class DifferentiableFunction:
    """A test function f, with its gradient worked out by hand (the independent reference). With ``reads_x_itself``, f
    ignores its argument and reads ``x``, the array being differentiated, as a loss reads a network's weights (step 3)."""

    value: Callable
    gradient: Callable
    reads_x_itself: bool = False
    x: np.ndarray | None = None

    def __call__(self, argument: np.ndarray) -> float:
        return self.value(self.x if self.reads_x_itself else argument)


def _gradient_and_x_afterwards(answer: Callable) -> Callable:
    """Run a numerical gradient on (test function bound to x, x, [h]); judge its result and what x holds afterwards."""

    def run(function, x, *h):
        gradient = answer(dataclasses.replace(function, x=x), x, *h)
        return None if gradient is None else (gradient, x)

    return run


def _analytic_gradient(f: DifferentiableFunction, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    return f.gradient(x).copy()


def _numerical_gradient_cases() -> list[Case]:
    rng = np.random.default_rng(7)
    A, c = rng.normal(size=(4, 4)), rng.normal(size=4)
    inputs, targets = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    B = rng.normal(size=(2, 3))
    quadratic = DifferentiableFunction(lambda v: v @ A @ v + c @ v, lambda v: (A + A.T) @ v + c)
    layer_error = DifferentiableFunction(lambda W: 0.5 * np.sum((inputs @ W - targets) ** 2), lambda W: inputs.T @ (inputs @ W - targets))
    single = DifferentiableFunction(lambda v: np.exp(2 * v[0]) + np.sin(v[0]), lambda v: 2 * np.exp(2 * v) + np.cos(v))
    reads_itself = DifferentiableFunction(
        lambda M: np.sum(np.sin(M) * B) + np.sum(M**2), lambda M: np.cos(M) * B + 2 * M, reads_x_itself=True
    )
    steep = DifferentiableFunction(lambda v: 1e4 * np.sum(v**2) + np.sum(np.cos(v)), lambda v: 2e4 * v - np.sin(v))
    return [
        Case((quadratic, rng.normal(size=4)), "a quadratic form of a vector of 4"),
        Case((steep, rng.normal(size=(2, 2))), "a steep bowl: a gradient in the tens of thousands (no clipping)"),
        Case((layer_error, rng.normal(size=(3, 2))), "a (3, 2) weight matrix, the squared error of a layer"),
        Case((single, np.array([0.3]), 1e-4), "a single entry, h = 1e-4"),
        Case((reads_itself, rng.normal(size=(2, 3))), "f reads x itself, as a loss reads a network's weights"),
    ]


NUMERICAL_GRADIENT = FunctionExercise(
    name="numerical_gradient",
    title="The numerical gradient",
    idea="Each entry of the gradient is an ordinary derivative: hold every other entry of x fixed, move this one by +h and "
    "by -h, and take the central difference of f. Do that for every entry, and leave x as you found it.",
    structure="Make an array of zeros shaped like x. Loop over every index of x (np.ndindex(x.shape) gives them all, for any "
    "shape). For each: remember the entry; set it to original + h and call f(x); set it to original - h and call "
    "f(x); put the original back; store (f_plus - f_minus) / (2h) at that index. Return the array.",
    solution=gradcheck.numerical_gradient,
    stub="my_numerical_gradient",
    reference=_analytic_gradient,
    reference_name="the gradients of the test functions worked out by hand",
    cases=_numerical_gradient_cases,
    adapter=_gradient_and_x_afterwards,
    names=("gradient", "x afterwards"),
    rtol=1e-6,
    atol=1e-8,
    mistakes=[
        edit(
            "x[index] = original - h",
            "x[index] = original",
            "That is the forward difference (f(x + h) - f(x)) / h: its error shrinks only like h. Look both ways, at x + h and x - h.",
            ("/ (2 * h)", "/ h"),
        ),
        edit("/ (2 * h)", "/ h", "Twice too large: the two points are 2h apart, so divide by 2h."),
        edit(
            "        x[index] = original\n",
            "",
            "Each entry is left nudged after its turn, so the nudges accumulate: put every "
            "entry back to its original value before moving on to the next.",
        ),
        edit(
            "return gradient",
            "return gradient.ravel()",
            "The gradient comes back as a flat vector: it must have the shape of x, one entry per entry of x.",
        ),
        edit(
            "    gradient = np.zeros_like(x)\n",
            "    x = x.copy()\n    gradient = np.zeros_like(x)\n",
            "Your function nudges a copy of x, so a function that reads x itself (as a loss reads "
            "a network's weights) never sees the nudges: change the entries of x in place, then put each back.",
        ),
    ],
    shape_hint="The gradient has the shape of x: one partial derivative per entry, in the same place.",
)


# --- Warm-up: the slope of the sigmoid (section 7) ------------------------------------------------


SIGMOID_PRIME = FunctionExercise(
    name="sigmoid_prime",
    title="The derivative of the sigmoid",
    kind="warm-up",
    idea="σ'(z) = σ(z) (1 - σ(z)): the slope is written with the sigmoid itself.",
    structure="Compute s = sigmoid(z) once, then return s times (1 - s); NumPy works element by element.",
    solution=nn.sigmoid_prime,
    stub="my_sigmoid_prime",
    reference=lambda z: gradcheck.central_difference(sigmoid, np.asarray(z, dtype=float)),
    reference_name="central differences of the sigmoid",
    cases=[Case((np.array([-3.0, 0.0, 0.5, 6.0]),), "a vector"), Case((np.array([[1.0, -1.0], [10.0, -10.0]]),), "a 2 x 2 matrix")],
    mistakes=[
        edit("s = sigmoid(z)", "s = z", "You applied s (1 - s) to z itself; it must be applied to s = sigmoid(z)."),
        edit("return s * (1.0 - s)", "return s", "That is σ(z) itself, not its slope."),
        edit("s * (1.0 - s)", "s * (1.0 - z)", "Both factors need σ(z): σ(z) (1 - σ(z)), not σ(z) (1 - z)."),
    ],
    shape_hint="Work element by element so the output has the same shape as z.",
)


# --- Lab: the gradient of logistic regression (section 8) ----------------------------------------


def logistic_gradient_by_differences(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
    """The independent reference: central differences of the mean binary cross-entropy, for the weights (with the
    step h = 1e-5 divided by the largest input, so that no nudge moves a weighted sum by more than 1e-5) and for b."""

    def loss(weights, bias):
        return binary_cross_entropy(sigmoid(X @ weights + bias), y)

    weights = np.array(w, dtype=float)
    dw = gradcheck.numerical_gradient(lambda v: loss(v, b), weights, 1e-5 / max(1.0, float(np.abs(X).max())))
    return dw, float(gradcheck.central_difference(lambda bias: loss(weights, bias), float(b)))


def _logistic_gradient_cases() -> list[Case]:
    rng = np.random.default_rng(2)
    return [
        Case((rng.normal(size=(6, 3)), np.array([0.0, 1, 1, 0, 1, 0]), rng.normal(size=3), 0.1), "6 examples of 3 features"),
        Case((rng.normal(size=(1, 4)), np.array([1.0]), rng.normal(size=4), -0.4), "a batch of 1"),
        Case((rng.normal(size=(8, 1)), np.array([1.0, 0, 0, 1, 1, 1, 0, 1]), rng.normal(size=1), 0.7), "one feature"),
        Case((rng.normal(size=(3, 5)), np.array([0.0, 1, 0]), rng.normal(size=5), -1.2), "more features than examples"),
        Case(
            (1e4 * rng.normal(size=(6, 3)), np.array([1.0, 0, 1, 1, 0, 0]), 1e-4 * rng.normal(size=3), 0.1),
            "inputs of about 1e4: a gradient in the thousands (no clipping)",
        ),
    ]


def _logistic_speed_case() -> Case:
    rng = np.random.default_rng(20)
    X, y = rng.normal(size=(50_000, 4)), (rng.uniform(size=50_000) > 0.5).astype(float)
    return Case((X, y, rng.normal(size=4), 0.0), "a batch of 50,000 examples of 4 features")


LOGISTIC_GRADIENT = FunctionExercise(
    name="logistic_gradient",
    title="The gradient of logistic regression",
    idea="By the chain rule, one example's loss changes with its sum z_i at the rate p_i - y_i. Each weight's partial "
    "derivative averages (p_i - y_i) times that weight's input over the examples; the bias's averages (p_i - y_i) alone.",
    structure="p = sigmoid(X @ w + b), shape (n,); error = p - y. dw: the matrix product of X transposed (features, n) with "
    "the error (n,), divided by n, shape (features,). db: the mean of the error, a number.",
    solution=nn.logistic_gradient,
    stub="my_logistic_gradient",
    reference=logistic_gradient_by_differences,
    reference_name="central differences of the mean binary cross-entropy",
    cases=_logistic_gradient_cases,
    speed_case=_logistic_speed_case,
    names=("dw", "db"),
    mistakes=[
        edit(
            "error = sigmoid(X @ w + b) - y",
            "error = y - sigmoid(X @ w + b)",
            "Your gradient has the wrong sign: the slope of the loss is p - y, not y - p "
            "(the gradient points uphill; descent subtracts it).",
        ),
        edit(
            "X.T @ error / len(y), float(np.mean(error))",
            "X.T @ error, float(np.sum(error))",
            "Your gradient is n times too large: the loss is a mean over the n examples, so divide by n.",
        ),
        edit(
            "error = sigmoid(X @ w + b) - y",
            "p = sigmoid(X @ w + b)\n    error = (p - y) * p * (1 - p)",
            "That is the gradient of the quadratic cost ½(p - y)², with its factor "
            "σ'(z) = p (1 - p). For the cross-entropy that factor cancels, leaving p - y.",
        ),
        edit(
            "error = sigmoid(X @ w + b) - y",
            "error = X @ w + b - y",
            "The sigmoid is missing: the error is p - y with p = σ(X w + b), not the raw sum X w + b minus y.",
        ),
    ],
    shape_hint="Return (dw, db): dw has one entry per weight, shape (features,); db is a single number.",
)


# --- Lab: training the neuron by gradient descent (section 8) ------------------------------------

_LOSS = "        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))\n"


def _training_cases() -> list[Case]:
    rng = np.random.default_rng(12)
    clouds = np.concatenate([rng.normal(-0.8, 1.0, size=(8, 3)), rng.normal(0.8, 1.0, size=(12, 3))])
    cloud_labels = np.repeat([0.0, 1.0], [8, 12])
    order = rng.permutation(20)
    one_feature = rng.normal(size=(12, 1))
    single, noisy = rng.normal(size=(1, 4)), (one_feature[:, 0] + 0.3 * rng.normal(size=12) > 0.2).astype(float)
    return [
        Case((clouds[order], cloud_labels[order], 0.5, 10), "20 examples of 3 features, 10 steps"),
        Case((single, np.array([1.0]), 0.1, 3), "a single example, 3 steps"),
        Case((one_feature, noisy, 2.0, 5), "one feature, learning rate 2, 5 steps"),
        Case((rng.normal(size=(6, 2)), np.array([1.0, 1, 0, 1, 1, 0]), 1.0, 1), "a single step"),
    ]


def train_logistic_augmented(X: np.ndarray, y: np.ndarray, learning_rate: float, steps: int) -> tuple:
    """The independent reference: the same full-batch descent written another way: the bias as one more weight on an
    input that is always 1 (θ = [w, b], X̃ = [X, 1]), the gradient as one product X̃ᵀ(σ(X̃θ) - y) / n, and the loss
    as the mean of y ln(1 + e^(-z)) + (1 - y) ln(1 + e^z), by np.logaddexp."""
    augmented = np.hstack([X, np.ones((len(X), 1))])
    theta, losses = np.zeros(augmented.shape[1]), []
    for _ in range(steps):
        theta = theta - learning_rate * augmented.T @ (1 / (1 + np.exp(-(augmented @ theta))) - y) / len(y)
        z = augmented @ theta
        losses.append(float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))))
    return theta[:-1], float(theta[-1]), losses


TRAIN_LOGISTIC = FunctionExercise(
    name="train_logistic",
    title="Training one sigmoid neuron by gradient descent",
    idea="Start with all weights and the bias at zero. Then, again and again: compute the gradient of the loss on all the "
    "examples at the current (w, b), take a small step against it, and note the loss the step leads to.",
    structure="Before the loop: zeros for w (one per feature), 0.0 for b, an empty list for the losses. In the loop, run "
    "steps times: get (dw, db) from loss_gradient at the current (w, b); move w by minus learning_rate times dw, and b "
    "by minus learning_rate times db; then compute the new predictions sigmoid(X @ w + b), their binary_cross_entropy "
    "against y, and append it. After the loop, return (w, b, losses).",
    solution=logistic.train_logistic,
    stub="my_train_logistic",
    reference=train_logistic_augmented,
    reference_name="the same descent written with the bias as a weight on a constant input, the loss by np.logaddexp",
    cases=_training_cases,
    names=("weights", "bias", "losses"),
    mistakes=[
        edit(
            "        b = b - learning_rate * db\n",
            "",
            "The bias never changes: it is a parameter like the weights, so it takes its step too, against db.",
        ),
        edit(
            "w = w - learning_rate * dw",
            "w = w + learning_rate * dw",
            "You are climbing: the gradient points uphill, so a step downhill subtracts it from the parameters.",
            ("b = b - learning_rate * db", "b = b + learning_rate * db"),
        ),
        edit(
            _LOSS,
            "",
            "The losses are one step early: each is the loss before its step. Record the loss of the "
            "weights the step leads to, so the last entry is the loss of the weights you return.",
            ("        dw, db = loss_gradient", _LOSS + "        dw, db = loss_gradient"),
        ),
        edit(
            "losses = []",
            "losses = [binary_cross_entropy(sigmoid(X @ w + b), y)]",
            "The losses include the starting loss: there is one per step, each taken after its step.",
        ),
        edit(
            "w, b = np.zeros(X.shape[1]), 0.0",
            "w, b = np.random.default_rng(0).normal(scale=0.01, size=X.shape[1]), 0.0",
            "The weights do not start at zero: this loop starts from w = 0 and b = 0 "
            "(one neuron has no symmetry to break, so zeros are the usual start).",
        ),
    ],
    shape_hint="Return three things: the weights (one per feature), the bias (a number) and the losses (one per step).",
)

EXERCISES = [ROTATION, CENTRAL_DIFFERENCE, CHAIN_RULE, NUMERICAL_GRADIENT, SIGMOID_PRIME, LOGISTIC_GRADIENT, TRAIN_LOGISTIC]
