"""Names of the audited events the platform itself writes (domains add their own)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", _("登录 Login")
    LOGIN_FAILED = "auth.login_failed", _("登录失败 Failed login")
    LOGOUT = "auth.logout", _("退出 Logout")
    PII_VIEW = "pii.view", _("查看个人信息明文 Personal data viewed")
    PERSON_CREATE = "person.create", _("登记人员 Person registered")
    PERSON_ERASE = "person.erase", _("删除个人信息 Personal data erased")
    PII_ROTATE = "pii.rotate", _("更换加密密钥 Encryption key rotated")
