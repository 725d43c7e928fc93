package snmpmib

import "github.com/govrrpd/govrrpd/internal/status"

// dropSums are an instance's receive errors as the RFC MIBs count them,
// from the daemon's drop reasons (vrrp.RxReason's labels).
type dropSums struct {
	checksum, version, vrid, ttl, interval, authFail, authInvalid, authMismatch,
	invalidType, addrList, length uint64
}

func dropsOf(s status.InstanceStats) dropSums {
	d := s.Drops
	return dropSums{checksum: d["checksum"], version: d["version"], vrid: d["vrid"], ttl: d["ttl"],
		interval: d["advert-interval"], authFail: d["auth-failure"], authInvalid: d["auth-invalid-type"],
		authMismatch: d["auth-type-mismatch"], invalidType: d["type"], addrList: d["address-list"],
		length: d["length"] + d["truncated"] + d["oversized"]}
}

func (s *dropSums) add(o dropSums) {
	s.checksum += o.checksum
	s.version += o.version
	s.vrid += o.vrid
}

// protoErr is vrrpv3StatisticsProtoErrReason: noError(0) while no
// packet was dropped for a TTL, version, checksum or VRID error; the
// error's code when only one of them happened; unknown (not served) when
// several did, since the column names the latest.
func (s dropSums) protoErr() (int, bool) {
	code, seen := 0, 0
	for c, n := range []uint64{s.ttl, s.version, s.checksum, s.vrid} {
		if n > 0 {
			code, seen = c+1, seen+1
		}
	}
	return code, seen <= 1
}
