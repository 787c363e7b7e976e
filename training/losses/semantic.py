"""Semantic embedding term: the student's embedding, projected, should equal the teacher's.

    L_S(i) = mean_d ( P(e_s,i) - e_t,i )_d^2

P is a learned linear projection when the two embeddings differ in size (and the identity
when they match). P belongs to the distiller, not the student: the exported student never
contains it.
"""

from __future__ import annotations

import torch
from torch import nn

from training.losses.kd import _reduce


class SemanticLoss(nn.Module):
    def __init__(self, student_dim: int, teacher_dim: int):
        super().__init__()
        self.project: nn.Module = (
            nn.Identity() if student_dim == teacher_dim else nn.Linear(student_dim, teacher_dim, bias=False)
        )
        self.teacher_dim = teacher_dim

    def forward(self, student: torch.Tensor, teacher: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
        if teacher.ndim != 2 or teacher.shape[1] != self.teacher_dim or teacher.shape[0] != student.shape[0]:
            raise ValueError(
                f"teacher embedding: expected ({student.shape[0]}, {self.teacher_dim}), got {tuple(teacher.shape)}"
            )
        per_sample = (self.project(student) - teacher.detach()).pow(2).mean(dim=1)
        return _reduce(per_sample, reduction)
