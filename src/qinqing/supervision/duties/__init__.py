"""Article 16: the main responsibility (主体责任) of party committees, governments and departments, and
the discipline office's supervision of it (监督责任).

Each organ keeps a yearly list of what it does to build the close and clean relationship (主体责任清单):
tasks, measures, who answers for each and by when, under its first responsible person (第一责任人). The
unit files the list with the discipline office, records each task's performance through the year and
files its year-end report (履行主体责任情况报告); the discipline office reviews the report and gives its
opinion, or returns it to be done again. The daily ``supervision.duties`` job tells the unit's staff what
is due (a list not filed, a report not filed, a task past its date)."""
