package main

import (
	"net"
	"os"
)

// syslogSink gives the daemons a /dev/log when the machine has none (the
// VM's busybox init runs no syslogd). Without it keepalived's syslog(3)
// falls back to /dev/console, and every line then crawls out of the VM's
// serial port (~100 KB/s), which would charge keepalived for a console no
// real deployment has. The messages are discarded.
func syslogSink(path string) (stop func(), err error) {
	if _, err := os.Stat(path); err == nil {
		return func() {}, nil
	}
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			if _, _, err := c.ReadFrom(buf); err != nil {
				return // closed by stop
			}
		}
	}()
	return func() {
		c.Close()
		<-done
		os.Remove(path)
	}, nil
}
