"""Topic types, their statuses and moods: the vocabulary of the community."""

from flask_babel import lazy_gettext as _l

QUESTION, PROBLEM, IDEA, PRAISE = "question", "problem", "idea", "praise"
TOPIC_TYPES = (QUESTION, PROBLEM, IDEA, PRAISE)
TYPE_LABELS = {
    QUESTION: _l("Question"),
    PROBLEM: _l("Problem"),
    IDEA: _l("Idea"),
    PRAISE: _l("Praise"),
}
TYPE_PLURALS = {
    QUESTION: _l("Questions"),
    PROBLEM: _l("Problems"),
    IDEA: _l("Ideas"),
    PRAISE: _l("Praise"),
}

# The first status of each list is where a new topic starts.
STATUSES = {
    QUESTION: ("open", "answered"),
    PROBLEM: ("open", "in_progress", "solved"),
    IDEA: ("new", "under_review", "planned", "done", "declined"),
    PRAISE: ("new", "acknowledged"),
}
STATUS_LABELS = {
    "open": _l("Open"),
    "answered": _l("Answered"),
    "in_progress": _l("In progress"),
    "solved": _l("Solved"),
    "new": _l("New"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "done": _l("Done"),
    "declined": _l("Declined"),
    "acknowledged": _l("Acknowledged"),
}
ALL_STATUSES = tuple(STATUS_LABELS)
# Status a topic moves to when a solution is marked (if it is not already further on).
SOLVED_STATUS = {QUESTION: "answered", PROBLEM: "solved"}
# Status a question moves to when an official answer arrives.
ANSWERED_STATUS = {QUESTION: "answered"}

SATISFIED, INDIFFERENT, UPSET = "satisfied", "indifferent", "upset"
MOODS = (SATISFIED, INDIFFERENT, UPSET)
MOOD_LABELS = {SATISFIED: _l("Satisfied"), INDIFFERENT: _l("Indifferent"), UPSET: _l("Upset")}
# Types for which the mood must be given.
MOOD_REQUIRED = frozenset({QUESTION, PROBLEM})
# Types that can be voted on ("me too" for problems, support for ideas).
VOTABLE = frozenset({PROBLEM, IDEA})


def initial_status(topic_type: str) -> str:
    return STATUSES[topic_type][0]


# Where a topic came from: the site itself, the "Ask us!" widget on the company's site, the VK and Facebook apps,
# an e-mail, or an import of a public social post.
SITE, WIDGET, VK, FACEBOOK, EMAIL, IMPORT = "site", "widget", "vk", "facebook", "email", "import"
CHANNELS = (SITE, WIDGET, VK, FACEBOOK, EMAIL, IMPORT)
CHANNEL_LABELS = {
    SITE: _l("Community site"),
    WIDGET: _l('"Ask us!" widget'),
    VK: _l("VK app"),
    FACEBOOK: _l("Facebook app"),
    EMAIL: _l("E-mail"),
    IMPORT: _l("Imported post"),
}
