package ipvs

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// SyncKernel starts and stops the kernel's IPVS sync daemons over generic
// netlink. It has its own socket because moby/ipvs keeps its socket
// private and has no daemon commands; the helpers of
// github.com/vishvananda/netlink/nl (which moby/ipvs uses too) build and
// exchange the messages. Requests on one socket are serialized by nl.
type SyncKernel struct {
	sh     *nl.SocketHandle
	family uint16
}

// NewSyncKernel opens the sync daemons of the network namespace at nsPath
// ("" for the current one). It loads ip_vs when the IPVS family is
// missing, as moby/ipvs does.
func NewSyncKernel(nsPath string) (*SyncKernel, error) {
	ns := netns.None()
	if nsPath != "" {
		h, err := netns.GetFromPath(nsPath)
		if err != nil {
			return nil, fmt.Errorf("ipvs sync daemon: namespace %q: %w", nsPath, err)
		}
		defer h.Close()
		ns = h
	}
	sock, err := nl.GetNetlinkSocketAt(ns, netns.None(), unix.NETLINK_GENERIC)
	if err != nil {
		return nil, fmt.Errorf("ipvs sync daemon: generic netlink socket: %w", err)
	}
	// Starting and stopping a daemon takes rtnl_lock, which a namespace
	// being torn down can hold for seconds (measured under the test VM's
	// emulation: over 5 s); keepalived waits without limit.
	tv := unix.NsecToTimeval((30 * time.Second).Nanoseconds())
	if err := errors.Join(sock.SetSendTimeout(&tv), sock.SetReceiveTimeout(&tv)); err != nil {
		sock.Close()
		return nil, fmt.Errorf("ipvs sync daemon: socket timeouts: %w", err)
	}
	k := &SyncKernel{sh: &nl.SocketHandle{Socket: sock}}
	k.family, err = k.resolveFamily()
	if errors.Is(err, syscall.ENOENT) {
		_ = exec.Command("modprobe", "-q", "ip_vs").Run()
		k.family, err = k.resolveFamily()
	}
	if err != nil {
		sock.Close()
		return nil, fmt.Errorf("ipvs sync daemon: kernel IPVS not available: %w", err)
	}
	return k, nil
}

// Close releases the socket.
func (k *SyncKernel) Close() { k.sh.Close() }

func (k *SyncKernel) request(family, flags int, cmd uint8) *nl.NetlinkRequest {
	req := nl.NewNetlinkRequest(family, unix.NLM_F_ACK|flags)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_GENERIC: k.sh}
	req.AddData(&nl.Genlmsg{Command: cmd, Version: 1})
	return req
}

// resolveFamily asks the generic-netlink controller for the IPVS family id.
func (k *SyncKernel) resolveFamily() (uint16, error) {
	req := k.request(nl.GENL_ID_CTRL, 0, nl.GENL_CTRL_CMD_GETFAMILY)
	req.AddData(nl.NewRtAttr(nl.GENL_CTRL_ATTR_FAMILY_NAME, nl.ZeroTerminated("IPVS")))
	msgs, err := req.Execute(unix.NETLINK_GENERIC, 0)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if len(m) < nl.SizeofGenlmsg {
			continue
		}
		attrs, err := nl.ParseRouteAttr(m[nl.SizeofGenlmsg:])
		if err != nil {
			return 0, err
		}
		for _, a := range attrs {
			if a.Attr.Type == nl.GENL_CTRL_ATTR_FAMILY_ID && len(a.Value) >= 2 {
				return nl.NativeEndian().Uint16(a.Value), nil
			}
		}
	}
	return 0, errors.New("no IPVS family id in the controller's reply")
}

// StartSyncDaemon sends IPVS_CMD_NEW_DAEMON. The kernel answers EEXIST when
// a daemon of that state runs, ENODEV for an unknown interface and
// EADDRNOTAVAIL for a master whose interface has no IPv4 address.
func (k *SyncKernel) StartSyncDaemon(c SyncConfig) error {
	if err := checkSyncConfig(c); err != nil {
		return err
	}
	req := k.request(int(k.family), 0, ipvsCmdNewDaemon)
	req.AddData(encodeSyncStart(c))
	_, err := req.Execute(unix.NETLINK_GENERIC, 0)
	return err
}

// StopSyncDaemon sends IPVS_CMD_DEL_DAEMON; ESRCH when none runs.
func (k *SyncKernel) StopSyncDaemon(s SyncState) error {
	req := k.request(int(k.family), 0, ipvsCmdDelDaemon)
	req.AddData(encodeSyncStop(s))
	_, err := req.Execute(unix.NETLINK_GENERIC, 0)
	return err
}

// SyncDaemons dumps IPVS_CMD_GET_DAEMON: the running daemons with the
// values the kernel uses (its defaults filled in).
func (k *SyncKernel) SyncDaemons() ([]SyncConfig, error) {
	req := k.request(int(k.family), unix.NLM_F_DUMP, ipvsCmdGetDaemon)
	msgs, err := req.Execute(unix.NETLINK_GENERIC, 0)
	if err != nil {
		return nil, err
	}
	var out []SyncConfig
	for _, m := range msgs {
		cs, err := decodeSyncDaemons(m)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}
