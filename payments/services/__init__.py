"""Writes of the payments app, and the only way other apps reach payments.

Import from the submodules: ``payments`` (a booking's card payment: authorise,
capture, release, settle, reconcile), ``payouts`` (host payouts and connected
accounts), ``webhooks`` (Stripe's events).
"""
