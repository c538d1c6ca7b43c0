"""Reading sources files (docs/contract.md §2), including the example shipped in the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.crawl import Source, load_sources, source_from_url

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sources.toml"


def test_example_sources_file_loads() -> None:
    sources = load_sources(EXAMPLE)
    assert len(sources) >= 2
    first = sources[0]
    assert first.name == "wenchang-town" and first.agency and first.max_pages == 3
    assert all(s.start_url.startswith("http") for s in sources)


def test_optional_keys_default_to_none(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[source]]\nname = "x"\nstart_url = "https://example.gov.cn/nb/"\n', encoding="utf-8")
    assert load_sources(path) == [Source("x", "https://example.gov.cn/nb/")]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[source]]\nname = "x"\n', "needs a string 'start_url'"),
        ('[[source]]\nname = "x"\nstart_url = "https://a.cn/"\nmax_page = 3\n', "unknown keys ['max_page']"),
        ('[[source]]\nname = "x"\nstart_url = "ftp://a.cn/"\n', "is not an http(s) URL"),
        ('[[source]]\nname = "x"\nstart_url = "https://a.cn/"\nmax_pages = 0\n', "positive integer"),
        ('[[source]]\nname = "x"\nstart_url = "https://a.cn/"\n[[source]]\nname = "x"\nstart_url = "https://b.cn/"\n',
         "repeated: x"),
        ('title = "no sources"\n', "no [[source]] tables"),
        ("[[source]\n", "cannot read sources file"),
    ],
)
def test_bad_sources_files_name_the_file_and_the_problem(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml") as raised:
        load_sources(path)
    assert message in str(raised.value)


def test_source_from_a_bare_url_is_named_after_its_host() -> None:
    source = source_from_url("http://www.spt.gov.cn/xxgk/nb/index.html")
    assert (source.name, source.host) == ("www.spt.gov.cn", "www.spt.gov.cn")
