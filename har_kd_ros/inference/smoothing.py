"""Temporal smoothing of per-window class probabilities into a stable published label.

Robots act on labels, and a label that flickers between two classes every hop is worse than
one that lags by a hop. Probabilities are smoothed by an exponential moving average, the
label only changes when a challenger beats the current label by ``hysteresis``, and anything
below ``min_confidence`` is published as ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNKNOWN = "unknown"


@dataclass(frozen=True)
class SmoothedLabel:
    label: str
    confidence: float
    probabilities: np.ndarray


class LabelSmoother:
    """EMA + hysteresis + confidence floor; ``alpha=1, hysteresis=0`` passes windows through."""

    def __init__(
        self, labels: tuple[str, ...], alpha: float = 0.5, min_confidence: float = 0.5, hysteresis: float = 0.1
    ):
        if not 0.0 < alpha <= 1.0:
            raise ValueError(f"alpha: expected 0 < alpha <= 1, got {alpha}")
        if not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence: expected a probability in [0, 1], got {min_confidence}")
        if not 0.0 <= hysteresis < 1.0:
            raise ValueError(f"hysteresis: expected 0 <= hysteresis < 1, got {hysteresis}")
        self.labels = tuple(labels)
        self.alpha, self.min_confidence, self.hysteresis = alpha, min_confidence, hysteresis
        self.reset()

    def reset(self) -> None:
        self._ema: np.ndarray | None = None
        self._current: int | None = None

    def update(self, probabilities: np.ndarray) -> SmoothedLabel:
        p = np.asarray(probabilities, dtype=np.float64)
        if p.shape != (len(self.labels),):
            raise ValueError(f"probabilities: expected shape ({len(self.labels)},), got {p.shape}")
        self._ema = p.copy() if self._ema is None else self.alpha * p + (1.0 - self.alpha) * self._ema
        top = int(np.argmax(self._ema))
        if self._current is None or self._ema[top] > self._ema[self._current] + self.hysteresis:
            self._current = top
        confidence = float(self._ema[self._current])
        label = self.labels[self._current] if confidence >= self.min_confidence else UNKNOWN
        return SmoothedLabel(label, confidence, self._ema.copy())
