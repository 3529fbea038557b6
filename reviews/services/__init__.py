"""Writes of the reviews app. Import from the submodules:

``submission`` (write, publish, respond), ``aggregates`` (ratings),
``moderation`` (reports, hiding) and ``superhost`` (the badge evaluation).
"""
