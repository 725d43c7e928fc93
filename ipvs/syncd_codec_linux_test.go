package ipvs

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/vishvananda/netlink/nl"
)

// reply frames nests as one GET_DAEMON reply message body.
func reply(nests ...*nl.RtAttr) []byte {
	b := (&nl.Genlmsg{Command: ipvsCmdNewDaemon, Version: 1}).Serialize()
	for _, n := range nests {
		b = append(b, n.Serialize()...)
	}
	return b
}

func TestSyncCodecRoundTrip(t *testing.T) {
	cases := []SyncConfig{
		{State: SyncBackup, Interface: "eth1", SyncID: 51, Group: DefaultSyncGroup, Port: 8848, TTL: 1},
		{State: SyncMaster, Interface: "bond0.100", SyncID: 255, MaxLen: 1400, Group: netip.MustParseAddr("239.1.2.3"), Port: 9000, TTL: 64},
		{State: SyncMaster, Interface: "eth0", SyncID: 0, Group: netip.MustParseAddr("ff05::81"), Port: 1, TTL: 255},
	}
	for _, c := range cases {
		got, err := decodeSyncDaemons(reply(encodeSyncStart(c)))
		if err != nil || len(got) != 1 || got[0] != c {
			t.Errorf("%v: decoded %+v, %v", c, got, err)
		}
	}
	both, err := decodeSyncDaemons(reply(encodeSyncStart(cases[0]), encodeSyncStart(cases[1])))
	if err != nil || len(both) != 2 || both[1] != cases[1] {
		t.Errorf("two nests: %+v, %v", both, err)
	}
}

// TestSyncEncodeBytes pins the wire layout to the kernel's policy:
// u32 state and sync id, NUL-terminated interface, host-order u16 port,
// network-order group, optional attributes left out when zero.
func TestSyncEncodeBytes(t *testing.T) {
	ne := nl.NativeEndian()
	u32 := func(v uint32) []byte { b := make([]byte, 4); ne.PutUint32(b, v); return b }
	u16 := func(v uint16) []byte { b := make([]byte, 2); ne.PutUint16(b, v); return b }
	attr := func(typ uint16, v []byte) []byte {
		b := make([]byte, 4, 4+len(v)+3)
		ne.PutUint16(b, uint16(4+len(v)))
		ne.PutUint16(b[2:], typ)
		b = append(b, v...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	var body []byte
	body = append(body, attr(daemonAttrState, u32(1))...)
	body = append(body, attr(daemonAttrMcastIfn, []byte("eth1\x00"))...)
	body = append(body, attr(daemonAttrSyncID, u32(7))...)
	body = append(body, attr(daemonAttrMcastGroup, []byte{239, 1, 2, 3})...)
	body = append(body, attr(daemonAttrMcastPort, u16(9000))...)
	want := attr(ipvsCmdAttrDaemon, body)
	got := encodeSyncStart(SyncConfig{State: SyncMaster, Interface: "eth1", SyncID: 7,
		Group: netip.MustParseAddr("239.1.2.3"), Port: 9000}).Serialize()
	if !bytes.Equal(got, want) {
		t.Errorf("encoded\n% x\nwant\n% x", got, want)
	}
	stop := encodeSyncStop(SyncBackup).Serialize()
	if len(stop) != 12 || ne.Uint32(stop[8:]) != 2 {
		t.Errorf("stop nest % x", stop)
	}
}

func TestSyncDecodeErrors(t *testing.T) {
	good := encodeSyncStart(SyncConfig{State: SyncBackup, Interface: "eth1", SyncID: 3})
	noID := nl.NewRtAttr(ipvsCmdAttrDaemon, nil)
	noID.AddRtAttr(daemonAttrState, nl.Uint32Attr(2))
	noID.AddRtAttr(daemonAttrMcastIfn, nl.ZeroTerminated("eth1"))
	shortPort := nl.NewRtAttr(ipvsCmdAttrDaemon, nil)
	shortPort.AddRtAttr(daemonAttrMcastPort, []byte{1})
	bigID := nl.NewRtAttr(ipvsCmdAttrDaemon, nil)
	bigID.AddRtAttr(daemonAttrSyncID, nl.Uint32Attr(300))
	cases := map[string][]byte{
		"shorter than genl header": {1, 2},
		"missing sync id":          reply(noID),
		"short port":               reply(shortPort),
		"sync id over 255":         reply(bigID),
		"truncated nest":           reply(good)[:len(reply(good))-4],
	}
	for name, b := range cases {
		if got, err := decodeSyncDaemons(b); err == nil {
			t.Errorf("%s: decoded %+v without error", name, got)
		}
	}
	// Attributes a newer kernel may add are skipped, not refused.
	extra := encodeSyncStart(SyncConfig{State: SyncBackup, Interface: "eth1", SyncID: 3})
	extra.AddRtAttr(42, []byte{9, 9, 9, 9})
	if got, err := decodeSyncDaemons(reply(extra)); err != nil || len(got) != 1 || got[0].SyncID != 3 {
		t.Errorf("unknown attribute: %+v, %v", got, err)
	}
}

func FuzzDecodeSyncDaemons(f *testing.F) {
	f.Add(reply(encodeSyncStart(SyncConfig{State: SyncBackup, Interface: "eth1", SyncID: 51, Group: DefaultSyncGroup, Port: 8848, TTL: 1})))
	f.Add(reply(encodeSyncStart(SyncConfig{State: SyncMaster, Interface: "x", MaxLen: 1400, Group: netip.MustParseAddr("ff05::81")})))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := decodeSyncDaemons(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to the same settings.
		for _, c := range cs {
			again, err := decodeSyncDaemons(reply(encodeSyncStart(c)))
			if err != nil || len(again) != 1 {
				t.Fatalf("%+v does not survive a round trip: %v", c, err)
			}
			if again[0] != c {
				t.Fatalf("round trip %+v -> %+v", c, again[0])
			}
		}
	})
}
