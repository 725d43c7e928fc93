// Package notify delivers VRRP state changes to notify scripts and notify
// FIFOs in the order the changes happened.
//
// keepalived forks each notify script and forgets it, so two quick
// transitions can run their scripts out of order (a long-standing user
// complaint). Here every event goes through one queue: a script starts only
// after the previous one has exited or hit its time limit, and FIFO lines
// are written by a single writer in the same order.
//
// It imports scriptexec and script only; notify_test.go checks ordering and
// time limits with real child processes.
package notify
