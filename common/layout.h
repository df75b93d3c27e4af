/* SPDX-License-Identifier: MIT */
/* The image contract: every path in the image that both the generator and the init name. */
#pragma once

/*
 * Paths are absolute, as the init opens them; the generator names image entries relative to the
 * image root, so it takes them through LAYOUT_REL(). Hook stage names: stage.h. A new path both
 * sides use is added here, once.
 */
#define LAYOUT_REL(path) ((path) + 1)

/* Mount points of the API filesystems the init mounts first (init/mount.h mount_api_table). */
#define LAYOUT_DEV "/dev"
#define LAYOUT_PROC "/proc"
#define LAYOUT_SYS "/sys"
#define LAYOUT_RUN "/run"

/*
 * A character device node in the image itself: the kernel opens it for the init's fds 0-2
 * before anything is mounted, and the init falls back to it for any of them still closed.
 */
#define LAYOUT_CONSOLE LAYOUT_DEV "/console"

/* Where the init mounts the new root before the switch; hooks see it as BATON_ROOT. */
#define LAYOUT_NEW_ROOT "/sysroot"

/*
 * The kernel's request_module() runs LAYOUT_MODPROBE (CONFIG_MODPROBE_PATH, /proc/sys/kernel/
 * modprobe) for crypto algorithms ("crypto-xxhash64"), file system types ("fs-btrfs") and the
 * like. It links to LAYOUT_INIT, which is multi-call: started under LAYOUT_MODPROBE_NAME it
 * loads modules through libkmod.
 */
#define LAYOUT_INIT "/init"
#define LAYOUT_MODPROBE_NAME "modprobe"
#define LAYOUT_MODPROBE "/sbin/" LAYOUT_MODPROBE_NAME

/* Kernel modules: LAYOUT_MODULES_DIR/KVER, where libkmod looks by default (kmod_new(NULL)). */
#define LAYOUT_MODULES_DIR "/lib/modules"

/* The modprobe.d folders of the image, copied from the host and read by the init's libkmod. */
#define LAYOUT_MODPROBE_D_ETC "/etc/modprobe.d"
#define LAYOUT_MODPROBE_D_LIB "/lib/modprobe.d"

/* baton's own files in the image. */
#define LAYOUT_BATON_DIR "/lib/baton"
/* Hooks: LAYOUT_HOOKS_DIR/STAGE/NAME executables, run in lexical order (baton-hooks(7)). */
#define LAYOUT_HOOKS_DIR LAYOUT_BATON_DIR "/hooks"
/* The modules named with mkinitramfs -m, one per line, loaded in order. */
#define LAYOUT_MODULES_LOAD LAYOUT_BATON_DIR "/modules.load"
/*
 * Present when the image was built with --shell: the init may start a rescue shell even when it
 * cannot read the command line (so cannot know rd.shell=). A shell only implied by shell hooks
 * or --plymouth does not allow that.
 */
#define LAYOUT_SHELL_ALLOWED LAYOUT_BATON_DIR "/shell-allowed"
/*
 * The console keymap and font loaded before the first passphrase prompt: "keymap PATH" and
 * "font PATH" lines naming files of the image (mkinitramfs --keymap, --font, --no-keymap).
 */
#define LAYOUT_CONSOLE_CONF LAYOUT_BATON_DIR "/console.conf"

/* The rescue shell, and the interpreter of "#!/bin/sh" hooks (busybox's link with --shell). */
#define LAYOUT_SHELL "/bin/sh"

/* PATH for hooks, the rescue shell and the tools the init runs: where the generator puts them. */
#define LAYOUT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* The init's run-time files, on the tmpfs at /run (which moves into the new root). */
#define LAYOUT_RUN_DIR LAYOUT_RUN "/baton"
/* A hook hands results back by writing KEY=VALUE lines to this file (named in BATON_RESULT). */
#define LAYOUT_HOOK_RESULT LAYOUT_RUN_DIR "/hook-result"
