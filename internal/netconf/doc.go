// Package netconf applies VRRP's addresses, routes, rules, VMACs and nft
// rules to the kernel through rtnetlink and nftables: the thin OS layer
// behind the pure state machine's AddAddresses / RemoveAddresses actions.
// Routes and rules come parsed by iproute; this package only resolves
// interface names and speaks netlink.
//
// It imports vrrp (the settings it applies) and iproute, never confparse or
// the daemon. Tests that touch the kernel run in a namespace of their own
// (tools/nstest, root) and skip without one; testdata holds the nft ruleset
// keepalived 2.2.7 installs, which nft_test.go compares with ours.
package netconf
