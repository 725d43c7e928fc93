package ipvs

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"syscall"
)

// KernelSchedulers are the scheduler modules of a current kernel (twos needs
// Linux 6.2 or later).
var KernelSchedulers = []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"}

// Memory is an in-memory IPVS table that answers like the kernel's netlink
// interface (EEXIST, ESRCH, ENOENT, ERANGE, ...), so the reconciler can be
// tested without a kernel. It is not safe for concurrent use.
type Memory struct {
	t          Table
	order      []ServiceKey // services in creation order, as the kernel lists them
	schedulers map[string]bool
	Timeouts   Timeouts
	// Ops counts the operations that changed the table.
	Ops int
}

// NewMemory returns an empty table that knows the given schedulers
// (KernelSchedulers when none are given).
func NewMemory(schedulers ...string) *Memory {
	if len(schedulers) == 0 {
		schedulers = KernelSchedulers
	}
	m := &Memory{t: Table{}, schedulers: map[string]bool{}}
	for _, s := range schedulers {
		m.schedulers[s] = true
	}
	return m
}

// Table returns a copy of the current table.
func (m *Memory) Table() Table { return m.t.Clone() }

func (m *Memory) Services() ([]Service, error) {
	out := make([]Service, 0, len(m.order))
	for _, k := range m.order {
		s := m.t[k].Service
		s.Flags |= FlagHashed
		out = append(out, s)
	}
	return out, nil
}

func (m *Memory) Dests(s Service) ([]Dest, error) {
	e, ok := m.t[s.Key]
	if !ok {
		return nil, syscall.ESRCH
	}
	out := make([]Dest, 0, len(e.Dests))
	for _, a := range slices.SortedFunc(maps.Keys(e.Dests), netip.AddrPort.Compare) {
		out = append(out, e.Dests[a])
	}
	return out, nil
}

func (m *Memory) SetTimeouts(t Timeouts) error {
	if t.TCP < 0 || t.TCPFin < 0 || t.UDP < 0 {
		return syscall.EINVAL
	}
	if t.TCP != 0 {
		m.Timeouts.TCP = t.TCP
	}
	if t.TCPFin != 0 {
		m.Timeouts.TCPFin = t.TCPFin
	}
	if t.UDP != 0 {
		m.Timeouts.UDP = t.UDP
	}
	return nil
}

// Apply follows net/netfilter/ipvs/ip_vs_ctl.c: every command but
// NEW_SERVICE needs the service (ESRCH), a duplicate service or destination
// is EEXIST, a missing destination ENOENT, an unknown scheduler or
// persistence engine ENOENT, a negative weight or lthreshold > uthreshold
// ERANGE.
func (m *Memory) Apply(op Op) error {
	k := op.Service.Key
	e := m.t[k]
	if op.Kind != AddService && e == nil {
		return syscall.ESRCH
	}
	var err error
	switch op.Kind {
	case AddService:
		err = m.addService(op.Service, e != nil)
	case UpdateService:
		if err = m.checkService(op.Service); err == nil {
			e.Service = op.Service
			e.Service.Flags &^= FlagHashed
		}
	case DelService:
		delete(m.t, k)
		m.order = slices.DeleteFunc(m.order, func(o ServiceKey) bool { return o == k })
	case AddDest, UpdateDest:
		err = m.setDest(e, op.Dest, op.Kind == AddDest)
	case DelDest:
		if _, ok := e.Dests[op.Dest.Addr]; !ok {
			return syscall.ENOENT
		}
		delete(e.Dests, op.Dest.Addr)
	default:
		return syscall.EINVAL
	}
	if err == nil {
		m.Ops++
	}
	return err
}

func (m *Memory) addService(s Service, exists bool) error {
	if exists {
		return syscall.EEXIST
	}
	if err := m.checkService(s); err != nil {
		return err
	}
	s.Flags &^= FlagHashed
	m.t[s.Key] = &Entry{Service: s, Dests: map[netip.AddrPort]Dest{}}
	m.order = append(m.order, s.Key)
	return nil
}

func (m *Memory) checkService(s Service) error {
	k := s.Key
	switch {
	case k.Family != 4 && k.Family != 6:
		return syscall.EAFNOSUPPORT
	case k.FWMark == 0 && k.Protocol != TCP && k.Protocol != UDP && k.Protocol != SCTP:
		return syscall.EPROTONOSUPPORT
	case k.FWMark == 0 && (k.Addr.Is4() != (k.Family == 4)):
		return syscall.EINVAL
	case k.Family == 6 && (s.Netmask < 1 || s.Netmask > 128):
		return syscall.EINVAL
	case !m.schedulers[s.Scheduler]:
		return syscall.ENOENT
	case s.PE != "" && s.PE != "sip":
		return syscall.ENOENT
	}
	return nil
}

func (m *Memory) setDest(e *Entry, d Dest, add bool) error {
	_, exists := e.Dests[d.Addr]
	switch {
	case d.Weight < 0 || d.LThreshold > d.UThreshold:
		return syscall.ERANGE
	case d.Addr.Addr().Is4() != (e.Service.Key.Family == 4):
		return syscall.EAFNOSUPPORT
	case d.Method > TUN:
		return syscall.EINVAL
	case add && exists:
		return syscall.EEXIST
	case !add && !exists:
		return syscall.ENOENT
	}
	e.Dests[d.Addr] = d
	return nil
}

// String dumps the table like `ipvsadm -Ln` does, for test failure output.
func (m *Memory) String() string {
	s := ""
	for _, k := range m.t.Keys() {
		e := m.t[k]
		s += fmt.Sprintf("%s %s flags=%#x timeout=%d\n", k, e.Service.Scheduler, e.Service.Flags, e.Service.Timeout)
		for _, a := range slices.SortedFunc(maps.Keys(e.Dests), netip.AddrPort.Compare) {
			d := e.Dests[a]
			s += fmt.Sprintf("  -> %s %s %d\n", a, d.Method, d.Weight)
		}
	}
	return s
}
