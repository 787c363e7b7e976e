"""The head every network here ends in: features -> embedding (ReLU) -> classes.

The papers' shape (ResNet18: 512 -> 300 -> classes). Returning the embedding beside the logits is
what lets the relational and semantic distillation terms reach it, for students and teachers alike.
"""

from __future__ import annotations

import torch
from torch import nn


class EmbeddingHead(nn.Module):
    def __init__(self, features: int, embedding: int, classes: int):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(features, embedding), nn.ReLU(inplace=True))
        self.classify = nn.Linear(embedding, classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        e = self.embed(x)
        return self.classify(e), e
