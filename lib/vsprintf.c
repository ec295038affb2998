// SPDX-License-Identifier: GPL-2.0
/*
 * The printf subset the guest needs: %d %i %u %x %X %p %s %c %%, with the
 * l / ll / z length modifiers, a field width, '0' padding and '-'.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
		       bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static void put_number(struct out *o, unsigned long long v, bool neg,
		       unsigned int base, bool upper, int width, bool left,
		       char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (pad == '0') {
			put(o, '-');
			width--;
		} else {
			tmp[--i] = '-';
		}
	}
	put_padded(o, tmp + i, sizeof(tmp) - i, width, left, pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, is_signed = false, alt = false;
		char pad = ' ';
		int width = 0, lng = 0;
		unsigned long long v;
		unsigned int base = 10;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}

		switch (*fmt) {
		case '%':
			put(&o, '%');
			continue;
		case 'c': {
			char c = (char)__builtin_va_arg(ap, int);

			put_padded(&o, &c, 1, width, left, ' ');
			continue;
		}
		case 's': {
			const char *s = __builtin_va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			put_padded(&o, s, strlen(s), width, left, ' ');
			continue;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, (unsigned long)__builtin_va_arg(ap, void *),
				   false, 16, false, 16, false, '0');
			continue;
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'x':
		case 'X':
			base = 16;
			if (alt) {
				put(&o, '0');
				put(&o, 'x');
			}
			break;
		case '\0':
			fmt--;
			continue;
		default:
			put(&o, '%');
			put(&o, *fmt);
			continue;
		}

		if (lng)
			v = is_signed ? (unsigned long long)__builtin_va_arg(ap, long)
				      : __builtin_va_arg(ap, unsigned long);
		else
			v = is_signed ? (unsigned long long)(long)__builtin_va_arg(ap, int)
				      : __builtin_va_arg(ap, unsigned int);
		if (is_signed && (long long)v < 0)
			put_number(&o, -(long long)v, true, base, false, width,
				   left, pad);
		else
			put_number(&o, v, false, base, *fmt == 'X', width, left,
				   pad);
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	__builtin_va_list ap;
	int n;

	__builtin_va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	__builtin_va_end(ap);
	return n;
}

int kstrtoul(const char *s, unsigned long *res)
{
	unsigned long v = 0, base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	}
	for (; *s; s++) {
		unsigned long d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (~0UL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*res = v;
	return 0;
}
