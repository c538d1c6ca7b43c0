"""Throughput of PDF extraction, measured side by side in one run (targets: docs/throughput.md).

    .venv/bin/python bench/throughput.py paths [--docs 24] [--rounds 3]   # ms/doc per path, ratio to naive
    .venv/bin/python bench/throughput.py run [--docs 200] [--workers 2]   # `xxgk run`: CPU use, docs/s
    .venv/bin/python bench/throughput.py reextract [--docs 1000]    # `xxgk run --reextract` after a run
    .venv/bin/python bench/throughput.py memory [--docs 5000]       # peak RSS at 500 and N docs

Documents are rendered fixtures (every layout, both templates, many seeds) plus the real PDFs of
../shared/corpus. `paths` interleaves the four ways of reading each file, so a busy machine
slows every path alike and the ratios stay meaningful; each reading is also timed by the process's
CPU time, which other programs on a shared machine inflate less, and each file's fastest of
`--rounds` readings is kept. The mean shows what the median hides: the reports that the fast
path finds doubtful and reads again.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.extract import build_report, extract_bytes  # noqa: E402
from extractors.pdf import REFERENCE, PdfSettings, read_pdf  # noqa: E402
from extractors.report import Report  # noqa: E402
from tests.extractors.test_pdf_fixtures import BLANK_ZEROS, LAYOUTS, TEMPLATES  # noqa: E402
from tests.fixtures.render_pdf import render_pdf  # noqa: E402
from tests.fixtures.values import make_answer  # noqa: E402

XXGK = str(ROOT / ".venv/bin/xxgk")


def corpus(folder: Path, count: int) -> list[Path]:
    """`count` report PDFs in `folder`: the real ones first, then rendered layouts × templates × seeds."""
    real = sorted((ROOT.parent / "shared/corpus").rglob("*.pdf"))
    paths = []
    for source in real[:count]:
        target = folder / source.name
        target.write_bytes(source.read_bytes())
        paths.append(target)
    layouts = [*LAYOUTS.values(), BLANK_ZEROS]
    for seed in itertools.count(100):
        for layout, template in itertools.product(layouts, TEMPLATES):
            if len(paths) >= count:
                return paths
            path = folder / f"{layout.name}-{template}-{seed}.pdf"
            render_pdf(make_answer(seed, template), path, layout)
            paths.append(path)
    return paths


def naive(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()
            page.close()


def pdfium_text(data: bytes) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    for page in pdf:
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()


def reference(data: bytes) -> None:
    build_report(read_pdf(data, "bench.pdf", PdfSettings(reader=REFERENCE)), Report("bench.pdf", ""))


def fast(data: bytes) -> None:
    extract_bytes(data, "bench.pdf")


def bench_paths(args: argparse.Namespace) -> None:
    ways: dict[str, Callable[[bytes], None]] = {"naive pdfplumber": naive, "pdfium text floor": pdfium_text,
                                                 "reference path": reference, "fast path": fast}
    with tempfile.TemporaryDirectory() as folder:
        files = [p.read_bytes() for p in corpus(Path(folder), args.docs)]
    for way in ways.values():  # warm imports and caches
        way(files[0])
    # Per file and way, the fastest of the rounds: what the reading costs when nothing else interferes.
    wall: dict[str, list[float]] = {name: [float("inf")] * len(files) for name in ways}
    cpu: dict[str, list[float]] = {name: [float("inf")] * len(files) for name in ways}
    for _ in range(args.rounds):
        for index, data in enumerate(files):
            for name, way in ways.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                way(data)
                cpu[name][index] = min(cpu[name][index], (time.process_time() - start_cpu) * 1000)
                wall[name][index] = min(wall[name][index], (time.perf_counter() - start) * 1000)
    print(f"{len(files)} PDFs, one core, interleaved, fastest of {args.rounds} round(s) per file; ms/doc and "
          f"speed-up over naive pdfplumber, by wall clock and by the process's CPU time")
    print(f"  {'':<20} {'median, wall clock':>19}  {'median, CPU time':>19}  {'mean, CPU time':>19}")
    for name in ways:
        cells = []
        for clock, summary in ((wall, statistics.median), (cpu, statistics.median), (cpu, statistics.mean)):
            value = summary(clock[name])
            cells.append(f"{value:8.1f} ms/doc {summary(clock['naive pdfplumber']) / value:5.2f}×")
        print(f"  {name:<20} " + "  ".join(cells))


def _xxgk_run(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds and CPU seconds of one xxgk command and every process it starts, and its log.

    The process tree is sampled every 0.2 s (the worker processes are grandchildren, which
    RUSAGE_CHILDREN misses); a process's last CPU reading before it exits is kept.
    """
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        main = subprocess.Popen([XXGK, *argv], stdout=subprocess.DEVNULL, stderr=log)
        cpu = _sample_cpu(main)
        wall = time.perf_counter() - start
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if main.returncode != 0:
        raise SystemExit(f"xxgk {' '.join(argv)} failed with exit status {main.returncode}:\n{text[-2000:]}")
    return wall, cpu, text


def _sample_cpu(main: subprocess.Popen[bytes]) -> float:
    """CPU seconds of `main` and all its descendants, sampled until it exits."""
    import psutil

    root = psutil.Process(main.pid)
    cpu: dict[int, float] = {}
    while main.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for process in tree:
            try:
                times = process.cpu_times()
                cpu[process.pid] = times.user + times.system + times.children_user + times.children_system
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.2)
    main.wait()
    return sum(cpu.values())


def _extraction_line(log: str) -> str:
    """The pool's own measure of the extraction phase, as `xxgk run` logs it (flows/extract_pool.py)."""
    found = re.search(r"extraction: .*", log)
    return found.group(0) if found else "extraction: not logged"


def bench_run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder) / "inbox"
        inbox.mkdir()
        paths = corpus(inbox, args.docs)
        common = ["--warehouse", f"{folder}/w.duckdb", "--data", f"{folder}/data", "--workers", str(args.workers)]
        wall, cpu, log = _xxgk_run(["run", "--source", str(inbox), *common])
        print(f"xxgk run, {len(paths)} PDFs, --workers {args.workers}: {wall:.1f} s, {len(paths) / wall:.2f} docs/s, "
              f"{cpu / wall:.2f} cores busy on average (Prefect's start-up and the load included; "
              f"{os.cpu_count()} cores)")
        print(f"  {_extraction_line(log)}")
        if args.reextract:
            import duckdb

            with duckdb.connect(f"{folder}/w.duckdb") as con:
                con.execute("UPDATE documents SET extractor_version = '0.0.1'")
            wall, cpu, _ = _xxgk_run(["run", "--reextract", *common])
            print(f"xxgk run --reextract, {len(paths)} archived documents: {wall:.1f} s "
                  f"({cpu / wall:.2f} cores busy), {len(paths) / wall:.1f} docs/s")


def bench_memory(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = [p.read_bytes() for p in corpus(Path(folder), 40)]
    marks = {500, args.docs}
    for number, data in enumerate(itertools.islice(itertools.cycle(files), args.docs), start=1):
        extract_bytes(data, f"doc-{number}.pdf")
        if number in marks:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak RSS after {number} documents in one process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    paths = commands.add_parser("paths")
    paths.add_argument("--docs", type=int, default=24)
    paths.add_argument("--rounds", type=int, default=3)
    paths.set_defaults(handler=bench_paths)
    run = commands.add_parser("run")
    run.add_argument("--docs", type=int, default=200)
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    run.set_defaults(handler=bench_run, reextract=False)
    again = commands.add_parser("reextract")
    again.add_argument("--docs", type=int, default=1000)
    again.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    again.set_defaults(handler=bench_run, reextract=True)
    memory = commands.add_parser("memory")
    memory.add_argument("--docs", type=int, default=5000)
    memory.set_defaults(handler=bench_memory)
    args = parser.parse_args()
    args.handler(args)


if __name__ == "__main__":
    main()
