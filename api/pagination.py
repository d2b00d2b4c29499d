from rest_framework.pagination import PageNumberPagination


class PolkuPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 50, larger values clamped to 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
