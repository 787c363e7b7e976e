"""MMAct (Kong et al. 2019): phone/watch accelerometers + 2-D keypoints of trimmed action clips.

Layout of the trimmed release (the organisers' challenge dev-kit, mmact19/challenge: its README
and its sensor reader ``utils/time_series_classifiers.py``), found under ``root`` or up to two
folders below it (``trimmed/sensors/``, ``Sensor_trimmed/``, ``sensor_fs/``):
``acc_watch_clip/subjectN/sceneK/sessionM/<action>.csv`` (the watch on the right hand, 100 Hz;
``acc_phone_clip``: the phone in the right trouser pocket, 100 Hz): no header, rows
``YYYYMMDD_HH:MM:SS.ffffff, x, y, z`` (m/s^2, gravity included; the fraction is sometimes
missing). Files in g or raw counts are refused, not guessed. The gyroscope (``gyro_clip``, 50 Hz)
and orientation are the phone's: a watch student has none, and they are not read. Files a sensor
folder's ``invalid_files.txt`` lists (the release's list of empty or bad clips) are skipped.
Keypoints (OpenPifPaf, checked by hand): ``.../subjectN/camC/sceneK/sessionM/<action>.json``
anywhere under ``root`` (the challenge's ``pose/cross_view/trainval/``): a JSON object of frames
in order, each ``{"person1": [x, y, score] * 17, "person2": [] ...}`` in COCO-17 order, image
coordinates; a score of 0 is an undetected joint (NaN here). The videos are 30 fps by the
challenge's page (a challenge report says 24 for most trimmed clips: ``--option pose_fps=24``).

What the public material leaves open is handled, not assumed silently:
- action names are lower-cased (file names mix cases); a name outside the 35 we know is kept as
  a label with one warning;
- sensor stamps that do not strictly increase (repeated wall-clock values) are replaced by the
  same number of samples spread evenly over the clip's measured span, with one warning;
- a clip with no keypoint file for ``camera`` keeps its accelerometer (it trains students, not
  teachers) and the count is warned; clips are assumed to start together (both are trimmed to
  the action), keypoint frames at ``pose_fps``;
- the challenge release repeats clips across its split folders: the first file in path order is
  used.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path

import numpy as np

from har_kd_ros.recordings.recording import Recording
from har_kd_ros.skeleton.topology import COCO_17_JOINTS
from training.data.loaders import DatasetError
from training.data.skeleton_check import check_skeleton
from training.data.span_check import check_trimmed_spans

SENSORS = ("acc_watch", "acc_phone")
LOCATIONS = {"acc_watch": "right_wrist", "acc_phone": "right_pocket"}
KNOWN_ACTIONS: frozenset[str] = frozenset((
    "carrying", "carrying_heavy", "carrying_light", "checking_time", "closing", "crouching", "drinking",
    "entering", "exiting", "fall", "jumping", "kicking", "loitering", "looking_around", "opening",
    "picking_up", "pocket_in", "pocket_out", "pointing", "pulling", "pushing", "running", "setting_down",
    "sitting", "sitting_down", "standing", "standing_up", "talking", "talking_on_phone", "throwing",
    "transferring_object", "using_pc", "using_phone", "walking", "waving_hand",
))  # fmt: skip
_CLIP = re.compile(r"^subject(\d+)$"), re.compile(r"^scene(\d+)$"), re.compile(r"^session(\d+)$")
_CAM = re.compile(r"^cam(\d+)$")
_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})_(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$")
_N_VALUES = 3 * len(COCO_17_JOINTS)
_EPOCH_DAY = dt.date(2000, 1, 1).toordinal()


def parse_stamp(text: str) -> float:
    """Seconds since 2000-01-01 of a ``YYYYMMDD_HH:MM:SS[.ffffff]`` stamp (only differences matter).

    A recent epoch keeps float64 resolution near 0.1 us (since year 1 it would be ~10 us).
    """
    m = _STAMP.match(text.strip())
    if m is None:
        raise ValueError(f"expected YYYYMMDD_HH:MM:SS.ffffff, got {text.strip()!r}")
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    days = dt.date(year, month, day).toordinal() - _EPOCH_DAY  # raises ValueError on an impossible date
    return days * 86400.0 + hour * 3600.0 + minute * 60.0 + float(m.group(6))


def read_sensor_csv(path: Path) -> tuple[np.ndarray, np.ndarray, bool]:
    """(t seconds from the first sample, acc m/s^2, stamps_regularised) of one MMAct sensor clip."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: not a readable MMAct sensor CSV ({type(exc).__name__})") from None
    rows = [line for line in lines if line.strip()]
    if len(rows) < 2:
        raise DatasetError(f"{path}: expected at least 2 rows of 'YYYYMMDD_HH:MM:SS.ffffff,x,y,z', got {len(rows)}")
    stamps = np.empty(len(rows))
    acc = np.empty((len(rows), 3))
    for i, row in enumerate(rows):
        cells = row.split(",")
        try:
            if len(cells) != 4:
                raise ValueError(f"expected 4 columns (stamp, x, y, z), got {len(cells)}")
            stamps[i] = parse_stamp(cells[0])
            acc[i] = [float(c) for c in cells[1:]]
        except ValueError as exc:
            raise DatasetError(f"{path}: row {i + 1}: {exc}") from None
    if not np.isfinite(acc).all():
        raise DatasetError(f"{path}: contains NaN/Inf")
    magnitude = float(np.median(np.linalg.norm(acc, axis=1)))
    if not 2.0 <= magnitude <= 200.0:  # vigorous arm swings reach several g, so no tighter window
        raise DatasetError(
            f"{path}: median |acc| {magnitude:.3g} is not m/s^2 with gravity (~1: g units? >200: raw counts?)"
        )
    t = stamps - stamps[0]
    if np.all(np.diff(t) > 0):
        return t, acc, False
    span = float(t.max())
    if not span > 0:
        raise DatasetError(f"{path}: all {len(rows)} stamps are equal; the clip has no duration")
    return np.linspace(0.0, span, len(rows)), acc, True


def read_keypoints(path: Path, person: str, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(T, 17, 2) COCO keypoints (NaN = undetected) and their stamps of one MMAct pose JSON."""
    try:
        frames = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: not a readable keypoint JSON ({type(exc).__name__})") from None
    if not isinstance(frames, dict) or not frames:
        raise DatasetError(f"{path}: expected a JSON object of frames {{frame: {{person1: [...]}}}}")
    keys = sorted(frames, key=lambda k: [int(d) for d in re.findall(r"\d+", k)] or [0])
    out = np.full((len(keys), len(COCO_17_JOINTS), 2), np.nan)
    for i, key in enumerate(keys):
        frame = frames[key]
        if not isinstance(frame, dict):
            raise DatasetError(f"{path}: frame {key!r}: expected an object of persons, got {type(frame).__name__}")
        values = frame.get(person) or []
        if not values:
            continue  # the person is not detected in this frame: a dropout
        try:
            kp = np.asarray(values, dtype=np.float64).reshape(len(COCO_17_JOINTS), 3)
        except (ValueError, TypeError):
            raise DatasetError(
                f"{path}: frame {key!r}: {person}: expected {_N_VALUES} numbers (x, y, score) * 17"
            ) from None
        if not np.isfinite(kp).all():
            raise DatasetError(f"{path}: frame {key!r}: {person}: contains NaN/Inf")
        detected = kp[:, 2] > 0
        out[i, detected] = kp[detected, :2]
    return out, np.arange(len(keys)) / fps


def _find_sensor_root(root: Path, sensor: str) -> Path:
    name = f"{sensor}_clip"
    candidates = [root / name, *sorted(root.glob(f"*/{name}")), *sorted(root.glob(f"*/*/{name}"))]
    found = [c for c in candidates if c.is_dir()]
    if not found:
        raise DatasetError(
            f"{root}: no {name} folder here or up to two levels below (expected MMAct's trimmed sensors)"
        )
    return found[0]


def _invalid_files(sensor_root: Path) -> set[str]:
    """The clips the release's ``invalid_files.txt`` lists, as paths relative to the sensor folder
    (entries without a folder cannot say which subject's clip they mean and are ignored)."""
    listing = sensor_root / "invalid_files.txt"
    if not listing.is_file():
        return set()
    out = set()
    for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
        entry = line.strip().replace("\\", "/").lstrip("./")
        if "/" in entry:
            out.add(entry.split(f"{sensor_root.name}/", 1)[-1])
    return out


def _clip_key(parts: tuple[str, ...]) -> tuple[int, int, int] | None:
    """(subject, scene, session) from path parts subjectN/sceneK/sessionM, else None."""
    matches = [p.match(part) for p, part in zip(_CLIP, parts, strict=True)]
    if not all(matches):
        return None
    return tuple(int(m.group(1)) for m in matches)  # type: ignore[return-value, union-attr]


def _index_keypoints(root: Path, camera: str) -> dict[tuple[int, int, int, str], Path]:
    index: dict[tuple[int, int, int, str], Path] = {}
    for path in sorted(root.rglob("*.json")):
        parts = path.parent.parts
        if len(parts) < 4 or parts[-3] != camera:
            continue
        key = _clip_key((parts[-4], parts[-2], parts[-1]))
        if key is not None:
            index.setdefault((*key, path.stem.lower()), path)  # the first copy in path order wins
    return index


def load_mmact(
    root: str | Path,
    sensor: str = "acc_watch",
    with_skeleton: bool = True,
    camera: str = "cam1",
    person: str = "person1",
    pose_fps: float = 30.0,
) -> list[Recording]:
    """One Recording per trimmed clip: ``sensor`` accelerometer, ``camera``'s keypoints if any."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: MMAct folder not found")
    if sensor not in SENSORS:
        raise DatasetError(f"sensor: expected one of {SENSORS}, got {sensor!r}")
    if not _CAM.match(camera):
        raise DatasetError(f"camera: expected camN (cam1..cam4), got {camera!r}")
    if not pose_fps > 0:
        raise DatasetError(f"pose_fps: expected > 0, got {pose_fps}")
    sensor_root = _find_sensor_root(root, sensor)
    invalid = _invalid_files(sensor_root)
    clips, skipped = [], 0
    for path in sorted(sensor_root.glob("subject*/scene*/session*/*.csv")):
        if path.relative_to(sensor_root).as_posix() in invalid:
            skipped += 1
            continue
        key = _clip_key(path.parent.relative_to(sensor_root).parts)
        if key is not None:
            clips.append((key, path))
    if skipped:
        warnings.warn(f"{sensor_root}: skipped {skipped} clips that invalid_files.txt lists", stacklevel=2)
    if not clips:
        raise DatasetError(f"{sensor_root}: no subjectN/sceneK/sessionM/<action>.csv clips")
    keypoints = _index_keypoints(root, camera) if with_skeleton else {}
    recordings, unknown, regularised, no_pose = [], set(), 0, 0
    for (subject, scene, session), path in clips:
        action = path.stem.strip().lower().replace(" ", "_")
        if action not in KNOWN_ACTIONS:
            unknown.add(action)
        t, acc, fixed = read_sensor_csv(path)
        regularised += fixed
        skeleton = skeleton_t = None
        pose_path = keypoints.get((subject, scene, session, action))
        if pose_path is not None:
            skeleton, skeleton_t = read_keypoints(pose_path, person, pose_fps)
        elif with_skeleton:
            no_pose += 1
        recordings.append(
            Recording(
                subject=f"s{subject:02d}", trial=f"scene{scene}_session{session}", label=action, acc=acc, acc_t=t,
                gravity="included", location=LOCATIONS[sensor], skeleton=skeleton, skeleton_t=skeleton_t,
                topology="coco_17" if skeleton is not None else None, source="mmact",
            ).validate(str(path))
        )  # fmt: skip
        if pose_path is not None:  # a clip and its keypoints are trimmed alike
            check_skeleton(skeleton, "coco_17", str(pose_path))
            check_trimmed_spans(recordings[-1], f"{path} + {pose_path.name}", f"keypoints read at {pose_fps:g} fps "
                                "(--option pose_fps)")  # fmt: skip
    if unknown:
        warnings.warn(
            f"{sensor_root}: actions {sorted(unknown)} are not MMAct names we know; kept as labels", stacklevel=2
        )
    if regularised:
        warnings.warn(
            f"{sensor_root}: {regularised} of {len(clips)} clips had repeated or unordered stamps; "
            "their samples were spread evenly over each clip's measured span",
            stacklevel=2,
        )
    if no_pose:
        warnings.warn(
            f"{root}: {no_pose} of {len(clips)} clips have no {camera} keypoint file; they train students only",
            stacklevel=2,
        )
    return recordings
