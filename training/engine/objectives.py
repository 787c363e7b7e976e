"""What each method optimises: a trained model plus its loss, as one module the loop can step.

Teachers are frozen and deterministic, so their logits and embeddings are computed once per
training sample (``t_logits.<kind>``, ``t_emb.<kind>``, ``t_valid.<kind>`` in the split) and
read by index, never re-run: the same index that selects the student's GAF image selects the
teacher's output for that very time span.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from training.engine.loop import SupervisedObjective, model_inputs
from training.losses.acs import ACSLoss, ACSWeights
from training.losses.dask import DASKLoss, DASKWeights

__all__ = ["DASKObjective", "PSKDObjective", "SupervisedObjective", "teacher_keys"]


def teacher_keys(kind: str) -> tuple[str, str, str]:
    return f"t_logits.{kind}", f"t_emb.{kind}", f"t_valid.{kind}"


def known_classes(split: dict[str, torch.Tensor], kind: str, n_classes: int) -> torch.Tensor:
    """The (C,) mask of the classes among the training windows teacher ``kind`` reads: those it
    learnt. A class it never read (a watch lying on a table has no skeleton) it knows nothing of."""
    mask = torch.zeros(n_classes, dtype=torch.bool)
    y = split["y"][split[teacher_keys(kind)[2]]]
    mask[y[y >= 0]] = True
    return mask


class DASKObjective(nn.Module):
    """One frozen teacher -> student. Vanilla KD is DASK with the relational and semantic weights at 0."""

    def __init__(
        self,
        model: nn.Module,
        student_dim: int,
        teacher: str,
        teacher_dim: int,
        weights: DASKWeights,
        classes: torch.Tensor | None = None,
    ):
        super().__init__()
        self.model = model
        self.teacher = teacher
        self.loss = DASKLoss(student_dim, teacher_dim, weights, classes)

    def forward(self, batch: dict[str, torch.Tensor], epoch: int) -> tuple[torch.Tensor, torch.Tensor, dict]:
        logits, emb = self.model(*model_inputs(self.model, batch))
        z, e, valid = (batch[k] for k in teacher_keys(self.teacher))
        loss, parts = self.loss(logits, emb, z, e, batch["y"], valid)
        return loss, logits, parts


def schedule_problem(stages: Any, teachers: Sequence[str]) -> str | None:
    """What is wrong with a PSKD schedule as a config writes it (a list of ``{until, teachers}``
    stages), or None: each stage lasts until a fraction of the epochs, the fractions increase
    to 1.0, and a stage's teachers are among ``teachers``."""
    form = "{until: fraction of the epochs, teachers: [names]}"
    if not isinstance(stages, list) or not stages:
        return f"expected a list of stages {form}, got {stages!r}"
    for i, stage in enumerate(stages):
        if not (isinstance(stage, dict) and set(stage) == {"until", "teachers"}):
            return f"stage {i}: expected {form}, got {stage!r}"
        until, names = stage["until"], stage["teachers"]
        if isinstance(until, bool) or not isinstance(until, int | float) or not 0 < until <= 1:
            return f"stage {i}: expected 'until' in (0, 1], got {until!r}"
        if not (isinstance(names, list) and all(isinstance(k, str) for k in names)):
            return f"stage {i}: expected 'teachers' as a list of names, got {names!r}"
        unknown = sorted(set(names) - set(teachers))
        if unknown:
            return f"stage {i}: teachers {unknown} are not in pskd.teachers {list(teachers)}"
    untils = [stage["until"] for stage in stages]
    if untils[-1] != 1 or any(a >= b for a, b in itertools.pairwise(untils)):
        return f"expected stages with increasing 'until', the last one 1.0, got {untils}"
    return None


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
        classes: list[torch.Tensor] | None = None,
    ):
        super().__init__()
        problem = schedule_problem([{"until": u, "teachers": sorted(n)} for u, n in schedule], teachers)
        if problem:
            raise ValueError(f"pskd.schedule: {problem}")
        self.model = model
        self.teachers = list(teachers)
        self.schedule = schedule
        self.epochs = epochs
        self.loss = ACSLoss(student_dim, teacher_dims, weights, classes)

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
