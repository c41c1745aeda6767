"""Building the Qwen3-VL backbone for a preset, with FAST tokens appended to its vocabulary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from labvla.config import LabVLAConfig, tiny_backbone_config
from labvla.prompt import ImageGeometry, SpecialIds, qwen_image_geometry

if TYPE_CHECKING:  # transformers is imported by the functions that build (it costs seconds)
    from transformers import Qwen3VLForConditionalGeneration, Qwen3VLTextConfig

QWEN_FILES = ("config.json", "tokenizer.json")


def check_qwen_folder(path: str | None) -> Path:
    """The local Qwen3-VL-4B-Instruct folder, or a clear error saying what is missing."""
    if not path:
        raise FileNotFoundError(
            "the qwen3-vl-4b preset loads Qwen3-VL-4B-Instruct from a local folder: pass its path "
            "(no model hub is used)"
        )
    folder = Path(path)
    missing = [f for f in QWEN_FILES if not (folder / f).exists()]
    if not folder.is_dir() or missing:
        raise FileNotFoundError(
            f"{folder} is not a local Qwen3-VL-4B-Instruct folder (missing: {', '.join(missing) or 'folder'})"
        )
    return folder


def text_config(backbone: Qwen3VLForConditionalGeneration) -> Qwen3VLTextConfig:
    """The language model's config. Qwen3VLConfig declares it as a dict, a config or None (what its
    constructor accepts); a built model always holds the config object, and this says so to a reader
    and to mypy."""
    from transformers import Qwen3VLTextConfig

    text = backbone.config.text_config
    if not isinstance(text, Qwen3VLTextConfig):
        raise TypeError(f"the backbone's text_config is a {type(text).__name__}, not a Qwen3VLTextConfig")
    return text


def build_backbone(
    config: LabVLAConfig, text_vocab: int, special: SpecialIds, *, pretrained: bool = True
) -> Qwen3VLForConditionalGeneration:
    """Random tiny Qwen3-VL, or the local 4B weights; either way FAST ids start at `config.fast_offset`.

    `config.backbone` is filled on first build so a checkpoint can rebuild the same architecture.
    """
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    ids = {
        "image_token_id": special.image,
        "vision_start_token_id": special.vision_start,
        "vision_end_token_id": special.vision_end,
    }
    if config.tiny_backbone:
        if not config.backbone:
            config.fast_offset = text_vocab
            config.backbone = {**tiny_backbone_config(text_vocab + config.fast_vocab), **ids}
        return Qwen3VLForConditionalGeneration(Qwen3VLConfig(**config.backbone))
    folder = check_qwen_folder(config.backbone_path)
    if pretrained:
        model = Qwen3VLForConditionalGeneration.from_pretrained(
            str(folder), local_files_only=True, dtype="auto"
        )
    else:
        qcfg = Qwen3VLConfig.from_pretrained(str(folder), local_files_only=True)
        model = Qwen3VLForConditionalGeneration(qcfg)
    if not config.backbone:
        config.fast_offset = text_config(model).vocab_size
        config.backbone = {"name_or_path": str(folder)}
    model.resize_token_embeddings(config.fast_offset + config.fast_vocab)
    return model


def image_geometry(config: LabVLAConfig) -> ImageGeometry:
    if config.tiny_backbone:
        vision = tiny_backbone_config(0)["vision_config"]
        return ImageGeometry(
            size=config.image_size,
            patch=vision["patch_size"],
            merge=vision["spatial_merge_size"],
            temporal=vision["temporal_patch_size"],
            mean=config.image_mean,
            std=config.image_std,
        )
    return qwen_image_geometry(check_qwen_folder(config.backbone_path), config.image_size)
