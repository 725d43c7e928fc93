package vrrpnet

import (
	"net"
	"slices"
)

// InterfaceByName is net.InterfaceByName for a result that is kept: the
// standard library's HardwareAddr points into the rtnetlink dump of every
// link it read (27 KB with 17 links), so each interface kept by a socket
// or a GARP sender pinned a whole dump (1 MB of the daemon's live heap at
// 16 interfaces). The address is copied out.
func InterfaceByName(name string) (*net.Interface, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, err
	}
	ifi.HardwareAddr = slices.Clip(slices.Clone(ifi.HardwareAddr))
	return ifi, nil
}
