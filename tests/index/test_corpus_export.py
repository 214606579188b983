"""The built corpus holds every fact paragraph of the five articles and none of the page around.

The lists below come from reading the raw dumps in data/articles/: BOILERPLATE is text of menus,
banners, bylines, captions, teasers and appeals; FACTS has a distinctive phrase from every
fact-bearing paragraph (each list item and quoted sentence counts as a paragraph).
"""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / "data" / "articles"

BOILERPLATE = (
    # 001: promo and tag lines
    "Win $100",
    "ALL Headlines",
    # 002 (Fortune): menus, bylines, widgets, teasers, footer
    "Fortune 500",
    "Leadership",
    "HealthHealth",
    "Damian Dovarganes",
    "Down Arrow",
    "AP Photo",
    "Recommended Video",
    "Fortune Workplace Innovation Summit",
    "Register now",
    "About the Authors",
    "See full bio",
    "Latest in Health",
    "Lorem ipsum",
    "Fortune Editors",
    "October 20, 2025",
    "Most Popular",
    "placeholder alt text",
    "Powell",
    "Peter Thiel",
    "Greta Thunberg",
    "Tech stocks",
    "Pharrell",
    "peanut butter",
    "nonviolent resistance",
    "All Rights Reserved",
    "trademark",
    "Privacy Policy",
    "Prebiotics",
    "Cooling Sheets",
    "Sleeping Position",
    "Oura",
    "Mattresses",
    "Olympians",
    # 003 (LAist): member drive, player, caption, appeals
    "Member Drive",
    "tax-deductible",
    "newsroom",
    "$560,760",
    "Secure Payment",
    "Audience-funded",
    "laist logo",
    "Next Up",
    "Subscribe",
    "Listen Now",
    "December 2019 picket line",
    "Courtesy National Union",
    "Truth matters",
    "Topline",
    "Sponsored message",
    "Go deeper",
    "hard to find a therapist",
    "shareholders",
    "clawing back",
    "monthly member",
    "donate",
    "Senior Vice President",
    # 004: image URL, photo credit, widgets
    "particlenews",
    "File photo",
    "What You Need To Know",
    "Story continues",
    "YOU MIGHT ALSO LIKE",
    "TRENDING ARTICLES",
)

FACTS = {
    "000_80dbbc9b2c0dee03": (
        "traveled to L.A. for the work action with about 35 colleagues from Bakersfield",
        "burnout is getting worse and worse among our colleagues",
        "Kaiser is emphasizing numbers of patients to be seen over quality of care",
        "understaffed and overworked",
        "she sees up to 10 patients a day, routinely works through lunch",
        "after declining Kaiser’s terms on Friday",
        "Kaiser called the walkout “entirely unnecessary”",
        "at least 19 hours a week",
        "It’s the second strike by Kaiser therapists in two years.",
        "A 10-week walkout in 2022 by mental health workers in Northern California",
        "Sen. Maria Elena Durazo, who joined the L.A. picket line",
        "Don’t we deserve the same kind of working conditions?",
        "Kaiser said it was notifying patients whose appointments could be affected by the strike.",
        "if their regular provider is engaged in a strike",
        "Associated Press writer Christopher Weber contributed to this report.",
    ),
    "001_6393ffdb79b83702": (
        "An indefinite strike commenced on Monday involving over 2,400 mental health professionals",
        "label the current system of care as “substandard.”",
        "contract negotiations with the Oaklan-based healthcare provider",
        "advocating for the hiring of additional staff",
        "accusing the union of delaying negotiations",
        "Kaiser claimed to have presented robust proposals to the union",
        "Los Angeles, Orange, San Bernardino, and San Diego",
        "journeyed to Los Angeles with around 35 colleagues from Bakersfield",
        "Kaiser prioritizes patient volume over the quality of care",
        "she often manages up to 10 patients daily",
        "after the union declined Kaiser’s proposals earlier in the week",
        "nearly half of their work time to non-patient activities",
        "the second occasion within two years",
        "A previous 10-week strike in 2022",
        "Senator Maria Elena Durazo joining the picketers in Los Angeles",
        "they too deserve improved circumstances",
        "informing those whose appointments may be disrupted by the strike",
        "consult other professionals within their extensive network",
    ),
    "002_647c46df6db8ea69": (
        "More than 2,400 Kaiser Permanente psychologists, therapists, social workers",
        "created a “substandard” system of care",
        "negotiating a new contract with the Oakland-based health giant",
        "the strikers demand Kaiser hire more people to ease the burden",
        "the union has been “slow-walking” negotiations",
        "“have been overreaching and unreasonable,”",
        "Picket lines went up outside Kaiser facilities in Los Angeles, Orange, San Bernardino and "
        "San Diego counties.",
        "traveled to LA for the work action with about 35 colleagues from Bakersfield, California.",
        "burnout is getting worse and worse among our colleagues",
        "Kaiser is emphasizing numbers of patients to be seen over quality of care",
        "understaffed and overworked",
        "she sees up to 10 patients a day",
        "after declining Kaiser’s terms on Friday",
        "Kaiser called the walkout “entirely unnecessary”",
        "at least 19 hours a week",
        "It’s the second strike by Kaiser therapists in two years.",
        "A 10-week walkout in 2022",
        "Sen. Maria Elena Durazo, who joined the LA picket line",
        "You do this in Northern California",
        "Kaiser said that it was notifying patients whose appointments could be affected",
        "if their regular provider is engaged in a strike",
        "Christopher Weber in Los Angeles contributed to this report",
    ),
    "003_d4ce438d7b574d13": (
        "Some 2,400 Kaiser mental health workers in Southern California say they’re prepared",
        "More than 80% of caregivers",
        "rejected three main contract points",
        "better pay and restoration of pensions",
        "some therapists are seeing 14 to 16 people a day",
        "patient care is suffering because therapists are burned out",
        "It is a broken system and our clinicians are not OK.",
        "this is not something we want to do but it feels like we have to",
        "distracts from the work we need to do together to reach a fair agreement",
        "Kaiser has four bargaining dates scheduled",
        "six hours a week for planning and preparation as well as an 18% wage increase over "
        "four years",
        "intake appointments for people with urgent mental health crises may be delayed",
        "delayed care and transfers to providers outside of Kaiser",
        "81% said they didn’t have enough time in the day",
        "Contract negotiations between Kaiser and the National Union of Healthcare Workers began "
        "July 31",
    ),
    "004_347b3ec411fdd49b": (
        "Nearly 2,400 mental health workers at Kaiser Permanente facilities are on strike Thursday",
        "the union has been “slow walking” the negotiation process",
        "are picketing Thursday at five locations",
        "one therapist for every 3,000 Kaiser members, compared to one per 2,000",
        "The union’s contract with Kaiser expired Sept. 30",
        "a $50 million settlement with state regulators",
        "will picket from 6 a.m. to 2 p.m. Thursday at the following locations:",
        "Bakersfield Kaiser Mental Health Offices, 4900 California Ave., Bakersfield",
        "San Diego Medical Center, 9455 Clairemont Mesa Blvd.",
        "Fontana Medical Center, 9961 Sierra Ave., Fontana",
        "Anaheim Medical Center, 3440 East La Palma Ave., Anaheim",
        "West Los Angeles Medical Center, 6041 Cadillac Ave., Los Angeles",
        "lunchtime rallies with community and elected officials at all five sites",
        "“This is about equity for mental health care,” Jessica Rentz, a Kaiser therapist in "
        "Fontana",
        "treats mental health care like an assembly line job",
    ),
}


def boilerplate_in(chunk_texts: list[str]) -> list[tuple[str, str]]:
    return [
        (phrase, text[:80])
        for text in chunk_texts
        for phrase in BOILERPLATE
        if phrase.lower() in text.lower()
    ]


def facts_missing(chunk_texts_by_article: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [
        (article_id, fact)
        for article_id, facts in FACTS.items()
        for fact in facts
        if not any(fact in text for text in chunk_texts_by_article.get(article_id, []))
    ]


def test_the_phrase_lists_are_true_to_the_raw_dumps():
    raw = {path.stem: path.read_text(encoding="utf-8") for path in CORPUS_DIR.glob("*.txt")}

    assert set(FACTS) == set(raw)
    assert [(a, f) for a, facts in FACTS.items() for f in facts if f not in raw[a]] == []
    everything = "\n".join(raw.values()).lower()
    assert [p for p in BOILERPLATE if p.lower() not in everything] == []


def test_no_built_chunk_contains_page_boilerplate(built_corpus):
    texts = [stored.chunk.text for stored in built_corpus.state.chunks]

    assert boilerplate_in(texts) == []


def test_every_fact_paragraph_of_the_five_articles_is_in_some_chunk(built_corpus):
    by_article: dict[str, list[str]] = {}
    for stored in built_corpus.state.chunks:
        by_article.setdefault(stored.chunk.article_id, []).append(stored.chunk.text)

    assert facts_missing(by_article) == []


def test_ap_sentence_shared_by_000_and_002_forms_one_duplicate_group(built_corpus):
    sentence = "notifying patients whose appointments could be affected by the strike."
    holders = {
        s.chunk.article_id: s.chunk for s in built_corpus.state.chunks if sentence in s.chunk.text
    }

    assert set(holders) == {"000_80dbbc9b2c0dee03", "002_647c46df6db8ea69"}
    groups = {chunk.dup_group for chunk in holders.values()}
    assert len(groups) == 1 and None not in groups


def test_the_pre_strike_laist_story_and_the_thursday_picket_report_are_never_grouped(built_corpus):
    laist, picket = "003_d4ce438d7b574d13", "004_347b3ec411fdd49b"
    members: dict[str, set[str]] = {}
    for stored in built_corpus.state.chunks:
        if stored.chunk.dup_group:
            members.setdefault(stored.chunk.dup_group, set()).add(stored.chunk.article_id)

    first = {s.chunk.article_id: s.chunk for s in built_corpus.state.chunks if s.chunk.start == 0}
    assert first[laist].dup_group is None or first[laist].dup_group != first[picket].dup_group
    assert [group for group, ids in members.items() if {laist, picket} <= ids] == []


@pytest.fixture(scope="module")
def cli_build_then_export(copy_built, index_cli):
    """`python -m index build` over a copy of the built index, then `python -m index export`."""
    settings = copy_built()
    return index_cli(settings, "build"), index_cli(settings, "export")


def test_rerunning_build_from_the_cli_embeds_nothing(cli_build_then_export):
    build, _ = cli_build_then_export

    assert build.returncode == 0, build.stderr
    assert "articles: 5" in build.stdout and "embedded: 0" in build.stdout
    assert "warning" not in build.stdout


def test_cli_export_shows_every_fact_and_no_boilerplate(cli_build_then_export):
    _, export = cli_build_then_export
    assert export.returncode == 0, export.stderr
    by_article: dict[str, list[str]] = {}
    for record in export.records():
        by_article.setdefault(record["article_id"], []).append(record["text"])

    assert boilerplate_in([text for texts in by_article.values() for text in texts]) == []
    assert facts_missing(by_article) == []


def test_cli_export_carries_each_chunk_with_its_offsets_and_manifest_metadata(
    cli_build_then_export, built_corpus
):
    _, export = cli_build_then_export
    records = export.records()
    fortune = next(r for r in records if r["article_id"] == "002_647c46df6db8ea69")
    texts = {a.article_id: a.text for a in built_corpus.state.articles}

    assert [r["chunk_id"] for r in records] == [s.chunk.chunk_id for s in built_corpus.state.chunks]
    assert all(texts[r["article_id"]][r["start"] : r["end"]] == r["text"] for r in records)
    assert fortune["metadata"]["outlet"] == "Fortune (The Associated Press)"
    assert fortune["metadata"]["published"] == "2024-10-21"
    assert fortune["source_file"] == "002_647c46df6db8ea69.txt"
