"""Reads the generated BI files with real parsers and prints what they hold, as JSON.

usage: read_handoff.py <lookml project zip> <tds file>
The LookML files are parsed with lkml (the parser from PyPI), the .tds with Python's XML parser.
"""
import json
import sys
import xml.etree.ElementTree as ElementTree
import zipfile

import lkml


def read_lookml(path):
    views, explores, connection = {}, {}, None
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, "a file of the archive is corrupt"
        for name in archive.namelist():
            parsed = lkml.load(archive.read(name).decode("utf-8"))
            connection = parsed.get("connection", connection)
            for view in parsed.get("views", []):
                views[view["name"]] = {
                    "file": name,
                    "sql_table_name": view.get("sql_table_name"),
                    "dimensions": {d["name"]: d.get("type") for d in view.get("dimensions", [])},
                    "primary_keys": [d["name"] for d in view.get("dimensions", []) if d.get("primary_key") == "yes"],
                    "dimension_groups": {g["name"]: g.get("timeframes") for g in view.get("dimension_groups", [])},
                    "measures": {m["name"]: {"type": m.get("type"), "sql": m.get("sql")} for m in view.get("measures", [])},
                }
            for explore in parsed.get("explores", []):
                explores[explore["name"]] = [
                    {"name": j["name"], "relationship": j.get("relationship"), "sql_on": j.get("sql_on")} for j in explore.get("joins", [])
                ]
    return {"connection": connection, "views": views, "explores": explores}


def read_tds(path):
    root = ElementTree.parse(path).getroot()
    records = [
        {"model": r.findtext("parent-name").strip("[]"), "column": r.findtext("remote-name")}
        for r in root.iter("metadata-record")
    ]
    columns = {c.get("name"): {"role": c.get("role"), "aggregation": c.get("aggregation")} for c in root.findall("column")}
    relations = [r for r in root.iter("relation") if r.get("type") == "table"]
    connection = root.find("./connection/named-connections/named-connection/connection")
    return {
        "root": root.tag,
        "tables": [r.get("name") for r in relations],
        "remote_tables": [r.get("table") for r in relations],
        "records": records,
        "columns": columns,
        "class": connection.get("class"),
        "project": connection.get("project"),
    }


if __name__ == "__main__":
    print(json.dumps({"lookml": read_lookml(sys.argv[1]), "tds": read_tds(sys.argv[2])}))
