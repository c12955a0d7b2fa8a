"""Pages of a list that read a short first page once: when the first page is
not full it is the whole list and its length the count, so a district's short
lists cost one query instead of a COUNT and the page (the API's Pagination and
the browser pages' page_of() alike)."""

from django.core.paginator import Page, Paginator


class FirstPageRead:
    """Rows whose first page was read already: the paginator's slice of it is
    answered from memory; the count still comes from the rows."""

    def __init__(self, rows, head: list):
        self.rows = rows
        self.head = head

    def count(self) -> int:
        return Paginator(self.rows, 1).count  # however Django counts them

    def __getitem__(self, index):
        if index == slice(0, len(self.head)):
            return self.head
        return self.rows[index]


def first_page_rows(rows, size: int):
    """`rows` with its first page of `size` read: the page itself when it is
    the whole list, else FirstPageRead."""
    head = list(rows[:size])
    return head if len(head) < size else FirstPageRead(rows, head)


def page_of(rows, size: int, number) -> Page:
    """Paginator(rows, size).get_page(number), reading the first page before
    any COUNT (no number, or an empty one, is the first page too)."""
    if number in (None, "", "1") and not isinstance(rows, list | tuple):
        rows = first_page_rows(rows, size)
        number = 1
    return Paginator(rows, size).get_page(number)
