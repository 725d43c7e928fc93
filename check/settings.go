package check

import (
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
)

// Kind is a checker type; it prints as keepalived spells its block. A byte,
// not the block's name: a large LVS site holds 100,000 checkers.
type Kind uint8

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=Kind -output=kind_string.go

const (
	TCP  Kind = iota + 1 // TCP_CHECK
	HTTP                 // HTTP_GET
	SSL                  // SSL_GET
	Misc                 // MISC_CHECK
	SMTP                 // SMTP_CHECK
	DNS                  // DNS_CHECK
	UDP                  // UDP_CHECK
	Ping                 // PING_CHECK
	File                 // FILE_CHECK
	BFD                  // BFD_CHECK
)

// Target says which real server of which virtual server a checker guards.
// Service is ipvs.VirtualServer.Key(); check does not import ipvs so the two
// stay independent and meet only in the daemon wiring.
type Target struct {
	Service string
	Real    netip.AddrPort
}

// Checker is one checker block inside a real_server, with keepalived's
// defaults applied (inherited from the real and virtual server).
type Checker struct {
	Kind Kind
	// Alpha, LogAllFailures (scheduling options) and FWMark (a connection
	// option) sit by Kind so that the four share one word: a large LVS
	// site holds one checker per real server, and a word is 0.8 MB on
	// 100,000 of them.
	Alpha          bool
	LogAllFailures bool
	FWMark         uint32
	Source         srcpos.Pos // prints as file:line
	Target         Target

	// Connection options (not MISC/FILE/BFD). Addrs is nil when none of
	// connect_ip, bindto and bind_if is given, as mostly: inline they
	// were 32 of a checker's 160 bytes. Read them with Conn, set them with
	// EditConn.
	Addrs          *ConnAddrs
	ConnectPort    uint16
	BindPort       uint16
	ConnectTimeout time.Duration

	// Scheduling options.
	Retry            int
	DelayBeforeRetry time.Duration
	DelayLoop        time.Duration
	Warmup           time.Duration

	// Settings holds the keywords of the checker's kind: *HTTPSettings for
	// HTTP_GET and SSL_GET, *MiscSettings, *SMTPSettings, *DNSSettings,
	// *UDPSettings, *FileSettings or *BFDSettings; nil for TCP_CHECK and
	// PING_CHECK. One interface instead of a pointer per kind, of which a
	// checker only ever sets one, saved 40 of a checker's 216 bytes: 4 MB
	// on a site of 100,000 checkers. The accessors below read it.
	Settings KindSettings
}

// ConnAddrs are a checker's rarely given connection addresses.
type ConnAddrs struct {
	ConnectIP *netip.Addr // nil: the real server's
	BindTo    *netip.Addr
	BindIf    string
}

// Conn returns c's connection addresses, all unset when none is given.
func (c *Checker) Conn() ConnAddrs {
	if c.Addrs == nil {
		return ConnAddrs{}
	}
	return *c.Addrs
}

// EditConn returns c's connection addresses to set, on a copy of c's own:
// checkers made by copying one (an SMTP_CHECK's host blocks) share the
// addresses until one of them sets its own.
func (c *Checker) EditConn() *ConnAddrs {
	n := new(ConnAddrs)
	if c.Addrs != nil {
		*n = *c.Addrs
	}
	c.Addrs = n
	return n
}

// KindSettings is one kind's own keywords; only this package's settings
// types implement it.
type KindSettings interface{ kindSettings() }

func (*HTTPSettings) kindSettings() {}
func (*MiscSettings) kindSettings() {}
func (*SMTPSettings) kindSettings() {}
func (*DNSSettings) kindSettings()  {}
func (*UDPSettings) kindSettings()  {}
func (*FileSettings) kindSettings() {}
func (*BFDSettings) kindSettings()  {}

// HTTP returns HTTP_GET's or SSL_GET's settings, nil for any other kind.
func (c *Checker) HTTP() *HTTPSettings { s, _ := c.Settings.(*HTTPSettings); return s }

// Misc returns MISC_CHECK's settings, nil for any other kind.
func (c *Checker) Misc() *MiscSettings { s, _ := c.Settings.(*MiscSettings); return s }

// SMTP returns SMTP_CHECK's settings, nil for any other kind.
func (c *Checker) SMTP() *SMTPSettings { s, _ := c.Settings.(*SMTPSettings); return s }

// DNS returns DNS_CHECK's settings, nil for any other kind.
func (c *Checker) DNS() *DNSSettings { s, _ := c.Settings.(*DNSSettings); return s }

// UDP returns UDP_CHECK's settings, nil for any other kind.
func (c *Checker) UDP() *UDPSettings { s, _ := c.Settings.(*UDPSettings); return s }

// File returns FILE_CHECK's settings, nil for any other kind.
func (c *Checker) File() *FileSettings { s, _ := c.Settings.(*FileSettings); return s }

// BFD returns BFD_CHECK's settings, nil for any other kind.
func (c *Checker) BFD() *BFDSettings { s, _ := c.Settings.(*BFDSettings); return s }

// BFDSettings are BFD_CHECK's: the bfd_instance whose session decides the
// checker. It is never probed; the daemon reports the session's state
// (Scheduler.BFD).
type BFDSettings struct {
	Instance string
}

// HTTPSettings are the HTTP_GET / SSL_GET specific keywords.
type HTTPSettings struct {
	URLs         []URL
	Protocol     string // 1.0, 1.0C, 1.1
	Virtualhost  string
	EnableSNI    bool
	FastRecovery bool
	TLS          *TLSSettings // from the global SSL {} block
}

// URL is one url {} block; all of a checker's URLs must pass.
type URL struct {
	Path                           string
	Digest                         string        // lower-case hex MD5 of the body, or ""
	StatusCodes                    []StatusRange // empty = 200-299
	Virtualhost                    string
	Regex                          string
	RegexNoMatch                   bool
	RegexOptions                   []string
	RegexMinOffset, RegexMaxOffset int
}

// StatusRange is an inclusive range of HTTP status codes.
type StatusRange struct{ Lo, Hi int }

// TLSSettings is the global SSL {} block.
type TLSSettings struct {
	Password, CA, Certificate, Key string
}

// MiscSettings are MISC_CHECK's keywords.
type MiscSettings struct {
	Path    script.Spec
	Timeout time.Duration // 0 = delay_loop
	Dynamic bool
}

// SMTPSettings are SMTP_CHECK's keywords.
type SMTPSettings struct {
	HeloName string
}

// DNSSettings are DNS_CHECK's keywords.
type DNSSettings struct {
	Type string
	Name string
}

// UDPSettings are UDP_CHECK's keywords.
type UDPSettings struct {
	Payload        []byte
	RequireReply   bool
	Reply          string // hex with X wildcards as written
	MinReplyLength int
	MaxReplyLength int
}

// FileSettings are FILE_CHECK's keywords.
type FileSettings struct {
	TrackFile string
	Path      string // the track_file's `file`, resolved by the parser
	Weight    int
	Reverse   bool
}
