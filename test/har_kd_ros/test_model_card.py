import json
import shutil

import numpy as np
import pytest

from har_kd_ros.classifier import DEFAULT_MODEL, ModelLoadError, StudentClassifier
from har_kd_ros.model_card import ModelCard, ModelCardError, card_path_for


@pytest.fixture
def card_dict():
    return json.loads(card_path_for(DEFAULT_MODEL).read_text())


@pytest.fixture
def model_copy(tmp_path):
    """A writable copy of the bundled student + card."""
    onnx = tmp_path / "student.onnx"
    shutil.copy(DEFAULT_MODEL, onnx)
    shutil.copy(card_path_for(DEFAULT_MODEL), onnx.with_suffix(".json"))
    return onnx


def test_bundled_card_is_valid_and_consistent(card_dict):
    card = ModelCard.from_dict(card_dict)
    assert card.units == "m/s^2" and card.gravity in ("included", "removed")
    assert card.input_shape[1:] == (len(card.channels), card.image_size, card.image_size)
    assert {"dataset", "protocol", "metrics", "date", "git_commit", "command"} <= set(card.provenance)
    assert ModelCard.from_dict(card.to_dict()) == card  # round trip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("labels", ["walking"]),
        ("labels", ["a", "a"]),
        ("sample_rate_hz", -50),
        ("sample_rate_hz", "50"),
        ("window_samples", 1),
        ("hop_samples", 0),
        ("hop_samples", 10_000),
        ("units", "g"),
        ("gravity", "maybe"),
        ("gaf_method", "markov"),
        ("image_size", 0),
        ("normalisation", "zscore"),
        ("value_range", [5, -5]),
        ("input_shape", [1, 3, 32, 32]),
        ("model_id", ""),
        ("schema_version", 99),
        ("channels", []),
    ],
)
def test_each_bad_field_is_named(card_dict, field, value):
    card_dict[field] = value
    with pytest.raises(ModelCardError, match=f"'{field}'") as info:
        ModelCard.from_dict(card_dict, "card.json")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("field", ["labels", "sample_rate_hz", "window_samples", "input_name", "gaf_method"])
def test_missing_field_is_named(card_dict, field):
    del card_dict[field]
    with pytest.raises(ModelCardError, match=f"'{field}' is missing"):
        ModelCard.from_dict(card_dict)


def test_card_must_agree_with_graph(model_copy, card_dict):
    card_path = model_copy.with_suffix(".json")
    card_path.write_text(json.dumps({**card_dict, "labels": [*card_dict["labels"], "extra"]}))
    with pytest.raises(ModelCardError, match="'labels'.*11 labels"):
        StudentClassifier(model_copy)
    card_path.write_text(json.dumps({**card_dict, "input_name": "image"}))
    with pytest.raises(ModelCardError, match="'input_name'"):
        StudentClassifier(model_copy)
    w = card_dict["window_samples"]
    card_path.write_text(json.dumps({**card_dict, "image_size": w, "input_shape": ["batch", 3, w, w]}))
    with pytest.raises(ModelCardError, match="'input_shape'"):
        StudentClassifier(model_copy)


def test_missing_or_corrupt_files(model_copy, tmp_path):
    with pytest.raises(ModelCardError, match="model card not found"):
        StudentClassifier(tmp_path / "nothing.onnx")
    model_copy.write_bytes(model_copy.read_bytes()[:200])  # truncated download
    with pytest.raises(ModelLoadError, match="not a loadable ONNX model"):
        StudentClassifier(model_copy)
    model_copy.with_suffix(".json").write_text("{ not json")
    with pytest.raises(ModelCardError, match="not valid JSON"):
        StudentClassifier(model_copy)


def test_card_is_validated_before_model_is_opened(tmp_path):
    onnx = tmp_path / "m.onnx"
    onnx.write_bytes(b"\x00" * 10)
    onnx.with_suffix(".json").write_text(json.dumps({"labels": ["a", "b"]}))
    with pytest.raises(ModelCardError, match="is missing"):
        StudentClassifier(onnx)


def test_classifier_rejects_windows_of_the_wrong_shape(default_student):
    card = default_student.card
    with pytest.raises(ModelCardError, match="windows"):
        default_student.probabilities(np.zeros((2, card.window_samples)))
    p = default_student.probabilities(np.zeros((4, len(card.channels), card.window_samples)))
    assert p.shape == (4, len(card.labels))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
