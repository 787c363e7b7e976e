"""BVH motion capture files: hierarchy + per-frame channels -> world joint positions.

BVH is a plain-text standard: ``HIERARCHY`` nests ``ROOT``/``JOINT`` blocks with an ``OFFSET``
and ``CHANNELS`` (positions and Euler rotations in degrees, applied in the listed order), ``End
Site`` blocks close chains; ``MOTION`` gives ``Frames``, ``Frame Time`` and one row of channel
values per frame. Forward kinematics is vectorised over frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


class BVHError(ValueError):
    """A BVH file that does not follow the format; names the file and the problem."""


@dataclass
class _Joint:
    name: str
    parent: int
    offset: np.ndarray
    channels: list[str] = field(default_factory=list)
    first_channel: int = 0


def _axis_rotation(axis: str, degrees: np.ndarray) -> np.ndarray:
    a = np.deg2rad(degrees)
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    rows = {
        "X": ((o, z, z), (z, c, -s), (z, s, c)),
        "Y": ((c, z, s), (z, o, z), (-s, z, c)),
        "Z": ((c, -s, z), (s, c, z), (z, z, o)),
    }[axis]
    return np.stack([np.stack(r, -1) for r in rows], -2)


def read_bvh(path: str | Path) -> tuple[tuple[str, ...], np.ndarray, float]:
    """Joint names, (T, J, 3) world positions (the file's units), and the frame time in seconds."""
    path = Path(path)
    try:
        tokens = path.read_text().split()
    except (OSError, UnicodeDecodeError) as exc:
        raise BVHError(f"{path}: not a readable BVH file ({exc})") from None
    joints: list[_Joint] = []
    stack: list[int] = []
    n_channels = 0
    i = 0

    def expect(word: str) -> None:
        nonlocal i
        if i >= len(tokens) or tokens[i] != word:
            raise BVHError(
                f"{path}: expected '{word}' at token {i}, got {tokens[i] if i < len(tokens) else 'end of file'!r}"
            )
        i += 1

    try:
        expect("HIERARCHY")
        while i < len(tokens) and tokens[i] != "MOTION":
            word = tokens[i]
            if word in ("ROOT", "JOINT"):
                joints.append(_Joint(tokens[i + 1], stack[-1] if stack else -1, np.zeros(3)))
                i += 2
                expect("{")
                stack.append(len(joints) - 1)
            elif word == "End":
                i += 2  # "End Site"
                expect("{")
                expect("OFFSET")
                i += 3
                expect("}")
            elif word == "OFFSET":
                joints[stack[-1]].offset = np.array([float(t) for t in tokens[i + 1 : i + 4]])
                i += 4
            elif word == "CHANNELS":
                count = int(tokens[i + 1])
                joint = joints[stack[-1]]
                joint.channels = tokens[i + 2 : i + 2 + count]
                joint.first_channel = n_channels
                n_channels += count
                i += 2 + count
            elif word == "}":
                stack.pop()
                i += 1
            else:
                raise BVHError(f"{path}: unexpected token {word!r} in HIERARCHY")
        expect("MOTION")
        expect("Frames:")
        n_frames = int(tokens[i])
        i += 1
        expect("Frame")
        expect("Time:")
        frame_time = float(tokens[i])
        i += 1
        values = np.array(tokens[i:], dtype=np.float64)
    except (ValueError, IndexError) as exc:
        if isinstance(exc, BVHError):
            raise
        raise BVHError(f"{path}: malformed BVH ({exc})") from None
    if not joints or stack:
        raise BVHError(f"{path}: unbalanced or empty HIERARCHY")
    if values.size != n_frames * n_channels or n_frames < 1:
        raise BVHError(
            f"{path}: MOTION has {values.size} values, expected {n_frames} frames x {n_channels} channels (truncated?)"
        )
    if not np.isfinite(values).all() or not frame_time > 0:
        raise BVHError(f"{path}: MOTION contains NaN/Inf or a non-positive frame time")
    motion = values.reshape(n_frames, n_channels)
    return tuple(j.name for j in joints), _forward_kinematics(joints, motion), frame_time


def _forward_kinematics(joints: list[_Joint], motion: np.ndarray) -> np.ndarray:
    n = motion.shape[0]
    world_r = np.zeros((len(joints), n, 3, 3))
    world_p = np.zeros((len(joints), n, 3))
    for k, joint in enumerate(joints):  # parents come before children in a BVH file
        local_p = np.broadcast_to(joint.offset, (n, 3)).copy()
        local_r = np.broadcast_to(np.eye(3), (n, 3, 3)).copy()
        for c, name in enumerate(joint.channels):
            column = motion[:, joint.first_channel + c]
            axis, kind = name[0].upper(), name[1:].lower()
            if kind == "position":
                local_p[:, "XYZ".index(axis)] += column
            elif kind == "rotation":
                local_r = local_r @ _axis_rotation(axis, column)
        if joint.parent < 0:
            world_r[k], world_p[k] = local_r, local_p
        else:
            parent_r = world_r[joint.parent]
            world_r[k] = parent_r @ local_r
            world_p[k] = world_p[joint.parent] + np.einsum("tij,tj->ti", parent_r, local_p)
    return np.transpose(world_p, (1, 0, 2))
