#ifndef CMOSQUITTO_SHIM_H
#define CMOSQUITTO_SHIM_H
#include <mosquitto.h>

/* LIBMOSQUITTO_VERSION_NUMBER is a macro over macros, which Swift does not import. */
static const int cmosquitto_version_number = LIBMOSQUITTO_VERSION_NUMBER;
#endif
