package daemon

import (
	"testing"
	"unsafe"

	"github.com/govrrpd/govrrpd/vrrp"
)

// The daemon keeps one instance, one machine and an armed timer or two
// per vrrp_instance, allocated in slabs (slab.go), so every byte counts:
// growing them should be a decision, not an accident of field order
// (issue #12: 4,080 instances for less than keepalived costs).
func TestInstanceSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		size, max uintptr
	}{
		// 304: no copy of the VIPs, destinations or source address, the timers' heap
		// positions in place of seven pointers, the last reason a byte
		// (440 bytes before, session 7); the GARP frames' block, 4 bytes
		// that cross a word (312: h49's slab, merged with h47's layout).
		{"instance", unsafe.Sizeof(instance{}), 312},
		// 264: the handover and lower-priority state behind pointers, the
		// flags packed (session 4); the settings read through the
		// configuration's vrrp.Instance, not copied, the handover's
		// deadline with the handover, the preempt_delay hold behind a
		// pointer (384 before, session 7).
		{"vrrp.Machine", unsafe.Sizeof(vrrp.Machine{}), 264},
		// 48: one per armed timer, in the heap's array.
		{"timer", unsafe.Sizeof(timer{}), 48},
		// 16: one per distinct transition an instance made.
		{"transCount", unsafe.Sizeof(transCount{}), 16},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, more than %d", c.name, c.size, c.max)
		}
	}
}
