"""Skeleton topologies as data, and their mapping to one canonical body-joint set.

A teacher trained on one source (UTD-MHAD's Kinect v1) must label another (MediaPipe on the
robot's camera), so every source maps to the same 16 canonical joints, expressed in one
body-centred frame: z up, pelvis at the origin, hips along x, torso length 1.
Each canonical joint is a weighted mean of source joints (e.g. MediaPipe has no pelvis
joint: it is the midpoint of the hips). Joint names use the subject's left/right.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

CANONICAL_JOINTS: tuple[str, ...] = (
    "pelvis",
    "spine",
    "neck",
    "head",
    "shoulder_l",
    "elbow_l",
    "wrist_l",
    "shoulder_r",
    "elbow_r",
    "wrist_r",
    "hip_l",
    "knee_l",
    "ankle_l",
    "hip_r",
    "knee_r",
    "ankle_r",
)

CANONICAL_BONES: tuple[tuple[str, str], ...] = (
    ("pelvis", "spine"),
    ("spine", "neck"),
    ("neck", "head"),
    ("neck", "shoulder_l"),
    ("shoulder_l", "elbow_l"),
    ("elbow_l", "wrist_l"),
    ("neck", "shoulder_r"),
    ("shoulder_r", "elbow_r"),
    ("elbow_r", "wrist_r"),
    ("pelvis", "hip_l"),
    ("hip_l", "knee_l"),
    ("knee_l", "ankle_l"),
    ("pelvis", "hip_r"),
    ("hip_r", "knee_r"),
    ("knee_r", "ankle_r"),
)


@dataclass(frozen=True)
class Topology:
    """A source's joints, its bones (for drawing), its up axis, and its map to canonical joints."""

    name: str
    joints: tuple[str, ...]
    bones: tuple[tuple[str, str], ...]
    up: tuple[float, ...]
    to_canonical: dict[str, tuple[tuple[str, float], ...]]
    dims: int = 3

    def index(self, joint: str) -> int:
        return self.joints.index(joint)

    def mapping_matrix(self) -> np.ndarray:
        """(16, J) weights: ``canonical = M @ source`` joint-wise."""
        m = np.zeros((len(CANONICAL_JOINTS), len(self.joints)))
        for i, name in enumerate(CANONICAL_JOINTS):
            for joint, weight in self.to_canonical[name]:
                m[i, self.index(joint)] = weight
        return m


def _identity(names: dict[str, str]) -> dict[str, tuple[tuple[str, float], ...]]:
    return {canonical: ((source, 1.0),) for canonical, source in names.items()}


def _mid(a: str, b: str) -> tuple[tuple[str, float], ...]:
    return ((a, 0.5), (b, 0.5))


CANONICAL = Topology(
    name="canonical",
    joints=CANONICAL_JOINTS,
    bones=CANONICAL_BONES,
    up=(0.0, 0.0, 1.0),
    to_canonical=_identity({j: j for j in CANONICAL_JOINTS}),
)

KINECT_V1_JOINTS = (
    "hip_center",
    "spine",
    "shoulder_center",
    "head",
    "shoulder_r",
    "elbow_r",
    "wrist_r",
    "hand_r",
    "shoulder_l",
    "elbow_l",
    "wrist_l",
    "hand_l",
    "hip_r",
    "knee_r",
    "ankle_r",
    "foot_r",
    "hip_l",
    "knee_l",
    "ankle_l",
    "foot_l",
)

KINECT_V1 = Topology(
    name="kinect_v1",
    joints=KINECT_V1_JOINTS,
    bones=(
        ("hip_center", "spine"),
        ("spine", "shoulder_center"),
        ("shoulder_center", "head"),
        ("shoulder_center", "shoulder_r"),
        ("shoulder_r", "elbow_r"),
        ("elbow_r", "wrist_r"),
        ("wrist_r", "hand_r"),
        ("shoulder_center", "shoulder_l"),
        ("shoulder_l", "elbow_l"),
        ("elbow_l", "wrist_l"),
        ("wrist_l", "hand_l"),
        ("hip_center", "hip_r"),
        ("hip_r", "knee_r"),
        ("knee_r", "ankle_r"),
        ("ankle_r", "foot_r"),
        ("hip_center", "hip_l"),
        ("hip_l", "knee_l"),
        ("knee_l", "ankle_l"),
        ("ankle_l", "foot_l"),
    ),
    up=(0.0, 1.0, 0.0),  # Kinect camera frame: y up, z away from the sensor
    to_canonical=_identity(
        {
            "pelvis": "hip_center",
            "spine": "spine",
            "neck": "shoulder_center",
            "head": "head",
            "shoulder_l": "shoulder_l",
            "elbow_l": "elbow_l",
            "wrist_l": "wrist_l",
            "shoulder_r": "shoulder_r",
            "elbow_r": "elbow_r",
            "wrist_r": "wrist_r",
            "hip_l": "hip_l",
            "knee_l": "knee_l",
            "ankle_l": "ankle_l",
            "hip_r": "hip_r",
            "knee_r": "knee_r",
            "ankle_r": "ankle_r",
        }
    ),
)

MEDIAPIPE_POSE_JOINTS = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

MEDIAPIPE_POSE = Topology(
    name="mediapipe_pose",
    joints=MEDIAPIPE_POSE_JOINTS,
    bones=(
        ("left_shoulder", "right_shoulder"),
        ("left_shoulder", "left_elbow"),
        ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"),
        ("right_elbow", "right_wrist"),
        ("left_shoulder", "left_hip"),
        ("right_shoulder", "right_hip"),
        ("left_hip", "right_hip"),
        ("left_hip", "left_knee"),
        ("left_knee", "left_ankle"),
        ("right_hip", "right_knee"),
        ("right_knee", "right_ankle"),
        ("left_ankle", "left_heel"),
        ("left_heel", "left_foot_index"),
        ("right_ankle", "right_heel"),
        ("right_heel", "right_foot_index"),
        ("nose", "left_eye"),
        ("nose", "right_eye"),
        ("left_eye", "left_ear"),
        ("right_eye", "right_ear"),
        ("mouth_left", "mouth_right"),
    ),
    up=(0.0, -1.0, 0.0),  # MediaPipe world landmarks: y points down, origin between the hips
    to_canonical={
        "pelvis": _mid("left_hip", "right_hip"),
        # Kinect's spine joint sits about a third of the way from pelvis to neck.
        "spine": (("left_hip", 0.35), ("right_hip", 0.35), ("left_shoulder", 0.15), ("right_shoulder", 0.15)),
        "neck": _mid("left_shoulder", "right_shoulder"),
        "head": _mid("left_ear", "right_ear"),
        **_identity(
            {
                "shoulder_l": "left_shoulder",
                "elbow_l": "left_elbow",
                "wrist_l": "left_wrist",
                "shoulder_r": "right_shoulder",
                "elbow_r": "right_elbow",
                "wrist_r": "right_wrist",
                "hip_l": "left_hip",
                "knee_l": "left_knee",
                "ankle_l": "left_ankle",
                "hip_r": "right_hip",
                "knee_r": "right_knee",
                "ankle_r": "right_ankle",
            }
        ),
    },
)

# The joints the teacher reads of Berkeley-MHAD's BVH skeleton (30 joints: these and the twist
# joints *Roll that lie on the bones between them), named as the release names them apart from
# case (its spine joints are lower case: spine, spine1, spine2); the shoulders hang from spine2.
BERKELEY_MHAD_JOINTS = (
    "Hips",
    "Spine",
    "Spine1",
    "Spine2",
    "Neck",
    "Head",
    "LeftShoulder",
    "LeftArm",
    "LeftForeArm",
    "LeftHand",
    "RightShoulder",
    "RightArm",
    "RightForeArm",
    "RightHand",
    "LeftUpLeg",
    "LeftLeg",
    "LeftFoot",
    "LeftToeBase",
    "RightUpLeg",
    "RightLeg",
    "RightFoot",
    "RightToeBase",
)

BERKELEY_MHAD = Topology(
    name="berkeley_mhad",
    joints=BERKELEY_MHAD_JOINTS,
    bones=(
        ("Hips", "Spine"),
        ("Spine", "Spine1"),
        ("Spine1", "Spine2"),
        ("Spine2", "Neck"),
        ("Neck", "Head"),
        ("Spine2", "LeftShoulder"),
        ("LeftShoulder", "LeftArm"),
        ("LeftArm", "LeftForeArm"),
        ("LeftForeArm", "LeftHand"),
        ("Spine2", "RightShoulder"),
        ("RightShoulder", "RightArm"),
        ("RightArm", "RightForeArm"),
        ("RightForeArm", "RightHand"),
        ("Hips", "LeftUpLeg"),
        ("LeftUpLeg", "LeftLeg"),
        ("LeftLeg", "LeftFoot"),
        ("LeftFoot", "LeftToeBase"),
        ("Hips", "RightUpLeg"),
        ("RightUpLeg", "RightLeg"),
        ("RightLeg", "RightFoot"),
        ("RightFoot", "RightToeBase"),
    ),
    up=(0.0, 1.0, 0.0),  # BVH convention: y up
    to_canonical=_identity(
        {
            "pelvis": "Hips",
            "spine": "Spine",
            "neck": "Neck",
            "head": "Head",
            "shoulder_l": "LeftArm",
            "elbow_l": "LeftForeArm",
            "wrist_l": "LeftHand",
            "shoulder_r": "RightArm",
            "elbow_r": "RightForeArm",
            "wrist_r": "RightHand",
            "hip_l": "LeftUpLeg",
            "knee_l": "LeftLeg",
            "ankle_l": "LeftFoot",
            "hip_r": "RightUpLeg",
            "knee_r": "RightLeg",
            "ankle_r": "RightFoot",
        }
    ),
)

COCO_17_JOINTS = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)

# MMAct's 2-D keypoints (image coordinates, y down): COCO-17 order.
COCO_17 = Topology(
    name="coco_17",
    joints=COCO_17_JOINTS,
    bones=tuple((a, b) for a, b in MEDIAPIPE_POSE.bones if a in COCO_17_JOINTS and b in COCO_17_JOINTS),
    up=(0.0, -1.0),
    to_canonical={k: v for k, v in MEDIAPIPE_POSE.to_canonical.items()},
    dims=2,
)

TOPOLOGIES: dict[str, Topology] = {t.name: t for t in (CANONICAL, KINECT_V1, MEDIAPIPE_POSE, BERKELEY_MHAD, COCO_17)}


def get_topology(name: str) -> Topology:
    if name not in TOPOLOGIES:
        raise ValueError(f"topology: expected one of {sorted(TOPOLOGIES)}, got {name!r}")
    return TOPOLOGIES[name]


def _rotation_to_z_up(up: np.ndarray) -> np.ndarray:
    """Rotation matrix taking the unit vector ``up`` onto +z (Rodrigues)."""
    up = up / np.linalg.norm(up)
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(up, z)
    c = float(up @ z)
    if np.isclose(c, -1.0):
        return np.diag([1.0, -1.0, -1.0])
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx / (1.0 + c)


def to_canonical(frames: np.ndarray, topology: Topology | str) -> np.ndarray:
    """Map (T, J, D) source frames to (T, 16, 3) canonical joints with z up.

    2-D keypoints (image coordinates) are lifted into the x-z plane: x along the image's right,
    z along the topology's up, depth 0. A teacher then sees a planar body through the same
    ``body_frame`` as a 3-D one, which is all a single camera's 2-D keypoints can say.
    NaN joints (tracking dropouts) stay NaN in every canonical joint they feed.
    """
    topo = get_topology(topology) if isinstance(topology, str) else topology
    frames = np.asarray(frames, dtype=np.float64)
    if frames.ndim != 3 or frames.shape[1:] != (len(topo.joints), topo.dims):
        raise ValueError(f"frames: expected (T, {len(topo.joints)}, {topo.dims}) for {topo.name}, got {frames.shape}")
    mapped = np.einsum("cj,tjd->tcd", topo.mapping_matrix(), frames)
    if topo.dims == 2:
        up = np.asarray(topo.up, dtype=np.float64) / np.linalg.norm(topo.up)
        right = np.array([-up[1], up[0]])
        return np.stack([mapped @ right, np.zeros(mapped.shape[:2]), mapped @ up], axis=-1)
    return mapped @ _rotation_to_z_up(np.asarray(topo.up, dtype=np.float64)).T


def body_frame(canonical: np.ndarray) -> np.ndarray:
    """Express (T, 16, 3) canonical frames in the body frame of their first valid frames.

    Origin at the mean pelvis, x along the mean left->right hip line projected on the ground,
    z up, unit = mean pelvis-neck distance. Removes camera placement and body size, keeps motion.
    """
    c = np.asarray(canonical, dtype=np.float64)
    idx = {n: i for i, n in enumerate(CANONICAL_JOINTS)}
    with warnings.catch_warnings():  # all-NaN input is reported below, not as a RuntimeWarning
        warnings.simplefilter("ignore", RuntimeWarning)
        pelvis = np.nanmean(c[:, idx["pelvis"]], axis=0)
        hips = np.nanmean(c[:, idx["hip_r"]] - c[:, idx["hip_l"]], axis=0)
        torso = np.nanmean(np.linalg.norm(c[:, idx["neck"]] - c[:, idx["pelvis"]], axis=-1))
    if not np.isfinite(pelvis).all() or not np.isfinite(hips).all() or not (np.isfinite(torso) and torso > 0):
        raise ValueError("canonical: no frame with pelvis, hips and neck tracked")
    angle = np.arctan2(hips[1], hips[0])
    cos, sin = np.cos(-angle), np.sin(-angle)
    rot = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
    return ((c - pelvis) @ rot.T) / torso
