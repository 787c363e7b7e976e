"""Training batches redrawn every step: augmented raw windows, GAF-encoded as the robot encodes them.

Validation and test keep their fixed, once-encoded images; only training batches pass through
here. The encoding is :func:`har_kd_ros.inference.gaf.gaf` with the card's arguments, so an augmented
window becomes exactly the image the robot would compute for such a window.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from har_kd_ros.inference.gaf import gaf
from training.data.augment import AugmentConfig, augment, crop

Split = dict[str, torch.Tensor]
CONTEXT_KEYS = ("context", "context_lo", "context_hi", "context_pos")


class AugmentedBatches:
    """``(batch, rng) -> batch`` with ``imu`` and ``gaf`` redrawn from the batch's context windows."""

    def __init__(
        self, channels: tuple[str, ...], window_samples: int, gaf_kwargs: dict[str, Any], config: AugmentConfig
    ):
        self.channels, self.window, self.gaf_kwargs, self.config = tuple(channels), window_samples, gaf_kwargs, config

    def __call__(self, batch: Split, rng: np.random.Generator) -> Split:
        if "context" in batch:
            windows = crop(
                batch["context"].numpy(),
                batch["context_lo"].numpy(),
                batch["context_hi"].numpy(),
                batch["context_pos"].numpy(),
                self.window,
                self.config,
                rng,
            )
        else:
            windows = batch["imu"].numpy()
        windows = augment(windows, self.channels, self.config, rng)
        images = gaf(windows, **self.gaf_kwargs)
        out = {k: v for k, v in batch.items() if k not in CONTEXT_KEYS}
        out["imu"] = torch.from_numpy(windows)
        out["gaf"] = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32))
        return out


def drop_context(split: Split) -> Split:
    """The split without its context windows (what every consumer but augmentation reads)."""
    return {k: v for k, v in split.items() if k not in CONTEXT_KEYS}
