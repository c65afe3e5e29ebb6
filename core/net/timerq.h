/*
 * timerq.h: many one-shot timers on one uv_timer_t.
 *
 * Backoff delays, rate-limit waits and deferred completions are far too
 * many to give each its own uv_timer_t (each would need its own close
 * callback before its memory could go). A timer queue keeps them in a binary
 * heap ordered by due time and arms a single uv_timer_t for the earliest.
 * Entries are embedded in the caller's structures (no allocation per timer)
 * and can be removed at any time, synchronously.
 *
 * Times are the loop's clock (uv_now(), milliseconds).
 */
#ifndef ORGTOP_TIMERQ_H
#define ORGTOP_TIMERQ_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct timerq_entry;
typedef void (*timerq_cb)(struct timerq_entry *ent);

/* Embedded by the caller; zero it (or timerq_entry_init()) before first use. */
struct timerq_entry {
	uint64_t due;    /* uv_now() time to fire */
	uint64_t seq;    /* insertion order: equal due times fire first-in first-out */
	size_t slot;     /* position in the heap + 1; 0 when not queued */
	timerq_cb cb;
	void *arg;       /* for the caller */
};

struct timerq;

/* Creates a queue on loop. Never fails (allocation aborts). */
struct timerq *timerq_new(uv_loop_t *loop);
/*
 * Starts closing the queue's uv_timer_t; the memory goes in its close
 * callback. Entries still queued are dropped without being called. NULL-safe.
 */
void timerq_free(struct timerq *q);

void timerq_entry_init(struct timerq_entry *ent, timerq_cb cb, void *arg);

/*
 * (Re)schedules ent to fire after delay_ms (0: on the next loop iteration,
 * never synchronously). An entry already queued is moved.
 */
void timerq_add(struct timerq *q, struct timerq_entry *ent, uint64_t delay_ms);
/* Removes ent if queued; harmless otherwise. */
void timerq_remove(struct timerq *q, struct timerq_entry *ent);
/* 1 if ent is queued. */
int timerq_pending(const struct timerq_entry *ent);
/* Entries queued right now. */
size_t timerq_count(const struct timerq *q);
/* The loop's clock, uv_now(). */
uint64_t timerq_now(const struct timerq *q);

#endif
