// SPDX-License-Identifier: MIT
/* Time for deadlines and durations: CLOCK_MONOTONIC in milliseconds, and sleeps signals cannot cut.
 */
#include "monotime.h"

#include <errno.h>
#include <time.h>

long long monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void monotime_sleep_ms(long long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};

	if (ms <= 0)
		return;
	/* nanosleep() leaves the time still to sleep in ts when a signal interrupts it. */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
