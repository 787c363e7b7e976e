"""How a node process takes SIGINT and SIGTERM: as a request to stop, never as an exception.

Python turns SIGINT into a KeyboardInterrupt wherever the main thread happens to be: in an import,
in a node's constructor, or in the clean-up after a first Ctrl-C (a terminal sends one to every
process in its group and ``ros2 launch`` forwards another). Here a stop signal only sets a flag;
rclpy's own handlers, which call this one after theirs, shut the context down, and every spin
loop ends on ``rclpy.ok()``. A stop is also bounded: if the process still runs GRACE_S after the
first signal (a clean-up stuck in a C call, where no Python handler can run), a watcher thread
woken by the signal itself writes every thread's stack to stderr and ends the process, before
``ros2 launch`` would escalate to SIGTERM (5 s) and SIGKILL. No rclpy import: the entry points
install this before the node's heavy imports.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_S = 4.0
_requested = False  # a plain flag: a handler may interrupt itself (a second signal), so no locks
_exited = threading.Event()
_installed = False


def _on_stop(signum: int, frame: object) -> None:
    global _requested
    _requested = True


def _watch(read_fd: int) -> None:
    """Woken by the first stop signal's byte, even while the main thread is blocked in C."""
    os.read(read_fd, 1)
    if _exited.wait(GRACE_S):
        return
    print(
        f"{os.path.basename(sys.argv[0])}: still running {GRACE_S:g} s after the stop signal; exiting", file=sys.stderr
    )
    faulthandler.dump_traceback(all_threads=True)
    sys.stderr.flush()
    os._exit(0)


def install() -> None:
    """Take stop signals as requests (from the main thread; rclpy.init() chains to this)."""
    global _installed
    for sig in STOP_SIGNALS:
        signal.signal(sig, _on_stop)
    if _installed:
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    threading.Thread(target=_watch, args=(read_fd,), name="stop_watch", daemon=True).start()
    _installed = True


def requested() -> bool:
    """Whether a stop signal has arrived."""
    return _requested


def ignore() -> None:
    """From here on the process is exiting: later stop signals change nothing. (Python's own
    finalisation would otherwise restore the default action, and a Ctrl-C arriving then would
    kill the process instead of letting it exit with its code.)"""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    _exited.set()
