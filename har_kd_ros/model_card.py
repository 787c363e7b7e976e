"""The model card: a JSON beside each .onnx holding everything training and runtime must share.

A student is only correct on the robot if the robot windows, encodes and labels the IMU
exactly as training did; the card is that contract. It is validated field by field before
the ONNX file it sits beside is opened, then against the ONNX graph itself, and every
mismatch is one line naming the field.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from har_kd_ros.gaf import METHODS, NORMALISATIONS

SCHEMA_VERSION = 1
MODALITIES = ("imu_gaf",)
GRAVITY = ("included", "removed")
ACC_UNITS = ("m/s^2",)


class ModelCardError(ValueError):
    """A card that is missing, malformed, or disagrees with its model; the message names the field."""


@dataclass(frozen=True)
class ModelCard:
    """What a student expects and where it came from (see docs/model_card.md)."""

    model_id: str
    labels: tuple[str, ...]
    sample_rate_hz: float
    window_samples: int
    hop_samples: int
    channels: tuple[str, ...]
    units: str
    gravity: str
    sensor_location: str
    gaf_method: str
    image_size: int
    normalisation: str
    input_name: str
    input_shape: tuple[Any, ...]
    output_name: str
    value_range: tuple[float, float] | None = None
    modality: str = "imu_gaf"
    architecture: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @property
    def window_s(self) -> float:
        return self.window_samples / self.sample_rate_hz

    @property
    def hop_s(self) -> float:
        return self.hop_samples / self.sample_rate_hz

    def gaf_kwargs(self) -> dict[str, Any]:
        """Arguments for :func:`har_kd_ros.gaf.gaf`, so no caller re-derives them."""
        return {
            "method": self.gaf_method,
            "image_size": self.image_size,
            "normalisation": self.normalisation,
            "value_range": self.value_range,
        }

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("labels", "channels", "input_shape", "value_range"):
            if d[key] is not None:
                d[key] = list(d[key])
        return d

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_dict(cls, raw: Any, source: str = "card") -> ModelCard:
        return _parse(raw, source)

    @classmethod
    def load(cls, path: str | Path) -> ModelCard:
        path = Path(path)
        if not path.is_file():
            raise ModelCardError(f"{path}: model card not found (expected a JSON beside the .onnx, same stem)")
        try:
            raw = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelCardError(f"{path}: not valid JSON ({exc})") from None
        return _parse(raw, str(path))


def card_path_for(model_path: str | Path) -> Path:
    """The card of ``model.onnx`` is ``model.json``."""
    return Path(model_path).with_suffix(".json")


def _parse(raw: Any, source: str) -> ModelCard:
    def fail(name: str, expected: str, got: Any) -> ModelCardError:
        return ModelCardError(f"{source}: field '{name}': expected {expected}, got {got!r}")

    if not isinstance(raw, dict):
        raise ModelCardError(f"{source}: expected a JSON object, got {type(raw).__name__}")

    def get(
        name: str, types: type | tuple[type, ...], expected: str, required: bool = True, default: Any = None
    ) -> Any:
        if name not in raw:
            if required:
                raise ModelCardError(f"{source}: field '{name}' is missing ({expected})")
            return default
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, types):
            raise fail(name, expected, value)
        return value

    version = get("schema_version", int, f"schema version {SCHEMA_VERSION}", required=False, default=SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise fail("schema_version", str(SCHEMA_VERSION), version)
    modality = get("modality", str, f"one of {MODALITIES}", required=False, default="imu_gaf")
    if modality not in MODALITIES:
        raise fail("modality", f"one of {MODALITIES}", modality)

    def str_list(name: str, minimum: int) -> tuple[str, ...]:
        value = get(name, list, f"a list of at least {minimum} non-empty strings")
        if len(value) < minimum or not all(isinstance(v, str) and v for v in value):
            raise fail(name, f"a list of at least {minimum} non-empty strings", value)
        if len(set(value)) != len(value):
            raise fail(name, "unique names", value)
        return tuple(value)

    labels = str_list("labels", 2)
    channels = str_list("channels", 1)
    rate = get("sample_rate_hz", (int, float), "a positive number of Hz")
    if not (math.isfinite(rate) and rate > 0):
        raise fail("sample_rate_hz", "a positive number of Hz", rate)
    window = get("window_samples", int, "an integer >= 2")
    if window < 2:
        raise fail("window_samples", "an integer >= 2", window)
    hop = get("hop_samples", int, "an integer in [1, window_samples]")
    if not 1 <= hop <= window:
        raise fail("hop_samples", f"an integer in [1, {window}]", hop)
    units = get("units", str, f"one of {ACC_UNITS} (REP 145)")
    if units not in ACC_UNITS:
        raise fail("units", f"one of {ACC_UNITS} (REP 145)", units)
    gravity = get("gravity", str, f"one of {GRAVITY}")
    if gravity not in GRAVITY:
        raise fail("gravity", f"one of {GRAVITY}", gravity)
    method = get("gaf_method", str, f"one of {METHODS}")
    if method not in METHODS:
        raise fail("gaf_method", f"one of {METHODS}", method)
    image_size = get("image_size", int, f"an integer in [1, {window}]")
    if not 1 <= image_size <= window:
        raise fail("image_size", f"an integer in [1, window_samples={window}]", image_size)
    normalisation = get("normalisation", str, f"one of {NORMALISATIONS}")
    if normalisation not in NORMALISATIONS:
        raise fail("normalisation", f"one of {NORMALISATIONS}", normalisation)
    value_range = get("value_range", (list, type(None)), "[low, high] with high > low", required=False)
    if value_range is not None:
        ok = (
            len(value_range) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value_range)
            and value_range[1] > value_range[0]
        )
        if not ok:
            raise fail("value_range", "[low, high] with high > low", value_range)
        value_range = (float(value_range[0]), float(value_range[1]))
    if normalisation == "fixed" and value_range is None:
        raise fail("value_range", "[low, high] because normalisation is 'fixed'", None)
    input_shape = get("input_shape", list, "[batch, channels, image_size, image_size]")
    expected_shape = [len(channels), image_size, image_size]
    if len(input_shape) != 4 or list(input_shape[1:]) != expected_shape:
        raise fail("input_shape", f"[batch, {', '.join(map(str, expected_shape))}]", input_shape)
    provenance = get("provenance", dict, "an object", required=False, default={})
    model_id = get("model_id", str, "a non-empty string")
    if not model_id:
        raise fail("model_id", "a non-empty string", model_id)
    return ModelCard(
        model_id=model_id,
        labels=labels,
        sample_rate_hz=float(rate),
        window_samples=window,
        hop_samples=hop,
        channels=channels,
        units=units,
        gravity=gravity,
        sensor_location=get("sensor_location", str, "a string such as 'right_wrist'"),
        gaf_method=method,
        image_size=image_size,
        normalisation=normalisation,
        value_range=value_range,
        input_name=get("input_name", str, "the ONNX input name"),
        input_shape=tuple(input_shape),
        output_name=get("output_name", str, "the ONNX output name"),
        modality=modality,
        architecture=get("architecture", str, "a string", required=False, default=""),
        provenance=provenance,
        schema_version=version,
    )


def check_against_graph(
    card: ModelCard, inputs: list[tuple[str, list[Any]]], outputs: list[tuple[str, list[Any]]], source: str
) -> None:
    """Validate a card against an ONNX graph's (name, shape) inputs and outputs.

    Symbolic dimensions (strings or None) match anything; fixed ones must agree.
    """

    def dims_agree(actual: list[Any], expected: list[Any]) -> bool:
        if len(actual) != len(expected):
            return False
        return all(
            not isinstance(a, int) or not isinstance(e, int) or a == e for a, e in zip(actual, expected, strict=True)
        )

    by_name = dict(inputs)
    if card.input_name not in by_name:
        raise ModelCardError(
            f"{source}: field 'input_name': {card.input_name!r} is not an input of the model (inputs: {sorted(by_name)})"
        )
    if not dims_agree(list(by_name[card.input_name]), list(card.input_shape)):
        raise ModelCardError(
            f"{source}: field 'input_shape': card says {list(card.input_shape)}, model input is {by_name[card.input_name]}"
        )
    out_by_name = dict(outputs)
    if card.output_name not in out_by_name:
        raise ModelCardError(
            f"{source}: field 'output_name': {card.output_name!r} is not an output of the model (outputs: {sorted(out_by_name)})"
        )
    out_shape = list(out_by_name[card.output_name])
    if len(out_shape) != 2 or not dims_agree(out_shape[1:], [len(card.labels)]):
        raise ModelCardError(
            f"{source}: field 'labels': card has {len(card.labels)} labels, model output shape is {out_shape}"
        )
