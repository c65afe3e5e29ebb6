/*
 * bench_rusage.c: runs a command and reports its own wall time, CPU time and
 * peak RSS, like GNU time -f, without needing GNU time.
 *
 * Why not os.wait4() from Python: a child forked from the harness starts as
 * a copy of the Python process, and Linux keeps the peak RSS of the process
 * before exec() in ru_maxrss, so every figure would be at least the
 * harness's own size (40 MB and more with boto3 loaded). This small program
 * forks from a small process, so the child's peak is the command's.
 *
 *   build/bench/bench_rusage OUT -- COMMAND [ARG...]
 *
 * Writes one line to the file OUT:
 *
 *   {"wall_s": 1.234, "user_s": 0.5, "sys_s": 0.1, "maxrss_kb": 12345,
 *    "exit": 0, "signal": 0}
 *
 * and exits with the command's exit status (128 + N when killed by signal N,
 * 127 when it could not be started, 125 on a usage error).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, wall;
	FILE *out;
	pid_t pid;
	int status, code, sig;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: bench_rusage OUT -- COMMAND [ARG...]\n");
		return 125;
	}
	out = fopen(argv[1], "w");
	if (out == NULL) {
		fprintf(stderr, "bench_rusage: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	t0 = now_s();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench_rusage: fork: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		fclose(out);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "bench_rusage: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	/* Signals for the command (a timeout's SIGTERM) reach it through the group or here. */
	signal(SIGINT, SIG_IGN);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench_rusage: wait4: %s\n", strerror(errno));
			return 125;
		}
	}
	wall = now_s() - t0;
	sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + sig;
	fprintf(out,
	        "{\"wall_s\": %.6f, \"user_s\": %.6f, \"sys_s\": %.6f, \"maxrss_kb\": %ld, "
	        "\"exit\": %d, \"signal\": %d}\n",
	        wall, tv_s(&ru.ru_utime), tv_s(&ru.ru_stime), ru.ru_maxrss,
	        WIFEXITED(status) ? WEXITSTATUS(status) : -1, sig);
	if (fclose(out) != 0) {
		fprintf(stderr, "bench_rusage: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	return code;
}
