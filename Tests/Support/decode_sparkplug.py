"""Independent Sparkplug B decoder for the tests: pysparkplug (Google protobuf, compiled from the specification's
sparkplug_b.proto) decodes what the agent published.

    decode_sparkplug.py decode < messages.jsonl    # {"topic": ..., "hex": ...} per line
    decode_sparkplug.py brief < messages.jsonl     # the same, one short line per message (scripts/demo --sparkplug)
    decode_sparkplug.py ncmd NAME=BOOL ...          # prints the hex of an NCMD/DCMD payload with Boolean metrics

`decode` prints one JSON line per message: topic, message type, device, seq, timestamp, and the metrics decoded
twice: by pysparkplug's typed classes (names resolved from the births through aliases, values through the
datatypes, so two's complement integers come back signed) and raw (every protobuf field, properties included).
"""
import json
import sys

import pysparkplug as spb
from google.protobuf import json_format
from pysparkplug import _protobuf as pb

KINDS = {"NBIRTH": spb.NBirth, "NDEATH": spb.NDeath, "NDATA": spb.NData, "DBIRTH": spb.DBirth,
         "DDEATH": spb.DDeath, "DDATA": spb.DData, "NCMD": spb.NCmd, "DCMD": spb.DCmd}


def decode(brief=False):
    births = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        m = json.loads(line)
        raw = bytes.fromhex(m["hex"])
        parts = m["topic"].split("/")
        kind = parts[2]
        device = parts[4] if len(parts) > 4 else None
        key = device or ""
        out = {"topic": m["topic"], "type": kind, "device": device}
        try:
            cls = KINDS[kind]
            birth = births.get(key) if kind in ("DDATA", "NDATA") else None
            payload = cls.decode(raw, birth=birth) if birth is not None else cls.decode(raw)
            if kind in ("NBIRTH", "DBIRTH"):
                births[key] = payload
            out["seq"] = getattr(payload, "seq", None)
            out["timestamp"] = payload.timestamp
            metrics = []
            listed = getattr(payload, "metrics", None)
            if listed is None and hasattr(payload, "bd_seq_metric"):  # NDEATH: its one metric, bdSeq
                listed = (payload.bd_seq_metric,)
            for metric in listed or ():
                value = metric.value
                if isinstance(value, bytes):
                    value = value.hex()
                metrics.append({"name": metric.name, "alias": metric.alias, "datatype": metric.datatype.name,
                                "value": value, "is_historical": metric.is_historical, "is_null": metric.is_null})
            out["metrics"] = metrics
            out["raw"] = json_format.MessageToDict(pb.Payload.FromString(raw), preserving_proto_field_name=True)
        except Exception as e:  # reported, and the test fails on it
            out["error"] = f"{type(e).__name__}: {e}"
        if not brief:
            print(json.dumps(out), flush=True)
            continue
        shown = [f"{m['name']}={'null' if m['is_null'] else m['value']}" + (" (historical)" if m["is_historical"] else "")
                 for m in out.get("metrics", [])[:6]]
        more = len(out.get("metrics", [])) - len(shown)
        print(f"{kind} {device or '(node)'} seq={out.get('seq')}: " + ", ".join(shown)
              + (f", … {more} more" if more > 0 else "") + (f" ERROR {out['error']}" if "error" in out else ""), flush=True)


def ncmd(args):
    metrics = []
    for arg in args:
        name, value = arg.split("=", 1)
        metrics.append(spb.Metric(timestamp=spb.get_current_timestamp(), name=name, datatype=spb.DataType.BOOLEAN,
                                  value=value == "true"))
    payload = spb.NCmd(timestamp=spb.get_current_timestamp(), metrics=tuple(metrics))
    print(payload.encode(include_dtypes=True).hex())


if __name__ == "__main__":
    if sys.argv[1] in ("decode", "brief"):
        decode(brief=sys.argv[1] == "brief")
    else:
        ncmd(sys.argv[2:])
