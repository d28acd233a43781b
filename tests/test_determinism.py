"""An article's record does not depend on the other articles of its batch or on the batch size
(issue 9, "Deterministic results"; the stance part is the stance component's own test)."""

import pytest

from pipeline.annotate import RunSpec, annotate_articles, build_nlp
from pipeline.inputs import Article
from pipeline.paths import resolve
from pipeline.record import provenance_of

TEXTS = [
    "“We will rebuild the bridge by spring,” said Mayor Ann Lee. She added that the council "
    "had approved the money.",
    "Finance Minister Carla Ruiz said that taxes would rise next year.",
    "According to the Health Ministry, the outbreak has peaked in the north. “We are not out of "
    "the woods,” warned Dr. Omar Haddad, who leads the regional hospital.\n\nHe said that "
    "vaccination would continue through the winter, and that schools would stay open.",
    "Several economists agree that inflation will slow next year.",
    "Short.",
    "The union said the strike would go on. “Nobody listens to us,” its leader, Mary Stone, told "
    "reporters on Friday, adding that talks had failed three times.",
]


@pytest.fixture(scope="module")
def setup():
    nlp = build_nlp(RunSpec(config=str(resolve("configs/default.cfg")), exclude=("stance",)))
    return nlp, provenance_of(nlp)


def test_record_is_the_same_alone_and_in_any_batch(setup):
    nlp, provenance = setup
    articles = [Article(f"t{i}", t) for i, t in enumerate(TEXTS)]
    alone = [annotate_articles(nlp, [a], [], provenance)[0] for a in articles]
    assert sum(len(r["quotes"]) for r in alone) >= 5  # the comparison has content
    for size in (2, 4, len(articles)):
        for order in (articles, articles[::-1]):
            batched = []
            for i in range(0, len(order), size):
                batched += annotate_articles(nlp, order[i:i + size], [], provenance)
            by_id = {r["id"]: r for r in batched}
            assert [by_id[r["id"]] for r in alone] == alone, (size, order[0].id)
