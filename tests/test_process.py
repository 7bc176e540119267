"""Process-wide settings held while work runs (pilot_eval._process)."""

from __future__ import annotations

import ctypes
import sys
import threading

import pytest

from pilot_eval._process import SharedSetting


def test_the_last_holder_restores_the_setting_across_threads():
    state = {"value": "before", "changes": 0}

    def change():
        state["changes"] += 1
        previous, state["value"] = state["value"], "held"
        return lambda: state.update(value=previous)

    setting = SharedSetting(change)
    inside, leave = threading.Barrier(3), threading.Event()
    seen = []

    def work():
        with setting.held():
            inside.wait()
            seen.append(state["value"])
            leave.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()  # both inside
    assert state["value"] == "held" and state["changes"] == 1
    leave.set()
    for t in threads:
        t.join()
    assert seen == ["held", "held"] and state["value"] == "before"


def test_a_setting_that_cannot_be_changed_leaves_the_work_running():
    def refuse():
        raise OSError("not here")

    with SharedSetting(refuse).held():
        done = True
    assert done


def _huge_pages_off_while(monkeypatch, owner, name: str) -> list[int]:
    """Record, at each call of ``owner.name``, whether huge pages are off (1) or not (0)."""
    prctl = ctypes.CDLL(None).prctl
    seen: list[int] = []
    original = getattr(owner, name)

    def watching(*args, **kwargs):
        seen.append(prctl(42, 0, 0, 0, 0))  # PR_GET_THP_DISABLE
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, watching)
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_loading_runs_without_huge_pages_and_gives_them_back(monkeypatch):
    import pilot_eval as pe
    from pilot_eval import dataset

    prctl = ctypes.CDLL(None).prctl
    before = prctl(42, 0, 0, 0, 0)
    during = _huge_pages_off_while(monkeypatch, dataset, "cross_checks")
    pe.load_dataset("tests/data/doctest_small")
    assert during == [1] and prctl(42, 0, 0, 0, 0) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_attendance_sums_and_as_of_run_without_huge_pages(monkeypatch):
    # the other passes over millions of attendance rows after loading: on this kind of VM
    # their first arrays on huge pages cost reach_summary 0.40 s instead of 0.18 s (200x)
    import pilot_eval as pe
    from pilot_eval.metrics import reach

    prctl = ctypes.CDLL(None).prctl
    ds = pe.load_dataset("tests/data/doctest_small")
    before = prctl(42, 0, 0, 0, 0)
    during = _huge_pages_off_while(monkeypatch, reach, "sum_by")
    reach.reach_summary(ds)
    assert during.count(1) == 1  # the attendance hours, not the small sums
    assert prctl(42, 0, 0, 0, 0) == before
    seen = _huge_pages_off_while(monkeypatch, pe.Dataset, "_before")
    ds.as_of("2025-03-01")
    assert seen == [1] and prctl(42, 0, 0, 0, 0) == before


def test_one_blas_thread_inside_and_the_threads_back_after():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy.linalg  # noqa: F401  (the BLAS the fits use, loaded)

    from pilot_eval._process import one_blas_thread

    def blas_threads():
        return [p["num_threads"] for p in threadpoolctl.threadpool_info()
                if p["user_api"] == "blas"]

    before = blas_threads()
    if not before:
        pytest.skip("no BLAS that threadpoolctl can read")
    with one_blas_thread.held():
        inside = blas_threads()
    assert inside == [1] * len(before) and blas_threads() == before


def test_loading_gives_back_the_memory_arrow_keeps_free(monkeypatch):
    import pyarrow

    import pilot_eval as pe

    released = []
    pool = pyarrow.default_memory_pool()

    class Watching:
        def __getattr__(self, name):
            return getattr(pool, name)

        def release_unused(self):
            released.append(True)
            pool.release_unused()

    monkeypatch.setattr(pyarrow, "default_memory_pool", Watching)
    pe.load_dataset("tests/data/doctest_small")
    assert released == [True]
    pe.validate("tests/data/doctest_small")
    assert released == [True, True]
