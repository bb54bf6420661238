"""Venue resolution: comment / journal-ref / DOI -> canonical venue, status, kind and CCF tier."""

from tracker.venues.resolve import Resolution, VenueResolver
from tracker.venues.seeds import VenueSeedError, VenueSeeds, load_venue_seeds

__all__ = ["Resolution", "VenueResolver", "VenueSeedError", "VenueSeeds", "load_venue_seeds"]
