// SPDX-License-Identifier: MIT
/* udev's /dev/disk/by-id and by-path names of a block device, computed from sysfs alone. */
#include "diskid.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The attributes we read are short: a virtio serial is 20 bytes (VIRTIO_BLK_ID_BYTES), an NVMe
 * model 40 and serial 20, a wwid under 100. Two of them must fit in one DISKID_NAME_MAX name.
 */
#define ATTR_MAX 124

/* Reads a small sysfs file into buf, trailing whitespace removed; returns the length or -errno. */
static int read_sysfs(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return (int)n;
}

int diskid_read_attr(const char *name, const char *rel, char *buf, size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/block/%s/%s", name, rel);
	return read_sysfs(path, buf, size);
}

/* A non-empty attribute, for the names built from them. */
static bool read_attr(const char *disk, const char *rel, char *buf, size_t size)
{
	return diskid_read_attr(disk, rel, buf, size) > 0;
}

void diskid_sanitize(char *s)
{
	char *start = s, *out = s;

	while (isspace((unsigned char)*start))
		start++;
	for (char *p = start; *p; p++)
		*out++ = (isspace((unsigned char)*p) || *p == '/') ? '_' : *p;
	*out = '\0';
	while (out > s && out[-1] == '_')
		*--out = '\0';
}

/* Adds PREFIX + ID (+ "-partN") as a name. */
static void add_name(struct diskid_names *ret, const char *dir, const char *id, int partno)
{
	char *dst;

	if (ret->count >= DISKID_NAMES_MAX || !id[0])
		return;
	dst = ret->name[ret->count];
	if (partno > 0)
		snprintf(dst, DISKID_NAME_MAX, "%s/%s-part%d", dir, id, partno);
	else
		snprintf(dst, DISKID_NAME_MAX, "%s/%s", dir, id);
	ret->count++;
}

/* The SCSI unit serial number page (0x80): a 4-byte header, then the serial (SPC-4 7.8.16). */
static bool vpd80_serial(const char *disk, char *buf, size_t size)
{
	char raw[ATTR_MAX];
	char path[PATH_MAX];
	ssize_t n;
	int fd;
	size_t len;

	snprintf(path, sizeof(path), "/sys/class/block/%s/device/vpd_pg80", disk);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, raw, sizeof(raw));
	close(fd);
	if (n <= 4)
		return false;
	len = ((unsigned char)raw[2] << 8 | (unsigned char)raw[3]);
	if (len > (size_t)n - 4)
		len = (size_t)n - 4;
	if (len >= size)
		len = size - 1;
	memcpy(buf, raw + 4, len);
	buf[len] = '\0';
	diskid_sanitize(buf);
	return buf[0] != '\0';
}

static void by_id(const char *disk, const char *devpath, int partno, struct diskid_names *ret)
{
	char a[ATTR_MAX], b[ATTR_MAX], id[DISKID_NAME_MAX];

	if (strncmp(disk, "vd", 2) == 0) {
		/* KERNEL=="vd*", ATTRS{serial}: disk/by-id/virtio-$serial */
		if (read_attr(disk, "serial", a, sizeof(a))) {
			diskid_sanitize(a);
			snprintf(id, sizeof(id), "virtio-%s", a);
			add_name(ret, "by-id", id, partno);
		}
	} else if (strncmp(disk, "nvme", 4) == 0) {
		/* nvme-$model_$serial, and nvme-$wwid (eui./nvme./uuid. forms) */
		if (read_attr(disk, "device/model", a, sizeof(a)) &&
		    read_attr(disk, "device/serial", b, sizeof(b))) {
			diskid_sanitize(a);
			diskid_sanitize(b);
			snprintf(id, sizeof(id), "nvme-%s_%s", a, b);
			add_name(ret, "by-id", id, partno);
		}
		if (read_attr(disk, "wwid", a, sizeof(a))) {
			diskid_sanitize(a);
			snprintf(id, sizeof(id), "nvme-%s", a);
			add_name(ret, "by-id", id, partno);
		}
	} else if (strstr(devpath, "/ata") && read_attr(disk, "device/model", a, sizeof(a)) &&
		   vpd80_serial(disk, b, sizeof(b))) {
		/* ata_id's ID_SERIAL is model_serial: disk/by-id/ata-$ID_SERIAL */
		diskid_sanitize(a);
		snprintf(id, sizeof(id), "ata-%s_%s", a, b);
		add_name(ret, "by-id", id, partno);
	}
}

/* Is this path component a PCI address, "0000:00:1f.2"? */
static bool is_pci_address(const char *c, size_t len)
{
	return len == 12 && c[4] == ':' && c[7] == ':' && c[10] == '.';
}

/* Is it a SCSI device address "H:C:T:L"? */
static bool is_scsi_address(const char *c, size_t len)
{
	unsigned colons = 0;

	for (size_t i = 0; i < len; i++) {
		if (c[i] == ':')
			colons++;
		else if (!isdigit((unsigned char)c[i]))
			return false;
	}
	return colons == 3;
}

/*
 * path_id (systemd's udev builtin) in the forms it gives the common disks: pci-ADDR for
 * virtio-blk; pci-ADDR-nvme-NSID; pci-ADDR-scsi-H:C:T:L for SCSI hosts; pci-ADDR-ata-PORT (and
 * -ata-PORT.0 as newer systemd) for libata; pci-ADDR-usb-0:PORTS-scsi-H:C:T:L for USB storage.
 */
static void by_path(const char *disk, const char *devpath, int partno, struct diskid_names *ret)
{
	char path[DISKID_NAME_MAX] = "", scsi[32] = "", usb[64] = "", ata[16] = "", nsid[16];
	char pci[16] = "";
	const char *p = devpath;

	while (*p) {
		const char *c = p + strspn(p, "/");
		size_t len = strcspn(c, "/");

		if (!len)
			break;
		if (is_pci_address(c, len)) {
			memcpy(pci, c, len);
			pci[len] = '\0';
			usb[0] = scsi[0] = ata[0] = '\0';
		} else if (is_scsi_address(c, len) && len < sizeof(scsi)) {
			memcpy(scsi, c, len);
			scsi[len] = '\0';
		} else if (len > 3 && len < 8 && strncmp(c, "ata", 3) == 0 &&
			   isdigit((unsigned char)c[3])) {
			char attr[64];

			snprintf(attr, sizeof(attr), "/sys/class/ata_port/%.*s/port_no", (int)len,
				 c);
			if (read_sysfs(attr, ata, sizeof(ata)) <= 0)
				ata[0] = '\0';
		} else if (memchr(c, ':', len) && memchr(c, '-', len) && len < sizeof(usb) &&
			   !usb[0] && isdigit((unsigned char)c[0])) {
			/* A USB interface "2-1.3:1.0": path_id writes it as "0:1.3:1.0"... */
			const char *dash = memchr(c, '-', len);

			snprintf(usb, sizeof(usb), "0:%.*s", (int)(len - (size_t)(dash + 1 - c)),
				 dash + 1);
		}
		p = c + len;
	}
	if (!pci[0])
		return;
	if (strncmp(disk, "nvme", 4) == 0 && read_attr(disk, "nsid", nsid, sizeof(nsid))) {
		snprintf(path, sizeof(path), "pci-%s-nvme-%s", pci, nsid);
	} else if (usb[0] && scsi[0]) {
		snprintf(path, sizeof(path), "pci-%s-usb-%s-scsi-%s", pci, usb, scsi);
	} else if (ata[0]) {
		char compat[DISKID_NAME_MAX];

		snprintf(compat, sizeof(compat), "pci-%s-ata-%s.0", pci, ata);
		add_name(ret, "by-path", compat, partno);
		snprintf(path, sizeof(path), "pci-%s-ata-%s", pci, ata);
	} else if (scsi[0]) {
		snprintf(path, sizeof(path), "pci-%s-scsi-%s", pci, scsi);
	} else {
		snprintf(path, sizeof(path), "pci-%s", pci);
	}
	add_name(ret, "by-path", path, partno);
}

unsigned diskid_compute(const char *name, const char *disk, int partno, struct diskid_names *ret)
{
	char link[PATH_MAX], sys[PATH_MAX];
	const char *whole = partno > 0 && disk[0] ? disk : name;
	ssize_t n;

	ret->count = 0;
	/* /sys/class/block/vda -> ../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda */
	snprintf(sys, sizeof(sys), "/sys/class/block/%s", whole);
	n = readlink(sys, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	by_id(whole, link, partno, ret);
	by_path(whole, link, partno, ret);
	return ret->count;
}
