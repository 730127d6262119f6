"""Write this folder's labelled pairs (`pairs.json`) and the files only they need (run by hand; committed).

Reads the real MEDLINE citations of the shared fixtures (pubmed-labelled/) once, here, never
when the tests run; the other real files are this project's testdata/ingest. Every pair names its two items by file and
identity (what `pipeline.identity_of` gives), with their titles, its label ("same" story or
"different") and why. `python tests/testdata/ingest/clusters/make_pairs.py /path/to/shared/fixtures`.
"""

import gzip
import html
import itertools
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
INGEST = HERE.parent
# MEDLINE near-misses found by scanning the 15,002 citations for titles that differ only in a
# number, a roman numeral, a part or a chapter name, and for different citations whose title and
# abstract MinHash scores at least 0.5: distinct papers, whatever their text.
MEDLINE = {
    "423950": "423952",  # two letters under one title, no abstract
    "411858": "416156",  # Part 1 / Part 2
    "410966": "410968",  # Studies on lipids ... I / III
    "401670": "417766",  # Cancer statistics, 1977 / 1978
    "399538": "399694",  # Salvage and repair ... (I) / (II)
    "405588": "415240",  # Case records of the MGH, two weekly cases
    "421620": "421622",  # The surgeon ... the pathologist's / the general practitioner's opinion
    "425808": "425810",  # one study design, NLA / enflurane
    "422900": "426946",  # An autopsy case of ... syndrome
}
CHAPTERS = ["405592", "405594", "405596", "405602", "405604", "405612", "405614", "405616", "405618"]
# Real PubMed efetch records (metapub, in ../pubmed) whose DOI a news item and a preprint of this folder cite.
CITED = ["39236155", "38704912", "23657305", "34843274", "39337530"]


def articles(data):
    return {m.group(1).decode(): m.group(0) for m in re.finditer(
        rb"<PubmedArticle>\s*<MedlineCitation[^>]*>\s*<PMID[^>]*>(\d+)</PMID>.*?</PubmedArticle>", data, re.S)}


def pubmed_set(records):
    return b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n' + b"\n".join(records) + b"\n</PubmedArticleSet>\n"


def field(article, tag):
    match = re.search(rb"<" + tag + rb"[^>]*>(.*?)</" + tag + rb">", article, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1).decode())).strip() if match else ""


def abstract(article):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", m.decode())).strip()
                    for m in re.findall(rb"<AbstractText[^>]*>(.*?)</AbstractText>", article, re.S))


def doi_of(article):
    match = re.search(rb'<ArticleId IdType="doi">([^<]+)</ArticleId>', article)
    return match.group(1).decode().lower() if match else ""


def news_feed(cited):
    """A news site's feed (written for the tests) whose items report real papers and link their DOI."""
    items = []
    for pmid, article in cited.items():
        title, doi = field(article, b"ArticleTitle"), doi_of(article)
        lead = field(article, b"AbstractText").split(". ")[0]
        items.append(
            f"<item><title>New study: {html.escape(title.rstrip('.'))}</title>"
            f"<link>https://news.example.org/2024/{pmid}</link><guid>https://news.example.org/2024/{pmid}</guid>"
            f"<description><![CDATA[<p>{html.escape(lead)}.</p><p>Read the paper: "
            f'<a href="https://doi.org/{doi}">doi:{doi}</a></p>]]></description></item>')
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Oncology news (written for the '
            'tests)</title><link>https://news.example.org/</link>\n' + "\n".join(items) + "\n</channel></rss>\n").encode()


def preprints(cited):
    """bioRxiv details (written for the tests): the preprint of each of two real papers, its title
    and abstract as the paper's (bioRxiv versions differ from the journal's little), a 10.1101 DOI."""
    collection = [{
        "doi": f"10.1101/2024.01.{10 + n:02d}.5{pmid[-5:]}", "title": field(article, b"ArticleTitle"),
        "authors": "Preprint, A.; Author, B.", "date": "2024-01-10", "version": "1", "type": "new results",
        "category": "cancer biology", "abstract": abstract(article),
        "published": "NA", "server": "bioRxiv"}
        for n, (pmid, article) in enumerate(list(cited.items())[:2])]
    return json.dumps({"messages": [{"status": "ok", "count": len(collection)}], "collection": collection}, indent=1).encode()


def side(file, identity, title):
    return {"file": file, "identity": identity, "title": title}


def main(shared):
    medline = articles(gzip.decompress((shared / "pubmed-labelled" / "medline-1977-79-tuning.xml.gz").read_bytes()))
    wanted = [*MEDLINE, *MEDLINE.values(), *CHAPTERS]
    (HERE / "medline_near_misses.xml").write_bytes(pubmed_set([medline[p] for p in wanted]))
    efetch = {p: articles((INGEST / "pubmed" / f"{p}.xml").read_bytes())[p] for p in CITED}
    (HERE / "news_citing_papers.xml").write_bytes(news_feed(efetch))
    (HERE / "preprints_of_papers.json").write_bytes(preprints(efetch))
    pairs = []

    def pair(a, b, label, kind, why):
        pairs.append({"a": a, "b": b, "label": label, "kind": kind, "why": why})

    def ident(article):
        doi = doi_of(article)
        return f"doi:{doi}" if doi else "pmid:" + re.search(rb"<PMID[^>]*>(\d+)", article).group(1).decode()

    med = "clusters/medline_near_misses.xml"
    for a, b in MEDLINE.items():
        pair(side(med, ident(medline[a]), field(medline[a], b"ArticleTitle")),
             side(med, ident(medline[b]), field(medline[b], b"ArticleTitle")), "different", "series (MEDLINE)",
             f"PMID {a} and {b}: two citations, one title pattern (numbered part, volume, year or case)")
    for a, b in itertools.combinations(CHAPTERS, 2):
        pair(side(med, ident(medline[a]), field(medline[a], b"ArticleTitle")),
             side(med, ident(medline[b]), field(medline[b], b"ArticleTitle")), "different", "series (MEDLINE)",
             f"PMID {a} and {b}: chapters of one book, 'The epidemiology of drug abuse: current issues'")
    # Real feeds: ibash quotes (titles differ only in the quote's number), fortify-headers releases.
    blocks = re.findall(rb"<item>(.*?)</item>", (INGEST / "feeds" / "encoding_WINDOWS-1251.xml").read_bytes(), re.S)
    quotes = [(field(b.decode("cp1251").encode(), b"title"), field(b, b"guid"),
               re.search(rb"<description>(.*?)</description>", b, re.S).group(1)) for b in blocks]
    cp = "feeds/encoding_WINDOWS-1251.xml"
    for (ta, ga, da), (tb, gb, db) in zip(quotes, quotes[1:]):
        same = da == db
        pair(side(cp, f"guid:{ga}", ta), side(cp, f"guid:{gb}", tb), "same" if same else "different",
             "numbered series (feed)", "the same quote word for word under two numbers" if same
             else "two quotes numbered one after the other: different text")
    a17703 = next(q for q in quotes if q[0].endswith("17703"))
    b17715 = next(q for q in quotes if q[0].endswith("17715"))
    pair(side(cp, f"guid:{a17703[1]}", a17703[0]), side(cp, f"guid:{b17715[1]}", b17715[0]), "same",
         "numbered series (feed)", "the same quote word for word under two numbers (issue 24's pair)")
    posts = {}
    for name in ("large_atom.xml", "large_rss.xml"):
        data = (INGEST / "feeds" / name).read_bytes().decode()
        if name.startswith("large_atom"):
            found = re.findall(r"<entry><title>(.*?)</title>.*?<id>(.*?)</id>", data, re.S)
        else:
            found = re.findall(r"<item><title>(.*?)</title>.*?<guid[^>]*>(.*?)</guid>", data, re.S)
        posts[name] = [(html.unescape(t), g) for t, g in found]
    for (ta, ga), (tb, gb) in zip(posts["large_atom.xml"], posts["large_rss.xml"]):
        pair(side("feeds/large_atom.xml", f"guid:{ga}", ta), side("feeds/large_rss.xml", f"guid:{gb}", tb), "same",
             "same post on two feeds", "one blog post in the site's Atom and RSS feeds")
    fortify = {(n, t): g for n, ps in posts.items() for t, g in ps if t.startswith("fortify-headers")}
    for ((na, ta), ga), ((nb, tb), gb) in itertools.combinations(fortify.items(), 2):
        if ta != tb:
            pair(side(f"feeds/{na}", f"guid:{ga}", ta), side(f"feeds/{nb}", f"guid:{gb}", tb), "different",
                 "version series (feed)", "two releases of one program: the version differs, so does the text")
    for pmid, article in efetch.items():
        title, doi = field(article, b"ArticleTitle"), doi_of(article)
        pair(side(f"pubmed/{pmid}.xml", f"doi:{doi}", title),
             side("clusters/news_citing_papers.xml", f"guid:https://news.example.org/2024/{pmid}", f"New study: {title.rstrip('.')}"),
             "same", "paper and news by DOI (made)", f"a news item (written for the tests) links the real paper's DOI {doi}")
    for n, (pmid, article) in enumerate(list(efetch.items())[:2]):
        title = field(article, b"ArticleTitle")
        preprint = f"preprint_doi:10.1101/2024.01.{10 + n:02d}.5{pmid[-5:]}"
        pair(side(f"pubmed/{pmid}.xml", f"doi:{doi_of(article)}", title),
             side("clusters/preprints_of_papers.json", preprint, title), "same", "paper and preprint (made)",
             "the preprint (written for the tests) carries the real paper's title and abstract")
        pair(side("clusters/preprints_of_papers.json", preprint, title),
             side("clusters/news_citing_papers.xml", f"guid:https://news.example.org/2024/{pmid}", f"New study: {title.rstrip('.')}"),
             "same", "preprint and news (made)", "the news item reports the paper the preprint became")
    pair(side("feeds/rss_1.0_biorxiv.xml", "preprint_doi:10.1101/2023.12.16.571984",
              "Complete genome of the Medicago anthracnose fungus, Colletotrichum destructivum"),
         side("own/biorxiv_details.json", "preprint_doi:10.1101/2023.12.16.571984",
              "Complete genome of the Medicago anthracnose fungus, Colletotrichum destructivum"),
         "same", "preprint on two sources", "bioRxiv's subject feed and its details API: one DOI")
    (HERE / "pairs.json").write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(pairs)} pairs: {sum(p['label'] == 'same' for p in pairs)} same, "
          f"{sum(p['label'] == 'different' for p in pairs)} different")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
