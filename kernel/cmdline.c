// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <pvbatch/cmdline.h>

extern const struct kparam __start_kparams[], __stop_kparams[];

#define MAX_WORD 256

bool val_is(const char *val, const char *word)
{
	return !strcmp(val, word);
}

int parse_ulong_list(const char *val, unsigned long *out, unsigned int max,
		     unsigned int *n)
{
	char num[32];
	unsigned int count = 0;

	while (*val) {
		const char *end = strchr(val, ',');
		size_t len = end ? (size_t)(end - val) : strlen(val);

		if (!len || len >= sizeof(num) || count == max)
			return -EINVAL;
		memcpy(num, val, len);
		num[len] = '\0';
		if (kstrtoul(num, &out[count]) || !out[count])
			return -EINVAL;
		count++;
		val += len;
		if (*val == ',' && !*++val)
			return -EINVAL;		/* trailing comma */
	}
	if (!count)
		return -EINVAL;
	*n = count;
	return 0;
}

static const struct kparam *find_param(const char *key, size_t len)
{
	const struct kparam *p;

	for (p = __start_kparams; p < __stop_kparams; p++)
		if (strlen(p->name) == len && !strncmp(p->name, key, len))
			return p;
	return NULL;
}

/* One pass over the words; check only, or check and apply. */
static int walk(const char *line, bool apply, char *err, size_t errlen)
{
	char word[MAX_WORD];

	for (;;) {
		const struct kparam *p;
		const char *why = "invalid value";
		size_t len;
		char *eq;

		while (*line == ' ')
			line++;
		if (!*line)
			return 0;
		len = 0;
		while (line[len] && line[len] != ' ')
			len++;
		if (len >= sizeof(word)) {
			snprintf(err, errlen, "word too long (%zu characters)", len);
			return -EINVAL;
		}
		memcpy(word, line, len);
		word[len] = '\0';
		line += len;

		eq = strchr(word, '=');
		if (!eq || eq == word) {
			snprintf(err, errlen, "'%s': expected key=value", word);
			return -EINVAL;
		}
		p = find_param(word, eq - word);
		if (!p) {
			*eq = '\0';
			snprintf(err, errlen, "unknown key '%s'", word);
			return -EINVAL;
		}
		if (p->set(eq + 1, apply, &why) < 0) {
			snprintf(err, errlen, "%s: %s", word, why);
			return -EINVAL;
		}
	}
}

int cmdline_check(const char *line, bool apply, char *err, size_t errlen)
{
	int rc = walk(line, false, err, errlen);

	if (rc || !apply)
		return rc;
	return walk(line, true, err, errlen);
}

int cmdline_parse(const char *line, bool apply)
{
	char err[160];
	int rc = cmdline_check(line, apply, err, sizeof(err));

	if (rc)
		printk("cmdline: %s\n", err);
	return rc;
}
