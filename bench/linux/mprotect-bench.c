// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect-bench: the Linux side of bench=mprotect.
 *
 * For every N: mmap N anonymous pages, write to each, then time rounds of
 * mprotect(PROT_READ) + mprotect(PROT_READ | PROT_WRITE) over the whole
 * mapping with clock_gettime(CLOCK_MONOTONIC), repeats times.  One round
 * is 2 * N pte updates, as in the guest.  Output, one line per N:
 *
 *	BENCH {"backend":"linux","pages":N,"rounds":R,...,"ns_per_pte":..}
 *
 * with the fields only a hypervisor trace can give left null (the host
 * fills hypercalls_per_pte in from xentrace, see tools/bench-run), and,
 * as the guest gives them, every repeat's ns per pte in repeat order
 * (ns_per_pte_samples) and the median's 95% interval (ns_per_pte_ci95,
 * bench/ci95.h; null under 6 repeats).
 *
 * Phases for that trace: before and after the timed repeats of each N,
 * and around an empty "zero" phase of the same shape with no mprotect
 * (rounds = 0), the program calls ioperm() on and off.  Under Xen PV each
 * ioperm() is a physdev_op hypercall, which nothing else issues once the
 * system is up, so the trace can be cut into phases at them:
 *
 *	MARK   then for every N:   MARK zero(N) MARK   MARK run(N) MARK
 *
 * (the first MARK absorbs the extra physdev_op of a process's first
 * ioperm(), so that every later MARK is exactly two records).
 * Options (or, when this is /init, the kernel command line words
 * bench_pages=, bench_rounds=, bench_repeats=, which the kernel hands to
 * init as environment variables):
 *	--pages 1,8,64  --rounds 1000,250,64 (or one value)  --repeats 5
 *	--no-marks      do not call ioperm()
 *
 * As /init it mounts devtmpfs, writes to /dev/console and powers off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>

#include "mark.h"
#include "../ci95.h"

#define MAX_SIZES	16
#define MAX_REPEATS	31

static unsigned long pages[MAX_SIZES] = { 1, 8, 64, 512, 4096, 32768 };
static unsigned int nr_pages = 6;
static unsigned long rounds[MAX_SIZES];
static unsigned int nr_rounds;
static unsigned long repeats = 5;
static int marks = 1;
static long page_size;
/* "linux", or "linux-pvbatch" for the kernel built with linux/patches/. */
static const char *backend = "linux";

static int parse_list(const char *s, unsigned long *out, unsigned int *n,
		      int allow_zero)
{
	char *end;

	*n = 0;
	while (*s) {
		if (*n == MAX_SIZES)
			return -1;
		errno = 0;
		out[*n] = strtoul(s, &end, 10);
		if (errno || end == s || (!allow_zero && !out[*n]))
			return -1;
		(*n)++;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return *n ? 0 : -1;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "mprotect-bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	exit(2);
}

static void set_opt(const char *key, const char *val)
{
	unsigned int n;
	unsigned long v[MAX_SIZES];

	if (!strcmp(key, "pages")) {
		if (parse_list(val, pages, &nr_pages, 0))
			die("bad page list '%s'", val);
	} else if (!strcmp(key, "rounds")) {
		if (parse_list(val, rounds, &nr_rounds, 1))
			die("bad round list '%s'", val);
	} else if (!strcmp(key, "backend")) {
		if (strcmp(val, "linux") && strcmp(val, "linux-pvbatch"))
			die("bad backend '%s' (linux or linux-pvbatch)", val);
		backend = val;
	} else if (!strcmp(key, "repeats")) {
		if (parse_list(val, v, &n, 0) || n != 1 || v[0] > MAX_REPEATS)
			die("bad repeat count '%s' (1..31)", val);
		repeats = v[0];
	} else {
		die("unknown option '%s'", key);
	}
}

static unsigned long default_rounds(unsigned long n)
{
	unsigned long r = 8192 / n;

	return r < 1 ? 1 : r > 1000 ? 1000 : r;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A phase boundary the hypervisor trace can see. */
static void mark(void)
{
	if (!marks)
		return;
	if (ioperm_mark()) {
		perror("mprotect-bench: ioperm (use --no-marks)");
		marks = 0;
	}
}

/*
 * For the trace profile (tools/linux-profile): the next span, two marks,
 * is this phase of this size.
 */
static void span_note(unsigned long n, const char *phase)
{
	if (!marks)
		return;
	printf("SPAN mprotect %lu %s 1\n", n, phase);
	fflush(stdout);
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* Fixed-point, three decimals, as the guest prints it. */
static void fmt3(char *buf, size_t len, unsigned long long num,
		 unsigned long long den)
{
	unsigned long long q;

	if (!den) {
		snprintf(buf, len, "null");
		return;
	}
	q = (num * 1000 + den / 2) / den;
	snprintf(buf, len, "%llu.%03llu", q / 1000, q % 1000);
}

/* rounds x (RO, RW) over the mapping; 0 rounds times only the clock. */
static unsigned long long timed(char *p, size_t len, unsigned long nr)
{
	unsigned long long t0 = now_ns();
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (mprotect(p, len, PROT_READ) ||
		    mprotect(p, len, PROT_READ | PROT_WRITE))
			die("mprotect: %s", strerror(errno));
	}
	return now_ns() - t0;
}

static void bench_size(unsigned long n, unsigned long nr)
{
	size_t len = n * page_size;
	unsigned long long ns[MAX_REPEATS], sorted[MAX_REPEATS];
	unsigned long long updates = 2ULL * n * nr, med;
	unsigned int k = ci_rank(repeats);
	char b_med[32], b_min[32], b_lo[32], b_hi[32], ci[80];
	unsigned long i, rep;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (i = 0; i < n; i++)
		p[i * page_size] = (char)i;

	span_note(n, "zero");
	mark();
	for (rep = 0; rep < repeats; rep++)
		timed(p, len, 0);
	mark();

	span_note(n, "run");
	mark();
	for (rep = 0; rep < repeats; rep++)
		ns[rep] = timed(p, len, nr);
	mark();

	munmap(p, len);
	memcpy(sorted, ns, repeats * sizeof(ns[0]));
	qsort(sorted, repeats, sizeof(sorted[0]), cmp_ull);
	med = repeats & 1 ? sorted[repeats / 2] :
	      (sorted[repeats / 2 - 1] + sorted[repeats / 2]) / 2;
	fmt3(b_med, sizeof(b_med), med, updates);
	fmt3(b_min, sizeof(b_min), sorted[0], updates);
	/* The guest's interval (bench/ci95.h), so the two compare alike. */
	if (k) {
		fmt3(b_lo, sizeof(b_lo), sorted[k - 1], updates);
		fmt3(b_hi, sizeof(b_hi), sorted[repeats - k], updates);
		snprintf(ci, sizeof(ci), "[%s,%s]", b_lo, b_hi);
	} else {
		snprintf(ci, sizeof(ci), "null");
	}
	/* One line, fields in the order tools/pvbatch/results.py lists them. */
	printf("BENCH {\"backend\":\"%s\",\"pages\":%lu,\"rounds\":%lu,\"repeats\":%lu,\"ns_per_pte\":%s,\"ns_per_pte_min\":%s,\"hypercalls_per_pte\":null,\"requests_per_hypercall\":null,\"traps_per_pte\":null,\"flushes_per_mprotect\":null,\"ns_per_pte_ci95\":%s,\"ns_per_pte_samples\":[",
	       backend, n, nr, repeats, b_med, b_min, ci);
	for (rep = 0; rep < repeats; rep++) {
		fmt3(b_lo, sizeof(b_lo), ns[rep], updates);
		printf("%s%s", rep ? "," : "", b_lo);
	}
	printf("],\"marks\":%s}\n", marks ? "true" : "false");
	fflush(stdout);
}

static void as_init(void)
{
	int fd;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	static const char *const keys[] = { "pages", "rounds", "repeats", "backend" };
	unsigned int i;
	int a;

	if (getpid() == 1)
		as_init();
	page_size = sysconf(_SC_PAGESIZE);
	for (i = 0; i < 4; i++) {
		char env[32];
		const char *v;

		snprintf(env, sizeof(env), "bench_%s", keys[i]);
		v = getenv(env);
		if (v)
			set_opt(keys[i], v);
	}
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--no-marks")) {
			marks = 0;
		} else if (!strncmp(argv[a], "--", 2) && a + 1 < argc) {
			set_opt(argv[a] + 2, argv[a + 1]);
			a++;
		} else if (getpid() != 1) {
			die("unknown argument '%s'", argv[a]);
		}
	}
	if (nr_rounds > 1 && nr_rounds != nr_pages)
		die("%s", "give one round count, or one per page count");

	printf("mprotect-bench: %u sizes, %lu repeats, page %ld\n", nr_pages,
	       repeats, page_size);
	/* The first ioperm() of a process costs one extra physdev_op: absorb it. */
	if (marks)
		printf("SPAN - 0 absorb 1\n");
	mark();
	for (i = 0; i < nr_pages; i++) {
		unsigned long nr = !nr_rounds ? default_rounds(pages[i]) :
				   rounds[nr_rounds == 1 ? 0 : i];

		printf("mprotect-bench: %lu pages, %lu rounds\n", pages[i], nr);
		fflush(stdout);
		bench_size(pages[i], nr);
	}
	printf("mprotect-bench: done\n");
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
