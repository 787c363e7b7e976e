"""Recordings from the simulation: one schedule of activities, seen by a camera and a watch.

A trial is a schedule: the activity with a short rest before and after it (standing, or sitting
before a stand_up and after a sit_down), each span labelled, so a model learns that stillness is
rest and that a posture change is only the change itself. The same joint angles drive the
skeleton (30 Hz, tracking noise, dropouts) and the watch (its own rate, mounting and errors,
training/data/synthetic/sensors.py). A ``still`` trial is a watch that nobody wears: no skeleton.
Everything is deterministic given the seed.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from har_kd_ros.recordings.recording import Recording
from har_kd_ros.recordings.recording import Segment as LabelledSpan
from training.data.synthetic.body import Subject, forward_kinematics, make_subject
from training.data.synthetic.camera import SKELETON_RATE_HZ, canonical_to_mediapipe, tracked
from training.data.synthetic.motions import (
    ACTIVITIES,
    ONE_ARM,
    TRANSITIONS,
    Segment,
    carried,
    make_trial,
    schedule_angles,
    transition_s,
)
from training.data.synthetic.sensors import (
    Watch,
    ideal_imu,
    measure,
    nominal_watch,
    random_watch,
    sample_times,
    still_watch,
)

SIDES = ("l", "r", "either")
_SEATED_AFTER = {"sit_down", "sitting"}
_SEATED_BEFORE = {"stand_up", "sitting"}


def rest_between(before: str | None, after: str | None) -> str:
    """The rest posture between two activities: seated after a sit_down or before a stand_up."""
    return "sitting" if before in _SEATED_AFTER or after in _SEATED_BEFORE else "standing"


def plan_trial(
    activity: str,
    subject: Subject,
    rng: np.random.Generator,
    duration_s: float | None,
    rest_s: float,
    carry_share: float = 0.0,
    hold_share: float = 0.0,
) -> list[Segment]:
    """The schedule of one trial: a posture change between its two rests, any other activity
    between rests of ``rest_s / 4`` to ``rest_s`` seconds each (none for 0); a walker's arms each
    carry something with probability ``carry_share``, a standing person's with ``hold_share``
    (and then a walker who stops still holds what it carried)."""
    main = make_trial(activity, rng, duration_s)
    if activity == "walking":
        main = replace(main, carry=carried(rng, carry_share))
    elif activity == "standing":
        main = replace(main, carry=carried(rng, hold_share))

    def rest(name: str, start: float, end: float) -> Segment:
        # one person in one place: the rest shares the trial's heading and sway
        trial = replace(make_trial(name, rng), heading=main.heading, drift=main.drift)
        if hold_share > 0 and name == "standing":
            trial = replace(trial, carry=main.carry)
        return Segment(name, start, end, trial)

    if activity in TRANSITIONS:
        change = transition_s(subject, main)
        start, end = max(0.0, main.onset_s - 0.3), min(main.duration_s, main.onset_s + change + 0.3)
        segments = [Segment(activity, start, end, replace(main, onset_s=main.onset_s - start))]
        if start > 0:
            segments.insert(0, rest(rest_between(None, activity), 0.0, start))
        if end < main.duration_s:
            segments.append(rest(rest_between(activity, None), end, main.duration_s))
        return segments
    lead, tail = (float(rng.uniform(rest_s / 4, rest_s)) if rest_s > 0 else 0.0 for _ in range(2))
    if activity in ("standing", "sitting", "still"):
        lead = tail = 0.0
    segments = [Segment(activity, lead, lead + main.duration_s, main)]
    if lead > 0:
        segments.insert(0, rest(rest_between(None, activity), 0.0, lead))
    if tail > 0:
        segments.append(rest(rest_between(activity, None), lead + main.duration_s, lead + main.duration_s + tail))
    return segments


def choose_side(activity: str, subject: Subject, sensor_side: str, rng: np.random.Generator) -> str:
    """The watch's wrist. ``either``: the dominant one for a one-arm activity (a wave with the
    other hand is invisible to any wrist model), a fair coin otherwise."""
    if sensor_side != "either":
        return sensor_side
    if activity in ONE_ARM:
        return "l" if subject.left_handed else "r"
    return "l" if rng.random() < 0.5 else "r"


def record_schedule(
    segments: list[Segment],
    subject: Subject,
    watch: Watch,
    rng: np.random.Generator,
    trial: str,
    label: str | None,
    skeleton_topology: str = "canonical",
) -> Recording:
    """A watch and a camera on one schedule (a ``still`` schedule has the watch alone)."""
    duration = segments[-1].end
    t_imu = sample_times(duration, watch, rng)
    skeleton = skeleton_t = topology = None
    if all(s.activity == "still" for s in segments):
        acc, gyro = still_watch(t_imu, rng, drift_deg_s=2.0 if rng.random() < 0.3 else 0.0)
        location = "table"
    else:
        acc, gyro = ideal_imu(lambda t: schedule_angles(segments, t, subject), t_imu, subject, watch)
        t_skel = np.arange(int(duration * SKELETON_RATE_HZ)) / SKELETON_RATE_HZ
        joints = tracked(forward_kinematics(schedule_angles(segments, t_skel, subject), subject)[0], rng)
        skeleton = joints if skeleton_topology == "canonical" else canonical_to_mediapipe(joints)
        skeleton_t, topology = t_skel, skeleton_topology
        location = "right_wrist" if watch.side == "r" else "left_wrist"
    acc, gyro = measure(acc, gyro, watch, rng)
    spans = tuple(LabelledSpan(s.start, s.end, s.activity) for s in segments) if len(segments) > 1 else ()
    return Recording(
        subject=subject.subject_id,
        trial=trial,
        label=label,
        acc=acc,
        acc_t=t_imu,
        gravity="included",
        location=location,
        gyro=gyro,
        skeleton=skeleton,
        skeleton_t=skeleton_t,
        topology=topology,
        source="synthetic",
        segments=spans,
    )


def generate_recording(
    activity: str,
    subject: Subject,
    trial_index: int,
    rng: np.random.Generator,
    sensor_side: str = "r",
    duration_s: float | None = None,
    rest_s: float = 0.0,
    randomise_watch: bool = False,
    carry_share: float = 0.0,
    hold_share: float = 0.0,
) -> Recording:
    """One trial of ``activity`` (between rests of ``rest_s`` seconds), a watch and a 30 Hz skeleton."""
    segments = plan_trial(activity, subject, rng, duration_s, rest_s, carry_share, hold_share)
    side = choose_side(activity, subject, sensor_side, rng)
    watch = random_watch(rng, side) if randomise_watch else nominal_watch(rng, side)
    return record_schedule(segments, subject, watch, rng, str(trial_index + 1), activity)


def generate_dataset(
    n_subjects: int = 8,
    trials: int = 4,
    activities: tuple[str, ...] = ACTIVITIES,
    seed: int = 0,
    sensor_side: str = "r",
    rest_s: float = 2.0,
    randomise_watch: bool = False,
    carry_share: float = 0.0,
    hold_share: float = 0.0,
) -> list[Recording]:
    """``n_subjects x len(activities) x trials`` paired recordings, deterministic in ``seed``.

    ``sensor_side``: ``r``, ``l`` or ``either`` (see :func:`choose_side`); ``rest_s``: the longest
    rest before and after each activity (0: none); ``randomise_watch``: draw every
    trial's watch (:func:`~training.data.synthetic.sensors.random_watch`); ``carry_share``: the
    chance that each arm of a walker carries something, its forearm held level; ``hold_share``:
    the same for a person standing (standing trials, and the rests of a walker who carried).
    """
    for name, value in (("n_subjects", n_subjects), ("trials", trials), ("activities", len(activities))):
        if value < 1:
            raise ValueError(f"{name}: expected at least 1, got {value}")
    if seed < 0:
        raise ValueError(f"seed: expected >= 0, got {seed}")
    if sensor_side not in SIDES:
        raise ValueError(f"sensor_side: expected one of {SIDES}, got {sensor_side!r}")
    if not 0 <= rest_s <= 60:
        raise ValueError(f"rest_s: expected seconds in [0, 60], got {rest_s}")
    for name, share in (("carry_share", carry_share), ("hold_share", hold_share)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name}: expected a probability in [0, 1], got {share}")
    unknown = [a for a in activities if a not in ACTIVITIES]
    if unknown:
        raise ValueError(f"activities: unknown {unknown}, expected a subset of {ACTIVITIES}")
    root = np.random.default_rng(seed)
    subjects = [make_subject(root, i) for i in range(n_subjects)]
    recordings = []
    for s_index, subject in enumerate(subjects):
        for activity in activities:
            a_index = ACTIVITIES.index(activity)
            for k in range(trials):
                # one child stream per recording: adding subjects never changes earlier ones
                rng = np.random.default_rng([seed, s_index, a_index, k])
                recordings.append(
                    generate_recording(
                        activity,
                        subject,
                        k,
                        rng,
                        sensor_side,
                        rest_s=rest_s,
                        randomise_watch=randomise_watch,
                        carry_share=carry_share,
                        hold_share=hold_share,
                    )
                )
    return recordings


def generate_stream(
    activities: tuple[str, ...],
    segment_s: float = 10.0,
    seed: int = 0,
    subject_index: int = 99,
    skeleton_topology: str = "mediapipe_pose",
    rest_s: float = 3.0,
) -> Recording:
    """A continuous recording of one subject doing ``activities`` in turn, resting ``rest_s``
    seconds between them (standing, or sitting around a sit_down / stand_up), every span labelled.

    This is what ships as the replay demo: a held-out subject the bundled student never saw.
    The skeleton is in ``skeleton_topology``: ``mediapipe_pose`` (world landmarks, as
    skeleton_node publishes them, so the replayed camera path looks like the real one) or
    ``canonical``.
    """
    if skeleton_topology not in ("mediapipe_pose", "canonical"):
        raise ValueError(f"skeleton_topology: expected 'mediapipe_pose' or 'canonical', got {skeleton_topology!r}")
    if not activities:
        raise ValueError("activities: expected at least one")
    for name, value in (("segment_s", segment_s), ("rest_s", rest_s)):
        if not (math.isfinite(value) and value >= (0 if name == "rest_s" else 1e-9)):
            raise ValueError(f"{name}: expected a positive number of seconds, got {value}")
    if "still" in activities:
        raise ValueError("activities: 'still' is a watch nobody wears, it has no place in a person's stream")
    root = np.random.default_rng([seed, subject_index])
    subject = make_subject(root, subject_index, left_handed_p=0.0)
    heading = float(root.uniform(-np.pi, np.pi))
    segments: list[Segment] = []
    t = 0.0
    for i, activity in enumerate(activities):
        rng = np.random.default_rng([seed, subject_index, i])
        if activity in TRANSITIONS:  # a posture change is over in ~2 s: the rest of its span is rest
            trial = make_trial(activity, rng, duration_s=3.0)
            trial = replace(trial, onset_s=0.4, heading=heading)
            duration = 0.4 + transition_s(subject, trial) + 0.4
        else:
            trial = replace(make_trial(activity, rng, duration_s=segment_s), heading=heading)
            duration = segment_s
        if i > 0 and rest_s > 0:
            name = rest_between(activities[i - 1], activity)
            segments.append(Segment(name, t, t + rest_s, replace(make_trial(name, rng), heading=heading)))
            t += rest_s
        segments.append(Segment(activity, t, t + duration, trial))
        t += duration
    watch = nominal_watch(root, "r")
    return record_schedule(segments, subject, watch, root, "stream", None, skeleton_topology)
