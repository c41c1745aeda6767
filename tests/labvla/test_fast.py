from __future__ import annotations

import numpy as np
import pytest

from labvla.fast import FastTokenizer, dct_matrix


def smooth_chunks(n: int, horizon: int, dims: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, horizon)[:, None]
    return [
        np.clip(
            rng.uniform(0.2, 0.9, (1, dims))
            * np.sin(2 * np.pi * rng.uniform(0.2, 1, (1, dims)) * t + rng.uniform(0, 6, (1, dims))),
            -1,
            1,
        ).astype(np.float32)
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def fitted() -> tuple[FastTokenizer, list[np.ndarray]]:
    chunks = smooth_chunks(200, 16, 8) + smooth_chunks(200, 16, 7, seed=1)
    return FastTokenizer(scale=10.0, vocab_size=1024).fit(chunks), chunks


def test_dct_is_orthonormal() -> None:
    c = dct_matrix(16)
    np.testing.assert_allclose(c @ c.T, np.eye(16), atol=1e-12)


def test_flattening_is_frequency_first() -> None:
    chunk = smooth_chunks(1, 16, 3)[0]
    q = FastTokenizer(scale=10.0).quantize(chunk)
    dc = np.rint(chunk.sum(0) / 4.0 * 10.0)  # orthonormal DC = sum / sqrt(16)
    np.testing.assert_array_equal(q[:3], dc)


def test_round_trip_within_quantization_bound(fitted) -> None:
    tok, chunks = fitted
    bound = np.sqrt(16) * 0.5 / tok.scale  # per-dimension L2 error of rounding, preserved by the DCT
    for chunk in chunks:
        dec = tok.decode(tok.encode(chunk), 16, chunk.shape[1])
        assert dec.ok
        assert np.linalg.norm(dec.actions - chunk, axis=0).max() <= bound + 1e-5


def test_bpe_compresses(fitted) -> None:
    tok, chunks = fitted
    assert 256 < tok.vocab_size <= 1024
    mean_tokens = np.mean([len(tok.encode(c)) for c in chunks])
    assert mean_tokens < 0.5 * 16 * 8


def test_save_load_identity(fitted, tmp_path) -> None:
    tok, chunks = fitted
    tok.save(tmp_path / "fast.json")
    again = FastTokenizer.load(tmp_path / "fast.json")
    assert again.vocab_size == tok.vocab_size
    for chunk in chunks[:50] + chunks[-50:]:
        assert again.encode(chunk) == tok.encode(chunk)


def test_malformed_sequences_are_reported(fitted) -> None:
    tok, chunks = fitted
    ids = tok.encode(chunks[0])
    short = tok.decode(ids[:-1] if len(ids) > 1 else [], 16, 8)
    assert not short.ok and "expected 16x8" in short.error and short.actions.shape == (16, 8)
    bad = tok.decode([tok.vocab_size + 5], 16, 8)
    assert not bad.ok and "outside" in bad.error
    assert not tok.decode(ids, 16, 5).ok  # right tokens, wrong robot width


def test_unfitted_tokenizer_refuses() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        FastTokenizer().encode(np.zeros((4, 2)))
