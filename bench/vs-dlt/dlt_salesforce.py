"""dlt's load of the simulator's contacts into DuckDB, for the side-by-side runner.

The same SOQL and page walk as Insight Hub (queryAll, then nextRecordsUrl), merged on Id into a
fresh DuckDB file. Two of dlt's paths: `arrow` yields one Arrow table per page (dlt writes Parquet
without normalizing rows), `dicts` yields the records as dicts, normalized row by row and written
as Parquet. Only pipeline.run is timed, as the runner times Insight Hub's cycle and not its start-up.
Prints one JSON line: {seconds, cpuSeconds, peakRssMiB, rows, loaded}.

    bench/.venv/bin/python bench/vs-dlt/dlt_salesforce.py <arrow|dicts> <simulator url> <work dir> <soql> <fields json> <login json>

<fields json> maps each Salesforce field to its DuckDB type (VARCHAR, BOOLEAN, TIMESTAMPTZ), as
Insight Hub types the columns; dlt gets them as column hints, and the Arrow path as its schema.
"""

import json
import os
import resource
import sys
import time

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")

import dlt  # noqa: E402 (reads the settings above on import)
import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
import requests  # noqa: E402

DLT_TYPES = {"VARCHAR": "text", "BOOLEAN": "bool", "TIMESTAMPTZ": "timestamp"}
# Salesforce writes +0000 offsets, which Arrow's parser does not take: the Arrow path hands dlt the
# timestamps as text and leaves their conversion to the hint, as a user of that path would.
ARROW_TYPES = {"VARCHAR": pa.string(), "BOOLEAN": pa.bool_(), "TIMESTAMPTZ": pa.string()}


def pages(base_url, soql, login):
    session = requests.Session()
    token = session.post(
        f"{base_url}/services/oauth2/token",
        data={"grant_type": "password", "client_id": login["clientId"], "client_secret": login["clientSecret"],
              "username": login["username"], "password": login["password"]},
    ).json()
    session.headers["Authorization"] = f"Bearer {token['access_token']}"
    response = session.get(f"{token['instance_url']}/services/data/v62.0/queryAll", params={"q": soql})
    while True:
        response.raise_for_status()
        page = response.json()
        records = page["records"]
        for record in records:
            del record["attributes"]
        yield records
        if page.get("done", True) or "nextRecordsUrl" not in page:
            return
        response = session.get(f"{token['instance_url']}{page['nextRecordsUrl']}")


def main():
    mode, base_url, work_dir, soql, fields_json, login_json = sys.argv[1:7]
    fields = json.loads(fields_json)
    login = json.loads(login_json)
    hints = {name: {"data_type": DLT_TYPES[kind], "nullable": name != "Id"} for name, kind in fields.items()}
    arrow_schema = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in fields.items()])
    database = os.path.join(work_dir, f"dlt-{mode}.duckdb")

    @dlt.resource(name="salesforce_contact", write_disposition="merge", primary_key="Id", columns=hints)
    def contacts():
        for records in pages(base_url, soql, login):
            yield pa.Table.from_pylist(records, schema=arrow_schema) if mode == "arrow" else records

    pipeline = dlt.pipeline(
        pipeline_name=f"bench_{mode}",
        pipelines_dir=os.path.join(work_dir, "dlt-pipelines"),
        destination=dlt.destinations.duckdb(database),
        dataset_name="marketing",
    )
    cpu_before = time.process_time()
    started = time.perf_counter()
    pipeline.run(contacts(), loader_file_format="parquet")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_before

    with duckdb.connect(database, read_only=True) as connection:
        loaded = connection.execute("select count(*) from marketing.salesforce_contact").fetchone()[0]
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "peakRssMiB": peak_rss_mib, "loaded": loaded}))


if __name__ == "__main__":
    main()
