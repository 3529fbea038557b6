"""The event registry: every event has a handler once the apps are loaded, and emitting calls them in order."""

import pytest

from airbnb import events
from airbnb.events import Event, emit, handlers_for, handles


@pytest.mark.parametrize("event", list(Event))
def test_every_event_has_a_registered_handler(event):
    # Without one, what the producer says would notify nobody, silently.
    assert handlers_for(event), f"nothing handles {event}"


def test_emit_calls_the_handlers_in_order_with_the_payload_and_lets_errors_through(monkeypatch):
    monkeypatch.setattr(events, "_handlers", {Event.REVIEW_RESPONDED: []})
    seen = []

    @handles(Event.REVIEW_RESPONDED)
    def first(*, review):
        seen.append(("first", review))

    @handles(Event.REVIEW_RESPONDED)
    def second(*, review):
        seen.append(("second", review))
        raise RuntimeError("handler failed")

    handles(Event.REVIEW_RESPONDED)(first)  # registering again does not double it
    with pytest.raises(RuntimeError):
        emit(Event.REVIEW_RESPONDED, review="r1")
    assert seen == [("first", "r1"), ("second", "r1")]
