"""Making a build's PDFs in several processes, one per core: the build process and forked workers.

The workers are forked from the build once it has loaded its sources, catalogues and fonts, so each
starts with them: nothing is loaded twice, and nothing is sent to a worker but a job's number. A worker
sends back what it made (a PDF's bytes, or why it could not make it), and the pages it lays out, for the
progress bar. Only the build process writes outputs, one at a time and in the order of the jobs, so the
manifest, its lock, Ctrl-C and SIGTERM, and the error messages are the same as in one process.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .files import uninterrupted

Work = Callable[[int, Callable[[int], None]], Any]  # (item, on_page) → what was made

_work: Work | None = None
_pages: Any = None  # a queue of (item, page number), to the build process


def cpu_count() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13 and later
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def can_fork() -> bool:
    import multiprocessing
    return "fork" in multiprocessing.get_all_start_methods()


def _orphaned(parent: int) -> None:
    """End a worker whose build process is gone (killed): it would otherwise wait for work for ever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)  # a worker's SIGTERM ends it at once


def _start(work: Work, pages: Any, parent: int) -> None:
    global _work, _pages
    # Ctrl-C reaches every process of the terminal's group: the build process alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler: a worker writes nothing
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _work, _pages = work, pages
    threading.Thread(target=_orphaned, args=(parent,), daemon=True).start()


def _one(item: int) -> Any:
    return _work(item, lambda page: _pages.put((item, page)))


def run(work: Work, items: Sequence[int], processes: int,
        on_page: Callable[[int, int], None] = lambda item, page: None) -> Iterator[tuple[int, Any]]:
    """`work(item, on_page)` for every item, in `processes` processes: this one and forked workers; yield
    (item, what was made) in the order of the items. This process, when it waits for the next item, makes
    the last item no worker has started: it is warm already (fonts, pictures), and a core of its own would
    otherwise wait. Close the iterator (contextlib.closing) to stop: work not started is dropped, and work
    started is waited for (a PDF takes a fraction of a second) and dropped too."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    context = multiprocessing.get_context("fork")
    pages = context.SimpleQueue()
    executor = ProcessPoolExecutor(processes - 1, mp_context=context, initializer=_start,
                                   initargs=(work, pages, os.getpid()))
    made_here: dict[int, Any] = {}

    def relay() -> None:
        while not pages.empty():
            on_page(*pages.get())

    def make_one_here(futures: list) -> bool:
        for item, future in reversed(futures):
            if item not in made_here and future.cancel():
                with uninterrupted():  # a signal inside a library would be taken for a fault of the text
                    made_here[item] = work(item, lambda page: on_page(item, page))
                return True
        return False
    try:
        with uninterrupted():  # the workers are forked here, with Ctrl-C and SIGTERM held until they ignore them
            futures = [(item, executor.submit(_one, item)) for item in items]
        for number, (item, future) in enumerate(futures):
            while item not in made_here and not future.done():
                if not make_one_here(futures[number:]):
                    wait([future], timeout=0.1, return_when=FIRST_COMPLETED)
                relay()
            relay()
            yield item, made_here.pop(item) if item in made_here else future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        pages.close()
