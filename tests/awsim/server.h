/*
 * server.h: the HTTP side of awsim, on libmicrohttpd.
 *
 * An internal thread pool with epoll serves keep-alive connections. Answers
 * that must wait (--latency) and answers that never come (blackholed
 * regions) do not hold a thread: the connection is suspended
 * (MHD_suspend_connection) and a timer thread resumes it when it is due, or
 * when the client of a blackholed request gives up and closes its socket.
 * Resets close the socket with SO_LINGER 0 (an RST), before or in the middle
 * of the body; truncation sends part of the body under the full
 * Content-Length and closes.
 */
#ifndef AWSIM_SERVER_H
#define AWSIM_SERVER_H

#include "tests/awsim/sim.h"

struct server;

/*
 * Listens on host:port (port 0: a free one) and serves with threads
 * threads. Returns NULL and *cause (caller frees) on failure.
 */
struct server *server_start(struct awsim *sim, const char *host, int port, int threads,
    char **cause);
/* The port actually bound. */
int server_port(const struct server *s);
/* Resumes every suspended connection, stops the daemon and the timer. NULL-safe. */
void server_stop(struct server *s);

#endif
