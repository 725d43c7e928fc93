//go:build !linux

package control

import "syscall"

// peerCred is not supported on GOOS other than Linux: the action log
// names the caller "uid -1 pid -1".
func peerCred(syscall.Conn) (uid, pid int) { return -1, -1 }
