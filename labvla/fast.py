"""FAST action tokenizer: DCT-compressed action chunks, quantized and byte-pair encoded.

A chunk [T, D] of normalized actions is transformed per dimension with an orthonormal DCT-II over time,
scaled and rounded, flattened frequency-first (all dimensions' lowest frequency first, so truncation
loses detail before it loses the gist), then compressed by BPE fitted on the dataset's chunks. Integers
become characters of one contiguous Unicode block so `tokenizers` can run BPE on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # tokenizers is imported where it is used (it is only needed once fitting starts)
    from tokenizers import Tokenizer

_CHAR_BASE = 0x4E00  # CJK block: 20k non-whitespace code points, one per quantized value


def dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix C ([n, n]); C @ x transforms along time, C.T inverts."""
    k = np.arange(n)[:, None]
    t = np.arange(n)[None, :]
    c = np.cos(np.pi * (t + 0.5) * k / n) * np.sqrt(2.0 / n)
    c[0] /= np.sqrt(2.0)
    return c


@dataclass
class FastDecoding:
    """Result of decoding: `ok` is False for malformed sequences (wrong length, unknown ids)."""

    actions: np.ndarray
    ok: bool
    error: str = ""


class FastTokenizer:
    """Fit on chunks, encode chunks to token ids, decode ids back to chunks; saved as one JSON file."""

    def __init__(self, scale: float = 10.0, vocab_size: int = 1024) -> None:
        self.scale = scale
        self.target_vocab_size = vocab_size
        self.min_value = 0
        self.max_value = 0
        self._bpe: Tokenizer | None = None

    # ---- quantization ----------------------------------------------------------------------------
    def quantize(self, chunk: np.ndarray) -> np.ndarray:
        """[T, D] -> integers [T*D], frequency-major."""
        coeffs = dct_matrix(len(chunk)) @ chunk.astype(np.float64)
        return np.rint(coeffs * self.scale).astype(np.int64).ravel()

    def dequantize(self, values: np.ndarray, horizon: int, dims: int) -> np.ndarray:
        coeffs = values.reshape(horizon, dims).astype(np.float64) / self.scale
        return (dct_matrix(horizon).T @ coeffs).astype(np.float32)

    def _to_text(self, values: np.ndarray) -> str:
        clipped = np.clip(values, self.min_value, self.max_value) - self.min_value
        return "".join(chr(_CHAR_BASE + int(v)) for v in clipped)

    # ---- BPE ---------------------------------------------------------------------------------------
    def fit(self, chunks: Iterable[np.ndarray]) -> FastTokenizer:
        """Fit the BPE on quantized chunks (each [T, D]; D may differ between robots)."""
        from tokenizers import Tokenizer, models, trainers

        quantized = [self.quantize(c) for c in chunks]
        if not quantized:
            raise ValueError("FAST needs at least one action chunk to fit")
        self.min_value = int(min(q.min() for q in quantized))
        self.max_value = int(max(q.max() for q in quantized))
        alphabet = [chr(_CHAR_BASE + v) for v in range(self.max_value - self.min_value + 1)]
        if len(alphabet) > self.target_vocab_size:
            raise ValueError(
                f"quantized range {len(alphabet)} exceeds vocabulary {self.target_vocab_size}: lower the scale"
            )
        bpe = Tokenizer(models.BPE())
        trainer = trainers.BpeTrainer(
            vocab_size=self.target_vocab_size,
            min_frequency=2,
            initial_alphabet=alphabet,
            special_tokens=[],
            show_progress=False,
            max_token_length=None,
        )
        bpe.train_from_iterator((self._to_text(q) for q in quantized), trainer=trainer)
        self._bpe = bpe
        return self

    @property
    def vocab_size(self) -> int:
        return self._require().get_vocab_size()

    def _require(self) -> Tokenizer:
        if self._bpe is None:
            raise RuntimeError("FAST tokenizer is not fitted; call fit() or load()")
        return self._bpe

    def token_lengths(self) -> np.ndarray:
        """Coefficients each token id stands for (its character count); constrained decoding uses it to
        emit exactly horizon x dims coefficients."""
        bpe = self._require()
        # An id without a token (none in a fitted BPE) stands for no coefficient: never chosen.
        return np.array([len(bpe.id_to_token(i) or "") for i in range(bpe.get_vocab_size())], np.int64)

    def encode(self, chunk: np.ndarray) -> list[int]:
        return self._require().encode(self._to_text(self.quantize(chunk))).ids

    def decode(self, ids: Iterable[int], horizon: int, dims: int) -> FastDecoding:
        """Invert BPE, reshape to (horizon, dims), inverse DCT; malformed input is reported, not raised."""
        bpe = self._require()
        ids = [int(i) for i in ids]
        zeros = np.zeros((horizon, dims), np.float32)
        if any(i < 0 or i >= bpe.get_vocab_size() for i in ids):
            return FastDecoding(zeros, False, "token id outside the FAST vocabulary")
        pieces: list[str] = []
        for i in ids:
            token = bpe.id_to_token(i)
            if token is None:
                return FastDecoding(zeros, False, f"token id {i} has no token")
            pieces.append(token)
        text = "".join(pieces)
        values = np.array([ord(ch) - _CHAR_BASE for ch in text], dtype=np.int64) + self.min_value
        if len(values) != horizon * dims:
            return FastDecoding(zeros, False, f"{len(values)} coefficients, expected {horizon}x{dims}")
        return FastDecoding(self.dequantize(values, horizon, dims), True)

    # ---- persistence -----------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "scale": self.scale,
                "vocab_size": self.target_vocab_size,
                "min_value": self.min_value,
                "max_value": self.max_value,
                "bpe": json.loads(self._require().to_str()),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> FastTokenizer:
        from tokenizers import Tokenizer

        data = json.loads(text)
        tok = cls(scale=data["scale"], vocab_size=data["vocab_size"])
        tok.min_value, tok.max_value = data["min_value"], data["max_value"]
        tok._bpe = Tokenizer.from_str(json.dumps(data["bpe"]))
        return tok

    def save(self, path: str | Path) -> None:
        """Plain write: checkpoints are assembled in a temporary folder that is renamed as a whole."""
        Path(path).write_text(self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> FastTokenizer:
        return cls.from_json(Path(path).read_text())
