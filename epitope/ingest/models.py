"""What ingestion stores: sources, the items they yield, story clusters and run logs.

Thin models; the logic lives in `pipeline.py` (storing), `dedupe.py` and `clusters.py` (story clusters),
`scheduling.py` (when a source runs) and `leads.py` (what editors do with items).
"""

from django.db import models
from django.utils import timezone


class Source(models.Model):
    KINDS = (
        ("auto", "Feed (detect format)"),
        ("rss", "RSS"),
        ("atom", "Atom"),
        ("jsonfeed", "JSON Feed"),
        ("pubmed", "PubMed (E-utilities)"),
        ("europepmc", "Europe PMC search"),
        ("biorxiv", "bioRxiv / medRxiv"),
        ("ctgov", "ClinicalTrials.gov v2"),
    )

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=KINDS, default="auto")
    url = models.URLField(max_length=2000, blank=True, help_text="Feed or API address.")
    query = models.TextField(blank=True, help_text="Search query, for PubMed, Europe PMC, bioRxiv or trial sources.")
    topic = models.ForeignKey(
        "topics.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources",
        help_text="The topic this source feeds; drafts made from its leads get it.",
    )
    interval_minutes = models.PositiveIntegerField("Check every (minutes)", default=60)
    active = models.BooleanField(default=True, help_text="Untick to pause the source.")
    public = models.BooleanField(
        default=False, help_text="Readers may see its items in a hub's “Latest research” panel."
    )

    # Scheduling and HTTP state, written by the pipeline.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_fetch_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Who holds the claim (`scheduling.holder`): a process on this machine that has ended frees
    # it at the next start instead of after the lease.
    claimed_by = models.CharField(max_length=300, blank=True, editable=False)
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    failure_count = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    retry_after_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def status(self):
        if not self.active:
            return "paused"
        return "failing" if self.failure_count else "ok"


class Cluster(models.Model):
    """One story as several sources tell it (press release, paper, preprint, trial, news)."""

    title = models.TextField()
    first_seen = models.DateTimeField(default=timezone.now)
    # Not indexed alone: each leads the composite index of its order below, which every query
    # by it uses, and each index is rewritten whenever a story grows.
    last_seen = models.DateTimeField(default=timezone.now)
    size = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    # The classifier's relevance of the cluster's most relevant item (`lead_tags.refresh_relevance`).
    relevance = models.FloatField(default=0.0)
    # The MinHash signature of the item the story started with: a near-duplicate joins the story
    # only if it is close to this, not merely to some member, so items each similar to the next
    # cannot chain into one story without bound (`clusters.assign_clusters`).
    centre = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-last_seen", "-size"]
        # The leads inbox's two orders (`leads.ORDERS`), read a page at a time.
        indexes = [
            models.Index(fields=["-last_seen", "-source_count", "-size", "-id"], name="ingest_cluster_newest"),
            models.Index(fields=["-relevance", "-source_count", "-last_seen", "-id"], name="ingest_cluster_relevant"),
            models.Index(fields=["-source_count", "-size", "-last_seen", "-id"], name="ingest_cluster_covered"),
        ]

    def __str__(self):
        return self.title[:80]


class Item(models.Model):
    NEW, DISMISSED, DRAFTED = "new", "dismissed", "drafted"
    STATUSES = ((NEW, "New"), (DISMISSED, "Dismissed"), (DRAFTED, "Drafted"))

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    # `Record.identity()`: the strongest identifier, else a stable hash. The unique constraint is
    # what makes re-ingesting safe, whatever the code path or the number of workers.
    identity = models.CharField(max_length=300, unique=True)
    title = models.TextField()
    link = models.TextField(blank=True)
    authors = models.JSONField(default=list, blank=True)
    published = models.DateTimeField(null=True, blank=True, db_index=True)
    updated = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    identifiers = models.JSONField(default=dict, blank=True)
    # Not indexed: stories are matched on their identifiers through ClusterKey rows, and the
    # admin's search asks for substrings, which no B-tree answers; each index was one more page
    # written per item ingested (bench/README.md, Ingestion).
    doi = models.CharField(max_length=255, blank=True)
    pmid = models.CharField(max_length=20, blank=True)
    nct = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, default="news")
    source_format = models.CharField(max_length=20, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    raw = models.BinaryField(blank=True, default=b"", editable=False)  # as fetched, for audit
    content_hash = models.CharField(max_length=64, editable=False)
    # Recent versions' hashes: a version seen before (the same item rendered differently by a
    # feed's RSS and Atom twins, say) is a repeat, not a change, so re-ingesting stays a no-op.
    seen_hashes = models.JSONField(default=list, blank=True, editable=False)
    minhash = models.BinaryField(null=True, blank=True, editable=False)
    # Indexed by ingest_item_cluster_status_src, which every query by cluster uses (EXPLAIN, both backends).
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="items",
                                db_index=False)
    status = models.CharField(max_length=10, choices=STATUSES, default=NEW, db_index=True)
    draft = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        # "Has this story a new item (from this source)?", asked per cluster by the leads inbox,
        # answered from the index alone.
        indexes = [models.Index(fields=["cluster", "status", "source"], name="ingest_item_cluster_status_src")]
        # On PostgreSQL also (published DESC NULLS LAST, id DESC), for hubs' research lists:
        # migration 0008, as SQLite cannot declare that index (nor needs it).

    def __str__(self):
        return self.title[:80]


class ClusterKey(models.Model):
    """A key an item can be matched on: an identifier it has or mentions, or an LSH band.

    The key is a 63-bit hash (`dedupe.key_id`, `dedupe.band_keys`): a dozen rows per item, so a
    small integer and a single index — the unique (key, item) one, which also serves lookups
    by key — keep writing them cheap.
    """

    key = models.BigIntegerField()
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="cluster_keys")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "item"], name="ingest_clusterkey_unique")]


class Tombstone(models.Model):
    """An identity an editor deleted: ingesting it again must not bring it back."""

    identity = models.CharField(max_length=300, unique=True)
    title = models.TextField(blank=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.identity


class SourceRun(models.Model):
    """What one run of a source (or one file import) did."""

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    not_modified = models.BooleanField(default=False)
    ok = models.BooleanField(default=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]


class HostPace(models.Model):
    """When the next request to one host may go, shared by every worker (`pacing.py`)."""

    host = models.CharField(max_length=255, unique=True)
    # Seconds since the epoch, by the database's clock: every worker, on any machine, reads
    # the same one.
    next_at = models.FloatField(default=0.0)

    def __str__(self):
        return self.host
