//go:build !linux

package daemon

import (
	"context"
	"errors"
	"net/netip"
	"runtime"

	"github.com/govrrpd/govrrpd/vrrp"
)

// otherSystem is the executor's ports where the kernel interfaces VRRP
// needs (protocol-112 sockets bound to a device, rtnetlink, AF_PACKET)
// do not exist: every call fails, and Run stops at the first instance.
type otherSystem struct{}

var errNotSupported = errors.New("not supported on " + runtime.GOOS)

func newSystem() system { return otherSystem{} }

func (otherSystem) OpenTransport(string, int, func(*evPackets) *evPackets) (transport, error) {
	return nil, errNotSupported
}
func (otherSystem) OpenAnnouncer(string) (announcer, error)     { return nil, errNotSupported }
func (otherSystem) PrimaryAddr(string, int) (netip.Addr, error) { return netip.Addr{}, errNotSupported }
func (otherSystem) AddAddr(string, vrrp.Address) error          { return errNotSupported }
func (otherSystem) DelAddr(string, vrrp.Address) (bool, error)  { return false, errNotSupported }
func (otherSystem) AddRoute(vrrp.Route, string) error           { return errNotSupported }
func (otherSystem) DelRoute(vrrp.Route, string) error           { return errNotSupported }
func (otherSystem) AddRule(vrrp.Rule) error                     { return errNotSupported }
func (otherSystem) DelRule(vrrp.Rule) error                     { return errNotSupported }
func (otherSystem) SetNoAccept([]netip.Addr, bool) error        { return errNotSupported }
func (otherSystem) NewWaker() (waker, error)                    { return nil, errNotSupported }
func (otherSystem) Close()                                      {}
func (otherSystem) Watch(context.Context, func(string, bool), func(string)) (map[string]bool, error) {
	return nil, errNotSupported
}
