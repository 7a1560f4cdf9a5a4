"""Numerical derivatives: exact on polynomials where theory says so, second-order accurate."""

import numpy as np
import pytest

from utils import gradcheck


def test_central_difference_is_exact_for_quadratics():
    assert gradcheck.central_difference(lambda x: 3 * x**2 - x + 4, 2.0, h=0.5) == pytest.approx(11.0, abs=1e-12)


def test_central_difference_error_shrinks_like_h_squared():
    errors = [abs(gradcheck.central_difference(np.sin, 1.0, h) - np.cos(1.0)) for h in (1e-1, 1e-2)]
    assert 80 < errors[0] / errors[1] < 120  # a factor of 10 in h gives about 100 in error


def test_numerical_gradient_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    before = x.copy()
    numerical = gradcheck.numerical_gradient(lambda v: v @ A @ v, x)
    assert gradcheck.relative_error(numerical, (A + A.T) @ x) < 1e-8
    np.testing.assert_array_equal(x, before)  # every entry restored after its nudges, bit for bit


def test_numerical_gradient_needs_float64_array():
    with pytest.raises(TypeError, match="numerical_gradient: x=.* is a float32 array; give a float64 NumPy array"):
        gradcheck.numerical_gradient(lambda v: v.sum(), np.ones(3, dtype=np.float32))


def test_relative_error():
    assert gradcheck.relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert gradcheck.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert gradcheck.relative_error([3.0, 0.0], [0.0, 4.0]) == pytest.approx(5 / 7)
    with pytest.raises(ValueError, match=r"relative_error: b=.* does not have the shape of a, \(3,\)"):
        gradcheck.relative_error(np.ones(3), np.ones(4))
