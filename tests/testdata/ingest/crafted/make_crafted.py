"""Write the crafted hostile files of this folder (run once; the files are committed).

Each file is a small real-format document (RSS, Atom, JSON Feed, Europe PMC, bioRxiv,
ClinicalTrials.gov, PubMed) with one hostile record among good ones, or a broken container.
`python tests/testdata/ingest/crafted/make_crafted.py` rewrites them identically.
"""

import gzip
import json
from pathlib import Path

HERE = Path(__file__).parent


def rss(items, prefix):
    body = "".join(
        f"<item><title>{t}</title><link>https://news.example.org/{prefix}/{n}</link><guid>{prefix}-{n}</guid>"
        f"<pubDate>{d}</pubDate><description>Item {n}</description></item>"
        for n, (t, d) in enumerate(items, 1)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Crafted</title>'
            f"<link>https://news.example.org/</link>{body}</channel></rss>").encode()


def atom(items, prefix):
    body = "".join(
        f"<entry><title>{t}</title><id>{prefix}-{n}</id><link href='https://news.example.org/{prefix}/{n}'/>"
        f"<updated>{d}</updated><summary>Entry {n}</summary></entry>"
        for n, (t, d) in enumerate(items, 1)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Crafted</title>{body}</feed>").encode()


def jsonfeed(items):
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Crafted", "items": items}).encode()


def good_items(prefix, n=40):
    return [{"id": f"{prefix}-{k}", "url": f"https://news.example.org/{prefix}/{k}", "title": f"Good item {k}",
             "content_html": f"<p>Item {k}</p>", "date_published": "2024-06-03T09:30:00+02:00"} for k in range(1, n + 1)]


def main():
    good = [(f"Good item {n}", "Mon, 03 Jun 2024 09:30:00 GMT") for n in range(1, 41)]
    files = {
        # Dates out of range once converted to UTC, among 40 good items (41 in all).
        "rss_date_9999_minus_12.xml": rss(good[:20] + [("Far future", "Fri, 31 Dec 9999 23:59:59 -1200")] + good[20:], "r9999"),
        "atom_date_0001_plus_14.xml": atom(good[:20] + [("Far past", "0001-01-01T00:00:00+14:00")] + good[20:], "a0001"),
        "jsonfeed_date_9999_minus_12.json": jsonfeed(good_items("jf")[:20] + [
            {"id": "jf-far", "title": "Far future", "date_published": "9999-12-31T23:59:59-12:00"}] + good_items("jf")[20:]),
        "rss_date_year_0001.xml": rss([("Year one", "Mon, 01 Jan 0001 00:00:00 GMT")] + good[:2], "r0001"),
        "rss_date_2099.xml": rss([("Year 2099", "Thu, 31 Dec 2099 00:00:00 GMT")] + good[:2], "r2099"),
        # JSON nested far deeper than any feed: the decoder's recursion.
        "json_nested_deep.json": b"[" * 200_000 + b"]" * 200_000,
        "jsonfeed_nested_deep_item.json": jsonfeed(good_items("nest", 2))[:-2] + b', {"id": "deep", "extra": '
        + b"[" * 200_000 + b"]" * 200_000 + b"}]}",
        # Wrong types where the adapters expect strings.
        "jsonfeed_int_date.json": jsonfeed(good_items("int", 3) + [{"id": "int", "title": "x", "date_published": 20240603}]),
        "jsonfeed_list_author_name.json": jsonfeed(good_items("lst", 3) + [{"id": "lst", "title": "x", "authors": [{"name": ["A", "B"]}]}]),
        "europepmc_int_title.json": json.dumps({"hitCount": 3, "resultList": {"result": [
            {"id": "1", "source": "MED", "pmid": "1", "title": "A good paper", "firstPublicationDate": "2024-01-02"},
            {"id": "2", "source": "MED", "pmid": "2", "title": 12345, "firstPublicationDate": 20240102},
            {"id": "3", "source": "MED", "pmid": "3", "title": "Another good paper", "authorList": {"author": ["Ana"]}},
            {"id": "4", "source": "MED", "pmid": "4", "title": "A fourth good paper"}]}}).encode(),
        "biorxiv_list_authors.json": json.dumps({"messages": [{"status": "ok", "cursor": 0, "count": 2, "total": 2}], "collection": [
            {"doi": "10.1101/2024.01.01.000001", "title": "Good preprint", "authors": "Ortiz, M.", "date": "2024-01-01", "version": "1"},
            {"doi": "10.1101/2024.01.01.000002", "title": "Bad preprint", "authors": ["Ortiz, M."], "date": 20240101}]}).encode(),
        "ctgov_list_title.json": json.dumps({"studies": [
            {"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": "A good trial"}}},
            {"protocolSection": {"identificationModule": {"nctId": "NCT00000002", "briefTitle": ["not", "a", "string"]},
                                 "statusModule": {"studyFirstPostDateStruct": {"date": 2024}}}}]}).encode(),
        # A lone surrogate, legal in JSON text, not encodable as UTF-8.
        "jsonfeed_lone_surrogate.json": jsonfeed(good_items("sur", 3))[:-2]
        + b', {"id": "sur", "title": "Lone \\ud800 surrogate", "content_html": "<p>\\udfff</p>"}]}',
        # A gzipped feed cut short.
        "feed_truncated.xml.gz": gzip.compress(rss(good, "trunc"), mtime=0)[:400],
        "pubmed_date_9999.xml": b'<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001</PMID>'
        b"<Article><Journal><JournalIssue><PubDate><Year>9999</Year><Month>Dec</Month><Day>31</Day></PubDate></JournalIssue>"
        b"</Journal><ArticleTitle>Far future paper</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        b"<PubmedArticle><MedlineCitation><PMID>99000002</PMID><Article><Journal><JournalIssue><PubDate><Year>2024</Year>"
        b"</PubDate></JournalIssue></Journal><ArticleTitle>A good paper</ArticleTitle></Article></MedlineCitation>"
        b"</PubmedArticle></PubmedArticleSet>",
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
