"""SQLModel tables. Every row carries the Slack workspace (team_id) it belongs to.

Importing this package registers every table on SQLModel.metadata (Alembic and tests rely on it).
"""

from models.celebrations import *  # noqa: F401,F403
from models.conferences import *  # noqa: F401,F403
from models.digests import *  # noqa: F401,F403
from models.directory import *  # noqa: F401,F403
from models.partners import *  # noqa: F401,F403
from models.platform import *  # noqa: F401,F403
from models.referrals import *  # noqa: F401,F403
from models.search import *  # noqa: F401,F403
