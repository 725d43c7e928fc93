//go:build !linux

package garp

import (
	"net"

	"github.com/mdlayher/packet"
)

type mmsgBatch struct{}

// sendFrames writes the frames one by one where sendmmsg does not exist;
// a refused frame does not stop the others (sendmmsg_linux.go).
func (s *Sender) sendFrames(fs [][]byte) error {
	var first error
	for _, f := range fs {
		if _, err := s.conn.WriteTo(f, &packet.Addr{HardwareAddr: net.HardwareAddr(f[0:6])}); err != nil && first == nil {
			first = err
		}
	}
	return first
}
