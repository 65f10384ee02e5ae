"""One file per household and per person (一户一档、一人一档), and where every value came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.core.fields import EncryptedTextField
from qiaomen.core.models import SealedRow, TimeStampedModel, TransitionHistory
from qiaomen.places.models import Building


class DataSource(models.Model):
    """Who a value came from: a department's export, a visit, a staff edit."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("data source")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A group a person belongs to; special groups are visited more often (R-VIS-1)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_special_group = models.BooleanField(_("special group"), default=True)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("health or disability: shown only with the sensitive-data permission"),
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tag")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class HouseholdStatus(models.TextChoices):
    OCCUPIED = "occupied", _("occupied")
    VACANT = "vacant", _("vacant")
    SEPARATED = "separated", _("registered here, living elsewhere (人户分离)")
    MOVED_OUT = "moved_out", _("moved out")


class Household(TimeStampedModel):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    room = models.CharField(_("room"), max_length=16)
    address_key = models.CharField(max_length=200, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=HouseholdStatus.choices, default=HouseholdStatus.OCCUPIED
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True, db_index=True)
    last_verified_source = models.ForeignKey(
        DataSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("household")
        ordering = ["building", "unit", "room"]

    def __str__(self) -> str:
        from qiaomen.places.addresses import room_label

        return f"{self.building.address}{room_label(self.unit, self.room)}"


class ResidentType(models.TextChoices):
    REGISTERED = "registered", _("registered resident (户籍)")
    MIGRANT = "migrant", _("migrant (流动人口)")
    TENANT = "tenant", _("tenant (租户)")


class Relationship(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("sibling")
    OTHER_RELATIVE = "relative", _("other relative")
    TENANT = "tenant", _("tenant or lodger")
    OTHER = "other", _("other")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("living here")
    MOVED_OUT = "moved_out", _("moved out")
    DECEASED = "deceased", _("deceased")


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(SealedRow, TimeStampedModel):
    """A person's file. ID number, phone and notes are encrypted; the masked forms are kept
    beside them so that lists never need the key, and the HMAC index finds a number exactly.

    What stays in clear must not give the ID number back (issue 12, hole 1): the mask shows the
    region code and the check character, `gender` the parity of the sequence, and `birth_year`
    the year only, and only where that year leaves a whole year of possible birth dates (see
    `registry.identity.clear_birth_year`). The exact birth date is read from the decrypted number.
    """

    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    relationship = models.CharField(
        _("relationship to head"), max_length=16, choices=Relationship.choices, default=Relationship.OTHER
    )
    name = models.CharField(_("name"), max_length=64, db_index=True)
    id_number = EncryptedTextField(_("ID number"), purpose="person.id_number")
    id_index = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=32, editable=False)
    phone = EncryptedTextField(_("phone"), purpose="person.phone")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("empty for people born in the year their file was created or the year before"),
    )
    registered_address = models.CharField(_("registered residence (户籍地)"), max_length=200, blank=True)
    resident_type = models.CharField(
        _("resident type"), max_length=16, choices=ResidentType.choices, default=ResidentType.REGISTERED
    )
    separated = models.BooleanField(
        _("人户分离"),
        default=False,
        db_index=True,
        help_text=_("registered residence differs from where the person actually lives"),
    )
    tags = models.ManyToManyField(Tag, through="PersonTag", related_name="people", blank=True)
    care_notes = EncryptedTextField(_("care notes"), purpose="person.care_notes")
    remarks = EncryptedTextField(_("remarks"), purpose="person.remarks")
    status = models.CharField(_("status"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True, db_index=True)
    last_verified_source = models.ForeignKey(
        DataSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # {field: {"source": code, "at": iso-8601 UTC, "batch": id}}: where each current value came from.
    provenance = models.JSONField(default=dict, blank=True)
    created_by_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["household", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1880), name="person_birth_year_plausible"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PersonTag(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT)
    source = models.ForeignKey(DataSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="person_tag_unique")]


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed, not imported")
    COMMITTED = "committed", _("imported")
    REJECTED = "rejected", _("rejected, nothing imported")


class ImportBatch(models.Model):
    """One department file, imported whole or not at all."""

    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="batches")
    filename = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, blank=True)
    # Problems listed by row number and column; never holds a full ID number or phone.
    report = models.JSONField(default=dict, blank=True)
    # Random names under settings.UPLOAD_DIR: the uploaded file, kept from preview to confirm, and
    # the rejected rows written back for correction (they hold full ID numbers: download audited).
    stored_file = models.CharField(max_length=100, blank=True)
    rejects_file = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("import")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "file_sha256"], condition=Q(status="committed"), name="import_file_once_per_source"
            )
        ]


class HeaderAlias(models.Model):
    """A column header an admin mapped to a person field, remembered for the next file."""

    header = models.CharField(max_length=100, unique=True)
    field = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("header mapping")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("open")
    KEPT_CURRENT = "kept_current", _("kept the current value")
    TOOK_INCOMING = "took_incoming", _("took the other source's value")


class FieldConflict(SealedRow):
    """Two departments disagree on one field; both values are kept until an admin decides."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conflicts")
    field = models.CharField(max_length=32)
    current_value = EncryptedTextField(purpose="conflict.current_value")
    current_source = models.ForeignKey(DataSource, null=True, on_delete=models.PROTECT, related_name="+")
    incoming_value = EncryptedTextField(purpose="conflict.incoming_value")
    incoming_source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="conflicts")
    status = models.CharField(max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("field conflict")
        constraints = [
            # One open disagreement per field and source: re-importing the file adds no second one.
            models.UniqueConstraint(
                fields=["person", "field", "incoming_source"], condition=Q(status="open"), name="conflict_open_once"
            )
        ]


class RecordChange(models.Model):
    """History of a household or person file: who, when, which source, masked old → new."""

    object_type = models.CharField(max_length=16)  # "household" or "person"
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=32)
    old_masked = models.CharField(max_length=200, blank=True)
    new_masked = models.CharField(max_length=200, blank=True)
    source = models.ForeignKey(DataSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        ordering = ["-at", "-pk"]


class DoorCode(SealedRow):
    """A QR door plate (一户一码) or a personal code (一人一码): a random token of 192 bits that
    opens the resident page /q/<token>. Only its SHA-256 is used for lookup; the token itself is
    kept encrypted so that a lost sticker can be printed again. Revoking keeps the row (tickets
    point at it) and makes the token answer 404."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="door_codes")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="door_codes")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token = EncryptedTextField(purpose="door_code.token")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("door code")
        indexes = [models.Index(fields=["household", "revoked_at"])]
        constraints = [
            # At most one live code per household (person null) and per person.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(revoked_at__isnull=True, person__isnull=True),
                name="one_live_household_code",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at__isnull=True), name="one_live_person_code"
            ),
        ]


class DoorCodeSubmission(models.Model):
    """The form id a resident's page sent with a demand: the same id again (a double tap, a
    resent form, two server processes at once) is answered with the first ticket, never a second."""

    door_code = models.ForeignKey(DoorCode, on_delete=models.CASCADE, related_name="submissions")
    submission_id = models.UUIDField()
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["door_code", "submission_id"], name="one_ticket_per_submission")]


class RightsKind(models.TextChoices):
    """What a resident asks for under PIPL arts. 45-47."""

    SEE = "see", _("see my personal information")
    CORRECT = "correct", _("correct my personal information")
    DELETE = "delete", _("delete my personal information")


class RightsChannel(models.TextChoices):
    STAFF = "staff", _("received by staff")
    QR = "qr", _("resident's QR page")


class RightsStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    REFUSED = "refused", _("refused")


# Received → in progress → done; refused (with a reason) from either open state. Done and
# refused are final: a resident who asks again makes a new request with a new deadline.
RIGHTS_TRANSITIONS: dict[str, frozenset[str]] = {
    RightsStatus.RECEIVED: frozenset({RightsStatus.IN_PROGRESS, RightsStatus.REFUSED}),
    RightsStatus.IN_PROGRESS: frozenset({RightsStatus.DONE, RightsStatus.REFUSED}),
}
RIGHTS_OPEN_STATUSES = frozenset({RightsStatus.RECEIVED, RightsStatus.IN_PROGRESS})


class RightsRequest(SealedRow, TransitionHistory, models.Model):
    """A resident's request to see, correct or delete their personal information (PIPL arts.
    45-47), answered within 15 working days. A request from a household's QR code names the
    household only: staff find the person it concerns before carrying it out."""

    kind = models.CharField(_("request"), max_length=8, choices=RightsKind.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="rights_requests")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="rights_requests")
    channel = models.CharField(_("channel"), max_length=8, choices=RightsChannel.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    door_code = models.ForeignKey(DoorCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The resident's page sends a form id: the same form again is answered with the first request.
    submission_id = models.UUIDField(null=True, blank=True, unique=True)
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=RightsStatus.choices, default=RightsStatus.RECEIVED)
    # What the resident wrote or said: may name anything, so it is encrypted like care notes.
    text = EncryptedTextField(_("what the resident asks"), purpose="rights_request.text")
    # What was done (fields corrected, export handed over, what was erased) or why it was refused.
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = RIGHTS_TRANSITIONS

    class Meta:
        verbose_name = _("rights request")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status__in=["received", "in_progress"]), name="rights_open_due")
        ]


class CorrectionStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    CONFLICT = "conflict", _("waiting for review: the file changed since")
    KEPT_CURRENT = "kept_current", _("kept the current value")
    TOOK_PHONE = "took_phone", _("took the phone's value")


class PhoneCorrection(SealedRow):
    """A correction of a person's file made on a grid worker's phone, perhaps hours earlier
    without signal, against the version of the file the phone held. Applied at once when the file
    is still that version; otherwise kept here as a conflict for review beside the current value,
    never written over it (SECURITY.md line 30). Every one is kept, so a resend is recorded once."""

    client_uuid = models.UUIDField(unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phone_corrections")
    field = models.CharField(max_length=32)
    value = EncryptedTextField(purpose="phone_correction.value")
    version_read = models.PositiveIntegerField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(help_text=_("the phone's time of the correction"))
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=CorrectionStatus.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("correction from a phone")
        indexes = [models.Index(fields=["status", "person"])]
