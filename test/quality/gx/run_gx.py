"""Real Great Expectations, for the differential tests in test/quality (gx-differential.test.ts,
python-regex.test.ts). Reads one job (JSON) from the file named by argv[1], writes the answers (JSON)
to the file named by argv[2]. One process for every case, since importing GX takes seconds.

Job kinds:
- "validate": each case is a suite (GX JSON, given to ExpectationSuite as it is), the values of its
  suite parameters, and a staged batch (NDJSON) with its stream's column types. The batch becomes a
  pandas DataFrame the way activities/quality/README.md says GX sees an Insight Hub batch (typed by
  the stream's columns, deletions left out), and GX 1.24.1 validates it with result_format SUMMARY
  (the report) and COMPLETE (every unexpected row's index).
- "regex": each case is a pattern and texts; the answer is whether re.search finds it in each, or
  the error re.compile raises.
- "classes": each case is a pattern; the answer is every code point (as ranges) in which re.search
  finds it, with the code points this Python's Unicode database leaves unassigned.
"""

import datetime
import json
import logging
import re
import sys
import uuid
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

# Zoned ISO-8601 dates and datetimes, the only text a timestamp column takes (activities/quality/instants.ts).
ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$")
FRACTION = re.compile(r"\.(\d+)")


def as_instant(value):
    """A timestamp column's value: a UTC datetime (microseconds, as warehouses keep them) or None."""
    if not isinstance(value, str) or not ISO_INSTANT.match(value):
        return None
    # fromisoformat reads at most six fraction digits: cut the rest off (truncation, as pandas does).
    text = FRACTION.sub(lambda m: "." + m.group(1)[:6], value, count=1)
    try:
        parsed = datetime.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):
        return None


def as_number(value, integer):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if integer and float(value) != int(value):
        return None
    return float(value)


def column_values(kind, values):
    import pandas as pd

    if kind == "string":
        return pd.Series([v if isinstance(v, str) else None for v in values], dtype="str")
    if kind in ("number", "integer"):
        return pd.Series([as_number(v, kind == "integer") for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series([v if isinstance(v, bool) else None for v in values], dtype=object)
    if kind in ("timestamp", "date"):
        return pd.Series([as_instant(v) for v in values], dtype="datetime64[us, UTC]")
    if kind == "json":
        return pd.Series(values, dtype=object)
    return pd.Series(values)


def batch_frame(case):
    """The batch as GX sees it: the stream's columns typed, other keys as pandas reads them, no deletions."""
    import pandas as pd

    with open(case["batch"], encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    types = case.get("columns") or {}
    names = list(types)
    for row in rows:
        names.extend(key for key in row if key not in names)
    frame = pd.DataFrame({name: column_values(types.get(name), [row.get(name) for row in rows]) for name in names}, index=range(len(rows)))
    deleted = case.get("deleted_column")
    if deleted and deleted in frame.columns:
        frame = frame[frame[deleted].map(lambda v: v is not True)]
    return frame


def raised(exception_info):
    if not exception_info:
        return False
    if "raised_exception" in exception_info:
        return bool(exception_info["raised_exception"])
    return any(bool(info.get("raised_exception")) for info in exception_info.values())


def validate(cases):
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite

    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("insight-hub").add_dataframe_asset("batch")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    answers = []
    for case in cases:
        # The suite as shipped must be accepted as it is...
        ExpectationSuite(**json.loads(json.dumps(case["suite"])))
        # ...and is then validated with an id per expectation, to pair GX's results (in its own order) with ours.
        document = json.loads(json.dumps(case["suite"]))
        ids = [str(uuid.uuid4()) for _ in document["expectations"]]
        for expectation, expectation_id in zip(document["expectations"], ids):
            expectation["id"] = expectation_id
        suite = ExpectationSuite(**document)
        batch = definition.get_batch(batch_parameters={"dataframe": batch_frame(case)})
        parameters = case.get("parameters") or {}
        summary = batch.validate(suite, result_format={"result_format": "SUMMARY"}, expectation_parameters=parameters)
        complete = batch.validate(suite, result_format={"result_format": "COMPLETE"}, expectation_parameters=parameters)
        by_id = {r["expectation_config"]["id"]: r for r in summary.to_json_dict()["results"]}
        indexes = {r["expectation_config"]["id"]: r["result"].get("unexpected_index_list") for r in complete.to_json_dict()["results"]}
        answers.append(
            {
                "success": summary.success,
                "results": [
                    {
                        "success": by_id[i]["success"],
                        "raised": raised(by_id[i].get("exception_info")),
                        "result": by_id[i]["result"],
                        "unexpected_index_list": indexes[i],
                    }
                    for i in ids
                ],
            }
        )
    return answers


def regex(cases):
    answers = []
    for case in cases:
        try:
            pattern = re.compile(case["pattern"])
        except re.error as error:
            answers.append({"error": str(error)})
            continue
        answers.append({"found": [pattern.search(text) is not None for text in case["texts"]]})
    return answers


def ranges(codes):
    spans = []
    for code in codes:
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return spans


def classes(cases):
    import unicodedata

    points = [chr(code) for code in range(0x110000)]
    answers = []
    for case in cases:
        pattern = re.compile(case["pattern"])
        answers.append({"found": ranges(code for code, char in enumerate(points) if pattern.search(char))})
    return {"unassigned": ranges(code for code, char in enumerate(points) if unicodedata.category(char) == "Cn"), "patterns": answers}


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        job = json.load(source)
    answers = {"validate": validate, "regex": regex, "classes": classes}[job["kind"]](job["cases"])
    with open(sys.argv[2], "w", encoding="utf-8") as target:
        json.dump({"python": sys.version, "answers": answers}, target, default=str)


if __name__ == "__main__":
    main()
