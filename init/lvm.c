// SPDX-License-Identifier: MIT
/* LVM2 through the lvm tool: volume groups activated with no udev in the image. */
#include "log.h"
#include "run.h"
#include "stacks_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One lvm run: activation reads metadata from every PV; a thin pool's check reads its map. */
#define LVM_TIMEOUT_SEC 120
/* Names from rd.lvm.vg= and rd.lvm.lv= handed to one lvm run. */
#define LVM_NAMES_MAX 32
/* Where Debian's thin-provisioning-tools put thin_check (lvm.conf's thin_check_executable). */
#define LVM_THIN_CHECK "/usr/sbin/thin_check"

/*
 * With no udev: lvm makes the /dev/mapper nodes and /dev/VG/LV links itself (udev_rules=0)
 * and waits for no udev event (udev_sync=0); no dmeventd (monitoring=0); devices are found by
 * scanning /dev, not asked of udev. The tree's lvm.conf, if the image has it, stays the base.
 */
#define LVM_CONFIG                                                                                 \
	"activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } "                              \
	"devices { obtain_device_list_from_udev = 0 external_device_info_source = \"none\" }"
/* Without thin_check in the image, a thin pool is activated unchecked rather than not at all. */
#define LVM_CONFIG_NO_THIN_CHECK LVM_CONFIG " global { thin_check_executable = \"\" }"

/* Splits a comma list into argv entries (the list is copied into buf). Returns the count. */
static unsigned split(const char *list, char *buf, size_t size, const char **argv, unsigned max)
{
	unsigned n = 0;
	char *save = NULL;

	snprintf(buf, size, "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		argv[n++] = t;
	return n;
}

static int lvm_run(const char *verb, const char *const *names, unsigned n)
{
	const char *argv[8 + LVM_NAMES_MAX] = {"lvm", verb, "-ay", "--sysinit", "--config"};
	unsigned i = 5;

	argv[i++] = access(LVM_THIN_CHECK, X_OK) == 0 ? LVM_CONFIG : LVM_CONFIG_NO_THIN_CHECK;
	for (unsigned j = 0; j < n && j < LVM_NAMES_MAX; j++)
		argv[i++] = names[j];
	argv[i] = NULL;
	return run_tool(argv, NULL, 0, LVM_TIMEOUT_SEC);
}

int lvm_activate(const struct boot_params *p, bool all)
{
	const char *names[LVM_NAMES_MAX];
	char buf[CMDLINE_VALUE_ROOM * 4];
	unsigned n;
	int r = 0, r2;

	if (all) {
		log_info("activating every LVM volume group found");
		return lvm_run("vgchange", NULL, 0);
	}
	/* dracut: rd.lvm.vg= activates whole groups, rd.lvm.lv= single volumes. */
	n = split(p->lvm_vgs, buf, sizeof(buf), names, LVM_NAMES_MAX);
	if (n) {
		log_info("activating the LVM volume groups in rd.lvm.vg=%s", p->lvm_vgs);
		r = lvm_run("vgchange", names, n);
	}
	n = split(p->lvm_lvs, buf, sizeof(buf), names, LVM_NAMES_MAX);
	if (n) {
		log_info("activating the LVM logical volumes in rd.lvm.lv=%s", p->lvm_lvs);
		r2 = lvm_run("lvchange", names, n);
		r = r ? r : r2;
	}
	return r;
}
