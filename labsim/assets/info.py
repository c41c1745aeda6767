"""What the simulator needs to know about a built asset: its named bodies, joints and sites."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from labdata.wells import WellGrid


class AssetInfo(BaseModel):
    """Names inside the compiled model (all prefixed by the labware name) plus shape facts."""

    model_config = ConfigDict(frozen=True)
    name: str
    type: str
    shape: str
    affordances: frozenset[str]
    body: str
    free: bool = Field(description="Has a free joint (can be picked up).")
    height_m: float
    top_z_m: float = Field(description="Height of the top surface (or rim) above the origin.")
    half_xy: tuple[float, float]
    inner_radius_m: float = 0.0
    capacity_ul: float = 0.0
    ul_per_particle: float = 0.0
    particles: list[str] = Field(default_factory=list)
    door_joint: str | None = None
    drawer_joint: str | None = None
    button_joint: str | None = None
    button_travel_m: float = 0.0
    handle_site: str | None = None
    platform_joint: str | None = None
    wells: WellGrid | None = Field(
        None, description="The catalog's grid; well openings lie at `top_z_m` above the origin."
    )
    tip_geoms: dict[str, str] = Field(default_factory=dict, description="rack well -> tip geom")
    tip_site: str | None = Field(None, description="Pipette: end of the attached tip.")
    pipette_tip_geom: str | None = None
    grip_site: str | None = Field(None, description="Pipette: where a parallel gripper holds it.")
    rod_tip_site: str | None = None

    @property
    def is_container(self) -> bool:
        return self.inner_radius_m > 0.0
