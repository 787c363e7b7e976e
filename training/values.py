"""What a setting may hold, judged by its default: one reading for config entries (``--set``) and
dataset loader options (``--option``), so ``optim.lr=1e-3`` and ``pose_fps=25`` are read alike."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

import yaml

from har_kd_ros.errors import first_line

Rule = tuple[Callable[[Any], bool], str]  # (does the value fit, what was expected)

KINDS: dict[type, Rule] = {
    bool: ((lambda v: isinstance(v, bool)), "true or false"),
    int: ((lambda v: isinstance(v, int) and not isinstance(v, bool)), "an integer"),
    float: (
        (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)),
        "a finite number",
    ),
    str: ((lambda v: isinstance(v, str) and v != ""), "a non-empty string"),
    list: ((lambda v: isinstance(v, list)), "a list"),
    tuple: ((lambda v: isinstance(v, list | tuple) and all(isinstance(x, str) for x in v)), "a list of names"),
}


def parse_yaml(text: str) -> Any:
    """A command-line value as YAML reads it ('2' -> 2, 'true' -> True, '[a, b]' -> a list)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{text!r} is not a YAML value ({first_line(exc)})") from None


def like_default(value: Any, default: Any) -> tuple[Any, str | None]:
    """``value`` read as its default's type (a number written as a string, such as "1e-3", which
    PyYAML reads as a string since YAML 1.1 wants "1.0e-3", becomes a float; a list of names for a
    tuple default becomes a tuple), and what was expected if it does not fit (None if it does).
    A None default takes anything: the setting's own rule decides."""
    if isinstance(default, float) and isinstance(value, str):
        with contextlib.suppress(ValueError):  # then the rule below names it
            value = float(value)
    rule = KINDS.get(type(default))
    if rule is None:
        return value, None
    fits, expected = rule
    if not fits(value):
        return value, expected
    return (tuple(value) if isinstance(default, tuple) else value), None
