// Package ipvs is the load-balancing side of keepalived without the
// configuration language: the virtual-server settings confparse builds, the
// model of the kernel's IPVS table, the diff that turns desired into
// netlink operations, the reconciler that applies them through a 4-method
// Backend and reacts to checker results (weights, quorum, sorry server),
// and the IPVS sync daemon's settings and wire codec.
//
// A domain package: it imports script and srcpos and nothing under
// internal/ or confparse (test/deps enforces it). Unit tests run against
// the in-memory backend (memory.go); the *_vm_test.go files (build tag
// ipvskernel) run against a real kernel inside the qemu VM of test/kernel;
// testdata/fuzz holds the sync-codec fuzz corpus.
package ipvs
