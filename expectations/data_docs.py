"""GE's HTML Data Docs for the validated batches, readable by a person and with no internet.

GE's pages load Bootstrap, jQuery, bootstrap-table and Font Awesome from CDNs, a logo from S3,
and link to GE's website; offline they render unstyled and collapsed sections stay hidden. GE
ships none of those files, so after each build every CDN stylesheet link is replaced by one small
local stylesheet, CDN scripts by a small local stand-in, remote images and CSS urls are dropped
and links to the web become plain text.

GE's own page says "T3-1: 1 fail, 4 pass" for a batch, because the batch is one DataFrame. The
page of the latest validation therefore gets an "Evidence by report" section: every result that
did not pass, naming the report (agency, year, source) with its arithmetic and cells.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from extractors.report import Report

SITE_NAME = "xxgk_local"
OFFLINE_CSS = Path("static") / "xxgk" / "offline.css"
OFFLINE_JS = Path("static") / "xxgk" / "offline.js"
_EXTERNAL_CSS = re.compile(r"<link\b[^>]*href=[\"']https?://[^\"']+[\"'][^>]*>", re.I)
_EXTERNAL_JS = re.compile(r"<script\b[^>]*src=[\"']https?://[^\"']+[\"'][^>]*>\s*</script>", re.I)
_EXTERNAL_IMG = re.compile(r"<img\b[^>]*src=[\"']https?://[^\"']+[\"'][^>]*>", re.I)
_EXTERNAL_ANCHOR = re.compile(r"<a\b[^>]*href=[\"']https?://[^\"']+[\"'][^>]*>(.*?)</a>", re.I | re.S)
_EXTERNAL_URL = re.compile(r"url\(\s*[\"']?https?://[^)]*\)", re.I)
_NEWSLETTER = re.compile(r"<p>[^<]*newsletter[^<]*(?:<a\b[^>]*>[^<]*</a>)?\s*</p>", re.I)
# What makes a browser fetch from the network: src/href attributes and CSS url()/@import.
REMOTE_RESOURCE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)https?://""", re.I)
RUN_NAME = "xxgk-batch"
_ASSET_NONE = "Data asset: None<br>"
_EVIDENCE_ANCHOR = '<div id="section-2"'


# The index page fills its tables from inline data through jQuery + bootstrap-table; this stands
# in for both: `$(sel).bootstrapTable({columns, data})` renders a plain table whose rows link to
# `_table_row_link_path`, `$(fn)` / `$(document).ready(fn)` run fn, other calls do nothing.
_SCRIPT = """\
(function () {
  function Q(nodes) { this.nodes = nodes; }
  ["on", "removeClass", "addClass", "modal", "fadeIn", "fadeOut", "parent", "hide", "show", "data"].forEach(
    function (name) { Q.prototype[name] = function () { return this; }; });
  Q.prototype.ready = function (fn) { whenLoaded(fn); return this; };
  Q.prototype.bootstrapTable = function (options) {
    this.nodes.forEach(function (table) { render(table, options || {}); });
    return this;
  };
  function whenLoaded(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }
  function render(table, options) {
    var columns = options.columns || [], head = "<thead><tr>", body = "<tbody>";
    columns.forEach(function (c) { head += "<th>" + (c.title || c.field) + "</th>"; });
    (options.data || []).forEach(function (row) {
      var link = row._table_row_link_path;
      body += link ? "<tr onclick=\\"window.location='" + link + "'\\" style=\\"cursor:pointer\\">" : "<tr>";
      columns.forEach(function (c) { body += "<td>" + (row[c.field] === undefined ? "" : row[c.field]) + "</td>"; });
      body += "</tr>";
    });
    table.className += " table table-sm table-striped";
    table.innerHTML = head + "</tr></thead>" + body + "</tbody>";
  }
  function $(selector) {
    if (typeof selector === "function") { whenLoaded(selector); return new Q([]); }
    if (typeof selector === "string") { return new Q(Array.prototype.slice.call(document.querySelectorAll(selector))); }
    return new Q(selector && selector !== document ? [selector] : []);
  }
  window.$ = window.jQuery = $;
})();
"""

_STYLESHEET = """\
/* xxgk: the part of Bootstrap 4 that GE's Data Docs use, so pages read well offline. */
*, ::before, ::after { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
       sans-serif; color: #212529; background: #fff; }
a { color: #0b5ed7; text-decoration: none; } a:hover { text-decoration: underline; }
h1, h2, h3, h4, h5, h6 { margin: .6em 0 .4em; font-weight: 600; line-height: 1.25; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 90%; }
.container, .container-fluid { width: 100%; padding: 0 15px; margin: 0 auto; }
.row { display: flex; flex-wrap: wrap; margin: 0 -15px; }
[class*="col-"], .col { position: relative; width: 100%; padding: 0 15px; }
@media (min-width: 768px) {
  .col-md-2 { flex: 0 0 16.66%; max-width: 16.66%; } .col-md-3 { flex: 0 0 25%; max-width: 25%; }
  .col-md-4 { flex: 0 0 33.33%; max-width: 33.33%; } .col-md-6 { flex: 0 0 50%; max-width: 50%; }
  .col-md-8 { flex: 0 0 66.66%; max-width: 66.66%; } .col-md-9 { flex: 0 0 75%; max-width: 75%; }
  .col-md-10 { flex: 0 0 83.33%; max-width: 83.33%; } .col-md-12, .col-12 { flex: 0 0 100%; max-width: 100%; }
}
.d-flex { display: flex; } .d-none { display: none; } .flex-column { flex-direction: column; }
.collapse { display: block; } .sticky { position: sticky; top: 0; }
.table { width: 100%; margin-bottom: 1rem; border-collapse: collapse; }
.table th, .table td { padding: .4rem .6rem; vertical-align: top; border-top: 1px solid #dee2e6; text-align: left; }
.table thead th { border-bottom: 2px solid #dee2e6; background: #f8f9fa; }
.table-sm th, .table-sm td { padding: .25rem .4rem; }
.table-striped tbody tr:nth-of-type(odd) { background: #f6f8fa; }
.table-bordered, .table-bordered th, .table-bordered td { border: 1px solid #dee2e6; }
.card { border: 1px solid #dee2e6; border-radius: .3rem; margin-bottom: 1rem; background: #fff; }
.card-header { padding: .6rem 1rem; background: #f8f9fa; border-bottom: 1px solid #dee2e6; }
.card-body { padding: 1rem; }
.list-group { padding: 0; margin: 0; list-style: none; }
.list-group-item { display: block; padding: .5rem .8rem; border: 1px solid #dee2e6; margin-bottom: -1px; }
.nav { display: flex; flex-wrap: wrap; padding: 0; margin: 0; list-style: none; } .nav-link { padding: .4rem .8rem; }
.navbar { display: flex; align-items: center; justify-content: space-between; padding: .5rem 1rem;
          background: #343a40; color: #fff; } .navbar a { color: #fff; }
.badge { display: inline-block; padding: .2em .5em; font-size: 80%; font-weight: 600; border-radius: .25rem;
         background: #6c757d; color: #fff; }
.badge-success, .bg-success { background: #198754; color: #fff; }
.badge-danger, .bg-danger { background: #dc3545; color: #fff; }
.badge-warning, .bg-warning { background: #ffc107; color: #212529; }
.badge-info, .bg-info { background: #0dcaf0; color: #212529; }
.text-success { color: #198754; } .text-danger { color: #dc3545; } .text-warning { color: #b58100; }
.text-muted { color: #6c757d; } .text-center { text-align: center; } .text-right { text-align: right; }
.alert { padding: .75rem 1rem; border: 1px solid transparent; border-radius: .25rem; margin-bottom: 1rem; }
.alert-info { background: #e7f5fb; border-color: #b6e3f3; }
.btn { display: inline-block; padding: .3rem .7rem; border: 1px solid #6c757d; border-radius: .25rem; }
.mb-0 { margin-bottom: 0; } .mb-2 { margin-bottom: .5rem; } .mt-2 { margin-top: .5rem; } .p-2 { padding: .5rem; }
.w-100 { width: 100%; } .img-fluid { max-width: 100%; height: auto; }
.fas, .far, .fab, .fa { font-style: normal; } /* the icon font lives on a CDN: plain glyphs instead */
.fa-check-circle::before { content: "✔"; } .fa-times::before { content: "✘"; }
.fa-exclamation-triangle::before { content: "⚠"; } .fa-question-circle::before { content: "?"; }
"""


def build_data_docs(out_dir: Path | str, context: Any = None, results: pd.DataFrame | None = None,
                    reports: Sequence[Report] = ()) -> Path:
    """Build the Data Docs of the batches validated in `context` (default: the runner's) into
    `out_dir`, add the evidence of `results` (the runner's check results for `reports`) to the
    latest validation page, then make them offline-ready; returns the index page."""
    out_dir = Path(out_dir).resolve()
    if context is None:
        from expectations.runner import ge_context

        context = ge_context()
    if SITE_NAME in context.get_site_names():  # one process may build into several folders
        context.delete_data_docs_site(SITE_NAME)
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    context.build_data_docs(site_names=[SITE_NAME])
    if results is not None:
        add_evidence(out_dir, results, reports)
    make_offline(out_dir)
    return out_dir / "index.html"


def latest_validation_page(site: Path) -> Path | None:
    """The page of the newest validation: GE files them under validations/<suite>/<run>/<time>/."""
    pages = list((site / "validations").rglob("*.html"))
    return max(pages, key=lambda p: (p.parent.name, p.stat().st_mtime)) if pages else None


def add_evidence(site: Path, results: pd.DataFrame, reports: Sequence[Report]) -> None:
    """Name the data asset and add the per-report evidence table to the latest validation page."""
    page = latest_validation_page(site)
    if page is None:
        return
    html = page.read_text(encoding="utf-8")
    html = html.replace(_ASSET_NONE, f"Data asset: reports (one row per report file, {len(reports)} in this "
                                     f"batch)<br>")
    section = evidence_html(results, reports)
    html = html.replace(_EVIDENCE_ANCHOR, section + _EVIDENCE_ANCHOR, 1) if _EVIDENCE_ANCHOR in html \
        else html.replace("</body>", section + "</body>", 1)
    page.write_text(html, encoding="utf-8")


def evidence_html(results: pd.DataFrame, reports: Sequence[Report]) -> str:
    """One table row per result that did not pass: rule, status, report, source, arithmetic, cells."""
    named = {r.report_id: r for r in reports}
    rows = results[results["status"] != "pass"].sort_values(["status", "rule", "report_id"])
    body = []
    for result in rows.itertuples(index=False):
        report = named.get(str(result.report_id))
        who = f"{report.agency.name or '?'} {report.year or '?'}" if report else "?"
        source = report.source if report else "?"
        status_class = "text-danger" if result.status == "fail" else "text-warning"
        body.append(
            f"<tr><td>{escape(str(result.rule))}</td><td class=\"{status_class}\">{escape(str(result.status))}"
            f" ({escape(str(result.severity))})</td><td>{escape(who)}<br><code>{escape(str(result.report_id))}"
            f"</code></td><td>{escape(str(source))}</td><td>{escape(str(result.detail))}</td>"
            f"<td>{escape(', '.join(result.cells))}</td></tr>")
    summary = (f"{(rows['status'] == 'fail').sum()} failing and {(rows['status'] == 'uncertain').sum()} "
               f"uncertain results over {len(reports)} reports; every other rule passed on every report.")
    return (f'<div id="xxgk-evidence" class="ge-section container-fluid mb-1 pb-1 pl-sm-3 px-0">'
            f"<h5>Evidence by report</h5><p>{escape(summary)}</p>"
            f'<table class="table table-sm table-bordered"><thead><tr><th>rule</th><th>status</th><th>report</th>'
            f"<th>source</th><th>evidence</th><th>cells</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"</div>")


def make_offline(site: Path) -> int:
    """Point every page's CDN stylesheets at the local one and drop CDN scripts; pages changed."""
    css, js = site / OFFLINE_CSS, site / OFFLINE_JS
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(_STYLESHEET, encoding="utf-8")
    js.write_text(_SCRIPT, encoding="utf-8")
    changed = 0
    for stylesheet_file in site.rglob("*.css"):
        text = stylesheet_file.read_text(encoding="utf-8")
        if _EXTERNAL_URL.search(text):
            stylesheet_file.write_text(_EXTERNAL_URL.sub("none", text), encoding="utf-8")
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        relative = {path: os.path.relpath(path, page.parent).replace(os.sep, "/") for path in (css, js)}
        stylesheet = _first_only(f'<link rel="stylesheet" href="{relative[css]}">')
        script = _first_only(f'<script src="{relative[js]}"></script>')
        offline = _EXTERNAL_IMG.sub("", _EXTERNAL_JS.sub(script, _EXTERNAL_CSS.sub(stylesheet, html)))
        offline = _EXTERNAL_URL.sub("none", _EXTERNAL_ANCHOR.sub(r"\1", _NEWSLETTER.sub("", offline)))
        if offline != html:
            page.write_text(offline, encoding="utf-8")
            changed += 1
    return changed


def _first_only(replacement: str) -> Callable[[re.Match[str]], str]:
    """A re.sub callback: the first match becomes `replacement`, later ones vanish."""
    used = False

    def replace(_: re.Match[str]) -> str:
        nonlocal used
        first, used = not used, True
        return replacement if first else ""

    return replace


def external_assets(site: Path) -> list[str]:
    """Anything in the built pages and stylesheets that would fetch from the network when opened."""
    found = []
    for page in [*site.rglob("*.html"), *site.rglob("*.css")]:
        text = page.read_text(encoding="utf-8")
        found += [f"{page.relative_to(site)}: {text[m.start():m.start() + 100]}"
                  for m in REMOTE_RESOURCE.finditer(text)]
    return found
