"""What each method optimises: a trained model plus its loss, as one module the loop can step.

Teachers are frozen and deterministic, so their logits and embeddings are computed once per
training sample (``t_logits.<kind>``, ``t_emb.<kind>``, ``t_valid.<kind>`` in the split) and
read by index, never re-run: the same index that selects the student's GAF image selects the
teacher's output for that very time span.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from training.engine.loop import SupervisedObjective, model_inputs
from training.losses.acs import ACSLoss, ACSWeights
from training.losses.dask import DASKLoss, DASKWeights

__all__ = ["DASKObjective", "PSKDObjective", "SupervisedObjective", "teacher_keys"]


def teacher_keys(kind: str) -> tuple[str, str, str]:
    return f"t_logits.{kind}", f"t_emb.{kind}", f"t_valid.{kind}"


class DASKObjective(nn.Module):
    """One frozen teacher -> student. Vanilla KD is DASK with the relational and semantic weights at 0."""

    def __init__(self, model: nn.Module, student_dim: int, teacher: str, teacher_dim: int, weights: DASKWeights):
        super().__init__()
        self.model = model
        self.teacher = teacher
        self.loss = DASKLoss(student_dim, teacher_dim, weights)

    def forward(self, batch: dict[str, torch.Tensor], epoch: int) -> tuple[torch.Tensor, torch.Tensor, dict]:
        logits, emb = self.model(*model_inputs(self.model, batch))
        z, e, valid = (batch[k] for k in teacher_keys(self.teacher))
        loss, parts = self.loss(logits, emb, z, e, batch["y"], valid)
        return loss, logits, parts


class PSKDObjective(nn.Module):
    """Several frozen teachers, admitted stage by stage (``schedule``), combined per sample by ACS."""

    def __init__(
        self,
        model: nn.Module,
        student_dim: int,
        teachers: list[str],
        teacher_dims: list[int],
        schedule: list[tuple[float, set[str]]],
        epochs: int,
        weights: ACSWeights,
    ):
        super().__init__()
        unknown = sorted({k for _, names in schedule for k in names} - set(teachers))
        if unknown:
            raise ValueError(f"pskd.schedule: teachers {unknown} are not in pskd.teachers {teachers}")
        if not schedule or schedule[-1][0] < 1.0 or any(a[0] >= b[0] for a, b in itertools.pairwise(schedule)):
            raise ValueError("pskd.schedule: expected stages with increasing 'until', the last one 1.0")
        self.model = model
        self.teachers = list(teachers)
        self.schedule = schedule
        self.epochs = epochs
        self.loss = ACSLoss(student_dim, teacher_dims, weights)

    def active(self, epoch: int) -> list[bool]:
        """Which teachers epoch ``epoch`` (1-based) learns from."""
        progress = (epoch - 1) / self.epochs
        names = next((names for until, names in self.schedule if progress < until), self.schedule[-1][1])
        return [k in names for k in self.teachers]

    def forward(self, batch: dict[str, torch.Tensor], epoch: int) -> tuple[torch.Tensor, torch.Tensor, dict]:
        logits, emb = self.model(*model_inputs(self.model, batch))
        active = self.active(epoch)
        keys = [teacher_keys(k) for k in self.teachers]
        z = torch.stack([batch[k[0]] for k in keys])
        embs = [batch[k[1]] for k in keys]
        available = torch.stack([batch[k[2]] & on for k, on in zip(keys, active, strict=True)])
        loss, parts = self.loss(logits, emb, z, embs, batch["y"], available)
        return loss, logits, parts
