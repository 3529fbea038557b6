"""Pages of the listings app: the listing page (``detail``), the host's pages (``hosting``), wishlists."""

from .detail import listing_detail

__all__ = ["listing_detail"]
