"""Ingest: upsert papers from any source, incremental API runs, backfills, lock, scheduler."""
