"""What a camera reports of the simulated body: tracked joints with noise and dropouts, and the
MediaPipe world landmarks that skeleton_node publishes (for camera-like bags and the demo)."""

from __future__ import annotations

import numpy as np

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS

SKELETON_RATE_HZ = 30.0


def tracked(joints: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Tracking noise (1.2 cm) and dropped frames (2 %, NaN, as a tracker reports them)."""
    joints = joints + rng.normal(0.0, 0.012, joints.shape)
    joints[rng.random(joints.shape[0]) < 0.02] = np.nan
    return joints


def canonical_to_mediapipe(frames: np.ndarray) -> np.ndarray:
    """(T, 16, 3) canonical (z up) -> (T, 33, 3) MediaPipe world landmarks (y down, origin mid-hips).

    Landmarks MediaPipe has and the canonical set lacks (face, hands, feet) are placed rigidly
    near their joint, so ``to_canonical(canonical_to_mediapipe(c), "mediapipe_pose")`` returns
    ``c`` for every joint but the interpolated spine. Used to write camera-like bags from
    synthetic motion.
    """
    from har_kd_ros.skeleton.topology import MEDIAPIPE_POSE, MEDIAPIPE_POSE_JOINTS

    c = {name: frames[:, i] for i, name in enumerate(CANONICAL_JOINTS)}
    lateral = c["shoulder_l"] - c["shoulder_r"]
    lateral = lateral / np.maximum(np.linalg.norm(lateral, axis=-1, keepdims=True), 1e-9)
    up = np.array([0.0, 0.0, 1.0])
    forward = np.cross(lateral, up)  # the way the subject faces
    head = c["head"]
    out = {
        "left_ear": head + 0.07 * lateral, "right_ear": head - 0.07 * lateral, "nose": head + 0.09 * forward,
        "mouth_left": head + 0.08 * forward - 0.05 * up + 0.02 * lateral, "mouth_right": head + 0.08 * forward - 0.05 * up - 0.02 * lateral,
    }  # fmt: skip
    for side, sign in (("left", 1.0), ("right", -1.0)):
        s = side[0]
        for k, name in enumerate(("eye_inner", "eye", "eye_outer")):
            out[f"{side}_{name}"] = head + 0.08 * forward + 0.03 * up + sign * (0.015 + 0.015 * k) * lateral
        forearm = c[f"wrist_{s}"] - c[f"elbow_{s}"]
        for name, scale in (("pinky", 0.3), ("index", 0.35), ("thumb", 0.2)):
            out[f"{side}_{name}"] = c[f"wrist_{s}"] + scale * forearm
        for joint in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
            out[f"{side}_{joint}"] = c[f"{joint}_{s}"]
        out[f"{side}_heel"] = c[f"ankle_{s}"] - 0.05 * forward - 0.05 * up
        out[f"{side}_foot_index"] = c[f"ankle_{s}"] + 0.15 * forward - 0.07 * up
    mp = np.stack([out[name] for name in MEDIAPIPE_POSE_JOINTS], axis=1)
    assert mp.shape[1] == len(MEDIAPIPE_POSE.joints)
    mp = mp - 0.5 * (c["hip_l"] + c["hip_r"])[:, None, :]  # MediaPipe world: origin between the hips
    return np.stack([mp[..., 0], -mp[..., 2], mp[..., 1]], axis=-1)  # z up -> y down
