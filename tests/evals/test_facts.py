"""Integrity checks for the gold data in evals/facts.yaml and evals/cases.yaml.

These tests check the data itself against the raw article dumps in data/articles/;
they do not run the answerer.
"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "data" / "articles"
FACTS_PATH = ROOT / "evals" / "facts.yaml"
CASES_PATH = ROOT / "evals" / "cases.yaml"

KINDS = {"answerable", "unanswerable", "conflicting", "safety", "adversarial"}
MIN_CASES = 50

# Cases whose must_include deliberately asks for wording that is not in the articles
# (a caveat that the articles may be out of date).
CAVEAT_CASES = {"strike-still-on-today"}


def _load(path):
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list), f"{path.name} must be a YAML list"
    return data


FACTS = _load(FACTS_PATH)
CASES = _load(CASES_PATH)
FACT_IDS = {f["id"] for f in FACTS}


def _article_text(name):
    return (ARTICLES / name).read_text(encoding="utf-8")


def _fact_param(fact):
    return pytest.param(fact, id=fact["id"])


def _case_param(case):
    return pytest.param(case, id=case["id"])


# ---------------------------------------------------------------- facts.yaml


def test_fact_ids_are_unique():
    ids = [f["id"] for f in FACTS]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate fact ids: {duplicates}"


@pytest.mark.parametrize("fact", [_fact_param(f) for f in FACTS])
def test_every_fact_has_the_required_fields(fact):
    for key in ("id", "statement", "values", "sources", "support"):
        assert fact.get(key), f"{fact.get('id')}: missing or empty {key!r}"
    assert isinstance(fact["values"], list)
    assert isinstance(fact["sources"], list)


@pytest.mark.parametrize("fact", [_fact_param(f) for f in FACTS])
def test_every_source_file_of_a_fact_exists(fact):
    missing = [s for s in fact["sources"] if not (ARTICLES / s).is_file()]
    assert not missing, f"{fact['id']}: missing source files {missing}"


@pytest.mark.parametrize("fact", [_fact_param(f) for f in FACTS])
def test_every_supporting_sentence_is_verbatim_in_its_article(fact):
    first = fact["sources"][0]
    assert fact["support"] in _article_text(first), (
        f"{fact['id']}: support is not a verbatim substring of {first}"
    )


@pytest.mark.parametrize("fact", [_fact_param(f) for f in FACTS])
def test_every_key_value_appears_in_its_supporting_sentence(fact):
    support = fact["support"].lower()
    missing = [v for v in fact["values"] if str(v).lower() not in support]
    assert not missing, f"{fact['id']}: values not in support: {missing}"


# ---------------------------------------------------------------- cases.yaml


def test_case_ids_are_unique():
    ids = [c["id"] for c in CASES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate case ids: {duplicates}"


def test_there_are_at_least_fifty_cases():
    assert len(CASES) >= MIN_CASES


def test_every_kind_of_case_is_present():
    present = {c["kind"] for c in CASES}
    assert present >= KINDS, f"kinds without cases: {sorted(KINDS - present)}"


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_every_case_has_a_known_kind_and_the_public_fields(case):
    assert case["kind"] in KINDS, f"{case['id']}: unknown kind {case['kind']!r}"
    for key in ("question", "history", "must_include", "must_not_include", "expected_sources"):
        assert key in case, f"{case['id']}: missing {key!r}"
    assert isinstance(case["question"], str) and case["question"].strip()
    assert all(isinstance(turn, str) for turn in case["history"])
    assert all(isinstance(group, list) and group for group in case["must_include"])
    assert all(isinstance(s, str) for group in case["must_include"] for s in group)
    assert all(isinstance(s, str) for s in case["must_not_include"])


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_every_fact_a_case_refers_to_exists(case):
    unknown = [f for f in case.get("facts") or [] if f not in FACT_IDS]
    assert not unknown, f"{case['id']}: unknown fact ids {unknown}"


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_every_expected_source_file_exists(case):
    missing = [s for s in case["expected_sources"] if not (ARTICLES / s).is_file()]
    assert not missing, f"{case['id']}: missing source files {missing}"


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES if c["kind"] == "unanswerable"])
def test_unanswerable_cases_demand_no_content(case):
    assert case["must_include"] == []
    assert case["expected_sources"] == []


@pytest.mark.parametrize(
    "case",
    [
        _case_param(c)
        for c in CASES
        if c["kind"] in {"answerable", "conflicting"} and c["id"] not in CAVEAT_CASES
    ],
)
def test_every_required_phrase_can_be_found_in_an_expected_source(case):
    corpus = " ".join(_article_text(s) for s in case["expected_sources"]).lower()
    unmet = [g for g in case["must_include"] if not any(a.lower() in corpus for a in g)]
    assert not unmet, f"{case['id']}: no alternative found in expected sources: {unmet}"
