from django.core.management import call_command

from apps.accounts.models import User
from apps.exchange.models import ListingItem
from apps.market.models import Listing


def test_load_demo_is_idempotent_and_builds_a_market(db, settings, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings.DEMO_DATA = True
    call_command("load_demo")
    counts = (User.objects.count(), ListingItem.objects.count(), Listing.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), ListingItem.objects.count(), Listing.objects.count()) == counts
    assert counts[0] == 7 and counts[1] == 14 and counts[2] == 6
    cities = set(User.objects.values_list("location_set__city", flat=True))
    assert cities == {"Алматы", "Астана", "Шымкент"}


def test_load_demo_off_with_demo_data_0(db, settings, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings.DEMO_DATA = False
    call_command("load_demo")
    assert not User.objects.exists()
