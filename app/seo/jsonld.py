"""Structured data (schema.org as JSON-LD) for search engines, built from the objects a page already loaded.

- a question or problem with a solution or an official answer -> QAPage (Question with acceptedAnswer =
  the solution, suggestedAnswer = official answers);
- any other public topic -> DiscussionForumPosting (with its comments);
- a knowledge-base article -> Article; an FAQ list -> FAQPage.

Builders return plain dicts; templates emit them with `|tojson` (which escapes <, > and &, so a `</script>`
in user text cannot end the script element). Only public content gets structured data: callers check
`topic_is_public` / `article.is_published` first, and hidden or deleted comments are always left out.
"""

from flask import url_for

from app.branding import current_brand
from app.community import kinds
from app.seo.text import first_image, iso, post_text

CONTEXT = "https://schema.org"
QA_TYPES = frozenset({kinds.QUESTION, kinds.PROBLEM})
MAX_COMMENTS = 100
MAX_TEXT = 10_000  # the question's, posting's or article's text
# Each answer's or comment's text: search engines show a snippet, and a thread of long comments must not
# double the page's weight (issue 11: 20 comments of 20,000 '<', each '\u003c' in JSON).
MAX_ANSWER_TEXT = 2_000
HEADLINE_MAX = 110  # Google's limit for Article.headline


def _root() -> str:
    return url_for("community.home", _external=True).rstrip("/")


def topic_is_public(topic) -> bool:
    return not (topic.is_private or topic.is_hidden or topic.is_deleted)


def _text(post, fallback: str = "", limit: int = MAX_TEXT) -> str:
    return post_text(post, paragraphs=True, limit=limit) or fallback


def _person(user) -> dict:
    return {
        "@type": "Person",
        "name": user.display_name,
        "url": url_for("profile.profile", user_id=user.id, _external=True),
    }


def _organization() -> dict:
    brand = current_brand()
    logo = brand.logo_url(external=True) or brand.touch_icon_url(external=True)
    return {
        "@type": "Organization",
        "name": brand.name,
        "url": url_for("community.home", _external=True),
        "logo": {"@type": "ImageObject", "url": logo},
    }


def topic_url(topic, **kwargs) -> str:
    return url_for("community.topic", topic_id=topic.id, slug=topic.slug, _external=True, **kwargs)


def _visible(comments) -> list:
    return [c for c in comments if not c.is_hidden and not c.is_deleted]


def _answer(topic, comment) -> dict:
    return {
        "@type": "Answer",
        "text": _text(comment, "…", MAX_ANSWER_TEXT),
        "dateCreated": iso(comment.created_at),
        "datePublished": iso(comment.created_at),
        "author": _person(comment.author),
        "url": topic_url(topic, _anchor=f"c{comment.id}"),
        "upvoteCount": 0,  # answers cannot be voted on (yet)
    }


def is_qa(topic, comments) -> bool:
    visible = _visible(comments)
    return topic.type in QA_TYPES and any(c.is_official or c.id == topic.solution_comment_id for c in visible)


def topic_jsonld(topic, comments) -> dict:
    """`comments`: the topic's comments as loaded for the page (hidden/deleted ones are dropped here)."""
    comments = _visible(comments)
    if is_qa(topic, comments):
        return _qa_page(topic, comments)
    return _forum_posting(topic, comments)


def _qa_page(topic, comments) -> dict:
    solution = next((c for c in comments if c.id == topic.solution_comment_id), None)
    question = {
        "@type": "Question",
        "name": topic.title,
        "text": _text(topic, topic.title),
        "answerCount": len(comments),
        "upvoteCount": topic.vote_count or 0,
        "dateCreated": iso(topic.created_at),
        "datePublished": iso(topic.created_at),
        "author": _person(topic.author),
        "url": topic_url(topic),
    }
    if solution is not None:
        question["acceptedAnswer"] = _answer(topic, solution)
    suggested = [_answer(topic, c) for c in comments if c.is_official and c is not solution]
    if suggested:
        question["suggestedAnswer"] = suggested
    return {"@context": CONTEXT, "@type": "QAPage", "mainEntity": question}


def _forum_posting(topic, comments) -> dict:
    url = topic_url(topic)
    posting = {
        "@context": CONTEXT,
        "@type": "DiscussionForumPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": topic.title,
        "text": _text(topic, topic.title),
        "author": _person(topic.author),
        "datePublished": iso(topic.created_at),
        "dateModified": iso(topic.edited_at if getattr(topic, "edited_at", None) else topic.updated_at),
        "commentCount": len(comments),
        "interactionStatistic": [
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/CommentAction",
                "userInteractionCount": len(comments),
            },
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/LikeAction",
                "userInteractionCount": topic.vote_count or 0,
            },
        ],
        "isPartOf": {
            "@type": "WebPage",
            "url": url_for("community.home", category=topic.category_id, _external=True),
            "name": topic.category.name,
        },
    }
    image = first_image(topic.body_html, _root())
    if image:
        posting["image"] = image
    if comments:
        posting["comment"] = [
            {
                "@type": "Comment",
                "text": _text(c, "…", MAX_ANSWER_TEXT),
                "author": _person(c.author),
                "datePublished": iso(c.created_at),
                "url": topic_url(topic, _anchor=f"c{c.id}"),
            }
            for c in comments[:MAX_COMMENTS]
        ]
    return posting


def article_url(article, **kwargs) -> str:
    return url_for("kb.article", article_id=article.id, slug=article.slug, _external=True, **kwargs)


def article_modified(article):
    edited = getattr(article, "edited_at", None) or article.updated_at
    published = article.published_at
    return max(edited, published) if published else edited


def article_jsonld(article) -> dict:
    url = article_url(article)
    data = {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": article.title if len(article.title) <= HEADLINE_MAX else article.title[: HEADLINE_MAX - 1] + "…",
        "description": post_text(article, limit=300),
        "datePublished": iso(article.published_at or article.created_at),
        "dateModified": iso(article_modified(article)),
        "author": _organization(),
        "publisher": _organization(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": article.category.name,
    }
    image = first_image(article.body_html, _root())
    if image:
        data["image"] = [image]
    return data


def faq_jsonld(articles) -> dict | None:
    """FAQPage for a list of published articles (None when there are none: an empty FAQPage is invalid)."""
    questions = [
        {
            "@type": "Question",
            "name": a.title,
            "url": article_url(a),
            "acceptedAnswer": {"@type": "Answer", "text": _text(a, a.title), "url": article_url(a)},
        }
        for a in articles
        if a.is_published
    ]
    if not questions:
        return None
    return {"@context": CONTEXT, "@type": "FAQPage", "mainEntity": questions}
