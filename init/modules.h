/* SPDX-License-Identifier: MIT */
/* Kernel modules through libkmod: by name, by alias (coldplug, uevents, filesystems). */
#pragma once

/*
 * Creates the libkmod context for the running kernel; without it nothing else here loads.
 * blacklist is a comma list of modules never to load for an alias (rd.driver.blacklist=);
 * libkmod itself reads modprobe.blacklist= and module.param=value from /proc/cmdline.
 */
int modules_init(const char *blacklist);

/* Loads each module of a comma list by name (rd.driver.pre=, rd.modules-load=). */
void modules_load_names(const char *list);

/*
 * Loads a module the user or the image named, with its dependencies and softdeps. Returns 0
 * (also when already loaded or built in), -ENOENT when no module has that name or alias,
 * or another -errno from the kernel; logs the failure once.
 */
int modules_load_name(const char *name);

/*
 * Loads whatever claims a hardware or filesystem alias ("pci:v...", "fs-ext4"), honouring the
 * blacklist as modprobe does for aliases. Returns the number of modules that claim it (0 if
 * none), or -errno. Failures of individual modules are logged, never fatal. An alias met
 * again (each of many disks of one kind) returns the first answer without a second lookup.
 */
int modules_load_alias(const char *alias);

/* Loads the modules listed in LAYOUT_MODULES_LOAD, if the image has one. */
void modules_load_listed(void);

/*
 * Loads a module for every device the kernel already knows that has no driver yet; runs once,
 * later calls return at once.
 */
void modules_coldplug(void);

/*
 * Loads the drivers of the storage present that finds its disks at once (virtio, NVMe), so
 * the root can be looked for before the rest of coldplug; may be called before
 * modules_coldplug(), which still loads everything else.
 */
void modules_coldplug_quick(void);

/*
 * Logs the hardware aliases seen during coldplug and hotplug that no module of the image
 * claims, limited to buses that carry storage; for a root that never appeared.
 */
void modules_report_unclaimed(void);

/*
 * The kernel's request_module() runs /sbin/modprobe, which the image links to baton: this is
 * that command. Handles "modprobe [-q] [-b] [--] NAME [NAME...]". Returns the exit status.
 */
int modules_modprobe_main(int argc, char *argv[]);
