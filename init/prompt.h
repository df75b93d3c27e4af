/* SPDX-License-Identifier: MIT */
/* Asks the person at the machine for a passphrase: every active console, or plymouth. */
#pragma once

#include <stddef.h>

/* The longest passphrase read: cryptsetup's interactive limit (DEFAULT_PASSPHRASE_SIZE_MAX). */
#define PROMPT_PASSPHRASE_MAX 512

/* Where the console list comes from: the kernel's consoles, /dev/console's last. */
#define PROMPT_CONSOLES_ACTIVE "/sys/class/tty/console/active"

/*
 * Shows text (one line, ending in ':') and reads one line without echo into buf (size bytes,
 * not NUL-terminated), through plymouth's password prompt when plymouthd runs, else on every
 * active console at once: the first to type owns the line, Enter is CR or LF, Backspace and
 * Ctrl-U edit. Waits for the person as long as it takes. Returns the length read, or -errno
 * (-ENODEV: no console could be opened). The caller zeroes buf after use.
 */
int prompt_passphrase(const char *text, char *buf, size_t size);
