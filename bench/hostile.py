"""Peak memory and time of `xxgk extract` on each hostile input, at the real sizes of issue 14.

    .venv/bin/python bench/hostile.py [--small] [--against OTHER_XXGK]

Default limits, real-size bombs (the suite uses small versions with lowered limits). A good DOCX
report is extracted first, side by side, as the baseline the bombs are compared with. With
`--against`, each file is also extracted by another xxgk (e.g. main's, before the limits), after
this one, with a 120 s timeout; use `--small` then, unbounded bombs at real size take gigabytes.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures import bad_inputs as bad  # noqa: E402
from tests.reliability.measure import XXGK, run_measured  # noqa: E402


def cases(scale: int) -> dict[str, tuple[str, Callable[[Path], None]]]:
    """name → (file name, writer); `scale` 1 is the size the issue reported."""
    return {
        "good DOCX report (baseline)": ("good.docx", lambda p: p.write_bytes((ROOT / "examples" /
                                                                             "rouyuan-2023.docx").read_bytes())),
        "DOCX inflating to 1 GB": ("bomb.docx", lambda p: bad.write_docx_bomb(p, 1024 // scale)),
        "HTML 20,000 rows under rowspan/colspan 100000": ("spans.html",
                                                          lambda p: p.write_bytes(bad.span_bomb_html(20_000 // scale))),
        "HTML 4,500 rows under rowspan/colspan 100000": ("grid.html",
                                                         lambda p: p.write_bytes(bad.span_bomb_html(4_500 // scale))),
        "PDF page content inflating to 1 GB": ("flate.pdf", lambda p: p.write_bytes(bad.flate_bomb_pdf(1024 // scale))),
        "PDF with 200k drawn rects": ("rects.pdf", lambda p: p.write_bytes(bad.rect_bomb_pdf(200_000 // scale))),
        "48 MB HTML narrative": ("long.html", lambda p: p.write_bytes(bad.long_narrative_html(160_000 // scale))),
        "1M-row pipe table": ("pipes.md", lambda p: p.write_bytes(bad.long_pipe_table(1_000_000 // scale))),
    }


def main() -> None:
    scale = 10 if "--small" in sys.argv else 1
    commands = [XXGK]
    if "--against" in sys.argv:
        commands.append(sys.argv[sys.argv.index("--against") + 1])
    print(f"{'case':<48} {'MB in':>7} {'xxgk':<5} {'status':<7} {'peak RSS MB':>11} {'seconds':>8}  reason")
    with tempfile.TemporaryDirectory() as folder:
        for name, (file_name, write) in cases(scale).items():
            path = Path(folder) / file_name
            write(path)
            for label, command in zip(("this", "other"), commands, strict=False):
                measured = run_measured([command, "extract", "--json", str(path)], timeout=120)
                lines = measured.stdout.splitlines()
                report = json.loads(lines[-1]) if lines else {"status": "killed", "errors": ["(timeout or crash)"]}
                reason = " ".join(report["errors"]).replace(str(path) + ": ", "")[:60]
                print(f"{name:<48} {path.stat().st_size / 1e6:>7.1f} {label:<5} {report['status']:<7} "
                      f"{measured.peak_rss_mb:>11.0f} {measured.seconds:>8.1f}  {reason}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
