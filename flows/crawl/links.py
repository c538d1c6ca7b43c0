"""Reading crawled HTML: which links lead to more list pages, articles and report files, and
whether an article page is itself a report.

Rules are by link text and URL shape, never by site: government CMSs (TRS WCM, JCMS, 大汉…)
share these conventions (`index_1.html`, `下一页`, `?page=2`, `createPageHTML(...)`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from extractors.encoding import decode_html
from flows.crawl.crawl_settings import CrawlSettings
from flows.crawl.filetypes import ATTACHMENT_EXTENSIONS, HTML_EXTENSIONS, url_extension
from flows.crawl.records import Link, LinkKind

# The title every annual report carries (国办公开办函〔2021〕30号 and the 2019 format alike).
REPORT_TITLE = re.compile(r"政府信息公开(?:工作)?年度报告|政务公开工作年度报告")
_NEXT_PAGE_TEXTS = frozenset({"下一页", "下页", "下一頁", "后一页", "next", "next page", ">", ">>", "»"})
_PAGE_QUERY_KEYS = frozenset({"page", "pageno", "pageindex", "pagenum", "currentpage", "curpage", "p", "pn"})
_INDEX_PAGE = re.compile(r"^index(?:_\d+)?\.(?:s?html?|jsp|aspx?|php)$")
# TRS WCM writes its pager with script: createPageHTML(pageCount, currentPage, "index", "html").
_CREATE_PAGE_HTML = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_DYNAMIC_PAGE_EXTENSIONS = frozenset({"jsp", "asp", "aspx", "php", "do", "action", "cgi"})
_IGNORED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")


@dataclass(frozen=True)
class Page:
    """A decoded HTML page and the URL its relative links are resolved against."""

    url: str
    base_url: str
    root: lxml.html.HtmlElement | None  # None: nothing parseable

    @property
    def title(self) -> str | None:
        if self.root is None:
            return None
        title = self.root.findtext(".//title")
        return " ".join(title.split()) if title else None

    def body_text(self) -> str:
        """Visible-ish text: scripts and styles left out."""
        if self.root is None:
            return ""
        return " ".join(
            text for element in self.root.iter()
            if isinstance(element.tag, str) and element.tag not in ("script", "style")
            for text in (element.text, element.tail) if text and text.strip()
        )


def parse_page(body: bytes, url: str, content_type: str | None) -> Page:
    """Decode (GBK, UTF-8, whatever the page says and the bytes agree with) and parse."""
    text = decode_html(body, _charset_of(content_type)).text
    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return Page(url, url, None)
    base = root.find(".//base[@href]")
    base_url = urljoin(url, base.get("href", "").strip()) if base is not None else url
    return Page(url, base_url, root)


def is_inline_report(page: Page) -> bool:
    """An article page holding the report itself: the report title in its text, and tables."""
    return page.root is not None and page.root.find(".//table") is not None and bool(
        REPORT_TITLE.search(page.body_text())
    )


def listing_links(page: Page, settings: CrawlSettings) -> list[Link]:
    """From a list page: more list pages, article pages, and report files linked directly."""
    found: list[Link] = []
    for url, text in _anchors(page):
        extension = url_extension(url)
        wanted = _names_a_report(text, settings)
        if extension in ATTACHMENT_EXTENSIONS:
            if wanted:  # a list page's footer also links forms (申请表.doc): only named reports
                found.append(Link(url, LinkKind.ATTACHMENT, text))
        elif _is_pagination(url, text, page.url):
            found.append(Link(url, LinkKind.LISTING, text))
        elif wanted and _is_page_url(extension):
            found.append(Link(url, LinkKind.ARTICLE, text))
    found.extend(Link(url, LinkKind.LISTING, "") for url in _scripted_pages(page))
    return found


def article_links(page: Page) -> list[Link]:
    """From an article page: every attachment, and pages titled as a report (e.g. other years)."""
    found: list[Link] = []
    for url, text in _anchors(page):
        extension = url_extension(url)
        if extension in ATTACHMENT_EXTENSIONS:
            found.append(Link(url, LinkKind.ATTACHMENT, text))
        elif REPORT_TITLE.search(text) and _is_page_url(extension):
            found.append(Link(url, LinkKind.ARTICLE, text))
    return found


def _anchors(page: Page) -> Iterator[tuple[str, str]]:
    """(absolute URL without fragment, link text + title) for each <a href>."""
    if page.root is None:
        return
    for anchor in page.root.iter("a"):
        href = "".join((anchor.get("href") or "").split())  # CMSs wrap long hrefs over lines
        if not href or href.startswith("#") or href.lower().startswith(_IGNORED_SCHEMES):
            continue
        try:
            url = urldefrag(urljoin(page.base_url, href)).url
            scheme = urlsplit(url).scheme
        except ValueError:  # e.g. an unclosed IPv6 bracket: a broken link, not a crash
            continue
        if scheme not in ("http", "https"):
            continue
        text = " ".join(" ".join([anchor.text_content(), anchor.get("title") or ""]).split())
        yield url, text


def _names_a_report(text: str, settings: CrawlSettings) -> bool:
    return any(keyword in text for keyword in settings.article_keywords)


def _is_page_url(extension: str | None) -> bool:
    return extension is None or extension in HTML_EXTENSIONS or extension in _DYNAMIC_PAGE_EXTENSIONS


def _is_pagination(url: str, text: str, listing_url: str) -> bool:
    if text.strip().lower() in _NEXT_PAGE_TEXTS:
        return True
    link, listing = urlsplit(url), urlsplit(listing_url)
    if link.netloc != listing.netloc:
        return False
    same_directory = posixpath.dirname(link.path) == posixpath.dirname(listing.path)
    if same_directory and _INDEX_PAGE.match(posixpath.basename(link.path)):
        return True
    if link.path != listing.path or not link.query:
        return False
    link_query, listing_query = dict(parse_qsl(link.query)), dict(parse_qsl(listing.query))
    changed = {key for key in link_query.keys() | listing_query.keys() if link_query.get(key) != listing_query.get(key)}
    return bool(changed) and all(key.lower() in _PAGE_QUERY_KEYS for key in changed)


def _scripted_pages(page: Page) -> list[str]:
    """List pages a TRS-style createPageHTML(...) pager would link to."""
    if page.root is None:
        return []
    pages: list[str] = []
    for script in page.root.iter("script"):
        for match in _CREATE_PAGE_HTML.finditer(script.text or ""):
            count, stem, extension = int(match.group(1)), match.group(2), match.group(3)
            pages.append(urljoin(page.base_url, f"{stem}.{extension}"))
            pages.extend(urljoin(page.base_url, f"{stem}_{number}.{extension}") for number in range(1, count))
    return pages


def _charset_of(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
