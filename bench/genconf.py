#!/usr/bin/env python3
"""Write a large keepalived.conf for the -t benchmark.

VS virtual_servers, each with RS real_servers and a TCP_CHECK: 66 lines per
virtual server at the default 10 real servers, so 10,000 give ~660k lines,
the size of a big LVS site's configuration. Addresses are TEST-NET: the
virtual servers cycle over 192.0.2.1-250 and the port makes each unique;
the real servers are 198.51.100.1-RS on the same port.
"""
import sys


def main():
    vs = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    out = sys.stdout
    w = out.write
    w("global_defs {\n    router_id bench\n}\n")
    for i in range(vs):
        port = 1024 + i // 250
        w("virtual_server 192.0.2.%d %d {\n" % (1 + i % 250, port))
        w("    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n")
        for j in range(rs):
            w("    real_server 198.51.100.%d %d {\n" % (1 + j % 250, port))
            w("        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n")
        w("}\n")


if __name__ == "__main__":
    main()
