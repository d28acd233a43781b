"""Actors: NER mentions clustered into canonical people, organisations, places and groups,
with roles and affiliations read off appositions ("X, a professor at Y", "X from Y").

``component`` is the spaCy component, ``registry`` the name clustering that attribution
also uses for speakers NER missed, ``roles`` the apposition and title rules."""

from .component import ActorFinder, make_actors
from .registry import ActorRegistry, name_key

__all__ = ["ActorFinder", "ActorRegistry", "make_actors", "name_key"]
