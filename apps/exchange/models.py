"""Wants and offers of FreeMarket users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.catalog.models import Category, ExchangeType


class ItemType(models.TextChoices):
    WANT = "WANT", "Хочу"
    OFFER = "OFFER", "Предлагаю"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "Активно"
    ARCHIVED = "archived", "В архиве"
    EXCHANGED = "exchanged", "Обменено"


class ItemCondition(models.TextChoices):
    NEW = "new", "Новое"
    LIKE_NEW = "like_new", "Как новое"
    GOOD = "good", "Хорошее"
    FAIR = "fair", "Заметны следы использования"


class Listing(models.Model):
    """One submission of wants and offers (the contract's `create-by-categories` batch)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fm_listings"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Listing #{self.pk} of {self.user_id}"


class ListingItem(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="items")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fm_items"
    )
    item_type = models.CharField(max_length=5, choices=ItemType.choices)
    exchange_type = models.CharField(max_length=10, choices=ExchangeType.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    category_inferred = models.BooleanField(default=False)
    item_name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    value_tenge = models.PositiveBigIntegerField(default=0)
    duration_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # A want that takes anything of its category and value ("Подойдёт что угодно из этой
    # категории"): the engine then needs no text relevance for it. Always False on offers.
    any_in_category = models.BooleanField(default=False)
    # uibarter (issue 20): shown on the item's own page; "" = not stated (wants usually).
    condition = models.CharField(
        max_length=10, choices=ItemCondition.choices, blank=True, default=""
    )
    status = models.CharField(
        max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE, db_index=True
    )
    version = models.PositiveIntegerField(default=1)  # bumped on every edit
    # Lower-cased name + description: SQLite's LIKE folds only ASCII case, this works everywhere.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "желание или предложение"
        verbose_name_plural = "желания и предложения"
        indexes = [
            models.Index(fields=["item_type", "status", "exchange_type", "category"]),
            # perf (#16): the public lists' default order, newest first, without a sort.
            models.Index(
                fields=["item_type", "status", "-created_at", "-id"],
                name="item_type_status_created",
            ),
            models.Index(fields=["user", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(exchange_type="TEMPORARY", duration_days__gte=1, duration_days__lte=365)
                    | Q(exchange_type="PERMANENT", duration_days__isnull=True)
                ),
                name="item_duration_matches_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_item_type_display()}: {self.item_name}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = f"{self.item_name} {self.description}".lower()
        if kwargs.get("update_fields") is not None and (
            {"item_name", "description"} & set(kwargs["update_fields"])
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == ItemStatus.ACTIVE


# --- Proposals: bilateral matches and exchange chains (issue 4) -------------------------------


class ProposalKind(models.TextChoices):
    BILATERAL = "bilateral", "Двусторонний обмен"
    CHAIN = "chain", "Цепочка обмена"


class ProposalStatus(models.TextChoices):
    """See the transition table at the top of `apps/exchange/proposals.py`."""

    PENDING = "pending", "Ожидает ответов"
    CONFIRMED = "confirmed", "Подтверждён всеми"
    COMPLETED = "completed", "Завершён"
    DECLINED = "declined", "Отклонён"
    EXPIRED = "expired", "Истёк срок"
    CANCELLED = "cancelled", "Отменён"


# Statuses in which a proposal holds its items (one ProposalItemLock row per item).
HOLDING_STATUSES = (ProposalStatus.PENDING, ProposalStatus.CONFIRMED)


class MatchingRun(models.Model):
    """One run of the matching pipeline, for one user or the whole market."""

    class Status(models.TextChoices):
        RUNNING = "running", "Выполняется"
        SUCCESS = "success", "Успешно"
        FAILED = "failed", "Ошибка"

    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    scope_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )  # null: the whole market
    trigger = models.CharField(max_length=20, default="api")  # api, discover, task, beat, ...
    bilateral_count = models.PositiveIntegerField(default=0)
    chain_count = models.PositiveIntegerField(default=0)
    participant_count = models.PositiveIntegerField(default=0)
    notified_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)  # found, but stale at write time
    errors = models.JSONField(default=list, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    # Single-flight: one running run per scope ("all", "user:<id>", "rematch"); null for the
    # test-flow samples. A run beats `heartbeat_at` while it works; a stale one is failed.
    scope_key = models.CharField(max_length=40, null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key"],
                condition=Q(status="running"),
                name="matching_run_one_running_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"run #{self.pk} ({self.status})"


class MatchingDirtyUser(models.Model):
    """A user whose market changed (a decline, an expiry, a cancellation, an item edit): the
    next coalesced re-matching run looks for new exchanges around them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    marked_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"dirty {self.user_id}"


class MatchingLock(models.Model):
    """A singleton row: the write phase of a run updates it first, so writers queue up.

    An UPDATE takes the row lock on PostgreSQL and the database write lock on SQLite.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    locked_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(MatchingRun, on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self) -> str:
        return "matching lock"


class Proposal(models.Model):
    kind = models.CharField(max_length=10, choices=ProposalKind.choices)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    # The cycle's (offer, want) pairs in canonical rotation: "12:40|33:17|..."
    cycle_key = models.CharField(max_length=2000)
    score = models.FloatField(default=0.0)  # the mean leg score, 0..1
    matching_run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # declined / expired / cancelled
    close_reason = models.CharField(max_length=40, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProposalParticipant", related_name="proposals"
    )
    # A direct proposal (issue 20: "Предложить обмен" on an item page) names who sent it;
    # the engine's proposals have none.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle_key"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="proposal_cycle_unique_while_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class ProposalParticipant(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_participations"
    )
    position = models.PositiveSmallIntegerField()  # order in the cycle
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.proposal_id}"

    @property
    def decision(self) -> str:
        if self.declined_at:
            return "declined"
        return "accepted" if self.accepted_at else "pending"


class ProposalLeg(models.Model):
    """`giver` hands `offer` to `receiver`, satisfying the receiver's `want`."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="legs")
    position = models.PositiveSmallIntegerField()
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    offer = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="+")
    want = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list)  # [{code, message, value}]
    # The engine's chance that the receiver accepts this leg (None: the engine gave none).
    probability = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="leg_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} -> {self.want_id}"


class ProposalItemLock(models.Model):
    """An item held by an open (pending or confirmed) proposal. The unique item is the rule
    "an item is in at most one open proposal", enforced by the database."""

    item = models.OneToOneField(ListingItem, on_delete=models.CASCADE, related_name="lock")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="item_locks")

    def __str__(self) -> str:
        return f"item {self.item_id} held by {self.proposal_id}"


class ProposalRating(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rated = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_ratings"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "rater", "rated"], name="rating_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} -> {self.rated_id}: {self.score}"


class DeclinedPair(models.Model):
    """An (offer, want) pair not to be proposed again until `until` (the cooling-off)."""

    offer = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="+")
    want = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(db_index=True)
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "want"], name="declined_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} -/-> {self.want_id} until {self.until}"


class WantMark(models.Model):
    """The want's owner says of one candidate offer: "подходит" (yes) or "не подходит" (no).

    An explicit want list, as in OLWLG/TradeMaximizer: yes pairs go to the engine as
    `Market.accepted`, no pairs as `Market.blocked`. One row per (want, offer), changeable.
    """

    class Verdict(models.TextChoices):
        YES = "yes", "Подходит"
        NO = "no", "Не подходит"

    want = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="marks")
    offer = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=3, choices=Verdict.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["want", "offer"], name="want_mark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.want_id} {self.verdict} {self.offer_id}"


def item_photo_path(photo: ItemPhoto, filename: str) -> str:
    return f"exchange/items/{photo.item_id}/{filename}"


class ItemPhoto(models.Model):
    """Up to `MAX_ITEM_PHOTOS` photos of a want or offer, re-encoded by apps/market/images.py."""

    item = models.ForeignKey(ListingItem, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=item_photo_path, max_length=255)
    thumbnail = models.ImageField(upload_to=item_photo_path, max_length=255)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of item {self.item_id}"


MAX_ITEM_PHOTOS = 5
