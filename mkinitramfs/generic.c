// SPDX-License-Identifier: MIT
/* The generic module set: what an image built without -m carries, per kernel architecture. */
#include "generic.h"

#include <elf.h>
#include <limits.h>
#include <stdint.h>

#include "arch.h"
#include "log.h"
#include "macro.h"

/*
 * Loaded on demand (coldplug, root filesystem type) when no -m is given: enough to boot
 * common virtual (virtio, QEMU's AHCI/NVMe) and physical (SATA, NVMe) storage. vfat mounts
 * need their codepage and charset tables (Debian: codepage 437, iocharset ascii, utf8), which
 * the kernel would otherwise request through a modprobe the image does not have.
 * The second half covers what Debian's cloud and desktop installs boot from: USB disks (and
 * their host controllers) and USB/HID keyboards for a passphrase, MMC/SD cards, Hyper-V,
 * Xen and VMware disks, and common RAID/HBA controllers (LSI/Broadcom, Adaptec, HP Smart
 * Array); mkinitramfs(8) lists them. A name the kernel builds in is skipped quietly.
 * An entry for one architecture names a driver that exists only there (checked against
 * Debian's amd64 and arm64 6.1 kernels), so that a missing module of the kernel's own
 * architecture is still a warning and another architecture's hardware is none.
 */
static const struct {
	const char *name;
	enum generic_arch arch;
} generic_modules[] = {
    {"virtio_blk", GENERIC_ALL},
    {"virtio_scsi", GENERIC_ALL},
    {"virtio_pci", GENERIC_ALL},
    /* QEMU's virt and microvm machines and Firecracker without PCI */
    {"virtio_mmio", GENERIC_ALL},
    {"nvme", GENERIC_ALL},
    {"ahci", GENERIC_ALL},
    {"sd_mod", GENERIC_ALL},
    {"ext4", GENERIC_ALL},
    {"xfs", GENERIC_ALL},
    {"btrfs", GENERIC_ALL},
    {"vfat", GENERIC_ALL},
    {"nls_cp437", GENERIC_ALL},
    {"nls_ascii", GENERIC_ALL},
    {"nls_utf8", GENERIC_ALL},
    /* what Debian's cloud and desktop installs boot from */
    {"usb_storage", GENERIC_ALL},
    {"uas", GENERIC_ALL},
    {"xhci_pci", GENERIC_ALL},
    {"ehci_pci", GENERIC_ALL},
    {"ohci_pci", GENERIC_ALL},
    /* UHCI is Intel's USB 1.1 controller, on PC chipsets only */
    {"uhci_hcd", GENERIC_X86},
    {"usbhid", GENERIC_ALL},
    {"hid_generic", GENERIC_ALL},
    /* the PC's keyboard controller and its AT keyboard */
    {"atkbd", GENERIC_X86},
    {"i8042", GENERIC_X86},
    {"mmc_block", GENERIC_ALL},
    {"sdhci_pci", GENERIC_ALL},
    {"sdhci_acpi", GENERIC_ALL},
    {"hv_storvsc", GENERIC_ALL},
    {"hv_vmbus", GENERIC_ALL},
    {"xen_blkfront", GENERIC_ALL},
    /* VMware's paravirtual SCSI: its Kconfig depends on X86 */
    {"vmw_pvscsi", GENERIC_X86},
    {"megaraid_sas", GENERIC_ALL},
    {"mpt3sas", GENERIC_ALL},
    {"aacraid", GENERIC_ALL},
    {"hpsa", GENERIC_ALL},
    {"smartpqi", GENERIC_ALL},
    /*
     * arm64 boards describe their controllers in the device tree, not on PCI: SATA (generic
     * AHCI, Xilinx ZynqMP, NXP Layerscape, Marvell Armada), USB hosts (xHCI/EHCI/OHCI on the
     * platform bus, Synopsys DWC3 and the Raspberry Pi's DWC2), SD/eMMC (Arasan on ZynqMP and
     * Rockchip RK3399, Synopsys DWCMSHC on RK3568, Broadcom iProc on the Raspberry Pi 4, Tegra,
     * i.MX, Layerscape, Qualcomm, Rockchip's DW-MMC, Amlogic, Allwinner), and the PL061 GPIO
     * of QEMU's virt machine (its power button).
     */
    {"ahci_platform", GENERIC_ARM64},
    {"ahci_ceva", GENERIC_ARM64},
    {"ahci_qoriq", GENERIC_ARM64},
    {"ahci_mvebu", GENERIC_ARM64},
    {"xhci_plat_hcd", GENERIC_ARM64},
    {"ehci_platform", GENERIC_ARM64},
    {"ohci_platform", GENERIC_ARM64},
    {"dwc3", GENERIC_ARM64},
    {"dwc3_of_simple", GENERIC_ARM64},
    {"dwc2", GENERIC_ARM64},
    {"sdhci_of_arasan", GENERIC_ARM64},
    {"sdhci_of_dwcmshc", GENERIC_ARM64},
    {"sdhci_iproc", GENERIC_ARM64},
    {"sdhci_tegra", GENERIC_ARM64},
    {"sdhci_esdhc_imx", GENERIC_ARM64},
    {"sdhci_of_esdhc", GENERIC_ARM64},
    {"sdhci_msm", GENERIC_ARM64},
    {"dw_mmc_rockchip", GENERIC_ARM64},
    {"meson_gx_mmc", GENERIC_ARM64},
    {"sunxi_mmc", GENERIC_ARM64},
    {"gpio_pl061", GENERIC_ARM64},
    /* read-only image roots, overlays, dm-verity, and VM shares */
    {"squashfs", GENERIC_ALL},
    {"erofs", GENERIC_ALL},
    {"overlay", GENERIC_ALL},
    {"dm_mod", GENERIC_ALL},
    {"dm_verity", GENERIC_ALL},
    {"virtiofs", GENERIC_ALL},
    {"9p", GENERIC_ALL},
    {"9pnet_virtio", GENERIC_ALL},
};

static enum generic_arch generic_arch_of(const struct elfinfo_header *h)
{
	if (h->machine == EM_X86_64 || h->machine == EM_386)
		return GENERIC_X86;
	if (h->machine == EM_AARCH64)
		return GENERIC_ARM64;
	return GENERIC_ALL;
}

static const char *generic_arch_name(enum generic_arch a)
{
	return a == GENERIC_X86 ? "x86" : a == GENERIC_ARM64 ? "arm64" : "every";
}

enum generic_arch generic_kernel_arch(const struct kernel_source *src)
{
	char module[PATH_MAX];
	struct elfinfo_header h;

	return arch_of_kernel(src, module, &h) == 0 ? generic_arch_of(&h) : GENERIC_ALL;
}

/* Is an entry for machine `entry` meant for a kernel of machine `kernel`? Debug line if not. */
static bool generic_fits(const struct kernel_source *src, enum generic_arch kernel,
			 const char *name, enum generic_arch entry)
{
	if (entry == GENERIC_ALL || entry == kernel)
		return true;
	log_debug("  %s: for %s kernels only, not for %s", name, generic_arch_name(entry),
		  src->kver);
	return false;
}

bool generic_arch_fits(const struct kernel_source *src, const char *name, enum generic_arch arch)
{
	return arch == GENERIC_ALL || generic_fits(src, generic_kernel_arch(src), name, arch);
}

int generic_for_each(const struct kernel_source *src, int (*add)(const char *name, void *data),
		     void *data)
{
	/* A kernel with no module to read (all built in, or another machine): the common part. */
	enum generic_arch arch = generic_kernel_arch(src);
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(generic_modules); i++) {
		if (!generic_fits(src, arch, generic_modules[i].name, generic_modules[i].arch))
			continue;
		r = add(generic_modules[i].name, data);
		if (r < 0)
			return r;
	}
	return 0;
}
