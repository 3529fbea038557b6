"""Writes of the messaging app. Import from the submodules:

``threads`` (inquiries, messages, read state), ``notifications`` (``notify``,
emails, preferences), ``booking_events`` (booking state changes in threads) and
``response_stats`` (host response rate and time).
"""
