"""What a Distributed Map's ItemReader makes of what S3 answers (issue #10), as Step Functions documents it
("ItemReader (Map)"): one module read by both runs, so that ``sfn.items_from_s3`` under plain Python and the local
executor's ItemReader give the same items from the same S3 answer.

An answer is what the reader's S3 call returns: the object's text (``"..."`` or ``{"Body": "..."}``) for
``s3:getObject``, ``{"Contents": [...]}`` for ``s3:listObjectsV2``, or a list, taken as the items already read
(mocks written before readers parsed). Standard library only: this module ships in the Lambda zip.
"""
from __future__ import annotations

import datetime as _dt
import json
import uuid
from typing import Any, Callable

# items_from_s3's formats -> the ReaderConfig InputType ("objects" lists a prefix: no InputType).
FORMATS = {"objects": None, "json": "JSON", "jsonl": "JSONL", "csv": "CSV", "manifest": "MANIFEST"}
# ReaderConfig CSVDelimiter values -> the character.
DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
GET_OBJECT = "arn:aws:states:::s3:getObject"
LIST_OBJECTS = "arn:aws:states:::s3:listObjectsV2"


class ReaderError(ValueError):
    """The answer cannot be read as the ReaderConfig says (States.ItemReaderFailed on the machine)."""


def reader_failure(exc: ReaderError) -> str:
    """The cause of States.ItemReaderFailed, worded alike by both runs."""
    return f"the ItemReader could not read the items: {exc}"


def reader_config(fmt: str, headers: list[str] | None, delimiter: str | None, max_items: int | None) -> dict:
    """The ReaderConfig of an ``items_from_s3`` reader (the compiler writes the same)."""
    config: dict[str, Any] = {}
    if FORMATS[fmt]:
        config["InputType"] = FORMATS[fmt]
    if fmt == "csv":
        config.update({"CSVHeaderLocation": "GIVEN", "CSVHeaders": list(headers)} if headers
                      else {"CSVHeaderLocation": "FIRST_ROW"})
        if delimiter is not None:
            config["CSVDelimiter"] = delimiter
    if max_items:
        config["MaxItems"] = max_items
    return config


def items_of(answer: Any, resource: str, config: dict, get_object: Callable[[dict], Any]) -> list:
    """The items of a reader: ``answer`` parsed as ``config`` says, MaxItems applied. ``get_object(arguments)``
    reads the further objects an S3 inventory manifest lists."""
    if isinstance(answer, list):
        items = answer
    elif resource == LIST_OBJECTS:
        items = _listing(answer)
    else:
        items = _parse(_body(answer), config, get_object)
    cap = config.get("MaxItems")
    if isinstance(cap, int) and not isinstance(cap, bool) and cap > 0:
        items = items[:cap]
    return items


def _body(answer: Any) -> str:
    if isinstance(answer, dict) and "Body" in answer:
        answer = answer["Body"]
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8")
    if not isinstance(answer, str):
        raise ReaderError(f"the object read must be its text (or {{\"Body\": text}}), got {type(answer).__name__}")
    return answer


def _parse(text: str, config: dict, get_object: Callable[[dict], Any]) -> list:
    kind = config.get("InputType", "JSON")
    if kind == "JSON":
        items = _json(text, "the JSON file")
        if not isinstance(items, list):
            raise ReaderError("the JSON file must hold an array of items")
        return items
    if kind == "JSONL":
        return [_json(line, f"line {n} of the JSONL file") for n, line in enumerate(text.splitlines(), 1)
                if line.strip()]
    if kind == "CSV":
        return csv_rows(text, config)
    if kind == "MANIFEST":
        return _inventory(text, get_object)
    raise ReaderError(f"unknown ReaderConfig InputType {kind!r}")


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ReaderError(f"{what} is not JSON: {exc}") from None


def csv_rows(text: str, config: dict) -> list[dict[str, str]]:
    """One object per row, keyed by the header row (FIRST_ROW) or CSVHeaders (GIVEN); every value a string."""
    import csv  # here: the Lambda runtime imports this module on every cold start
    import io

    delimiter = DELIMITERS.get(config.get("CSVDelimiter", "COMMA"))
    if delimiter is None:
        raise ReaderError(f"unknown CSVDelimiter {config.get('CSVDelimiter')!r} (use {', '.join(DELIMITERS)})")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
    if config.get("CSVHeaderLocation") == "GIVEN":
        headers = list(config.get("CSVHeaders") or [])
    else:
        if not rows:
            return []
        headers, rows = rows[0], rows[1:]
    out = []
    for n, row in enumerate(rows, 1):
        if len(row) > len(headers):
            raise ReaderError(f"row {n} of the CSV file has {len(row)} fields and there are {len(headers)} headers")
        out.append({h: (row[i] if i < len(row) else "") for i, h in enumerate(headers)})
    return out


def _listing(answer: Any) -> list[dict]:
    """ListObjectsV2's Contents as the reader's items: {Etag, Key, LastModified (epoch seconds), Size,
    StorageClass}, as Step Functions gives them."""
    if not isinstance(answer, dict) or not isinstance(answer.get("Contents", []), list):
        raise ReaderError("the object listing must be ListObjectsV2's answer, {\"Contents\": [...]}")
    items = []
    for obj in answer.get("Contents", []):
        modified = obj.get("LastModified")
        if isinstance(modified, _dt.datetime):
            modified = int(modified.timestamp())
        elif isinstance(modified, str):
            modified = int(_dt.datetime.fromisoformat(modified.replace("Z", "+00:00")).timestamp())
        items.append({"Etag": obj.get("ETag", obj.get("Etag")), "Key": obj.get("Key"), "LastModified": modified,
                      "Size": obj.get("Size"), "StorageClass": obj.get("StorageClass", "STANDARD")})
    return items


def _inventory(text: str, get_object: Callable[[dict], Any]) -> list[dict]:
    """An S3 inventory manifest.json: the rows of every CSV file it lists (gzip-compressed), keyed by its
    fileSchema (``Bucket, Key, Size, ...``)."""
    import gzip

    manifest = _json(text, "the inventory manifest")
    if not isinstance(manifest, dict) or manifest.get("fileFormat", "CSV") != "CSV" \
            or not isinstance(manifest.get("files"), list):
        raise ReaderError("the inventory manifest must be S3 Inventory's manifest.json of a CSV inventory")
    schema = [s.strip() for s in str(manifest.get("fileSchema", "Bucket, Key")).split(",")]
    bucket = str(manifest.get("destinationBucket", "")).rsplit(":", 1)[-1]
    items: list[dict] = []
    for f in manifest["files"]:
        data = get_object({"Bucket": bucket, "Key": f.get("key")})
        data = data.get("Body", data) if isinstance(data, dict) else data
        if isinstance(data, bytes):
            try:
                data = gzip.decompress(data).decode("utf-8")
            except OSError:
                data = data.decode("utf-8")
        items += csv_rows(_body(data), {"CSVHeaderLocation": "GIVEN", "CSVHeaders": schema})
    return items


def read_with_boto3(resource: str, arguments: dict) -> Any:
    """The reader's S3 call made for real (plain Python outside pyawssfn.pyrun): the object's bytes, or every page
    of the listing."""
    import boto3  # only here: the Lambda runtime has it

    s3 = boto3.client("s3")
    if resource == LIST_OBJECTS:
        contents: list = []
        for page in s3.get_paginator("list_objects_v2").paginate(**arguments):
            contents += page.get("Contents", [])
        return {"Contents": contents}
    return {"Body": s3.get_object(**arguments)["Body"].read()}


# --------------------------------------------------------------------------------------------------- ItemBatcher

def _size(value: Any) -> int:
    # A value's size as Step Functions counts payloads: its compact JSON in UTF-8.
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def batches(items: list, max_items: int | None, max_bytes: int | None, batch_input: Any = None,
            with_input: bool = False) -> list[dict]:
    """The child inputs of a batched Map: ``{"Items": [...]}`` (and ``"BatchInput"``), each batch holding at most
    ``max_items`` items and ``max_bytes`` bytes of them (an item larger than that alone still makes a batch)."""
    out: list[list] = []
    current: list = []
    size = 0
    for item in items:
        item_size = _size(item)
        if current and ((max_items and len(current) >= max_items) or (max_bytes and size + item_size > max_bytes)):
            out.append(current)
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        out.append(current)
    return [{"Items": b, **({"BatchInput": batch_input} if with_input else {})} for b in out]


# --------------------------------------------------------------------------------------------------- ResultWriter

def child_name(map_run_arn: str, index: int) -> str:
    """The name of a distributed Map's child execution (a UUID, as on AWS; derived, so that naming it draws nothing
    from the run's random numbers)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{map_run_arn}/{index}"))


def writer_key(prefix: str | None, map_run_id: str, name: str) -> str:
    """Where the ResultWriter puts ``name`` (``manifest.json``, ``SUCCEEDED_0.json``): under the prefix, in a
    folder named by the Map Run's id."""
    return f"{prefix.rstrip('/') + '/' if prefix else ''}{map_run_id}/{name}"


def result_objects(map_run_arn: str, bucket: str, prefix: str | None, children: list[dict]) -> list[tuple[str, str]]:
    """The objects a ResultWriter writes, (key, text), the manifest last: the child executions grouped by status
    into ``SUCCEEDED_0.json`` / ``FAILED_0.json`` (each a JSON array of their records: Name, Input and Output or
    Error/Cause as JSON text, Status), then ``manifest.json`` naming them (DestinationBucket, MapRunArn,
    ResultFiles by status). ``children`` are {"Name", "Input", "Status", "Output" | "Error", "Cause"} in order."""
    run_id = map_run_arn.rsplit(":", 1)[-1]
    files: dict[str, list] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    objects: list[tuple[str, str]] = []
    for status in ("SUCCEEDED", "FAILED"):
        records = [_record(c) for c in children if c["Status"] == status]
        if records:
            key = writer_key(prefix, run_id, f"{status}_0.json")
            text = json.dumps(records, separators=(",", ":"), ensure_ascii=False)
            objects.append((key, text))
            files[status].append({"Key": key, "Size": len(text.encode())})
    manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
    objects.append((writer_key(prefix, run_id, "manifest.json"), json.dumps(manifest, separators=(",", ":"))))
    return objects


def _record(child: dict) -> dict:
    record = {"Name": child["Name"], "Input": json.dumps(child["Input"], separators=(",", ":")),
              "InputDetails": {"Included": True}, "Status": child["Status"]}
    if child["Status"] == "SUCCEEDED":
        record.update(Output=json.dumps(child["Output"], separators=(",", ":")), OutputDetails={"Included": True})
    else:
        record.update(Error=child.get("Error"), Cause=child.get("Cause"))
    return record


def writer_output(map_run_arn: str, bucket: str, prefix: str | None) -> dict:
    """A Map's output when a ResultWriter wrote its results: the Map Run and where its manifest is."""
    return {"MapRunArn": map_run_arn,
            "ResultWriterDetails": {"Bucket": bucket,
                                    "Key": writer_key(prefix, map_run_arn.rsplit(":", 1)[-1], "manifest.json")}}


PUT_OBJECT = "arn:aws:states:::s3:putObject"


def new_map_run_arn() -> str:
    """A Map Run ARN for a plain-Python run outside pyawssfn.pyrun (no machine: a placeholder account)."""
    return f"arn:aws:states:us-east-1:123456789012:mapRun:local/map:{uuid.uuid4()}"


def write_with_boto3(resource: str, arguments: dict) -> None:
    import boto3  # only here: the Lambda runtime has it

    boto3.client("s3").put_object(Bucket=arguments["Bucket"], Key=arguments["Key"],
                                  Body=arguments["Body"].encode())
