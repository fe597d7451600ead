#!/usr/bin/env python3
"""Register contents encoded independently of otsentry, for its decoding tests.

Numbers and strings are encoded with pymodbus' convert_to_registers (word_order big/little); BADC and DCBA are the
same with the two bytes of every register swapped, as the board reference defines them. pymodbus has no float16,
int8/uint8 or single-bit types: those use Python's struct module and integer arithmetic.

Prints a JSON list of cases: {"id", "type", "order", "value" and "value_bits" (the float64 bits of the value, in
hex) or "text", "registers", and "byte"/"bit"/"length"}.
"""
import json
import struct
import sys

from pymodbus.client import ModbusTcpClient as Client

D = Client.DATATYPE


def swap_bytes(words):
    return [((w & 0xFF) << 8) | (w >> 8) for w in words]


def encode(value, datatype, order):
    word_order = "little" if order in ("CDAB", "DCBA") else "big"
    words = Client.convert_to_registers(value, datatype, word_order=word_order)
    return swap_bytes(words) if order in ("BADC", "DCBA") else words


numbers = {
    "int16": (D.INT16, [-32768, -12345, -1, 0, 7, 32767]),
    "uint16": (D.UINT16, [0, 1, 43981, 65535]),
    "int32": (D.INT32, [-2147483648, -123456789, -1, 0, 305419896, 2147483647]),
    "uint32": (D.UINT32, [0, 1, 305419896, 4294967295]),
    "int64": (D.INT64, [-9007199254740992, -1234567890123, -1, 0, 9007199254740991]),
    "uint64": (D.UINT64, [0, 72623859790382848, 9007199254740991]),
    "float32": (D.FLOAT32, [0.0, -0.5, 123.456, 1.0e-20, -3.4e38, 3.14159274]),
    "float64": (D.FLOAT64, [0.0, -0.000123, 123.456, 1.0e300, -2.5e-308, 6.02214076e23]),
}

cases = []
for type_name, (datatype, values) in numbers.items():
    for order in ("ABCD", "BADC", "CDAB", "DCBA"):
        for i, value in enumerate(values):
            if type_name == "float32":  # the value the registers hold is the nearest float32
                (value,) = struct.unpack(">f", struct.pack(">f", value))
            cases.append({"id": f"{type_name}_{order.lower()}_{i}", "type": type_name, "order": order,
                          "value": value, "registers": encode(value, datatype, order)})

for order in ("ABCD", "BADC"):
    for i, text in enumerate(["PUMP-7", "Siemens S7-1200", "ok"]):
        length = (len(text) + 1) // 2 + (1 if i == 2 else 0)  # "ok" gets a NUL-padded second register
        words = Client.convert_to_registers(text, D.STRING)
        words = words + [0] * (length - len(words))
        if order == "BADC":
            words = swap_bytes(words)
        cases.append({"id": f"string_{order.lower()}_{i}", "type": "string", "order": order, "length": length,
                      "text": text, "registers": words})

for order in ("ABCD", "BADC"):
    for i, value in enumerate([0.0, 1.5, -2.0, 65504.0, 0.000061035156]):
        (word,) = struct.unpack(">H", struct.pack(">e", value))
        words = swap_bytes([word]) if order == "BADC" else [word]
        cases.append({"id": f"float16_{order.lower()}_{i}", "type": "float16", "order": order,
                      "value": struct.unpack(">e", struct.pack(">e", value))[0], "registers": words})

for i, (high, low) in enumerate([(0x12, 0xFE), (0x80, 0x7F)]):
    word = (high << 8) | low
    for type_name, fmt in (("int8", ">b"), ("uint8", ">B")):
        for byte, raw in (("high", high), ("low", low)):
            (value,) = struct.unpack(fmt, bytes([raw]))
            cases.append({"id": f"{type_name}_{byte}_{i}", "type": type_name, "byte": byte, "value": value,
                          "registers": [word]})

for bit in (0, 3, 8, 15):
    word = 0xA5A5
    cases.append({"id": f"bit_{bit}", "type": "bit", "bit": bit, "value": (word >> bit) & 1, "registers": [word]})

# Every number also as the bits of a float64, so that JSON parsing cannot blur the comparison.
for case in cases:
    if "value" in case:
        case["value_bits"] = struct.pack(">d", float(case["value"])).hex()
json.dump(cases, sys.stdout)
