"""Relational knowledge distillation (Park et al. 2019): match the *shape* of the batch.

Distance-wise, for every pair (i, j) of embeddings in a batch:

    psi_D(x_i, x_j) = ||x_i - x_j||_2 / mu,   mu = mean of the non-zero pairwise distances
    L_D = mean over pairs of SmoothL1( psi_D(student), psi_D(teacher) )

Angle-wise, for every triplet (i, j, k):

    psi_A(x_i, x_j, x_k) = < unit(x_i - x_j), unit(x_k - x_j) >
    L_A = mean over triplets of SmoothL1( psi_A(student), psi_A(teacher) )

Both compare a network with itself across samples, so the student and teacher embeddings may
have different sizes: no projection is needed.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F


def _check(student: torch.Tensor, teacher: torch.Tensor) -> None:
    if student.ndim != 2 or teacher.ndim != 2 or student.shape[0] != teacher.shape[0]:
        raise ValueError(
            f"embeddings: expected (N, D_s) and (N, D_t) with the same N, got {tuple(student.shape)} and "
            f"{tuple(teacher.shape)}"
        )


def pairwise_distances(x: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """(N, N) Euclidean distances; the diagonal is exactly 0 (no sqrt-of-zero gradient)."""
    squared = (x.unsqueeze(0) - x.unsqueeze(1)).pow(2).sum(-1)
    eye = torch.eye(len(x), dtype=torch.bool, device=x.device)
    return squared.clamp_min(eps).sqrt().masked_fill(eye, 0.0)


def _normalised_distances(x: torch.Tensor) -> torch.Tensor:
    d = pairwise_distances(x)
    positive = d > 0
    mu = d[positive].mean() if positive.any() else d.new_tensor(1.0)
    return d / mu


def rkd_distance(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """L_D over all ordered pairs (i != j); 0 for a batch of fewer than 2."""
    _check(student, teacher)
    if len(student) < 2:
        return student.sum() * 0.0
    with torch.no_grad():
        t = _normalised_distances(teacher.detach())
    s = _normalised_distances(student)
    off = ~torch.eye(len(student), dtype=torch.bool, device=student.device)
    return F.smooth_l1_loss(s[off], t[off])


def _angles(x: torch.Tensor) -> torch.Tensor:
    """(N, N, N) cosines: entry [j, i, k] = <unit(x_i - x_j), unit(x_k - x_j)>."""
    diff = F.normalize(x.unsqueeze(0) - x.unsqueeze(1), p=2, dim=2)  # [j, i] = x_i - x_j
    return torch.bmm(diff, diff.transpose(1, 2))


def rkd_angle(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """L_A over all N^3 index triplets (degenerate ones are 0 in both); 0 for a batch of fewer than 3."""
    _check(student, teacher)
    if len(student) < 3:
        return student.sum() * 0.0
    with torch.no_grad():
        t = _angles(teacher.detach())
    return F.smooth_l1_loss(_angles(student).flatten(), t.flatten())
