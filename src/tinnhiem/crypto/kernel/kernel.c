/*
 * tinnhiem verification kernel (see kernel.h and docs/crypto.md §12).
 *
 * Written for this project from RFC 9496 (ristretto255), RFC 7748's field and the
 * extended twisted Edwards formulas of Hisil, Wong, Carter and Dawson (2008); the
 * multi-scalar algorithms are Straus's (interleaved width-5 NAF) and Pippenger's
 * bucket method with signed digits.
 *
 * SECURITY. tn_msm, tn_msm_straus, tn_msm_pippenger, tn_sum and the decoder branch on
 * and index memory by their inputs: they are VARIABLE TIME and must only ever be given
 * public data (verification of published proofs). The field arithmetic, the encoder
 * and tn_fixed_base_mul are constant time (no secret-dependent branch or memory index:
 * table entries are chosen by masks), which is what encryption with a secret nonce needs.
 */
#include "kernel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef uint64_t u64;

#define MASK51 ((u64)0x7ffffffffffffULL)

/* ------------------------------------------------------------------ field GF(2^255-19) */

/* An element as five 51-bit limbs, value = sum v[i]·2^(51·i). Limbs may exceed 51 bits
 * between operations; fe_mul and fe_sq accept limbs below 2^54. */
typedef struct {
    u64 v[5];
} fe;

static const fe FE_ZERO = {{0, 0, 0, 0, 0}};
static const fe FE_ONE = {{1, 0, 0, 0, 0}};
static const fe FE_D = {{0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL,
                         0x739c663a03cbbULL, 0x52036cee2b6ffULL}};
static const fe FE_D2 = {{0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL,
                          0x6738cc7407977ULL, 0x2406d9dc56dffULL}};
static const fe FE_SQRT_M1 = {{0x61b274a0ea0b0ULL, 0xd5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL,
                               0x78595a6804c9eULL, 0x2b8324804fc1dULL}};
static const fe FE_SQRT_AD_MINUS_ONE = {{0x7f6a0497b2e1bULL, 0x1836f0a97afd2ULL,
                                         0x7d747f6be7638ULL, 0x456079e7e6498ULL,
                                         0x376931bf2b834ULL}};
static const fe FE_INVSQRT_A_MINUS_D = {{0xfdaa805d40eaULL, 0x2eb482e57d339ULL,
                                         0x7610274bc58ULL, 0x6510b613dc8ffULL,
                                         0x786c8905cfaffULL}};
static const fe FE_ONE_MINUS_D_SQ = {{0x409c1945fc176ULL, 0x719abc6a1fc4fULL,
                                      0x1c37f90b20684ULL, 0x6bccca55eedfULL,
                                      0x29072a8b2b3eULL}};
static const fe FE_D_MINUS_ONE_SQ = {{0x55aaa44ed4d20ULL, 0x59603c3332635ULL,
                                      0x26d3baf4a7928ULL, 0x120a66e6997a9ULL,
                                      0x5968b37af66c2ULL}};

static inline u64 load64_le(const uint8_t *s) {
    u64 r = 0;
    for (int i = 7; i >= 0; i--) r = (r << 8) | s[i];
    return r;
}

static inline void store64_le(uint8_t *s, u64 x) {
    for (int i = 0; i < 8; i++) {
        s[i] = (uint8_t)x;
        x >>= 8;
    }
}

/* The low 255 bits of s (bit 255 is ignored here; the decoder checks it). */
static void fe_frombytes(fe *h, const uint8_t s[32]) {
    h->v[0] = load64_le(s) & MASK51;
    h->v[1] = (load64_le(s + 6) >> 3) & MASK51;
    h->v[2] = (load64_le(s + 12) >> 6) & MASK51;
    h->v[3] = (load64_le(s + 19) >> 1) & MASK51;
    h->v[4] = (load64_le(s + 24) >> 12) & MASK51;
}

static inline void fe_carry(fe *h) {
    u64 c;
    c = h->v[0] >> 51; h->v[0] &= MASK51; h->v[1] += c;
    c = h->v[1] >> 51; h->v[1] &= MASK51; h->v[2] += c;
    c = h->v[2] >> 51; h->v[2] &= MASK51; h->v[3] += c;
    c = h->v[3] >> 51; h->v[3] &= MASK51; h->v[4] += c;
    c = h->v[4] >> 51; h->v[4] &= MASK51; h->v[0] += 19 * c;
}

/* The canonical encoding (value fully reduced mod p), constant time. */
static void fe_tobytes(uint8_t s[32], const fe *f) {
    fe t = *f;
    fe_carry(&t);
    u64 q = (t.v[0] + 19) >> 51;
    q = (t.v[1] + q) >> 51;
    q = (t.v[2] + q) >> 51;
    q = (t.v[3] + q) >> 51;
    q = (t.v[4] + q) >> 51;
    t.v[0] += 19 * q;
    u64 c;
    c = t.v[0] >> 51; t.v[0] &= MASK51; t.v[1] += c;
    c = t.v[1] >> 51; t.v[1] &= MASK51; t.v[2] += c;
    c = t.v[2] >> 51; t.v[2] &= MASK51; t.v[3] += c;
    c = t.v[3] >> 51; t.v[3] &= MASK51; t.v[4] += c;
    t.v[4] &= MASK51;
    store64_le(s, t.v[0] | (t.v[1] << 51));
    store64_le(s + 8, (t.v[1] >> 13) | (t.v[2] << 38));
    store64_le(s + 16, (t.v[2] >> 26) | (t.v[3] << 25));
    store64_le(s + 24, (t.v[3] >> 39) | (t.v[4] << 12));
}

static inline void fe_add(fe *h, const fe *f, const fe *g) {
    for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
}

/* h = f − g, computed as f + 4p − g and carried (g's limbs must be below 2^53 − 76). */
static inline void fe_sub(fe *h, const fe *f, const fe *g) {
    h->v[0] = (f->v[0] + 0x1fffffffffffb4ULL) - g->v[0];
    h->v[1] = (f->v[1] + 0x1ffffffffffffcULL) - g->v[1];
    h->v[2] = (f->v[2] + 0x1ffffffffffffcULL) - g->v[2];
    h->v[3] = (f->v[3] + 0x1ffffffffffffcULL) - g->v[3];
    h->v[4] = (f->v[4] + 0x1ffffffffffffcULL) - g->v[4];
    fe_carry(h);
}

static inline void fe_neg(fe *h, const fe *f) { fe_sub(h, &FE_ZERO, f); }

static inline void fe_mul_reduce(fe *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
    r1 += r0 >> 51;
    r2 += r1 >> 51;
    r3 += r2 >> 51;
    r4 += r3 >> 51;
    u128 t0 = ((u64)r0 & MASK51) + (r4 >> 51) * 19;
    u64 h1 = ((u64)r1 & MASK51) + (u64)(t0 >> 51);
    h->v[0] = (u64)t0 & MASK51;
    h->v[1] = h1;
    h->v[2] = (u64)r2 & MASK51;
    h->v[3] = (u64)r3 & MASK51;
    h->v[4] = (u64)r4 & MASK51;
}

static void fe_mul(fe *h, const fe *f, const fe *g) {
    const u64 f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const u64 g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    const u64 g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    u128 r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 +
              (u128)f4 * g1_19;
    u128 r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 +
              (u128)f4 * g2_19;
    u128 r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 +
              (u128)f4 * g3_19;
    u128 r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 +
              (u128)f4 * g4_19;
    u128 r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
    fe_mul_reduce(h, r0, r1, r2, r3, r4);
}

static void fe_sq(fe *h, const fe *f) {
    const u64 f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const u64 f0_2 = 2 * f0, f1_2 = 2 * f1;
    const u64 f3_19 = 19 * f3, f3_38 = 38 * f3, f4_19 = 19 * f4, f4_38 = 38 * f4;
    u128 r0 = (u128)f0 * f0 + (u128)f1 * f4_38 + (u128)f2 * f3_38;
    u128 r1 = (u128)f0_2 * f1 + (u128)f2 * f4_38 + (u128)f3 * f3_19;
    u128 r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3 * f4_38;
    u128 r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
    u128 r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    fe_mul_reduce(h, r0, r1, r2, r3, r4);
}

static void fe_sq_n(fe *h, const fe *f, int n) {
    fe_sq(h, f);
    for (int i = 1; i < n; i++) fe_sq(h, h);
}

/* z^(2^250 − 1) and z^11 (shared head of the inversion and square-root chains). */
static void fe_pow_2_250_1(fe *out, fe *z11, const fe *z) {
    fe z2, z9, t, a, b, c;
    fe_sq(&z2, z);
    fe_sq_n(&t, &z2, 2);
    fe_mul(&z9, &t, z);
    fe_mul(z11, &z9, &z2);
    fe_sq(&t, z11);
    fe_mul(&a, &t, &z9);      /* 2^5 − 1 */
    fe_sq_n(&t, &a, 5);
    fe_mul(&b, &t, &a);       /* 2^10 − 1 */
    fe_sq_n(&t, &b, 10);
    fe_mul(&c, &t, &b);       /* 2^20 − 1 */
    fe_sq_n(&t, &c, 20);
    fe_mul(&t, &t, &c);       /* 2^40 − 1 */
    fe_sq_n(&t, &t, 10);
    fe_mul(&a, &t, &b);       /* 2^50 − 1 */
    fe_sq_n(&t, &a, 50);
    fe_mul(&b, &t, &a);       /* 2^100 − 1 */
    fe_sq_n(&t, &b, 100);
    fe_mul(&t, &t, &b);       /* 2^200 − 1 */
    fe_sq_n(&t, &t, 50);
    fe_mul(out, &t, &a);      /* 2^250 − 1 */
}

static void fe_invert(fe *out, const fe *z) {
    fe t, z11;
    fe_pow_2_250_1(&t, &z11, z);
    fe_sq_n(&t, &t, 5);
    fe_mul(out, &t, &z11); /* 2^255 − 21 = p − 2 */
}

static void fe_pow22523(fe *out, const fe *z) {
    fe t, z11;
    fe_pow_2_250_1(&t, &z11, z);
    fe_sq_n(&t, &t, 2);
    fe_mul(out, &t, z); /* 2^252 − 3 = (p − 5)/8 */
}

/* Constant-time helpers: b is 0 or 1. */
static inline void fe_cmov(fe *f, const fe *g, u64 b) {
    const u64 mask = (u64)0 - b;
    for (int i = 0; i < 5; i++) f->v[i] ^= mask & (f->v[i] ^ g->v[i]);
}

static inline u64 fe_is_negative(const fe *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    return s[0] & 1;
}

static inline u64 fe_is_zero(const fe *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= s[i];
    return (u64)(((unsigned)acc - 1U) >> 8) & 1;
}

static inline u64 fe_eq(const fe *f, const fe *g) {
    fe d;
    fe_sub(&d, f, g);
    return fe_is_zero(&d);
}

static inline void fe_cneg(fe *f, u64 b) {
    fe n;
    fe_neg(&n, f);
    fe_cmov(f, &n, b);
}

static inline void fe_abs(fe *f) { fe_cneg(f, fe_is_negative(f)); }

/* RFC 9496 §4.2 SQRT_RATIO_M1: r = abs(sqrt(u/v)) or abs(sqrt(i·u/v)); returns was_square. */
static u64 fe_sqrt_ratio_m1(fe *r, const fe *u, const fe *v) {
    fe v3, v7, t, check, u_neg, u_neg_i, r_prime;
    fe_sq(&v3, v);
    fe_mul(&v3, &v3, v);      /* v^3 */
    fe_sq(&v7, &v3);
    fe_mul(&v7, &v7, v);      /* v^7 */
    fe_mul(&t, u, &v7);
    fe_pow22523(&t, &t);      /* (u·v^7)^((p−5)/8) */
    fe_mul(&t, &t, &v3);
    fe_mul(r, &t, u);         /* u·v^3·(u·v^7)^((p−5)/8) */
    fe_sq(&check, r);
    fe_mul(&check, &check, v);
    fe_neg(&u_neg, u);
    fe_mul(&u_neg_i, &u_neg, &FE_SQRT_M1);
    const u64 correct = fe_eq(&check, u);
    const u64 flipped = fe_eq(&check, &u_neg);
    const u64 flipped_i = fe_eq(&check, &u_neg_i);
    fe_mul(&r_prime, r, &FE_SQRT_M1);
    fe_cmov(r, &r_prime, flipped | flipped_i);
    fe_abs(r);
    return correct | flipped;
}

/* --------------------------------------------------------------------- group elements */

/* Extended coordinates: x = X/Z, y = Y/Z, x·y = T/Z. */
typedef struct {
    fe X, Y, Z, T;
} ge_p3;

/* Projective: x = X/Z, y = Y/Z. */
typedef struct {
    fe X, Y, Z;
} ge_p2;

/* Completed: x = X/Z, y = Y/T (the output of an addition or doubling). */
typedef struct {
    fe X, Y, Z, T;
} ge_p1p1;

/* Cached for additions: Y+X, Y−X, Z, 2d·T. */
typedef struct {
    fe YpX, YmX, Z, T2d;
} ge_cached;

/* Affine (Z = 1) for mixed additions: y+x, y−x, 2d·x·y. */
typedef struct {
    fe ypx, ymx, xy2d;
} ge_precomp;

static void ge_p3_identity(ge_p3 *h) {
    h->X = FE_ZERO;
    h->Y = FE_ONE;
    h->Z = FE_ONE;
    h->T = FE_ZERO;
}

static void ge_precomp_identity(ge_precomp *h) {
    h->ypx = FE_ONE;
    h->ymx = FE_ONE;
    h->xy2d = FE_ZERO;
}

static void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p) {
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
}

static void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p) {
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
    fe_mul(&r->T, &p->X, &p->Y);
}

static void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p) {
    r->X = p->X;
    r->Y = p->Y;
    r->Z = p->Z;
}

static void ge_p3_to_cached(ge_cached *r, const ge_p3 *p) {
    fe_add(&r->YpX, &p->Y, &p->X);
    fe_sub(&r->YmX, &p->Y, &p->X);
    r->Z = p->Z;
    fe_mul(&r->T2d, &p->T, &FE_D2);
}

/* Doubling (dbl-2008-hwcd with a = −1): E = (X+Y)² − X² − Y², G = Y² − X²,
 * F = G − 2Z², H = −X² − Y²; x = E/G... written as the completed point (E, H, G, F). */
static void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p) {
    fe a, b, c, e, s;
    fe_sq(&a, &p->X);
    fe_sq(&b, &p->Y);
    fe_sq(&c, &p->Z);
    fe_add(&c, &c, &c);
    fe_add(&s, &p->X, &p->Y);
    fe_sq(&e, &s);
    fe_sub(&r->Z, &b, &a);         /* G = B − A */
    fe_add(&s, &a, &b);
    fe_neg(&r->Y, &s);             /* H = −A − B */
    fe_sub(&r->X, &e, &s);         /* E = (X+Y)² − A − B */
    fe_sub(&r->T, &r->Z, &c);      /* F = G − 2Z² */
}

static void ge_p3_dbl(ge_p1p1 *r, const ge_p3 *p) {
    ge_p2 q;
    ge_p3_to_p2(&q, p);
    ge_p2_dbl(r, &q);
}

/* Unified addition (add-2008-hwcd-3, k = 2d): A = (Y1−X1)(Y2−X2), B = (Y1+X1)(Y2+X2),
 * C = T1·2d·T2, D = 2·Z1·Z2; E = B − A, F = D − C, G = D + C, H = B + A. */
static void ge_add(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->YmX);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->YpX);
    fe_mul(&c, &p->T, &q->T2d);
    fe_mul(&d, &p->Z, &q->Z);
    fe_add(&d, &d, &d);
    fe_sub(&r->X, &b, &a);   /* E */
    fe_add(&r->Y, &b, &a);   /* H */
    fe_add(&r->Z, &d, &c);   /* G */
    fe_sub(&r->T, &d, &c);   /* F */
}

/* p − q: the same with −q = (−x, y), i.e. Y+X and Y−X swapped and T negated. */
static void ge_sub(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->YpX);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->YmX);
    fe_mul(&c, &p->T, &q->T2d);
    fe_mul(&d, &p->Z, &q->Z);
    fe_add(&d, &d, &d);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_sub(&r->Z, &d, &c);
    fe_add(&r->T, &d, &c);
}

/* Mixed addition with an affine point (Z2 = 1). */
static void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_precomp *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->ymx);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->ypx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&d, &p->Z, &p->Z);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_add(&r->Z, &d, &c);
    fe_sub(&r->T, &d, &c);
}

static void ge_msub(ge_p1p1 *r, const ge_p3 *p, const ge_precomp *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->ypx);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->ymx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&d, &p->Z, &p->Z);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_sub(&r->Z, &d, &c);
    fe_add(&r->T, &d, &c);
}

static inline void ge_add_p3(ge_p3 *r, const ge_p3 *p, const ge_p3 *q) {
    ge_cached c;
    ge_p1p1 t;
    ge_p3_to_cached(&c, q);
    ge_add(&t, p, &c);
    ge_p1p1_to_p3(r, &t);
}

/* ------------------------------------------------------------ RFC 9496 decode / encode */

static int bytes_eq32(const uint8_t *a, const uint8_t *b) {
    uint8_t d = 0;
    for (int i = 0; i < 32; i++) d |= a[i] ^ b[i];
    return d == 0;
}

/* RFC 9496 §4.3.1 DECODE. Rejects: bit 255 set, s ≥ p (non-canonical), s negative,
 * a non-square, x·y negative, y = 0. Returns 0 on success, −1 otherwise. Public input. */
static int ge_decode(ge_p3 *h, const uint8_t s[32]) {
    uint8_t check[32];
    fe S, ss, u1, u2, u2_sqr, v, t, invsqrt, den_x, den_y, x, y;
    if (s[31] & 0x80) return -1;
    fe_frombytes(&S, s);
    fe_tobytes(check, &S);
    if (!bytes_eq32(check, s)) return -1; /* s ≥ p */
    if (check[0] & 1) return -1;          /* s is negative */
    fe_sq(&ss, &S);
    fe_sub(&u1, &FE_ONE, &ss);
    fe_add(&u2, &FE_ONE, &ss);
    fe_sq(&u2_sqr, &u2);
    fe_sq(&t, &u1);
    fe_mul(&t, &t, &FE_D);
    fe_neg(&t, &t);
    fe_sub(&v, &t, &u2_sqr);        /* v = −(D·u1²) − u2² */
    fe_mul(&t, &v, &u2_sqr);
    const u64 was_square = fe_sqrt_ratio_m1(&invsqrt, &FE_ONE, &t);
    fe_mul(&den_x, &invsqrt, &u2);
    fe_mul(&den_y, &invsqrt, &den_x);
    fe_mul(&den_y, &den_y, &v);
    fe_add(&t, &S, &S);
    fe_mul(&x, &t, &den_x);
    fe_abs(&x);
    fe_mul(&y, &u1, &den_y);
    fe_mul(&t, &x, &y);
    if (!was_square || fe_is_negative(&t) || fe_is_zero(&y)) return -1;
    h->X = x;
    h->Y = y;
    h->Z = FE_ONE;
    h->T = t;
    return 0;
}

/* RFC 9496 §4.3.2 ENCODE, constant time. */
static void ge_encode(uint8_t s[32], const ge_p3 *p) {
    fe u1, u2, t, invsqrt, den1, den2, z_inv, ix0, iy0, ench, x, y, den_inv;
    fe_add(&t, &p->Z, &p->Y);
    fe_sub(&u1, &p->Z, &p->Y);
    fe_mul(&u1, &u1, &t);              /* (Z + Y)(Z − Y) */
    fe_mul(&u2, &p->X, &p->Y);
    fe_sq(&t, &u2);
    fe_mul(&t, &t, &u1);
    fe_sqrt_ratio_m1(&invsqrt, &FE_ONE, &t);
    fe_mul(&den1, &invsqrt, &u1);
    fe_mul(&den2, &invsqrt, &u2);
    fe_mul(&z_inv, &den1, &den2);
    fe_mul(&z_inv, &z_inv, &p->T);
    fe_mul(&ix0, &p->X, &FE_SQRT_M1);
    fe_mul(&iy0, &p->Y, &FE_SQRT_M1);
    fe_mul(&ench, &den1, &FE_INVSQRT_A_MINUS_D);
    fe_mul(&t, &p->T, &z_inv);
    const u64 rotate = fe_is_negative(&t);
    x = p->X;
    y = p->Y;
    fe_cmov(&x, &iy0, rotate);
    fe_cmov(&y, &ix0, rotate);
    den_inv = den2;
    fe_cmov(&den_inv, &ench, rotate);
    fe_mul(&t, &x, &z_inv);
    fe_cneg(&y, fe_is_negative(&t));
    fe_sub(&t, &p->Z, &y);
    fe_mul(&t, &den_inv, &t);
    fe_abs(&t);
    fe_tobytes(s, &t);
}

/* RFC 9496 §4.3.4 MAP (the Elligator-based map used by FROM_UNIFORM). */
static void ge_elligator(ge_p3 *h, const fe *t) {
    fe r, u, v, s, s_prime, c, n, w0, w1, w2, w3, tmp, tmp2;
    fe_sq(&r, t);
    fe_mul(&r, &r, &FE_SQRT_M1);
    fe_add(&u, &r, &FE_ONE);
    fe_mul(&u, &u, &FE_ONE_MINUS_D_SQ);
    fe_mul(&tmp, &r, &FE_D);
    fe_sub(&tmp, &FE_ZERO, &tmp);
    fe_sub(&tmp, &tmp, &FE_ONE);       /* −1 − r·D */
    fe_add(&tmp2, &r, &FE_D);
    fe_mul(&v, &tmp, &tmp2);
    const u64 was_square = fe_sqrt_ratio_m1(&s, &u, &v);
    fe_mul(&s_prime, &s, t);
    fe_abs(&s_prime);
    fe_neg(&s_prime, &s_prime);
    fe_cmov(&s, &s_prime, 1 - was_square);
    fe_neg(&c, &FE_ONE);
    fe_cmov(&c, &r, 1 - was_square);
    fe_sub(&tmp, &r, &FE_ONE);
    fe_mul(&n, &c, &tmp);
    fe_mul(&n, &n, &FE_D_MINUS_ONE_SQ);
    fe_sub(&n, &n, &v);
    fe_add(&w0, &s, &s);
    fe_mul(&w0, &w0, &v);
    fe_mul(&w1, &n, &FE_SQRT_AD_MINUS_ONE);
    fe_sq(&tmp, &s);
    fe_sub(&w2, &FE_ONE, &tmp);
    fe_add(&w3, &FE_ONE, &tmp);
    fe_mul(&h->X, &w0, &w3);
    fe_mul(&h->Y, &w2, &w1);
    fe_mul(&h->Z, &w1, &w3);
    fe_mul(&h->T, &w0, &w2);
}

int tn_point_is_valid(const char *p) {
    ge_p3 h;
    return ge_decode(&h, (const uint8_t *)p) == 0;
}

size_t tn_points_first_invalid(const char *points, size_t n) {
    ge_p3 h;
    for (size_t i = 0; i < n; i++) {
        if (ge_decode(&h, (const uint8_t *)points + 32 * i) != 0) return i;
    }
    return n;
}

int tn_point_recode(char *out, const char *p) {
    ge_p3 h;
    if (ge_decode(&h, (const uint8_t *)p) != 0) return TN_BAD_POINT;
    ge_encode((uint8_t *)out, &h);
    return TN_OK;
}

void tn_from_uniform(char *out, const char *bytes64) {
    uint8_t half[32];
    fe t;
    ge_p3 p1, p2, r;
    const uint8_t *in = (const uint8_t *)bytes64;
    memcpy(half, in, 32);
    half[31] &= 0x7f;
    fe_frombytes(&t, half);
    ge_elligator(&p1, &t);
    memcpy(half, in + 32, 32);
    half[31] &= 0x7f;
    fe_frombytes(&t, half);
    ge_elligator(&p2, &t);
    ge_add_p3(&r, &p1, &p2);
    ge_encode((uint8_t *)out, &r);
}

/* ----------------------------------------------------------------------------- scalars */

/* ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian bytes. */
static const uint8_t ORDER_LE[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/* 1 when s < ℓ (public scalars only: variable time). */
static int scalar_is_reduced(const uint8_t s[32]) {
    for (int i = 31; i >= 0; i--) {
        if (s[i] < ORDER_LE[i]) return 1;
        if (s[i] > ORDER_LE[i]) return 0;
    }
    return 0; /* equal to ℓ */
}

static int scalar_is_zero(const uint8_t s[32]) {
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= s[i];
    return acc == 0;
}

/* Width-w non-adjacent form of a scalar below 2^253: 256 signed odd digits (or zero),
 * |digit| < 2^(w−1), at most one non-zero digit in any w consecutive ones. */
static void scalar_wnaf(int8_t naf[256], const uint8_t s[32], int w) {
    u64 x[5];
    for (int i = 0; i < 4; i++) x[i] = load64_le(s + 8 * i);
    x[4] = 0;
    memset(naf, 0, 256);
    const u64 width = (u64)1 << w;
    const u64 window_mask = width - 1;
    u64 carry = 0;
    size_t pos = 0;
    while (pos < 256) {
        const size_t idx = pos / 64, bit = pos % 64;
        u64 bits;
        if (bit < 64 - (size_t)w) {
            bits = x[idx] >> bit;
        } else {
            bits = (x[idx] >> bit) | (x[idx + 1] << (64 - bit));
        }
        const u64 window = carry + (bits & window_mask);
        if ((window & 1) == 0) {
            pos += 1;
            continue;
        }
        if (window < width / 2) {
            carry = 0;
            naf[pos] = (int8_t)window;
        } else {
            carry = 1;
            naf[pos] = (int8_t)((int64_t)window - (int64_t)width);
        }
        pos += (size_t)w;
    }
    /* s < 2^253, so no carry is left past bit 255. */
}

/* Signed radix-2^c digits of a scalar below 2^253: `count` digits in [−2^(c−1), 2^(c−1)),
 * with count = ceil(255 / c) so that the top digit never carries out. */
static void scalar_signed_radix(int32_t *digits, const uint8_t s[32], int c, int count) {
    u64 x[5];
    for (int i = 0; i < 4; i++) x[i] = load64_le(s + 8 * i);
    x[4] = 0;
    const u64 radix = (u64)1 << c;
    const u64 mask = radix - 1;
    int64_t carry = 0;
    for (int i = 0; i < count; i++) {
        const size_t pos = (size_t)i * (size_t)c;
        const size_t idx = pos / 64, bit = pos % 64;
        u64 bits;
        if (idx >= 4) {
            bits = 0;
        } else if (bit + (size_t)c <= 64 || bit == 0) {
            bits = x[idx] >> bit;
        } else {
            bits = (x[idx] >> bit) | (x[idx + 1] << (64 - bit));
        }
        int64_t d = (int64_t)(bits & mask) + carry;
        carry = (d + (int64_t)(radix / 2)) >> c;
        d -= carry * (int64_t)radix;
        digits[i] = (int32_t)d;
    }
}

/* ----------------------------------------------------------- multi-scalar multiplication */

/* Checks every term; decodes every point into `pts` (when not NULL). */
static int check_terms(const uint8_t *scalars, const uint8_t *points, size_t n, ge_p3 *pts,
                       size_t *bad, int *identity_term) {
    ge_p3 tmp;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = points + 32 * i;
        const uint8_t *s = scalars + 32 * i;
        if (!scalar_is_reduced(s)) {
            *bad = i;
            return TN_BAD_SCALAR;
        }
        if (ge_decode(pts ? &pts[i] : &tmp, p) != 0) {
            *bad = i;
            return TN_BAD_POINT;
        }
        if (scalar_is_zero(s) || scalar_is_zero(p)) *identity_term = 1;
    }
    return TN_OK;
}

int tn_msm_straus(char *out, const char *scalars_c, const char *points_c, size_t n, size_t *bad) {
    const uint8_t *scalars = (const uint8_t *)scalars_c;
    const uint8_t *points = (const uint8_t *)points_c;
    int identity_term = 0;
    size_t dummy;
    if (!bad) bad = &dummy;
    ge_p3 *pts = malloc((n ? n : 1) * sizeof(ge_p3));
    ge_cached *tables = malloc((n ? n : 1) * 8 * sizeof(ge_cached));
    int8_t *nafs = malloc((n ? n : 1) * 256);
    int rc = TN_NO_MEMORY;
    if (!pts || !tables || !nafs) goto done;
    rc = check_terms(scalars, points, n, pts, bad, &identity_term);
    if (rc != TN_OK) goto done;
    int top = -1;
    for (size_t i = 0; i < n; i++) {
        /* Odd multiples P, 3P, …, 15P. */
        ge_cached *tab = tables + 8 * i;
        ge_p1p1 t;
        ge_p3 p2, acc;
        ge_p3_dbl(&t, &pts[i]);
        ge_p1p1_to_p3(&p2, &t);
        ge_p3_to_cached(&tab[0], &pts[i]);
        acc = pts[i];
        for (int j = 1; j < 8; j++) {
            ge_p3 next;
            ge_cached c2;
            ge_p3_to_cached(&c2, &p2);
            ge_add(&t, &acc, &c2);
            ge_p1p1_to_p3(&next, &t);
            ge_p3_to_cached(&tab[j], &next);
            acc = next;
        }
        scalar_wnaf(nafs + 256 * i, scalars + 32 * i, 5);
        for (int k = 255; k > top; k--) {
            if (nafs[256 * i + k]) {
                top = k;
                break;
            }
        }
    }
    ge_p3 r;
    ge_p3_identity(&r);
    if (top >= 0) {
        ge_p2 r2;
        ge_p1p1 t;
        ge_p3_to_p2(&r2, &r);
        for (int k = top; k >= 0; k--) {
            ge_p2_dbl(&t, &r2);
            for (size_t i = 0; i < n; i++) {
                const int d = nafs[256 * i + k];
                if (d > 0) {
                    ge_p1p1_to_p3(&r, &t);
                    ge_add(&t, &r, &tables[8 * i + d / 2]);
                } else if (d < 0) {
                    ge_p1p1_to_p3(&r, &t);
                    ge_sub(&t, &r, &tables[8 * i + (-d) / 2]);
                }
            }
            if (k > 0) {
                ge_p1p1_to_p2(&r2, &t);
            } else {
                ge_p1p1_to_p3(&r, &t);
            }
        }
    }
    ge_encode((uint8_t *)out, &r);
    rc = identity_term ? TN_IDENTITY_TERM : TN_OK;
done:
    free(pts);
    free(tables);
    free(nafs);
    return rc;
}

/* The window width that minimises the bucket method's additions for n points. */
static int pippenger_window(size_t n) {
    int best = 4;
    double best_cost = 1e300;
    for (int c = 4; c <= 16; c++) {
        const int count = (255 + c - 1) / c;
        /* per window: n mixed additions, 2 additions per bucket, c doublings */
        const double cost = (double)count * ((double)n * 1.0 + (double)((size_t)1 << (c - 1)) * 2.2 +
                                              (double)c * 0.8);
        if (cost < best_cost) {
            best_cost = cost;
            best = c;
        }
    }
    return best;
}

int tn_msm_pippenger(char *out, const char *scalars_c, const char *points_c, size_t n,
                     size_t *bad) {
    const uint8_t *scalars = (const uint8_t *)scalars_c;
    const uint8_t *points = (const uint8_t *)points_c;
    int identity_term = 0;
    size_t dummy;
    if (!bad) bad = &dummy;
    const int c = pippenger_window(n);
    const int count = (255 + c - 1) / c;
    const size_t nbuckets = (size_t)1 << (c - 1);
    ge_p3 *pts = malloc((n ? n : 1) * sizeof(ge_p3));
    ge_precomp *pre = malloc((n ? n : 1) * sizeof(ge_precomp));
    int32_t *digits = malloc((n ? n : 1) * (size_t)count * sizeof(int32_t));
    ge_p3 *buckets = malloc(nbuckets * sizeof(ge_p3));
    int rc = TN_NO_MEMORY;
    if (!pts || !pre || !digits || !buckets) goto done;
    rc = check_terms(scalars, points, n, pts, bad, &identity_term);
    if (rc != TN_OK) goto done;
    for (size_t i = 0; i < n; i++) {
        /* Decoded points have Z = 1: affine form for mixed additions. */
        fe_add(&pre[i].ypx, &pts[i].Y, &pts[i].X);
        fe_sub(&pre[i].ymx, &pts[i].Y, &pts[i].X);
        fe_mul(&pre[i].xy2d, &pts[i].T, &FE_D2);
        scalar_signed_radix(digits + (size_t)count * i, scalars + 32 * i, c, count);
    }
    ge_p3 acc;
    ge_p3_identity(&acc);
    ge_p1p1 t;
    for (int w = count - 1; w >= 0; w--) {
        if (w != count - 1) {
            ge_p2 r2;
            ge_p3_to_p2(&r2, &acc);
            for (int k = 0; k < c; k++) {
                ge_p2_dbl(&t, &r2);
                if (k + 1 < c) ge_p1p1_to_p2(&r2, &t);
            }
            ge_p1p1_to_p3(&acc, &t);
        }
        unsigned char *used = calloc(nbuckets, 1);
        if (!used) {
            rc = TN_NO_MEMORY;
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            const int32_t d = digits[(size_t)count * i + (size_t)w];
            if (d == 0) continue;
            const size_t b = (size_t)(d > 0 ? d : -d) - 1;
            if (!used[b]) ge_p3_identity(&buckets[b]);
            used[b] = 1;
            if (d > 0) {
                ge_madd(&t, &buckets[b], &pre[i]);
            } else {
                ge_msub(&t, &buckets[b], &pre[i]);
            }
            ge_p1p1_to_p3(&buckets[b], &t);
        }
        /* Σ_k k·bucket[k−1] as a running sum from the top bucket down. */
        ge_p3 running, total;
        int have_running = 0;
        ge_p3_identity(&running);
        ge_p3_identity(&total);
        for (size_t k = nbuckets; k-- > 0;) {
            if (used[k]) {
                if (have_running) {
                    ge_add_p3(&running, &running, &buckets[k]);
                } else {
                    running = buckets[k];
                }
                have_running = 1;
            }
            if (have_running) ge_add_p3(&total, &total, &running);
        }
        free(used);
        ge_add_p3(&acc, &acc, &total);
    }
    ge_encode((uint8_t *)out, &acc);
    rc = identity_term ? TN_IDENTITY_TERM : TN_OK;
done:
    free(pts);
    free(pre);
    free(digits);
    free(buckets);
    return rc;
}

/* Below this many terms interleaved wNAF (Straus) beats the bucket method. */
#define TN_STRAUS_MAX 128

int tn_msm(char *out, const char *scalars, const char *points, size_t n, size_t *bad) {
    if (n <= TN_STRAUS_MAX) return tn_msm_straus(out, scalars, points, n, bad);
    return tn_msm_pippenger(out, scalars, points, n, bad);
}

int tn_sum(char *out, const char *points_c, size_t n, size_t *bad) {
    const uint8_t *points = (const uint8_t *)points_c;
    ge_p3 acc, p;
    ge_precomp q;
    ge_p1p1 t;
    size_t dummy;
    if (!bad) bad = &dummy;
    ge_p3_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        if (ge_decode(&p, points + 32 * i) != 0) {
            *bad = i;
            return TN_BAD_POINT;
        }
        fe_add(&q.ypx, &p.Y, &p.X);
        fe_sub(&q.ymx, &p.Y, &p.X);
        fe_mul(&q.xy2d, &p.T, &FE_D2);
        ge_madd(&t, &acc, &q);
        ge_p1p1_to_p3(&acc, &t);
    }
    ge_encode((uint8_t *)out, &acc);
    return TN_OK;
}

/* ------------------------------------------------- constant-time fixed-base table (secret) */

/* table[i][j] = (j + 1)·256^i·P in affine form, i < 32, j < 8. */
typedef struct {
    ge_precomp e[32][8];
} fixed_table;

size_t tn_fixed_base_size(void) { return sizeof(fixed_table); }

static void ge_p3_to_precomp(ge_precomp *r, const ge_p3 *p) {
    fe zi, x, y;
    fe_invert(&zi, &p->Z);
    fe_mul(&x, &p->X, &zi);
    fe_mul(&y, &p->Y, &zi);
    fe_add(&r->ypx, &y, &x);
    fe_sub(&r->ymx, &y, &x);
    fe_mul(&r->xy2d, &x, &y);
    fe_mul(&r->xy2d, &r->xy2d, &FE_D2);
    fe_carry(&r->ypx);
}

int tn_fixed_base_init(char *table_c, const char *point) {
    fixed_table *table = (fixed_table *)(void *)table_c;
    ge_p3 base, acc, next;
    ge_p1p1 t;
    if (ge_decode(&base, (const uint8_t *)point) != 0) return TN_BAD_POINT;
    for (int i = 0; i < 32; i++) {
        acc = base;
        ge_p3_to_precomp(&table->e[i][0], &acc);
        for (int j = 1; j < 8; j++) {
            ge_add_p3(&next, &acc, &base);
            acc = next;
            ge_p3_to_precomp(&table->e[i][j], &acc);
        }
        /* base ← 256·base */
        for (int k = 0; k < 8; k++) {
            ge_p3_dbl(&t, &base);
            ge_p1p1_to_p3(&base, &t);
        }
    }
    return TN_OK;
}

static inline u64 ct_eq_u8(uint8_t a, uint8_t b) {
    return (u64)((((uint32_t)(a ^ b)) - 1U) >> 31);
}

/* t = b·256^pos·P for a digit b in [−8, 8], reading all eight entries (no secret index). */
static void fixed_select(ge_precomp *t, const fixed_table *table, int pos, int8_t b) {
    const int8_t sign_mask = (int8_t)(b >> 7); /* −1 when b < 0, else 0 */
    const u64 negative = (u64)(sign_mask & 1);
    const uint8_t babs = (uint8_t)((b ^ sign_mask) - sign_mask);
    ge_precomp minus;
    ge_precomp_identity(t);
    for (int j = 0; j < 8; j++) {
        const u64 take = ct_eq_u8(babs, (uint8_t)(j + 1));
        fe_cmov(&t->ypx, &table->e[pos][j].ypx, take);
        fe_cmov(&t->ymx, &table->e[pos][j].ymx, take);
        fe_cmov(&t->xy2d, &table->e[pos][j].xy2d, take);
    }
    minus.ypx = t->ymx;
    minus.ymx = t->ypx;
    fe_neg(&minus.xy2d, &t->xy2d);
    fe_cmov(&t->ypx, &minus.ypx, negative);
    fe_cmov(&t->ymx, &minus.ymx, negative);
    fe_cmov(&t->xy2d, &minus.xy2d, negative);
}

void tn_fixed_base_mul(char *out, const char *table_c, const char *scalar) {
    const fixed_table *table = (const fixed_table *)(const void *)table_c;
    const uint8_t *s = (const uint8_t *)scalar;
    int8_t e[64];
    for (int i = 0; i < 32; i++) {
        e[2 * i] = (int8_t)(s[i] & 15);
        e[2 * i + 1] = (int8_t)((s[i] >> 4) & 15);
    }
    /* Signed digits in [−8, 8): carry without branches. */
    int8_t carry = 0;
    for (int i = 0; i < 63; i++) {
        e[i] = (int8_t)(e[i] + carry);
        carry = (int8_t)((e[i] + 8) >> 4);
        e[i] = (int8_t)(e[i] - (int8_t)(carry * 16));
    }
    e[63] = (int8_t)(e[63] + carry);
    ge_p3 h;
    ge_p1p1 r;
    ge_p2 q;
    ge_precomp t;
    ge_p3_identity(&h);
    for (int i = 1; i < 64; i += 2) {
        fixed_select(&t, table, i / 2, e[i]);
        ge_madd(&r, &h, &t);
        ge_p1p1_to_p3(&h, &r);
    }
    ge_p3_dbl(&r, &h);
    ge_p1p1_to_p2(&q, &r);
    ge_p2_dbl(&r, &q);
    ge_p1p1_to_p2(&q, &r);
    ge_p2_dbl(&r, &q);
    ge_p1p1_to_p2(&q, &r);
    ge_p2_dbl(&r, &q);
    ge_p1p1_to_p3(&h, &r);
    for (int i = 0; i < 64; i += 2) {
        fixed_select(&t, table, i / 2, e[i]);
        ge_madd(&r, &h, &t);
        ge_p1p1_to_p3(&h, &r);
    }
    ge_encode((uint8_t *)out, &h);
}
