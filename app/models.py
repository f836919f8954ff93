"""The one registry of every feature's models (for Alembic, the shell and tests)."""

from app.analytics.models import Event
from app.analytics.rollup_models import (
    DailyActivity,
    DailyFunnel,
    DailyParticipant,
    DailyZeroSearch,
    MonthlyFunnel,
    MonthlyServiceCounts,
    MonthlyServiceHours,
    ParticipantDay,
    ParticipantDayCount,
    RollupOutbox,
    TopicService,
)
from app.apps.models import AppLaunch, DataDeletionRequest
from app.auth.models import User, UserSession
from app.branding.models import Setting
from app.community.models import Category, Comment, StatusChange, Topic, TopicListCount, Vote
from app.identity.models import Identity
from app.jobs.models import JobRun
from app.kb.models import Article, ArticleComment, ArticleFeedback, ArticleRevision
from app.learning.models import Phrasing, PhrasingClick, PhrasingVote
from app.media.models import Upload
from app.moderation.models import ModerationAction
from app.news.models import NewsPost
from app.notify.models import MailMessage, NotificationSettings, Subscription
from app.search.models import SearchOutbox
from app.search.pg_models import SearchDocument, SearchTerm
from app.search.semantic.tables import vector_model, vectors
from app.social.models import ExternalAuthor, SocialImport
from app.staff.models import Assignment, Department, InternalNote, TopicWork, department_members

__all__ = [
    "JobRun",
    "DailyActivity",
    "DailyFunnel",
    "MonthlyFunnel",
    "DailyZeroSearch",
    "DailyParticipant",
    "ParticipantDay",
    "ParticipantDayCount",
    "MonthlyServiceCounts",
    "MonthlyServiceHours",
    "RollupOutbox",
    "TopicService",
    "ModerationAction",
    "NewsPost",
    "ExternalAuthor",
    "SocialImport",
    "User",
    "UserSession",
    "Department",
    "department_members",
    "Category",
    "Topic",
    "Comment",
    "TopicListCount",
    "Vote",
    "StatusChange",
    "Article",
    "ArticleRevision",
    "ArticleComment",
    "ArticleFeedback",
    "SearchOutbox",
    "vector_model",
    "vectors",
    "Upload",
    "SearchDocument",
    "SearchTerm",
    "Event",
    "TopicWork",
    "Assignment",
    "InternalNote",
    "Subscription",
    "NotificationSettings",
    "MailMessage",
    "Setting",
    "Identity",
    "AppLaunch",
    "DataDeletionRequest",
    "Phrasing",
    "PhrasingVote",
    "PhrasingClick",
]
