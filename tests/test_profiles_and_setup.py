"""Profiles and the set-up call."""

import dataclasses
import os
import subprocess
import sys

import pytest

from utils import ROOT, profiles


def test_default_profile_is_quick(monkeypatch):
    monkeypatch.delenv(profiles.PROFILE_VARIABLE, raising=False)
    assert profiles.active_profile().name == "quick"
    monkeypatch.setenv(profiles.PROFILE_VARIABLE, " FULL ")
    assert profiles.active_profile().name == "full"


def test_unknown_profile_names_the_valid_ones(monkeypatch):
    monkeypatch.setenv(profiles.PROFILE_VARIABLE, "fast")
    with pytest.raises(profiles.UnknownProfileError, match="DL7_PROFILE='fast' is not a profile of this course; use 'quick' or 'full'"):
        profiles.active_profile()


def test_full_profile_uses_at_least_as_much_data():
    quick, full = profiles.PROFILES["quick"], profiles.PROFILES["full"]
    sizes = [f.name for f in dataclasses.fields(profiles.Profile) if f.name.endswith(("_train", "_test", "_chars"))]
    assert "mnist_train" in sizes and "shakespeare_chars" in sizes
    for name in sizes:
        q, f = getattr(quick, name), getattr(full, name)
        assert f is None or (q is not None and f >= q), name  # None means the whole dataset
    assert (quick.cifar10, full.cifar10) == ("subset", "full")


def run_setup(env_extra: dict) -> subprocess.CompletedProcess:
    """Run the set-up in a fresh interpreter, as a notebook kernel would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(env_extra)
    code = (
        "import utils\n"
        "course = utils.setup(seed=3)\n"
        "import random, numpy as np, tensorflow as tf\n"
        "from tensorflow.python.framework import config\n"
        "print(course.profile.name, course.seed, course.device, course.in_colab)\n"
        "print(np.random.rand(), random.random(), float(tf.random.uniform(())))\n"
        "print(config.is_op_determinism_enabled())\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_setup_prints_one_line_seeds_and_is_quiet():
    first = run_setup({"DL7_PROFILE": "quick"})
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("profile=quick · TensorFlow ") and " · Keras " in lines[0] and lines[0].endswith("· CPU")
    assert lines[1] == "quick 3 CPU False"
    assert lines[3] == "True"
    assert first.stderr == ""  # TensorFlow's start-up logging is silenced
    second = run_setup({"DL7_PROFILE": "quick"})
    assert second.stdout == first.stdout  # same seed, same random numbers everywhere


def test_setup_rejects_an_unknown_profile():
    result = run_setup({"DL7_PROFILE": "medium"})
    assert result.returncode != 0
    assert "DL7_PROFILE='medium' is not a profile of this course" in result.stderr


def test_tested_versions_come_from_requirements():
    from utils.environment import tested_versions

    pins = tested_versions()
    assert {"tensorflow", "keras", "numpy", "matplotlib", "jupyterlab", "ipywidgets", "nbval", "pytest", "pooch"} <= set(pins)
