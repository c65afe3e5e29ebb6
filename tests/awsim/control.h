/*
 * control.h: the unsigned control endpoint, for tests and the demo.
 *
 *   GET  /_awsim/health          {"ok": true, "tick": N}
 *   GET  /_awsim/stats           request counts per service and operation,
 *                                connections, CE calls, throttled, failed, ...
 *   POST /_awsim/stats/reset     zeroes the counters
 *   GET  /_awsim/faults          the fault settings
 *   POST /_awsim/faults          merges a JSON object (see faults.h)
 *   POST /_awsim/tick            advances time: {"n": 1}
 *   GET  /_awsim/truth?regions=LIST&role=NAME   the truth at this moment
 */
#ifndef AWSIM_CONTROL_H
#define AWSIM_CONTROL_H

#include "tests/awsim/call.h"
#include "tests/awsim/faults.h"

void control_handle(struct call *c, struct fault_dec *d);

#endif
