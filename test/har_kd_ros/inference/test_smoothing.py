import numpy as np
import pytest

from har_kd_ros.inference.smoothing import UNKNOWN, LabelSmoother

LABELS = ("a", "b", "c")


def test_passthrough_without_smoothing():
    s = LabelSmoother(LABELS, alpha=1.0, min_confidence=0.0, hysteresis=0.0)
    assert s.update(np.array([0.1, 0.8, 0.1])).label == "b"
    assert s.update(np.array([0.7, 0.2, 0.1])).label == "a"


def test_ema_by_hand():
    s = LabelSmoother(LABELS, alpha=0.5, min_confidence=0.0, hysteresis=0.0)
    s.update(np.array([1.0, 0.0, 0.0]))
    out = s.update(np.array([0.0, 1.0, 0.0]))
    np.testing.assert_allclose(out.probabilities, [0.5, 0.5, 0.0])
    assert out.label == "a"  # a tie keeps the current label


def test_hysteresis_suppresses_flicker():
    s = LabelSmoother(LABELS, alpha=1.0, min_confidence=0.0, hysteresis=0.2)
    s.update(np.array([0.6, 0.4, 0.0]))
    assert s.update(np.array([0.45, 0.55, 0.0])).label == "a"  # challenger ahead by only 0.1
    assert s.update(np.array([0.2, 0.8, 0.0])).label == "b"


def test_low_confidence_is_unknown():
    s = LabelSmoother(LABELS, alpha=1.0, min_confidence=0.5, hysteresis=0.0)
    out = s.update(np.array([0.4, 0.35, 0.25]))
    assert out.label == UNKNOWN and out.confidence == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"alpha": 0.0}, "alpha"), ({"min_confidence": 1.5}, "min_confidence"), ({"hysteresis": 1.0}, "hysteresis")],
)
def test_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        LabelSmoother(LABELS, **kwargs)


def test_wrong_probability_shape():
    with pytest.raises(ValueError, match="probabilities"):
        LabelSmoother(LABELS).update(np.ones(4) / 4)
