"""Does a loaded skeleton look like a body? A wrong joint order, up axis, unit or mirror gives a
skeleton that trains a teacher just as well as a right one, so nothing downstream would notice:
this is checked once, on the data, for every recording a loader returns.

- the head is above the pelvis (along the topology's up axis) in most frames (image keypoints too:
  their up is up the image);
- the torso (pelvis to neck) is 0.2-1.2 m long: metres, not millimetres or centimetres;
- left and right agree with the way the body faces: its feet point forward, so the subject's right
  shoulder lies on the right of (forward x up). Topologies without feet skip this, and so do
  image keypoints, as they do the torso's length.
"""

from __future__ import annotations

import numpy as np

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS, get_topology
from training.data.loaders import DatasetError

MOST = 0.7  # share of the tracked frames a check must hold in (sensor noise, lying down, turning)
TORSO_M = (0.2, 1.2)
# (ankle, toe) per side: where the feet point, which is forward
FEET = {
    "kinect_v1": (("ankle_l", "foot_l"), ("ankle_r", "foot_r")),
    "mediapipe_pose": (("left_ankle", "left_foot_index"), ("right_ankle", "right_foot_index")),
    "berkeley_mhad": (("LeftFoot", "LeftToeBase"), ("RightFoot", "RightToeBase")),
}


def check_skeleton(frames: np.ndarray, topology_name: str, source: str) -> None:
    """Raise a one-line DatasetError naming ``source`` if ``frames`` (T x J x 3) is not a body."""
    topology = get_topology(topology_name)
    if frames.ndim != 3 or frames.shape[2] != topology.dims:
        return
    frames = frames[np.isfinite(frames).all(axis=(1, 2))]
    if len(frames) == 0:
        return
    up = np.asarray(topology.up, dtype=np.float64)
    canonical = np.einsum("cj,tjd->tcd", topology.mapping_matrix(), frames)
    joint = {name: canonical[:, i] for i, name in enumerate(CANONICAL_JOINTS)}
    above = float(np.mean((joint["head"] - joint["pelvis"]) @ up > 0))
    if above < MOST:
        raise DatasetError(
            f"{source}: the head is above the pelvis in {above:.0%} of frames: not {topology_name}'s joint order "
            f"or up axis {tuple(topology.up)}"
        )
    if topology.dims != 3:  # image keypoints: pixels have no metric length and no depth to face by
        return
    torso = float(np.median(np.linalg.norm(joint["neck"] - joint["pelvis"], axis=1)))
    if not TORSO_M[0] <= torso <= TORSO_M[1]:
        raise DatasetError(
            f"{source}: the torso is {torso:.3g} long; expected {TORSO_M[0]}-{TORSO_M[1]} m (are the units metres?)"
        )
    feet = FEET.get(topology_name)
    if feet is None or not all(j in topology.joints for side in feet for j in side):
        return
    forward = sum(frames[:, topology.index(toe)] - frames[:, topology.index(ankle)] for ankle, toe in feet)
    forward -= np.outer(forward @ up, up)  # horizontal
    right = np.cross(forward, up)
    agree = float(np.mean(np.einsum("td,td->t", joint["shoulder_r"] - joint["shoulder_l"], right) > 0))
    if agree < MOST:
        raise DatasetError(
            f"{source}: the right shoulder is on the body's right in {agree:.0%} of frames: left and right "
            f"are swapped against {topology_name}'s joint order"
        )
