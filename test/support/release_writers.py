"""Stand-ins for datasets written as their releases lay them out, from the published formats and
not from the loaders' code: what a loader reads here is what the real files hold.

UTD-MHAD (Chen, Jafari, Kehtarnavaz 2015; the release's Sample_Code/Skeleton_joint_order.txt):
``Inertial/aN_sM_tK_inertial.mat`` holds ``d_iner``, T x 6 (acc x y z in g, gyro x y z in deg/s,
50 Hz); ``Skeleton/aN_sM_tK_skeleton.mat`` holds ``d_skel``, 20 x 3 x T Kinect v1 joints (30 Hz,
metres, camera frame: x to the subject's right when facing the camera, y up, z away from the
camera) numbered 1 head, 2 shoulder_center, 3 spine, 4 hip_center, 5-8 left shoulder, elbow,
wrist, hand, 9-12 the same on the right, 13-16 left hip, knee, ankle, foot, 17-20 the right.

Berkeley-MHAD (Ofli et al. 2013; its public readers: teco-kit/whar-datasets, and position CSVs
converted from the released BVH files in SWENG-2021-G27/csv-to-json-har):
``Accelerometer/Shimmer0N/acc_h0N_sSS_aAA_rRR.txt`` rows ``x y z timestamp`` (g, Unix seconds,
about 31 Hz); ``Mocap/SkeletalData/skl_sSS_aAA_rRR.bvh``: 30 joints in the file order below (the
spine joints in lower case, twist joints ``*Roll`` on every limb bone, the shoulders hanging from
spine2, End Sites after Head, the hands and the toes), 6 root channels and 3 rotations per joint
(93), centimetres, y up, 480 Hz. Bone lengths are subject s01's. The rotation order of the real
files is not known here: the writer uses ``Zrotation Xrotation Yrotation`` and states it in the
file, as every BVH does.

MMAct (Kong et al. 2019; the organisers' challenge kit mmact19/challenge): trimmed sensor clips
``<sensors>/acc_watch_clip/subjectN/sceneK/sessionM/<action>.csv``, no header, rows
``YYYYMMDD_HH:MM:SS.ffffff,x,y,z`` (m/s^2), action names in mixed case; OpenPifPaf COCO-17
keypoints ``pose/cross_view/trainval/subjectN/camC/sceneK/sessionM/<action>.json``: a JSON object
of frames, each ``{"person1": [x, y, score] * 17, "person2": []}`` in pixels, 30 fps.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
from scipy.io import savemat

from training.data.synthetic import canonical_to_mediapipe, generate_dataset

UTD_JOINT_ORDER = (
    "head", "shoulder_center", "spine", "hip_center",
    "left_shoulder", "left_elbow", "left_wrist", "left_hand",
    "right_shoulder", "right_elbow", "right_wrist", "right_hand",
    "left_hip", "left_knee", "left_ankle", "left_foot",
    "right_hip", "right_knee", "right_ankle", "right_foot",
)  # fmt: skip
# a person standing 2.5 m in front of the Kinect, facing it: their right is +x, their feet point to -z
_STANDING = {
    "head": (0.0, 0.65, 2.5), "shoulder_center": (0.0, 0.45, 2.5), "spine": (0.0, 0.15, 2.5),
    "hip_center": (0.0, 0.0, 2.5),
    "left_shoulder": (-0.2, 0.42, 2.5), "left_elbow": (-0.25, 0.15, 2.5), "left_wrist": (-0.27, -0.1, 2.48),
    "left_hand": (-0.28, -0.18, 2.47),
    "right_shoulder": (0.2, 0.42, 2.5), "right_elbow": (0.25, 0.15, 2.5), "right_wrist": (0.27, -0.1, 2.48),
    "right_hand": (0.28, -0.18, 2.47),
    "left_hip": (-0.1, -0.05, 2.5), "left_knee": (-0.1, -0.5, 2.48), "left_ankle": (-0.1, -0.95, 2.5),
    "left_foot": (-0.1, -1.0, 2.38),
    "right_hip": (0.1, -0.05, 2.5), "right_knee": (0.1, -0.5, 2.48), "right_ankle": (0.1, -0.95, 2.5),
    "right_foot": (0.1, -1.0, 2.38),
}  # fmt: skip


def utd_skeleton(frames: int, rng: np.random.Generator, order=UTD_JOINT_ORDER, scale: float = 1.0) -> np.ndarray:
    """``d_skel`` (20 x 3 x frames) of a person waving their right hand, joints in ``order``."""
    t = np.arange(frames) / 30.0
    body = np.array([_STANDING[j] for j in UTD_JOINT_ORDER])[None].repeat(frames, 0)
    wave = 0.25 * np.sin(2 * np.pi * 1.5 * t)
    for j, lift in (("right_elbow", 0.3), ("right_wrist", 0.65), ("right_hand", 0.75)):
        k = UTD_JOINT_ORDER.index(j)
        body[:, k, 1] += lift
        body[:, k, 0] += wave * lift
    body += rng.normal(0, 0.01, body.shape)
    index = [UTD_JOINT_ORDER.index(j) for j in order]
    return np.transpose(body[:, index] * scale, (1, 2, 0))


def write_utd_mhad(
    root: Path,
    trials=(("a1", "s1", "t1"), ("a23", "s2", "t1"), ("a8", "s1", "t4")),
    frames: int = 60,
    order=UTD_JOINT_ORDER,
    scale: float = 1.0,
    inertial_samples: int | None = None,
) -> None:
    """``inertial_samples`` (default: the skeleton's span at 50 Hz) writes a trial whose streams disagree."""
    (root / "Inertial").mkdir(parents=True, exist_ok=True)
    (root / "Skeleton").mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    for a, s, t in trials:
        n = inertial_samples or frames * 5 // 3  # 50 Hz inertial over the 30 Hz skeleton's span
        iner = np.hstack([rng.normal(0, 0.1, (n, 3)) + [0, 0, 1.0], rng.normal(0, 30, (n, 3))])
        savemat(root / "Inertial" / f"{a}_{s}_{t}_inertial.mat", {"d_iner": iner})
        savemat(root / "Skeleton" / f"{a}_{s}_{t}_skeleton.mat", {"d_skel": utd_skeleton(frames, rng, order, scale)})


# (joint, parent, offset in cm) in the release's file order
BERKELEY_HIERARCHY = (
    ("Hips", None, (0.0, 0.0, 0.0)),
    ("spine", "Hips", (0.0, 6.403, 0.0)),
    ("spine1", "spine", (0.0, 9.176, 0.0)),
    ("spine2", "spine1", (0.0, 8.792, 0.0)),
    ("Neck", "spine2", (0.0, 22.599, 0.0)),
    ("Head", "Neck", (0.0, 6.820, 0.0)),
    ("RightShoulder", "spine2", (-3.70, 9.510, 0.0)),
    ("RightArm", "RightShoulder", (-12.454, 0.0, 0.0)),
    ("RightArmRoll", "RightArm", (-6.287, 0.0, 0.0)),
    ("RightForeArm", "RightArmRoll", (-18.311, 0.0, 0.0)),
    ("RightForeArmRoll", "RightForeArm", (-7.055, 0.0, 0.0)),
    ("RightHand", "RightForeArmRoll", (-14.157, 0.0, 0.0)),
    ("LeftShoulder", "spine2", (3.70, 9.510, 0.0)),
    ("LeftArm", "LeftShoulder", (12.454, 0.0, 0.0)),
    ("LeftArmRoll", "LeftArm", (6.287, 0.0, 0.0)),
    ("LeftForeArm", "LeftArmRoll", (18.311, 0.0, 0.0)),
    ("LeftForeArmRoll", "LeftForeArm", (7.055, 0.0, 0.0)),
    ("LeftHand", "LeftForeArmRoll", (14.157, 0.0, 0.0)),
    ("RightUpLeg", "Hips", (-5.665, -1.360, 0.0)),
    ("RightUpLegRoll", "RightUpLeg", (0.0, -16.601, 0.0)),
    ("RightLeg", "RightUpLegRoll", (0.0, -20.557, 0.0)),
    ("RightLegRoll", "RightLeg", (0.0, -20.624, 0.0)),
    ("RightFoot", "RightLegRoll", (0.0, -17.166, 0.0)),
    ("RightToeBase", "RightFoot", (0.0, -3.0, 14.033)),
    ("LeftUpLeg", "Hips", (5.665, -1.360, 0.0)),
    ("LeftUpLegRoll", "LeftUpLeg", (0.0, -16.601, 0.0)),
    ("LeftLeg", "LeftUpLegRoll", (0.0, -20.557, 0.0)),
    ("LeftLegRoll", "LeftLeg", (0.0, -20.815, 0.0)),
    ("LeftFoot", "LeftLegRoll", (0.0, -16.976, 0.0)),
    ("LeftToeBase", "LeftFoot", (0.0, -3.0, 14.033)),
)  # fmt: skip
_END_SITES = {"Head": (0.0, 10.0, 0.0), "RightHand": (-5.0, 0.0, 0.0), "LeftHand": (5.0, 0.0, 0.0),
              "RightToeBase": (0.0, 0.0, 5.0), "LeftToeBase": (0.0, 0.0, 5.0)}  # fmt: skip
BERKELEY_FRAME_TIME = 1 / 480
BERKELEY_IMU_HZ = 31.0


def berkeley_bvh(n_frames: int, rng: np.random.Generator, truncate: bool = False) -> str:
    """A mocap file of a person standing (facing +z, the arms out) and swaying a little: a few
    degrees of rotation on every joint, the hips about 85 cm up and drifting along x."""
    lines = ["HIERARCHY"]

    def block(name: str, depth: int) -> None:
        pad = "\t" * depth
        parent, offset = next((p, o) for j, p, o in BERKELEY_HIERARCHY if j == name)
        lines.append(f"{pad}{'ROOT' if parent is None else 'JOINT'} {name}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}\tOFFSET {offset[0]:.5f} {offset[1]:.5f} {offset[2]:.5f}")
        rotations = "Zrotation Xrotation Yrotation"
        channels = f"6 Xposition Yposition Zposition {rotations}" if parent is None else f"3 {rotations}"
        lines.append(f"{pad}\tCHANNELS {channels}")
        for child in [j for j, p, _ in BERKELEY_HIERARCHY if p == name]:
            block(child, depth + 1)
        if name in _END_SITES:
            e = _END_SITES[name]
            lines.extend(
                [f"{pad}\tEnd Site", f"{pad}\t{{", f"{pad}\t\tOFFSET {e[0]:.5f} {e[1]:.5f} {e[2]:.5f}", f"{pad}\t}}"]
            )
        lines.append(f"{pad}}}")

    block("Hips", 0)
    n_rotations = 3 * (len(BERKELEY_HIERARCHY) - 1)
    lines += ["MOTION", f"Frames: {n_frames}", f"Frame Time: {BERKELEY_FRAME_TIME:.6f}"]
    for k in range(n_frames):
        root = [0.5 * np.sin(k / 200), 85.6, 0.0, *rng.normal(0, 2, 3)]
        row = np.concatenate([root, rng.normal(0, 4, n_rotations)])
        lines.append(" ".join(f"{v:.4f}" for v in row))
    text = "\n".join(lines) + "\n"
    return text[: len(text) - 200] if truncate else text


def write_berkeley_mhad(
    root: Path,
    trials=((1, 4, 1), (8, 7, 2)),
    shimmer: int = 2,
    units: str = "g",
    vigorous=(),
    ticks: bool = False,
    seconds: float = 2.9,
) -> None:
    """Each (subject, action, repetition) trial: a Shimmer file and its BVH of the same span.
    ``vigorous`` trials swing at 2.5 g median; ``ticks`` logs a 32768 Hz device counter in place of
    Unix seconds (the mistake a reader of the wrong column makes)."""
    acc_dir = root / "Accelerometer" / f"Shimmer{shimmer:02d}"
    acc_dir.mkdir(parents=True, exist_ok=True)
    (root / "Mocap" / "SkeletalData").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for s, a, r in trials:
        n = int(seconds * BERKELEY_IMU_HZ)
        acc = rng.normal(0, 0.05, (n, 3)) + [0, 1.0, 0]
        if (s, a, r) in vigorous:
            acc = acc + [2.0, 0.5, 0.0]
        acc = acc * (9.80665 if units == "m/s^2" else 1.0)
        stamps = 1309539264.038 + np.arange(n) / BERKELEY_IMU_HZ
        if ticks:
            stamps = np.arange(n) * 1057.0
        name = f"acc_h{shimmer:02d}_s{s:02d}_a{a:02d}_r{r:02d}.txt"
        np.savetxt(acc_dir / name, np.column_stack([acc, stamps]), fmt="%.6f")
        bvh = berkeley_bvh(round(seconds / BERKELEY_FRAME_TIME), rng)
        (root / "Mocap" / "SkeletalData" / f"skl_s{s:02d}_a{a:02d}_r{r:02d}.bvh").write_text(bvh)


# MMAct
MMACT_START = dt.datetime(2018, 11, 6, 10, 13, 44, 250000)


def coco_pixels(canonical: np.ndarray, yaw: float) -> np.ndarray:
    """(T, 17, 2) pixel keypoints of a canonical skeleton seen by a pinhole camera 4 m away."""
    from har_kd_ros.skeleton.topology import COCO_17_JOINTS, MEDIAPIPE_POSE

    world = canonical_to_mediapipe(canonical)  # x right, y down, z away from the camera (metres)
    world = world[:, [MEDIAPIPE_POSE.index(j) for j in COCO_17_JOINTS]]
    c, s = np.cos(yaw), np.sin(yaw)
    x, z = c * world[..., 0] + s * world[..., 2], -s * world[..., 0] + c * world[..., 2] + 4.0
    return np.stack([640 + 900 * x / z, 360 + 900 * world[..., 1] / z], axis=-1)


def write_mmact(root, subjects=(1, 17), activities=("walking", "drinking"), sessions=(1,), cameras=("cam1",)):
    """Synthetic clips as MMAct ships them; returns {(subject, activity, session): Recording}."""
    recs = generate_dataset(n_subjects=len(subjects), trials=len(sessions), activities=activities, seed=3)
    written = {}
    for rec in recs:
        subject = subjects[int(rec.subject.lstrip("s")) - 1]
        session = sessions[int(rec.trial) - 1]
        clip = f"subject{subject}/scene2/session{session}"
        folder = root / "Sensor_trimmed" / "acc_watch_clip" / clip
        folder.mkdir(parents=True, exist_ok=True)
        name = rec.label.capitalize() if rec.label == "walking" else rec.label  # MMAct mixes cases
        with (folder / f"{name}.csv").open("w") as f:
            for t, (ax, ay, az) in zip(rec.acc_t, rec.acc, strict=True):
                stamp = (MMACT_START + dt.timedelta(seconds=float(t))).strftime("%Y%m%d_%H:%M:%S.%f")
                f.write(f"{stamp},{ax:.6f},{ay:.6f},{az:.6f}\n")
        for k, cam in enumerate(cameras):
            pixels = coco_pixels(rec.skeleton, yaw=0.3 * k)
            frames = {}
            for i, frame in enumerate(pixels):
                person = [] if not np.isfinite(frame).all() else np.column_stack([frame, np.full(17, 0.9)])
                frames[f"frame_{i + 1:05d}"] = {"person1": np.asarray(person).ravel().round(2).tolist(), "person2": []}
            pose = (
                root / "pose" / "cross_view" / "trainval" / f"subject{subject}" / cam / "scene2" / f"session{session}"
            )
            pose.mkdir(parents=True, exist_ok=True)
            (pose / f"{rec.label}.json").write_text(json.dumps(frames))
        written[(subject, rec.label, session)] = rec
    return written
