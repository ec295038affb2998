// SPDX-License-Identifier: GPL-2.0
/*
 * mm-bench: the Linux workloads other than plain mprotect, and the checks
 * every one of them makes on its own results.
 *
 * Workloads (bench_workloads= on the kernel command line, or --workloads):
 *	fork     the parent writes N pages once; then each round it forks,
 *		 the child exits at once, the parent waits for it and writes
 *		 one page (one copy-on-write break per round)
 *	munmap   each round: mmap N pages, write each, munmap them (only the
 *		 munmap is timed, and only it is inside a trace span); after
 *		 each, a read of its first and last page and a write of its
 *		 middle one must fault
 *	smoke    the concurrency smoke: writer threads keep writing their
 *		 pages while the main thread switches the region between
 *		 read-only and read-write; >= 10^5 writes, and no write may
 *		 succeed while the region is known to be read-only; then a
 *		 reader thread reads pages the main thread unmaps and maps
 *		 again: no read may succeed after munmap() has returned; and
 *		 a reader of a page the main thread writes after each fork
 *		 (copy-on-write) may never read a value older than announced
 *	mprotect runs /mprotect-bench (bench/linux/mprotect-bench.c) with
 *		 the same environment, after its own check (below)
 * Before any timing, each workload checks: the child of a fork sees the
 * parent's data, a write after fork breaks copy-on-write in the writer
 * only, a write to a read-only page faults (and a read does not), an
 * unmapped page faults.  A failed check prints "mm-bench: FAIL ..." and
 * the program exits 1 (as /init: powers off after printing it).
 *
 * Output: one BENCH line per workload and N (fields in
 * tools/pvbatch/results.py), and for the trace, "SPAN <workload> <N>
 * <phase> <count>" lines: the next <count> spans of that phase, each
 * bracketed by two marks (ioperm() on and off: physdev_op hypercalls
 * under Xen PV, see mprotect-bench.c).  "SPAN - 0 absorb 1" is a lone
 * mark; "SPAN - 0 exit 1" a lone physdev_op (a process that used ioperm()
 * exiting).
 *
 * bench_kallsyms=LO-HI: print the kernel's text symbols in [LO, HI) (hex)
 * at the end, as KSYM lines.
 * bench_marks=0 (or --no-marks): no marks (the untraced, timed runs).
 * Options: --workloads fork,munmap --pages 1,4096 --rounds 20 (one value,
 * or one per N) --repeats 3 --backend linux|linux-pvbatch --no-marks
 * --smoke-writes 100000 --break-smoke (the smoke's negative control: it
 * announces read-only before the change is made, so writes that still
 * succeed must be reported).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
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
#include <sys/wait.h>

#include "mark.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_SIZES	16
#define MAX_REPEATS	31
#define SMOKE_THREADS	2
#define SMOKE_PAGES	64

static unsigned long pages[MAX_SIZES] = { 1, 64, 4096 };
static unsigned int nr_pages = 3;
static unsigned long rounds[MAX_SIZES];
static unsigned int nr_rounds;
static unsigned long repeats = 3;
static unsigned long smoke_writes = 100000;
static int break_smoke;
static int marks = 1;
static const char *backend = "linux";
static char workloads[256] = "fork,munmap,smoke";
static long page_size;
static int failed;

static void finish(int status)
{
	fflush(stdout);
	fflush(stderr);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	exit(status);
}

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "mm-bench: error: %s%s%s\n", what, arg ? " " : "",
		arg ? arg : "");
	finish(2);
}

static void check(int ok, const char *what)
{
	if (ok)
		return;
	printf("mm-bench: FAIL %s\n", what);
	failed = 1;
}

static int parse_list(const char *s, unsigned long *out, unsigned int *n)
{
	char *end;

	*n = 0;
	while (*s) {
		if (*n == MAX_SIZES)
			return -1;
		errno = 0;
		out[*n] = strtoul(s, &end, 10);
		if (errno || end == s || !out[*n])
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

static unsigned long one_number(const char *key, const char *val,
				unsigned long max)
{
	unsigned long v[MAX_SIZES];
	unsigned int n;

	if (parse_list(val, v, &n) || n != 1 || v[0] > max) {
		fprintf(stderr, "mm-bench: bad %s '%s' (1..%lu)\n", key, val, max);
		finish(2);
	}
	return v[0];
}

static void set_opt(const char *key, const char *val)
{
	if (!strcmp(key, "pages")) {
		if (parse_list(val, pages, &nr_pages))
			die("bad page list", val);
	} else if (!strcmp(key, "rounds")) {
		if (parse_list(val, rounds, &nr_rounds))
			die("bad round list", val);
	} else if (!strcmp(key, "repeats")) {
		repeats = one_number(key, val, MAX_REPEATS);
	} else if (!strcmp(key, "smoke-writes")) {
		smoke_writes = one_number(key, val, 1UL << 40);
	} else if (!strcmp(key, "backend")) {
		if (strcmp(val, "linux") && strcmp(val, "linux-pvbatch"))
			die("bad backend (linux or linux-pvbatch):", val);
		backend = val;
	} else if (!strcmp(key, "workloads")) {
		if (strlen(val) >= sizeof(workloads))
			die("workload list too long:", val);
		strcpy(workloads, val);
	} else {
		die("unknown option", key);
	}
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void mark(void)
{
	if (!marks)
		return;
	if (ioperm_mark()) {
		perror("mm-bench: ioperm (use --no-marks)");
		finish(2);
	}
}

static void span_note(const char *wl, unsigned long n, const char *phase,
		      unsigned long count)
{
	if (!marks)
		return;
	printf("SPAN %s %lu %s %lu\n", wl, n, phase, count);
	fflush(stdout);
}

static char *map_pages(unsigned long n)
{
	char *p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap:", strerror(errno));
	return p;
}

static void touch(char *p, unsigned long n, unsigned char seed)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		p[i * page_size] = (char)(seed + i);
}

/* --- the checks ------------------------------------------------------- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_segv(int sig)
{
	(void)sig;
	if (!fault_armed) {
		static const char msg[] = "mm-bench: FAIL unexpected SIGSEGV\n";

		if (write(1, msg, sizeof(msg) - 1) < 0)
			_exit(3);
		_exit(3);
	}
	siglongjmp(fault_jmp, 1);
}

/* Does a write (or a read) of *p fault? */
static int faults(volatile char *p, int do_write)
{
	volatile char sink;

	if (sigsetjmp(fault_jmp, 1)) {
		fault_armed = 0;
		return 1;
	}
	fault_armed = 1;
	if (do_write)
		*p = 0x5a;
	else
		sink = *p;
	(void)sink;
	fault_armed = 0;
	return 0;
}

static void check_protection(void)
{
	char *p = map_pages(2);

	touch(p, 2, 1);
	check(!mprotect(p, 2 * page_size, PROT_READ), "mprotect(PROT_READ) succeeds");
	check(faults(p + page_size, 1), "a write to a read-only page faults");
	check(!faults(p, 0), "a read of a read-only page does not fault");
	check(p[page_size] == 2, "a faulting write changed nothing");
	check(!mprotect(p, 2 * page_size, PROT_READ | PROT_WRITE),
	      "mprotect(PROT_READ | PROT_WRITE) succeeds");
	check(!faults(p + page_size, 1), "a write after making it writable again works");
	check(!munmap(p, 2 * page_size), "munmap succeeds");
	check(faults(p, 0), "a read of an unmapped page faults");
}

/*
 * fork() with a pipe to the child, which it can wait on (read one byte
 * from to_child[0]) until the parent writes to to_child[1].
 */
static pid_t fork_held(int to_child[2])
{
	pid_t pid;

	if (pipe(to_child))
		die("pipe:", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork:", strerror(errno));
	return pid;
}

static void check_fork(void)
{
	unsigned long n = 64, i;
	char *p = map_pages(n);
	int to_child[2], status = -1;
	pid_t pid;
	char c;

	touch(p, n, 7);
	pid = fork_held(to_child);
	if (!pid) {
		int bad = 0;

		/* Wait until the parent has written page 0. */
		if (read(to_child[0], &c, 1) != 1)
			_exit(10);
		for (i = 0; i < n; i++)
			bad |= p[i * page_size] != (char)(7 + i);
		if (bad)
			_exit(11);  /* lost the parent's data or saw its later write */
		p[page_size] = 0x33;        /* the child's own copy breaks too */
		_exit(p[page_size] == 0x33 ? 0 : 12);
	}
	p[0] = 0x44;                        /* copy-on-write break in the parent */
	check(p[0] == 0x44, "the parent sees its own write after fork");
	c = 1;
	check(write(to_child[1], &c, 1) == 1, "the child is told to look");
	check(waitpid(pid, &status, 0) == pid, "waitpid finds the child");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child saw the parent's data from before its own write only (exit 0)");
	check(p[page_size] == (char)(7 + 1), "the child's write stayed in the child");
	close(to_child[0]);
	close(to_child[1]);
	munmap(p, n * page_size);
}

/* --- statistics and output ---------------------------------------------- */

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static void fmt3(char *buf, size_t len, unsigned long long num,
		 unsigned long long den)
{
	unsigned long long q = (num * 1000 + den / 2) / den;

	snprintf(buf, len, "%llu.%03llu", q / 1000, q % 1000);
}

/* ns[] per repeat, each over nr rounds of n ptes. */
static void report(const char *wl, unsigned long n, unsigned long nr,
		   unsigned long long *ns, const char *extra)
{
	unsigned long long med;
	char b_med[32], b_min[32], b_max[32], b_round[32];

	qsort(ns, repeats, sizeof(ns[0]), cmp_ull);
	med = repeats & 1 ? ns[repeats / 2] :
	      (ns[repeats / 2 - 1] + ns[repeats / 2]) / 2;
	fmt3(b_med, sizeof(b_med), med, (unsigned long long)n * nr);
	fmt3(b_min, sizeof(b_min), ns[0], (unsigned long long)n * nr);
	fmt3(b_max, sizeof(b_max), ns[repeats - 1], (unsigned long long)n * nr);
	fmt3(b_round, sizeof(b_round), med, nr);
	printf("BENCH {\"backend\":\"%s\",\"workload\":\"%s\",\"pages\":%lu,\"rounds\":%lu,\"repeats\":%lu,\"ns_per_pte\":%s,\"ns_per_pte_min\":%s,\"ns_per_pte_max\":%s,\"ns_per_round\":%s,\"hypercalls_per_pte\":null,\"requests_per_hypercall\":null,\"traps_per_pte\":null,\"flushes_per_mprotect\":null,\"pt_hypercalls_per_pte\":null,\"requests_per_mmu_update\":null,\"emulated_pte_writes_per_pte\":null,\"marks\":%s%s}\n",
	       backend, wl, n, nr, repeats, b_med, b_min, b_max, b_round,
	       marks ? "true" : "false", extra);
	fflush(stdout);
}

/* --- fork ------------------------------------------------------------- */

static void bench_fork(unsigned long n, unsigned long nr)
{
	unsigned long long ns[MAX_REPEATS], t;
	unsigned long rep, r, page = 0;
	char *p = map_pages(n);
	int status;
	pid_t pid;

	touch(p, n, 3);
	span_note("fork", n, "run", repeats);
	for (rep = 0; rep < repeats; rep++) {
		mark();
		t = now_ns();
		for (r = 0; r < nr; r++) {
			pid = fork();
			if (pid < 0)
				die("fork:", strerror(errno));
			if (!pid)
				_exit(0);
			if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			    WEXITSTATUS(status))
				die("fork: the child did not exit cleanly", NULL);
			p[page * page_size] = (char)r;
			page = (page + 1) % n;
		}
		ns[rep] = now_ns() - t;
		mark();
	}
	/* Pages the rounds wrote hold their round; the others, the first value. */
	for (r = nr * repeats; r < n; r++)
		if (p[r * page_size] != (char)(3 + r)) {
			check(0, "fork: a page no round wrote kept its value");
			break;
		}
	check(n == 1 || nr * repeats > n || p[(nr * repeats - 1) % n * page_size] == (char)(nr - 1),
	      "fork: the parent's last write after a fork is there");
	munmap(p, n * page_size);
	report("fork", n, nr, ns, "");
}

/* --- munmap ----------------------------------------------------------- */

static void bench_munmap(unsigned long n, unsigned long nr)
{
	unsigned long long ns[MAX_REPEATS], t;
	unsigned long rep, r, bad = 0;
	char *p;

	span_note("munmap", n, "run", repeats * nr);
	for (rep = 0; rep < repeats; rep++) {
		ns[rep] = 0;
		for (r = 0; r < nr; r++) {
			p = map_pages(n);
			touch(p, n, (unsigned char)r);
			mark();
			t = now_ns();
			if (munmap(p, n * page_size))
				die("munmap:", strerror(errno));
			ns[rep] += now_ns() - t;
			mark();
			/* Outside the span: no page of it may still be reachable. */
			if (!faults(p, 0) || !faults(p + (n - 1) * page_size, 0) ||
			    !faults(p + n / 2 * page_size, 1))
				bad++;
		}
	}
	check(!bad, "munmap: a read or write of an unmapped page faults");
	report("munmap", n, nr, ns, "");
}

/* --- the concurrency smoke -------------------------------------------- */

/* Even: writable (or about to be); odd: mprotect(PROT_READ) has returned. */
static volatile unsigned long smoke_epoch;
static volatile int smoke_stop;
static char *smoke_mem;

struct smoke_writer {
	pthread_t thread;
	unsigned long id, writes, faults, bad;
};

static __thread sigjmp_buf smoke_jmp;
static __thread volatile sig_atomic_t smoke_armed;

static void smoke_segv(int sig)
{
	if (!smoke_armed) {
		on_segv(sig);
		return;
	}
	siglongjmp(smoke_jmp, 1);
}

static void *smoke_write(void *arg)
{
	struct smoke_writer *w = arg;
	/* Live across sigsetjmp(): volatile. */
	volatile unsigned long i = 0, e;
	volatile char *p;

	while (!smoke_stop) {
		p = smoke_mem + ((w->id + i * SMOKE_THREADS) % SMOKE_PAGES) * page_size;
		e = smoke_epoch;
		__sync_synchronize();
		if (sigsetjmp(smoke_jmp, 1)) {
			smoke_armed = 0;
			w->faults++;
			continue;
		}
		smoke_armed = 1;
		*p = (char)i;
		smoke_armed = 0;
		__sync_synchronize();
		/* A write that succeeded inside one read-only epoch. */
		if ((e & 1) && smoke_epoch == e)
			w->bad++;
		w->writes++;
		i++;
	}
	return NULL;
}

/*
 * The munmap smoke: a reader thread keeps reading pages that the main
 * thread unmaps and maps again (the first half of a region whose second
 * half stays mapped, so no page table is freed).  A read that succeeds
 * after munmap() has returned, and before the pages are mapped again,
 * went through a translation that should have been flushed.
 * --break-smoke announces the unmap before making it: reads that still
 * succeed must then be reported.
 */
#define UNMAP_PAGES	8
#define UNMAP_ROUNDS	200
#define UNMAP_READS	200	/* reader's progress to wait for, each step */

static volatile unsigned long unmap_epoch;	/* odd: the pages are unmapped */
static char *volatile unmap_mem;

struct unmap_reader {
	pthread_t thread;
	volatile unsigned long reads, faults, bad;
};

static void *unmap_read(void *arg)
{
	struct unmap_reader *r = arg;
	/* Live across sigsetjmp(): volatile. */
	volatile unsigned long i = 0, e;
	volatile char *p;
	volatile char sink;

	while (!smoke_stop) {
		e = unmap_epoch;
		__sync_synchronize();
		p = unmap_mem + (i++ % UNMAP_PAGES) * page_size;
		/*
		 * No signal mask saved: that is a system call, and every
		 * kernel entry of a PV guest switches cr3, emptying the TLB
		 * whose stale entries this is looking for.  SA_NODEFER
		 * leaves the mask as it was.
		 */
		if (sigsetjmp(smoke_jmp, 0)) {
			smoke_armed = 0;
			r->faults++;
			continue;
		}
		smoke_armed = 1;
		sink = *p;
		smoke_armed = 0;
		(void)sink;
		__sync_synchronize();
		/* A read that succeeded while the pages were known unmapped. */
		if ((e & 1) && unmap_epoch == e)
			r->bad++;
		r->reads++;
	}
	return NULL;
}

static void unmap_wait(struct unmap_reader *r)
{
	unsigned long seen = r->reads + r->faults;

	while (r->reads + r->faults < seen + UNMAP_READS)
		;
}

static void smoke_munmap(void)
{
	struct unmap_reader r = { .reads = 0 };
	unsigned long round, len = UNMAP_PAGES * page_size;
	char what[160], *p;

	smoke_stop = 0;
	unmap_mem = map_pages(2 * UNMAP_PAGES);
	touch(unmap_mem, 2 * UNMAP_PAGES, 1);
	if (pthread_create(&r.thread, NULL, unmap_read, &r))
		die("pthread_create failed", NULL);
	for (round = 0; round < UNMAP_ROUNDS; round++) {
		unmap_wait(&r);         /* the reader's TLB holds the pages */
		p = unmap_mem;
		if (break_smoke)
			unmap_epoch++;  /* wrong order: announced before done */
		if (munmap(p, len))
			die("munmap:", strerror(errno));
		if (!break_smoke)
			unmap_epoch++;
		unmap_wait(&r);         /* reads while unmapped must fault */
		unmap_epoch++;          /* mapped again from here on */
		if (mmap(p, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p)
			die("mmap:", strerror(errno));
		touch(p, UNMAP_PAGES, (unsigned char)round);
	}
	smoke_stop = 1;
	pthread_join(r.thread, NULL);
	munmap(unmap_mem, 2 * len);
	snprintf(what, sizeof(what),
		 "munmap smoke: %lu reads succeeded after munmap() returned",
		 r.bad);
	check(!r.bad, what);
	check(r.faults > 0, "munmap smoke: reads of unmapped pages were made");
	printf("mm-bench: munmap smoke: %lu rounds, %lu reads, %lu faults, %lu violations\n",
	       round, r.reads, r.faults, r.bad);
}

/*
 * The copy-on-write smoke: a reader thread keeps reading a page that the
 * main thread shares with a child by fork() and then writes, which breaks
 * copy-on-write in the parent: the parent's pte moves to a new copy.  The
 * main thread announces each value after writing it; a read after the
 * announcement that returns an older value went through a translation to
 * the old copy that should have been flushed.  Each fork shares
 * COW_PAGES pages, written one after the other (Xen flushes TLBs itself
 * when a new copy's frame changes type, e.g. was a page table before:
 * many breaks make it likely that some copies do not).  --break-smoke
 * announces each value before writing it, which must be reported.
 */
#define COW_ROUNDS	30
#define COW_PAGES	64
#define COW_READS	100	/* reader's progress to wait for, each step */

static volatile unsigned long cow_epoch[COW_PAGES];	/* last announced */
static volatile unsigned long cow_index;
static char *cow_mem;

struct cow_reader {
	pthread_t thread;
	volatile unsigned long reads, bad;
};

static void *cow_read(void *arg)
{
	struct cow_reader *r = arg;
	unsigned long i, e, d;

	while (!smoke_stop) {
		i = cow_index;
		e = cow_epoch[i];
		__sync_synchronize();
		d = *(volatile unsigned long *)(cow_mem + i * page_size);
		/* A value older than one announced before the read. */
		if (d < e)
			r->bad++;
		r->reads++;
	}
	return NULL;
}

static void cow_wait(struct cow_reader *r)
{
	unsigned long seen = r->reads;

	while (r->reads < seen + COW_READS)
		;
}

static void smoke_cow(void)
{
	struct cow_reader r = { .reads = 0 };
	unsigned long round, i, v = 0;
	int to_child[2], status;
	char what[160], c = 0;
	pid_t pid;

	smoke_stop = 0;
	cow_mem = map_pages(COW_PAGES);
	memset(cow_mem, 0, COW_PAGES * page_size);
	if (pthread_create(&r.thread, NULL, cow_read, &r))
		die("pthread_create failed", NULL);
	for (round = 0; round < COW_ROUNDS; round++) {
		pid = fork_held(to_child);
		if (!pid) {
			/* Keep the pages shared until the parent has written. */
			if (read(to_child[0], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
		for (i = 0; i < COW_PAGES; i++) {
			cow_index = i;
			cow_wait(&r);   /* the reader's TLB holds the old copy */
			v++;
			if (break_smoke)
				cow_epoch[i] = v;       /* wrong order */
			/* The copy-on-write break. */
			*(volatile unsigned long *)(cow_mem + i * page_size) = v;
			__sync_synchronize();
			cow_epoch[i] = v;
			cow_wait(&r);
		}
		if (write(to_child[1], &c, 1) != 1 ||
		    waitpid(pid, &status, 0) != pid)
			die("cow smoke: the child did not exit", NULL);
		close(to_child[0]);
		close(to_child[1]);
	}
	smoke_stop = 1;
	pthread_join(r.thread, NULL);
	munmap(cow_mem, COW_PAGES * page_size);
	snprintf(what, sizeof(what),
		 "cow smoke: %lu reads returned a value older than announced",
		 r.bad);
	check(!r.bad, what);
	printf("mm-bench: cow smoke: %lu forks, %lu breaks, %lu reads, %lu violations\n",
	       round, v, r.reads, r.bad);
}

static void bench_smoke(void)
{
	struct smoke_writer w[SMOKE_THREADS];
	unsigned long writes, faults, bad, changes = 0, i;
	unsigned long long t;
	char extra[160], what[160];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = smoke_segv;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	smoke_mem = map_pages(SMOKE_PAGES);
	touch(smoke_mem, SMOKE_PAGES, 0);
	for (i = 0; i < SMOKE_THREADS; i++) {
		w[i].id = i;
		w[i].writes = w[i].faults = w[i].bad = 0;
		if (pthread_create(&w[i].thread, NULL, smoke_write, &w[i]))
			die("pthread_create failed", NULL);
	}
	t = now_ns();
	do {
		if (break_smoke)
			smoke_epoch++;  /* wrong order: announced before done */
		if (mprotect(smoke_mem, SMOKE_PAGES * page_size, PROT_READ))
			die("mprotect:", strerror(errno));
		if (!break_smoke)
			smoke_epoch++;
		sched_yield();
		smoke_epoch++;
		if (mprotect(smoke_mem, SMOKE_PAGES * page_size,
			     PROT_READ | PROT_WRITE))
			die("mprotect:", strerror(errno));
		sched_yield();
		changes += 2;
		writes = w[0].writes + w[1].writes;
	} while (writes < smoke_writes);
	t = now_ns() - t;
	smoke_stop = 1;
	writes = faults = bad = 0;
	for (i = 0; i < SMOKE_THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		writes += w[i].writes;
		faults += w[i].faults;
		bad += w[i].bad;
	}
	munmap(smoke_mem, SMOKE_PAGES * page_size);
	smoke_munmap();
	smoke_cow();
	signal(SIGSEGV, on_segv);
	snprintf(what, sizeof(what),
		 "smoke: %lu of %lu writes broke the protection they were announced under",
		 bad, writes);
	check(!bad, what);
	check(writes >= smoke_writes, "smoke: enough writes");
	printf("mm-bench: smoke: %lu writes, %lu faults while read-only, %lu protection changes, %lu violations\n",
	       writes, faults, changes, bad);
	snprintf(extra, sizeof(extra), ",\"writes\":%lu,\"faults\":%lu,\"violations\":%lu",
		 writes, faults, bad);
	{
		unsigned long long ns[1] = { t };
		unsigned long save = repeats;

		repeats = 1;
		report("smoke", SMOKE_PAGES, changes, ns, extra);
		repeats = save;
	}
}

/* --- mprotect, by the existing program ----------------------------------- */

static void run_mprotect(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork:", strerror(errno));
	if (!pid) {
		static char *const with_marks[] = { "/mprotect-bench", NULL };
		static char *const no_marks[] = { "/mprotect-bench", "--no-marks", NULL };

		execv(with_marks[0], marks ? with_marks : no_marks);
		perror("mm-bench: exec /mprotect-bench");
		_exit(2);
	}
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "mprotect-bench ran and exited 0");
	/* A process that used ioperm() makes one more physdev_op at exit. */
	span_note("-", 0, "exit", 1);
}

/*
 * For a kernel without its System.map at hand (Debian's): the text
 * symbols in a range, "KSYM <addr> <name>", for tools/linux-profile.
 */
static void dump_kallsyms(const char *range)
{
	char line[256], name[200], type;
	unsigned long long addr, lo, hi;
	unsigned long n = 0;
	FILE *f;

	/* LO-HI in hex: the whole table would flood dom0's console log. */
	if (sscanf(range, "%llx-%llx", &lo, &hi) != 2 || lo >= hi) {
		printf("mm-bench: FAIL bench_kallsyms=%s is not LO-HI (hex)\n", range);
		failed = 1;
		return;
	}
	f = fopen("/proc/kallsyms", "r");
	if (!f) {
		perror("mm-bench: /proc/kallsyms");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %199s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T') || addr < lo || addr >= hi)
			continue;
		printf("KSYM %llx %s\n", addr, name);
		n++;
	}
	fclose(f);
	printf("mm-bench: %lu text symbols\n", n);
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
	/* The checks fault on purpose: no kernel log line for each. */
	fd = open("/proc/sys/debug/exception-trace", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "0", 1) != 1)
			perror("mm-bench: exception-trace");
		close(fd);
	}
}

int main(int argc, char **argv)
{
	static const char *const keys[] = {
		"pages", "rounds", "repeats", "backend", "workloads", "smoke-writes"
	};
	char *wl, *save;
	unsigned int i;
	int a;

	if (getpid() == 1)
		as_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char env[32], *d;
		const char *v;

		snprintf(env, sizeof(env), "bench_%s", keys[i]);
		for (d = env; *d; d++)
			if (*d == '-')
				*d = '_';
		v = getenv(env);
		if (v)
			set_opt(keys[i], v);
	}
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--no-marks")) {
			marks = 0;
		} else if (!strcmp(argv[a], "--break-smoke")) {
			break_smoke = 1;
		} else if (!strncmp(argv[a], "--", 2) && a + 1 < argc) {
			set_opt(argv[a] + 2, argv[a + 1]);
			a++;
		} else if (getpid() != 1) {
			die("unknown argument", argv[a]);
		}
	}
	if (getenv("bench_break_smoke"))
		break_smoke = 1;
	if (getenv("bench_marks") && !strcmp(getenv("bench_marks"), "0"))
		marks = 0;
	if (nr_rounds > 1 && nr_rounds != nr_pages)
		die("give one round count, or one per page count", NULL);
	signal(SIGSEGV, on_segv);

	printf("mm-bench: backend %s, workloads %s, %u sizes, %lu repeats\n",
	       backend, workloads, nr_pages, repeats);
	check_protection();
	check_fork();
	if (failed)
		finish(1);
	printf("mm-bench: checks passed (fork data and copy-on-write, read-only and unmapped faults)\n");
	if (marks) {
		span_note("-", 0, "absorb", 1);
		if (ioperm_mark()) {
			perror("mm-bench: ioperm (use --no-marks)");
			finish(2);
		}
	}
	for (wl = strtok_r(workloads, ",", &save); wl; wl = strtok_r(NULL, ",", &save)) {
		if (!strcmp(wl, "smoke")) {
			bench_smoke();
			continue;
		}
		if (!strcmp(wl, "mprotect")) {
			run_mprotect();
			continue;
		}
		if (strcmp(wl, "fork") && strcmp(wl, "munmap"))
			die("unknown workload", wl);
		for (i = 0; i < nr_pages; i++) {
			unsigned long nr = !nr_rounds ? 10 : rounds[nr_rounds == 1 ? 0 : i];

			printf("mm-bench: %s, %lu pages, %lu rounds\n", wl, pages[i], nr);
			if (!strcmp(wl, "fork"))
				bench_fork(pages[i], nr);
			else
				bench_munmap(pages[i], nr);
		}
	}
	if (getenv("bench_kallsyms"))
		dump_kallsyms(getenv("bench_kallsyms"));
	printf("mm-bench: %s\n", failed ? "FAILED" : "done");
	finish(failed);
	return 0;
}
