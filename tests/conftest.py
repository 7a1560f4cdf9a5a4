"""Shared test set-up.

Tests never download: DL7_OFFLINE=1 is set for this process and the notebook kernels nbval
starts, so a missing dataset fails at once with the clear message. The data come from the cache
named by DL7_DATA_DIR (CI points it at ../shared/data) or from data/ (`python course.py data fetch all`).
"""

import os

import matplotlib

os.environ.setdefault("DL7_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
matplotlib.use("Agg")  # this process only; notebook kernels keep their inline backend
