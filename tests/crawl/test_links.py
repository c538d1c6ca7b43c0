"""Link discovery and file sniffing rules, on small hand-written pages."""

from __future__ import annotations

import pytest

from flows.crawl import CrawlSettings, LinkKind
from flows.crawl.filetypes import mismatch_reason, report_extension, sniff, url_extension
from flows.crawl.links import article_links, is_inline_report, listing_links, parse_page

LISTING_URL = "http://gov.example/col/nb/index.html"


def _kinds(html: str, url: str = LISTING_URL) -> dict[str, LinkKind]:
    page = parse_page(html.encode("utf-8"), url, "text/html; charset=utf-8")
    return {link.url: link.kind for link in listing_links(page, CrawlSettings())}


def test_listing_recognises_pagination_articles_and_named_attachments() -> None:
    kinds = _kinds(
        '<a href="index_2.html">3</a><a href="/x/p?id=9">下一页</a>'
        '<a href="list.jsp?page=2&col=1">2</a>'
        '<a href="2024/t1.html" title="某局2023年政府信息公开工作年度报告">某局2023年政府信息公开工作...</a>'
        '<a href="/files/nb.pdf">2022年年报</a><a href="/files/form.doc">申请表</a>'
        '<a href="/about.html">关于我们</a><a href="javascript:void(0)">年报</a><a href="#top">年报</a>'
    )
    assert kinds == {
        "http://gov.example/col/nb/index_2.html": LinkKind.LISTING,
        "http://gov.example/x/p?id=9": LinkKind.LISTING,
        "http://gov.example/col/nb/2024/t1.html": LinkKind.ARTICLE,
        "http://gov.example/files/nb.pdf": LinkKind.ATTACHMENT,
    }


def test_broken_hrefs_are_ignored_not_fatal() -> None:
    kinds = _kinds('<a href="http://[bad/年报.html">年报</a><a href="  2024/\n t2.html ">2023年年报</a>')
    assert kinds == {"http://gov.example/col/nb/2024/t2.html": LinkKind.ARTICLE}


def test_query_pagination_needs_the_same_path_and_only_a_page_key_changing() -> None:
    url = "http://gov.example/list.jsp?col=1&page=1"
    kinds = _kinds('<a href="list.jsp?col=1&page=2">2</a><a href="list.jsp?col=2&page=1">其他栏目</a>', url)
    assert kinds == {"http://gov.example/list.jsp?col=1&page=2": LinkKind.LISTING}


def test_script_pager_and_base_href() -> None:
    kinds = _kinds('<base href="http://gov.example/col/other/"><script>createPageHTML(3, 0, "index", "shtml")'
                   "</script>")
    assert kinds == {f"http://gov.example/col/other/{name}": LinkKind.LISTING
                     for name in ("index.shtml", "index_1.shtml", "index_2.shtml")}


def test_article_page_follows_every_attachment_and_report_titled_pages() -> None:
    html = ('<a href="P0201.wps">P0201.wps</a><a href="/dl.do?fileName=r.docx">下载</a>'
            '<a href="/nb/2022.html">2022年政府信息公开工作年度报告</a><a href="/news.html">新闻</a>')
    page = parse_page(html.encode(), "http://gov.example/nb/2023.html", None)
    assert {link.url: link.kind for link in article_links(page)} == {
        "http://gov.example/nb/P0201.wps": LinkKind.ATTACHMENT,
        "http://gov.example/dl.do?fileName=r.docx": LinkKind.ATTACHMENT,
        "http://gov.example/nb/2022.html": LinkKind.ARTICLE,
    }


@pytest.mark.parametrize(
    ("html", "inline"),
    [
        ("<h1>2023年政府信息公开工作年度报告</h1><table><tr><td>1</td></tr></table>", True),
        ("<h1>2023年政府信息公开年度报告</h1><table><tr><td>1</td></tr></table>", True),
        ("<h1>2023年政府信息公开工作年度报告</h1><p>见附件</p>", False),  # no table: attachment holds it
        ("<table><tr><td>新闻</td></tr></table><script>'政府信息公开工作年度报告'</script>", False),
    ],
)
def test_inline_report_needs_the_title_in_text_and_a_table(html: str, inline: bool) -> None:
    assert is_inline_report(parse_page(html.encode(), "http://gov.example/a.html", None)) is inline


def test_gbk_page_without_header_charset_is_decoded_from_meta() -> None:
    html = '<html><head><meta charset="gb2312"><title>年度报告</title></head><body>正文</body></html>'
    page = parse_page(html.encode("gbk"), "http://gov.example/a.html", "text/html")
    assert page.title == "年度报告"


@pytest.mark.parametrize(
    ("url", "extension"),
    [
        ("http://g/a/B.PDF", "pdf"),
        ("http://g/download.jsp?filename=%E5%B9%B4%E6%8A%A5.docx&id=1", "docx"),
        ("http://g/a/t1.shtml", "shtml"),
        ("http://g/a/", None),
    ],
)
def test_url_extension(url: str, extension: str | None) -> None:
    assert url_extension(url) == extension


def test_sniffing_trusts_bytes_over_names() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8
    assert sniff(b"\xef\xbb\xbf  <!DOCTYPE html><html>") == "html"
    assert report_extension(b"junk\n%PDF-1.7", "jsp") == "pdf"
    assert report_extension(ole2, "wps") == "wps" and report_extension(ole2, None) == "doc"
    assert report_extension(b"PK\x03\x04rest", "docx") == "docx"
    assert "error page" in str(mismatch_reason(b"<html><body>404</body></html>", "pdf"))
    assert "not a .docx file" in str(mismatch_reason(b"GIF89a", "docx"))
    assert mismatch_reason(b"%PDF-1.4", "pdf") is None
