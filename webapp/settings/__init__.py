"""Settings, one module per integration. Everything comes from the environment with working defaults."""

from webapp.settings.accounts import *  # noqa: F403
from webapp.settings.base import *  # noqa: F403
from webapp.settings.celery import *  # noqa: F403
from webapp.settings.channels import *  # noqa: F403
from webapp.settings.database import *  # noqa: F403
from webapp.settings.inference import *  # noqa: F403
from webapp.settings.limits import *  # noqa: F403
from webapp.settings.retention import *  # noqa: F403
from webapp.settings.security import *  # noqa: F403
from webapp.settings.storage import *  # noqa: F403
