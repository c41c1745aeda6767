"""The backbone's input: text tokenizer, image patches and the prompt layout.

Prompt = per camera `<vision_start> <image_pad>*n <vision_end>`, then the node instruction, then the
state discretized into bins as text ("state 12 200 ..."), then an action marker; stage 1 appends the
FAST tokens and an end token. Images are resized and patchified exactly as Qwen3-VL's processor lays
them out (merge-window order, temporal patch duplicated for still images), but by code we control, so
the tiny preset needs nothing from a model hub.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from pydantic import BaseModel

TINY_SPECIALS = [
    "<pad>",
    "<unk>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|action|>",
    "<|eos|>",
]


class SpecialIds(BaseModel):
    pad: int
    vision_start: int
    vision_end: int
    image: int
    action: list[int]
    eos: int


class TextTokenizer:
    """Words to ids: a word-level tokenizer fitted on the instructions (tiny) or Qwen's own (4B)."""

    def __init__(self, encode_fn, vocab_size: int, special: SpecialIds, tiny_json: str | None = None) -> None:
        self._encode = encode_fn
        self.vocab_size = vocab_size
        self.special = special
        self.tiny_json = tiny_json

    def encode(self, text: str) -> list[int]:
        return list(self._encode(text))

    @classmethod
    def fit_tiny(cls, instructions: Iterable[str], state_bins: int) -> TextTokenizer:
        from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

        words = sorted({w for text in instructions for w in _words(text)} | {"state"})
        vocab = {tok: i for i, tok in enumerate(TINY_SPECIALS)}
        for w in [*map(str, range(state_bins)), *words]:
            vocab.setdefault(w, len(vocab))
        tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
        tok.normalizer = normalizers.Lowercase()
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        return cls.from_tiny_json(tok.to_str())

    @classmethod
    def from_tiny_json(cls, text: str) -> TextTokenizer:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_str(text)
        ids = {s: tok.token_to_id(s) for s in TINY_SPECIALS}
        special = SpecialIds(
            pad=ids["<pad>"],
            vision_start=ids["<|vision_start|>"],
            vision_end=ids["<|vision_end|>"],
            image=ids["<|image_pad|>"],
            action=[ids["<|action|>"]],
            eos=ids["<|eos|>"],
        )
        return cls(lambda s: tok.encode(s, add_special_tokens=False).ids, tok.get_vocab_size(), special, text)

    @classmethod
    def from_qwen(cls, path: str | Path) -> TextTokenizer:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)

        def one(token: str) -> int:
            found = tok.convert_tokens_to_ids(token)  # one token in, one id out
            if not isinstance(found, int):
                raise ValueError(f"{path}: the tokenizer maps {token!r} to {found!r}, not one id")
            return found

        special = SpecialIds(
            pad=int(tok.pad_token_id if tok.pad_token_id is not None else one("<|endoftext|>")),
            vision_start=one("<|vision_start|>"),
            vision_end=one("<|vision_end|>"),
            image=one("<|image_pad|>"),
            action=tok("\nAction:", add_special_tokens=False).input_ids,
            eos=one("<|im_end|>"),
        )
        return cls(lambda s: tok(s, add_special_tokens=False).input_ids, len(tok), special)

    def save(self, folder: Path) -> None:
        if self.tiny_json is not None:
            (folder / "text_tokenizer.json").write_text(self.tiny_json)


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def state_text(normalized_state: np.ndarray, bins: int) -> str:
    """pi0.5-style discrete state: each normalized dimension in [-1, 1] as one of `bins` integers."""
    idx = np.clip(np.floor((normalized_state + 1.0) / 2.0 * bins), 0, bins - 1).astype(int)
    return "state " + " ".join(map(str, idx))


class ImageGeometry(BaseModel):
    size: int
    patch: int
    merge: int
    temporal: int
    mean: list[float]
    std: list[float]

    @property
    def tokens_per_image(self) -> int:
        return (self.size // self.patch) ** 2 // self.merge**2


def _resize(images: Sequence[np.ndarray], size: int) -> torch.Tensor:
    """uint8 HxWx3 images -> float [n, 3, size, size] in [0, 1] (antialiased bilinear)."""
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255.0
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return x


def resized(images: Sequence[np.ndarray], size: int) -> torch.Tensor:
    """uint8 HxWx3 images -> uint8 [n, 3, size, size], the same resize as the backbone's."""
    return (_resize(images, size) * 255.0).round().clamp(0, 255).to(torch.uint8)


def patchify(images: Sequence[np.ndarray], geo: ImageGeometry) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 HxWx3 images -> (pixel_values [sum patches, 3*t*p*p], image_grid_thw [n, 3]) for Qwen3-VL."""
    x = _resize(images, geo.size)
    mean = torch.tensor(geo.mean).view(1, 3, 1, 1)
    std = torch.tensor(geo.std).view(1, 3, 1, 1)
    x = (x - mean) / std
    n, c = x.shape[:2]
    g, m, p = geo.size // geo.patch, geo.merge, geo.patch
    x = x.reshape(n, c, g // m, m, p, g // m, m, p).permute(0, 2, 5, 3, 6, 1, 4, 7)
    x = x.unsqueeze(6).expand(-1, -1, -1, -1, -1, -1, geo.temporal, -1, -1)
    pixel_values = x.reshape(n * g * g, c * geo.temporal * p * p)
    grid = torch.tensor([[1, g, g]] * n, dtype=torch.long)
    return pixel_values, grid


def prompt_ids(
    tok: TextTokenizer, n_cameras: int, image_tokens: int, instruction: str, state: str
) -> tuple[list[int], list[int]]:
    """Token ids of the prompt and its modality types (1 = image placeholder, 0 = text)."""
    s = tok.special
    ids: list[int] = []
    for _ in range(n_cameras):
        ids += [s.vision_start, *[s.image] * image_tokens, s.vision_end]
    ids += tok.encode(instruction) + tok.encode(state) + s.action
    types = [1 if i == s.image else 0 for i in ids]
    return ids, types


def load_text_tokenizer(folder: Path, preset: str, backbone_path: str | None) -> TextTokenizer:
    if preset != "qwen3-vl-4b":  # tiny and cpu share the tiny backbone and its word tokenizer
        return TextTokenizer.from_tiny_json((folder / "text_tokenizer.json").read_text())
    if backbone_path is None:
        raise ValueError("the qwen3-vl-4b preset needs the local path of Qwen3-VL-4B-Instruct")
    return TextTokenizer.from_qwen(backbone_path)


def qwen_image_geometry(path: str | Path, size: int) -> ImageGeometry:
    """Image settings of a local Qwen3-VL folder (preprocessor_config.json), at a fixed input size."""
    cfg_path = Path(path) / "preprocessor_config.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    return ImageGeometry(
        size=size,
        patch=cfg.get("patch_size", 16),
        merge=cfg.get("merge_size", 2),
        temporal=cfg.get("temporal_patch_size", 2),
        mean=cfg.get("image_mean", [0.5, 0.5, 0.5]),
        std=cfg.get("image_std", [0.5, 0.5, 0.5]),
    )
