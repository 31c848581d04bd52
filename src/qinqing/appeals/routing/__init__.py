"""Routing suggestions (article 8): the model that suggests the handling unit and the track
(``model``), the sample appeals it can be tried on (``samples``) and reply drafts for
consultations from the policy-interpretation library (``answers``)."""

# Models trained before routing became a package pickled their tokenizer as
# qinqing.appeals.routing.tokenize: they still load (until the next retraining rewrites them).
from .model import tokenize  # noqa: F401
