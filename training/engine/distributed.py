"""Data-parallel training under ``torchrun``: the same command, N processes, one global batch.

``torchrun --nproc_per_node=N -m training run ...`` sets RANK / WORLD_SIZE / LOCAL_RANK; a
plain ``python -m training run ...`` is the world of one. Every rank draws the *same* global
permutation each epoch and takes its own contiguous slice of every global batch, so N ranks
with batch B/N compute exactly the gradient one process computes with batch B (DDP averages
the per-rank means). Only rank 0 writes logs and checkpoints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    def local_batch(self, global_batch: int) -> int:
        if global_batch % self.world_size:
            raise ValueError(f"batch_size: expected a multiple of the {self.world_size} processes, got {global_batch}")
        return global_batch // self.world_size

    def shard(self, global_indices: torch.Tensor) -> torch.Tensor:
        """This rank's contiguous slice of one global batch."""
        b = len(global_indices) // self.world_size
        return global_indices[self.rank * b : (self.rank + 1) * b]

    def all_sum(self, values: list[float]) -> list[float]:
        """Sum of per-rank numbers (for logging); identity for one process."""
        if not self.distributed:
            return values
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return t.tolist()

    def barrier(self) -> None:
        if self.distributed:
            dist.barrier()


SINGLE_PROCESS = DistContext()


def init_distributed(prefer_cuda: bool = True) -> DistContext:
    """A context from torchrun's environment (gloo on CPU, nccl on GPUs), or the single process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = prefer_cuda and torch.cuda.is_available()
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo")
    return DistContext(rank, world, local, device)


def shutdown_distributed() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
