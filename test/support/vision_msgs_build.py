"""Give the tests real vision_msgs typesupport where no ROS install provides it.

vision_msgs has no PyPI wheel. Its interface definitions (the subset the node publishes,
test/support/vision_msgs/msg) are built with colcon against the ROS wheels in this venv.
The wheels' exported CMake files name the manylinux container they were built in for the
Python and numpy include directories; those paths are rewritten to this interpreter's
(idempotent, only in this venv) before the build. The install is cached under .cache/,
keyed by the definitions' content, so only the first test session pays the ~10 s.

Run directly (``python test/support/vision_msgs_build.py``) to build and print the prefix.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PACKAGE = HERE / "vision_msgs_interfaces"
CACHE = REPO / ".cache" / "vision_msgs"
_BUILD_PREFIX = re.compile(r"/opt/python/cp3\d+-cp3\d+")


def _definitions_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _fix_wheel_cmake_paths(prefix: Path) -> int:
    """Point the wheels' exported include dirs and parent prefixes at this venv. Returns files changed."""
    import numpy

    python_include = sysconfig.get_paths()["include"]
    numpy_include = numpy.get_include()
    changed = 0
    candidates = list((prefix / "share").glob("*/cmake/*Export.cmake"))
    candidates += list((prefix / "share" / "ament_index" / "resource_index" / "parent_prefix_path").glob("*"))
    for path in candidates:
        text = path.read_text()
        if not _BUILD_PREFIX.search(text):
            continue
        text = re.sub(_BUILD_PREFIX.pattern + r"/include/python3\.\d+", python_include, text)
        text = re.sub(
            _BUILD_PREFIX.pattern + r"/lib/python3\.\d+/site-packages/numpy/_?core/include", numpy_include, text
        )
        text = _BUILD_PREFIX.sub(str(prefix), text)
        path.write_text(text)
        changed += 1
    return changed


def python_path(install: Path) -> Path:
    return install / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def ensure_vision_msgs() -> Path | None:
    """Return an install prefix holding vision_msgs (None if it is importable already)."""
    try:
        from vision_msgs.msg import Classification  # noqa: F401

        return None
    except ImportError:
        pass
    install = CACHE / _definitions_hash() / "install"
    if (python_path(install) / "vision_msgs" / "msg" / "__init__.py").is_file():
        return install
    prefix = Path(sys.prefix)
    _fix_wheel_cmake_paths(prefix)
    work = install.parent
    shutil.rmtree(work, ignore_errors=True)
    (work / "src").mkdir(parents=True)
    shutil.copytree(PACKAGE, work / "src" / "vision_msgs")
    env = dict(os.environ, AMENT_PREFIX_PATH=str(prefix), CMAKE_PREFIX_PATH=str(prefix))
    env["PATH"] = f"{prefix / 'bin'}:{env.get('PATH', '')}"
    colcon = prefix / "bin" / "colcon"
    result = subprocess.run(
        [
            str(colcon),
            "build",
            "--merge-install",
            "--cmake-args",
            "-DBUILD_TESTING=OFF",
            f"-DPython3_EXECUTABLE={sys.executable}",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        log = work / "log" / "latest_build" / "vision_msgs" / "stdout_stderr.log"
        detail = log.read_text()[-3000:] if log.is_file() else result.stdout[-3000:] + result.stderr[-3000:]
        raise RuntimeError(f"building vision_msgs typesupport failed:\n{detail}")
    return install


def env_with(install: Path | None, env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default os.environ) extended so a subprocess imports the built vision_msgs."""
    env = dict(os.environ if env is None else env)
    if install is None:
        return env

    def prepend(key: str, value: Path) -> None:
        env[key] = f"{value}:{env[key]}" if env.get(key) else str(value)

    prepend("PYTHONPATH", python_path(install))
    prepend("LD_LIBRARY_PATH", install / "lib")
    prepend("AMENT_PREFIX_PATH", install)
    return env


def env_without(install: Path | None, env: dict[str, str]) -> dict[str, str]:
    """``env`` with the built vision_msgs taken out again: a machine where it is not installed."""
    env = dict(env)
    if install is not None:
        for key in ("PYTHONPATH", "LD_LIBRARY_PATH", "AMENT_PREFIX_PATH"):
            kept = [p for p in env.get(key, "").split(":") if p and not p.startswith(str(install))]
            env[key] = ":".join(kept)
    return env


if __name__ == "__main__":
    print(ensure_vision_msgs() or "vision_msgs already importable")
