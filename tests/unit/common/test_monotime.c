// SPDX-License-Identifier: MIT
/* common/monotime.c: a sleep a signal handler interrupts still lasts as long as asked. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "monotime.h"
#include "unit.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void sleep_survives_signals(void)
{
	struct sigaction sa = {.sa_handler = on_alarm}, old;
	/* SIGALRM every 5 ms, without SA_RESTART: each one interrupts nanosleep(). */
	struct itimerval every = {.it_interval = {0, 5000}, .it_value = {0, 5000}}, off = {0};
	long long start;

	sigemptyset(&sa.sa_mask);
	CHECK_INT(sigaction(SIGALRM, &sa, &old), 0);
	alarms = 0;
	CHECK_INT(setitimer(ITIMER_REAL, &every, NULL), 0);
	start = monotime_ms();
	monotime_sleep_ms(60);
	CHECK(monotime_ms() - start >= 60);
	CHECK_INT(setitimer(ITIMER_REAL, &off, NULL), 0);
	CHECK(alarms > 0);
	(void)sigaction(SIGALRM, &old, NULL);
}

static void nothing_to_sleep(void)
{
	long long start = monotime_ms();

	monotime_sleep_ms(0);
	monotime_sleep_ms(-5);
	CHECK(monotime_ms() - start < 1000);
	CHECK(monotime_ms() >= start);
}

const struct unit_case monotime_cases[] = {
    {"sleep_survives_signals", sleep_survives_signals},
    {"nothing_to_sleep", nothing_to_sleep},
    {NULL, NULL},
};
