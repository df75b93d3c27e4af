// SPDX-License-Identifier: MIT
/* A daemon for scenario 75: writes "tick N" to its standard output twice a second, forever. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec half = {0, 500 * 1000000L};

	for (unsigned long i = 1;; i++) {
		char line[32];
		int n = snprintf(line, sizeof(line), "tick %lu\n", i);

		/* A closed reader means SIGPIPE: the death this scenario looks for. */
		if (write(STDOUT_FILENO, line, (size_t)n) != n)
			return 1;
		nanosleep(&half, NULL);
	}
}
