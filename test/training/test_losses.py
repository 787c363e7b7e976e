"""Each loss against a case computed by hand (the arithmetic is spelled out in the comments)."""

import math

import pytest
import torch

from training.losses import ACSLoss, DASKLoss, SemanticLoss, rkd_angle, rkd_distance, soft_target_kd
from training.losses.acs import ACSWeights, acs_weights
from training.losses.dask import DASKWeights

LN3 = math.log(3.0)
# teacher [ln 3, 0] -> p_t = (3/4, 1/4); student [0, 0] -> p_s = (1/2, 1/2)
KL_34 = 0.75 * math.log(0.75 / 0.5) + 0.25 * math.log(0.25 / 0.5)  # = 0.130812...


def t(*rows):
    return torch.tensor(rows, dtype=torch.float64)


def test_soft_target_kd_hand_case():
    assert soft_target_kd(t([0.0, 0.0]), t([LN3, 0.0]), temperature=1.0).item() == pytest.approx(KL_34)
    # at T = 2 the teacher needs logits 2 ln 3 for the same p_t; the T^2 factor multiplies by 4
    assert soft_target_kd(t([0.0, 0.0]), t([2 * LN3, 0.0]), temperature=2.0).item() == pytest.approx(4 * KL_34)
    assert soft_target_kd(t([1.0, -2.0]), t([1.0, -2.0])).item() == pytest.approx(0.0, abs=1e-12)
    per = soft_target_kd(t([0.0, 0.0], [LN3, 0.0]), t([LN3, 0.0], [LN3, 0.0]), 1.0, reduction="none")
    assert per.tolist() == pytest.approx([KL_34, 0.0])


def test_soft_target_kd_rejects_bad_input():
    with pytest.raises(ValueError, match="teacher_logits: expected shape"):
        soft_target_kd(t([0.0, 0.0]), t([0.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="temperature"):
        soft_target_kd(t([0.0, 0.0]), t([0.0, 0.0]), temperature=0)


def test_kd_gradient_does_not_reach_the_teacher():
    teacher = t([LN3, 0.0]).requires_grad_()
    student = t([0.0, 0.0]).requires_grad_()
    soft_target_kd(student, teacher).backward()
    assert teacher.grad is None and student.grad.abs().sum() > 0


def test_rkd_distance_hand_case():
    # student 0, 1, 3: distances 1, 3, 2 (mean 2) -> psi 0.5, 1.5, 1
    # teacher 0, 2, 4: distances 2, 4, 2 (mean 8/3) -> psi 0.75, 1.5, 0.75
    # SmoothL1 of the differences -0.25, 0, 0.25: 0.03125, 0, 0.03125; each pair twice over 6 ordered pairs
    student, teacher = t([0.0], [1.0], [3.0]), t([0.0], [2.0], [4.0])
    assert rkd_distance(student, teacher).item() == pytest.approx(4 * 0.03125 / 6)
    # scale-free: a scaled copy of the teacher costs nothing
    assert rkd_distance(3.0 * teacher, teacher).item() == pytest.approx(0.0, abs=1e-12)


def test_rkd_angle_hand_case():
    # student A(0,0) B(1,0) C(0,1); teacher A(0,0) B(1,0) C(1,1).
    # angle at A: student cos 0, teacher cos 1/sqrt2; at B: student 1/sqrt2, teacher 0; at C: both 1/sqrt2.
    # Four entries differ by 1/sqrt2 (< 1: SmoothL1 = 0.5 * 0.5 = 0.25 each); mean over 27 triplets.
    student, teacher = t([0.0, 0.0], [1.0, 0.0], [0.0, 1.0]), t([0.0, 0.0], [1.0, 0.0], [1.0, 1.0])
    assert rkd_angle(student, teacher).item() == pytest.approx(4 * 0.25 / 27)
    # rotation-, translation- and scale-free
    rotated = teacher @ t([0.0, -1.0], [1.0, 0.0]) * 2.0 + 5.0
    assert rkd_angle(rotated, teacher).item() == pytest.approx(0.0, abs=1e-12)


def test_rkd_dimensions_may_differ_and_small_batches_are_zero():
    s, te = torch.randn(5, 4), torch.randn(5, 9)
    assert rkd_distance(s, te).item() >= 0 and rkd_angle(s, te).item() >= 0
    assert rkd_distance(s[:1], te[:1]).item() == 0.0 and rkd_angle(s[:2], te[:2]).item() == 0.0
    with pytest.raises(ValueError, match="same N"):
        rkd_distance(s, te[:3])


def test_semantic_identity_and_projection():
    loss = SemanticLoss(2, 2)
    assert isinstance(loss.project, torch.nn.Identity)
    # (1 - 0)^2 + (2 - 0)^2 over 2 dims
    assert loss(t([1.0, 2.0]).float(), t([0.0, 0.0]).float()).item() == pytest.approx(2.5)
    projected = SemanticLoss(3, 2)
    with torch.no_grad():
        projected.project.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]]))
    # P e_s = (1, 6) vs (1, 2): (0 + 16) / 2
    assert projected(torch.tensor([[1.0, 5.0, 3.0]]), torch.tensor([[1.0, 2.0]])).item() == pytest.approx(8.0)
    with pytest.raises(ValueError, match="teacher embedding: expected"):
        projected(torch.ones(1, 3), torch.ones(1, 3))


def test_dask_is_the_weighted_sum_and_ignores_samples_without_teacher():
    torch.manual_seed(0)
    zs, es = torch.randn(6, 4), torch.randn(6, 5)
    zt, et = torch.randn(6, 4), torch.randn(6, 5)
    y = torch.tensor([0, 1, 2, 3, 0, 1])
    w = DASKWeights(ce=1.0, kd=0.5, distance=2.0, angle=3.0, semantic=0.25, temperature=2.0)
    loss = DASKLoss(5, 5, w)
    total, parts = loss(zs, es, zt, et, y)
    expected = (
        torch.nn.functional.cross_entropy(zs, y)
        + 0.5 * soft_target_kd(zs, zt, 2.0)
        + 2.0 * rkd_distance(es, et)
        + 3.0 * rkd_angle(es, et)
        + 0.25 * (es - et).pow(2).mean()
    )
    assert total.item() == pytest.approx(expected.item(), rel=1e-6)
    assert set(parts) == {"ce", "kd", "distance", "angle", "semantic"}
    valid = torch.tensor([True, True, True, True, False, False])
    masked, _ = loss(zs, es, zt, et, y, valid)
    garbage_t, garbage_e = zt.clone(), et.clone()
    garbage_t[4:] = 1e3
    garbage_e[4:] = -1e3
    assert loss(zs, es, garbage_t, garbage_e, y, valid)[0].item() == pytest.approx(masked.item())
    none, parts = loss(zs, es, zt, et, y, torch.zeros(6, dtype=torch.bool))
    assert set(parts) == {"ce"} and none.item() == pytest.approx(torch.nn.functional.cross_entropy(zs, y).item())


def test_dask_weighs_the_cross_entropy_of_untaught_windows():
    zs, y = t([0.0, 0.0], [LN3, 0.0], [0.0, LN3]), torch.tensor([0, 0, 0])
    ce = [math.log(2.0), math.log(4.0 / 3.0), math.log(4.0)]  # -log p_s(y) per window
    valid = torch.tensor([True, True, False])  # the third has no skeleton
    w = DASKWeights(ce=0.5, kd=0.0, distance=0.0, angle=0.0, semantic=0.0, ce_untaught=3.0)
    total, _ = DASKLoss(2, 2, w)(zs, zs, zs, zs, y, valid)
    assert total.item() == pytest.approx(0.5 * (ce[0] + ce[1] + 3.0 * ce[2]) / 3)
    plain, _ = DASKLoss(2, 2, DASKWeights(ce=0.5, kd=0.0, distance=0.0, angle=0.0, semantic=0.0))(
        zs, zs, zs, zs, y, valid
    )
    assert plain.item() == pytest.approx(0.5 * sum(ce) / 3)


def test_acs_hand_case():
    # one sample, true class 0. Teacher A [ln 3, 0]: c_A = 3/4; teacher B [0, 0]: c_B = 1/2 (T = 1).
    # a = softmax((3/4, 1/2) / tau) with tau = 1; m = a_A c_A + a_B c_B.
    # Student [0, 0]: CE = ln 2, KD_A = KL_34, KD_B = 0; semantic and relational terms off.
    a_a = math.exp(0.75) / (math.exp(0.75) + math.exp(0.5))
    m = a_a * 0.75 + (1 - a_a) * 0.5
    expected = (1 - m) * math.log(2) + m * a_a * KL_34
    w = ACSWeights(tau=1.0, temperature=1.0, semantic=0.0, distance=0.0, angle=0.0)
    loss = ACSLoss(2, [2, 2], w).double()
    zt = t([[LN3, 0.0]], [[0.0, 0.0]])
    total, parts = loss(t([0.0, 0.0]), t([1.0, 1.0]), zt, [t([1.0, 1.0]), t([1.0, 1.0])], torch.tensor([0]),
                        torch.ones(2, 1, dtype=torch.bool))  # fmt: skip
    assert total.item() == pytest.approx(expected)
    assert parts["trust"] == pytest.approx(m)


def test_acs_weights_follow_the_confident_teacher_and_fall_back_to_labels():
    # sample 0: teacher 0 right and sure, teacher 1 wrong; sample 1: only teacher 1 available
    zt = torch.tensor([[[9.0, 0.0], [0.0, 0.0]], [[0.0, 9.0], [0.0, 9.0]]])
    y = torch.tensor([0, 1])
    available = torch.tensor([[True, False], [True, True]])
    a, m = acs_weights(zt, y, available, tau=0.05)
    assert a[0, 0] > 0.99 and a[0, 1] == 0.0 and a[1, 1] == 1.0
    assert m[0] > 0.99 and m[1] > 0.99
    a, m = acs_weights(zt, y, torch.zeros(2, 2, dtype=torch.bool), tau=0.05)
    assert a.abs().sum() == 0 and m.abs().sum() == 0  # no teacher: the label alone
    a, m = acs_weights(zt, y, available, tau=0.05, mode="uniform")
    assert a[:, 0].tolist() == [0.5, 0.5] and a[:, 1].tolist() == [0.0, 1.0] and m.tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="mode"):
        acs_weights(zt, y, available, tau=0.1, mode="greedy")


def test_acs_with_no_teacher_is_cross_entropy():
    zs = torch.randn(4, 3)
    y = torch.tensor([0, 1, 2, 0])
    loss = ACSLoss(3, [3])
    total, _ = loss(zs, torch.randn(4, 3), torch.randn(1, 4, 3), [torch.randn(4, 3)], y, torch.zeros(1, 4, dtype=bool))
    assert total.item() == pytest.approx(torch.nn.functional.cross_entropy(zs, y).item())


def test_kd_over_known_classes_ignores_the_teachers_untrained_logit():
    """A class the teacher never read adds nothing: with it dropped, KD is the KD of the other classes."""
    zs, zt = torch.randn(5, 4), torch.randn(5, 4)
    known = torch.tensor([True, True, False, True])
    dropped = soft_target_kd(zs, zt, 2.0, classes=known)
    torch.testing.assert_close(dropped, soft_target_kd(zs[:, known], zt[:, known], 2.0))
    zt_untrained = zt.clone()
    zt_untrained[:, 2] = -30.0  # never a target: the teacher's logit for it only fell
    torch.testing.assert_close(soft_target_kd(zs, zt_untrained, 2.0, classes=known), dropped)
    # kept, that logit asks the student to push its own for the class down
    zs_leaf = zs.clone().requires_grad_(True)
    soft_target_kd(zs_leaf, zt_untrained, 2.0).backward()
    assert bool((zs_leaf.grad[:, 2] > 0).all())
    with pytest.raises(ValueError, match="classes: expected a"):
        soft_target_kd(zs, zt, 2.0, classes=torch.zeros(4, dtype=torch.bool))


def test_dask_and_acs_read_each_teachers_known_classes():
    torch.manual_seed(0)
    zs, es = torch.randn(6, 4), torch.randn(6, 8)
    zt, et, y = torch.randn(6, 4), torch.randn(6, 8), torch.tensor([0, 1, 3, 0, 1, 3])
    known = torch.tensor([True, True, False, True])
    w = DASKWeights(ce=0.0, kd=1.0, distance=0.0, angle=0.0, semantic=0.0, temperature=4.0)
    _, parts = DASKLoss(8, 8, w, classes=known)(zs, es, zt, et, y)
    assert parts["kd"] == pytest.approx(float(soft_target_kd(zs, zt, 4.0, classes=known)))
    acs_w = ACSWeights(semantic=0.0, distance=0.0, angle=0.0, mode="uniform")
    available = torch.ones(1, 6, dtype=torch.bool)
    masked, _ = ACSLoss(8, [8], acs_w, classes=[known])(zs, es, zt[None], [et], y, available)
    ce = torch.nn.functional.cross_entropy(zs, y)
    expected = 0.5 * ce + 0.5 * soft_target_kd(zs, zt, 4.0, classes=known)  # a = 1, m = 1/2
    torch.testing.assert_close(masked, expected)
    with pytest.raises(ValueError, match="one mask per teacher"):
        ACSLoss(8, [8, 8], acs_w, classes=[known])
