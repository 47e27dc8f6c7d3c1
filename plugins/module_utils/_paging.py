# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Iterators over the three paging styles the products use. Each yields items lazily, so a caller
that stops early (newest point, first match) never fetches the pages it does not need."""

from __future__ import annotations

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed


def iter_offset_limit(fetch_page, page_size=100, max_items=None):
    """Offset/Limit paging (Veeam), over `totalCount` when the server gives it.

    `fetch_page(offset, limit)` returns the decoded page `{"totalCount": n, "results": [...]}`.
    `totalCount` is nullable and no maximum page size is documented, so a page shorter than
    `limit` says nothing: a server may cap its pages below `limit`. Paging stops at totalCount
    when it is given, at an empty page (the end when totalCount is null, and a guard against a
    server that miscounts), or after `max_items`. A server that ignores Offset answers every
    page alike and, with totalCount null, would be read forever: that fails instead.
    """
    offset = 0
    yielded = 0
    previous = None
    while True:
        limit = page_size if max_items is None else min(page_size, max_items - yielded)
        if limit <= 0:
            return
        page = fetch_page(offset, limit) or {}
        results = page.get('results') or []
        if results and results == previous:
            raise OperationFailed('The server answered Offset=%d with the same page as the one before it: it ignores '
                                  'Offset, so its listing cannot be read in pages.' % offset)
        previous = results
        if max_items is not None:
            # A server that ignores Limit must not turn `latest` into "everything".
            results = results[:max_items - yielded]
        yield from results
        yielded += len(results)
        offset += len(results)
        total = page.get('totalCount')
        if not results or yielded == max_items or (total is not None and offset >= total):
            return


def iter_next_link(fetch, first_request):
    """Page-number paging that follows `_links._next.href` (Clumio).

    `fetch(request)` returns `(items, next_request)`; the first request is whatever the caller
    built (path and params), the next ones are what the server linked to.
    """
    request = first_request
    seen = set()
    while request is not None:
        key = repr(request)
        if key in seen:  # a server that links a page to itself must not loop forever
            return
        seen.add(key)
        items, request = fetch(request)
        yield from items


def iter_page_token(fetch, token_field='NextToken'):
    """Token paging (AWS APIs, Clumio page tokens): `fetch(token)` returns the decoded page."""
    token = None
    while True:
        page = fetch(token)
        yield page
        token = page.get(token_field)
        if not token:
            return
