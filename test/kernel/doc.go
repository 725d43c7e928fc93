// Package kernel runs the real-kernel tests of ipvs and internal/lvs
// (build tag ipvskernel) inside a qemu VM booted from Debian's own kernel,
// because the hosts this project builds on have no IPVS; and govrrpd's
// side of tools/reloadbench at a small size (a reload makes 0 or 1 IPVS
// operations); and tools/flowbench, which shows that connections survive a
// director's death on active-active directors (IPVS mh + DR + sloppy_tcp,
// issue #18). It skips, saying what is missing, when qemu, busybox or the
// kernel package cannot be had.
//
// Its only code is kernel_test.go, flows_test.go and the shell scripts
// beside them that fetch the kernel and build the initramfs.
package kernel
