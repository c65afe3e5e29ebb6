/*
 * awsim_proc.h: run the local AWS (build/awsim) from a cmocka suite.
 *
 * awsim_proc_start() spawns $ORGTOP_BUILD/awsim (else build/awsim) with
 * "--listen 127.0.0.1:0" and the given arguments, waits for its "# ready"
 * line and keeps the "export NAME=VALUE" lines it printed
 * (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION)
 * and the management account id. awsim_proc_stop() ends it with SIGTERM
 * (SIGKILL after 5 s) and reaps it. Output goes to temporary files, never a
 * pipe that could fill up.
 *
 *     const char *args[] = { "--accounts", "20", "--throttle", "0.3", NULL };
 *     struct awsim_proc *sim = awsim_proc_start(args, &why);
 *     if (sim == NULL) skip();   // no awsim binary (why says so)
 *     ... awsim_proc_get(sim, "AWS_ENDPOINT_URL") ...
 *     awsim_proc_stop(sim);
 */
#ifndef ORGTOP_AWSIM_PROC_H
#define ORGTOP_AWSIM_PROC_H

struct awsim_proc;

/*
 * args: NULL-terminated, may be NULL. Returns NULL with *why (caller frees)
 * when the binary is missing, does not start, or is not ready within 60 s.
 */
struct awsim_proc *awsim_proc_start(const char *const *args, char **why);
/* The value of an exported variable, or NULL. Borrowed. */
const char *awsim_proc_get(const struct awsim_proc *p, const char *name);
/* The management account id from awsim's banner, or "". Borrowed. */
const char *awsim_proc_mgmt(const struct awsim_proc *p);
/* Stops, reaps and frees. NULL-safe. */
void awsim_proc_stop(struct awsim_proc *p);

#endif
