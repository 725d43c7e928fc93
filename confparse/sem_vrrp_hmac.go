package confparse

import (
	"encoding/hex"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// keepalived 2.4's auth_hmac block and v3_checksum_as_v2 (2.2.8), read
// with keepalived 2.4.3's keywords, ranges and corrections (its
// vrrp_parser.c and vrrp.c). A key is a secret: no message here quotes
// it, and the printer masks it.

func init() {
	instTable["v3_checksum_as_v2"] = instFlag("v3_checksum_as_v2", func(b *instB) *bool { return &b.V3ChecksumAsV2 })
	globalTable["v3_checksum_as_v2"] = func(a *analyzer, n *Node, c *Config) { c.VRRP.V3ChecksumAsV2 = true }
}

func authHMAC(a *analyzer, n *Node, b *instB) {
	if b.AuthHMAC != nil {
		a.warnf(n.Pos, "(%s) auth_hmac block repeated - its settings are merged", b.Name)
	} else {
		b.AuthHMAC = &vrrp.AuthHMAC{Mode: vrrp.HMACEnforce}
	}
	h := b.AuthHMAC
	b.set["auth_hmac"] = true
	for _, c := range n.Children {
		switch c.Key {
		case "key":
			hmacKey(a, c, b)
		case "active_key":
			if v, ok := a.argInt(c, 0, 1, 255); ok {
				h.ActiveKey = uint8(v)
			}
		case "time_window":
			if v, ok := a.argInt(c, 0, 1, vrrp.HMACWindowMax); ok {
				h.Window = time.Duration(v) * time.Second
			}
		case "anti_replay":
			switch s, _ := a.arg(c, 0); s {
			case "time", "monotonic":
				h.Monotonic = s == "monotonic"
			default:
				a.warnf(c.Pos, "(%s) auth_hmac anti_replay '%s' must be time or monotonic", b.Name, s)
			}
		case "mode":
			switch s, _ := a.arg(c, 0); s {
			case "enforce":
				h.Mode = vrrp.HMACEnforce
			case "permissive":
				h.Mode = vrrp.HMACPermissive
			case "receive-only":
				h.Mode = vrrp.HMACReceiveOnly
			default:
				a.warnf(c.Pos, "(%s) auth_hmac mode '%s' must be enforce, permissive or receive-only", b.Name, s)
			}
		default:
			dispatch(a, c, table[*instB]{}, b, "auth_hmac")
		}
	}
}

// hmacKey is `key ID VALUE`: VALUE is hex:DIGITS, file:PATH or the ASCII
// bytes themselves.
func hmacKey(a *analyzer, n *Node, b *instB) {
	if len(n.Args) < 2 {
		a.warnf(n.Pos, "(%s) auth_hmac key needs an id and a value", b.Name)
		return
	}
	id, ok := a.argInt(n, 0, 1, 255)
	if !ok {
		return
	}
	val, source := n.Args[1].Text, "inline"
	if val == maskedKey {
		// --dump-conf's output read back: keep the key's place so the
		// printout is stable, but it can neither sign nor verify.
		a.warnf(n.Pos, "(%s) auth_hmac key %d is masked (a --dump-conf printout): adverts needing it will not sign or verify", b.Name, id)
		addHMACKey(a, n, b, vrrp.HMACKey{ID: uint8(id), Source: maskedKey})
		return
	}
	if path, isFile := strings.CutPrefix(val, "file:"); isFile {
		var ok bool
		if val, ok = readKeyFile(a, n, b.Name, path); !ok {
			return
		}
		source = "file:" + path
	}
	secret := vrrp.HMACSecret(val)
	if digits, isHex := strings.CutPrefix(val, "hex:"); isHex {
		raw, err := hex.DecodeString(digits)
		if err != nil {
			a.warnf(n.Pos, "(%s) auth_hmac key %d: invalid hex digits", b.Name, id)
			return
		}
		secret = raw
	}
	if len(secret) < vrrp.HMACKeyMin || len(secret) > vrrp.HMACKeyMax {
		a.warnf(n.Pos, "(%s) auth_hmac key %d length %d not in range [%d, %d]", b.Name, id, len(secret), vrrp.HMACKeyMin, vrrp.HMACKeyMax)
		return
	}
	addHMACKey(a, n, b, vrrp.HMACKey{ID: uint8(id), Secret: secret, Source: source})
}

// maskedKey is how the printer writes an inline key.
const maskedKey = "********"

func addHMACKey(a *analyzer, n *Node, b *instB, k vrrp.HMACKey) {
	h := b.AuthHMAC
	if h.Key(k.ID) != nil {
		a.warnf(n.Pos, "(%s) duplicate auth_hmac key id %d", b.Name, k.ID)
		return
	}
	h.Keys = append(h.Keys, k)
}

// keyFileMax is what a key file may hold: "hex:", 64 bytes in hex and a
// line ending's slack, as keepalived allows.
const keyFileMax = 4 + vrrp.HMACKeyMax*2 + 8

// readKeyFile reads a key kept out of the configuration (a systemd
// credential, say). Like keepalived it flags a file that group or others
// may read, and drops a trailing line ending.
func readKeyFile(a *analyzer, n *Node, inst, path string) (string, bool) {
	a.opts.inputs.probe("auth_hmac key file "+path, keyFileState(path), func() string { return keyFileState(path) })
	f, err := os.Open(path)
	if err != nil {
		a.warnf(n.Pos, "(%s) auth_hmac key file '%s' cannot be opened", inst, path)
		return "", false
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		a.securityf(n.Pos, "(%s) auth_hmac key file '%s' is readable by group or others", inst, path)
	}
	buf, err := io.ReadAll(io.LimitReader(f, keyFileMax))
	if err != nil || len(buf) >= keyFileMax {
		a.warnf(n.Pos, "(%s) auth_hmac key file '%s' is too large", inst, path)
		return "", false
	}
	return strings.TrimRight(string(buf), "\r\n"), true
}

// completeAuthHMAC applies keepalived's corrections once the instance is
// read: the legacy authentication block goes, an undefined active key
// disables the extension (loudly: the instance then runs unauthenticated,
// as keepalived's does with the same file), and strict mode enforces.
func completeAuthHMAC(a *analyzer, b *instB) {
	h := b.AuthHMAC
	if h == nil {
		return
	}
	if b.Auth.Type != vrrp.AuthNone {
		a.warnf(b.pos, "(%s) auth_hmac cannot be combined with authentication, dropping legacy auth", b.Name)
		b.Auth = vrrp.Auth{}
	}
	if h.Key(h.ActiveKey) == nil {
		a.warnf(b.pos, "(%s) auth_hmac active_key %d is not defined, disabling extension: adverts are NOT authenticated", b.Name, h.ActiveKey)
		b.AuthHMAC = nil
		return
	}
	if b.Strict && h.Mode != vrrp.HMACEnforce {
		a.warnf(b.pos, "(%s) strict mode requires auth_hmac mode enforce", b.Name)
		h.Mode = vrrp.HMACEnforce
	}
}

// printAuthHMAC writes the block back with every key masked: a key read
// from a file is shown by its path, an inline one as asterisks, so a dump
// never carries key material (it then does not load as is, by design).
func printAuthHMAC(p *printer, h *vrrp.AuthHMAC) {
	if h == nil {
		return
	}
	p.open("auth_hmac")
	for _, k := range h.Keys {
		v := maskedKey
		if strings.HasPrefix(k.Source, "file:") {
			v = quote(k.Source)
		}
		p.line("key", strconv.Itoa(int(k.ID)), v)
	}
	p.line("active_key", strconv.Itoa(int(h.ActiveKey)))
	if h.Monotonic {
		p.line("anti_replay", "monotonic")
	}
	if h.Window > 0 {
		p.line("time_window", strconv.Itoa(int(h.Window/time.Second)))
	}
	if h.Mode != vrrp.HMACEnforce {
		p.line("mode", h.Mode.String())
	}
	p.close()
}
