"""The labs of step 2 (``notebooks/02_getting_technical.ipynb``).

Every solution and mistake here is written with the notebook's own names (``np``, ``sigmoid``,
``sigmoid_prime``, ``binary_cross_entropy``, and ``loss_gradient``, the notebook's name for the
gradient of logistic regression once its lab is done), so that a test can paste it into the stub
cell and run the notebook with it. The gradients are judged against independent references:
analytic gradients worked out by hand, and central differences of the loss.
"""

from __future__ import annotations

import numpy as np

from utils import gradcheck, logistic, nn
from utils.exercises.core import Case, FunctionExercise, Mistake
from utils.nn import binary_cross_entropy, sigmoid, sigmoid_prime

#: The notebook's name for the gradient of one sigmoid neuron's loss (the learner's once it passed,
#: ``utils.nn.logistic_gradient`` until then); the training loop below calls it.
loss_gradient = nn.logistic_gradient


# --- Warm-up: a rotation as a matrix (section 2) --------------------------------------------------


def rotation_matrix(theta):
    """The 2 x 2 matrix that rotates the plane by ``theta`` radians, counter-clockwise."""
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, -sin], [sin, cos]])


def rotation_clockwise(theta):
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, sin], [-sin, cos]])


def rotation_in_degrees(theta):
    theta = np.deg2rad(theta)
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, -sin], [sin, cos]])


def rotation_reflected(theta):
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, sin], [sin, -cos]])


ROTATION = FunctionExercise(
    name="rotation_matrix",
    title="A rotation as a matrix",
    kind="warm-up",
    idea="The columns of the matrix are where e1 = (1, 0) and e2 = (0, 1) land. Draw the unit circle: where is each after "
    "turning by θ counter-clockwise?",
    structure="e1 lands on (cos θ, sin θ) and e2, a quarter turn further on, on (-sin θ, cos θ). Put these two as the columns "
    "of a 2 x 2 np.array (the array is written row by row).",
    solution=rotation_matrix,
    stub="my_rotation_matrix",
    cases=[Case((np.pi / 6,), "θ = π/6 (30°)"), Case((np.pi / 2,), "θ = π/2, a quarter turn"), Case((2.0,), "θ = 2 radians")],
    mistakes=[
        Mistake(rotation_clockwise, "That is the transpose: it rotates clockwise."),
        Mistake(rotation_in_degrees, "θ is already in radians, and np.cos and np.sin take radians: no conversion is needed."),
        Mistake(rotation_reflected, "That matrix has determinant -1: it flips the plane over (a reflection) instead of turning it."),
    ],
    shape_hint="Return a 2 x 2 array.",
)


# --- Warm-up: the central difference (section 4) -------------------------------------------------


def cube(x):
    return x**3


def forward_difference(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


def backward_difference(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h


def central_difference_over_h(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h


CENTRAL_DIFFERENCE = FunctionExercise(
    name="central_difference",
    title="The central difference",
    kind="warm-up",
    idea="Look as far to the left of x as to the right: the slope of the line through the points of f at x - h and x + h.",
    structure="Evaluate f at x + h and at x - h, subtract, and divide by the distance between the two points, which is 2h.",
    solution=gradcheck.central_difference,
    stub="my_central_difference",
    cases=[
        Case((np.sin, 1.0, 1e-3), "sin at 1, h = 1e-3"),
        Case((cube, 2.0, 1e-2), "x³ at 2, h = 0.01"),
        Case((np.exp, 0.5, 1e-4), "exp at 0.5, h = 1e-4"),
    ],
    mistakes=[
        Mistake(forward_difference, "That is the forward difference; the central one looks both ways and is far more accurate."),
        Mistake(backward_difference, "That is the backward difference; the central one looks both ways."),
        Mistake(central_difference_over_h, "Twice too large: the two points are 2h apart, so divide by 2h."),
    ],
    rtol=1e-9,
)


# --- Lab: the chain rule through two neurons (section 5) -----------------------------------------


def chain_slopes_by_differences(x, w1, b1, w2, b2):
    """The independent reference: each slope by central differences of the chain's output."""

    def output(w1, b1, w2, b2):
        return sigmoid(w2 * sigmoid(w1 * x + b1) + b2)

    central = gradcheck.central_difference
    return (
        central(lambda v: output(v, b1, w2, b2), w1),
        central(lambda v: output(w1, v, w2, b2), b1),
        central(lambda v: output(w1, b1, v, b2), w2),
        central(lambda v: output(w1, b1, w2, v), b2),
    )


def chain_without_hidden_slope(x, w1, b1, w2, b2):
    h = sigmoid(w1 * x + b1)
    y = sigmoid(w2 * h + b2)
    outer = y * (1 - y)
    return outer * w2 * x, outer * w2, outer * h, outer


def chain_without_middle_weight(x, w1, b1, w2, b2):
    h = sigmoid(w1 * x + b1)
    y = sigmoid(w2 * h + b2)
    outer, inner = y * (1 - y), h * (1 - h)
    return outer * inner * x, outer * inner, outer * h, outer


def chain_slopes_at_activations(x, w1, b1, w2, b2):
    h = sigmoid(w1 * x + b1)
    y = sigmoid(w2 * h + b2)
    outer, inner = sigmoid_prime(y), sigmoid_prime(h)
    return outer * w2 * inner * x, outer * w2 * inner, outer * h, outer


def chain_second_weight_times_x(x, w1, b1, w2, b2):
    h = sigmoid(w1 * x + b1)
    y = sigmoid(w2 * h + b2)
    outer, inner = y * (1 - y), h * (1 - h)
    return outer * w2 * inner * x, outer * w2 * inner, outer * x, outer


def _chain_cases():
    rng = np.random.default_rng(21)
    return [
        Case((rng.normal(size=6), 0.8, -0.3, 1.7, 0.4), "6 inputs, moderate weights"),
        Case((np.array([0.9]), -1.2, 0.5, -2.0, 0.1), "a single input, negative weights"),
        Case((rng.uniform(-3, 3, size=5), 2.5, 1.0, 6.0, -1.0), "a nearly saturated output neuron"),
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
    reference_name="central differences of the chain's output",
    cases=_chain_cases,
    names=("dy_dw1", "dy_db1", "dy_dw2", "dy_db2"),
    rtol=1e-6,
    atol=1e-9,
    mistakes=[
        Mistake(chain_without_hidden_slope, "The first neuron's slope σ'(z1) is missing: h = σ(z1) is a link of the chain too."),
        Mistake(chain_without_middle_weight, "The link from h to z2 is missing: z2 = w2 h + b2 changes by w2 for each unit of h."),
        Mistake(chain_slopes_at_activations, "σ' is taken at the outputs h and y instead of at the sums z1 and z2."),
        Mistake(chain_second_weight_times_x, "dy/dw2 uses x, but the second neuron's input is h: z2 = w2 h + b2."),
    ],
    shape_hint="Return four arrays, each with one slope per input: the same shape as x.",
)


# --- Lab: the numerical gradient (section 6) -----------------------------------------------------


def numerical_gradient(f, x, h=1e-5):
    """The gradient of f at x by central differences, one entry of x at a time.

    f: a function of an array shaped like x that returns a number; x: a float array of any shape.
    Returns an array shaped like x. Nudges each entry of x itself and puts it back.
    """
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f(x)
        x[index] = original - h
        f_minus = f(x)
        x[index] = original
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_forward(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    f_here = f(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        gradient[index] = (f(x) - f_here) / h
        x[index] = original
    return gradient


def numerical_gradient_over_h(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f(x)
        x[index] = original - h
        f_minus = f(x)
        x[index] = original
        gradient[index] = (f_plus - f_minus) / h
    return gradient


def numerical_gradient_not_restored(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        f_plus = f(x)
        x[index] -= 2 * h
        f_minus = f(x)
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_flat(f, x, h=1e-5):
    gradient = np.zeros(x.size)
    for i in range(x.size):
        original = x.flat[i]
        x.flat[i] = original + h
        f_plus = f(x)
        x.flat[i] = original - h
        f_minus = f(x)
        x.flat[i] = original
        gradient[i] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_of_a_copy(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        nudged = x.copy()
        nudged[index] = x[index] + h
        f_plus = f(nudged)
        nudged[index] = x[index] - h
        f_minus = f(nudged)
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


class DifferentiableFunction:
    """A function to differentiate, with its gradient worked out by hand (the independent reference).

    ``reads_x_itself``: the function the learner's code is given ignores its argument and reads the
    array it is differentiated at directly, as a loss reads a network's weights (step 3 does this).
    """

    def __init__(self, value, gradient, reads_x_itself=False):
        self.value, self.gradient, self.reads_x_itself = value, gradient, reads_x_itself


class _Probe:
    """What the learner's function is given as f: the test function, called on its argument or, for
    a function that reads x itself, on the very array being differentiated."""

    def __init__(self, function: DifferentiableFunction, x):
        self.function, self.x = function, x

    def __call__(self, argument):
        return self.function.value(self.x if self.function.reads_x_itself else argument)


def _gradient_and_x_afterwards(answer):
    """Run a numerical gradient on (test function, x, [h]); judge its result and what x holds afterwards."""

    def run(function, x, *h):
        gradient = answer(_Probe(function, x), x, *h)
        return None if gradient is None else (gradient, x)

    return run


def _analytic_gradient(f, x, h=1e-5):
    return f.function.gradient(x).copy()


def _numerical_gradient_cases():
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
    return [
        Case((quadratic, rng.normal(size=4)), "a quadratic form of a vector of 4"),
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
    solution=numerical_gradient,
    stub="my_numerical_gradient",
    reference=_analytic_gradient,
    reference_name="the gradients of the test functions worked out by hand",
    cases=_numerical_gradient_cases,
    adapter=_gradient_and_x_afterwards,
    names=("gradient", "x afterwards"),
    rtol=1e-6,
    atol=1e-8,
    mistakes=[
        Mistake(
            numerical_gradient_forward,
            "That is the forward difference (f(x + h) - f(x)) / h: its error shrinks only like h. Look both ways, at x + h and x - h.",
        ),
        Mistake(numerical_gradient_over_h, "Twice too large: the two points are 2h apart, so divide by 2h."),
        Mistake(
            numerical_gradient_not_restored,
            "Each entry is left nudged after its turn, so the nudges accumulate: put every "
            "entry back to its original value before moving on to the next.",
        ),
        Mistake(
            numerical_gradient_flat, "The gradient comes back as a flat vector: it must have the shape of x, one entry per entry of x."
        ),
        Mistake(
            numerical_gradient_of_a_copy,
            "Your function nudges a copy of x, so a function that reads x itself (as a loss reads "
            "a network's weights) never sees the nudges: change the entries of x in place, then put each back.",
        ),
    ],
    shape_hint="The gradient has the shape of x: one partial derivative per entry, in the same place.",
)


# --- Warm-up: the slope of the sigmoid (section 7) ------------------------------------------------


def sigmoid_slope_by_differences(z):
    """The independent reference: central differences of the sigmoid, entry by entry."""
    return gradcheck.central_difference(sigmoid, np.asarray(z, dtype=float))


def slope_of_z_itself(z):
    return z * (1 - z)


def sigmoid_not_its_slope(z):
    return sigmoid(z)


def sigmoid_times_one_minus_z(z):
    return sigmoid(z) * (1 - z)


SIGMOID_PRIME = FunctionExercise(
    name="sigmoid_prime",
    title="The derivative of the sigmoid",
    kind="warm-up",
    idea="σ'(z) = σ(z) (1 - σ(z)): the slope is written with the sigmoid itself.",
    structure="Compute s = sigmoid(z) once, then return s times (1 - s); NumPy works element by element.",
    solution=nn.sigmoid_prime,
    stub="my_sigmoid_prime",
    reference=sigmoid_slope_by_differences,
    reference_name="central differences of the sigmoid",
    rtol=1e-6,
    atol=1e-9,
    cases=[Case((np.array([-3.0, 0.0, 0.5, 6.0]),), "a vector"), Case((np.array([[1.0, -1.0], [10.0, -10.0]]),), "a 2 x 2 matrix")],
    mistakes=[
        Mistake(slope_of_z_itself, "You applied s (1 - s) to z itself; it must be applied to s = sigmoid(z)."),
        Mistake(sigmoid_not_its_slope, "That is σ(z) itself, not its slope."),
        Mistake(sigmoid_times_one_minus_z, "Both factors need σ(z): σ(z) (1 - σ(z)), not σ(z) (1 - z)."),
    ],
    shape_hint="Work element by element so the output has the same shape as z.",
)


# --- Lab: the gradient of logistic regression (section 8) ----------------------------------------


def logistic_gradient_by_differences(X, y, w, b):
    """The independent reference: central differences of the mean binary cross-entropy."""

    def loss(parameters):
        return binary_cross_entropy(sigmoid(X @ parameters[:-1] + parameters[-1]), y)

    gradient = gradcheck.numerical_gradient(loss, np.append(np.asarray(w, dtype=float), float(b)))
    return gradient[:-1], float(gradient[-1])


def logistic_gradient_wrong_sign(X, y, w, b):
    error = y - sigmoid(X @ w + b)
    return X.T @ error / len(y), float(np.mean(error))


def logistic_gradient_summed(X, y, w, b):
    error = sigmoid(X @ w + b) - y
    return X.T @ error, float(np.sum(error))


def logistic_gradient_of_quadratic_cost(X, y, w, b):
    p = sigmoid(X @ w + b)
    delta = (p - y) * p * (1 - p)
    return X.T @ delta / len(y), float(np.mean(delta))


def logistic_gradient_unsquashed(X, y, w, b):
    error = X @ w + b - y
    return X.T @ error / len(y), float(np.mean(error))


def _logistic_gradient_cases():
    rng = np.random.default_rng(2)
    return [
        Case((rng.normal(size=(6, 3)), np.array([0.0, 1, 1, 0, 1, 0]), rng.normal(size=3), 0.1), "6 examples of 3 features"),
        Case((rng.normal(size=(1, 4)), np.array([1.0]), rng.normal(size=4), -0.4), "a batch of 1"),
        Case((rng.normal(size=(8, 1)), np.array([1.0, 0, 0, 1, 1, 1, 0, 1]), rng.normal(size=1), 0.7), "one feature"),
        Case((rng.normal(size=(3, 5)), np.array([0.0, 1, 0]), rng.normal(size=5), -1.2), "more features than examples"),
    ]


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
    names=("dw", "db"),
    rtol=1e-6,
    atol=1e-9,
    mistakes=[
        Mistake(
            logistic_gradient_wrong_sign,
            "Your gradient has the wrong sign: the slope of the loss is p - y, not y - p "
            "(the gradient points uphill; descent subtracts it).",
        ),
        Mistake(logistic_gradient_summed, "Your gradient is n times too large: the loss is a mean over the n examples, so divide by n."),
        Mistake(
            logistic_gradient_of_quadratic_cost,
            "That is the gradient of the quadratic cost ½(p - y)², with its factor "
            "σ'(z) = p (1 - p). For the cross-entropy that factor cancels, leaving p - y.",
        ),
        Mistake(
            logistic_gradient_unsquashed, "The sigmoid is missing: the error is p - y with p = σ(X w + b), not the raw sum X w + b minus y."
        ),
    ],
    shape_hint="Return (dw, db): dw has one entry per weight, shape (features,); db is a single number.",
)


# --- Lab: training the neuron by gradient descent (section 8) ------------------------------------


def train_logistic(X, y, learning_rate, steps):
    """Full-batch gradient descent for one sigmoid neuron, from w = 0 and b = 0.

    X (n, features), y (n,) of 0/1 -> (w (features,), b a number, losses (steps,)),
    where losses[k] is the mean binary cross-entropy on (X, y) after step k + 1.
    """
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(steps):
        dw, db = loss_gradient(X, y, w, b)
        w = w - learning_rate * dw
        b = b - learning_rate * db
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
    return w, b, losses


def train_without_bias_update(X, y, learning_rate, steps):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(steps):
        dw, db = loss_gradient(X, y, w, b)
        w = w - learning_rate * dw
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
    return w, b, losses


def train_climbing(X, y, learning_rate, steps):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(steps):
        dw, db = loss_gradient(X, y, w, b)
        w = w + learning_rate * dw
        b = b + learning_rate * db
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
    return w, b, losses


def train_loss_before_step(X, y, learning_rate, steps):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(steps):
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
        dw, db = loss_gradient(X, y, w, b)
        w = w - learning_rate * dw
        b = b - learning_rate * db
    return w, b, losses


def train_with_starting_loss(X, y, learning_rate, steps):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = [binary_cross_entropy(sigmoid(X @ w + b), y)]
    for _ in range(steps):
        dw, db = loss_gradient(X, y, w, b)
        w = w - learning_rate * dw
        b = b - learning_rate * db
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
    return w, b, losses


def train_from_random_weights(X, y, learning_rate, steps):
    w, b = np.random.default_rng(0).normal(scale=0.01, size=X.shape[1]), 0.0
    losses = []
    for _ in range(steps):
        dw, db = loss_gradient(X, y, w, b)
        w = w - learning_rate * dw
        b = b - learning_rate * db
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
    return w, b, losses


def _training_cases():
    rng = np.random.default_rng(12)
    clouds = np.concatenate([rng.normal(-0.8, 1.0, size=(8, 3)), rng.normal(0.8, 1.0, size=(12, 3))])
    cloud_labels = np.repeat([0.0, 1.0], [8, 12])
    order = rng.permutation(20)
    one_feature = rng.normal(size=(12, 1))
    return [
        Case((clouds[order], cloud_labels[order], 0.5, 10), "20 examples of 3 features, 10 steps"),
        Case((rng.normal(size=(1, 4)), np.array([1.0]), 0.1, 3), "a single example, 3 steps"),
        Case(
            (one_feature, (one_feature[:, 0] + 0.3 * rng.normal(size=12) > 0.2).astype(float), 2.0, 5),
            "one feature, learning rate 2, 5 steps",
        ),
        Case((rng.normal(size=(6, 2)), np.array([1.0, 1, 0, 1, 1, 0]), 1.0, 1), "a single step"),
    ]


TRAIN_LOGISTIC = FunctionExercise(
    name="train_logistic",
    title="Training one sigmoid neuron by gradient descent",
    idea="Start with all weights and the bias at zero. Then, again and again: compute the gradient of the loss on all the "
    "examples at the current (w, b), take a small step against it, and note the loss the step leads to.",
    structure="Before the loop: zeros for w (one per feature), 0.0 for b, an empty list for the losses. In the loop, run "
    "steps times: get (dw, db) from loss_gradient at the current (w, b); move w by minus learning_rate times dw, and b "
    "by minus learning_rate times db; then compute the new predictions sigmoid(X @ w + b), their binary_cross_entropy "
    "against y, and append it. After the loop, return (w, b, losses).",
    solution=train_logistic,
    stub="my_train_logistic",
    reference=logistic.train_logistic,
    reference_name="the course's tested loop (utils.logistic.train_logistic, itself checked against TensorFlow's gradients)",
    cases=_training_cases,
    names=("weights", "bias", "losses"),
    mistakes=[
        Mistake(
            train_without_bias_update, "The bias never changes: it is a parameter like the weights, so it takes its step too, against db."
        ),
        Mistake(train_climbing, "You are climbing: the gradient points uphill, so a step downhill subtracts it from the parameters."),
        Mistake(
            train_loss_before_step,
            "The losses are one step early: each is the loss before its step. Record the loss of the "
            "weights the step leads to, so the last entry is the loss of the weights you return.",
        ),
        Mistake(train_with_starting_loss, "The losses include the starting loss: there is one per step, each taken after its step."),
        Mistake(
            train_from_random_weights,
            "The weights do not start at zero: this loop starts from w = 0 and b = 0 "
            "(one neuron has no symmetry to break, so zeros are the usual start).",
        ),
    ],
    shape_hint="Return three things: the weights (one per feature), the bias (a number) and the losses (one per step).",
)

EXERCISES = [ROTATION, CENTRAL_DIFFERENCE, CHAIN_RULE, NUMERICAL_GRADIENT, SIGMOID_PRIME, LOGISTIC_GRADIENT, TRAIN_LOGISTIC]
