/*
 * An order-free digest of a DUMP payload, for the collections whose RDB
 * form lists their elements in the server's hash table order: a set (RDB
 * type 2) and a hash (4). Each server seeds its hash function at random,
 * so two servers holding the same collection dump it in different orders:
 * their payloads differ byte for byte while their digests are equal. (A
 * sorted set's skiplist is dumped in score order, the same everywhere.)
 *
 * Each element (a member; a field and its value) is hashed as the bytes that
 * encode it in the payload, and the 128-bit hashes are summed. Equal digests
 * therefore mean the same elements, encoded the same way, so the same value
 * (barring a 128-bit collision). Different digests prove nothing: one value can
 * be encoded two ways (a server with rdbcompression off stores long members
 * uncompressed), and the caller then compares the two ends type by type
 * (compare.h).
 *
 * Pure functions of their arguments; no allocation.
 */
#ifndef RM_DIGEST_H
#define RM_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct digest {
    uint8_t type;      /* the RDB type byte */
    uint64_t elements; /* members, or fields with their values */
    uint64_t lo, hi;   /* the 128-bit sum of the elements' hashes */
};

/*
 * Digests `payload` (a whole DUMP reply: type, body, 2-byte RDB version,
 * 8-byte CRC; the CRC is not checked). False when the payload is not one
 * of the two types above, or does not parse to exactly its end.
 */
bool digest_payload(const char *payload, size_t len, struct digest *d);

/* Whether two digests stand for the same value. */
bool digest_equal(const struct digest *a, const struct digest *b);

#endif
