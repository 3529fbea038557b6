"""Payment gateways behind one small interface (see ``gateway.py``)."""
