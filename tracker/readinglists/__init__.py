"""Monthly and weekly reading lists: definitions, transparent ranking, curation.

The functions a UI needs are re-exported here; see docs/readinglists.md for the score.
"""

from tracker.readinglists.build import build_list, compose, get_list_items, read_list
from tracker.readinglists.curation import (
    ItemNotFoundError,
    PaperNotFoundError,
    add_item,
    move_item,
    note_item,
    pin_item,
    remove_item,
    unpin_item,
)
from tracker.readinglists.definitions import (
    DEFAULT_LIST,
    ListDefinitionError,
    ListNotFoundError,
    ReadingListError,
    ensure_default_lists,
    get_list,
    list_lists,
    save_list,
)
from tracker.readinglists.items import ListItem
from tracker.readinglists.periods import Period, PeriodError, latest_period, parse_period
from tracker.readinglists.ranking import COMPONENTS, DEFAULT_WEIGHTS, resolve_weights

__all__ = [
    "COMPONENTS",
    "DEFAULT_LIST",
    "DEFAULT_WEIGHTS",
    "ItemNotFoundError",
    "ListDefinitionError",
    "ListItem",
    "ListNotFoundError",
    "PaperNotFoundError",
    "Period",
    "PeriodError",
    "ReadingListError",
    "add_item",
    "build_list",
    "compose",
    "ensure_default_lists",
    "get_list",
    "get_list_items",
    "latest_period",
    "list_lists",
    "move_item",
    "note_item",
    "parse_period",
    "pin_item",
    "read_list",
    "remove_item",
    "resolve_weights",
    "save_list",
    "unpin_item",
]
