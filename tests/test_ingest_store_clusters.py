"""Story clusters: one story told by several sources is one lead; different stories stay apart."""

from collections import defaultdict
from pathlib import Path

import pytest
from django.db.models import Count

from epitope.ingest import dedupe
from epitope.ingest.models import Cluster, Item, Source
from epitope.ingest.parse import parse_bytes
from epitope.ingest.pipeline import ingest_records
from epitope.ingest.records import Record

pytestmark = pytest.mark.django_db

PRESS_RELEASE = Record(
    title="Second CAR T-cell therapy extends survival in lymphoma patients who relapsed after CAR-T",
    link="https://www.eurekalert.org/news-releases/1050123",
    summary=(
        "<p>A phase 1 trial (ClinicalTrials.gov NCT04049513) of a CD22-directed CAR T-cell therapy "
        "enrolled 38 adults with large B-cell lymphoma whose disease returned after CD19 CAR-T. "
        "Median survival after such a relapse is about six months, the investigators note.</p>"
    ),
    identifiers={"guid": "https://www.eurekalert.org/news-releases/1050123"},
    kind="news",
)
NEWS = Record(
    title="After CAR-T fails, a second engineered cell therapy offers lymphoma patients another chance",
    link="https://www.sciencenews.example/article/car-t-relapse-lymphoma-cd22",
    summary=(
        '<p>Researchers reported in <a href="https://doi.org/10.1056/NEJMoa2409876">the New England '
        "Journal of Medicine</a> that most patients responded to CAR T cells aimed at CD22.</p>"
    ),
    identifiers={"guid": "sn-2026-11-02-cart"},
    kind="news",
)
PUBMED = Record(
    title="CD22-Directed CAR T-Cell Therapy for Large B-Cell Lymphoma Progressing after CD19-CAR T.",
    link="https://pubmed.ncbi.nlm.nih.gov/39512345/",
    summary="BACKGROUND: Outcomes are poor for patients with large B-cell lymphoma that progresses after "
            "CD19-directed chimeric antigen receptor (CAR) T-cell therapy. METHODS: We conducted a phase 1 trial.",
    identifiers={"pmid": "39512345", "doi": "10.1056/nejmoa2409876", "nct": "NCT04049513"},
    kind="paper",
    source_format="pubmed",
)
LUPUS = Record(
    title="CAR T cells put a child's severe lupus into remission",
    link="https://www.nature.example/articles/lupus-child-car-t",
    summary="<p>A 15-year-old girl with life-threatening systemic lupus erythematosus received CD19 "
            "CAR T cells in Erlangen; her kidney function recovered and she no longer needs medication.</p>",
    identifiers={"guid": "nature-lupus-child"},
)

SYNDICATED_TEXT = (
    "Scientists have found that microproteins made by liver tumours can be presented to T cells and "
    "could serve as targets for cancer vaccines. The team identified dozens of these small proteins "
    "in hepatocellular carcinoma samples and showed that T cells from patients recognised several "
    "of them, suggesting a new source of tumour-specific antigens for personalised vaccines."
)


@pytest.fixture
def sources():
    return [Source.objects.create(name=name, url=f"https://{name}.example/feed") for name in ("eurekalert", "news", "pubmed", "other")]


def test_press_release_news_story_and_paper_of_one_trial_form_one_cluster(sources):
    press, news, pubmed, _ = sources
    ingest_records(press, [PRESS_RELEASE])
    ingest_records(news, [NEWS])
    ingest_records(pubmed, [PUBMED])
    assert Item.objects.count() == 3
    assert Cluster.objects.count() == 1
    cluster = Cluster.objects.get()
    assert (cluster.size, cluster.source_count) == (3, 3)


def test_a_paper_arriving_first_still_gathers_later_coverage(sources):
    press, news, pubmed, _ = sources
    ingest_records(pubmed, [PUBMED])
    ingest_records(news, [NEWS])
    ingest_records(press, [PRESS_RELEASE])
    assert Cluster.objects.count() == 1


def test_an_item_that_bridges_two_clusters_merges_them(sources):
    press, news, pubmed, _ = sources
    ingest_records(press, [PRESS_RELEASE])  # knows the NCT id only
    ingest_records(news, [NEWS])  # knows the DOI only
    assert Cluster.objects.count() == 2
    ingest_records(pubmed, [PUBMED])  # has both
    assert Cluster.objects.count() == 1
    assert Cluster.objects.get().size == 3


def test_two_different_car_t_stories_stay_in_two_clusters(sources):
    press, news, *_ = sources
    ingest_records(press, [PRESS_RELEASE])
    ingest_records(news, [LUPUS])
    assert Cluster.objects.count() == 2


def test_a_syndicated_press_release_is_clustered_by_its_text(sources):
    press, news, _, other = sources
    a = Record(title="Liver tumour microproteins could be cancer vaccine targets", link="https://a.example/1",
               summary=SYNDICATED_TEXT + " Source: University of Example.")
    b = Record(title="Microproteins from liver tumours may be targets for cancer vaccines", link="https://b.example/x",
               summary="<p>" + SYNDICATED_TEXT + "</p><p>Reprinted from a press release.</p>")
    ingest_records(press, [a])
    ingest_records(news, [b])
    ingest_records(other, [LUPUS])
    assert Cluster.objects.count() == 2
    assert Item.objects.get(link="https://a.example/1").cluster == Item.objects.get(link="https://b.example/x").cluster


def test_near_duplicates_in_one_batch_are_clustered_together(sources):
    a = Record(title="Microproteins as vaccine targets", link="https://a.example/1", summary=SYNDICATED_TEXT)
    b = Record(title="Microproteins as vaccine targets (update)", link="https://b.example/1", summary=SYNDICATED_TEXT)
    ingest_records(sources[0], [a, b, LUPUS])
    assert Cluster.objects.count() == 2


def test_a_news_story_linking_to_the_press_release_joins_its_cluster(sources):
    press, news, *_ = sources
    ingest_records(press, [PRESS_RELEASE])
    story = Record(title="Lymphoma: what a second cell therapy means", link="https://blog.example/post",
                   summary='<p>See <a href="https://www.eurekalert.org/news-releases/1050123?utm_source=rss">the release</a>.</p>')
    ingest_records(news, [story])
    assert Cluster.objects.count() == 1


def test_a_site_linking_its_own_earlier_stories_keeps_them_apart(sources):
    # "As we reported last week": a news site's related-coverage links are its other stories.
    news = sources[1]
    earlier = Record(title="CAR-T for a child with lupus", link="https://www.sciencenews.example/article/lupus-car-t",
                     summary=LUPUS.summary)
    later = Record(title="Microproteins from liver tumours as vaccine targets",
                   link="https://sciencenews.example/article/liver-microproteins",
                   summary=f'<p>{SYNDICATED_TEXT} Last week <a href="https://www.sciencenews.example/article/'
                           'lupus-car-t/">we reported</a> a CAR-T first in lupus; the same group also '
                           '<a href="https://www.eurekalert.org/news-releases/1050123">treated lymphoma</a>.</p>')
    ingest_records(news, [earlier])
    ingest_records(news, [later])
    assert Cluster.objects.count() == 2
    # The link to another site's page still ties the story to it, whichever came first.
    ingest_records(sources[0], [PRESS_RELEASE])
    assert Cluster.objects.count() == 2
    assert Item.objects.get(link=PRESS_RELEASE.link).cluster == Item.objects.get(link=later.link).cluster


def test_the_rekey_migration_drops_own_site_links_stored_before(sources):
    # Stored by the earlier rule: the later story keeps a key for its link to its own site's page.
    import importlib

    from django.apps import apps

    from epitope.ingest.models import ClusterKey

    news = sources[1]
    later = Record(title="Microproteins from liver tumours as vaccine targets",
                   link="https://sciencenews.example/article/liver-microproteins",
                   summary=f'<p>{SYNDICATED_TEXT} <a href="https://sciencenews.example/article/lupus-car-t">As we '
                           'reported</a>.</p>')
    ingest_records(news, [later])
    stored = Item.objects.get(link=later.link)
    ClusterKey.objects.create(item=stored, key=dedupe.key_id("ref:sciencenews.example/article/lupus-car-t"))
    importlib.import_module("epitope.ingest.migrations.0011_rekey_own_site_links").rekey(apps, None)
    earlier = Record(title="CAR-T for a child with lupus", link="https://sciencenews.example/article/lupus-car-t",
                     summary=LUPUS.summary)
    ingest_records(news, [earlier])
    assert Cluster.objects.count() == 2


def test_mentioned_identifiers_are_found_in_text_and_links():
    keys = dedupe.mentioned_identifiers(
        "Trial NCT04049513; see https://doi.org/10.1056/NEJMoa2409876. PMID: 39512345 and PMC1234567."
    )
    assert keys == {"nct:NCT04049513", "doi:10.1056/nejmoa2409876", "pmid:39512345", "pmcid:PMC1234567"}


def test_similarity_estimate_tracks_real_overlap():
    same = dedupe.signature(SYNDICATED_TEXT)
    near = dedupe.signature(SYNDICATED_TEXT + " The study appears in Nature Immunology.")
    other = dedupe.signature(LUPUS.summary + " " + PRESS_RELEASE.summary)
    assert dedupe.similarity(same, near) >= dedupe.THRESHOLD
    assert dedupe.similarity(same, other) < 0.2
    assert dedupe.signature("Weekly roundup") is None  # too short to call anything a duplicate


def test_a_story_is_still_found_by_its_text_after_the_item_holding_its_keys_is_deleted(sources):
    press, news, _, other = sources
    first = Record(title="Microproteins as vaccine targets", link="https://a.example/1", summary=SYNDICATED_TEXT)
    second = Record(title="Microproteins as vaccine targets", link="https://b.example/1", summary=SYNDICATED_TEXT)
    ingest_records(press, [first])
    ingest_records(news, [second])  # joins the story; the keys it shares stay with the first item
    Item.objects.get(link="https://a.example/1").delete()
    third = Record(title="Microproteins as vaccine targets", link="https://c.example/1", summary=SYNDICATED_TEXT)
    ingest_records(other, [third])
    assert Cluster.objects.count() == 1
    assert Cluster.objects.get().size == 2


def test_an_item_another_writer_stored_meanwhile_counts_as_a_duplicate(sources, monkeypatch):
    from epitope.ingest.storage import items as item_rows

    real_lookup = item_rows.known

    def lookup_then_race(identities):  # the other writer commits between our lookup and our insert
        found = real_lookup(identities)
        Item.objects.create(identity="guid:raced", title="theirs", content_hash="x")
        return found

    monkeypatch.setattr(item_rows, "known", lookup_then_race)
    raced = Record(title="Ours", link="https://a.example/raced", identifiers={"guid": "raced"})
    summary = ingest_records(sources[0], [raced, LUPUS])
    assert (summary.new, summary.duplicates) == (1, 1)
    assert Item.objects.get(identity="guid:raced").title == "theirs"
    assert Item.objects.filter(title=LUPUS.title).exists()
    assert not Cluster.objects.filter(size=0).exists()  # the cluster planned for ours is not left empty


def test_a_story_counts_each_source_once_however_many_copies_it_sends(sources):
    press, news, *_ = sources
    copies = [Record(title=f"Microproteins as vaccine targets ({n})", link=f"https://a.example/{n}",
                     summary=SYNDICATED_TEXT) for n in range(3)]
    ingest_records(press, copies[:1])
    ingest_records(press, copies[1:])  # more copies from the same source, in a later run
    ingest_records(news, [Record(title="Microproteins as vaccine targets", link="https://b.example/1",
                                 summary=SYNDICATED_TEXT)])
    cluster = Cluster.objects.get()
    assert (cluster.size, cluster.source_count) == (4, 2)


def _chain(n, shift=5, width=60):
    """Return n records, each a near-duplicate of the next (about 0.85 Jaccard), the ends unrelated."""
    words = [f"w{k}x{k * 7919 % 1000}" for k in range(shift * n + width)]
    return [Record(title=" ".join(words[k * shift:k * shift + 6]), link=f"https://chain.example/{k}",
                   summary=" ".join(words[k * shift + 6:k * shift + width])) for k in range(n)]


def _assert_stories_stay_near_their_first_item(chain):
    stories = defaultdict(list)
    for item in Item.objects.order_by("pk"):
        stories[item.cluster_id].append(dedupe.signature(f"{item.title}\n{item.summary}"))
    for first, *rest in stories.values():
        assert all(dedupe.similarity(first, other) >= dedupe.THRESHOLD for other in rest)
    assert Item.objects.get(link=chain[0].link).cluster != Item.objects.get(link=chain[-1].link).cluster
    assert len(stories) >= len(chain) // 5  # each story holds the items near its first one, no more


@pytest.mark.parametrize("one_batch", [False, True], ids=["run_by_run", "one_batch"])
def test_a_chain_of_near_duplicates_does_not_become_one_story(sources, one_batch):
    chain = _chain(20)
    assert all(dedupe.similarity(dedupe.signature(f"{a.title}\n{a.summary}"), dedupe.signature(f"{b.title}\n{b.summary}"))
               >= dedupe.THRESHOLD for a, b in zip(chain, chain[1:]))  # each is a near-duplicate of the next
    if one_batch:
        ingest_records(sources[0], chain)
    else:
        for n, record in enumerate(chain):
            ingest_records(sources[n % 4], [record])
    _assert_stories_stay_near_their_first_item(chain)
    assert sorted(Cluster.objects.values_list("size", flat=True)) == sorted(
        Item.objects.values("cluster").annotate(n=Count("id")).values_list("n", flat=True))


def test_many_copies_of_one_story_still_make_one_story(sources):
    copies = [Record(title=f"Microproteins as vaccine targets, reprint {n}", link=f"https://site{n}.example/story",
                     summary=SYNDICATED_TEXT + (" Reprinted with permission." if n % 2 else "")) for n in range(30)]
    for n in range(0, 30, 3):
        ingest_records(sources[n % 4], copies[n:n + 3])
    assert Cluster.objects.count() == 1
    assert Cluster.objects.get().size == 30


def test_the_centre_migration_gives_stories_stored_before_their_first_items_signature(sources):
    import importlib

    from django.apps import apps

    ingest_records(sources[0], [PRESS_RELEASE, LUPUS])
    Cluster.objects.update(centre=None)  # as stored before the field existed
    importlib.import_module("epitope.ingest.migrations.0012_cluster_centre").fill_centres(apps, None)
    for cluster in Cluster.objects.all():
        assert bytes(cluster.centre) == bytes(cluster.items.order_by("pk").first().minhash)


FEEDS = Path(__file__).parent / "testdata" / "ingest" / "feeds"


def _feed(name):
    return {record.title: record for record in parse_bytes((FEEDS / name).read_bytes())}


@pytest.mark.parametrize("a, b, numbers_only", [
    ("fortify-headers 2.1", "fortify-headers 2.0", True),
    ("Цитата #17703", "Цитата #17715", True),
    ("Weekly digest, 3 March 2024", "Weekly digest, 10 April 2024", True),
    ("CAR-T for lupus", "CAR-T for lymphoma", False),
    ("fortify-headers 2.1", "fortify-headers 2.1", False),
])
def test_titles_differing_only_in_numbers_are_told_apart(a, b, numbers_only):
    assert dedupe.same_but_numbers(a, b) is numbers_only


def test_in_the_real_feeds_only_true_duplicates_share_a_story(sources):
    # A blog (RSS and Atom of one site) and a quotes site whose every title is "Цитата #N".
    for source, name in zip(sources, ("large_rss.xml", "large_atom.xml", "encoding_WINDOWS-1251.xml")):
        ingest_records(source, list(_feed(name).values()))
    shared = [sorted(Item.objects.filter(cluster=c).values_list("title", flat=True)) for c in Cluster.objects.filter(size__gt=1)]
    # The one pair: the same quote posted twice under two numbers, its body identical.
    assert shared == [["Цитата #17703", "Цитата #17715"]]
    releases = Item.objects.filter(title__startswith="fortify-headers")
    assert releases.count() == 2 and releases.values("cluster").distinct().count() == 2


@pytest.mark.parametrize("title, stories", [
    ("Цитата #17708", 2),  # the next number of a series, not a copy
    ("A quote about ACPI tables", 1),  # the same text under another title: a near-duplicate
])
def test_a_numbered_post_sharing_only_part_of_its_body_is_another_story(sources, title, stories):
    quotes = _feed("encoding_WINDOWS-1251.xml")
    post, other = quotes["Цитата #17707"], quotes["Цитата #17714"]
    lines, others = post.summary.split("<br>"), other.summary.split("<br>")
    partly = "<br>".join(lines[:-3] + others[:3])  # its first lines, then another quote's
    ingest_records(sources[0], [post])
    ingest_records(sources[1], [Record(title=title, link="https://quotes.example/17708", summary=partly)])
    assert Cluster.objects.count() == stories
