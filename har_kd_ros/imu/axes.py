"""A mounted IMU's axes mapped onto the watch frame the students read (x along the forearm).

The bundled students learnt the Android / Wear OS sensor frame; an IMU strapped on another way
(a robot-lab IMU on a band, a watch whose driver reports another frame) is rotated onto it by
naming, for each watch axis, the IMU axis that points there: ``"-y x z"`` reads the watch's x
from the IMU's -y, its y from the IMU's x, its z from the IMU's z. One map serves both the
accelerometer and the gyroscope, which a rotation moves alike. A mirror image (determinant -1)
is refused: it would turn a right-handed sensor frame left-handed and flip every rotation's sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

AXES = "xyz"
IDENTITY = "x y z"


@dataclass(frozen=True)
class AxisMap:
    """For each watch axis (x, y, z): the IMU axis it reads (0-2) and that axis's sign (+-1)."""

    source: tuple[int, int, int] = (0, 1, 2)
    sign: tuple[float, float, float] = (1.0, 1.0, 1.0)

    @classmethod
    def parse(cls, text: str, name: str = "imu_axes") -> AxisMap:
        """``"x y z"``-style text (spaces or commas, each axis once, optional sign); ValueError
        naming ``name`` and what was expected otherwise."""
        tokens = text.replace(",", " ").split()
        expected = f"three of x, y, z each once with an optional sign (e.g. '-y x z'), got {text!r}"
        if len(tokens) != 3:
            raise ValueError(f"{name}: expected {expected}")
        source, sign = [], []
        for token in tokens:
            axis = token.lstrip("+-").lower()
            if axis not in ("x", "y", "z") or len(token) - len(axis) > 1:
                raise ValueError(f"{name}: expected {expected}")
            source.append(AXES.index(axis))
            sign.append(-1.0 if token.startswith("-") else 1.0)
        if sorted(source) != [0, 1, 2]:
            raise ValueError(f"{name}: expected {expected}")
        axis_map = cls(tuple(source), tuple(sign))  # type: ignore[arg-type]
        if np.linalg.det(axis_map.matrix) < 0:
            raise ValueError(
                f"{name}: {text!r} is a mirror image (determinant -1); a sensor frame maps onto the watch "
                "frame by a rotation: flip the sign of one more axis, or swap two"
            )
        return axis_map

    @property
    def identity(self) -> bool:
        return self.source == (0, 1, 2) and self.sign == (1.0, 1.0, 1.0)

    @property
    def matrix(self) -> np.ndarray:
        """(3, 3) R with watch = R @ imu."""
        m = np.zeros((3, 3))
        m[np.arange(3), self.source] = self.sign
        return m

    def apply(self, imu: np.ndarray) -> np.ndarray:
        """(..., 3) vectors in the IMU's frame -> the same in the watch frame."""
        return np.asarray(imu)[..., list(self.source)] * np.asarray(self.sign)

    def channel_sources(self, channels: Sequence[str]) -> list[tuple[str, float]]:
        """For each watch channel (``acc_x`` ..): the IMU channel it reads and the sign it takes."""
        out = []
        for channel in channels:
            sensor, _, axis = channel.rpartition("_")
            k = AXES.index(axis)
            out.append((f"{sensor}_{AXES[self.source[k]]}", self.sign[k]))
        return out

    def __str__(self) -> str:
        return " ".join(("-" if s < 0 else "") + AXES[k] for k, s in zip(self.source, self.sign, strict=True))
