"""The course's benchmarks: the measured figures behind the claims in the notebooks and the README.

    python -m tools.benchmark backprop     # step 3: Nielsen's per-example algorithm against the vectorized network
    python -m tools.benchmark three-ways   # step 4: the same network in NumPy, a TensorFlow loop and Keras
    python -m tools.benchmark conv         # step 5: convolution by im2col in NumPy against tf.nn.conv2d
    python -m tools.benchmark course       # every notebook in a fresh kernel: time, memory, headline figures

(or ``python course.py benchmark backprop``). Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import copy
import re
import resource
import sys
import time
import tracemalloc

import numpy as np


def _measure(prepare, train, finish, repeats: int):
    """Best CPU time (``time.process_time``: less disturbed than wall time on a shared machine) of
    ``repeats`` epochs, each from a fresh ``prepare()`` (untimed: the network and
    the data in the layout the code wants); then one more traced run for the memory peak (tracing slows
    allocation-heavy code, so it is kept out of the timing). ``finish`` turns the result into a Network."""
    best, result = float("inf"), None
    for _ in range(repeats):
        state = prepare()
        start = time.process_time()
        result = train(state, np.random.default_rng(0))
        best = min(best, time.process_time() - start)
    state = prepare()
    tracemalloc.start()
    train(state, np.random.default_rng(0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, finish(result)


def backprop(repeats: int = 2, n_images: int = 50_000) -> dict:
    """One epoch of the 784-30-10 sigmoid network (quadratic cost, mini-batches of 10, η = 3.0) over
        Nielsen's 50,000 training images (or the first ``n_images``): the classic per-example algorithm of
        Nielsen's ``network.py`` (``utils.network.nielsen_sgd_epoch``, his layout and data format, prepared
        before the clock starts) against ``Network.train_epoch`` on whole mini-batches, in float64 and in float32
    (network and data converted before the clock starts)."""
    from utils.data import load_mnist
    from utils.network import Network, QuadraticCost, nielsen_sgd_epoch, one_hot, to_nielsen

    (images, labels), (test_images, test_labels) = load_mnist(n_train=60_000, n_test=10_000)
    X, Y = images[:n_images].reshape(-1, 784) / 255.0, one_hot(labels[:n_images])
    X_test = test_images.reshape(-1, 784) / 255.0
    start_network = Network([784, 30, 10], cost=QuadraticCost, init="scaled", seed=0)
    _, _, nielsen_data = to_nielsen(start_network, X, Y)

    def as_network(weights, biases, dtype=np.float64):
        network = copy.deepcopy(start_network)
        network.weights, network.biases = [np.array(W, dtype) for W in weights], [np.array(b, dtype) for b in biases]  # copies
        return network

    def nielsen_prepare():
        weights, biases, _ = to_nielsen(start_network)
        return weights, biases

    def nielsen_train(state, rng):
        weights, biases = state
        return nielsen_sgd_epoch(weights, biases, nielsen_data, 10, 3.0, rng)

    def nielsen_finish(result):
        return as_network([w.T for w in result[0]], [b.ravel() for b in result[1]])

    data = {np.float64: (X, Y), np.float32: (X.astype(np.float32), Y.astype(np.float32))}  # converted before the clock

    def vectorized(dtype):
        def train(network, rng):
            network.train_epoch(*data[dtype], 10, 3.0, rng)
            return network

        return (lambda: as_network(start_network.weights, start_network.biases, dtype)), train, (lambda network: network)

    ways = {
        "Nielsen's per-example": (nielsen_prepare, nielsen_train, nielsen_finish),
        "vectorized, float64": vectorized(np.float64),
        "vectorized, float32": vectorized(np.float32),
    }
    results = {}
    print(
        f"One epoch, 784-30-10 sigmoid network, {n_images:,} MNIST images, mini-batches of 10, η = 3.0 "
        f"(best of {repeats}; same start, same shuffle)"
    )
    print(f"{'implementation':24} {'CPU s':>8} {'images/s':>10} {'test accuracy':>14} {'traced peak':>12}")
    for name, (prepare, train, finish) in ways.items():
        seconds, peak, trained = _measure(prepare, train, finish, repeats)
        accuracy = trained.accuracy(X_test, test_labels)
        results[name] = {"seconds": seconds, "peak_bytes": peak, "accuracy": accuracy, "network": trained}
        print(f"{name:24} {seconds:8.2f} {n_images / seconds:10,.0f} {accuracy:14.2%} {peak / 2**20:9.1f} MiB")
    loop = results["Nielsen's per-example"]
    ratios, differences = {}, {}
    for name in ("vectorized, float64", "vectorized, float32"):
        vector = results[name]
        difference = max(float(np.abs(a - b).max()) for a, b in zip(loop["network"].weights, vector["network"].weights))
        speed_up = loop["seconds"] / vector["seconds"]
        ratios[name], differences[name] = speed_up, difference
        print(f"speed-up of {name}: {speed_up:.1f}x (largest weight difference from Nielsen's after the epoch: {difference:.1e})")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(
        f"peak memory of the whole process (max RSS): {max_rss:,.0f} MiB; the training data alone take "
        f"{X.nbytes / 2**20:,.0f} MiB as float64"
    )
    return {
        "ratio": ratios["vectorized, float64"],
        "ratio_float32": ratios["vectorized, float32"],
        "difference": differences["vectorized, float64"],
        "difference_float32": differences["vectorized, float32"],
        **{k: {kk: vv for kk, vv in v.items() if kk != "network"} for k, v in results.items()},
    }


def three_ways() -> dict:
    """Step 4's table for the active profile, and TensorFlow's gradients against the hand-written ones."""
    from utils.environment import setup

    profile = setup(seed=0).profile  # quiet, seeded, deterministic TensorFlow; prints the profile line
    from utils.data import load_mnist
    from utils.network import CrossEntropyCost, Network, QuadraticCost, one_hot
    from utils.tf_network import compare_three_ways, max_gradient_difference, print_three_ways

    (images, labels), (test_images, test_labels) = load_mnist(n_train=profile.step04_train)
    X, Y = images.reshape(len(images), -1) / 255.0, one_hot(labels)
    for cost in (QuadraticCost, CrossEntropyCost):
        difference = max_gradient_difference(Network([784, 30, 10], cost=cost, seed=0), X[:10], Y[:10])
        print(
            f"784-30-10 network, {cost.__name__}, a mini-batch of 10 images: TensorFlow's gradients differ from "
            f"backpropagation by at most {difference:.1e} (float64)"
        )
    print(f"The same network trained three ways: {len(X):,} images, {profile.step04_epochs} epochs, mini-batches of 10, η = 3.0")
    rows = compare_three_ways(
        Network([784, 30, 10], cost=QuadraticCost, seed=0),
        X,
        Y,
        test_images.reshape(len(test_images), -1) / 255.0,
        test_labels,
        epochs=profile.step04_epochs,
    )
    print_three_ways(rows)
    return rows


def convolution(repeats: int = 5) -> dict:
    """Step 5: the NumPy convolution (im2col and one matrix product) against tf.nn.conv2d on the same
    float32 input: a mini-batch of 64 CIFAR-sized images and 32 filters of 3 x 3, 'same' padding."""
    from utils.environment import setup

    setup(seed=0)
    import tensorflow as tf

    from utils.conv import conv2d, max_pool2d

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 32, 32, 3)).astype(np.float32)
    kernels = rng.normal(size=(3, 3, 3, 32)).astype(np.float32)
    candidates = {
        "NumPy conv2d (im2col)": lambda: conv2d(x, kernels, padding="same"),
        "tf.nn.conv2d": lambda: tf.nn.conv2d(x, kernels, strides=1, padding="SAME").numpy(),
        "NumPy max_pool2d": lambda: max_pool2d(x, 2),
        "tf.nn.max_pool2d": lambda: tf.nn.max_pool2d(x, 2, 2, "VALID").numpy(),
    }
    seconds, outputs = {}, {}
    for name, run in candidates.items():
        outputs[name] = run()  # warm-up (TensorFlow picks its kernels on the first call)
        timings = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
        seconds[name] = min(timings)
    print(f"input (64, 32, 32, 3) float32; 32 kernels of 3 x 3 x 3, stride 1, 'same' padding; pooling 2 x 2 (best of {repeats})")
    for name in candidates:
        print(f"{name:24} {seconds[name] * 1e3:8.2f} ms   output {outputs[name].shape}")
    conv_difference = float(np.abs(outputs["NumPy conv2d (im2col)"] - outputs["tf.nn.conv2d"]).max())
    pool_difference = float(np.abs(outputs["NumPy max_pool2d"] - outputs["tf.nn.max_pool2d"]).max())
    conv_ratio = seconds["NumPy conv2d (im2col)"] / seconds["tf.nn.conv2d"]
    pool_ratio = seconds["NumPy max_pool2d"] / seconds["tf.nn.max_pool2d"]
    print(f"convolution: NumPy / TensorFlow time {conv_ratio:.1f}, largest difference {conv_difference:.1e}")
    print(f"max pooling: NumPy / TensorFlow time {pool_ratio:.1f}, largest difference {pool_difference:.1e}")
    return {"conv_ratio": conv_ratio, "pool_ratio": pool_ratio, "conv_difference": conv_difference, "pool_difference": pool_difference}


#: The headline figures of each notebook, as its cells record them (``utils.expected.record`` and
#: ``judge``, into the file ``DL7_RECORD`` names): one line of the table per label, with the keys it shows.
HEADLINES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "01_introducing_deep_learning": [
        ("MNIST test accuracy: templates {}, trained network {}", ("step01.templates_accuracy", "step01.network_accuracy"))
    ],
    "02_getting_technical": [
        ("logistic regression, 4 vs 9: test accuracy {}", ("step02.logistic_accuracy",)),
        ("gradient check on 784 weights: relative error {}", ("step02.gradient_check_error",)),
    ],
    "03_backprop_and_gradient_descent": [
        ("784-30-10 from scratch: test accuracy {}", ("step03.network_accuracy",)),
        (
            "gradient checks, largest relative error: {} (quadratic), {} (cross-entropy)",
            ("step03.gradient_check_QuadraticCost", "step03.gradient_check_CrossEntropyCost"),
        ),
        ("Mazur's error after 10,000 updates: {}", ("step03.mazur_error",)),
    ],
    "04_getting_practical": [
        (
            "TensorFlow vs hand-written gradients: largest difference below {} (quadratic), below {} (cross-entropy)",
            ("step04.tape_difference_QuadraticCost", "step04.tape_difference_CrossEntropyCost"),
        ),
        (
            "same network, test accuracy: NumPy {}, TensorFlow loop {}, Keras {}",
            ("step04.numpy_accuracy", "step04.tf_loop_accuracy", "step04.keras_accuracy"),
        ),
    ],
    "05_cnns_and_computer_vision": [
        ("NumPy convolution and pooling vs TensorFlow's: largest difference {}", ("step05.conv_pool_difference",)),
        ("LeNet on MNIST: test accuracy {}", ("step05.lenet_accuracy",)),
        ("CIFAR-10 CNN: test accuracy {}", ("step05.cifar_test_accuracy",)),
        (
            "AlexNet's ideas, mean test accuracy at the epoch chosen on validation: ReLU {}, sigmoid {}, dropout {}, augmentation {}",
            ("step05.ideas_relu_test", "step05.ideas_sigmoid_test", "step05.ideas_dropout_test", "step05.ideas_augmentation_test"),
        ),
        (
            "deep network, mean test accuracy at the epoch chosen on validation: without batch normalisation {}, with {}",
            ("step05.bn_without_test", "step05.bn_with_test"),
        ),
    ],
    "06_rnns_and_language": [
        ("validation perplexity: Keras GRU {}, NumPy RNN {}", ("step06.gru_model_perplexity", "step06.numpy_rnn_perplexity")),
        (
            "SimpleRNN, LSTM, GRU of one size run to a plateau, mean validation loss over seeds: {}, {}, {}",
            ("step06.plateau_simplernn_loss", "step06.plateau_lstm_loss", "step06.plateau_gru_loss"),
        ),
        ("Kim's text CNN: test accuracy {}", ("step06.text_cnn_accuracy",)),
    ],
    "07_further_topics": [
        ("LSTM and GRU vs Keras: largest difference {} and {}", ("step07.lstm_keras_difference", "step07.gru_keras_difference")),
        (
            "adding problem, test error (baseline {}): SimpleRNN {}, LSTM {}, GRU {}",
            ("step07.adding_baseline", "step07.adding_simplernn", "step07.adding_lstm", "step07.adding_gru"),
        ),
        ("GAN: {} of samples within 0.15 of the ring", ("step07.gan_within",)),
        ("RBM reconstruction error: {} before, {} after", ("step07.rbm_error_before", "step07.rbm_error_after")),
        (
            "RBM, long Gibbs chains in their most common label, mean over seeds: CD-1 {}, persistent CD {}",
            ("step07.rbm_cd1_largest_share", "step07.rbm_pcd_largest_share"),
        ),
        (
            "multi-head attention and transformer block vs Keras: largest difference {} and {}",
            ("step07.attention_keras_difference", "step07.block_keras_difference"),
        ),
        (
            "validation perplexity at equal wall-clock, mean over seeds: GRU {}, transformer {}",
            ("step07.attention_gru_perplexity", "step07.attention_transformer_perplexity"),
        ),
    ],
}


def headlines(name: str, records: list[dict]) -> list[str]:
    """The headline lines of notebook ``name`` (without .ipynb) from the figures its run recorded
    (``utils.expected.read_records``); a figure that was not recorded is shown as missing."""
    from utils.expected import EXACT, FIGURES

    values = {entry["key"]: entry["value"] for entry in records}
    lines = []
    for label, keys in HEADLINES.get(name, []):
        missing = [key for key in keys if key not in values]
        if missing:
            lines.append(f"(not recorded: {', '.join(missing)})")
        else:
            lines.append(label.format(*({**FIGURES, **EXACT}[key].format(values[key]) for key in keys)))
    return lines


def course(output=None) -> list[dict]:
    """Run every notebook in the quick profile, each in a fresh kernel (on copies: the stored notebooks
    are not touched); tabulate wall time, the kernel's peak memory and the headline figures; then add
    the speed ratios of the step 3-5 benchmarks. Writes the table as Markdown to ``output``
    (default ``artifacts/benchmark.md``) and prints it."""
    import subprocess
    import tempfile
    from pathlib import Path

    from tools.layout import notebook_paths
    from utils import settings
    from utils.expected import read_records
    from utils.paths import ROOT

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        for path in notebook_paths():
            records = Path(folder) / f"{path.stem}.jsonl"
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "tools.notebooks", "execute", "--output-dir", folder, str(path)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=settings.child_environment(PROFILE="quick", SEED=None, RECORD=str(records)),
            )
            seconds = time.perf_counter() - start
            memory = re.search(r"largest kernel so far ([\d,]+) MiB", result.stdout)
            if result.returncode == 0:
                figures = headlines(path.stem, read_records(records))
            else:
                figures = [f"FAILED: {(result.stdout + result.stderr).strip()[-300:]}"]
            rows.append({"notebook": path.name, "seconds": seconds, "memory_mib": memory.group(1) if memory else "?", "figures": figures})
            print(f"{path.name}: {seconds:.0f} s, kernel peak {rows[-1]['memory_mib']} MiB", flush=True)
    print("\nSpeed ratios, hand-written against framework (steps 3-5):")
    step3 = backprop()
    ratios = {
        "step 3: vectorized mini-batches vs Nielsen's per-example network.py (speed-up, CPU time, float64)": step3["ratio"],
        "step 3: the same in float32 (speed-up, CPU time)": step3["ratio_float32"],
    }
    three = three_ways()
    ratios["step 4: Keras fit vs NumPy by hand (time per epoch, Keras / NumPy)"] = (
        three["Keras compile/fit"]["seconds_per_epoch"] / three["NumPy by hand (step 3)"]["seconds_per_epoch"]
    )
    conv = convolution()
    ratios["step 5: NumPy im2col convolution vs tf.nn.conv2d (time, NumPy / TensorFlow)"] = conv["conv_ratio"]
    total = sum(row["seconds"] for row in rows)
    lines = ["| notebook | wall time | kernel peak memory | headline figures |", "|---|---|---|---|"]
    lines += [f"| {r['notebook']} | {r['seconds']:.0f} s | {r['memory_mib']} MiB | {'<br>'.join(r['figures'])} |" for r in rows]
    lines += [f"| **all seven** | **{total / 60:.1f} min** | | |", "", "| speed ratio | measured |", "|---|---|"]
    lines += [f"| {name} | {value:.1f}x |" for name, value in ratios.items()]
    table = "\n".join(lines)
    output = Path(output) if output else ROOT / "artifacts" / "benchmark.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(table + "\n", encoding="utf-8")
    print(f"\n{table}\n\n(written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output})")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark", description="Measure the course's headline figures.")
    parser.add_argument(
        "name",
        choices=["backprop", "three-ways", "conv", "course"],
        help="backprop: step 3's Nielsen per-example algorithm against the vectorized network; "
        "three-ways: step 4's NumPy, TensorFlow and Keras (sizes from DL7_PROFILE); "
        "conv: step 5's NumPy convolution and pooling against TensorFlow's; "
        "course: every notebook, timed, with its headline figures",
    )
    parser.add_argument("--repeats", type=int, default=2, help="timed epochs per implementation (the best counts)")
    args = parser.parse_args(argv)
    if args.name == "backprop":
        backprop(repeats=args.repeats)
    elif args.name == "three-ways":
        three_ways()
    elif args.name == "conv":
        convolution()
    else:
        rows = course()
        return 1 if any(row["figures"][0].startswith("FAILED") for row in rows) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
