"""Checks that run before retrieval: crisis language, medical-advice requests, prompt injection,
questions in other languages. Each returns a label; the fixed replies live here too.

Patterns are deliberately broad (indirect phrasings included): a false alarm costs a patient one
extra paragraph, a miss could cost far more.
"""

from __future__ import annotations

import re

CRISIS = re.compile(
    r"\b(kill(ing)? myself|suicid\w*|end(ing)? (my|it all|my own) ?(life)?|take my (own )?life|"
    r"hurt(ing)? myself|harm(ing)? myself|self[- ]?harm|cut(ting)? myself|overdos\w*|"
    r"(don'?t|do not|dont) want to (live|be alive|be here|wake up|exist)|"
    r"can'?t (go on|do this anymore|take (it|this) anymore|keep going)|cant (go on|take it)|"
    r"no (reason|point) (to|in) (live|living|going on)|better off (dead|without me)|"
    r"wants? to die|want(ed)? to die|wish i (was|were) dead|give up on (life|everything)|suicidal|"
    r"want (it|everything|this) (all )?to (stop|end)|(don'?t|dont) know how (much )?(longer|long) i can|"
    r"can'?t keep (doing|going)|no way out|nothing to live for|"
    r"quiero morir|me quiero morir|suicidarme|hacerme da[nñ]o|no quiero vivir)",
    re.IGNORECASE,
)
MEDICAL = re.compile(
    r"\b((stop|quit|skip|double|halve|change|increase|decrease|lower|raise|come off|taper|switch)\w*\b.{0,40}"
    r"\b(med|meds|medication|medications|medicine|pills?|dose|dosage|prescription|antidepressants?|"
    r"lexapro|zoloft|prozac|xanax|adderall|lithium|sertraline|ssri)s?\b|"
    r"\b(how (much|many)|what dose|what dosage)\b.{0,40}\b(take|mg|pills?)\b|"
    r"\bshould i (take|stop|start)\b.{0,40}\b(med|meds|medication|pills?|drug)s?\b|\bdiagnos\w*\b.{0,30}\bme\b)",
    re.IGNORECASE,
)
INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,30}\b(instructions?|rules?|prompt|guidelines|above|previous)\b|"
    r"\b(system prompt|system override|developer mode|jailbreak|you are now|act as|pretend (to be|you)|new instructions)\b|"
    r"\b(tell|inform) (every|all) (patients?|users?|members?)\b",
    re.IGNORECASE,
)
SPANISH = re.compile(
    r"\b(el|la|los|las|mi|mis|que|qué|de|por|para|con|una?|es|está|están|huelga|cita|terapeuta|"
    r"dónde|donde|cuándo|cuando|cómo|como|puedo|tengo|sigue)\b",
    re.IGNORECASE,
)
SPANISH_ONLY = re.compile(
    r"\b(huelga|cita|citas|dónde|cuándo|cómo|qué|está|están|puedo|tengo|terapeuta|sigue|piquetes?|"
    r"mi|mis|por|para|el|los|las|una)\b|¿",
    re.IGNORECASE,
)
ENGLISH = re.compile(
    r"\b(the|is|are|my|will|can|what|where|when|how|why|strike|kaiser|a|of|to|in|i)\b", re.I
)

CRISIS_REPLY = (
    "If you are thinking about hurting yourself or feel you can't go on, please reach out now: "
    "call or text **988** (Suicide & Crisis Lifeline, 24/7, free). If you are in immediate danger, "
    "call **911**. Kaiser members can also call the number on their member card to reach Kaiser's "
    "own crisis services. You don't have to wait for your therapist to get help."
)
MEDICAL_REPLY = (
    "I can't give medical advice, and changing or stopping a medication on your own can be risky. "
    "Please ask the clinician who prescribed it or your Kaiser care team before changing anything; "
    "in an emergency call 911, and in a crisis call or text 988."
)
INJECTION_REPLY = (
    "I can't change how I work. I only answer questions about the 2024 Kaiser mental health "
    "workers' strike, using what news articles report, with a source for every claim."
)
INJECTION_NOTE = (
    "(I ignored instructions in your message; I only report what the news articles say.)"
)
SPANISH_REPLY = (
    "Lo siento, por ahora solo puedo responder en inglés. Respondo preguntas sobre la huelga de "
    "2024 de los trabajadores de salud mental de Kaiser Permanente en el sur de California (citas, "
    "piquetes, por qué hacen huelga), usando artículos de noticias. Si está en crisis, llame o envíe "
    "un mensaje de texto al 988; en una emergencia, llame al 911."
)
OTHER_LANGUAGE_REPLY = (
    "Sorry, I can only answer in English for now. I answer questions about the 2024 Kaiser mental "
    "health workers' strike in Southern California from news articles. In a crisis call or text 988; "
    "in an emergency call 911."
)


def without_instructions(question: str) -> str:
    """The question with injected instructions removed: the sentences that carry them, and any
    "answer:"-style lead-in. What is left is what a patient actually asked (possibly nothing)."""
    text = re.split(r"\b(?:now )?answer(?: this| the question)?\s*:", question, flags=re.I)[-1]
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(s for s in sentences if not INJECTION.search(s)).strip()


def classify(question: str) -> str | None:
    """'crisis', 'medical_advice', 'injection', 'spanish', 'other_language' or None."""
    if CRISIS.search(question):
        return "crisis"
    if MEDICAL.search(question):
        return "medical_advice"
    if INJECTION.search(question):
        return "injection"
    return _language(question)


def _language(question: str) -> str | None:
    letters = [ch for ch in question if ch.isalpha()]
    if not letters:
        return None
    if sum(ch.isascii() for ch in letters) / len(letters) < 0.5:
        return "other_language"
    spanish, english = len(SPANISH.findall(question)), len(ENGLISH.findall(question))
    distinctly_spanish = bool(SPANISH_ONLY.search(question))  # French shares "que", "la", "de"
    return "spanish" if distinctly_spanish and spanish >= 2 and spanish > english else None
