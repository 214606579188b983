"""Bad files are skipped with a one-line reason and cost nothing already indexed; `add` adds.

The CLI runs in-process here (index_main: its main(), configured by STRIKEQA_ env vars as from a
shell); test_corpus_export runs it as a real `python -m index` subprocess."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from index import store
from index.build import BuildRefused, build_index
from index.manifest import read_manifest

REPO_CORPUS = Path(__file__).resolve().parents[2] / "data" / "articles"

NAV_ONLY_HTML = """<!doctype html><html><head><title>Health | Valley Times</title></head><body>
<header><a href="/">Valley Times</a><nav><ul><li><a href="/news">News</a></li>
<li><a href="/health">Health</a></li><li><a href="/sports">Sports</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><ul><li><a href="/a/1">Hospital opens new wing</a></li>
<li><a href="/a/2">Flu season arrives early</a></li>
<li><a href="/a/3">Nurses vote on contract</a></li>
</ul></main><footer><a href="/privacy">Privacy Policy</a> © 2025 Valley Times</footer>
</body></html>"""

SMALL_ARTICLE_HTML = """<!doctype html><html><head><title>Therapists return to work</title></head>
<body><nav><a href="/">Home</a> <a href="/health">Health</a> <a href="/donate">Donate</a></nav>
<article><h1>Kaiser therapists return to work after strike</h1>
<p>Kaiser Permanente mental health workers in Southern California returned to their clinics on
Tuesday after the union reached a tentative agreement with the health care provider.</p>
<p>The union said members would vote on the agreement over the next two weeks.</p></article>
<footer>Sign up for our newsletter. All rights reserved.</footer></body></html>"""


ADD_METADATA = ["--outlet", "Valley Times", "--title", "Therapists return", "--date", "2024-10-22"]


def write_bytes(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def write_50_mb(folder: Path, name: str) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8") as handle:
        line = "Kaiser mental health workers went on strike in Southern California on Monday.\n"
        handle.write(line * (50_000_000 // len(line) + 1))
    return path


BAD_FILES = {
    "empty": (lambda d: write_bytes(d, "empty.txt", b""), "empty"),
    "binary": (lambda d: write_bytes(d, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00" * 100), "binary"),
    "not utf-8": (
        lambda d: write_bytes(
            d, "latin1.txt", "Kaiser café strike in Fontana.\n".encode("latin-1")
        ),
        "not UTF-8",
    ),
    "50 MB": (lambda d: write_50_mb(d, "huge.txt"), "over the 20 MB limit"),
    "navigation only": (
        lambda d: write_bytes(d, "nav.html", NAV_ONLY_HTML.encode()),
        "no article text found",
    ),
}


@pytest.mark.parametrize("make, reason", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_skipped_with_a_one_line_reason_and_the_index_is_kept(
    built_copy, embedder, make, reason
):
    before = committed_state(built_copy)
    bad = make(Path(built_copy.articles_dir))

    summary = build_index(built_copy, embedder)

    assert len(summary.skipped) == 1
    line = summary.skipped[0]
    assert line.startswith(f"{bad.name}: skipped") and reason in line and "\n" not in line
    assert f"warning: {line}" in summary.lines()
    assert (summary.articles, summary.embedded, summary.deleted) == (5, 0, 0)
    assert committed_state(built_copy).keys() == before.keys()


def test_a_missing_articles_folder_is_a_clear_error_and_the_index_is_kept(
    built_copy, embedder, index_main
):
    before = committed_state(built_copy)
    missing = built_copy.model_copy(update={"articles_dir": Path(built_copy.articles_dir) / "nope"})

    with pytest.raises(FileNotFoundError, match="articles folder not found: .*nope"):
        build_index(missing, embedder)
    cli = index_main(missing, "build")

    assert cli.returncode == 1
    assert cli.stderr.splitlines() == [f"error: articles folder not found: {missing.articles_dir}"]
    assert committed_state(built_copy) == before


def test_a_folder_of_only_unreadable_files_refuses_to_build_and_keeps_the_index(
    built_copy, embedder
):
    before = committed_state(built_copy)
    folder = Path(built_copy.articles_dir)
    for path in folder.glob("*.txt"):
        path.write_bytes(b"")

    with pytest.raises(BuildRefused, match="no readable articles.*unchanged"):
        build_index(built_copy, embedder)

    assert committed_state(built_copy) == before


def test_cli_add_indexes_an_html_article_with_the_given_metadata(built_copy, index_main, tmp_path):
    repo_manifest = hashlib.sha256((REPO_CORPUS / "manifest.yaml").read_bytes()).hexdigest()
    story = tmp_path / "return_to_work.html"
    story.write_text(SMALL_ARTICLE_HTML, encoding="utf-8")

    added = index_main(built_copy, "add", str(story), *ADD_METADATA)

    assert added.returncode == 0, added.stderr
    assert "articles: 6" in added.stdout and "embedded: 2" in added.stdout
    records = index_main(built_copy, "export").records()
    new = [r for r in records if r["article_id"] == "return_to_work"]
    assert [r["text"] for r in new] == [
        "Kaiser Permanente mental health workers in Southern California returned to their clinics "
        "on Tuesday after the union reached a tentative agreement with the health care provider.",
        "The union said members would vote on the agreement over the next two weeks.",
    ]
    assert new[0]["metadata"] == {
        "source_file": "return_to_work.html",
        "outlet": "Valley Times",
        "title": "Therapists return",
        "published": "2024-10-22",
        "url": None,
        "relation": None,
    }
    assert len({r["article_id"] for r in records}) == 6
    manifest = read_manifest(built_copy.manifest_path)
    assert manifest["return_to_work.html"].published == date(2024, 10, 22)
    assert manifest["002_647c46df6db8ea69.txt"].outlet == "Fortune (The Associated Press)"
    assert not (REPO_CORPUS / story.name).exists()
    assert hashlib.sha256((REPO_CORPUS / "manifest.yaml").read_bytes()).hexdigest() == repo_manifest


def test_cli_add_of_a_missing_file_exits_non_zero_and_adds_nothing(built_copy, index_main):
    before = committed_state(built_copy)

    cli = index_main(built_copy, "add", str(Path(built_copy.articles_dir) / "no-such-story.html"))

    assert cli.returncode == 1
    assert "no-such-story.html: skipped, no such file" in cli.stderr
    assert "error: no file was added" in cli.stderr
    assert committed_state(built_copy) == before


def test_cli_export_before_any_build_says_how_to_build(tmp_settings, index_main):
    cli = index_main(tmp_settings, "export")

    assert cli.returncode == 1 and "no index has been built yet" in cli.stderr


def committed_state(settings):
    return store.read_state(store.open_client(settings), settings)
