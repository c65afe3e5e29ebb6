/*
 * timerq.c: many one-shot timers on one uv_timer_t (a binary min-heap).
 */
#include "core/net/timerq.h"

#include <stdlib.h>

#include "core/xmalloc.h"

struct timerq {
	uv_loop_t *loop;
	uv_timer_t timer;
	struct timerq_entry **heap;
	size_t n, cap;
	uint64_t seq;
	int armed_for_valid;
	uint64_t armed_for; /* due time the uv timer is set for */
	int firing;
};

static int
timerq__less(const struct timerq_entry *a, const struct timerq_entry *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	return a->seq < b->seq;
}

static void
timerq__set(struct timerq *q, size_t i, struct timerq_entry *ent)
{
	q->heap[i] = ent;
	ent->slot = i + 1;
}

static void
timerq__up(struct timerq *q, size_t i)
{
	struct timerq_entry *ent = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timerq__less(ent, q->heap[parent]))
			break;
		timerq__set(q, i, q->heap[parent]);
		i = parent;
	}
	timerq__set(q, i, ent);
}

static void
timerq__down(struct timerq *q, size_t i)
{
	struct timerq_entry *ent = q->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct timerq_entry *best = ent;

		if (l < q->n && timerq__less(q->heap[l], best)) {
			m = l;
			best = q->heap[l];
		}
		if (r < q->n && timerq__less(q->heap[r], best))
			m = r;
		if (m == i)
			break;
		timerq__set(q, i, q->heap[m]);
		i = m;
	}
	timerq__set(q, i, ent);
}

static void timerq__fire(uv_timer_t *t);

/* Arms the uv timer for the earliest entry (or stops it). */
static void
timerq__arm(struct timerq *q)
{
	uint64_t now, due;

	if (q->firing)
		return; /* timerq__fire re-arms when it is done */
	if (q->n == 0) {
		uv_timer_stop(&q->timer);
		q->armed_for_valid = 0;
		return;
	}
	due = q->heap[0]->due;
	if (q->armed_for_valid && q->armed_for == due)
		return;
	now = uv_now(q->loop);
	uv_timer_start(&q->timer, timerq__fire, due > now ? due - now : 0, 0);
	q->armed_for = due;
	q->armed_for_valid = 1;
}

static void
timerq__remove_at(struct timerq *q, size_t i)
{
	struct timerq_entry *ent = q->heap[i];

	ent->slot = 0;
	q->n--;
	if (i == q->n)
		return;
	timerq__set(q, i, q->heap[q->n]);
	if (i > 0 && timerq__less(q->heap[i], q->heap[(i - 1) / 2]))
		timerq__up(q, i);
	else
		timerq__down(q, i);
}

static void
timerq__fire(uv_timer_t *t)
{
	struct timerq *q = t->data;
	uint64_t now = uv_now(q->loop);
	uint64_t limit = q->seq; /* entries added while firing wait for the next round */

	q->armed_for_valid = 0;
	q->firing = 1;
	while (q->n > 0 && q->heap[0]->due <= now && q->heap[0]->seq < limit) {
		struct timerq_entry *ent = q->heap[0];

		timerq__remove_at(q, 0);
		ent->cb(ent); /* may add or remove entries, or free ent's owner */
	}
	q->firing = 0;
	timerq__arm(q);
}

struct timerq *
timerq_new(uv_loop_t *loop)
{
	struct timerq *q = xcalloc(1, sizeof *q);

	q->loop = loop;
	uv_timer_init(loop, &q->timer);
	q->timer.data = q;
	return q;
}

static void
timerq__close_cb(uv_handle_t *h)
{
	struct timerq *q = h->data;

	free(q->heap);
	free(q);
}

void
timerq_free(struct timerq *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->n; i++)
		q->heap[i]->slot = 0;
	q->n = 0;
	uv_close((uv_handle_t *)&q->timer, timerq__close_cb);
}

void
timerq_entry_init(struct timerq_entry *ent, timerq_cb cb, void *arg)
{
	ent->due = 0;
	ent->seq = 0;
	ent->slot = 0;
	ent->cb = cb;
	ent->arg = arg;
}

void
timerq_add(struct timerq *q, struct timerq_entry *ent, uint64_t delay_ms)
{
	if (ent->slot != 0)
		timerq__remove_at(q, ent->slot - 1);
	ent->due = uv_now(q->loop) + delay_ms;
	ent->seq = q->seq++;
	if (q->n == q->cap) {
		q->cap = q->cap != 0 ? q->cap * 2 : 64;
		q->heap = xreallocarray(q->heap, q->cap, sizeof *q->heap);
	}
	q->heap[q->n] = ent;
	ent->slot = ++q->n;
	timerq__up(q, q->n - 1);
	timerq__arm(q);
}

void
timerq_remove(struct timerq *q, struct timerq_entry *ent)
{
	if (ent->slot == 0)
		return;
	timerq__remove_at(q, ent->slot - 1);
	timerq__arm(q);
}

int
timerq_pending(const struct timerq_entry *ent)
{
	return ent->slot != 0;
}

size_t
timerq_count(const struct timerq *q)
{
	return q->n;
}

uint64_t
timerq_now(const struct timerq *q)
{
	return uv_now(q->loop);
}
