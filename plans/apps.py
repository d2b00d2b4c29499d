from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and deadlines")
    #: seed_demo's hook (casework may not import plans): the worklist story of the demo.
    demo_story = "plans.demo.load_demo_plans"
