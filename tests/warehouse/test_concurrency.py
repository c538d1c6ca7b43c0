"""An analyst reading while the loader writes, in separate processes: neither side may fail."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from tests.warehouse.builders import make_report, section3, township
from warehouse.connection import open_readonly
from warehouse.loader import load_batch

BATCHES = 5
PER_BATCH = 3


def writer(path: str, divisions: str, reader_ready: Event, done: Event, results: Any) -> None:
    os.environ["XXGK_DIVISIONS"] = divisions
    try:
        reader_ready.wait(60)
        for batch in range(BATCHES):
            reports = [make_report(township("文昌镇"), 1900 + batch * PER_BATCH + i, section3(new_requests=i))
                       for i in range(PER_BATCH)]
            load_batch(path, reports, None)
        results.put(("writer", "ok"))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("writer", repr(exc)))
    finally:
        done.set()


def reader(path: str, reader_ready: Event, done: Event, results: Any) -> None:
    """Holds one connection open throughout (the notebook) and opens short-lived ones (xxgk query)."""
    try:
        with open_readonly(path) as held:
            held_before = held.execute("SELECT count(*) FROM reports").fetchone()
            reader_ready.set()
            seen: list[int] = []
            while not done.is_set():
                with open_readonly(path) as short:
                    row = short.execute(
                        "SELECT count(*) FROM reports JOIN agency_year_all USING (report_id)").fetchone()
                    seen.append(row[0] if row else -1)
                assert held.execute("SELECT count(*) FROM reports").fetchone() == held_before
                time.sleep(0.01)
            held_after = held.execute("SELECT count(*) FROM reports").fetchone()
        with open_readonly(path) as final:
            final_count = final.execute("SELECT count(*) FROM reports").fetchone()
        results.put(("reader", {"held": (held_before, held_after), "seen": seen, "final": final_count}))
    except Exception as exc:
        reader_ready.set()
        results.put(("reader", repr(exc)))


def test_reader_and_writer_in_separate_processes_never_fail(warehouse: Path, divisions_dir: Path) -> None:
    load_batch(warehouse, [make_report(township("滨河镇"), 2023, section3(new_requests=1))], None)
    ctx = mp.get_context("spawn")
    ready, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=reader, args=(str(warehouse), ready, done, results)),
                 ctx.Process(target=writer, args=(str(warehouse), str(divisions_dir), ready, done, results))]
    for process in processes:
        process.start()
    outcome = dict(results.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(60)
    assert outcome["writer"] == "ok"
    read = outcome["reader"]
    assert isinstance(read, dict), read
    assert read["held"] == ((1,), (1,))  # the held connection kept its snapshot
    assert read["seen"] and read["seen"] == sorted(read["seen"])  # short-lived readers only move forward
    assert read["final"] == (1 + BATCHES * PER_BATCH,)


def test_two_writers_in_separate_processes_queue_instead_of_failing(warehouse: Path, divisions_dir: Path) -> None:
    ctx = mp.get_context("spawn")
    ready, results = ctx.Event(), ctx.Queue()
    ready.set()
    done_events = [ctx.Event(), ctx.Event()]  # referenced here so they outlive the pickling
    writers = [ctx.Process(target=writer, args=(str(warehouse), str(divisions_dir), ready, done, results))
               for done in done_events]
    for process in writers:
        process.start()
    outcome = [results.get(timeout=180) for _ in writers]
    for process in writers:
        process.join(60)
    assert outcome == [("writer", "ok"), ("writer", "ok")]
    with open_readonly(warehouse) as con:  # both wrote the same files: the second added nothing
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (BATCHES * PER_BATCH,)
