"""Evaluation protocols as data: which recordings train, validate and test.

Validation is always carved from the training side (whole subjects where the protocol splits
by subject), so the test split is never used for model selection.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from har_kd_ros.recordings.recording import Recording


def _subject_number(rec: Recording) -> int:
    digits = "".join(ch for ch in rec.subject if ch.isdigit())
    if not digits:
        raise ValueError(f"subject: protocol needs a numbered subject, got {rec.subject!r}")
    return int(digits)


def _trial_number(rec: Recording) -> int:
    digits = "".join(ch for ch in rec.trial if ch.isdigit())
    if not digits:
        raise ValueError(f"trial: protocol needs a numbered trial, got {rec.trial!r}")
    return int(digits)


@dataclass(frozen=True)
class Protocol:
    """``is_test(rec)`` decides the split; ``val_by`` says how validation is carved from train.
    A protocol whose test side depends on the whole dataset (k-fold) gives ``test_mask`` instead."""

    name: str
    description: str
    is_test: Callable[[Recording], bool] = lambda r: False
    val_by: str = "subject"  # or "recording"
    test_mask: Callable[[list[Recording]], list[bool]] | None = None
    # one of many folds (LOSO, k-fold): each fold draws its own validation subjects, so the folds
    # of one seed do not all validate on the same people
    fold_of_many: bool = False

    def tests(self, recordings: list[Recording]) -> list[bool]:
        if self.test_mask is not None:
            return self.test_mask(recordings)
        return [self.is_test(r) for r in recordings]


PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        Protocol(
            "cross_subject",
            "odd subjects train, even subjects test (UTD-MHAD, synthetic)",
            lambda r: _subject_number(r) % 2 == 0,
        ),
        Protocol(
            "subject_specific",
            "trials 1-2 train, trials 3-4 test (UTD-MHAD)",
            lambda r: _trial_number(r) >= 3,
            val_by="recording",
        ),
        Protocol(
            "berkeley_cross_subject", "S01-S07 train, S08-S12 test (Berkeley-MHAD)", lambda r: _subject_number(r) >= 8
        ),
        Protocol("mmact_cross_subject", "subjects 1-16 train, 17-20 test (MMAct)", lambda r: _subject_number(r) >= 17),
        Protocol(
            "predefined_split",
            "the dataset's own split: subjects named test* test, the rest train (BasicMotions)",
            lambda r: r.subject.lower().startswith("test"),
            val_by="recording",
        ),
    )
}


def leave_one_subject_out(subject: str) -> Protocol:
    if not subject:
        raise ValueError("protocol: expected loso_<subject>, got no subject after 'loso_'")
    return Protocol(
        f"loso_{subject}",
        f"subject {subject} tests, all others train",
        lambda r: r.subject == subject,
        fold_of_many=True,
    )


def group_folds(subjects: list[str], k: int) -> dict[str, int]:
    """Each subject's fold, GroupKFold-style: subjects by decreasing number of recordings (ties by
    name) go one by one to the fold with the fewest recordings so far (ties to the lowest fold),
    so folds are balanced and the assignment depends on the data alone, never on a seed."""
    counts: dict[str, int] = {}
    for s in subjects:
        counts[s] = counts.get(s, 0) + 1
    if len(counts) < k:
        raise ValueError(f"protocol: kfold_{k} needs at least {k} subjects, the dataset has {sorted(counts)}")
    sizes = [0] * k
    fold = {}
    for s in sorted(counts, key=lambda s: (-counts[s], s)):
        f = min(range(k), key=lambda i: (sizes[i], i))
        fold[s] = f
        sizes[f] += counts[s]
    return fold


_KFOLD = re.compile(r"kfold_(\d+)_(\d+)")


def subject_kfold(k: int, i: int) -> Protocol:
    if k < 2 or not 0 <= i < k:
        raise ValueError(f"protocol: expected kfold_<k>_<i> with k >= 2 and 0 <= i < k, got kfold_{k}_{i}")

    def mask(recordings: list[Recording]) -> list[bool]:
        fold = group_folds([r.subject for r in recordings], k)
        return [fold[r.subject] == i for r in recordings]

    return Protocol(f"kfold_{k}_{i}", f"subject-grouped {k}-fold, fold {i} tests", test_mask=mask, fold_of_many=True)


def get_protocol(name: str) -> Protocol:
    if name.startswith("loso_"):
        return leave_one_subject_out(name[len("loso_") :])
    match = _KFOLD.fullmatch(name)
    if match:
        return subject_kfold(int(match[1]), int(match[2]))
    if name not in PROTOCOLS:
        raise ValueError(
            f"protocol: expected one of {sorted(PROTOCOLS)}, loso_<subject> or kfold_<k>_<i>, got {name!r}"
        )
    return PROTOCOLS[name]


@dataclass(frozen=True)
class Split:
    train: list[int]
    val: list[int]
    test: list[int]


def split(recordings: list[Recording], protocol: Protocol, val_fraction: float = 0.2, seed: int = 0) -> Split:
    """Indices of train / val / test recordings. Validation never touches test subjects."""
    is_test = protocol.tests(recordings)
    test = [i for i, t in enumerate(is_test) if t]
    rest = [i for i, t in enumerate(is_test) if not t]
    if not test or not rest:
        subjects = sorted({r.subject for r in recordings})
        shown = ", ".join(subjects[:20]) + (f", ... ({len(subjects)} in all)" if len(subjects) > 20 else "")
        raise ValueError(
            f"protocol {protocol.name}: split left {len(rest)} train and {len(test)} test recordings "
            f"({protocol.description}; the dataset's subjects: {shown})"
        )
    rng = np.random.default_rng([seed, zlib.crc32(protocol.name.encode())] if protocol.fold_of_many else seed)
    if protocol.val_by == "subject":
        subjects = sorted({recordings[i].subject for i in rest})
        n_val = max(1, round(val_fraction * len(subjects))) if len(subjects) > 1 else 0
        val_subjects = set(rng.permutation(subjects)[:n_val].tolist())
        val = [i for i in rest if recordings[i].subject in val_subjects]
    else:
        n_val = max(1, round(val_fraction * len(rest)))
        val = sorted(rng.permutation(rest)[:n_val].tolist())
    train = [i for i in rest if i not in set(val)]
    if not val:  # a single training subject: fall back to held-out recordings of it
        val = sorted(rng.permutation(rest)[: max(1, round(val_fraction * len(rest)))].tolist())
        train = [i for i in rest if i not in set(val)]
    return Split(train, val, test)
