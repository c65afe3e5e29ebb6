/*
 * test_cache.c: the last-known-state cache (core/cache.c) on real files.
 *
 * The cache's own source is compiled in here with its fault hooks on
 * (ORGTOP_FAULTS, as `make FAULTS=1` builds it), so the crash tests can stop
 * a save in a child process at each step with a real SIGKILL. The test's
 * definitions of cache_* take the place of libcore's.
 */
#ifndef ORGTOP_FAULTS
#define ORGTOP_FAULTS 1
#endif
#include "core/cache.c"

#include <glob.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cmocka.h>

#define T0 1764324000.0

/* unshare(2) is a GNU extension; declared here so the C11 build sees it. */
int unshare(int flags);
#ifndef CLONE_NEWNS
#define CLONE_NEWNS 0x00020000
#endif

static struct buf msgs;

static void
on_msg(const char *msg, void *arg)
{
	(void)arg;
	buf_adds(&msgs, msg);
	buf_addc(&msgs, '\n');
}

/* A model told apart by its organization id, with n accounts x 3 regions. */
static struct model *
model_with(const char *org, int n)
{
	static const char *const regions[] = {"eu-central-1", "eu-west-1", "us-east-1"};
	struct model *m = model_new();
	uint32_t bands[4] = {1, 2, 0, 0};
	char id[13], name[64];
	int ou;

	model_set_org(m, org, "111111111111");
	assert_int_equal(model_set_regions(m, regions, 3), 0);
	ou = model_ou_upsert(m, "r-ab12", "Root", -1);
	for (int i = 0; i < n; i++) {
		int a;

		snprintf(id, sizeof id, "%012d", 100000000 + i);
		snprintf(name, sizeof name, "%s-account-%d", org, i);
		a = model_account_upsert(m, id, name, "ops@corp.example", "ACTIVE", ou, 1.6e9);
		model_set_access(m, a, "OrganizationAccountAccessRole", T0);
		model_set_budgets(m, a, NULL, 0, T0);
		for (size_t r = 0; r < 3; r++) {
			model_set_config(m, a, r, 40, (unsigned)i % 3, 0, T0 - (double)r);
			model_set_guardduty(m, a, r, bands, 5.5, T0);
			model_set_spend(m, a, r, 10.25 * (double)i, T0);
		}
		model_set_state(m, a, 2, MI_CONFIG, MS_THROTTLED, "Rate exceeded", T0);
		model_set_state(m, a, -1, MI_SSO, MS_DENIED, "AccessDenied", T0);
	}
	return m;
}

static char *
json_of(const struct model *m)
{
	struct report_opts o = {.flags = REPORT_CACHE, .generated_at = T0};
	struct buf b;
	char *s;

	buf_init(&b);
	report_write_buf(m, REPORT_JSON, &o, &b);
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static char *
mkdir_tmp(void)
{
	char *d = xstrdup("/tmp/orgtop-cache-test-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
rmrf(const char *path)
{
	char *cmd = xasprintf("rm -rf '%s'", path);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static struct cache *
open_cache(const char *dir)
{
	char *cause = NULL;
	struct cache *c = cache_new(dir, "test", on_msg, NULL, &cause);

	if (c == NULL)
		fail_msg("cache_new: %s", cause);
	return c;
}

static void
save_ok(struct cache *c, const struct model *m)
{
	char *cause = NULL;

	if (cache_save(c, m, &cause) != 0)
		fail_msg("cache_save: %s", cause);
}

/* Loads and returns the organization id ("" when nothing was loaded). */
static char *
load_org(struct cache *c, int *rc)
{
	struct model *m = model_new();
	char *cause = NULL, *org;

	*rc = cache_load(c, m, &cause);
	if (*rc < 0)
		fail_msg("cache_load: %s", cause);
	org = xstrdup(model_org_id(m));
	model_free(m);
	return org;
}

static size_t
count_glob(const char *dir, const char *pattern)
{
	char *pat = xasprintf("%s/%s", dir, pattern);
	glob_t g;
	size_t n = 0;

	if (glob(pat, 0, NULL, &g) == 0)
		n = g.gl_pathc;
	globfree(&g);
	free(pat);
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf b;
	char tmp[4096], *s;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	buf_init(&b);
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n <= 0)
			break;
		buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	*len = b.len;
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static void
spit(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* memmem(3) is a GNU extension. */
static const void *
find_bytes(const void *hay, size_t n, const void *needle, size_t k)
{
	const char *h = hay;

	for (size_t i = 0; k > 0 && i + k <= n; i++) {
		if (memcmp(h + i, needle, k) == 0)
			return h + i;
	}
	return NULL;
}

static int
setup(void **state)
{
	(void)state;
	buf_init(&msgs);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	buf_done(&msgs);
	return 0;
}

/* ---------------------------------------------------------------- naming */

static void
test_default_dir(void **state)
{
	char *old_xdg = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	char *d;

	(void)state;
	setenv("XDG_CACHE_HOME", "/var/cache/me", 1);
	setenv("HOME", "/home/me", 1);
	d = cache_default_dir();
	assert_string_equal(d, "/var/cache/me/orgtop");
	free(d);
	setenv("XDG_CACHE_HOME", "relative/cache", 1); /* ignored, as XDG says */
	d = cache_default_dir();
	assert_string_equal(d, "/home/me/.cache/orgtop");
	free(d);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_null(cache_default_dir());
	if (old_xdg != NULL)
		setenv("XDG_CACHE_HOME", old_xdg, 1);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

static void
test_names(void **state)
{
	char *n, *cause = NULL;
	struct cache *c;

	(void)state;
	n = cache_name_for("prod", NULL);
	assert_string_equal(n, "prod");
	free(n);
	n = cache_name_for(NULL, "");
	assert_string_equal(n, "default");
	free(n);
	n = cache_name_for("a/b c\x1b", "http://127.0.0.1:4566");
	assert_int_equal(strlen(n), strlen("a_b_c_-") + 12);
	assert_true(strncmp(n, "a_b_c_-", 7) == 0);
	free(n);
	n = cache_name_for("..", NULL);
	assert_string_equal(n, "p..");
	free(n);
	c = cache_new("/tmp", "../etc", NULL, NULL, &cause);
	assert_null(c);
	assert_non_null(strstr(cause, "invalid cache name"));
	free(cause);
	assert_null(cache_new("/tmp", "", NULL, NULL, &cause));
	free(cause);
	assert_null(cache_new("/tmp", ".hidden", NULL, NULL, &cause));
	free(cause);
	c = cache_new("/tmp/x//", "ok", NULL, NULL, &cause);
	assert_string_equal(cache_dir(c), "/tmp/x");
	assert_string_equal(cache_path(c), "/tmp/x/ok.cache");
	cache_free(c);
	cache_free(NULL);
}

/* ------------------------------------------------------------ round trip */

static void
test_round_trip(void **state)
{
	char *dir = mkdir_tmp(), *sub = xasprintf("%s/a/b/orgtop", dir), *want, *got, *cause = NULL;
	struct cache *c = open_cache(sub);
	struct model *m = model_with("o-first", 20), *back = model_new();
	const struct model_cell *cell;
	struct stat st;
	size_t len;
	char *raw;
	int rc;

	(void)state;
	assert_int_equal(cache_load(c, back, &cause), 1); /* nothing yet, and nothing created */
	assert_int_equal(stat(sub, &st), -1);
	save_ok(c, m);
	assert_int_equal(cache_load(c, back, &cause), 0);
	/* What was saved comes back, every value stale with its age. */
	model_mark_all_stale(m);
	want = json_of(m);
	got = json_of(back);
	assert_string_equal(want, got);
	cell = model_cell(back, 3, 1);
	assert_int_equal(cell->config.st.state, MS_STALE);
	assert_int_equal(cell->config.st.fetched_at, (uint32_t)(T0 - 1));
	cell = model_cell(back, 3, 2);
	assert_int_equal(cell->config.st.state, MS_STALE); /* held under throttled */
	assert_int_equal(model_account(back, 3)->sso.state, MS_DENIED);
	/* The file: one header line, then the document. */
	raw = slurp(cache_path(c), &len);
	assert_true(strncmp(raw, "orgtop-cache/1 sha256=", 22) == 0);
	assert_int_equal(raw[CACHE_HEADER_LEN - 1], '\n');
	assert_true(strncmp(raw + CACHE_HEADER_LEN, "{\"schema\":\"orgtop/1\"", 20) == 0);
	assert_int_equal(count_glob(sub, ".test.cache.tmp-*"), 0);
	/* A second save keeps the first as .prev. */
	save_ok(c, m);
	assert_int_equal(stat(c->prev, &st), 0);
	free(load_org(c, &rc));
	assert_int_equal(rc, 0);
	assert_string_equal(msgs.data, "");
	free(raw);
	free(want);
	free(got);
	model_free(m);
	model_free(back);
	cache_free(c);
	rmrf(dir);
	free(sub);
	free(dir);
}

static void
test_modes_whatever_the_umask(void **state)
{
	static const mode_t umasks[] = {0, 0777, 022};

	(void)state;
	for (size_t i = 0; i < sizeof umasks / sizeof umasks[0]; i++) {
		char *dir = mkdir_tmp(), *sub = xasprintf("%s/x/orgtop", dir), *parent;
		struct model *m = model_with("o-modes", 2);
		struct cache *c = open_cache(sub);
		mode_t old = umask(umasks[i]);
		struct stat st;

		save_ok(c, m);
		save_ok(c, m);
		umask(old);
		parent = xasprintf("%s/x", dir);
		assert_int_equal(stat(parent, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0700);
		assert_int_equal(stat(sub, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0700);
		assert_int_equal(stat(c->path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(stat(c->prev, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(stat(c->lock, &st), 0);
		assert_int_equal(st.st_mode & 077, 0);
		free(parent);
		model_free(m);
		cache_free(c);
		rmrf(dir);
		free(sub);
		free(dir);
	}
}

static void
test_wide_dir_is_fixed(void **state)
{
	char *dir = mkdir_tmp();
	struct model *m = model_with("o-wide", 1);
	struct cache *c = open_cache(dir);
	struct stat st;
	int rc;

	(void)state;
	assert_int_equal(chmod(dir, 0755), 0);
	buf_reset(&msgs);
	free(load_org(c, &rc));
	assert_int_equal(rc, 1);
	assert_non_null(strstr(msgs.data, "was mode 0755; set it to 0700"));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(chmod(dir, 0777), 0);
	save_ok(c, m);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	model_free(m);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

static void
test_dir_of_someone_else(void **state)
{
	char *dir = mkdir_tmp(), *cause = NULL;
	struct model *m = model_with("o-x", 1), *into = model_new();
	struct cache *c = open_cache(dir);

	(void)state;
	if (geteuid() != 0) {
		printf("# not root: cannot give the directory away; skipped\n");
	} else {
		assert_int_equal(chown(dir, 65534, 65534), 0);
		assert_int_equal(cache_save(c, m, &cause), -1);
		assert_non_null(strstr(cause, "belongs to uid 65534, not to you"));
		free(cause);
		assert_int_equal(cache_load(c, into, &cause), -1);
		assert_non_null(strstr(cause, "belongs to uid 65534"));
		free(cause);
		assert_int_equal(model_naccounts(into), 0);
	}
	model_free(m);
	model_free(into);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

/* ------------------------------------------------------- damaged files */

enum damage { D_FLIP, D_TRUNCATE, D_EMPTY, D_GARBAGE, D_HEADER, D_PAD, D__COUNT };

static void
damage(const char *path, enum damage how)
{
	size_t len;
	char *s = slurp(path, &len);

	switch (how) {
	case D_FLIP:
		s[len - 10] ^= 0x20;
		spit(path, s, len);
		break;
	case D_TRUNCATE:
		spit(path, s, len / 2);
		break;
	case D_EMPTY:
		spit(path, s, 0);
		break;
	case D_GARBAGE:
		spit(path, "hello, world\n", 13);
		break;
	case D_HEADER:
		s[20] = 'X';
		spit(path, s, len);
		break;
	case D_PAD:
		spit(path, s, len);
		{
			int fd = open(path, O_WRONLY | O_APPEND);

			assert_int_equal(write(fd, "\n", 1), 1);
			close(fd);
		}
		break;
	default:
		break;
	}
	free(s);
}

static void
test_damaged_uses_prev(void **state)
{
	static const char *const expect[D__COUNT] = {"checksum does not match",
	    "truncated or padded", "the file is empty", "not an orgtop cache file",
	    "a damaged header", "truncated or padded"};

	(void)state;
	for (int how = 0; how < D__COUNT; how++) {
		char *dir = mkdir_tmp(), *org;
		struct model *a = model_with("o-aaaaaaaaaa", 5), *b = model_with("o-bbbbbbbbbb", 6);
		struct cache *c = open_cache(dir);
		int rc;

		save_ok(c, a);
		save_ok(c, b);
		damage(c->path, (enum damage)how);
		buf_reset(&msgs);
		org = load_org(c, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(org, "o-aaaaaaaaaa"); /* the previous generation */
		if (strstr(msgs.data, expect[how]) == NULL || strstr(msgs.data, "set aside as") == NULL)
			fail_msg("damage %d: messages: %s", how, msgs.data);
		assert_non_null(strstr(msgs.data, "using the previous cache generation"));
		assert_int_equal(count_glob(dir, "test.cache.corrupt-*"), 1);
		assert_int_equal(access(c->path, F_OK), -1);
		free(org);
		/* The next save starts a clean line of generations. */
		save_ok(c, b);
		org = load_org(c, &rc);
		assert_string_equal(org, "o-bbbbbbbbbb");
		free(org);
		model_free(a);
		model_free(b);
		cache_free(c);
		rmrf(dir);
		free(dir);
	}
}

static void
test_damaged_without_prev(void **state)
{
	char *dir = mkdir_tmp(), *org;
	struct model *a = model_with("o-only", 3), *into = model_with("o-in-memory", 1);
	struct cache *c = open_cache(dir);
	char *cause = NULL;

	(void)state;
	save_ok(c, a);
	damage(c->path, D_FLIP);
	buf_reset(&msgs);
	assert_int_equal(cache_load(c, into, &cause), 1);
	assert_string_equal(model_org_id(into), "o-in-memory"); /* untouched */
	assert_non_null(strstr(msgs.data, "is damaged"));
	assert_int_equal(count_glob(dir, "test.cache.corrupt-*"), 1);
	/* A damaged .prev is set aside too. */
	save_ok(c, a);
	save_ok(c, a);
	damage(c->path, D_TRUNCATE);
	damage(c->prev, D_EMPTY);
	buf_reset(&msgs);
	assert_int_equal(cache_load(c, into, &cause), 1);
	assert_int_equal(count_glob(dir, "test.cache.corrupt-*"), 2);
	assert_int_equal(count_glob(dir, "test.cache.prev.corrupt-*"), 1);
	org = xstrdup(model_org_id(into));
	assert_string_equal(org, "o-in-memory");
	free(org);
	model_free(a);
	model_free(into);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

/* Builds a well-formed cache file around body. */
static char *
wrap(const char *body, size_t *len)
{
	unsigned char sum[32];
	char hex[65];
	char *s;

	cache__sha256(body, strlen(body), sum);
	util_hex(sum, 32, hex);
	s = xasprintf("orgtop-cache/1 sha256=%s length=%020zu\n%s", hex, strlen(body), body);
	*len = strlen(s);
	return s;
}

static void
test_future_versions_set_aside(void **state)
{
	static const char future_file[] = "orgtop-cache/2 sha3=abc\n{\"whatever\": true}";
	char *dir = mkdir_tmp(), *org, *cause = NULL, *file, *aside;
	struct model *a = model_with("o-now", 2), *into = model_new();
	struct cache *c = open_cache(dir);
	size_t len;
	glob_t g;
	int rc;

	(void)state;
	spit(c->path, future_file, sizeof future_file - 1);
	buf_reset(&msgs);
	org = load_org(c, &rc);
	assert_int_equal(rc, 1);
	free(org);
	assert_non_null(strstr(msgs.data, "written by a newer orgtop"));
	assert_non_null(strstr(msgs.data, "not overwritten"));
	assert_int_equal(count_glob(dir, "test.cache.future-*"), 1);
	/* Saving now does not touch the newer orgtop's file. */
	save_ok(c, a);
	aside = xasprintf("%s/test.cache.future-*", dir);
	assert_int_equal(glob(aside, 0, NULL, &g), 0);
	file = slurp(g.gl_pathv[0], &len);
	assert_int_equal(len, sizeof future_file - 1);
	assert_memory_equal(file, future_file, len);
	globfree(&g);
	free(file);
	free(aside);
	/* A v1 file whose document is of a newer schema is a future file too. */
	file = wrap("{\"schema\":\"orgtop/7\",\"regions\":[],\"accounts\":[]}", &len);
	assert_int_equal(cache_decode(into, file, len, &cause), -2);
	assert_non_null(strstr(cause, "newer than this orgtop reads"));
	free(cause);
	spit(c->path, file, len);
	free(file);
	buf_reset(&msgs);
	org = load_org(c, &rc);
	free(org);
	assert_int_equal(rc, 1); /* no .prev: the earlier save had nothing to keep */
	assert_int_equal(count_glob(dir, "test.cache.future-*"), 2);
	model_free(a);
	model_free(into);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

static void
test_decode(void **state)
{
	static const struct {
		const char *data;
		const char *expect;
		int rc;
	} cases[] = {
	    {"", "the file is empty", -1},
	    {"orgtop-cache/", "no format version", -1},
	    {"orgtop-cache/x ", "no format version", -1},
	    {"orgtop-cache/1", "no format version", -1},
	    {"orgtop-cache/01 sha256=", "a damaged header", -1},
	    {"orgtop-cache/1 sha256=zz", "a damaged header", -1},
	    {"orgtop-cache/3 ", "orgtop-cache/3 is newer", -2},
	    {"{\"schema\":\"orgtop/1\"}", "not an orgtop cache file", -1},
	};
	struct model *m = model_new();
	char *cause, *file;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_int_equal(cache_decode(m, cases[i].data, strlen(cases[i].data), &cause),
		    cases[i].rc);
		if (cause == NULL || strstr(cause, cases[i].expect) == NULL)
			fail_msg("case %zu: %s", i, cause ? cause : "(null)");
		free(cause);
	}
	/* A well-formed wrapper around a bad document says what is wrong inside. */
	file = wrap("{\"schema\":\"orgtop/1\",\"regions\":[\"x\"],\"accounts\":[{\"id\":\"1\"}]}",
	    &len);
	assert_int_equal(cache_decode(m, file, len, &cause), -1);
	assert_non_null(strstr(cause, "accounts[0]: id: expected a 12-digit account id"));
	free(cause);
	free(file);
	file = wrap("{\"schema\":\"orgtop/1\",\"regions\":[\"x-1\"],\"accounts\":[]}", &len);
	assert_int_equal(cache_decode(m, file, len, &cause), 0);
	assert_int_equal(model_nregions(m), 1);
	free(file);
	model_free(m);
}

static void
test_symlinks_refused(void **state)
{
	char *dir = mkdir_tmp(), *elsewhere = mkdir_tmp(), *target, *org;
	struct model *a = model_with("o-real", 1);
	struct cache *c = open_cache(dir), *c2 = open_cache(elsewhere);
	struct stat st;
	int rc;

	(void)state;
	save_ok(c2, a);
	target = xstrdup(cache_path(c2));
	assert_int_equal(symlink(target, c->path), 0);
	buf_reset(&msgs);
	org = load_org(c, &rc);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(msgs.data, "it is a symbolic link"));
	free(org);
	/* Saving replaces the link itself; its target is untouched. */
	assert_int_equal(stat(target, &st), 0);
	{
		struct model *b = model_with("o-new", 1);
		size_t before, after;
		char *x = slurp(target, &before), *y;

		save_ok(c, b);
		assert_int_equal(lstat(c->path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		y = slurp(target, &after);
		assert_int_equal(before, after);
		assert_memory_equal(x, y, before);
		free(x);
		free(y);
		model_free(b);
	}
	free(target);
	model_free(a);
	cache_free(c);
	cache_free(c2);
	rmrf(dir);
	rmrf(elsewhere);
	free(dir);
	free(elsewhere);
}

/* ------------------------------------------------------------- crashes */

static void
test_kill9_at_each_step(void **state)
{
	static const struct {
		const char *point;
		const char *survivor; /* the state a restart finds */
	} steps[] = {{"after-write", "o-old"}, {"after-fsync", "o-old"}, {"after-rename", "o-new"}};

	(void)state;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		char *dir = mkdir_tmp(), *org;
		struct model *old = model_with("o-old", 30), *new = model_with("o-new", 40);
		struct cache *c = open_cache(dir);
		int status, rc;
		pid_t pid;

		save_ok(c, old);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			setenv("ORGTOP_FAULT_CACHE", steps[i].point, 1);
			cache_save(c, new, NULL);
			_exit(3); /* the hook did not fire */
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		buf_reset(&msgs);
		org = load_org(c, &rc);
		assert_int_equal(rc, 0);
		printf("# kill -9 %s: a restart finds %s\n", steps[i].point, org);
		assert_string_equal(org, steps[i].survivor);
		assert_string_equal(msgs.data, ""); /* nothing damaged, nothing to say */
		free(org);
		/* The crashed save's temp file is swept by the next save. */
		assert_int_equal(count_glob(dir, ".test.cache.tmp-*"), i < 2 ? 1 : 0);
		save_ok(c, new);
		assert_int_equal(count_glob(dir, ".test.cache.tmp-*"), 0);
		org = load_org(c, &rc);
		assert_string_equal(org, "o-new");
		free(org);
		model_free(old);
		model_free(new);
		cache_free(c);
		rmrf(dir);
		free(dir);
	}
}

/* --------------------------------------------- read-only and full disks */

/*
 * Runs fn in a child with a private mount namespace and a small tmpfs on
 * dir. Returns the child's exit status, or -1 when namespaces or mounts are
 * not allowed here.
 */
static int
in_tmpfs(const char *dir, const char *opts, int (*fn)(const char *dir))
{
	int status, p[2];
	pid_t pid;
	char ok = 0;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", dir, "tmpfs", 0, opts) < 0 || chmod(dir, 0700) < 0)
			_exit(99);
		ok = 1;
		if (write(p[1], &ok, 1) != 1)
			_exit(98);
		ok = (char)fn(dir);
		fflush(stdout);
		_exit(ok);
	}
	close(p[1]);
	if (read(p[0], &ok, 1) != 1)
		ok = 0;
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!ok)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static int
readonly_child(const char *dir)
{
	struct model *a = model_with("o-before", 2), *b = model_with("o-after", 2);
	struct cache *c = cache_new(dir, "test", NULL, NULL, NULL);
	char *cause = NULL, *before, *after;
	int rc;

	if (cache_save(c, a, &cause) != 0)
		return 1;
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return 2;
	before = json_of(b);
	rc = cache_save(c, b, &cause);
	if (rc != -1 || cause == NULL || strstr(cause, "Read-only file system") == NULL ||
	    strstr(cause, "the data on screen is kept") == NULL)
		return 3;
	printf("# read-only: %s\n", cause);
	after = json_of(b);
	if (strcmp(before, after) != 0)
		return 4; /* the model is never touched */
	{
		struct model *into = model_new();

		if (cache_load(c, into, NULL) != 0 || strcmp(model_org_id(into), "o-before") != 0)
			return 5;
		model_free(into);
	}
	return 0;
}

static void
test_readonly_dir(void **state)
{
	char *dir = mkdir_tmp();
	int rc;

	(void)state;
	fflush(stdout);
	rc = in_tmpfs(dir, "size=1m", readonly_child);
	if (rc != -1)
		printf("# read-only: a tmpfs remounted read-only\n");
	if (rc == -1 && geteuid() != 0) {
		/* Without mounts, a directory without write permission does the same. */
		struct model *a = model_with("o-before", 1);
		struct cache *c = open_cache(dir);
		char *cause = NULL;

		save_ok(c, a);
		assert_int_equal(chmod(dir, 0500), 0);
		assert_int_equal(cache_save(c, a, &cause), -1);
		assert_non_null(strstr(cause, "Permission denied"));
		free(cause);
		chmod(dir, 0700);
		model_free(a);
		cache_free(c);
	} else if (rc == -1) {
		printf("# no mount namespace here; skipped\n");
	} else {
		assert_int_equal(rc, 0);
	}
	rmrf(dir);
	free(dir);
}

static int
full_child(const char *dir)
{
	struct model *small = model_with("o-small", 2), *big = model_with("o-big", 400);
	struct cache *c = cache_new(dir, "test", NULL, NULL, NULL);
	char *cause = NULL;
	struct model *into;

	if (cache_save(c, small, &cause) != 0)
		return 1;
	if (cache_save(c, big, &cause) != -1 || cause == NULL ||
	    (strstr(cause, "No space left on device") == NULL &&
	    strstr(cause, "File too large") == NULL))
		return 2;
	printf("# full disk: %s\n", cause);
	if (count_glob(dir, ".test.cache.tmp-*") != 0)
		return 3; /* the partial temp file is gone */
	into = model_new();
	if (cache_load(c, into, NULL) != 0 || strcmp(model_org_id(into), "o-small") != 0)
		return 4; /* what was saved before is not lost */
	model_free(into);
	return 0;
}

static void
test_full_disk(void **state)
{
	char *dir = mkdir_tmp();
	int rc;

	(void)state;
	fflush(stdout);
	rc = in_tmpfs(dir, "size=64k", full_child);
	if (rc != -1)
		printf("# full disk: a 64 KiB tmpfs\n");
	if (rc == -1) {
		/* No tmpfs: a file size limit gives EFBIG on the same path. */
		int status;
		pid_t pid;

		printf("# no tmpfs here; simulating with RLIMIT_FSIZE\n");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct rlimit rl = {65536, 65536};

			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
				_exit(97);
			rc = full_child(dir);
			fflush(stdout);
			_exit(rc);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
	}
	assert_int_equal(rc, 0);
	rmrf(dir);
	free(dir);
}

/* ---------------------------------------------------- two instances */

static void
test_lock_held_skips(void **state)
{
	char *dir = mkdir_tmp(), *cause = NULL;
	struct model *a = model_with("o-a", 1);
	struct cache *c = open_cache(dir);
	uint64_t t0;
	int fd;

	(void)state;
	save_ok(c, a);
	fd = open(c->lock, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	cache_set_lock_wait(c, 150);
	t0 = util_monotonic_ms();
	assert_int_equal(cache_save(c, a, &cause), 1);
	assert_true(util_monotonic_ms() - t0 >= 150);
	assert_non_null(strstr(cause, "another orgtop is saving the cache"));
	free(cause);
	flock(fd, LOCK_UN);
	close(fd);
	save_ok(c, a);
	model_free(a);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

static int
saver(struct cache *c, const struct model *m, int times)
{
	cache_set_lock_wait(c, 10000);
	for (int i = 0; i < times; i++) {
		if (cache_save(c, m, NULL) != 0)
			return 1;
	}
	return 0;
}

static int
reader(struct cache *c, int times)
{
	for (int i = 0; i < times; i++) {
		struct model *m = model_new();
		int rc = cache_load(c, m, NULL);

		if (rc == 0 && strcmp(model_org_id(m), "o-aaaa") != 0 &&
		    strcmp(model_org_id(m), "o-bbbb") != 0)
			return 2;
		if (rc != 0)
			return 3; /* a save in progress must never make the cache unreadable */
		model_free(m);
	}
	return 0;
}

static void
test_two_savers_never_interleave(void **state)
{
	char *dir = mkdir_tmp(), *org;
	struct model *a = model_with("o-aaaa", 60), *b = model_with("o-bbbb", 80);
	struct cache *c = open_cache(dir);
	pid_t pids[3];
	int rc;

	(void)state;
	save_ok(c, a);
	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			c->msg = NULL;
			if (i == 2)
				_exit(reader(c, 40));
			_exit(saver(c, i == 0 ? a : b, 20));
		}
	}
	for (int i = 0; i < 3; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) != 0)
			fail_msg("child %d exited %d", i, WEXITSTATUS(status));
	}
	buf_reset(&msgs);
	org = load_org(c, &rc);
	assert_int_equal(rc, 0);
	assert_true(strcmp(org, "o-aaaa") == 0 || strcmp(org, "o-bbbb") == 0);
	assert_string_equal(msgs.data, "");
	assert_int_equal(count_glob(dir, ".test.cache.tmp-*"), 0);
	assert_int_equal(count_glob(dir, "*corrupt*"), 0);
	free(org);
	model_free(a);
	model_free(b);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

/* ------------------------------------------------------------ async */

struct saved {
	int calls;
	int status;
	char cause[256];
};

static void
on_saved(int status, const char *cause, void *arg)
{
	struct saved *sv = arg;

	sv->calls++;
	sv->status = status;
	snprintf(sv->cause, sizeof sv->cause, "%s", cause != NULL ? cause : "");
}

static void
test_async_save(void **state)
{
	char *dir = mkdir_tmp(), *org, *cause = NULL;
	struct model *a = model_with("o-async-a", 50), *b = model_with("o-async-b", 5);
	struct cache *c = open_cache(dir);
	struct saved sv = {0, -9, ""};
	uv_loop_t loop;
	int rc;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(cache_save_async(c, &loop, a, on_saved, &sv, &cause), 0);
	assert_int_equal(cache_save_pending(c), 1);
	model_free(a); /* not needed once the call returned */
	/* One save at a time, sync or async. */
	assert_int_equal(cache_save_async(c, &loop, b, on_saved, &sv, &cause), 1);
	assert_non_null(strstr(cause, "still under way"));
	free(cause);
	assert_int_equal(cache_save(c, b, &cause), 1);
	free(cause);
	assert_int_equal(sv.calls, 0);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(sv.calls, 1);
	assert_int_equal(sv.status, 0);
	assert_int_equal(cache_save_pending(c), 0);
	org = load_org(c, &rc);
	assert_string_equal(org, "o-async-a");
	free(org);
	/* A kill -9 in the thread pool's fsync leaves the old state. */
	{
		int status;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			uv_loop_t l2;

			setenv("ORGTOP_FAULT_CACHE", "after-fsync", 1);
			uv_loop_init(&l2);
			cache_save_async(c, &l2, b, on_saved, &sv, NULL);
			uv_run(&l2, UV_RUN_DEFAULT);
			_exit(3);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		org = load_org(c, &rc);
		assert_string_equal(org, "o-async-a");
		free(org);
	}
	/* The lock held elsewhere: skipped at once, no callback. */
	{
		int fd = open(c->lock, O_RDWR);

		assert_int_equal(flock(fd, LOCK_EX), 0);
		cache_set_lock_wait(c, 20);
		assert_int_equal(cache_save_async(c, &loop, b, on_saved, &sv, &cause), 1);
		assert_non_null(strstr(cause, "another orgtop is saving"));
		free(cause);
		close(fd);
	}
	assert_int_equal(sv.calls, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
	model_free(b);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

/* ------------------------------------------------------------ secrets */

static void
test_no_credentials_in_cache(void **state)
{
	static const char *const secrets[] = {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRET",
	    "FwoGZXIvYXdzEJr//////////wEaDTESTSESSIONTOKEN", "AKIAIOSFODNN7TESTKEY",
	    "aoaAAAAAGTESTSSOACCESSTOKEN"};
	char *dir = mkdir_tmp(), *raw;
	struct model *m;
	struct cache *c = open_cache(dir);
	size_t len;

	(void)state;
	setenv("AWS_SECRET_ACCESS_KEY", secrets[0], 1);
	setenv("AWS_SESSION_TOKEN", secrets[1], 1);
	setenv("AWS_ACCESS_KEY_ID", secrets[2], 1);
	m = model_with("o-creds", 10);
	save_ok(c, m);
	raw = slurp(cache_path(c), &len);
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		assert_null(find_bytes(raw, len, secrets[i], strlen(secrets[i])));
	assert_null(find_bytes(raw, len, "ecret", 5));
	assert_null(find_bytes(raw, len, "oken", 4));
	assert_null(find_bytes(raw, len, "AKIA", 4));
	assert_null(find_bytes(raw, len, "ASIA", 4));
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_ACCESS_KEY_ID");
	free(raw);
	model_free(m);
	cache_free(c);
	rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_modes_whatever_the_umask),
		cmocka_unit_test(test_wide_dir_is_fixed),
		cmocka_unit_test(test_dir_of_someone_else),
		cmocka_unit_test(test_damaged_uses_prev),
		cmocka_unit_test(test_damaged_without_prev),
		cmocka_unit_test(test_future_versions_set_aside),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_symlinks_refused),
		cmocka_unit_test(test_kill9_at_each_step),
		cmocka_unit_test(test_readonly_dir),
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_lock_held_skips),
		cmocka_unit_test(test_two_savers_never_interleave),
		cmocka_unit_test(test_async_save),
		cmocka_unit_test(test_no_credentials_in_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
