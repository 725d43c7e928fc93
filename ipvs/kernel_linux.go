package ipvs

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"

	mipvs "github.com/moby/ipvs"
)

// Kernel is the kernel's IPVS table through github.com/moby/ipvs. A moby
// handle is one netlink socket with a sequence counter and is not safe for
// concurrent use, so every call goes through one mutex.
//
// moby/ipvs resolves the IPVS generic-netlink family once per process, at
// the first New: load ip_vs before (it runs `modprobe ip_vs` itself, which
// is enough when modprobe and the module exist).
type Kernel struct {
	mu sync.Mutex
	h  *mipvs.Handle
}

// NewKernel opens the IPVS table of the network namespace at nsPath (""
// for the current one).
func NewKernel(nsPath string) (*Kernel, error) {
	h, err := mipvs.New(nsPath)
	if err != nil {
		return nil, fmt.Errorf("ipvs open %q: %w", nsPath, err)
	}
	if _, err := h.GetConfig(); err != nil {
		h.Close()
		return nil, fmt.Errorf("ipvs open %q: kernel IPVS not available: %w", nsPath, err)
	}
	return &Kernel{h: h}, nil
}

// Close releases the netlink socket.
func (k *Kernel) Close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.h.Close()
}

func (k *Kernel) Services() ([]Service, error) {
	k.mu.Lock()
	ss, err := k.h.GetServices()
	k.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := make([]Service, 0, len(ss))
	for _, s := range ss {
		out = append(out, fromMobyService(s))
	}
	return out, nil
}

// Service implements ServiceReader: one GET_SERVICE, which the kernel
// answers with ESRCH for a service it does not have.
func (k *Kernel) Service(key ServiceKey) (Service, bool, error) {
	k.mu.Lock()
	m, err := k.h.GetService(toMobyService(Service{Key: key}))
	k.mu.Unlock()
	switch {
	case absent(err):
		return Service{}, false, nil
	case err != nil:
		return Service{}, false, err
	}
	return fromMobyService(m), true, nil
}

func (k *Kernel) Dests(s Service) ([]Dest, error) {
	k.mu.Lock()
	ds, err := k.h.GetDestinations(toMobyService(s))
	k.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := make([]Dest, 0, len(ds))
	for _, d := range ds {
		a, _ := netip.AddrFromSlice(d.Address)
		out = append(out, Dest{
			Addr:   netip.AddrPortFrom(a.Unmap(), d.Port),
			Weight: d.Weight, Method: fromConnFlags(d.ConnectionFlags),
			UThreshold: d.UpperThreshold, LThreshold: d.LowerThreshold,
		})
	}
	return out, nil
}

func (k *Kernel) Apply(op Op) error {
	s := toMobyService(op.Service)
	d := toMobyDest(op.Dest)
	k.mu.Lock()
	defer k.mu.Unlock()
	switch op.Kind {
	case AddService:
		return k.h.NewService(s)
	case UpdateService:
		return k.h.UpdateService(s)
	case DelService:
		return k.h.DelService(s)
	case AddDest:
		return k.h.NewDestination(s, d)
	case UpdateDest:
		return k.h.UpdateDestination(s, d)
	case DelDest:
		return k.h.DelDestination(s, d)
	}
	return syscall.EINVAL
}

func (k *Kernel) SetTimeouts(t Timeouts) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.h.SetConfig(&mipvs.Config{TimeoutTCP: t.TCP, TimeoutTCPFin: t.TCPFin, TimeoutUDP: t.UDP})
}

// GetTimeouts reads the kernel's lvs_timeouts.
func (k *Kernel) GetTimeouts() (Timeouts, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, err := k.h.GetConfig()
	if err != nil {
		return Timeouts{}, err
	}
	return Timeouts{TCP: c.TimeoutTCP, TCPFin: c.TimeoutTCPFin, UDP: c.TimeoutUDP}, nil
}

func toMobyService(s Service) *mipvs.Service {
	k := s.Key
	m := &mipvs.Service{FWMark: k.FWMark, SchedName: s.Scheduler, Flags: s.Flags &^ FlagHashed,
		Timeout: s.Timeout, Netmask: s.Netmask, PEName: s.PE, AddressFamily: syscall.AF_INET}
	if k.Family == 6 {
		m.AddressFamily = syscall.AF_INET6
	}
	if m.Netmask == 0 {
		m.Netmask = 0xffffffff
		if k.Family == 6 {
			m.Netmask = 128
		}
	}
	if k.FWMark == 0 {
		m.Protocol, m.Port = uint16(k.Protocol), k.Port
		m.Address = net.IP(k.Addr.AsSlice())
	}
	return m
}

func fromMobyService(m *mipvs.Service) Service {
	s := Service{Scheduler: m.SchedName, Flags: m.Flags &^ FlagHashed, Timeout: m.Timeout, Netmask: m.Netmask, PE: m.PEName}
	s.Key.Family = 4
	if m.AddressFamily == syscall.AF_INET6 {
		s.Key.Family = 6
	}
	if m.FWMark != 0 {
		s.Key.FWMark = m.FWMark
		return s
	}
	a, _ := netip.AddrFromSlice(m.Address)
	s.Key.Addr, s.Key.Port, s.Key.Protocol = a.Unmap(), m.Port, Protocol(m.Protocol)
	return s
}

func toMobyDest(d Dest) *mipvs.Destination {
	return &mipvs.Destination{Address: net.IP(d.Addr.Addr().AsSlice()), Port: d.Addr.Port(), Weight: d.Weight,
		ConnectionFlags: toConnFlags(d.Method), UpperThreshold: d.UThreshold, LowerThreshold: d.LThreshold}
}

func toConnFlags(m Method) uint32 {
	switch m {
	case DR:
		return mipvs.ConnFwdDirectRoute
	case TUN:
		return mipvs.ConnFwdTunnel
	}
	return mipvs.ConnFwdMasq
}

// fromConnFlags reads the forwarding method; the kernel adds other bits
// (NOOUTPUT for DR and TUN) that say nothing about the configuration.
func fromConnFlags(f uint32) Method {
	switch f & mipvs.ConnFwdMask {
	case mipvs.ConnFwdDirectRoute:
		return DR
	case mipvs.ConnFwdTunnel:
		return TUN
	}
	return NAT
}

// ServiceStats reads the counters of one service and its destinations.
func (k *Kernel) ServiceStats(s Service) (Stats, map[netip.AddrPort]Stats, error) {
	m := toMobyService(s)
	k.mu.Lock()
	defer k.mu.Unlock()
	got, err := k.h.GetService(m)
	if err != nil {
		return Stats{}, nil, err
	}
	ds, err := k.h.GetDestinations(m)
	if err != nil {
		return Stats{}, nil, err
	}
	per := make(map[netip.AddrPort]Stats, len(ds))
	for _, d := range ds {
		a, _ := netip.AddrFromSlice(d.Address)
		per[netip.AddrPortFrom(a.Unmap(), d.Port)] = fromMobyStats(mipvs.SvcStats(d.Stats))
	}
	return fromMobyStats(got.Stats), per, nil
}

func fromMobyStats(m mipvs.SvcStats) Stats {
	return Stats{Conns: uint64(m.Connections), InPkts: uint64(m.PacketsIn), OutPkts: uint64(m.PacketsOut),
		InBytes: m.BytesIn, OutBytes: m.BytesOut, CPS: uint64(m.CPS), InPPS: uint64(m.PPSIn),
		OutPPS: uint64(m.PPSOut), InBPS: uint64(m.BPSIn), OutBPS: uint64(m.BPSOut)}
}
