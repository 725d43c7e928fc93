// Command flowbench shows, with real IPVS inside the VM of test/kernel,
// what issue #18 asks of active-active directors: when one of three
// directors dies, every connection survives on the real server it had,
// the dead director's and those the router's ECMP rehash moves between
// the survivors alike. It is why docs/scale-out.md tells operators to
// run `lb_algo mh` with DR and net.ipv4.vs.sloppy_tcp=1 on every
// director, and the contrast (rr, or mh without sloppy_tcp) shows that
// the test can fail.
//
// One VM, namespaces inside it, no traffic leaves: a client behind a
// router whose route to the VIP has one next hop per director
// (fib_multipath_hash_policy=1, so flows spread by port), three director
// namespaces each running the real govrrpd (-C) on the same virtual
// server, three DR real servers answering each request line with their
// name. The director's death is its link going down and its process
// killed; the route is then replaced without it, which is what zebra
// installs on the BGP withdrawal (the withdrawal itself is shown by
// test/lab's TestBGPScaleOut against FRR and BIRD; the host kernel there
// has no IPVS). Then a fresh fourth director joins the two left (a new
// or rebooted director, without connection state) and the connections
// still open ask once more. Cases add a real server that fails one
// director's check and comes back, with and without inhibit_on_failure.
// It prints a table and benchreport's ROW lines.
//
// test/kernel's TestMaglevFlowsInVM runs it; bench/flows-vm.sh is its
// benchmark row. Tooling, not product: nothing outside tools/ and test/
// imports it.
package main
