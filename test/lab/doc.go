// Package lab holds no code: its tests (package lab_test) run the real
// govrrpd binary (and, for interop, the real keepalived) on routers in
// network namespaces built by tools/lab, and check elections, failover,
// tracking, reload, LVS and what a client on the segment sees. They need
// root and skip without it; run them one package at a time (make test does).
package lab
