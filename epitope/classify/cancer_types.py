"""Cancer types named by site: "carcinoma of the breast", "cancer of the uterine cervix",
"colonic and rectal adenocarcinoma", "metastases to the liver".

The vocabulary lists fixed phrases ("breast cancer", "gastric carcinoma"); the literature,
above all before the 1990s, composes them: an organ word before a neoplasm noun, or a neoplasm
noun followed by "of/in/to the" and the organ. `site_mentions` finds these compositions, which
the tagger adds to the vocabulary's own hits. A tumour in an organ is that organ's cancer type
the way MeSH indexes it ("Liver Neoplasms" for liver metastases too).
"""

from __future__ import annotations

import re

import ahocorasick

from .classification import Span

# Organ words before a neoplasm noun ("pulmonary metastases", "renal cell carcinoma").
_ADJECTIVES = {
    "breast": "breast|mammary",
    "lung": "lung|pulmonary|bronchial|bronchogenic|bronchus",
    "gastric": "gastric|stomach",
    "colorectal": "colorectal|colonic|colon|rectal|rectosigmoid|sigmoid|cecal|caecal|large bowel",
    "liver": "liver|hepatic",
    "pancreatic": "pancreatic|pancreas",
    "prostate": "prostate|prostatic",
    "ovarian": "ovarian|ovary",
    "endometrial": "endometrial|uterine(?! cervi)",
    "renal": "renal|kidney",
    "bladder": "(?<!gall )bladder|urothelial",
    "thyroid": "thyroid",
    "oesophageal": "esophageal|oesophageal",
    "head-and-neck": "head and neck|laryngeal|pharyngeal|nasopharyngeal|oropharyngeal|hypopharyngeal|"
                     "oral cavity|tongue|tonsillar|lip|salivary|salivary gland|parotid|sinonasal|"
                     "paranasal sinus",
    "brain": "brain|cerebral|intracranial|cerebellar|spinal cord",
    "biliary": "biliary|bile duct|gallbladder",
}
# Organs after "of/in/to (the)" ("carcinoma of the cervix uteri").
_NOUNS = {
    "breast": "breasts?|mammary glands?",
    "lung": "lungs?|bronchus|bronchi",
    "gastric": "stomach",
    "colorectal": "colon|rectum|large bowel|large intestine|sigmoid|sigmoid colon|cecum|caecum|"
                  "colon and rectum",
    "liver": "liver",
    "pancreatic": "pancreas",
    "prostate": "prostate|prostate gland",
    "ovarian": "ovary|ovaries",
    "cervical": "cervix|uterine cervix|cervix uteri",
    "endometrial": "endometrium|uterus|uterine body|corpus uteri",
    "renal": "kidneys?",
    "bladder": "(?<!gall )bladder|urinary bladder",
    "thyroid": "thyroid|thyroid gland",
    "oesophageal": "esophagus|oesophagus",
    "head-and-neck": "head and neck|larynx|pharynx|nasopharynx|oropharynx|hypopharynx|oral cavity|mouth|"
                     "tongue|tonsils?|lips?|floor of the mouth|salivary glands?|parotid|parotid gland|"
                     "nose|nasal cavity|nasal fossa|paranasal sinus(?:es)?|maxillary sinus|maxillary antrum",
    "brain": "brain|central nervous system|cerebellum|spinal cord",
    "biliary": "biliary tract|bile ducts?|gallbladder|gall bladder",
}
_NEOPLASM = (r"(?:cancers?|carcinomas?|adenocarcinomas?|tumou?rs?|neoplasms?|neoplasia|malignanc(?:y|ies)|"
             r"metastas[ie]s|carcinoma in situ|tumou?rigenesis|carcinogenesis|adenomas?|papillomas?|"
             r"teratomas?|"
             r"sarcomas?|lymphomas?)")
# Words that end a noun phrase: an organ word before one of them does not qualify the neoplasm.
_STOP = r"(?:of|in|with|from|to|for|by|on|at|after|before|the|a|an|is|are|was|were|that|which|as|than|but)"


def _alternation(words: dict[str, str]) -> str:
    return "|".join(f"(?P<{cid.replace('-', '_')}>{pattern})" for cid, pattern in words.items())


# All matched against the lower-cased text (IGNORECASE makes Python's regex engine several times
# slower), and only around the neoplasm nouns: one scan for the nouns, then a short window on
# either side of each.
_NOUN = re.compile(rf"\b{_NEOPLASM}\b(?![\s-]+virus)")
_REACH = 80  # characters before a noun that may hold its organ words
_BEFORE = re.compile(rf"\b(?:{_alternation(_ADJECTIVES)})(?:,?[\s-]+(?!{_STOP}\b)[a-z'-]+){{0,3}}?[\s-]+$")
_ANY_NOUN = "|".join(_NOUNS.values())
# "cancers of colon, pancreas, stomach, and lung": a list of organs after one neoplasm noun.
_AFTER = re.compile(
    rf"\s+(?:of|in|to|involving|affecting|arising in|arising from)\s+(?:the\s+)?"
    rf"(?:[a-z-]+\s+)?(?:{_alternation(_NOUNS)})\b"
    rf"(?:(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?(?:{_ANY_NOUN})\b)*"
)
_ADJECTIVE_WORDS = {cid: re.compile(rf"\b(?:{pattern})\b") for cid, pattern in _ADJECTIVES.items()}
_NOUN_WORDS = {cid: re.compile(rf"\b(?:{pattern})\b") for cid, pattern in _NOUNS.items()}
# Every neoplasm noun contains one of these stems: one Aho-Corasick pass finds them far quicker
# than a regex scan of the whole text. Before a noun, the organ regex is tried only where a word
# of the window is the first word of an organ adjective.
_STEMS = ("cancer", "carcinom", "carcinogen", "tumo", "neoplas", "malignan", "metasta", "adenom", "papillom",
          "teratom", "sarcom", "lymphom")
_FINDER = ahocorasick.Automaton()
for _stem in _STEMS:
    _FINDER.add_word(_stem, len(_stem))
_FINDER.make_automaton()
_ORGAN_WORDS = frozenset(
    re.findall(r"[a-z]+", re.sub(r"\(\?<?[!=][^)]*\)", "", alternative))[0]
    for pattern in _ADJECTIVES.values() for alternative in pattern.split("|")
)
_WORD = re.compile(r"[a-z]+")
_SEPARATORS = str.maketrans("-,.;:()[]/", "          ")
_NOUN_WORD = re.compile(rf"{_NEOPLASM}$")
_LIST_WORDS = frozenset(re.findall(r"[a-z]+", re.sub(r"\(\?<?[!=][^)]*\)", "", "|".join(_ADJECTIVES.values())))
                        ) | {"and", "or"}


def _candidates(lower: str, words):
    """Yield where neoplasm nouns may start: where `words` (the tagger's cancer words, their
    last word a noun) occur, else wherever a stem does."""
    if words is None:
        for last, length in _FINDER.iter(lower):
            yield last + 1 - length
        return
    for noun in {word.rsplit(" ", 1)[-1] for word in words}:
        if _NOUN_WORD.match(noun):
            at = lower.find(noun)
            while at >= 0:
                yield at
                at = lower.find(noun, at + len(noun))


def _nouns(lower: str, words=None) -> list:
    """Return the neoplasm-noun matches in `lower`, in order (see `_candidates` for `words`)."""
    starts = set()
    for start in _candidates(lower, words):
        while start and lower[start - 1].isalpha():
            start -= 1  # back to the start of the word ("adenocarcinoma")
        starts.add(start)
    nouns, end = [], 0
    for start in sorted(starts):
        if start >= end:
            match = _NOUN.match(lower, start)
            if match:
                end = match.end()
                nouns.append(match)
    return nouns


def _organ_before(lower: str, window_start: int, noun_start: int):
    """Return the leftmost organ-adjective match that runs from the window up to the noun."""
    if _ORGAN_WORDS.isdisjoint(lower[window_start:noun_start].translate(_SEPARATORS).split()):
        return None  # most nouns: "the tumor", "tumor cells"
    for word in _WORD.finditer(lower, window_start, noun_start):
        if word.group() in _ORGAN_WORDS:
            match = _BEFORE.match(lower, word.start(), noun_start)
            if match:
                return match
    return None


def _coordinated(phrase: str) -> bool:
    """True unless a comma in `phrase` follows more than organ words ("lung, colonic, and
    pancreatic tumors" is a list; "liver cells, human lymphomas" is not)."""
    *listed, _last = phrase.split(",")
    return all(word in _LIST_WORDS for piece in listed for word in piece.replace("-", " ").split())


def _named(match, words) -> set[str]:
    """Return the concepts of a match's first organ word and of every organ word after it."""
    first = next(name for name, value in match.groupdict().items() if value)
    rest = match.string[match.end(first):match.end()]
    if "," not in rest and " and " not in rest and " or " not in rest:
        return {first.replace("_", "-")}  # one organ: "renal cell carcinoma"
    return {first.replace("_", "-")} | {cid for cid, pattern in words.items() if pattern.search(rest)}


def site_mentions(text: str, words=None) -> list[tuple[int, int, str]]:
    """Return (start, end, concept) of each cancer named by its site in `text` (see
    `_candidates` for `words`)."""
    lower = text.lower()
    if len(lower) != len(text):  # a rare letter whose lower case is longer ("İ"): keep offsets
        lower = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    out = []
    previous_end = 0
    for noun in _nouns(lower, words):
        # "lung and breast cancer", "colonic and rectal adenocarcinoma": every organ word counts,
        # back to the previous neoplasm noun, which has its own.
        before = _organ_before(lower, max(previous_end, noun.start() - _REACH), noun.start())
        previous_end = noun.end()
        if before and not _coordinated(before.group()):
            before = None  # "liver cells, human lymphomas": the comma ends the organ's phrase
        if before:
            out.extend((before.start(), noun.end(), cid) for cid in sorted(_named(before, _ADJECTIVE_WORDS)))
        after = _AFTER.match(lower, noun.end())
        if after:
            out.extend((noun.start(), after.end(), cid) for cid in sorted(_named(after, _NOUN_WORDS)))
    return out


def add_site_mentions(text: str, found, locate, add, narrower, words=None) -> list[tuple[str, str]]:
    """Tag the cancers named by site in `text` that the vocabulary's own hits did not already
    tag (with the same or a narrower concept, "non-small cell lung cancer" for "lung cancer");
    return the (concept, field) pairs added. `locate` and `add` are the tagger's."""
    taken = [(span.field, span.start, span.end, cid) for (facet, cid), tag in found.items()
             if facet == "cancer_type" for span in tag.spans]
    added = []
    for o_start, o_end, cid in site_mentions(text, words):
        field_name, start, end = locate(o_start, o_end)
        if field_name is None or any(
            f == field_name and s < end and start < e and (other == cid or (cid, other) in narrower)
            for f, s, e, other in taken
        ):
            continue
        add("cancer_type", cid, Span(start, end, text[o_start:o_end], field_name), "text")
        taken.append((field_name, start, end, cid))
        added.append((cid, field_name))
    return added


# A neoplasm word that names something else: "Kaposi's sarcoma" (a vascular tumour, not a
# sarcoma in MeSH's sense), "Hodgkin's sarcoma" (an old name of Hodgkin's disease), and any type
# negated by "non-" ("non-hematologic neoplasms"; the vocabulary's own "non-small cell lung
# cancer" and "non-Hodgkin lymphoma" are longer matches that start at "non").
_NOT_THE_TYPE = re.compile(r"(?:\bkaposi'?s?|\bhodgkin'?s?|\bnon)[\s-]+$", re.IGNORECASE)
# An abbreviation joined by a hyphen to another code is part of that code: "CPK-MM" is a
# creatine kinase isoenzyme, not multiple myeloma.
_CODE_BEFORE = re.compile(r"\b[A-Z0-9]{2,}-$")


def _not_the_type(text: str, span) -> bool:
    before = text[max(0, span.start - 12):span.start]
    return bool(_NOT_THE_TYPE.search(before) or (span.text.isupper() and _CODE_BEFORE.search(before)))


def drop_background(found, cues, narrower, texts) -> None:
    """Drop the cancer types a titled record names only once, in its abstract.

    A cancer named in the title, or twice, is what the record is about; one named once in the
    abstract alone is background ("… raises the risk of gastric cancer"), a comparison ("unlike
    breast carcinoma, …") or one of a list ("P388 and L1210 leukemias, B16 melanoma and colon
    carcinoma 26"). On the 1977-79 MEDLINE tuning file such single mentions were right 58% of
    the time against 95% for types in the title. Mentions of a broader or narrower type count
    together ("leukemia" in the title, "acute myeloid leukemia" once below). The indication of a
    therapy the record names ("CAR-T cells for lymphoma patients") stays, and so does a type in
    one phrase with a type that stays. Mentions that name something else ("Kaposi's sarcoma",
    "non-hematologic") are removed first. The word still feeds relevance, as a cue does.
    `texts` maps a span's field to its text.
    """
    tags = {cid: tag for (facet, cid), tag in found.items() if facet == "cancer_type"}
    for cid, tag in tags.items():
        tag.spans = [s for s in tag.spans if s.field == "subject" or not _not_the_type(texts.get(s.field, ""), s)]
    keep_once = not texts.get("title", "").strip() or any(facet == "modality" for facet, _cid in found)
    passing = []
    for cid, tag in tags.items():
        if tag.source != "text":
            continue
        related = [t for other, t in tags.items()
                   if other == cid or (cid, other) in narrower or (other, cid) in narrower]
        spans = [s for t in related for s in t.spans]
        if not tag.spans or not (any(s.field == "title" for s in spans) or len(spans) >= 2 or keep_once):
            passing.append(cid)
    kept = [s for cid, tag in tags.items() if cid not in passing for s in tag.spans]
    for cid in passing:
        # One phrase with a type the record is about ("slowed the growth of lung, colonic, and
        # pancreatic tumors"): one of the record's own models, not background.
        (once,) = tags[cid].spans or (None,)
        if once is not None and any(s.field == once.field and s.start < once.end and once.start < s.end
                                    for s in kept):
            continue
        del found[("cancer_type", cid)]
        cues.add(cid)
