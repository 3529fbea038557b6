"""The database layer's own pieces: the backend (PostGIS behind a pooler) and the replica router."""
