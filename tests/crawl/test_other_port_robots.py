"""The same host on another port is another origin: its own robots.txt decides what may be fetched."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.crawl import CrawlState, Source, crawl
from tests.crawl.conftest import fast_settings


def serve(pages: dict[str, bytes], requested: list[str]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8" if self.path.endswith(".html")
                             else "text/plain")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def two_origins() -> Iterator[tuple[str, list[str]]]:
    """Origin A lists a report on origin B (same host, other port), whose robots.txt disallows it."""
    requested_b: list[str] = []
    b = serve({"/robots.txt": b"User-agent: *\nDisallow: /nb/\n"}, requested_b)
    report = f"http://127.0.0.1:{b.server_address[1]}/nb/2023.pdf"
    listing = f'<html><body><a href="{report}">2023年政府信息公开工作年度报告</a></body></html>'.encode()
    a = serve({"/robots.txt": b"", "/xxgknb/index.html": listing}, [])
    try:
        yield f"http://127.0.0.1:{a.server_address[1]}/xxgknb/index.html", requested_b
    finally:
        a.shutdown()
        b.shutdown()


def test_a_link_to_another_port_obeys_that_ports_robots_txt(two_origins: tuple[str, list[str]],
                                                             tmp_path: Path) -> None:
    start, requested_b = two_origins
    result = crawl(Source("a", start), tmp_path, CrawlState(), fast_settings(), sleep=lambda _: None)
    assert requested_b == ["/robots.txt"]
    assert [s.reason for s in result.skipped if "/nb/2023.pdf" in s.url] == ["disallowed by robots.txt"]
