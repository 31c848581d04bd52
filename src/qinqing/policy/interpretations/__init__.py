"""The policy-interpretation library (政策解读库; articles 4 and 19, and article 8's answers to
enterprises' questions): ``library`` (services, selectors, matching, seed), the pages (``views``/
``urls``, mounted by appeals/urls.py under /appeals/knowledge/ in the ``appeals`` namespace).
Appeals offer published interpretations as reply drafts through ``appeals.routing.answers``."""
