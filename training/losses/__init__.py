"""Distillation losses, one small module each (formulas in each docstring and in docs/distillation.md)."""

from training.losses.acs import ACSLoss
from training.losses.dask import DASKLoss
from training.losses.kd import soft_target_kd
from training.losses.rkd import rkd_angle, rkd_distance
from training.losses.semantic import SemanticLoss

__all__ = ["ACSLoss", "DASKLoss", "SemanticLoss", "rkd_angle", "rkd_distance", "soft_target_kd"]
