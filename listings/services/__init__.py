"""Writes of the listings app: listings, photos and wishlists.

Import from the submodules: ``listing`` (create, edit, publish, unlist, delete),
``photos`` (upload, reorder, cover, caption, delete, variants) and ``wishlists``.
Every service takes the acting user as ``actor`` and checks it may act, so views,
API views and tasks share one set of rules.
"""
