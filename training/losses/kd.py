"""Soft-target knowledge distillation (Hinton et al. 2015).

    KD_T(z_t, z_s) = T^2 * KL( softmax(z_t / T) || softmax(z_s / T) )

The T^2 factor keeps the gradient scale of the soft term comparable to cross-entropy as T
changes. T = 4 is the official VSKD code's value. With ``classes`` both softmaxes run over those classes
only: a teacher that never trained on a class (no readable window of it: a watch lying on a
table has no skeleton) has no knowledge of it, and its untrained logit there would teach the
student to rule the class out everywhere.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F


def soft_target_kd(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    temperature: float = 4.0,
    reduction: str = "mean",
    classes: torch.Tensor | None = None,
) -> torch.Tensor:
    """Per-sample KD_T summed over classes (``classes``: a (C,) bool mask of those the teacher
    knows, default all); ``reduction`` 'mean' | 'sum' | 'none' over the batch."""
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(
            f"teacher_logits: expected shape {tuple(student_logits.shape)}, got {tuple(teacher_logits.shape)}"
        )
    if temperature <= 0:
        raise ValueError(f"temperature: expected > 0, got {temperature}")
    if classes is not None:
        if classes.shape != student_logits.shape[1:] or not bool(classes.any()):
            raise ValueError(f"classes: expected a ({student_logits.shape[1]},) mask with a class set, got {classes}")
        student_logits, teacher_logits = student_logits[:, classes], teacher_logits[:, classes]
    log_p_s = F.log_softmax(student_logits / temperature, dim=1)
    log_p_t = F.log_softmax(teacher_logits.detach() / temperature, dim=1)
    per_sample = (log_p_t.exp() * (log_p_t - log_p_s)).sum(dim=1) * temperature**2
    return _reduce(per_sample, reduction)


def _reduce(values: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return values.mean() if values.numel() else values.sum()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"reduction: expected 'mean', 'sum' or 'none', got {reduction!r}")
