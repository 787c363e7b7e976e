"""Physically grounded synthetic paired recordings: one motion, seen by a camera and a watch.

An articulated body (per-subject bone lengths, tempo, amplitude, handedness, posture;
:mod:`.body`) performs parametric activities and rests (:mod:`.motions`). The joint angles are
smooth functions of time, so the same motion is evaluated twice: forward kinematics for the
camera's skeleton (:mod:`.camera`), and the specific force and angular rate of a watch strapped
to a forearm (:mod:`.sensors`). :mod:`.generate` turns schedules of activities into
:class:`~har_kd_ros.recordings.recording.Recording` s. Output skeletons use the ``canonical`` topology
(har_kd_ros.skeleton.topology). Everything is deterministic given the seed.
"""

from training.data.synthetic.body import Subject, forward_kinematics, make_subject
from training.data.synthetic.camera import SKELETON_RATE_HZ, canonical_to_mediapipe
from training.data.synthetic.generate import generate_dataset, generate_recording, generate_stream
from training.data.synthetic.motions import (
    ACTIVITIES,
    MOTION_ACTIVITIES,
    REST_ACTIVITIES,
    Trial,
    joint_angles,
    make_trial,
)
from training.data.synthetic.sensors import GRAVITY, Watch, ideal_imu, nominal_watch, random_watch, still_watch

__all__ = [
    "ACTIVITIES",
    "GRAVITY",
    "MOTION_ACTIVITIES",
    "REST_ACTIVITIES",
    "SKELETON_RATE_HZ",
    "Subject",
    "Trial",
    "Watch",
    "canonical_to_mediapipe",
    "forward_kinematics",
    "generate_dataset",
    "generate_recording",
    "generate_stream",
    "ideal_imu",
    "joint_angles",
    "make_subject",
    "make_trial",
    "nominal_watch",
    "random_watch",
    "still_watch",
]
