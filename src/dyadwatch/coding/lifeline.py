"""Worker processes that cannot outlive the process that started them.

`ingest --workers N` codes in a pool of spawned processes, each holding a
spaCy model (hundreds of MB). When the parent ends normally the pool shuts
its workers down; when it is killed (kill -9, the OOM killer) nobody tells
them: they wait on their task queue for ever, adopted by PID 1, and keep
multiprocessing's resource tracker alive too, because it exits only when
every process holding its pipe has gone.

`die_with_parent` is the pool's initializer. A daemon thread in the worker
checks every `CHECK_S` seconds whether its parent is still the process that
started it (after the parent dies the worker is re-parented, so
`os.getppid()` changes) and ends the worker at once if not. A thread rather
than Linux's PR_SET_PDEATHSIG because that signal follows the parent
*thread* that spawned the worker, and pools are started from request and
writer threads too; and a thread works on every platform. Once the workers
are gone the resource tracker sees its pipe close and exits by itself.
"""

from __future__ import annotations

import os
import threading

#: Seconds between two checks of the parent: the longest a worker outlives it.
CHECK_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this worker when `parent_pid` is no longer its parent."""
    if os.getppid() != parent_pid:  # the parent died before the worker started
        os._exit(1)
    thread = threading.Thread(target=_watch, args=(parent_pid,), name="dyadwatch-lifeline",
                              daemon=True)
    thread.start()


def _watch(parent_pid: int) -> None:
    stop = threading.Event()
    while not stop.wait(CHECK_S):
        if os.getppid() != parent_pid:
            # os._exit, not sys.exit: a thread cannot raise in the main
            # thread, and there is nothing to flush (results go to the
            # parent, which is gone).
            os._exit(1)
