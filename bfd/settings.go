package bfd

import (
	"fmt"
	"net/netip"
	"time"
)

// Settings is one bfd_instance: the session's configuration, with
// keepalived's defaults and ranges.
type Settings struct {
	Name     string
	Neighbor netip.Addr // neighbor_ip (neighbour_ip)
	Source   netip.Addr // source_ip; invalid = chosen by the kernel
	MinRx    time.Duration
	MinTx    time.Duration
	IdleTx   time.Duration // Desired Min TX while the session is not Up
	// Multiplier is the local detection multiplier.
	Multiplier uint8
	// Passive waits for the neighbour's first packet before sending.
	Passive bool
	// TTL is sent on every packet; 0 means keepalived's default (255 for
	// IPv4, 64 for IPv6).
	TTL uint8
	// MaxHops is how many hops a received packet may have crossed:
	// accepted when its TTL + MaxHops ≥ TTL. 255 (or keepalived's -1)
	// disables the check.
	MaxHops int
}

// keepalived's defaults and ranges (bfd.h).
const (
	DefaultMinRx      = 10 * time.Millisecond
	DefaultMinTx      = 10 * time.Millisecond
	DefaultIdleTx     = time.Second
	DefaultMultiplier = 5
	MinIdleTx         = time.Second
	MinInterval       = time.Millisecond
	MaxInterval       = time.Duration(1<<32-1) * time.Microsecond
	DefaultTTL4       = 255
	DefaultHopLimit6  = 64
	NoHopCheck        = 255
	Port              = 3784
	MinSourcePort     = 49152
	MaxSourcePort     = 65535
)

// Defaults returns a bfd_instance with every keyword at keepalived's
// default.
func Defaults(name string) Settings {
	return Settings{Name: name, MinRx: DefaultMinRx, MinTx: DefaultMinTx, IdleTx: DefaultIdleTx,
		Multiplier: DefaultMultiplier}
}

// SendTTL is the TTL (hop limit) every packet carries.
func (s Settings) SendTTL() uint8 {
	switch {
	case s.TTL != 0:
		return s.TTL
	case s.Neighbor.Is4() || s.Neighbor.Is4In6():
		return DefaultTTL4
	}
	return DefaultHopLimit6
}

// AcceptTTL is RFC 5881's TTL check, widened by max_hops as keepalived
// does: with the defaults an IPv4 packet must arrive with TTL 255.
func (s Settings) AcceptTTL(ttl uint8) bool {
	if s.MaxHops < 0 || s.MaxHops >= NoHopCheck {
		return true
	}
	return int(ttl)+s.MaxHops >= int(s.SendTTL())
}

// Validate reports what makes the session impossible to run.
func (s Settings) Validate() error {
	switch {
	case !s.Neighbor.IsValid():
		return fmt.Errorf("bfd_instance %s: no neighbor_ip", s.Name)
	case s.Source.IsValid() && s.Source.Is4() != s.Neighbor.Is4():
		return fmt.Errorf("bfd_instance %s: source_ip %s and neighbor_ip %s are not of the same family",
			s.Name, s.Source, s.Neighbor)
	case s.Multiplier == 0:
		return fmt.Errorf("bfd_instance %s: multiplier 0", s.Name)
	case s.MinRx < MinInterval || s.MinTx < MinInterval || s.IdleTx < MinIdleTx:
		return fmt.Errorf("bfd_instance %s: min_rx %s, min_tx %s or idle_tx %s below its minimum",
			s.Name, s.MinRx, s.MinTx, s.IdleTx)
	case s.MinRx > MaxInterval || s.MinTx > MaxInterval || s.IdleTx > MaxInterval:
		return fmt.Errorf("bfd_instance %s: an interval exceeds %s", s.Name, MaxInterval)
	}
	return nil
}

func us(d time.Duration) uint32 { return uint32(d / time.Microsecond) }

func usString(v uint32) string { return (time.Duration(v) * time.Microsecond).String() }
