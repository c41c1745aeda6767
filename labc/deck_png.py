"""Draw the deck to scale as a PNG with pillow: the bench, the robot, every site's outline and what
stands on it. Seen from above as in `labc deck`'s text map: the back at the top, the robot's left on
the left (world +x up, +y left)."""

from __future__ import annotations

import io
from typing import Any

PX_PER_M = 500
MARGIN_PX = 40
COLOURS = {"slot": (70, 110, 190), "device": (205, 120, 40), "task": (150, 150, 150)}
OBJECT_FILL = (120, 190, 120)


def draw_deck(bench: list[Any], title: str) -> bytes:
    """PNG bytes of the deck with `bench` (objects with name, x, y, half) standing on it."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        import click

        raise click.ClickException("`--png` needs pillow: pip install 'labc[sim]'") from None
    from labdata.deck import BENCH_CENTER_XY, BENCH_HALF_SIZE, DECK, ROBOT_MOUNT

    x_hi = BENCH_CENTER_XY[0] + BENCH_HALF_SIZE[0]
    y_hi = BENCH_CENTER_XY[1] + BENCH_HALF_SIZE[1]
    width = round(2 * BENCH_HALF_SIZE[1] * PX_PER_M) + 2 * MARGIN_PX
    height = round(2 * BENCH_HALF_SIZE[0] * PX_PER_M) + 2 * MARGIN_PX

    def px(x: float, y: float) -> tuple[float, float]:
        return MARGIN_PX + (y_hi - y) * PX_PER_M, MARGIN_PX + (x_hi - x) * PX_PER_M

    def box(x: float, y: float, half_x: float, half_y: float) -> list[tuple[float, float]]:
        (u0, v0), (u1, v1) = px(x + half_x, y + half_y), px(x - half_x, y - half_y)
        return [(u0, v0), (u1, v1)]

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.rectangle(
        box(*BENCH_CENTER_XY, *BENCH_HALF_SIZE), fill=(238, 232, 220), outline=(90, 80, 70), width=2
    )
    u, v = px(ROBOT_MOUNT[0], ROBOT_MOUNT[1])
    draw.ellipse([u - 45, v - 45, u + 45, v + 45], fill=(60, 60, 60))
    draw.text((u, v), "robot", fill="white", font=font, anchor="mm")
    for site in DECK.values():
        colour = COLOURS[site.group]
        label = site.name.removeprefix("bench/")
        if site.fits is None:
            cu, cv = px(site.x, site.y)
            draw.line([cu - 5, cv, cu + 5, cv], fill=colour, width=2)
            draw.line([cu, cv - 5, cu, cv + 5], fill=colour, width=2)
            draw.text((cu + 7, cv + 2), label, fill=colour, font=font)
            continue
        corners = box(site.x, site.y, site.fits[0] / 2, site.fits[1] / 2)
        draw.rectangle(corners, outline=colour, width=2)
        draw.text((corners[0][0] + 3, corners[0][1] + 2), label, fill=colour, font=font)
    for item in bench:
        corners = box(item.x, item.y, *item.half)
        draw.rectangle(corners, fill=OBJECT_FILL, outline=(30, 90, 30), width=2)
        cu, cv = px(item.x, item.y)
        draw.text((cu, cv), item.name, fill="black", font=font, anchor="mm")
    draw.text((MARGIN_PX, 12), f"{title} (1 m = {PX_PER_M} px; back at the top)", fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
