"""Fill the bench database: the demo site plus generated articles, up to `--articles` in all.

Run with the dev settings and EPITOPE_VAR_DIR pointing at the bench directory (hub_load.py
does this). Generated articles reuse a pool of generated pictures, as a real archive reuses
agency images; each is filed under one or two cancer-immunology subtopics.
"""

import argparse
import datetime
import random

import django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--pictures", type=int, default=40)
    args = parser.parse_args()
    django.setup()
    from django.db import transaction

    from epitope.articles.models import ArticleIndexPage, ArticlePage
    from epitope.demo.imagegen import make_image
    from epitope.topics.models import Topic

    existing = ArticlePage.objects.count()
    if existing >= args.articles:
        print(f"bench data: {existing} articles already")
        return
    rng = random.Random(6)
    index = ArticleIndexPage.objects.first()
    subtopics = list(Topic.objects.filter(parent__slug="cancer-immunology"))
    pictures = [
        make_image(f"Bench picture {n}", f"Generated micrograph {n}: T cells around a tumour cell", seed=1000 + n)
        for n in range(args.pictures)
    ]
    for n in range(existing, args.articles):
        with transaction.atomic():
            page = ArticlePage(
                title=f"Bench story {n}: immune cells against tumour model {n % 17}",
                slug=f"bench-story-{n}",
                standfirst="A generated story for load measurements, with a standfirst of typical length "
                "that tells the reader what the study found and why it matters for patients.",
                article_type="feature" if n % 4 == 0 else "news",
                date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
                hero_image=pictures[n % len(pictures)],
            )
            index.add_child(instance=page)
            page.topics.set(rng.sample(subtopics, k=rng.choice([1, 2])))
            page.save_revision().publish()
    print(f"bench data: {ArticlePage.objects.count()} articles")


if __name__ == "__main__":
    main()
