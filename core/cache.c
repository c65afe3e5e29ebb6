/*
 * cache.c: the last-known state on disk (see cache.h for the format and the
 * guarantees).
 *
 * The save follows SQLite's atomic-commit discipline, minus the journal:
 *
 *   lock -> temp (O_EXCL, 0600) -> header placeholder -> body (streamed
 *   through SHA-256) -> header -> fsync -> link current to .prev ->
 *   rename temp over current -> fsync the directory -> unlock
 *
 * Until the rename the current file is untouched; the rename is atomic; the
 * directory fsync makes it durable. The header is written last, so a temp
 * file that a crash left behind never verifies, and the next save (holding
 * the lock, so no one else is writing) removes it.
 *
 * Built with -DORGTOP_FAULTS (make FAULTS=1), ORGTOP_FAULT_CACHE=after-write,
 * after-fsync or after-rename stops the save there with SIGKILL, for the
 * crash tests.
 */
#include "core/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/report.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define CACHE_MAGIC "orgtop-cache/"
#define CACHE_MAX_BYTES (1ULL << 30) /* a file larger than 1 GiB is not ours */
#define CACHE_NAME_MAX 100
#define CACHE_LOCK_WAIT_MS 500

/* "orgtop-cache/1 sha256=<64> length=<20>\n" */
#define CACHE_HEADER_LEN (sizeof CACHE_MAGIC - 1 + 1 + 8 + 64 + 8 + 20 + 1)

struct cache {
	char *dir;
	char *name;
	char *path;   /* dir/name.cache */
	char *prev;   /* dir/name.cache.prev */
	char *lock;   /* dir/name.lock */
	char *prevtmp; /* dir/.name.cache.prev-tmp */
	unsigned lock_wait_ms;
	int pending;  /* an async save is under way */
	cache_msg_fn msg;
	void *arg;
};

#ifdef ORGTOP_FAULTS
static void
cache__fault(const char *point)
{
	const char *f = getenv("ORGTOP_FAULT_CACHE");

	if (f != NULL && strcmp(f, point) == 0)
		raise(SIGKILL);
}
#else
#define cache__fault(point) ((void)0)
#endif

/* ------------------------------------------------------------- messages */

static void
cache__msg(const struct cache *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
cache__msg(const struct cache *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (c->msg == NULL)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	c->msg(s, c->arg);
	free(s);
}

/* A path made safe to show (it may come from the environment). Caller frees the result. */
static char *
cache__show(const char *path)
{
	return text_clean(path, 0);
}

static void
cache__cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
cache__cause(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- naming */

char *
cache_default_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	/* The XDG spec: a relative path is invalid and is ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/orgtop", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.cache/orgtop", home);
	return NULL;
}

static void
cache__sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 32;

	EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

char *
cache_name_for(const char *profile, const char *endpoint)
{
	struct buf b;
	char *s;

	if (profile == NULL || *profile == '\0')
		profile = "default";
	buf_init(&b);
	if (profile[0] == '.')
		buf_addc(&b, 'p');
	for (const char *p = profile; *p != '\0' && b.len < 64; p++) {
		char ch = *p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '.' || ch == '_' || ch == '-')
			buf_addc(&b, ch);
		else
			buf_addc(&b, '_');
	}
	if (endpoint != NULL && *endpoint != '\0') {
		unsigned char h[32];
		char hex[65];

		cache__sha256(endpoint, strlen(endpoint), h);
		util_hex(h, 6, hex);
		buf_printf(&b, "-%s", hex);
	}
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static int
cache__name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CACHE_NAME_MAX || name[0] == '.')
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	    n;
}

struct cache *
cache_new(const char *dir, const char *name, cache_msg_fn msg, void *arg, char **cause)
{
	struct cache *c;
	char *d;

	if (name == NULL || !cache__name_ok(name)) {
		cache__cause(cause, "invalid cache name (expected [A-Za-z0-9._-], at most %d bytes, "
				    "not starting with '.')",
		    CACHE_NAME_MAX);
		return NULL;
	}
	d = dir != NULL ? xstrdup(dir) : cache_default_dir();
	if (d == NULL || *d == '\0') {
		cache__cause(cause, "no cache directory: set HOME or XDG_CACHE_HOME, or use "
				    "--cache-dir DIR or --no-cache");
		free(d);
		return NULL;
	}
	while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
		d[strlen(d) - 1] = '\0';
	c = xcalloc(1, sizeof *c);
	c->dir = d;
	c->name = xstrdup(name);
	c->path = xasprintf("%s/%s.cache", d, name);
	c->prev = xasprintf("%s/%s.cache.prev", d, name);
	c->lock = xasprintf("%s/%s.lock", d, name);
	c->prevtmp = xasprintf("%s/.%s.cache.prev-tmp", d, name);
	c->lock_wait_ms = CACHE_LOCK_WAIT_MS;
	c->msg = msg;
	c->arg = arg;
	return c;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c->name);
	free(c->path);
	free(c->prev);
	free(c->lock);
	free(c->prevtmp);
	free(c);
}

void
cache_set_lock_wait(struct cache *c, unsigned ms)
{
	c->lock_wait_ms = ms;
}

const char *
cache_dir(const struct cache *c)
{
	return c->dir;
}

const char *
cache_path(const struct cache *c)
{
	return c->path;
}

/* ------------------------------------------------------------- directory */

/*
 * Checks (and with fix, creates and repairs) the directory: it must be a
 * directory owned by us, and not open to group or others. 0, 1 when it does
 * not exist (and !create), -1 with *cause.
 */
static int
cache__dir(const struct cache *c, int create, char **cause)
{
	struct stat st;
	char *show;

	if (create) {
		/* mkdir -p, each new component 0700 whatever the umask. */
		char *p = xstrdup(c->dir);

		for (char *s = p + 1;; s++) {
			int last = *s == '\0';

			if (*s != '/' && !last)
				continue;
			*s = '\0';
			if (mkdir(p, 0700) == 0) {
				if (chmod(p, 0700) < 0) {
					int e = errno;

					show = cache__show(p);
					cache__cause(cause, "cannot set the mode of %s: %s", show,
					    strerror(e));
					free(show);
					free(p);
					return -1;
				}
			} else if (errno != EEXIST) {
				int e = errno;

				show = cache__show(p);
				cache__cause(cause, "cannot create the cache directory %s: %s", show,
				    strerror(e));
				free(show);
				free(p);
				return -1;
			}
			if (last)
				break;
			*s = '/';
		}
		free(p);
	}
	if (stat(c->dir, &st) < 0) {
		int e = errno;

		if (e == ENOENT && !create)
			return 1;
		show = cache__show(c->dir);
		cache__cause(cause, "cannot use the cache directory %s: %s", show, strerror(e));
		free(show);
		return -1;
	}
	show = cache__show(c->dir);
	if (!S_ISDIR(st.st_mode)) {
		cache__cause(cause, "the cache directory %s is not a directory", show);
		free(show);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		cache__cause(cause, "the cache directory %s belongs to uid %u, not to you (uid %u); "
				    "not using it",
		    show, (unsigned)st.st_uid, (unsigned)geteuid());
		free(show);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		if (chmod(c->dir, 0700) == 0)
			cache__msg(c, "the cache directory %s was mode %04o; set it to 0700", show,
			    (unsigned)(st.st_mode & 07777));
		else
			cache__msg(c, "the cache directory %s is mode %04o and could not be set to "
				      "0700: %s",
			    show, (unsigned)(st.st_mode & 07777), strerror(errno));
	}
	free(show);
	return 0;
}

static int
cache__fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* ------------------------------------------------------------------ lock */

/*
 * Takes the lock, waiting up to wait_ms. Returns the lock's fd, -2 when
 * another instance holds it, -1 on an error (errno set).
 */
static int
cache__lock(const struct cache *c, unsigned wait_ms)
{
	uint64_t until = util_monotonic_ms() + wait_ms;
	int fd = open(c->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	for (;;) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		if (util_monotonic_ms() >= until) {
			close(fd);
			return -2;
		}
		nanosleep(&ts, NULL);
	}
}

static void
cache__unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

/* ---------------------------------------------------------------- decode */

static int
cache__hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

int
cache_decode(struct model *m, const char *data, size_t len, char **cause)
{
	const size_t magic = sizeof CACHE_MAGIC - 1;
	unsigned char want[32], got[32];
	unsigned long long blen = 0;
	const char *h = data, *body;
	long long ver;
	char vbuf[16];
	size_t vn = 0;
	int rc;

	if (len == 0) {
		cache__cause(cause, "the file is empty");
		return -1;
	}
	if (len < magic || memcmp(h, CACHE_MAGIC, magic) != 0) {
		cache__cause(cause, "not an orgtop cache file (no \"%s\" header)", CACHE_MAGIC);
		return -1;
	}
	while (magic + vn < len && vn < sizeof vbuf - 1 && h[magic + vn] >= '0' &&
	    h[magic + vn] <= '9') {
		vbuf[vn] = h[magic + vn];
		vn++;
	}
	vbuf[vn] = '\0';
	if (util_parse_ll(vbuf, 1, 1000000, &ver) < 0 || magic + vn >= len || h[magic + vn] != ' ') {
		cache__cause(cause, "a damaged header (no format version)");
		return -1;
	}
	if (ver > CACHE_VERSION) {
		cache__cause(cause, "format orgtop-cache/%lld is newer than this orgtop reads "
				    "(orgtop-cache/%d)",
		    ver, CACHE_VERSION);
		return -2;
	}
	if (ver != CACHE_VERSION || vn != 1 || len < CACHE_HEADER_LEN ||
	    memcmp(h + magic + vn, " sha256=", 8) != 0 || h[magic + vn + 8 + 64] != ' ' ||
	    memcmp(h + magic + vn + 8 + 64, " length=", 8) != 0 || h[CACHE_HEADER_LEN - 1] != '\n') {
		cache__cause(cause, "a damaged header");
		return -1;
	}
	for (int i = 0; i < 32; i++) {
		int hi = cache__hexval(h[magic + vn + 8 + 2 * i]);
		int lo = cache__hexval(h[magic + vn + 8 + 2 * i + 1]);

		if (hi < 0 || lo < 0) {
			cache__cause(cause, "a damaged header (checksum)");
			return -1;
		}
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	for (int i = 0; i < 20; i++) {
		char ch = h[magic + vn + 8 + 64 + 8 + i];

		if (ch < '0' || ch > '9') {
			cache__cause(cause, "a damaged header (length)");
			return -1;
		}
		blen = blen * 10 + (unsigned)(ch - '0');
	}
	body = data + CACHE_HEADER_LEN;
	if (blen != len - CACHE_HEADER_LEN) {
		cache__cause(cause, "truncated or padded: the body has %zu bytes, the header says %llu",
		    len - CACHE_HEADER_LEN, blen);
		return -1;
	}
	cache__sha256(body, (size_t)blen, got);
	if (memcmp(want, got, 32) != 0) {
		cache__cause(cause, "the checksum does not match (the file was damaged)");
		return -1;
	}
	rc = report_json_load(m, body, (size_t)blen, cause);
	return rc;
}

/* ------------------------------------------------------------------ load */

enum cache__got { GOT_OK, GOT_MISSING, GOT_CORRUPT, GOT_FUTURE, GOT_ERROR };

/* Reads and decodes one file; its identity in *st for a later set-aside. */
static enum cache__got
cache__read(const char *path, struct model *m, struct stat *st, char **why)
{
	struct buf b;
	int fd, rc;

	*why = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return GOT_MISSING;
		*why = xstrdup(e == ELOOP ? "it is a symbolic link" : strerror(e));
		return GOT_ERROR;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		*why = xstrdup("not a regular file");
		close(fd);
		return GOT_CORRUPT;
	}
	if (st->st_uid != geteuid()) {
		*why = xasprintf("it belongs to uid %u, not to you", (unsigned)st->st_uid);
		close(fd);
		return GOT_ERROR;
	}
	if ((unsigned long long)st->st_size > CACHE_MAX_BYTES) {
		*why = xasprintf("%lld bytes is larger than any cache", (long long)st->st_size);
		close(fd);
		return GOT_CORRUPT;
	}
	buf_init(&b);
	buf_reserve(&b, (size_t)st->st_size);
	for (;;) {
		ssize_t n;

		buf_reserve(&b, 65536);
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = xstrdup(strerror(errno));
			buf_done(&b);
			close(fd);
			return GOT_ERROR;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > CACHE_MAX_BYTES) {
			*why = xstrdup("it keeps growing");
			buf_done(&b);
			close(fd);
			return GOT_CORRUPT;
		}
	}
	close(fd);
	b.data[b.len] = '\0';
	rc = cache_decode(m, b.data, b.len, why);
	buf_done(&b);
	if (rc == 0)
		return GOT_OK;
	return rc == -2 ? GOT_FUTURE : GOT_CORRUPT;
}

/*
 * Renames a bad file out of the way: path.kind-<UTC time>. Under the lock,
 * and only if path is still the file that was read (another instance may
 * have just saved a good one there).
 */
static void
cache__set_aside(const struct cache *c, const char *path, const struct stat *seen,
    const char *kind, const char *why)
{
	char ts[32], *to, *show = cache__show(path), *show_to;
	struct stat now;
	time_t t = time(NULL);
	struct tm tm;
	int lk = cache__lock(c, c->lock_wait_ms);

	if (gmtime_r(&t, &tm) == NULL || strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(ts, sizeof ts, "%lld", (long long)t);
	to = xasprintf("%s.%s-%s", path, kind, ts);
	if (access(to, F_OK) == 0) {
		free(to);
		to = xasprintf("%s.%s-%s-%ld", path, kind, ts, (long)getpid());
	}
	show_to = cache__show(to);
	if (lk < 0) {
		cache__msg(c, "cache %s is %s (%s); not used, and left in place: another orgtop "
			      "is saving",
		    show, strcmp(kind, "future") == 0 ? "of a newer orgtop" : "damaged", why);
	} else if (lstat(path, &now) < 0 || now.st_ino != seen->st_ino ||
	    now.st_dev != seen->st_dev) {
		cache__msg(c, "cache %s was replaced while it was read; not used", show);
	} else if (rename(path, to) == 0) {
		if (strcmp(kind, "future") == 0)
			cache__msg(c, "cache %s was written by a newer orgtop (%s); set aside as %s and "
				      "not overwritten",
			    show, why, show_to);
		else
			cache__msg(c, "cache %s is damaged (%s); set aside as %s", show, why, show_to);
	} else {
		cache__msg(c, "cache %s is %s (%s) and could not be set aside: %s", show,
		    strcmp(kind, "future") == 0 ? "of a newer orgtop" : "damaged", why,
		    strerror(errno));
	}
	cache__unlock(lk);
	free(show_to);
	free(show);
	free(to);
}

int
cache_load(struct cache *c, struct model *m, char **cause)
{
	const char *paths[2] = {c->path, c->prev};
	int rc;

	rc = cache__dir(c, 0, cause);
	if (rc != 0)
		return rc;
	for (int i = 0; i < 2; i++) {
		struct model *t = model_new();
		struct stat st;
		char *why = NULL, *show;
		enum cache__got got = cache__read(paths[i], t, &st, &why);

		show = cache__show(paths[i]);
		switch (got) {
		case GOT_OK:
			model_mark_all_stale(t);
			model_swap(m, t);
			if (i > 0)
				cache__msg(c, "using the previous cache generation %s", show);
			break;
		case GOT_CORRUPT:
			cache__set_aside(c, paths[i], &st, "corrupt", why);
			break;
		case GOT_FUTURE:
			cache__set_aside(c, paths[i], &st, "future", why);
			break;
		case GOT_ERROR:
			cache__msg(c, "cache %s cannot be read: %s", show, why);
			break;
		case GOT_MISSING:
			break;
		}
		free(show);
		free(why);
		model_free(t);
		if (got == GOT_OK)
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ save */

struct cache__writer {
	int fd;
	EVP_MD_CTX *sha;
	int err; /* the first errno */
};

static int
cache__write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
cache__sink(const void *data, size_t len, void *arg)
{
	struct cache__writer *w = arg;

	if (w->err != 0)
		return -1;
	if (EVP_DigestUpdate(w->sha, data, len) != 1) {
		w->err = EIO;
		return -1;
	}
	if (cache__write_all(w->fd, data, len) < 0) {
		w->err = errno;
		return -1;
	}
	return 0;
}

/* Removes temp files a crashed save left (the lock is held: no one is writing). */
static void
cache__sweep(const struct cache *c)
{
	char *prefix = xasprintf(".%s.cache.tmp-", c->name);
	size_t plen = strlen(prefix);
	DIR *d = opendir(c->dir);
	struct dirent *e;

	if (d == NULL) {
		free(prefix);
		return;
	}
	for (;;) {
		e = readdir(d);
		if (e == NULL)
			break;
		if (strncmp(e->d_name, prefix, plen) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	free(prefix);
}

/* Writes the whole temp file: placeholder header, body, then the real header. 0 / errno. */
static int
cache__write_tmp(int fd, const struct model *m)
{
	struct report_opts o = {.flags = REPORT_CACHE};
	struct cache__writer w = {.fd = fd, .sha = EVP_MD_CTX_new(), .err = 0};
	char header[CACHE_HEADER_LEN + 1], hex[65];
	unsigned char sum[32];
	unsigned int sumlen = 32;
	off_t body;
	int n;

	if (w.sha == NULL || EVP_DigestInit_ex(w.sha, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(w.sha);
		return EIO;
	}
	memset(header, ' ', CACHE_HEADER_LEN);
	if (cache__write_all(fd, header, CACHE_HEADER_LEN) < 0) {
		EVP_MD_CTX_free(w.sha);
		return errno;
	}
	if (report_write(m, REPORT_JSON, &o, cache__sink, &w) < 0 || w.err != 0) {
		EVP_MD_CTX_free(w.sha);
		return w.err != 0 ? w.err : EIO;
	}
	if (EVP_DigestFinal_ex(w.sha, sum, &sumlen) != 1) {
		EVP_MD_CTX_free(w.sha);
		return EIO;
	}
	EVP_MD_CTX_free(w.sha);
	body = lseek(fd, 0, SEEK_CUR);
	if (body < (off_t)CACHE_HEADER_LEN)
		return EIO;
	util_hex(sum, 32, hex);
	n = snprintf(header, sizeof header, "%s%d sha256=%s length=%020llu\n", CACHE_MAGIC,
	    CACHE_VERSION, hex, (unsigned long long)(body - (off_t)CACHE_HEADER_LEN));
	if (n != (int)CACHE_HEADER_LEN)
		return EIO;
	if (pwrite(fd, header, CACHE_HEADER_LEN, 0) != (ssize_t)CACHE_HEADER_LEN)
		return errno != 0 ? errno : EIO;
	cache__fault("after-write");
	return 0;
}

/* Keeps the current generation as .prev (hard link, so the current name never disappears). */
static int
cache__keep_prev(const struct cache *c)
{
	int rc = 0;

	unlink(c->prevtmp);
	if (link(c->path, c->prevtmp) == 0) {
		if (rename(c->prevtmp, c->prev) < 0) {
			rc = -1;
			unlink(c->prevtmp);
		}
	} else if (errno != ENOENT) {
		/* No hard links here (some network file systems): move it instead. */
		if (rename(c->path, c->prev) < 0 && errno != ENOENT)
			rc = -1;
	}
	return rc;
}

/*
 * One save in three steps: prepare (on the loop: lock, temp file, the
 * document into the page cache), commit (may run on a thread: fsync, .prev,
 * rename, directory fsync; touches no model and no message), finish (on the
 * loop: unlock, clean up, the cause).
 */
struct cache__save {
	int lk;
	int fd;
	char *tmp;
	int err;      /* errno of the failed step, 0 */
	int dir_err;  /* errno of the directory fsync after a good rename, 0 */
};

static int
cache__save_prepare(struct cache *c, const struct model *m, struct cache__save *s, char **cause)
{
	static unsigned seq;
	char *show;

	memset(s, 0, sizeof *s);
	s->lk = s->fd = -1;
	if (cache__dir(c, 1, cause) != 0)
		return -1;
	s->lk = cache__lock(c, c->lock_wait_ms);
	if (s->lk == -2) {
		show = cache__show(c->dir);
		cache__cause(cause, "another orgtop is saving the cache in %s; this save was skipped",
		    show);
		free(show);
		return 1;
	}
	if (s->lk < 0) {
		s->err = errno;
		return 0;
	}
	cache__sweep(c);
	s->tmp = xasprintf("%s/.%s.cache.tmp-%ld-%u", c->dir, c->name, (long)getpid(), seq++);
	s->fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		s->err = errno;
		free(s->tmp);
		s->tmp = NULL; /* nothing to remove */
		return 0;
	}
	if (fchmod(s->fd, 0600) < 0) {
		s->err = errno;
		return 0;
	}
	s->err = cache__write_tmp(s->fd, m);
	return 0;
}

static void
cache__save_commit(const struct cache *c, struct cache__save *s)
{
	int fd = s->fd;

	if (s->err != 0)
		return;
	if (fsync(fd) < 0) {
		s->err = errno;
		return;
	}
	cache__fault("after-fsync");
	s->fd = -1;
	if (close(fd) < 0) {
		s->err = errno;
		return;
	}
	if (cache__keep_prev(c) < 0 || rename(s->tmp, c->path) < 0) {
		s->err = errno;
		return;
	}
	free(s->tmp);
	s->tmp = NULL; /* it is the cache now */
	cache__fault("after-rename");
	if (cache__fsync_dir(c->dir) < 0)
		s->dir_err = errno;
}

static int
cache__save_finish(const struct cache *c, struct cache__save *s, char **cause)
{
	char *show = cache__show(c->dir);
	int rc = 0;

	if (s->fd >= 0)
		close(s->fd);
	if (s->tmp != NULL)
		unlink(s->tmp);
	cache__unlock(s->lk);
	if (s->err != 0) {
		cache__cause(cause, "cannot save the cache in %s: %s (the data on screen is kept)",
		    show, strerror(s->err));
		rc = -1;
	} else if (s->dir_err != 0) {
		cache__cause(cause, "the cache in %s was written but the directory could not be "
				    "synced: %s",
		    show, strerror(s->dir_err));
		rc = -1;
	}
	free(show);
	free(s->tmp);
	memset(s, 0, sizeof *s);
	return rc;
}

int
cache_save(struct cache *c, const struct model *m, char **cause)
{
	struct cache__save s;
	int rc;

	if (c->pending) {
		cache__cause(cause, "a save of this cache is still under way; this one was skipped");
		return 1;
	}
	rc = cache__save_prepare(c, m, &s, cause);
	if (rc != 0)
		return rc;
	cache__save_commit(c, &s);
	return cache__save_finish(c, &s, cause);
}

/* ------------------------------------------------------------ async save */

struct cache__async {
	uv_work_t work;
	struct cache *c;
	struct cache__save s;
	cache_saved_fn cb;
	void *arg;
};

static void
cache__async_work(uv_work_t *w)
{
	struct cache__async *a = w->data;

	cache__save_commit(a->c, &a->s);
}

static void
cache__async_done(uv_work_t *w, int status)
{
	struct cache__async *a = w->data;
	char *cause = NULL;
	int rc;

	if (status == UV_ECANCELED && a->s.err == 0)
		a->s.err = ECANCELED;
	rc = cache__save_finish(a->c, &a->s, &cause);
	a->c->pending = 0;
	if (a->cb != NULL)
		a->cb(rc, cause, a->arg);
	free(cause);
	free(a);
}

int
cache_save_async(struct cache *c, uv_loop_t *loop, const struct model *m, cache_saved_fn cb,
    void *arg, char **cause)
{
	struct cache__async *a;
	int rc;

	if (c->pending) {
		cache__cause(cause, "a save of this cache is still under way; this one was skipped");
		return 1;
	}
	a = xcalloc(1, sizeof *a);
	rc = cache__save_prepare(c, m, &a->s, cause);
	if (rc != 0) {
		free(a);
		return rc;
	}
	if (a->s.err != 0) {
		rc = cache__save_finish(c, &a->s, cause);
		free(a);
		return rc;
	}
	a->c = c;
	a->cb = cb;
	a->arg = arg;
	a->work.data = a;
	rc = uv_queue_work(loop, &a->work, cache__async_work, cache__async_done);
	if (rc != 0) {
		/* No thread pool: finish here and now. */
		cache__save_commit(c, &a->s);
		rc = cache__save_finish(c, &a->s, cause);
		free(a);
		return rc;
	}
	c->pending = 1;
	return 0;
}

int
cache_save_pending(const struct cache *c)
{
	return c->pending;
}
