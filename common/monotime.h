/* SPDX-License-Identifier: MIT */
/* Time for deadlines and durations: CLOCK_MONOTONIC in milliseconds, and sleeps signals cannot cut.
 */
#pragma once

/* Milliseconds since an arbitrary start; never jumps with the wall clock. */
long long monotime_ms(void);

/* Sleeps ms milliseconds (none if ms <= 0), resuming after a signal handler interrupts it. */
void monotime_sleep_ms(long long ms);
