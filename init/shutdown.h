/* SPDX-License-Identifier: MIT */
/* systemd's shutdown return: the world in /run/initramfs, and the program systemd runs there. */
#pragma once

#include "cmdline.h"

#include <stdbool.h>
#include <stddef.h>

/* Where systemd-shutdown looks for /run/initramfs/shutdown and pivots to (bootup(7)). */
#define SHUTDOWN_DIR "/run/initramfs"
/* The program systemd-shutdown execs there: this init, copied. */
#define SHUTDOWN_PROGRAM "shutdown"
/*
 * The generator's list of the files the shutdown program needs besides itself (the stack tools
 * and their libraries), one absolute path a line; its presence is the image asking for the
 * shutdown return (mkinitramfs --shutdown, or a stack tool in the image).
 */
#define SHUTDOWN_LIST "/lib/baton/shutdown.list"

/* What systemd-shutdown's argv[1] asks for (src/shutdown/shutdown.c). */
enum shutdown_action {
	SHUTDOWN_REBOOT,
	SHUTDOWN_POWEROFF,
	SHUTDOWN_HALT,
	SHUTDOWN_KEXEC,
	SHUTDOWN_UNKNOWN, /* missing or not a verb: reboot, as dracut's shutdown does */
};

/* Pure: the action for argv[1] (NULL allowed). "exit" (a container's verb) powers off. */
enum shutdown_action shutdown_parse_action(const char *verb);

/* Pure: the action's name for messages ("reboot", ...). */
const char *shutdown_action_name(enum shutdown_action action);

/* Pure: is path top itself or below it ("/oldroot" holds "/oldroot/usr", not "/oldrootfs")? */
bool shutdown_path_under(const char *path, const char *top);

/*
 * Pure: decodes in place the octal escapes (\040 space, \011 tab, \012 newline, \134
 * backslash) the kernel writes in /proc/self/mountinfo paths. Returns the new length.
 */
size_t shutdown_unescape(char *s);

/*
 * Before the switch, after validation: when the image asks for it (SHUTDOWN_LIST) and
 * baton.shutdown= does not forbid it, copies the files it lists and this init (as
 * SHUTDOWN_DIR/SHUTDOWN_PROGRAM, last, so systemd only finds a complete world) into
 * SHUTDOWN_DIR. Returns the bytes of RAM used (tmpfs blocks), 0 when not asked, or -errno;
 * logs the outcome. A failure costs only the shutdown return.
 */
long long shutdown_prepare(const struct boot_params *params);

/*
 * The init started as "shutdown" by systemd-shutdown, as PID 1 in SHUTDOWN_DIR with the old
 * root at /oldroot: unmounts what is left, takes LVM, dm-crypt and md down, syncs, and
 * reboots, powers off, halts or kexecs as argv[1] asks. Returns only when not PID 1.
 */
int shutdown_main(int argc, char *argv[]);
