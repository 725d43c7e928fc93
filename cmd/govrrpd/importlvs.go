package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/confparse/lvscf"
)

// importLVSCF is the `import-lvs-cf` subcommand: it converts Piranha's
// lvs.cf into keepalived.conf for one node. Exit status: 0 converted
// (warnings go to stderr), 1 the file cannot be converted, 2 usage.
func importLVSCF(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("govrrpd import-lvs-cf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	node := fs.String("node", "auto", "generate for `NODE`: primary, backup, or auto (primary if a local interface holds the primary address, as pulse decided)")
	vrid := fs.Int("vrid", 51, "virtual_router_id `N` of the VRRP instance")
	iface := fs.String("vrrp-interface", "", "VRRP `interface` (default: base device of the first active virtual server)")
	out := fs.String("o", "", "write keepalived.conf to `FILE` instead of stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: govrrpd import-lvs-cf [--node primary|backup|auto] [--vrid N] [--vrrp-interface IF] [-o FILE] lvs.cf")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	text, ds, err := convertLVSCF(data, *node, *vrid, *iface, localAddrs)
	for _, d := range ds {
		if d.Severity != confparse.Fatal {
			fmt.Fprintln(stderr, d.String())
		}
	}
	if err != nil {
		var pe *lvscf.ParseError
		if errors.As(err, &pe) && pe.Line > 0 {
			// pulse said: error parsing FILE at line N: MSG
			fmt.Fprintf(stderr, "error: %s: %v\n", files[0], err)
		} else {
			fmt.Fprintf(stderr, "error: %v\n", err)
		}
		return 1
	}
	if *out == "" {
		_, err = stdout.Write(text)
	} else {
		err = os.WriteFile(*out, text, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

// convertLVSCF converts lvs.cf bytes to keepalived.conf text. It is also
// the in-memory path for `govrrpd -f lvs.cf` (with node "auto"), once
// lvscf.Detect has recognised the file.
func convertLVSCF(data []byte, node string, vrid int, iface string, local func() []netip.Addr) ([]byte, confparse.Diagnostics, error) {
	popts := lvscf.Options{Resolve: resolve4, LookupPort: lookupPort}
	cfg, ds := lvscf.Parse(data, popts)
	if err := lvscf.Err(ds); err != nil {
		return nil, ds, err
	}
	switch node {
	case "primary", "backup":
	case "auto":
		node = lvscf.ChooseNode(cfg, local())
	default:
		return nil, ds, fmt.Errorf("--node %q: want primary, backup or auto", node)
	}
	res, cds := lvscf.Convert(cfg, lvscf.ConvertOptions{Node: node, VRID: vrid, VRRPInterface: iface})
	ds = append(ds, cds...)
	if err := lvscf.Err(ds); err != nil {
		return nil, ds, err
	}
	var b bytes.Buffer
	if err := lvscf.Render(&b, res); err != nil {
		return nil, ds, fmt.Errorf("render: %w", err)
	}
	return b.Bytes(), ds, nil
}

// parseInterspersed lets flags follow the file name.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// resolve4 resolves a host name as Piranha's gethostbyname did, IPv4 only.
func resolve4(name string) (netip.Addr, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", name)
	if err != nil {
		return netip.Addr{}, err
	}
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("%s: no IPv4 address", name)
	}
	return addrs[0].Unmap(), nil
}

func lookupPort(name string) (int, bool) {
	p, err := net.LookupPort("tcp", name)
	return p, err == nil
}

// localAddrs are this host's interface addresses, for --node auto.
func localAddrs() []netip.Addr {
	ifaddrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range ifaddrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr().Unmap())
		}
	}
	return out
}
