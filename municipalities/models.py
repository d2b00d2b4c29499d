from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.access import Role
from core.i18n import localized_name
from core.models import AuditedModel

municipality_code_validator = RegexValidator(
    r"^\d{3}$", "A municipality code is three digits (Statistics Finland), e.g. 091."
)


class EmploymentArea(AuditedModel):
    """A TE24 employment area (työllisyysalue), Act 380/2023."""

    code = models.SlugField(max_length=60, unique=True)
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200, blank=True)
    lead_municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_areas",
    )

    class Meta:
        ordering = ["code"]

    @property
    def name(self) -> str:
        """The name in the active language (``name_fi`` where the catalogue lacks it)."""
        return localized_name(self)

    def __str__(self) -> str:
        return localized_name(self)


class Municipality(AuditedModel):
    """A municipality: the tenant key of every participant's data."""

    code = models.CharField(max_length=3, unique=True, validators=[municipality_code_validator])
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200, blank=True)
    region_code = models.CharField(max_length=2, help_text=_("Maakunta code, e.g. 13 Keski-Suomi"))
    employment_area = models.ForeignKey(
        EmploymentArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("municipalities")
        permissions = [
            ("act_as_counsellor", "Act as a counsellor in the municipality"),
            ("act_as_manager", "Act as a manager of the municipality"),
            ("act_as_coordinator", "Act as a coordinator of the municipality"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{3}$"), name="municipality_code_three_digits"
            )
        ]

    @property
    def name(self) -> str:
        """The name in the active language (``name_fi`` where the catalogue lacks it)."""
        return localized_name(self)

    def __str__(self) -> str:
        return f"{localized_name(self)} ({self.code})"


class MunicipalityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Municipality, on_delete=models.CASCADE)


class MunicipalityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Municipality, on_delete=models.CASCADE)


class RoleGrant(AuditedModel):
    """Who is counsellor, manager or coordinator where. These audited rows are the truth; the
    grant service mirrors them into guardian groups. ``municipality`` is null only for a
    pilot-wide coordinator."""

    class GrantRole(models.TextChoices):
        COUNSELLOR = Role.COUNSELLOR.value, _("counsellor")
        MANAGER = Role.MANAGER.value, _("manager")
        COORDINATOR = Role.COORDINATOR.value, _("coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants"
    )
    role = models.CharField(max_length=20, choices=GrantRole.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="role_grants"
    )
    is_active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["counsellor", "manager", "coordinator"]),
                name="role_grant_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False) | models.Q(role="coordinator"),
                name="role_grant_pilot_wide_only_for_coordinator",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=models.Q(is_active=True),
                name="role_grant_unique_active",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(is_active=True, municipality__isnull=True),
                name="role_grant_unique_active_pilot_wide",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "role"], name="role_grant_municipality")]

    def __str__(self) -> str:
        where = self.municipality.code if self.municipality_id else "pilot"
        return f"{self.user} {self.role}@{where}"
