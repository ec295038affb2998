/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rank behind a distribution-free 95% interval of a median, shared by
 * the guest's benchmark (bench/mprotect.c) and Linux's
 * (bench/linux/mprotect-bench.c), so that both sides of a comparison put
 * the same interval on their medians (tools/pvbatch/results.py checks it).
 *
 * ci_rank(n) is the largest k with P(X < k) <= 0.025 for X ~ Binomial(n,
 * 1/2): the k-th smallest and the k-th largest of n samples hold the
 * median between them with probability at least 0.95.  0 if n < 6, too
 * few for any; n at most 58 (the sums stay within 64 bits).
 */
#ifndef BENCH_CI95_H
#define BENCH_CI95_H

static inline unsigned int ci_rank(unsigned int n)
{
	unsigned long long c = 1, cum = 0, total = 1ULL << n;
	unsigned int k;

	for (k = 0; k < n; k++) {
		if ((cum + c) * 40 > total)
			return k;
		cum += c;
		c = c * (n - k) / (k + 1);
	}
	return k;
}

#endif
