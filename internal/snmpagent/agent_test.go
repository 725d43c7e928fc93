package snmpagent

import (
	"context"
	"net"
	"net/netip"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// master is a fake AgentX master agent: it accepts one sub-agent at a
// time and lets the test speak for it.
type master struct {
	t    *testing.T
	ln   net.Listener
	conn net.Conn
	pkt  uint32
}

func newMaster(t *testing.T) (*master, string) {
	path := filepath.Join(t.TempDir(), "master")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &master{t: t, ln: ln}, path
}

func (m *master) read() *agentx.PDU {
	m.t.Helper()
	m.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	p, err := agentx.Read(m.conn)
	if err != nil {
		m.t.Fatalf("master read: %v", err)
	}
	return p
}

func (m *master) write(p *agentx.PDU) {
	m.t.Helper()
	b, err := agentx.Encode(p)
	if err != nil {
		m.t.Fatal(err)
	}
	if _, err := m.conn.Write(b); err != nil {
		m.t.Fatalf("master write: %v", err)
	}
}

func (m *master) respond(p *agentx.PDU, e agentx.Error) {
	m.write(&agentx.PDU{Header: agentx.Header{Type: agentx.TypeResponse, SessionID: 42, TransactionID: p.TransactionID,
		PacketID: p.PacketID}, Error: e})
}

// accept takes the sub-agent's connection, its Open and its Registers.
func (m *master) accept(trees int) []agentx.OID {
	m.t.Helper()
	c, err := m.ln.Accept()
	if err != nil {
		m.t.Fatal(err)
	}
	m.conn = c
	m.t.Cleanup(func() { c.Close() })
	if p := m.read(); p.Type != agentx.TypeOpen || string(p.Descr) != "govrrpd" {
		m.t.Fatalf("first PDU %+v, want Open", p)
	} else {
		m.respond(p, agentx.NoError)
	}
	var got []agentx.OID
	for range trees {
		p := m.read()
		if p.Type != agentx.TypeRegister || p.SessionID != 42 {
			m.t.Fatalf("got %+v, want a Register in session 42", p)
		}
		got = append(got, p.Subtree)
		m.respond(p, agentx.NoError)
	}
	return got
}

// request sends a request PDU and returns the sub-agent's response.
func (m *master) request(p agentx.PDU) *agentx.PDU {
	m.t.Helper()
	m.pkt++
	p.SessionID, p.TransactionID, p.PacketID = 42, m.pkt, m.pkt
	m.write(&p)
	for {
		r := m.read()
		if r.Type == agentx.TypeResponse && r.PacketID == m.pkt {
			return r
		}
		if r.Type != agentx.TypeNotify {
			m.t.Fatalf("unexpected %+v", r)
		}
	}
}

func snapshot(state string) status.Daemon {
	return status.Daemon{Version: "t", Instances: []status.Instance{
		{Name: "VI_1", VRID: 7, Family: "inet", Version: 3, Interface: "lo", State: state, Priority: 100,
			EffectivePriority: 100, AdvertInt: status.Duration(time.Second), MasterAddr: "192.0.2.1", VIPs: []string{"192.0.2.7/32"}},
	}, VirtualServers: []status.VirtualServer{{Key: "TCP 192.0.2.7:80", Protocol: "TCP", Addr: "192.0.2.7", Port: 80,
		Scheduler: "rr", Reals: []status.RealServer{{Addr: "203.0.113.1", Port: 80, Healthy: true}}}}}
}

func config(socket string) *confparse.Config {
	c := &confparse.Config{}
	c.Global.RouterID = "lb1"
	c.Global.SNMP = confparse.SNMPDefs{VRRP: true, Checker: true, RFCv3: true, Traps: true, Socket: "unix:" + socket}
	c.Instances = []vrrp.Instance{{Name: "VI_1", State: vrrp.WantMaster}}
	return c
}

func startAgent(t *testing.T, src Source, cfg *confparse.Config) *Agent {
	a := New(src, Flags{}, nil)
	a.Configured(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return a
}

func TestSessionServesAndTraps(t *testing.T) {
	m, path := newMaster(t)
	state := "MASTER"
	src := func(context.Context) (status.Daemon, error) { return snapshot(state), nil }
	a := startAgent(t, src, config(path))
	trees := m.accept(4)
	want := []agentx.OID{snmpmib.KeepalivedGlob, snmpmib.KeepalivedVR, snmpmib.KeepalivedChk, snmpmib.VRRPv3MIB}
	for i := range want {
		if trees[i].Compare(want[i]) != 0 {
			t.Fatalf("registered %v, want %v", trees, want)
		}
	}

	stateOID := snmpmib.KeepalivedVR.Append(3, 1, 4, 1)
	r := m.request(agentx.PDU{Header: agentx.Header{Type: agentx.TypeGet}, Ranges: []agentx.SearchRange{{Start: stateOID}}})
	if len(r.VarBinds) != 1 || r.VarBinds[0].Value != int32(2) {
		t.Errorf("Get vrrpInstanceState.1: %+v", r.VarBinds)
	}
	r = m.request(agentx.PDU{Header: agentx.Header{Type: agentx.TypeGetNext},
		Ranges: []agentx.SearchRange{{Start: snmpmib.KeepalivedVR.Append(3, 1, 2)}}})
	if len(r.VarBinds) != 1 || string(r.VarBinds[0].Value.([]byte)) != "VI_1" {
		t.Errorf("GetNext vrrpInstanceName: %+v", r.VarBinds)
	}
	r = m.request(agentx.PDU{Header: agentx.Header{Type: agentx.TypeGetBulk}, NonRepeaters: 1, MaxRepetitions: 2,
		Ranges: []agentx.SearchRange{{Start: snmpmib.KeepalivedGlob}, {Start: snmpmib.VRRPv3MIB, End: snmpmib.VRRPv3MIB.Append(1, 1, 1, 1, 4)}}})
	if len(r.VarBinds) != 3 || r.VarBinds[0].Name.Compare(snmpmib.KeepalivedGlob.Append(1, 0)) != 0 ||
		r.VarBinds[2].Type != agentx.EndOfMibView {
		t.Errorf("GetBulk: %+v", r.VarBinds)
	}
	r = m.request(agentx.PDU{Header: agentx.Header{Type: agentx.TypeTestSet},
		VarBinds: []agentx.VarBind{{Name: stateOID, Type: agentx.Integer, Value: int32(1)}}})
	if r.Error != agentx.NotWritable {
		t.Errorf("TestSet answered %v, want notWritable", r.Error)
	}

	state = "BACKUP"
	a.Notified(notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "BACKUP", Priority: 100})
	a.Notified(notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER_RX_LOWER_PRI"})
	a.LVSAction(ipvs.Action{Kind: ipvs.NotifyDown, Service: "192.0.2.7:80/TCP", Real: netip.MustParseAddrPort("203.0.113.1:80")})
	for _, w := range []struct {
		trap agentx.OID
		at   int
		val  any
	}{{snmpmib.TrapInstanceStateChange, 2, int32(1)}, {snmpmib.TrapRealServerChange, 4, int32(2)}} {
		p := m.read()
		if p.Type != agentx.TypeNotify || p.VarBinds[0].Value.(agentx.OID).Compare(w.trap) != 0 || p.VarBinds[w.at].Value != w.val {
			t.Fatalf("got %+v, want notification %v with %v at %d", p, w.trap, w.val, w.at)
		}
		m.respond(p, agentx.NoError)
	}

	// The master goes away and comes back: the agent opens a new session.
	m.conn.Close()
	m.accept(4)
}

// Every daemon makes an agent, SNMP configured or not: what it holds
// before any configuration enables SNMP stays small (issue #12: the trap
// queue of events by value was 230 KiB of every daemon's heap).
func TestNewAgentSmall(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := New(nil, Flags{}, nil)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 32<<10 {
		t.Errorf("New allocated %d bytes before any configuration, want under 32 KiB", n)
	}
	runtime.KeepAlive(a)
}
