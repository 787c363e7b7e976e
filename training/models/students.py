"""IMU students: CNNs over (C, S, S) GAF images (C = 3 accelerometer or 6 accelerometer +
gyroscope channels), and a raw-series 1-D CNN that serves as the baseline they must beat.

All end in the papers' head shape, ``features -> embedding (ReLU) -> classes``, and return
``(logits, embedding)`` in training so distillation losses can reach the embedding; the
exported graph returns logits only.
"""

from __future__ import annotations

import torch
from torch import nn

from training.models.head import EmbeddingHead
from training.models.teachers import TemporalEncoder

NORMS = ("batch", "group")


def _norm(kind: str, channels: int) -> nn.Module:
    """BatchNorm, or GroupNorm (at most 8 groups), whose output does not depend on the batch:
    with a few windows per batch, BatchNorm's statistics swing from step to step."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "group":
        return nn.GroupNorm(min(8, channels), channels)
    raise ValueError(f"norm: expected one of {NORMS}, got {kind!r}")


def _conv_bn(cin: int, cout: int, stride: int, norm: str = "batch") -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), _norm(norm, cout), nn.ReLU(inplace=True))


class EdgeStudent(nn.Module):
    """Four strided 3x3 conv blocks + global pooling: ~0.1 M params, well under 1 ms on one core."""

    inputs = ("gaf",)

    def __init__(
        self, in_channels: int = 3, classes: int = 10, width: int = 16, embedding: int = 64, norm: str = "batch"
    ):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            _conv_bn(in_channels, w, 2, norm),
            _conv_bn(w, 2 * w, 2, norm),
            _conv_bn(2 * w, 4 * w, 2, norm),
            _conv_bn(4 * w, 8 * w, 2, norm),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.head = EmbeddingHead(8 * w, embedding, classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.features(x))


class _BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, norm: str = "batch"):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
            _norm(norm, cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
            _norm(norm, cout),
        )
        self.skip = (
            nn.Identity()
            if stride == 1 and cin == cout
            else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), _norm(norm, cout))
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.skip(x))


class ResNet18Student(nn.Module):
    """ResNet18 (He et al.) written here, no torchvision: the papers' student, 512 -> 300 -> classes."""

    inputs = ("gaf",)

    def __init__(self, in_channels: int = 3, classes: int = 10, embedding: int = 300, norm: str = "batch"):
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False),
            _norm(norm, 64),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1),
        ]
        cin = 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [_BasicBlock(cin, cout, stride, norm), _BasicBlock(cout, cout, 1, norm)]
            cin = cout
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = EmbeddingHead(512, embedding, classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.features(x))


class RawSeriesCNN(nn.Module):
    """The baseline a GAF student must beat: the same windows as raw series (N, C, W), each channel
    divided by its sensor range (the GAF's fixed range), through residual dilated 1-D convolutions
    (the accelerometer teacher's encoder, at the edge student's width). Not exported to the robot."""

    inputs = ("imu",)

    def __init__(self, in_channels: int = 3, classes: int = 10, embedding: int = 64, scale: tuple[float, ...] = ()):
        super().__init__()
        self.encoder = TemporalEncoder(in_channels, 32, strides=(1, 2, 1, 2, 1, 2))
        self.head = EmbeddingHead(self.encoder.out_features, embedding, classes)
        self.register_buffer("scale", torch.tensor(scale or (1.0,) * in_channels, dtype=torch.float32)[None, :, None])

    def forward(self, imu: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.encoder(imu / self.scale))


STUDENTS = {"edge": EdgeStudent, "resnet18": ResNet18Student, "cnn1d": RawSeriesCNN}
GAF_STUDENTS = ("edge", "resnet18")  # what runs on the robot


def embedding_dim(model: nn.Module) -> int:
    """Size of the embedding a model returns beside its logits (what distillation losses match)."""
    return model.head.classify.in_features


def build_student(
    arch: str, in_channels: int, classes: int, norm: str = "batch", scale: tuple[float, ...] = ()
) -> nn.Module:
    """A student of ``arch``; ``norm`` for the GAF CNNs, ``scale`` (per-channel range) for cnn1d."""
    if arch not in STUDENTS:
        raise ValueError(f"arch: expected one of {sorted(STUDENTS)}, got {arch!r}")
    if arch == "cnn1d":
        return RawSeriesCNN(in_channels=in_channels, classes=classes, scale=scale)
    return STUDENTS[arch](in_channels=in_channels, classes=classes, norm=norm)


class LogitsOnly(nn.Module):
    """Export wrapper: the runtime graph returns logits, nothing else."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.model(*inputs)[0]
