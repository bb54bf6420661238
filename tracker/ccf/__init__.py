"""The CCF ranking database: seed tables, venues across editions, lookups and changes."""

from tracker.ccf.catalog import CcfCatalog, CcfSeedError, load_ccf_catalog, normalize_name

__all__ = ["CcfCatalog", "CcfSeedError", "load_ccf_catalog", "normalize_name"]
