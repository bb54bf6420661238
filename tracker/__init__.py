"""Paper Tracker: arXiv ingestion, CCF venue tiers, topic tags and monthly reading lists."""

__version__ = "0.1.0"
