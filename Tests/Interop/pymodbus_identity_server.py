#!/usr/bin/env python3
"""A pymodbus TCP server with a device identification, for otsentry's identity tests: an independent peer for
Read Device Identification (0x2B/0x0E) and Report Server ID (0x11). Usage: pymodbus_identity_server.py PORT."""
import inspect
import sys

from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.pdu.device import ModbusDeviceIdentification
from pymodbus.server import StartTcpServer

port = int(sys.argv[1])
identity = ModbusDeviceIdentification(info_name={
    "VendorName": "Pymodbus Vendor",
    "ProductCode": "PM-316",
    "MajorMinorRevision": "3.16.1",
    "VendorUrl": "https://github.com/pymodbus-dev/pymodbus",
    "ProductName": "Pymodbus Server",
    "ModelName": "Interop Model",
    "UserApplicationName": "otsentry interop",
})
block = ModbusSequentialDataBlock(1, [0] * 100)
device = ModbusDeviceContext(hr=block, ir=block, co=block, di=block)
params = inspect.signature(ModbusServerContext).parameters
context = ModbusServerContext(devices=device, single=True) if "devices" in params else ModbusServerContext(device, single=True)
StartTcpServer(context=context, identity=identity, address=("127.0.0.1", port))
