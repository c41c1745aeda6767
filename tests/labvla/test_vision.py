"""The cpu preset's model pieces on their own: spatial-softmax keypoints, augmentation, camera encoder
shapes, the EMA update, and the expert's state and vision conditioning."""

from __future__ import annotations

import pytest
import torch

from labvla.config import ExpertConfig, VisionConfig, preset_config
from labvla.dit import DiTExpert
from labvla.validation import EMA
from labvla.vision import SpatialSoftmax, VisionEncoder, augment


def test_spatial_softmax_finds_a_bright_spot() -> None:
    """A single hot pixel in a channel's map is where that channel's keypoint lands, in [-1, 1]."""
    maps = torch.zeros(2, 3, 9, 17)
    spots = [(0, 0), (8, 16), (4, 12)]  # (row, column) per channel
    for k, (r, c) in enumerate(spots):
        maps[:, k, r, c] = 50.0
    with torch.no_grad():
        out = SpatialSoftmax()(maps)
    assert out.shape == (2, 6)
    for k, (r, c) in enumerate(spots):
        assert float(out[0, k]) == pytest.approx(-1 + 2 * c / 16, abs=1e-4)  # x first, then y
        assert float(out[0, 3 + k]) == pytest.approx(-1 + 2 * r / 8, abs=1e-4)


def test_spatial_softmax_of_a_flat_map_is_the_centre() -> None:
    out = SpatialSoftmax()(torch.full((1, 4, 8, 8), 3.0))
    assert torch.allclose(out, torch.zeros(1, 8), atol=1e-6)


def test_augment_is_deterministic_under_a_seed_and_varies_without_one() -> None:
    images = torch.rand(6, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    cfg = VisionConfig(shift=3, color=0.3)
    a = augment(images, cfg, torch.Generator().manual_seed(7))
    b = augment(images, cfg, torch.Generator().manual_seed(7))
    c = augment(images, cfg, torch.Generator().manual_seed(8))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert a.shape == images.shape and float(a.min()) >= 0 and float(a.max()) <= 1


def test_augment_shift_only_moves_pixels() -> None:
    """With colour jitter off, every output image is a shifted crop of its replicate-padded input."""
    images = torch.rand(4, 3, 12, 12, generator=torch.Generator().manual_seed(1))
    out = augment(images, VisionConfig(shift=2, color=0.0), torch.Generator().manual_seed(3))
    padded = torch.nn.functional.pad(images, (2, 2, 2, 2), mode="replicate")
    for i in range(4):
        crops = [padded[i, :, y : y + 12, x : x + 12] for y in range(5) for x in range(5)]
        assert any(torch.equal(out[i], crop) for crop in crops)
    assert torch.equal(augment(images, VisionConfig(shift=0, color=0.0), torch.Generator()), images)


def test_cpu_preset_augmentation_leaves_every_object_where_it_is() -> None:
    """Spatial-softmax keypoints are image coordinates, so a pixel shift tells the expert that one
    scene asks for actions a shift apart: with the old 4 px shift at 64 px the cpu preset could not fit
    even 5 training episodes (docs/results.md, "the shift that blurred the eyes"). Its augmentation may
    recolour the scene; the brightest spot must stay on its pixel."""
    cfg = preset_config("cpu").expert.vision
    assert cfg is not None
    images = torch.full((16, 3, 64, 64), 0.2)
    spots = [(5 + 3 * i, 60 - 3 * i) for i in range(16)]
    for i, (r, c) in enumerate(spots):
        images[i, :, r, c] = 0.9
    out = augment(images, cfg, torch.Generator().manual_seed(0))
    assert not torch.equal(out, images)  # it does augment (colour)
    for i, (r, c) in enumerate(spots):
        flat = int(out[i].sum(0).argmax())
        assert divmod(flat, 64) == (r, c)


def test_hue_turn_keeps_greys_and_brightness_and_changes_colours() -> None:
    """The hue augmentation recolours objects (held-out hues) without making the scene darker."""
    from labvla.vision import _YIQ

    grey = torch.full((3, 3, 4, 4), 0.4)
    cfg = VisionConfig(shift=0, color=0.0, hue=0.5)
    assert torch.allclose(augment(grey, cfg, torch.Generator().manual_seed(0)), grey, atol=1e-5)
    red = torch.zeros(8, 3, 4, 4)
    red[:, 0] = 0.55  # a muted red: every turn of it stays inside [0, 1], so no clamp moves the luma
    red[:, 1:] = 0.35
    out = augment(red, cfg, torch.Generator().manual_seed(1))
    luma = torch.einsum("j,njhw->nhw", _YIQ[0], out)
    assert torch.allclose(luma, torch.einsum("j,njhw->nhw", _YIQ[0], red), atol=1e-5)
    assert float((out - red).abs().amax()) > 0.1  # some draws turned red into another colour


def test_zoom_and_turn_warp_the_image_and_keep_its_centre() -> None:
    """Zoom and turn pivot about the image centre: a centred blob stays centred (shift off)."""
    images = torch.zeros(4, 3, 33, 33)
    images[:, :, 14:19, 14:19] = 1.0
    cfg = VisionConfig(shift=0, color=0.0, zoom=0.2, turn_deg=20.0)
    out = augment(images, cfg, torch.Generator().manual_seed(2))
    assert not torch.equal(out, images)
    ys, xs = torch.meshgrid(torch.arange(33.0), torch.arange(33.0), indexing="ij")
    mass = out[:, 0].sum((1, 2))
    assert torch.allclose((out[:, 0] * xs).sum((1, 2)) / mass, torch.full((4,), 16.0), atol=0.3)
    assert torch.allclose((out[:, 0] * ys).sum((1, 2)) / mass, torch.full((4,), 16.0), atol=0.3)


def test_vision_encoder_shapes_and_training_only_augmentation() -> None:
    torch.manual_seed(0)
    enc = VisionEncoder(VisionConfig(channels=[8, 8], keypoints=5), cameras=3, width=24)
    images = torch.randint(0, 256, (2, 3, 3, 32, 32), dtype=torch.uint8)
    tokens, pooled = enc(images)
    assert tokens.shape == (2, 3, 24) and pooled.shape == (2, 24)
    assert torch.equal(enc(images)[0], tokens)  # no generator: no augmentation, deterministic
    augmented, _ = enc(images, torch.Generator().manual_seed(0))
    assert not torch.allclose(augmented, tokens)


def test_ema_update_follows_the_ramped_decay_and_swap_restores() -> None:
    layer = torch.nn.Linear(2, 2)
    ema = EMA(layer, decay=0.9)
    start = layer.weight.detach().clone()
    with torch.no_grad():
        layer.weight.add_(1.0)
    ema.update(layer, step=0)  # decay min(0.9, 1/10) = 0.1: the average moves 90% of the way
    assert torch.allclose(ema.shadow["weight"], start + 0.9)
    ema.update(layer, step=1000)  # decay 0.9 now
    assert torch.allclose(ema.shadow["weight"], start + 0.9 + 0.1 * 0.1)
    trained = layer.weight.detach().clone()
    ema.swap(layer)
    assert torch.allclose(layer.weight, start + 0.91)
    ema.swap(layer)
    assert torch.equal(layer.weight, trained)


def _expert(**kw) -> DiTExpert:
    torch.manual_seed(0)
    cfg = ExpertConfig(layers=2, heads=2, head_dim=8, **kw)
    return DiTExpert(cfg, ctx_dim=12, chunk=4, pad_dim=6, num_embodiments=2, cameras=2)


def _inputs(b: int = 3) -> dict:
    g = torch.Generator().manual_seed(0)
    return {
        "x_t": torch.randn(b, 4, 6, generator=g),
        "t": torch.rand(b, generator=g),
        "state": torch.randn(b, 6, generator=g),
        "embodiment": torch.tensor([0, 1, 0][:b]),
        "ctx": torch.randn(b, 5, 12, generator=g),
        "ctx_mask": torch.ones(b, 5, dtype=torch.bool),
    }


def test_expert_with_its_own_eyes_needs_images_and_sees_them() -> None:
    expert = _expert(condition_state=True, vision=VisionConfig(channels=[4, 4], keypoints=3))
    for p in expert.parameters():  # leave adaLN-zero's identity start, so conditioning shows
        torch.nn.init.normal_(p, std=0.1)
    with pytest.raises(ValueError, match="images"):
        expert.see(None)
    images = torch.randint(0, 256, (3, 2, 3, 16, 16), dtype=torch.uint8)
    inputs = _inputs()
    v = expert(**inputs, seen=expert.see(images))
    assert v.shape == (3, 4, 6)
    other = expert(**inputs, seen=expert.see(images.flip(-1)))
    assert not torch.allclose(v, other)  # what the cameras show changes the velocity


def test_flow_samples_equal_a_batch_of_repeated_frames(datasets, tmp_path) -> None:
    """k (noise, time) draws per frame are exactly the loss of each frame repeated k times in the batch:
    the backbone and the cameras run once, the expert on every draw."""
    from labvla.checkpoint import load_checkpoint
    from labvla.data.lerobot import LeRobotDataset
    from labvla.data.samples import FrameIndex
    from labvla.train import TrainOptions, train

    opts = TrainOptions(
        data=datasets, out=tmp_path, stage="flow", preset="cpu", image_size=32, steps=1, batch=2,
        val_fraction=0.0, progress=False,
    )  # fmt: skip
    loaded = load_checkpoint(train(opts).checkpoint)
    model, builder = loaded.model, loaded.builder()
    index = FrameIndex([LeRobotDataset(p) for p in datasets], loaded.config.chunk)
    samples = [builder.sample(*index.raw(k)) for k in (0, 5)]
    assert model.config.flow_samples == 4
    model.eval()  # no augmentation: the cameras see the same images either way
    with torch.no_grad():
        drawn = model(builder.collate(samples), torch.Generator().manual_seed(3))["flow_mse"]
        model.config.flow_samples = 1
        repeated = builder.collate([s for s in samples for _ in range(4)])
        plain = model(repeated, torch.Generator().manual_seed(3))["flow_mse"]
    assert torch.allclose(drawn, plain, atol=1e-6)


@pytest.mark.slow
def test_cpu_preset_learns_a_tiny_dataset(datasets, tmp_path) -> None:
    """A few dozen steps of the cpu preset (its CNN eyes, EMA and 4 draws per frame) lower the flow loss."""
    from labvla.train import TrainOptions, train

    opts = TrainOptions(
        data=datasets, out=tmp_path, stage="flow", preset="cpu", image_size=32, steps=40, batch=4,
        lr_expert=1e-3, lr_backbone=1e-3, val_fraction=0.0, progress=False,
    )  # fmt: skip
    losses = train(opts).losses
    assert sum(losses[-8:]) / 8 < 0.7 * sum(losses[:8]) / 8
