"""Run videos: one camera's frames with the instruction being executed written over them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from robogenesis.runner.monitors import Monitor

VIDEO_CODEC = "libx264"
BANNER_PX = 14  # height of one caption line at 1x scale
CAPTION_LINES = 2  # fixed, so every frame of a video has the same size


class VideoRecorder(Monitor):
    """Collects frames from one camera; `save` encodes them to MP4 atomically. As a runner monitor it
    keeps the frame after every action, idle wait and hold, captioned with the node's instruction.

    The caption band is drawn above the image (not over it), so the overlay never hides the scene;
    text is wrapped to the frame width."""

    def __init__(self, camera: str, fps: float) -> None:
        self.camera = camera
        self.fps = fps
        self.frames: list[np.ndarray] = []
        self._captions: dict[str, np.ndarray] = {}
        self.instruction = ""

    renders = True

    def begin_node(self, node: Any) -> None:
        self.instruction = node.instruction

    def after_step(self, obs: Any) -> None:
        self(obs, self.instruction)

    def __call__(self, observation: Any, instruction: str) -> None:
        image = observation.images.get(self.camera)
        if image is None:
            return
        band = self._caption(instruction, image.shape[1])
        self.frames.append(np.concatenate([band, image], axis=0))

    def _caption(self, text: str, width: int) -> np.ndarray:
        key = f"{width}:{text}"
        if key not in self._captions:
            self._captions[key] = render_caption(text, width)
        return self._captions[key]

    def save(self, path: Path) -> Path:
        if not self.frames:
            raise ValueError("no frames were recorded")
        import av

        from labinfra.atomic import replace_atomically

        def encode(tmp: Path) -> None:  # the encoder creates the file, so the umask applies
            height, width = self.frames[0].shape[:2]
            with av.open(tmp, "w", format="mp4") as out:
                stream = out.add_stream(VIDEO_CODEC, rate=round(self.fps))
                assert isinstance(stream, av.VideoStream)  # a video codec gives a video stream
                stream.height, stream.width = height - height % 2, width - width % 2
                stream.pix_fmt = "yuv420p"
                for i, img in enumerate(self.frames):
                    img = np.ascontiguousarray(img[: stream.height, : stream.width])
                    frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                    frame.pts = i
                    out.mux(stream.encode(frame))
                out.mux(stream.encode())

        replace_atomically(path, encode, ".mp4")
        return path


def render_caption(text: str, width: int) -> np.ndarray:
    """A dark band with `text` in white, wrapped to `width` pixels (PIL's built-in font)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = max(1, width // 256)
    font = ImageFont.load_default(size=10 * scale) if hasattr(ImageFont, "load_default") else None
    draw = ImageDraw.Draw(Image.new("RGB", (width, 1)))
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width - 4:
            lines[-1] = trial
        else:
            lines.append(word)
    if len(lines) > CAPTION_LINES:
        lines = [*lines[: CAPTION_LINES - 1], " ".join(lines[CAPTION_LINES - 1 :])]
        while len(lines[-1]) > 1 and draw.textlength(lines[-1] + "...", font=font) > width - 4:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "..."
    line_px = BANNER_PX * scale
    height = line_px * CAPTION_LINES + 2
    band = Image.new("RGB", (width, height), (20, 20, 20))
    draw = ImageDraw.Draw(band)
    for i, line in enumerate(lines):
        draw.text((2, 1 + i * line_px), line, fill=(255, 255, 255), font=font)
    return np.asarray(band, dtype=np.uint8)
