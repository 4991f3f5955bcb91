"""The results store of the real-data benchmark: one JSON line per fit.

Every (data set, model, seed, fold) fit is one record, appended as soon as it is
done. A record is found again by its key, which holds everything that decides
the result: the data set entry (a digest of its fields, so editing an entry
recomputes it), the rows used (after the cap), the number of folds, the model
spec with its parameters, the seed and the fold. A run therefore computes
only what is new: a new model, a new data set, or an interrupted run's
remainder.
"""

import hashlib
import json
from dataclasses import asdict


def dataset_digest(dataset):
    """A short digest of what decides a data set's rows and columns.

    The source, the target, the task and the dropped columns; not the name
    (already in the key) nor the note ``why``, which can be edited freely.
    """
    fields = asdict(dataset)
    fields.pop("why")
    text = json.dumps(fields, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def key(dataset, rows, n_splits, model, seed, fold):
    """The identity of one fit, as a string (``model`` in canonical form)."""
    return "|".join(
        [
            dataset.name,
            dataset_digest(dataset),
            str(rows),
            str(n_splits),
            model,
            str(seed),
            str(fold),
        ]
    )


def read(path):
    """Read every record of a results file into a dict keyed by :func:`key`.

    A missing file is an empty store; a truncated last line (an interrupted
    write) is skipped.
    """
    records = {}
    if not path.exists():
        return records
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        records[record["key"]] = record
    return records


def append(path, record):
    """Append one record as a JSON line and flush it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(json.dumps(record) + "\n")
