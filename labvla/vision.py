"""The action expert's own eyes: a small CNN per camera ending in spatial-softmax keypoints.

A random ViT block on 64 px images gives the expert nothing it can use in a CPU-sized training run; a
few convolutions trained from scratch by the flow loss, reduced to the expected image coordinates of
each feature channel (spatial softmax, as in deep visuomotor policies), learn where the gripper and the
object are from a few thousand frames. Training images get brightness, contrast and tint jitter per
image, aimed at the bench's lighting axis. Shift, zoom, turn and hue turns exist (`VisionConfig`) but
are off in the presets: anything that moves pixels moves the keypoints, and a 4 px shift kept the cpu
preset from fitting its own training episodes (docs/results.md). The
backbone keeps its own Qwen3-VL vision tower; these features only condition the expert.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from labvla.config import VisionConfig

# RGB -> YIQ: a turn of the (I, Q) plane about the luma axis Y turns every pixel's hue and keeps its
# brightness, one 3 x 3 matrix per image.
_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])


def _uniform(n: int, amplitude: float, generator: torch.Generator) -> torch.Tensor:
    return (torch.rand(n, generator=generator) * 2 - 1) * amplitude


def _warp(images: torch.Tensor, cfg: VisionConfig, generator: torch.Generator) -> torch.Tensor:
    """Shift, zoom and turn each image (border pixels extend past the edge), like a camera that moved."""
    n, _, h, w = images.shape
    scale = 1 + _uniform(n, cfg.zoom, generator)
    angle = torch.deg2rad(_uniform(n, cfg.turn_deg, generator))
    tx, ty = _uniform(n, 2 * cfg.shift / w, generator), _uniform(n, 2 * cfg.shift / h, generator)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta.to(images), list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, padding_mode="border", align_corners=False)


def _turn_hue(images: torch.Tensor, amplitude: float, generator: torch.Generator) -> torch.Tensor:
    angle = _uniform(images.shape[0], amplitude * 2 * torch.pi, generator)
    turn = torch.zeros(len(angle), 3, 3)
    turn[:, 0, 0] = 1
    turn[:, 1, 1], turn[:, 1, 2] = torch.cos(angle), -torch.sin(angle)
    turn[:, 2, 1], turn[:, 2, 2] = torch.sin(angle), torch.cos(angle)
    matrix = (torch.linalg.inv(_YIQ) @ turn @ _YIQ).to(images)
    return torch.einsum("nij,njhw->nihw", matrix, images)


def augment(images: torch.Tensor, cfg: VisionConfig, generator: torch.Generator) -> torch.Tensor:
    """Random shift by up to `cfg.shift` pixels (replicate padding) and colour jitter, per image; with
    `zoom` or `turn_deg`, shift, zoom and turn in one warp; with `hue`, a hue turn.

    `images` is float [N, 3, H, W] in [0, 1]; every draw comes from `generator`, so a seeded step
    augments the same way when replayed (exact resume)."""
    n, _, h, w = images.shape
    if cfg.zoom > 0 or cfg.turn_deg > 0:
        images = _warp(images, cfg, generator)
    elif cfg.shift > 0:
        s = cfg.shift
        padded = F.pad(images, (s, s, s, s), mode="replicate")
        dx = torch.randint(0, 2 * s + 1, (n,), generator=generator).tolist()
        dy = torch.randint(0, 2 * s + 1, (n,), generator=generator).tolist()
        images = torch.stack(
            [padded[i, :, y : y + h, x : x + w] for i, (x, y) in enumerate(zip(dx, dy, strict=True))]
        )
    if cfg.color > 0:
        dev = images.device
        bright = ((torch.rand(n, 1, 1, 1, generator=generator) * 2 - 1) * cfg.color).to(dev)
        contrast = (1 + (torch.rand(n, 1, 1, 1, generator=generator) * 2 - 1) * cfg.color).to(dev)
        tint = (1 + (torch.rand(n, 3, 1, 1, generator=generator) * 2 - 1) * cfg.color / 2).to(dev)
        mean = images.mean(dim=(1, 2, 3), keepdim=True)
        images = ((images - mean) * contrast + mean + bright) * tint
    if cfg.hue > 0:
        images = _turn_hue(images.clamp(0, 1), cfg.hue, generator)
    return images.clamp(0, 1)


class SpatialSoftmax(nn.Module):
    """[N, K, H, W] feature maps -> [N, 2K] expected (x, y) of each channel in [-1, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.log_temperature = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, k, h, w = x.shape
        attn = torch.softmax(x.flatten(2) / self.log_temperature.exp(), dim=-1).view(n, k, h, w)
        ys = torch.linspace(-1, 1, h, device=x.device, dtype=x.dtype)
        xs = torch.linspace(-1, 1, w, device=x.device, dtype=x.dtype)
        ex = (attn.sum(2) * xs).sum(-1)
        ey = (attn.sum(3) * ys).sum(-1)
        return torch.cat([ex, ey], dim=-1)


class CameraEncoder(nn.Module):
    """Conv stack (stride 2, 2, 1) with GroupNorm, a 1x1 conv to keypoint maps, spatial softmax."""

    def __init__(self, cfg: VisionConfig) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in = 3
        for i, c in enumerate(cfg.channels):
            k, stride = (5, 2) if i == 0 else (3, 2 if i == 1 else 1)
            layers += [nn.Conv2d(c_in, c, k, stride, k // 2), nn.GroupNorm(min(8, c), c), nn.ReLU()]
            c_in = c
        layers.append(nn.Conv2d(c_in, cfg.keypoints, 1))
        self.net = nn.Sequential(*layers)
        self.softmax = SpatialSoftmax()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.softmax(self.net(x))


class VisionEncoder(nn.Module):
    """One `CameraEncoder` per camera -> one token per camera and a pooled conditioning vector."""

    def __init__(self, cfg: VisionConfig, cameras: int, width: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.cameras = nn.ModuleList(CameraEncoder(cfg) for _ in range(cameras))
        self.token = nn.ModuleList(nn.Linear(2 * cfg.keypoints, width) for _ in range(cameras))
        self.pool = nn.Sequential(
            nn.Linear(2 * cfg.keypoints * cameras, width), nn.SiLU(), nn.Linear(width, width)
        )

    def forward(
        self, images: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """`images` uint8 [B, cameras, 3, H, W] -> (tokens [B, cameras, width], pooled [B, width]).

        With a generator (training), images are augmented first."""
        b, c = images.shape[:2]
        x = images.flatten(0, 1).float() / 255.0
        if generator is not None:
            x = augment(x, self.cfg, generator)
        x = x.view(b, c, *x.shape[1:])
        keypoints = [enc(x[:, i]) for i, enc in enumerate(self.cameras)]
        tokens = torch.stack([proj(k) for proj, k in zip(self.token, keypoints, strict=True)], dim=1)
        return tokens, self.pool(torch.cat(keypoints, dim=-1))
