"""One training loop for teachers and students, every method, one process or many.

Data is a dict of aligned tensors per split (``gaf``, ``acc``, ``skeleton``, ``y``, teacher
outputs, ...): one index is one paired time span for every network and loss. An *objective*
wraps the trained model and its loss and maps a batch to ``(loss, logits, parts)``. The loop
selects the epoch with the best validation accuracy, evaluates the test split once with it,
and writes everything into the run folder. Batches are never padded: the last incomplete
batch of an epoch is dropped, so BatchNorm never sees filler.
"""

from __future__ import annotations

import copy
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from training.engine.distributed import SINGLE_PROCESS, DistContext
from training.engine.metrics import classification_report, recording_report, tracked
from training.engine.run import RunFolder
from training.engine.selection import EpochSelector

Split = dict[str, torch.Tensor]


@dataclass(frozen=True)
class FitConfig:
    epochs: int = 30
    batch_size: int = 64  # global: split across processes under torchrun
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0
    threads: int = 2
    progress: bool = True
    # evaluate, select and export an exponential moving average of the weights (0: off); on small
    # sets the raw weights of neighbouring epochs disagree by many points, their average does not
    ema: float = 0.0
    label_smoothing: float = 0.0
    # before each evaluation, recompute BatchNorm statistics for the evaluated weights on this many
    # training windows (0: keep the running averages, which lag behind fast-moving weights)
    precise_bn: int = 0
    # keep the epoch with the best validation accuracy averaged over itself and this many epochs
    # either side (training/engine/selection.py); 0 keeps the best single epoch
    select_radius: int = 1


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def model_inputs(model: nn.Module, batch: Split) -> list[torch.Tensor]:
    """The tensors a network reads, by the names it declares (``inputs``)."""
    return [batch[name] for name in model.inputs]


def take(split: Split, index: torch.Tensor) -> Split:
    return {k: v[index] for k, v in split.items()}


@torch.no_grad()
def predict(model: nn.Module, split: Split, batch_size: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, embeddings) of a whole split in eval mode."""
    model.eval()
    n = len(split["y"])
    device = next(model.parameters()).device
    logits, embs = [], []
    for i in range(0, n, batch_size):
        part = {k: v[i : i + batch_size].to(device) for k, v in split.items()}
        z, e = model(*model_inputs(model, part))
        logits.append(z.cpu())
        embs.append(e.cpu())
    if not logits:
        raise ValueError("split: expected at least one sample to predict")
    return torch.cat(logits), torch.cat(embs)


class SupervisedObjective(nn.Module):
    """Cross-entropy on the labels: teachers, and the student-alone baseline."""

    def __init__(self, model: nn.Module, label_smoothing: float = 0.0):
        super().__init__()
        self.model = model
        self.label_smoothing = label_smoothing

    def forward(self, batch: Split, epoch: int) -> tuple[torch.Tensor, torch.Tensor, dict[str, float]]:
        logits, _ = self.model(*model_inputs(self.model, batch))
        loss = nn.functional.cross_entropy(logits, batch["y"], label_smoothing=self.label_smoothing)
        return loss, logits, {"ce": float(loss.detach())}


def _evaluate(model: nn.Module, split: Split) -> tuple[float, np.ndarray, torch.Tensor]:
    logits, _ = predict(model, split)
    loss = nn.functional.cross_entropy(logits, split["y"]).item()
    return loss, logits.argmax(1).numpy(), logits


BatchTransform = Callable[[Split, np.random.Generator], Split]


def ema_with_warmup(decay: float) -> Callable[[list[torch.Tensor], list[torch.Tensor], torch.Tensor], None]:
    """AveragedModel's update for an exponential moving average whose decay grows with the steps
    taken, ``min(decay, (1 + n) / (10 + n))``: a plain EMA of 0.98 over a run of 50 steps would
    still be mostly the random initial weights."""

    def update(averaged: list[torch.Tensor], current: list[torch.Tensor], num_averaged: torch.Tensor) -> None:
        n = int(num_averaged)
        weight = 1.0 - min(decay, (1.0 + n) / (10.0 + n))
        for a, c in zip(averaged, current, strict=True):
            if a.is_floating_point():
                a.lerp_(c, weight)
            else:  # a counter (BatchNorm's num_batches_tracked) is not averaged
                a.copy_(c)

    return update


def recompute_batchnorm(model: nn.Module, split: Split, limit: int, device: torch.device) -> None:
    """Set every BatchNorm's statistics to those of ``model``'s current weights on up to ``limit``
    windows of ``split`` (evenly spaced; torch's update_bn, the SWA recipe). The running averages
    mix statistics of many past weights: at a high learning rate they disagree with the weights
    they are used with, and validation swings where the training loss does not."""
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        return
    if len(model.inputs) != 1:
        raise ValueError(f"precise_bn: expected a network with one input, {type(model).__name__} has {model.inputs}")
    (name,) = model.inputs
    n = len(split["y"])
    index = torch.linspace(0, n - 1, min(n, limit)).round().long()
    x = split[name][index]
    mode = model.training
    # chunks of (nearly) equal size: update_bn averages the chunks' statistics, one vote each
    chunks = torch.tensor_split(x, max(1, -(-len(x) // 256)))
    torch.optim.swa_utils.update_bn([c.to(device) for c in chunks], model)
    model.train(mode)


def fit(
    objective: nn.Module,
    data: dict[str, Split],
    label_names: tuple[str, ...],
    config: FitConfig,
    run: RunFolder | None,
    ctx: DistContext = SINGLE_PROCESS,
    resume: bool = False,
    run_dir: str | Path | None = None,
    transform: BatchTransform | None = None,
) -> tuple[nn.Module, dict]:
    """Train ``objective.model`` on ``data['train']``, select on 'val', test once on 'test'.

    ``transform`` redraws every training batch (augmentation), seeded by (seed, epoch, step,
    rank). ``run`` is only written by rank 0 (pass None on other ranks). With ``resume`` every
    rank continues from ``last.pt`` in ``run_dir`` (default: the run folder): same batches, same
    result as an uninterrupted run.
    """
    seed_everything(config.seed)
    torch.set_num_threads(config.threads)
    objective.to(ctx.device)
    model = objective.model
    train = data["train"]
    n = len(train["y"])
    local = ctx.local_batch(config.batch_size)
    steps_per_epoch = n // config.batch_size
    if steps_per_epoch < 1:
        raise ValueError(f"batch_size: {config.batch_size} is larger than the {n} training samples")
    trainable = [p for p in objective.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=config.lr, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=config.lr, total_steps=config.epochs * steps_per_epoch
    )
    # the weights that are evaluated, selected and exported: the model itself, or its moving average
    average = (
        torch.optim.swa_utils.AveragedModel(
            model, multi_avg_fn=ema_with_warmup(config.ema), use_buffers=not config.precise_bn
        )
        if config.ema > 0
        else None
    )
    evaluated = model if average is None else average.module
    stepper: nn.Module = objective
    if ctx.distributed:
        stepper = nn.parallel.DistributedDataParallel(
            objective,
            device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None,
            find_unused_parameters=True,
        )
    history: list[dict[str, float]] = []
    selector = EpochSelector(config.select_radius)
    best_epoch, best_state = -1, None
    start = 1
    folder = Path(run_dir) if run_dir is not None else (Path(run.path) if run is not None else None)
    last_path = folder / "last.pt" if folder is not None else None
    if resume and last_path is not None and last_path.is_file():
        state = torch.load(last_path, map_location=ctx.device, weights_only=True)
        objective.load_state_dict(state["objective"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        if average is not None:
            average.load_state_dict(state["average"])
        selector.load_state_dict(state["selector"], state["selector_pending"])
        best_epoch, start = selector.best_epoch, state["epoch"] + 1
        if best_epoch > 0:
            best_state = torch.load(folder / "best.pt", map_location="cpu", weights_only=True)
        history = run.read_history() if run is not None else []
    elif resume and ctx.is_main:  # a mistyped --out or config must not pass for a continued run
        print(f"resume: no {last_path} to continue from, training from the first epoch", file=sys.stderr)
    bar = tqdm(
        range(start, config.epochs + 1),
        desc=f"{type(objective).__name__} {type(model).__name__}",
        disable=not (config.progress and ctx.is_main),
        leave=False,
    )
    started = time.perf_counter()
    for epoch in bar:
        objective.train()
        # a permutation that depends on (seed, epoch) only: identical on every rank, and after a resume
        order = torch.randperm(n, generator=torch.Generator().manual_seed(config.seed * 1_000_003 + epoch))
        sums = {"loss": 0.0, "correct": 0.0, "count": 0.0}
        parts_sum: dict[str, float] = {}
        for step in range(steps_per_epoch):
            idx = ctx.shard(order[step * config.batch_size : (step + 1) * config.batch_size])
            assert len(idx) == local
            batch = {k: v[idx] for k, v in train.items()}
            if transform is not None:
                batch = transform(batch, np.random.default_rng([config.seed, epoch, step, ctx.rank]))
            batch = {k: v.to(ctx.device) for k, v in batch.items()}
            loss, logits, parts = stepper(batch, epoch)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            if average is not None:
                average.update_parameters(model)
            sums["loss"] += float(loss.detach()) * local
            sums["correct"] += float((logits.argmax(1) == batch["y"]).sum())
            sums["count"] += local
            for k, v in parts.items():
                parts_sum[k] = parts_sum.get(k, 0.0) + v * local
        keys = list(sums) + list(parts_sum)
        totals = dict(zip(keys, ctx.all_sum([*sums.values(), *parts_sum.values()]), strict=True))
        if config.precise_bn:
            recompute_batchnorm(evaluated, train, config.precise_bn, ctx.device)
        val_loss, val_pred, _ = _evaluate(evaluated, data["val"])
        val_acc = float((val_pred == data["val"]["y"].numpy()).mean())
        row = {
            "epoch": epoch,
            "train_loss": totals["loss"] / totals["count"],
            "train_acc": totals["correct"] / totals["count"],
            "val_loss": val_loss,
            "val_acc": val_acc,
            **{f"loss_{k}": totals[k] / totals["count"] for k in parts_sum},
        }
        history.append(row)
        bar.set_postfix(val_acc=f"{val_acc:.3f}")
        snapshot = {k: v.detach().cpu().clone() for k, v in evaluated.state_dict().items()}
        kept = selector.observe(epoch, val_acc, val_loss, snapshot)
        if kept is not None:
            best_epoch, best_state = kept
            if run is not None:
                _save_atomic(best_state, Path(run.path) / "best.pt")
        if run is not None:
            run.log_epoch(row)
            checkpoint = {
                "objective": objective.state_dict(),
                "optimiser": optimiser.state_dict(),
                "schedule": schedule.state_dict(),
                "epoch": epoch,
                "selector": selector.state_dict(),
                "selector_pending": selector.pending,
            }
            if average is not None:
                checkpoint["average"] = average.state_dict()
            _save_atomic(checkpoint, last_path)  # every epoch: what --resume continues from
    kept = selector.finish()
    if kept is not None:
        best_epoch, best_state = kept
        if run is not None:
            _save_atomic(best_state, Path(run.path) / "best.pt")
    assert best_state is not None
    train_seconds = time.perf_counter() - started
    model.load_state_dict(copy.deepcopy(best_state))
    _, test_pred, test_logits = _evaluate(model, data["test"])
    _, val_pred, _ = _evaluate(model, data["val"])
    y_test = data["test"]["y"].numpy()
    report = classification_report(y_test, test_pred, label_names)
    result = {
        "best_epoch": best_epoch,
        "val_accuracy": selector.accuracy[best_epoch],
        "val_accuracy_smoothed": selector.smoothed_accuracy,  # the selection's score
        "val": classification_report(data["val"]["y"].numpy(), val_pred, label_names),
        "test": report,
        "n_train": n,
        "n_val": len(data["val"]["y"]),
        "n_test": len(y_test),
        "train_seconds": train_seconds,  # this process's epochs (a resumed run: the epochs it ran)
    }
    # the windows a skeleton teacher is scored on (none where the dataset has no skeleton)
    if "skeleton_valid" in data["test"] and bool(data["test"]["skeleton_valid"].any()):
        result["test_tracked"] = classification_report(*tracked(data["test"], y_test, test_pred), label_names)
    if "recording" in data["test"]:
        recordings = data["test"]["recording"].numpy()
        result["test_recordings"] = recording_report(recordings, y_test, test_pred, label_names)
    if run is not None:
        run.write_json("metrics.json", result)
        run.plot_curves(history)
        run.plot_confusion(np.array(report["confusion_matrix"]), label_names, f"test accuracy {report['accuracy']:.3f}")
        if "recording" in data["test"]:
            run.write_predictions("test_predictions.csv", data["test"], test_logits, label_names)
    ctx.barrier()
    return model.eval(), result


def _save_atomic(obj: object, path: Path) -> None:
    """Write then rename: a run killed mid-save leaves the previous checkpoint, never half a file."""
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_checkpoint(model: nn.Module, path: str | Path) -> nn.Module:
    """Checkpoints are untrusted files: tensors only (weights_only), never pickled code."""
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()
