import numpy as np
import pytest

from training.class_map import ClassMap


def test_logits_are_read_by_class_name():
    m = ClassMap(("c", "a", "b"), ("a", "b", "c"))
    z = np.array([[3.0, 1.0, 2.0]])  # teacher: c=3, a=1, b=2
    assert m.logits(z).tolist() == [[1.0, 2.0, 3.0]]
    assert not m.identity and m.known.all() and m.missing() == [] and m.extra() == []


def test_identity_returns_the_logits_untouched():
    z = np.arange(6, dtype=np.float32).reshape(2, 3)
    m = ClassMap(("a", "b", "c"), ("a", "b", "c"))
    assert m.identity and m.logits(z) is z


def test_a_class_the_teacher_lacks_is_its_least_likely():
    m = ClassMap(("walk", "wave"), ("still", "walk", "wave"))
    out = m.logits(np.array([[2.0, -1.0], [0.5, 4.0]]))
    assert out.tolist() == [[-1.0, 2.0, -1.0], [0.5, 0.5, 4.0]]
    assert m.known.tolist() == [False, True, True] and m.missing() == ["still"]


def test_labels_outside_the_runs_classes_are_minus_one():
    m = ClassMap(("walk", "run", "wave"), ("wave", "walk"))
    labels = m.labels(np.array([[5.0, 0.0, 1.0], [0.0, 5.0, 1.0], [0.0, 1.0, 5.0]]))
    assert labels.tolist() == [1, -1, 0]  # run is not trained: not forced into walk or wave
    assert m.extra() == ["run"]


def test_empty_batches_keep_their_shape():
    m = ClassMap(("b", "a"), ("a", "b", "c"))
    assert m.logits(np.zeros((0, 2))).shape == (0, 3) and m.labels(np.zeros((0, 2))).shape == (0,)


def test_no_shared_class_is_an_error_naming_both_sides():
    with pytest.raises(ValueError, match=r"x.onnx: its classes \['a'\] share none with the recordings' labels \['b'\]"):
        ClassMap(("a",), ("b",), "x.onnx")
