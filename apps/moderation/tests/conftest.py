import pytest


@pytest.fixture(autouse=True)
def _staff_passed_2fa(request, monkeypatch):
    """Staff sessions in these tests count as having passed 2FA (tested on its own in
    apps/accounts/tests/test_security.py), unless a test asks for the real check."""
    if request.node.get_closest_marker("real_2fa"):
        return
    monkeypatch.setattr("apps.moderation.views_staff.session_passed_2fa", lambda r: True)
    monkeypatch.setattr("apps.moderation.views_disputes.session_passed_2fa", lambda r: True)
