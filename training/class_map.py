"""An exported teacher's classes read on a run's classes, matched by name.

A run whose labels are the recordings' own (``dataset.labels: recorded``) may distil from, or
label extra subjects with, an exported teacher (``teacher.model``) trained on other classes: the
bundled teacher knows 13 activities, a robot's annotated sessions may hold five of them. Column
``k`` of the teacher's logits is then not the run's class ``k``; every use of its outputs goes
through this map, so a soft target or a label always means the class its name says.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class ClassMap:
    """Where each of the run's classes sits among the teacher's, and the other way round."""

    def __init__(self, teacher_labels: Sequence[str], run_labels: Sequence[str], teacher_name: str = "teacher.model"):
        self.teacher_labels, self.run_labels = tuple(teacher_labels), tuple(run_labels)
        column = {name: i for i, name in enumerate(self.teacher_labels)}
        row = {name: i for i, name in enumerate(self.run_labels)}
        # (K_run,) the teacher's column of each run class, -1 where the teacher has none
        self.columns = np.array([column.get(n, -1) for n in self.run_labels], dtype=np.int64)
        # (K_teacher,) the run's class of each teacher column, -1 where the run has none
        self.run_index = np.array([row.get(n, -1) for n in self.teacher_labels], dtype=np.int64)
        if not (self.columns >= 0).any():
            raise ValueError(
                f"{teacher_name}: its classes {list(self.teacher_labels)} share none with the recordings' "
                f"labels {list(self.run_labels)}"
            )

    @property
    def identity(self) -> bool:
        return self.teacher_labels == self.run_labels

    @property
    def known(self) -> np.ndarray:
        """(K_run,) which run classes the teacher has: soft targets can only speak of those."""
        return self.columns >= 0

    def missing(self) -> list[str]:
        """Run classes the teacher has no output for."""
        return [n for n, c in zip(self.run_labels, self.columns, strict=True) if c < 0]

    def extra(self) -> list[str]:
        """Teacher classes the run does not train."""
        return [n for n, r in zip(self.teacher_labels, self.run_index, strict=True) if r < 0]

    def logits(self, teacher_logits: np.ndarray) -> np.ndarray:
        """(N, K_teacher) -> (N, K_run) logits in the run's class order. A run class the teacher
        lacks gets the row's lowest logit (finite: 'least likely'); ``teacher.unseen_classes:
        drop`` leaves it out of the soft targets altogether."""
        z = np.asarray(teacher_logits, dtype=np.float32)
        if self.identity:
            return z
        out = z[:, np.maximum(self.columns, 0)]
        if not self.known.all():
            out[:, ~self.known] = z.min(axis=1, keepdims=True) if len(z) else 0.0
        return out

    def labels(self, teacher_logits: np.ndarray) -> np.ndarray:
        """(N,) the run's class of the teacher's top class over all its classes; -1 where that class
        is not one the run trains (such a window is not forced into one that is)."""
        return self.run_index[np.asarray(teacher_logits).argmax(axis=1)]
