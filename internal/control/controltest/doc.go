// Package controltest holds a fake daemon for the tests of the control
// API, the CLI and the metrics collectors: a fixed snapshot of two VRRP
// instances and one virtual server, and the admin actions applied to it
// the way the daemon's contract says (drain keeps the real server with
// weight 0, maintenance keeps an instance BACKUP).
package controltest
