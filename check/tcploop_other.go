//go:build !linux

package check

import "fmt"

// haveTCPLoop: the TCP_CHECK loop needs epoll, timerfd and eventfd; here
// the scheduler's workers run TCP_CHECKs through connectClose.
const haveTCPLoop = false

func newTCPLoop(*Scheduler) (tcpRunner, error) {
	return nil, fmt.Errorf("the TCP_CHECK loop: %w", errNotSupported)
}
