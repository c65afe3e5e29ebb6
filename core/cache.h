/*
 * cache.h: the last-known state on disk, for an instant start and for
 * outages (issue 4 section 4, RELIABILITY.md G).
 *
 * One file per organization view, named by the caller (cache_name_for():
 * the profile, plus a hash of the endpoint when one is set), in
 * $XDG_CACHE_HOME/orgtop/ or ~/.cache/orgtop/ (or the --cache-dir):
 *
 *   NAME.cache        the latest generation
 *   NAME.cache.prev   the one before it
 *   NAME.lock         flock()ed while a save runs
 *
 * A file is one header line, then the orgtop/1 document in the cache's form
 * (report.h REPORT_CACHE: ages and held values kept):
 *
 *   orgtop-cache/1 sha256=<64 hex of the body> length=<20 digits, the body's bytes>\n
 *
 * Saving is SQLite-grade atomic: a temp file (0600, O_EXCL, same directory),
 * the body streamed through SHA-256 (never whole in memory), the header
 * written last, fsync, the current file hard-linked to .prev, rename over,
 * fsync of the directory. kill -9 at any point leaves the old or the new
 * state, never a torn one. The directory is made 0700 whatever the umask
 * (and fixed, with a message, if it is wider); files are 0600. Two
 * instances never interleave: the save holds the lock, and one that cannot
 * get it within a short wait skips that save.
 *
 * Loading verifies the header, the length and the checksum, then the
 * document (strictly, report_json_load()). A corrupt, truncated or empty
 * file is set aside as NAME.cache.corrupt-<UTC time> and the previous
 * generation tried; a file of a newer format is set aside as
 * NAME.cache.future-<UTC time> (kept for the newer orgtop, never
 * overwritten). Each case is told through the message callback.
 *
 * No credentials ever reach the cache: the model holds none. Nothing here
 * prints; paths in messages are sanitised.
 */
#ifndef ORGTOP_CACHE_H
#define ORGTOP_CACHE_H

#include <stddef.h>

#include <uv.h>

struct model;

/* The cache format version this build writes and reads. */
#define CACHE_VERSION 1

/* Warnings and notices for the status line or stderr ("cache ... set aside: ..."). */
typedef void (*cache_msg_fn)(const char *msg, void *arg);

/*
 * The default directory: $XDG_CACHE_HOME/orgtop when XDG_CACHE_HOME is an
 * absolute path, else $HOME/.cache/orgtop. NULL when neither is usable.
 * Caller frees the result.
 */
char *cache_default_dir(void);

/*
 * A file-name-safe name for a profile ("default" when NULL or empty) and an
 * endpoint (NULL or "" for AWS itself): characters outside [A-Za-z0-9._-]
 * become '_', and an endpoint adds "-" and 12 hex digits of its SHA-256, so
 * awsim runs and real AWS never share a file. Caller frees the result.
 */
char *cache_name_for(const char *profile, const char *endpoint);

struct cache;

/*
 * A cache in dir (NULL for cache_default_dir()) under name (as made by
 * cache_name_for(): [A-Za-z0-9._-], not starting with '.', at most 100
 * bytes). Touches nothing on disk. NULL with *cause on a bad name or no
 * usable directory. msg may be NULL.
 */
struct cache *cache_new(const char *dir, const char *name, cache_msg_fn msg, void *arg,
    char **cause);
/* NULL-safe. */
void cache_free(struct cache *c);

/* How long a save waits for another instance's lock before skipping (default 500 ms). */
void cache_set_lock_wait(struct cache *c, unsigned ms);

/* Borrowed; valid for the cache's life. */
const char *cache_dir(const struct cache *c);
const char *cache_path(const struct cache *c);

/*
 * Loads the latest good generation into m (replacing its contents) and
 * marks every value stale, keeping each value's fetched_at. Returns 0 when
 * loaded, 1 when there is nothing usable (no cache yet, or every
 * generation was set aside: the messages said why), -1 with *cause when
 * the directory can't be used (not owned by the user, not readable). m is
 * untouched unless 0 is returned.
 */
int cache_load(struct cache *c, struct model *m, char **cause);

/*
 * Saves m. Returns 0 when saved, 1 when skipped because another instance
 * held the lock past the wait (*cause says so), -1 with *cause on an error
 * (read-only or full disk, permissions). m is never changed; on any
 * failure the previous generations on disk are untouched.
 */
int cache_save(struct cache *c, const struct model *m, char **cause);

/* The result of an asynchronous save: 0 saved, -1 with cause (borrowed for the call). */
typedef void (*cache_saved_fn)(int status, const char *cause, void *arg);

/*
 * cache_save() without blocking the loop on the disk: the document is
 * streamed to the temp file on the loop (into the page cache), then fsync,
 * .prev, rename and the directory fsync run on libuv's thread pool, and cb
 * gets the result on the loop. Returns 0 when started (cb will be called),
 * 1 when skipped (another instance holds the lock, or a save of this cache
 * is still pending; *cause), -1 when it failed before the thread pool was
 * needed (*cause; cb is not called). m is not needed after the call. The
 * cache must not be freed while a save is pending (cache_save_pending()):
 * run the loop until cb is called.
 */
int cache_save_async(struct cache *c, uv_loop_t *loop, const struct model *m, cache_saved_fn cb,
    void *arg, char **cause);
int cache_save_pending(const struct cache *c);

/*
 * Decodes one cache file's bytes into m (the header, length, checksum and
 * document; no stale marking): 0, -1 with *cause for a corrupt file, -2
 * with *cause for a newer format. m is untouched unless 0 is returned.
 * (Used by cache_load() and the fuzz target.)
 */
int cache_decode(struct model *m, const char *data, size_t len, char **cause);

#endif
