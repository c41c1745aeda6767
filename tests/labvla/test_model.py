"""Knowledge insulation, the loss mask of padded dimensions, and prefix reuse at inference."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labvla.checkpoint import load_checkpoint
from labvla.data.lerobot import LeRobotDataset
from labvla.data.samples import FrameIndex


def flow_setup(stage1, datasets, insulation: bool):
    loaded = load_checkpoint(stage1.checkpoint, stage="flow")
    loaded.model.config.insulation = insulation
    index = FrameIndex([LeRobotDataset(p) for p in datasets], chunk=loaded.config.chunk)
    builder = loaded.builder()
    batch = builder.collate([builder.sample(*index.raw(k)) for k in [0, 5, 30]])
    warm_up_expert(loaded.model, batch)
    return loaded.model, batch


def warm_up_expert(model, batch) -> None:
    """A few expert-only steps: adaLN-zero gates start at 0 and would block every gradient to the context."""
    opt = torch.optim.AdamW(model.expert_parameters(), lr=1e-2)
    for step in range(3):
        opt.zero_grad()
        hidden = model.hidden_states(
            batch.input_ids,
            batch.attention_mask,
            batch.mm_token_type_ids,
            batch.pixel_values,
            batch.image_grid_thw,
        )
        model.flow_loss(hidden, batch, torch.Generator().manual_seed(step)).backward()
        opt.step()


def flow_grads(model, batch) -> tuple[list[torch.Tensor | None], list[torch.Tensor | None]]:
    model.zero_grad(set_to_none=True)
    hidden = model.hidden_states(
        batch.input_ids,
        batch.attention_mask,
        batch.mm_token_type_ids,
        batch.pixel_values,
        batch.image_grid_thw,
    )
    model.flow_loss(hidden, batch, torch.Generator().manual_seed(0)).backward()
    return [p.grad for p in model.backbone_parameters()], [p.grad for p in model.expert_parameters()]


@pytest.mark.slow
def test_insulation_keeps_flow_gradient_out_of_the_backbone(stage1, datasets) -> None:
    model, batch = flow_setup(stage1, datasets, insulation=True)
    backbone, expert = flow_grads(model, batch)
    assert all(g is None or not g.any() for g in backbone)
    assert any(g is not None and g.abs().sum() > 0 for g in expert)
    # the FAST loss still trains the backbone in the same step
    model.zero_grad(set_to_none=True)
    model(batch, torch.Generator().manual_seed(0))["loss"].backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.backbone_parameters())


@pytest.mark.slow
def test_without_insulation_flow_trains_the_backbone(stage1, datasets) -> None:
    model, batch = flow_setup(stage1, datasets, insulation=False)
    backbone, _ = flow_grads(model, batch)
    assert any(g is not None and g.abs().sum() > 0 for g in backbone)


@pytest.mark.slow
def test_padded_dimensions_carry_no_loss(stage1, datasets) -> None:
    model, batch = flow_setup(stage1, datasets, insulation=True)
    with torch.no_grad():
        hidden = model.hidden_states(
            batch.input_ids,
            batch.attention_mask,
            batch.mm_token_type_ids,
            batch.pixel_values,
            batch.image_grid_thw,
        )
        before = model.flow_loss(hidden, batch, torch.Generator().manual_seed(1))
        padded_dims = ~batch.action_mask.any(1, keepdim=True).expand_as(batch.action_mask)
        batch.actions[padded_dims] = 5.0  # garbage beyond each robot's real dims
        after = model.flow_loss(hidden, batch, torch.Generator().manual_seed(1))
    assert before.item() == after.item()
    assert batch.action_mask[2, 0].sum() == 7 and batch.action_mask[0, 0].sum() == 8  # ur5 vs franka


@pytest.mark.slow
def test_policy_computes_the_prefix_once_per_chunk(stage2, datasets) -> None:
    from labvla.policy import LabVLAPolicy

    _, result = stage2
    policy = LabVLAPolicy(result.checkpoint)
    calls = []
    policy.model.backbone.model.register_forward_hook(lambda *a: calls.append(1))
    expert_calls = []
    policy.model.expert.register_forward_hook(lambda *a: expert_calls.append(1))
    ds = LeRobotDataset(datasets[1])
    policy.reset(ds.task(0), "ur5")
    chunk = policy.act({"images": ds.images(0), "state": ds.state[0]})
    assert chunk.shape == (16, 7) and chunk.dtype == np.float32 and np.isfinite(chunk).all()
    assert len(calls) == 1 and len(expert_calls) == 10
