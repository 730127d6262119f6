"""Build larger real-format inputs for ingestion tests by repeating real records.

The records are the real PubMed efetch records under testdata/ingest_runs/pubmed; each copy gets
a fresh PMID and DOI so it is a distinct item, as a baseline file's 30,000 records are.
"""

import re
from pathlib import Path

TESTDATA = Path(__file__).parent / "testdata" / "ingest_runs"
_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)


def pubmed_articles():
    return [m.group(0) for f in sorted((TESTDATA / "pubmed").glob("*.xml")) for m in _ARTICLE.finditer(f.read_bytes())]


def write_pubmed_baseline(path, copies):
    """Write a PubmedArticleSet of len(articles) × copies distinct records; return the count."""
    articles = pubmed_articles()
    n = 0
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
        for copy in range(copies):
            for article in articles:
                n += 1
                pmid = str(90000000 + n).encode()
                article_n = re.sub(rb"(<PMID[^>]*>)\d+(</PMID>)", rb"\g<1>" + pmid + rb"\g<2>", article, count=1)
                article_n = re.sub(rb'(IdType="pubmed">)\d+(<)', rb"\g<1>" + pmid + rb"\g<2>", article_n, count=1)
                article_n = re.sub(rb'((?:IdType|EIdType)="doi"[^>]*>)([^<]+)', rb"\g<1>10.99999/gen." + pmid, article_n)
                out.write(article_n + b"\n")
        out.write(b"</PubmedArticleSet>\n")
    return n
