"""ACS (PSKD): Adaptive-Confidence Semantic loss over several teachers and the ground truth.

For sample i with true class y_i and the teachers k active in the current stage whose input
exists for that sample:

    c_ki = softmax(z_ki / T)[y_i]                             confidence of teacher k on the truth
    a_ki = exp(c_ki / tau) / sum_j exp(c_ji / tau)            soft choice among teachers
    m_i  = sum_k a_ki c_ki                                    how much the chosen mix can be trusted
    L_i  = (1 - m_i) CE(z_si, y_i)
         + m_i sum_k a_ki [ KD_T(z_ki, z_si) + w_s || P_k e_si - e_ki ||^2 / D_k ]

    L_ACS = mean_i L_i + sum_k abar_k ( w_d L_D(e_s, e_k) + w_a L_A(e_s, e_k) ),  abar_k = mean_i m_i a_ki

So each sample follows the teacher that is most sure of the right answer, in proportion to how
sure it is, and falls back to the label where every teacher is unsure or wrong (or has no
input). Confidence is read at the distillation temperature T: that softened distribution is the
target the student is asked to match, and frozen teachers are near-certain at T = 1 on the
samples they were trained on, which would make every teacher look equally sure. a and m are
computed from the teachers alone and carry no gradient. With tau -> 0 the
choice is hard; ``mode='uniform'`` replaces a and m with 1/K and 1/2 (plain multi-teacher
averaging), the ablation that tests whether the adaptive choice matters.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from training.losses.kd import soft_target_kd
from training.losses.rkd import rkd_angle, rkd_distance
from training.losses.semantic import SemanticLoss

MODES = ("adaptive", "uniform")


@dataclass(frozen=True)
class ACSWeights:
    tau: float = 0.1
    temperature: float = 4.0
    semantic: float = 1.0
    distance: float = 25.0
    angle: float = 50.0
    mode: str = "adaptive"  # or "uniform"


def acs_weights(
    teacher_logits: torch.Tensor,
    targets: torch.Tensor,
    available: torch.Tensor,
    tau: float,
    mode: str = "adaptive",
    temperature: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(a: (K, N) teacher weights summing to 1 where any teacher is available, m: (N,) trust in them).

    ``teacher_logits`` is (K, N, C); ``available`` (K, N) says which teacher has an input for
    which sample in the current stage.
    """
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {MODES}, got {mode!r}")
    if tau <= 0:
        raise ValueError(f"tau: expected > 0, got {tau}")
    with torch.no_grad():
        k, n, _ = teacher_logits.shape
        any_available = available.any(dim=0)
        if mode == "uniform":
            a = available.float() / available.float().sum(0).clamp_min(1.0)
            return a, torch.where(any_available, 0.5, 0.0)
        confidence = (
            F.softmax(teacher_logits / temperature, dim=2).gather(2, targets.view(1, n, 1).expand(k, n, 1)).squeeze(2)
        )
        scores = (confidence / tau).masked_fill(~available, float("-inf"))
        a = torch.softmax(scores, dim=0).nan_to_num(0.0)  # a sample with no teacher: all zero
        m = (a * confidence).sum(0)
        return a, m


class ACSLoss(nn.Module):
    def __init__(
        self,
        student_dim: int,
        teacher_dims: list[int],
        weights: ACSWeights = ACSWeights(),
        classes: list[torch.Tensor] | None = None,
    ):
        """``classes``: per teacher, the (C,) bool mask of the classes it knows (soft_target_kd); None: all."""
        super().__init__()
        self.weights = weights
        self.semantic = nn.ModuleList(SemanticLoss(student_dim, d) for d in teacher_dims)
        if classes is not None and len(classes) != len(teacher_dims):
            raise ValueError(f"classes: expected one mask per teacher ({len(teacher_dims)}), got {len(classes)}")
        for j, mask in enumerate(classes or [None] * len(teacher_dims)):
            self.register_buffer(f"classes_{j}", mask, persistent=False)

    def forward(
        self,
        student_logits: torch.Tensor,
        student_emb: torch.Tensor,
        teacher_logits: torch.Tensor,
        teacher_embs: list[torch.Tensor],
        targets: torch.Tensor,
        available: torch.Tensor,
    ) -> tuple[torch.Tensor, dict[str, float]]:
        """``teacher_logits`` (K, N, C); ``teacher_embs`` K tensors (N, D_k); ``available`` (K, N) bool."""
        w = self.weights
        k = teacher_logits.shape[0]
        if len(teacher_embs) != k or len(self.semantic) != k or available.shape != teacher_logits.shape[:2]:
            raise ValueError(
                f"teachers: expected {len(self.semantic)} teachers with logits, embeddings and availability, got "
                f"{k} logits, {len(teacher_embs)} embeddings, availability {tuple(available.shape)}"
            )
        a, m = acs_weights(teacher_logits, targets, available, w.tau, w.mode, w.temperature)
        ce = F.cross_entropy(student_logits, targets, reduction="none")
        follow = torch.zeros_like(ce)
        relational = student_logits.new_zeros(())
        for j in range(k):
            use = a[j] > 0
            if not use.any():
                continue
            # a[j] is 0 where teacher j is not followed, so those samples add exactly nothing
            kd = soft_target_kd(
                student_logits,
                teacher_logits[j],
                w.temperature,
                reduction="none",
                classes=getattr(self, f"classes_{j}"),
            )
            sem = self.semantic[j](student_emb, teacher_embs[j], reduction="none")
            follow = follow + a[j] * (kd + w.semantic * sem)
            share = (m * a[j]).mean()
            if w.distance:
                relational = relational + share * w.distance * rkd_distance(student_emb[use], teacher_embs[j][use])
            if w.angle:
                relational = relational + share * w.angle * rkd_angle(student_emb[use], teacher_embs[j][use])
        supervised = ((1 - m) * ce).mean()
        teachers = (m * follow).mean()
        total = supervised + teachers + relational
        parts = {
            "ce": float(supervised.detach()),
            "teachers": float(teachers.detach()),
            "relational": float(relational.detach()),
            "trust": float(m.mean()),
        }
        parts.update({f"share_{j}": float((m * a[j]).mean()) for j in range(k)})
        return total, parts
