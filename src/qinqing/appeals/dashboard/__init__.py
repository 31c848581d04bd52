"""The supervision dashboard (article 8): the figures (``figures``, on ``models.AppealFigure``
rows), the charts, the pages (``views``/``urls``, under /appeals/dashboard/) and the
statistics API (``api``, /api/v1/appeals-stats/)."""
