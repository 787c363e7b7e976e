"""Accelerometer students: CNNs over (C, S, S) GAF images.

Both end in the papers' head shape, ``features -> embedding (ReLU) -> classes``, and return
``(logits, embedding)`` in training so distillation losses can reach the embedding; the
exported graph returns logits only.
"""

from __future__ import annotations

import torch
from torch import nn

from training.models.head import EmbeddingHead


def _conv_bn(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class EdgeStudent(nn.Module):
    """Four strided 3x3 conv blocks + global pooling: ~0.1 M params, well under 1 ms on one core."""

    inputs = ("gaf",)

    def __init__(self, in_channels: int = 3, classes: int = 10, width: int = 16, embedding: int = 64):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            _conv_bn(in_channels, w, 2),
            _conv_bn(w, 2 * w, 2),
            _conv_bn(2 * w, 4 * w, 2),
            _conv_bn(4 * w, 8 * w, 2),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.head = EmbeddingHead(8 * w, embedding, classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.features(x))


class _BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
            nn.BatchNorm2d(cout),
        )
        self.skip = (
            nn.Identity()
            if stride == 1 and cin == cout
            else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.skip(x))


class ResNet18Student(nn.Module):
    """ResNet18 (He et al.) written here, no torchvision: the papers' student, 512 -> 300 -> classes."""

    inputs = ("gaf",)

    def __init__(self, in_channels: int = 3, classes: int = 10, embedding: int = 300):
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1),
        ]
        cin = 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [_BasicBlock(cin, cout, stride), _BasicBlock(cout, cout, 1)]
            cin = cout
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = EmbeddingHead(512, embedding, classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.features(x))


STUDENTS = {"edge": EdgeStudent, "resnet18": ResNet18Student}


def embedding_dim(model: nn.Module) -> int:
    """Size of the embedding a model returns beside its logits (what distillation losses match)."""
    return model.head.classify.in_features


def build_student(arch: str, in_channels: int, classes: int) -> nn.Module:
    if arch not in STUDENTS:
        raise ValueError(f"arch: expected one of {sorted(STUDENTS)}, got {arch!r}")
    return STUDENTS[arch](in_channels=in_channels, classes=classes)


class LogitsOnly(nn.Module):
    """Export wrapper: the runtime graph returns logits, nothing else."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.model(*inputs)[0]
