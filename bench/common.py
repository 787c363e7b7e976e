"""Shared by the benchmark scripts: machine description, a printed table, a JSON result file."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def report(name: str, columns: list[str], rows: list[list[object]], extra: dict | None = None) -> dict:
    """Print ``rows`` as a Markdown table and write bench/results/<name>.json."""
    widths = [max(len(str(c)), *(len(_fmt(r[i])) for r in rows)) for i, c in enumerate(columns)]
    print("| " + " | ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(_fmt(v).ljust(w) for v, w in zip(r, widths, strict=True)) + " |")
    result = {
        "benchmark": name,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "columns": columns,
        "rows": rows,
        **(extra or {}),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"machine: {result['machine']['cpu']} x{result['machine']['cores']}  ->  bench/results/{name}.json")
    return result


def _fmt(v: object) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)
