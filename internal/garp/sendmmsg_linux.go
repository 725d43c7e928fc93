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
// with. A frame the kernel refuses — ENOBUFS when a queue or an egress
// filter drops it — is lost alone: the frames after it still go, each a
// chance of its own (mmsg skips it; a burst that ended there lost the
// whole announcement: issue #16 item 9, where under 30 % egress loss a
// third of the bursts never left and a client stayed on the backup's
// MAC). The first error is returned.
func (s *Sender) sendFrames(fs [][]byte) error {
	rc, err := s.conn.SyscallConn()
	if err != nil {
		return err
	}
	sa := unix.RawSockaddrLinklayer{Family: unix.AF_PACKET, Ifindex: int32(s.ifi.Index), Halen: 6}
	name := unsafe.Slice((*byte)(unsafe.Pointer(&sa)), unix.SizeofSockaddrLinklayer)
	for _, f := range fs {
		copy(sa.Addr[:], f[0:6])
		s.mm.Add(f, name, nil)
	}
	_, err = s.mm.Send(rc, nil)
	return err
}

type mmsgBatch = mmsg.Batch
