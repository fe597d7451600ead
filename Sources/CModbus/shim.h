#ifndef CMODBUS_SHIM_H
#define CMODBUS_SHIM_H
/* <modbus/modbus.h> works whether or not pkg-config adds -I/usr/include/modbus. */
#include <modbus/modbus.h>

/* The EMBX* and EMB* error numbers are macros built from other macros, which Swift does not
   import ("structure not supported"); re-export them as constants. */
static const int cmodbus_enobase = MODBUS_ENOBASE;
static const int cmodbus_embbadcrc = EMBBADCRC;
static const int cmodbus_embbaddata = EMBBADDATA;
static const int cmodbus_embbadexc = EMBBADEXC;
static const int cmodbus_embunkexc = EMBUNKEXC;
static const int cmodbus_embmdata = EMBMDATA;
static const int cmodbus_embbadslave = EMBBADSLAVE;

/* The TCP header (MBAP) length and the unit-id offset in a libmodbus TCP request buffer. */
static const int cmodbus_tcp_header_length = 7;
#endif
