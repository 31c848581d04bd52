"""An appeal's life after filing (articles 6 and 8): the transitions declared on
``core.workflow`` (``services``), the deadline sweep (``sweep``), provisional deadlines
recounted when a year's calendar is loaded (``deadlines``) and the notifications outbox
(``notify``)."""
