"""What one HubSpot app keeps besides the store: its configuration, property book, id
counters, search history, property versions, merged ids, issued tokens and rate-limit windows
(`app.state.hubspot`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from mocks.context import MockContext
from mocks.hubspot.config import HubSpotMockConfig
from mocks.hubspot.history import PropertyHistory
from mocks.hubspot.ids import IdBook
from mocks.hubspot.merged import MergedIds
from mocks.hubspot.paging import ListIndex
from mocks.hubspot.schema import PropertyBook
from mocks.hubspot.search import SearchCache
from mocks.hubspot.visibility import SearchHistory
from mocks.store import RecordStore


@dataclass
class HubSpotState:
    config: HubSpotMockConfig
    ctx: MockContext
    book: PropertyBook = field(default_factory=PropertyBook)
    ids: IdBook = field(init=False)
    history: SearchHistory = field(init=False)
    versions: PropertyHistory = field(init=False)  # propertiesWithHistory
    merged: MergedIds = field(init=False)  # ids a merge replaced, and by what
    lists: ListIndex = field(init=False)
    searches: SearchCache = field(init=False)

    def __post_init__(self) -> None:
        self.ids = IdBook(self.ctx.store)
        self.history = SearchHistory(self.ctx.store)
        self.versions = PropertyHistory(self.ctx.store)
        self.merged = MergedIds(self.ctx.store)
        self.lists = ListIndex(self.ctx.store)
        self.searches = SearchCache()

    @property
    def store(self) -> RecordStore:
        return self.ctx.store

    @property
    def settings(self) -> dict[str, Any]:
        return self.ctx.settings

    def page_cap(self, vendor_max: int) -> int:
        """The largest page a read may return: the vendor's, or the `page_size` setting."""
        size = self.settings.get("page_size")
        return min(vendor_max, int(size)) if size else vendor_max


def hubspot(request: Request) -> HubSpotState:
    """The app's state, for route handlers."""
    state: HubSpotState = request.app.state.hubspot
    return state


__all__ = ["HubSpotState", "hubspot"]
