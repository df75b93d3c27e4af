// SPDX-License-Identifier: MIT
/* Asks the person at the machine for a passphrase: every active console, or plymouth. */
#include "prompt.h"

#include "keymap.h"
#include "log.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Consoles at once: the kernel registers a handful (tty0, ttyS0, hvc0, ttyAMA0...). */
#define PROMPT_CONSOLES_MAX 8
/* Where plymouthd writes its pid (plymouth's default --pid-file, as the plymouth hook starts it).
 */
#define PROMPT_PLYMOUTH_PID "/run/plymouth/pid"

struct console {
	int fd;
	bool saved;
	struct termios old;
};

/*
 * Opens each console of PROMPT_CONSOLES_ACTIVE with echo off; returns how many opened, their
 * paths in names (for the log).
 */
static int open_consoles(struct console *con, char *names, size_t size)
{
	char list[256], path[64];
	int fd, n = 0;
	ssize_t len;

	fd = open(PROMPT_CONSOLES_ACTIVE, O_RDONLY | O_CLOEXEC);
	len = fd >= 0 ? read(fd, list, sizeof(list) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		len = (ssize_t)strlen(strcpy(list, "console"));
	list[len] = '\0';
	for (char *save = NULL, *name = strtok_r(list, " \n", &save);
	     name && n < PROMPT_CONSOLES_MAX; name = strtok_r(NULL, " \n", &save)) {
		struct termios raw;

		snprintf(path, sizeof(path), "/dev/%s", name);
		con[n].fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (con[n].fd < 0) {
			log_debug("cannot open %s for the passphrase prompt: %m", path);
			continue;
		}
		con[n].saved = tcgetattr(con[n].fd, &con[n].old) == 0;
		if (con[n].saved) {
			/* Byte by byte, no echo: baton does the line editing itself. */
			raw = con[n].old;
			raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON);
			raw.c_cc[VMIN] = 1;
			raw.c_cc[VTIME] = 0;
			(void)tcsetattr(con[n].fd, TCSAFLUSH, &raw);
		}
		snprintf(names + strlen(names), size - strlen(names), "%s%s", n ? " " : "", path);
		n++;
	}
	return n;
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

/* Reads one line from whichever console types first; returns its length. */
static int read_line(struct console *con, int n, char *buf, size_t size)
{
	struct pollfd pfd[PROMPT_CONSOLES_MAX];
	int owner = -1;
	size_t len = 0;

	for (;;) {
		int open_fds = 0;

		for (int i = 0; i < n; i++) {
			pfd[i] = (struct pollfd){.fd = con[i].fd, .events = POLLIN};
			open_fds += con[i].fd >= 0;
		}
		if (!open_fds)
			return -EIO;
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			char c;

			if (!(pfd[i].revents & POLLIN) || (owner >= 0 && owner != i))
				continue;
			while (read(con[i].fd, &c, 1) == 1) {
				owner = i;
				if (c == '\r' || c == '\n')
					return (int)len;
				if (c == 0x7f || c == '\b')
					len -= len > 0;
				else if (c == 0x15) /* Ctrl-U: start again */
					len = 0;
				else if (len < size)
					buf[len++] = c;
			}
			/* A console that hung up is left out; the others still count. */
			if (pfd[i].revents & (POLLHUP | POLLERR))
				con[i].fd = -1;
		}
	}
}

static int prompt_consoles(const char *text, char *buf, size_t size)
{
	struct console con[PROMPT_CONSOLES_MAX];
	char names[PROMPT_CONSOLES_MAX * 16] = "";
	int n = open_consoles(con, names, sizeof(names)), r;

	if (n == 0)
		return log_error_errno(-ENODEV, "no console to ask for the passphrase on (%s)",
				       PROMPT_CONSOLES_ACTIVE);
	log_info("asking for the passphrase on %s", names);
	for (int i = 0; i < n; i++) {
		write_all(con[i].fd, "\n");
		write_all(con[i].fd, text);
		write_all(con[i].fd, " ");
	}
	r = read_line(con, n, buf, size);
	for (int i = 0; i < n; i++) {
		if (con[i].fd < 0)
			continue;
		write_all(con[i].fd, "\n");
		if (con[i].saved)
			(void)tcsetattr(con[i].fd, TCSAFLUSH, &con[i].old);
		close(con[i].fd);
	}
	return r;
}

/*
 * plymouth ask-for-password prints the passphrase on stdout; no newline is added. Its text
 * themes put ":" after the prompt themselves (Debian's cryptroot passes none), so the text's
 * own final ':' is left out: "...(luks-UUID):" and not "...(luks-UUID)::".
 */
static int prompt_plymouth(const char *text, char *buf, size_t size)
{
	char arg[512];
	const char *argv[] = {"plymouth", "ask-for-password", arg, NULL};
	size_t len = 0, n = strlen(text);
	int r;

	if (n && text[n - 1] == ':')
		n--;
	snprintf(arg, sizeof(arg), "--prompt=%.*s", (int)n, text);
	r = run_tool_capture(argv, buf, size, &len, 0);
	if (r != 0) {
		explicit_bzero(buf, size);
		return r < 0 ? r : -EIO;
	}
	return (int)len;
}

int prompt_passphrase(const char *text, char *buf, size_t size)
{
	int r;

	/* Both plymouth and the consoles read the VT keyboard: its layout first. */
	keymap_load_once();
	if (access(PROMPT_PLYMOUTH_PID, F_OK) == 0) {
		r = prompt_plymouth(text, buf, size);
		if (r >= 0)
			return r;
		log_warning("plymouth did not ask for the passphrase (%d), asking on the consoles",
			    r);
	}
	return prompt_consoles(text, buf, size);
}
