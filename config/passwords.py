"""Django's password validators with the messages in Chinese (Django's own zh-hans
catalogue lacks some of them, e.g. the length rule's current wording), the same in
the UI, the admin and `manage.py add_user`."""

from django.contrib.auth import password_validation as pv
from django.core.exceptions import ValidationError


class MinimumLengthValidator(pv.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。",
                code="password_too_short",
            )

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(pv.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                "密码与用户名、姓名或邮箱太相似。", code="password_too_similar"
            ) from exc

    def get_help_text(self):
        return "密码不能与用户名、姓名或邮箱相似。"


class CommonPasswordValidator(pv.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                "这个密码太常见，容易被猜中。", code="password_too_common"
            ) from exc

    def get_help_text(self):
        return "不能使用常见密码。"


class NumericPasswordValidator(pv.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError(
                "密码不能全部是数字。", code="password_entirely_numeric"
            )

    def get_help_text(self):
        return "密码不能全部是数字。"
