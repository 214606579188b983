"""Case and fact files: YAML -> frozen Case/Fact records, or a CaseFileError naming case + field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EVALS_DIR = Path(__file__).resolve().parent
CASES_PATH = EVALS_DIR / "cases.yaml"
FACTS_PATH = EVALS_DIR / "facts.yaml"
KINDS = ("answerable", "unanswerable", "conflicting", "safety", "adversarial")
CASE_FIELDS = (
    "id",
    "kind",
    "question",
    "history",
    "must_include",
    "must_not_include",
    "expected_sources",
    "facts",
)
FACT_FIELDS = ("id", "statement", "values", "sources", "support", "attributed_to", "as_of")


class CaseFileError(ValueError):
    """A malformed case or fact file; str() is one line naming the file, the case and the field."""


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    kind: str  # one of KINDS
    question: str
    history: tuple[str, ...] = ()  # earlier user turns, oldest first
    must_include: tuple[tuple[str, ...], ...] = ()  # every group must match; any item in a group
    must_not_include: tuple[str, ...] = ()
    expected_sources: tuple[str, ...] = ()  # corpus file names that support the answer
    facts: tuple[str, ...] = ()  # ids in facts.yaml


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    statement: str
    values: tuple[str, ...]  # lowercase key values; a supporting quote contains one of them
    sources: tuple[str, ...]
    support: str
    attributed_to: str | None = None
    as_of: str | None = None


def load_facts(path: Path = FACTS_PATH) -> dict[str, Fact]:
    entries = _yaml_list(path)
    facts = [_fact(entry, index, path.name) for index, entry in enumerate(entries, start=1)]
    _check_unique([f.id for f in facts], path.name, "fact")
    return {fact.id: fact for fact in facts}


def load_cases(path: Path = CASES_PATH, facts: Mapping[str, Any] | None = None) -> tuple[Case, ...]:
    """Every case in the file, validated; fact ids are checked when `facts` is given."""
    entries = _yaml_list(path)
    cases = tuple(_case(entry, index, path.name) for index, entry in enumerate(entries, start=1))
    _check_unique([c.id for c in cases], path.name, "case")
    for index, case in enumerate(cases, start=1):
        unknown = [f for f in case.facts if facts is not None and f not in facts]
        if unknown:
            where = _where(path.name, case.id, index)
            raise CaseFileError(f"{where}: field 'facts': unknown fact ids {unknown}")
    return cases


def _yaml_list(path: Path) -> list[Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CaseFileError(f"{path}: cannot read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())
        raise CaseFileError(f"{path.name}: not valid YAML ({reason})") from error
    if not isinstance(data, list) or not data:
        raise CaseFileError(f"{path.name}: must be a non-empty YAML list of entries")
    return data


def _case(entry: Any, index: int, file: str) -> Case:
    where = _where(file, entry.get("id") if isinstance(entry, dict) else None, index)
    fields = _fields(entry, where, CASE_FIELDS, required=("id", "kind", "question"))
    get = _getter(fields, where)
    kind = get("kind", _text)
    if kind not in KINDS:
        raise CaseFileError(f"{where}: field 'kind': {kind!r} is not one of {', '.join(KINDS)}")
    return Case(
        id=get("id", _text),
        kind=kind,
        question=get("question", _text),
        history=get("history", _strings),
        must_include=get("must_include", _groups),
        must_not_include=get("must_not_include", _strings),
        expected_sources=get("expected_sources", _strings),
        facts=get("facts", _strings),
    )


def _fact(entry: Any, index: int, file: str) -> Fact:
    where = _where(file, entry.get("id") if isinstance(entry, dict) else None, index, "fact")
    required = ("id", "statement", "values", "sources", "support")
    get = _getter(_fields(entry, where, FACT_FIELDS, required), where)
    return Fact(
        id=get("id", _text),
        statement=get("statement", _text),
        values=get("values", _strings),
        sources=get("sources", _strings),
        support=get("support", _text),
        attributed_to=get("attributed_to", _optional_text),
        as_of=get("as_of", _optional_text),
    )


def _fields(entry: Any, where: str, known: tuple[str, ...], required: tuple[str, ...]) -> dict:
    if not isinstance(entry, dict):
        raise CaseFileError(f"{where}: must be a mapping of fields, not {type(entry).__name__}")
    unknown = sorted(set(map(str, entry)) - set(known))
    if unknown:
        known_list = ", ".join(known)
        raise CaseFileError(f"{where}: field {unknown[0]!r}: unknown field (known: {known_list})")
    missing = [name for name in required if entry.get(name) in (None, "")]
    if missing:
        raise CaseFileError(f"{where}: field {missing[0]!r}: missing")
    return entry


def _getter(fields: dict, where: str) -> Callable[[str, Callable[[Any], Any]], Any]:
    def get(name: str, convert: Callable[[Any], Any]) -> Any:
        try:
            return convert(fields.get(name))
        except (TypeError, ValueError) as error:
            raise CaseFileError(f"{where}: field {name!r}: {error}") from None

    return get


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"must be a non-empty string, not {value!r}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise TypeError(f"must be a list of non-empty strings, not {value!r}")
    return tuple(value)


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(group, list) and group for group in value):
        raise TypeError(f"must be a list of non-empty lists of alternatives, not {value!r}")
    return tuple(_strings(group) for group in value)


def _check_unique(ids: list[str], file: str, noun: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids, start=1):
        if item in seen:
            raise CaseFileError(f"{_where(file, item, index, noun)}: field 'id': duplicate id")
        seen.add(item)


def _where(file: str, item_id: Any, index: int, noun: str = "case") -> str:
    named = f" {item_id!r}" if isinstance(item_id, str) and item_id else ""
    return f"{file}: {noun}{named} (#{index})"
