from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and deadlines")

    def demo_story(self, **options: Any) -> Any:
        """seed_demo's hook (casework may not import plans): the demo's worklist story."""
        from plans.demo import load_demo_plans

        return load_demo_plans(**options)
