"""Which roles the caller holds right now: ``casework.selectors.user_roles``, shared with the
dashboard pages (which sit below ``api`` and may not import it)."""

from casework.selectors import user_roles as roles_of

__all__ = ["roles_of"]
