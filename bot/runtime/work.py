"""The work after the ack: a bounded pool of threads apart from the threads that accept Slack's requests.

A request thread only verifies, acks and hands the rest over, so a burst delays answers, never acks. The pool has
`threads` workers and room for `queue` waiting jobs. `submit` never blocks: the request thread asks `admission()`
first and, when the pool is busy or full, the person is told so (see bot.runtime.listeners). Forms (view
submissions) and option look-ups are answered inside the ack, so they go to the front of the queue.
"""

import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from enum import Enum
from typing import Any

log = logging.getLogger(__name__)


class Admission(Enum):
    NOW = "now"  # a thread is free
    QUEUED = "queued"  # every thread is busy: it waits its turn ("busy, answering in a moment")
    REFUSED = "refused"  # the queue is full too: nothing is done ("too busy, try again")


def machine_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_work_threads(cores: int | None = None) -> int:
    """Most of the work waits on Slack and the database, so a few threads per core; the GIL makes more useless."""
    return max(4, min(16, 4 * (cores or machine_cores())))


class WorkPool(Executor):
    _stop = object()

    def __init__(self, threads: int, queue: int, *, name: str = "work") -> None:
        self.threads = threads
        self.queue_limit = queue
        self._jobs: deque[tuple[Future, Callable[..., Any], tuple, dict]] = deque()
        self._busy = 0
        self._closed = False
        self._changed = threading.Condition()
        self._local = threading.local()
        self._workers = [threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True) for n in range(threads)]
        for worker in self._workers:
            worker.start()

    # -- what the request thread asks ----------------------------------------------------------------------------------
    def admission(self) -> Admission:
        with self._changed:
            waiting = len(self._jobs)
            if self._busy + waiting < self.threads:
                return Admission.NOW
            return Admission.QUEUED if waiting < self.queue_limit else Admission.REFUSED

    def next_submit_is_urgent(self) -> None:
        """The next `submit` from this thread jumps the queue (bolt calls `submit` itself, right after)."""
        self._local.urgent = True

    def pending(self) -> int:
        with self._changed:
            return self._busy + len(self._jobs)

    # -- Executor --------------------------------------------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        urgent = getattr(self._local, "urgent", False)
        self._local.urgent = False
        with self._changed:
            if self._closed:
                raise RuntimeError("the work pool is shut down")
            (self._jobs.appendleft if urgent else self._jobs.append)((future, fn, args, kwargs))
            self._changed.notify()
        return future

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._jobs and not self._closed:
                    self._changed.wait()
                if not self._jobs:
                    return
                future, fn, args, kwargs = self._jobs.popleft()
                self._busy += 1
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args, **kwargs))
                    except BaseException as error:  # the listener guard catches; this is the last resort
                        log.error("work pool: a job raised %s", type(error).__name__)
                        future.set_exception(error)
            finally:
                with self._changed:
                    self._busy -= 1
                    self._changed.notify_all()

    def wait_idle(self, timeout: float = 15.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._jobs and self._busy == 0, timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._changed:
            self._closed = True
            if cancel_futures:
                while self._jobs:
                    self._jobs.popleft()[0].cancel()
            self._changed.notify_all()
        if wait:
            for worker in self._workers:
                worker.join()


class NoticeLane:
    """One thread that sends the short "busy" notices, so a notice never costs a request thread a Slack call.
    When even this lane is backed up, a notice is dropped (and counted in the log)."""

    def __init__(self, limit: int = 256) -> None:
        self._pool = WorkPool(1, limit, name="notice")

    def send(self, fn: Callable[[], Any]) -> None:
        if self._pool.admission() is Admission.REFUSED:
            log.warning("busy notice dropped: the notice lane is full")
            return
        self._pool.submit(_quietly, fn)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


def _quietly(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except Exception as error:
        log.warning("could not send a busy notice: %s", type(error).__name__)
