/**
 * @file threads.h
 * How many threads a pass may use (layer L0, util).
 *
 * Each pass that can use a second thread (the early map walks, the map
 * walks, the unwinding beside the discovery, the listings' unwinding)
 * decides by its size and the CPUs, unless HMAPCORE_THREADS says: 1 keeps
 * everything on one thread, 2 or more uses the threads even for a small
 * core (so the tests cover them on the fixtures).
 */
#ifndef HMAPCORE_THREADS_H
#define HMAPCORE_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

/** HMAPCORE_THREADS: 0 when unset or empty, else the number asked for,
 * at least 1 (0, a negative number or text count as 1). */
static inline long hc_threads_setting(void)
{
	const char *env = getenv("HMAPCORE_THREADS");
	if (!env || !*env)
		return 0;
	long n = strtol(env, NULL, 10);
	return n < 1 ? 1 : n;
}

/** The CPUs online, at least 1. */
static inline long hc_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n;
}

/** Whether the machine has another CPU for a second thread. */
static inline bool hc_other_cpu(void)
{
	return hc_cpus() > 1;
}

/** Whether a pass of @p work items hands part of them to a second thread:
 * HMAPCORE_THREADS of 1 never, of 2 or more whenever there are two items;
 * unset, from @p min items on when there is another CPU. */
static inline bool hc_second_thread(size_t work, size_t min)
{
	long n = hc_threads_setting();
	if (n)
		return n > 1 && work >= 2;
	return work >= min && hc_other_cpu();
}

#endif
