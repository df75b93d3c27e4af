// SPDX-License-Identifier: MIT
/* Tests of which devices coldplug loads drivers for first (aliases as q35 and sysfs give them). */
#include "modalias.h"
#include "unit.h"

static void test_quick(void)
{
	/* virtio-blk, virtio-scsi and virtio-net on PCI: all need virtio_pci first. */
	CHECK(modalias_quick_storage("pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00"));
	CHECK(modalias_quick_storage("pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00"));
	CHECK(modalias_quick_storage("pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00"));
	/* QEMU's NVMe controller. */
	CHECK(modalias_quick_storage("pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02"));
	CHECK(modalias_quick_storage("virtio:d00000002v00001AF4"));
	CHECK(modalias_quick_storage("virtio:d00000008v00001AF4"));
	CHECK(modalias_quick_storage("scsi:t-0x00"));
}

static void test_not_quick(void)
{
	/* q35's ICH9 AHCI: its subsystem vendor is virtio's, its vendor Intel. */
	CHECK(!modalias_quick_storage("pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01"));
	/* A USB host controller, a USB stick, a CD-ROM on SCSI, virtio's network and console. */
	CHECK(!modalias_quick_storage("pci:v00001B36d0000000Dsv00001AF4sd00001100bc0Csc03i30"));
	CHECK(!modalias_quick_storage("usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00"));
	CHECK(!modalias_quick_storage("scsi:t-0x05"));
	CHECK(!modalias_quick_storage("virtio:d00000001v00001AF4"));
	CHECK(!modalias_quick_storage("virtio:d00000003v00001AF4"));
	/* Truncated or odd input: a prefix alone is no device. */
	CHECK(!modalias_quick_storage(""));
	CHECK(!modalias_quick_storage("pci:"));
	CHECK(!modalias_quick_storage("pci:v00001AF4"));
	CHECK(!modalias_quick_storage("virtio:d00000002"));
	CHECK(!modalias_quick_storage("acpi:PNP0303:"));
}

const struct unit_case modalias_cases[] = {
    {"quick", test_quick},
    {"not_quick", test_not_quick},
    {NULL, NULL},
};
