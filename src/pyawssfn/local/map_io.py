"""A Distributed Map's ItemReader, ItemBatcher and ResultWriter run as Step Functions runs them (issue #10), through
pyawssfn._item_io, the module the plain-Python ``sfn.map`` reads, batches and writes with.

The reader's S3 call is served by the mocks, and its answer (the object's text, or the listing) is parsed as the
ReaderConfig says; a mock may still answer the items themselves (a list), as mocks did before readers parsed. The
writer writes the objects AWS writes (``SUCCEEDED_0.json``, ``FAILED_0.json``, ``manifest.json``) through the mock
of its resource (``s3:putObject``), when one serves it, one call per object."""
from __future__ import annotations

from pyawssfn import _item_io
from pyawssfn.local import dataflow
from pyawssfn.local.errors import StatesError

READER_FAILED = "States.ItemReaderFailed"


def read(sx, resource: str, args, config: dict, effective) -> list:
    """The items of the Map state ``sx`` reads with ``resource`` and ``args``."""
    config = dict(config)
    config["MaxItems"] = _max_items(sx, config, effective)
    mocks = sx.run.mocks

    def get_object(arguments):
        if not mocks.serves(sx.name, _item_io.GET_OBJECT):
            raise _item_io.ReaderError(f"the inventory lists {arguments.get('Key')}, and no mock of "
                                       f"{_item_io.GET_OBJECT} serves it")
        return mocks.call(sx.name, _item_io.GET_OBJECT, arguments)[0]

    answer, _ = mocks.call(sx.name, resource, args)
    try:
        return _item_io.items_of(answer, resource, config, get_object)
    except _item_io.ReaderError as exc:
        raise StatesError(READER_FAILED, _item_io.reader_failure(exc)) from None


def _max_items(sx, config: dict, effective):
    cap = config.pop("MaxItems", None)
    if "MaxItemsPath" in config:
        cap = dataflow.get_path(sx, effective, config.pop("MaxItemsPath"))
    elif sx.jsonata and isinstance(cap, str):
        cap = dataflow.jsonata_field(sx, "ItemReader", cap, dataflow.states_var(sx, input=sx.input))
    return cap


child_name = _item_io.child_name


def batches(sx, items: list, max_items, max_bytes, batch_input, with_input: bool) -> list[dict]:
    return _item_io.batches(items, max_items, max_bytes, batch_input, with_input)


def write(sx, resource: str, args, map_run_arn: str, children: list[dict]) -> dict:
    """Write the children's results as the ResultWriter at ``resource`` with ``args`` (Bucket, Prefix) does;
    return the Map's output."""
    bucket = args.get("Bucket", "") if isinstance(args, dict) else ""
    prefix = args.get("Prefix", "") if isinstance(args, dict) else ""
    mocks = sx.run.mocks
    if mocks.serves(sx.name, resource):
        for key, body in _item_io.result_objects(map_run_arn, bucket, prefix, children):
            mocks.call(sx.name, resource, {"Bucket": bucket, "Key": key, "Body": body})
    return _item_io.writer_output(map_run_arn, bucket, prefix)
