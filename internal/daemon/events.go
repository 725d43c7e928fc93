package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/internal/track"
	"github.com/govrrpd/govrrpd/vrrp"
)

// event is the closed set of inputs the loop handles: every kind below
// and no other (the unexported method seals it). Timers are not events:
// the loop fires them itself from its timer heap (timers.go), so they
// never wait in the queue behind packets.
type event interface{ loopEvent() }

// evPacket is one received protocol-112 packet.
type evPacket struct {
	sock      *socket
	at        time.Time // the kernel's receive time
	data      []byte
	rx        vrrp.RxFacts
	oversized bool // cut short by the read buffer
}

// evPackets are the packets of one socket read, handled in order as one
// event: a backup of thousands of instances receives thousands of adverts
// a second, and one queue hand-off per packet cost more than its checks.
// The reader gathers them into it and hands it over, a pointer (a slice
// in an interface is boxed), and the loop gives it back to its socket
// once handled (rx.go): a backup's steady stream of reads then allocates
// nothing and copies each packet once.
type evPackets struct {
	sock *socket
	pkts []rxPacket
	buf  []byte          // the payloads, copied out of the reader's buffers
	free chan *evPackets // where it goes once handled (nil: nowhere)
}

// evLink is a change of an interface's usable state (up and carrier).
type evLink struct {
	ifname string
	up     bool
}

// evAddr says an interface's addresses changed; instances waiting for a
// source address try again.
type evAddr struct{ ifname string }

// evTrack is a tracker's new result.
type evTrack struct{ r track.Result }

// evReloaded carries a configuration read for a reload to the loop, or
// with same set, the news that nothing it was read from changed; reply,
// when set, receives the result (the API's Reload). A configuration read
// is applied at once and its record completed by the evHashed after it.
type evReloaded struct {
	cfg     *confparse.Config
	diags   confparse.Diagnostics
	inputs  *confparse.Inputs
	same    bool
	checked time.Duration // how long asking the inputs took, when same
	reply   []chan status.Reload
}

// evHashed is the applied configuration's hash (reload.go), which
// completes the reload's record and answers its waiters.
type evHashed struct {
	hash  string
	reply []chan status.Reload
}

// evSnapshot asks for the status snapshot.
type evSnapshot struct{ reply chan status.Daemon }

// evMaintenance sets or lifts an instance's maintenance.
type evMaintenance struct {
	name  string
	on    bool
	reply chan error
}

// evDrain forwards a drain request to the LVS subsystem from the loop,
// so it is ordered with reloads.
type evDrain struct {
	vs, rs string
	on     bool
	reply  chan error
}

func (evPacket) loopEvent()      {}
func (*evPackets) loopEvent()    {}
func (evLink) loopEvent()        {}
func (evAddr) loopEvent()        {}
func (evTrack) loopEvent()       {}
func (evReloaded) loopEvent()    {}
func (evHashed) loopEvent()      {}
func (evSnapshot) loopEvent()    {}
func (evMaintenance) loopEvent() {}
func (evDrain) loopEvent()       {}

// evRetry retries the VIPs of an instance whose add failed.
type evRetry struct{ in *instance }

func (evRetry) loopEvent() {}

// evReloadReq is an API reload request (SIGHUP's path, with a reply).
type evReloadReq struct{ reply chan status.Reload }

func (evReloadReq) loopEvent() {}
