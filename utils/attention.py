"""Attention written from scratch in NumPy: scaled dot-product attention, multi-head attention on the
weights of Keras' ``MultiHeadAttention`` layer, and a (pre-norm) transformer block.

Taught in step 7 (``notebooks/07_further_topics.ipynb``), section 7 ("Attention: what replaced
recurrence"), where the learner writes the first three as the labs ``scaled_dot_product_attention``,
``multi_head_attention`` and ``transformer_block`` (``utils/exercises/step07.py`` checks them against
Keras' layers given the same weights), and these tested versions take over until theirs pass. Each uses
only names the notebook has by then (``np``, and the function of the lab before it), so that it can be
pasted into its stub cell as it is. One example per row: a sequence is (batch, positions, features).

The conventions are Keras' (``keras.layers.MultiHeadAttention``):

- a mask holds 1 (True) where a query may look at a key and 0 (False) where it may not, shape
  (batch, queries, keys); a causal mask lets position i see positions 0..i (``causal_mask``);
- the layer's weights are ``[Wq, bq, Wk, bk, Wv, bv, Wo, bo]`` with one slice per head in the middle axis:
  Wq (width, heads, key_dim), bq (heads, key_dim), the same for Wk and bk, Wv (width, heads, value_dim),
  bv (heads, value_dim), and Wo (heads, value_dim, width), bo (width,).

The framework side (the same block assembled from Keras layers, the small language model trained in
the notebook) is ``utils.transformer``.
"""

from __future__ import annotations

import numpy as np

from utils.checks import ArgumentTypeError, arguments, array, fail, optional, positive, positive_integer


def _mask_fits(function: str, mask, scores: tuple[int, ...]) -> None:
    """A mask (or None) that broadcasts to the scores' shape (batch, n_q, n_k) without changing it."""
    if mask is None:
        return
    try:
        fits = np.broadcast_shapes(np.shape(mask), scores) == scores
    except ValueError:
        fits = False
    if not fits:
        fail(function, "mask", mask, f"does not fit the scores, {scores}", f"give a mask of shape {scores} (queries by keys), or None")


def _qkv(function: str, values: dict) -> None:
    """For scaled_dot_product_attention: queries and keys of one width d_k, as many values as keys, a mask that fits."""
    q, k, v = (np.shape(values[name]) for name in "qkv")
    if k[-1] != q[-1]:
        fail(function, "k", values["k"], f"has keys of width {k[-1]}, not the queries' {q[-1]}", f"give keys of width d_k = {q[-1]}")
    if v[-2] != k[-2]:
        fail(function, "v", values["v"], f"has {v[-2]} values for {k[-2]} keys", "give one value for each key")
    _mask_fits(function, values["mask"], (*np.broadcast_shapes(q[:-2], k[:-2]), q[-2], k[-2]))


def _projections(function: str, values: dict) -> None:
    """For multi_head_attention: a MultiHeadAttention layer's eight weights, fitting the query's and value's widths."""
    weights = values["weights"]
    if not isinstance(weights, (list, tuple)) or len(weights) != 8:
        fail(
            function,
            "weights",
            weights,
            "is not a MultiHeadAttention layer's weights",
            "give layer.get_weights(): [Wq, bq, Wk, bk, Wv, bv, Wo, bo]",
        )
    Wq, bq, Wk, bk, Wv, bv, Wo, bo = (np.shape(w) for w in weights)
    query, value = np.shape(values["query"]), np.shape(values["value"])
    if len(Wq) != 3 or Wq[0] != query[-1]:
        fail(function, "query", values["query"], f"has width {query[-1]}, but Wq is {Wq}", f"give queries of width {Wq[0] if Wq else '?'}")
    if len(Wk) != 3 or Wk[0] != value[-1] or len(Wv) != 3 or Wv[0] != value[-1]:
        fail(
            function,
            "value",
            values["value"],
            f"has width {value[-1]}, but Wk is {Wk} and Wv {Wv}",
            "give values as wide as Wk's first axis",
        )
    _mask_fits(function, values["mask"], (query[0], query[-2], value[-2]))


def _block(function: str, values: dict) -> None:
    """For transformer_block: the parameters of the block's layers, a mask that fits."""
    params, (batch, n, _) = values["params"], np.shape(values["x"])
    if not isinstance(params, dict) or any(name not in params for name in ("norm1", "norm2", "attention", "feed_forward")):
        fail(
            function,
            "params",
            params,
            "is not the block's parameters",
            'give a dict with "norm1", "norm2", "attention" and "feed_forward"',
            ArgumentTypeError,
        )
    _mask_fits(function, values["mask"], (batch, n, n))


_sequences = array(ndim=3)
_attention_inputs = array(ndim=(2, 3, 4))


@arguments(n_queries=positive_integer, n_keys=optional(positive_integer))
def causal_mask(n_queries: int, n_keys: int | None = None) -> np.ndarray:
    """The causal mask, (n_queries, n_keys) of booleans: query i may look at keys 0..i (Keras' ``use_causal_mask=True``)."""
    return np.tril(np.ones((n_queries, n_queries if n_keys is None else n_keys), dtype=bool))


@arguments(_qkv, q=_attention_inputs, k=_attention_inputs, v=_attention_inputs, mask=optional(array()))
def scaled_dot_product_attention(q, k, v, mask=None):
    """Scaled dot-product attention (Vaswani and others, 2017): each query's output is an average of the values,
    weighted by softmax(q kᵀ / √d_k) over the keys. Returns (output, weights).

    q (batch, n_q, d_k), k (batch, n_k, d_k), v (batch, n_k, d_v); mask (batch, n_q, n_k) of 1 (True) where a query
    may look at a key and 0 (False) where it may not, or None: every query sees every key (each query must be
    allowed at least one key). -> output (batch, n_q, d_v), weights (batch, n_q, n_k) whose rows sum to 1.
    Section 7 of step 7; the solution of lab ``scaled_dot_product_attention``.
    """
    d_k = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k)  # (batch, n_q, n_k): how well each query matches each key
    if mask is not None:
        scores = np.where(mask, scores, -1e9)  # a key the query may not see: a score so low its weight is 0
    scores = scores - scores.max(axis=-1, keepdims=True)  # the softmax is unchanged, and exp cannot overflow
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)  # softmax over the keys: each row sums to 1
    return weights @ v, weights


@arguments(_projections, query=_sequences, value=_sequences, mask=optional(array()))
def multi_head_attention(query, value, weights, mask=None):
    """Multi-head attention from the weights of keras.layers.MultiHeadAttention, with the keys taken from
    ``value`` (Keras' default): query (batch, n_q, width), value (batch, n_k, width_v) -> (batch, n_q, width_out).

    weights: the layer's get_weights(), [Wq, bq, Wk, bk, Wv, bv, Wo, bo]: Wq (width, heads, key_dim),
    bq (heads, key_dim), Wk (width_v, heads, key_dim), bk (heads, key_dim), Wv (width_v, heads, value_dim),
    bv (heads, value_dim), Wo (heads, value_dim, width_out), bo (width_out,). mask (batch, n_q, n_k) or None, as
    for scaled_dot_product_attention (which it calls for each head). Section 7 of step 7; the solution of lab
    ``multi_head_attention``.
    """
    Wq, bq, Wk, bk, Wv, bv, Wo, bo = weights
    outputs = []
    for head in range(Wq.shape[1]):  # each head: its own projections of the queries, keys and values
        q = query @ Wq[:, head] + bq[head]  # (batch, n_q, key_dim)
        k = value @ Wk[:, head] + bk[head]  # (batch, n_k, key_dim)
        v = value @ Wv[:, head] + bv[head]  # (batch, n_k, value_dim)
        output, _ = scaled_dot_product_attention(q, k, v, mask)
        outputs.append(output)
    concatenated = np.concatenate(outputs, axis=-1)  # (batch, n_q, heads * value_dim): head after head
    return concatenated @ Wo.reshape(-1, Wo.shape[-1]) + bo  # Wo's rows flattened in the same order


@arguments(_block, x=_sequences, mask=optional(array()), epsilon=positive)
def transformer_block(x, params, mask=None, epsilon=1e-3):
    """One pre-norm transformer block (as in GPT-2): x + attention(norm(x)), then that plus a feed-forward
    network of it, normalised again. x (batch, n, width) -> (batch, n, width).

    params: the weights of the block's Keras layers, a dict with "norm1" and "norm2": (gamma, beta), each (width,);
    "attention": a MultiHeadAttention layer's weights (as for multi_head_attention, which it calls); "feed_forward":
    (W1 (width, hidden), b1 (hidden,), W2 (hidden, width), b2 (width,)), with a ReLU between. mask (batch, n, n) or
    None. epsilon: the layer normalisations' (Keras' default). Section 7 of step 7; the solution of lab
    ``transformer_block``.
    """

    def layer_norm(x, gamma, beta):  # each position's features: mean 0 and variance 1, then scaled and shifted
        mean = x.mean(axis=-1, keepdims=True)
        variance = x.var(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta

    h = layer_norm(x, *params["norm1"])
    x = x + multi_head_attention(h, h, params["attention"], mask)  # a residual connection round the attention
    h = layer_norm(x, *params["norm2"])
    W1, b1, W2, b2 = params["feed_forward"]
    return x + np.maximum(0, h @ W1 + b1) @ W2 + b2  # and round the feed-forward part
