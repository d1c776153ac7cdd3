"""The knowledge base pages."""

from django.urls import path

from rapport.knowledge.pages import browse, categories, editor, suggest

urlpatterns = [
    path("kb", browse.kb_home, name="kb"),
    path("kb/suggest", suggest.suggest, name="kb-suggest"),
    path("kb/categories", categories.categories_page, name="kb-categories"),
    path("kb/categories/<int:category_id>", categories.category_update),
    path("kb/categories/<int:category_id>/delete", categories.category_delete),
    path("kb/articles/new", editor.new_article, name="kb-new-article"),
    path("kb/articles/<int:article_id>", browse.article_page, name="kb-article"),
    path("kb/articles/<int:article_id>/edit", editor.edit_article),
    path("kb/articles/<int:article_id>/feedback", browse.article_feedback),
    path("kb/articles/<int:article_id>/link", suggest.article_link),
    path("kb/articles/<int:article_id>/versions", browse.version_list),
    path("kb/articles/<int:article_id>/versions/<int:number>", browse.version_page),
    path("kb/articles/<int:article_id>/versions/<int:number>/restore", editor.restore_version),
    *(
        path(f"kb/articles/<int:article_id>/{action}", editor.article_action, {"action": action})
        for action in ("publish", "unpublish", "archive", "delete")
    ),
]
