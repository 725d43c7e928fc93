package snmpagent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
)

// ioTimeout bounds one write, and the wait for the master's answer to
// Open and Register.
const ioTimeout = 5 * time.Second

// identity is the sub-agent's Open id: KEEPALIVED-MIB's root, as
// keepalived's net-snmp session announces its MIB.
var identity = snmpmib.Keepalived

// session is one connection to the master agent.
type session struct {
	conn   net.Conn
	id     uint32
	packet atomic.Uint32
	wmu    sync.Mutex
}

// dial connects, opens a session and registers the trees of s. A
// subtree the master refuses (another agent holds it) is an error: the
// operator must know that nothing is served.
func dial(ctx context.Context, s Settings) (*session, error) {
	network, addr, err := dialTarget(s.Socket)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("agentx master %s: %w", s.Socket, err)
	}
	ss := &session{conn: conn}
	resp, err := ss.call(&agentx.PDU{Header: agentx.Header{Type: agentx.TypeOpen}, ID: identity, Descr: []byte("govrrpd")})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("agentx open on %s: %w", s.Socket, err)
	}
	ss.id = resp.SessionID
	for _, t := range s.MIBs.Subtrees() {
		if _, err := ss.call(&agentx.PDU{Header: agentx.Header{Type: agentx.TypeRegister}, Priority: 127, Subtree: t}); err != nil {
			ss.close(agentx.ReasonOther)
			return nil, fmt.Errorf("agentx register %v on %s: %w", t, s.Socket, err)
		}
	}
	return ss, nil
}

// call sends p and reads its response, before the serve loop runs.
func (s *session) call(p *agentx.PDU) (*agentx.PDU, error) {
	p.SessionID, p.PacketID = s.id, s.packet.Add(1)
	if err := s.write(p); err != nil {
		return nil, err
	}
	s.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	defer s.conn.SetReadDeadline(time.Time{})
	for {
		r, err := agentx.Read(s.conn)
		if err != nil {
			return nil, err
		}
		if r.Type != agentx.TypeResponse || r.PacketID != p.PacketID {
			continue
		}
		if r.Error != agentx.NoError {
			return nil, fmt.Errorf("master answered %v", r.Error)
		}
		return r, nil
	}
}

func (s *session) write(p *agentx.PDU) error {
	b, err := agentx.Encode(p)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	_, err = s.conn.Write(b)
	return err
}

// notify sends a notification; the master's response is read (and a
// refusal logged) by the serve loop.
func (s *session) notify(vbs []agentx.VarBind) error {
	p := &agentx.PDU{Header: agentx.Header{Type: agentx.TypeNotify, SessionID: s.id, PacketID: s.packet.Add(1)}, VarBinds: vbs}
	return s.write(p)
}

func (s *session) close(r agentx.CloseReason) {
	s.write(&agentx.PDU{Header: agentx.Header{Type: agentx.TypeClose, SessionID: s.id, PacketID: s.packet.Add(1)}, Reason: r})
	s.conn.Close()
}

// errClosed is the master closing the session.
var errClosed = errors.New("the master agent closed the session")

// serve answers the master until the connection fails or it closes.
func (s *session) serve(view func() (*snmpmib.View, error), refused func(*agentx.PDU)) error {
	for {
		p, err := agentx.Read(s.conn)
		if err != nil {
			return err
		}
		resp := &agentx.PDU{Header: agentx.Header{Type: agentx.TypeResponse, SessionID: p.SessionID,
			TransactionID: p.TransactionID, PacketID: p.PacketID}}
		switch p.Type {
		case agentx.TypeGet, agentx.TypeGetNext, agentx.TypeGetBulk:
			v, err := view()
			if err != nil {
				resp.Error, resp.Index = agentx.GenErr, 1
			} else {
				resp.VarBinds = answer(v, p)
			}
		case agentx.TypeTestSet:
			resp.Error, resp.Index = agentx.NotWritable, 1
		case agentx.TypeCommitSet, agentx.TypeUndoSet, agentx.TypeCleanupSet:
			if p.Type == agentx.TypeCleanupSet {
				continue // no response (RFC 2741 §7.2.4.4)
			}
		case agentx.TypeClose:
			s.conn.Close()
			return errClosed
		case agentx.TypeResponse:
			if p.Error != agentx.NoError {
				refused(p)
			}
			continue
		default:
			resp.Error = agentx.ParseError
		}
		if err := s.write(resp); err != nil {
			return err
		}
	}
}

// maxBulk bounds a GetBulk's answer: net-snmp's master cuts a response
// to its PDU size anyway, and a huge max-repetitions must not make the
// daemon build a copy of a large MIB.
const maxBulk = 2048

// answer is the varbinds of a Get, GetNext or GetBulk (RFC 2741 §7.2.3).
func answer(v *snmpmib.View, p *agentx.PDU) []agentx.VarBind {
	out := make([]agentx.VarBind, 0, len(p.Ranges))
	switch p.Type {
	case agentx.TypeGet:
		for _, r := range p.Ranges {
			out = append(out, v.Get(r.Start))
		}
	case agentx.TypeGetNext:
		for _, r := range p.Ranges {
			out = append(out, v.Next(r))
		}
	case agentx.TypeGetBulk:
		n := min(int(p.NonRepeaters), len(p.Ranges))
		for _, r := range p.Ranges[:n] {
			out = append(out, v.Next(r))
		}
		reps := append([]agentx.SearchRange(nil), p.Ranges[n:]...)
		for i := 0; i < int(p.MaxRepetitions) && len(reps) > 0 && len(out) < maxBulk; i++ {
			ended := 0
			for j, r := range reps {
				vb := v.Next(r)
				out = append(out, vb)
				if vb.Type == agentx.EndOfMibView {
					ended++
					continue
				}
				reps[j] = agentx.SearchRange{Start: vb.Name, End: r.End}
			}
			if ended == len(reps) {
				break
			}
		}
	}
	return out
}
