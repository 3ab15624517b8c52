"""Train the model: python train.py [--shows data/shows.csv] [--reviews data/reviews.jsonl ...] [--out models/model.joblib]"""

import sys

from recommender.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
