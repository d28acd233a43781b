"""Attribution: speakers for quotation candidates, resolved to canonical actors.

``component`` (the spaCy component: evidence order, continuation, which candidates are
quotes), ``mentions`` (finding the words that name the speaker), ``resolve`` (mention to actor:
names, pronouns, nominals, new actors)."""

from .component import Attributor, make_attribution

__all__ = ["Attributor", "make_attribution"]
