"""Routing suggestions (article 8): the model that suggests the handling unit and the track
(``model``) and the sample appeals it can be tried on (``samples``)."""
