// Package procprio applies keepalived's process scheduling settings
// (vrrp_priority, vrrp_cpu_affinity) to govrrpd.
//
// keepalived sets them on its VRRP child, one thread. govrrpd is one Go
// process whose threads come and go, and Linux keeps the nice value and
// the CPU affinity per thread: setpriority(PRIO_PROCESS, 0, …) would move
// only the calling thread. So the settings go to every thread the process
// has, and threads made later inherit them from the thread that clones
// them. Children (notify scripts, checkers' MISC_CHECK) are put back to
// the priority the daemon started with, as keepalived resets its
// children's priorities before exec.
package procprio
