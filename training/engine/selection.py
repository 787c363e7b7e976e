"""Which epoch a run keeps: the best validation accuracy *with its neighbours*, not alone.

With a few hundred validation windows, one epoch can reach a high accuracy between two poor ones
by luck; the next run, or the robot, would not see it again. So each epoch is scored by the mean
validation accuracy over itself and ``radius`` epochs either side (fewer at the ends of the run),
ties going to the lower mean validation loss, then to the earlier epoch. An epoch is scored once
its later neighbours exist, so the states of the last ``radius`` epochs are held until then.
"""

from __future__ import annotations

from typing import Any


class EpochSelector:
    def __init__(self, radius: int = 1):
        if radius < 0:
            raise ValueError(f"radius: expected >= 0, got {radius}")
        self.radius = radius
        self.accuracy: dict[int, float] = {}
        self.loss: dict[int, float] = {}
        self.pending: dict[int, Any] = {}  # epoch -> its weights, until it is scored
        self.best_epoch, self.best_score = -1, (-1.0, -float("inf"))

    def _score(self, epoch: int) -> tuple[float, float]:
        seen = [e for e in range(epoch - self.radius, epoch + self.radius + 1) if e in self.accuracy]
        return (
            sum(self.accuracy[e] for e in seen) / len(seen),
            -sum(self.loss[e] for e in seen) / len(seen),
        )

    def _consider(self, epoch: int) -> Any | None:
        state = self.pending.pop(epoch)
        score = self._score(epoch)
        if score > self.best_score:
            self.best_epoch, self.best_score = epoch, score
            return state
        return None

    def observe(self, epoch: int, accuracy: float, loss: float, state: Any) -> tuple[int, Any] | None:
        """Record an epoch; returns (epoch, weights) when an earlier (or this) epoch becomes the best."""
        self.accuracy[epoch], self.loss[epoch] = accuracy, loss
        self.pending[epoch] = state
        ready = epoch - self.radius
        if ready in self.pending:
            state = self._consider(ready)
            if state is not None:
                return ready, state
        return None

    def finish(self) -> tuple[int, Any] | None:
        """Score the last epochs (their later neighbours never came); the final best, if it changed."""
        found = None
        for epoch in sorted(self.pending):
            state = self._consider(epoch)
            if state is not None:
                found = (epoch, state)
        return found

    @property
    def smoothed_accuracy(self) -> float:
        return self.best_score[0]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the held weights, which a resumed run keeps in its checkpoint."""
        return {
            "radius": self.radius,
            "accuracy": dict(self.accuracy),
            "loss": dict(self.loss),
            "best_epoch": self.best_epoch,
            "best_score": list(self.best_score),
            "pending": sorted(self.pending),
        }

    def load_state_dict(self, state: dict[str, Any], pending: dict[int, Any]) -> None:
        self.radius = int(state["radius"])
        self.accuracy = {int(k): float(v) for k, v in state["accuracy"].items()}
        self.loss = {int(k): float(v) for k, v in state["loss"].items()}
        self.best_epoch = int(state["best_epoch"])
        self.best_score = (float(state["best_score"][0]), float(state["best_score"][1]))
        self.pending = {int(e): pending[int(e)] for e in state["pending"]}
