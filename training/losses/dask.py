"""DASK (VSKD): Distance-, Angle-wise and Semantic Knowledge, plus the usual supervised terms.

    L_DASK = w_ce * CE(z_s, y) + w_kd * KD_T(z_t, z_s)
           + w_d * L_D(e_s, e_t) + w_a * L_A(e_s, e_t) + w_s * L_S(e_s, e_t)

with KD_T from kd.py, L_D and L_A from rkd.py and L_S from semantic.py. The official code
left the relational and semantic terms commented out (its live loss was CE + 0.01 KD); here
all five are live and each weight can be set to 0 for the ablations. The RKD weights default
to the RKD paper's (25, 50). Teacher terms use only samples whose teacher input exists
(``teacher_valid``): a window the skeleton did not cover is learnt from its label alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from training.losses.kd import soft_target_kd
from training.losses.rkd import rkd_angle, rkd_distance
from training.losses.semantic import SemanticLoss


@dataclass(frozen=True)
class DASKWeights:
    ce: float = 1.0
    kd: float = 1.0
    distance: float = 25.0
    angle: float = 50.0
    semantic: float = 1.0
    temperature: float = 4.0
    # CE weight, relative to ``ce``, of a window no teacher reads: the teacher terms add their
    # pull to every window they read, so 1 leaves the others (a watch on a table) with less
    ce_untaught: float = 1.0


class DASKLoss(nn.Module):
    def __init__(
        self,
        student_dim: int,
        teacher_dim: int,
        weights: DASKWeights = DASKWeights(),
        classes: torch.Tensor | None = None,
    ):
        """``classes``: the (C,) bool mask of the classes the teacher knows (soft_target_kd); None: all."""
        super().__init__()
        self.weights = weights
        self.semantic = SemanticLoss(student_dim, teacher_dim)
        self.register_buffer("classes", classes, persistent=False)

    def forward(
        self,
        student_logits: torch.Tensor,
        student_emb: torch.Tensor,
        teacher_logits: torch.Tensor,
        teacher_emb: torch.Tensor,
        targets: torch.Tensor,
        teacher_valid: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, dict[str, float]]:
        """Total loss and each weighted term (floats, for logging)."""
        w = self.weights
        v = torch.ones_like(targets, dtype=torch.bool) if teacher_valid is None else teacher_valid
        ce = F.cross_entropy(student_logits, targets, reduction="none")
        if w.ce_untaught != 1.0:
            ce = ce * torch.where(v, 1.0, w.ce_untaught)
        terms = {"ce": w.ce * ce.mean()}
        if v.any():
            zs, es, zt, et = student_logits[v], student_emb[v], teacher_logits[v], teacher_emb[v]
            if w.kd:
                terms["kd"] = w.kd * soft_target_kd(zs, zt, w.temperature, classes=self.classes)
            if w.distance:
                terms["distance"] = w.distance * rkd_distance(es, et)
            if w.angle:
                terms["angle"] = w.angle * rkd_angle(es, et)
            if w.semantic:
                terms["semantic"] = w.semantic * self.semantic(es, et)
        total = torch.stack(list(terms.values())).sum()
        return total, {k: float(t.detach()) for k, t in terms.items()}
