/*
 * rnd.h: deterministic hashing for awsim's generated data.
 *
 * Everything awsim generates is a pure function of (seed, what, where):
 * account i's name, cell (a, r)'s findings, fault decisions. These helpers
 * are splitmix64 steps; they are cheap enough to recompute per request, so
 * per-cell data is never stored (10,000 accounts x 25 regions stay small).
 */
#ifndef AWSIM_RND_H
#define AWSIM_RND_H

#include <stdint.h>

static inline uint64_t
rnd_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A hash of up to four values under a seed; tag separates purposes. */
static inline uint64_t
rnd_h(uint64_t seed, uint64_t tag, uint64_t a, uint64_t b, uint64_t c)
{
	return rnd_mix(rnd_mix(rnd_mix(rnd_mix(seed ^ (tag << 48)) ^ a) ^ b) ^ c);
}

/* Uniform in [0, 1). */
static inline double
rnd_u01(uint64_t h)
{
	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n). */
static inline uint32_t
rnd_below(uint64_t h, uint32_t n)
{
	return n ? (uint32_t)(((h >> 32) * (uint64_t)n) >> 32) : 0;
}

/* 64-bit FNV-1a of a string, for hashing request parameters. */
static inline uint64_t
rnd_str(uint64_t h, const char *s)
{
	if (h == 0)
		h = 0xcbf29ce484222325ULL;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

#endif
