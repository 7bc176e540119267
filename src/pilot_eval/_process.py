"""Process-wide settings changed for the duration of some work, shared by threads.

BLAS's thread count and the use of huge pages belong to the process, not to a call:
when several threads load datasets or fit models at once, the setting is changed when
the first one enters and restored when the last one leaves. Any failure to change it
(a library missing, an API that moved) means the work runs with the setting as it was.

:func:`release_arrow_memory`, beside them, gives back what Arrow's allocator keeps after
a load.

This module is the bottom layer: it imports nothing from pilot_eval.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator


class SharedSetting:
    """A process-wide setting held while any caller is inside :meth:`held`.

    Parameters
    ----------
    change : callable
        Changes the setting and returns how to undo the change; may raise (then nothing
        is changed and the callers run as they are).

    Examples
    --------
    >>> state = {"threads": 4}
    >>> def one_thread():
    ...     before = state["threads"]
    ...     state["threads"] = 1
    ...     return lambda: state.update(threads=before)
    >>> setting = SharedSetting(one_thread)
    >>> with setting.held():
    ...     with setting.held():  # a second caller shares the change
    ...         inner = state["threads"]
    ...     middle = state["threads"]  # still held by the first
    >>> inner, middle, state["threads"]
    (1, 1, 4)
    """

    def __init__(self, change: Callable[[], Callable[[], None]]) -> None:
        self._change = change
        self._lock = threading.Lock()
        self._users = 0
        self._undo: Callable[[], None] | None = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                try:
                    self._undo = self._change()
                except Exception:  # the setting stays as it was: slower, never wrong
                    self._undo = None
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self._undo is not None:
                    undo, self._undo = self._undo, None
                    with contextlib.suppress(Exception):
                        undo()


_BLAS_CONTROLLER: list[object] = []  # threadpoolctl's controller (None without), made once:
#                                        it scans the loaded libraries


def _limit_blas_to_one_thread() -> Callable[[], None]:
    if not _BLAS_CONTROLLER:
        try:
            import scipy.linalg  # noqa: F401  (SciPy's BLAS loaded before threadpoolctl looks)
            from threadpoolctl import ThreadpoolController

            _BLAS_CONTROLLER.append(ThreadpoolController())
        except Exception:  # not installed, or a BLAS it cannot read: not looked for again
            _BLAS_CONTROLLER.append(None)
    if _BLAS_CONTROLLER[0] is None:
        raise RuntimeError("threadpoolctl cannot limit this BLAS")
    limits = _BLAS_CONTROLLER[0].limit(limits=1, user_api="blas")  # type: ignore[attr-defined]
    return limits.restore_original_limits  # type: ignore[no-any-return]


#: BLAS and LAPACK on one thread (threadpoolctl). The time-series fit does hundreds of
#: small solves (n ~ 100): OpenBLAS hands each to its worker threads, which then spin
#: between calls, so the fit took 3-5 times the CPU of one thread. The thread count does
#: not change OpenBLAS's arithmetic in the fit (each thread takes whole columns); the checks
#: after it agree up to rounding (~1e-14).
one_blas_thread = SharedSetting(_limit_blas_to_one_thread)


_PR_SET_THP_DISABLE, _PR_GET_THP_DISABLE = 41, 42  # <linux/prctl.h>


def _without_huge_pages() -> Callable[[], None]:
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        raise OSError("transparent huge pages are Linux's")
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.restype = ctypes.c_int  # the kernel refuses unused arguments that are not 0:
    prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4  # pass them whole
    before = prctl(_PR_GET_THP_DISABLE, 0, 0, 0, 0)
    if before < 0 or prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_THP_DISABLE) refused")
    return lambda: prctl(_PR_SET_THP_DISABLE, before, 0, 0, 0)


#: The process's memory on ordinary 4 KiB pages, not transparent huge pages (Linux's
#: ``PR_SET_THP_DISABLE``; elsewhere nothing changes). numpy asks for huge pages for every
#: large array and Arrow's allocator (mimalloc) for its arenas; loading a folder touches
#: hundreds of MB of them once. On a virtual machine that hands freed memory back to its
#: host (free page reporting works on huge-page-sized blocks), every new huge page is a
#: costly fault. Measured on the project's 2-core VM at 200 x the sample, alternating with
#: DuckDB: system time 1.5-2.0 s -> 0.7-0.9 s, loading 2.7-2.9 s -> 2.0-2.5 s, the
#: same peak memory. Held too by the passes over millions of attendance rows after loading
#: (``reach_summary``'s hours, ``Dataset.as_of``): reach_summary 0.40 s -> 0.18 s there.
ordinary_pages = SharedSetting(_without_huge_pages)


def release_arrow_memory() -> None:
    """Give back to the system the free memory Arrow's allocator keeps for reuse.

    Reading a large folder leaves hundreds of MB free in the arenas of Arrow's allocator
    (mimalloc), which keeps them: a loaded dataset of 4.35 million attendance rows held
    740 MB resident, 340 MB after this (about 15 ms). Nothing happens when pyarrow is not
    imported, or when it cannot.

    Examples
    --------
    >>> release_arrow_memory()  # whether or not there was anything to give back
    """
    import sys

    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is None:
        return
    with contextlib.suppress(Exception):
        pyarrow.default_memory_pool().release_unused()
