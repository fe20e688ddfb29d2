from apps.notifications.tests.fakes import fake_tg, smtp  # noqa: F401  (fixtures)
