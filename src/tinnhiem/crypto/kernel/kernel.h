/*
 * tinnhiem verification kernel: ristretto255 (RFC 9496) decoding and encoding,
 * variable-time multi-scalar multiplication (Straus, Pippenger) for PUBLIC data only,
 * and a constant-time fixed-base table for secret scalars (encryption).
 *
 * Byte strings are passed as `const char *` so that Python `bytes` go straight in
 * through cffi; every point and scalar is 32 bytes, little-endian.
 */
#ifndef TINNHIEM_KERNEL_H
#define TINNHIEM_KERNEL_H

#include <stddef.h>

#define TN_OK 0
#define TN_IDENTITY_TERM 1 /* the sum is right, but a term had an identity point or a zero scalar */
#define TN_BAD_POINT (-1)  /* a point is not a canonical RFC 9496 encoding */
#define TN_BAD_SCALAR (-2) /* a scalar is not reduced mod the group order */
#define TN_NO_MEMORY (-3)

/* 1 when `p` is a canonical encoding of an element (the identity included), else 0. */
int tn_point_is_valid(const char *p);

/* Index of the first of `n` consecutive encodings that is not valid, or `n`. */
size_t tn_points_first_invalid(const char *points, size_t n);

/* Decode then re-encode (tests): TN_OK or TN_BAD_POINT. */
int tn_point_recode(char *out, const char *p);

/* out = sum of scalars[i] * points[i] (VARIABLE TIME: public inputs only).
 * Returns TN_OK, TN_IDENTITY_TERM (out is still the right sum), TN_BAD_POINT or
 * TN_BAD_SCALAR with *bad the index of the first offending term, or TN_NO_MEMORY. */
int tn_msm(char *out, const char *scalars, const char *points, size_t n, size_t *bad);
/* The two algorithms behind tn_msm, for tests and benchmarks. */
int tn_msm_straus(char *out, const char *scalars, const char *points, size_t n, size_t *bad);
int tn_msm_pippenger(char *out, const char *scalars, const char *points, size_t n, size_t *bad);

/* out = sum of points[i]; TN_OK or TN_BAD_POINT (*bad set). Variable time. */
int tn_sum(char *out, const char *points, size_t n, size_t *bad);

/* RFC 9496 one-way map of 64 uniform bytes. */
void tn_from_uniform(char *out, const char *bytes64);

/* Fixed-base table for one point; CONSTANT TIME in the scalar. */
size_t tn_fixed_base_size(void);
int tn_fixed_base_init(char *table, const char *point);
/* out = scalar * P; scalar must be < 2^255 (the callers pass reduced scalars). */
void tn_fixed_base_mul(char *out, const char *table, const char *scalar);

#endif
