"""SQL on ingest's sources table."""

from ..models import Source

from .sql import cursor, mark, quote, table


def public_topic_ids(source_ids):
    """Return the topic ids of those of the sources that are public.

    Plain SQL: asked once per ingest batch, where the ORM's query building cost more than the query.
    """
    if not source_ids:
        return set()
    sql = (f"SELECT {quote('topic_id')} FROM {table(Source)} WHERE {quote('id')} IN "
           f"({', '.join([mark()] * len(source_ids))}) AND {quote('public')} = {mark()} "
           f"AND {quote('topic_id')} IS NOT NULL")
    with cursor() as c:
        c.execute(sql, [*source_ids, True])
        return {topic_id for (topic_id,) in c.fetchall()}
