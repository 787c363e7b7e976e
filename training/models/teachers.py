"""Teachers: temporal CNNs over canonical skeleton joints, the raw accelerometer, or both.

Skeleton-only is the VSKD-style cross-modal teacher; PSKD adds teachers that also (or only)
see the accelerometer, whose knowledge sits closer to the student's modality. Every teacher
returns ``(logits, embedding)`` like the students, and declares which paired inputs it reads
(``inputs``), so one index always feeds the same time span to every network.

GroupNorm instead of BatchNorm: a teacher's output never depends on what else is in the batch,
so a frozen teacher gives the same labels online, offline, and under data-parallel training.
"""

from __future__ import annotations

import torch
from torch import nn

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS
from training.models.head import EmbeddingHead

GRAVITY = 9.80665
GROUPS = 8  # GroupNorm groups: a teacher's width is a multiple of this


class _TemporalBlock(nn.Module):
    """Residual dilated 1-D convolution: conv -> GroupNorm -> ReLU, twice."""

    def __init__(self, cin: int, cout: int, dilation: int, stride: int = 1):
        super().__init__()
        pad = 2 * dilation
        self.body = nn.Sequential(
            nn.Conv1d(cin, cout, 5, stride, pad, dilation=dilation, bias=False),
            nn.GroupNorm(GROUPS, cout),
            nn.ReLU(inplace=True),
            nn.Conv1d(cout, cout, 5, 1, pad, dilation=dilation, bias=False),
            nn.GroupNorm(GROUPS, cout),
        )
        self.skip = (
            nn.Identity()
            if cin == cout and stride == 1
            else nn.Sequential(nn.Conv1d(cin, cout, 1, stride, bias=False), nn.GroupNorm(GROUPS, cout))
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.skip(x))


class TemporalEncoder(nn.Module):
    """(N, C, T) -> (N, width * 2): a stack of residual dilated blocks and global average pooling."""

    def __init__(self, in_channels: int, width: int = 64, strides: tuple[int, ...] = (1, 2, 1, 2)):
        super().__init__()
        blocks, cin = [], in_channels
        for i, stride in enumerate(strides):
            cout = width if i < len(strides) // 2 else 2 * width
            blocks.append(_TemporalBlock(cin, cout, dilation=1 + i % 2, stride=stride))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.out_features = cin

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x).mean(dim=2)


def skeleton_features(skeleton: torch.Tensor) -> torch.Tensor:
    """(N, F, J, 3) joint positions -> (N, 2*J*3, F): positions and frame-to-frame velocities."""
    n, f, j, c = skeleton.shape
    pos = skeleton.reshape(n, f, j * c)
    vel = torch.cat([pos[:, 1:] - pos[:, :-1], torch.zeros_like(pos[:, :1])], dim=1)
    return torch.cat([pos, vel * f], dim=2).transpose(1, 2)


class SkeletonTeacher(nn.Module):
    """Canonical skeleton window (N, F, 16, 3), body frame, metres -> (logits, embedding)."""

    inputs = ("skeleton",)

    def __init__(self, classes: int, width: int = 64, embedding: int = 128, joints: int = len(CANONICAL_JOINTS)):
        super().__init__()
        self.encoder = TemporalEncoder(2 * joints * 3, width)
        self.head = EmbeddingHead(self.encoder.out_features, embedding, classes)

    def forward(self, skeleton: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.encoder(skeleton_features(skeleton)))


class AccTeacher(nn.Module):
    """Raw accelerometer window (N, 3, W) in m/s^2 -> (logits, embedding); a large same-modality teacher."""

    inputs = ("acc",)

    def __init__(self, classes: int, width: int = 64, embedding: int = 128, channels: int = 3):
        super().__init__()
        self.encoder = TemporalEncoder(channels, width, strides=(1, 2, 1, 2, 1, 2))
        self.head = EmbeddingHead(self.encoder.out_features, embedding, classes)

    def forward(self, acc: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.encoder(acc / GRAVITY))


class FusionTeacher(nn.Module):
    """Skeleton and accelerometer encoders, concatenated before the head: sees both modalities."""

    inputs = ("skeleton", "acc")

    def __init__(self, classes: int, width: int = 64, embedding: int = 128, joints: int = len(CANONICAL_JOINTS)):
        super().__init__()
        self.skeleton = TemporalEncoder(2 * joints * 3, width)
        self.acc = TemporalEncoder(3, width, strides=(1, 2, 1, 2, 1, 2))
        self.head = EmbeddingHead(self.skeleton.out_features + self.acc.out_features, embedding, classes)

    def forward(self, skeleton: torch.Tensor, acc: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = torch.cat([self.skeleton(skeleton_features(skeleton)), self.acc(acc / GRAVITY)], dim=1)
        return self.head(features)


TEACHERS = {"skeleton": SkeletonTeacher, "acc": AccTeacher, "fusion": FusionTeacher}


def build_teacher(kind: str, classes: int, width: int = 64, embedding: int = 128) -> nn.Module:
    if kind not in TEACHERS:
        raise ValueError(f"teacher: expected one of {sorted(TEACHERS)}, got {kind!r}")
    return TEACHERS[kind](classes=classes, width=width, embedding=embedding)
