"""A natural person known to the platform, with personal data encrypted at rest.

Each personal field is three columns: the ciphertext (``EncryptedTextField``), the masked
form every role may see (``*_masked``), and for exact-match lookup a keyed hash
(``*_hash``). Each person also has a data key, wrapped by the master key, that seals the
personal data in audit rows about them; erasing it erases that data everywhere at once.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengfa.org.scoping import ScopedQuerySet, ScopeRule
from zhengfa.pii.crypto import data_key_unwrap
from zhengfa.pii.envelope import PersonalDataErased
from zhengfa.pii.fields import BlindIndexField, EncryptedTextField


class PersonalField(models.TextChoices):
    NAME = "name", _("姓名 Name")
    ID_NUMBER = "id_number", _("身份证号 ID number")
    PHONE = "phone", _("电话 Phone")
    ADDRESS = "address", _("住址 Address")


class Person(models.Model):
    name = EncryptedTextField(_("姓名 name"))
    name_masked = models.CharField(_("姓名（脱敏）masked name"), max_length=64)
    id_number = EncryptedTextField(_("身份证号 ID number"), blank=True)
    id_number_hash = BlindIndexField(null=True, blank=True, unique=True)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    phone = EncryptedTextField(_("电话 phone"), blank=True)
    phone_hash = BlindIndexField(null=True, blank=True)
    phone_masked = models.CharField(_("电话（脱敏）masked phone"), max_length=16, blank=True)
    address = EncryptedTextField(_("住址 address"), blank=True)
    address_masked = models.CharField(_("住址（脱敏）masked address"), max_length=128, blank=True)
    # Where the person was registered and by whom: the person's scope for now. Domain
    # apps widen it through the matters a person takes part in.
    region = models.ForeignKey(
        "org.Region",
        to_field="code",
        db_column="region_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间 registered at"), default=timezone.now)
    data_key_wrapped = models.TextField(blank=True)
    erased_at = models.DateTimeField(_("删除时间 erased at"), null=True, blank=True)

    scope: ClassVar[ScopeRule] = ScopeRule(
        region="region_id", unit="unit_id", own=("created_by_id",)
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自然人 person")
        verbose_name_plural = _("自然人 people")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name_masked} (#{self.pk})"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def data_key(self) -> bytes:
        if not self.data_key_wrapped:
            raise PersonalDataErased(f"person #{self.pk}: the data key was erased")
        return data_key_unwrap(self.data_key_wrapped)
