"""The page audit the journeys rely on catches what it is meant to catch."""

from __future__ import annotations

import pytest


def test_the_audit_reports_missing_alt_text_unlabelled_fields_and_browser_errors(open_tab):
    tab = open_tab("auditor")
    tab.goto("/accounts/login/")  # a real page of the app passes

    tab.page.evaluate(
        """() => {
          const main = document.querySelector("main");
          main.insertAdjacentHTML("beforeend",
            '<img src="/static/favicon.svg">' +
            '<input type="text" name="unlabelled">' +
            '<label>Wrapped <input type="text" name="wrapped"></label>' +
            '<input type="text" aria-label="Named">' +
            '<input type="text" name="invisible" style="display: none">');
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        tab.audit()
    report = str(failure.value)
    assert "image without alt" in report and 'name="unlabelled"' in report
    assert 'name="wrapped"' not in report and "Named" not in report and 'name="invisible"' not in report

    tab.page.evaluate("() => document.querySelectorAll('main img, main input').forEach(el => el.remove())")
    tab.page.evaluate("() => { console.error('boom'); setTimeout(() => { throw new Error('uncaught'); }); }")
    tab.page.evaluate("() => fetch('/static/css/no-such-file.css')")
    tab.page.wait_for_timeout(100)
    with pytest.raises(AssertionError) as failure:
        tab.audit()
    report = str(failure.value)
    assert "console error" in report and "boom" in report
    assert "uncaught error" in report and "HTTP 404" in report
    tab.problems.clear()
