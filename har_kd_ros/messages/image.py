"""sensor_msgs/Image and CompressedImage payloads -> RGB arrays, without cv_bridge.

cv_bridge is not installable from PyPI; the raw layouts are simple (REP 104 encodings, rows
of ``step`` bytes, possibly padded), so they are decoded here with numpy. Compressed images
need OpenCV (installed with the camera requirements).
"""

from __future__ import annotations

import numpy as np

# encoding -> (channels, order of R, G, B within a pixel; None = grey)
_LAYOUTS: dict[str, tuple[int, tuple[int, int, int] | None]] = {
    "rgb8": (3, (0, 1, 2)),
    "bgr8": (3, (2, 1, 0)),
    "rgba8": (4, (0, 1, 2)),
    "bgra8": (4, (2, 1, 0)),
    "mono8": (1, None),
    "8UC1": (1, None),
    "8UC3": (3, (2, 1, 0)),  # OpenCV's default channel order is BGR
}
ENCODINGS = tuple(_LAYOUTS)


class ImageError(ValueError):
    """An image message whose encoding, size or payload is not what it claims."""


def image_to_rgb(encoding: str, height: int, width: int, step: int, data: bytes | memoryview) -> np.ndarray:
    """Raw Image payload -> (H, W, 3) uint8 RGB (a view where possible, else a copy)."""
    if encoding not in _LAYOUTS:
        raise ImageError(f"encoding: expected one of {ENCODINGS}, got {encoding!r}")
    channels, order = _LAYOUTS[encoding]
    if height <= 0 or width <= 0:
        raise ImageError(f"size: expected a positive height and width, got {height}x{width}")
    if step < width * channels:
        raise ImageError(f"step: expected >= width * {channels} = {width * channels} bytes, got {step}")
    if len(data) < step * height:
        raise ImageError(f"data: expected {step * height} bytes for {height} rows of {step}, got {len(data)}")
    rows = np.frombuffer(data, dtype=np.uint8, count=step * height).reshape(height, step)
    pixels = rows[:, : width * channels].reshape(height, width, channels)
    if order is None:
        return np.repeat(pixels, 3, axis=2)
    if order == (0, 1, 2) and channels == 3:
        return pixels
    return np.ascontiguousarray(pixels[:, :, list(order)])


def compressed_to_rgb(format_: str, data: bytes | memoryview) -> np.ndarray:
    """CompressedImage (jpeg/png) payload -> (H, W, 3) uint8 RGB."""
    try:
        import cv2
    except ImportError:
        raise ImageError("compressed images need OpenCV (pip install -r requirements/camera.txt)") from None
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageError(f"data: not a decodable compressed image (format {format_!r}, {len(data)} bytes)")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
