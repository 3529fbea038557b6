"""Payment gateways behind one small interface (``base.py``): ``local`` and ``stripe_gateway``.

Only ``payments.services`` calls a gateway; other apps go through those services.
"""
