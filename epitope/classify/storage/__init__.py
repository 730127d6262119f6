"""Classify's raw SQL, one module per table: plain statements where the ORM's query building
cost more than the query (every classified batch, an ingest run's too).

- `classifications`: `StoredClassification` rows and the `ClassifiedConcept` rows filtering
  reads, written and replaced together;
- `vocabulary_terms`: the editors' terms, read before every classified batch.

They write with ingest's row plumbing (`epitope.ingest.storage.rows`, `.sql`); the SQL runs
unchanged on SQLite and PostgreSQL.
"""
