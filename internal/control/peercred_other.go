//go:build !linux

package control

import "net"

// peerCred is not supported on GOOS other than Linux: the action log
// names the caller "uid -1 pid -1".
func peerCred(*net.UnixConn) (uid, pid int) { return -1, -1 }
