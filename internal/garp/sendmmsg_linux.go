package garp

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/internal/mmsg"
)

// A takeover announces every address count times (five by default): a
// sendto each cost a master a fifth of its CPU during a mass takeover at
// 4,080 instances. One sendmmsg sends them all (internal/mmsg).

// sendFrames writes each frame to the link-layer destination it starts
// with.
func (s *Sender) sendFrames(fs [][]byte) error {
	if len(fs) == 0 {
		return nil
	}
	sa := unix.RawSockaddrLinklayer{Family: unix.AF_PACKET, Ifindex: int32(s.ifi.Index), Halen: 6}
	name := unsafe.Slice((*byte)(unsafe.Pointer(&sa)), unix.SizeofSockaddrLinklayer)
	for _, f := range fs {
		copy(sa.Addr[:], f[0:6])
		s.mm.Add(f, name, nil)
	}
	rc, err := s.conn.SyscallConn()
	if err != nil {
		s.mm.Reset()
		return err
	}
	_, err = s.mm.Send(rc)
	return err
}

type mmsgBatch = mmsg.Batch
