"""`python -m index build|add|model|export|stats`: keep the article index current from the shell."""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from tqdm import tqdm

from index import store
from index.build import BuildRefused, build_index
from index.load import SUPPORTED_SUFFIXES, SkippedFile, corpus_files, load_article
from index.manifest import ManifestError, add_to_manifest
from index.settings import IndexSettings
from index.types import ArticleMeta


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = IndexSettings()
    try:
        return args.command(settings, args)
    except (
        BuildRefused,
        store.IndexUnavailable,
        ManifestError,
        FileNotFoundError,
        SkippedFile,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def cmd_build(settings: IndexSettings, args: argparse.Namespace) -> int:
    corpus_files(settings.articles_dir)  # a wrong folder fails now, not after the model loads
    summary = build_index(
        settings, functools.partial(_embedder, settings), rebuild=args.rebuild, progress=_bar
    )
    print("\n".join(summary.lines()))
    return 0


def _embedder(settings: IndexSettings):
    from index.embed import load_embedder  # llama-index and the model load only when needed

    return load_embedder(settings.embed_model, settings.model_cache_dir)


def cmd_model(settings: IndexSettings, args: argparse.Namespace) -> int:
    """Prepare the embedding model (the one-off ONNX export) and say which runtime it uses."""
    from index.embed import load_embedder

    embedder = load_embedder(settings.embed_model, settings.model_cache_dir)
    print(f"embedding model ready: {settings.embed_model} ({type(embedder).__name__})")
    return 0


def cmd_add(settings: IndexSettings, args: argparse.Namespace) -> int:
    """Copy new articles into the corpus with their metadata, then build incrementally."""
    added = 0
    for path in map(Path, args.paths):
        meta = ArticleMeta(path.name, args.outlet, args.title, args.date, args.url, None)
        try:
            _check_addable(path, meta, settings)
        except SkippedFile as reason:
            print(f"warning: {reason}", file=sys.stderr)
            continue
        shutil.copyfile(path, settings.articles_dir / path.name)
        add_to_manifest(settings.manifest_path, meta)
        added += 1
    if not added:
        print("error: no file was added", file=sys.stderr)
        return 1
    return cmd_build(settings, argparse.Namespace(rebuild=False))


def cmd_export(settings: IndexSettings, args: argparse.Namespace) -> int:
    state = _committed_state(settings)
    articles = {a.article_id: a for a in state.articles}
    for stored in state.chunks:
        meta = articles[stored.chunk.article_id].meta
        record = {
            **asdict(stored.chunk),
            "source_file": meta.source_file,
            "metadata": _meta_json(meta),
        }
        print(json.dumps(record, ensure_ascii=False))
    return 0


def cmd_stats(settings: IndexSettings, args: argparse.Namespace) -> int:
    state = _committed_state(settings)
    stats = {
        "articles": len(state.articles),
        "chunks": len(state.chunks),
        "duplicate_groups": len({s.chunk.dup_group for s in state.chunks if s.chunk.dup_group}),
        "embed_model": state.embed_model,
        "built_at": state.built_at,
        "newest_article": max(
            (a.meta.published for a in state.articles if a.meta.published), default=None
        ),
    }
    print(
        json.dumps(stats, default=str)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in stats.items())
    )
    return 0


def _committed_state(settings: IndexSettings) -> store.IndexState:
    """The committed state, only if every vector it names is in Chroma (else the numbers lie)."""
    client = store.open_client(settings)
    collection = store.open_collection(client, settings)
    state = store.read_state(client, settings)
    if state is None:
        raise store.IndexUnavailable(f"no index has been built yet; {store.REBUILD_HINT}")
    missing = state.keys() - store.all_keys(collection)
    if missing:
        raise store.IndexUnavailable(
            f"the index is incomplete ({len(missing)} of {len(state.chunks)} chunk vectors are "
            f"missing from Chroma); {store.REBUILD_HINT}"
        )
    return state


def _check_addable(path: Path, meta: ArticleMeta, settings: IndexSettings) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise SkippedFile(
            f"{path.name}: skipped, only {', '.join(SUPPORTED_SUFFIXES)} files can be added"
        )
    load_article(path, meta, int(settings.max_file_mb * 1e6))


def _meta_json(meta: ArticleMeta) -> dict:
    data = asdict(meta)
    data["published"] = meta.published.isoformat() if meta.published else None
    return data


def _bar(items):
    return tqdm(items, desc="embedding", unit="batch", file=sys.stderr, disable=not items)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    commands = parser.add_subparsers(required=True)
    build = commands.add_parser("build", help="build or update the index")
    build.add_argument("--rebuild", action="store_true", help="re-embed everything")
    build.set_defaults(command=cmd_build)
    add = commands.add_parser(
        "add", help="add .txt/.md/.html articles to the corpus and index them"
    )
    add.add_argument("paths", nargs="+")
    add.add_argument("--outlet")
    add.add_argument("--title")
    add.add_argument("--date", type=date.fromisoformat, help="publication date, YYYY-MM-DD")
    add.add_argument("--url")
    add.set_defaults(command=cmd_add)
    commands.add_parser(
        "model", help="prepare the embedding model (ONNX export, once)"
    ).set_defaults(command=cmd_model)
    commands.add_parser("export", help="every chunk as JSON lines").set_defaults(command=cmd_export)
    stats = commands.add_parser("stats", help="what the index holds")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(command=cmd_stats)
    return parser


if __name__ == "__main__":
    sys.exit(main())
