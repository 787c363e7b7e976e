"""Activities as smooth joint-angle functions of time, and schedules that chain them.

Every angle is C2 in time (smoothstep ramps, squared raised-cosine pulses), so the wrist's second
derivative, which the accelerometer measures, stays finite. A :class:`Trial` holds the per-trial
variation (tempo, amplitude, phase, heading, postural sway, fidgeting). A schedule is a list of
:class:`Segment` s: each segment's activity runs on its own clock, and neighbours are blended over
``BLEND_S`` seconds (a partition of unity), so a person stops walking and stands, or sits down and
stays seated, without a jump in any angle or in the body's position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from training.data.synthetic.body import Angles, Subject

MOTION_ACTIVITIES: tuple[str, ...] = (
    "walking",
    "running",
    "waving",
    "clapping",
    "drinking",
    "sit_down",
    "stand_up",
    "jumping",
    "punching",
    "throwing",
)
# resting: standing still, sitting still, and a watch that nobody moves (taken off, or lying on a
# table): what a robot sees most, and what a motion label must never be given for
REST_ACTIVITIES: tuple[str, ...] = ("standing", "sitting", "still")
ACTIVITIES: tuple[str, ...] = MOTION_ACTIVITIES + REST_ACTIVITIES
# one-arm activities: done with the dominant hand, and seen by a watch on that wrist only
ONE_ARM: frozenset[str] = frozenset({"waving", "drinking", "punching", "throwing"})
TRANSITIONS: frozenset[str] = frozenset({"sit_down", "stand_up"})
BLEND_S = 0.6  # how long one activity takes to give way to the next


def smoothstep(x: np.ndarray) -> np.ndarray:
    """C2-continuous 0 -> 1 ramp on [0, 1] (so accelerations stay finite)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)


def pulse(phase: np.ndarray, width: float) -> np.ndarray:
    """A C2 periodic bump: 1 at phase 0 (mod 2 pi), 0 beyond +-width (radians).

    Squared raised cosine, so the second derivative (what an accelerometer sees) is continuous.
    """
    d = np.angle(np.exp(1j * phase))
    return (0.5 * (1.0 + np.cos(np.pi * np.clip(d / width, -1.0, 1.0)))) ** 2


@dataclass(frozen=True)
class Trial:
    """Per-trial variation: tempo and amplitude jitter, phase, heading, slow drift, fidgeting."""

    tempo: float
    amplitude: float
    phase: float
    heading: float
    drift: tuple[float, float, float, float]
    duration_s: float
    onset_s: float
    fidget: tuple[float, float, float] = (0.0, 0.2, 0.5)  # amplitude (rad), two frequencies (Hz)
    pose: tuple[float, float] = (0.0, 0.0)  # a resting arm's extra elbow flexion and shoulder flexion
    # arms holding something (a walker's, or a standing person's): (elbow flexion, pronation) of the
    # dominant and the other arm, an elbow of 0 for an arm that hangs or swings freely
    carry: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def make_trial(activity: str, rng: np.random.Generator, duration_s: float | None = None) -> Trial:
    duration = duration_s if duration_s is not None else float(rng.uniform(5.0, 7.0))
    return Trial(
        tempo=float(rng.uniform(0.92, 1.08)),
        amplitude=float(rng.uniform(0.9, 1.1)),
        phase=float(rng.uniform(0, 2 * np.pi)),
        heading=float(rng.uniform(-np.pi, np.pi)),
        drift=(
            float(rng.uniform(0.01, 0.04)),
            float(rng.uniform(0.01, 0.03)),
            float(rng.uniform(0.1, 0.3)),
            float(rng.uniform(0.3, 0.6)),
        ),
        duration_s=duration,
        onset_s=float(rng.uniform(0.25, 0.4) * duration) if activity in TRANSITIONS else 0.0,
        fidget=(float(rng.uniform(0.02, 0.15)), float(rng.uniform(0.1, 0.3)), float(rng.uniform(0.4, 0.9))),
        pose=(float(rng.uniform(-0.2, 0.6)), float(rng.uniform(-0.1, 0.4))),
    )


def _base(t: np.ndarray, subj: Subject, trial: Trial) -> Angles:
    """Standing, with a slow postural sway (nobody stands perfectly still)."""
    a1, a2, f1, f2 = trial.drift
    sway = a1 * np.sin(2 * np.pi * f1 * t + trial.phase) + a2 * np.sin(2 * np.pi * f2 * t)
    z = np.zeros_like(t)
    legs = subj.bones["thigh"] + subj.bones["shank"] + 0.05
    return {
        "px": 0.01 * np.sin(2 * np.pi * f2 * t),
        "py": z.copy(),
        "pz": legs + z,
        "lean": subj.lean + sway,
        "heading": trial.heading + z,
        "dom_flex": 0.05 + 0.5 * sway,
        "dom_abd": 0.08 + z,
        "dom_elbow": subj.rest_elbow + sway,
        "dom_pron": z.copy(),
        "non_flex": 0.05 - 0.5 * sway,
        "non_abd": 0.08 + z,
        "non_elbow": subj.rest_elbow - sway,
        "non_pron": z.copy(),
        "hip_l": z.copy(),
        "hip_r": z.copy(),
        "knee_l": z.copy(),
        "knee_r": z.copy(),
    }


def _fidget(t: np.ndarray, a: Angles, trial: Trial) -> Angles:
    """Small slow movements of resting arms (a hand on the hip, a scratch, a shift of weight)."""
    k, f1, f2 = trial.fidget
    for i, side in enumerate(("dom", "non")):
        wobble = np.sin(2 * np.pi * f1 * t + trial.phase + i) * np.sin(2 * np.pi * f2 * t + 2 * i)
        a[f"{side}_elbow"] = a[f"{side}_elbow"] + k * wobble
        a[f"{side}_flex"] = a[f"{side}_flex"] + 0.5 * k * np.sin(2 * np.pi * f2 * t + trial.phase - i)
        a[f"{side}_pron"] = a[f"{side}_pron"] + 1.5 * k * np.sin(2 * np.pi * 0.7 * f1 * t + i)
    return a


def _seat(a: Angles, subj: Subject, s: np.ndarray | float) -> Angles:
    """``s`` = how seated (0 standing, 1 on the chair): hips and knees bent, pelvis lowered and
    moved back, forearms brought onto the thighs."""
    a["hip_l"] = a["hip_l"] + 1.5 * s
    a["hip_r"] = a["hip_r"] + 1.5 * s
    a["knee_l"] = a["knee_l"] + 1.55 * s
    a["knee_r"] = a["knee_r"] + 1.55 * s
    drop = (subj.bones["thigh"] + subj.bones["shank"] + 0.05) - (subj.bones["shank"] + 0.05)
    a["pz"] = a["pz"] - drop * s
    a["py"] = a["py"] - 0.25 * s
    for side in ("dom", "non"):
        a[f"{side}_flex"] = a[f"{side}_flex"] + 0.35 * s
        a[f"{side}_elbow"] = a[f"{side}_elbow"] + 0.8 * s
    return a


def _held_arms(trial: Trial) -> list[tuple[str, float, float]]:
    """(side, elbow flexion, pronation) of each arm of ``trial`` that holds something."""
    arms = zip(("dom", "non"), (trial.carry[:2], trial.carry[2:]), strict=True)
    return [(side, elbow, roll) for side, (elbow, roll) in arms if elbow > 0]


def _standing(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    for side, elbow, roll in _held_arms(trial):  # a cup or a phone: the forearm level, the upper arm a little forward
        a[f"{side}_flex"] = 0.2 + 0.3 * (a[f"{side}_flex"] - 0.05)
        a[f"{side}_elbow"] = elbow + 0.0 * t
        a[f"{side}_pron"] = roll + 0.0 * t
    return _fidget(t, a, trial)


def _sitting(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    a = _seat(a, subj, 1.0)
    elbow, flex = trial.pose
    for side in ("dom", "non"):
        a[f"{side}_elbow"] = a[f"{side}_elbow"] + elbow
        a[f"{side}_flex"] = a[f"{side}_flex"] + flex
    return _fidget(t, a, trial)


def _gait(
    t: np.ndarray, a: Angles, subj: Subject, trial: Trial, freq: float, amp: float, speed: float, run: bool
) -> Angles:
    f = freq * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = amp * subj.amplitude * trial.amplitude
    a["hip_l"], a["hip_r"] = k * 0.45 * np.sin(ph), -k * 0.45 * np.sin(ph)
    a["knee_l"] = k * (1.2 if run else 0.6) * pulse(ph - 0.6, 1.6)
    a["knee_r"] = k * (1.2 if run else 0.6) * pulse(ph - 0.6 - np.pi, 1.6)
    a["py"] = speed * subj.tempo * trial.tempo * t
    a["pz"] = a["pz"] + (0.06 if run else 0.025) * k * np.cos(2 * ph) - (0.08 if run else 0.0)
    a["lean"] = a["lean"] + (0.18 if run else 0.03)
    swing = k * (0.7 if run else 0.35) * np.sin(ph)
    elbow = 1.5 if run else 0.25
    # Arms swing against the legs: the right arm goes forward with the left leg.
    dom_sign = 1.0 if not subj.left_handed else -1.0
    a["dom_flex"], a["non_flex"] = dom_sign * swing, -dom_sign * swing
    a["dom_elbow"] = a["dom_elbow"] + elbow + 0.15 * k * np.sin(ph)
    a["non_elbow"] = a["non_elbow"] + elbow - 0.15 * k * np.sin(ph)
    return a


def carried(rng: np.random.Generator, share: float) -> tuple[float, float, float, float]:
    """Each arm carries something (a cup, a phone, a bag held in front) with probability
    ``share``: the forearm held level at any roll, so a watch on it feels gravity across the
    forearm while the legs walk or stand. No draw at all for 0, so the data stays as without."""
    if share <= 0:
        return (0.0, 0.0, 0.0, 0.0)
    arms = []
    for _ in range(2):
        held = rng.random() < share
        elbow, roll = float(rng.uniform(1.2, 1.7)), float(rng.uniform(-np.pi / 2, np.pi / 2))
        arms += [elbow, roll] if held else [0.0, 0.0]
    return (arms[0], arms[1], arms[2], arms[3])


def _walking(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    a = _gait(t, a, subj, trial, freq=0.9, amp=1.0, speed=1.3, run=False)
    ph = 2 * np.pi * 0.9 * subj.tempo * trial.tempo * t + trial.phase
    for side, elbow, roll in _held_arms(trial):  # the upper arm a little forward, hardly swinging; the step bobs it
        a[f"{side}_flex"] = 0.2 + 0.15 * a[f"{side}_flex"]
        a[f"{side}_elbow"] = elbow + 0.04 * np.sin(2 * ph)
        a[f"{side}_pron"] = roll + 0.0 * t
    return a


def _running(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _gait(t, a, subj, trial, freq=1.4, amp=1.5, speed=3.2, run=True)


def _waving(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 1.8 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    a["dom_abd"] = 1.9 + 0.35 * k * np.sin(ph)
    a["dom_flex"] = 0.4 + 0.1 * np.sin(ph)
    a["dom_elbow"] = 1.2 + 0.25 * k * np.sin(ph + 0.5)
    a["dom_pron"] = 0.3 * np.sin(ph)
    return a


def _clapping(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 2.2 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    opening = 0.5 * (1 + np.sin(ph))
    for side in ("dom", "non"):
        a[f"{side}_flex"] = 1.0 + 0.1 * np.sin(ph)
        a[f"{side}_abd"] = -0.15 + 0.55 * k * opening
        a[f"{side}_elbow"] = 0.9 + 0.2 * k * opening
    return a


def _drinking(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 0.3 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    raise_ = pulse(ph, 2.2)  # hold the cup at the mouth, then lower it
    k = subj.amplitude * trial.amplitude
    a["dom_elbow"] = a["dom_elbow"] + 1.9 * raise_
    a["dom_flex"] = 0.25 + 0.55 * k * raise_
    a["dom_abd"] = 0.15 + 0.1 * raise_
    a["dom_pron"] = -0.6 * raise_
    a["lean"] = a["lean"] - 0.08 * raise_
    return a


def _posture_change(t: np.ndarray, a: Angles, subj: Subject, trial: Trial, sitting_from: bool) -> Angles:
    dur = 1.6 / (subj.tempo * trial.tempo)
    s = smoothstep((t - trial.onset_s) / dur)
    s = 1.0 - s if sitting_from else s  # s = how seated
    bump = np.sin(np.pi * np.clip((t - trial.onset_s) / dur, 0, 1))  # lean forward mid-transition
    a = _seat(a, subj, s)
    a["lean"] = a["lean"] + 0.5 * bump * subj.amplitude
    a["dom_flex"] = a["dom_flex"] + 0.35 * bump
    a["non_flex"] = a["non_flex"] + 0.35 * bump
    return a


def transition_s(subj: Subject, trial: Trial) -> float:
    """How long a sit_down or stand_up takes this subject in this trial."""
    return 1.6 / (subj.tempo * trial.tempo)


def _sit_down(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _posture_change(t, a, subj, trial, sitting_from=False)


def _stand_up(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _posture_change(t, a, subj, trial, sitting_from=True)


def _jumping(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 1.6 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    air = (0.5 * (1.0 + np.sin(ph))) ** 2  # smooth flight arc: landing impacts stay finite
    crouch = pulse(ph + np.pi / 2, 1.2)
    a["pz"] = a["pz"] + 0.18 * k * air - 0.12 * crouch
    a["hip_l"] = a["hip_r"] = 0.7 * crouch
    a["knee_l"] = a["knee_r"] = 1.1 * crouch
    a["lean"] = a["lean"] + 0.25 * crouch
    for side in ("dom", "non"):
        a[f"{side}_flex"] = -0.4 * crouch + 1.4 * k * air
        a[f"{side}_elbow"] = a[f"{side}_elbow"] + 0.2
    return a


def _punching(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 1.1 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    strike = pulse(ph, 0.9)  # a fast extension and retraction
    for side in ("dom", "non"):
        a[f"{side}_flex"] = 1.0 + 0.1 * np.sin(ph)
        a[f"{side}_elbow"] = 2.1 + 0.0 * t
        a[f"{side}_abd"] = 0.25 + 0.0 * t
    a["dom_flex"] = 1.0 + 0.5 * k * strike
    a["dom_elbow"] = 2.1 - 1.95 * strike
    a["dom_pron"] = 1.2 * strike
    a["lean"] = a["lean"] + 0.12 * strike
    return a


def _throwing(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 0.5 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    windup = pulse(ph + 0.9, 0.9)
    release = pulse(ph, 0.45)
    a["dom_abd"] = 0.3 + 1.3 * windup + 0.4 * release
    a["dom_flex"] = 0.1 - 0.6 * windup + 1.9 * k * release
    a["dom_elbow"] = a["dom_elbow"] + 1.6 * windup + 0.1 * release
    a["lean"] = a["lean"] - 0.15 * windup + 0.3 * release
    a["non_flex"] = 0.3 + 0.8 * windup
    return a


# "still" has no body motion: the watch lies where it was put down (sensors.still_watch)
MOTIONS: dict[str, Callable[[np.ndarray, Angles, Subject, Trial], Angles]] = {
    "walking": _walking,
    "running": _running,
    "waving": _waving,
    "clapping": _clapping,
    "drinking": _drinking,
    "sit_down": _sit_down,
    "stand_up": _stand_up,
    "jumping": _jumping,
    "punching": _punching,
    "throwing": _throwing,
    "standing": _standing,
    "sitting": _sitting,
}


def _check(activity: str) -> None:
    if activity not in MOTIONS:
        raise ValueError(f"activity: expected one of {tuple(MOTIONS)}, got {activity!r}")


def _to_sides(a: Angles, subj: Subject) -> Angles:
    """Dominant/non-dominant arm angles named by side (left-handed subjects use the left arm)."""
    dom, non = ("l", "r") if subj.left_handed else ("r", "l")
    for part in ("flex", "abd", "elbow", "pron"):
        a[f"{part}_{dom}"] = a.pop(f"dom_{part}")
        a[f"{part}_{non}"] = a.pop(f"non_{part}")
    return a


def joint_angles(activity: str, t: np.ndarray, subj: Subject, trial: Trial) -> Angles:
    """Every angle and the pelvis trajectory at times ``t`` (arms mapped to left/right)."""
    _check(activity)
    return _to_sides(MOTIONS[activity](t, _base(t, subj, trial), subj, trial), subj)


@dataclass(frozen=True)
class Segment:
    """One activity of a schedule, from ``start`` to ``end`` (s), with its own trial variation."""

    activity: str
    start: float
    end: float
    trial: Trial


def _weights(t: np.ndarray, segments: list[Segment]) -> list[np.ndarray]:
    """A partition of unity: 1 inside each segment, smoothstep blends of BLEND_S at each boundary."""
    out = []
    for k, seg in enumerate(segments):
        w = np.ones_like(t)
        if k > 0:
            w = w * smoothstep((t - seg.start + BLEND_S / 2) / BLEND_S)
        if k < len(segments) - 1:
            w = w * (1.0 - smoothstep((t - seg.end + BLEND_S / 2) / BLEND_S))
        out.append(w)
    return out


def schedule_angles(segments: list[Segment], t: np.ndarray, subj: Subject) -> Angles:
    """The angles of a whole schedule at times ``t``: each activity on its own clock (its phase,
    onset and walked distance start at its segment's start), blended into its neighbours; the body
    keeps the position where the previous activity left it."""
    if not segments:
        raise ValueError("segments: expected at least one")
    for seg in segments:
        _check(seg.activity)
    position = np.zeros(2)  # (px, py) at the start of the segment
    total: Angles = {}
    for seg, w in zip(segments, _weights(t, segments), strict=True):
        inside = np.flatnonzero(w > 0)  # a segment is evaluated only where it has weight
        a = joint_angles(seg.activity, t[inside] - seg.start, subj, seg.trial)
        ends = joint_angles(seg.activity, np.array([0.0, seg.end - seg.start]), subj, seg.trial)
        for i, key in enumerate(("px", "py")):
            a[key] = a[key] - ends[key][0] + position[i]
            position[i] += ends[key][1] - ends[key][0]
        for key, value in a.items():
            if key not in total:
                total[key] = np.zeros_like(t)
            total[key][inside] += w[inside] * value
    return total
