"""Pricing writes: host settings and prices (``host``), Smart Pricing (``smart``), demand signals
and scores (``demand``), price competitiveness (``competitiveness``)."""
