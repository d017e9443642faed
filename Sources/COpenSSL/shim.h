#ifndef WARREN_COPENSSL_SHIM_H
#define WARREN_COPENSSL_SHIM_H
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#endif
