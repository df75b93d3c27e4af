// SPDX-License-Identifier: MIT
/* /etc/baton/mkinitramfs.conf and conf.d/NAME.conf: KEY=VALUE lines turned into long options. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "util.h"

/* A configuration file is a few lines; anything larger is a mistake, not a configuration. */
#define CONFIG_FILE_MAX (1024 * 1024)

/* Longest key: the longest long option name is far shorter. */
#define CONFIG_KEY_MAX 64

/* One option word a line gave: "--opt" (bare) or "--opt=word". */
struct config_word {
	char *opt;
	char *word; /* NULL when bare */
	char where[PATH_MAX + 16];
	bool dropped; /* replaced by a later "KEY=" line */
};

struct config_state {
	struct config_word *v;
	size_t count;
	size_t cap;
};

/* The names users know from dracut.conf and initramfs.conf, mapped onto our options. */
static const struct {
	const char *key;
	const char *option;
} config_aliases[] = {
    {"hostonly", "host-only"},
    {"add-drivers", "modules"},
    {"omit-drivers", "omit-modules"},
};

/* Options that make no sense in a file: they act on the run itself. */
static const char *const config_refused[] = {"help",	  "version", "confdir",
					     "no-config", "list",    "long"};

static struct config_state config_global;
static char **config_argv_out;
static const char **config_where_out;
static int config_argc_out;

static int config_push(struct config_state *st, const char *opt, const char *word,
		       const char *where)
{
	struct config_word *w;

	if (st->count == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct config_word *v = reallocarray(st->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->v = v;
		st->cap = cap;
	}
	w = &st->v[st->count];
	*w = (struct config_word){0};
	w->opt = strdup(opt);
	w->word = word ? strdup(word) : NULL;
	if (!w->opt || (word && !w->word)) {
		free(w->opt);
		free(w->word);
		return -ENOMEM;
	}
	snprintf(w->where, sizeof(w->where), "%s", where);
	st->count++;
	return 0;
}

static void config_drop(struct config_state *st, const char *opt)
{
	for (size_t i = 0; i < st->count; i++)
		if (strcmp(st->v[i].opt, opt) == 0)
			st->v[i].dropped = true;
}

static const struct option *config_find(const struct option *opts, const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(config_aliases); i++)
		if (strcmp(key, config_aliases[i].key) == 0)
			key = config_aliases[i].option;
	for (size_t i = 0; i < ARRAY_SIZE(config_refused); i++)
		if (strcmp(key, config_refused[i]) == 0)
			return NULL;
	for (; opts->name; opts++)
		if (strcmp(opts->name, key) == 0)
			return opts;
	return NULL;
}

/*
 * Unquotes a value as a shell would read one word of it ("..." with \" \\ \$ \` escapes,
 * '...' literal), stopping at a '#' that starts a word. Quoted blanks stay in the result,
 * which is split into words by the caller. Returns 0 or -EINVAL for an unterminated quote.
 */
static int config_unquote(const char *s, char *out, size_t outlen)
{
	size_t n = 0;
	char quote = 0;

	for (const char *p = s; *p; p++) {
		char c = *p;

		if (!quote) {
			if (c == '#' && (p == s || isspace((unsigned char)p[-1])))
				break;
			if (c == '"' || c == '\'') {
				quote = c;
				continue;
			}
			if (isspace((unsigned char)c))
				c = ' ';
		} else if (c == quote) {
			quote = 0;
			continue;
		} else if (quote == '"' && c == '\\' && p[1] && strchr("\"\\$`", p[1])) {
			c = *++p;
		} else if (isspace((unsigned char)c)) {
			c = ' ';
		}
		if (n + 1 >= outlen)
			return -E2BIG;
		out[n++] = c;
	}
	out[n] = '\0';
	return quote ? -EINVAL : 0;
}

static bool config_is_yes(const char *v)
{
	return !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "1") ||
	       !strcasecmp(v, "on");
}

static bool config_is_no(const char *v)
{
	return !strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "0") ||
	       !strcasecmp(v, "off");
}

/* Applies one "KEY=VALUE" (or "KEY+=VALUE") line. Returns 0, -EINVAL (err set) or -ENOMEM. */
static int config_line(struct config_state *st, const char *where, char *line,
		       const struct option *opts, char *err, size_t errlen)
{
	char key[CONFIG_KEY_MAX], *value, *words, *tok, *save = NULL;
	const struct option *opt;
	size_t klen = 0, nwords = 0;
	bool append = false;
	int r;

	size_t op;

	while (isalnum((unsigned char)line[klen]) || line[klen] == '_' || line[klen] == '-')
		klen++;
	/* Blanks around the '=' are accepted (dracut.conf and initramfs.conf have none). */
	for (op = klen; line[op] == ' ' || line[op] == '\t'; op++)
		;
	if (klen == 0 || klen >= sizeof(key) ||
	    !(line[op] == '=' || (line[op] == '+' && line[op + 1] == '='))) {
		snprintf(err, errlen, "%s: expected KEY=VALUE, found '%.60s'", where, line);
		return -EINVAL;
	}
	for (size_t i = 0; i < klen; i++)
		key[i] = line[i] == '_' ? '-' : (char)tolower((unsigned char)line[i]);
	key[klen] = '\0';
	append = line[op] == '+';
	value = line + op + (append ? 2 : 1);
	opt = config_find(opts, key);
	if (!opt) {
		snprintf(
		    err, errlen,
		    "%s: unknown key '%.*s' (the keys are the long options of --help, such as modules, compress, host-only, hook, shell)",
		    where, (int)klen, line);
		return -EINVAL;
	}
	words = malloc(strlen(value) + 1);
	if (!words)
		return -ENOMEM;
	r = config_unquote(value, words, strlen(value) + 1);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s: unterminated quote", where, opt->name);
		free(words);
		return -EINVAL;
	}
	if (!append)
		config_drop(st, opt->name);
	for (tok = strtok_r(words, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		nwords++;
		if (opt->has_arg == required_argument) {
			r = config_push(st, opt->name, tok, where);
		} else if (config_is_yes(tok)) {
			r = config_push(st, opt->name, NULL, where);
		} else if (config_is_no(tok)) {
			r = 0;
		} else if (opt->has_arg == optional_argument) {
			r = config_push(st, opt->name, tok, where);
		} else {
			snprintf(err, errlen, "%s: %s='%s': expected yes or no", where, opt->name,
				 tok);
			r = -EINVAL;
		}
		if (r < 0)
			break;
	}
	if (r >= 0 && nwords > 1 && opt->has_arg != required_argument) {
		snprintf(err, errlen, "%s: %s: expected one value, found %zu", where, opt->name,
			 nwords);
		r = -EINVAL;
	}
	free(words);
	return r;
}

/*
 * Applies one file's text to st. name is the file's name for messages. Returns 0, or -EINVAL
 * after writing "NAME:LINE: what is wrong" into err, or -ENOMEM.
 */
static int config_parse_text(struct config_state *st, const char *name, const char *text,
			     const struct option *opts, char *err, size_t errlen)
{
	const char *p = text;
	unsigned int lineno = 0;
	int r = 0;

	while (*p && r >= 0) {
		size_t len = strcspn(p, "\n");
		char where[PATH_MAX + 16], *line, *s, *e;

		lineno++;
		line = strndup(p, len);
		if (!line)
			return -ENOMEM;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (*s && *s != '#') {
			snprintf(where, sizeof(where), "%s:%u", name, lineno);
			r = config_line(st, where, s, opts, err, errlen);
		}
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
	return r;
}

/* Reads one file into st; a missing file is no error. */
static int config_read_file(struct config_state *st, const char *path, const struct option *opts)
{
	char err[PATH_MAX + 256];
	unsigned char *text = NULL;
	size_t len = 0;
	int r;

	r = util_read_file(path, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m", path);
	if (len > CONFIG_FILE_MAX) {
		free(text);
		log_error("%s: %zu bytes, more than a configuration file holds", path, len);
		return -EFBIG;
	}
	if (memchr(text, '\0', len)) {
		free(text);
		log_error("%s: not a text file (it holds a NUL byte)", path);
		return -EINVAL;
	}
	r = config_parse_text(st, path, (const char *)text, opts, err, sizeof(err));
	free(text);
	if (r == -EINVAL)
		log_error("%s", err);
	else if (r < 0)
		log_error_errno(r, "%s: %m", path);
	return r;
}

static int config_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

/* The main file, then conf.d/NAME.conf in C-locale order (scandir with strcmp). */
static int config_read_dir(struct config_state *st, const char *dir, const struct option *opts)
{
	char path[PATH_MAX];
	struct dirent **names = NULL;
	int n, r;

	r = util_pathf(path, "%s/%s", dir, CONFIG_MAIN_FILE);
	if (r < 0)
		return log_error_errno(r, "%s: path too long", dir);
	r = config_read_file(st, path, opts);
	if (r < 0)
		return r;
	r = util_pathf(path, "%s/%s", dir, CONFIG_DROPIN_DIR);
	if (r < 0)
		return log_error_errno(r, "%s: path too long", dir);
	/* alphasort compares with strcoll, which is strcmp here: this program sets no locale. */
	n = scandir(path, &names, config_filter, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : log_error_errno(-errno, "cannot list %s: %m", path);
	for (int i = 0; i < n && r >= 0; i++) {
		char file[PATH_MAX];

		r = util_pathf(file, "%s/%s", path, names[i]->d_name);
		if (r >= 0)
			r = config_read_file(st, file, opts);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* --confdir DIR / --confdir=DIR / --no-config, looked for before the real parse. */
static int config_prescan(int argc, char **argv, const char **ret_dir)
{
	*ret_dir = CONFIG_DEFAULT_DIR;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--no-config") == 0)
			*ret_dir = NULL;
		else if (strncmp(argv[i], "--confdir=", 10) == 0)
			*ret_dir = argv[i] + 10;
		else if (strcmp(argv[i], "--confdir") == 0 && i + 1 < argc)
			*ret_dir = argv[++i];
		else
			continue;
		if (*ret_dir && !util_is_dir(*ret_dir)) {
			log_error("--confdir %s: no such directory", *ret_dir);
			return -ENOENT;
		}
	}
	return 0;
}

/* The command line overrides the files: its options drop what the files said for them. */
static void config_drop_given(struct config_state *st, int argc, char **argv,
			      const struct option *opts)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) == 0) {
			size_t len = strcspn(a + 2, "=");

			for (const struct option *o = opts; o->name; o++) {
				if (strlen(o->name) != len || strncmp(o->name, a + 2, len) != 0)
					continue;
				config_drop(st, o->name);
				if (o->has_arg == required_argument && !a[2 + len])
					i++;
			}
			continue;
		}
		/* Short options, maybe bundled (-vm ext4): the first taking a value ends them. */
		for (const char *c = a + 1; a[0] == '-' && *c; c++) {
			const struct option *o = opts;

			while (o->name && o->val != *c)
				o++;
			if (!o->name)
				continue;
			config_drop(st, o->name);
			if (o->has_arg == required_argument) {
				i += !c[1];
				break;
			}
		}
	}
}

int config_expand(int argc, char **argv, const struct option *opts, int *ret_argc, char ***ret_argv)
{
	struct config_state *st = &config_global;
	const char *dir;
	size_t live = 0;
	int r, n = 0;

	r = config_prescan(argc, argv, &dir);
	if (r < 0)
		return r;
	if (dir) {
		r = config_read_dir(st, dir, opts);
		if (r < 0)
			return r;
	}
	config_drop_given(st, argc, argv, opts);
	for (size_t i = 0; i < st->count; i++)
		live += !st->v[i].dropped;
	config_argv_out = calloc(live + (size_t)argc + 1, sizeof(*config_argv_out));
	config_where_out = calloc(live + (size_t)argc + 1, sizeof(*config_where_out));
	if (!config_argv_out || !config_where_out)
		return log_error_errno(-ENOMEM, "out of memory");
	config_argv_out[n++] = argv[0];
	for (size_t i = 0; i < st->count; i++) {
		struct config_word *w = &st->v[i];

		if (w->dropped)
			continue;
		if (w->word)
			r = asprintf(&config_argv_out[n], "--%s=%s", w->opt, w->word);
		else
			r = asprintf(&config_argv_out[n], "--%s", w->opt);
		if (r < 0)
			return log_error_errno(-ENOMEM, "out of memory");
		config_where_out[n++] = w->where;
		log_debug("%s: %s", w->where, config_argv_out[n - 1]);
	}
	config_argc_out = n;
	for (int i = 1; i < argc; i++)
		config_argv_out[n++] = argv[i];
	*ret_argc = n;
	*ret_argv = config_argv_out;
	return 0;
}

const char *config_where(int index)
{
	if (!config_where_out || index < 1 || index >= config_argc_out)
		return NULL;
	return config_where_out[index];
}

const char *config_origin(const char *option, const char *value)
{
	size_t vlen = strlen(value);

	for (size_t i = 0; i < config_global.count; i++) {
		const struct config_word *w = &config_global.v[i];
		const char *p;

		if (w->dropped || !w->word || strcmp(w->opt, option) != 0)
			continue;
		for (p = w->word; *p;) {
			size_t len = strcspn(p, ",");

			if (len == vlen && strncmp(p, value, len) == 0)
				return w->where;
			p += len + (p[len] == ',');
		}
	}
	return NULL;
}

void config_free(void)
{
	for (int i = 1; i < config_argc_out; i++)
		free(config_argv_out[i]);
	free(config_argv_out);
	free(config_where_out);
	for (size_t i = 0; i < config_global.count; i++) {
		free(config_global.v[i].opt);
		free(config_global.v[i].word);
	}
	free(config_global.v);
	config_global = (struct config_state){0};
	config_argv_out = NULL;
	config_where_out = NULL;
	config_argc_out = 0;
}
