"""A fixture website on 127.0.0.1: two agencies' 年报 columns, with every trap a real site sets.

Agency A (/a/, UTF-8) has three paginated list pages (`index_1.html`, `下一页`, `?page=`), an
inline HTML report, PDF and DOCX attachments, and the bad inputs: a 404, a page that fails
with 500 twice, a redirect, a redirect loop, a slow page, a link to another host, a path
robots.txt disallows, an oversize attachment (announced and unannounced, both streamed), and
an HTML error page served as `.pdf`. Agency B (/b/) is GBK with a script-written pager.

Every static resource supports ETag / Last-Modified and answers 304. Report bodies are small
stand-ins by default; pass real rendered reports via `SiteContent` for end-to-end tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
B_DOWNLOAD = "/b/download.jsp?filename=2022%E5%B9%B4%E6%8A%A5.pdf&id=7"  # a report behind a script URL
HUGE_BYTES = 200 * 1024 * 1024  # what the oversize attachments claim / would stream
_CHUNK = b"\0" * 65536


def minimal_pdf(label: str) -> bytes:
    """A tiny well-formed-enough PDF whose bytes differ per label."""
    return f"%PDF-1.4\n% {label}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".encode()


def minimal_docx(label: str) -> bytes:
    """A ZIP with the parts every DOCX has, enough for magic-byte checks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:t>{label}</w:t></w:document>")
    return buffer.getvalue()


def inline_report_html(title: str, charset: str = "utf-8") -> bytes:
    """An article page with the report inline: its title and a table."""
    page = (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>'
        f"<h1>{title}</h1><p>一、总体情况</p>"
        "<table><tr><td>本年新收政府信息公开申请数量</td><td>12</td></tr></table>"
        '<a href="/a/">返回首页</a></body></html>'
    )
    return page.encode(charset)


@dataclass
class SiteContent:
    """The report bodies the site serves; defaults are small stand-ins."""

    a_inline_2023: bytes = field(default_factory=lambda: inline_report_html("文昌镇2023年政府信息公开工作年度报告"))
    a_pdf_2022: bytes = field(default_factory=lambda: minimal_pdf("文昌镇2022年报"))
    a_docx_2021: bytes = field(default_factory=lambda: minimal_docx("文昌镇2021年报"))
    a_inline_2020: bytes = field(default_factory=lambda: inline_report_html("文昌镇2020年政府信息公开工作年度报告"))
    a_inline_2019: bytes = field(default_factory=lambda: inline_report_html("文昌镇2019年政府信息公开工作年度报告"))
    b_inline_gbk_2023: bytes = field(
        default_factory=lambda: inline_report_html("沙坡头区2023年政府信息公开工作年度报告", "gbk"))
    b_pdf_2022: bytes = field(default_factory=lambda: minimal_pdf("沙坡头区2022年报"))


@dataclass
class Resource:
    body: bytes
    content_type: str


def _page(body: str, charset: str = "utf-8") -> Resource:
    html = f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>年报</title></head><body>{body}</body></html>'
    # Like many government servers, no charset in the header: the page's <meta> must be read.
    return Resource(html.encode(charset), "text/html")


def _links(*pairs: tuple[str, str]) -> str:
    return "<ul>" + "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in pairs) + "</ul>"


class FixtureSite:
    """Start with `with FixtureSite() as site:`; `site.url("/a/xxgknb/index.html")`."""

    def __init__(self, content: SiteContent | None = None, slow_seconds: float = 1.0) -> None:
        self.content = content or SiteContent()
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, request headers)
        self._lock = threading.Lock()
        self._failures_left = {"/a/xxgknb/flaky.html": 2}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.resources = self._build()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FixtureSite:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def put(self, path: str, body: bytes, content_type: str) -> None:
        """Change (or add) a resource, as a site editing a report would."""
        with self._lock:
            self.resources[path] = Resource(body, content_type)

    def requested_paths(self) -> list[str]:
        with self._lock:
            return [path for path, _ in self.requests]

    def _log(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((path, headers))

    def _take_failure(self, path: str) -> bool:
        with self._lock:
            left = self._failures_left.get(path, 0)
            if left:
                self._failures_left[path] = left - 1
            return left > 0

    def _resource(self, path: str) -> Resource | None:
        with self._lock:
            return self.resources.get(path)

    def _build(self) -> dict[str, Resource]:
        c = self.content
        other_host = f"http://localhost:{self.port}/a/xxgknb/mirror.html"
        docx_absolute = self.url("/a/files/report-2021.docx")
        html = "text/html; charset=utf-8"
        return {
            "/robots.txt": Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            # ---- agency A: list page 1 (index.html)
            "/a/xxgknb/index.html": _page(_links(
                ("/a/", "首页"),
                ("/a/guide.html", "政府信息公开指南"),
                ("2024/t20240120_101.html", "文昌镇2023年政府信息公开工作年度报告"),
                ("2023/t20230118_102.html", "文昌镇2022年政府信息公开工作年度报告"),
                (other_host, "文昌镇2021年度报告（镜像）"),
                ("/private/2020-report.html", "文昌镇2020年度报告（内部）"),
                ("index_1.html", "下一页"),
            )),
            "/a/xxgknb/2024/t20240120_101.html": Resource(c.a_inline_2023, html),
            "/a/xxgknb/2023/t20230118_102.html": _page(
                "<h1>文昌镇2022年政府信息公开工作年度报告</h1><p>详见附件。</p>"
                '<a href="../../files/P020230118.pdf">附件：P020230118.pdf</a>'),
            "/a/files/P020230118.pdf": Resource(c.a_pdf_2022, "application/pdf"),
            # ---- agency A: list page 2 (index_1.html)
            "/a/xxgknb/index_1.html": _page(_links(
                ("2022/t20220120_103.html", "文昌镇2021年政府信息公开工作年度报告"),
                ("old/2020.html", "文昌镇2020年政府信息公开工作年度报告"),
                ("flaky.html", "文昌镇2019年政府信息公开工作年度报告"),
                ("missing.html", "文昌镇2018年政府信息公开工作年度报告"),
                ("index.html", "上一页"),
                ("list?page=3", "下一页"),
            )),
            "/a/xxgknb/2022/t20220120_103.html": _page(
                f'<h1>文昌镇2021年年报</h1><a href="{docx_absolute}">文昌镇2021年年报.docx</a>'),
            "/a/files/report-2021.docx": Resource(
                c.a_docx_2021, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "/a/xxgknb/2021/t20210120_104.html": Resource(c.a_inline_2020, html),
            "/a/xxgknb/flaky.html": Resource(c.a_inline_2019, html),
            # ---- agency A: list page 3 (?page=3): the bad inputs
            "/a/xxgknb/list?page=3": _page(_links(
                ("slow.html", "文昌镇2017年年度报告"),
                ("loop-a.html", "文昌镇2016年年度报告"),
                ("/a/files/huge.pdf", "文昌镇2015年年度报告.pdf"),
                ("/a/files/unannounced-huge.pdf", "文昌镇2014年年度报告.pdf"),
                ("/a/files/error-page.pdf", "文昌镇2013年年度报告.pdf"),
                ("list?page=4", "4"),
            )),
            "/a/files/error-page.pdf": _page("<h1>404 页面不存在</h1>"),
            # ---- agency A: list page 4: the 2022 PDF again under another URL
            "/a/xxgknb/list?page=4": _page(_links(("/a/files/copy-of-2022.pdf", "文昌镇2022年年报（重复）"))),
            "/a/files/copy-of-2022.pdf": Resource(c.a_pdf_2022, "application/pdf"),
            # ---- agency B (GBK, script pager)
            "/b/ndbg/index.html": _page(
                _links(("202401/t20240201_1.html", "沙坡头区2023年政府信息公开工作年度报告"))
                + '<script>createPageHTML(2, 0, "index", "html");</script>', "gbk"),
            "/b/ndbg/index_1.html": _page(
                _links(("202301/t20230201_2.html", "沙坡头区2022年政府信息公开工作年度报告")), "gbk"),
            "/b/ndbg/202401/t20240201_1.html": Resource(c.b_inline_gbk_2023, "text/html"),
            "/b/ndbg/202301/t20230201_2.html": _page(
                f'<a href="{B_DOWNLOAD}">附件下载</a>', "gbk"),
            B_DOWNLOAD: Resource(c.b_pdf_2022, "application/octet-stream"),
        }


def _handler_for(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    redirects = {
        "/a/xxgknb/old/2020.html": "/a/xxgknb/2021/t20210120_104.html",
        "/a/xxgknb/loop-a.html": "/a/xxgknb/loop-b.html",
        "/a/xxgknb/loop-b.html": "/a/xxgknb/loop-a.html",
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            site._log(self.path, dict(self.headers.items()))
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer()  # the crawler hangs up on purpose (timeout, size cap)

        def _answer(self) -> None:
            if self.path in redirects:
                self.send_response(301)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
            elif site._take_failure(self.path):
                self.send_error(500)
            elif self.path == "/a/xxgknb/slow.html":
                time.sleep(site.slow_seconds)
                self._send(Resource(b"<html><body>too late</body></html>", "text/html"))
            elif self.path == "/a/files/huge.pdf":
                self._stream(announce=True)
            elif self.path == "/a/files/unannounced-huge.pdf":
                self._stream(announce=False)
            elif (resource := site._resource(self.path)) is not None:
                self._send(resource)
            else:
                self.send_error(404)

        def _send(self, resource: Resource) -> None:
            etag = '"' + hashlib.sha256(resource.body).hexdigest()[:16] + '"'
            if self._not_modified(etag):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(len(resource.body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(resource.body)

        def _not_modified(self, etag: str) -> bool:
            if "If-None-Match" in self.headers:
                return self.headers["If-None-Match"] == etag
            since = self.headers.get("If-Modified-Since")
            if since is None:
                return False
            try:
                return parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED)
            except (TypeError, ValueError):
                return False

        def _stream(self, announce: bool) -> None:
            """Serve HUGE_BYTES from a generator: never materialised, stops when the client hangs up."""
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            if announce:
                self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            for chunk in _pdf_stream(HUGE_BYTES):
                self.wfile.write(chunk)

    return Handler


def _pdf_stream(size: int) -> Iterator[bytes]:
    yield b"%PDF-1.4\n"
    for _ in range(size // len(_CHUNK)):
        yield _CHUNK
