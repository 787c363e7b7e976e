"""Config entries set to ``auto`` take their value from the data, so one config fits a user's own watch.

A watch app may record at 20, 50 or 104 Hz, with or without a gyroscope, with gravity or without:
a fixed rate would resample every recording to a rate it never had, a fixed GAF range would clip
or flatten its amplitudes. ``auto`` resolves once per run, after loading and splitting, from the
recordings alone (ranges from the training split alone, so nothing of validation or test leaks in):

* ``window.rate_hz``: the median of the recordings' sample rates, to 0.1 Hz;
* ``window.window_samples`` / ``window.hop_samples``: 2.56 s windows (at least 32 samples, so a
  slow watch still gives an image worth the name) every 0.5 s at that rate (the watch recipe's
  windows, training/configs/watch.yaml);
* ``gaf.image_size``: one pixel per sample up to 64 (the watch recipe's size);
* ``window.sensors``: ``[acc, gyro]`` when every recording has a gyroscope, else ``[acc]``;
* ``gaf.range`` / ``gaf.gyro_range``: the 99.9th percentile of the training split's |value| over
  all axes, 10 % above it, rounded up (1 m/s^2, 0.5 rad/s steps): clipping only the rarest spikes.

The resolved values are what the run trains with, what its run folder records under ``resolved``
and what the card states; the run is keyed by the config as written (``auto`` included).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from har_kd_ros.imu.window import check_rate_window_hop

AUTO = "auto"
AUTO_KEYS = ("window.rate_hz", "window.window_samples", "window.hop_samples", "window.sensors", "gaf.image_size",
             "gaf.range", "gaf.gyro_range")  # fmt: skip
WINDOW_S = 2.56
MIN_WINDOW_SAMPLES = 32
MAX_IMAGE_SIZE = 64
HOP_S = 0.5
RANGE_PERCENTILE = 99.9
RANGE_HEADROOM = 1.1
RANGE_STEP = {"range": 1.0, "gyro_range": 0.5}


def is_auto(value: Any) -> bool:
    return isinstance(value, str) and value == AUTO


def auto_keys(config: dict[str, Any]) -> list[str]:
    """The entries of ``config`` set to ``auto``."""
    out = []
    for key in AUTO_KEYS:
        section, name = key.split(".")
        if is_auto(config[section][name]):
            out.append(key)
    return out


def _rounded_up(value: float, step: float) -> float:
    return max(step, math.ceil(value / step) * step)


def _range_of(arrays: list[np.ndarray], step: float) -> float:
    magnitudes = np.concatenate([np.abs(np.asarray(a, dtype=np.float64)).ravel() for a in arrays])
    return _rounded_up(float(np.percentile(magnitudes, RANGE_PERCENTILE)) * RANGE_HEADROOM, step)


def resolve_auto(config: dict[str, Any], recordings: list, train: list[int]) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``config`` with every ``auto`` entry replaced by its value from the data, and one
    line per entry saying what it became and why. A config without ``auto`` comes back as it is."""
    keys = auto_keys(config)
    if not keys:
        return config, []
    c = copy.deepcopy(config)
    w, g = c["window"], c["gaf"]
    notes = []
    if "window.rate_hz" in keys:
        w["rate_hz"] = round(float(np.median([r.acc_rate_hz for r in recordings])), 1)
        notes.append(f"window.rate_hz: auto -> {w['rate_hz']:g} Hz (the median rate of {len(recordings)} recordings)")
    rate = float(w["rate_hz"])
    if "window.window_samples" in keys:
        w["window_samples"] = max(MIN_WINDOW_SAMPLES, round(WINDOW_S * rate))
        notes.append(f"window.window_samples: auto -> {w['window_samples']} ({w['window_samples'] / rate:.2f} s)")
    if "window.hop_samples" in keys:
        w["hop_samples"] = max(1, round(HOP_S * rate))
        notes.append(f"window.hop_samples: auto -> {w['hop_samples']} (a label every {w['hop_samples'] / rate:.2f} s)")
    if "window.sensors" in keys:
        with_gyro = all(r.gyro is not None for r in recordings)
        w["sensors"] = ["acc", "gyro"] if with_gyro else ["acc"]
        why = "every recording has a gyroscope" if with_gyro else "not every recording has a gyroscope"
        notes.append(f"window.sensors: auto -> {w['sensors']} ({why})")
        shape = [s for s in g["shape_sensors"] if s not in w["sensors"]]
        if shape:
            raise ValueError(
                f"gaf.shape_sensors: {shape} is not among the data's sensors {w['sensors']} ({why}); "
                "set gaf.shape_sensors to sensors every recording has"
            )
    if "gaf.image_size" in keys:
        g["image_size"] = min(MAX_IMAGE_SIZE, int(w["window_samples"]))
        notes.append(f"gaf.image_size: auto -> {g['image_size']}")
    try:
        check_rate_window_hop(rate, int(w["window_samples"]), int(w["hop_samples"]))
    except ValueError as exc:
        raise ValueError(f"window: the data's settings {exc}") from None
    if int(g["image_size"]) > int(w["window_samples"]):
        raise ValueError(
            f"gaf.image_size: {g['image_size']} is more than the {w['window_samples']}-sample window at "
            f"{rate:g} Hz; set gaf.image_size <= {w['window_samples']} or a longer window.window_samples"
        )
    training = [recordings[i] for i in train]
    for name, field in (("range", "acc"), ("gyro_range", "gyro")):
        if f"gaf.{name}" not in keys:
            continue
        arrays = [getattr(r, field) for r in training if getattr(r, field) is not None]
        if not arrays:  # no gyroscope: the entry is unused, any positive value will do
            g[name] = RANGE_STEP[name] * 20
            continue
        g[name] = _range_of(arrays, RANGE_STEP[name])
        unit = "m/s^2" if field == "acc" else "rad/s"
        notes.append(
            f"gaf.{name}: auto -> +-{g[name]:g} {unit} ({RANGE_PERCENTILE:g}th percentile of the training "
            f"split's |{field}|, +{RANGE_HEADROOM - 1:.0%})"
        )
    return c, notes
